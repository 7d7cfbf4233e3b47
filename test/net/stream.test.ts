// QEMU `-netdev stream` framing: 4-byte big-endian length, then the frame (QEMU net/stream.c).
// The wire side is checked against a raw socket peer built here from that definition.
import { describe, it, expect, afterEach } from 'vitest';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_FRAME } from '../../devices/net/backend.js';
import { StreamDecoder, StreamNet } from '../../devices/net/stream.js';

const frame = (n: number, tag: number) => Uint8Array.from({ length: n }, (_, i) => (i === 14 ? tag : (i * 13 + tag) & 0xff));
const prefixed = (f: Uint8Array) => { const b = Buffer.alloc(4 + f.length); b.writeUInt32BE(f.length, 0); b.set(f, 4); return b; };
const until = async (cond: () => boolean, ms = 5000) => {
  const t0 = Date.now();
  while (!cond()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 5)); }
};

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0)) await c(); });

describe('stream framing decoder', () => {
  const frames = [frame(60, 1), frame(1514, 2), frame(14, 3), frame(9000, 4)];
  const wire = Buffer.concat(frames.map(prefixed));

  it('byte-by-byte (every split) and all-at-once (coalesced) give the same frames', () => {
    for (const step of [1, 3, 4, 5, 1000, wire.length]) {
      const got: Uint8Array[] = [];
      const d = new StreamDecoder((f) => got.push(f));
      for (let i = 0; i < wire.length; i += step) expect(d.push(wire.subarray(i, i + step))).toBeNull();
      expect(got.map((f) => Buffer.from(f).toString('hex'))).toEqual(frames.map((f) => Buffer.from(f).toString('hex')));
      expect(d.buffered).toBe(0);
    }
  });

  it('a length over the limit is an error (no resync guessing); runts are skipped and counted', () => {
    const got: Uint8Array[] = [];
    const d = new StreamDecoder((f) => got.push(f));
    expect(d.push(Buffer.concat([prefixed(new Uint8Array(5)), prefixed(frame(60, 9))]))).toBeNull();
    expect(d.runts).toBe(1);
    expect(got.length).toBe(1);
    const big = Buffer.alloc(4); big.writeUInt32BE(MAX_FRAME + 1, 0);
    expect(d.push(big)).toMatch(/over the \d+-byte limit/);
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    expect(new StreamDecoder(() => {}).push(huge)).toMatch(/4294967295/);
  });
});

