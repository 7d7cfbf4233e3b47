// setjmp/longjmp: nested jumps, values, and that callee-saved locals survive.
#include <stdio.h>
#include <setjmp.h>

static jmp_buf outer, inner;
static volatile int depth;

static void dive(int n) {
  depth = n;
  if (n == 5) longjmp(inner, n * 10);
  if (n == 9) longjmp(outer, 0); // longjmp with 0 must make setjmp return 1
  dive(n + 1);
}

static int recurse_jump(int n, jmp_buf *env) {
  if (n == 0) longjmp(*env, 77);
  return recurse_jump(n - 1, env) + 1;
}

int main(void) {
  volatile int counter = 0;
  int r = setjmp(outer);
  printf("outer setjmp returned %d (counter %d)\n", r, counter);
  if (r == 0) {
    counter++;
    int q = setjmp(inner);
    printf("inner setjmp returned %d depth %d\n", q, depth);
    if (q == 0) dive(0);
    else dive(6);
  }
  jmp_buf env;
  volatile double d = 1.5;
  volatile long long big = 0x123456789abcdefll;
  if ((r = setjmp(env)) == 0) {
    d *= 2; big ^= 0xff;
    recurse_jump(100, &env);
    printf("not reached\n");
  }
  printf("deep longjmp returned %d, d=%g big=%llx\n", r, d, big);
  for (volatile int i = 0; i < 5; i++) {
    jmp_buf e;
    int v = setjmp(e);
    if (v < 3) { if (v == 0) printf("loop %d start\n", i); longjmp(e, v + 1); }
    printf("loop %d ended with %d\n", i, v);
  }
  return 0;
}
