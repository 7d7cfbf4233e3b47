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
