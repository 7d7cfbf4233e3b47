// Runtime helpers of the ldst group (merged into H; called from generated code as H.name(cpu, …)).
import type { Cpu } from '../../cpu/state.js';

export const ldstHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {};
