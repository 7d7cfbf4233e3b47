// Generic timer interrupts through the GIC at a known rate (run with --icount), WFI idling.
#include "lib.h"

#define PERIOD (TIMER_HZ / 10000)   /* 100 µs */
static volatile u64 ticks, vticks, max_late, spurious;
static volatile u64 last_esr;

void handle(struct frame *f, int kind) {
  if ((kind & 3) == SYNC) { last_esr = f->esr; if (kind == 8) el0_exit((f->esr >> 26) == 0x15 ? f->x[0] : 0xdead0000 | (f->esr >> 26)); f->elr += 4; return; }
  u32 iar = gic_ack(), id = iar & 0x3ff;
  if (id == 30) {
    u64 cval = sysreg_read(cntp_cval_el0), now = sysreg_read(cntpct_el0);
    if (now - cval > max_late) max_late = now - cval;
    ticks++;
    if (ticks < 10) sysreg_write(cntp_cval_el0, cval + PERIOD);
    else sysreg_write(cntp_ctl_el0, 0);
  } else if (id == 27) {
    vticks++;
    sysreg_write(cntv_ctl_el0, 0);
  } else spurious++;
  gic_eoi(iar);
}

static u64 el0_stack[512] __attribute__((aligned(16)));
static void el0_vct(void) { __asm__ volatile("mrs x0, cntvct_el0\nmov x0, #0x77\nsvc #0" ::: "x0"); for (;;) {} }
void secondary_main(void) {}

int main(void) {
  puts("timer tests\n");
#ifdef BOARD_VIRT
  check_eq(sysreg_read(cntfrq_el0), TIMER_HZ, "CNTFRQ_EL0 is 62.5 MHz");
#else
  check_eq(sysreg_read(cntfrq_el0), 54000000, "CNTFRQ_EL0 is 54 MHz");
#endif
  gic_init_dist();
  gic_init_cpu();
  gic_enable(30);
  gic_enable(27);
  u64 start = sysreg_read(cntpct_el0);
  sysreg_write(cntp_cval_el0, start + PERIOD);
  sysreg_write(cntp_ctl_el0, 1);
  __asm__ volatile("msr daifclr, #2");
  while (ticks < 10) __asm__ volatile("wfi");
  u64 end = sysreg_read(cntpct_el0);
  check_eq(ticks, 10, "ten physical timer interrupts");
  check(end - start >= 10 * PERIOD && end - start < 10 * PERIOD + 2000, "they came at the programmed rate");
  check(max_late < 200, "each within 200 ticks of its deadline");
  check_eq(spurious, 0, "no other interrupts");
  check_eq(sysreg_read(cntp_ctl_el0), 0, "timer disabled");

  sysreg_write(cntv_tval_el0, 1000);
  sysreg_write(cntv_ctl_el0, 1);
  while (!vticks) __asm__ volatile("wfi");
  check_eq(vticks, 1, "virtual timer interrupt (PPI 27)");
  sysreg_write(cntp_tval_el0, 100);
  check_eq(sysreg_read(cntp_ctl_el0) & 4, 0, "ISTATUS reads 0 while disabled");

  __asm__ volatile("msr daifset, #2");
  u64 sp0 = (u64)&el0_stack[512];
  sysreg_write(cntkctl_el1, 0);
  check_eq(run_el0(el0_vct, sp0, 0x3c0), 0xdead0018, "EL0 CNTVCT read with CNTKCTL.EL0VCTEN=0 traps");
  sysreg_write(cntkctl_el1, 2);
  check_eq(run_el0(el0_vct, sp0, 0x3c0), 0x77, "EL0 CNTVCT read allowed by CNTKCTL.EL0VCTEN");
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
