// The fast paths of src/fp (JS doubles + error-free transformations) must agree bit for bit,
// flags included, with the exact BigInt path, which is itself checked against qemu-aarch64.
import { describe, it, expect } from 'vitest';
import { arith, lanes, getBits, Op2 } from '../../src/fp/ops.js';
import { fpAdd, fpMul, fpDiv, fpSqrt } from '../../src/fp/soft.js';
import { F32, F64 } from '../../src/fp/fpcr.js';
import { Cpu } from '../../src/cpu/state.js';
import { Memory } from '../../src/mem/memory.js';
import { fpHelpers } from '../../src/isa/groups/simd_fp_helpers.js';
import { fpToFixed, fixedToFp, fpConvert, fpRoundInt } from '../../src/fp/convert.js';

let seed = 99;
const rnd = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };

/** Random bit patterns biased toward edges: near powers of two, tiny/huge exponents, specials. */
function randBits(lg: number): bigint {
  const F = lg === 3 ? 52 : 23, E = lg === 3 ? 11 : 8, emax = (1 << E) - 1;
  const sign = BigInt(rnd() & 1);
  let exp: number;
  switch (rnd() % 6) {
    case 0: exp = rnd() % 4; break;                       // subnormal / tiny
    case 1: exp = emax - 1 - (rnd() % 4); break;          // huge
    case 2: exp = rnd() % 12 === 0 ? emax : (1 << (E - 1)) - 1 + (rnd() % 60) - 30; break;
    default: exp = rnd() % emax;
  }
  let frac: bigint;
  switch (rnd() % 4) {
    case 0: frac = 0n; break;
    case 1: frac = (1n << BigInt(F)) - 1n - BigInt(rnd() % 4); break;
    case 2: frac = BigInt(rnd() % 16); break;
    default: frac = ((BigInt(rnd()) << 32n) | BigInt(rnd())) & ((1n << BigInt(F)) - 1n);
  }
  return (sign << BigInt(8 << lg) - 1n) | (BigInt(exp) << BigInt(F)) | frac;
}

const SOFT = [
  (f: typeof F64, a: bigint, b: bigint, c: { fpcr: number; fpsr: number }) => fpAdd(f, a, b, c),
  (f: typeof F64, a: bigint, b: bigint, c: { fpcr: number; fpsr: number }) => fpAdd(f, a, b, c, true),
  fpMul, fpDiv,
  (f: typeof F64, a: bigint, _b: bigint, c: { fpcr: number; fpsr: number }) => fpSqrt(f, a, c),
];

describe('fp fast paths agree with the exact path', () => {
  for (const lg of [2, 3]) {
    for (const op of [Op2.ADD, Op2.SUB, Op2.MUL, Op2.DIV, Op2.SQRT]) {
      it(`op ${op} ${lg === 3 ? 'double' : 'single'}`, () => {
        const L = lanes(2);
        const f = lg === 3 ? F64 : F32;
        let bad = 0;
        for (let i = 0; i < 40000; i++) {
          const a = randBits(lg), b = randBits(lg);
          // close operands exercise cancellation
          const b2 = rnd() % 4 === 0 ? a ^ BigInt(rnd() & 7) ^ (rnd() & 1 ? f.signBit : 0n) : b;
          if (lg === 3) { L.VF64[0] = 0; L.V32[0] = Number(a & 0xffffffffn); L.V32[1] = Number(a >> 32n); L.V32[2] = Number(b2 & 0xffffffffn); L.V32[3] = Number(b2 >> 32n); }
          else { L.V32[0] = Number(a); L.V32[1] = Number(b2); }
          const c1 = { fpcr: 0, fpsr: 0 }, c2 = { fpcr: 0, fpsr: 0 };
          arith(c1, op, lg, L, 0, 1, L, 2 << (3 - lg) /* lane in reg 1 */);
          const fast = getBits(L, lg, 2 << (3 - lg));
          const slow = SOFT[op](f, a, b2, c2);
          if (fast !== slow || c1.fpsr !== c2.fpsr) {
            if (bad++ < 5) console.log(`op ${op} lg ${lg}: ${a.toString(16)} ${b2.toString(16)} fast ${fast.toString(16)}/${c1.fpsr} slow ${slow.toString(16)}/${c2.fpsr}`);
          }
        }
        expect(bad).toBe(0);
      });
    }
  }
});

