// malloc/free/realloc and the string library (glibc's tuned routines) at many lengths and offsets.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <ctype.h>

static uint32_t h32(const void *p, size_t n) {
  const uint8_t *b = p; uint32_t h = 2166136261u;
  while (n--) h = (h ^ *b++) * 16777619u;
  return h;
}

int main(void) {
  uint32_t acc = 0;
  for (size_t len = 0; len < 200; len += (len < 40 ? 1 : 13)) {
    for (size_t off = 0; off < 16; off += 5) {
      char *a = malloc(len + 64), *b = malloc(len + 64);
      for (size_t i = 0; i < len + 64; i++) { a[i] = (char)('A' + (i * 7 + len) % 26); b[i] = 0; }
      a[off + len] = 0;
      size_t sl = strlen(a + off);
      memcpy(b + 3, a + off, len + 1);
      int c1 = strcmp(a + off, b + 3);
      b[3 + len / 2] ^= 1;
      int c2 = len ? (memcmp(a + off, b + 3, len) > 0) - (memcmp(a + off, b + 3, len) < 0) : 0;
      char *ch = memchr(a + off, 'Q', len);
      char *rc = strrchr(a + off, 'B');
      memmove(a + off + 1, a + off, len);
      acc = acc * 31 + h32(a, len + 64) + (uint32_t)sl + (uint32_t)c1 * 7 + (uint32_t)c2 * 13 + (ch ? (uint32_t)(ch - a) : 999u) + (rc ? (uint32_t)(rc - a) : 777u);
      free(a); free(b);
    }
    printf("len %3zu acc %08x\n", len, acc);
  }
  char *s = NULL; size_t cap = 0;
  for (int i = 0; i < 100; i++) {
    char piece[32];
    int k = snprintf(piece, sizeof piece, "%d,", i * i);
    s = realloc(s, cap + (size_t)k + 1);
    memcpy(s + cap, piece, (size_t)k + 1);
    cap += (size_t)k;
  }
  printf("joined %zu: %.60s...\n", strlen(s), s);
  char *tok, *save, *copy = strdup(s);
  int ntok = 0; long total = 0;
  for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) { ntok++; total += strtol(tok, NULL, 10); }
  printf("tokens %d sum %ld\n", ntok, total);
  char up[64]; const char *src = "Mixed Case String 123";
  for (size_t i = 0; i <= strlen(src); i++) up[i] = (char)toupper((unsigned char)src[i]);
  printf("%s | %s | strstr=%s | strspn=%zu\n", src, up, strstr(src, "Case"), strspn(src, "Mixed "));
  free(copy); free(s);
  void *big = malloc(1 << 20);
  memset(big, 0x5a, 1 << 20);
  printf("big %08x\n", h32(big, 1 << 20));
  free(big);
  return 0;
}
