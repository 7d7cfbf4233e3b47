// Guest memory as the CPU sees it: one flat RAM buffer (guest "physical" memory) reached through
// a software TLB that maps 4 KiB virtual pages to RAM offsets. Who fills the TLB is pluggable:
// in Linux user mode it is the process's page map (mmap/brk/mprotect), in system mode the MMU.
// Separate read and write TLBs carry the permission in the tag, as QEMU's do, and a page that
// holds decoded or compiled code never gets a write entry — so every store to code takes the slow
// path, which drops the stale code first (self-modifying code is exact).
//
// Addresses come in as int32 lo/hi pairs (the IR's i64 convention) or, from host code, as
// Numbers (exact for canonical addresses).

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const TLB_BITS = 10;
export const TLB_SIZE = 1 << TLB_BITS;
const TLB_MASK = TLB_SIZE - 1;

export const enum Access { Read = 0, Write = 1, Exec = 2 }

/** A guest memory access that the translation refused; engines turn it into an exception. */
export class GuestFault {
  constructor(
    readonly kind: 'translation' | 'permission' | 'alignment' | 'external',
    readonly addr: bigint,
    readonly access: Access,
    /** For system mode: the fault status code and level the MMU determined. */
    readonly detail = 0,
  ) {}
}

export interface Translator {
  /** RAM byte offset of the page holding virtual page (hi:vpnLo), or throws a GuestFault.
   *  `lo` is the low word of the accessed address itself (for the fault address). */
  translate(vpnLo: number, hi: number, access: Access, unpriv: boolean, lo?: number): number;
}

/** Where accesses to physical addresses outside RAM go (system mode: the device bus). A read
 *  returns the unsigned value (the high word of an 8-byte read in `hi`) or -1 for an external abort;
 *  a write returns false for an external abort. */
export interface MmioPort {
  hi: number;
  read(pa: number, size: 1 | 2 | 4 | 8): number;
  write(pa: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): boolean;
}

const TWO32 = 4294967296;
export const vaToBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

export class Memory {
  readonly ram: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** High word of the last 64-bit read. */
  hi = 0;
  translator: Translator;
  /** RAM pages that hold code an engine has decoded or compiled. */
  readonly codePages: Uint8Array;
  /** Physical addresses at or above the RAM size go here (translators return them as the
   *  "RAM offset"); without a port such an access is an external abort. */
  mmio: MmioPort | undefined;
  /** Called (with the RAM page index) before a store changes a page that holds code. */
  onCodeWrite: (ramPage: number) => void = () => {};
  /** Soft-TLB misses (translations by the slow path: data reads, data writes, instruction
   *  fetches; unprivileged and device accesses always translate and count too) and whole-TLB
   *  flushes. Counted only off the fast path. Hits are accesses minus misses: see
   *  countAccesses. */
  readonly tlbStats = { readMisses: 0, writeMisses: 0, execMisses: 0, flushes: 0 };

  // Read and write TLBs (public only so that JIT-generated code can inline the hit test of the
  // accessors below; useTlb swaps them, so that code re-reads them after any helper that may
  // change machine state).
  rTagLo: Int32Array = new Int32Array(TLB_SIZE).fill(-1);
  rTagHi: Int32Array = new Int32Array(TLB_SIZE);
  rBase: Int32Array = new Int32Array(TLB_SIZE);
  wTagLo: Int32Array = new Int32Array(TLB_SIZE).fill(-1);
  wTagHi: Int32Array = new Int32Array(TLB_SIZE);
  wBase: Int32Array = new Int32Array(TLB_SIZE);
  // Instruction fetch translations (addrOf with Access.Exec), so that engines re-finding a code
  // page after they dropped their own caches do not walk the tables again.
  private xTagLo: Int32Array = new Int32Array(TLB_SIZE).fill(-1);
  private xTagHi: Int32Array = new Int32Array(TLB_SIZE);
  private xBase: Int32Array = new Int32Array(TLB_SIZE);
  /** System mode: independent TLB sets (one per exception level; useTlb) — each set's entries
   *  carry the permissions of the level that filled them. */
  private tlbSets: Int32Array[][] | undefined;
  private tlbSet = 0;

  /** Every Memory over the same RAM (itself included): a page marked as code loses its write
   *  TLB entries in all of them. */
  private readonly peers: Memory[];

