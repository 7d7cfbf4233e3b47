// The C library's string routines (glibc's and musl's, SIMD or not) at every source and
// destination alignment 0..15 and every length 0..300, with the buffers against a PROT_NONE
// guard page (reads past the end must stay in the page) or right after one. Results are
// normalised (signs of comparisons, pointers as offsets) and folded into one checksum per
// routine, so the glibc and the musl build print the same lines.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAXLEN 300
static size_t pg;
static uint64_t h;
static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; }
static int sgn(int v) { return (v > 0) - (v < 0); }
static void report(const char *name) { printf("%-8s %016llx\n", name, (unsigned long long)h); h = 0xcbf29ce484222325ULL; }

/* Two RW pages between two PROT_NONE pages; returns the first RW byte. */
static unsigned char *guarded(void) {
  unsigned char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) { perror("mmap"); _exit(2); }
  if (mprotect(m, pg, PROT_NONE) || mprotect(m + 3 * pg, pg, PROT_NONE)) { perror("mprotect"); _exit(2); }
  return m + pg;
}

static unsigned char ref[2 * 4096 + 64];
static unsigned char *A, *B;            /* RW ranges [A, A + 2pg), [B, B + 2pg) */
static unsigned char pat(size_t i) { return (unsigned char)(0x21 + (i * 7) % 0x5b); }  /* never 0, never 0xff */

/* A buffer of `len` (+ `extra`) bytes at alignment `al` (mod 16): against the guard page after
 * the range (`end`), or right after the one before it. */
static unsigned char *place(unsigned char *base, size_t len, size_t extra, int al, int end) {
  if (!end) return base + al;
  uintptr_t top = (uintptr_t)(base + 2 * pg) - len - extra;
  return (unsigned char *)(top - ((top - al) & 15));
}

static void restore(unsigned char *base) { memcpy(base, ref, 2 * pg); }

static void single(int end) {
  /* strlen */
  for (int al = 0; al < 16; al++)
    for (size_t n = 0; n <= MAXLEN; n++) {
      unsigned char *p = place(A, n, 1, al, end);
      p[n] = 0;
      mix(strlen((char *)p));
      p[n] = pat(p + n - A);
    }
  report(end ? "strlen/e" : "strlen/s");
  /* memchr: present at k, absent before k, absent in all */
  for (int al = 0; al < 16; al++)
    for (size_t n = 0; n <= MAXLEN; n++) {
      unsigned char *p = place(A, n, 0, al, end);
      const unsigned char *r = memchr(p, 0xff, n);
      mix(r ? (uint64_t)(r - p) : 999);
      if (n) {
        size_t k = n * 7 / 11;
        unsigned char old = p[k];
        p[k] = 0xff;
        r = memchr(p, 0xff, n); mix(r ? (uint64_t)(r - p) : 999);
        r = memchr(p, 0xff, k); mix(r ? (uint64_t)(r - p) : 999);
        r = memchr(p, old, n); mix(r ? (uint64_t)(r - p) : 999);
        p[k] = old;
      }
    }
  report(end ? "memchr/e" : "memchr/s");
  /* strchr: present at k, absent, the terminator */
  for (int al = 0; al < 16; al++)
    for (size_t n = 0; n <= MAXLEN; n++) {
      unsigned char *p = place(A, n, 1, al, end);
      p[n] = 0;
      char *r = strchr((char *)p, 0xff); mix(r ? (uint64_t)(r - (char *)p) : 999);
      r = strchr((char *)p, 0); mix(r ? (uint64_t)(r - (char *)p) : 999);
      if (n) {
        size_t k = n * 5 / 9;
        unsigned char old = p[k];
        p[k] = 0xff;
        r = strchr((char *)p, 0xff); mix(r ? (uint64_t)(r - (char *)p) : 999);
        r = strchr((char *)p, old); mix(r ? (uint64_t)(r - (char *)p) : 999);
        p[k] = old;
      }
      p[n] = pat(p + n - A);
    }
  report(end ? "strchr/e" : "strchr/s");
  /* memset: the bytes set, and their neighbours untouched */
  for (int al = 0; al < 16; al++)
    for (size_t n = 0; n <= MAXLEN; n++) {
      unsigned char *p = place(A, n, 0, al, end);
      int c = (int)(n * 13 + al) & 0xff;
      memset(p, c, n);
      size_t good = 0;
      for (size_t i = 0; i < n; i += 7) good += p[i] == (unsigned char)c;
      mix(good); mix(n ? p[n - 1] : 0);
      if (p > A) mix(p[-1]);
      if (p + n < A + 2 * pg) mix(p[n]);
      memcpy(p, ref + (p - A), n);
    }
  report(end ? "memset/e" : "memset/s");
}

