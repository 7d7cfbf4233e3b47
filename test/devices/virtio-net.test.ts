import { describe, it, expect } from 'vitest';
import { BufferNet } from '../../devices/net/backend.js';
import { NetSwitch } from '../../devices/net/switch.js';
import { MMIO, STATUS } from '../../devices/virtio/mmio.js';
import { NET_F } from '../../devices/virtio/net.js';
import { bit } from '../../devices/virtio/device.js';
import { BUF, F, INDIRECT, MAC0, NEXT, ethFrame, nicRig, used } from './virtio-net-driver.js';

const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const OTHER = [0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc];
const HDR = 12;

/** A transmit header (virtio_net_hdr_v1) followed by `frame`, written at `at`. */
function putTx(bytes: Uint8Array, at: number, frame: Uint8Array, hdr: Partial<{ flags: number; gso: number; start: number; offset: number }> = {}): number {
  const h = new Uint8Array(HDR);
  const dv = new DataView(h.buffer);
  h[0] = hdr.flags ?? 0; h[1] = hdr.gso ?? 0;
  dv.setUint16(6, hdr.start ?? 0, true); dv.setUint16(8, hdr.offset ?? 0, true);
  bytes.set(h, at); bytes.set(frame, at + HDR);
  return HDR + frame.length;
}

describe('virtio-net: identification and negotiation', () => {
  it('device ID 1; offers MAC, STATUS, MRG_RXBUF, CTRL_VQ/RX/MAC_ADDR/GUEST_OFFLOADS, the checksum and TSO offloads and the ring features', () => {
    const m = nicRig(new BufferNet());
    expect(m.r(MMIO.DEVICE_ID)).toBe(1);
    const off = m.drv.offered();
    expect(off.sort((a, b) => a - b)).toEqual([F.CSUM, F.GUEST_CSUM, F.CTRL_GUEST_OFFLOADS, F.MAC, F.GUEST_TSO4, F.GUEST_TSO6, F.GUEST_ECN, F.HOST_TSO4, F.HOST_TSO6, F.HOST_ECN,
      F.MRG_RXBUF, F.STATUS, F.CTRL_VQ, F.CTRL_RX, F.CTRL_MAC_ADDR, F.INDIRECT, F.EVENT_IDX, F.VERSION_1]);
    // Three queues: receiveq, transmitq, controlq.
    for (const q of [0, 1, 2]) { m.w(MMIO.QUEUE_SEL, q); expect(m.r(MMIO.QUEUE_NUM_MAX)).toBeGreaterThan(0); }
    m.w(MMIO.QUEUE_SEL, 3); expect(m.r(MMIO.QUEUE_NUM_MAX)).toBe(0);
  });

  it('config space: mac[6] then le16 status with LINK_UP; 16- and 32-bit reads assemble little-endian', () => {
    const m = nicRig(new BufferNet());
    expect([0, 1, 2, 3, 4, 5].map((i) => m.drv.configByte(i))).toEqual(Array.from(MAC0));
    expect(m.drv.config16(6)).toBe(1);
    expect(m.bus.read(0xfc000000 + MMIO.CONFIG, 4)).toBe(0x12005452);
    // Writes to the MAC are ignored (read-only for a VERSION_1 driver).
    m.bus.write(0xfc000000 + MMIO.CONFIG, 1, 0x99);
    expect(m.drv.configByte(0)).toBe(0x52);
  });

  it('reaches DRIVER_OK with Linux\'s feature set', () => {
    const m = nicRig(new BufferNet());
    m.drv.init();
    expect(m.drv.status()).toBe(0xf);
    expect(m.logs).toEqual([]);
  });

  it('link status change: config status reads 0, config-change interrupt, generation bumps', () => {
    const m = nicRig(new BufferNet());
    m.drv.init();
    const gen = m.r(MMIO.CONFIG_GENERATION);
    m.net.setLink(false);
    expect(m.drv.config16(6)).toBe(0);
    expect(m.r(MMIO.INTERRUPT_STATUS) & 2).toBe(2);
    expect(m.irq.level).toBe(true);
    expect(m.r(MMIO.CONFIG_GENERATION)).not.toBe(gen);
    m.net.setLink(true);
    expect(m.drv.config16(6)).toBe(1);
  });
});

