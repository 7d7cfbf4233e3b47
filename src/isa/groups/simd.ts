// Floating point and Advanced SIMD (FP/SIMD loads and stores included). The entries live in
// simd_*.ts by subgroup; this file only joins them.
import type { InsnDef } from '../table.js';
import { simdLdst } from './simd_ldst.js';
import { simdFp } from './simd_fp.js';
import { simdSame } from './simd_same.js';
import { simdMisc } from './simd_misc.js';
import { simdPerm } from './simd_perm.js';
import { simdShift } from './simd_shift.js';
import { simdWide } from './simd_wide.js';
import { simdElem } from './simd_elem.js';
import { simdCrypto } from './simd_crypto.js';

export const simd: InsnDef[] = [
  ...simdLdst, ...simdFp, ...simdSame, ...simdMisc, ...simdPerm, ...simdShift, ...simdWide, ...simdElem, ...simdCrypto,
];
