// MRS/MSR of the system registers a Cortex-A72 has at EL1 and EL0 (Arm ARM D17; A72 TRM for the
// IMPLEMENTATION DEFINED ones): who may access what, and where each value lives. Unknown
// encodings, EL2/EL3 registers and registers EL0 may never access are UNDEFINED (EC 0x00);
// EL0 accesses that a control bit forbids (SCTLR_EL1.UCT/UMA, CNTKCTL_EL1, PMUSERENR_EL0) trap
// with EC 0x18.
import { UndefinedInstruction } from '../cpu/state.js';
import { sysregEnc as E } from '../isa/groups/system.js';
import { DAIF_A, DAIF_I, DAIF_F, DAIF_MASK } from './pstate.js';
import { CCSIDR, ID_VALUES, PMCR_RO, SCTLR_MASK, SCTLR_RES1 } from './idregs.js';
import type { SysEnv } from './env.js';

const U = () => new UndefinedInstruction();
const M64 = (1n << 64n) - 1n;

export const R = {
  SCTLR: E(3, 0, 1, 0, 0), ACTLR: E(3, 0, 1, 0, 1), CPACR: E(3, 0, 1, 0, 2),
  TTBR0: E(3, 0, 2, 0, 0), TTBR1: E(3, 0, 2, 0, 1), TCR: E(3, 0, 2, 0, 2),
  SPSR: E(3, 0, 4, 0, 0), ELR: E(3, 0, 4, 0, 1), SP_EL0: E(3, 0, 4, 1, 0), SPSEL: E(3, 0, 4, 2, 0), CURRENTEL: E(3, 0, 4, 2, 2),
  AFSR0: E(3, 0, 5, 1, 0), AFSR1: E(3, 0, 5, 1, 1), ESR: E(3, 0, 5, 2, 0), FAR: E(3, 0, 6, 0, 0), PAR: E(3, 0, 7, 4, 0),
  MAIR: E(3, 0, 10, 2, 0), AMAIR: E(3, 0, 10, 3, 0), VBAR: E(3, 0, 12, 0, 0), ISR: E(3, 0, 12, 1, 0),
  CONTEXTIDR: E(3, 0, 13, 0, 1), TPIDR_EL1: E(3, 0, 13, 0, 4), CNTKCTL: E(3, 0, 14, 1, 0),
  CCSIDR: E(3, 1, 0, 0, 0), CSSELR: E(3, 2, 0, 0, 0), CTR: E(3, 3, 0, 0, 1), DCZID: E(3, 3, 0, 0, 7),
  DAIF: E(3, 3, 4, 2, 1), TPIDRRO_EL0: E(3, 3, 13, 0, 3), MPIDR: E(3, 0, 0, 0, 5),
  PMCR: E(3, 3, 9, 12, 0), PMUSERENR: E(3, 3, 9, 14, 0),
  MDSCR: E(2, 0, 0, 2, 2), OSLAR: E(2, 0, 1, 0, 4), OSLSR: E(2, 0, 1, 1, 4), OSDLR: E(2, 0, 1, 3, 4), MDCCINT: E(2, 0, 0, 2, 0),
  L2CTLR: E(3, 1, 11, 0, 2),
} as const;

/** Registers that control translation: a write flushes the TLB and refetches. */
const TRANSLATION = new Set<number>([R.SCTLR, R.TTBR0, R.TTBR1, R.TCR, R.MAIR]);

const fields = (enc: number) => ({ op0: enc >>> 14, op1: (enc >>> 11) & 7, crn: (enc >>> 7) & 15, crm: (enc >>> 3) & 15, op2: enc & 7 });

/** PMU registers: EL0 space (CRn 9 CRm 12–14, CRn 14 CRm 8–15) and PMINTENSET/CLR_EL1. */
function isPmu(enc: number): boolean {
  const f = fields(enc);
  if (f.op0 !== 3) return false;
  if (f.op1 === 3) return (f.crn === 9 && f.crm >= 12 && f.crm <= 14) || (f.crn === 14 && f.crm >= 8);
  return f.op1 === 0 && f.crn === 9 && f.crm === 14 && (f.op2 === 1 || f.op2 === 2);
}

/** Debug registers Linux touches at boot, RAZ/WI at EL1 (op0 = 2, op1 = 0: breakpoint and
 *  watchpoint registers, MDCCINT, MDSCR, the OS lock, DBGPRCR, claim tags, auth status). */
function isDebug(enc: number): boolean {
  const f = fields(enc);
  return f.op0 === 2 && f.op1 === 0 && (f.crn === 0 || f.crn === 1 || f.crn === 7);
}

