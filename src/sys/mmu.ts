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
  private mair = 0n;
  /** The last virtual address translated (for faults the MMIO port raises after translation). */
  lastLo = 0;
  lastHi = 0;

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
    this.mair = r.mair;
  }
  private baddr(ttbr: bigint): number { return Number(ttbr & 0xfffffffffffen); } // BADDR[47:1]; ASID is 63:48

  get enabled(): boolean { return this.on; }

  translate(vpnLo: number, hi: number, access: Access, unpriv: boolean, lo = vpnLo << 12): number {
    this.lastLo = lo; this.lastHi = hi;
    const w = this.walk(lo, hi, access, unpriv ? 0 : this.el());
    if (w.fault) throw new GuestFault(w.kind, vaToBig(lo, hi), access, w.fsc);
    return w.pa;
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
    const va = (hi & 0xffff) * TWO32 + (lo >>> 0); // VA[47:0]
    const start = 4 - Math.ceil((inputsize - g) / stride);
    let level = start;
    // The starting table holds 2^(inputsize − shift) entries.
    let shift = g + stride * (3 - level);
    let table = h.base;
    const tableBytes = 8 * 2 ** (inputsize - shift);
    table -= table % Math.max(tableBytes, 8);
    if (table >= 2 ** this.paBits) return fail(FSC.addressSize(level));
    let apTable = 0, uxnTable = false, pxnTable = false;
    const ramBytes = this.dv.byteLength;
    for (;;) {
      const bits = level === start ? inputsize - shift : stride;
      const idx = Math.floor(va / 2 ** shift) % 2 ** bits;
      const da = table + idx * 8;
      if (da + 8 > ramBytes) return fail(FSC.externalOnWalk(level), 'external');
      const dlo = this.dv.getInt32(da, true), dhi = this.dv.getInt32(da + 4, true);
      if ((dlo & 1) === 0) return fail(FSC.translation(level));
      const isTable = (dlo & 2) !== 0;
      if (level < 3 && isTable) {
        const next = (dhi & 0xffff) * TWO32 + ((dlo & ~(2 ** g - 1)) >>> 0);
        if (next >= 2 ** this.paBits) return fail(FSC.addressSize(level));
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
      const oa = (dhi & 0xffff) * TWO32 + ((dlo & ~(2 ** shift - 1)) >>> 0);
      if (oa >= 2 ** this.paBits) return fail(FSC.addressSize(level));
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
      const pa = oa + (Math.floor(va / 4096) * 4096) % 2 ** shift;
      const attrIdx = (dlo >>> 2) & 7;
      return { fault: false, pa, attr: Number((this.mair >> BigInt(8 * attrIdx)) & 0xffn), sh: (dlo >>> 8) & 3 };
    }
  }
}
