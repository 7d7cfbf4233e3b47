// Helpers of the shift-by-immediate group (simd_shift.ts).
import type { Cpu } from '../../cpu/state.js';
import { T, getB, setB, commit, commitScalar, sat, clearSat, flushSat, ones } from './simd_lanes.js';
import { placeHalf } from './simd_misc_helpers.js';
import { SHIFT } from './simd_shift.js';
import { toInt, fromInt } from './simd_fp_helpers.js';
import { RM } from '../../fp/fpcr.js';

/** Right shift by 1..esize with optional rounding, at full precision. */
const shr = (a: bigint, sh: number, round: boolean) => (round ? (a + (1n << BigInt(sh - 1))) >> BigInt(sh) : a >> BigInt(sh));

export const shiftHelpers = {
  v_shift(cpu: Cpu, key: number, esz: number, sh: number, q: number, d: number, n: number): void {
    const scalar = q < 0, kind = SHIFT[key][1], U = key >> 5, op = key & 31;
    const bits = 8 << esz, per = 16 >> esz;
    const count = scalar ? 1 : (q ? 16 : 8) >> esz;
    clearSat();
    switch (kind) {
      case 'R': {
        const round = op === 4 || op === 6, acc = op === 2 || op === 6;
        for (let i = 0; i < count; i++) {
          const a = getB(cpu, esz, n * per + i, !U && key !== 0x28);
          if (key === 0x28) { // SRI
            const mask = sh >= bits ? 0n : ones(bits) >> BigInt(sh);
            setB(T, esz, i, (getB(cpu, esz, d * per + i, false) & ~mask) | (a >> BigInt(sh)));
            continue;
          }
          let r = shr(a, sh, round);
          if (acc) r += getB(cpu, esz, d * per + i, false);
          setB(T, esz, i, r);
        }
        break;
      }
      case 'L':
        for (let i = 0; i < count; i++) {
          const a = getB(cpu, esz, n * per + i, key === 0x0e || key === 0x2c);
          const v = a << BigInt(sh);
          let r: bigint;
          if (key === 0x2a) { // SLI
            const mask = ones(bits) << BigInt(sh);
            r = (getB(cpu, esz, d * per + i, false) & ~mask) | (v & mask);
          } else if (key === 0x0a) r = v;
          else r = sat(v, bits, key !== 0x0e);
          setB(T, esz, i, r);
        }
        break;
      case 'N': {
        // esz is the narrow size; sources are 2^(esz+1)-byte elements
        const round = op & 1, srcSigned = key === 0x12 || key === 0x13 || key === 0x30 || key === 0x31;
        const nc = scalar ? 1 : 8 >> esz, sper = per >> 1;
        for (let i = 0; i < nc; i++) {
          const r = shr(getB(cpu, esz + 1, n * sper + i, srcSigned), sh, !!round);
          setB(T, esz, i, key === 0x10 || key === 0x11 ? r : sat(r, bits, key !== 0x12 && key !== 0x13));
        }
        flushSat(cpu);
        if (scalar) commitScalar(cpu, d, esz); else placeHalf(cpu, d, q);
        return;
      }
      case 'W': {
        const nc = 8 >> esz, base = n * per + (q ? nc : 0);
        for (let i = 0; i < nc; i++) setB(T, esz + 1, i, getB(cpu, esz, base + i, !U) << BigInt(sh));
        commit(cpu, d, 1);
        return;
      }
      default: // F: fixed-point conversions, sh = fbits
        for (let i = 0; i < count; i++) {
          const k = n * per + i;
          if (op === 0x1c) {
            const lo = cpu.V[esz === 3 ? 2 * k : k], hi = esz === 3 ? cpu.V[2 * k + 1] : U ? 0 : lo >> 31;
            fromInt(cpu, esz, U, sh, lo, hi, T, i);
          } else {
            const lo = toInt(cpu, esz, cpu, k, RM.ZERO, U, bits, sh);
            if (esz === 3) { T.V[2 * i] = lo; T.V[2 * i + 1] = cpu.hi; } else T.V[i] = lo;
          }
        }
    }
    flushSat(cpu);
    if (scalar) commitScalar(cpu, d, esz); else commit(cpu, d, q);
  },
};
