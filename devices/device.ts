// The contract every device model follows, and the physical bus that routes the guest's MMIO
// accesses to them.
//
// A device sees one register access at a time (offset inside its region, size, value, and the
// index of the accessing CPU for banked registers) and never the guest's RAM: later devices that
// need guest memory (virtio) get capabilities from the hypervisor core instead. Nothing a guest
// writes may make a device throw; bad accesses become architectural events (an external abort
// from the bus) or read-as-zero / write-ignored, as hardware does.

/** A device's lifecycle: reset to the hardware reset state, and state save/restore as plain
 *  JSON-able data (numbers, strings, arrays, plain objects; no bigint, no typed arrays). */
export interface Device {
  readonly name: string;
  reset(): void;
  save(): unknown;
  restore(state: unknown): void;
}

/** The value a read returns, or a write's result, when the access must end in an external
 *  abort. Real reads are unsigned 32-bit values, so -1 is never a register value. */
export const MMIO_ABORT = -1;

/** Access sizes in bytes. 8-byte accesses reach a device only if it sets `allow64`. */
export type AccessSize = 1 | 2 | 4 | 8;

/** A device with memory-mapped registers. `offset` is relative to the region base; `cpu` is the
 *  index of the CPU making the access (the GIC banks registers per CPU; most devices ignore it).
 *  `read` returns the value zero-extended to an unsigned 32-bit Number, or MMIO_ABORT. `write`
 *  returns MMIO_ABORT to request an external abort, anything else (undefined) otherwise. */
export interface MmioDevice extends Device {
  read(offset: number, size: AccessSize, cpu: number): number;
  write(offset: number, size: AccessSize, value: number, cpu: number): number | void;
  /** Whether 8-byte accesses are split by the bus into two 4-byte accesses (low word first).
   *  Absent or false: an 8-byte access is an external abort. */
  readonly allow64?: boolean;
}

/** One interrupt wire. Devices drive level-sensitive wires: set(true) while the condition
 *  holds, set(false) when it clears. Setting the same level again is harmless. */
export interface IrqLine {
  set(level: boolean): void;
}

/** A wire that goes nowhere (unconnected output). */
export const NO_IRQ: IrqLine = { set() {} };

/** A wire whose current level can be read back (tests, polled CPU inputs). */
export class LevelLine implements IrqLine {
  level = false;
  /** Number of rising edges seen (tests). */
  rises = 0;
  constructor(private readonly onChange?: (level: boolean) => void) {}
  set(level: boolean): void {
    if (level === this.level) return;
    this.level = level;
    if (level) this.rises++;
    this.onChange?.(level);
  }
}

export interface BusRegion {
  readonly base: number;
  readonly size: number;
  /** null for a RAM region (registered only so the map is complete; RAM is not accessed here). */
  readonly device: MmioDevice | null;
}

/** The physical address map: RAM ranges and device regions. Addresses are Numbers (exact up to
 *  2^53, far above any physical address the machine uses). Lookups are a binary search over
 *  sorted, non-overlapping regions plus a one-entry cache; MMIO is a slow path anyway. */
export class PhysBus {
  private regions: BusRegion[] = [];
  private last: BusRegion | null = null;
  /** High word of the last 8-byte read. */
  hi = 0;

  /** Maps a device's registers at [base, base + size). Overlaps are a configuration error. */
  map(base: number, size: number, device: MmioDevice): void {
    this.add({ base, size, device });
  }
  /** Declares [base, base + size) as RAM (so lookups can tell RAM from holes). */
  addRam(base: number, size: number): void {
    this.add({ base, size, device: null });
  }