describe('conversion fast paths agree with the exact path', () => {
  const cpu = new Cpu(new Memory(4096, { translate: () => 0 }));
  const setD = (lg: number, r: number, v: bigint) => {
    if (lg === 3) { cpu.V32[r * 4] = Number(v & 0xffffffffn); cpu.V32[r * 4 + 1] = Number(v >> 32n); }
    else cpu.V32[r * 4] = Number(v);
  };
  const ctx = () => ({ fpcr: 0, fpsr: 0 });
  it('fcvt, frint, fcvt*s/u', () => {
    let bad = 0;
    for (let i = 0; i < 30000; i++) {
      const lg = 2 + (rnd() & 1), a = randBits(lg), f = lg === 3 ? F64 : F32;
      setD(lg, 1, a);
      // fcvt to the other precision
      const to = 5 - lg;
      cpu.fpsr = 0; cpu.fpcr = 0;
      fpHelpers.fp_1src(cpu, to === 3 ? 5 : 4, lg, to, 2, 1);
      const c = ctx();
      const want = fpConvert(f, to === 3 ? F64 : F32, a, c, 0);
      if (getBits(cpu, to, 2 << (4 - to)) !== want || cpu.fpsr !== c.fpsr) { if (bad++ < 5) console.log('fcvt', a.toString(16)); }
      // frint with each rounding
      const op = 8 + [0, 1, 2, 3, 4, 6, 7][rnd() % 7];
      cpu.fpsr = 0;
      fpHelpers.fp_1src(cpu, op, lg, lg, 2, 1);
      const c2 = ctx();
      const rm = op === 14 || op === 15 ? 0 : op - 8;
      const want2 = fpRoundInt(f, a, c2, rm, op === 14);
      if (getBits(cpu, lg, 2 << (4 - lg)) !== want2 || cpu.fpsr !== c2.fpsr) { if (bad++ < 5) console.log('frint', op, a.toString(16)); }
      // to integer
      const M = rnd() & 1 ? 64 : 32, u = rnd() & 1, rm3 = rnd() % 5, fbits = rnd() & 1 ? 0 : rnd() % (M + 1);
      cpu.fpsr = 0;
      const lo = fpHelpers.fp_toint(cpu, lg, rm3, u, M, fbits, 1), hi = cpu.hi;
      const c3 = ctx();
      const want3 = fpToFixed(f, a, fbits, !!u, M, c3, rm3);
      const got3 = (BigInt(M === 64 ? hi >>> 0 : 0) << 32n) | BigInt(lo >>> 0);
      if (got3 !== want3 || cpu.fpsr !== c3.fpsr) { if (bad++ < 5) console.log('toint', a.toString(16), M, u, rm3, fbits, got3, want3, cpu.fpsr, c3.fpsr); }
    }
    expect(bad).toBe(0);
  });
  it('scvtf/ucvtf', () => {
    let bad = 0;
    for (let i = 0; i < 30000; i++) {
      const lg = 2 + (rnd() & 1), u = rnd() & 1, fbits = rnd() & 1 ? 0 : rnd() % 65;
      let v = (BigInt(rnd()) << 32n) | BigInt(rnd());
      const k = rnd() % 4;
      if (k === 0) v >>= BigInt(rnd() % 64);
      if (k === 1) v = BigInt.asUintN(64, -(v >> BigInt(rnd() % 64)));
      const lo = Number(v & 0xffffffffn) | 0, hi = Number(v >> 32n) | 0;
      cpu.fpsr = 0; cpu.fpcr = 0;
      fpHelpers.fp_fromint(cpu, lg, u, fbits, 3, lo, hi);
      const c = ctx();
      const want = fixedToFp(lg === 3 ? F64 : F32, u ? v : BigInt.asIntN(64, v), fbits, c, 0);
      if (getBits(cpu, lg, 3 << (4 - lg)) !== want || cpu.fpsr !== c.fpsr) { if (bad++ < 5) console.log('cvtf', v.toString(16), lg, u, fbits); }
    }
    expect(bad).toBe(0);
  });
});

