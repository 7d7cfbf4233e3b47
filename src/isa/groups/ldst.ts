// Loads and stores of general registers: single, pair, exclusive, acquire/release, unprivileged, literal, prfm.
//
// SP alignment checking (Arm ARM D1.8.2, SCTLR_EL1.SA / SA0): a load or store whose base is SP
// with SP not 16-byte aligned takes an SP alignment fault (EC 0x26) before the access. As with
// the FP/SIMD access check (simd.ts), the decode adds `spc: 1` to the shape only when a
// system-mode environment exists in the process and Rn = 31, and `sem` then begins with the
// `ldst_sp_check` effect: Linux user mode and non-SP bases get exactly the entries' IR.
import { withSystemCheck, type InsnDef } from '../table.js';
import { Kind } from './ldst_common.js';
import { ldstSingle } from './ldst_single.js';
import { ldstPair } from './ldst_pair.js';
import { ldstExcl } from './ldst_excl.js';

/** Shape key of the SP alignment check (not a name any entry uses). */
export const SP_CHECK_SHAPE = 'spc';

/** An entry whose SP-based forms check SP alignment first (prefetches do not: the pseudocode
 *  calls CheckSPAlignment only for memop != MemOp_PREFETCH). */
export function withSpCheck(def: InsnDef): InsnDef {
  return withSystemCheck(def, SP_CHECK_SHAPE, (f, d) => f.Rn === 31 && d.s?.k !== Kind.Prefetch, (b, o) => b.effect('ldst_sp_check', b.x(o.n)));
}

export const ldst: InsnDef[] = [...ldstSingle, ...ldstPair, ...ldstExcl].map(withSpCheck);
