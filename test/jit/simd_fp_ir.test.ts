// The FP arithmetic fast paths written in IR (src/isa/groups/simd_fpir.ts: FADD/FSUB/FMUL/FDIV/
// FNMUL/FSQRT/FMAX/FMIN/FMAXNM/FMINNM, FCVT single↔double, FMADD/FMSUB/FNMADD/FNMSUB, vector
// FADD/FSUB/FMUL/FDIV/FMLA/FMLS/FMAX/FMIN/FMAXNM/FMINNM, and FCSEL as a bit move) against the exact helpers they fall back to, called directly: on edge-case operands
// (signed zeros, subnormals, the smallest normal, the largest finite, infinities, quiet and
// signalling NaNs, products that underflow or overflow), under every rounding mode, FZ and DN, and
// with FPSR.IXC clear or already set. Each case runs in both engines (the interpreter's handler
// and a JIT-compiled unit); the V registers and FPSR must equal the helper's.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, type Machine } from './harness.js';
import { H } from '../../src/ir/helpers.js';
import { getDecoder } from '../../src/isa/index.js';
import { Cpu } from '../../src/cpu/state.js';
import { Memory } from '../../src/mem/memory.js';

const CODE = 0x1000;
const decoder = getDecoder();
const Hx = H as unknown as Record<string, (cpu: Cpu, ...a: number[]) => number | void>;

function rng(seed: number) { let s = seed >>> 0 || 1; return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; }; }

// Edge-case operands as bit patterns (hi, lo words for double; one word for single).
const D = (hi: number, lo = 0): [number, number] => [hi | 0, lo | 0];
const DOUBLES: [number, number][] = [
  D(0), D(0x80000000), D(0, 1), D(0x800fffff, -1), D(0x00100000), D(0x80100000), D(0x00180000),
  D(0x3ff00000), D(0xbff00000), D(0x3ff80000), D(0x40080000), D(0x3fb99999, 0x9999999a), D(0x3fd55555, 0x55555555),
  D(0x3ff00000, 1), D(0x7fefffff, -1), D(0xffefffff, -1), D(0x7ff00000), D(0xfff00000), D(0x7ff80000, 1),
  D(0x7ff00000, 1), D(0xfff80000), D(0x20000000), D(0x1e300000), D(0x5ff00000), D(0xc1e00000), D(0x3ca00000),
];
const SINGLES: number[] = [
  0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x80800000, 0x00c00000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40400000,
  0x3dcccccd, 0x3eaaaaab, 0x3f800001, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00001, 0x7f800001, 0xffc00000,
  0x20000000, 0x1f000000, 0x5f800000, 0xc7000000, 0x33800000,
].map((x) => x | 0);

// FPCR: RN, RP, RM, RZ, FZ, DN, FZ+DN+RZ; FPSR before: clear, IXC only, every cumulative flag.
const FPCRS = [0, 1 << 22, 2 << 22, 3 << 22, 1 << 24, 1 << 25, (7 << 23)];
const FPSRS = [0, 0x10, 0x9f];

/** Puts a lane value (lg 2: one word; lg 3: [hi, lo]) into lane i of V[r]. */
function setLane(cpu: Cpu, r: number, lg: number, i: number, v: number | [number, number]): void {
  if (lg === 3) { const [hi, lo] = v as [number, number]; cpu.V[r * 4 + 2 * i] = lo; cpu.V[r * 4 + 2 * i + 1] = hi; }
  else cpu.V[r * 4 + i] = v as number;
}
const pick = <T>(xs: T[], r: () => number): T => xs[r() % xs.length];

interface Case { setup(cpu: Cpu): void; ref(cpu: Cpu): void }

/** Runs `word` (then BRK) in the interpreter and in a JIT unit, and the reference helper on a
 *  plain Cpu, from the same state; compares V and FPSR (and NZCV, which none of them changes). */
