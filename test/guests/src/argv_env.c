// Prints argc/argv and the environment variables whose names start with KVT_.
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
extern char **environ;
int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] len %zu\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc]=%s\n", argv[argc] ? "non-null" : "NULL");
  int n = 0;
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "KVT_", 4) == 0) { printf("env %s\n", *e); n++; }
  printf("%d KVT_ variables\n", n);
  const char *v = getenv("KVT_ALPHA");
  printf("getenv(KVT_ALPHA)=%s\n", v ? v : "(null)");
  printf("getenv(KVT_MISSING)=%s\n", getenv("KVT_MISSING") ? "set" : "(null)");
  return argc;
}
