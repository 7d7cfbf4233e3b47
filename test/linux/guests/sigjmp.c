/* SIGSEGV handlers that siglongjmp out of faults (NULL, a read-only page, stack overflow on an
 * alternate stack), a handler installed with signal(), and the signal mask afterwards.
 * "sigjmp abort" ends with abort() (SIGABRT, exit status 134). */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jb;
static void *volatile fault_addr;
static volatile int fault_code;

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  fault_addr = si->si_addr;
  fault_code = si->si_code;
  siglongjmp(jb, sig);
}

static volatile int usr1;
static void on_usr1(int sig) { usr1 = sig; }

static int depth;
static int recurse(volatile char *p) {
  volatile char buf[1024];
  buf[0] = *p;
  depth++;
  return recurse(buf) + buf[0];
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "abort") == 0) {
    printf("calling abort()\n");
    fflush(stdout);
    abort();
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);

  for (int i = 1; i <= 3; i++) {
    int r = sigsetjmp(jb, 1);
    if (r == 0) {
      *(volatile int *)(uintptr_t)(0x100 * i) = i;
      printf("no fault at %#x?\n", 0x100 * i);
    } else {
      printf("caught %s (code %d) at %p\n", strsignal(r), fault_code, fault_addr);
    }
  }

  char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  strcpy(page, "read-only now");
  mprotect(page, 4096, PROT_READ);
  if (sigsetjmp(jb, 1) == 0) {
    page[100] = 1;
    printf("wrote to a read-only page?\n");
  } else {
    printf("caught write to read-only page: code %d, offset %ld, text still \"%s\"\n",
           fault_code, (long)((char *)fault_addr - page), page);
  }

  stack_t ss = { .ss_sp = malloc(SIGSTKSZ), .ss_size = SIGSTKSZ, .ss_flags = 0 };
  sigaltstack(&ss, NULL);
  if (sigsetjmp(jb, 1) == 0) {
    char c = 1;
    recurse(&c);
  } else {
    printf("caught stack overflow on the alternate stack (deep enough: %d)\n", depth > 1000);
  }

  sigset_t cur;
  sigprocmask(SIG_SETMASK, NULL, &cur);
  printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));

  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  printf("raise(SIGUSR1) ran the handler: %d\n", usr1 == SIGUSR1);
  signal(SIGUSR1, SIG_IGN);
  raise(SIGUSR1);
  printf("ignored SIGUSR1 survived\n");
  return 7;
}
