// A fake virtio-net driver for the device tests: guest RAM in an ArrayBuffer, the NIC's
// virtio-mmio transport in Pi 4 slot 0 on a PhysBus, and the register sequence Linux's
// virtio_mmio + virtio_net drivers use (virtio 1.2 §3.1.1, §4.2.3). Each queue q has its
// descriptor table, available ring and used ring at QBASE + q·QSTRIDE (+0, +0x1000, +0x2000).
import { expect } from 'vitest';
import { LevelLine, PhysBus } from '../../devices/device.js';
import { RamDma, WindowDma, type DmaView } from '../../devices/virtio/dma.js';
import { MMIO, STATUS, VirtioMmio } from '../../devices/virtio/mmio.js';
import { VirtioNet, type VirtioNetOptions } from '../../devices/virtio/net.js';
import type { NetBackend } from '../../devices/net/backend.js';
import { virtioSlot } from '../../src/board/pi4.js';

export const QBASE = 0x1000, QSTRIDE = 0x4000, BUF = 0x40000;
export const desc = (q: number) => QBASE + q * QSTRIDE;
export const avail = (q: number) => desc(q) + 0x1000;
export const used = (q: number) => desc(q) + 0x2000;

/** Feature bits by number (virtio 1.2 §5.1.3, §6). */
export const F = { CSUM: 0, GUEST_CSUM: 1, CTRL_GUEST_OFFLOADS: 2, MAC: 5, GUEST_TSO4: 7, GUEST_TSO6: 8, GUEST_ECN: 9, HOST_TSO4: 11, HOST_TSO6: 12, HOST_ECN: 13, MRG_RXBUF: 15, STATUS: 16, CTRL_VQ: 17, CTRL_RX: 18, CTRL_MAC_ADDR: 23, ANY_LAYOUT: 27, INDIRECT: 28, EVENT_IDX: 29, VERSION_1: 32 };
export const NEXT = 1, WRITE = 2, INDIRECT = 4;

export interface NicOpts extends Partial<Omit<VirtioNetOptions, 'backend' | 'mac'>> {
  ram?: number;
  window?: { base: number; size: number };
  mac?: Uint8Array;
  /** The transport's legacy (version 1) interface; ACCESS_PLATFORM offer. */
  legacy?: boolean;
  accessPlatform?: boolean;
}

