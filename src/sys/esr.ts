// Exception syndromes (ESR_EL1) as the Arm ARM defines them (DDI 0487, D17.2.37 ESR_EL1):
// EC in bits 31:26, IL in bit 25 (always 1 here: every A64 instruction is 32 bits, and IL is
// also 1 for aborts, PC/SP alignment and Unknown-reason exceptions), ISS in bits 24:0.

export const EC = {
  UNKNOWN: 0x00,
  WFX: 0x01,
  FP_ACCESS: 0x07,
  ILLEGAL_STATE: 0x0e,
  SVC64: 0x15,
  HVC64: 0x16,
  SMC64: 0x17,
  SYSREG: 0x18,
  IABT_LOWER: 0x20,
  IABT_SAME: 0x21,
  PC_ALIGN: 0x22,
  DABT_LOWER: 0x24,
  DABT_SAME: 0x25,
  SP_ALIGN: 0x26,
  SERROR: 0x2f,
  BRK64: 0x3c,
} as const;

const IL = 1 << 25;

/** A syndrome word from EC and ISS. */
export const syndrome = (ec: number, iss = 0): number => ((ec << 26) | IL | (iss & 0x1ffffff)) >>> 0;

/** Fault status codes (DFSC/IFSC, ISS bits 5:0) for the VMSAv8-64 long-descriptor format. */
export const FSC = {
  addressSize: (level: number) => 0x00 | (level & 3),
  translation: (level: number) => 0x04 | (level & 3),
  accessFlag: (level: number) => 0x08 | (level & 3),
  permission: (level: number) => 0x0c | (level & 3),
  EXTERNAL: 0x10,
  externalOnWalk: (level: number) => 0x14 | (level & 3),
  ALIGNMENT: 0x21,
} as const;

/** ISS of a data abort: WnR (6), EA (9), CM (8), S1PTW (7), FnV (10), DFSC (5:0); ISV = 0
 *  (no instruction syndrome: allowed for stage-1 aborts taken to EL1). */
export function dataAbortIss(fsc: number, write: boolean, ea = false): number {
  return (fsc & 0x3f) | (write ? 1 << 6 : 0) | (ea ? 1 << 9 : 0);
}

/** ISS of an instruction abort: EA (9), IFSC (5:0). */
export function insnAbortIss(fsc: number, ea = false): number {
  return (fsc & 0x3f) | (ea ? 1 << 9 : 0);
}

/** ISS of a trapped MSR/MRS/SYS (EC 0x18): Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, Rt 9:5,
 *  CRm 4:1, Direction 0 (1 = read). `enc` is op0:op1:CRn:CRm:op2 as 16 bits. */
export function sysregIss(enc: number, rt: number, read: boolean): number {
  const op0 = enc >>> 14, op1 = (enc >>> 11) & 7, crn = (enc >>> 7) & 15, crm = (enc >>> 3) & 15, op2 = enc & 7;
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | ((rt & 31) << 5) | (crm << 1) | (read ? 1 : 0);
}

/** ISS of a trapped WFI/WFE from AArch64: CV = 1, COND = 0b1110 (as QEMU reports), TI (0 WFI, 1 WFE). */
export const wfxIss = (wfe: boolean): number => (1 << 24) | (0xe << 20) | (wfe ? 1 : 0);

/** ISS of an FP/SIMD access trap from AArch64 (CV = 1, COND = 0b1110, as QEMU reports). */
export const FP_ACCESS_ISS = (1 << 24) | (0xe << 20);
