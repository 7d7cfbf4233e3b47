/* Minimal freestanding helpers for the -nostdlib guests: raw system calls and printing. */
#ifndef NOLIBC_H
#define NOLIBC_H
typedef unsigned long u64;
typedef long s64;

static inline s64 sys6(s64 n, s64 a, s64 b, s64 c, s64 d, s64 e, s64 f) {
  register s64 x8 __asm__("x8") = n;
  register s64 x0 __asm__("x0") = a;
  register s64 x1 __asm__("x1") = b;
  register s64 x2 __asm__("x2") = c;
  register s64 x3 __asm__("x3") = d;
  register s64 x4 __asm__("x4") = e;
  register s64 x5 __asm__("x5") = f;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
}
#define sys(n, a, b, c) sys6((n), (s64)(a), (s64)(b), (s64)(c), 0, 0, 0)

static u64 slen(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void puts_(const char *s) { sys(64, 1, s, slen(s)); }
static void putc_(char c) { sys(64, 1, &c, 1); }
static void putx(u64 v) {
  char b[19]; int i = 18; b[i] = 0;
  do { b[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  b[--i] = 'x'; b[--i] = '0';
  puts_(b + i);
}
static void putd(s64 v) {
  char b[24]; int i = 23; b[i] = 0;
  u64 u = v < 0 ? -(u64)v : (u64)v;
  do { b[--i] = '0' + u % 10; u /= 10; } while (u);
  if (v < 0) b[--i] = '-';
  puts_(b + i);
}
static __attribute__((noreturn)) void exit_(int code) { sys(94, code, 0, 0); __builtin_unreachable(); }

/* _start: pass the initial sp to cmain(sp). */
#define START_WITH_SP(fn) \
  __asm__(".globl _start\n_start:\n  mov x0, sp\n  bl " #fn "\n  brk #0\n")
#endif
