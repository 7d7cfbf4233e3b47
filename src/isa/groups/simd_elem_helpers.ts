// Helpers of the by-element group (simd_elem.ts): the indexed element is replicated into a
// scratch register file and the three-same / three-different operations run on it.
import type { Cpu } from '../../cpu/state.js';
import { lanes } from '../../fp/ops.js';
import { map2, commit, commitScalar } from './simd_lanes.js';
import { INT_OPS, FP_LANE } from './simd_same_helpers.js';
import { diffOp } from './simd_wide_helpers.js';

// W: reg 0 = Vn, reg 1 = replicated element, reg 2 = Vd (FP operands must share one file).
const W = lanes(3);
const INT_KEY: Record<number, number> = { 0x08: 0x13, 0x10: 0x12, 0x14: 0x32, 0x0c: 0x16, 0x0d: 0x36 };
const LONG_KEY: Record<number, number> = {
  0x02: 0x08, 0x03: 0x09, 0x06: 0x0a, 0x07: 0x0b, 0x0a: 0x0c, 0x0b: 0x0d, 0x12: 0x18, 0x16: 0x1a, 0x1a: 0x1c,
};
const FP_ID: Record<number, number> = { 0x01: 2, 0x05: 3, 0x09: 16, 0x19: 6 };

function replicate(cpu: Cpu, esz: number, m: number, idx: number): void {
  const bytes = 1 << esz, src = m * 16 + idx * bytes;
  for (let i = 0; i < 16; i++) W.V8[16 + i] = cpu.V8[src + (i & (bytes - 1))];
}

export const elemHelpers = {
  /** q = -1: scalar form. */
  v_elem_op(cpu: Cpu, key: number, esz: number, q: number, d: number, n: number, m: number, idx: number): void {
    replicate(cpu, esz, m, idx);
    const scalar = q < 0, per = 16 >> esz;
    if (LONG_KEY[key] !== undefined) { diffOp(cpu, LONG_KEY[key], esz, q, d, n, 1, W); return; }
    const count = scalar ? 1 : (q ? 16 : 8) >> esz;
    if (INT_KEY[key] !== undefined) map2(cpu, INT_OPS[INT_KEY[key]], esz, count, d, n, 1, W);
    else {
      W.V8.set(cpu.V8.subarray(n * 16, n * 16 + 16), 0);
      W.V8.set(cpu.V8.subarray(d * 16, d * 16 + 16), 32);
      const f = FP_LANE[FP_ID[key]];
      for (let i = 0; i < count; i++) f(cpu, esz, i, per + i, i, 2 * per + i, W);
    }
    if (scalar) commitScalar(cpu, d, esz); else commit(cpu, d, q);
  },
};
