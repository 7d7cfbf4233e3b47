// Benchmark: table-driven CRC-32 over a 64 KiB buffer. argv[1] = passes over the buffer.
#include <stdio.h>
#include <stdlib.h>
#include "crc32_impl.h"

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100;
  static uint8_t buf[65536];
  uint32_t x = 1;
  for (size_t i = 0; i < sizeof buf; i++) { x = x * 1103515245u + 12345u; buf[i] = (uint8_t)(x >> 16); }
  crc32_init();
  uint32_t crc = 0;
  for (long i = 0; i < n; i++) crc = crc32_update(crc, buf, sizeof buf);
  printf("crc32 %ld %08x\n", n, crc);
  return 0;
}
