// Runtime helpers of the dp_reg group (merged into H; called from generated code as H.name(cpu, …)).
import type { Cpu } from '../../cpu/state.js';

export const dpRegHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {};
