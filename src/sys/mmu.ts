// The stage-1 MMU of the EL1&0 translation regime (VMSAv8-64, Arm ARM D5): TTBR0/TTBR1 split by
// T0SZ/T1SZ, 4 KiB and 64 KiB granules (the Cortex-A72 has no 16 KiB granule: ID_AA64MMFR0
// TGran16 = 0, so TG = 16 KiB is treated as 4 KiB, an IMPLEMENTATION DEFINED choice the Arm ARM
// allows), block and page descriptors, hierarchical APTable/UXNTable/PXNTable, AP/UXN/PXN/WXN,
// the access flag (no hardware update: that is v8.1), address-size checks against TCR.IPS and
// the 44-bit physical address range, top-byte-ignore for data accesses.
//
// It is the Memory's Translator: the Memory's soft TLB caches what it returns, so the owner
// (SysEnv) flushes that TLB whenever anything here or the exception level changes.
// Addresses are handled as Numbers (exact below 2^53) and 32-bit words: no BigInt on the walk.
//
// Stage 2 (a VM under the hypervisor core): `Mmu.s2` is the core's port. With it set, stage 1
// produces intermediate physical addresses, and every stage-1 descriptor read and the final
// output address go through stage 2 (as on hardware); Stage2Walker below walks the core's
// VMSAv8-64 stage-2 tables. Without it (bare mode) nothing on this path changes.
import { Access, GuestFault, vaToBig, type Translator } from '../mem/memory.js';
import { FSC } from './esr.js';

const TWO32 = 4294967296;
/** PARange of the Cortex-A72 (ID_AA64MMFR0_EL1.PARange = 4: 44 bits). */
export const PA_BITS = 44;
const IPS_BITS = [32, 36, 40, 42, 44, 48, 52];

/** A successful walk: the physical address of the 4 KiB page, and its attributes for PAR_EL1. */
export interface WalkOk { fault: false; pa: number; attr: number; sh: number }
/** A failed walk: the fault status code and the GuestFault kind it travels as. */
export interface WalkFault { fault: true; fsc: number; kind: 'translation' | 'permission' | 'external' }
export type Walk = WalkOk | WalkFault;

/** The translation controls, decoded from SCTLR_EL1, TCR_EL1, TTBRn_EL1 and MAIR_EL1. */
export interface MmuRegs { sctlr: bigint; tcr: bigint; ttbr0: bigint; ttbr1: bigint; mair: bigint }

interface Half { tsz: number; granule: number; epd: boolean; tbi: boolean; base: number }

const fail = (fsc: number, kind: WalkFault['kind'] = 'translation'): WalkFault => ({ fault: true, fsc, kind });

export class Mmu implements Translator {
  private on = false;
  private wxn = false;
  private paBits = PA_BITS;
  private h0: Half = { tsz: 64 - 48, granule: 12, epd: false, tbi: false, base: 0 };
  private h1: Half = { tsz: 64 - 48, granule: 12, epd: false, tbi: false, base: 0 };
  /** A non-global (nG) page of the upper half (TTBR1) has been translated since the last full
   *  flush: an ASID switch must then drop the whole TLB (see SysEnv.tableBaseChanged). */
  highNonGlobal = false;
  /** MAIR_EL1's eight attribute bytes (decoded once, not per walk). */
  private mairAttr = new Array<number>(8).fill(0);
  /** 2^paBits: output addresses at or above it are address size faults. */
  private paLimit = 2 ** PA_BITS;
  /** The last virtual address translated (for faults the MMIO port raises after translation). */
  lastLo = 0;
  lastHi = 0;

  /** Stage 2 of a VM (undefined: stage 2 off, IPA = PA). */
  s2: Stage2Port | undefined;

  /** `dv`: guest RAM (descriptors are read from it); `el()`: the current exception level. */
  constructor(private readonly dv: DataView, private readonly el: () => number) {}

