// The MMU: page tables (4 KiB granule, 39-bit VA), MMU on, faults taken and fixed (access flag,
// permission, translation), AT/PAR, TTBR0 switch with ASIDs, EL0 permissions.
#include "lib.h"

static u64 l1[512] __attribute__((aligned(4096)));
static u64 l1b[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l2b[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));
static u64 l3b[512] __attribute__((aligned(4096)));
static u64 pg[512] __attribute__((aligned(4096)));
static u64 pg2[512] __attribute__((aligned(4096)));
static u64 el0_stack[512] __attribute__((aligned(16)));

#define AF (1UL << 10)
#define SH (3UL << 8)
#define AP_EL0 (1UL << 6)
#define AP_RO (2UL << 6)
#define NORMAL (1UL << 2)  /* MAIR index 1 */
#define XN (3UL << 53)
#define VA 0x4000000UL     /* L2 index 32 → l3 */
#ifdef BOARD_VIRT
#define UNMAPPED_VA 0xc000000UL  /* L2 index 96: no entry (the devices at 0x08000000 are mapped) */
#else
#define UNMAPPED_VA 0x8000000UL  /* L2 index 64: no entry */
#endif

static volatile u64 last_esr, last_far, faults;
static volatile int fixmode;

static void tlbi_all(void) { __asm__ volatile("dsb ishst\ntlbi vmalle1is\ndsb ish\nisb" ::: "memory"); }

void handle(struct frame *f, int kind) {
  last_esr = f->esr; last_far = f->far; faults++;
  u32 ec = f->esr >> 26;
  if (kind == 8) el0_exit(ec == 0x15 ? f->x[0] : 0xdead0000 | ec);
  if ((kind & 3) != SYNC) { puts("FAIL unexpected interrupt\n"); poweroff_status(0, 9); }
  if (ec == 0x21) { f->elr = f->x[30]; return; }
  if (fixmode) {               // fix the page and retry the access
    u64 idx = (f->far - VA) >> 12;
    l3[idx] = (u64)pg | 3 | AF | SH | NORMAL;
    tlbi_all();
    return;
  }
  f->elr += 4;
}

static u64 rd(u64 va) { return *(volatile u64 *)va; }
static void wr(u64 va, u64 v) { *(volatile u64 *)va = v; }
static u64 at_s1e1r(u64 va) { __asm__ volatile("at s1e1r, %0\nisb" :: "r"(va)); return sysreg_read(par_el1); }

static void el0_read_priv(void) { __asm__ volatile("movz x0, #0x400, lsl #16\nldr x0, [x0]\nsvc #0" ::: "x0"); for (;;) {} }
static void el0_read_user(void) { __asm__ volatile("movz x0, #0x400, lsl #16\nadd x0, x0, #0x4000\nldr x0, [x0]\nsvc #0" ::: "x0"); for (;;) {} }
static void el0_write_user(void) { __asm__ volatile("movz x0, #0x400, lsl #16\nadd x0, x0, #0x5000\nstr x0, [x0]\nsvc #0" ::: "x0"); for (;;) {} }

void jump_to(u64 addr);
__asm__(".global jump_to\njump_to: br x0\n");
void secondary_main(void) {}

