// System: exception generation (svc/hvc/smc/brk/hlt/dcps, udf), hints, barriers, clrex, msr
// (immediate), mrs/msr (register), sys/sysl (dc zva, dc c*, ic, tlbi, at).
//
// System registers and SYS operations are named by `enc` = op0:op1:CRn:CRm:op2 as 16 bits
// (bits 20..5 of the MRS/MSR/SYS word). NZCV, FPCR, FPSR and TPIDR_EL0 are kept in the CPU and
// read/written inline; every other register goes to cpu.env.readSysreg/writeSysreg, which decide
// what the current exception level may access (throwing UndefinedInstruction otherwise).
import type { InsnDef } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rz, wz, SLOT_TPIDR_EL0 } from '../../cpu/state.js';
import { imm, xz } from '../fmt.js';
import { fpTrapsPossible } from '../../sys/fpaccess.js';

/** op0:op1:CRn:CRm:op2 as the 16-bit system register / system operation number. */
export const sysregEnc = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

/** The fields of a 16-bit encoding. */
export const sysregFields = (enc: number) =>
  ({ op0: enc >>> 14, op1: (enc >>> 11) & 7, crn: (enc >>> 7) & 15, crm: (enc >>> 3) & 15, op2: enc & 7 });

/** System registers the CPU or the environments deal with, as `enc` values for
 *  ExecEnv.readSysreg/writeSysreg. NZCV, FPCR, FPSR and TPIDR_EL0 never reach the environment
 *  (they live in Cpu); the rest do, and the environment decides what EL0 may read: Linux lets
 *  user code read CTR_EL0, DCZID_EL0, CNTVCT_EL0, CNTFRQ_EL0, TPIDRRO_EL0, and emulates reads of
 *  MIDR_EL1, MPIDR_EL1, REVIDR_EL1 and the ID_AA64* registers. */
export const SYSREG = {
  NZCV: sysregEnc(3, 3, 4, 2, 0),
  DAIF: sysregEnc(3, 3, 4, 2, 1),
  FPCR: sysregEnc(3, 3, 4, 4, 0),
  FPSR: sysregEnc(3, 3, 4, 4, 1),
  DIT: sysregEnc(3, 3, 4, 2, 5),
  SPSEL: sysregEnc(3, 0, 4, 2, 0),
  CURRENTEL: sysregEnc(3, 0, 4, 2, 2),
  TPIDR_EL0: sysregEnc(3, 3, 13, 0, 2),
  TPIDRRO_EL0: sysregEnc(3, 3, 13, 0, 3),
  TPIDR_EL1: sysregEnc(3, 0, 13, 0, 4),
  CTR_EL0: sysregEnc(3, 3, 0, 0, 1),
  DCZID_EL0: sysregEnc(3, 3, 0, 0, 7),
  CNTFRQ_EL0: sysregEnc(3, 3, 14, 0, 0),
  CNTPCT_EL0: sysregEnc(3, 3, 14, 0, 1),
  CNTVCT_EL0: sysregEnc(3, 3, 14, 0, 2),
  CNTKCTL_EL1: sysregEnc(3, 0, 14, 1, 0),
  CNTP_TVAL_EL0: sysregEnc(3, 3, 14, 2, 0),
  CNTP_CTL_EL0: sysregEnc(3, 3, 14, 2, 1),
  CNTP_CVAL_EL0: sysregEnc(3, 3, 14, 2, 2),
  CNTV_TVAL_EL0: sysregEnc(3, 3, 14, 3, 0),
  CNTV_CTL_EL0: sysregEnc(3, 3, 14, 3, 1),
  CNTV_CVAL_EL0: sysregEnc(3, 3, 14, 3, 2),
  MIDR_EL1: sysregEnc(3, 0, 0, 0, 0),
  MPIDR_EL1: sysregEnc(3, 0, 0, 0, 5),
  REVIDR_EL1: sysregEnc(3, 0, 0, 0, 6),
  ID_AA64PFR0_EL1: sysregEnc(3, 0, 0, 4, 0),
  ID_AA64PFR1_EL1: sysregEnc(3, 0, 0, 4, 1),
  ID_AA64DFR0_EL1: sysregEnc(3, 0, 0, 5, 0),
  ID_AA64DFR1_EL1: sysregEnc(3, 0, 0, 5, 1),
  ID_AA64AFR0_EL1: sysregEnc(3, 0, 0, 5, 4),
  ID_AA64AFR1_EL1: sysregEnc(3, 0, 0, 5, 5),
  ID_AA64ISAR0_EL1: sysregEnc(3, 0, 0, 6, 0),
  ID_AA64ISAR1_EL1: sysregEnc(3, 0, 0, 6, 1),
  ID_AA64MMFR0_EL1: sysregEnc(3, 0, 0, 7, 0),
  ID_AA64MMFR1_EL1: sysregEnc(3, 0, 0, 7, 1),
  ID_AA64MMFR2_EL1: sysregEnc(3, 0, 0, 7, 2),
} as const;

/** True for the ID register space (op0=3, op1=0, CRn=0, CRm=0..7) that Linux emulates for EL0. */
export const isIdSysreg = (enc: number): boolean => (enc & 0xffc0) === 0xc000;

/** Operation numbers passed to ExecEnv.sysOp(op, v, pc). SYS instructions pass their own
 *  op0:op1:CRn:CRm:op2 (op0 = 1) with v = Xt; hints, ISB and MSR (immediate) pass the
 *  op0 = 0 encoding with CRm cleared, and v = CRm (the ISB option or the PSTATE immediate).
 *  DC ZVA never reaches sysOp (it is H.dczva); DC CVAC/CVAU/CIVAC and the other DC operations
 *  call it without ending the block, all other SYS operations end the block after it. */
export const SYSOP = {
  IC_IALLUIS: sysregEnc(1, 0, 7, 1, 0),
  IC_IALLU: sysregEnc(1, 0, 7, 5, 0),
  IC_IVAU: sysregEnc(1, 3, 7, 5, 1),
  DC_IVAC: sysregEnc(1, 0, 7, 6, 1),
  DC_ISW: sysregEnc(1, 0, 7, 6, 2),
  DC_CSW: sysregEnc(1, 0, 7, 10, 2),
  DC_CISW: sysregEnc(1, 0, 7, 14, 2),
  DC_ZVA: sysregEnc(1, 3, 7, 4, 1),
  DC_CVAC: sysregEnc(1, 3, 7, 10, 1),
  DC_CVAU: sysregEnc(1, 3, 7, 11, 1),
  DC_CIVAC: sysregEnc(1, 3, 7, 14, 1),
  WFE: sysregEnc(0, 3, 2, 0, 2),
  WFI: sysregEnc(0, 3, 2, 0, 3),
  SEV: sysregEnc(0, 3, 2, 0, 4),
  SEVL: sysregEnc(0, 3, 2, 0, 5),
  ISB: sysregEnc(0, 3, 3, 0, 6),
  MSR_SPSEL: sysregEnc(0, 0, 4, 0, 5),
  MSR_DAIFSET: sysregEnc(0, 3, 4, 0, 6),
  MSR_DAIFCLR: sysregEnc(0, 3, 4, 0, 7),
} as const;

