/* Signal delivery without libc: synchronous faults (SIGSEGV, SIGILL, SIGTRAP) and self-sent
 * signals reach handlers with the arm64 frame Linux builds, and what a handler changes in the
 * ucontext (pc, x registers, NZCV, FP registers) is what execution resumes with. The output
 * is the same under krustvm and qemu-aarch64. "sigraw die" ends with an unhandled SIGSEGV. */
#include "nolibc.h"

START_WITH_SP(cmain);

struct kact { u64 handler, flags, restorer, mask; };
#define SA_SIGINFO 4UL
#define SA_ONSTACK 0x08000000UL
#define SA_RESTORER 0x04000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL
enum { SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12 };

static void line(const char *what, s64 v) { puts_(what); puts_(" = "); putd(v); putc_('\n'); }
static void linex(const char *what, u64 v) { puts_(what); puts_(" = "); putx(v); putc_('\n'); }

static int sigaction_(int sig, void *h, u64 flags, u64 restorer, u64 mask) {
  struct kact a = { (u64)h, flags, restorer, mask };
  return (int)sys6(134, sig, (s64)&a, 0, 8, 0, 0);
}

/* The ucontext as arm64 Linux lays it out (asm/ucontext.h, asm/sigcontext.h). */
#define UC_MCONTEXT 176
#define MC_REGS(uc) ((u64 *)((char *)(uc) + UC_MCONTEXT + 8))
#define MC_SP(uc) (*(u64 *)((char *)(uc) + UC_MCONTEXT + 256))
#define MC_PC(uc) (*(u64 *)((char *)(uc) + UC_MCONTEXT + 264))
#define MC_PSTATE(uc) (*(u64 *)((char *)(uc) + UC_MCONTEXT + 272))
#define MC_FAULT(uc) (*(u64 *)((char *)(uc) + UC_MCONTEXT))
#define MC_RESERVED(uc) ((unsigned *)((char *)(uc) + UC_MCONTEXT + 288))

extern char f_load[], f_store[], f_udf[], f_brk[], f_regs[], f_odd_back[];
static u64 page;
static volatile int got;

static void check_frame(void *info, void *uc, const char *expect_pc_name, char *expect_pc) {
  int *si = info;
  puts_("  signo="); putd(si[0]); puts_(" code="); putd(si[2]);
  puts_(" pc_ok="); putd(MC_PC(uc) == (u64)expect_pc); puts_(" ("); puts_(expect_pc_name); puts_(")");
  unsigned *r = MC_RESERVED(uc);
  puts_(" fpsimd="); putx(r[0]); puts_("/"); putd(r[1]);
  puts_(" sp_aligned="); putd(((u64)si & 15) == 0);
  putc_('\n');
}

static void on_segv(int sig, void *info, void *uc) {
  u64 addr = *(u64 *)((char *)info + 16);
  got = sig;
  if (MC_PC(uc) == (u64)f_load) {
    check_frame(info, uc, "f_load", f_load);
    linex("  si_addr", addr);
    linex("  fault_address", MC_FAULT(uc));
  } else if (MC_PC(uc) == (u64)f_store) {
    check_frame(info, uc, "f_store", f_store);
    line("  si_addr - page", (s64)(addr - page));
  } else if (MC_PC(uc) == (u64)f_regs) {
    check_frame(info, uc, "f_regs", f_regs);
    linex("  saved x9", MC_REGS(uc)[9]);
    MC_REGS(uc)[9] = 0x5678;                   /* resumes with x9 changed */
    MC_PSTATE(uc) = (MC_PSTATE(uc) & ~0xf0000000UL) | 0x40000000UL; /* Z set */
    unsigned *fp = MC_RESERVED(uc);            /* fpsimd_context: vregs at +16 */
    u64 *v8 = (u64 *)((char *)fp + 16 + 8 * 16);
    linex("  saved d8", v8[0]);
    v8[0] = 0x4000000000000000UL;              /* 2.0 */
  } else {
    puts_("  unexpected pc\n");
    exit_(99);
  }
  MC_PC(uc) += 4;
}
static void on_ill(int sig, void *info, void *uc) {
  got = sig;
  check_frame(info, uc, "f_udf", f_udf);
  line("  si_addr == pc", *(u64 *)((char *)info + 16) == MC_PC(uc));
  MC_PC(uc) += 4;
}
static void on_trap(int sig, void *info, void *uc) {
  got = sig;
  check_frame(info, uc, "f_brk", f_brk);
  MC_PC(uc) += 4;
}
static void on_bus(int sig, void *info, void *uc) {
  got = sig;
  int *si = info;
  u64 addr = *(u64 *)((char *)info + 16);
  puts_("  signo="); putd(si[0]); puts_(" code="); putd(si[2]);
  puts_(" si_addr==pc "); putd(addr == MC_PC(uc)); puts_(" offset "); putd((s64)(addr - (u64)f_odd_back)); putc_('\n');
  MC_PC(uc) = (u64)f_odd_back;   /* resume at the label after the bad branch */
}
static int usr_count;
static u64 alt_base;
static void on_usr(int sig) {
  char here;
  usr_count++;
  puts_("  handler: sig "); putd(sig);
  if (alt_base) { puts_(" on altstack "); putd((u64)&here >= alt_base && (u64)&here < alt_base + 65536); }
  putc_('\n');
}
void restorer(void);
__asm__(".globl restorer\nrestorer:\n  mov x8, #139\n  svc #0\n");

