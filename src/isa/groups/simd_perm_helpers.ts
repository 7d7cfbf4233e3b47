// Helpers of the copy/permute/immediate group (simd_perm.ts).
import type { Cpu } from '../../cpu/state.js';
import { T, getU, setE, commit, commitScalar } from './simd_lanes.js';

/** Writes element i (2^esz bytes) of register r from a (lo, hi) pair. */
function putElem(cpu: Cpu, esz: number, r: number, i: number, lo: number, hi: number): void {
  if (esz === 3) { cpu.V[r * 4 + 2 * i] = lo; cpu.V[r * 4 + 2 * i + 1] = hi; }
  else setE(cpu, esz, r * (16 >> esz) + i, lo);
}

export const permHelpers = {
  /** DUP (element); q = -1 is the scalar form (MOV b0, v1.b[15]). */
  v_dup_elem(cpu: Cpu, esz: number, q: number, d: number, n: number, idx: number): void {
    const per = 16 >> esz;
    if (esz === 3) { const lo = cpu.V[n * 4 + 2 * idx], hi = cpu.V[n * 4 + 2 * idx + 1]; T.V[0] = lo; T.V[1] = hi; T.V[2] = lo; T.V[3] = hi; }
    else { const v = getU(cpu, esz, n * per + idx); for (let i = 0; i < per; i++) setE(T, esz, i, v); }
    if (q < 0) commitScalar(cpu, d, esz); else commit(cpu, d, q);
  },
  v_dup_gen(cpu: Cpu, esz: number, q: number, d: number, lo: number, hi: number): void {
    const per = 16 >> esz;
    if (esz === 3) { T.V[0] = lo; T.V[1] = hi; T.V[2] = lo; T.V[3] = hi; }
    else for (let i = 0; i < per; i++) setE(T, esz, i, lo);
    commit(cpu, d, q);
  },
  v_ins_gen(cpu: Cpu, esz: number, d: number, idx: number, lo: number, hi: number): void { putElem(cpu, esz, d, idx, lo, hi); },
  v_ins_elem(cpu: Cpu, esz: number, d: number, i1: number, n: number, i2: number): void {
    if (esz === 3) putElem(cpu, 3, d, i1, cpu.V[n * 4 + 2 * i2], cpu.V[n * 4 + 2 * i2 + 1]);
    else putElem(cpu, esz, d, i1, getU(cpu, esz, n * (16 >> esz) + i2), 0);
  },
  /** UMOV/SMOV: element as an i64 (zero- or sign-extended). */
  v_elem(cpu: Cpu, esz: number, signed: number, n: number, idx: number): number {
    if (esz === 3) { cpu.hi = cpu.V[n * 4 + 2 * idx + 1]; return cpu.V[n * 4 + 2 * idx]; }
    let v = getU(cpu, esz, n * (16 >> esz) + idx);
    if (signed) v = esz === 0 ? (v << 24) >> 24 : esz === 1 ? (v << 16) >> 16 : v | 0;
    cpu.hi = signed ? v >> 31 : 0;
    return v | 0;
  },
  /** UZP1/2, TRN1/2, ZIP1/2 (op = the opcode field: part = op >> 2). */
  v_perm(cpu: Cpu, op: number, esz: number, q: number, d: number, n: number, m: number): void {
    const per = 16 >> esz, count = (q ? 16 : 8) >> esz, pairs = count >> 1, part = op >> 2;
    const N = n * per, M = m * per;
    const at = (k: number) => getU(cpu, esz, k);
    const copy64 = (dst: number, src: number) => { T.V[2 * dst] = cpu.V[2 * src]; T.V[2 * dst + 1] = cpu.V[2 * src + 1]; };
    const put = (i: number, src: number) => (esz === 3 ? copy64(i, src) : setE(T, esz, i, at(src)));
    switch (op & 3) {
      case 1: for (let e = 0; e < count; e++) { const k = 2 * e + part; put(e, k < count ? N + k : M + k - count); } break;
      case 2: for (let p = 0; p < pairs; p++) { put(2 * p, N + 2 * p + part); put(2 * p + 1, M + 2 * p + part); } break;
      default: { const base = part * pairs; for (let p = 0; p < pairs; p++) { put(2 * p, N + base + p); put(2 * p + 1, M + base + p); } }
    }
    commit(cpu, d, q);
  },
  /** EXT: bytes pos.. of the concatenation Vm:Vn. */
  v_ext(cpu: Cpu, q: number, d: number, n: number, m: number, pos: number): void {
    const bytes = q ? 16 : 8, B = cpu.V8;
    for (let i = 0; i < bytes; i++) { const k = pos + i; T.V8[i] = k < bytes ? B[n * 16 + k] : B[m * 16 + k - bytes]; }
    commit(cpu, d, q);
  },
  /** TBL/TBX with a table of `regs` consecutive registers from Vn (wrapping at V31). */
  v_tbl(cpu: Cpu, q: number, tbx: number, regs: number, d: number, n: number, m: number): void {
    const bytes = q ? 16 : 8, B = cpu.V8;
    for (let i = 0; i < bytes; i++) {
      const k = B[m * 16 + i];
      T.V8[i] = k < regs * 16 ? B[((n + (k >> 4)) & 31) * 16 + (k & 15)] : tbx ? B[d * 16 + i] : 0;
    }
    commit(cpu, d, q);
  },
  /** MOVI/MVNI/FMOV (kind 0), ORR (1), BIC (2) with a 64-bit immediate replicated to both halves. */
  v_imm(cpu: Cpu, kind: number, q: number, d: number, lo: number, hi: number): void {
    const V = cpu.V, i = d * 4, words = q ? 4 : 2;
    for (let w = 0; w < words; w++) {
      const v = w & 1 ? hi : lo;
      V[i + w] = kind === 0 ? v : kind === 1 ? V[i + w] | v : V[i + w] & ~v;
    }
    if (!q) { V[i + 2] = 0; V[i + 3] = 0; }
  },
};