/** Whether arm64 Linux lets EL0 perform a sysOp (for a user-mode environment's sysOp, which
 *  should throw UndefinedInstruction → SIGILL otherwise). Linux runs EL0 with SCTLR_EL1.UCI = 1
 *  (DC CVAC/CVAU/CIVAC and IC IVAU allowed), nTWE = 1 (WFE runs), nTWI = 0 (WFI traps and is
 *  not handled: SIGILL) and UMA = 0 (MSR DAIFSet/DAIFClr trap: SIGILL); SPSel, IC IALLU, TLBI
 *  and AT are EL1 operations. ISB is always allowed. */
export function linuxEl0SysOp(op: number): boolean {
  return op === SYSOP.DC_CVAC || op === SYSOP.DC_CVAU || op === SYSOP.DC_CIVAC || op === SYSOP.IC_IVAU ||
    op === SYSOP.WFE || op === SYSOP.ISB || op === SYSOP.SEV || op === SYSOP.SEVL || op === SYSOP.DC_ZVA;
}

const TPIDR = 2 * SLOT_TPIDR_EL0;

/** The register name objdump prints for an MRS/MSR encoding, or the generic s<op0>_<op1>_c<n>_c<m>_<op2>. */
export function sysregName(enc: number, write = false): string {
  // One encoding, two registers: DBGDTRRX_EL0 reads, DBGDTRTX_EL0 writes.
  if (write && enc === 0x9828) return 'dbgdtrtx_el0';
  const n = sysregNames().get(enc);
  if (n) return n;
  const f = sysregFields(enc);
  return `s${f.op0}_${f.op1}_c${f.crn}_c${f.crm}_${f.op2}`;
}

/** The encoding of a system register named as objdump names it (lower case), or undefined. */
export function sysregByName(name: string): number | undefined {
  for (const [enc, n] of sysregNames()) if (n === name) return enc;
  return undefined;
}

const HINTS: Record<number, string> = {
  0: 'nop', 1: 'yield', 2: 'wfe', 3: 'wfi', 4: 'sev', 5: 'sevl', 7: 'xpaclri', 8: 'pacia1716', 10: 'pacib1716',
  12: 'autia1716', 14: 'autib1716', 16: 'esb', 17: 'psb\tcsync', 18: 'tsb\tcsync', 20: 'csdb', 22: 'clearbhb',
  24: 'paciaz', 25: 'paciasp', 26: 'pacibz', 27: 'pacibsp', 28: 'autiaz', 29: 'autiasp', 30: 'autibz', 31: 'autibsp',
  32: 'bti', 34: 'bti\tc', 36: 'bti\tj', 38: 'bti\tjc',
};
/** Barrier options by CRm (DMB/DSB); the unnamed ones print as #0xNN. */
const BARRIER_OPTS = ['', 'oshld', 'oshst', 'osh', '', 'nshld', 'nshst', 'nsh', '', 'ishld', 'ishst', 'ish', '', 'ld', 'st', 'sy'];

/** Kinds of SYS operation (the shape of SYS entries). */
const SysKind = { Zva: 0, Effect: 1, Exit: 2 } as const;
function sysKind(enc: number): number {
  if (enc === SYSOP.DC_ZVA) return SysKind.Zva;
  const f = sysregFields(enc);
  // Data-cache maintenance (DC IVAC/ISW/CSW/CISW/CVAC/CVAU/CIVAC and later forms) does not
  // change what executes next; instruction-cache, TLB, address-translation and unknown ones may.
  if (f.crn === 7 && [6, 10, 11, 12, 13, 14].includes(f.crm)) return SysKind.Effect;
  return SysKind.Exit;
}

/** Kinds of MRS/MSR access (the shape of MRS/MSR entries). */
const RegKind = { Env: 0, Nzcv: 1, Fpcr: 2, Fpsr: 3, Tpidr: 4 } as const;
function regKind(enc: number): number {
  switch (enc) {
    case SYSREG.NZCV: return RegKind.Nzcv;
    case SYSREG.FPCR: return RegKind.Fpcr;
    case SYSREG.FPSR: return RegKind.Fpsr;
    case SYSREG.TPIDR_EL0: return RegKind.Tpidr;
    default: return RegKind.Env;
  }
}

/** NZCV as the PSTATE word: N, Z, C, V in bits 31..28. */
function nzcvWord(b: Builder): Val {
  const bit = (f: 'n' | 'z' | 'c' | 'v', k: number) => b.select(b.flag(f), b.c32((1 << k) | 0), b.c32(0));
  return b.or(b.or(bit('n', 31), bit('z', 30)), b.or(bit('c', 29), bit('v', 28)));
}

/** Exception-generating instructions by opc:LL (op2 = 000). */
const EXC: Record<number, string> = { 0b00001: 'svc', 0b00010: 'hvc', 0b00011: 'smc', 0b00100: 'brk', 0b01000: 'hlt', 0b10101: 'dcps1', 0b10110: 'dcps2', 0b10111: 'dcps3' };

