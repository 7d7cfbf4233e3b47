// Benchmark: memset and memcpy of 256 KiB buffers (glibc's string routines). argv[1] = rounds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 200;
  enum { SZ = 256 * 1024 };
  static uint8_t a[SZ], b[SZ];
  uint64_t sum = 0;
  for (long i = 0; i < n; i++) {
    size_t off = (size_t)(i * 7) & 63;
    memset(a + off, (int)(i & 0xff), SZ - 64);
    memcpy(b + (63 - off), a + off, SZ - 64);
    sum = sum * 31 + b[(size_t)(i * 4099) % (SZ - 64)] + b[SZ - 65];
  }
  printf("memcpy %ld %016llx\n", n, (unsigned long long)sum);
  return 0;
}
