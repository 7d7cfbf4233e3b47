// Packet capture (`--net-pcap FILE`): a classic libpcap file of every frame in and out of a NIC,
// readable by tcpdump, tshark and Wireshark.
//
// Format (the libpcap "savefile", https://www.tcpdump.org/manpages/pcap-savefile.5.html and
// draft-ietf-opsawg-pcap): a 24-byte global header — magic 0xa1b2c3d4 (microsecond timestamps)
// in the writer's byte order (little-endian here), version 2.4, thiszone 0, sigfigs 0, snaplen,
// link type 1 (LINKTYPE_ETHERNET) — then per frame a 16-byte record header (seconds,
// microseconds, captured length, original length) and the frame bytes.
//
// Records are buffered and written out when 256 KiB pile up, within `flushMs` of the last
// frame, and on close() — and synchronously if the process exits first — so the file is
// complete when the run ends.
import * as fs from 'node:fs';
import { type FrameReceiver, type NetBackend, type ReceiverOptions } from './backend.js';
import { type FrameMeta, toWire } from './offload.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
export const PCAP_SNAPLEN = 262144;

export interface PcapOptions {
  /** Capture time source in microseconds since the epoch (tests). */
  nowUs?: () => number;
  flushMs?: number;
}

export class PcapWriter {
  private fd: number | null;
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly nowUs: () => number;
  private readonly flushMs: number;
  private readonly onExit = () => this.flush();
  /** Frames recorded. */
  frames = 0;

  /** Creates (truncates) `file` and writes the global header. Throws an Error with a one-line
   *  message if the file cannot be written. */
  constructor(readonly file: string, opts: PcapOptions = {}) {
    try {
      this.fd = fs.openSync(file, 'w');
    } catch (x) {
      const code = (x as NodeJS.ErrnoException).code;
      throw new Error(`--net-pcap ${file}: cannot create it (${code ?? (x as Error).message}); check the path`);
    }
    if (opts.nowUs) this.nowUs = opts.nowUs;
    else {
      const wall0 = Date.now() * 1000, mono0 = process.hrtime.bigint();
      this.nowUs = () => wall0 + Number((process.hrtime.bigint() - mono0) / 1000n);
    }
    this.flushMs = opts.flushMs ?? 200;
    const h = Buffer.alloc(24);
    h.writeUInt32LE(PCAP_MAGIC_US, 0);
    h.writeUInt16LE(2, 4); h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8); h.writeUInt32LE(0, 12);
    h.writeUInt32LE(PCAP_SNAPLEN, 16); h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    fs.writeSync(this.fd, h);
    process.on('exit', this.onExit);
  }

  /** Adds one frame, stamped now. */
  record(frame: Uint8Array): void {
    if (this.fd === null) return;
    const t = this.nowUs();
    const cap = Math.min(frame.length, PCAP_SNAPLEN);
    const r = Buffer.allocUnsafe(16 + cap);
    r.writeUInt32LE(Math.floor(t / 1e6) >>> 0, 0);
    r.writeUInt32LE(Math.floor(t % 1e6), 4);
    r.writeUInt32LE(cap, 8);
    r.writeUInt32LE(frame.length, 12);
    r.set(frame.subarray(0, cap), 16);
    this.chunks.push(r);
    this.bytes += r.length;
    this.frames++;
    if (this.bytes >= 256 * 1024) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => { this.timer = null; this.flush(); }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.fd === null || !this.chunks.length) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = []; this.bytes = 0;
    try { fs.writeSync(this.fd, all); } catch { /* disk full…: the capture ends short, the VM runs on */ }
  }

  close(): void {
    if (this.fd === null) return;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.flush();
    fs.closeSync(this.fd);
    this.fd = null;
    process.off('exit', this.onExit);
  }
}

/** `backend` with every frame sent through it and received from it recorded in `pcap`.
 *  Closing it closes the backend, not the capture (several NICs may share one file). Frames
 *  with offload metadata pass through unfinished, and the capture gets what a real NIC would
 *  have put on the wire for them (segmented, checksums completed). */
export function tapped(backend: NetBackend, pcap: PcapWriter): NetBackend {
  const record = (f: Uint8Array, meta?: FrameMeta) => { for (const w of toWire(f, meta)) pcap.record(w); };
  return {
    carriesMeta: backend.carriesMeta,
    send: (f, meta) => { record(f, meta); backend.send(f, meta); },
    setReceiver: (rx: FrameReceiver | null, opts?: ReceiverOptions) => backend.setReceiver(rx && ((f, meta) => { record(f, meta); rx(f, meta); }), opts),
    close: () => backend.close(),
  };
}
