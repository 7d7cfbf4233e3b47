// What EL2 sees of a stage-2 abort (Arm ARM D17.2.37 ESR_EL2, "ISS encoding for an exception
// from a Data Abort"; HPFAR_EL2): EC 0x24 / 0x20 (from a lower EL), and for data aborts the
// instruction syndrome — ISV 24, SAS 23:22, SSE 21, SRT 20:16, SF 15, AR 14 — which is valid
// (ISV = 1) only for loads and stores of a single general-purpose register without writeback,
// including load-acquire/store-release, but not the exclusives; then S1PTW 7, WnR 6, DFSC 5:0.
import { EC, syndrome } from '../../src/sys/esr.js';

export interface InsnSyndrome { isv: boolean; sas: number; sse: boolean; srt: number; sf: boolean; ar: boolean }

const NONE: InsnSyndrome = { isv: false, sas: 0, sse: false, srt: 0, sf: false, ar: false };

/** The instruction syndrome of a load/store instruction word. */
export function insnSyndrome(insn: number): InsnSyndrome {
  const size = insn >>> 30, rt = insn & 31;
  // Load/store register (unsigned immediate; unscaled, unprivileged and register offset: bits 25:24 = 00,
  // with bits 11:10 = 00 unscaled, 10 unprivileged; with bit 21 set and 11:10 = 10 register offset).
  // Bits 29:27 = 111, bit 26 = V (0: general-purpose register).
  if ((insn & 0x3f000000) === 0x39000000 || ((insn & 0x3f000000) === 0x38000000 && isNoWriteback(insn))) {
    const opc = (insn >>> 22) & 3;
    if (opc === 0) return { isv: true, sas: size, sse: false, srt: rt, sf: size === 3, ar: false };
    if (opc === 1) return { isv: true, sas: size, sse: false, srt: rt, sf: size === 3, ar: false };
    if (size === 3) return NONE; // PRFM / unallocated: not a register load
    if (size === 2 && opc === 3) return NONE;
    return { isv: true, sas: size, sse: true, srt: rt, sf: opc === 2, ar: false };
  }
  // Load-acquire / store-release (LDAR, STLR, LDARB…): bits 29:24 = 001000, o2 (23) = 1, o1 (21) = 0, o0 (15) = 1.
  if ((insn & 0x3fa08000) === 0x08808000) {
    return { isv: true, sas: size, sse: false, srt: rt, sf: size === 3, ar: true };
  }
  return NONE;
}

function isNoWriteback(insn: number): boolean {
  const b21 = (insn >>> 21) & 1, op = (insn >>> 10) & 3;
  if (b21 === 0) return op === 0 || op === 2; // LDUR/STUR, LDTR/STTR
  return op === 2; // register offset
}

/** ISS of a stage-2 data abort. */
export function dataAbortIssEl2(fsc: number, write: boolean, s1ptw: boolean, insn: number | undefined): number {
  const s = insn === undefined || s1ptw ? NONE : insnSyndrome(insn);
  let iss = (fsc & 0x3f) | (s1ptw ? 1 << 7 : 0) | (write && !s1ptw ? 1 << 6 : 0);
  if (s.isv) iss |= (1 << 24) | (s.sas << 22) | (s.sse ? 1 << 21 : 0) | (s.srt << 16) | (s.sf ? 1 << 15 : 0) | (s.ar ? 1 << 14 : 0);
  return iss;
}

/** ESR_EL2 of a stage-2 abort from EL1/EL0 (a lower exception level). */
export function stage2Esr(fetch: boolean, fsc: number, write: boolean, s1ptw: boolean, insn: number | undefined): number {
  if (fetch) return syndrome(EC.IABT_LOWER, (fsc & 0x3f) | (s1ptw ? 1 << 7 : 0));
  return syndrome(EC.DABT_LOWER, dataAbortIssEl2(fsc, write, s1ptw, insn));
}

/** HPFAR_EL2: FIPA (IPA[47:12]) in bits 43:4. */
export const hpfar = (ipa: number): bigint => (BigInt(Math.floor(ipa / 4096)) << 4n);