export const system: InsnDef[] = [
  {
    name: 'EXCEPTION',
    pattern: '11010100 opc:3 imm16:16 000 LL:2',
    decode(f) {
      const name = EXC[(f.opc << 2) | f.LL];
      if (!name) return null;
      return { s: { k: (f.opc << 2) | f.LL }, o: { imm: f.imm16 } };
    },
    sem(b, o, s) {
      const name = EXC[s.k];
      // DCPS1..3 are UNDEFINED outside Debug state, which is never entered here.
      if (name.startsWith('dcps')) b.exit('udf');
      else b.exit(name, o.imm);
    },
    disasm(f) {
      const name = EXC[(f.opc << 2) | f.LL];
      if (name.startsWith('dcps')) return f.imm16 ? `${name}\t${imm(f.imm16)}` : name;
      return `${name}\t${imm(f.imm16)}`;
    },
    branch: true,
  },
  {
    name: 'UDF',
    // Permanently undefined; an entry only so that it disassembles as objdump shows it.
    pattern: '0000000000000000 imm16:16',
    decode: () => ({ o: {} }),
    sem(b) { b.exit('udf'); },
    disasm: (f) => `udf\t#${f.imm16}`,
    branch: true,
  },
  {
    name: 'HINT',
    // Every hint executes as NOP on Armv8.0 (PAC, BTI, ESB… are later hints in this space),
    // except WFE and WFI, which the environment may use to wait.
    pattern: '11010101000000110010 CRm:4 op2:3 11111',
    // SEV and SEVL set Event Registers (Arm ARM D1.16.1) in system mode only: elsewhere (Linux
    // user mode) nothing waits for events and they stay NOPs at no cost.
    decode(f) {
      const n = (f.CRm << 3) | f.op2;
      return { s: { wait: n === 2 || n === 3 ? n : 0, sev: (n === 4 || n === 5) && fpTrapsPossible ? n : 0 }, o: {} };
    },
    sem(b, _o, s) {
      if (s.wait) b.exit('sysOpExit', b.c32(s.wait === 2 ? SYSOP.WFE : SYSOP.WFI), b.c64(0, 0));
      else if (s.sev) b.effect('sys', b.pcRel(0), b.c32(s.sev === 4 ? SYSOP.SEV : SYSOP.SEVL), b.c64(0, 0));
    },
    disasm(f) {
      const n = (f.CRm << 3) | f.op2;
      return HINTS[n] ?? `hint\t#0x${n.toString(16)}`;
    },
  },
  {
    name: 'BARRIER',
    // op2: 010 CLREX, 100 DSB, 101 DMB, 110 ISB (000, 001, 011, 111 are later extensions).
    pattern: '11010101000000110011 CRm:4 op2:3 11111',
    decode(f) {
      if (f.op2 !== 2 && f.op2 !== 4 && f.op2 !== 5 && f.op2 !== 6) return null;
      return { s: { op2: f.op2 }, o: { crm: f.CRm } };
    },
    sem(b, o, s) {
      // One guest CPU per memory view and sequentially consistent JS memory: DMB and DSB have
      // nothing to order. ISB ends the block (the context-synchronisation point for JIT code).
      if (s.op2 === 2) b.effect('clrex');
      else if (s.op2 === 6) b.exit('sysOpExit', b.c32(SYSOP.ISB), b.zext(o.crm));
    },
    disasm(f) {
      const crm = f.CRm;
      switch (f.op2) {
        case 2: return crm === 15 ? 'clrex' : `clrex\t#0x${crm.toString(16)}`;
        case 6: return crm === 15 ? 'isb' : `isb\t#0x${crm.toString(16)}`;
        default: {
          if (f.op2 === 4 && crm === 0) return 'ssbb';
          if (f.op2 === 4 && crm === 4) return 'pssbb';
          const name = f.op2 === 4 ? 'dsb' : 'dmb';
          return `${name}\t${BARRIER_OPTS[crm] || `#0x${crm.toString(16).padStart(2, '0')}`}`;
        }
      }
    },
  },
  {
    name: 'MSR_imm',
    // Armv8.0 PSTATE fields: SPSel (op1=000 op2=101), DAIFSet (011 110), DAIFClr (011 111).
    // The environment applies them (UNDEFINED at EL0 under Linux, where SCTLR_EL1.UMA = 0).
    pattern: '1101010100000 op1:3 0100 CRm:4 op2:3 11111',
    decode(f) {
      const field = (f.op1 << 3) | f.op2;
      const spsel = field === 0o05 && f.CRm <= 1;
      if (!spsel && field !== 0o36 && field !== 0o37) return null;
      return { o: { op: sysregEnc(0, f.op1, 4, 0, f.op2), imm: f.CRm } };
    },
    sem(b, o) { b.exit('sysOpExit', o.op, b.zext(o.imm)); },
    disasm(f) {
      const name = f.op2 === 5 ? 'spsel' : f.op2 === 6 ? 'daifset' : 'daifclr';
      return `msr\t${name}, #0x${f.CRm.toString(16)}`;
    },
    branch: true,
  },
  {
    name: 'SYS',
    pattern: '1101010100001 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    decode(f, insn) {
      const enc = (insn >>> 5) & 0xffff;
      // DC ZVA at EL0 traps while SCTLR_EL1.DZE = 0 (Arm ARM DDI 0487, the SCTLR_EL1.DZE field description): in system
      // mode the environment checks first (sysOp(DC_ZVA) throws the EC 0x18 trap or returns).
      const k = sysKind(enc);
      return { s: { k, zc: k === SysKind.Zva && fpTrapsPossible ? 1 : 0 }, o: { op: enc, t: rz(f.Rt) } };
    },
    sem(b, o, s) {
      const x = b.x(o.t);
      switch (s.k) {
        case SysKind.Zva: if (s.zc) b.effect('sys', b.pcRel(0), o.op, x); b.effect('dczva', x); break;
        case SysKind.Effect: b.effect('sys', b.pcRel(0), o.op, x); break;
        default: b.exit('sysOpExit', o.op, x);
      }
    },
    disasm(f, _pc, insn) {
      const alias = sysOpNames().get((insn >>> 5) & 0xffff);
      if (alias) {
        const [mn, op] = alias.replace(/,$/, '').split('.');
        return `${mn}\t${op}${alias.endsWith(',') ? `, ${xz(f.Rt)}` : ''}`;
      }
      return `sys\t#${f.op1}, C${f.CRn}, C${f.CRm}, #${f.op2}${f.Rt === 31 ? '' : `, ${xz(f.Rt)}`}`;
    },
  },
  {
    name: 'SYSL',
    // No SYSL operation exists in Armv8.0: always UNDEFINED.
    pattern: '1101010100101 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    decode: () => ({ o: {} }),
    sem(b) { b.exit('udf'); },
    disasm: (f) => `sysl\t${xz(f.Rt)}, #${f.op1}, C${f.CRn}, C${f.CRm}, #${f.op2}`,
    branch: true,
  },
  {
    name: 'MRS',
    pattern: '110101010011 sysreg:15 Rt:5',
    decode(f) {
      const enc = 0x8000 | f.sysreg;
      const k = regKind(enc);
      const o: Record<string, number> = k === RegKind.Env ? { t: wz(f.Rt), enc } : { t: wz(f.Rt) };
      return { s: { k }, o };
    },
    sem(b, o, s) {
      switch (s.k) {
        case RegKind.Nzcv: b.setReg(o.t, nzcvWord(b)); break;
        case RegKind.Fpcr: b.effect('fp_check'); b.setReg(o.t, b.call('sysFpcrGet', 'i32')); break;
        case RegKind.Fpsr: b.effect('fp_check'); b.setReg(o.t, b.call('sysFpsrGet', 'i32')); break;
        case RegKind.Tpidr: b.setReg(o.t, b.x(b.c32(TPIDR))); break;
        default: b.setReg(o.t, b.call('mrs', 'i64', o.enc, b.pcRel(0)));
      }
    },
    disasm: (f) => `mrs\t${xz(f.Rt)}, ${sysregName(0x8000 | f.sysreg)}`,
  },
  {
    name: 'MSR_reg',
    pattern: '110101010001 sysreg:15 Rt:5',
    decode(f) {
      const enc = 0x8000 | f.sysreg;
      const k = regKind(enc);
      const o: Record<string, number> = k === RegKind.Env ? { t: rz(f.Rt), enc } : { t: rz(f.Rt) };
      return { s: { k }, o };
    },
    sem(b, o, s) {
      switch (s.k) {
        case RegKind.Nzcv: {
          const w = b.w(o.t);
          const bit = (k: number) => b.cmp('ne', b.and(w, b.c32((1 << k) | 0)), b.c32(0));
          b.setNZCV(bit(31), bit(30), bit(29), bit(28));
          break;
        }
        case RegKind.Fpcr: b.effect('fp_check'); b.effect('sysFpcrSet', b.w(o.t)); break;
        case RegKind.Fpsr: b.effect('fp_check'); b.effect('sysFpsrSet', b.w(o.t)); break;
        case RegKind.Tpidr: b.setReg(b.c32(TPIDR), b.x(o.t)); break;
        default: b.exit('sysMsrExit', o.enc, b.x(o.t));
      }
    },
    disasm: (f) => `msr\t${sysregName(0x8000 | f.sysreg, true)}, ${xz(f.Rt)}`,
  },
];

// ----- names (objdump 2.40's tables, captured by disassembling every encoding)

let regNames: Map<number, string> | undefined;
function sysregNames(): Map<number, string> {
  if (!regNames) {
    regNames = new Map();
    const t = SYSREG_NAMES.trim().split(/\s+/);
    for (let i = 0; i < t.length; i += 2) regNames.set(parseInt(t[i], 16), t[i + 1]);
  }
  return regNames;
}

