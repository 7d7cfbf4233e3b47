// vGIC guest (test/hypervisor/vgic.test.ts): more interrupts pending at once than the GIC-400's
// four list registers (three SGIs to itself and four SPIs), taken by polling GICC_IAR with IRQs
// masked: they must come in priority order (then lowest ID), each once, then spurious 1023
// (GICv2 IHI 0048B §3.3, §4.4.4). Then a level interrupt re-sampled at EOI: the virtual timer
// (PPI 27) kept asserted is pending again after its EOI; once masked (CNTV_CTL.IMASK) and the
// distributor read, nothing is pending. Same results on bare metal and in a VM.
#include "lib.h"

static u32 bit(u32 base, u32 id) { return (R32(GICD + base + 4 * (id / 32)) >> (id % 32)) & 1; }
static void set_bit(u32 base, u32 id) { R32(GICD + base + 4 * (id / 32)) = 1u << (id % 32); }
#define PRIO8(id) (*(volatile u8 *)(GICD + 0x400 + (id)))

void handle(struct frame *f, int kind) {
  puts("FAIL unexpected exception "); puthex(f->esr); putc(' '); putdec(kind); putc('\n');
  poweroff_status(0, 9);
}
void secondary_main(void) {}

int main(void) {
  puts("vgic tests\n");
  gic_init_dist();
  gic_init_cpu();
  // SPIs 100..103 with priorities 0x80, 0x90, 0x60, 0x70; the SGIs have 0xa0 (gic_init_dist).
  static const u32 spi_prio[4] = { 0x80, 0x90, 0x60, 0x70 };
  for (u32 i = 0; i < 4; i++) { PRIO8(100 + i) = spi_prio[i]; gic_enable(100 + i); }
  for (u32 id = 1; id <= 3; id++) R32(GICD + 0xf00) = (2u << 24) | id; // GICD_SGIR: to itself
  for (u32 i = 0; i < 4; i++) set_bit(0x200, 100 + i);                   // GICD_ISPENDR
  check_eq(bit(0x200, 102), 1, "SPI 102 pending in the distributor");
  check_eq(R32(GICD + 0x200) & 0xe, 0xe, "SGIs 1..3 pending in GICD_ISPENDR0");

  static const u32 want[7] = { 102, 103, 100, 101, 1, 2, 3 };
  u32 got[8], n = 0;
  for (;;) {
    u32 iar = gic_ack();
    if ((iar & 0x3ff) == 1023 || n == 8) break;
    got[n++] = iar;
    gic_eoi(iar);
  }
  check_eq(n, 7, "seven interrupts acknowledged (more than four list registers)");
  for (u32 i = 0; i < 7 && i < n; i++) check_eq(got[i] & 0x3ff, want[i], "acknowledged in priority order, then lowest ID");
  check_eq(got[4] >> 10, 0, "an SGI's IAR names its source CPU (0)");
  check_eq(R32(GICD + 0x200) & 0xe, 0, "nothing pending afterwards");
  check_eq(R32(GICD + 0x300 + 12) & 0xf0, 0, "nothing active afterwards");

  // Level re-sampling: the virtual timer condition met (CVAL 0), unmasked: PPI 27 stays up.
  gic_enable(27);
  sysreg_write(cntv_cval_el0, 0);
  sysreg_write(cntv_ctl_el0, 1);
  isb();
  u32 a = 1023;
  for (int i = 0; i < 1000 && (a & 0x3ff) == 1023; i++) a = gic_ack();
  check_eq(a & 0x3ff, 27, "the virtual timer (PPI 27) is signalled");
  gic_eoi(a);
  u32 b = gic_ack();
  check_eq(b & 0x3ff, 27, "its line still up at EOI: pending again (re-sampled)");
  sysreg_write(cntv_ctl_el0, 3);        // IMASK: the line drops
  isb();
  gic_eoi(b);
  check_eq(bit(0x200, 27), 0, "masked: PPI 27 no longer pending");
  check_eq(gic_ack() & 0x3ff, 1023, "and not signalled");
  sysreg_write(cntv_ctl_el0, 0);
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
