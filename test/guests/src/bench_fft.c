// Benchmark: iterative radix-2 complex FFT in double (1024 points), forward and inverse.
// argv[1] = repetitions.
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#define N 1024
static double re[N], im[N], wr[N / 2], wi[N / 2];

static void fft(int inverse) {
  for (int i = 1, j = 0; i < N; i++) {           // bit-reversal permutation
    int bit = N >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { double t = re[i]; re[i] = re[j]; re[j] = t; t = im[i]; im[i] = im[j]; im[j] = t; }
  }
  for (int len = 2; len <= N; len <<= 1) {
    int step = N / len;
    for (int i = 0; i < N; i += len)
      for (int k = 0; k < len / 2; k++) {
        double cr = wr[k * step], ci = inverse ? -wi[k * step] : wi[k * step];
        double xr = re[i + k + len / 2] * cr - im[i + k + len / 2] * ci;
        double xi = re[i + k + len / 2] * ci + im[i + k + len / 2] * cr;
        re[i + k + len / 2] = re[i + k] - xr; im[i + k + len / 2] = im[i + k] - xi;
        re[i + k] += xr; im[i + k] += xi;
      }
  }
  if (inverse) for (int i = 0; i < N; i++) { re[i] /= N; im[i] /= N; }
}

int main(int argc, char **argv) {
  long reps = argc > 1 ? atol(argv[1]) : 10;
  for (int k = 0; k < N / 2; k++) { wr[k] = cos(-2 * M_PI * k / N); wi[k] = sin(-2 * M_PI * k / N); }
  for (int i = 0; i < N; i++) { re[i] = sin(i * 0.05) + 0.5 * cos(i * 0.31); im[i] = 0; }
  double energy = 0;
  for (long r = 0; r < reps; r++) {
    fft(0);
    energy += re[r % N] * re[r % N] + im[r % N] * im[r % N];
    fft(1);
  }
  printf("fft %ld %.10e %.10e\n", reps, energy, re[17]);
  return 0;
}