  /** Re-reads the controls (after an MSR to any of them). */
  configure(r: MmuRegs): void {
    this.on = (r.sctlr & 1n) !== 0n;
    this.wxn = (r.sctlr & (1n << 19n)) !== 0n;
    const tcr = r.tcr;
    const f = (sh: number, w: number) => Number((tcr >> BigInt(sh)) & ((1n << BigInt(w)) - 1n));
    const ips = f(32, 3);
    this.paBits = Math.min(IPS_BITS[ips] ?? PA_BITS, PA_BITS);
    // TG0: 00 4K, 01 64K, 10 16K; TG1: 01 16K, 10 4K, 11 64K.
    const g0 = f(14, 2) === 1 ? 16 : 12, g1 = f(30, 2) === 3 ? 16 : 12;
    const clamp = (t: number) => Math.min(39, Math.max(16, t)); // out-of-range TxSZ: the nearest legal size
    this.h0 = { tsz: clamp(f(0, 6)), granule: g0, epd: f(7, 1) === 1, tbi: f(37, 1) === 1, base: this.baddr(r.ttbr0) };
    this.h1 = { tsz: clamp(f(16, 6)), granule: g1, epd: f(23, 1) === 1, tbi: f(38, 1) === 1, base: this.baddr(r.ttbr1) };
    this.paLimit = 2 ** this.paBits;
    for (let i = 0; i < 8; i++) this.mairAttr[i] = Number((r.mair >> BigInt(8 * i)) & 0xffn);
  }
  private baddr(ttbr: bigint): number { return Number(ttbr & 0xfffffffffffen); } // BADDR[47:1]; ASID is 63:48

  get enabled(): boolean { return this.on; }

  translate(vpnLo: number, hi: number, access: Access, unpriv: boolean, lo = vpnLo << 12): number {
    this.lastLo = lo; this.lastHi = hi;
    const w = this.walk(lo, hi, access, unpriv ? 0 : this.el());
    if (w.fault) throw new GuestFault(w.kind, vaToBig(lo, hi), access, w.fsc);
    return this.s2 ? this.s2.resolve(w.pa, access, false, lo, hi) : w.pa;
  }

