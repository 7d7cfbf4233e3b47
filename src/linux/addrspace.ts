// The address space of a Linux process: a list of mappings (VMAs) and a page map from virtual
// pages to RAM pages, which is the user-mode Translator behind the CPU's TLB. RAM pages come
// from the flat guest RAM through a page allocator and are given out on first touch, like
// Linux's demand paging. Every accessible mapping (except MAP_NORESERVE) is charged against RAM
// when it is made, so a guest that asks for more memory than --memory gets ENOMEM from
// mmap/brk/mprotect instead of dying later (Linux's strict overcommit mode, in effect).
import { Access, GuestFault, PAGE_SIZE, type Memory, type Translator, vaToBig } from '../mem/memory.js';
import { StopRun } from '../interp/interpreter.js';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
/** Page-map entries pack the RAM page and the protection: ramPage << 3 | prot. */
const PROT_BITS = 3;

export interface Vma {
  start: number;
  end: number;
  prot: number;
  /** Not charged against RAM (MAP_NORESERVE, or PROT_NONE). */
  noreserve: boolean;
  /** What /proc/self/maps shows: a file path, "[stack]", "[heap]", or "". */
  name: string;
}

export const pageDown = (a: number) => a - (a % PAGE_SIZE);
export const pageUp = (a: number) => pageDown(a + PAGE_SIZE - 1);

/** Lowest address mmap hands out (vm.mmap_min_addr). */
export const MMAP_MIN = 0x10000;

export class AddressSpace implements Translator {
  /** Allocated pages: vpn → ramPage << 3 | prot. */
  readonly pages = new Map<number, number>();
  /** Mappings, sorted by address, never overlapping. */
  vmas: Vma[] = [];
  /** Pages charged against RAM. */
  committed = 0;
  readonly totalPages: number;
  private mem!: Memory;
  private readonly freePages: number[] = [];
  private bump = 0;

  constructor(readonly ramBytes: number) {
    this.totalPages = ramBytes / PAGE_SIZE;
  }
  attach(mem: Memory): void { this.mem = mem; }

  // ----- Translator
  translate(vpnLo: number, hi: number, access: Access, _unpriv: boolean, lo?: number): number {
    const addr = () => vaToBig(lo ?? vpnLo * PAGE_SIZE, hi);
    if (hi < 0 || hi > 0xffff) throw new GuestFault('translation', addr(), access);
    const vpn = hi * 0x100000 + vpnLo;
    let e = this.pages.get(vpn);
    if (e === undefined) {
      const vma = this.find(vpn * PAGE_SIZE);
      if (!vma) throw new GuestFault('translation', addr(), access);
      if (!allowed(vma.prot, access)) throw new GuestFault('permission', addr(), access);
      e = this.allocate(vpn, vma.prot);
    } else if (!allowed(e & 7, access)) throw new GuestFault('permission', addr(), access);
    return (e >>> PROT_BITS) * PAGE_SIZE;
  }

  // ----- RAM pages
  private allocate(vpn: number, prot: number): number {
    let p: number;
    if (this.freePages.length) {
      p = this.freePages.pop()!;
      this.mem.u8.fill(0, p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
    } else if (this.bump < this.totalPages) p = this.bump++;
    else throw new StopRun('error', 137, `guest out of memory: all ${this.ramBytes / 2 ** 20} MiB of guest RAM are in use; give it more with --memory SIZE`);
    const e = (p << PROT_BITS) | prot;
    this.pages.set(vpn, e);
    return e;
  }
  private release(vpn: number): void {
    const e = this.pages.get(vpn);
    if (e === undefined) return;
    const p = e >>> PROT_BITS;
    this.pages.delete(vpn);
    // Drop decoded or compiled code of the page before it is reused for something else.
    if (this.mem.codePages[p]) { this.mem.codePages[p] = 0; this.mem.onCodeWrite(p); }
    this.freePages.push(p);
  }
  /** RAM pages in use. */
  get usedPages(): number { return this.pages.size; }

  /** Copies bytes into mapped memory regardless of protection (loader, file mappings). */
  poke(addr: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = addr + done, vpn = Math.floor(a / PAGE_SIZE), off = a % PAGE_SIZE;
      let e = this.pages.get(vpn);
      if (e === undefined) {
        const vma = this.find(a);
        if (!vma) throw new Error(`poke: 0x${a.toString(16)} is not mapped`);
        e = this.allocate(vpn, vma.prot);
      }
      const p = e >>> PROT_BITS;
      if (this.mem.codePages[p]) { this.mem.codePages[p] = 0; this.mem.onCodeWrite(p); }
      const n = Math.min(data.length - done, PAGE_SIZE - off);
      this.mem.u8.set(data.subarray(done, done + n), p * PAGE_SIZE + off);
      done += n;
    }
  }