class Bench3 {
  private readonly interp: Machine;
  private readonly jit: Machine;
  private readonly ref = new Cpu(new Memory(1 << 16, { translate: (v) => v * 4096 }));
  cases = 0;
  constructor(readonly word: number) {
    this.interp = machine({ engine: 'interp' });
    this.jit = machine({ engine: 'jit', jitThreshold: 1 });
    for (const m of [this.interp, this.jit]) load(m, CODE, [word, 0xd4200000]);
  }
  check(c: Case, fpcr: number, fpsr: number, what: string): void {
    const init = (cpu: Cpu) => { cpu.V.fill(0x5a5a5a5a); c.setup(cpu); cpu.fpcr = fpcr; cpu.fpsr = fpsr; };
    init(this.ref);
    const before = [...this.ref.V];
    c.ref(this.ref);
    const want = { V: [...this.ref.V], fpsr: this.ref.fpsr };
    for (const m of [this.interp, this.jit]) {
      init(m.cpu);
      for (let f = 70; f < 74; f++) m.cpu.R[f] = this.ref.R[f];
      m.cpu.pc = CODE;
      m.stop = undefined;
      runToStop(m, 100);
      const got = { V: [...m.cpu.V], fpsr: m.cpu.fpsr };
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        const eng = m === this.jit ? 'jit' : 'interp';
        expect({ got, before }, `${decoder.disasm(this.word, CODE)} [${eng}] fpcr=${fpcr.toString(16)} fpsr=${fpsr.toString(16)} ${what}`).toEqual({ got: want, before });
      }
    }
    this.cases++;
  }
  /** The JIT really ran the instruction compiled. */
  compiled(): number { return this.jit.engine.stats().insnsCompiled; }
}

/** Counts calls of the named helpers while `f` runs. */
function countCalls(names: string[], f: () => void): number {
  let n = 0;
  const saved = names.map((k) => Hx[k]);
  names.forEach((k, i) => { Hx[k] = (...a) => { n++; return saved[i](...a); }; });
  try { f(); } finally { names.forEach((k, i) => { Hx[k] = saved[i]; }); }
  return n;
}

const lgOf = (ftype: number) => (ftype === 1 ? 3 : 2);
const valuesOf = (lg: number) => (lg === 3 ? DOUBLES : SINGLES) as (number | [number, number])[];

