// A bare-metal driver for krustvm's virtio-net (virtio-mmio slot 0 at 0xfc000000) that first
// uses the NIC properly and then hands it hostile descriptors. Run by test/net/baremetal.test.ts
// with 64 MiB of RAM and a backend that loops every transmitted frame back to the NIC.
// Each hostile case must end in DEVICE_NEEDS_RESET (Status bit 0x40) with nothing written
// anywhere, and after a reset the NIC must work again. Build: test/net/guest/build.sh.
#include "lib.h"
typedef unsigned short u16;

void handle(struct frame *f, int kind) { (void)f; (void)kind; puts("FAIL unexpected exception\n"); poweroff_status(0, 3); }
void secondary_main(void) {}

#define VIO 0xfc000000UL
#define RAM_END (64UL << 20)
enum {
  MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEV_FEAT = 0x010, DEV_FEAT_SEL = 0x014,
  DRV_FEAT = 0x020, DRV_FEAT_SEL = 0x024, QSEL = 0x030, QNUM = 0x038, QREADY = 0x044,
  NOTIFY = 0x050, INT_STATUS = 0x060, INT_ACK = 0x064, STATUS = 0x070,
  DESC_LO = 0x080, DESC_HI = 0x084, DRIVER_LO = 0x090, DRIVER_HI = 0x094, DEVICE_LO = 0x0a0, DEVICE_HI = 0x0a4,
  CONFIG = 0x100,
};
enum { F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4 };
enum { NEEDS_RESET = 0x40 };
#define QSIZE 8

struct desc { u64 addr; u32 len; u16 flags; u16 next; };
static struct desc dt[2][QSIZE] __attribute__((aligned(16)));
static struct desc ind1[1] __attribute__((aligned(16))), ind2[1] __attribute__((aligned(16)));
static volatile u16 avail[2][4 + QSIZE] __attribute__((aligned(4)));
static volatile u32 usedr[2][2 + 2 * QSIZE] __attribute__((aligned(4)));
static u8 txbuf[256] __attribute__((aligned(16)));
static volatile u8 rxbuf[256] __attribute__((aligned(16)));
static u16 aidx[2];

static void w(u32 off, u32 v) { R32(VIO + off) = v; }
static u32 r(u32 off) { return R32(VIO + off); }
static u16 used_idx(int q) { return ((volatile u16 *)usedr[q])[1]; }

static void init(void) {
  w(STATUS, 0);
  w(STATUS, 1); w(STATUS, 3);
  w(DRV_FEAT_SEL, 0); w(DRV_FEAT, (1u << 5) | (1u << 28));   // MAC, INDIRECT_DESC
  w(DRV_FEAT_SEL, 1); w(DRV_FEAT, 1);                         // VERSION_1
  w(STATUS, 3 | 8);
  for (int q = 0; q < 2; q++) {
    for (int i = 0; i < 4 + QSIZE; i++) avail[q][i] = 0;
    for (int i = 0; i < 2 + 2 * QSIZE; i++) usedr[q][i] = 0;
    aidx[q] = 0;
    w(QSEL, q); w(QNUM, QSIZE);
    w(DESC_LO, (u32)(u64)dt[q]); w(DESC_HI, 0);
    w(DRIVER_LO, (u32)(u64)avail[q]); w(DRIVER_HI, 0);
    w(DEVICE_LO, (u32)(u64)usedr[q]); w(DEVICE_HI, 0);
    w(QREADY, 1);
  }
  w(STATUS, 0xf);
}

static void setd(struct desc *d, u64 addr, u32 len, u16 flags, u16 next) { d->addr = addr; d->len = len; d->flags = flags; d->next = next; }
static void give(int q, u16 head) {
  avail[q][2 + aidx[q] % QSIZE] = head;
  dsb();
  avail[q][1] = ++aidx[q];
  dsb();
  w(NOTIFY, q);
}

/** A 12-byte header (all zero) and a 60-byte broadcast frame from our MAC, tagged `tag`. */
static u32 make_frame(u8 tag) {
  for (int i = 0; i < 12; i++) txbuf[i] = 0;
  u8 *f = txbuf + 12;
  for (int i = 0; i < 6; i++) { f[i] = 0xff; f[6 + i] = *(volatile u8 *)(VIO + CONFIG + i); }
  f[12] = 0x88; f[13] = 0xb5;
  for (int i = 14; i < 60; i++) f[i] = (u8)(tag + i);
  return 72;
}