static __attribute__((noinline)) u64 do_load(void) {
  u64 v;
  __asm__ volatile(".globl f_load\nf_load: ldr %0, [%1]" : "=r"(v) : "r"(0UL) : "memory");
  return v;
}
static __attribute__((noinline)) void do_store(u64 p) {
  __asm__ volatile(".globl f_store\nf_store: str xzr, [%0, #8]" : : "r"(p) : "memory");
}

void cmain(u64 *sp) {
  int die = sp[0] > 1;

  if (die && ((char *)sp[2])[0] == 'b') {
    puts_("a blocked SIGSEGV kills even with a handler\n");
    sigaction_(SIGSEGV, on_segv, SA_SIGINFO, 0, 0);
    u64 set = 1UL << (SIGSEGV - 1);
    sys6(135, 0, (s64)&set, 0, 8, 0, 0);
    do_load();
    puts_("still alive?\n");
    exit_(1);
  }
  if (die) {
    puts_("dereferencing NULL without a handler\n");
    do_load();
    exit_(1);
  }
  line("sigaction SEGV", sigaction_(SIGSEGV, on_segv, SA_SIGINFO, 0, 0));
  line("sigaction ILL", sigaction_(SIGILL, on_ill, SA_SIGINFO | SA_RESTORER, (u64)restorer, 0));
  line("sigaction TRAP", sigaction_(SIGTRAP, on_trap, SA_SIGINFO, 0, 0));

  puts_("load from NULL\n");
  do_load();
  line("  handled", got);

  page = sys6(222, 0, 4096, 1 /* PROT_READ */, 0x22, -1, 0);
  puts_("store to read-only page\n");
  got = 0; do_store(page);
  line("  handled", got);

  puts_("udf\n");
  got = 0; __asm__ volatile(".globl f_udf\nf_udf: .inst 0x00000000" ::: "memory");
  line("  handled", got);

  puts_("brk #7\n");
  got = 0; __asm__ volatile(".globl f_brk\nf_brk: brk #7" ::: "memory");
  line("  handled", got);

  puts_("branch to a misaligned address\n");
  line("sigaction BUS", sigaction_(SIGBUS, on_bus, SA_SIGINFO, 0, 0));
  got = 0;
  __asm__ volatile("adr x9, f_odd_back\n add x9, x9, #2\n br x9\n"
                   ".globl f_odd_back\nf_odd_back: nop" ::: "x9", "memory");
  line("  handled", got);

  puts_("registers, flags and FP registers through the frame\n");
  {
    register u64 x9 __asm__("x9");
    u64 z, d8;
    __asm__ volatile(
      "mov x9, #0x1234\n"
      "mov x10, #0x4010\n fmov d8, x10\n"   /* d8 = 0x4010 (tiny bits) */
      "cmp x9, #0\n"                        /* Z clear */
      "mov x11, #0\n"
      ".globl f_regs\nf_regs: ldr x10, [x11]\n"
      "cset %1, eq\n"
      "fmov %2, d8\n"
      : "=r"(x9), "=r"(z), "=r"(d8) : : "x10", "x11", "v8", "cc", "memory");
    linex("  x9 after", x9);
    line("  Z after", z);
    linex("  d8 after", d8);
  }

  puts_("kill(getpid(), SIGUSR1)\n");
  line("sigaction USR1", sigaction_(SIGUSR1, on_usr, 0, 0, 0));
  line("  kill returned", sys(129, sys(172, 0, 0, 0), SIGUSR1, 0));
  line("  handler ran", usr_count);

  puts_("blocked SIGUSR2 stays pending until unblocked\n");
  sigaction_(SIGUSR2, on_usr, 0, 0, 0);
  u64 set = 1UL << (SIGUSR2 - 1), pend = 0;
  line("  block", sys6(135, 0, (s64)&set, 0, 8, 0, 0));
  usr_count = 0;
  line("  tgkill", sys(131, sys(172, 0, 0, 0), sys(178, 0, 0, 0), SIGUSR2));
  line("  handler ran before unblock", usr_count);
  sys(136, &pend, 8, 0);
  linex("  pending", pend);
  line("  unblock", sys6(135, 1, (s64)&set, 0, 8, 0, 0));
  line("  handler ran", usr_count);

  puts_("handler on the alternate stack\n");
  alt_base = sys6(222, 0, 65536, 3, 0x22, -1, 0);
  u64 ss[3] = { alt_base, 0, 65536 };
  line("  sigaltstack", sys(132, ss, 0, 0));
  sigaction_(SIGUSR1, on_usr, SA_ONSTACK, 0, 0);
  sys(129, sys(172, 0, 0, 0), SIGUSR1, 0);
  u64 old[3];
  sys(132, 0, old, 0);
  line("  altstack flags after", (s64)(int)old[1]);

  puts_("SA_RESETHAND: the second SIGUSR2 is ignored after SIG_IGN\n");
  alt_base = 0; usr_count = 0;
  sigaction_(SIGUSR2, on_usr, SA_RESETHAND, 0, 0);
  sys(129, sys(172, 0, 0, 0), SIGUSR2, 0);
  struct kact cur;
  sys6(134, SIGUSR2, 0, (s64)&cur, 8, 0, 0);
  line("  handler reset to SIG_DFL", cur.handler == 0);
  sigaction_(SIGUSR2, (void *)1, 0, 0, 0);
  sys(129, sys(172, 0, 0, 0), SIGUSR2, 0);
  line("  handler ran once", usr_count);
  puts_("done\n");
  exit_(0);
}
