// Runtime helpers of the branch group (merged into H; called from generated code as H.name(cpu, …)).
import type { Cpu } from '../../cpu/state.js';

export const branchHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {};