int main(void) {
  puts("mmu tests\n");
  pg[0] = 0x1111; pg2[0] = 0x2222;
#ifdef BOARD_VIRT
  // L1[0] → l2: device blocks over the GIC and UART (0x08000000-0x0a000000), l3 at VA;
  // L1[1]: the first GiB of RAM as one normal block.
  l1[0] = (u64)l2 | 3;
  l1[1] = RAM_BASE | 1 | AF | SH | NORMAL;
  for (int i = 64; i < 80; i++) l2[i] = ((u64)i << 21) | 1 | AF | XN;
#else
  // L1[0] → l2: 2 MiB normal blocks over the first 64 MiB, l3 at VA; L1[3]: device block.
  l1[0] = (u64)l2 | 3;
  l1[3] = 0xc0000000UL | 1 | AF | XN;
  for (int i = 0; i < 32; i++) l2[i] = ((u64)i << 21) | 1 | AF | SH | NORMAL;
#endif
  l2[32] = (u64)l3 | 3;
  l3[0] = (u64)pg | 3 | AF | SH | NORMAL;
  l3[1] = (u64)pg | 3 | SH | NORMAL;                 // AF clear
  l3[2] = (u64)pg | 3 | AF | SH | NORMAL | AP_RO;    // read-only
  l3[3] = 0;                                         // invalid
  l3[4] = (u64)pg | 3 | AF | SH | NORMAL | AP_EL0 | AP_RO; // EL0 read-only
  l3[5] = (u64)pg | 3 | AF | SH | NORMAL | AP_EL0 | AP_RO;
  // A second address space: VA maps pg2.
  for (int i = 0; i < 512; i++) { l1b[i] = l1[i]; l2b[i] = l2[i]; l3b[i] = l3[i]; }
  l1b[0] = (u64)l2b | 3; l2b[32] = (u64)l3b | 3; l3b[0] = (u64)pg2 | 3 | AF | SH | NORMAL;

  sysreg_write(mair_el1, 0xff00);
  // T0SZ 25 (39-bit VA), 4K granule, inner-shareable WBWA walks, EPD1, IPS 40 bits, 16-bit ASIDs.
  sysreg_write(tcr_el1, 25 | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (2UL << 32) | (1UL << 36));
  sysreg_write(ttbr0_el1, (u64)l1);
  isb();
  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
  isb();
  check_eq(sysreg_read(sctlr_el1) & 1, 1, "MMU on, still running (identity map)");

  check_eq(rd(VA), 0x1111, "page mapping reads the right physical page");
  fixmode = 1;
  faults = 0;
  check_eq(rd(VA + 0x1000), 0x1111, "access flag fault fixed and the load retried");
  check_eq(last_esr, 0x9600000b, "access flag fault, level 3");
  check_eq(last_far, VA + 0x1000, "FAR of the access flag fault");
  wr(VA + 0x2000, 0x3333);
  check_eq(last_esr, 0x9600004f, "write to a read-only page: permission fault, level 3, WnR");
  check_eq(rd(VA), 0x3333, "the retried store landed");
  check_eq(rd(VA + 0x3000), 0x3333, "translation fault fixed by mapping the page");
  check_eq(last_esr, 0x96000007, "translation fault, level 3");
  check_eq(faults, 3, "three faults taken");
  fixmode = 0;
  rd(UNMAPPED_VA);
  check_eq(last_esr, 0x96000006, "unmapped 2 MiB region: translation fault, level 2");
  rd(0x8000000000UL);
  check_eq(last_esr, 0x96000004, "VA beyond T0SZ: translation fault, level 0");
  rd(0xffffff8000000000UL);
  check_eq(last_esr, 0x96000004, "TTBR1 half with EPD1: translation fault, level 0");
  jump_to(UNMAPPED_VA);
  check_eq(last_esr, 0x86000006, "fetch from an unmapped region: instruction abort, level 2");

  u64 par = at_s1e1r(VA);
  check_eq(par & 0xfffffffff001UL, (u64)pg, "AT S1E1R: PA in PAR_EL1, F = 0");
  check_eq(par >> 56, 0xff, "AT S1E1R: memory attributes in PAR_EL1");
  check_eq(at_s1e1r(UNMAPPED_VA) & 0x7f, (0x06 << 1) | 1, "AT on an unmapped VA: F = 1, FST");

  sysreg_write(ttbr0_el1, (u64)l1b | (5UL << 48)); isb();
  check_eq(rd(VA), 0x2222, "TTBR0 switch (ASID 5) maps VA to the other page");
  sysreg_write(ttbr0_el1, (u64)l1 | (1UL << 48)); isb();
  check_eq(rd(VA), 0x3333, "switch back (ASID 1)");

  u64 sp0 = (u64)&el0_stack[512];
  check_eq(run_el0(el0_read_priv, sp0, 0x3c0), 0xdead0024, "EL0 read of an EL1-only page: data abort from EL0");
  check_eq(last_esr, 0x9200000f, "EL0 permission fault, level 3");
  check_eq(run_el0(el0_read_user, sp0, 0x3c0), 0x3333, "EL0 reads an EL0-readable page");
  check_eq(run_el0(el0_write_user, sp0, 0x3c0), 0xdead0024, "EL0 write to an EL0 read-only page faults");
  check_eq(last_esr, 0x9200004f, "EL0 write permission fault, WnR");

  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) & ~1UL); isb();
  check_eq(rd((u64)pg), 0x3333, "MMU off again: flat map");
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
