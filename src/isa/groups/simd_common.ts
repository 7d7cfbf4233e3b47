// Shared pieces of the FP/SIMD table files: operand formatting the way GNU objdump prints it,
// and IR shorthands for reading and writing the V registers through helpers.
//
// Conventions of the simd group:
// - V register operands are plain register numbers (0..31) in `o`; helpers index cpu.V* views.
// - General registers, NZCV and the pc only ever move through IR (b.x / b.setReg / b.setNZCV /
//   b.flag), never from a helper: the JIT may keep them in JS locals.
// - FPCR/FPSR and the V registers are read and written by helpers directly (cpu.fpcr, cpu.fpsr);
//   V register words also through IR (b.vWord / b.setVWord), which both engines emit inline.
import type { Builder, Val } from '../../ir/ir.js';

/** Arrangement names indexed by size*2+Q. */
export const ARR = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
export const arr = (size: number, q: number) => ARR[size * 2 + q];
/** Scalar register letter for a log2 byte size: b h s d q. */
export const SC = 'bhsdq';
export const sreg = (lg: number, r: number) => `${SC[lg]}${r}`;
export const vreg = (r: number, a: string) => `v${r}.${a}`;
/** Element suffix letters for an element size (log2 bytes). */
export const EL = 'bhsd';

/** A register list `{v0.16b, v1.16b}`: objdump prints three or four ascending registers as a
 *  range `{v0.16b-v2.16b}`, two registers or a list that wraps past v31 one by one. */
export function vlist(t: number, count: number, suffix: string): string {
  if (count >= 3 && t + count - 1 <= 31) return `{v${t}.${suffix}-v${t + count - 1}.${suffix}}`;
  const regs: string[] = [];
  for (let i = 0; i < count; i++) regs.push(`v${(t + i) % 32}.${suffix}`);
  return `{${regs.join(', ')}}`;
}

// ----- IR shorthands: V register words move through IR (b.vWord / b.setVWord), which both
// engines emit inline (no helper call per register move).
/** 32-bit word `i` (0..3) of V[r]. */
export const vGet32 = (b: Builder, r: Val, i: number): Val => b.vWord(r, i);
/** 64-bit half `i` (0..1) of V[r]. */
export const vGet64 = (b: Builder, r: Val, i: number): Val => b.pair(b.vWord(r, 2 * i), b.vWord(r, 2 * i + 1));
/** The high word of an i64. */
const hiWord = (b: Builder, v: Val): Val => b.trunc(b.lsr(v, b.c32(32)));
/** Writes a scalar of 1, 2, 4 or 8 bytes to V[r], zeroing the rest of the register. */
export function vSetScalar(b: Builder, r: Val, lg: number, v: Val): void {
  const zero = b.c32(0);
  if (lg === 3) { b.setVWord(r, 0, b.trunc(v)); b.setVWord(r, 1, hiWord(b, v)); }
  else { b.setVWord(r, 0, lg === 2 ? v : b.and(v, b.c32(lg === 0 ? 0xff : 0xffff))); b.setVWord(r, 1, zero); }
  b.setVWord(r, 2, zero); b.setVWord(r, 3, zero);
}
/** Writes 128 bits (two i64 halves) to V[r]. */
export function vSet128(b: Builder, r: Val, lo: Val, hi: Val): void {
  b.setVWord(r, 0, b.trunc(lo)); b.setVWord(r, 1, hiWord(b, lo));
  b.setVWord(r, 2, b.trunc(hi)); b.setVWord(r, 3, hiWord(b, hi));
}

// ----- elements with constant indices, as IR (register moves and permutes run inline)
/** Element `idx` (2^esz bytes) of V[r]: an i32, zero- or sign-extended, for esz ≤ 2; an i64 for esz 3. */
export function vElem(b: Builder, r: Val, esz: number, idx: number, signed = false): Val {
  if (esz === 3) return vGet64(b, r, idx);
  const w = b.vWord(r, (idx << esz) >> 2);
  if (esz === 2) return w;
  const bits = 8 << esz, sh = ((idx << esz) & 3) * 8;
  const x = sh ? (signed && sh + bits === 32 ? b.asr(w, b.c32(sh)) : b.lsr(w, b.c32(sh))) : w;
  if (signed) return sh + bits === 32 ? x : b.sextBits(x, bits);
  return sh + bits === 32 ? x : b.zextBits(x, bits);
}
/** Packs element values (i32s, low bits used; i64s for esz 3) into the words of a register value. */
export function packElems(b: Builder, esz: number, elems: Val[]): Val[] {
  if (esz === 3) return elems.flatMap((e) => [b.trunc(e), hiWord(b, e)]);
  if (esz === 2) return elems;
  const per = 4 >> esz, bits = 8 << esz, mask = b.c32((1 << bits) - 1), words: Val[] = [];
  for (let w = 0; w < elems.length / per; w++) {
    let acc: Val | undefined;
    for (let k = 0; k < per; k++) {
      const e = elems[w * per + k];
      const part = k === per - 1 ? b.shl(e, b.c32(k * bits)) : k ? b.shl(b.and(e, mask), b.c32(k * bits)) : b.and(e, mask);
      acc = acc ? b.or(acc, part) : part;
    }
    words.push(acc!);
  }
  return words;
}
/** Writes element `idx` of V[r], keeping the others (v: i32 low bits, or i64 for esz 3). */
export function vSetElem(b: Builder, r: Val, esz: number, idx: number, v: Val): void {
  if (esz === 3) { b.setVWord(r, 2 * idx, b.trunc(v)); b.setVWord(r, 2 * idx + 1, hiWord(b, v)); return; }
  const wi = (idx << esz) >> 2;
  if (esz === 2) { b.setVWord(r, wi, v); return; }
  const bits = 8 << esz, sh = ((idx << esz) & 3) * 8, mask = (((1 << bits) - 1) << sh) | 0;
  const kept = b.and(b.vWord(r, wi), b.c32(~mask));
  b.setVWord(r, wi, b.or(kept, b.and(sh ? b.shl(v, b.c32(sh)) : v, b.c32(mask))));
}
/** Writes whole words to V[r]: `words` (2 or 4), the rest zeroed. */
export function vSetWords(b: Builder, r: Val, words: Val[]): void {
  const zero = b.c32(0);
  for (let i = 0; i < 4; i++) b.setVWord(r, i, i < words.length ? words[i] : zero);
}
/** The four words of an element value replicated across a register (i32 low bits, i64 for esz 3). */
export function dupWords(b: Builder, esz: number, v: Val): Val[] {
  if (esz === 3) { const lo = b.trunc(v), hi = hiWord(b, v); return [lo, hi, lo, hi]; }
  let w = v;
  if (esz === 0) w = b.mul(b.and(v, b.c32(0xff)), b.c32(0x01010101));
  else if (esz === 1) { const x = b.and(v, b.c32(0xffff)); w = b.or(x, b.shl(x, b.c32(16))); }
  return [w, w, w, w];
}
