// Helpers of the shift-by-immediate group (simd_shift.ts).
import type { Cpu } from '../../cpu/state.js';
import { T, getB, setB, commit, commitScalar, sat, clearSat, flushSat, ones, elemArray } from './simd_lanes.js';
import { placeHalf } from './simd_misc_helpers.js';
import { SHIFT } from './simd_shift.js';
import { toInt, fromInt } from './simd_fp_helpers.js';
import { RM } from '../../fp/fpcr.js';

const TU = [T.V8, T.V16, T.V32];
/** Off only in tests that compare the Number forms with the BigInt reference. */
export const shiftFastPath = { on: true };

/** The non-saturating R/L/W forms on elements of 8–32 bits, in Numbers (the BigInt path below
 *  is the reference; this gives the same bits). Values stay below 2^64 in magnitude and are
 *  only scaled by powers of two, so every double here is exact; the typed-array stores take
 *  the result modulo 2^bits. Returns false for the forms it does not handle. */
function shiftFast(cpu: Cpu, key: number, kind: string, esz: number, sh: number, q: number, d: number, n: number): boolean {
  const scalar = q < 0, U = key >> 5, op = key & 31;
  const bits = 8 << esz, per = 16 >> esz;
  const count = scalar ? 1 : (q ? 16 : 8) >> esz;
  if (esz === 2 && !scalar) return shift32(cpu, key, kind, sh, q, d, n);
  if (kind === 'R') {
    const round = op === 4 || op === 6, acc = op === 2 || op === 6;
    const A = elemArray(cpu, esz, !U && key !== 0x28), D = elemArray(cpu, esz, false), R = TU[esz];
    const nb = n * per, db = d * per;
    if (key === 0x28) { // SRI
      const mask = sh >= bits ? 0 : (bits === 32 ? 0xffffffff : (1 << bits) - 1) >>> sh;
      for (let i = 0; i < count; i++) R[i] = (D[db + i] & ~mask) | (sh >= bits ? 0 : A[nb + i] >>> sh);
    } else {
      const div = 2 ** sh, rc = round ? 2 ** (sh - 1) : 0;
      for (let i = 0; i < count; i++) {
        let r = Math.floor((A[nb + i] + rc) / div);
        if (acc) r += D[db + i];
        R[i] = r;
      }
    }
  } else if (kind === 'L') {
    if (key !== 0x0a && key !== 0x2a) return false;    // saturating: BigInt path
    const A = elemArray(cpu, esz, false), D = elemArray(cpu, esz, false), R = TU[esz];
    const nb = n * per, db = d * per;
    if (key === 0x0a) for (let i = 0; i < count; i++) R[i] = A[nb + i] << sh;
    else {
      const mask = (bits === 32 ? -1 : (1 << bits) - 1) << sh;
      for (let i = 0; i < count; i++) R[i] = (D[db + i] & ~mask) | ((A[nb + i] << sh) & mask);
    }
  } else if (kind === 'W') {
    const nc = 8 >> esz, base = n * per + (q ? nc : 0), A = elemArray(cpu, esz, !U), mul = 2 ** sh;
    if (esz < 2) { const R = TU[esz + 1]; for (let i = 0; i < nc; i++) R[i] = A[base + i] * mul; }
    else {
      const R = T.V;
      for (let i = 0; i < nc; i++) { const v = A[base + i] * mul; R[2 * i] = v; R[2 * i + 1] = Math.floor(v / 4294967296); }
    }
    commit(cpu, d, 1);
    return true;
  } else return false;
  if (scalar) commitScalar(cpu, d, esz); else commit(cpu, d, q);
  return true;
}

/** shiftFast for 32-bit lanes, on the Int32Array register file (one element kind: V8 keeps
 *  these loops monomorphic). */
function shift32(cpu: Cpu, key: number, kind: string, sh: number, q: number, d: number, n: number): boolean {
  const V = cpu.V, R = T.V, nb = n * 4, db = d * 4, count = q ? 4 : 2;
  switch (key) {
    case 0x20: for (let i = 0; i < count; i++) R[i] = sh >= 32 ? 0 : V[nb + i] >>> sh; break;         // ushr
    case 0x00: for (let i = 0; i < count; i++) R[i] = V[nb + i] >> (sh >= 32 ? 31 : sh); break;       // sshr
    case 0x22: for (let i = 0; i < count; i++) R[i] = V[db + i] + (sh >= 32 ? 0 : V[nb + i] >>> sh); break;   // usra
    case 0x02: for (let i = 0; i < count; i++) R[i] = V[db + i] + (V[nb + i] >> (sh >= 32 ? 31 : sh)); break; // ssra
    case 0x0a: for (let i = 0; i < count; i++) R[i] = V[nb + i] << sh; break;                         // shl
    case 0x2a: { const mask = -1 << sh; for (let i = 0; i < count; i++) R[i] = (V[db + i] & ~mask) | ((V[nb + i] << sh) & mask); break; } // sli
    case 0x28: { // sri
      if (sh >= 32) { for (let i = 0; i < count; i++) R[i] = V[db + i]; break; }
      const mask = -1 >>> sh;
      for (let i = 0; i < count; i++) R[i] = (V[db + i] & ~mask) | (V[nb + i] >>> sh);
      break;
    }
    default: {
      if (kind !== 'W') return false;
      // sshll/ushll from 32-bit lanes: 64-bit results (sh < 32)
      const base = nb + (q ? 2 : 0), U = key >> 5;
      for (let i = 0; i < 2; i++) {
        const a = V[base + i];
        R[2 * i] = a << sh;
        R[2 * i + 1] = sh === 0 ? (U ? 0 : a >> 31) : U ? a >>> (32 - sh) : a >> (32 - sh);
      }
      commit(cpu, d, 1);
      return true;
    }
  }
  commit(cpu, d, q);
  return true;
}

/** Right shift by 1..esize with optional rounding, at full precision. */
const shr = (a: bigint, sh: number, round: boolean) => (round ? (a + (1n << BigInt(sh - 1))) >> BigInt(sh) : a >> BigInt(sh));

export const shiftHelpers = {
  v_shift(cpu: Cpu, key: number, esz: number, sh: number, q: number, d: number, n: number): void {
    const scalar = q < 0, kind = SHIFT[key][1], U = key >> 5, op = key & 31;
    const bits = 8 << esz, per = 16 >> esz;
    const count = scalar ? 1 : (q ? 16 : 8) >> esz;
    if (esz < 3 && shiftFastPath.on && shiftFast(cpu, key, kind, esz, sh, q, d, n)) return;
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
