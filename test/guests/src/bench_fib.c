// Benchmark: naive recursive Fibonacci (calls, returns, stack traffic). argv[1] = n.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 27;
  printf("fib(%u) = %lu\n", n, fib(n));
  return 0;
}
