// Shared pieces of the load/store entries: access kinds, the one load-or-store emitter every
// addressing mode uses, and objdump-style operand text.
import type { Builder, MemAttrs, Val } from '../../ir/ir.js';
import { rz, wz } from '../../cpu/state.js';
import { xz } from '../fmt.js';

/** What a single-register access does with Rt (a shape value): store, load zero-extended,
 *  load sign-extended into X, into W, or prefetch. */
export const Kind = { Store: 0, Load: 1, LoadS64: 2, LoadS32: 3, Prefetch: 4 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Kind of a single-register load/store from size and opc, or null where it is unallocated.
 *  `prfm` says whether size=3/opc=2 is a prefetch in this addressing mode. */
export function singleKind(size: number, opc: number, prfm: boolean): Kind | null {
  if (opc === 0) return Kind.Store;
  if (opc === 1) return Kind.Load;
  if (size === 3) return opc === 2 && prfm ? Kind.Prefetch : null;
  if (size === 2) return opc === 2 ? Kind.LoadS64 : null;
  return opc === 2 ? Kind.LoadS64 : Kind.LoadS32;
}

/** Register operand for Rt: loads write (31 = sink), stores read (31 = zero). */
export const rtSlot = (k: Kind, r: number) => (k === Kind.Store ? rz(r) : wz(r));

/** Whether Rt is an X register in the text. */
export const rtIsX = (k: Kind, size: number) => size === 3 || k === Kind.LoadS64;

/** Does the access of one register; for loads returns the (extended) value to write to Rt. */
export function access(b: Builder, k: Kind, size: number, addr: Val, t: Val, attrs?: MemAttrs): Val | undefined {
  const bytes = (1 << size) as 1 | 2 | 4 | 8;
  if (k === Kind.Store) {
    b.store(addr, size === 3 ? b.x(t) : b.w(t), bytes, attrs);
    return undefined;
  }
  const v = b.load(addr, bytes, attrs);
  if (k === Kind.Load) return v;
  const e = size < 2 ? b.sextBits(v, 8 << size) : v;
  return k === Kind.LoadS64 ? b.sext(e) : e;
}

/** Mnemonic of a single-register access; `form` is 'r' (ldr), 'ur' (ldur) or 'tr' (ldtr). */
export function mnemonic(k: Kind, size: number, form: string): string {
  if (k === Kind.Prefetch) return form === 'ur' ? 'prfum' : 'prfm';
  const sfx = size === 0 ? 'b' : size === 1 ? 'h' : size === 2 && k === Kind.LoadS64 ? 'w' : '';
  return `${k === Kind.Store ? 'st' : 'ld'}${form}${k >= Kind.LoadS64 ? 's' : ''}${sfx}`;
}

const PRF_TYPE = ['pld', 'pli', 'pst'];
const PRF_POLICY = ['keep', 'strm'];
/** Prefetch operation name (objdump prints unallocated ones as a number). */
export function prfop(v: number): string {
  const type = v >> 3, level = (v >> 1) & 3;
  if (type === 3 || level === 3) return `#0x${v.toString(16).padStart(2, '0')}`;
  return `${PRF_TYPE[type]}l${level + 1}${PRF_POLICY[v & 1]}`;
}

/** First operand of a single-register access: the register, or the prefetch operation. */
export const rtText = (k: Kind, size: number, rt: number) => (k === Kind.Prefetch ? prfop(rt) : xz(rt, rtIsX(k, size) ? 1 : 0));

/** `#imm` suffix inside brackets, omitted when zero. */
export const offText = (off: number) => (off ? `, #${off}` : '');
