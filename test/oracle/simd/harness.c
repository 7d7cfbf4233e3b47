// qemu-aarch64 oracle harness (dev tool, not part of npm test): reads test cases from stdin,
// runs each instruction word once with the given register state, writes the state after.
// Record in:  u32 word, u32 pad, state[792], mem[memsize]
// Record out: u32 signo, u32 pad, u64 fault addr, state[792], mem[memsize]
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern char runner_start[], runner_end[], runner_insn[];
#define STATE_IO 792
#define MEMBASE ((void *)0x200000)
struct __attribute__((aligned(16))) st { unsigned char io[STATE_IO]; uint64_t saved[20]; };

static sigjmp_buf jb;
static volatile uint32_t gotsig;
static volatile uint64_t sigaddr;
static void handler(int s, siginfo_t *si, void *uc) {
  (void)uc; gotsig = s; sigaddr = (uint64_t)si->si_addr; siglongjmp(jb, 1);
}

static int readall(void *p, size_t n) {
  size_t d = 0;
  while (d < n) { ssize_t r = read(0, (char *)p + d, n - d); if (r <= 0) return 0; d += r; }
  return 1;
}
static void writeall(const void *p, size_t n) {
  size_t d = 0;
  while (d < n) { ssize_t r = write(1, (const char *)p + d, n - d); if (r <= 0) exit(2); d += r; }
}

int main(void) {
  uint32_t memsize;
  if (!readall(&memsize, 4)) return 1;
  unsigned char *mem = mmap(MEMBASE, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (mem != MEMBASE) { perror("mmap mem"); return 1; }
  mprotect(mem + 0x1000, 0x1000, PROT_NONE); // the page after the buffer faults
  size_t len = runner_end - runner_start;
  unsigned char *code = mmap(0, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(code, runner_start, len);
  uint32_t *slot = (uint32_t *)(code + (runner_insn - runner_start));
  static char altstack[65536];
  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
  sigaltstack(&ss, 0);
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler; sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGILL, &sa, 0); sigaction(SIGSEGV, &sa, 0); sigaction(SIGBUS, &sa, 0);
  static struct st s;
  uint32_t hdr[2];
  while (readall(hdr, 8)) {
    if (!readall(s.io, STATE_IO) || !readall(mem, memsize)) return 1;
    *slot = hdr[0];
    __builtin___clear_cache((char *)code, (char *)code + len);
    gotsig = 0; sigaddr = 0;
    if (sigsetjmp(jb, 1) == 0) ((void (*)(void *))code)(&s);
    else __asm__ volatile("msr fpcr, xzr");
    uint32_t o[2] = { gotsig, 0 };
    uint64_t a = sigaddr;
    writeall(o, 8); writeall(&a, 8); writeall(s.io, STATE_IO); writeall(mem, memsize);
  }
  return 0;
}
