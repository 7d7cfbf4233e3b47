// Runtime helpers of the branch group (merged into H; called from generated code as H.name(cpu, …)).
import type { Cpu } from '../../cpu/state.js';

export const branchHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {
  /** ERET: the environment restores PSTATE and returns ELR; without an exception model
   *  (Linux user mode, EL0) the instruction is UNDEFINED. */
  eret(cpu: Cpu, pc: number): number {
    const env = cpu.env;
    return env.eret ? env.eret(pc) : env.undefinedInsn(pc);
  },
};
