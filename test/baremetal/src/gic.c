// GICv2 distributor and CPU interface behaviour that the GICv2 architecture (ARM IHI 0048B) fixes,
// with two CPUs configured (so SGIs/PPIs have per-CPU targets): register read-back rules,
// pending/active state of an SPI through its life, priority masking, running priority, spurious ID.
// SPI 120 is used because no device drives it on either board.
#include "lib.h"

#define SPI 120
static volatile u64 irqs, seen_iar, seen_rpr, seen_hppir, seen_active, seen_pending;

static u32 bit(u32 base, u32 id) { return (R32(GICD + base + 4 * (id / 32)) >> (id % 32)) & 1; }
static void set_bit(u32 base, u32 id) { R32(GICD + base + 4 * (id / 32)) = 1u << (id % 32); }
#define PRIO8(id) (*(volatile u8 *)(GICD + 0x400 + (id)))
#define TARGET8(id) (*(volatile u8 *)(GICD + 0x800 + (id)))

void handle(struct frame *f, int kind) {
  if ((kind & 3) != IRQ) { puts("FAIL unexpected exception "); puthex(f->esr); putc('\n'); poweroff_status(0, 9); }
  u32 iar = gic_ack();
  seen_iar = iar;
  seen_rpr = R32(GICC + 0x14);          // GICC_RPR
  seen_hppir = R32(GICC + 0x18);        // GICC_HPPIR
  seen_active = bit(0x300, SPI);        // GICD_ISACTIVER
  seen_pending = bit(0x200, SPI);       // GICD_ISPENDR
  irqs++;
  gic_eoi(iar);
}

static void spin(void) { for (int i = 0; i < 20000; i++) __asm__ volatile("nop"); }
void secondary_main(void) {}

int main(void) {
  puts("gic tests\n");
  gic_init_dist();
  gic_init_cpu();
  check_eq(R32(GICD), 3, "GICD_CTLR reads back both group enables");
  check_eq(R32(GICD + 0x800), 0x01010101, "GICD_ITARGETSR0 (SGIs) reads CPU 0's own bit in every field");
  check_eq(R32(GICD + 0x81c), 0x01010101, "GICD_ITARGETSR7 (PPIs) reads CPU 0's own bit in every field");
  check_eq(R32(GICD + 0xc00), 0xaaaaaaaa, "GICD_ICFGR0: SGIs are edge-triggered, read-only");
  R32(GICD + 0xc00) = 0;
  check_eq(R32(GICD + 0xc00), 0xaaaaaaaa, "GICD_ICFGR0 ignores writes");

  PRIO8(SPI) = 0xff;
  u32 p = PRIO8(SPI), unimpl = (~p & 0xff) + 1;
  check(p >= 0xf0 && (unimpl & (unimpl - 1)) == 0, "GICD_IPRIORITYR: low unimplemented bits RAZ, at least 16 levels");
  PRIO8(SPI) = 0xa0;
  check_eq(PRIO8(SPI), 0xa0, "GICD_IPRIORITYR byte access reads back 0xa0");
  TARGET8(SPI) = 0xff;
  check_eq(TARGET8(SPI), 0x03, "GICD_ITARGETSR of an SPI: bits of CPU interfaces that do not exist are RAZ/WI");
  TARGET8(SPI) = 0x01;
  check_eq(TARGET8(SPI), 0x01, "GICD_ITARGETSR of an SPI reads back CPU 0");
  u64 cfg = GICD + 0xc00 + 4 * (SPI / 16);
  u32 shift = 2 * (SPI % 16);
  R32(cfg) = 2u << shift;
  check_eq((R32(cfg) >> shift) & 2, 2, "GICD_ICFGR: an SPI can be made edge-triggered");
  R32(cfg) = 0;
  check_eq((R32(cfg) >> shift) & 2, 0, "GICD_ICFGR: and level-sensitive again");

  check_eq(R32(GICC + 0x0c) & 0x3ff, 1023, "GICC_IAR with nothing pending: spurious ID 1023");
  check_eq(R32(GICC + 0x14), 0xff, "GICC_RPR idle: 0xff");

  set_bit(0x200, SPI);                  // GICD_ISPENDR
  check_eq(bit(0x200, SPI), 1, "GICD_ISPENDR sets the SPI pending");
  check_eq(bit(0x100, SPI), 0, "GICD_ISENABLER: the SPI is disabled");
  __asm__ volatile("msr daifclr, #2");
  spin();
  check_eq(irqs, 0, "a pending but disabled SPI is not signalled");
  set_bit(0x280, SPI);                  // GICD_ICPENDR
  check_eq(bit(0x200, SPI), 0, "GICD_ICPENDR clears the pending state");
  gic_enable(SPI);
  check_eq(bit(0x100, SPI), 1, "GICD_ISENABLER reads the enable back");
  spin();
  check_eq(irqs, 0, "an enabled SPI that is not pending is not signalled");

  R32(GICC + 0x04) = 0xa0;              // PMR: priority 0xa0 is not higher than the mask
  set_bit(0x200, SPI);
  spin();
  check_eq(irqs, 0, "GICC_PMR equal to the priority masks the SPI");
  check_eq(sysreg_read(isr_el1) & 0x80, 0, "ISR_EL1.I clear while masked by the PMR");
  R32(GICC + 0x04) = 0xf0;
  spin();
  check_eq(irqs, 1, "raising GICC_PMR delivers the pending SPI");
  check_eq(seen_iar, SPI, "GICC_IAR names the SPI");
  check_eq(seen_rpr, 0xa0, "GICC_RPR is its priority while it is active");
  check_eq(seen_active, 1, "GICD_ISACTIVER shows it active in the handler");
  check_eq(seen_pending, 0, "acknowledging a level-sensitive SPI set by ISPENDR clears its pending state");
  check_eq(seen_hppir & 0x3ff, 1023, "GICC_HPPIR: nothing else pending");
  check_eq(bit(0x300, SPI), 0, "after EOI it is inactive");
  check_eq(R32(GICC + 0x14), 0xff, "and GICC_RPR is idle again");

  set_bit(0x300, SPI);                  // GICD_ISACTIVER
  set_bit(0x200, SPI);
  spin();
  check_eq(irqs, 1, "an active SPI that is pending again is not signalled");
  set_bit(0x380, SPI);                  // GICD_ICACTIVER
  spin();
  check_eq(irqs, 2, "clearing the active state lets it through");
  __asm__ volatile("msr daifset, #2");
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