static void pairs(int end) {
  /* strcmp, strncmp, memcmp: equal, and differing at k (both directions of the byte order) */
  for (int sa = 0; sa < 16; sa++)
    for (int da = 0; da < 16; da++)
      for (size_t n = 0; n <= MAXLEN; n++) {
        unsigned char *s = place(A, n, 1, sa, end), *d = place(B, n, 1, da, end);
        memcpy(d, s, n);
        s[n] = 0; d[n] = 0;
        mix(sgn(strcmp((char *)s, (char *)d)));
        mix(sgn(strncmp((char *)s, (char *)d, n)));
        mix(sgn(memcmp(s, d, n)));
        if (n) {
          size_t k = n * 5 / 7;
          d[k] ^= 0x80;
          mix(sgn(strcmp((char *)s, (char *)d)));
          mix(sgn(strcmp((char *)d, (char *)s)));
          mix(sgn(strncmp((char *)s, (char *)d, k)));
          mix(sgn(strncmp((char *)s, (char *)d, k + 1)));
          mix(sgn(memcmp(s, d, n)));
          mix(sgn(memcmp(d, s, k + 1)));
          mix(sgn(memcmp(s, d, k)));
          d[k] ^= 0x80;
          s[n - 1] = 0;     /* shorter first string */
          mix(sgn(strcmp((char *)s, (char *)d)));
          mix(sgn(strncmp((char *)d, (char *)s, n + 5)));
          s[n - 1] = pat(s + n - 1 - A);
        }
        s[n] = pat(s + n - A);
      }
  report(end ? "cmp/e" : "cmp/s");
  restore(B);
  /* memcpy to another page */
  for (int sa = 0; sa < 16; sa++)
    for (int da = 0; da < 16; da++)
      for (size_t n = 0; n <= MAXLEN; n++) {
        unsigned char *s = place(A, n, 0, sa, end), *d = place(B, n, 0, da, end);
        unsigned char *r = memcpy(d, s, n);
        mix((uint64_t)(r - d)); mix(memcmp(d, s, n) == 0);
        if (d > B) mix(d[-1]);
        if (d + n < B + 2 * pg) mix(d[n]);
        memcpy(d, ref + (d - B), n);
      }
  report(end ? "memcpy/e" : "memcpy/s");
  /* memmove within one buffer: overlapping both ways, and not */
  for (int sa = 0; sa < 16; sa++)
    for (int da = 0; da < 16; da++)
      for (size_t n = 0; n <= MAXLEN; n++) {
        unsigned char *base = place(A, n, 32, 0, end);
        unsigned char *r = memmove(base + da, base + sa, n);
        mix((uint64_t)(r - base));
        mix(memcmp(base + da, ref + (base - A) + sa, n) == 0);
        mix(base[da ? da - 1 : 0]); mix(base[da + n]);
        memcpy(base, ref + (base - A), n + 32);
      }
  report(end ? "memmove/e" : "memmove/s");
}

int main(void) {
  pg = (size_t)sysconf(_SC_PAGESIZE);
  if (2 * pg > sizeof ref - 64) { printf("page size %zu too large\n", pg); return 2; }
  for (size_t i = 0; i < sizeof ref; i++) ref[i] = pat(i);
  A = guarded(); B = guarded();
  restore(A); restore(B);
  h = 0xcbf29ce484222325ULL;
  single(1); single(0);
  pairs(1); pairs(0);
  printf("done\n");
  return 0;
}
