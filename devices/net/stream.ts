// QEMU's `-netdev stream` wire format over a stream socket (TCP or Unix), as server or client,
// so a krustvm NIC can be cabled to another krustvm process or to a qemu-system guest
// (`-netdev stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=5555`).
//
// Framing (QEMU net/stream.c): each Ethernet frame is preceded by its length as a 4-byte
// big-endian integer. A length above MAX_FRAME cannot be a frame: the peer speaks something
// else or lost sync, so the connection is dropped (and, for a client, made again) rather than
// guessing where the next frame starts. Reads are reassembled across any split or coalescing
// of the byte stream. Nothing here throws at the NIC: while there is no peer, frames sent are
// dropped and counted, like a cable with nothing at the other end.
//
// A server accepts one peer at a time (a second is refused while the first is connected) and
// takes the next one after it goes. A client connects, and after a failure or EOF tries again
// every `reconnectMs`.
//
// Carrier: the backend tells its receiver (ReceiverOptions.carrier) that the cable is up while a
// peer is connected and down otherwise, so the NIC's link status follows: a server's link goes
// down when its peer leaves and up when the next one connects; a client's when the connection
// ends and up when a reconnect succeeds (never again with reconnectMs 0).
import * as fs from 'node:fs';
import * as net from 'node:net';
import { warnSink } from '../device.js';
import { type FrameReceiver, type NetBackend, type ReceiverOptions, ETH_HLEN, MAX_FRAME } from './backend.js';

export type StreamAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export function formatAddress(a: StreamAddress): string {
  return a.kind === 'tcp' ? `tcp:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}` : `unix:${a.path}`;
}

/** Splits a byte stream into length-prefixed frames. */
export class StreamDecoder {
  private rest: Uint8Array = new Uint8Array(0);
  /** Frames shorter than an Ethernet header (skipped). */
  runts = 0;

  constructor(private readonly onFrame: (frame: Uint8Array) => void, private readonly maxFrame = MAX_FRAME) {}

  /** Bytes buffered towards the next frame. */
  get buffered(): number { return this.rest.length; }

  /** Takes the next bytes of the stream; returns an error message when the stream cannot be
   *  a frame stream (then the decoder must be discarded with its connection). */
  push(chunk: Uint8Array): string | null {
    let data = chunk;
    if (this.rest.length) {
      data = new Uint8Array(this.rest.length + chunk.length);
      data.set(this.rest); data.set(chunk, this.rest.length);
    }
    let at = 0;
    while (data.length - at >= 4) {
      const len = ((data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]) >>> 0;
      if (len > this.maxFrame) { this.rest = new Uint8Array(0); return `frame length ${len} is over the ${this.maxFrame}-byte limit`; }
      if (data.length - at - 4 < len) break;
      const frame = data.slice(at + 4, at + 4 + len);
      at += 4 + len;
      if (len < ETH_HLEN) this.runts++;
      else this.onFrame(frame);
    }
    this.rest = data.slice(at);
    return null;
  }
}

/** The length prefix and the frame, as one buffer to write. */
export function encodeFrame(frame: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(4 + frame.length);
  b.writeUInt32BE(frame.length, 0);
  b.set(frame, 4);
  return b;
}

export interface StreamOptions {
  server: boolean;
  addr: StreamAddress;
  /** Client: wait this long before connecting again after a failure or EOF (default 1000;
   *  0 = never). */
  reconnectMs?: number;
  /** One-line messages (connection events, protocol errors). Default: the warning sink. */
  log?: (msg: string) => void;
  /** Label in messages (default "stream"). */
  label?: string;
}

export interface StreamStats { sent: number; received: number; dropped: number; connects: number }

/** Bytes queued in the socket beyond which frames are dropped (a peer that does not read). */
const MAX_QUEUED = 4 * 2 ** 20;

export class StreamNet implements NetBackend {
  readonly stats: StreamStats = { sent: 0, received: 0, dropped: 0, connects: 0 };
  private rx: FrameReceiver | null = null;
  private onCarrier: ((up: boolean) => void) | null = null;
  /** Carrier as last reported. */
  private carrierUp = false;
  private sock: net.Socket | null = null;
  private server: net.Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly log: (msg: string) => void;
  private readonly label: string;
  private failedOnce = false;
  private waiters: (() => void)[] = [];

  private constructor(private readonly opts: StreamOptions) {
    this.label = opts.label ?? 'stream';
    this.log = opts.log ?? ((m) => warnSink(m));
  }

  /** A server listening (resolves once it listens; rejects with a one-line Error if it cannot),
   *  or a client that starts connecting (resolves at once). */
  static async open(opts: StreamOptions): Promise<StreamNet> {
    const s = new StreamNet(opts);
    if (opts.server) await s.listen();
    else s.connect();
    return s;
  }

