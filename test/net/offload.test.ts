// Software TSO and checksum completion (devices/net/offload.ts) against frames built
// independently from the RFCs (tcp-oracle.ts): every segment must be byte-for-byte the frame a
// real NIC would send.
import { describe, expect, it } from 'vitest';
import { checkMeta, completeChecksum, l4ChecksumOk, tcpLayout, toWire } from '../../devices/net/offload.js';
import { ACK, CWR, ECE, FIN, PSH, expectedSegments, payload, sum16, tcpFrame, type TcpSpec } from './tcp-oracle.js';

const arr = (f: Uint8Array) => Array.from(f);

describe.each([false, true])('TSO in software (IPv%s)', (v6) => {
  const name = v6 ? 6 : 4;
  const spec = (over: Partial<TcpSpec> = {}): TcpSpec => ({ v6, seq: 0xfffff000, flags: ACK | PSH | FIN | CWR | ECE, id: 0xfffe, payload: payload(5000), options: [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], ...over });

  it(`IPv${name}: 5000 bytes at MSS 1448 → 4 segments equal to independently built ones (seq wraps, id wraps, FIN/PSH last, CWR first)`, () => {
    const s = spec();
    const { frame, l4 } = tcpFrame({ ...s, csum: 'partial' });
    const out = toWire(frame, { csum: { start: l4, offset: 16 }, gso: { v6, mss: 1448, ecn: true } });
    const want = expectedSegments(s, 1448);
    expect(out.length).toBe(4);
    expect(out.map(arr)).toEqual(want.map(arr));
    // Spot checks straight from the RFCs, on the produced bytes.
    const last = out[3];
    expect(last[l4 + 13]).toBe(ACK | PSH | FIN | ECE);
    expect(out[1][l4 + 13]).toBe(ACK | ECE);
    expect(out[0][l4 + 13]).toBe(ACK | CWR | ECE);
    expect(((last[l4 + 4] << 24) | (last[l4 + 5] << 16) | (last[l4 + 6] << 8) | last[l4 + 7]) >>> 0).toBe((0xfffff000 + 3 * 1448) >>> 0);
    if (!v6) {
      expect(out.map((f) => (f[18] << 8) | f[19])).toEqual([0xfffe, 0xffff, 0, 1]);
      for (const f of out) expect(sum16(Array.from(f.subarray(14, 34)))).toBe(0xffff); // RFC 791
    }
    expect(out.map((f) => f.length)).toEqual([1448, 1448, 1448, 656].map((n) => n + l4 + 32));
  });

  it(`IPv${name}: payload ≤ MSS is one segment with the checksum completed; the input is left as it was`, () => {
    const s = spec({ payload: payload(700), flags: ACK | PSH });
    const { frame, l4 } = tcpFrame({ ...s, csum: 'partial' });
    const copy = frame.slice();
    const out = toWire(frame, { csum: { start: l4, offset: 16 }, gso: { v6, mss: 1448, ecn: false } });
    expect(out.map(arr)).toEqual(expectedSegments(s, 1448).map(arr));
    expect(arr(frame)).toEqual(arr(copy));
  });

  it(`IPv${name}: exact multiple of the MSS; a 64 KiB segment`, () => {
    for (const [n, mss] of [[2896, 1448], [65000, 1460], [1, 536], [1000, 48]]) {
      const s = spec({ payload: payload(n, n), flags: ACK });
      const { frame, l4 } = tcpFrame({ ...s, csum: 'partial' });
      const out = toWire(frame, { csum: { start: l4, offset: 16 }, gso: { v6, mss, ecn: false } });
      expect(out.length).toBe(Math.ceil(n / mss));
      expect(out.map(arr)).toEqual(expectedSegments(s, mss).map(arr));
      for (const f of out) expect(l4ChecksumOk(f)).toBe(true);
    }
  });
});

describe('checksum completion and verification', () => {
  it('NEEDS_CSUM without GSO: the RFC 793 checksum in a copy', () => {
    const s: TcpSpec = { seq: 1, flags: ACK, payload: payload(333) };
    const { frame, l4 } = tcpFrame({ ...s, csum: 'partial' });
    const out = toWire(frame, { csum: { start: l4, offset: 16 } });
    expect(out.map(arr)).toEqual([arr(tcpFrame(s).frame)]);
    expect(out[0]).not.toBe(frame);
  });

  it('a completed checksum of 0 is written 0xffff (RFC 768: 0 means none for UDP)', () => {
    // UDP header whose data makes the total sum 0xffff once the checksum field is 0.
    const f = new Uint8Array(14 + 8 + 2);
    f[14 + 4] = 0; f[14 + 5] = 10; // length 10
    const s = sum16(Array.from(f.subarray(14)));
    f[14 + 8] = (0xffff - s) >> 8; f[14 + 9] = (0xffff - s) & 0xff;
    completeChecksum(f, 14, 6);
    expect([f[20], f[21]]).toEqual([0xff, 0xff]);
  });

  it('l4ChecksumOk: a right TCP checksum passes, one flipped payload bit fails; non-IP fails', () => {
    const { frame } = tcpFrame({ seq: 9, flags: ACK, payload: payload(101) });
    expect(l4ChecksumOk(frame)).toBe(true);
    const bad = frame.slice(); bad[bad.length - 1] ^= 4;
    expect(l4ChecksumOk(bad)).toBe(false);
    const arp = frame.slice(); arp[12] = 0x08; arp[13] = 0x06;
    expect(l4ChecksumOk(arp)).toBe(false);
    expect(l4ChecksumOk(frame.subarray(0, 20))).toBe(false);
  });

  it('metadata that does not fit the frame is refused (never throws): wrong csum_start, type mismatch, UDP, short, mss 0', () => {
    const { frame, l4 } = tcpFrame({ seq: 1, flags: ACK, payload: payload(3000), csum: 'partial' });
    const gso = { v6: false, mss: 1000, ecn: false };
    expect(checkMeta(frame, { csum: { start: l4, offset: 16 }, gso })).toEqual(tcpLayout(frame));
    expect(checkMeta(frame, { csum: { start: l4 + 2, offset: 16 }, gso })).toMatch(/csum_start/);
    expect(checkMeta(frame, { csum: { start: l4, offset: 16 }, gso: { ...gso, v6: true } })).toMatch(/TCPv6 on an IPv4/);
    expect(checkMeta(frame, { csum: { start: l4, offset: 16 }, gso: { ...gso, mss: 0 } })).toMatch(/gso_size 0/);
    expect(checkMeta(frame, { csum: { start: l4, offset: 16 }, gso: { ...gso, mss: 47 } })).toMatch(/gso_size 47 \(below 48\)/);
    expect(checkMeta(frame, { csum: { start: l4, offset: 16 }, gso: { ...gso, mss: 48 } })).toEqual(tcpLayout(frame));
    expect(checkMeta(frame, { gso })).toMatch(/without NEEDS_CSUM/);
    expect(checkMeta(frame, { csum: { start: frame.length - 1, offset: 0 } })).toMatch(/past/);
    const udp = frame.slice(); udp[23] = 17;
    expect(checkMeta(udp, { csum: { start: l4, offset: 16 }, gso })).toMatch(/not TCP/);
    for (let n = 0; n < 54; n += 5) expect(toWire(frame.subarray(0, n), { csum: { start: l4, offset: 16 }, gso })).toEqual([]);
  });
});
