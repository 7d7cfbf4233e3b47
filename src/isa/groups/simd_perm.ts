// Advanced SIMD copies and permutes: DUP (element, general), INS (element, general), UMOV/SMOV,
// scalar DUP, ZIP/UZP/TRN, EXT, TBL/TBX, and the modified-immediate group (MOVI, MVNI, ORR, BIC,
// FMOV vector immediate). All of them except TBL/TBX are IR on the registers' words (element
// indices are part of the shape), so both engines run them inline.
import type { InsnDef, Decoded } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rz, wz } from '../../cpu/state.js';
import { xz, hex } from '../fmt.js';
import { ARR, EL, SC, arr, vreg, vlist, vElem, vSetElem, vSetWords, dupWords, packElems, vSetScalar } from './simd_common.js';
import { fpImmText } from './simd_fp.js';

/** Element size (log2 bytes) and index from a copy imm5, or null (imm5 = x0000). */
export function imm5Elem(imm5: number): [number, number] | null {
  for (let s = 0; s < 4; s++) if (imm5 & (1 << s)) return [s, imm5 >> (s + 1)];
  return null;
}

const PERM = ['', 'uzp1', 'trn1', 'zip1', '', 'uzp2', 'trn2', 'zip2'];

/** UZP1/2, TRN1/2, ZIP1/2 (op = the opcode field; part = op >> 2) on elements, as IR. */
function permIR(b: Builder, op: number, esz: number, q: number, d: Val, n: Val, m: Val): void {
  const count = (q ? 16 : 8) >> esz, pairs = count >> 1, part = op >> 2;
  const src = (k: number) => (k < count ? vElem(b, n, esz, k) : vElem(b, m, esz, k - count));
  const out: Val[] = [];
  switch (op & 3) {
    case 1: for (let e = 0; e < count; e++) out.push(src(2 * e + part)); break;                     // UZP
    case 2: for (let p = 0; p < pairs; p++) out.push(src(2 * p + part), src(count + 2 * p + part)); break; // TRN
    default: for (let p = 0; p < pairs; p++) out.push(src(part * pairs + p), src(count + part * pairs + p)); // ZIP
  }
  vSetWords(b, d, packElems(b, esz, out));
}

/** EXT: bytes pos.. of the concatenation Vm:Vn, as funnel shifts of its words. */
function extIR(b: Builder, q: number, pos: number, d: Val, n: Val, m: Val): void {
  const words = q ? 4 : 2;
  const cat: Val[] = [];
  for (let i = 0; i < words; i++) cat.push(b.vWord(n, i));
  for (let i = 0; i < words; i++) cat.push(b.vWord(m, i));
  const out: Val[] = [];
  for (let w = 0; w < words; w++) {
    const p = pos + 4 * w, j = p >> 2, sh = (p & 3) * 8;
    out.push(sh ? b.or(b.lsr(cat[j], b.c32(sh)), b.shl(cat[j + 1], b.c32(32 - sh))) : cat[j]);
  }
  vSetWords(b, d, out);
}

/** AdvSIMDExpandImm → [64-bit immediate, kind]; kind: 0 set, 1 orr, 2 bic (mvni folded into set). */
export function modImm(op: number, cmode: number, imm8: number, q: number): [bigint, number] | null {
  const i = BigInt(imm8);
  const rep = (v: bigint, bits: number) => { let r = 0n; for (let k = 0; k < 64; k += bits) r |= v << BigInt(k); return r; };
  let v: bigint;
  switch (cmode >> 1) {
    case 0: case 1: case 2: case 3: v = rep(i << BigInt(8 * (cmode >> 1)), 32); break;
    case 4: case 5: v = rep(i << BigInt(8 * ((cmode >> 1) & 1)), 16); break;
    case 6: v = rep(cmode & 1 ? (i << 16n) | 0xffffn : (i << 8n) | 0xffn, 32); break;
    default:
      if (!(cmode & 1)) {
        if (!op) v = rep(i, 8);
        else { v = 0n; for (let k = 0; k < 8; k++) if (imm8 & (1 << k)) v |= 0xffn << BigInt(8 * k); }
      } else if (!op) {
        const b6 = (imm8 >> 6) & 1;
        const s = (BigInt(imm8 >> 7) << 31n) | (BigInt(b6 ^ 1) << 30n) | (BigInt(b6 ? 0x1f : 0) << 25n) | (BigInt(imm8 & 0x3f) << 19n);
        v = rep(s, 32);
      } else {
        if (!q) return null;
        const b6 = (imm8 >> 6) & 1;
        v = (BigInt(imm8 >> 7) << 63n) | (BigInt(b6 ^ 1) << 62n) | (BigInt(b6 ? 0xff : 0) << 54n) | (BigInt(imm8 & 0x3f) << 48n);
      }
      return [v, 0];
  }
  const shifted = cmode < 12 && (cmode & 1); // ORR/BIC forms
  if (shifted) return [v, op ? 2 : 1];
  return [op ? BigInt.asUintN(64, ~v) : v, 0];
}

