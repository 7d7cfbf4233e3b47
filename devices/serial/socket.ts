// The UART on a listening socket (`-serial tcp::PORT,server` / a Unix socket path): one client at
// a time; its bytes are guest input. Output produced while no client is connected is kept and
// sent when one connects, so nothing is lost; close() waits until the client has it all.
import * as net from 'node:net';
import type { SerialBackend } from './backend.js';

export type SocketAddress = { port: number; host?: string } | { path: string };

export class SocketBackend implements SerialBackend {
  private server: net.Server;
  private client: net.Socket | null = null;
  private pending: Uint8Array[] = [];
  private rx: ((data: Uint8Array) => void) | null = null;
  /** Resolves once the server listens (with the bound address, e.g. for port 0). */
  readonly listening: Promise<net.AddressInfo | string>;
  private connectedResolve!: () => void;
  /** Resolves when the first client connects (for a `wait` option). */
  readonly connected = new Promise<void>((r) => { this.connectedResolve = r; });

  constructor(addr: SocketAddress) {
    this.server = net.createServer((s) => this.accept(s));
    this.listening = new Promise((resolve, reject) => {
      this.server.once('error', reject);
      const done = () => resolve(this.server.address()!);
      if ('path' in addr) this.server.listen(addr.path, done);
      else this.server.listen(addr.port, addr.host ?? '127.0.0.1', done);
    });
  }

  private accept(s: net.Socket): void {
    if (this.client) { s.end('krustvm: serial port already in use\r\n'); return; }
    this.client = s;
    s.on('data', (d: Buffer) => this.rx?.(d));
    s.on('error', () => {});
    s.on('close', () => { if (this.client === s) this.client = null; });
    for (const c of this.pending) s.write(c);
    this.pending = [];
    this.connectedResolve();
  }

  write(data: Uint8Array): void {
    if (this.client && !this.client.destroyed) this.client.write(data.slice());
    else this.pending.push(data.slice());
  }

  setReceiver(rx: ((data: Uint8Array) => void) | null): void { this.rx = rx; }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c && !c.destroyed) await new Promise<void>((r) => c.end(() => r()));
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