export const MAC0 = new Uint8Array([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);

export function nicRig(backend: NetBackend, opts: NicOpts = {}) {
  const ram = new ArrayBuffer(opts.ram ?? 1 << 20);
  const mem = new DataView(ram), bytes = new Uint8Array(ram);
  const ramDma = new RamDma(ram);
  const dma: DmaView = opts.window ? new WindowDma(ramDma, [opts.window]) : ramDma;
  const irq = new LevelLine();
  const logs: string[] = [];
  const net = new VirtioNet({ ...opts, mac: opts.mac ?? MAC0, backend, log: (m) => logs.push(m) });
  const t = new VirtioMmio({ device: net, irq, dma, log: (m) => logs.push(m), legacy: opts.legacy, accessPlatform: opts.accessPlatform });
  const bus = new PhysBus();
  const slot = virtioSlot(0);
  bus.map(slot.base, slot.size, t);
  const r = (off: number) => bus.read(slot.base + off, 4);
  const w = (off: number, v: number) => { expect(bus.write(slot.base + off, 4, v)).toBe(true); };
  const sizes: number[] = [];
  const availIdx = [0, 0, 0];
  const nextDesc = [0, 0, 0];

  const drv = {
    /** Reads the offered features as bit numbers. */
    offered(): number[] {
      const out: number[] = [];
      for (const sel of [0, 1]) {
        w(MMIO.DEVICE_FEATURES_SEL, sel);
        const v = r(MMIO.DEVICE_FEATURES);
        for (let b = 0; b < 32; b++) if ((v >>> b) & 1) out.push(32 * sel + b);
      }
      return out;
    },
    /** The whole Linux-style initialisation with `want` ∩ offered features; returns the
     *  negotiated set. */
    init(want: number[] = [F.MAC, F.STATUS, F.MRG_RXBUF, F.CTRL_VQ, F.CTRL_RX, F.CTRL_MAC_ADDR, F.CSUM, F.VERSION_1]): number[] {
      w(MMIO.STATUS, 0);
      w(MMIO.STATUS, STATUS.ACKNOWLEDGE);
      w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
      const off = new Set(drv.offered());
      const neg = want.filter((b) => off.has(b));
      for (const sel of [0, 1]) {
        let v = 0;
        for (const b of neg) if (b >> 5 === sel) v |= 1 << (b & 31);
        w(MMIO.DRIVER_FEATURES_SEL, sel); w(MMIO.DRIVER_FEATURES, v >>> 0);
      }
      w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
      expect(r(MMIO.STATUS) & STATUS.FEATURES_OK).toBe(STATUS.FEATURES_OK);
      const nq = neg.includes(F.CTRL_VQ) ? 3 : 2;
      bytes.fill(0, QBASE, QBASE + 3 * QSTRIDE); // fresh, zeroed rings like a driver allocates
      for (let q = 0; q < nq; q++) {
        w(MMIO.QUEUE_SEL, q);
        const n = Math.min(r(MMIO.QUEUE_NUM_MAX), 64);
        sizes[q] = n;
        w(MMIO.QUEUE_NUM, n);
        w(MMIO.QUEUE_DESC_LOW, desc(q)); w(MMIO.QUEUE_DESC_HIGH, 0);
        w(MMIO.QUEUE_DRIVER_LOW, avail(q)); w(MMIO.QUEUE_DRIVER_HIGH, 0);
        w(MMIO.QUEUE_DEVICE_LOW, used(q)); w(MMIO.QUEUE_DEVICE_HIGH, 0);
        w(MMIO.QUEUE_READY, 1);
        availIdx[q] = 0; nextDesc[q] = 0;
      }
      w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK | STATUS.DRIVER_OK);
      return neg;
    },
    setDesc(q: number, i: number, addr: number, len: number, flags = 0, next = 0, table = desc(q)) {
      const o = table + 16 * i;
      mem.setUint32(o, addr % 2 ** 32, true); mem.setUint32(o + 4, Math.floor(addr / 2 ** 32), true);
      mem.setUint32(o + 8, len, true); mem.setUint16(o + 12, flags, true); mem.setUint16(o + 14, next, true);
    },
    /** Writes a chain of buffers [addr, len, writable] into free descriptors of queue q, makes
     *  it available; returns its head. */
    chain(q: number, bufs: [number, number, boolean][]): number {
      const head = nextDesc[q];
      bufs.forEach(([addr, len, wr], k) => {
        const i = nextDesc[q]++;
        const last = k === bufs.length - 1;
        drv.setDesc(q, i, addr, len, (wr ? WRITE : 0) | (last ? 0 : NEXT), last ? 0 : i + 1);
      });
      drv.offer(q, head);
      return head;
    },
    offer(q: number, head: number) {
      const n = sizes[q];
      mem.setUint16(avail(q) + 4 + 2 * (availIdx[q] % n), head, true);
      availIdx[q] = (availIdx[q] + 1) & 0xffff;
      mem.setUint16(avail(q) + 2, availIdx[q], true);
    },
    notify(q: number) { w(MMIO.QUEUE_NOTIFY, q); },
    usedIdx: (q: number) => mem.getUint16(used(q) + 2, true),
    used: (q: number, k: number) => ({ id: mem.getUint32(used(q) + 4 + 8 * (k % sizes[q]), true), len: mem.getUint32(used(q) + 8 + 8 * (k % sizes[q]), true) }),
    ack() { w(MMIO.INTERRUPT_ACK, r(MMIO.INTERRUPT_STATUS)); },
    status: () => r(MMIO.STATUS),
    configByte: (off: number) => bus.read(slot.base + MMIO.CONFIG + off, 1),
    config16: (off: number) => bus.read(slot.base + MMIO.CONFIG + off, 2),
    /** Sends a control command (class, cmd, data as separate readable buffers like Linux);
     *  returns the ack byte, or -1 if the device did not answer. */
    control(cls: number, cmd: number, ...data: Uint8Array[]): number {
      let at = BUF + 0x30000;
      const bufs: [number, number, boolean][] = [];
      bytes.set([cls, cmd], at); bufs.push([at, 2, false]); at += 16;
      for (const d of data) { bytes.set(d, at); bufs.push([at, d.length, false]); at += (d.length + 15) & ~15; }
      bytes[at] = 0xee; bufs.push([at, 1, true]);
      const before = drv.usedIdx(2);
      drv.chain(2, bufs);
      nextDesc[2] = 0; // commands complete synchronously: reuse the descriptors
      drv.notify(2);
      return drv.usedIdx(2) === before ? -1 : bytes[at];
    },
  };
  return { ram, mem, bytes, dma, irq, logs, net, t, bus, r, w, drv };
}

/** An Ethernet frame: dst, src, ethertype, payload. */
export function ethFrame(dst: ArrayLike<number>, src: ArrayLike<number>, type: number, payload: ArrayLike<number> | number): Uint8Array {
  const p = typeof payload === 'number' ? Uint8Array.from({ length: payload }, (_, i) => (i * 7 + 3) & 0xff) : Uint8Array.from(payload);
  const f = new Uint8Array(14 + p.length);
  f.set(Array.from(dst), 0); f.set(Array.from(src), 6); f[12] = type >> 8; f[13] = type & 0xff; f.set(p, 14);
  return f;
}
