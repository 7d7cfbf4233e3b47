// Loads and stores of general registers: single, pair, exclusive, acquire/release, unprivileged, literal, prfm.
import type { InsnDef } from '../table.js';

export const ldst: InsnDef[] = [];
