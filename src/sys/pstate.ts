// PSTATE outside NZCV (which lives in cpu.R[70..73]): the fields an AArch64-only EL0/EL1 CPU has,
// and their packing into SPSR_EL1 (Arm ARM C5.2.18): N Z C V 31:28, SS 21, IL 20, D A I F 9:6,
// M[4] = 0 (AArch64), M[3:0] = EL << 2 | SPSel.

/** DAIF bits in the positions of the DAIF register and SPSR. */
export const DAIF_D = 1 << 9, DAIF_A = 1 << 8, DAIF_I = 1 << 7, DAIF_F = 1 << 6;
export const DAIF_MASK = 0x3c0;
export const SPSR_SS = 1 << 21, SPSR_IL = 1 << 20;

export interface Pstate {
  el: number;
  spsel: number;
  daif: number;
  ss: number;
  il: number;
}

/** SPSR value of `p` with flags `nzcv` (bits 31:28). */
export function packSpsr(p: Pstate, nzcv: number): number {
  return ((nzcv & 0xf0000000) | (p.ss ? SPSR_SS : 0) | (p.il ? SPSR_IL : 0) | (p.daif & DAIF_MASK) | (p.el << 2) | p.spsel) >>> 0;
}

/** The mode an SPSR's M[4:0] names, or null if returning to it is illegal for this CPU
 *  (AArch32, EL2/EL3, or the reserved EL0 with SPSel = 1). */
export function spsrMode(spsr: number): { el: number; spsel: number } | null {
  const m = spsr & 0x1f;
  if (m === 0b00000) return { el: 0, spsel: 0 };
  if (m === 0b00100) return { el: 1, spsel: 0 };
  if (m === 0b00101) return { el: 1, spsel: 1 };
  return null;
}