describe('scalar FP arithmetic as IR', () => {
  it('FMUL FDIV FADD FSUB FMAX FMIN FMAXNM FMINNM FNMUL (single, double) equal fp_2src on every operand pair, FPCR and FPSR', () => {
    let total = 0;
    for (const ftype of [0, 1]) for (const op of [0, 1, 2, 3, 4, 5, 6, 7, 8]) {
      const lg = lgOf(ftype), d = 1, n = 2, m = 3;
      const t = new Bench3((0x1e200800 | (ftype << 22) | (m << 16) | (op << 12) | (n << 5) | d) >>> 0);
      const vals = valuesOf(lg);
      for (const a of vals) for (const b of vals) for (const fpcr of FPCRS) for (const fpsr of FPSRS) {
        if (fpcr !== 0 && fpsr === 0x9f) continue;
        t.check({ setup: (c) => { setLane(c, n, lg, 0, a); setLane(c, m, lg, 0, b); }, ref: (c) => Hx.fp_2src(c, op, lg, d, n, m) }, fpcr, fpsr, `${a} ${b}`);
      }
      expect(t.compiled()).toBeGreaterThan(0);
      total += t.cases;
    }
    expect(total).toBeGreaterThan(50000);
  });

  it('FSQRT (single, double) equals fp_1src', () => {
    for (const ftype of [0, 1]) {
      const lg = lgOf(ftype), d = 4, n = 4;   // Vd = Vn: the result overwrites its operand
      const t = new Bench3((0x1e204000 | (ftype << 22) | (3 << 15) | (n << 5) | d) >>> 0);
      for (const a of valuesOf(lg)) for (const fpcr of FPCRS) for (const fpsr of FPSRS) {
        t.check({ setup: (c) => setLane(c, n, lg, 0, a), ref: (c) => Hx.fp_1src(c, 3, lg, lg, d, n) }, fpcr, fpsr, `${a}`);
      }
      expect(t.compiled()).toBeGreaterThan(0);
    }
  });

  it('FCVT single ↔ double equals fp_1src', () => {
    for (const [from, to, opcode] of [[2, 3, 5], [3, 2, 4]]) {
      const d = 4, n = 6;
      const t = new Bench3((0x1e204000 | ((from === 3 ? 1 : 0) << 22) | (opcode << 15) | (n << 5) | d) >>> 0);
      expect(decoder.disasm(t.word, CODE).startsWith('fcvt')).toBe(true);
      // Doubles that narrow to the single range's edges too.
      const extra: [number, number][] = from === 3 ? [D(0x36a00000), D(0x36a00000, 1), D(0x380fffff, -1), D(0x38100000), D(0x47efffff, 0xe0000000), D(0x47efffff, 0xf0000000), D(0x3ff00000, 0x10000000)] : [];
      for (const a of [...valuesOf(from), ...extra]) for (const fpcr of FPCRS) for (const fpsr of FPSRS) {
        t.check({ setup: (c) => setLane(c, n, from, 0, a), ref: (c) => Hx.fp_1src(c, opcode, from, to, d, n) }, fpcr, fpsr, `${a}`);
      }
      expect(t.compiled()).toBeGreaterThan(0);
    }
  });

  it('FMADD FMSUB FNMADD FNMSUB (single, double) equal fp_madd', () => {
    const r = rng(3);
    for (const ftype of [0, 1]) for (const o1 of [0, 1]) for (const o0 of [0, 1]) {
      const lg = lgOf(ftype), d = 5, n = 6, m = 7, a = 5;
      const t = new Bench3((0x1f000000 | (ftype << 22) | (o1 << 21) | (m << 16) | (o0 << 15) | (a << 10) | (n << 5) | d) >>> 0);
      const vals = valuesOf(lg);
      for (let k = 0; k < 3000; k++) {
        const x = pick(vals, r), y = pick(vals, r), z = pick(vals, r);
        const fpcr = k % 3 ? 0 : pick(FPCRS, r), fpsr = pick(FPSRS, r);
        t.check({ setup: (c) => { setLane(c, n, lg, 0, x); setLane(c, m, lg, 0, y); setLane(c, a, lg, 0, z); },
          ref: (c) => Hx.fp_madd(c, lg, o1, o0 ^ o1, d, n, m, a) }, fpcr, fpsr, `${x} ${y} ${z}`);
      }
      // Random normal operands, where the fused result differs from the double-rounded one.
      for (let k = 0; k < 2000; k++) {
        const rnd = () => (lg === 3 ? D(((r() % 0x300) + 0x2a0) << 20 | (r() & 0xfffff) | (r() & 0x80000000), r()) : ((((r() % 60) + 97) << 23) | (r() & 0x7fffff) | (r() & 0x80000000)));
        const x = rnd(), y = rnd(), z = rnd();
        t.check({ setup: (c) => { setLane(c, n, lg, 0, x); setLane(c, m, lg, 0, y); setLane(c, a, lg, 0, z); },
          ref: (c) => Hx.fp_madd(c, lg, o1, o0 ^ o1, d, n, m, a) }, 0, 0x10, `${x} ${y} ${z}`);
      }
      expect(t.compiled()).toBeGreaterThan(0);
    }
  });

  it('FCSEL moves the selected register bits for every condition', () => {
    const r = rng(5);
    for (const ftype of [0, 1]) for (let cond = 0; cond < 16; cond++) {
      const lg = lgOf(ftype), d = 8, n = 9, m = 10;
      const t = new Bench3((0x1e200c00 | (ftype << 22) | (m << 16) | (cond << 12) | (n << 5) | d) >>> 0);
      for (let nzcv = 0; nzcv < 16; nzcv++) {
        const x = pick(valuesOf(lg), r), y = pick(valuesOf(lg), r);
        t.check({
          setup: (c) => { setLane(c, n, lg, 0, x); setLane(c, m, lg, 0, y); [8, 4, 2, 1].forEach((bit, i) => { c.R[70 + i] = nzcv & bit ? 1 : 0; }); },
          ref: (c) => Hx.fp_csel(c, lg, d, n, m, condHolds(cond, nzcv)),
        }, 0, 0, `nzcv=${nzcv}`);
      }
    }
  });
});

