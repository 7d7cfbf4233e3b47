// The instruction table: every group's entries, in one list, and the decoder built from it.
import type { InsnDef } from './table.js';
import { Decoder } from './decoder.js';
import { dpImm } from './groups/dp_imm.js';
import { dpReg } from './groups/dp_reg.js';
import { ldst } from './groups/ldst.js';
import { branch } from './groups/branch.js';
import { system } from './groups/system.js';
import { simd } from './groups/simd.js';

export const INSTRUCTIONS: InsnDef[] = [...dpImm, ...dpReg, ...ldst, ...branch, ...system, ...simd];

let decoder: Decoder | undefined;
/** The decoder over the whole table (built once, on first use). */
export function getDecoder(): Decoder { return (decoder ??= new Decoder(INSTRUCTIONS)); }