  /** Translates virtual address (hi:lo) for an access at exception level `el`, without faulting. */
  walk(lo: number, hi: number, access: Access, el: number): Walk {
    if (!this.on) {
      // MMU off: flat map; addresses beyond the PA range are an address size fault at level 0.
      if ((hi >>> (this.paBits - 32)) !== 0 && this.paBits < 64) return fail(FSC.addressSize(0));
      return { fault: false, pa: (hi >>> 0) * TWO32 + ((lo & ~0xfff) >>> 0), attr: access === Access.Exec ? 0xff : 0, sh: 0 };
    }
    // Which half: TTBR1 when the top bits are ones. With TBI (data accesses only) bit 55 decides
    // and bits 63:56 are ignored.
    const h = (hi & 0x00800000) !== 0 ? this.h1 : this.h0;
    const tbi = h.tbi && access !== Access.Exec;
    const inputsize = 64 - h.tsz;
    const topMask = tbi ? 0x00ffffff : -1;
    // Bits [top:inputsize] must all equal bit 55 (TBI) or bit 63.
    const want = (tbi ? (hi & 0x00800000) !== 0 : hi < 0) ? -1 : 0;
    if (inputsize >= 32) {
      const m = topMask & ~((1 << (inputsize - 32)) - 1);
      if ((hi & m) !== (want & m)) return fail(FSC.translation(0));
    } else {
      if ((hi & topMask) !== (want & topMask)) return fail(FSC.translation(0));
      const m = ~((1 << inputsize) - 1);
      if ((lo & m) !== (want & m)) return fail(FSC.translation(0));
    }
    if (h.epd) return fail(FSC.translation(0));
    const g = h.granule, stride = g - 3;
    const vhi = hi & 0xffff, vlo = lo >>> 0; // VA[47:0] = vhi:vlo
    const gMask = (1 << g) - 1;
    const start = 4 - Math.ceil((inputsize - g) / stride);
    let level = start;
    // The starting table holds 2^(inputsize − shift) entries.
    let shift = g + stride * (3 - level);
    let table = h.base;
    const tableBytes = 8 << Math.max(inputsize - shift, 0);
    table = Math.floor(table / tableBytes) * tableBytes;   // a power of two: exact
    if (table >= this.paLimit) return fail(FSC.addressSize(level));
    let apTable = 0, uxnTable = false, pxnTable = false;
    const ramBytes = this.dv.byteLength;
    for (;;) {
      const bits = level === start ? inputsize - shift : stride;
      const idx = vaBits(vhi, vlo, shift, bits);
      let da = table + idx * 8;
      // Under stage 2 the table address is an IPA: the walk's own reads are translated (S1PTW).
      if (this.s2) { const off = da % 4096; da = this.s2.resolve(da - off, access, true, lo, hi) + off; }
      if (da + 8 > ramBytes) return fail(FSC.externalOnWalk(level), 'external');
      const dlo = this.dv.getInt32(da, true), dhi = this.dv.getInt32(da + 4, true);
      if ((dlo & 1) === 0) return fail(FSC.translation(level));
      const isTable = (dlo & 2) !== 0;
      if (level < 3 && isTable) {
        const next = (dhi & 0xffff) * TWO32 + ((dlo & ~gMask) >>> 0);
        if (next >= this.paLimit) return fail(FSC.addressSize(level));
        pxnTable ||= (dhi & (1 << 27)) !== 0;
        uxnTable ||= (dhi & (1 << 28)) !== 0;
        apTable |= (dhi >>> 29) & 3;
        table = next;
        level++;
        shift -= stride;
        continue;
      }
      // Blocks: level 1 and 2 with the 4K granule, level 2 with 64K. Level 3 needs the page type.
      if (level === 3 ? !isTable : (level === 0 || (g === 16 && level === 1))) return fail(FSC.translation(level));
      const oa = (dhi & 0xffff) * TWO32 + ((dlo & ~((1 << shift) - 1)) >>> 0);   // shift ≤ 30: a block or page
      if (oa >= this.paLimit) return fail(FSC.addressSize(level));
      if ((dlo & (1 << 10)) === 0) return fail(FSC.accessFlag(level));
      // Permissions (Arm ARM D5.4): AP[2] = read-only, AP[1] = EL0 access; APTable[1] forbids
      // writes, APTable[0] EL0 access below it.
      const ap = (dlo >>> 6) & 3;
      const el0ok = (ap & 1) !== 0 && (apTable & 1) === 0;
      const writable = (ap & 2) === 0 && (apTable & 2) === 0;
      const uxn = (dhi & (1 << 22)) !== 0 || uxnTable, pxn = (dhi & (1 << 21)) !== 0 || pxnTable;
      let ok: boolean;
      if (access === Access.Exec) {
        if (el === 0) ok = !uxn && !(this.wxn && writable && el0ok);
        else ok = !pxn && !(writable && el0ok) && !(this.wxn && writable);
      } else {
        ok = (el !== 0 || el0ok) && (access === Access.Read || writable);
      }
      if (!ok) return fail(FSC.permission(level), 'permission');
      const pa = oa + vaBits(vhi, vlo, 12, shift - 12) * 4096;   // the page within a block
      if ((dlo & 0x800) !== 0 && (hi & 0x00800000) !== 0) this.highNonGlobal = true;
      return { fault: false, pa, attr: this.mairAttr[(dlo >>> 2) & 7], sh: (dlo >>> 8) & 3 };
    }
  }
}

/** Bits [shift + bits − 1 : shift] of the address hi:lo (hi: bits 47:32; shift ≥ 12, bits ≤ 30):
 *  in int32 arithmetic, where floor(va / 2^shift) % 2^bits costs a float modulo per level. */
function vaBits(hi: number, lo: number, shift: number, bits: number): number {
  const mask = bits >= 31 ? -1 : (1 << bits) - 1;
  if (shift >= 32) return (hi >>> (shift - 32)) & mask;
  return ((lo >>> shift) | (hi << (32 - shift))) & mask;
}

// ----- stage 2

