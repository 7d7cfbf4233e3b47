// The system-mode benchmark's kernels as a static Linux program: sysbench-user KERNEL N.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: sysbench-user copy|stride|crc32|sha256 N\n"); return 2; }
  int which = -1;
  for (int i = 0; i < KERNELS; i++) if (!strcmp(argv[1], KERNEL_NAMES[i])) which = i;
  if (which < 0) { fprintf(stderr, "unknown kernel %s\n", argv[1]); return 2; }
  long n = atol(argv[2]);
  printf("%s %ld 0x%016lx\n", KERNEL_NAMES[which], n, run_kernel(which, n));
  return 0;
}
