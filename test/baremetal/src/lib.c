#include "lib.h"

int failures;

void putc(char c) {
  while (R32(UART + 0x18) & (1 << 5)) {}
  R32(UART) = (u8)c;
}
void puts(const char *s) { while (*s) putc(*s++); }
void puthex(u64 v) {
  puts("0x");
  for (int i = 60; i >= 0; i -= 4) putc("0123456789abcdef"[(v >> i) & 15]);
}
void putdec(u64 v) {
  char b[24]; int n = 0;
  do { b[n++] = '0' + v % 10; v /= 10; } while (v);
  while (n) putc(b[--n]);
}
void check(int ok, const char *what) {
  puts(ok ? "PASS " : "FAIL ");
  puts(what);
  putc('\n');
  if (!ok) failures++;
}
void check_eq(u64 got, u64 want, const char *what) {
  puts(got == want ? "PASS " : "FAIL ");
  puts(what);
  if (got != want) { puts(": got "); puthex(got); puts(" want "); puthex(want); failures++; }
  putc('\n');
}

void gic_init_dist(void) {
  R32(GICD + 0x000) = 0;                 // GICD_CTLR off while configuring
  for (int i = 0; i < 8; i++) R32(GICD + 0x400 + 4 * i) = 0xa0a0a0a0; // priorities of SGIs/PPIs
  R32(GICD + 0x000) = 3;                 // EnableGrp0 | EnableGrp1
}
void gic_init_cpu(void) {
  R32(GICC + 0x004) = 0xf0;              // GICC_PMR: let priority 0xa0 through
  R32(GICC + 0x000) = 1;                 // GICC_CTLR.EnableGrp0 (group 0 → IRQ)
}
u32 gic_ack(void) { return R32(GICC + 0x00c); }
void gic_eoi(u32 iar) { R32(GICC + 0x010) = iar; }
void gic_sgi(u32 targets, u32 id) { R32(GICD + 0xf00) = (targets << 16) | id; }
void gic_enable(u32 id) { R32(GICD + 0x100 + 4 * (id / 32)) = 1u << (id % 32); }