/** The hypervisor core's side of stage 2: the physical page of IPA page `ipa` for `access`
 *  (`s1ptw`: a stage-1 descriptor read), or it throws (a Stage2Fault, or the core's decision).
 *  `lo`/`hi`: the virtual address being translated (FAR). A return value at or beyond the RAM
 *  size is routed to the Memory's MMIO port. */
export interface Stage2Port {
  resolve(ipa: number, access: Access, s1ptw: boolean, lo: number, hi: number): number;
}

/** A stage-2 fault: what EL2 sees (the fault status in `detail`, the IPA for HPFAR_EL2, and
 *  whether it hit a stage-1 table walk). Only the hypervisor core handles it. */
export class Stage2Fault extends GuestFault {
  constructor(kind: 'translation' | 'permission' | 'external', va: bigint, access: Access, fsc: number,
    readonly ipa: number, readonly s1ptw: boolean) {
    super(kind, va, access, fsc);
  }
}

/** Stage-2 descriptor fields (Arm ARM D5.3.3, "Attribute fields in stage 2 descriptors"). */
export const S2 = {
  VALID: 1, TABLE: 2,
  /** MemAttr[3:0] in bits 5:2: 0b1111 Normal write-back, 0b0000 Device-nGnRnE. */
  MEMATTR_NORMAL_WB: 0xf << 2, MEMATTR_DEVICE: 0,
  /** S2AP in bits 7:6: bit 6 read, bit 7 write. */
  S2AP_R: 1 << 6, S2AP_W: 1 << 7,
  SH_INNER: 3 << 8, AF: 1 << 10,
  /** XN is descriptor bit 54: bit 22 of the high word. */
  XN_HI: 1 << 22,
} as const;

/** A stage-2 walk's result: the PA of the 4 KiB page, or the fault with its level. */
export type S2Walk = { fault: false; pa: number; memAttr: number } |
  { fault: true; kind: 'translation' | 'permission' | 'external'; fsc: number; level: number };

const s2fail = (kind: 'translation' | 'permission' | 'external', fsc: number, level: number): S2Walk => ({ fault: true, kind, fsc, level });

/** VTCR_EL2 as the core programs it: T0SZ 24 (40-bit IPA), SL0 1 (start at level 1, two
 *  concatenated tables), inner/outer write-back, inner shareable, TG0 4 KiB, PS 44 bits. */
export const VTCR_40BIT = 24 | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (0 << 14) | (4 << 16);

/** Walks stage-2 tables (VMSAv8-64, 4 KiB granule only: TG0 = 0) from physical memory `dv`,
 *  configured by VTCR_EL2 and VTTBR_EL2. A small IPA-page cache (the "stage-2 TLB", tagged by
 *  this walker, i.e. by VMID) keeps repeated stage-1 walks cheap; `invalidate()` on any change. */
export class Stage2Walker {
  private base = 0;
  private inputBits = 40;
  private startLevel = 1;
  private paLimit = 2 ** PA_BITS;
  private ipaLimit = 2 ** 40;
  private valid = false;
  vmid = 0;
  private readonly tagIpa = new Int32Array(512).fill(-1);
  private readonly cachedPa = new Float64Array(512);
  private readonly cachedPerm = new Int32Array(512);

  constructor(private readonly dv: DataView) {}

  /** Loads VTCR_EL2 and VTTBR_EL2 (BADDR 47:1, VMID 55:48). An unsupported combination makes
   *  every walk a level-0 translation fault (a CONSTRAINED UNPREDICTABLE choice the Arm ARM allows). */
  configure(vtcr: number, vttbr: bigint): void {
    const t0sz = vtcr & 63, sl0 = (vtcr >>> 6) & 3, tg0 = (vtcr >>> 14) & 3, ps = (vtcr >>> 16) & 7;
    this.inputBits = 64 - t0sz;
    this.startLevel = 2 - sl0; // 4 KiB granule: SL0 0 → level 2, 1 → level 1, 2 → level 0
    this.paLimit = 2 ** Math.min(IPS_BITS[ps] ?? PA_BITS, PA_BITS);
    this.ipaLimit = 2 ** this.inputBits;
    this.vmid = Number((vttbr >> 48n) & 0xffn);
    // At most 16 concatenated tables at the start level (Arm ARM D5.2.6).
    const startBits = this.inputBits - (12 + 9 * (3 - this.startLevel));
    this.valid = tg0 === 0 && sl0 <= 2 && startBits >= 1 && startBits <= 13 && this.inputBits <= 48;
    const tableBytes = 8 * 2 ** Math.max(startBits, 0);
    const b = Number(vttbr & 0xfffffffffffen);
    this.base = b - (b % tableBytes);
    this.invalidate();
  }

