// SIMD&FP register words kept in unit locals (jit/vlocals.ts): loops whose V registers live in
// JS locals, across helpers that read and write V registers (LD1/ST1, the FP slow paths), faults
// in the middle of a unit (the V writes before the faulting access are visible, the ones after
// are not), float lanes that must keep NaN bits they were given from outside, and --check-jit.
// Expected values come from small models of the Arm ARM semantics of each loop, and both
// engines must agree with them.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';
import type { JitEngine } from '../../jit/engine.js';
import { IXC } from '../../src/fp/fpcr.js';

const CODE = 0x1000;

// V1 += V2 (4S); V3 ^= V1; V4 += V5 (2D); V6 = EXT(V6, V6, #4); X3 = [X4]; V1 += V2; X4 += 4 KiB.
const P1 = [
  0x4ea28421, // add v1.4s, v1.4s, v2.4s
  0x6e211c63, // eor v3.16b, v3.16b, v1.16b
  0x4ee58484, // add v4.2d, v4.2d, v5.2d
  0x6e0620c6, // ext v6.16b, v6.16b, v6.16b, #4
  0xf9400083, // ldr x3, [x4]
  0x4ea28421, // add v1.4s, v1.4s, v2.4s
  0x91400484, // add x4, x4, #0x1, lsl #12
  0xf1000400, // subs x0, x0, #0x1
  0x54ffff01, // b.ne 0
  0xd4200000, // brk #0x0
];
// V0 += V1; ST1 {V0.4S}, [X1]; LD1 {V1.4S}, [X2]; V1 += V7; X2 += 0x800; X1 += 16.
const P2 = [
  0x4ea18400, // add v0.4s, v0.4s, v1.4s
  0x4c007820, // st1 {v0.4s}, [x1]
  0x4c407841, // ld1 {v1.4s}, [x2]
  0x4ea78421, // add v1.4s, v1.4s, v7.4s
  0x91200042, // add x2, x2, #0x800
  0x91004021, // add x1, x1, #0x10
  0xf1000400, // subs x0, x0, #0x1
  0x54ffff21, // b.ne 0
  0xd4200000, // brk #0x0
];
// X6 += 1; if X6 < 4 { S3 = S4 + S4; D7 = D1 + D1 } D1 += D2; S5 *= S6.
const P3 = [
  0x910004c6, // add x6, x6, #0x1
  0xf10010df, // cmp x6, #0x4
  0x54000062, // b.hs +12
  0x1e242883, // fadd s3, s4, s4
  0x1e612827, // fadd d7, d1, d1
  0x1e622821, // fadd d1, d1, d2
  0x1e2608a5, // fmul s5, s5, s6
  0xf1000400, // subs x0, x0, #0x1
  0x54ffff01, // b.ne 0
  0xd4200000, // brk #0x0
];

type Setup = (m: Machine) => void;
const ENGINES = ['interp', 'jit'] as const;

function run(engine: 'interp' | 'jit', prog: number[], setup: Setup, opts: { checkJit?: boolean; poke?: [number, (m: Machine) => void] } = {}): Machine {
  const m = machine({ engine, jitThreshold: 4, checkJit: opts.checkJit });
  load(m, CODE, prog);
  setup(m);
  m.cpu.pc = CODE;
  if (opts.poke) { m.engine.run(opts.poke[0]); opts.poke[1](m); }
  runToStop(m);
  return m;
}
const vWords = (m: Machine, r: number) => [...m.cpu.V.subarray(4 * r, 4 * r + 4)].map((x) => x >>> 0);
const unitSrc = (m: Machine) => [...(m.engine as JitEngine).cache.units()].map((u) => u.src).join('\n');
const setV = (m: Machine, r: number, w: number[]) => w.forEach((x, i) => { m.cpu.V[4 * r + i] = x; });
const u32 = (x: number) => x >>> 0;