function modImmText(f: Record<string, number>): string {
  const imm8 = (f.abc << 5) | f.defgh, { op, cmode, Q } = f;
  const rd = f.Rd;
  if (cmode === 15) return `fmov\t${vreg(rd, op ? '2d' : arr(2, Q))}, #${fpImmText(imm8)}`;
  if (cmode === 14) {
    if (!op) return `movi\t${vreg(rd, arr(0, Q))}, #${hex(imm8)}`;
    const v = modImm(op, cmode, imm8, Q)![0];
    return Q ? `movi\t${vreg(rd, '2d')}, #${hex(v)}` : `movi\td${rd}, #${hex(v)}`;
  }
  if (cmode >= 12) return `${op ? 'mvni' : 'movi'}\t${vreg(rd, arr(2, Q))}, #${hex(imm8)}, msl #${cmode & 1 ? 16 : 8}`;
  const h = cmode >= 8, amount = h ? 8 * ((cmode >> 1) & 1) : 8 * (cmode >> 1);
  const name = cmode & 1 ? (op ? 'bic' : 'orr') : op ? 'mvni' : 'movi';
  return `${name}\t${vreg(rd, arr(h ? 1 : 2, Q))}, #${hex(imm8)}${amount ? `, lsl #${amount}` : ''}`;
}

