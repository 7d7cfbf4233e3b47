// System: exception generation (svc/hvc/smc/brk/hlt), hints, barriers, clrex, msr (immediate), mrs/msr (register), sys/sysl (dc zva, ic, …).
import type { InsnDef } from '../table.js';

export const system: InsnDef[] = [];