describe('virtio-net: transmit', () => {
  it('a frame (header and frame in separate descriptors) reaches the backend unchanged; used len 0; interrupt', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init();
    const frame = ethFrame(OTHER, MAC0, 0x0800, 100);
    putTx(m.bytes, BUF, frame);
    m.drv.chain(1, [[BUF, HDR, false], [BUF + HDR, frame.length, false]]);
    m.drv.notify(1);
    expect(be.frames.map((f) => Array.from(f))).toEqual([Array.from(frame)]);
    expect(m.drv.usedIdx(1)).toBe(1);
    expect(m.drv.used(1, 0)).toEqual({ id: 0, len: 0 });
    expect(m.r(MMIO.INTERRUPT_STATUS) & 1).toBe(1);
    expect(m.net.stats.txFrames).toBe(1);
  });

  it('NEEDS_CSUM: the UDP checksum is completed before the frame goes out (RFC 768/1071)', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init();
    // IPv4 10.0.0.1 → 10.0.0.2, UDP 1234 → 5678, 13 bytes of data (odd length).
    const data = Array.from('hello, world!', (c) => c.charCodeAt(0));
    const udpLen = 8 + data.length;
    const ip = [0x45, 0, 0, 20 + udpLen, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    const udp = [0x04, 0xd2, 0x16, 0x2e, 0, udpLen, 0, 0, ...data];
    const pseudo = [10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, udpLen];
    const sum16 = (b: number[]) => { let s = 0; for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0); while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); return s; };
    const expected = ~sum16([...pseudo, ...udp]) & 0xffff; // the full checksum, computed independently
    // What Linux leaves in the field for CHECKSUM_PARTIAL: the folded pseudo-header sum.
    const partial = sum16(pseudo);
    udp[6] = partial >> 8; udp[7] = partial & 0xff;
    const frame = ethFrame(OTHER, MAC0, 0x0800, [...ip, ...udp]);
    const len = putTx(m.bytes, BUF, frame, { flags: 1, start: 14 + 20, offset: 6 });
    m.drv.chain(1, [[BUF, len, false]]);
    m.drv.notify(1);
    expect(be.frames.length).toBe(1);
    const out = be.frames[0];
    expect((out[14 + 20 + 6] << 8) | out[14 + 20 + 7]).toBe(expected);
    expect(expected).not.toBe(partial);
  });

  it('malformed frames are dropped (logged once) and the chain still completes: GSO, csum past the end, runt', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init();
    const frame = ethFrame(OTHER, MAC0, 0x0800, 40);
    let at = BUF;
    const bufs: number[] = [];
    for (const hdr of [{ gso: 1 }, { flags: 1, start: 50, offset: 6 }, { gso: 1 }]) {
      const len = putTx(m.bytes, at, frame, hdr);
      bufs.push(m.drv.chain(1, [[at, len, false]]));
      at += 0x100;
    }
    m.drv.chain(1, [[at, HDR + 6, false]]); // shorter than an Ethernet header
    m.drv.notify(1);
    expect(be.frames.length).toBe(0);
    expect(m.drv.usedIdx(1)).toBe(4);
    expect(m.net.stats.txDropped).toBe(4);
    expect(m.drv.status() & STATUS.NEEDS_RESET).toBe(0);
    expect(m.logs.filter((l) => /GSO/.test(l)).length).toBe(1);
    expect(m.logs.length).toBe(3);
  });

  it('two NICs on a switch: a frame sent by one is received by the other', () => {
    const sw = new NetSwitch();
    const a = nicRig(sw.connect());
    const b = nicRig(sw.connect(), { mac: new Uint8Array(OTHER) });
    a.drv.init(); b.drv.init();
    b.drv.chain(0, [[BUF, 2048, true]]);
    b.drv.notify(0);
    const frame = ethFrame(BCAST, MAC0, 0x0806, 28);
    const len = putTx(a.bytes, BUF, frame);
    a.drv.chain(1, [[BUF, len, false]]);
    a.drv.notify(1);
    expect(b.drv.usedIdx(0)).toBe(1);
    expect(b.drv.used(0, 0)).toEqual({ id: 0, len: HDR + frame.length });
    expect(Array.from(b.bytes.subarray(BUF + HDR, BUF + HDR + frame.length))).toEqual(Array.from(frame));
    expect(b.irq.level).toBe(true);
  });
});