let opNames: Map<number, string> | undefined;
/** SYS aliases: enc → "mnemonic.operation" with a trailing "," when it takes Xt. */
function sysOpNames(): Map<number, string> {
  if (!opNames) {
    opNames = new Map();
    for (const tok of SYSOP_NAMES.trim().split(/\s+/)) {
      const [enc, name] = tok.split('=');
      opNames.set(parseInt(enc, 16), name);
    }
  }
  return opNames;
}

/** The name objdump prints for a SYS operation (e.g. "dc civac", "tlbi vmalle1is"), if any. */
export function sysOpName(op: number): string | undefined {
  const n = sysOpNames().get(op);
  return n && n.replace(/,$/, '').replace('.', ' ');
}

// SYS aliases (op0 = 1): "enc=mnemonic.operation", "," when the alias takes a register.
const SYSOP_NAMES = `
4388=ic.ialluis 43a8=ic.iallu 43b1=dc.ivac, 43b2=dc.isw, 43b3=dc.igvac, 43b4=dc.igsw,
43b5=dc.igdvac, 43b6=dc.igdsw, 43c0=at.s1e1r, 43c1=at.s1e1w, 43c2=at.s1e0r, 43c3=at.s1e0w,
43c8=at.s1e1rp, 43c9=at.s1e1wp, 43d2=dc.csw, 43d4=dc.cgsw, 43d6=dc.cgdsw, 43f2=dc.cisw,
43f4=dc.cigsw, 43f6=dc.cigdsw, 4408=tlbi.vmalle1os 4409=tlbi.vae1os, 440a=tlbi.aside1os,
440b=tlbi.vaae1os, 440d=tlbi.vale1os, 440f=tlbi.vaale1os, 4411=tlbi.rvae1is, 4413=tlbi.rvaae1is,
4415=tlbi.rvale1is, 4417=tlbi.rvaale1is, 4418=tlbi.vmalle1is 4419=tlbi.vae1is, 441a=tlbi.aside1is,
441b=tlbi.vaae1is, 441d=tlbi.vale1is, 441f=tlbi.vaale1is, 4429=tlbi.rvae1os, 442b=tlbi.rvaae1os,
442d=tlbi.rvale1os, 442f=tlbi.rvaale1os, 4431=tlbi.rvae1, 4433=tlbi.rvaae1, 4435=tlbi.rvale1,
4437=tlbi.rvaale1, 4438=tlbi.vmalle1 4439=tlbi.vae1, 443a=tlbi.aside1, 443b=tlbi.vaae1,
443d=tlbi.vale1, 443f=tlbi.vaale1, 5b9c=cfp.rctx, 5b9d=dvp.rctx, 5b9f=cpp.rctx, 5ba1=dc.zva,
5ba3=dc.gva, 5ba4=dc.gzva, 5ba9=ic.ivau, 5bd1=dc.cvac, 5bd3=dc.cgvac, 5bd5=dc.cgdvac, 5bd9=dc.cvau,
5be1=dc.cvap, 5be3=dc.cgvap, 5be5=dc.cgdvap, 5be9=dc.cvadp, 5beb=dc.cgvadp, 5bed=dc.cgdvadp,
5bf1=dc.civac, 5bf3=dc.cigvac, 5bf5=dc.cigdvac, 63c0=at.s1e2r, 63c1=at.s1e2w, 63c4=at.s12e1r,
63c5=at.s12e1w, 63c6=at.s12e0r, 63c7=at.s12e0w, 6401=tlbi.ipas2e1is, 6402=tlbi.ripas2e1is,
6405=tlbi.ipas2le1is, 6406=tlbi.ripas2le1is, 6408=tlbi.alle2os 6409=tlbi.vae2os, 640c=tlbi.alle1os
640d=tlbi.vale2os, 640e=tlbi.vmalls12e1os 6411=tlbi.rvae2is, 6415=tlbi.rvale2is, 6418=tlbi.alle2is
6419=tlbi.vae2is, 641c=tlbi.alle1is 641d=tlbi.vale2is, 641e=tlbi.vmalls12e1is 6420=tlbi.ipas2e1os,
6421=tlbi.ipas2e1, 6422=tlbi.ripas2e1, 6423=tlbi.ripas2e1os, 6424=tlbi.ipas2le1os,
6425=tlbi.ipas2le1, 6426=tlbi.ripas2le1, 6427=tlbi.ripas2le1os, 6429=tlbi.rvae2os,
642d=tlbi.rvale2os, 6431=tlbi.rvae2, 6435=tlbi.rvale2, 6438=tlbi.alle2 6439=tlbi.vae2,
643c=tlbi.alle1 643d=tlbi.vale2, 643e=tlbi.vmalls12e1 73c0=at.s1e3r, 73c1=at.s1e3w, 73f1=dc.cipapa,
73f5=dc.cigdpapa, 7408=tlbi.alle3os 7409=tlbi.vae3os, 740c=tlbi.paallos 740d=tlbi.vale3os,
7411=tlbi.rvae3is, 7415=tlbi.rvale3is, 7418=tlbi.alle3is 7419=tlbi.vae3is, 741d=tlbi.vale3is,
7423=tlbi.rpaos, 7427=tlbi.rpalos, 7429=tlbi.rvae3os, 742d=tlbi.rvale3os, 7431=tlbi.rvae3,
7435=tlbi.rvale3, 7438=tlbi.alle3 7439=tlbi.vae3, 743c=tlbi.paall 743d=tlbi.vale3,
`;

