// Data processing — register: shifted/extended add/sub, logical, adc/sbc, ccmp/ccmn, conditional select, 1- and 2-source, 3-source (multiply), crc32.
import type { InsnDef } from '../table.js';

export const dpReg: InsnDef[] = [];
