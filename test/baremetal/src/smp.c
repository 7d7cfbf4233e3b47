// SMP: CPUs 1-3 started by PSCI CPU_ON, SGIs between CPUs, a spinlock and an atomic counter
// (LDXR/STXR) stressed by all four.
#include "lib.h"

#define N 20000
static volatile u64 counter, locked_counter, lock_word, sgis[4], started[4], go;
extern char _start[];

static void atomic_add(volatile u64 *p, u64 v) {
  u64 t; u32 fail;
  __asm__ volatile("1: ldxr %0, [%2]\nadd %0, %0, %3\nstxr %w1, %0, [%2]\ncbnz %w1, 1b" : "=&r"(t), "=&r"(fail) : "r"(p), "r"(v) : "memory");
}
static void lock(volatile u64 *l) {
  u64 t; u32 fail;
  __asm__ volatile("sevl\n1: wfe\n2: ldaxr %0, [%2]\ncbnz %0, 1b\nstxr %w1, %3, [%2]\ncbnz %w1, 2b"
                   : "=&r"(t), "=&r"(fail) : "r"(l), "r"(1UL) : "memory");
}
static void unlock(volatile u64 *l) { __asm__ volatile("stlr xzr, [%0]" :: "r"(l) : "memory"); }

void handle(struct frame *f, int kind) {
  if ((kind & 3) != IRQ) { puts("FAIL unexpected exception "); puthex(f->esr); putc('\n'); poweroff_status(0, 9); }
  u32 iar = gic_ack();
  if ((iar & 0x3ff) < 16) sgis[cpu_id()]++;
  gic_eoi(iar);
}

static void work(void) {
  for (int i = 0; i < N; i++) {
    atomic_add(&counter, 1);
    lock(&lock_word);
    u64 v = locked_counter;
    for (volatile int k = 0; k < 3; k++) {}
    locked_counter = v + 1;
    unlock(&lock_word);
  }
}

void secondary_main(u64 ctx, u64 cpu) {
  gic_init_cpu();
  __asm__ volatile("msr daifclr, #2");
  started[cpu] = ctx;
  while (!go) {}
  work();
  gic_sgi(1, 1);                     // tell CPU 0
  while (!sgis[cpu]) __asm__ volatile("wfi");
}

int main(void) {
  puts("smp tests\n");
  gic_init_dist();
  gic_init_cpu();
  __asm__ volatile("msr daifclr, #2");
  for (u64 c = 1; c < 4; c++) check_eq(psci_call(0xc4000003, c, (u64)_start, 0x100 + c), 0, "CPU_ON");
#ifdef BOARD_VIRT
  // QEMU's CPU_ON takes effect later, on the target's thread: until CPU 1 runs, PSCI allows
  // ON_PENDING (and QEMU 7.2 even starts it a second time). krustvm's takes effect at once.
  while (!started[1]) {}
#endif
  check_eq(psci_call(0xc4000003, 1, (u64)_start, 0), (u64)-4, "CPU_ON of a running CPU: ALREADY_ON");
  check_eq(psci_call(0xc4000003, 9, (u64)_start, 0), (u64)-2, "CPU_ON of no such CPU: INVALID_PARAMETERS");
  for (int c = 1; c < 4; c++) while (!started[c]) {}
  check(started[1] == 0x101 && started[2] == 0x102 && started[3] == 0x103, "secondaries got their context id in x0");
  check_eq(psci_call(0xc4000004, 2, 0, 0), 0, "AFFINITY_INFO: CPU 2 on");
  go = 1;
  work();
  while (sgis[0] < 3) __asm__ volatile("wfi");
  check_eq(sgis[0], 3, "an SGI from each secondary");
  check_eq(counter, 4 * N, "LDXR/STXR atomic counter is exact");
  check_eq(locked_counter, 4 * N, "spinlock-protected counter is exact");
  gic_sgi(0, 2) ; // filter 0 with an empty list: nobody
  R32(GICD + 0xf00) = (1 << 24) | 2;   // every CPU but this one
  for (int c = 1; c < 4; c++) while (psci_call(0xc4000004, c, 0, 0) != 1) {}
  check(1, "all secondaries powered off (AFFINITY_INFO)");
  check_eq(sgis[0], 3, "the broadcast SGI did not come back to its sender");
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
