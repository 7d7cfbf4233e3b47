// Runtime helpers of the system group (merged into H; called from generated code as H.name(cpu, …)).
import type { Cpu } from '../../cpu/state.js';

export const systemHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {};
