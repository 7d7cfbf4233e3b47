// Floating point and Advanced SIMD (FP/SIMD loads and stores included). The entries live in
// simd_*.ts by subgroup; this file only joins them and adds the FP/SIMD access check.
//
// The access check (CPACR_EL1.FPEN, src/sys/fpaccess.ts): when a system-mode environment exists
// in the process, every decode adds `fpc: 1` to the shape and every `sem` then starts with the
// `fp_check` effect, before any register, memory or FPSR effect, so a trapping instruction
// leaves nothing behind in either engine. Without one (Linux user mode) the shape and the IR are
// exactly those of the subgroup files: no cost at all.
import { withSystemCheck, type InsnDef } from '../table.js';
import { simdLdst } from './simd_ldst.js';
import { simdFp } from './simd_fp.js';
import { simdSame } from './simd_same.js';
import { simdMisc } from './simd_misc.js';
import { simdPerm } from './simd_perm.js';
import { simdShift } from './simd_shift.js';
import { simdWide } from './simd_wide.js';
import { simdElem } from './simd_elem.js';
import { simdCrypto } from './simd_crypto.js';
import { withSpCheck } from './ldst.js';

/** Shape key of the access check (not a name any subgroup uses). */
export const FP_CHECK_SHAPE = 'fpc';

/** An entry with the FP/SIMD access check in front of its semantics. */
export function withFpCheck(def: InsnDef): InsnDef {
  return withSystemCheck(def, FP_CHECK_SHAPE, () => true, (b) => b.effect('fp_check'));
}

// SIMD&FP loads and stores check SP alignment too (ldst.ts), after the access check: the
// pseudocode calls CheckFPAdvSIMDEnabled64() before CheckSPAlignment().
export const simd: InsnDef[] = [
  ...simdLdst.map(withSpCheck), ...simdFp, ...simdSame, ...simdMisc, ...simdPerm, ...simdShift, ...simdWide, ...simdElem, ...simdCrypto,
].map(withFpCheck);