describe('virtio-net: receive', () => {
  it('mergeable buffers: a frame spans three chains, num_buffers = 3 in the first header, used lengths per chain', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init();
    // Three chains of 40 bytes, the first split over two descriptors (8 + 32).
    m.drv.chain(0, [[BUF, 8, true], [BUF + 0x100, 32, true]]);
    m.drv.chain(0, [[BUF + 0x200, 40, true]]);
    m.drv.chain(0, [[BUF + 0x300, 40, true]]);
    m.drv.notify(0);
    const frame = ethFrame(MAC0, OTHER, 0x0800, 86); // 100 bytes → 112 with the header
    expect(be.inject(frame)).toBe(true);
    expect(m.drv.usedIdx(0)).toBe(3);
    expect([0, 1, 2].map((k) => m.drv.used(0, k))).toEqual([{ id: 0, len: 40 }, { id: 2, len: 40 }, { id: 3, len: 32 }]);
    const got = [...m.bytes.subarray(BUF, BUF + 8), ...m.bytes.subarray(BUF + 0x100, BUF + 0x120), ...m.bytes.subarray(BUF + 0x200, BUF + 0x228), ...m.bytes.subarray(BUF + 0x300, BUF + 0x320)];
    expect(got.slice(0, 10)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // no flags, no GSO
    expect(got[10] | (got[11] << 8)).toBe(3);
    expect(got.slice(HDR)).toEqual(Array.from(frame));
    expect(m.bytes[BUF + 0x320]).toBe(0); // nothing past the frame
    expect(m.irq.level).toBe(true);
  });

  it('no buffers: frames wait (in order) and arrive when the driver adds buffers and kicks; overflow is counted', () => {
    const be = new BufferNet();
    const m = nicRig(be, { rxBacklog: 2 });
    m.drv.init();
    const f1 = ethFrame(MAC0, OTHER, 0x0800, 50), f2 = ethFrame(MAC0, OTHER, 0x0800, 60), f3 = ethFrame(MAC0, OTHER, 0x0800, 70);
    be.inject(f1); be.inject(f2); be.inject(f3);
    expect(m.net.backlog).toBe(2);
    expect(m.net.stats.rxDropOverflow).toBe(1);
    expect(m.drv.usedIdx(0)).toBe(0);
    m.drv.chain(0, [[BUF, 2048, true]]);
    m.drv.chain(0, [[BUF + 0x1000, 2048, true]]);
    m.drv.notify(0);
    expect(m.drv.usedIdx(0)).toBe(2);
    expect(m.drv.used(0, 0).len).toBe(HDR + f1.length);
    expect(m.drv.used(0, 1).len).toBe(HDR + f2.length);
    expect(m.net.backlog).toBe(0);
  });

  it('mergeable, too few buffers for the frame: nothing is consumed until enough arrive', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init();
    m.drv.chain(0, [[BUF, 64, true]]);
    m.drv.notify(0);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 186)); // 212 bytes with the header
    expect(m.drv.usedIdx(0)).toBe(0);
    m.drv.chain(0, [[BUF + 0x100, 64, true]]);
    m.drv.chain(0, [[BUF + 0x200, 64, true]]);
    m.drv.chain(0, [[BUF + 0x300, 64, true]]);
    m.drv.notify(0);
    expect(m.drv.usedIdx(0)).toBe(4);
    expect(m.bytes[BUF + 10]).toBe(4);
  });

  it('with EVENT_IDX, waiting for buffers sets avail_event past the chains left there', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init([F.MAC, F.MRG_RXBUF, F.EVENT_IDX, F.VERSION_1]);
    m.drv.chain(0, [[BUF, 64, true]]);
    m.drv.notify(0);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 186));
    // avail_event (after the used ring of the 64-entry queue) = 1: kick when chain #2 arrives.
    expect(m.mem.getUint16(used(0) + 4 + 8 * 64, true)).toBe(1);
  });

  it('without MRG_RXBUF: one chain per frame, num_buffers 1; a chain too small drops the frame and stays available', () => {
    const be = new BufferNet();
    const m = nicRig(be, { withhold: bit(NET_F.MRG_RXBUF) });
    const neg = m.drv.init();
    expect(neg).not.toContain(F.MRG_RXBUF);
    m.drv.chain(0, [[BUF, 64, true]]);
    m.drv.notify(0);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 186));
    expect(m.drv.usedIdx(0)).toBe(0);
    expect(m.net.stats.rxDropTooBig).toBe(1);
    const small = ethFrame(MAC0, OTHER, 0x0800, 30);
    be.inject(small);
    expect(m.drv.usedIdx(0)).toBe(1);
    expect(m.drv.used(0, 0)).toEqual({ id: 0, len: HDR + small.length });
    expect(m.bytes[BUF + 10]).toBe(1);
  });

  it('frames arriving before DRIVER_OK or with the link down are dropped and counted', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 30));
    expect(m.net.stats.rxDropNotReady).toBe(1);
    m.drv.init();
    m.net.setLink(false);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 30));
    expect(m.net.stats.rxDropNotReady).toBe(2);
  });
});