static void hostile(const char *what) {
  check_eq(r(STATUS) & NEEDS_RESET, NEEDS_RESET, what);
  check_eq(used_idx(1), 0, "  ... and nothing was put in the used ring");
}

int main(void) {
  check_eq(r(MAGIC), 0x74726976, "virtio magic");
  check_eq(r(VERSION), 2, "virtio-mmio version 2");
  check_eq(r(DEVICE_ID), 1, "device ID 1 (network card)");

  // 1. Proper use: one receive buffer, one frame out, which the loopback brings back.
  init();
  check_eq(r(STATUS), 0xf, "DRIVER_OK");
  for (int i = 0; i < 256; i++) rxbuf[i] = 0xaa;
  setd(&dt[0][0], (u64)rxbuf, 128, F_WRITE, 0);
  give(0, 0);
  u32 n = make_frame(1);
  setd(&dt[1][0], (u64)txbuf, n, 0, 0);
  give(1, 0);
  check_eq(used_idx(1), 1, "transmit chain used");
  check_eq(used_idx(0), 1, "frame received");
  check_eq(usedr[0][2], 72, "received length: header + 60");
  int same = 1;
  for (u32 i = 12; i < n; i++) same &= rxbuf[i] == txbuf[i];
  check(same, "received the frame sent");
  check_eq(rxbuf[10], 1, "num_buffers = 1");
  check_eq(rxbuf[72], 0xaa, "nothing written past the frame");
  check_eq(r(INT_STATUS) & 1, 1, "used-buffer interrupt pending");
  w(INT_ACK, 1);

  // 2. Hostile descriptors.
  init();
  setd(&dt[1][0], RAM_END + 0x1000, 64, 0, 0);
  give(1, 0);
  hostile("transmit buffer outside RAM: NEEDS_RESET");

  init();
  setd(&dt[1][0], (u64)txbuf, 16, F_NEXT, 1);
  setd(&dt[1][1], (u64)txbuf + 16, 16, F_NEXT, 0);
  give(1, 0);
  hostile("loop in a chain: NEEDS_RESET");

  init();
  setd(&dt[1][0], RAM_END - 16, 64, 0, 0);
  give(1, 0);
  hostile("length past the end of RAM: NEEDS_RESET");

  init();
  setd(&dt[1][0], (u64)ind1, 16, F_INDIRECT, 0);
  setd(&ind1[0], (u64)ind2, 16, F_INDIRECT, 0);
  setd(&ind2[0], (u64)txbuf, 72, 0, 0);
  give(1, 0);
  hostile("indirect table inside an indirect table: NEEDS_RESET");

  // A receive buffer that runs past the end of RAM: the frame must not be written at all,
  // not even the part that would fit inside RAM.
  init();
  volatile u8 *edge = (volatile u8 *)(RAM_END - 16);
  for (int i = 0; i < 16; i++) edge[i] = 0x5a;
  setd(&dt[0][0], RAM_END - 16, 128, F_WRITE, 0);
  give(0, 0);
  setd(&dt[1][0], (u64)txbuf, make_frame(2), 0, 0);
  give(1, 0);
  check_eq(r(STATUS) & NEEDS_RESET, NEEDS_RESET, "receive buffer past the end of RAM: NEEDS_RESET");
  int intact = 1;
  for (int i = 0; i < 16; i++) intact &= edge[i] == 0x5a;
  check(intact, "  ... and the bytes inside RAM were not written");
  check_eq(used_idx(0), 0, "  ... and no receive buffer was used");

  // 3. After a reset the NIC works again.
  init();
  setd(&dt[0][0], (u64)rxbuf, 128, F_WRITE, 0);
  give(0, 0);
  setd(&dt[1][0], (u64)txbuf, make_frame(3), 0, 0);
  give(1, 0);
  check_eq(r(STATUS), 0xf, "after reset: DRIVER_OK, no NEEDS_RESET");
  check_eq(used_idx(0), 1, "after reset: frame received again");

  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