describe('fused multiply-add fast path agrees with the exact path', () => {
  for (const lg of [2, 3]) {
    it(lg === 3 ? 'double' : 'single', async () => {
      const { mulAdd } = await import('../../src/fp/ops.js');
      const { fpMulAdd } = await import('../../src/fp/soft.js');
      const L = lanes(2);
      const f = lg === 3 ? F64 : F32;
      let bad = 0;
      const put = (i: number, v: bigint) => { if (lg === 3) { L.V32[2 * i] = Number(v & 0xffffffffn); L.V32[2 * i + 1] = Number(v >> 32n); } else L.V32[i] = Number(v); };
      for (let i = 0; i < 60000; i++) {
        const a = randBits(lg), b = randBits(lg);
        let c = randBits(lg);
        if (rnd() % 3 === 0) {
          // c close to -a×b: cancellation and near-ties
          const neg = { fpcr: 0, fpsr: 0 };
          c = fpMulAdd(f, 0n, a, b, neg) ^ f.signBit ^ BigInt(rnd() % 3);
        }
        put(0, c); put(1, a); put(2, b);
        const c1 = { fpcr: 0, fpsr: 0 }, c2 = { fpcr: 0, fpsr: 0 };
        mulAdd(c1, lg, L, 0, 1, 2, L, 3, false, false);
        const fast = getBits(L, lg, 3);
        const slow = fpMulAdd(f, c, a, b, c2);
        if (fast !== slow || c1.fpsr !== c2.fpsr) {
          if (bad++ < 5) console.log(`fma lg ${lg}: ${a.toString(16)} ${b.toString(16)} ${c.toString(16)} fast ${fast.toString(16)}/${c1.fpsr} slow ${slow.toString(16)}/${c2.fpsr}`);
        }
      }
      expect(bad).toBe(0);
    });
  }
});

describe('fused multiply-add fast path with zero operands', () => {
  it('agrees with the exact path for ±0 factors and addends (single and double)', async () => {
    const { mulAdd } = await import('../../src/fp/ops.js');
    const { fpMulAdd } = await import('../../src/fp/soft.js');
    let bad = 0, cases = 0;
    for (const lg of [2, 3]) {
      const f = lg === 3 ? F64 : F32, L = lanes(2);
      const put = (i: number, v: bigint) => { if (lg === 3) { L.V32[2 * i] = Number(v & 0xffffffffn); L.V32[2 * i + 1] = Number(v >> 32n); } else L.V32[i] = Number(v); };
      const zeros = [0n, f.signBit];
      for (let i = 0; i < 4000; i++) {
        const ops = [randBits(lg), randBits(lg), randBits(lg)];
        ops[i % 3] = zeros[(i >> 2) & 1];                      // one zero operand (addend, factor n or m)
        if (i % 7 === 0) ops[(i + 1) % 3] = zeros[(i >> 3) & 1]; // sometimes two
        const [c, a, b] = ops;
        put(0, c); put(1, a); put(2, b);
        const c1 = { fpcr: 0, fpsr: 0 }, c2 = { fpcr: 0, fpsr: 0 };
        mulAdd(c1, lg, L, 0, 1, 2, L, 3, false, false);
        const fast = getBits(L, lg, 3), slow = fpMulAdd(f, c, a, b, c2);
        if (fast !== slow || c1.fpsr !== c2.fpsr) {
          if (bad++ < 5) console.log(`fma0 lg ${lg}: ${a.toString(16)} ${b.toString(16)} ${c.toString(16)} fast ${fast.toString(16)}/${c1.fpsr} slow ${slow.toString(16)}/${c2.fpsr}`);
        }
        cases++;
      }
    }
    expect(cases).toBe(8000);
    expect(bad).toBe(0);
  });
});