describe('virtio-net: control queue and MAC filter', () => {
  const table = (macs: number[][]) => {
    const b = new Uint8Array(4 + 6 * macs.length);
    new DataView(b.buffer).setUint32(0, macs.length, true);
    macs.forEach((mac, i) => b.set(mac, 4 + 6 * i));
    return b;
  };

  function rig() {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init();
    for (let i = 0; i < 16; i++) m.drv.chain(0, [[BUF + i * 0x800, 0x800, true]]);
    m.drv.notify(0);
    const got = () => m.drv.usedIdx(0);
    return { be, m, got };
  }

  it('promiscuous until the driver turns it off; then own, broadcast and table addresses only', () => {
    const { be, m, got } = rig();
    be.inject(ethFrame(OTHER, [2, 0, 0, 0, 0, 1], 0x0800, 20));
    expect(got()).toBe(1); // reset default: promiscuous (QEMU does the same)
    expect(m.drv.control(0, 0, new Uint8Array([0]))).toBe(0); // RX_PROMISC off → OK
    be.inject(ethFrame(OTHER, [2, 0, 0, 0, 0, 1], 0x0800, 20));
    expect(got()).toBe(1);
    expect(m.net.stats.rxDropFiltered).toBe(1);
    be.inject(ethFrame(MAC0, [2, 0, 0, 0, 0, 1], 0x0800, 20));
    be.inject(ethFrame(BCAST, [2, 0, 0, 0, 0, 1], 0x0806, 28));
    expect(got()).toBe(3);
    const mcast = [0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb];
    be.inject(ethFrame(mcast, [2, 0, 0, 0, 0, 1], 0x0800, 20));
    expect(got()).toBe(3);
    // MAC_TABLE_SET: unicast OTHER, multicast 01:00:5e:00:00:fb.
    expect(m.drv.control(1, 0, table([OTHER]), table([mcast]))).toBe(0);
    be.inject(ethFrame(mcast, [2, 0, 0, 0, 0, 1], 0x0800, 20));
    be.inject(ethFrame(OTHER, [2, 0, 0, 0, 0, 1], 0x0800, 20));
    expect(got()).toBe(5);
    // ALLMULTI: any multicast.
    be.inject(ethFrame([0x33, 0x33, 0, 0, 0, 1], [2, 0, 0, 0, 0, 1], 0x86dd, 20));
    expect(got()).toBe(5);
    expect(m.drv.control(0, 1, new Uint8Array([1]))).toBe(0);
    be.inject(ethFrame([0x33, 0x33, 0, 0, 0, 1], [2, 0, 0, 0, 0, 1], 0x86dd, 20));
    expect(got()).toBe(6);
  });

  it('MAC_ADDR_SET changes the config-space MAC and the address the filter accepts; reset restores it', () => {
    const { be, m, got } = rig();
    m.drv.control(0, 0, new Uint8Array([0]));
    const mine = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
    expect(m.drv.control(1, 1, new Uint8Array(mine))).toBe(0);
    expect([0, 1, 2, 3, 4, 5].map((i) => m.drv.configByte(i))).toEqual(mine);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 20));
    expect(got()).toBe(0);
    be.inject(ethFrame(mine, OTHER, 0x0800, 20));
    expect(got()).toBe(1);
    m.w(MMIO.STATUS, 0);
    expect([0, 1, 2, 3, 4, 5].map((i) => m.drv.configByte(i))).toEqual(Array.from(MAC0));
  });

  it('malformed or unknown commands are answered VIRTIO_NET_ERR, logged once, the device keeps working', () => {
    const { m } = rig();
    const bad = new Uint8Array(8);
    new DataView(bad.buffer).setUint32(0, 1000, true); // 1000 entries in 4 bytes
    expect(m.drv.control(1, 0, bad)).toBe(1);
    expect(m.drv.control(1, 0, bad)).toBe(1);
    expect(m.drv.control(2, 0, new Uint8Array([0, 0]))).toBe(1); // VLAN: not offered
    expect(m.drv.control(0, 0)).toBe(1); // PROMISC without its byte
    expect(m.drv.control(0, 0, new Uint8Array([0]))).toBe(0);
    expect(m.drv.status() & STATUS.NEEDS_RESET).toBe(0);
    expect(m.logs.length).toBe(3);
  });

  it('a control command without a writable ack byte is a protocol error: NEEDS_RESET', () => {
    const { m } = rig();
    m.bytes.set([0, 0, 0], BUF + 0x30000);
    m.drv.chain(2, [[BUF + 0x30000, 3, false]]);
    m.drv.notify(2);
    expect(m.drv.status() & STATUS.NEEDS_RESET).toBe(STATUS.NEEDS_RESET);
  });
});

