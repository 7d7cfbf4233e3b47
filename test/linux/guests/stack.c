/* Prints the initial process stack: argc, argv, envp and the auxiliary vector, with the
 * addresses, so a test can check the layout against the rules of fs/binfmt_elf.c. */
#include "nolibc.h"

START_WITH_SP(cmain);

static void str(const char *s) { putc_('"'); puts_(s); putc_('"'); }

void cmain(u64 *sp) {
  puts_("sp "); putx((u64)sp); putc_('\n');
  s64 argc = (s64)sp[0];
  puts_("argc "); putd(argc); putc_('\n');
  char **argv = (char **)(sp + 1);
  for (int i = 0; i < argc; i++) { puts_("argv "); putd(i); putc_(' '); putx((u64)argv[i]); putc_(' '); str(argv[i]); putc_('\n'); }
  puts_("argv_null "); putx((u64)argv[argc]); putc_('\n');
  char **envp = argv + argc + 1;
  int n = 0;
  for (; envp[n]; n++) { puts_("envp "); putd(n); putc_(' '); putx((u64)envp[n]); putc_(' '); str(envp[n]); putc_('\n'); }
  u64 *auxv = (u64 *)(envp + n + 1);
  for (int i = 0;; i += 2) {
    puts_("auxv "); putd((s64)auxv[i]); putc_(' '); putx(auxv[i + 1]);
    if (auxv[i] == 15 || auxv[i] == 31) { putc_(' '); str((const char *)auxv[i + 1]); }
    if (auxv[i] == 25) { /* AT_RANDOM: show that the 16 bytes are readable */
      const unsigned char *r = (const unsigned char *)auxv[i + 1]; u64 x = 0;
      for (int k = 0; k < 16; k++) x += r[k];
      puts_(" readable");
      (void)x;
    }
    putc_('\n');
    if (auxv[i] == 0) { puts_("auxv_end "); putx((u64)(auxv + i + 2)); putc_('\n'); break; }
  }
  exit_(0);
}
