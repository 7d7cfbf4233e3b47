// Exception vectors and ESR syndromes for each kind of exception.
#include "lib.h"

static volatile u64 last_esr, last_far, last_elr, last_kind, last_spsr, irqs, last_iar, svc_esr;
static u64 el0_stack[512] __attribute__((aligned(16)));
#define EL0_SP ((u64)&el0_stack[512])

void jump_to(u64 addr);
__asm__(".global jump_to\njump_to: br x0\n");

void handle(struct frame *f, int kind) {
  last_kind = kind;
  if ((kind & 3) == IRQ) { u32 iar = gic_ack(); last_iar = iar; irqs++; gic_eoi(iar); return; }
  last_esr = f->esr; last_far = f->far; last_elr = f->elr; last_spsr = f->spsr;
  u32 ec = f->esr >> 26;
  if (kind == 8) {                       // from EL0
    if (ec == 0x15) {
      if ((f->esr & 0xffff) == 0) el0_exit(f->x[0]);
      svc_esr = f->esr;
      f->x[0] *= 2;                      // the "system call": doubles x0
      return;
    }
    el0_exit(0xdead0000 | ec);           // anything else ends the EL0 task
  }
  if (ec == 0x21 || ec == 0x22 || ec == 0x20) { f->elr = f->x[30]; return; } // back to jump_to's caller
  if (ec == 0x15) return;                // SVC: ELR is already the next instruction
  if (ec == 0x0e) f->spsr &= ~(1UL << 20); // else ERET restores PSTATE.IL and it traps again
  f->elr += 4;
}

static void el0_svc(void) {
  register u64 x0 __asm__("x0") = 21;
  __asm__ volatile("svc #5" : "+r"(x0));
  __asm__ volatile("svc #0" :: "r"(x0));
  for (;;) {}
}
static void el0_sysreg(void) { __asm__ volatile("mrs x0, sctlr_el1\nsvc #0" ::: "x0"); for (;;) {} }
static void el0_ctr(void) { __asm__ volatile("mrs x5, ctr_el0\nmov x0, x5\nsvc #0" ::: "x0", "x5"); for (;;) {} }
static void el0_wfi(void) { __asm__ volatile("wfi\nmov x0, #1\nsvc #0" ::: "x0"); for (;;) {} }
static void el0_hvc(void) { __asm__ volatile("hvc #0\nmov x0, #1\nsvc #0" ::: "x0"); for (;;) {} }
static void el0_daif(void) { __asm__ volatile("msr daifset, #2\nmov x0, #1\nsvc #0" ::: "x0"); for (;;) {} }

void secondary_main(void) {}

