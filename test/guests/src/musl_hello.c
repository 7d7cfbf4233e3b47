// musl libc (not glibc): formatted output, string routines and malloc of another libc.
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  char buf[64]; snprintf(buf, sizeof buf, "%s|%d|%x|%.3f", "musl", argc, 0xbeef, 2.5);
  printf("%s len=%zu\n", buf, strlen(buf));
  char *p = malloc(1000); memset(p, 'x', 999); p[999] = 0; printf("%zu %s\n", strlen(p), strchr(p, 'y') ? "y" : "no y");
  return 3;
}
