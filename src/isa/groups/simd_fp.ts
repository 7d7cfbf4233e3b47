// Scalar floating point: data processing with 1, 2 and 3 sources, compares (FCMP/FCMPE/FCCMP/
// FCCMPE), FCSEL, FMOV (immediate, register, general), and conversions to and from integers and
// fixed point. Arithmetic runs in helpers (simd_fp_helpers.ts → src/fp); NZCV and the general
// registers go through IR (the helper returns the 4-bit NZCV, or the integer result).
import type { InsnDef, Decoded } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rz, wz } from '../../cpu/state.js';
import { CONDS, xz } from '../fmt.js';
import { FPCR_FZ } from '../../fp/fpcr.js';
import { sreg, vGet32, vGet64, vSetScalar } from './simd_common.js';
import { fpArith, fpFastFpcr, fpFastMode, fpFma, fpIxcSet, fpMinMaxIR, fpNormal, fpResultOk, setScalarF, type FastOp } from './simd_fpir.js';

/** ftype → log2 bytes: 00 single, 01 double, 11 half, 10 unallocated (-1). */
export const ftypeLg = (t: number) => [2, 3, -1, 1][t];

/** ConditionHolds(cond) on NZCV, in IR. */
export function condHolds(b: Builder, cond: number): Val {
  let r: Val;
  switch (cond >> 1) {
    case 0: r = b.flag('z'); break;
    case 1: r = b.flag('c'); break;
    case 2: r = b.flag('n'); break;
    case 3: r = b.flag('v'); break;
    case 4: r = b.and(b.flag('c'), b.xor(b.flag('z'), b.bool(1))); break;
    case 5: r = b.cmp('eq', b.flag('n'), b.flag('v')); break;
    case 6: r = b.and(b.cmp('eq', b.flag('n'), b.flag('v')), b.xor(b.flag('z'), b.bool(1))); break;
    default: return b.bool(1);
  }
  return (cond & 1) ? b.xor(r, b.bool(1)) : r;
}
/** Sets NZCV from a 4-bit value (N=8, Z=4, C=2, V=1) computed by a helper. */
export function setNZCVBits(b: Builder, r: Val): void {
  const bit = (k: number) => b.cmp('ne', b.and(r, b.c32(k)), b.c32(0));
  b.setNZCV(bit(8), bit(4), bit(2), bit(1));
}
/** objdump's comment after conditions that have SVE aliases. */
const COND_ALIAS: Record<string, string> = {
  eq: 'none', ne: 'any', cs: 'hs, nlast', cc: 'lo, ul, last', mi: 'first', pl: 'nfrst', hi: 'pmore', ls: 'plast', ge: 'tcont', lt: 'tstop',
};
export const condComment = (c: number) => (COND_ALIAS[CONDS[c]] ? `\t// ${CONDS[c]} = ${COND_ALIAS[CONDS[c]]}` : '');

/** VFPExpandImm: the bits of an 8-bit FP immediate in a format of 2^lg bytes. */
export function vfpExpandImm(imm8: number, lg: number): bigint {
  const E = lg === 1 ? 5 : lg === 2 ? 8 : 11, F = (8 << lg) - E - 1;
  const b6 = (imm8 >> 6) & 1;
  const exp = (BigInt(b6 ^ 1) << BigInt(E - 1)) | ((b6 ? (1n << BigInt(E - 3)) - 1n : 0n) << 2n) | BigInt((imm8 >> 4) & 3);
  return (BigInt(imm8 >> 7) << BigInt((8 << lg) - 1)) | (exp << BigInt(F)) | (BigInt(imm8 & 15) << BigInt(F - 4));
}
/** The value of an FP immediate as objdump prints it (%.18e). */
export function fpImmText(imm8: number): string {
  const bits = vfpExpandImm(imm8, 3);
  const v = new Float64Array(new BigUint64Array([bits]).buffer)[0];
  return v.toExponential(18).replace(/e([+-])(\d)$/, 'e$10$2');
}

