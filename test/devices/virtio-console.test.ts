// virtio-console, one port without MULTIPORT (virtio 1.2 §5.3), behind the virtio-mmio transport
// (modern and legacy), driven by a small driver written here from the spec: receiveq 0,
// transmitq 1, config cols/rows/max_nr_ports/emerg_wr.
import { describe, expect, it } from 'vitest';
import { LevelLine } from '../../devices/device.js';
import { BufferBackend } from '../../devices/serial/backend.js';
import { CONSOLE_CONFIG, VirtioConsole } from '../../devices/virtio/console.js';
import { RamDma } from '../../devices/virtio/dma.js';
import { MMIO, STATUS, VirtioMmio } from '../../devices/virtio/mmio.js';

const NEXT = 1, WRITE = 2, NUM = 16;
const ring = (q: number) => ({ desc: 0x1000 + q * 0x4000, avail: 0x2000 + q * 0x4000, used: 0x3000 + q * 0x4000 });
const text = (s: string) => new TextEncoder().encode(s);

function rig(opts: { legacy?: boolean; inputBacklog?: number } = {}) {
  const ram = new ArrayBuffer(1 << 20), mem = new DataView(ram), bytes = new Uint8Array(ram);
  const serial = new BufferBackend();
  const logs: string[] = [];
  const dev = new VirtioConsole({ backend: serial, inputBacklog: opts.inputBacklog });
  const irq = new LevelLine();
  const t = new VirtioMmio({ device: dev, irq, dma: new RamDma(ram), log: (m) => logs.push(m), legacy: opts.legacy });
  const r = (o: number) => t.read(o, 4);
  const w = (o: number, v: number) => t.write(o, 4, v);
  const next = [0, 0], availIdx = [0, 0];
  const drv = {
    init(features = [2, 32]) {
      w(MMIO.STATUS, 0); w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
      for (const sel of [0, 1]) {
        let v = 0;
        for (const b of features) if (b >> 5 === sel && !(opts.legacy && b === 32)) v |= 1 << (b & 31);
        w(MMIO.DRIVER_FEATURES_SEL, sel); w(MMIO.DRIVER_FEATURES, v >>> 0);
      }
      if (!opts.legacy) w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
      else w(MMIO.GUEST_PAGE_SIZE, 4096);
      for (const q of [0, 1]) {
        w(MMIO.QUEUE_SEL, q); w(MMIO.QUEUE_NUM, NUM);
        if (opts.legacy) {
          // Legacy layout: desc at the PFN, avail after 16 × NUM bytes, used at the next 4 KiB.
          w(MMIO.QUEUE_ALIGN, 4096); w(MMIO.QUEUE_PFN, ring(q).desc / 4096);
        } else {
          w(MMIO.QUEUE_DESC_LOW, ring(q).desc); w(MMIO.QUEUE_DRIVER_LOW, ring(q).avail); w(MMIO.QUEUE_DEVICE_LOW, ring(q).used);
          w(MMIO.QUEUE_READY, 1);
        }
      }
      w(MMIO.STATUS, r(MMIO.STATUS) | STATUS.DRIVER_OK);
    },
    avail: (q: number) => (opts.legacy ? ring(q).desc + 16 * NUM : ring(q).avail),
    used: (q: number) => (opts.legacy ? ring(q).desc + 0x1000 : ring(q).used),
    chain(q: number, bufs: [number, number, boolean][], notify = true): number {
      const head = next[q];
      bufs.forEach(([addr, len, wr], k) => {
        const i = next[q]++ % NUM, o = ring(q).desc + 16 * i, last = k === bufs.length - 1;
        mem.setUint32(o, addr, true); mem.setUint32(o + 4, 0, true); mem.setUint32(o + 8, len, true);
        mem.setUint16(o + 12, (wr ? WRITE : 0) | (last ? 0 : NEXT), true); mem.setUint16(o + 14, last ? 0 : (i + 1) % NUM, true);
      });
      mem.setUint16(drv.avail(q) + 4 + 2 * (availIdx[q] % NUM), head, true);
      availIdx[q]++;
      mem.setUint16(drv.avail(q) + 2, availIdx[q], true);
      if (notify) w(MMIO.QUEUE_NOTIFY, q);
      return head;
    },
    usedIdx: (q: number) => mem.getUint16(drv.used(q) + 2, true),
    usedLen: (q: number, k: number) => mem.getUint32(drv.used(q) + 8 + 8 * k, true),
  };
  return { t, dev, serial, irq, logs, bytes, mem, r, w, drv };
}