/** The A72's IMPLEMENTATION DEFINED registers (L2CTLR/L2ECTLR, CPUACTLR/CPUECTLR, the memory
 *  error syndromes, L2ACTLR): EL1 only. */
function isImpDef(enc: number): boolean {
  const f = fields(enc);
  return f.op0 === 3 && f.op1 === 1 && (f.crn === 11 || f.crn === 15);
}

/** Whether EL0 may access timer register `enc` (CNTKCTL_EL1); else the access traps. */
function timerEl0(env: SysEnv, enc: number, write: boolean): boolean {
  return env.host.timer.el0Allowed(env.index, enc, write);
}

export function readSysreg(env: SysEnv, enc: number, pc: number): bigint {
  const el0 = env.el === 0;
  const timer = env.host.timer;
  if (timer.handles(enc)) {
    if (fields(enc).op1 !== 3 && fields(enc).op1 !== 0) throw U();         // EL2 registers
    if (el0) { if (enc === R.CNTKCTL) throw U(); if (!timerEl0(env, enc, false)) throw env.trapSysreg(enc, pc, true); }
    return timer.read(env.index, enc) ?? 0n;
  }
  if (isPmu(enc)) {
    if (el0) {
      if (fields(enc).op1 === 0) throw U();
      if (enc !== R.PMUSERENR && !(env.pmuserenr & 1)) throw env.trapSysreg(enc, pc, true);
    }
    if (enc === R.PMCR) return PMCR_RO | BigInt(env.pmcr);
    if (enc === R.PMUSERENR) return BigInt(env.pmuserenr);
    return 0n;
  }
  switch (enc) {
    case R.DAIF:
      if (el0 && !(env.sctlr & (1n << 9n))) throw env.trapSysreg(enc, pc, true);
      return BigInt(env.daif);
    case R.CTR:
      if (el0 && !(env.sctlr & (1n << 15n))) throw env.trapSysreg(enc, pc, true);
      return ID_VALUES.get(enc)!;
    case R.DCZID: // DZP (bit 4): DC ZVA prohibited at EL0 while SCTLR_EL1.DZE = 0
      return ID_VALUES.get(enc)! | (el0 && !(env.sctlr & (1n << 14n)) ? 16n : 0n);
    case R.TPIDRRO_EL0: return env.cpu.tpidrro_el0;
  }
  if (el0) throw U();
  const f = fields(enc);
  if (f.op0 === 3 && f.op1 === 0 && f.crn === 0) {
    if (enc === R.MPIDR) return 0x80000000n | BigInt(env.index); // Aff0 = CPU number, U = 0, MT = 0
    return ID_VALUES.get(enc) ?? 0n; // the rest of the ID space (AArch32 IDs, reserved) reads as zero
  }
  if (ID_VALUES.has(enc)) return ID_VALUES.get(enc)!;
  if (isDebug(enc)) {
    if (enc === R.OSLAR) throw U(); // write-only
    if (enc === R.OSLSR) return BigInt(0b1000 | (env.oslk << 1));   // OSLM = 0b10: OS lock implemented
    if (enc === R.MDSCR) return BigInt(env.mdscr);
    if (enc === R.OSDLR) return BigInt(env.osdlr);
    if (enc === R.MDCCINT) return BigInt(env.mdccint);
    return 0n;
  }
  if (isImpDef(enc)) return enc === R.L2CTLR ? BigInt((env.host.cpus - 1) << 24) : 0n;
  switch (enc) {
    case R.SCTLR: return env.sctlr;
    case R.ACTLR: return env.actlr;
    case R.CPACR: return BigInt(env.cpacr);
    case R.TTBR0: return env.ttbr0;
    case R.TTBR1: return env.ttbr1;
    case R.TCR: return env.tcr;
    case R.SPSR: return BigInt(env.spsr);
    case R.ELR: return env.elr;
    case R.SP_EL0: if (env.spsel === 0) throw U(); return env.spEl0;
    case R.SPSEL: return BigInt(env.spsel);
    case R.CURRENTEL: return BigInt(env.el << 2);
    case R.AFSR0: return BigInt(env.afsr0);
    case R.AFSR1: return BigInt(env.afsr1);
    case R.ESR: return BigInt(env.esr);
    case R.FAR: return env.far;
    case R.PAR: return env.par;
    case R.MAIR: return env.mair;
    case R.AMAIR: return env.amair;
    case R.VBAR: return env.vbar;
    case R.ISR:
      return BigInt((env.serrorPending ? DAIF_A : 0) | (env.host.irqLine(env.index) ? DAIF_I : 0) | (env.host.fiqLine(env.index) ? DAIF_F : 0));
    case R.CONTEXTIDR: return BigInt(env.contextidr);
    case R.TPIDR_EL1: return env.tpidr1;
    case R.CCSIDR: return CCSIDR[env.csselr] ?? 0n;
    case R.CSSELR: return BigInt(env.csselr);
  }
  throw U();
}

