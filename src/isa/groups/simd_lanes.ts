// Lane access and the element-wise drivers of the Advanced SIMD integer helpers. Operations are
// written once on BigInt element values (exact for every element size; saturation and rounding
// need no special cases); the frequent, simple ones also have a Number form used for elements
// of 8–32 bits. Results go to a scratch register first, so Vd may alias a source.
import type { Cpu } from '../../cpu/state.js';
import { lanes, type Lanes } from '../../fp/ops.js';
import { QC } from '../../fp/fpcr.js';

export type LaneFile = Lanes & { V: Int32Array; V8: Uint8Array };
/** Scratch registers: T (result), U (a second temporary). */
export const T = lanes(4);

/** Element i (of 2^esz bytes) of the register file, zero-extended. */
export function getU(L: LaneFile, esz: number, i: number): number {
  return esz === 0 ? L.V8[i] : esz === 1 ? L.V16[i] : L.V32[i];
}
export function getS(L: LaneFile, esz: number, i: number): number {
  return esz === 0 ? (L.V8[i] << 24) >> 24 : esz === 1 ? (L.V16[i] << 16) >> 16 : L.V[i];
}
export function setE(L: LaneFile, esz: number, i: number, v: number): void {
  if (esz === 0) L.V8[i] = v; else if (esz === 1) L.V16[i] = v; else L.V32[i] = v;
}
export function getB(L: LaneFile, esz: number, i: number, signed: boolean): bigint {
  if (esz === 3) {
    const v = (BigInt(L.V32[2 * i + 1]) << 32n) | BigInt(L.V32[2 * i]);
    return signed ? BigInt.asIntN(64, v) : v;
  }
  return BigInt(signed ? getS(L, esz, i) : getU(L, esz, i));
}
export function setB(L: LaneFile, esz: number, i: number, v: bigint): void {
  if (esz === 3) { L.V32[2 * i] = Number(v & 0xffffffffn); L.V32[2 * i + 1] = Number(BigInt.asUintN(64, v) >> 32n); }
  else setE(L, esz, i, Number(BigInt.asUintN(32, v)));
}

/** Copies T[0] into V[d] (only the low 64 bits when !q, zeroing the top). */
export function commit(cpu: Cpu, d: number, q: number): void {
  const V = cpu.V, i = d * 4;
  V[i] = T.V[0]; V[i + 1] = T.V[1];
  if (q) { V[i + 2] = T.V[2]; V[i + 3] = T.V[3]; } else { V[i + 2] = 0; V[i + 3] = 0; }
}
/** Keeps only the low `bytes` of V[d] (scalar results). */
export function commitScalar(cpu: Cpu, d: number, esz: number): void {
  const V = cpu.V, i = d * 4;
  V[i] = esz === 0 ? T.V8[0] : esz === 1 ? T.V16[0] : T.V[0];
  V[i + 1] = esz === 3 ? T.V[1] : 0;
  V[i + 2] = 0; V[i + 3] = 0;
}

/** Saturation of a BigInt to `bits`, signed or not; sets `satHit` when it clamps. */
export let satHit = false;
export function clearSat(): void { satHit = false; }
export function sat(v: bigint, bits: number, unsigned: boolean): bigint {
  const B = BigInt(bits);
  const lo = unsigned ? 0n : -(1n << (B - 1n)), hi = unsigned ? (1n << B) - 1n : (1n << (B - 1n)) - 1n;
  if (v < lo) { satHit = true; return lo; }
  if (v > hi) { satHit = true; return hi; }
  return v;
}
/** Sets FPSR.QC if a saturation happened since clearSat(). */
export function flushSat(cpu: Cpu): void { if (satHit) cpu.fpsr |= QC; satHit = false; }

/** An element operation: `b` on BigInts (any size), optionally `n` on Numbers (≤ 32 bits,
 *  read signed or unsigned per `signed`, result truncated by the store). `d` is the old
 *  destination element (for accumulating forms). */
export interface ElemOp {
  signed: boolean;
  b(a: bigint, b: bigint, bits: number, d: bigint): bigint;
  n?(a: number, b: number, bits: number, d: number): number;
}

type Arr = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array;
const VIEWS = new WeakMap<ArrayBufferLike, Arr[][]>();
/** Typed views of a register file for element size esz, unsigned ([0]) or signed ([1]). */
let lastL: LaneFile | undefined, lastViews: Arr[][] = [];
export function elemArray(L: LaneFile, esz: number, signed: boolean): Arr {
  if (L === lastL) return lastViews[signed ? 1 : 0][esz];
  let v = VIEWS.get(L.V.buffer);
  if (!v) {
    const b = L.V.buffer;
    v = [[new Uint8Array(b), new Uint16Array(b), new Uint32Array(b)], [new Int8Array(b), new Int16Array(b), new Int32Array(b)]];
    VIEWS.set(b, v);
  }
  lastL = L; lastViews = v;
  return v[signed ? 1 : 0][esz];
}

const TU = [T.V8, T.V16, T.V32];

/** Vd = op(Vn, Vm) element-wise over `count` elements of 2^esz bytes (count = lanes used).
 *  Vm may come from another register file `M` (by-element forms put the element there). */
export function map2(cpu: Cpu, op: ElemOp, esz: number, count: number, d: number, n: number, m: number, M: LaneFile = cpu): void {
  const per = 16 >> esz, nb = n * per, mb = m * per, db = d * per, bits = 8 << esz;
  clearSat();
  if (esz < 3 && op.n) {
    const f = op.n, A = elemArray(cpu, esz, op.signed), B = elemArray(M, esz, op.signed), R = TU[esz];
    for (let i = 0; i < count; i++) R[i] = f(A[nb + i], B[mb + i], bits, A[db + i]);
  } else {
    for (let i = 0; i < count; i++) {
      setB(T, esz, i, op.b(getB(cpu, esz, nb + i, op.signed), getB(M, esz, mb + i, op.signed), bits, getB(cpu, esz, db + i, op.signed)));
    }
  }
  flushSat(cpu);
}

/** Pairwise: element i of the result combines elements 2i, 2i+1 of the concatenation Vm:Vn. */
export function pairwise(cpu: Cpu, op: ElemOp, esz: number, count: number, d: number, n: number, m: number): void {
  const per = 16 >> esz, bits = 8 << esz;
  const src = (k: number) => (k < count ? n * per + k : m * per + k - count);
  if (esz < 3 && op.n) {
    const f = op.n, A = elemArray(cpu, esz, op.signed), R = TU[esz];
    const half = count >> 1, nb = n * per, mb = m * per;
    for (let i = 0; i < half; i++) R[i] = f(A[nb + 2 * i], A[nb + 2 * i + 1], bits, 0);
    for (let i = 0; i < half; i++) R[half + i] = f(A[mb + 2 * i], A[mb + 2 * i + 1], bits, 0);
  } else {
    for (let i = 0; i < count; i++) setB(T, esz, i, op.b(getB(cpu, esz, src(2 * i), op.signed), getB(cpu, esz, src(2 * i + 1), op.signed), bits, 0n));
  }
}

export const ones = (bits: number) => (1n << BigInt(bits)) - 1n;
