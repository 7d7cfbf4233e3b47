// Shared pieces of the FP/SIMD table files: operand formatting the way GNU objdump prints it,
// and IR shorthands for reading and writing the V registers through helpers.
//
// Conventions of the simd group:
// - V register operands are plain register numbers (0..31) in `o`; helpers index cpu.V* views.
// - General registers, NZCV and the pc only ever move through IR (b.x / b.setReg / b.setNZCV /
//   b.flag), never from a helper: the JIT may keep them in JS locals.
// - FPCR/FPSR and the V registers are read and written by helpers directly (cpu.fpcr, cpu.fpsr).
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

// ----- IR shorthands (the helpers are in simd_helpers.ts)
/** 32-bit word `i` (0..3) of V[r]. */
export const vGet32 = (b: Builder, r: Val, i: number): Val => b.call('v_get32', 'i32', r, b.c32(i));
/** 64-bit half `i` (0..1) of V[r]. */
export const vGet64 = (b: Builder, r: Val, i: number): Val => b.call('v_get64', 'i64', r, b.c32(i));
/** Writes a scalar of 1, 2, 4 or 8 bytes to V[r], zeroing the rest of the register. */
export function vSetScalar(b: Builder, r: Val, lg: number, v: Val): void {
  if (lg === 3) b.effect('v_set64', r, v);
  else b.effect('v_set32', r, lg === 2 ? v : b.and(v, b.c32(lg === 0 ? 0xff : 0xffff)));
}
/** Writes 128 bits (two i64 halves) to V[r]. */
export const vSet128 = (b: Builder, r: Val, lo: Val, hi: Val): void => b.effect('v_set128', r, lo, hi);
