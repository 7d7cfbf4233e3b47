import { describe, it, expect } from 'vitest';
import { NetSwitch, namedSwitch } from '../../devices/net/switch.js';
import type { FrameMeta } from '../../devices/net/offload.js';
import { ACK, PSH, expectedSegments, payload, tcpFrame } from './tcp-oracle.js';

const A = [2, 0, 0, 0, 0, 0xa], B = [2, 0, 0, 0, 0, 0xb], C = [2, 0, 0, 0, 0, 0xc];
const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], MCAST = [0x01, 0x00, 0x5e, 0, 0, 1];
const frame = (dst: number[], src: number[], tag = 0) => new Uint8Array([...dst, ...src, 0x08, 0x00, tag, 0, 0, 0]);

function lan(n: number, opts: { now?: () => number; ageMs?: number } = {}) {
  const sw = new NetSwitch('t', opts.ageMs ?? 300_000, opts.now ?? Date.now);
  const ports = Array.from({ length: n }, () => sw.connect());
  const got: number[][] = ports.map(() => []);
  ports.forEach((p, i) => p.setReceiver((f) => got[i].push(f[14])));
  return { sw, ports, got };
}

describe('in-process learning switch', () => {
  it('unknown unicast and broadcast flood to every other port; learned unicast goes to one port', () => {
    const { sw, ports, got } = lan(3);
    ports[0].send(frame(B, A, 1)); // B unknown: flood
    expect(got).toEqual([[], [1], [1]]);
    ports[1].send(frame(A, B, 2)); // A learned on port 0
    expect(got).toEqual([[2], [1], [1]]);
    ports[0].send(frame(B, A, 3)); // B learned on port 1
    expect(got).toEqual([[2], [1, 3], [1]]);
    ports[2].send(frame(BCAST, C, 4));
    expect(got).toEqual([[2, 4], [1, 3, 4], [1]]);
    expect(sw.lookup(new Uint8Array(C))).toBe(ports[2]);
  });

  it('multicast floods; a group address is never learned as a source', () => {
    const { sw, ports, got } = lan(3);
    ports[0].send(frame(MCAST, A, 1));
    expect(got).toEqual([[], [1], [1]]);
    ports[1].send(frame(A, MCAST, 2)); // bogus group source
    expect(sw.lookup(new Uint8Array(MCAST))).toBeUndefined();
  });

  it('a frame for an address behind the sending port is filtered; a moved address is re-learned', () => {
    const { sw, ports, got } = lan(3);
    ports[0].send(frame(BCAST, A, 1));
    ports[0].send(frame(A, B, 2)); // B claims port 0 too; A lives there: filtered
    expect(got).toEqual([[], [1], [1]]);
    expect(sw.stats.filtered).toBe(1);
    ports[2].send(frame(BCAST, A, 3)); // A moved to port 2
    ports[1].send(frame(A, C, 4));
    expect(got).toEqual([[3], [1, 3], [1, 4]]);
  });

  it('learned entries age out, then the destination is flooded again', () => {
    let t = 0;
    const { ports, got } = lan(3, { now: () => t, ageMs: 1000 });
    ports[1].send(frame(BCAST, B, 1));
    ports[0].send(frame(B, A, 2));
    expect(got).toEqual([[1], [2], [1]]);
    t = 5000;
    ports[0].send(frame(B, A, 3));
    expect(got).toEqual([[1], [2, 3], [1, 3]]);
  });

  it('a frame sent from inside a receiver is forwarded after the current one (no re-entry)', () => {
    const sw = new NetSwitch();
    const p0 = sw.connect(), p1 = sw.connect(), p2 = sw.connect();
    const order: string[] = [];
    p1.setReceiver((f) => { order.push(`p1:${f[14]}`); if (f[14] === 1) p1.send(frame(BCAST, B, 2)); });
    p2.setReceiver((f) => order.push(`p2:${f[14]}`));
    p0.setReceiver((f) => order.push(`p0:${f[14]}`));
    p0.send(frame(BCAST, A, 1));
    expect(order).toEqual(['p1:1', 'p2:1', 'p0:2', 'p2:2']);
  });

  it('runts and closed ports: dropped; closing forgets the port\'s addresses', async () => {
    const { sw, ports, got } = lan(3);
    ports[0].send(new Uint8Array(10));
    expect(sw.stats.dropped).toBe(1);
    ports[1].send(frame(BCAST, B, 1));
    await ports[1].close();
    expect(sw.lookup(new Uint8Array(B))).toBeUndefined();
    ports[1].send(frame(BCAST, B, 2));
    ports[0].send(frame(B, A, 3));
    expect(got).toEqual([[1], [], [1, 3]]);
    expect(sw.portCount).toBe(2);
  });

  it('named switches are shared within the process', () => {
    expect(namedSwitch('x-test')).toBe(namedSwitch('x-test'));
    expect(namedSwitch('x-test')).not.toBe(namedSwitch('y-test'));
  });

  it('offload metadata: a port that takes it gets the frame as it is; a plain port gets the wire segments; bad metadata is dropped there', () => {
    const sw = new NetSwitch();
    const src = sw.connect(), meta = sw.connect(), plain = sw.connect();
    expect(src.carriesMeta).toBe(true);
    const gotMeta: [Uint8Array, FrameMeta | undefined][] = [], gotPlain: [Uint8Array, FrameMeta | undefined][] = [];
    meta.setReceiver((f, m) => gotMeta.push([f, m]), { meta: true });
    plain.setReceiver((f, m) => gotPlain.push([f, m]));
    const spec = { dst: BCAST, src: A, seq: 5, flags: ACK | PSH, payload: payload(3000) };
    const { frame, l4 } = tcpFrame({ ...spec, csum: 'partial' });
    const m: FrameMeta = { csum: { start: l4, offset: 16 }, gso: { v6: false, mss: 1400, ecn: false } };
    src.send(frame, m);
    expect(gotMeta).toEqual([[frame, m]]);
    expect(gotPlain.map(([f, x]) => [Array.from(f), x])).toEqual(expectedSegments(spec, 1400).map((f) => [Array.from(f), undefined]));
    expect(plain.finished).toBe(1);
    src.send(frame, { ...m, csum: { start: l4 + 1, offset: 16 } });
    expect(gotPlain.length).toBe(3);
    expect(plain.badMeta).toBe(1);
  });
});
