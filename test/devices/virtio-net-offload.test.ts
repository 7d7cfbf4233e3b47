// virtio-net offloads with the fake driver (virtio 1.2 §5.1.6.2, §5.1.6.3): a guest's 64 KiB TCP
// segment (HOST_TSO4/6 + NEEDS_CSUM) travels through the in-process switch as one frame to a
// guest that negotiated GUEST_TSO/GUEST_CSUM, and as the exact wire segments to everything else
// (a guest without those features, a plain backend, a pcap). Expected frames are built
// independently (test/net/tcp-oracle.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BufferNet } from '../../devices/net/backend.js';
import { PcapWriter, tapped } from '../../devices/net/pcap.js';
import { NetSwitch } from '../../devices/net/switch.js';
import { BUF, F, MAC0, nicRig } from './virtio-net-driver.js';
import { ACK, CWR, FIN, PSH, expectedSegments, payload, tcpFrame, type TcpSpec } from '../net/tcp-oracle.js';

const HDR = 12;
const MAC_B = [0x52, 0x54, 0, 0, 0, 2];
const BASE = [F.MAC, F.STATUS, F.MRG_RXBUF, F.CTRL_VQ, F.CTRL_RX, F.CTRL_MAC_ADDR, F.VERSION_1];
/** What Linux's virtio_net negotiates when offered everything (virtnet_probe's features). */
const ALL = [...BASE, F.CSUM, F.GUEST_CSUM, F.HOST_TSO4, F.HOST_TSO6, F.HOST_ECN, F.GUEST_TSO4, F.GUEST_TSO6, F.GUEST_ECN];

type Rig = ReturnType<typeof nicRig>;

/** Writes header + frame at `at` and sends it as one chain. */
function send(m: Rig, frame: Uint8Array, h: { flags?: number; gso?: number; hdrLen?: number; mss?: number; start?: number; offset?: number }, at = BUF): void {
  const v = new DataView(m.ram, at, HDR);
  m.bytes.fill(0, at, at + HDR);
  v.setUint8(0, h.flags ?? 0); v.setUint8(1, h.gso ?? 0);
  v.setUint16(2, h.hdrLen ?? 0, true); v.setUint16(4, h.mss ?? 0, true);
  v.setUint16(6, h.start ?? 0, true); v.setUint16(8, h.offset ?? 0, true);
  m.bytes.set(frame, at + HDR);
  m.drv.chain(1, [[at, HDR, false], [at + HDR, frame.length, false]]);
  m.drv.notify(1);
}

/** Gives the receiver `n` receive chains of `size` bytes each. */
function rxBuffers(m: Rig, n: number, size: number): void {
  for (let i = 0; i < n; i++) m.drv.chain(0, [[BUF + 0x20000 + i * size, size, true]]);
  m.drv.notify(0);
}

/** The received packets (header fields + frame) of rig `m` (mergeable buffers, laid out by rxBuffers). */
function received(m: Rig, size: number) {
  const out: { flags: number; gso: number; hdrLen: number; mss: number; start: number; offset: number; frame: number[] }[] = [];
  let k = 0;
  const n = m.drv.usedIdx(0);
  while (k < n) {
    const u = m.drv.used(0, k);
    const at = BUF + 0x20000 + u.id * size;
    const v = new DataView(m.ram, at, HDR);
    const bufs = v.getUint16(10, true);
    let bytes = Array.from(m.bytes.subarray(at, at + u.len));
    for (let j = 1; j < bufs; j++) {
      const w = m.drv.used(0, k + j);
      bytes = bytes.concat(Array.from(m.bytes.subarray(BUF + 0x20000 + w.id * size, BUF + 0x20000 + w.id * size + w.len)));
    }
    k += bufs;
    out.push({ flags: v.getUint8(0), gso: v.getUint8(1), hdrLen: v.getUint16(2, true), mss: v.getUint16(4, true), start: v.getUint16(6, true), offset: v.getUint16(8, true), frame: bytes.slice(HDR) });
  }
  return out;
}

const spec = (v6: boolean, n = 10_000): TcpSpec => ({ v6, dst: MAC_B, src: Array.from(MAC0), seq: 1000, flags: ACK | PSH | FIN | CWR, payload: payload(n), id: 7 });

function pair(featsB: number[], v6 = false) {
  const sw = new NetSwitch();
  const a = nicRig(sw.connect(), { ram: 1 << 21 });
  const b = nicRig(sw.connect(), { ram: 1 << 21, mac: new Uint8Array(MAC_B) });
  const negA = a.drv.init(ALL);
  b.drv.init(featsB);
  expect(negA).toEqual(expect.arrayContaining([F.HOST_TSO4, F.HOST_TSO6, F.HOST_ECN, F.CSUM]));
  const s = spec(v6);
  const { frame, l4, hdrLen } = tcpFrame({ ...s, csum: 'partial' });
  return { sw, a, b, s, frame, l4, hdrLen, gsoType: (v6 ? 4 : 1) | 0x80 };
}

