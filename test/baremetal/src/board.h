// Board facts the guests depend on, chosen at build time: krustvm's Pi 4-shaped machine (default)
// or QEMU's virt machine (-DBOARD_VIRT; `-M virt,gic-version=2 -cpu cortex-a72`, facts from the
// DTB that `qemu-system-aarch64 -M virt,gic-version=2,dumpdtb=virt.dtb` writes and hw/arm/virt.c).
#pragma once

#ifdef BOARD_VIRT
#define RAM_BASE 0x40000000UL     /* memory@40000000 */
#define LOAD_ADDR 0x40200000UL    /* where the image is linked (build.sh passes it to link.ld) */
#define UART 0x09000000UL         /* pl011@9000000, SPI 1 */
#define GICD 0x08000000UL         /* intc@8000000: distributor, then the CPU interface */
#define GICC 0x08010000UL
#define TIMER_HZ 62500000UL       /* QEMU's generic timer: 16 ns per tick */
#define BOARD_NAME "virt"
#else
#define RAM_BASE 0x0UL
#define LOAD_ADDR 0x80000UL       /* link.ld's default */
#define UART 0xfe201000UL
#define GICD 0xff841000UL
#define GICC 0xff842000UL
#define TIMER_HZ 54000000UL       /* the Pi 4's 54 MHz crystal */
#define BOARD_NAME "pi4"
#endif

/* Physical addresses with nothing behind them (an access is an external abort). */
#ifdef BOARD_VIRT
#define PA_HOLE 0x48000000UL      /* beyond 128 MiB of RAM; nothing else is mapped there */
#else
#define PA_HOLE 0xfd000000UL
#endif
