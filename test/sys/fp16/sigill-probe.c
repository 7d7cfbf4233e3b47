// Executes each hex instruction word from stdin once and prints whether it raised SIGILL.
#include <signal.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
static sigjmp_buf jb;
static volatile int sig;
static void h(int s) { sig = s; siglongjmp(jb, 1); }
int main(void) {
  uint32_t *page = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = h; sa.sa_flags = SA_NODEFER;
  sigaction(SIGILL, &sa, 0); sigaction(SIGSEGV, &sa, 0); sigaction(SIGBUS, &sa, 0); sigaction(SIGFPE, &sa, 0);
  unsigned w;
  while (scanf("%x", &w) == 1) {
    page[0] = w; page[1] = 0xd65f03c0; // ret
    __builtin___clear_cache((char *)page, (char *)(page + 2));
    sig = 0;
    if (!sigsetjmp(jb, 1)) ((void (*)(void))page)();
    printf("%08x %s\n", w, sig == SIGILL ? "ill" : "ok");
  }
  return 0;
}
