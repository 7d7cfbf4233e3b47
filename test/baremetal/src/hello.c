#include "lib.h"
void handle(struct frame *f, int kind) { (void)f; (void)kind; puts("FAIL unexpected exception\n"); poweroff_status(0, 3); }
void secondary_main(void) {}
int main(u64 dtb) {
  puts("hello from bare metal\n");
#ifdef BOARD_VIRT
  // QEMU starts an ELF image (not a Linux Image) with x0 = 0 and puts the DTB at the base of RAM.
  (void)dtb;
  check_eq(*(volatile u32 *)RAM_BASE, 0xedfe0dd0, "the DTB is at the start of RAM (QEMU ELF boot)");
#else
  check_eq(*(volatile u32 *)dtb, 0xedfe0dd0, "x0 points at the DTB");
#endif
  check_eq(sysreg_read(CurrentEL), 1 << 2, "boots at EL1");
  check_eq(sysreg_read(midr_el1), 0x410fd083, "MIDR is a Cortex-A72");
  check_eq(sysreg_read(mpidr_el1), 0x80000000, "MPIDR of CPU 0");
  check_eq(sysreg_read(daif), 0x3c0, "interrupts masked at entry");
  check_eq(sysreg_read(sctlr_el1) & 1, 0, "MMU off at entry");
#ifdef BOARD_VIRT
  check_eq(psci_call(0x84000000, 0, 0, 0) >> 16, 1, "PSCI version 1.x");   // QEMU 7.2 says 1.1
#else
  check_eq(psci_call(0x84000000, 0, 0, 0), 0x10000, "PSCI version 1.0");
#endif
  check_eq(psci_call(0x8400000a, 0x84000003, 0, 0), 0, "PSCI_FEATURES(CPU_ON)");
  check_eq(psci_call(0x12345678, 0, 0, 0), (u64)-1, "unknown SMCCC call: NOT_SUPPORTED");
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
