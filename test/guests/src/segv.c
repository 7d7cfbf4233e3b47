// Dies by SIGSEGV: a store through a null pointer.
#include <stdio.h>
int main(void) {
  printf("about to fault\n");
  fflush(stdout);
  volatile int *p = 0;
  *p = 1;
  printf("not reached\n");
  return 0;
}