  get connected(): boolean { return this.sock !== null && !this.sock.connecting && !this.sock.destroyed; }

  /** Resolves when a peer is connected (tests, `wait` semantics). */
  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((res) => this.waiters.push(res));
  }

  /** The TCP port actually listened on (server with port 0). */
  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  private where(): string { return formatAddress(this.opts.addr); }

  private listen(): Promise<void> {
    const a = this.opts.addr;
    const srv = net.createServer((sock) => {
      if (this.sock || this.closed) { sock.destroy(); return; }
      this.attach(sock);
    });
    this.server = srv;
    // Sockets never keep the process alive by themselves: the machine's run loop does while it
    // runs, and a run that ends without close() (an error on the way) must still let it exit.
    srv.unref();
    return new Promise((res, rej) => {
      srv.once('error', (e: NodeJS.ErrnoException) => {
        this.server = null;
        rej(new Error(`${this.label}: cannot listen on ${this.where()} (${e.code ?? e.message})${e.code === 'EADDRINUSE' ? '; is another krustvm or qemu using it?' : ''}`));
      });
      const ok = () => { srv.removeAllListeners('error'); srv.on('error', (e) => this.log(`${this.label}: ${e.message}`)); res(); };
      if (a.kind === 'tcp') srv.listen(a.port, a.host, ok);
      else srv.listen(a.path, ok);
    });
  }

  private connect(): void {
    if (this.closed) return;
    const a = this.opts.addr;
    const sock = a.kind === 'tcp' ? net.connect({ host: a.host, port: a.port }) : net.connect({ path: a.path });
    this.attach(sock);
  }

  private attach(sock: net.Socket): void {
    this.sock = sock;
    sock.unref();
    const decoder = new StreamDecoder((f) => {
      this.stats.received++;
      try { this.rx?.(f); } catch { /* the NIC never throws; stay safe anyway */ }
    });
    const up = () => {
      if (this.opts.addr.kind === 'tcp') sock.setNoDelay(true);
      this.stats.connects++;
      this.failedOnce = false;
      this.setCarrier(true);
      for (const w of this.waiters.splice(0)) w();
    };
    if (sock.connecting) sock.once('connect', up); else up();
    sock.on('data', (chunk: Buffer) => {
      const err = decoder.push(chunk);
      if (err) {
        this.log(`${this.label}: ${this.where()}: ${err}; dropping the connection`);
        sock.destroy();
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!this.opts.server && !this.failedOnce) {
        this.failedOnce = true;
        const again = this.reconnectMs > 0 ? `; trying again every ${this.reconnectMs / 1000} s` : '';
        this.log(`${this.label}: cannot reach ${this.where()} (${e.code ?? e.message})${again}`);
      }
    });
    sock.on('close', () => {
      if (this.sock === sock) { this.sock = null; this.setCarrier(false); }
      if (this.closed || this.opts.server || this.reconnectMs <= 0) return;
      this.timer = setTimeout(() => { this.timer = null; this.connect(); }, this.reconnectMs);
      this.timer.unref();
    });
  }

  private get reconnectMs(): number { return this.opts.reconnectMs ?? 1000; }

  send(frame: Uint8Array): void {
    const s = this.sock;
    if (!s || s.connecting || s.destroyed || s.writableLength > MAX_QUEUED || frame.length > MAX_FRAME) { this.stats.dropped++; return; }
    this.stats.sent++;
    s.write(encodeFrame(frame));
  }

  setReceiver(rx: FrameReceiver | null, opts?: ReceiverOptions): void {
    this.rx = rx;
    this.onCarrier = (rx && opts?.carrier) || null;
    this.onCarrier?.(this.carrierUp);
  }

  /** Whether a peer is connected, as reported to the receiver. */
  get carrier(): boolean { return this.carrierUp; }

  private setCarrier(up: boolean): void {
    if (up === this.carrierUp) return;
    this.carrierUp = up;
    try { this.onCarrier?.(up); } catch { /* the NIC never throws; stay safe anyway */ }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rx = null; this.onCarrier = null;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const s = this.sock;
    this.sock = null;
    if (s && !s.destroyed) {
      // Let queued frames go out, but never wait long for a peer that does not read.
      await new Promise<void>((res) => {
        const t = setTimeout(() => { s.destroy(); res(); }, 1000);
        s.once('close', () => { clearTimeout(t); res(); });
        s.end();
      });
    }
    const srv = this.server;
    this.server = null;
    if (srv) {
      await new Promise<void>((res) => srv.close(() => res()));
      if (this.opts.addr.kind === 'unix') { try { fs.unlinkSync(this.opts.addr.path); } catch { /* gone already */ } }
    }
  }
}
