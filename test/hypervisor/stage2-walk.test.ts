// The stage-2 walk against the Arm ARM (DDI 0487, D5 "The AArch64 Virtual Memory System
// Architecture"; the stage-2 descriptor attributes; the fault status codes of ESR_ELx.DFSC:
// address size 0b0000LL, translation 0b0001LL, access flag 0b0010LL, permission 0b0011LL at
// level LL), with tables written by hand here, independently of hypervisor/core/stage2.ts; and the
// combined stage-1 + stage-2 walk (stage-1 descriptor reads go through stage 2: S1PTW).
import { describe, expect, it } from 'vitest';
import { Mmu, S2, Stage2Fault, Stage2Walker, VTCR_40BIT, type S2Walk } from '../../src/sys/mmu.js';
import { Access } from '../../src/mem/memory.js';
import { Stage2Tables } from '../../hypervisor/core/stage2.js';
import { insnSyndrome, stage2Esr, hpfar } from '../../hypervisor/core/syndrome.js';

const PAGE = 4096, TWO32 = 2 ** 32;
const RW = S2.S2AP_R | S2.S2AP_W;

function memory(bytes = 64 * PAGE) {
  const dv = new DataView(new ArrayBuffer(bytes));
  const put = (table: number, idx: number, pa: number, lo: number, hi = 0) => {
    dv.setUint32(table + idx * 8, ((pa % TWO32) | lo) >>> 0, true);
    dv.setUint32(table + idx * 8 + 4, (Math.floor(pa / TWO32) | hi) >>> 0, true);
  };
  return { dv, put };
}

/** Root (two concatenated level-1 tables) at 0x0, a level-2 table at 0x2000, a level-3 one at 0x3000. */
function tables() {
  const { dv, put } = memory();
  const T = S2.VALID | S2.TABLE, PAGE_D = S2.VALID | S2.TABLE | S2.AF, BLOCK = S2.VALID | S2.AF;
  put(0, 0, 0x2000, T);                        // IPA 0..1G → L2
  put(0, 1, 0x4000_0000, BLOCK | RW);          // IPA 1G..2G: a 1 GiB block
  put(0, 2, 0, BLOCK | RW);                    // a block at output 0 is fine
  put(0, 1023, 0x3000, T);                     // the last entry of the second concatenated table
  put(0x2000, 0, 0x3000, T);                   // IPA 0..2M → L3
  put(0x2000, 1, 0x20_0000, BLOCK | S2.S2AP_R); // IPA 2M..4M: read-only 2 MiB block
  put(0x2000, 2, 2 ** 45, T);                  // next-level table beyond the 44-bit PA range
  put(0x3000, 0, 0x8000, PAGE_D | RW);
  put(0x3000, 1, 0x9000, S2.VALID | S2.TABLE | RW); // AF = 0
  put(0x3000, 2, 0xa000, PAGE_D | S2.S2AP_R);  // read-only
  put(0x3000, 3, 0xb000, PAGE_D | RW, S2.XN_HI); // execute-never
  put(0x3000, 4, 0xc000, S2.VALID | S2.AF | RW); // block encoding at level 3: reserved
  put(0x3000, 5, 0xd000, PAGE_D);              // S2AP = 00: no access
  const w = new Stage2Walker(dv);
  w.configure(VTCR_40BIT, 0n | (5n << 48n));
  return { w, dv, put };
}

const ok = (pa: number): S2Walk => ({ fault: false, pa, memAttr: 0 });
const flt = (kind: 'translation' | 'permission' | 'external', fsc: number, level: number): S2Walk => ({ fault: true, kind, fsc, level });