  invalidate(): void { this.tagIpa.fill(-1); }

  /** Translates IPA `ipa` for `access` (a stage-1 walk's read is a Read). */
  walk(ipa: number, access: Access): S2Walk {
    const page = Math.floor(ipa / 4096), slot = page & 511;
    if (this.tagIpa[slot] === page) {
      const perm = this.cachedPerm[slot];
      if (perm & (1 << access)) return { fault: false, pa: this.cachedPa[slot] + (ipa % 4096), memAttr: perm >>> 8 };
    }
    const w = this.fullWalk(ipa, access);
    return w;
  }

  private fullWalk(ipa: number, access: Access): S2Walk {
    if (!this.valid || ipa >= this.ipaLimit || ipa < 0) return s2fail('translation', FSC.translation(0), 0);
    let level = this.startLevel;
    let shift = 12 + 9 * (3 - level);
    let table = this.base;
    if (table >= this.paLimit) return s2fail('translation', FSC.addressSize(level), level);
    const ramBytes = this.dv.byteLength;
    for (;;) {
      const bits = level === this.startLevel ? this.inputBits - shift : 9;
      const idx = vaBits(Math.floor(ipa / TWO32), ipa >>> 0, shift, bits);
      const da = table + idx * 8;
      if (da + 8 > ramBytes) return s2fail('external', FSC.externalOnWalk(level), level);
      const dlo = this.dv.getInt32(da, true), dhi = this.dv.getInt32(da + 4, true);
      if ((dlo & 1) === 0) return s2fail('translation', FSC.translation(level), level);
      const isTable = (dlo & 2) !== 0;
      if (level < 3 && isTable) {
        const next = (dhi & 0xffff) * TWO32 + ((dlo & ~0xfff) >>> 0);
        if (next >= this.paLimit) return s2fail('translation', FSC.addressSize(level), level);
        table = next;
        level++;
        shift -= 9;
        continue;
      }
      // Blocks at levels 1 and 2 (4 KiB granule); level 3 needs the page type; no level-0 blocks.
      if (level === 3 ? !isTable : level === 0) return s2fail('translation', FSC.translation(level), level);
      const oa = (dhi & 0xffff) * TWO32 + ((dlo & ~((1 << shift) - 1)) >>> 0);
      if (oa >= this.paLimit) return s2fail('translation', FSC.addressSize(level), level);
      if ((dlo & S2.AF) === 0) return s2fail('translation', FSC.accessFlag(level), level);
      // AArch64.CheckS2Permission: fetches obey XN only; reads need S2AP[0], writes S2AP[1].
      const r = (dlo & S2.S2AP_R) !== 0, w = (dlo & S2.S2AP_W) !== 0, x = (dhi & S2.XN_HI) === 0;
      const ok = access === Access.Exec ? x : access === Access.Write ? w : r;
      if (!ok) return s2fail('permission', FSC.permission(level), level);
      const pagePa = oa + vaBits(Math.floor(ipa / TWO32), ipa >>> 0, 12, shift - 12) * 4096;
      const memAttr = (dlo >>> 2) & 15;
      const page = Math.floor(ipa / 4096), slot = page & 511;
      this.tagIpa[slot] = page;
      this.cachedPa[slot] = pagePa;
      this.cachedPerm[slot] = (r ? 1 << Access.Read : 0) | (w ? 1 << Access.Write : 0) | (x ? 1 << Access.Exec : 0) | (memAttr << 8);
      return { fault: false, pa: pagePa + (ipa % 4096), memAttr };
    }
  }
}