const ONE_SRC = ['fmov', 'fabs', 'fneg', 'fsqrt', 'fcvt', 'fcvt', '', 'fcvt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', '', 'frintx', 'frinti'];
const TWO_SRC = ['fmul', 'fdiv', 'fadd', 'fsub', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul'];
const CVT_LG = [2, 3, -1, 1]; // FCVT target from opc<1:0>

function oneSrcDecode(ftype: number, opcode: number): { lg: number; to: number } | null {
  const lg = ftypeLg(ftype);
  if (lg < 0 || opcode > 15 || !ONE_SRC[opcode]) return null;
  if (opcode >= 4 && opcode <= 7) {
    const to = CVT_LG[opcode & 3];
    return to === lg ? null : { lg, to };
  }
  return lg === 1 ? null : { lg, to: lg };
}

/** FP ↔ integer conversion kinds of FP_int, from rmode:opcode. */
interface IntConv { kind: 'toint' | 'fromint' | 'fmov'; rm: number; unsigned: number }
function intConv(sf: number, ftype: number, rmode: number, opcode: number): IntConv | null {
  if (opcode >= 6) {
    if (rmode === 0 && ((ftype === 0 && !sf) || (ftype === 1 && sf))) return { kind: 'fmov', rm: 0, unsigned: 0 };
    if (rmode === 1 && ftype === 2 && sf) return { kind: 'fmov', rm: 1, unsigned: 0 };
    return null;
  }
  if (ftype >= 2) return null;
  if (opcode <= 1) return { kind: 'toint', rm: [0, 1, 2, 3][rmode], unsigned: opcode };
  if (rmode !== 0) return null;
  if (opcode <= 3) return { kind: 'fromint', rm: 0, unsigned: opcode & 1 };
  return { kind: 'toint', rm: 4, unsigned: opcode & 1 }; // FCVTA*: ties away
}
const TOINT = ['fcvtns', 'fcvtps', 'fcvtms', 'fcvtzs', 'fcvtas'];

/** Integer operand of SCVTF/UCVTF as an i64 (W registers sign- or zero-extended). */
const intOperand = (b: Builder, n: Val, sf: number, unsigned: number) =>
  (sf ? b.x(n) : unsigned ? b.zext(b.w(n)) : b.sext(b.w(n)));

/** FMOV, FABS, FNEG (register; op 0, 1, 2): bit moves on the register's words, as IR (no FP
 *  exception, FPCR plays no part). The rest of the register is zeroed. */
function moveAbsNegIR(b: Builder, op: number, lg: number, d: Val, n: Val): void {
  const bits = 8 << lg, zero = b.c32(0);
  const w: Val[] = lg === 3 ? [b.vWord(n, 0), b.vWord(n, 1)] : [lg === 2 ? b.vWord(n, 0) : b.and(b.vWord(n, 0), b.c32(0xffff))];
  const top = w.length - 1, sign = 1 << ((bits - 1) & 31);
  if (op === 1) w[top] = b.and(w[top], b.c32(~sign));
  if (op === 2) w[top] = b.xor(w[top], b.c32(sign));
  for (let i = 0; i < 4; i++) b.setVWord(d, i, i < w.length ? w[i] : zero);
}

const FAST_2SRC: Record<number, FastOp> = { 0: 'fmul', 1: 'fdiv', 2: 'fadd', 3: 'fsub', 8: 'fmul' };

/** FMUL/FDIV/FADD/FSUB/FNMUL and FSQRT (single, double): the IR fast path, else the helper. */
function arithIR(b: Builder, op: FastOp, neg: boolean, lg: 2 | 3, d: Val, n: Val, m: Val | undefined, slowFn: string, slowArgs: Val[]): void {
  const x = b.vLaneF(n, 0, lg), y = m ? b.vLaneF(m, 0, lg) : x;
  let r = fpArith(b, op, lg, x, y);
  const ok = b.and(fpFastMode(b), fpResultOk(b, op, lg, r, x, y));
  if (neg) r = b.fun('fneg', r);   // FNMUL: FPNeg(FPMul(n, m)); r is no NaN here
  b.orSlow(ok, slowFn, ...slowArgs);
  setScalarF(b, d, lg, r);
}

/** FCVT single → double (exact for every non-NaN value, no flag, unless FZ flushes a denormal)
 *  and double → single (fround: round to nearest; guarded like the arithmetic, zero only from a
 *  zero operand). Else the fp_1src helper with `args`. */
function fcvtIR(b: Builder, widen: boolean, d: Val, n: Val, args: Val[]): void {
  const x = b.vLaneF(n, 0, widen ? 2 : 3);
  let r: Val, ok: Val;
  if (widen) {
    r = x;
    ok = b.and(b.fpState(FPCR_FZ), b.fcmp('feq', x, x));
  } else {
    r = b.fun('fround', x);
    ok = b.and(fpFastMode(b), b.or(fpNormal(b, r, 2, false), b.fcmp('feq', x, b.fconst(0))));
  }
  b.orSlow(ok, 'fp_1src', ...args);
  setScalarF(b, d, widen ? 3 : 2, r);
}

export const simdFp: InsnDef[] = [
  {
    name: 'FP_1src',
    pattern: '000 11110 ftype:2 1 opcode:6 10000 Rn:5 Rd:5',
    decode(f) {
      const k = oneSrcDecode(f.ftype, f.opcode);
      return k && { s: { op: f.opcode, lg: k.lg, to: k.to }, o: { d: f.Rd, n: f.Rn } };
    },
    sem(b, o, s) {
      if (s.op <= 2) return moveAbsNegIR(b, s.op, s.lg, o.d, o.n);
      const args = [b.c32(s.op), b.c32(s.lg), b.c32(s.to), o.d, o.n];
      if (s.op === 3 && s.lg >= 2) return arithIR(b, 'fsqrt', false, s.lg as 2 | 3, o.d, o.n, undefined, 'fp_1src', args);
      if ((s.op === 5 && s.lg === 2) || (s.op === 4 && s.lg === 3)) return fcvtIR(b, s.lg === 2, o.d, o.n, args);
      b.effect('fp_1src', ...args);
    },
    disasm(f) {
      const k = oneSrcDecode(f.ftype, f.opcode)!;
      return `${ONE_SRC[f.opcode]}\t${sreg(k.to, f.Rd)}, ${sreg(k.lg, f.Rn)}`;
    },
  },
  {
    name: 'FP_cmp',
    pattern: '000 11110 ftype:2 1 Rm:5 00 1000 Rn:5 E Z 000',
    decode(f) {
      const lg = ftypeLg(f.ftype);
      if (lg < 2) return null;
      return { s: { lg, E: f.E, Z: f.Z }, o: { n: f.Rn, m: f.Z ? -1 : f.Rm } };
    },
    sem(b, o, s) { setNZCVBits(b, b.call('fp_cmp', 'i32', b.c32(s.lg), b.c32(s.E), o.n, o.m)); },
    disasm(f) {
      const lg = ftypeLg(f.ftype);
      return `fcmp${f.E ? 'e' : ''}\t${sreg(lg, f.Rn)}, ${f.Z ? '#0.0' : sreg(lg, f.Rm)}`;
    },
  },
  {
    name: 'FP_ccmp',
    pattern: '000 11110 ftype:2 1 Rm:5 cond:4 01 Rn:5 E nzcv:4',
    decode(f) {
      const lg = ftypeLg(f.ftype);
      if (lg < 2) return null;
      return { s: { lg, E: f.E, cond: f.cond }, o: { n: f.Rn, m: f.Rm, nzcv: f.nzcv } };
    },
    sem(b, o, s) {
      const c = condHolds(b, s.cond);
      setNZCVBits(b, b.call('fp_ccmp', 'i32', b.c32(s.lg), b.c32(s.E), o.n, o.m, c, o.nzcv));
    },
    disasm(f) {
      const lg = ftypeLg(f.ftype);
      return `fccmp${f.E ? 'e' : ''}\t${sreg(lg, f.Rn)}, ${sreg(lg, f.Rm)}, #0x${f.nzcv.toString(16)}, ${CONDS[f.cond]}${condComment(f.cond)}`;
    },
  },
  {
    name: 'FP_2src',
    pattern: '000 11110 ftype:2 1 Rm:5 opcode:4 10 Rn:5 Rd:5',
    decode(f) {
      const lg = ftypeLg(f.ftype);
      if (lg < 2 || f.opcode > 8) return null;
      return { s: { op: f.opcode, lg }, o: { d: f.Rd, n: f.Rn, m: f.Rm } };
    },
    sem(b, o, s) {
      const args = [b.c32(s.op), b.c32(s.lg), o.d, o.n, o.m];
      const op = FAST_2SRC[s.op];
      if (op) return arithIR(b, op, s.op === 8, s.lg as 2 | 3, o.d, o.n, o.m, 'fp_2src', args);
      if (s.op >= 4 && s.op <= 7) { // FMAX FMIN FMAXNM FMINNM
        const lg = s.lg as 2 | 3;
        const [r, ok] = fpMinMaxIR(b, (s.op & 1) === 0, b.vLaneF(o.n, 0, lg), b.vLaneF(o.m, 0, lg));
        b.orSlow(ok, 'fp_2src', ...args);
        return setScalarF(b, o.d, lg, r);
      }
      b.effect('fp_2src', ...args);
    },
    disasm(f) {
      const lg = ftypeLg(f.ftype);
      return `${TWO_SRC[f.opcode]}\t${sreg(lg, f.Rd)}, ${sreg(lg, f.Rn)}, ${sreg(lg, f.Rm)}`;
    },
  },
  {
    name: 'FP_csel',
    pattern: '000 11110 ftype:2 1 Rm:5 cond:4 11 Rn:5 Rd:5',
    decode(f) {
      const lg = ftypeLg(f.ftype);
      if (lg < 2) return null;
      return { s: { lg, cond: f.cond }, o: { d: f.Rd, n: f.Rn, m: f.Rm } };
    },
    sem(b, o, s) { // a bit move: no FP exception, FPCR plays no part
      const c = condHolds(b, s.cond), zero = b.c32(0), words = s.lg === 3 ? 2 : 1;
      for (let i = 0; i < 4; i++) b.setVWord(o.d, i, i < words ? b.select(c, b.vWord(o.n, i), b.vWord(o.m, i)) : zero);
    },
    disasm(f) {
      const lg = ftypeLg(f.ftype);
      return `fcsel\t${sreg(lg, f.Rd)}, ${sreg(lg, f.Rn)}, ${sreg(lg, f.Rm)}, ${CONDS[f.cond]}${condComment(f.cond)}`;
    },
  },
  {
    name: 'FP_imm',
    pattern: '000 11110 ftype:2 1 imm8:8 100 00000 Rd:5',
    decode(f) {
      const lg = ftypeLg(f.ftype);
      if (lg < 2) return null;
      const v = vfpExpandImm(f.imm8, lg);
      return { s: { lg }, o: { d: f.Rd, lo: Number(v & 0xffffffffn) | 0, hi: Number(v >> 32n) | 0 } };
    },
    sem(b, o, s) { vSetScalar(b, o.d, s.lg, s.lg === 3 ? b.pair(o.lo, o.hi) : o.lo); },
    disasm(f) { return `fmov\t${sreg(ftypeLg(f.ftype), f.Rd)}, #${fpImmText(f.imm8)}`; },
  },
  {
    name: 'FP_3src',
    pattern: '000 11111 ftype:2 o1 Rm:5 o0 Ra:5 Rn:5 Rd:5',
    decode(f) {
      const lg = ftypeLg(f.ftype);
      if (lg < 2) return null;
      return { s: { lg, negA: f.o1, negN: f.o0 ^ f.o1 }, o: { d: f.Rd, n: f.Rn, m: f.Rm, a: f.Ra } };
    },
    sem(b, o, s) {
      // FPMulAdd(±a, ±n, m): FPNeg on the operands (on no NaN here: a NaN result fails the guard).
      const lg = s.lg as 2 | 3;
      let a = b.vLaneF(o.a, 0, lg), x = b.vLaneF(o.n, 0, lg);
      if (s.negA) a = b.fun('fneg', a);
      if (s.negN) x = b.fun('fneg', x);
      const { r, ok: right, exact } = fpFma(b, lg, x, b.vLaneF(o.m, 0, lg), a);
      const ok = b.and(b.and(fpFastFpcr(b), b.or(fpIxcSet(b), exact)), right);
      b.orSlow(ok, 'fp_madd', b.c32(s.lg), b.c32(s.negA), b.c32(s.negN), o.d, o.n, o.m, o.a);
      setScalarF(b, o.d, lg, r);
    },
    disasm(f) {
      const lg = ftypeLg(f.ftype);
      const name = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'][(f.o1 << 1) | f.o0];
      return `${name}\t${sreg(lg, f.Rd)}, ${sreg(lg, f.Rn)}, ${sreg(lg, f.Rm)}, ${sreg(lg, f.Ra)}`;
    },
  },
  {
    // SCVTF/UCVTF/FCVTZS/FCVTZU with fraction bits.
    name: 'FP_fixed',
    pattern: 'sf 00 11110 ftype:2 0 rmode:2 opcode:3 scale:6 Rn:5 Rd:5',
    decode(f) {
      const lg = ftypeLg(f.ftype);
      if (lg < 2 || (!f.sf && f.scale < 32)) return null;
      const k = (f.rmode << 3) | f.opcode;
      const fbits = 64 - f.scale;
      if (k === 0b00010 || k === 0b00011) return { s: { lg, sf: f.sf, u: f.opcode & 1, from: 1 }, o: { d: f.Rd, n: rz(f.Rn), fbits } };
      if (k === 0b11000 || k === 0b11001) return { s: { lg, sf: f.sf, u: f.opcode & 1, from: 0 }, o: { d: wz(f.Rd), n: f.Rn, fbits } };
      return null;
    },
    sem(b, o, s) {
      if (s.from) b.effect('fp_fromint', b.c32(s.lg), b.c32(s.u), o.fbits, o.d, intOperand(b, o.n, s.sf, s.u));
      else b.setReg(o.d, b.call('fp_toint', s.sf ? 'i64' : 'i32', b.c32(s.lg), b.c32(3), b.c32(s.u), b.c32(s.sf ? 64 : 32), o.fbits, o.n));
    },
    disasm(f) {
      const lg = ftypeLg(f.ftype), fb = 64 - f.scale;
      if (f.rmode === 0) return `${f.opcode & 1 ? 'u' : 's'}cvtf\t${sreg(lg, f.Rd)}, ${xz(f.Rn, f.sf)}, #${fb}`;
      return `fcvtz${f.opcode & 1 ? 'u' : 's'}\t${xz(f.Rd, f.sf)}, ${sreg(lg, f.Rn)}, #${fb}`;
    },
  },
  {
    // FCVT[NPMZA][SU], SCVTF/UCVTF, FMOV (general).
    name: 'FP_int',
    pattern: 'sf 00 11110 ftype:2 1 rmode:2 opcode:3 000000 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const k = intConv(f.sf, f.ftype, f.rmode, f.opcode);
      if (!k) return null;
      const lg = ftypeLg(f.ftype);
      switch (k.kind) {
        case 'toint': return { s: { k: 0, lg, sf: f.sf, u: k.unsigned, rm: k.rm }, o: { d: wz(f.Rd), n: f.Rn } };
        case 'fromint': return { s: { k: 1, lg, sf: f.sf, u: k.unsigned }, o: { d: f.Rd, n: rz(f.Rn) } };
        default:
          return f.opcode & 1
            ? { s: { k: 2, sf: f.sf, top: k.rm }, o: { d: f.Rd, n: rz(f.Rn) } }
            : { s: { k: 3, sf: f.sf, top: k.rm }, o: { d: wz(f.Rd), n: f.Rn } };
      }
    },
    sem(b, o, s) {
      switch (s.k) {
        case 0:
          b.setReg(o.d, b.call('fp_toint', s.sf ? 'i64' : 'i32', b.c32(s.lg), b.c32(s.rm), b.c32(s.u), b.c32(s.sf ? 64 : 32), b.c32(0), o.n));
          break;
        case 1: b.effect('fp_fromint', b.c32(s.lg), b.c32(s.u), b.c32(0), o.d, intOperand(b, o.n, s.sf, s.u)); break;
        case 2: // general → FP
          if (s.top) b.effect('v_set_hi64', o.d, b.x(o.n));
          else vSetScalar(b, o.d, s.sf ? 3 : 2, s.sf ? b.x(o.n) : b.w(o.n));
          break;
        default: // FP → general
          b.setReg(o.d, s.sf ? vGet64(b, o.n, s.top) : vGet32(b, o.n, 0));
      }
    },
    disasm(f) {
      const k = intConv(f.sf, f.ftype, f.rmode, f.opcode)!;
      const lg = ftypeLg(f.ftype);
      if (k.kind === 'fmov') {
        const v = k.rm ? `v${f.opcode & 1 ? f.Rd : f.Rn}.d[1]` : sreg(lg, f.opcode & 1 ? f.Rd : f.Rn);
        return f.opcode & 1 ? `fmov\t${v}, ${xz(f.Rn, f.sf)}` : `fmov\t${xz(f.Rd, f.sf)}, ${v}`;
      }
      if (k.kind === 'fromint') return `${k.unsigned ? 'u' : 's'}cvtf\t${sreg(lg, f.Rd)}, ${xz(f.Rn, f.sf)}`;
      const name = TOINT[k.rm].slice(0, -1) + (k.unsigned ? 'u' : 's');
      return `${name}\t${xz(f.Rd, f.sf)}, ${sreg(lg, f.Rn)}`;
    },
  },
];
