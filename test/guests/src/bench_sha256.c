// Benchmark: SHA-256 over a 64 KiB buffer. argv[1] = passes over the buffer.
#include <stdio.h>
#include <stdlib.h>
#include "sha256_impl.h"

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20;
  static uint8_t buf[65536];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 31 + (i >> 8));
  sha256_ctx c;
  sha256_init(&c);
  for (long i = 0; i < n; i++) sha256_update(&c, buf, sizeof buf);
  uint8_t d[32];
  sha256_final(&c, d);
  printf("sha256 %ld ", n);
  for (int i = 0; i < 32; i++) printf("%02x", d[i]);
  printf("\n");
  return 0;
}
