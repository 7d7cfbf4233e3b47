// Identification registers of the Cortex-A72 (r0p3) against the values of its TRM (ARM DDI 0488,
// "AArch64 identification registers"), field by field where the board decides (which exception
// levels exist and whether they have AArch32), whole registers where it does not.
#include "lib.h"

void handle(struct frame *f, int kind) { (void)kind; puts("FAIL unexpected exception "); puthex(f->esr); putc('\n'); poweroff_status(0, 9); }
void secondary_main(void) {}

static u64 field(u64 v, int lsb) { return (v >> lsb) & 15; }
static u64 ccsidr(u64 sel) { sysreg_write(csselr_el1, sel); isb(); return sysreg_read(ccsidr_el1); }

int main(void) {
  puts("id register tests\n");
  check_eq(sysreg_read(midr_el1), 0x410fd083, "MIDR_EL1: Arm Cortex-A72 r0p3");
  check_eq(sysreg_read(revidr_el1), 0, "REVIDR_EL1");
  u64 pfr0 = sysreg_read(id_aa64pfr0_el1);
  check(field(pfr0, 0) != 0, "ID_AA64PFR0_EL1.EL0: AArch64");
  check(field(pfr0, 4) != 0, "ID_AA64PFR0_EL1.EL1: AArch64");
  check_eq(field(pfr0, 16), 0, "ID_AA64PFR0_EL1.FP: single and double precision");
  check_eq(field(pfr0, 20), 0, "ID_AA64PFR0_EL1.AdvSIMD: implemented");
  check_eq(field(pfr0, 24), 0, "ID_AA64PFR0_EL1.GIC: no system-register GIC interface (GICv2)");
  check_eq(pfr0 >> 28, 0, "ID_AA64PFR0_EL1: no RAS, SVE, or later features");
  check_eq(sysreg_read(id_aa64pfr1_el1), 0, "ID_AA64PFR1_EL1");
  check_eq(sysreg_read(id_aa64dfr0_el1), 0x10305106, "ID_AA64DFR0_EL1: v8 debug, PMUv3, 6 breakpoints, 4 watchpoints, 2 CTX_CMPs");
  check_eq(sysreg_read(id_aa64dfr1_el1), 0, "ID_AA64DFR1_EL1");
  check_eq(sysreg_read(id_aa64isar0_el1), 0x11120, "ID_AA64ISAR0_EL1: AES with PMULL, SHA1, SHA256, CRC32");
  check_eq(sysreg_read(id_aa64isar1_el1), 0, "ID_AA64ISAR1_EL1");
  check_eq(sysreg_read(id_aa64mmfr0_el1), 0x1124, "ID_AA64MMFR0_EL1: 44-bit PA, 16-bit ASID, mixed endian, 4K and 64K granules");
  check_eq(sysreg_read(id_aa64mmfr1_el1), 0, "ID_AA64MMFR1_EL1");
  check_eq(sysreg_read(s3_0_c0_c7_2), 0, "ID_AA64MMFR2_EL1");
  check_eq(sysreg_read(ctr_el0), 0x8444c004, "CTR_EL0: 64-byte lines, PIPT instruction cache");
  check_eq(sysreg_read(dczid_el0), 4, "DCZID_EL0: DC ZVA zeroes 64 bytes");
  check_eq(sysreg_read(clidr_el1), 0x0a200023, "CLIDR_EL1: separate L1 caches, unified L2, LoUU 1, LoC 2");
  check_eq(ccsidr(0), 0x701fe00a, "CCSIDR_EL1 of the L1 data cache: 32 KB, 2-way, 64-byte lines");
  check_eq(ccsidr(1), 0x201fe012, "CCSIDR_EL1 of the L1 instruction cache: 48 KB, 3-way, 64-byte lines");
  check_eq(ccsidr(2), 0x707fe07a, "CCSIDR_EL1 of the L2 cache: 1 MB, 16-way, 64-byte lines");
  check_eq(sysreg_read(csselr_el1), 2, "CSSELR_EL1 reads back");
  check_eq(sysreg_read(sctlr_el1), 0x00c50838, "SCTLR_EL1 at reset: RES1 bits, MMU and caches off");
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