/** ConditionHolds from the Arm ARM, on a 4-bit NZCV. */
function condHolds(cond: number, nzcv: number): number {
  const N = (nzcv >> 3) & 1, Z = (nzcv >> 2) & 1, C = (nzcv >> 1) & 1, V = nzcv & 1;
  const base = [Z === 1, C === 1, N === 1, V === 1, C === 1 && Z === 0, N === V, N === V && Z === 0, true][cond >> 1];
  return (cond & 1 && cond !== 15 ? !base : base) ? 1 : 0;
}

describe('vector FP arithmetic as IR', () => {
  // [name, U, a (size<1>), opcode, FP3 id]
  const OPS: [string, number, number, number, number][] = [
    ['fmla', 0, 0, 0x19, 2], ['fmls', 0, 1, 0x19, 3], ['fadd', 0, 0, 0x1a, 4], ['fsub', 0, 1, 0x1a, 5], ['fmul', 1, 0, 0x1b, 16], ['fdiv', 1, 0, 0x1f, 23],
    ['fmaxnm', 0, 0, 0x18, 0], ['fminnm', 0, 1, 0x18, 1], ['fmax', 0, 0, 0x1e, 8], ['fmin', 0, 1, 0x1e, 9],
  ];
  it('FMLA FMLS FADD FSUB FMUL FDIV FMAX FMIN FMAXNM FMINNM (2s, 4s, 2d) equal v3_fp, lane by lane', () => {
    const r = rng(11);
    let total = 0;
    for (const [name, U, a, opcode, fid] of OPS) for (const [sz, q] of [[0, 0], [0, 1], [1, 1]]) {
      const lg = 2 + sz, count = (q ? 16 : 8) >> lg;
      for (const [d, n, m] of [[1, 2, 3], [2, 2, 3], [3, 2, 3]]) {   // Vd distinct, = Vn, = Vm
        const word = (0x0e200400 | (q << 30) | (U << 29) | (((a << 1) | sz) << 22) | (m << 16) | (opcode << 11) | (n << 5) | d) >>> 0;
        expect(decoder.disasm(word, CODE).startsWith(name)).toBe(true);
        const t = new Bench3(word);
        const vals = valuesOf(lg);
        for (let k = 0; k < 800; k++) {
          // Mostly one edge value among ordinary ones, so one lane decides the guard.
          const lanes = Array.from({ length: 3 * count }, () => (r() % 4 === 0 ? pick(vals, r) : vals[7 + (r() % 6)]));
          const fpcr = k % 2 ? 0 : pick(FPCRS, r), fpsr = pick(FPSRS, r);
          t.check({
            setup: (c) => lanes.forEach((v, i) => setLane(c, [d, n, m][Math.floor(i / count)], lg, i % count, v)),
            ref: (c) => Hx.v3_fp(c, fid, lg, count, d, n, m, q),
          }, fpcr, fpsr, JSON.stringify(lanes));
        }
        expect(t.compiled()).toBeGreaterThan(0);
        total += t.cases;
      }
    }
    expect(total).toBeGreaterThan(50000);
  });
});

describe('the fast path is the one taken in the default mode', () => {
  it('normal operands with FPSR.IXC set call no helper; IXC clear and an inexact result call the exact one', () => {
    // fmul d1, d2, d3 / fmla v1.2d, v2.2d, v3.2d / fmadd s1, s2, s3, s4 (1.1 × 1.1 is inexact; 1.1 + 1.1, a doubling, would not be)
    for (const [word, helper, lg] of [[0x1e630841, 'fp_2src', 3], [0x4e63cc41, 'v3_fp', 3], [0x1f031041, 'fp_madd', 2]] as [number, string, number][]) {
      for (const engine of ['interp', 'jit'] as const) {
        const m = machine({ engine, jitThreshold: 1 });
        load(m, CODE, [word, 0xd4200000]);
        const run = (fpsr: number) => {
          if (lg === 3) m.cpu.VF64.fill(1.1); else m.cpu.VF32.fill(1.1);   // inexact sums and products
          m.cpu.fpsr = fpsr; m.cpu.pc = CODE; m.stop = undefined;
          runToStop(m, 100);
        };
        run(0x10);
        expect(countCalls([helper], () => { for (let i = 0; i < 5; i++) run(0x10); }), `${helper} ${engine}`).toBe(0);
        expect(countCalls([helper], () => run(0)), `${helper} ${engine}`).toBe(1);
      }
    }
  });
});