describe('virtio-net offloads', () => {
  it('offers CSUM, GUEST_CSUM, HOST/GUEST_TSO4/6 and ECN; Linux\'s set negotiates', () => {
    const m = nicRig(new BufferNet());
    expect(m.drv.offered()).toEqual(expect.arrayContaining([F.CSUM, F.GUEST_CSUM, F.GUEST_TSO4, F.GUEST_TSO6, F.GUEST_ECN, F.HOST_TSO4, F.HOST_TSO6, F.HOST_ECN]));
    expect(m.drv.init(ALL).sort((x, y) => x - y)).toEqual([...ALL].sort((x, y) => x - y));
    expect(m.logs).toEqual([]);
  });

  for (const v6 of [false, true]) {
    it(`IPv${v6 ? 6 : 4}: guest → guest with GUEST_TSO: one 10 KB frame, unchanged, header NEEDS_CSUM + GSO type/size/hdr_len`, () => {
      const p = pair(ALL, v6);
      rxBuffers(p.b, 8, 2048);
      send(p.a, p.frame, { flags: 1, gso: p.gsoType, hdrLen: p.hdrLen, mss: 1448, start: p.l4, offset: 16 });
      const got = received(p.b, 2048);
      expect(got.length).toBe(1);
      expect(got[0]).toEqual({ flags: 1, gso: p.gsoType, hdrLen: p.hdrLen, mss: 1448, start: p.l4, offset: 16, frame: Array.from(p.frame) });
      expect(p.a.net.stats).toMatchObject({ txFrames: 1, txGso: 1, txSegments: 0 });
      expect(p.b.net.stats).toMatchObject({ rxFrames: 1, rxGso: 1 });
    });

    it(`IPv${v6 ? 6 : 4}: to a guest without offloads: the exact wire segments, flags 0`, () => {
      const p = pair(BASE, v6);
      rxBuffers(p.b, 16, 2048);
      send(p.a, p.frame, { flags: 1, gso: p.gsoType, hdrLen: p.hdrLen, mss: 1448, start: p.l4, offset: 16 });
      const got = received(p.b, 2048);
      const want = expectedSegments(p.s, 1448).map((f) => Array.from(f));
      expect(got.length).toBe(7);
      expect(got.map((g) => g.frame)).toEqual(want);
      expect(got.every((g) => g.flags === 0 && g.gso === 0)).toBe(true);
    });
  }

  it('to a guest with GUEST_CSUM but no GUEST_TSO: wire segments marked DATA_VALID; a guest-finished frame is verified first', () => {
    const p = pair([...BASE, F.GUEST_CSUM]);
    rxBuffers(p.b, 16, 2048);
    send(p.a, p.frame, { flags: 1, gso: p.gsoType, hdrLen: p.hdrLen, mss: 1448, start: p.l4, offset: 16 });
    let got = received(p.b, 2048);
    expect(got.map((g) => g.frame)).toEqual(expectedSegments(p.s, 1448).map((f) => Array.from(f)));
    expect(got.every((g) => g.flags === 2)).toBe(true);
    // Frames the sending guest finished itself: DATA_VALID only if the checksum is right.
    const good = tcpFrame({ ...spec(false, 100) }).frame, bad = good.slice();
    bad[bad.length - 1] ^= 1;
    send(p.a, good, {}, BUF + 0x10000);
    send(p.a, bad, {}, BUF + 0x11000);
    got = received(p.b, 2048).slice(7);
    expect(got.map((g) => [g.flags, g.frame.length])).toEqual([[2, good.length], [0, bad.length]]);
  });

  it('NEEDS_CSUM without GSO to a GUEST_CSUM guest passes as partial; to a plain guest completed', () => {
    const s = spec(false, 300);
    const { frame, l4 } = tcpFrame({ ...s, csum: 'partial' });
    for (const [feats, flags, want] of [[[...BASE, F.GUEST_CSUM], 1, frame], [BASE, 0, tcpFrame(s).frame]] as const) {
      const p = pair([...feats]);
      rxBuffers(p.b, 2, 2048);
      send(p.a, frame, { flags: 1, start: l4, offset: 16 });
      const got = received(p.b, 2048);
      expect(got.map((g) => [g.flags, g.frame])).toEqual([[flags, Array.from(want)]]);
      if (flags) expect([got[0].start, got[0].offset]).toEqual([l4, 16]);
    }
  });

  it('to a backend without metadata (socket, test buffer): the NIC segments; a pcap tap records wire frames', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-tso-'));
    try {
      const pcap = new PcapWriter(path.join(dir, 'x.pcap'), { nowUs: () => 0 });
      const sw = new NetSwitch();
      const peer = new BufferNet();
      const port = sw.connect();
      port.setReceiver((f) => peer.frames.push(f)); // a plain receiver on the switch
      const a = nicRig(tapped(sw.connect(), pcap), { ram: 1 << 21 });
      a.drv.init(ALL);
      const s = spec(false, 4000);
      const { frame, l4, hdrLen } = tcpFrame({ ...s, csum: 'partial' });
      send(a, frame, { flags: 1, gso: 0x81, hdrLen, mss: 1000, start: l4, offset: 16 });
      const want = expectedSegments(s, 1000).map((f) => Array.from(f));
      expect(peer.frames.map((f) => Array.from(f))).toEqual(want);
      pcap.close();
      // The capture: 24-byte global header, then per frame a 16-byte record header + frame.
      const file = fs.readFileSync(path.join(dir, 'x.pcap'));
      const frames: number[][] = [];
      for (let at = 24; at < file.length;) { const n = file.readUInt32LE(at + 8); frames.push(Array.from(file.subarray(at + 16, at + 16 + n))); at += 16 + n; }
      expect(frames).toEqual(want);
      // A NIC whose backend carries no metadata segments itself.
      const be = new BufferNet();
      const c = nicRig(be, { ram: 1 << 21 });
      c.drv.init(ALL);
      send(c, frame, { flags: 1, gso: 0x81, hdrLen, mss: 1000, start: l4, offset: 16 });
      expect(be.frames.map((f) => Array.from(f))).toEqual(want);
      expect(c.net.stats).toMatchObject({ txGso: 1, txSegments: 4 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a pcap tap on the receiving side passes the GSO frame to its NIC whole and records the wire segments', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-tso-'));
    try {
      const file = path.join(dir, 'rx.pcap');
      const pcap = new PcapWriter(file, { nowUs: () => 0 });
      const sw = new NetSwitch();
      const a = nicRig(sw.connect(), { ram: 1 << 21 });
      const b = nicRig(tapped(sw.connect(), pcap), { ram: 1 << 21, mac: new Uint8Array(MAC_B) });
      a.drv.init(ALL); b.drv.init(ALL);
      rxBuffers(b, 8, 2048);
      const s = spec(false, 4000);
      const { frame, l4, hdrLen } = tcpFrame({ ...s, csum: 'partial' });
      send(a, frame, { flags: 1, gso: 0x81, hdrLen, mss: 1000, start: l4, offset: 16 });
      expect(received(b, 2048).map((g) => [g.gso, g.frame.length])).toEqual([[0x81, frame.length]]);
      pcap.close();
      const data = fs.readFileSync(file);
      const frames: number[][] = [];
      for (let at = 24; at < data.length;) { const n = data.readUInt32LE(at + 8); frames.push(Array.from(data.subarray(at + 16, at + 16 + n))); at += 16 + n; }
      expect(frames).toEqual(expectedSegments(s, 1000).map((f) => Array.from(f)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CTRL_GUEST_OFFLOADS_SET (§5.1.6.5.6): offloads switched off are finished in software, switched on again pass whole', () => {
    const p = pair([...ALL, F.CTRL_GUEST_OFFLOADS]);
    rxBuffers(p.b, 20, 2048); // 7 + 7 segments, then 5 buffers for the 10 KB frame
    const offloads = (bits: number[]) => {
      const d = new Uint8Array(8);
      new DataView(d.buffer).setBigUint64(0, bits.reduce((x, b) => x | (1n << BigInt(b)), 0n), true);
      return d;
    };
    const segments = expectedSegments(p.s, 1448).map((f) => Array.from(f));
    const sendTso = () => send(p.a, p.frame, { flags: 1, gso: p.gsoType, hdrLen: p.hdrLen, mss: 1448, start: p.l4, offset: 16 });
    // Upon negotiation every GUEST_* offload is on.
    expect(p.b.net.rxOffloads).toBe((1n << 1n) | (1n << 7n) | (1n << 8n) | (1n << 9n));
    // What Linux sends for `ethtool -K eth0 gro-hw off`: GUEST_CSUM stays, TSO4/6 and ECN go.
    expect(p.b.drv.control(5, 0, offloads([F.GUEST_CSUM]))).toBe(0);
    sendTso();
    let got = received(p.b, 2048);
    expect(got.map((g) => g.frame)).toEqual(segments);
    expect(got.every((g) => g.flags === 2 && g.gso === 0)).toBe(true); // DATA_VALID
    // Everything off: plain finished frames, flags 0.
    expect(p.b.drv.control(5, 0, offloads([]))).toBe(0);
    sendTso();
    got = received(p.b, 2048).slice(7);
    expect(got.map((g) => g.frame)).toEqual(segments);
    expect(got.every((g) => g.flags === 0 && g.gso === 0)).toBe(true);
    // On again: the 10 KB frame arrives whole.
    expect(p.b.drv.control(5, 0, offloads([F.GUEST_CSUM, F.GUEST_TSO4, F.GUEST_TSO6, F.GUEST_ECN]))).toBe(0);
    sendTso();
    got = received(p.b, 2048).slice(14);
    expect(got.map((g) => [g.flags, g.gso, g.frame.length])).toEqual([[1, p.gsoType, p.frame.length]]);
    expect(p.b.logs).toEqual([]);
  });

  it('CTRL_GUEST_OFFLOADS_SET refused (VIRTIO_NET_ERR, state kept): offloads not negotiated, short data, feature not negotiated', () => {
    const p = pair([...BASE, F.GUEST_CSUM, F.GUEST_TSO4, F.CTRL_GUEST_OFFLOADS]);
    const le64 = (v: bigint) => { const d = new Uint8Array(8); new DataView(d.buffer).setBigUint64(0, v, true); return d; };
    expect(p.b.drv.control(5, 0, le64(1n << 8n))).toBe(1); // GUEST_TSO6 was not negotiated
    expect(p.b.drv.control(5, 0, le64(1n << 40n))).toBe(1); // no such offload
    expect(p.b.drv.control(5, 0, new Uint8Array(4))).toBe(1); // le64 cut short
    expect(p.b.drv.control(5, 1, le64(0n))).toBe(1); // no command 1 in that class
    expect(p.b.net.rxOffloads).toBe((1n << 1n) | (1n << 7n));
    expect(p.b.drv.status() & 0x40).toBe(0);
    // A driver that did not negotiate the feature cannot use the command.
    const q = pair(BASE);
    expect(q.b.drv.control(5, 0, le64(0n))).toBe(1);
  });

  it('segments beyond the receive backlog are dropped and counted (no unbounded queue)', () => {
    const sw = new NetSwitch();
    const a = nicRig(sw.connect(), { ram: 1 << 21 });
    const b = nicRig(sw.connect(), { ram: 1 << 21, mac: new Uint8Array(MAC_B), rxBacklog: 3 });
    a.drv.init(ALL); b.drv.init(BASE);
    const { frame, l4, hdrLen } = tcpFrame({ ...spec(false), csum: 'partial' });
    send(a, frame, { flags: 1, gso: 0x81, hdrLen, mss: 1448, start: l4, offset: 16 });
    expect(b.net.backlog).toBe(3);
    expect(b.net.stats.rxDropOverflow).toBe(4);
  });

  it('hostile headers are dropped and logged, the chain completes: GSO not negotiated, ECN without HOST_ECN, bad csum_start, UDP as TCPv4', () => {
    const be = new BufferNet();
    const m = nicRig(be, { ram: 1 << 21 });
    m.drv.init([...BASE, F.CSUM, F.HOST_TSO4]);
    const s = spec(false, 3000);
    const { frame, l4, hdrLen } = tcpFrame({ ...s, csum: 'partial' });
    const udp = frame.slice(); udp[23] = 17;
    send(m, frame, { flags: 1, gso: 4, mss: 1000, start: l4, offset: 16, hdrLen }, BUF);
    send(m, frame, { flags: 1, gso: 0x81, mss: 1000, start: l4, offset: 16, hdrLen }, BUF + 0x2000);
    send(m, frame, { flags: 1, gso: 1, mss: 1000, start: l4 - 2, offset: 16, hdrLen }, BUF + 0x4000);
    send(m, udp, { flags: 1, gso: 1, mss: 1000, start: l4, offset: 16, hdrLen }, BUF + 0x6000);
    send(m, frame, { flags: 0, gso: 1, mss: 1000, start: l4, offset: 16, hdrLen }, BUF + 0x8000);
    send(m, frame, { flags: 1, gso: 1, mss: 0, start: l4, offset: 16, hdrLen }, BUF + 0xa000);
    expect(be.frames.length).toBe(0);
    expect(m.drv.usedIdx(1)).toBe(6);
    expect(m.net.stats.txDropped).toBe(6);
    expect(m.logs.length).toBeGreaterThanOrEqual(3);
    expect(m.drv.status() & 0x40).toBe(0); // no NEEDS_RESET: dropping is enough
    // And the good one goes out as segments.
    send(m, frame, { flags: 1, gso: 1, mss: 1000, start: l4, offset: 16, hdrLen }, BUF + 0xc000);
    expect(be.frames.length).toBe(3);
  });
});
