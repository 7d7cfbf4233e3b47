// Loads and stores of general registers: single, pair, exclusive, acquire/release, unprivileged, literal, prfm.
import type { InsnDef } from '../table.js';
import { ldstSingle } from './ldst_single.js';
import { ldstPair } from './ldst_pair.js';
import { ldstExcl } from './ldst_excl.js';

export const ldst: InsnDef[] = [...ldstSingle, ...ldstPair, ...ldstExcl];
