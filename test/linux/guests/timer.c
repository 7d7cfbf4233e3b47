/* Interval timers: SIGALRM arrives in the middle of a busy loop (an asynchronous signal),
 * interrupts nanosleep with EINTR, wakes rt_sigsuspend, repeats with an interval; and with the
 * default action ends the process ("timer die": exit status 142). */
#include "nolibc.h"

START_WITH_SP(cmain);

struct kact { u64 handler, flags, restorer, mask; };
struct itv { u64 int_s, int_us, val_s, val_us; };
enum { SIGALRM = 14 };
static volatile int ticks;
static void on_alrm(int sig) { (void)sig; ticks++; }
static void line(const char *what, s64 v) { puts_(what); puts_(" = "); putd(v); putc_('\n'); }
static s64 setitimer_(u64 val_us, u64 int_us) {
  struct itv t = { int_us / 1000000, int_us % 1000000, val_us / 1000000, val_us % 1000000 };
  return sys(103, 0, &t, 0);
}

void cmain(u64 *sp) {
  if (sp[0] > 1) {
    puts_("waiting for SIGALRM with the default action\n");
    setitimer_(20000, 0);
    for (;;) {}
  }
  struct kact a = { (u64)on_alrm, 0, 0, 0 };
  line("sigaction", sys6(134, SIGALRM, (s64)&a, 0, 8, 0, 0));

  line("setitimer 50ms", setitimer_(50000, 0));
  struct itv cur;
  sys(102, 0, &cur, 0);
  line("getitimer: armed, under 50ms", cur.val_s == 0 && cur.val_us > 0 && cur.val_us <= 50000);
  u64 spins = 0, x = 1;
  while (!ticks) { x = x * 6364136223846793005UL + 1442695040888963407UL; spins++; }
  line("busy loop interrupted, ticks", ticks);
  line("loop state intact", spins > 0 && x != 0);

  ticks = 0;
  setitimer_(30000, 0);
  u64 req[2] = { 5, 0 }, rem[2] = { 0, 0 };
  line("nanosleep(5s) interrupted", sys(101, req, rem, 0));
  line("  remaining > 4s", rem[0] >= 4);
  line("  ticks", ticks);

  ticks = 0;
  setitimer_(10000, 10000);
  u64 none = 0;
  while (ticks < 3) line("rt_sigsuspend", sys(133, &none, 8, 0));
  setitimer_(0, 0);
  sys(102, 0, &cur, 0);
  line("disarmed", cur.val_s == 0 && cur.val_us == 0);

  u64 tmo[2] = { 0, 5000000 };
  line("ppoll(no fds, 5ms)", sys6(73, 0, 0, (s64)tmo, 0, 8, 0));
  puts_("done\n");
  exit_(0);
}
