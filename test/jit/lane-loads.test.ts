// A double lane the JIT reads straight from guest RAM (JitCodegen.readVF) when a load of the
// same block just wrote its two words: the value must be the one loaded, even when a store to
// the same address, a second load into the lane, a write of the lane from a general register,
// a TLB miss or an FP slow-path helper comes in between. Expected values follow the Arm ARM semantics of the loop, computed in JS doubles (the
// operands are chosen so that default-NaN, flush-to-zero and rounding modes play no part).
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';
import type { JitEngine } from '../../jit/engine.js';
import { IXC } from '../../src/fp/fpcr.js';

const CODE = 0x1000, A = 0x20000, B = 0x21000, C = 0x30000, N = 50;
const LOOP = [
  0x3dc00021, // ldr q1, [x1]
  0xfd400042, // ldr d2, [x2]
  0xf9000025, // str x5, [x1]            overwrites lane 0 of what q1 just loaded
  0x1e622823, // fadd d3, d1, d2          must see the loaded value, not the stored one
  0x3dc00064, // ldr q4, [x3]
  0x6e64dc85, // fmul v5.2d, v4.2d, v4.2d
  0x1e6528c6, // fadd d6, d6, d5
  0xfd400467, // ldr d7, [x3, #8]
  0xfd400047, // ldr d7, [x2]             the second load into d7 is the one that counts
  0x1e672908, // fadd d8, d8, d7
  0xfd400069, // ldr d9, [x3]
  0x9e6700a9, // fmov d9, x5              a lane rewritten after its load: no longer the load's
  0x1e69294a, // fadd d10, d10, d9
  0x91004063, // add x3, x3, #0x10
  0x910004a5, // add x5, x5, #0x1
  0xf1000400, // subs x0, x0, #0x1
  0x54fffe01, // b.ne 0
  0xd4200000, // brk #0x0
];
const ONE_BITS = 0x3ff0000000000000n;        // x5 starts as the bits of 1.0
const bitsToDouble = (b: bigint) => { const v = new DataView(new ArrayBuffer(8)); v.setBigUint64(0, b, true); return v.getFloat64(0, true); };

function run(engine: 'interp' | 'jit', ixc: boolean, checkJit = false): Machine {
  const m = machine({ engine, jitThreshold: 4, checkJit });
  load(m, CODE, LOOP);
  m.cpu.setX(0, BigInt(N)); m.cpu.setX(1, BigInt(A)); m.cpu.setX(2, BigInt(B)); m.cpu.setX(3, BigInt(C)); m.cpu.setX(5, ONE_BITS);
  m.mem.dv.setFloat64(A, 3, true); m.mem.dv.setFloat64(A + 8, -7.25, true);
  m.mem.dv.setFloat64(B, 0.5, true);
  for (let j = 0; j < 2 * N; j++) m.mem.dv.setFloat64(C + 8 * j, 1.25 + 0.5 * j, true);
  m.cpu.fpsr = ixc ? IXC : 0;
  m.cpu.pc = CODE;
  runToStop(m);
  return m;
}

function expected() {
  let d6 = 0, d8 = 0, d10 = 0, lane0 = 3;
  let d3 = 0, v5: number[] = [];
  for (let k = 0; k < N; k++) {
    d3 = lane0 + 0.5;
    lane0 = bitsToDouble(ONE_BITS + BigInt(k));   // what the store leaves for the next load
    const v4 = [1.25 + 0.5 * (2 * k), 1.25 + 0.5 * (2 * k + 1)];
    v5 = v4.map((x) => x * x);
    d6 += v5[0];
    d8 += 0.5;
    d10 += bitsToDouble(ONE_BITS + BigInt(k));
  }
  return { d1: [bitsToDouble(ONE_BITS + BigInt(N - 2)), -7.25], d3, v5, d6, d8, d7: 0.5, d10 };
}

describe('double lanes read from the RAM a load of the same block just read', () => {
  for (const ixc of [true, false]) {
    it(`give the loaded values in both engines (FPSR.IXC ${ixc ? 'set: fast paths' : 'clear: slow-path helpers'})`, () => {
      const want = expected();
      const ms = (['interp', 'jit'] as const).map((e) => run(e, ixc));
      for (const m of ms) {
        const F = m.cpu.VF64;
        expect(m.stop?.message).toBe('brk');
        expect({ d1: [F[2], F[3]], d3: F[6], v5: [F[10], F[11]], d6: F[12], d8: F[16], d7: F[14], d10: F[20] }).toEqual(want);
      }
      expect(state(ms[1], [[A, 16]])).toEqual(state(ms[0], [[A, 16]]));
      expect([...ms[1].cpu.V]).toEqual([...ms[0].cpu.V]);
      const src = [...(ms[1].engine as JitEngine).cache.units()].map((u) => u.src).join('\n');
      if (ixc) expect(src).toMatch(/DV\.getFloat64\(/);   // the loop did read lanes from RAM
    });
  }

  it('pass --check-jit', () => {
    for (const ixc of [true, false]) {
      const m = run('jit', ixc, true);
      expect(m.stop?.message).toBe('brk');
      expect((m.engine as JitEngine).stats().unitsChecked).toBeGreaterThan(0);
    }
  });
});
