// The legacy virtio-mmio interface (virtio 1.2 §4.2.4) with a bare-metal-style driver written
// here from the spec: GuestPageSize, QueueNum, QueueAlign, QueuePFN, and the legacy queue layout
// (§2.7 "Legacy Interfaces: A Note on Virtqueue Layout"): descriptor table at PFN × page size,
// available ring right after it (16 × num bytes), used ring at the next QueueAlign boundary after
// the available ring's 6 + 2 × num bytes. The expected addresses are computed here from that
// rule, independently of the transport. The legacy virtio-net header (§5.1.6 legacy): 10 bytes
// without MRG_RXBUF, 12 (with num_buffers) with it.
import { describe, expect, it } from 'vitest';
import { BufferNet } from '../../devices/net/backend.js';
import { MMIO, STATUS, VirtioMmio } from '../../devices/virtio/mmio.js';
import { VirtioNet } from '../../devices/virtio/net.js';
import { ethFrame, F, MAC0, nicRig, NEXT, WRITE } from './virtio-net-driver.js';

const PAGE = 4096;
const PEER = [0x52, 0x54, 0, 0, 0, 9];

/** The used ring of a legacy queue: QueueAlign-aligned after the available ring. */
const legacyLayout = (base: number, num: number, align: number) => {
  const avail = base + 16 * num;
  const used = Math.ceil((avail + 6 + 2 * num) / align) * align;
  return { desc: base, avail, used };
};

function legacyRig(opts: { window?: { base: number; size: number }; accessPlatform?: boolean } = {}) {
  const backend = new BufferNet();
  const m = nicRig(backend, { legacy: true, ram: 1 << 21, ...opts });
  const q: { desc: number; avail: number; used: number; num: number; availIdx: number; next: number }[] = [];
  const drv = {
    offered(): number[] { return m.drv.offered(); },
    /** Linux's legacy sequence (virtio_mmio.c, version 1): features, GuestPageSize, then per
     *  queue QueueSel / QueueNumMax / QueueNum / QueueAlign / QueuePFN, then DRIVER_OK (no
     *  FEATURES_OK). Returns what the status register reads after FEATURES_OK was tried. */
    init(want: number[], queues: { base: number; num: number; align?: number }[], pageSize = PAGE): number {
      m.w(MMIO.STATUS, 0);
      m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
      for (const sel of [0, 1]) {
        let v = 0;
        for (const b of want) if (b >> 5 === sel) v |= 1 << (b & 31);
        m.w(MMIO.DRIVER_FEATURES_SEL, sel); m.w(MMIO.DRIVER_FEATURES, v >>> 0);
      }
      m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
      const afterFeaturesOk = m.r(MMIO.STATUS);
      m.w(MMIO.GUEST_PAGE_SIZE, pageSize);
      queues.forEach(({ base, num, align = PAGE }, i) => {
        m.w(MMIO.QUEUE_SEL, i);
        expect(m.r(MMIO.QUEUE_PFN)).toBe(0); // Linux refuses a queue that is already set up
        expect(m.r(MMIO.QUEUE_NUM_MAX)).toBeGreaterThanOrEqual(num);
        m.bytes.fill(0, base, base + 3 * PAGE);
        m.w(MMIO.QUEUE_NUM, num);
        m.w(MMIO.QUEUE_ALIGN, align);
        m.w(MMIO.QUEUE_PFN, Math.floor(base / pageSize));
        q[i] = { ...legacyLayout(base, num, align), num, availIdx: 0, next: 0 };
      });
      m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.DRIVER_OK);
      return afterFeaturesOk;
    },
    chain(qi: number, bufs: [number, number, boolean][]): number {
      const Q = q[qi];
      const head = Q.next;
      bufs.forEach(([addr, len, wr], k) => {
        const i = Q.next++ % Q.num, last = k === bufs.length - 1, o = Q.desc + 16 * i;
        m.mem.setUint32(o, addr, true); m.mem.setUint32(o + 4, 0, true); m.mem.setUint32(o + 8, len, true);
        m.mem.setUint16(o + 12, (wr ? WRITE : 0) | (last ? 0 : NEXT), true); m.mem.setUint16(o + 14, last ? 0 : (i + 1) % Q.num, true);
      });
      m.mem.setUint16(Q.avail + 4 + 2 * (Q.availIdx % Q.num), head, true);
      Q.availIdx = (Q.availIdx + 1) & 0xffff;
      m.mem.setUint16(Q.avail + 2, Q.availIdx, true);
      m.w(MMIO.QUEUE_NOTIFY, qi);
      return head;
    },
    usedIdx: (qi: number) => m.mem.getUint16(q[qi].used + 2, true),
    used: (qi: number, k: number) => ({ id: m.mem.getUint32(q[qi].used + 4 + 8 * (k % q[qi].num), true), len: m.mem.getUint32(q[qi].used + 8 + 8 * (k % q[qi].num), true) }),
  };
  return { ...m, backend, ldrv: drv, q };
}

