// Every integer conversion of printf, with widths, precisions and flags, at edge values.
#include <stdio.h>
#include <limits.h>
#include <stdint.h>
#include <stddef.h>

int main(void) {
  static const long long vals[] = {0, 1, -1, 7, -7, 42, 255, 256, 65535, -32768, 123456789,
                                   INT_MAX, INT_MIN, UINT_MAX, LLONG_MAX, LLONG_MIN};
  static const char *flags[] = {"", "-", "+", " ", "#", "0", "-+", "+0", "#0", "- "};
  for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    long long v = vals[i];
    printf("[%d] [%i] [%u] [%x] [%X] [%o] [%ld] [%lld] [%llu] [%llx]\n", (int)v, (int)v, (unsigned)v,
           (unsigned)v, (unsigned)v, (unsigned)v, (long)v, v, (unsigned long long)v, (unsigned long long)v);
    printf("[%hhd] [%hhu] [%hd] [%hu] [%hhx] [%hx] [%zu] [%zd] [%jd] [%ju] [%td]\n", (signed char)v,
           (unsigned char)v, (short)v, (unsigned short)v, (unsigned char)v, (unsigned short)v, (size_t)v,
           (ptrdiff_t)v, (intmax_t)v, (uintmax_t)v, (ptrdiff_t)v);
    for (unsigned f = 0; f < sizeof flags / sizeof flags[0]; f++) {
      char fmt[128];
      snprintf(fmt, sizeof fmt, "%%%s12d|%%%s.5i|%%%s8.3x|%%%s-10o|%%%s#12llX|%%%s20lld\n", flags[f], flags[f],
               flags[f], flags[f], flags[f], flags[f]);
      printf(fmt, (int)v, (int)v, (unsigned)v, (unsigned)v, (unsigned long long)v, v);
    }
  }
  printf("[%llu] [%llx] [%llo] [%#llx] [%#llo]\n", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
  printf("[%lld] [%lld] [%d] [%d]\n", LLONG_MIN, LLONG_MAX, INT_MIN, INT_MAX);
  printf("[%*d] [%-*d] [%.*d] [%*.*d]\n", 8, 42, 8, 42, 6, 42, 10, 4, -42);
  printf("[%.0d] [%.0x] [%#.0o] [%#x] [%#o]\n", 0, 0, 0, 0, 0);
  for (int c = 32; c < 127; c++) putchar(c);
  putchar('\n');
  printf("[%c] [%5c] [%-5c] [%c]\n", 'A', 'B', 'C', 0x7a);
  printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%s]\n", "hello", "hi", "left", "truncate", "ab", "");
  printf("[%p] [%p] [%20p] [%-20p]|\n", (void *)0x1234, (void *)0xfffffffffffff000ull, (void *)0xabc, (void *)0xdef);
  int n1 = 0, n2 = 0;
  printf("count%n this%n\n", &n1, &n2);
  printf("n1=%d n2=%d\n", n1, n2);
  printf("%%literal%% |\n");
  char buf[16];
  int r = snprintf(buf, sizeof buf, "%d-%d-%d-%d", 111111, 222222, 333333, 444444);
  printf("snprintf returned %d, buf='%s'\n", r, buf);
  return 0;
}