  /** `share`: another Memory whose RAM (and code-page marks) this one uses too — one view per
   *  CPU of an SMP machine, each with its own TLB and translator. */
  constructor(ramBytes: number, translator: Translator, share?: Memory) {
    if (ramBytes % PAGE_SIZE !== 0) throw new Error('RAM size must be a multiple of 4 KiB');
    if (share && share.ram.byteLength !== ramBytes) throw new Error('shared RAM has a different size');
    this.ram = share ? share.ram : new ArrayBuffer(ramBytes);
    this.u8 = new Uint8Array(this.ram);
    this.dv = new DataView(this.ram);
    this.codePages = share ? share.codePages : new Uint8Array(ramBytes / PAGE_SIZE);
    this.peers = share ? share.peers : [];
    this.peers.push(this);
    this.translator = translator;
  }

  flushTlb(): void {
    this.tlbStats.flushes++;
    if (this.tlbSets) for (const t of this.tlbSets) { t[0].fill(-1); t[3].fill(-1); t[6].fill(-1); }
    else { this.rTagLo.fill(-1); this.wTagLo.fill(-1); this.xTagLo.fill(-1); }
  }

  /** Drops the entries of the lower half of the address space (VA bit 55 clear: TTBR0's region)
   *  in every TLB set, keeping the upper half's. */
  flushTlbLowerHalf(): void {
    this.tlbStats.flushes++;
    for (const t of this.tlbSets ?? [this.tlbArrays()]) {
      for (const [tagLo, tagHi] of [[t[0], t[1]], [t[3], t[4]], [t[6], t[7]]]) {
        for (let i = 0; i < TLB_SIZE; i++) if ((tagHi[i] & 0x00800000) === 0) tagLo[i] = -1;
      }
    }
  }

  /** Makes TLB set `k` (0..sets-1) the one accesses use; the others keep their entries. */
  useTlb(k: number, sets = 2): void {
    if (!this.tlbSets) {
      this.tlbSets = [this.tlbArrays()];
      for (let j = 1; j < sets; j++) {
        this.tlbSets.push([new Int32Array(TLB_SIZE).fill(-1), new Int32Array(TLB_SIZE), new Int32Array(TLB_SIZE),
          new Int32Array(TLB_SIZE).fill(-1), new Int32Array(TLB_SIZE), new Int32Array(TLB_SIZE),
          new Int32Array(TLB_SIZE).fill(-1), new Int32Array(TLB_SIZE), new Int32Array(TLB_SIZE)]);
      }
    }
    if (k === this.tlbSet) return;
    const t = this.tlbSets[k];
    this.tlbSet = k;
    this.rTagLo = t[0]; this.rTagHi = t[1]; this.rBase = t[2]; this.wTagLo = t[3]; this.wTagHi = t[4]; this.wBase = t[5];
    this.xTagLo = t[6]; this.xTagHi = t[7]; this.xBase = t[8];
  }
  private tlbArrays(): Int32Array[] {
    return [this.rTagLo, this.rTagHi, this.rBase, this.wTagLo, this.wTagHi, this.wBase, this.xTagLo, this.xTagHi, this.xBase];
  }

  /** Records that `ramPage` holds code; its stores from now on go through `onCodeWrite`. */
  markCode(ramPage: number): void {
    if (this.codePages[ramPage]) return;
    this.codePages[ramPage] = 1;
    const base = ramPage << PAGE_SHIFT;
    for (const m of this.peers) {
      for (const t of m.tlbSets ?? [m.tlbArrays()]) {
        const wTagLo = t[3], wBase = t[5];
        for (let i = 0; i < TLB_SIZE; i++) if (wBase[i] === base) wTagLo[i] = -1;
      }
    }
  }