  // ----- mappings
  /** The mapping containing `addr`. */
  find(addr: number): Vma | undefined {
    const v = this.vmas;
    let lo = 0, hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (addr < v[mid].start) hi = mid - 1;
      else if (addr >= v[mid].end) lo = mid + 1;
      else return v[mid];
    }
    return undefined;
  }
  /** True if no mapping overlaps [start, end). */
  isFree(start: number, end: number): boolean {
    return !this.vmas.some((m) => m.start < end && start < m.end);
  }
  /** True if [start, end) is covered by mappings without holes. */
  isMapped(start: number, end: number): boolean {
    let a = start;
    for (const m of this.vmas) {
      if (m.end <= a) continue;
      if (m.start > a) return false;
      a = m.end;
      if (a >= end) return true;
    }
    return a >= end;
  }
  /** Highest free page-aligned range of `len` bytes inside [low, high), or undefined. */
  findFree(len: number, low: number, high: number): number | undefined {
    let top = high;
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const m = this.vmas[i];
      const gapLo = m ? Math.max(m.end, low) : low;
      if (m && m.start >= top) continue;
      const gapHi = Math.min(top, high);
      if (gapHi - gapLo >= len) return gapHi - len;
      if (!m) break;
      top = m.start;
      if (top <= low) break;
    }
    return undefined;
  }
  /** Lowest free range of `len` bytes at or above `low` (below `high`). */
  findFreeUp(len: number, low: number, high: number): number | undefined {
    let a = low;
    for (const m of this.vmas) {
      if (m.end <= a) continue;
      if (m.start - a >= len) break;
      a = m.end;
    }
    return a + len <= high ? a : undefined;
  }

  private charge(prot: number, noreserve: boolean): boolean { return prot !== 0 && !noreserve; }
  /** Pages of [start, end) charged against RAM now. */
  private chargedIn(start: number, end: number): number {
    let n = 0;
    for (const m of this.vmas) {
      if (m.end <= start || m.start >= end || !this.charge(m.prot, m.noreserve)) continue;
      n += (Math.min(end, m.end) - Math.max(start, m.start)) / PAGE_SIZE;
    }
    return n;
  }
  /** Free pages left for new charged mappings. */
  get availablePages(): number { return this.totalPages - this.committed; }

  /** Maps [start, start+len) (page-aligned), replacing what was there. False: not enough RAM. */
  map(start: number, len: number, prot: number, opts: { noreserve?: boolean; name?: string } = {}): boolean {
    const end = start + len, noreserve = !!opts.noreserve;
    const add = this.charge(prot, noreserve) ? len / PAGE_SIZE : 0;
    if (add - this.chargedIn(start, end) > this.availablePages) return false;
    this.unmap(start, len);
    this.committed += add;
    const vma: Vma = { start, end, prot, noreserve, name: opts.name ?? '' };
    const i = this.vmas.findIndex((m) => m.start > start);
    this.vmas.splice(i < 0 ? this.vmas.length : i, 0, vma);
    this.merge();
    return true;
  }

  /** Splits the mapping containing `addr` so that a mapping starts there. */
  private split(addr: number): void {
    const m = this.find(addr);
    if (!m || m.start === addr) return;
    const i = this.vmas.indexOf(m);
    this.vmas.splice(i + 1, 0, { ...m, start: addr });
    m.end = addr;
  }
  private merge(): void {
    const out: Vma[] = [];
    for (const m of this.vmas) {
      const p = out[out.length - 1];
      if (p && p.end === m.start && p.prot === m.prot && p.noreserve === m.noreserve && p.name === m.name && !m.name.startsWith('/')) p.end = m.end;
      else out.push(m);
    }
    this.vmas = out;
  }
  /** Calls fn for each allocated page in [start, end). */
  private eachPage(start: number, end: number, fn: (vpn: number, e: number) => void): void {
    const lo = start / PAGE_SIZE, hi = end / PAGE_SIZE;
    if (hi - lo <= this.pages.size) {
      for (let v = lo; v < hi; v++) { const e = this.pages.get(v); if (e !== undefined) fn(v, e); }
    } else {
      for (const [v, e] of [...this.pages]) if (v >= lo && v < hi) fn(v, e);
    }
  }

  /** Removes mappings in [start, start+len) and frees their pages. */
  unmap(start: number, len: number): void {
    const end = start + len;
    if (this.isFree(start, end)) return;
    this.committed -= this.chargedIn(start, end);
    this.split(start); this.split(end);
    this.vmas = this.vmas.filter((m) => m.end <= start || m.start >= end);
    this.eachPage(start, end, (v) => this.release(v));
    this.mem.flushTlb();
  }

  /** Frees the pages of [start, end) (they read back as zero): MADV_DONTNEED. */
  discard(start: number, end: number): void {
    this.eachPage(start, end, (v) => this.release(v));
    this.mem.flushTlb();
  }

  /** Changes the protection of [start, start+len): -ENOMEM-style false results are
   *  'unmapped' (a hole in the range) or 'nomem' (not enough RAM to charge). */
  protect(start: number, len: number, prot: number): 'ok' | 'unmapped' | 'nomem' {
    const end = start + len;
    if (!this.isMapped(start, end)) return 'unmapped';
    let add = 0;
    for (const m of this.vmas) {
      if (m.end <= start || m.start >= end) continue;
      const n = (Math.min(end, m.end) - Math.max(start, m.start)) / PAGE_SIZE;
      add += (this.charge(prot, m.noreserve) ? n : 0) - (this.charge(m.prot, m.noreserve) ? n : 0);
    }
    if (add > this.availablePages) return 'nomem';
    this.committed += add;
    this.split(start); this.split(end);
    for (const m of this.vmas) if (m.start >= start && m.end <= end) m.prot = prot;
    this.eachPage(start, end, (v, e) => this.pages.set(v, (e & ~7) | prot));
    this.merge();
    this.mem.flushTlb();
    return 'ok';
  }

  /** Moves the mappings and pages of [from, from+len) to `to` (a free range). */
  move(from: number, len: number, to: number): void {
    const moved = this.vmas.filter((m) => m.start < from + len && from < m.end);
    this.split(from); this.split(from + len);
    const inRange = this.vmas.filter((m) => m.start >= from && m.end <= from + len);
    if (moved.length === 0) return;
    this.vmas = this.vmas.filter((m) => !inRange.includes(m));
    const delta = to - from;
    const entries: [number, number][] = [];
    this.eachPage(from, from + len, (v, e) => entries.push([v, e]));
    for (const [v] of entries) this.pages.delete(v);
    for (const [v, e] of entries) this.pages.set(v + delta / PAGE_SIZE, e);
    for (const m of inRange) { m.start += delta; m.end += delta; }
    this.vmas.push(...inRange);
    this.vmas.sort((a, b) => a.start - b.start);
    this.merge();
    this.mem.flushTlb();
  }

  /** Checks that [addr, addr+len) may be accessed (for system call buffers: EFAULT if not). */
  accessible(addr: number, len: number, access: Access): boolean {
    if (len === 0) return true;
    if (!(addr >= 0) || addr + len > 2 ** 48) return false;
    for (let a = pageDown(addr); a < addr + len; a += PAGE_SIZE) {
      const e = this.pages.get(a / PAGE_SIZE);
      const prot = e !== undefined ? e & 7 : this.find(a)?.prot;
      if (prot === undefined || !allowed(prot, access)) return false;
    }
    return true;
  }
}

/** arm64 has no write-only or (before FEAT_EPAN) execute-only user pages: any access right
 *  makes a page readable. */
function allowed(prot: number, access: Access): boolean {
  if (access === Access.Read) return prot !== 0;
  if (access === Access.Write) return (prot & PROT_WRITE) !== 0;
  return (prot & PROT_EXEC) !== 0;
}