  private add(r: BusRegion): void {
    if (!(r.size > 0) || r.base < 0 || !Number.isSafeInteger(r.base + r.size)) {
      throw new Error(`bad bus region ${r.base.toString(16)}+${r.size.toString(16)}`);
    }
    for (const o of this.regions) {
      if (r.base < o.base + o.size && o.base < r.base + r.size) {
        const who = (x: BusRegion) => (x.device ? x.device.name : 'RAM');
        throw new Error(`bus region ${who(r)} at 0x${r.base.toString(16)} overlaps ${who(o)} at 0x${o.base.toString(16)}`);
      }
    }
    this.regions.push(r);
    this.regions.sort((a, b) => a.base - b.base);
    this.last = null;
  }

  /** The region containing `addr`, or undefined for a hole. */
  lookup(addr: number): BusRegion | undefined {
    const l = this.last;
    if (l && addr >= l.base && addr < l.base + l.size) return l;
    const rs = this.regions;
    let lo = 0, hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, r = rs[mid];
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.base + r.size) lo = mid + 1;
      else { this.last = r; return r; }
    }
    return undefined;
  }

  /** All regions, in address order (for the DTB, `info mtree`-style dumps, tests). */
  list(): readonly BusRegion[] { return this.regions; }

  private target(addr: number, size: AccessSize): BusRegion | null {
    // Misaligned device accesses are an alignment fault in the CPU (Device memory); if one gets
    // here anyway it is refused rather than split.
    if (addr % size !== 0) return null;
    const r = this.lookup(addr);
    if (!r || !r.device || addr + size > r.base + r.size) return null;
    if (size === 8 && !r.device.allow64) return null;
    return r;
  }

  /** An MMIO read: the unsigned value (for size 8: the low word, high word in `hi`), or
   *  MMIO_ABORT when the access must take an external abort (hole, RAM, refused). */
  read(addr: number, size: AccessSize, cpu = 0): number {
    const r = this.target(addr, size);
    if (!r) return MMIO_ABORT;
    const d = r.device!, off = addr - r.base;
    if (size !== 8) return d.read(off, size, cpu);
    const lo = d.read(off, 4, cpu);
    if (lo === MMIO_ABORT) return MMIO_ABORT;
    const hi = d.read(off + 4, 4, cpu);
    if (hi === MMIO_ABORT) return MMIO_ABORT;
    this.hi = hi;
    return lo;
  }

  /** An MMIO write of `value` (for size 8: low word, `hi` the high word). Returns false when the
   *  access must take an external abort. */
  write(addr: number, size: AccessSize, value: number, cpu = 0, hi = 0): boolean {
    const r = this.target(addr, size);
    if (!r) return false;
    const d = r.device!, off = addr - r.base;
    if (size !== 8) return d.write(off, size, value >>> 0, cpu) !== MMIO_ABORT;
    if (d.write(off, 4, value >>> 0, cpu) === MMIO_ABORT) return false;
    return d.write(off + 4, 4, hi >>> 0, cpu) !== MMIO_ABORT;
  }

  reset(): void {
    for (const r of this.regions) r.device?.reset();
  }
}

/** A region that reads as zero and ignores writes: reserved windows and documented TODOs. */
export class RazWiDevice implements MmioDevice {
  constructor(readonly name: string) {}
  read(): number { return 0; }
  write(): void {}
  reset(): void {}
  save(): unknown { return null; }
  restore(): void {}
}

/** Extracts the `size`-byte lane at byte offset `off & 3` from a 32-bit register value. */
export function lane(reg: number, off: number, size: AccessSize): number {
  if (size >= 4) return reg >>> 0;
  const v = reg >>> (8 * (off & 3));
  return size === 1 ? v & 0xff : v & 0xffff;
}

/** Reports each distinct message once per process (guest misuse should be visible, not noisy). */
const warned = new Set<string>();
export let warnSink: (msg: string) => void = (msg) => process.stderr.write(`krustvm: ${msg}\n`);
export function setWarnSink(sink: (msg: string) => void): void { warnSink = sink; }
export function warnOnce(msg: string): void {
  if (warned.has(msg)) return;
  warned.add(msg);
  warnSink(msg);
}
