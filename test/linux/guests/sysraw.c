/* Raw system calls without libc: results and errors of the calls krustvm emulates, printed so
 * that the output is the same under krustvm and qemu-aarch64 (no addresses, no times).
 * argv[1] is a data file to read (test/linux/guests/data.txt). */
#include "nolibc.h"

START_WITH_SP(cmain);

enum { AT_FDCWD = -100 };
static void line(const char *what, s64 v) { puts_(what); puts_(" = "); putd(v); putc_('\n'); }
static int streq(const char *a, const char *b) { while (*a && *a == *b) a++, b++; return *a == *b; }

void cmain(u64 *sp) {
  char **argv = (char **)(sp + 1);
  char buf[256];

  /* Errors. */
  line("write(99)", sys(64, 99, "x", 1));
  line("write(bad pointer)", sys(64, 1, 16, 1));
  line("syscall 999", sys(999, 0, 0, 0));
  line("openat(missing)", sys6(56, AT_FDCWD, (s64)"/nonexistent/file", 0, 0, 0, 0));
  line("close(77)", sys(57, 77, 0, 0));

  /* Files. */
  s64 fd = sys6(56, AT_FDCWD, (s64)argv[1], 0 /* O_RDONLY */, 0, 0, 0);
  line("openat(data) >= 3", fd >= 3);
  s64 n = sys(63, fd, buf, 5);
  line("read 5", n);
  buf[n] = 0; puts_("  got \""); puts_(buf); puts_("\"\n");
  line("lseek(SEEK_CUR)", sys(62, fd, 0, 1));
  line("lseek(2, SEEK_SET)", sys(62, fd, 2, 0));
  n = sys(63, fd, buf, 3); buf[n] = 0; puts_("  read after seek \""); puts_(buf); puts_("\"\n");
  line("pread64(off 0)", sys6(67, fd, (s64)buf, 4, 0, 0, 0));
  u64 st[16];
  line("fstat", sys(80, fd, st, 0));
  line("  st_size", (s64)st[6]);
  line("  S_ISREG", (st[2] & 0170000) == 0100000);
  line("lseek(SEEK_END)", sys(62, fd, 0, 2));
  line("read at EOF", sys(63, fd, buf, 10));
  line("write to O_RDONLY fd", sys(64, fd, "x", 1));
  s64 fm = sys6(222, 0, 8192, 1 /* PROT_READ */, 2 /* MAP_PRIVATE */, fd, 0);
  line("mmap(data.txt) page aligned", fm > 0 && (fm & 4095) == 0);
  puts_("  mapped \""); for (int i = 0; i < 5; i++) putc_(((char *)fm)[i]); puts_("\"\n");
  line("  zero after the end of the file", ((char *)fm)[25] + ((char *)fm)[4095]);
  line("mmap(MAP_SHARED, PROT_WRITE) of O_RDONLY fd", sys6(222, 0, 4096, 3, 1, fd, 0));
  s64 pm = sys6(222, 0, 4096, 3, 2, fd, 0);
  ((char *)pm)[0] = 'J';
  n = sys6(67, fd, (s64)buf, 5, 0, 0, 0); buf[n] = 0;
  puts_("  private copy written, file still \""); puts_(buf); puts_("\"\n");
  line("mmap(offset not page aligned)", sys6(222, 0, 4096, 1, 2, fd, 100));
  line("close", sys(57, fd, 0, 0));
  line("  mapping outlives the fd", ((char *)fm)[1]);
  line("close again", sys(57, fd, 0, 0));
  line("newfstatat(missing)", sys6(79, AT_FDCWD, (s64)"/nonexistent", (s64)st, 0, 0, 0));
  line("faccessat data R_OK", sys6(48, AT_FDCWD, (s64)argv[1], 4, 0, 0, 0));
  line("faccessat missing", sys6(48, AT_FDCWD, (s64)"/nonexistent", 4, 0, 0, 0));

  /* dup / fcntl. */
  s64 d = sys(23, 1, 0, 0);
  line("dup(1) >= 3", d >= 3);
  line("write via dup", sys(64, d, "dup works\n", 10));
  line("dup3(d, 40)", sys(24, d, 40, 0x80000));
  line("fcntl(40, F_GETFD)", sys(25, 40, 1, 0));
  line("close 40", sys(57, 40, 0, 0));
  line("close dup", sys(57, d, 0, 0));

  /* Pipes. */
  int pfd[2];
  line("pipe2", sys(59, pfd, 0, 0));
  line("write pipe", sys(64, pfd[1], "pipe!", 5));
  n = sys(63, pfd[0], buf, 100); buf[n] = 0;
  line("read pipe", n); puts_("  got \""); puts_(buf); puts_("\"\n");
  line("mmap(pipe)", sys6(222, 0, 4096, 1, 2, pfd[0], 0));
  sys(57, pfd[1], 0, 0);
  line("read pipe after close", sys(63, pfd[0], buf, 100));
  sys(57, pfd[0], 0, 0);

  /* Memory. */
  u64 brk0 = sys(214, 0, 0, 0);
  line("brk grows", sys(214, brk0 + 8192, 0, 0) == (s64)(brk0 + 8192));
  ((volatile char *)brk0)[8191] = 7;
  line("brk memory", ((volatile char *)brk0)[8191]);
  line("brk shrinks", sys(214, brk0, 0, 0) == (s64)brk0);
  s64 m = sys6(222, 0, 3 * 4096, 3 /* RW */, 0x22 /* PRIVATE|ANON */, -1, 0);
  line("mmap page aligned", m > 0 && (m & 4095) == 0);
  volatile char *mp = (volatile char *)m;
  line("mmap zeroed", mp[0] + mp[3 * 4096 - 1]);
  mp[4096] = 42;
  line("mprotect(RO)", sys(226, m, 4096, 1));
  line("mprotect(unaligned)", sys(226, m + 1, 4096, 1));
  line("munmap middle", sys(215, m + 4096, 4096, 0));
  line("mprotect(hole)", sys(226, m, 3 * 4096, 3));
  line("munmap(unaligned)", sys(215, m + 5, 4096, 0));
  line("mmap(len 0)", sys6(222, 0, 0, 3, 0x22, -1, 0));
  line("mmap(bad flags)", sys6(222, 0, 4096, 3, 0x20, -1, 0));
  s64 r = sys6(222, 0, 4096, 3, 0x22, -1, 0);
  ((volatile char *)r)[100] = 9;
  s64 r2 = sys6(216, r, 4096, 8 * 4096, 1 /* MAYMOVE */, 0, 0);
  line("mremap grow keeps data", ((volatile char *)r2)[100]);
  line("mremap grown tail zero", ((volatile char *)r2)[8 * 4096 - 1]);
  s64 fx = sys6(222, r2 + 4096, 4096, 3, 0x32 /* FIXED */, -1, 0);
  line("mmap FIXED at address", fx == r2 + 4096);
  line("MAP_FIXED replaced page is zero", ((volatile char *)fx)[0]);
  line("madvise DONTNEED", sys(233, r2, 4096, 4));
  line("DONTNEED page reads zero", ((volatile char *)r2)[100]);

  /* Identity and environment. */
  line("getpid > 0", sys(172, 0, 0, 0) > 0);
  line("gettid == getpid", sys(178, 0, 0, 0) == sys(172, 0, 0, 0));
  char uts[6 * 65];
  line("uname", sys(160, uts, 0, 0));
  puts_("  sysname "); puts_(uts); puts_(", machine "); puts_(uts + 4 * 65); putc_('\n');
  n = sys6(78, AT_FDCWD, (s64)"/proc/self/exe", (s64)buf, sizeof buf - 1, 0, 0);
  line("readlink /proc/self/exe > 0", n > 0);
  buf[n > 0 ? n : 0] = 0;
  { const char *b = buf, *s = buf; for (; *s; s++) if (*s == '/') b = s + 1; puts_("  basename "); puts_(b); putc_('\n'); }
  line("getcwd > 1", sys(17, buf, sizeof buf, 0) > 1);
  line("getcwd(too small)", sys(17, buf, 1, 0));
  line("chdir /", sys(49, "/", 0, 0));
  sys(17, buf, sizeof buf, 0); puts_("  cwd "); puts_(buf); putc_('\n');
  line("chdir(missing)", sys(49, "/nonexistent", 0, 0));
  unsigned char rnd[16];
  line("getrandom", sys(278, rnd, 16, 0));
  u64 t1[2], t2[2];
  sys(113, 1, t1, 0); sys(113, 1, t2, 0);
  line("clock_gettime monotonic", t2[0] > t1[0] || (t2[0] == t1[0] && t2[1] >= t1[1]));
  line("clock_gettime(bad clock)", sys(113, 99, t1, 0));
  u64 ts[2] = {0, 1000000};
  line("nanosleep 1ms", sys(101, ts, 0, 0));
  line("ioctl on a bad fd", sys(29, 0x7fffffff, 0x5401, buf));
  u64 lim[2];
  line("prlimit64 NOFILE", sys6(261, 0, 7, 0, (s64)lim, 0, 0));
  line("sched_getaffinity", sys(123, 0, 8, buf));
  line("futex wake", sys6(98, (s64)lim, 1 | 128, 1, 0, 0, 0));
  line("futex wait (value differs)", sys6(98, (s64)lim, 0 | 128, 12345, 0, 0, 0));
  line("rt_sigaction(SIGKILL)", sys6(134, 9, (s64)lim, 0, 8, 0, 0));
  line("rt_sigprocmask(bad how)", sys6(135, 7, (s64)lim, 0, 8, 0, 0));
  line("umask", sys(166, 077, 0, 0));
  line("umask again", sys(166, 022, 0, 0));
  (void)streq;
  puts_("done\n");
  exit_(3);
}