describe('stream backend over real sockets', () => {
  async function serverOn(addr: { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string }) {
    const logs: string[] = [];
    const s = await StreamNet.open({ server: true, addr, log: (m) => logs.push(m) });
    cleanup.push(() => s.close());
    return { s, logs };
  }

  it('TCP: krustvm server ↔ krustvm client, frames both ways in order', async () => {
    const { s } = await serverOn({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    const c = await StreamNet.open({ server: false, addr: { kind: 'tcp', host: '127.0.0.1', port: s.port! } });
    cleanup.push(() => c.close());
    const atServer: number[] = [], atClient: number[] = [];
    s.setReceiver((f) => atServer.push(f[14]));
    c.setReceiver((f) => atClient.push(f[14]));
    await c.whenConnected(); await s.whenConnected();
    for (let i = 0; i < 50; i++) c.send(frame(60 + i * 20, i));
    for (let i = 0; i < 5; i++) s.send(frame(1514, 100 + i));
    await until(() => atServer.length === 50 && atClient.length === 5);
    expect(atServer).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(atClient).toEqual([100, 101, 102, 103, 104]);
  });

  it('Unix socket: a raw peer sends fragmented and coalesced writes, and reads our exact framing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-net-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const sock = path.join(dir, 'lan.sock');
    const { s } = await serverOn({ kind: 'unix', path: sock });
    const got: Uint8Array[] = [];
    s.setReceiver((f) => got.push(f));
    const peer = net.connect({ path: sock });
    cleanup.push(() => { peer.destroy(); });
    await new Promise((r) => peer.once('connect', r));
    const f1 = frame(100, 1), f2 = frame(200, 2), f3 = frame(60, 3);
    const wire = Buffer.concat([prefixed(f1), prefixed(f2), prefixed(f3)]);
    // Split inside the length of f2 and inside the body of f3, with pauses between writes.
    for (const [a, b] of [[0, 106], [106, 250], [250, wire.length]]) {
      peer.write(wire.subarray(a, b));
      await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => got.length === 3);
    expect(got.map((f) => Buffer.from(f).toString('hex'))).toEqual([f1, f2, f3].map((f) => Buffer.from(f).toString('hex')));
    // Our side of the wire.
    const chunks: Buffer[] = [];
    peer.on('data', (c: Buffer) => chunks.push(c));
    const out = frame(70, 7);
    await s.whenConnected();
    s.send(out);
    await until(() => Buffer.concat(chunks).length >= 74);
    expect(Buffer.concat(chunks).toString('hex')).toBe(prefixed(out).toString('hex'));
  });

  it('an oversize length drops that connection with one message; the server takes the next peer', async () => {
    const { s, logs } = await serverOn({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    const got: number[] = [];
    s.setReceiver((f) => got.push(f[14]));
    const bad = net.connect({ host: '127.0.0.1', port: s.port! });
    const closed = new Promise((r) => bad.once('close', r));
    bad.on('error', () => {});
    await new Promise((r) => bad.once('connect', r));
    bad.write(Buffer.from([0x7f, 0, 0, 0, 1, 2, 3]));
    await closed;
    expect(logs.length).toBe(1);
    expect(logs[0]).toMatch(/frame length 2130706432 is over/);
    const good = net.connect({ host: '127.0.0.1', port: s.port! });
    cleanup.push(() => { good.destroy(); });
    await new Promise((r) => good.once('connect', r));
    good.write(prefixed(frame(60, 42)));
    await until(() => got.length === 1);
    expect(got).toEqual([42]);
  });

  it('a second peer is refused while one is connected', async () => {
    const { s } = await serverOn({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    const p1 = net.connect({ host: '127.0.0.1', port: s.port! });
    cleanup.push(() => { p1.destroy(); });
    await s.whenConnected();
    const p2 = net.connect({ host: '127.0.0.1', port: s.port! });
    p2.on('error', () => {});
    await new Promise((r) => p2.once('close', r));
    expect(s.connected).toBe(true);
  });

  it('client: nothing to connect to → frames dropped and counted, no exception; connects when the server appears, again after EOF', async () => {
    // A free port: listen, note it, close.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const logs: string[] = [];
    const c = await StreamNet.open({ server: false, addr: { kind: 'tcp', host: '127.0.0.1', port }, reconnectMs: 30, log: (m) => logs.push(m) });
    cleanup.push(() => c.close());
    await new Promise((r) => setTimeout(r, 100));
    expect(() => c.send(frame(60, 1))).not.toThrow();
    expect(c.stats.dropped).toBe(1);
    expect(logs.length).toBe(1); // "cannot reach", once, not per attempt
    expect(logs[0]).toMatch(/cannot reach tcp:127\.0\.0\.1:\d+ \(ECONNREFUSED\); trying again/);
    let peer: net.Socket | undefined;
    const got: Buffer[] = [];
    const srv = net.createServer((p) => { peer = p; p.on('data', (d: Buffer) => got.push(d)); });
    cleanup.push(() => new Promise<void>((r) => { peer?.destroy(); srv.close(() => r()); }));
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    await c.whenConnected();
    c.send(frame(60, 2));
    await until(() => Buffer.concat(got).length === 64);
    peer!.end(); // EOF from the peer
    await until(() => !c.connected);
    await c.whenConnected();
    expect(c.stats.connects).toBe(2);
  });

  it('a server that cannot listen says why in one line', async () => {
    const { s } = await serverOn({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    await expect(StreamNet.open({ server: true, addr: { kind: 'tcp', host: '127.0.0.1', port: s.port! } })).rejects.toThrow(/^stream: cannot listen on tcp:127\.0\.0\.1:\d+ \(EADDRINUSE\); is another krustvm or qemu using it\?$/);
  });
});