const BASE_FEATURES = [F.MAC, F.STATUS, F.CTRL_VQ, F.CTRL_RX, F.CTRL_MAC_ADDR, F.ANY_LAYOUT];

describe('legacy virtio-mmio (version 1)', () => {
  it('Version 1; offers ANY_LAYOUT and the ring features, never VERSION_1 or ACCESS_PLATFORM', () => {
    const m = legacyRig({ accessPlatform: true });
    expect(m.r(MMIO.MAGIC_VALUE)).toBe(0x74726976);
    expect(m.r(MMIO.VERSION)).toBe(1);
    expect(m.r(MMIO.DEVICE_ID)).toBe(1);
    const off = m.ldrv.offered();
    expect(off).toEqual(expect.arrayContaining([F.ANY_LAYOUT, F.INDIRECT, F.EVENT_IDX, F.MAC, F.MRG_RXBUF]));
    expect(off).not.toContain(F.VERSION_1);
    expect(off).not.toContain(33);
    // Modern-only registers are not there: QueueReady, ring address halves, ConfigGeneration.
    for (const reg of [MMIO.QUEUE_READY, MMIO.QUEUE_DESC_LOW, MMIO.SHM_LEN_LOW, MMIO.CONFIG_GENERATION]) expect(m.r(reg)).toBe(0);
  });

  it('no FEATURES_OK; DRIVER_OK activates; rings where the legacy layout puts them; 10-byte header without MRG_RXBUF', () => {
    const m = legacyRig();
    const st = m.ldrv.init(BASE_FEATURES, [{ base: 0x10000, num: 16 }, { base: 0x20000, num: 16 }, { base: 0x30000, num: 8 }]);
    expect(st & STATUS.FEATURES_OK).toBe(0);
    expect(m.r(MMIO.STATUS)).toBe(STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.DRIVER_OK);
    m.w(MMIO.QUEUE_SEL, 1);
    expect(m.r(MMIO.QUEUE_PFN)).toBe(0x20000 / PAGE);
    // Used ring of a 16-entry queue at base 0x20000, align 4096: avail ends at 0x20000 + 256 + 38.
    expect(m.q[1].used).toBe(0x21000);

    // Transmit: header (10 bytes) in its own descriptor, then the frame, as a legacy driver
    // without ANY_LAYOUT lays it out.
    const frame = ethFrame(PEER, MAC0, 0x0800, 60);
    m.bytes.fill(0, 0x40000, 0x4000a);
    m.bytes.set(frame, 0x40100);
    const head = m.ldrv.chain(1, [[0x40000, 10, false], [0x40100, frame.length, false]]);
    expect(m.backend.frames.map((f) => Array.from(f))).toEqual([Array.from(frame)]);
    expect(m.ldrv.usedIdx(1)).toBe(1);
    expect(m.ldrv.used(1, 0)).toEqual({ id: head, len: 0 });
    expect(m.irq.level).toBe(true);

    // Receive: the 10-byte virtio_net_hdr (no num_buffers), then the frame.
    m.ldrv.chain(0, [[0x50000, 2048, true]]);
    const inbound = ethFrame(MAC0, PEER, 0x0800, 100);
    m.bytes.fill(0xaa, 0x50000, 0x50000 + 2048);
    expect(m.backend.inject(inbound)).toBe(true);
    expect(m.ldrv.usedIdx(0)).toBe(1);
    expect(m.ldrv.used(0, 0).len).toBe(10 + inbound.length);
    expect(Array.from(m.bytes.subarray(0x50000, 0x5000a))).toEqual(new Array(10).fill(0));
    expect(Array.from(m.bytes.subarray(0x5000a, 0x5000a + inbound.length))).toEqual(Array.from(inbound));
    expect(m.logs).toEqual([]);
  });

  it('with MRG_RXBUF the header is 12 bytes with num_buffers; QueueAlign places the used ring', () => {
    const m = legacyRig();
    m.ldrv.init([...BASE_FEATURES, F.MRG_RXBUF], [{ base: 0x10000, num: 16, align: 64 }, { base: 0x20000, num: 16, align: 64 }, { base: 0x30000, num: 8, align: 64 }]);
    // 0x10000 + 256 + 6 + 32 = 0x10126 → next 64-byte boundary 0x10140.
    expect(m.q[0].used).toBe(0x10140);
    m.ldrv.chain(0, [[0x50000, 2048, true]]);
    const inbound = ethFrame(MAC0, PEER, 0x0800, 100);
    m.backend.inject(inbound);
    expect(m.mem.getUint16(0x10140 + 2, true)).toBe(1); // used.idx where the layout says
    expect(m.ldrv.used(0, 0).len).toBe(12 + inbound.length);
    expect(m.mem.getUint16(0x50000 + 10, true)).toBe(1); // num_buffers
    expect(Array.from(m.bytes.subarray(0x5000c, 0x5000c + inbound.length))).toEqual(Array.from(inbound));
    // Transmit with the 12-byte header.
    const frame = ethFrame(PEER, MAC0, 0x0800, 60);
    m.bytes.fill(0, 0x40000, 0x4000c); m.bytes.set(frame, 0x4000c);
    m.ldrv.chain(1, [[0x40000, 12 + frame.length, false]]);
    expect(m.backend.frames.map((f) => Array.from(f))).toEqual([Array.from(frame)]);
  });

  it('feature bits that were not offered (VERSION_1) are dropped and logged once; the device works', () => {
    const m = legacyRig();
    m.ldrv.init([...BASE_FEATURES, F.VERSION_1], [{ base: 0x10000, num: 16 }, { base: 0x20000, num: 16 }, { base: 0x30000, num: 8 }]);
    expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET).toBe(0);
    expect(m.logs.filter((l) => /not offered/.test(l)).length).toBe(1);
    // 10-byte header: VERSION_1 was not taken.
    m.ldrv.chain(0, [[0x50000, 2048, true]]);
    m.backend.inject(ethFrame(MAC0, PEER, 0x0800, 50));
    expect(m.ldrv.used(0, 0).len).toBe(10 + 64);
  });

  it('legacy MAC: a legacy driver may write mac in config space', () => {
    const m = legacyRig();
    m.ldrv.init(BASE_FEATURES, [{ base: 0x10000, num: 16 }, { base: 0x20000, num: 16 }, { base: 0x30000, num: 8 }]);
    [0x02, 0, 0, 0, 0, 0x77].forEach((b, i) => m.bus.write(0xfc000000 + MMIO.CONFIG + i, 1, b));
    expect(m.net.macAddress).toBe('02:00:00:00:00:77');
  });

  it('Status 0 resets: QueuePFN reads 0 again, the device can be set up anew', () => {
    const m = legacyRig();
    m.ldrv.init(BASE_FEATURES, [{ base: 0x10000, num: 16 }, { base: 0x20000, num: 16 }, { base: 0x30000, num: 8 }]);
    m.w(MMIO.STATUS, 0);
    for (const i of [0, 1, 2]) { m.w(MMIO.QUEUE_SEL, i); expect(m.r(MMIO.QUEUE_PFN)).toBe(0); }
    // GuestPageSize survives a driver reset (Linux writes it once, at probe, before the virtio
    // core resets the device): a PFN written now still counts in 4 KiB pages.
    m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
    m.w(MMIO.QUEUE_SEL, 0); m.w(MMIO.QUEUE_NUM, 8); m.w(MMIO.QUEUE_PFN, 0x60);
    expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET).toBe(0);
    expect(m.r(MMIO.QUEUE_PFN)).toBe(0x60);
    expect(m.t.queues[0].desc).toBe(0x60000);
    m.w(MMIO.STATUS, 0);
    // A system reset forgets it.
    m.t.reset();
    m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
    m.w(MMIO.QUEUE_SEL, 0); m.w(MMIO.QUEUE_PFN, 0x60);
    expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET).toBe(STATUS.NEEDS_RESET);
    m.w(MMIO.STATUS, 0);
    m.ldrv.init(BASE_FEATURES, [{ base: 0x60000, num: 8 }, { base: 0x70000, num: 8 }, { base: 0x80000, num: 8 }]);
    const frame = ethFrame(PEER, MAC0, 0x0800, 60);
    m.bytes.fill(0, 0x40000, 0x4000a); m.bytes.set(frame, 0x4000a);
    m.ldrv.chain(1, [[0x40000, 10 + frame.length, false]]);
    expect(m.backend.frames.length).toBe(1);
    expect(m.mem.getUint16(0x71000 + 2, true)).toBe(1);
  });

  describe('hostile input: NEEDS_RESET, logged, no exception, nothing outside memory touched', () => {
    const queues = (b0: number) => [{ base: b0, num: 16 }, { base: 0x20000, num: 16 }, { base: 0x30000, num: 8 }];

    it('a PFN outside guest RAM', () => {
      const m = legacyRig();
      // Queue 0 at PFN 0x100000 (4 GiB); RAM is 2 MiB.
      m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
      m.w(MMIO.GUEST_PAGE_SIZE, PAGE);
      for (const [i, pfn] of [[0, 0x100000], [1, 0x20], [2, 0x30]]) { m.w(MMIO.QUEUE_SEL, i); m.w(MMIO.QUEUE_NUM, 16); m.w(MMIO.QUEUE_PFN, pfn); }
      m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.DRIVER_OK);
      expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET).toBe(STATUS.NEEDS_RESET);
      expect(m.logs.some((l) => /queue 0: descriptor table at 0x100000000 outside/.test(l))).toBe(true);
      expect(() => m.w(MMIO.QUEUE_NOTIFY, 1)).not.toThrow(); // ignored until reset
    });

    it('GuestPageSize or QueueAlign not a power of 2, a PFN that places the queue past 2^53', () => {
      for (const [pageSize, align, pfn, msg] of [[3, PAGE, 1, /GuestPageSize 3, not a power of 2/], [PAGE, 48, 1, /QueueAlign 48 is not a power of 2/], [0x80000000, PAGE, 0xffffffff, /past 2\^53/]] as const) {
        const m = legacyRig();
        m.w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
        m.w(MMIO.GUEST_PAGE_SIZE, pageSize);
        m.w(MMIO.QUEUE_SEL, 0); m.w(MMIO.QUEUE_NUM, 16); m.w(MMIO.QUEUE_ALIGN, align);
        expect(() => m.w(MMIO.QUEUE_PFN, pfn)).not.toThrow();
        expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET, String(msg)).toBe(STATUS.NEEDS_RESET);
        expect(m.logs.some((l) => msg.test(l)), m.logs.join('\n')).toBe(true);
        expect(m.r(MMIO.QUEUE_PFN)).toBe(0);
      }
    });

    it('DMA only through the given view: a queue in RAM but outside the window is refused, nothing written there', () => {
      const window = { base: 0x100000, size: 0x80000 };
      const m = legacyRig({ window, accessPlatform: true });
      const before = m.bytes.slice(0, window.base);
      m.ldrv.init(BASE_FEATURES, queues(0x10000)); // queue 0 outside the window
      expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET).toBe(STATUS.NEEDS_RESET);
      expect(m.logs.some((l) => /queue 0: descriptor table at 0x10000 outside the memory the device may use/.test(l))).toBe(true);
      m.backend.inject(ethFrame(MAC0, PEER, 0x0800, 50));
      // The test's own init wrote the rings (zeroed them); the device wrote nothing below the window.
      const zeroed = (a: number) => [0x10000, 0x20000, 0x30000].some((b) => a >= b && a < b + 3 * PAGE);
      for (let a = 0; a < window.base; a++) if (!zeroed(a) && m.bytes[a] !== before[a]) throw new Error(`byte 0x${a.toString(16)} changed`);
      // Inside the window it works.
      m.w(MMIO.STATUS, 0);
      m.ldrv.init(BASE_FEATURES, [{ base: 0x100000, num: 16 }, { base: 0x110000, num: 16 }, { base: 0x120000, num: 8 }]);
      expect(m.r(MMIO.STATUS) & STATUS.NEEDS_RESET).toBe(0);
      m.ldrv.chain(0, [[0x150000, 2048, true]]);
      m.backend.inject(ethFrame(MAC0, PEER, 0x0800, 50));
      expect(m.ldrv.usedIdx(0)).toBe(1);
    });
  });

  it('save/restore: a fresh legacy transport continues where the old one was', () => {
    const m = legacyRig();
    m.ldrv.init(BASE_FEATURES, [{ base: 0x10000, num: 16, align: 256 }, { base: 0x20000, num: 16 }, { base: 0x30000, num: 8 }]);
    const state = JSON.parse(JSON.stringify(m.t.save()));
    const backend = new BufferNet();
    const net2 = new VirtioNet({ mac: MAC0, backend });
    const t2 = new VirtioMmio({ device: net2, dma: m.dma, legacy: true });
    t2.restore(state);
    t2.write(MMIO.QUEUE_SEL, 4, 0);
    expect(t2.read(MMIO.QUEUE_PFN, 4)).toBe(0x10);
    expect(t2.read(MMIO.VERSION, 4)).toBe(1);
    // Receive through the restored device: the used ring is where align 256 put it.
    m.ldrv.chain(0, [[0x50000, 2048, true]]); // notifies the old transport: not delivered there
    backend.inject(ethFrame(MAC0, PEER, 0x0800, 50));
    expect(m.mem.getUint16(legacyLayout(0x10000, 16, 256).used + 2, true)).toBe(1);
    expect(m.mem.getUint32(0x10200 + 8, true)).toBe(10 + 64);
  });
});