/** What the caller must do after a write. */
export const enum After { Nothing = 0, Unmasked = 1, Refetch = 2 }

export function writeSysreg(env: SysEnv, enc: number, v: bigint, pc: number): After {
  const el0 = env.el === 0;
  v &= M64;
  const timer = env.host.timer;
  if (timer.handles(enc)) {
    const op1 = fields(enc).op1;
    if (op1 !== 3 && op1 !== 0) throw U();
    if (el0) { if (enc === R.CNTKCTL) throw U(); if (!timerEl0(env, enc, true)) throw env.trapSysreg(enc, pc, false); }
    if (!timer.write(env.index, enc, v)) throw U(); // CNTPCT/CNTVCT are read-only
    return After.Nothing;
  }
  if (isPmu(enc)) {
    if (el0) {
      if (fields(enc).op1 === 0 || enc === R.PMUSERENR) throw U();
      if (!(env.pmuserenr & 1)) throw env.trapSysreg(enc, pc, false);
    }
    if (enc === R.PMCR) env.pmcr = Number(v & 0x79n);
    else if (enc === R.PMUSERENR) env.pmuserenr = Number(v & 0xfn);
    return After.Nothing;
  }
  if (enc === R.DAIF) {
    if (el0 && !(env.sctlr & (1n << 9n))) throw env.trapSysreg(enc, pc, false);
    env.daif = Number(v) & DAIF_MASK;
    return After.Unmasked;
  }
  if (el0) throw U();
  if (isDebug(enc)) {
    if (enc === R.OSLSR) throw U(); // read-only
    if (enc === R.OSLAR) env.oslk = Number(v & 1n);
    else if (enc === R.MDSCR) env.mdscr = Number(v & 0xffffffffn);
    else if (enc === R.OSDLR) env.osdlr = Number(v & 1n);
    else if (enc === R.MDCCINT) env.mdccint = Number(v & 0xffffffffn);
    return After.Nothing;
  }
  if (isImpDef(enc)) return After.Nothing;
  switch (enc) {
    case R.SCTLR: env.sctlr = (v & SCTLR_MASK) | SCTLR_RES1; break;
    case R.ACTLR: env.actlr = v; return After.Nothing;
    case R.CPACR: env.cpacr = Number(v & 0x10300000n); env.updateFp(); return After.Nothing;
    case R.TTBR0: env.ttbr0 = v; env.tableBaseChanged(0); return After.Refetch;
    case R.TTBR1: { const was = env.ttbr1; env.ttbr1 = v; env.tableBaseChanged(1, was); return After.Refetch; }
    case R.TCR: env.tcr = v & 0x7fffffffbfn & ~(1n << 35n); break;
    case R.SPSR: env.spsr = Number(v & 0xf03003dfn) >>> 0; return After.Nothing;
    case R.ELR: env.elr = v; return After.Nothing;
    case R.SP_EL0: if (env.spsel === 0) throw U(); env.spEl0 = v; return After.Nothing;
    case R.SPSEL: env.setMode(env.el, Number(v & 1n)); return After.Nothing;
    case R.AFSR0: env.afsr0 = Number(v & 0xffffffffn); return After.Nothing;
    case R.AFSR1: env.afsr1 = Number(v & 0xffffffffn); return After.Nothing;
    case R.ESR: env.esr = Number(v & 0xffffffffn) >>> 0; return After.Nothing;
    case R.FAR: env.far = v; return After.Nothing;
    case R.PAR: env.par = v; return After.Nothing;
    case R.MAIR: env.mair = v; break;
    case R.AMAIR: env.amair = v; return After.Nothing;
    case R.VBAR: env.vbar = v & ~0x7ffn; return After.Nothing;
    case R.CONTEXTIDR: env.contextidr = Number(v & 0xffffffffn); return After.Nothing;
    case R.TPIDR_EL1: env.tpidr1 = v; return After.Nothing;
    case R.CSSELR: env.csselr = Number(v & 0xfn); return After.Nothing;
    case R.TPIDRRO_EL0: env.cpu.tpidrro_el0 = v; return After.Nothing; // EL1 writes, EL0 reads
    default: throw U(); // unknown, read-only (ID registers, CurrentEL, ISR) or EL2/EL3
  }
  if (TRANSLATION.has(enc)) {
    env.translationChanged();
    return After.Refetch;
  }
  return After.Nothing;
}