export const simdPerm: InsnDef[] = [
  {
    // imm4: 0000 DUP (element), 0001 DUP (general), 0011 INS (general), 0101 SMOV, 0111 UMOV;
    // op = 1: INS (element)
    name: 'SIMD_copy',
    pattern: '0 Q op 01110000 imm5:5 0 imm4:4 1 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const e = imm5Elem(f.imm5);
      if (!e) return null;
      const [esz, idx] = e;
      if (f.op) {
        if (!f.Q) return null;
        return { s: { k: 5, esz, i1: idx, i2: f.imm4 >> esz }, o: { d: f.Rd, n: f.Rn } };
      }
      switch (f.imm4) {
        case 0: if (esz === 3 && !f.Q) return null; return { s: { k: 0, esz, q: f.Q, i1: idx }, o: { d: f.Rd, n: f.Rn } };
        case 1: if (esz === 3 && !f.Q) return null; return { s: { k: 1, esz, q: f.Q }, o: { d: f.Rd, n: rz(f.Rn) } };
        case 3: if (!f.Q) return null; return { s: { k: 2, esz, i1: idx }, o: { d: f.Rd, n: rz(f.Rn) } };
        case 5: if (esz >= 2 + f.Q) return null; return { s: { k: 3, esz, q: f.Q, i1: idx }, o: { d: wz(f.Rd), n: f.Rn } };
        case 7: if (f.Q ? esz !== 3 : esz === 3) return null; return { s: { k: 4, esz, q: f.Q, i1: idx }, o: { d: wz(f.Rd), n: f.Rn } };
      }
      return null;
    },
    sem(b, o, s) {
      const gen = () => (s.esz === 3 ? b.x(o.n) : b.w(o.n));
      switch (s.k) {
        case 0: case 1: { // DUP (element), DUP (general)
          const w = dupWords(b, s.esz, s.k === 0 ? vElem(b, o.n, s.esz, s.i1) : gen());
          return vSetWords(b, o.d, s.q ? w : w.slice(0, 2));
        }
        case 2: return vSetElem(b, o.d, s.esz, s.i1, gen());          // INS (general)
        case 3: { // SMOV
          const v = vElem(b, o.n, s.esz, s.i1, true);
          return b.setReg(o.d, s.q ? b.sext(v) : v);
        }
        case 4: return b.setReg(o.d, vElem(b, o.n, s.esz, s.i1));     // UMOV
        default: return vSetElem(b, o.d, s.esz, s.i1, vElem(b, o.n, s.esz, s.i2)); // INS (element)
      }
    },
    disasm(f) {
      const [esz, idx] = imm5Elem(f.imm5)!;
      const el = (r: number, i: number) => `v${r}.${EL[esz]}[${i}]`;
      if (f.op) return `mov\t${el(f.Rd, idx)}, ${el(f.Rn, f.imm4 >> esz)}`;
      switch (f.imm4) {
        case 0: return `dup\t${vreg(f.Rd, arr(esz, f.Q))}, ${el(f.Rn, idx)}`;
        case 1: return `dup\t${vreg(f.Rd, arr(esz, f.Q))}, ${xz(f.Rn, esz === 3 ? 1 : 0)}`;
        case 3: return `mov\t${el(f.Rd, idx)}, ${xz(f.Rn, esz === 3 ? 1 : 0)}`;
        case 5: return `smov\t${xz(f.Rd, f.Q)}, ${el(f.Rn, idx)}`;
        default: return `${esz >= 2 ? 'mov' : 'umov'}\t${xz(f.Rd, f.Q)}, ${el(f.Rn, idx)}`;
      }
    },
  },
  {
    name: 'SIMD_dup_scalar',
    pattern: '01 0 11110000 imm5:5 0 0000 1 Rn:5 Rd:5',
    decode(f) {
      const e = imm5Elem(f.imm5);
      return e && { s: { esz: e[0], i1: e[1] }, o: { d: f.Rd, n: f.Rn } };
    },
    sem(b, o, s) { vSetScalar(b, o.d, s.esz, vElem(b, o.n, s.esz, s.i1)); },
    disasm(f) {
      const [esz, idx] = imm5Elem(f.imm5)!;
      return `mov\t${SC[esz]}${f.Rd}, v${f.Rn}.${EL[esz]}[${idx}]`;
    },
  },
  {
    name: 'SIMD_perm',
    pattern: '0 Q 0 01110 size:2 0 Rm:5 0 opcode:3 10 Rn:5 Rd:5',
    decode(f) {
      if (!PERM[f.opcode] || (f.size === 3 && !f.Q)) return null;
      return { s: { op: f.opcode, esz: f.size, q: f.Q }, o: { d: f.Rd, n: f.Rn, m: f.Rm } };
    },
    sem(b, o, s) { permIR(b, s.op, s.esz, s.q, o.d, o.n, o.m); },
    disasm(f) {
      const a = arr(f.size, f.Q);
      return `${PERM[f.opcode]}\t${vreg(f.Rd, a)}, ${vreg(f.Rn, a)}, ${vreg(f.Rm, a)}`;
    },
  },
  {
    name: 'SIMD_ext',
    pattern: '0 Q 101110 00 0 Rm:5 0 imm4:4 0 Rn:5 Rd:5',
    decode(f) {
      if (!f.Q && f.imm4 >= 8) return null;
      return { s: { q: f.Q, pos: f.imm4 }, o: { d: f.Rd, n: f.Rn, m: f.Rm } };
    },
    sem(b, o, s) { extIR(b, s.q, s.pos, o.d, o.n, o.m); },
    disasm(f) {
      const a = arr(0, f.Q);
      return `ext\t${vreg(f.Rd, a)}, ${vreg(f.Rn, a)}, ${vreg(f.Rm, a)}, #${f.imm4}`;
    },
  },
  {
    name: 'SIMD_tbl',
    pattern: '0 Q 001110 00 0 Rm:5 0 len:2 op 00 Rn:5 Rd:5',
    decode: (f) => ({ s: { q: f.Q, tbx: f.op, regs: f.len + 1 }, o: { d: f.Rd, n: f.Rn, m: f.Rm } }),
    sem(b, o, s) { b.effect('v_tbl', b.c32(s.q), b.c32(s.tbx), b.c32(s.regs), o.d, o.n, o.m); },
    disasm(f) {
      const a = arr(0, f.Q);
      return `${f.op ? 'tbx' : 'tbl'}\t${vreg(f.Rd, a)}, ${vlist(f.Rn, f.len + 1, '16b')}, ${vreg(f.Rm, a)}`;
    },
  },
  {
    name: 'SIMD_modimm',
    pattern: '0 Q op 0111100000 abc:3 cmode:4 0 1 defgh:5 Rd:5',
    decode(f) {
      const r = modImm(f.op, f.cmode, (f.abc << 5) | f.defgh, f.Q);
      if (!r) return null;
      const [v, kind] = r;
      return { s: { kind, q: f.Q }, o: { d: f.Rd, lo: Number(v & 0xffffffffn) | 0, hi: Number(v >> 32n) | 0 } };
    },
    sem(b, o, s) { // MOVI/MVNI/FMOV (kind 0), ORR (1), BIC (2): the immediate in both halves
      const words: Val[] = [];
      for (let w = 0; w < (s.q ? 4 : 2); w++) {
        const v = w & 1 ? o.hi : o.lo;
        words.push(s.kind === 0 ? v : s.kind === 1 ? b.or(b.vWord(o.d, w), v) : b.and(b.vWord(o.d, w), b.not(v)));
      }
      vSetWords(b, o.d, words);
    },
    disasm: (f) => modImmText(f),
  },
];
void ARR;