describe('stage-2 walk (4 KiB granule, 40-bit IPA, start level 1 with concatenated tables)', () => {
  const cases: [string, number, Access, S2Walk][] = [
    ['a level-3 page', 0x0123, Access.Read, ok(0x8123)],
    ['the same page for a write', 0x0ff8, Access.Write, ok(0x8ff8)],
    ['a 1 GiB block at level 1', 0x4123_4567, Access.Write, ok(0x4123_4567)],
    ['a read-only 2 MiB block: read', 0x20_1234, Access.Read, ok(0x20_1234)],
    ['a read-only 2 MiB block: write → permission fault, level 2', 0x20_1234, Access.Write, flt('permission', 0x0e, 2)],
    ['the second concatenated table (IPA 0xffc0000000 + 0x1000: its last entry is reached)', 0xff_c000_1000, Access.Read, flt('translation', 0x07, 3)],
    ['invalid level-1 entry → translation fault, level 1', 0xc000_0000, Access.Read, flt('translation', 0x05, 1)],
    ['invalid level-2 entry → translation fault, level 2', 0x60_0000, Access.Read, flt('translation', 0x06, 2)],
    ['invalid level-3 entry → translation fault, level 3', 0x6000, Access.Read, flt('translation', 0x07, 3)],
    ['IPA beyond 40 bits → translation fault, level 0', 2 ** 40, Access.Read, flt('translation', 0x04, 0)],
    ['table address beyond the PA range → address size fault, level 2', 0x40_0000, Access.Read, flt('translation', 0x02, 2)],
    ['AF = 0 → access flag fault, level 3', 0x1000, Access.Read, flt('translation', 0x0b, 3)],
    ['read-only page: write → permission fault, level 3', 0x2000, Access.Write, flt('permission', 0x0f, 3)],
    ['read-only page: read', 0x2008, Access.Read, ok(0xa008)],
    ['XN page: fetch → permission fault, level 3', 0x3000, Access.Exec, flt('permission', 0x0f, 3)],
    ['XN page: read', 0x3000, Access.Read, ok(0xb000)],
    ['block encoding at level 3 → translation fault, level 3', 0x4000, Access.Read, flt('translation', 0x07, 3)],
    ['S2AP = 00: read → permission fault, level 3', 0x5000, Access.Read, flt('permission', 0x0f, 3)],
  ];
  for (const [name, ipa, access, want] of cases) {
    it(name, () => {
      const { w } = tables();
      const got = w.walk(ipa, access);
      if (!want.fault) expect(got).toMatchObject({ fault: false, pa: want.pa });
      else expect(got).toEqual(want);
      // Cached translations answer the same, and keep the permission check.
      expect(w.walk(ipa, access).fault).toBe(want.fault);
    });
  }

  it('a 64 KiB granule (unsupported) faults every walk at level 0', () => {
    const { w } = tables();
    w.configure(VTCR_40BIT | (1 << 14), 0n);
    expect(w.walk(0, Access.Read)).toEqual(flt('translation', 0x04, 0));
  });

  it('invalidate() forgets cached translations (an unmap takes effect)', () => {
    const { w, put } = tables();
    expect(w.walk(0x0123, Access.Read).fault).toBe(false);
    put(0x3000, 0, 0, 0);
    expect(w.walk(0x0123, Access.Read).fault).toBe(false); // still cached, as a TLB would be
    w.invalidate();
    expect(w.walk(0x0123, Access.Read)).toEqual(flt('translation', 0x07, 3));
  });

  it('the core\'s table writer produces what the walker reads (scattered pages, device pages)', () => {
    const { dv } = memory(32 * PAGE);
    let next = 8;
    const pool = { alloc: () => next++, allocPair: () => { const p = next + (next % 2); next = p + 2; return p; }, free: () => {} };
    const t = new Stage2Tables(dv, pool, 3);
    expect(t.map(0x0, 0x13000)).toBe(true);
    expect(t.map(0x1000, 0x11000)).toBe(true);
    expect(t.map(0xfe20_1000, 0x1f000, 'device')).toBe(true);
    const w = new Stage2Walker(dv);
    w.configure(VTCR_40BIT, t.vttbr);
    expect(t.vttbr >> 48n).toBe(3n);
    expect(w.walk(0x0010, Access.Exec)).toEqual({ fault: false, pa: 0x13010, memAttr: 0xf });
    expect(w.walk(0x1010, Access.Write)).toMatchObject({ fault: false, pa: 0x11010 });
    expect(w.walk(0xfe20_1004, Access.Write)).toEqual({ fault: false, pa: 0x1f004, memAttr: 0 });
    expect(w.walk(0xfe20_1004, Access.Exec)).toEqual(flt('permission', 0x0f, 3));
    t.unmap(0x1000);
    w.invalidate();
    expect(w.walk(0x1010, Access.Read)).toEqual(flt('translation', 0x07, 3));
  });
});