describe.each([false, true])('virtio-console (legacy transport: %s)', (legacy) => {
  it('device ID 3, offers EMERG_WRITE only (no SIZE, no MULTIPORT); max_nr_ports reads 1', () => {
    const m = rig({ legacy });
    expect(m.r(MMIO.DEVICE_ID)).toBe(3);
    expect(m.r(MMIO.VERSION)).toBe(legacy ? 1 : 2);
    m.w(MMIO.DEVICE_FEATURES_SEL, 0);
    expect(m.r(MMIO.DEVICE_FEATURES) & 7).toBe(4);
    expect(m.t.read(MMIO.CONFIG + CONSOLE_CONFIG.MAX_NR_PORTS, 4)).toBe(1);
    expect(m.t.read(MMIO.CONFIG + CONSOLE_CONFIG.COLS, 2)).toBe(0);
  });

  it('transmit: a chain\'s readable buffers go out in order; used length 0', () => {
    const m = rig({ legacy });
    m.drv.init();
    m.bytes.set(text('hello '), 0x40000); m.bytes.set(text('world\n'), 0x40100);
    m.drv.chain(1, [[0x40000, 6, false], [0x40100, 6, false]]);
    expect(m.serial.text()).toBe('hello world\n');
    expect(m.drv.usedIdx(1)).toBe(1);
    expect(m.drv.usedLen(1, 0)).toBe(0);
    expect(m.irq.level).toBe(true);
    expect(m.logs).toEqual([]);
  });

  it('receive: input typed before the guest has buffers waits, then fills them in order', () => {
    const m = rig({ legacy });
    m.drv.init();
    m.serial.inject('abcdefghij');
    expect(m.drv.usedIdx(0)).toBe(0);
    m.drv.chain(0, [[0x50000, 4, true]]);
    m.drv.chain(0, [[0x50100, 16, true]]);
    expect(m.drv.usedIdx(0)).toBe(2);
    expect([m.drv.usedLen(0, 0), m.drv.usedLen(0, 1)]).toEqual([4, 6]);
    expect(new TextDecoder().decode(m.bytes.subarray(0x50000, 0x50004))).toBe('abcd');
    expect(new TextDecoder().decode(m.bytes.subarray(0x50100, 0x50106))).toBe('efghij');
    // With a buffer waiting, input goes straight in.
    m.drv.chain(0, [[0x50200, 16, true]]);
    m.serial.inject('xy');
    expect(m.drv.usedIdx(0)).toBe(3);
    expect(new TextDecoder().decode(m.bytes.subarray(0x50200, 0x50202))).toBe('xy');
    expect(m.dev.stats).toMatchObject({ rxBytes: 12, rxDropped: 0 });
  });

  it('input beyond the backlog is dropped and counted', () => {
    const m = rig({ legacy, inputBacklog: 8 });
    m.drv.init();
    m.serial.inject('0123456789');
    m.drv.chain(0, [[0x50000, 64, true]]);
    expect(m.drv.usedLen(0, 0)).toBe(8);
    expect(new TextDecoder().decode(m.bytes.subarray(0x50000, 0x50008))).toBe('01234567');
    expect(m.dev.stats.rxDropped).toBe(2);
  });

  it('emerg_wr: a 32-bit config write outputs its low byte at once', () => {
    const m = rig({ legacy });
    m.t.write(MMIO.CONFIG + CONSOLE_CONFIG.EMERG_WR, 4, 0x121);
    expect(m.serial.text()).toBe('!');
  });

  it('hostile: a transmit buffer outside RAM is DEVICE_NEEDS_RESET, logged, no exception', () => {
    const m = rig({ legacy });
    m.drv.init();
    expect(() => m.drv.chain(1, [[0xfff00, 0x200, false]])).not.toThrow();
    expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET).toBe(STATUS.NEEDS_RESET);
    expect(m.logs.some((l) => /outside the memory the device may use/.test(l))).toBe(true);
    expect(m.serial.text()).toBe('');
  });
});
