// Benchmark: double-precision matrix multiply (64×64, naive i-k-j order). argv[1] = repetitions.
#include <stdio.h>
#include <stdlib.h>

#define N 64
static double a[N][N], b[N][N], c[N][N];

int main(int argc, char **argv) {
  long reps = argc > 1 ? atol(argv[1]) : 10;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) { a[i][j] = (i * 31 + j * 17) % 97 / 97.0 - 0.5; b[i][j] = (i * 13 + j * 7) % 89 / 89.0 + 0.25; }
  double check = 0;
  for (long r = 0; r < reps; r++) {
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) c[i][j] = 0;
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) { double x = a[i][k]; for (int j = 0; j < N; j++) c[i][j] += x * b[k][j]; }
    check += c[r % N][(r * 7) % N];
    a[r % N][(r * 3) % N] += 1e-3;
  }
  printf("matmul %ld %.12e\n", reps, check);
  return 0;
}
