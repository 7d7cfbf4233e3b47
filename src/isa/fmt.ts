// Operand formatting shared by the disassembly functions of the table, following GNU objdump.

/** X/W register name where 31 is the zero register. */
export const xz = (r: number, sf = 1) => (r === 31 ? (sf ? 'xzr' : 'wzr') : `${sf ? 'x' : 'w'}${r}`);
/** X/W register name where 31 is the stack pointer. */
export const xsp = (r: number, sf = 1) => (r === 31 ? (sf ? 'sp' : 'wsp') : `${sf ? 'x' : 'w'}${r}`);
export const hex = (v: number | bigint) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
export const imm = (v: number | bigint) => (BigInt(v) < 0n ? `#-${hex(-BigInt(v))}` : `#${hex(v)}`);
export const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
export const SHIFTS = ['lsl', 'lsr', 'asr', 'ror'];
/** A branch or literal target the way objdump prints it (address only; it adds "<symbol>"). */
export const target = (pc: number, off: number) => BigInt.asUintN(64, BigInt(pc) + BigInt(off)).toString(16);
/** Sign-extends the low `bits` of x. */
export const sext = (x: number, bits: number) => (bits >= 32 ? x | 0 : (x << (32 - bits)) >> (32 - bits));
/** Splits a 64-bit immediate into operands `<name>_lo` / `<name>_hi`. */
export function split64(name: string, v: bigint): Record<string, number> {
  const u = BigInt.asUintN(64, v);
  return { [`${name}_lo`]: Number(u & 0xffffffffn) | 0, [`${name}_hi`]: Number(u >> 32n) | 0 };
}

/** DecodeBitMasks from the Arm ARM (logical immediates and bitfield moves): [wmask, tmask] or
 *  null when the encoding is reserved. */
export function decodeBitMasks(n: number, imms: number, immr: number, immediate: boolean, datasize: number): [bigint, bigint] | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null;
  const esize = 1 << len;
  if (esize > datasize) return null;
  const s = imms & levels, r = immr & levels, d = (s - r) & levels;
  const ones = (k: number) => (1n << BigInt(k)) - 1n;
  const emask = ones(esize);
  const welem = ones(s + 1);
  const telem = ones(d + 1);
  const rorE = (x: bigint, sh: number) => (sh === 0 ? x : ((x >> BigInt(sh)) | (x << BigInt(esize - sh))) & emask);
  const rep = (x: bigint) => { let out = 0n; for (let i = 0; i < datasize; i += esize) out |= x << BigInt(i); return out; };
  return [rep(rorE(welem, r)), rep(telem)];
}