describe('combined stage 1 + stage 2', () => {
  // Stage 1: 4 KiB granule, T0SZ = 25 (39-bit VA, start level 1), tables at IPAs 0x10000 (L1),
  // 0x11000 (L2), 0x12000 (L3); VA 0x0 → IPA 0x20000. Stage 2 maps IPA pages to PAs + 0x100000.
  function setup(omit?: number) {
    const { dv, put } = memory(512 * PAGE);
    const T = S2.VALID | S2.TABLE, PAGE_D = S2.VALID | S2.TABLE | S2.AF;
    let next = 2;
    const pool = { alloc: () => next++, allocPair: () => 0, free: () => {} };
    const s2 = new Stage2Tables(dv, pool, 1);
    for (const ipa of [0x10000, 0x11000, 0x12000, 0x20000]) if (ipa !== omit) s2.map(ipa, ipa + 0x100000);
    // Stage-1 descriptors live at the PAs the table IPAs map to.
    put(0x110000, 0, 0x11000, T);
    put(0x111000, 0, 0x12000, T);
    put(0x112000, 0, 0x20000, PAGE_D | (1 << 6)); // AP[1] = 1: EL0 too (stage-1 attributes)
    const w = new Stage2Walker(dv);
    w.configure(VTCR_40BIT, s2.vttbr);
    const mmu = new Mmu(dv, () => 1);
    mmu.configure({ sctlr: 1n, tcr: 25n, ttbr0: 0x10000n, ttbr1: 0n, mair: 0n });
    mmu.s2 = {
      resolve(ipa, access, s1ptw, lo, hi) {
        const r = w.walk(ipa, s1ptw ? Access.Read : access);
        if (r.fault) throw new Stage2Fault(r.kind, BigInt(hi >>> 0) * 2n ** 32n + BigInt(lo >>> 0), access, r.fsc, ipa, s1ptw);
        return r.pa;
      },
    };
    return mmu;
  }
  const fault = (fn: () => unknown): Stage2Fault => { try { fn(); } catch (x) { return x as Stage2Fault; } throw new Error('no fault'); };

  it('VA → IPA → PA, with every stage-1 table read translated by stage 2', () => {
    expect(setup().translate(0, 0, Access.Read, false, 0x123)).toBe(0x120000);
  });
  for (const [omit, level] of [[0x10000, 3], [0x11000, 3], [0x12000, 3]] as const) {
    it(`stage-1 table at IPA 0x${omit.toString(16)} unmapped at stage 2: a stage-2 fault on the walk (S1PTW)`, () => {
      const f = fault(() => setup(omit).translate(0, 0, Access.Write, false, 0x123));
      expect(f).toBeInstanceOf(Stage2Fault);
      expect(f.s1ptw).toBe(true);
      expect(f.ipa).toBe(omit);
      expect(f.detail).toBe(0x04 | level);
      expect(f.addr).toBe(0x123n);
      // ESR_EL2: EC 0x24, S1PTW (bit 7), WnR 0 and ISV 0 for a walk (Arm ARM ESR_EL2 ISS).
      expect(stage2Esr(false, f.detail, true, true, 0xf9000020)).toBe(((0x24 << 26) | (1 << 25) | (1 << 7) | 0x07) >>> 0);
    });
  }
  it('final IPA unmapped at stage 2: a stage-2 fault at that IPA, not on the walk', () => {
    const f = fault(() => setup(0x20000).translate(0, 0, Access.Read, false, 0x8));
    expect(f.s1ptw).toBe(false);
    expect(f.ipa).toBe(0x20000);
    expect(hpfar(f.ipa)).toBe(0x200n); // HPFAR_EL2.FIPA = IPA[47:12] in bits 43:4
  });
});

describe('ESR_EL2 instruction syndrome (ISV, SAS, SSE, SRT, SF, AR)', () => {
  // Encodings from the Arm ARM (A64 loads and stores); expected fields from the ISS description.
  const cases: [string, number, { isv: boolean; sas?: number; sse?: boolean; srt?: number; sf?: boolean; ar?: boolean }][] = [
    ['ldr w1, [x2]', 0xb9400041, { isv: true, sas: 2, sse: false, srt: 1, sf: false, ar: false }],
    ['str x3, [x9, #8]', 0xf9000523, { isv: true, sas: 3, sse: false, srt: 3, sf: true, ar: false }],
    ['ldrsb x5, [x0]', 0x39800005, { isv: true, sas: 0, sse: true, srt: 5, sf: true, ar: false }],
    ['ldrsh w7, [x1]', 0x79c00027, { isv: true, sas: 1, sse: true, srt: 7, sf: false, ar: false }],
    ['ldur w2, [x3, #-4]', 0xb85fc062, { isv: true, sas: 2, srt: 2 }],
    ['ldr w4, [x5, x6]', 0xb86668a4, { isv: true, sas: 2, srt: 4 }],
    ['ldar w8, [x9]', 0x88dffd28, { isv: true, sas: 2, srt: 8, ar: true }],
    ['stlr x1, [x2]', 0xc89ffc41, { isv: true, sas: 3, srt: 1, sf: true, ar: true }],
    ['ldr x1, [x2], #8 (post-index: writeback)', 0xf8408441, { isv: false }],
    ['ldr x1, [x2, #8]! (pre-index: writeback)', 0xf8408c41, { isv: false }],
    ['ldp x1, x2, [x3] (pair)', 0xa9400861, { isv: false }],
    ['ldxr w1, [x2] (exclusive)', 0x885f7c41, { isv: false }],
    ['ldr q0, [x1] (SIMD&FP)', 0x3dc00020, { isv: false }],
  ];
  for (const [name, insn, want] of cases) {
    it(name, () => expect(insnSyndrome(insn)).toMatchObject(want));
  }
});
