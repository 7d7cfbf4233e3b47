// The FP/SIMD access check (CPACR_EL1.FPEN) for the SIMD instruction group to call. In system
// mode the environment keeps `fpTrap` up to date (CPACR writes, EL changes); in Linux user mode
// there is no such field and nothing traps. A trapped instruction raises EC 0x07 through the
// UndefinedInstruction route, so both engines write their registers back before the exception.
//
// Cost: the check is compiled into FP/SIMD handlers only once a system-mode environment exists
// in this process (`fpTrapsPossible`, set by SysEnv's constructor). The SIMD group's decoders
// add it to the instruction's shape, so handlers built before and after never mix: user-mode
// code that runs in a process without a SysEnv pays nothing.
import { UndefinedInstruction, type Cpu } from '../cpu/state.js';
import { EC, FP_ACCESS_ISS, syndrome } from './esr.js';

interface FpEnv { fpTrap?: boolean; pendingSyndrome?: number }

/** Whether FP/SIMD handlers need the access check (a system-mode environment was created). */
export let fpTrapsPossible = false;
/** Called by the system-mode environment before it runs any code. */
export function enableFpTraps(): void { fpTrapsPossible = true; }

/** Throws (FP/SIMD access trap) when FP/SIMD instructions are disabled at the current EL. Call
 *  it before an FP/SIMD instruction has any effect. */
export function fpAccessCheck(cpu: Cpu): void {
  const env = cpu.env as unknown as FpEnv;
  if (env.fpTrap !== true) return;
  env.pendingSyndrome = syndrome(EC.FP_ACCESS, FP_ACCESS_ISS);
  throw new UndefinedInstruction();
}

/** Whether FP/SIMD instructions trap right now (cheap: one property read). */
export const fpTrapped = (cpu: Cpu): boolean => (cpu.env as unknown as FpEnv).fpTrap === true;
