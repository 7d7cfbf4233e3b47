// The FP/SIMD access trap (CPACR_EL1.FPEN, ESR EC 0x07) at EL1 and EL0: FP data processing,
// FP/SIMD loads and stores, MRS/MSR of FPCR/FPSR. A trapped instruction must leave no effect
// (registers, base writeback, memory, FPCR); ELR is the trapping instruction. Then the lazy
// enable pattern Linux uses (trap, enable, retry) and the same in a loop hot enough for the JIT.
#include "lib.h"

#define FP_ESR 0x1fe00000UL      /* EC 0x07, IL, CV = 1, COND = 0xe (what QEMU reports) */
enum { SKIP, ENABLE };
static volatile u64 last_esr, last_elr, last_kind, traps, mode;
static u64 el0_stack[512] __attribute__((aligned(16)));
#define EL0_SP ((u64)&el0_stack[512])

static void set_fpen(u64 fpen) { sysreg_write(cpacr_el1, fpen << 20); isb(); }

void handle(struct frame *f, int kind) {
  u32 ec = f->esr >> 26;
  last_kind = kind; last_esr = f->esr; last_elr = f->elr;
  if (ec == 0x07) {
    traps++;
    if (mode == ENABLE) { set_fpen(3); return; }   // retry the instruction with FP enabled
    if (kind == 8) el0_exit(0xdead0000 | ec);
    f->elr += 4;                                   // skip it
    return;
  }
  if (kind == 8) {
    if (ec == 0x15 && (f->esr & 0xffff) == 0) el0_exit(f->x[0]);
    el0_exit(0xdead0000 | ec);
  }
  f->elr += 4;
}

// EL1 probes: each returns the address of its FP instruction (adr runs before it).
static u64 p_fmov(u64 v) { u64 at; __asm__ volatile("adr %0, 1f\n1: fmov d0, %1" : "=&r"(at) : "r"(v) : "memory"); return at; }
static u64 get_d0(void) { u64 v; __asm__ volatile("fmov %0, d0" : "=r"(v)); return v; }
static u64 p_ldrq_post(u64 *base) {
  u64 at, b = (u64)*base;
  __asm__ volatile("adr %0, 1f\n1: ldr q0, [%1], #16" : "=&r"(at), "+r"(b) :: "memory");
  *base = b; return at;
}
static u64 p_strq_pre(u64 *base) {
  u64 at, b = (u64)*base;
  __asm__ volatile("adr %0, 1f\n1: str q0, [%1, #16]!" : "=&r"(at), "+r"(b) :: "memory");
  *base = b; return at;
}
static u64 p_ldp_q(u64 addr) { u64 at; __asm__ volatile("adr %0, 1f\n1: ldp q0, q1, [%1]" : "=&r"(at) : "r"(addr) : "memory"); return at; }
static u64 p_msr_fpcr(u64 v) { u64 at; __asm__ volatile("adr %0, 1f\n1: msr fpcr, %1" : "=&r"(at) : "r"(v) : "memory"); return at; }
static u64 p_mrs_fpsr(u64 *v) {
  u64 at, x = *v;
  __asm__ volatile("adr %0, 1f\n1: mrs %1, fpsr" : "=&r"(at), "+r"(x) :: "memory");
  *v = x; return at;
}
static u64 p_add_v(void) { u64 at; __asm__ volatile("adr %0, 1f\n1: add v0.2d, v0.2d, v0.2d" : "=&r"(at) :: "memory"); return at; }
static u64 fcmp_nzcv;
static u64 p_fcmp(void) {
  u64 at, f;
  __asm__ volatile("msr nzcv, xzr\nadr %0, 1f\n1: fcmp d0, d0\nmrs %1, nzcv" : "=&r"(at), "=&r"(f) :: "memory", "cc");
  fcmp_nzcv = f;
  return at;
}

// A loop that runs FP instructions often enough to be compiled by the JIT.
static u64 fp_loop(u64 n) {
  u64 acc = 0;
  __asm__ volatile("1: add %0, %0, #1\n fmov d2, %0\n fmov %0, d2\n subs %1, %1, #1\n b.ne 1b"
                   : "+r"(acc), "+r"(n) :: "cc", "memory");
  return acc;
}

