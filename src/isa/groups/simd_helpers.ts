// Runtime helpers of the simd group (merged into H; called from generated code as H.name(cpu, …)).
// Every name starts with v_, vN_, fp_, crypto_ or ldst_: such helpers never touch the general
// registers, NZCV or the environment (jit/insn.ts relies on that to keep registers in locals).
import type { Cpu } from '../../cpu/state.js';
import { vregHelpers } from './simd_ldst_helpers.js';
import { fpHelpers } from './simd_fp_helpers.js';
import { sameHelpers } from './simd_same_helpers.js';
import { miscHelpers } from './simd_misc_helpers.js';
import { permHelpers } from './simd_perm_helpers.js';
import { shiftHelpers } from './simd_shift_helpers.js';
import { wideHelpers } from './simd_wide_helpers.js';
import { elemHelpers } from './simd_elem_helpers.js';
import { cryptoHelpers } from './simd_crypto.js';
import { fpAccessCheck } from '../../sys/fpaccess.js';

export const simdHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {
  ...vregHelpers, ...fpHelpers, ...sameHelpers, ...miscHelpers, ...permHelpers, ...shiftHelpers, ...wideHelpers, ...elemHelpers, ...cryptoHelpers,
  /** The FP/SIMD access check (CPACR_EL1.FPEN) in front of every FP/SIMD instruction in system
   *  mode (simd.ts): throws the EC 0x07 trap. Touches only env.fpTrap / env.pendingSyndrome. */
  fp_check(cpu: Cpu): void { fpAccessCheck(cpu); },
};