int main(void) {
  puts("exception tests\n");
  check_eq((u64)vectors, sysreg_read(vbar_el1), "VBAR_EL1 holds the vector table");

  // EL0: SVC with an immediate, a "system call" that changes x0, and the return.
  check_eq(run_el0(el0_svc, EL0_SP, 0), 42, "SVC from EL0 returns the handler's x0");
  check_eq(svc_esr, 0x56000005, "ESR of SVC #5 from EL0 (EC 0x15, IL, imm16)");
  check_eq(last_kind, 8, "SVC from EL0 uses the lower-EL synchronous vector");
  check_eq(last_spsr & 0x3cf, 0, "SPSR of SVC from EL0 says EL0t, DAIF clear");

  check_eq(run_el0(el0_sysreg, EL0_SP, 0), 0xdead0000, "EL0 MRS SCTLR_EL1 is UNDEFINED");
  check_eq(last_esr, 0x02000000, "ESR of an undefined instruction (EC 0, IL)");

  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) & ~(1UL << 15)); isb();
  check_eq(run_el0(el0_ctr, EL0_SP, 0), 0xdead0018, "EL0 MRS CTR_EL0 with SCTLR.UCT=0 traps");
  check_eq(last_esr, 0x6232c0a1, "ESR of the trapped MRS (EC 0x18: op0 3 op2 1 op1 3 Rt 5, read)");
  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | (1UL << 15)); isb();
  check_eq(run_el0(el0_ctr, EL0_SP, 0), 0x8444c004, "EL0 reads CTR_EL0 with SCTLR.UCT=1");

  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) & ~(1UL << 16)); isb();
  check_eq(run_el0(el0_wfi, EL0_SP, 0), 0xdead0001, "EL0 WFI with SCTLR.nTWI=0 traps");
  check_eq(last_esr, 0x07e00000, "ESR of the trapped WFI (EC 1, CV, COND 0xe, TI 0)");
  check_eq(run_el0(el0_hvc, EL0_SP, 0), 0xdead0000, "EL0 HVC is UNDEFINED");
  check_eq(run_el0(el0_daif, EL0_SP, 0), 0xdead0018, "EL0 MSR DAIFSet with SCTLR.UMA=0 traps");
  check_eq(last_esr, 0x620cd3e4, "ESR of the trapped MSR DAIFSet (op1 3 CRn 4 CRm 2 op2 6, Rt 31)");

  // EL1 synchronous exceptions.
  __asm__ volatile("udf #0");
  check_eq(last_esr, 0x02000000, "UDF at EL1: EC 0");
  check_eq(last_kind, 4, "EL1 exception with SP_EL1 uses the current-EL SPx vector");
  __asm__ volatile("brk #0x42");
  check_eq(last_esr, 0xf2000042, "BRK #0x42: EC 0x3c with the immediate");
  __asm__ volatile("svc #7");
  check_eq(last_esr, 0x56000007, "SVC #7 at EL1");
  check_eq(sysreg_read(elr_el1) & 3, 0, "ELR_EL1 readable");

  volatile u32 *hole = (volatile u32 *)PA_HOLE;
  (void)*hole;
  check_eq(last_esr, 0x96000210, "load from an unmapped physical address: sync external abort, EA");
  check_eq(last_far, PA_HOLE, "FAR of the external abort");
  *hole = 1;
  check_eq(last_esr, 0x96000250, "store to an unmapped physical address: WnR set");
  (void)*(volatile u32 *)(UART + 1);
  check_eq(last_esr, 0x96000021, "misaligned device access: alignment fault");
  check_eq(last_far, UART + 1, "FAR of the alignment fault");

  jump_to(LOAD_ADDR + 2);
  check_eq(last_esr, 0x8a000000, "branch to a misaligned PC: EC 0x22");
  check_eq(last_far, LOAD_ADDR + 2, "FAR of the misaligned PC");
  jump_to(PA_HOLE);
  check_eq(last_esr, 0x86000210, "fetch from an unmapped physical address: instruction abort, external");
  check_eq(last_far, PA_HOLE, "FAR of the instruction abort");
  jump_to(1UL << 48);
  check_eq(last_esr, 0x86000000, "fetch beyond the PA range with the MMU off: address size fault, level 0");

  // Current EL with SP0.
  __asm__ volatile("msr sp_el0, %0\nmsr spsel, #0\nbrk #1\nmsr spsel, #1" :: "r"(EL0_SP) : "memory");
  check_eq(last_kind, 0, "exception at EL1 with SPSel=0 uses the current-EL SP0 vector");
  check_eq(last_spsr & 0xf, 4, "SPSR says EL1t");

  // Illegal exception return (to EL2h): PSTATE.IL, then EC 0x0e.
  __asm__ volatile("adr x0, 1f\nmsr elr_el1, x0\nmov x0, #0x3c9\nmsr spsr_el1, x0\neret\n1: nop" ::: "x0", "memory");
  check_eq(last_esr, 0x3a000000, "ERET to EL2: illegal execution state exception");
  check(((last_spsr >> 20) & 1) == 1, "SPSR.IL set by the illegal return");

  // IRQ: an SGI to ourselves through the GIC.
  gic_init_dist();
  gic_init_cpu();
  __asm__ volatile("msr daifclr, #2");
  gic_sgi(1, 3);
  for (int i = 0; i < 100000 && !irqs; i++) __asm__ volatile("nop");
  check_eq(irqs, 1, "SGI to self is taken as an IRQ");
  check_eq(last_kind, 5, "IRQ at EL1 uses the current-EL SPx IRQ vector");
  check_eq(last_iar, 3, "GICC_IAR names SGI 3 from CPU 0");
  __asm__ volatile("msr daifset, #2");
  gic_sgi(1, 4);
  for (int i = 0; i < 20000; i++) __asm__ volatile("nop");
  check_eq(irqs, 1, "masked IRQ is not taken");
  check_eq(sysreg_read(isr_el1), 0x80, "ISR_EL1.I shows it pending");
  __asm__ volatile("msr daifclr, #2\nnop");
  check_eq(irqs, 2, "unmasking takes the pending IRQ at once");

  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
