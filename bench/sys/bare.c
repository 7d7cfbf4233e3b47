// The system-mode benchmark's kernels as a bare-metal guest (the test/baremetal runtime). The host
// writes its parameters at PARAMS before the guest starts: the kernel, the count and the MMU
// setting (0 off; 1 identity map of the first 32 MiB with 4 KiB pages; 2 the same with 2 MiB
// blocks), then it prints "<kernel> <n> <checksum>" like the user-mode program and powers off.
#include "../../test/baremetal/src/lib.h"
#include "kernels.h"

#define PARAMS 0x7e000UL
struct params { u64 which, n, mmu; };

// 39-bit VA (T0SZ 25: the walk starts at level 1), 4 KiB granule, TTBR1 walks off (EPD1).
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l2dev[512] __attribute__((aligned(4096)));
#define RAM_MAPPED (32UL << 20)
static u64 l3[RAM_MAPPED >> 21][512] __attribute__((aligned(4096)));

#define AF (1UL << 10)
#define SH_INNER (3UL << 8)
#define ATTR_NORMAL (0UL << 2)
#define ATTR_DEVICE (1UL << 2)

static void mmu_on(int blocks2m) {
  l1[0] = (u64)l2 | 3;                                   // 0 .. 1 GiB
  l1[3] = (u64)l2dev | 3;                                // 3 .. 4 GiB: the peripherals
  for (u64 i = 0; i < (RAM_MAPPED >> 21); i++) {
    if (blocks2m) { l2[i] = (i << 21) | AF | SH_INNER | ATTR_NORMAL | 1; continue; }
    for (u64 j = 0; j < 512; j++) l3[i][j] = (i << 21) | (j << 12) | AF | SH_INNER | ATTR_NORMAL | 3;
    l2[i] = (u64)l3[i] | 3;
  }
  u64 uart2m = UART & ~((1UL << 21) - 1);
  l2dev[(uart2m - 0xc0000000UL) >> 21] = uart2m | AF | ATTR_DEVICE | 1;
  dsb();
  sysreg_write(mair_el1, 0x00ffUL);                      // attr 0 Normal WB, attr 1 Device-nGnRnE
  sysreg_write(tcr_el1, 25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (2UL << 32));
  sysreg_write(ttbr0_el1, (u64)l1);
  isb();
  __asm__ volatile("tlbi vmalle1\n dsb sy\n isb" ::: "memory");
  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | 1 | (1 << 2) | (1 << 12));   // M, C, I
  isb();
}

void handle(struct frame *f, int kind) {
  puts("unexpected exception "); puthex(kind); puts(" esr "); puthex(f->esr); puts(" far "); puthex(f->far); puts("\n");
  poweroff_status(0, 1);
}
void secondary_main(void) {}

int main(void) {
  volatile struct params *p = (volatile struct params *)PARAMS;
  u64 which = p->which, n = p->n, mmu = p->mmu;
  if (which >= KERNELS) { puts("bad kernel\n"); return 1; }
  if (mmu) mmu_on(mmu == 2);
  u64 r = run_kernel((int)which, (long)n);
  puts(KERNEL_NAMES[which]); puts(" "); putdec(n); puts(" "); puthex(r); puts("\n");
  return 0;
}