describe('virtio-net: state', () => {
  it('save → JSON → restore on a fresh NIC keeps the MAC, the filter and the rings working', () => {
    const be1 = new BufferNet();
    const a = nicRig(be1);
    a.drv.init();
    a.drv.control(0, 0, new Uint8Array([0]));                       // promiscuous off
    a.drv.control(1, 1, new Uint8Array([2, 1, 2, 3, 4, 5]));        // new address
    for (let i = 0; i < 4; i++) a.drv.chain(0, [[BUF + i * 0x800, 0x800, true]]);
    a.drv.notify(0);
    be1.inject(ethFrame([2, 1, 2, 3, 4, 5], OTHER, 0x0800, 30));
    expect(a.drv.usedIdx(0)).toBe(1);
    const state = JSON.parse(JSON.stringify(a.t.save()));
    const be2 = new BufferNet();
    const b = nicRig(be2);
    b.bytes.set(a.bytes);
    b.t.restore(state);
    expect(b.drv.status()).toBe(0xf);
    expect([0, 1, 2, 3, 4, 5].map((i) => b.drv.configByte(i))).toEqual([2, 1, 2, 3, 4, 5]);
    be2.inject(ethFrame(MAC0, OTHER, 0x0800, 30));                  // old address: filtered
    expect(b.drv.usedIdx(0)).toBe(1);
    be2.inject(ethFrame([2, 1, 2, 3, 4, 5], OTHER, 0x0800, 30));   // lands in the second buffer
    expect(b.drv.usedIdx(0)).toBe(2);
    expect(b.mem.getUint32(used(0) + 4 + 8, true)).toBe(1); // used[1].id (this rig never ran init)
  });
});

