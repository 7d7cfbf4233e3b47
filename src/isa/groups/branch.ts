// Branches: b, bl, b.cond, cbz/cbnz, tbz/tbnz, br, blr, ret.
import type { InsnDef } from '../table.js';

export const branch: InsnDef[] = [];
