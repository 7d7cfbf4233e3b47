// DMA capabilities: the only way a virtio device reaches guest memory.
//
// A device never holds the RAM buffer. It gets a DmaView, which answers for the guest-physical
// ranges it was given and refuses everything else (null / false, never an exception). Today the
// board hands out a RamDma over all of RAM; the hypervisor core will hand out views limited to the
// pages a VM has granted for I/O (design.md, "Virtio under isolation"), and WindowDma already
// models the restricted-dma-pool route. Reads return copies, so a device that validated a value
// cannot see the guest change it underneath (no double fetch).

/** Guest-physical memory as a device may see it. Addresses and lengths are Numbers; anything
 *  negative, fractional, unsafe or outside the view is refused. Little-endian helpers. */
export interface DmaView {
  /** Whether every byte of [gpa, gpa + len) is accessible (len 0: gpa itself must be in range
   *  or at the end of a range). */
  check(gpa: number, len: number): boolean;
  /** A copy of [gpa, gpa + len), or null if any byte is outside the view. */
  read(gpa: number, len: number): Uint8Array | null;
  /** Writes all of `data` at gpa, or nothing (false) if any byte is outside the view. */
  write(gpa: number, data: Uint8Array): boolean;
  u16(gpa: number): number | null;
  u32(gpa: number): number | null;
  /** 64-bit values as bigint (not a hot path; see `addr64` for addresses). */
  u64(gpa: number): bigint | null;
  setU16(gpa: number, v: number): boolean;
  setU32(gpa: number, v: number): boolean;
  setU64(gpa: number, v: bigint): boolean;
}

const okRange = (gpa: number, len: number): boolean =>
  Number.isSafeInteger(gpa) && Number.isSafeInteger(len) && gpa >= 0 && len >= 0 && Number.isSafeInteger(gpa + len);

/** Reads a 64-bit little-endian guest address as a Number: null when out of the view or at or
 *  above 2^53 (no guest-physical address is that large, so such a value is simply invalid). */
export function addr64(dma: DmaView, gpa: number): number | null {
  const lo = dma.u32(gpa), hi = dma.u32(gpa + 4);
  if (lo === null || hi === null || hi >= 0x200000) return null;
  return hi * 0x100000000 + lo;
}

/** Shared helpers for views backed by byte ranges: subclasses say where a range lives. */
abstract class ByteDma implements DmaView {
  /** The bytes backing [gpa, gpa + len) as a subarray, or null. Never given out. */
  protected abstract span(gpa: number, len: number): Uint8Array | null;

  check(gpa: number, len: number): boolean { return this.span(gpa, len) !== null; }
  read(gpa: number, len: number): Uint8Array | null {
    const s = this.span(gpa, len);
    return s ? s.slice() : null;
  }
  write(gpa: number, data: Uint8Array): boolean {
    const s = this.span(gpa, data.length);
    if (!s) return false;
    s.set(data);
    return true;
  }
  private get(gpa: number, n: number): DataView | null {
    const s = this.span(gpa, n);
    return s ? new DataView(s.buffer, s.byteOffset, n) : null;
  }
  u16(gpa: number): number | null { return this.get(gpa, 2)?.getUint16(0, true) ?? null; }
  u32(gpa: number): number | null { return this.get(gpa, 4)?.getUint32(0, true) ?? null; }
  u64(gpa: number): bigint | null { return this.get(gpa, 8)?.getBigUint64(0, true) ?? null; }
  setU16(gpa: number, v: number): boolean { const d = this.get(gpa, 2); d?.setUint16(0, v, true); return d !== null; }
  setU32(gpa: number, v: number): boolean { const d = this.get(gpa, 4); d?.setUint32(0, v >>> 0, true); return d !== null; }
  setU64(gpa: number, v: bigint): boolean { const d = this.get(gpa, 8); d?.setBigUint64(0, BigInt.asUintN(64, v), true); return d !== null; }
}

/** A view of one RAM block: guest-physical [base, base + buffer.byteLength). Held by the board
 *  (later: the hypervisor core), which passes it on only as a DmaView. */
export class RamDma extends ByteDma {
  private readonly bytes: Uint8Array;
  constructor(buffer: ArrayBuffer | Uint8Array, private readonly base = 0) {
    super();
    this.bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  }
  protected span(gpa: number, len: number): Uint8Array | null {
    if (!okRange(gpa, len)) return null;
    const off = gpa - this.base;
    if (off < 0 || off + len > this.bytes.length) return null;
    return this.bytes.subarray(off, off + len);
  }
}

export interface DmaRange { base: number; size: number }

/** A view restricted to some windows of another view (granted pages, a restricted-dma-pool).
 *  An access must fall inside one window; crossing between adjacent windows is refused, which
 *  is conservative but keeps the check trivial. */
export class WindowDma implements DmaView {
  constructor(private readonly inner: DmaView, readonly windows: readonly DmaRange[]) {}
  private inside(gpa: number, len: number): boolean {
    if (!okRange(gpa, len)) return false;
    return this.windows.some((w) => gpa >= w.base && gpa + len <= w.base + w.size);
  }
  check(gpa: number, len: number): boolean { return this.inside(gpa, len) && this.inner.check(gpa, len); }
  read(gpa: number, len: number): Uint8Array | null { return this.inside(gpa, len) ? this.inner.read(gpa, len) : null; }
  write(gpa: number, data: Uint8Array): boolean { return this.inside(gpa, data.length) && this.inner.write(gpa, data); }
  u16(gpa: number): number | null { return this.inside(gpa, 2) ? this.inner.u16(gpa) : null; }
  u32(gpa: number): number | null { return this.inside(gpa, 4) ? this.inner.u32(gpa) : null; }
  u64(gpa: number): bigint | null { return this.inside(gpa, 8) ? this.inner.u64(gpa) : null; }
  setU16(gpa: number, v: number): boolean { return this.inside(gpa, 2) && this.inner.setU16(gpa, v); }
  setU32(gpa: number, v: number): boolean { return this.inside(gpa, 4) && this.inner.setU32(gpa, v); }
  setU64(gpa: number, v: bigint): boolean { return this.inside(gpa, 8) && this.inner.setU64(gpa, v); }
}

/** A view with nothing in it (a transport before the board gives it memory). */
export const NO_DMA: DmaView = new WindowDma(new RamDma(new ArrayBuffer(0)), []);
