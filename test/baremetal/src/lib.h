// Tiny runtime for the bare-metal test guests: PL011 output, PASS/FAIL reporting, PSCI, GIC-400.
#pragma once
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

struct frame { u64 x[31]; u64 elr, spsr, esr, far; u64 pad; };
/* Vector kinds passed to handle(): group * 4 + type; group 0 current EL SP0, 1 current SPx,
 * 2 lower EL AArch64, 3 lower AArch32; type 0 sync, 1 IRQ, 2 FIQ, 3 SError. */
enum { SYNC = 0, IRQ = 1, FIQ = 2, SERR = 3 };
void handle(struct frame *f, int kind);

#include "board.h"
#define R32(a) (*(volatile u32 *)(a))

#define sysreg_read(r) ({ u64 _v; __asm__ volatile("mrs %0, " #r : "=r"(_v)); _v; })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((u64)(v)) : "memory")
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb() __asm__ volatile("dsb sy" ::: "memory")

void putc(char c);
void puts(const char *s);
void puthex(u64 v);
void putdec(u64 v);
void check(int ok, const char *what);
void check_eq(u64 got, u64 want, const char *what);
extern int failures;

u64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
void poweroff_status(u64 x0_unused, u64 status) __attribute__((noreturn));
void cpu_off(void) __attribute__((noreturn));
u64 run_el0(void (*entry)(void), u64 sp, u64 spsr);
void el0_exit(u64 value) __attribute__((noreturn));
extern char vectors[];

void gic_init_dist(void);
void gic_init_cpu(void);
u32 gic_ack(void);
void gic_eoi(u32 iar);
void gic_sgi(u32 targets, u32 id);
void gic_enable(u32 id);
static inline u32 cpu_id(void) { return sysreg_read(mpidr_el1) & 0xff; }
