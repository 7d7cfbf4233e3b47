// SError, the asynchronous abort (Arm ARM D1.14): pending in ISR_EL1.A, masked by PSTATE.A,
// taken at the SError vector (offset 0x180 of the vector group) with ESR_EL1.EC 0x2F.
// The SError comes from outside the guest: each time the guest prints "serror: ready N" the
// test makes one pending (bare machine: SysEnv.injectSError; a VM: the hypervisor core's
// virtual SError, as HCR_EL2.VSE does). Expected ESR 0xbe000000: EC 0x2F, IL, ISS 0 (IDS 0),
// what QEMU's virtual SError gives when VSESR_EL2 is 0.
#include "lib.h"

#ifdef BOARD_VIRT
// Under qemu-system-aarch64 -M virt,virtualization=on the guest enters at EL2 and plays its own
// hypervisor: main drops to EL1 with HCR_EL2.AMO set (SErrors go to EL1, and a virtual SError is
// pending while HCR_EL2.VSE = 1), and at each "serror: ready N" the EL1 code asks for one with
// HVC #0x5e, which sets HCR_EL2.VSE — what krustvm's test does from outside. Other HVCs (PSCI)
// are passed on to the firmware by SMC (QEMU's PSCI conduit when EL2 is on).
void el2_vectors(void);
__asm__(".balign 0x800\n.global el2_vectors\nel2_vectors:\n"
        ".rept 8\n.balign 0x80\n b .\n.endr\n"                  /* current EL: not expected */
        ".balign 0x80\n b el2_sync\n"                              /* lower EL, AArch64, sync */
        ".rept 7\n.balign 0x80\n b .\n.endr\n"
        "el2_sync:\n mrs x9, esr_el2\n and x10, x9, #0xffff\n cmp x10, #0x5e\n b.ne 1f\n"
        " mrs x9, hcr_el2\n orr x9, x9, #(1 << 8)\n msr hcr_el2, x9\n isb\n eret\n"
        "1: smc #0\n eret\n");
static void request_serror(void) { __asm__ volatile("hvc #0x5e" ::: "memory"); }
/** From EL2: EL1h with DAIF masked, SP_EL1 the current stack, continuing at the caller. */
static void drop_to_el1(void) {
  if (((sysreg_read(currentel) >> 2) & 3) != 2) return;
  sysreg_write(vbar_el2, (u64)el2_vectors);
  sysreg_write(hcr_el2, (1UL << 31) | (1UL << 5));        // RW: EL1 is AArch64; AMO
  __asm__ volatile("mov x9, sp\n msr sp_el1, x9\n adr x9, 1f\n msr elr_el2, x9\n"
                   "mov x9, #0x3c5\n msr spsr_el2, x9\n isb\n eret\n1:" ::: "x9", "memory");
}
#else
static void request_serror(void) {}     // the test injects it when it sees the line
static void drop_to_el1(void) {}
#endif

static volatile u64 serrors, s_kind, s_esr, s_elr, s_spsr, s_far, others;
static u64 el0_stack[512] __attribute__((aligned(16)));
#define EL0_SP ((u64)&el0_stack[512])
#define ISR_A 0x100UL

void el0_spin(void);
void el0_spin_end(void);
// Spins at EL0 until the SError arrives (then the handler ends the task); gives up after a while
// with SVC #0, x0 = 1.
__asm__(".global el0_spin\n.global el0_spin_end\n"
        "el0_spin: svc #1\n mov x1, #0x400000\n"
        "1: subs x1, x1, #1\n b.ne 1b\n mov x0, #1\n svc #0\n"
        "el0_spin_end: b .\n");

void handle(struct frame *f, int kind) {
  if ((kind & 3) == SERR) {
    serrors++; s_kind = kind; s_esr = f->esr; s_elr = f->elr; s_spsr = f->spsr; s_far = f->far;
    if (kind == 11) el0_exit(0x5e);      // from EL0: end the task
    return;
  }
  if (kind == 8 && (f->esr >> 26) == 0x15) {
    if ((f->esr & 0xffff) == 1) { puts("serror: ready 3\n"); request_serror(); return; }
    el0_exit(f->x[0]);
  }
  others++;
  if (kind == 8) el0_exit(0xdead);
  f->elr += 4;
}

/** Waits (masked) until an SError is pending; false if none came. */
static int wait_pending(void) {
  for (long i = 0; i < 4000000; i++) if (sysreg_read(isr_el1) & ISR_A) return 1;
  return 0;
}

void secondary_main(void) {}

int main(void) {
  drop_to_el1();
  puts("serror tests\n");
  sysreg_write(vbar_el1, (u64)vectors); isb();
  check_eq(sysreg_read(daif), 0x3c0, "PSTATE.A (and D, I, F) set at boot");
  check_eq(sysreg_read(isr_el1) & ISR_A, 0, "ISR_EL1.A clear: nothing pending at boot");

  // 1. Masked: pending and visible in ISR_EL1.A, not taken.
  puts("serror: ready 1\n");
  request_serror();
  check(wait_pending(), "an injected SError is pending in ISR_EL1.A");
  for (int i = 0; i < 1000; i++) __asm__ volatile("nop");
  check_eq(serrors, 0, "masked by PSTATE.A: not taken");

  // 2. Unmasking PSTATE.A takes it at once, at VBAR_EL1 + 0x200 + 0x180 (current EL, SP_ELx).
  u64 after;
  __asm__ volatile("adr %0, 1f\n msr daifclr, #4\n1:" : "=r"(after) :: "memory");
  check_eq(serrors, 1, "MSR DAIFClr #4 takes it before the next instruction");
  check_eq(s_kind, 7, "current EL with SP_ELx: the vector at offset 0x380");
  check_eq(s_esr, 0xbe000000, "ESR_EL1 of the SError (EC 0x2F, IL, ISS 0)");
  check_eq(s_elr, after, "ELR_EL1: the instruction after the unmasking MSR");
  check_eq(s_spsr & 0x3cf, 0x2c5, "SPSR_EL1: EL1h with D, I, F set and A clear");
  check_eq(sysreg_read(isr_el1) & ISR_A, 0, "taking it clears ISR_EL1.A");
  check_eq(sysreg_read(daif), 0x2c0, "ERET restores PSTATE with A clear");

  // 3. Unmasked while it becomes pending: taken at the next boundary, here while waiting.
  puts("serror: ready 2\n");
  request_serror();
  for (long i = 0; i < 4000000 && serrors < 2; i++) __asm__ volatile("nop");
  check_eq(serrors, 2, "with PSTATE.A clear an injected SError is taken without unmasking");
  check_eq(s_kind, 7, "again at offset 0x380");
  __asm__ volatile("msr daifset, #4" ::: "memory");

  // 4. From EL0 (where PSTATE.A is clear): the lower-EL vector at offset 0x580.
  u64 r = run_el0(el0_spin, EL0_SP, 0);
  check_eq(r, 0x5e, "an SError while EL0 runs ends the EL0 task through the SError vector");
  check_eq(s_kind, 11, "from EL0: the lower-EL AArch64 vector at offset 0x580");
  check_eq(s_esr, 0xbe000000, "ESR_EL1 of the SError from EL0");
  check(s_elr >= (u64)el0_spin && s_elr <= (u64)el0_spin_end, "ELR_EL1 points into the EL0 loop");
  check_eq(s_spsr & 0x3cf, 0, "SPSR_EL1: EL0t with DAIF clear");
  check_eq(serrors, 3, "three SErrors taken in all");
  check_eq(others, 0, "no other exception");

  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