  // ----- slow path
  private fill(lo: number, hi: number, access: Access, unpriv: boolean): number {
    const vpn = lo >>> PAGE_SHIFT;
    const st = this.tlbStats;
    if (access === Access.Read) st.readMisses++; else if (access === Access.Write) st.writeMisses++; else st.execMisses++;
    const base = this.translator.translate(vpn, hi, access, unpriv, lo);
    if (base >= this.ram.byteLength) return base;
    // An unprivileged access (LDTR/STTR: Linux's uaccess routines) is checked as EL0 would be:
    // its translation belongs in the EL0 set (none without sets: nothing cached).
    const el0 = unpriv ? this.tlbSets?.[0] : undefined;
    if (unpriv && el0 === undefined) return base;
    const i = vpn & TLB_MASK;
    if (access === Access.Read) {
      if (el0) { el0[0][i] = vpn; el0[1][i] = hi; el0[2][i] = base; }
      else { this.rTagLo[i] = vpn; this.rTagHi[i] = hi; this.rBase[i] = base; }
    } else if (access === Access.Write) {
      const page = base >>> PAGE_SHIFT;
      if (this.codePages[page]) { this.codePages[page] = 0; this.onCodeWrite(page); }
      if (el0) { el0[3][i] = vpn; el0[4][i] = hi; el0[5][i] = base; }
      else { this.wTagLo[i] = vpn; this.wTagHi[i] = hi; this.wBase[i] = base; }
    } else {
      this.xTagLo[i] = vpn; this.xTagHi[i] = hi; this.xBase[i] = base;
    }
    return base;
  }
  /** RAM offset of a virtual byte for an access (translating, filling the TLB). */
  addrOf(lo: number, hi: number, access: Access, unpriv = false): number {
    if (!unpriv) {
      const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, off = lo & (PAGE_SIZE - 1);
      if (access === Access.Read) { if (this.rTagLo[i] === vpn && this.rTagHi[i] === hi) return this.rBase[i] + off; }
      else if (access === Access.Write) { if (this.wTagLo[i] === vpn && this.wTagHi[i] === hi) return this.wBase[i] + off; }
      else if (this.xTagLo[i] === vpn && this.xTagHi[i] === hi) return this.xBase[i] + off;
    } else if (this.tlbSets !== undefined) {
      const t = this.tlbSets[0], vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, k = access === Access.Write ? 3 : 0;
      if (t[k][i] === vpn && t[k + 1][i] === hi) return t[k + 2][i] + (lo & (PAGE_SIZE - 1));
    }
    return this.fill(lo, hi, access, unpriv) + (lo & (PAGE_SIZE - 1));
  }
  private slowRead(lo: number, hi: number, size: number, unpriv: boolean): number {
    if ((lo & (PAGE_SIZE - 1)) <= PAGE_SIZE - size) {
      const off = this.addrOf(lo, hi, Access.Read, unpriv);
      if (off >= this.ram.byteLength) return this.mmioRead(off, size as 1 | 2 | 4 | 8, lo, hi);
      switch (size) {
        case 1: return this.u8[off];
        case 2: return this.dv.getUint16(off, true);
        case 4: return this.dv.getInt32(off, true);
        default: this.hi = this.dv.getInt32(off + 4, true); return this.dv.getInt32(off, true);
      }
    }
    // Crosses a page: translate both pages before reading anything. Byte k is at
    // (k < first ? o1 : o2) + k.
    const first = this.crossing(lo, hi, size, Access.Read, unpriv);
    const o1 = this.crossOff1, o2 = this.crossOff2 - first, u8 = this.u8;
    let v = 0, h = 0;
    for (let k = size - 1; k >= 0; k--) {
      const b = u8[(k < first ? o1 : o2) + k];
      if (k >= 4) h = (h << 8) | b; else v = (v << 8) | b;
    }
    if (size === 8) this.hi = h;
    return size === 4 || size === 8 ? v | 0 : v >>> 0;
  }
  private slowWrite(lo: number, hi: number, size: number, vlo: number, vhi: number, unpriv: boolean): void {
    if ((lo & (PAGE_SIZE - 1)) <= PAGE_SIZE - size) {
      const off = this.addrOf(lo, hi, Access.Write, unpriv);
      if (off >= this.ram.byteLength) { this.mmioWrite(off, size as 1 | 2 | 4 | 8, vlo, vhi, lo, hi); return; }
      if (unpriv && this.codePages[off >>> PAGE_SHIFT]) { this.codePages[off >>> PAGE_SHIFT] = 0; this.onCodeWrite(off >>> PAGE_SHIFT); }
      this.rawWrite(off, size, vlo, vhi);
      return;
    }
    const first = this.crossing(lo, hi, size, Access.Write, unpriv);
    const o1 = this.crossOff1, o2 = this.crossOff2 - first, u8 = this.u8;
    for (let k = 0; k < size; k++) u8[(k < first ? o1 : o2) + k] = (k < 4 ? vlo >>> (8 * k) : vhi >>> (8 * (k - 4))) & 0xff;
  }
  /** RAM offsets of the two parts of an access that crosses into the next page (crossOff1: of
   *  its first byte, crossOff2: of the first byte in the next page); returns how many bytes lie
   *  in the first page. Both pages are translated, the first one first (a fault in the second is
   *  reported at its first byte), before any byte is read or written. A page-crossing access is
   *  unaligned, and Device memory (anything outside RAM) takes no unaligned access whatever
   *  SCTLR_EL1.A says (Arm ARM, "Alignment of data accesses"): an alignment fault. */
  private crossing(lo: number, hi: number, size: number, access: Access, unpriv: boolean): number {
    const first = PAGE_SIZE - (lo & (PAGE_SIZE - 1));
    const l2 = (lo + first) | 0, h2 = (hi + ((l2 >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
    const o1 = this.addrOf(lo, hi, access, unpriv), o2 = this.addrOf(l2, h2, access, unpriv);
    if (o1 >= this.ram.byteLength || o2 >= this.ram.byteLength) throw new GuestFault('alignment', vaToBig(lo, hi), access);
    this.crossOff1 = o1; this.crossOff2 = o2;
    return first;
  }
  private crossOff1 = 0;
  private crossOff2 = 0;
  private mmioRead(pa: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): number {
    // Ports return unsigned values, so -1 is never a register value.
    const v = this.mmio ? this.mmio.read(pa, size) : -1;
    if (v === -1) throw new GuestFault('external', vaToBig(lo, hi), Access.Read);
    if (size === 8) this.hi = this.mmio!.hi;
    return size === 4 || size === 8 ? v | 0 : v;
  }
  private mmioWrite(pa: number, size: 1 | 2 | 4 | 8, vlo: number, vhi: number, lo: number, hi: number): void {
    if (!this.mmio || !this.mmio.write(pa, size, vlo, vhi)) throw new GuestFault('external', vaToBig(lo, hi), Access.Write);
  }
  private rawWrite(off: number, size: number, vlo: number, vhi: number): void {
    switch (size) {
      case 1: this.u8[off] = vlo; break;
      case 2: this.dv.setUint16(off, vlo, true); break;
      case 4: this.dv.setInt32(off, vlo, true); break;
      default: this.dv.setInt32(off, vlo, true); this.dv.setInt32(off + 4, vhi, true);
    }
  }

  // ----- the accessors generated code calls (fast path inline, slow path out of line). Small JIT
  // units copy the fast path's hit test (jit/jitcodegen.ts, tlbHit): keep the two in step.
  r8(lo: number, hi: number): number {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK;
    if (this.rTagLo[i] === vpn && this.rTagHi[i] === hi) return this.u8[this.rBase[i] + (lo & 0xfff)];
    return this.slowRead(lo, hi, 1, false);
  }
  r16(lo: number, hi: number): number {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, o = lo & 0xfff;
    if (this.rTagLo[i] === vpn && this.rTagHi[i] === hi && o <= 0xffe) return this.dv.getUint16(this.rBase[i] + o, true);
    return this.slowRead(lo, hi, 2, false);
  }
  r32(lo: number, hi: number): number {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, o = lo & 0xfff;
    if (this.rTagLo[i] === vpn && this.rTagHi[i] === hi && o <= 0xffc) return this.dv.getInt32(this.rBase[i] + o, true);
    return this.slowRead(lo, hi, 4, false);
  }
  r64(lo: number, hi: number): number {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, o = lo & 0xfff;
    if (this.rTagLo[i] === vpn && this.rTagHi[i] === hi && o <= 0xff8) {
      const off = this.rBase[i] + o;
      this.hi = this.dv.getInt32(off + 4, true);
      return this.dv.getInt32(off, true);
    }
    return this.slowRead(lo, hi, 8, false);
  }
  w8(lo: number, hi: number, v: number): void {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK;
    if (this.wTagLo[i] === vpn && this.wTagHi[i] === hi) { this.u8[this.wBase[i] + (lo & 0xfff)] = v; return; }
    this.slowWrite(lo, hi, 1, v, 0, false);
  }
  w16(lo: number, hi: number, v: number): void {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, o = lo & 0xfff;
    if (this.wTagLo[i] === vpn && this.wTagHi[i] === hi && o <= 0xffe) { this.dv.setUint16(this.wBase[i] + o, v, true); return; }
    this.slowWrite(lo, hi, 2, v, 0, false);
  }
  w32(lo: number, hi: number, v: number): void {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, o = lo & 0xfff;
    if (this.wTagLo[i] === vpn && this.wTagHi[i] === hi && o <= 0xffc) { this.dv.setInt32(this.wBase[i] + o, v, true); return; }
    this.slowWrite(lo, hi, 4, v, 0, false);
  }
  w64(lo: number, hi: number, vlo: number, vhi: number): void {
    const vpn = lo >>> PAGE_SHIFT, i = vpn & TLB_MASK, o = lo & 0xfff;
    if (this.wTagLo[i] === vpn && this.wTagHi[i] === hi && o <= 0xff8) {
      const off = this.wBase[i] + o;
      this.dv.setInt32(off, vlo, true); this.dv.setInt32(off + 4, vhi, true);
      return;
    }
    this.slowWrite(lo, hi, 8, vlo, vhi, false);
  }
  /** DC ZVA: zeroes the 64 bytes at lo:hi (aligned to 64, so in one page), translating the page
   *  once; outside RAM, as eight 8-byte stores. */
  zero64(lo: number, hi: number): void {
    const off = this.addrOf(lo, hi, Access.Write);
    if (off < this.ram.byteLength) { this.u8.fill(0, off, off + 64); return; }
    for (let i = 0; i < 64; i += 8) this.w64((lo + i) | 0, hi, 0, 0);
  }
  // Unprivileged (LDTR/STTR) forms: checked against EL0 permissions on every access.
  ur8(lo: number, hi: number) { return this.slowRead(lo, hi, 1, true); }
  ur16(lo: number, hi: number) { return this.slowRead(lo, hi, 2, true); }
  ur32(lo: number, hi: number) { return this.slowRead(lo, hi, 4, true); }
  ur64(lo: number, hi: number) { return this.slowRead(lo, hi, 8, true); }
  uw8(lo: number, hi: number, v: number) { this.slowWrite(lo, hi, 1, v, 0, true); }
  uw16(lo: number, hi: number, v: number) { this.slowWrite(lo, hi, 2, v, 0, true); }
  uw32(lo: number, hi: number, v: number) { this.slowWrite(lo, hi, 4, v, 0, true); }
  uw64(lo: number, hi: number, vlo: number, vhi: number) { this.slowWrite(lo, hi, 8, vlo, vhi, true); }

  // ----- host-side helpers (addresses as Numbers); they fault like the guest would
  private split(addr: number): [number, number] { return [addr | 0, Math.floor(addr / TWO32) | 0]; }
  /** Copies `len` guest bytes starting at `addr` out of the guest. */
  read(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const [lo, hi] = this.split(addr + done);
      const off = this.addrOf(lo, hi, Access.Read);
      const n = Math.min(len - done, PAGE_SIZE - (lo & (PAGE_SIZE - 1)));
      out.set(this.u8.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }
  /** Copies bytes into the guest at `addr`. */
  write(addr: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const [lo, hi] = this.split(addr + done);
      const off = this.addrOf(lo, hi, Access.Write);
      const n = Math.min(data.length - done, PAGE_SIZE - (lo & (PAGE_SIZE - 1)));
      this.u8.set(data.subarray(done, done + n), off);
      done += n;
    }
  }
  /** A NUL-terminated guest string (at most `max` bytes). */
  readCString(addr: number, max = 65536): Uint8Array {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const [lo, hi] = this.split(addr + i);
      const b = this.r8(lo, hi);
      if (b === 0) return Uint8Array.from(bytes);
      bytes.push(b);
    }
    return Uint8Array.from(bytes);
  }
  read64(addr: number): bigint { const [lo, hi] = this.split(addr); const l = this.r64(lo, hi); return vaToBig(l, this.hi); }
  write64(addr: number, v: bigint): void {
    const [lo, hi] = this.split(addr);
    this.w64(lo, hi, Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0);
  }
  read32(addr: number): number { const [lo, hi] = this.split(addr); return this.r32(lo, hi) >>> 0; }
  write32(addr: number, v: number): void { const [lo, hi] = this.split(addr); this.w32(lo, hi, v | 0); }
}

/** Counts every data access made through `mem`'s accessors from now on (for the TLB hit rate:
 *  hits = accesses − tlbStats misses). It wraps the accessors on this one object, so it costs
 *  only the runs that ask for it; JIT units test the TLB inline and bypass the accessors on a
 *  hit, so count with the interpreter (the access stream of a deterministic guest is the same
 *  in both engines). */
export function countAccesses(mem: Memory): { reads: number; writes: number } {
  const n = { reads: 0, writes: 0 };
  const m = mem as unknown as Record<string, (...a: number[]) => unknown>;
  const proto = Object.getPrototypeOf(mem) as Record<string, (...a: number[]) => unknown>;
  for (const name of ['r8', 'r16', 'r32', 'r64', 'ur8', 'ur16', 'ur32', 'ur64', 'w8', 'w16', 'w32', 'w64', 'uw8', 'uw16', 'uw32', 'uw64']) {
    const orig = proto[name], write = name.includes('w');
    m[name] = (...a: number[]) => { if (write) n.writes++; else n.reads++; return orig.apply(mem, a); };
  }
  return n;
}
