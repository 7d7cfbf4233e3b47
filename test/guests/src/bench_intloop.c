// Benchmark: a 64-bit integer loop (xor/add/shift/multiply-add/extract). argv[1] = iterations.
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10000000;
  uint64_t a = 0x243f6a8885a308d3ull, b = 0x13198a2e03707344ull, c = 0xa4093822299f31d0ull;
  for (long i = 0; i < n; i++) {
    a ^= b >> 3;
    b += c * 0x9e3779b97f4a7c15ull + (uint64_t)i;
    c = (c << 13) | (a >> 51);
  }
  printf("intloop %ld %016llx\n", n, (unsigned long long)(a ^ b ^ c));
  return 0;
}
