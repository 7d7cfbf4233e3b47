// sha256sum of the file named by argv[1] (read in odd-sized chunks to exercise buffering).
#include <stdio.h>
#include "sha256_impl.h"

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: sha256 FILE\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  sha256_ctx c;
  sha256_init(&c);
  static uint8_t buf[1000];
  size_t n, total = 0;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) { sha256_update(&c, buf, n); total += n; }
  fclose(f);
  uint8_t d[32];
  sha256_final(&c, d);
  for (int i = 0; i < 32; i++) printf("%02x", d[i]);
  printf("  %zu bytes\n", total);
  // Known-answer check: sha256("abc").
  sha256_init(&c);
  sha256_update(&c, "abc", 3);
  sha256_final(&c, d);
  for (int i = 0; i < 32; i++) printf("%02x", d[i]);
  printf("  \"abc\"\n");
  return 0;
}
