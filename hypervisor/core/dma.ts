// A VM's DMA view for devices (devices/virtio/dma.ts DmaView): guest-physical addresses are the
// VM's IPAs; every page of every access is checked by the core (`pageOf` returns the physical
// address of the page, or -1 — logged by the core — when the VM has not granted it). A device
// never holds the RAM buffer: reads return copies, writes copy in, all or nothing.
import type { DmaView } from '../../devices/virtio/dma.js';

const PAGE = 4096;

export class VmDma implements DmaView {
  readonly #pageOf: (gpa: number, write: boolean) => number;
  readonly #u8: Uint8Array;

  constructor(pageOf: (gpa: number, write: boolean) => number, u8: Uint8Array) {
    this.#pageOf = pageOf;
    this.#u8 = u8;
  }

  /** Physical spans of [gpa, gpa + len), or null if any page is refused. */
  #spans(gpa: number, len: number, write: boolean): [number, number][] | null {
    if (!(Number.isSafeInteger(gpa) && Number.isSafeInteger(len) && gpa >= 0 && len >= 0 && Number.isSafeInteger(gpa + len))) return null;
    const out: [number, number][] = [];
    if (len === 0) return this.#pageOf(gpa, false) >= 0 ? out : null;
    let a = gpa;
    while (a < gpa + len) {
      const base = this.#pageOf(a - (a % PAGE), write);
      if (base < 0) return null;
      const n = Math.min(PAGE - (a % PAGE), gpa + len - a);
      out.push([base + (a % PAGE), n]);
      a += n;
    }
    return out;
  }

  check(gpa: number, len: number): boolean { return this.#spans(gpa, len, false) !== null; }
  read(gpa: number, len: number): Uint8Array | null {
    const s = this.#spans(gpa, len, false);
    if (!s) return null;
    const out = new Uint8Array(len);
    let o = 0;
    for (const [pa, n] of s) { out.set(this.#u8.subarray(pa, pa + n), o); o += n; }
    return out;
  }
  write(gpa: number, data: Uint8Array): boolean {
    const s = this.#spans(gpa, data.length, true);
    if (!s) return false;
    let o = 0;
    for (const [pa, n] of s) { this.#u8.set(data.subarray(o, o + n), pa); o += n; }
    return true;
  }
  #num(gpa: number, n: number): DataView | null {
    const b = this.read(gpa, n);
    return b ? new DataView(b.buffer) : null;
  }
  u16(gpa: number): number | null { return this.#num(gpa, 2)?.getUint16(0, true) ?? null; }
  u32(gpa: number): number | null { return this.#num(gpa, 4)?.getUint32(0, true) ?? null; }
  u64(gpa: number): bigint | null { return this.#num(gpa, 8)?.getBigUint64(0, true) ?? null; }
  setU16(gpa: number, v: number): boolean { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, v, true); return this.write(gpa, b); }
  setU32(gpa: number, v: number): boolean { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); return this.write(gpa, b); }
  setU64(gpa: number, v: bigint): boolean { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true); return this.write(gpa, b); }
}
