// Benchmark: loops the compiler vectorises at -O3 (Advanced SIMD): a saxpy in float, a
// dot product of int16 arrays widened to int32, and a byte histogram-free checksum.
// argv[1] = repetitions.
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

#define N 4096
static float x[N], y[N];
static int16_t p[N], q[N];
static uint8_t bytes[N];

int main(int argc, char **argv) {
  long reps = argc > 1 ? atol(argv[1]) : 100;
  for (int i = 0; i < N; i++) { x[i] = (float)(i % 61) * 0.25f; y[i] = (float)(i % 37); p[i] = (int16_t)(i * 37 - 5000); q[i] = (int16_t)(300 - i * 11); bytes[i] = (uint8_t)(i * 131); }
  int64_t dot = 0;
  uint32_t sum = 0;
  for (long r = 0; r < reps; r++) {
    float a = 0.5f + (float)(r & 7) * 0.125f;
    for (int i = 0; i < N; i++) y[i] = a * x[i] + y[i] * 0.5f;
    int32_t d = 0;
    for (int i = 0; i < N; i++) d += (int32_t)p[i] * q[i];
    dot += d;
    for (int i = 0; i < N; i++) sum += bytes[i] ^ (uint8_t)r;
  }
  printf("vector %ld %.6e %lld %u\n", reps, (double)y[N / 3], (long long)dot, sum);
  return 0;
}
