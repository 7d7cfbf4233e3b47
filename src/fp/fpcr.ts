// FPCR/FPSR bits, floating-point formats and rounding modes (Arm ARM, "FPCR", "FPSR",
// "Floating-point data types"). The FP library works on raw bit patterns as BigInt (the slow,
// general path) and reports exceptions by OR-ing cumulative flags into ctx.fpsr.

/** What an FP operation reads and updates: FPCR controls, FPSR cumulative flags. */
export interface FPCtx { fpcr: number; fpsr: number }

// FPCR
export const FPCR_AHP = 1 << 26;
export const FPCR_DN = 1 << 25;
export const FPCR_FZ = 1 << 24;
export const FPCR_RMODE_SHIFT = 22;
// FPSR cumulative exception bits
export const IOC = 1 << 0;   // invalid operation
export const DZC = 1 << 1;   // division by zero
export const OFC = 1 << 2;   // overflow
export const UFC = 1 << 3;   // underflow
export const IXC = 1 << 4;   // inexact
export const IDC = 1 << 7;   // input denormal (flushed to zero)
export const QC = 1 << 27;   // saturation (Advanced SIMD integer)

/** FPRounding: the first four match FPCR.RMode. */
export const enum RM { TIEEVEN = 0, POSINF = 1, NEGINF = 2, ZERO = 3, TIEAWAY = 4, ODD = 5 }
export const fpcrRounding = (fpcr: number): RM => ((fpcr >>> FPCR_RMODE_SHIFT) & 3) as RM;

/** A binary floating-point format: N bits, E exponent bits, F fraction bits. */
export interface Fmt {
  readonly N: number; readonly E: number; readonly F: number;
  readonly bias: number;
  /** Minimum normal exponent (1 - bias). */
  readonly emin: number;
  readonly expMax: bigint;       // all-ones exponent field
  readonly fracMask: bigint;
  readonly signBit: bigint;
  readonly quietBit: bigint;
}
function fmt(N: number, E: number): Fmt {
  const F = N - E - 1, bias = (1 << (E - 1)) - 1;
  return {
    N, E, F, bias, emin: 1 - bias, expMax: (1n << BigInt(E)) - 1n, fracMask: (1n << BigInt(F)) - 1n,
    signBit: 1n << BigInt(N - 1), quietBit: 1n << BigInt(F - 1),
  };
}
export const F16 = fmt(16, 5);
export const F32 = fmt(32, 8);
export const F64 = fmt(64, 11);
/** Format for a log2 byte size (1 = half, 2 = single, 3 = double). */
export const fmtOf = (lg: number): Fmt => (lg === 1 ? F16 : lg === 2 ? F32 : F64);