describe('V register words in unit locals', () => {
  const p1Setup: Setup = (m) => {
    m.cpu.setX(0, 100n);
    m.cpu.setX(4, 0x10000n);
    for (let p = 0; p < 40; p++) m.mem.dv.setUint32(0x10000 + p * 4096, 0x1000 + p, true);
    m.unmapped.add(0x10 + 20);    // the load of iteration 20 faults
    setV(m, 1, [1, 2, 3, 0xfffffff0]);
    setV(m, 2, [0x10, 0x20, 0x30, 0x7]);
    setV(m, 3, [0xa5a5a5a5, 0, 0xffffffff, 0x12345678]);
    setV(m, 4, [0xfffffff0, 0, 0xffffffff, 0x7fffffff]);
    setV(m, 5, [0x20, 0, 1, 0]);
    setV(m, 6, [0x11111111, 0x22222222, 0x33333333, 0x44444444]);
  };
  /** The loop's effect by the Arm ARM: 20 whole iterations, then the 21st up to its load. */
  function p1Expected(): Record<string, number[]> {
    let v1 = [1, 2, 3, 0xfffffff0], v3 = [0xa5a5a5a5, 0, 0xffffffff, 0x12345678], v6 = [0x11111111, 0x22222222, 0x33333333, 0x44444444];
    const v2 = [0x10, 0x20, 0x30, 0x7];
    let a = (0x0n << 32n) | 0xfffffff0n, b = (0x7fffffffn << 32n) | 0xffffffffn;
    const add4 = (x: number[]) => x.map((w, i) => u32(w + v2[i]));
    for (let it = 0; it <= 20; it++) {
      v1 = add4(v1);
      v3 = v3.map((w, i) => u32(w ^ v1[i]));
      a = BigInt.asUintN(64, a + 0x20n); b = BigInt.asUintN(64, b + ((0n << 32n) | 1n));
      v6 = [v6[1], v6[2], v6[3], v6[0]];
      if (it < 20) v1 = add4(v1);
    }
    const w = (x: bigint) => [Number(x & 0xffffffffn), Number(x >> 32n)];
    return { v1, v3, v4: [...w(a), ...w(b)], v6 };
  }

  it('keep int words in locals and leave the V writes before a faulting load visible', () => {
    const want = p1Expected();
    const ms = ENGINES.map((e) => run(e, P1, p1Setup));
    for (const m of ms) {
      expect(m.faults).toEqual([['translation', BigInt(0x10000 + 20 * 4096), CODE + 0x10]]);
      expect({ v1: vWords(m, 1), v3: vWords(m, 3), v4: vWords(m, 4), v6: vWords(m, 6) }).toEqual(want);
      expect(m.cpu.getX(3)).toBe(BigInt(0x1000 + 19));
    }
    expect(unitSrc(ms[1])).toMatch(/\bv1_0 = /);      // the loop did run from locals
    expect(ms[1].engine.stats().unitsCompiled).toBeGreaterThan(0);
    expect(state(ms[1])).toEqual(state(ms[0]));
  });

  const p2Setup = (iters: number, faultPage?: number): Setup => (m) => {
    m.cpu.setX(0, BigInt(iters));
    m.cpu.setX(1, 0x20000n);
    m.cpu.setX(2, 0x30000n);
    for (let k = 0; k < 0x8000; k += 4) m.mem.dv.setUint32(0x30000 + k, (k * 2654435761) >>> 0, true);
    if (faultPage !== undefined) m.unmapped.add(faultPage);
    setV(m, 0, [5, 6, 7, 8]);
    setV(m, 1, [0x100, 0x200, 0x300, 0x400]);
    setV(m, 7, [0xffffffff, 1, 0x80000000, 3]);
  };
  /** V0, V1 and the ST1 stores after `done` whole iterations (and V0's add and ST1 of the next
   *  when its LD1 faults). */
  function p2Expected(done: number, faulting: boolean) {
    let v0 = [5, 6, 7, 8], v1 = [0x100, 0x200, 0x300, 0x400];
    const v7 = [0xffffffff, 1, 0x80000000, 3];
    const stores: number[] = [];
    for (let it = 0; it < done + (faulting ? 1 : 0); it++) {
      v0 = v0.map((w, i) => u32(w + v1[i]));
      stores.push(...v0);
      if (it === done) break;
      const x2 = 0x30000 + it * 0x800;
      v1 = v1.map((_, i) => u32((((x2 + 4 * i - 0x30000) * 2654435761) >>> 0) + v7[i]));
    }
    return { v0, v1, stores };
  }
  const stored = (m: Machine, n: number) => Array.from({ length: n }, (_, k) => m.mem.dv.getUint32(0x20000 + 4 * k, true));

  it('hand the V locals to LD1/ST1 helpers and take them back', () => {
    const want = p2Expected(12, false);
    const ms = ENGINES.map((e) => run(e, P2, p2Setup(12)));
    for (const m of ms) {
      expect(m.stop?.message).toBe('brk');
      expect({ v0: vWords(m, 0), v1: vWords(m, 1), stores: stored(m, want.stores.length) }).toEqual(want);
    }
    expect(unitSrc(ms[1])).toMatch(/vh = H\.ldst_mult/);
    expect(unitSrc(ms[1])).toMatch(/\bv0_0 = /);
  });

  it('leave the V registers as the faulting LD1 found them', () => {
    // X2 reaches page 0x35 at iteration 10: its add and ST1 happened, its LD1 wrote nothing.
    const want = p2Expected(10, true);
    const ms = ENGINES.map((e) => run(e, P2, p2Setup(40, 0x35)));
    for (const m of ms) {
      expect(m.faults).toEqual([['translation', 0x35000n, CODE + 8]]);
      expect({ v0: vWords(m, 0), v1: vWords(m, 1), stores: stored(m, want.stores.length) }).toEqual(want);
    }
    expect(state(ms[1], [[0x20000, 0x400]])).toEqual(state(ms[0], [[0x20000, 0x400]]));
  });

  const p3Setup = (ixc: boolean): Setup => (m) => {
    m.cpu.setX(0, 60n);
    m.cpu.VF64[2] = 1.5;      // d1
    m.cpu.VF64[4] = 0.25;     // d2
    m.cpu.VF32[16] = 2.5;     // s4
    m.cpu.VF32[20] = 1;       // s5
    m.cpu.VF32[24] = 1.5;     // s6
    setV(m, 3, [0, 0x5a5a5a5a, 1, 2]);
    setV(m, 7, [3, 4, 5, 6]);
    m.cpu.fpsr = ixc ? IXC : 0;
  };
  // A signalling NaN put into S3 and D7 from outside the unit (as a signal handler or a helper
  // could) after the last iteration that writes them: the unit loads them into float locals it
  // also writes, and must not store a quietened copy back at its exits.
  const SNAN32 = 0x7f800001, SNAN64: [number, number] = [1, 0x7ff00000];
  const pokeNaNs = (m: Machine) => { m.cpu.V[12] = SNAN32; m.cpu.V[28] = SNAN64[0]; m.cpu.V[29] = SNAN64[1]; };

  for (const ixc of [true, false]) {
    it(`keep float lanes in locals (FPSR.IXC ${ixc ? 'set: fast paths' : 'clear: helpers'}) without changing NaN bits`, () => {
      let s5 = 1;
      for (let k = 0; k < 60; k++) s5 = Math.fround(s5 * 1.5);
      const ms = ENGINES.map((e) => run(e, P3, p3Setup(ixc), { poke: [9 * 8, pokeNaNs] }));
      for (const m of ms) {
        expect(m.stop?.message).toBe('brk');
        expect(m.cpu.VF64[2]).toBe(1.5 + 60 * 0.25);
        expect(m.cpu.VF32[20]).toBe(s5);
        expect(vWords(m, 3)).toEqual([SNAN32, 0, 0, 0]);
        expect(vWords(m, 7)).toEqual([...SNAN64, 0, 0]);
        expect(m.cpu.fpsr & IXC).toBe(IXC);
      }
      const src = unitSrc(ms[1]);
      for (const local of ['v1d0', 'v3s0', 'v5s0', 'v7d0', 'v3_1']) expect(src).toMatch(new RegExp(`\\b${local} = `));
      expect(state(ms[1])).toEqual(state(ms[0]));
      expect([...ms[1].cpu.V]).toEqual([...ms[0].cpu.V]);
    });
  }

  it('pass --check-jit', () => {
    const runs: [number[], Setup][] = [[P1, p1Setup], [P2, p2Setup(12)], [P2, p2Setup(40, 0x35)], [P3, p3Setup(true)], [P3, p3Setup(false)]];
    for (const [prog, setup] of runs) {
      const m = run('jit', prog, setup, { checkJit: true });
      expect(m.engine.stats().unitsChecked).toBeGreaterThan(0);
    }
  });
});