// System registers (MRS/MSR, op0 = 2 or 3): "enc name" pairs.
const SYSREG_NAMES = `
8002 osdtrrx_el1 8004 dbgbvr0_el1 8005 dbgbcr0_el1 8006 dbgwvr0_el1 8007 dbgwcr0_el1 800c dbgbvr1_el1
800d dbgbcr1_el1 800e dbgwvr1_el1 800f dbgwcr1_el1 8010 mdccint_el1 8012 mdscr_el1 8014 dbgbvr2_el1
8015 dbgbcr2_el1 8016 dbgwvr2_el1 8017 dbgwcr2_el1 801a osdtrtx_el1 801c dbgbvr3_el1 801d dbgbcr3_el1
801e dbgwvr3_el1 801f dbgwcr3_el1 8024 dbgbvr4_el1 8025 dbgbcr4_el1 8026 dbgwvr4_el1 8027 dbgwcr4_el1
802c dbgbvr5_el1 802d dbgbcr5_el1 802e dbgwvr5_el1 802f dbgwcr5_el1 8032 oseccr_el1 8034 dbgbvr6_el1
8035 dbgbcr6_el1 8036 dbgwvr6_el1 8037 dbgwcr6_el1 803c dbgbvr7_el1 803d dbgbcr7_el1 803e dbgwvr7_el1
803f dbgwcr7_el1 8044 dbgbvr8_el1 8045 dbgbcr8_el1 8046 dbgwvr8_el1 8047 dbgwcr8_el1 804c dbgbvr9_el1
804d dbgbcr9_el1 804e dbgwvr9_el1 804f dbgwcr9_el1 8054 dbgbvr10_el1 8055 dbgbcr10_el1 8056 dbgwvr10_el1
8057 dbgwcr10_el1 805c dbgbvr11_el1 805d dbgbcr11_el1 805e dbgwvr11_el1 805f dbgwcr11_el1 8064 dbgbvr12_el1
8065 dbgbcr12_el1 8066 dbgwvr12_el1 8067 dbgwcr12_el1 806c dbgbvr13_el1 806d dbgbcr13_el1 806e dbgwvr13_el1
806f dbgwcr13_el1 8074 dbgbvr14_el1 8075 dbgbcr14_el1 8076 dbgwvr14_el1 8077 dbgwcr14_el1 807c dbgbvr15_el1
807d dbgbcr15_el1 807e dbgwvr15_el1 807f dbgwcr15_el1 8080 mdrar_el1 8084 oslar_el1 808c oslsr_el1
809c osdlr_el1 80a4 dbgprcr_el1 83c6 dbgclaimset_el1 83ce dbgclaimclr_el1 83f6 dbgauthstatus_el1
8400 csrcr_el1 8401 csrptr_el1 8403 csrptridx_el1 8801 trctraceidr 8802 trcvictlr 8804 trcseqevr0
8805 trccntrldvr0 8806 trcidr8 8807 trcimspec0 8808 trcprgctlr 8809 trcqctlr 880a trcviiectlr
880c trcseqevr1 880d trccntrldvr1 880e trcidr9 880f trcimspec1 8810 trcprocselr 8812 trcvissctlr
8814 trcseqevr2 8815 trccntrldvr2 8816 trcidr10 8817 trcimspec2 8818 trcstatr 881a trcvipcssctlr
881d trccntrldvr3 881e trcidr11 881f trcimspec3 8820 trcconfigr 8825 trccntctlr0 8826 trcidr12
8827 trcimspec4 882d trccntctlr1 882e trcidr13 882f trcimspec5 8830 trcauxctlr 8834 trcseqrstevr
8835 trccntctlr2 8837 trcimspec6 883c trcseqstr 883d trccntctlr3 883f trcimspec7 8840 trceventctl0r
8842 trcvdctlr 8844 trcextinselr0 8845 trccntvr0 8847 trcidr0 8848 trceventctl1r 884a trcvdsacctlr
884c trcextinselr1 884d trccntvr1 884f trcidr1 8850 trcrsr 8852 trcvdarcctlr 8854 trcextinselr2
8855 trccntvr2 8857 trcidr2 8858 trcstallctlr 885c trcextinselr3 885d trccntvr3 885f trcidr3 8860 trctsctlr
8867 trcidr4 8868 trcsyncpr 886f trcidr5 8870 trcccctlr 8877 trcidr6 8878 trcbbctlr 887f trcidr7
8881 trcrsctlr16 8882 trcssccr0 8883 trcsspcicr0 8884 trcoslar 8889 trcrsctlr17 888a trcssccr1
888b trcsspcicr1 888c trcoslsr 8890 trcrsctlr2 8891 trcrsctlr18 8892 trcssccr2 8893 trcsspcicr2
8898 trcrsctlr3 8899 trcrsctlr19 889a trcssccr3 889b trcsspcicr3 88a0 trcrsctlr4 88a1 trcrsctlr20
88a2 trcssccr4 88a3 trcsspcicr4 88a4 trcpdcr 88a8 trcrsctlr5 88a9 trcrsctlr21 88aa trcssccr5
88ab trcsspcicr5 88ac trcpdsr 88b0 trcrsctlr6 88b1 trcrsctlr22 88b2 trcssccr6 88b3 trcsspcicr6
88b8 trcrsctlr7 88b9 trcrsctlr23 88ba trcssccr7 88bb trcsspcicr7 88c0 trcrsctlr8 88c1 trcrsctlr24
88c2 trcsscsr0 88c8 trcrsctlr9 88c9 trcrsctlr25 88ca trcsscsr1 88d0 trcrsctlr10 88d1 trcrsctlr26
88d2 trcsscsr2 88d8 trcrsctlr11 88d9 trcrsctlr27 88da trcsscsr3 88e0 trcrsctlr12 88e1 trcrsctlr28
88e2 trcsscsr4 88e8 trcrsctlr13 88e9 trcrsctlr29 88ea trcsscsr5 88f0 trcrsctlr14 88f1 trcrsctlr30
88f2 trcsscsr6 88f8 trcrsctlr15 88f9 trcrsctlr31 88fa trcsscsr7 8900 trcacvr0 8901 trcacvr8 8902 trcacatr0
8903 trcacatr8 8904 trcdvcvr0 8905 trcdvcvr4 8906 trcdvcmr0 8907 trcdvcmr4 8910 trcacvr1 8911 trcacvr9
8912 trcacatr1 8913 trcacatr9 8920 trcacvr2 8921 trcacvr10 8922 trcacatr2 8923 trcacatr10 8924 trcdvcvr1
8925 trcdvcvr5 8926 trcdvcmr1 8927 trcdvcmr5 8930 trcacvr3 8931 trcacvr11 8932 trcacatr3 8933 trcacatr11
8940 trcacvr4 8941 trcacvr12 8942 trcacatr4 8943 trcacatr12 8944 trcdvcvr2 8945 trcdvcvr6 8946 trcdvcmr2
8947 trcdvcmr6 8950 trcacvr5 8951 trcacvr13 8952 trcacatr5 8953 trcacatr13 8960 trcacvr6 8961 trcacvr14
8962 trcacatr6 8963 trcacatr14 8964 trcdvcvr3 8965 trcdvcvr7 8966 trcdvcmr3 8967 trcdvcmr7 8970 trcacvr7
8971 trcacvr15 8972 trcacatr7 8973 trcacatr15 8980 trccidcvr0 8981 trcvmidcvr0 8982 trccidcctlr0
898a trccidcctlr1 8990 trccidcvr1 8991 trcvmidcvr1 8992 trcvmidcctlr0 899a trcvmidcctlr1 89a0 trccidcvr2
89a1 trcvmidcvr2 89b0 trccidcvr3 89b1 trcvmidcvr3 89c0 trccidcvr4 89c1 trcvmidcvr4 89d0 trccidcvr5
89d1 trcvmidcvr5 89e0 trccidcvr6 89e1 trcvmidcvr6 89f0 trccidcvr7 89f1 trcvmidcvr7 8b84 trcitctrl
8b97 trcdevid 8b9f trcdevtype 8ba7 trcpidr4 8baf trcpidr5 8bb7 trcpidr6 8bbf trcpidr7 8bc6 trcclaimset
8bc7 trcpidr0 8bce trcclaimclr 8bcf trcpidr1 8bd6 trcdevaff0 8bd7 trcpidr2 8bde trcdevaff1 8bdf trcpidr3
8be6 trclar 8be7 trccidr0 8bee trclsr 8bef trccidr1 8bf6 trcauthstatus 8bf7 trccidr2 8bfe trcdevarch
8bff trccidr3 8c00 brbinf0_el1 8c01 brbsrc0_el1 8c02 brbtgt0_el1 8c04 brbinf16_el1 8c05 brbsrc16_el1
8c06 brbtgt16_el1 8c08 brbinf1_el1 8c09 brbsrc1_el1 8c0a brbtgt1_el1 8c0c brbinf17_el1 8c0d brbsrc17_el1
8c0e brbtgt17_el1 8c10 brbinf2_el1 8c11 brbsrc2_el1 8c12 brbtgt2_el1 8c14 brbinf18_el1 8c15 brbsrc18_el1
8c16 brbtgt18_el1 8c18 brbinf3_el1 8c19 brbsrc3_el1 8c1a brbtgt3_el1 8c1c brbinf19_el1 8c1d brbsrc19_el1
8c1e brbtgt19_el1 8c20 brbinf4_el1 8c21 brbsrc4_el1 8c22 brbtgt4_el1 8c24 brbinf20_el1 8c25 brbsrc20_el1
8c26 brbtgt20_el1 8c28 brbinf5_el1 8c29 brbsrc5_el1 8c2a brbtgt5_el1 8c2c brbinf21_el1 8c2d brbsrc21_el1
8c2e brbtgt21_el1 8c30 brbinf6_el1 8c31 brbsrc6_el1 8c32 brbtgt6_el1 8c34 brbinf22_el1 8c35 brbsrc22_el1
8c36 brbtgt22_el1 8c38 brbinf7_el1 8c39 brbsrc7_el1 8c3a brbtgt7_el1 8c3c brbinf23_el1 8c3d brbsrc23_el1
8c3e brbtgt23_el1 8c40 brbinf8_el1 8c41 brbsrc8_el1 8c42 brbtgt8_el1 8c44 brbinf24_el1 8c45 brbsrc24_el1
8c46 brbtgt24_el1 8c48 brbinf9_el1 8c49 brbsrc9_el1 8c4a brbtgt9_el1 8c4c brbinf25_el1 8c4d brbsrc25_el1
8c4e brbtgt25_el1 8c50 brbinf10_el1 8c51 brbsrc10_el1 8c52 brbtgt10_el1 8c54 brbinf26_el1 8c55 brbsrc26_el1
8c56 brbtgt26_el1 8c58 brbinf11_el1 8c59 brbsrc11_el1 8c5a brbtgt11_el1 8c5c brbinf27_el1 8c5d brbsrc27_el1
8c5e brbtgt27_el1 8c60 brbinf12_el1 8c61 brbsrc12_el1 8c62 brbtgt12_el1 8c64 brbinf28_el1 8c65 brbsrc28_el1
8c66 brbtgt28_el1 8c68 brbinf13_el1 8c69 brbsrc13_el1 8c6a brbtgt13_el1 8c6c brbinf29_el1 8c6d brbsrc29_el1
8c6e brbtgt29_el1 8c70 brbinf14_el1 8c71 brbsrc14_el1 8c72 brbtgt14_el1 8c74 brbinf30_el1 8c75 brbsrc30_el1
8c76 brbtgt30_el1 8c78 brbinf15_el1 8c79 brbsrc15_el1 8c7a brbtgt15_el1 8c7c brbinf31_el1 8c7d brbsrc31_el1
8c7e brbtgt31_el1 8c80 brbcr_el1 8c81 brbfcr_el1 8c82 brbts_el1 8c88 brbinfinj_el1 8c89 brbsrcinj_el1
8c8a brbtgtinj_el1 8c90 brbidr0_el1 9000 teecr32_el1 9080 teehbr32_el1 9808 mdccsr_el0 9820 dbgdtr_el0
9828 dbgdtrrx_el0 9c00 csrcr_el0 9c01 csrptr_el0 9c02 csridr_el0 9c03 csrptridx_el0 a038 dbgvcr32_el2
a400 csrcr_el2 a401 csrptr_el2 a403 csrptridx_el2 a480 brbcr_el2 ac00 csrcr_el12 ac01 csrptr_el12
ac80 brbcr_el12 c000 midr_el1 c004 mpuir_el1 c005 mpidr_el1 c006 revidr_el1 c008 id_pfr0_el1
c009 id_pfr1_el1 c00a id_dfr0_el1 c00b id_afr0_el1 c00c id_mmfr0_el1 c00d id_mmfr1_el1 c00e id_mmfr2_el1
c00f id_mmfr3_el1 c010 id_isar0_el1 c011 id_isar1_el1 c012 id_isar2_el1 c013 id_isar3_el1 c014 id_isar4_el1
c015 id_isar5_el1 c016 id_mmfr4_el1 c017 id_isar6_el1 c018 mvfr0_el1 c019 mvfr1_el1 c01a mvfr2_el1
c01c id_pfr2_el1 c01d id_dfr1_el1 c01e id_mmfr5_el1 c020 id_aa64pfr0_el1 c021 id_aa64pfr1_el1
c024 id_aa64zfr0_el1 c025 id_aa64smfr0_el1 c028 id_aa64dfr0_el1 c029 id_aa64dfr1_el1 c02c id_aa64afr0_el1
c02d id_aa64afr1_el1 c030 id_aa64isar0_el1 c031 id_aa64isar1_el1 c032 id_aa64isar2_el1 c038 id_aa64mmfr0_el1
c039 id_aa64mmfr1_el1 c03a id_aa64mmfr2_el1 c080 sctlr_el1 c081 actlr_el1 c082 cpacr_el1 c085 rgsr_el1
c086 gcr_el1 c090 zcr_el1 c091 trfcr_el1 c094 smpri_el1 c096 smcr_el1 c100 ttbr0_el1 c101 ttbr1_el1
c102 tcr_el1 c108 apiakeylo_el1 c109 apiakeyhi_el1 c10a apibkeylo_el1 c10b apibkeyhi_el1 c110 apdakeylo_el1
c111 apdakeyhi_el1 c112 apdbkeylo_el1 c113 apdbkeyhi_el1 c118 apgakeylo_el1 c119 apgakeyhi_el1 c200 spsr_el1
c201 elr_el1 c208 sp_el0 c210 spsel c212 currentel c213 pan c214 uao c218 allint c230 icc_pmr_el1
c288 afsr0_el1 c289 afsr1_el1 c290 esr_el1 c298 erridr_el1 c299 errselr_el1 c2a0 erxfr_el1 c2a1 erxctlr_el1
c2a2 erxstatus_el1 c2a3 erxaddr_el1 c2a4 erxpfgf_el1 c2a5 erxpfgctl_el1 c2a6 erxpfgcdn_el1 c2a8 erxmisc0_el1
c2a9 erxmisc1_el1 c2aa erxmisc2_el1 c2ab erxmisc3_el1 c2b0 tfsr_el1 c2b1 tfsre0_el1 c300 far_el1
c309 prenr_el1 c311 prselr_el1 c340 prbar_el1 c341 prlar_el1 c344 prbar1_el1 c345 prlar1_el1 c348 prbar2_el1
c349 prlar2_el1 c34c prbar3_el1 c34d prlar3_el1 c350 prbar4_el1 c351 prlar4_el1 c354 prbar5_el1
c355 prlar5_el1 c358 prbar6_el1 c359 prlar6_el1 c35c prbar7_el1 c35d prlar7_el1 c360 prbar8_el1
c361 prlar8_el1 c364 prbar9_el1 c365 prlar9_el1 c368 prbar10_el1 c369 prlar10_el1 c36c prbar11_el1
c36d prlar11_el1 c370 prbar12_el1 c371 prlar12_el1 c374 prbar13_el1 c375 prlar13_el1 c378 prbar14_el1
c379 prlar14_el1 c37c prbar15_el1 c37d prlar15_el1 c3a0 par_el1 c4c8 pmscr_el1 c4c9 pmsnevfr_el1
c4ca pmsicr_el1 c4cb pmsirr_el1 c4cc pmsfcr_el1 c4cd pmsevfr_el1 c4ce pmslatfr_el1 c4cf pmsidr_el1
c4d0 pmblimitr_el1 c4d1 pmbptr_el1 c4d3 pmbsr_el1 c4d7 pmbidr_el1 c4d8 trblimitr_el1 c4d9 trbptr_el1
c4da trbbaser_el1 c4db trbsr_el1 c4dc trbmar_el1 c4de trbtrg_el1 c4df trbidr_el1 c4f1 pmintenset_el1
c4f2 pmintenclr_el1 c4f6 pmmir_el1 c510 mair_el1 c518 amair_el1 c520 lorsa_el1 c521 lorea_el1 c522 lorn_el1
c523 lorc_el1 c524 mpamidr_el1 c527 lorid_el1 c528 mpam1_el1 c529 mpam0_el1 c52b mpamsm_el1 c600 vbar_el1
c601 rvbar_el1 c602 rmr_el1 c608 isr_el1 c609 disr_el1 c640 icc_iar0_el1 c641 icc_eoir0_el1
c642 icc_hppir0_el1 c643 icc_bpr0_el1 c644 icc_ap0r0_el1 c645 icc_ap0r1_el1 c646 icc_ap0r2_el1
c647 icc_ap0r3_el1 c648 icc_ap1r0_el1 c649 icc_ap1r1_el1 c64a icc_ap1r2_el1 c64b icc_ap1r3_el1
c64d icc_nmiar1_el1 c659 icc_dir_el1 c65b icc_rpr_el1 c65d icc_sgi1r_el1 c65e icc_asgi1r_el1
c65f icc_sgi0r_el1 c660 icc_iar1_el1 c661 icc_eoir1_el1 c662 icc_hppir1_el1 c663 icc_bpr1_el1
c664 icc_ctlr_el1 c665 icc_sre_el1 c666 icc_igrpen0_el1 c667 icc_igrpen1_el1 c681 contextidr_el1
c684 tpidr_el1 c685 accdata_el1 c687 scxtnum_el1 c708 cntkctl_el1 c800 ccsidr_el1 c801 clidr_el1
c802 ccsidr2_el1 c804 gmid_el1 c806 smidr_el1 c807 aidr_el1 d000 csselr_el1 d801 ctr_el0 d807 dczid_el0
d920 rndr d921 rndrrs da10 nzcv da11 daif da12 svcr da15 dit da16 ssbs da17 tco da20 fpcr da21 fpsr
da28 dspsr_el0 da29 dlr_el0 dce0 pmcr_el0 dce1 pmcntenset_el0 dce2 pmcntenclr_el0 dce3 pmovsclr_el0
dce4 pmswinc_el0 dce5 pmselr_el0 dce6 pmceid0_el0 dce7 pmceid1_el0 dce8 pmccntr_el0 dce9 pmxevtyper_el0
dcea pmxevcntr_el0 dcf0 pmuserenr_el0 dcf3 pmovsset_el0 de82 tpidr_el0 de83 tpidrro_el0 de85 tpidr2_el0
de87 scxtnum_el0 de90 amcr_el0 de91 amcfgr_el0 de92 amcgcr_el0 de93 amuserenr_el0 de94 amcntenclr0_el0
de95 amcntenset0_el0 de96 amcg1idr_el0 de98 amcntenclr1_el0 de99 amcntenset1_el0 dea0 amevcntr00_el0
dea1 amevcntr01_el0 dea2 amevcntr02_el0 dea3 amevcntr03_el0 deb0 amevtyper00_el0 deb1 amevtyper01_el0
deb2 amevtyper02_el0 deb3 amevtyper03_el0 dee0 amevcntr10_el0 dee1 amevcntr11_el0 dee2 amevcntr12_el0
dee3 amevcntr13_el0 dee4 amevcntr14_el0 dee5 amevcntr15_el0 dee6 amevcntr16_el0 dee7 amevcntr17_el0
dee8 amevcntr18_el0 dee9 amevcntr19_el0 deea amevcntr110_el0 deeb amevcntr111_el0 deec amevcntr112_el0
deed amevcntr113_el0 deee amevcntr114_el0 deef amevcntr115_el0 def0 amevtyper10_el0 def1 amevtyper11_el0
def2 amevtyper12_el0 def3 amevtyper13_el0 def4 amevtyper14_el0 def5 amevtyper15_el0 def6 amevtyper16_el0
def7 amevtyper17_el0 def8 amevtyper18_el0 def9 amevtyper19_el0 defa amevtyper110_el0 defb amevtyper111_el0
defc amevtyper112_el0 defd amevtyper113_el0 defe amevtyper114_el0 deff amevtyper115_el0 df00 cntfrq_el0
df01 cntpct_el0 df02 cntvct_el0 df05 cntpctss_el0 df06 cntvctss_el0 df10 cntp_tval_el0 df11 cntp_ctl_el0
df12 cntp_cval_el0 df18 cntv_tval_el0 df19 cntv_ctl_el0 df1a cntv_cval_el0 df40 pmevcntr0_el0
df41 pmevcntr1_el0 df42 pmevcntr2_el0 df43 pmevcntr3_el0 df44 pmevcntr4_el0 df45 pmevcntr5_el0
df46 pmevcntr6_el0 df47 pmevcntr7_el0 df48 pmevcntr8_el0 df49 pmevcntr9_el0 df4a pmevcntr10_el0
df4b pmevcntr11_el0 df4c pmevcntr12_el0 df4d pmevcntr13_el0 df4e pmevcntr14_el0 df4f pmevcntr15_el0
df50 pmevcntr16_el0 df51 pmevcntr17_el0 df52 pmevcntr18_el0 df53 pmevcntr19_el0 df54 pmevcntr20_el0
df55 pmevcntr21_el0 df56 pmevcntr22_el0 df57 pmevcntr23_el0 df58 pmevcntr24_el0 df59 pmevcntr25_el0
df5a pmevcntr26_el0 df5b pmevcntr27_el0 df5c pmevcntr28_el0 df5d pmevcntr29_el0 df5e pmevcntr30_el0
df60 pmevtyper0_el0 df61 pmevtyper1_el0 df62 pmevtyper2_el0 df63 pmevtyper3_el0 df64 pmevtyper4_el0
df65 pmevtyper5_el0 df66 pmevtyper6_el0 df67 pmevtyper7_el0 df68 pmevtyper8_el0 df69 pmevtyper9_el0
df6a pmevtyper10_el0 df6b pmevtyper11_el0 df6c pmevtyper12_el0 df6d pmevtyper13_el0 df6e pmevtyper14_el0
df6f pmevtyper15_el0 df70 pmevtyper16_el0 df71 pmevtyper17_el0 df72 pmevtyper18_el0 df73 pmevtyper19_el0
df74 pmevtyper20_el0 df75 pmevtyper21_el0 df76 pmevtyper22_el0 df77 pmevtyper23_el0 df78 pmevtyper24_el0
df79 pmevtyper25_el0 df7a pmevtyper26_el0 df7b pmevtyper27_el0 df7c pmevtyper28_el0 df7d pmevtyper29_el0
df7e pmevtyper30_el0 df7f pmccfiltr_el0 e000 vpidr_el2 e004 mpuir_el2 e005 vmpidr_el2 e080 sctlr_el2
e081 actlr_el2 e088 hcr_el2 e089 mdcr_el2 e08a cptr_el2 e08b hstr_el2 e08c hfgrtr_el2 e08d hfgwtr_el2
e08e hfgitr_el2 e08f hacr_el2 e090 zcr_el2 e091 trfcr_el2 e092 hcrx_el2 e095 smprimap_el2 e096 smcr_el2
e099 sder32_el2 e100 ttbr0_el2 e101 ttbr1_el2 e102 tcr_el2 e108 vttbr_el2 e10a vtcr_el2 e110 vncr_el2
e130 vsttbr_el2 e132 vstcr_el2 e180 dacr32_el2 e18c hdfgrtr_el2 e18d hdfgwtr_el2 e18e hafgrtr_el2
e200 spsr_el2 e201 elr_el2 e208 sp_el1 e218 spsr_irq e219 spsr_abt e21a spsr_und e21b spsr_fiq
e281 ifsr32_el2 e288 afsr0_el2 e289 afsr1_el2 e290 esr_el2 e293 vsesr_el2 e298 fpexc32_el2 e2b0 tfsr_el2
e300 far_el2 e304 hpfar_el2 e309 prenr_el2 e311 prselr_el2 e340 prbar_el2 e341 prlar_el2 e344 prbar1_el2
e345 prlar1_el2 e348 prbar2_el2 e349 prlar2_el2 e34c prbar3_el2 e34d prlar3_el2 e350 prbar4_el2
e351 prlar4_el2 e354 prbar5_el2 e355 prlar5_el2 e358 prbar6_el2 e359 prlar6_el2 e35c prbar7_el2
e35d prlar7_el2 e360 prbar8_el2 e361 prlar8_el2 e364 prbar9_el2 e365 prlar9_el2 e368 prbar10_el2
e369 prlar10_el2 e36c prbar11_el2 e36d prlar11_el2 e370 prbar12_el2 e371 prlar12_el2 e374 prbar13_el2
e375 prlar13_el2 e378 prbar14_el2 e379 prlar14_el2 e37c prbar15_el2 e37d prlar15_el2 e4c8 pmscr_el2
e510 mair_el2 e518 amair_el2 e520 mpamhcr_el2 e521 mpamvpmv_el2 e528 mpam2_el2 e530 mpamvpm0_el2
e531 mpamvpm1_el2 e532 mpamvpm2_el2 e533 mpamvpm3_el2 e534 mpamvpm4_el2 e535 mpamvpm5_el2 e536 mpamvpm6_el2
e537 mpamvpm7_el2 e600 vbar_el2 e601 rvbar_el2 e602 rmr_el2 e609 vdisr_el2 e640 ich_ap0r0_el2
e641 ich_ap0r1_el2 e642 ich_ap0r2_el2 e643 ich_ap0r3_el2 e648 ich_ap1r0_el2 e649 ich_ap1r1_el2
e64a ich_ap1r2_el2 e64b ich_ap1r3_el2 e64d icc_sre_el2 e658 ich_hcr_el2 e659 ich_vtr_el2 e65a ich_misr_el2
e65b ich_eisr_el2 e65d ich_elrsr_el2 e65f ich_vmcr_el2 e660 ich_lr0_el2 e661 ich_lr1_el2 e662 ich_lr2_el2
e663 ich_lr3_el2 e664 ich_lr4_el2 e665 ich_lr5_el2 e666 ich_lr6_el2 e667 ich_lr7_el2 e668 ich_lr8_el2
e669 ich_lr9_el2 e66a ich_lr10_el2 e66b ich_lr11_el2 e66c ich_lr12_el2 e66d ich_lr13_el2 e66e ich_lr14_el2
e66f ich_lr15_el2 e681 contextidr_el2 e682 tpidr_el2 e687 scxtnum_el2 e6c0 amevcntvoff00_el2
e6c1 amevcntvoff01_el2 e6c2 amevcntvoff02_el2 e6c3 amevcntvoff03_el2 e6c4 amevcntvoff04_el2
e6c5 amevcntvoff05_el2 e6c6 amevcntvoff06_el2 e6c7 amevcntvoff07_el2 e6c8 amevcntvoff08_el2
e6c9 amevcntvoff09_el2 e6ca amevcntvoff010_el2 e6cb amevcntvoff011_el2 e6cc amevcntvoff012_el2
e6cd amevcntvoff013_el2 e6ce amevcntvoff014_el2 e6cf amevcntvoff015_el2 e6d0 amevcntvoff10_el2
e6d1 amevcntvoff11_el2 e6d2 amevcntvoff12_el2 e6d3 amevcntvoff13_el2 e6d4 amevcntvoff14_el2
e6d5 amevcntvoff15_el2 e6d6 amevcntvoff16_el2 e6d7 amevcntvoff17_el2 e6d8 amevcntvoff18_el2
e6d9 amevcntvoff19_el2 e6da amevcntvoff110_el2 e6db amevcntvoff111_el2 e6dc amevcntvoff112_el2
e6dd amevcntvoff113_el2 e6de amevcntvoff114_el2 e6df amevcntvoff115_el2 e703 cntvoff_el2 e706 cntpoff_el2
e708 cnthctl_el2 e710 cnthp_tval_el2 e711 cnthp_ctl_el2 e712 cnthp_cval_el2 e718 cnthv_tval_el2
e719 cnthv_ctl_el2 e71a cnthv_cval_el2 e720 cnthvs_tval_el2 e721 cnthvs_ctl_el2 e722 cnthvs_cval_el2
e728 cnthps_tval_el2 e729 cnthps_ctl_el2 e72a cnthps_cval_el2 e880 sctlr_el12 e882 cpacr_el12 e890 zcr_el12
e891 trfcr_el12 e896 smcr_el12 e900 ttbr0_el12 e901 ttbr1_el12 e902 tcr_el12 ea00 spsr_el12 ea01 elr_el12
ea88 afsr0_el12 ea89 afsr1_el12 ea90 esr_el12 eab0 tfsr_el12 eb00 far_el12 ecc8 pmscr_el12 ed10 mair_el12
ed18 amair_el12 ed28 mpam1_el12 ee00 vbar_el12 ee81 contextidr_el12 ee87 scxtnum_el12 ef08 cntkctl_el12
ef10 cntp_tval_el02 ef11 cntp_ctl_el02 ef12 cntp_cval_el02 ef18 cntv_tval_el02 ef19 cntv_ctl_el02
ef1a cntv_cval_el02 f080 sctlr_el3 f081 actlr_el3 f088 scr_el3 f089 sder32_el3 f08a cptr_el3 f090 zcr_el3
f096 smcr_el3 f099 mdcr_el3 f100 ttbr0_el3 f102 tcr_el3 f10c gptbr_el3 f10e gpccr_el3 f200 spsr_el3
f201 elr_el3 f208 sp_el2 f288 afsr0_el3 f289 afsr1_el3 f290 esr_el3 f2b0 tfsr_el3 f300 far_el3 f305 mfar_el3
f510 mair_el3 f518 amair_el3 f528 mpam3_el3 f600 vbar_el3 f601 rvbar_el3 f602 rmr_el3 f664 icc_ctlr_el3
f665 icc_sre_el3 f667 icc_igrpen1_el3 f682 tpidr_el3 f687 scxtnum_el3 ff10 cntps_tval_el1 ff11 cntps_ctl_el1
ff12 cntps_cval_el1
`;