// EL0 probes: report x0 by SVC #0 (7 when the FP instructions ran).
void el0_fmov(void); extern char el0_fmov_at[];
void el0_ldrq(void); extern char el0_ldrq_at[];
void el0_mrs_fpcr(void); extern char el0_mrs_fpcr_at[];
__asm__(".global el0_fmov, el0_fmov_at, el0_ldrq, el0_ldrq_at, el0_mrs_fpcr, el0_mrs_fpcr_at\n"
        "el0_fmov: mov x0, #7\nel0_fmov_at: fmov d1, x0\n fmov x0, d1\n svc #0\n b .\n"
        "el0_ldrq: sub sp, sp, #16\n mov x0, #7\n str x0, [sp]\n mov x0, #0\nel0_ldrq_at: ldr q1, [sp], #16\n fmov x0, d1\n svc #0\n b .\n"
        "el0_mrs_fpcr: mov x0, #7\nel0_mrs_fpcr_at: mrs x1, fpcr\n svc #0\n b .\n");

static u8 buf[64] __attribute__((aligned(16)));

void secondary_main(void) {}

int main(void) {
  puts("fp access trap tests\n");
  mode = SKIP;

  // FPEN = 11 (start.S): FP works at EL1.
  p_fmov(0x1111);
  check_eq(get_d0(), 0x1111, "FPEN=11: fmov at EL1 runs");
  check_eq(traps, 0, "FPEN=11: no trap");

  // FPEN = 00: everything traps at EL1, with no effect.
  set_fpen(0);
  u64 at = p_fmov(0x2222);
  check_eq(last_esr, FP_ESR, "FPEN=00: fmov d0, x traps with EC 0x07 (ESR 0x1fe00000)");
  check_eq(last_elr, at, "ELR is the fmov");
  check_eq(last_kind, 4, "taken to the current-EL SPx vector");
  u64 b = PA_HOLE;                           // unmapped: a data abort if the load went ahead
  at = p_ldrq_post(&b);
  check_eq(last_esr, FP_ESR, "ldr q0, [x], #16 to an unmapped address: the FP trap, not an abort");
  check_eq(last_elr, at, "ELR is the ldr q");
  check_eq(b, PA_HOLE, "no base writeback");
  for (int i = 0; i < 64; i++) buf[i] = (u8)i;
  b = (u64)buf;
  at = p_strq_pre(&b);
  check_eq(last_esr, FP_ESR, "str q0, [x, #16]! traps");
  check_eq(last_elr, at, "ELR is the str q");
  check_eq(b, (u64)buf, "no pre-index writeback");
  int same = 1;
  for (int i = 0; i < 64; i++) same &= buf[i] == (u8)i;
  check(same, "memory untouched by the trapped store");
  last_esr = 0;
  at = p_ldp_q((u64)buf);
  check_eq(last_esr, FP_ESR, "ldp q0, q1 traps");
  check_eq(last_elr, at, "ELR is the ldp q");
  last_esr = 0;
  at = p_msr_fpcr(3UL << 22);
  check_eq(last_esr, FP_ESR, "msr fpcr traps");
  check_eq(last_elr, at, "ELR is the msr fpcr");
  u64 v = 0x5555;
  last_esr = 0;
  at = p_mrs_fpsr(&v);
  check_eq(last_esr, FP_ESR, "mrs fpsr traps");
  check_eq(last_elr, at, "ELR is the mrs fpsr");
  check_eq(v, 0x5555, "mrs fpsr left its destination alone");
  last_esr = 0;
  at = p_add_v();
  check_eq(last_esr, FP_ESR, "add v0.2d traps");
  check_eq(last_elr, at, "ELR is the add");
  last_esr = 0;
  at = p_fcmp();
  check_eq(last_esr, FP_ESR, "fcmp traps");
  check_eq(last_elr, at, "ELR is the fcmp");
  check_eq(fcmp_nzcv, 0, "the trapped fcmp left NZCV alone");
  u64 t0 = traps;

  // FPEN = 10: still traps at EL1.
  set_fpen(2);
  at = p_fmov(0x3333);
  check_eq(traps, t0 + 1, "FPEN=10: fmov at EL1 traps");
  check_eq(last_elr, at, "ELR is the fmov");

  // FPEN = 01: EL1 runs, EL0 traps.
  set_fpen(1);
  t0 = traps;
  check_eq(get_d0(), 0x1111, "FPEN=01: EL1 runs; d0 kept its value through the trapped writes");
  p_fcmp();
  check_eq(fcmp_nzcv, 0x60000000, "fcmp d0, d0 ran (Z C)");
  u64 fpcr0 = sysreg_read(fpcr);
  check_eq(fpcr0, 0, "FPCR untouched by the trapped msr");
  check_eq(traps, t0, "FPEN=01: no trap at EL1");
  check_eq(run_el0(el0_fmov, EL0_SP, 0), 0xdead0007, "FPEN=01: fmov at EL0 traps");
  check_eq(last_esr, FP_ESR, "ESR of the EL0 trap");
  check_eq(last_elr, (u64)el0_fmov_at, "ELR is the EL0 fmov");
  check_eq(last_kind, 8, "taken to the lower-EL vector");
  check_eq(run_el0(el0_ldrq, EL0_SP, 0), 0xdead0007, "FPEN=01: ldr q at EL0 traps");
  check_eq(last_elr, (u64)el0_ldrq_at, "ELR is the EL0 ldr q");
  check_eq(run_el0(el0_mrs_fpcr, EL0_SP, 0), 0xdead0007, "FPEN=01: mrs fpcr at EL0 traps");
  check_eq(last_elr, (u64)el0_mrs_fpcr_at, "ELR is the EL0 mrs fpcr");
  set_fpen(0);
  check_eq(run_el0(el0_fmov, EL0_SP, 0), 0xdead0007, "FPEN=00: fmov at EL0 traps");
  set_fpen(2);
  check_eq(run_el0(el0_fmov, EL0_SP, 0), 0xdead0007, "FPEN=10: fmov at EL0 traps");

  // FPEN = 11: EL0 runs.
  set_fpen(3);
  t0 = traps;
  check_eq(run_el0(el0_fmov, EL0_SP, 0), 7, "FPEN=11: fmov at EL0 runs");
  check_eq(run_el0(el0_ldrq, EL0_SP, 0), 7, "FPEN=11: ldr q at EL0 runs");
  check_eq(run_el0(el0_mrs_fpcr, EL0_SP, 0), 7, "FPEN=11: mrs fpcr at EL0 runs");
  check_eq(traps, t0, "FPEN=11: no traps");

  // Lazy enabling, the way Linux does it: trap, enable, retry the same instruction.
  mode = ENABLE;
  set_fpen(0);
  t0 = traps;
  check_eq(run_el0(el0_fmov, EL0_SP, 0), 7, "lazy enable: EL0 fmov traps once, then runs");
  check_eq(traps, t0 + 1, "one trap");
  check_eq((sysreg_read(cpacr_el1) >> 20) & 3, 3, "the handler enabled FP");
  set_fpen(0);
  t0 = traps;
  at = p_fmov(0x4444);
  check_eq(traps, t0 + 1, "lazy enable at EL1: one trap");
  check_eq(last_elr, at, "ELR is the fmov");
  check_eq(get_d0(), 0x4444, "the retried fmov ran");

  // Hot code (compiled by the JIT after enough runs): the trap stays exact.
  set_fpen(3);
  check_eq(fp_loop(1000), 1000, "FP loop, enabled");
  check_eq(fp_loop(1000), 1000, "FP loop, enabled, again");
  set_fpen(0);
  t0 = traps;
  check_eq(fp_loop(1000), 1000, "FP loop with lazy enable: same result");
  check_eq(traps, t0 + 1, "FP loop with lazy enable: one trap");
  mode = SKIP;
  set_fpen(0);
  t0 = traps;
  check_eq(fp_loop(500), 500, "FP loop with every FP instruction skipped: add and subs run once each");
  check_eq(traps, t0 + 1000, "FP loop, skipped: two traps per iteration");
  set_fpen(3);

  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