describe('virtio-net: hostile descriptors', () => {
  /** Runs `setup` on an initialised NIC and checks: no exception, NEEDS_RESET, one log line, and
   *  guest RAM unchanged except the listed ranges. */
  function hostile(setup: (m: ReturnType<typeof nicRig> & { snap: () => void }, be: BufferNet) => void, opts: Parameters<typeof nicRig>[1] = {}, mayChange: [number, number][] = []) {
    const be = new BufferNet();
    const m = nicRig(be, opts);
    m.drv.init([F.MAC, F.MRG_RXBUF, F.CTRL_VQ, F.CTRL_RX, F.INDIRECT, F.VERSION_1]);
    const before = m.bytes.slice();
    let snapshotTaken = false;
    const snap = () => { before.set(m.bytes); snapshotTaken = true; };
    expect(() => setup(Object.assign(m, { snap }), be)).not.toThrow();
    expect(m.drv.status() & STATUS.NEEDS_RESET).toBe(STATUS.NEEDS_RESET);
    expect(m.logs.length).toBe(1);
    expect(be.frames.length).toBe(0);
    if (snapshotTaken) {
      for (let i = 0; i < m.bytes.length; i++) {
        if (m.bytes[i] !== before[i] && !mayChange.some(([a, b]) => i >= a && i < b)) throw new Error(`guest RAM changed at 0x${i.toString(16)}`);
      }
    }
    return m;
  }

  it('transmit buffer address outside RAM', () => {
    const m = hostile((m) => {
      m.drv.setDesc(1, 0, 0x7fff0000, 64);
      m.drv.offer(1, 0);
      m.snap();
      m.drv.notify(1);
    });
    expect(m.logs[0]).toMatch(/outside the memory/);
  });

  it('a loop in a transmit chain', () => {
    const m = hostile((m) => {
      m.drv.setDesc(1, 0, BUF, 32, NEXT, 1);
      m.drv.setDesc(1, 1, BUF + 32, 32, NEXT, 0);
      m.drv.offer(1, 0);
      m.snap();
      m.drv.notify(1);
    });
    expect(m.logs[0]).toMatch(/loop/);
  });

  it('a length past the end of RAM', () => {
    const m = hostile((m) => {
      m.drv.setDesc(1, 0, (1 << 20) - 16, 64);
      m.drv.offer(1, 0);
      m.snap();
      m.drv.notify(1);
    });
    expect(m.logs[0]).toMatch(/outside/);
  });

  it('an indirect table inside an indirect table', () => {
    const m = hostile((m) => {
      const t1 = BUF + 0x2000, t2 = BUF + 0x3000;
      m.drv.setDesc(1, 0, t1, 16, INDIRECT);
      m.drv.setDesc(1, 0, t2, 16, INDIRECT, 0, t1);
      m.drv.setDesc(1, 0, BUF, 64, 0, 0, t2);
      m.drv.offer(1, 0);
      m.snap();
      m.drv.notify(1);
    });
    expect(m.logs[0]).toMatch(/indirect table inside an indirect table/);
  });

  it('a receive buffer partly outside the device\'s DMA window: nothing is written anywhere', () => {
    const win = { base: 0, size: BUF + 0x1000 };
    hostile((m, be) => {
      // 64 bytes inside the window, then a buffer straddling its end.
      m.drv.chain(0, [[BUF, 64, true], [BUF + 0x1000 - 32, 2048, true]]);
      m.snap();
      m.drv.notify(0);
      be.inject(ethFrame(MAC0, OTHER, 0x0800, 500));
    }, { window: win });
  });

  it('a receive chain with no writable buffer', () => {
    hostile((m, be) => {
      m.drv.chain(0, [[BUF, 2048, false]]);
      m.snap();
      m.drv.notify(0);
      be.inject(ethFrame(MAC0, OTHER, 0x0800, 100));
    });
  });

  it('after NEEDS_RESET the device stays quiet until reset, then works again', () => {
    const be = new BufferNet();
    const m = nicRig(be);
    m.drv.init();
    m.drv.setDesc(1, 0, 0x7fff0000, 64);
    m.drv.offer(1, 0);
    m.drv.notify(1);
    expect(m.drv.status() & STATUS.NEEDS_RESET).toBe(STATUS.NEEDS_RESET);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 100));
    m.drv.init();
    m.drv.chain(0, [[BUF, 2048, true]]);
    m.drv.notify(0);
    be.inject(ethFrame(MAC0, OTHER, 0x0800, 100));
    expect(m.drv.usedIdx(0)).toBe(1);
    expect(m.drv.status()).toBe(0xf);
  });
});
