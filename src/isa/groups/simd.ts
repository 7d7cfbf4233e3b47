// Floating point and Advanced SIMD (FP/SIMD loads and stores included).
import type { InsnDef } from '../table.js';

export const simd: InsnDef[] = [];
