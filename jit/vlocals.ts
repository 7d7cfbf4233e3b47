// SIMD&FP register words in unit locals. The int32 view cpu.V and the float views cpu.VF32 /
// cpu.VF64 share one buffer, so a word can live in a JS local only when the unit reaches it
// through one view alone: int32 words (`v3_1`, an int32), single lanes (`v3s1`, a double holding
// a float32 value) and double lanes (`v3d0`, covering words 0 and 1). Words reached through two
// views (an LDR d0 moves int words, an FADD d0 reads the double lane) stay in memory. (Keeping
// those in a float local too — int writes stored to memory and the local reloaded, int reads
// after storing the local — measured slower on fft and matmul: the reload of a double right
// after two word stores cannot be store-forwarded.)
//
// NaN bits: a float local is written back only when it is no NaN. Values the IR writes to float
// lanes are never NaN (the fast paths of simd_fpir.ts guard against NaN results; NaN bits move
// through the int view), so a NaN in a float local is one loaded from memory and memory still
// holds its exact bits — a float32 signalling NaN widened to a double is quietened, and must
// not be stored back.
import type { Stmt } from '../src/ir/ir.js';
import { liveValues } from '../src/ir/codegen.js';
import { ConstEval, helperTouchesV, type Insn } from './insn.js';

const INT = 1, F32 = 2, F64 = 4;
export type VKind = 'i' | 's' | 'd';
export const V_WORDS = 32 * 4;
/** Most V local words handed over (stored and reloaded) around helper calls in one unit. */
export const HANDOVER_BUDGET = 1024;

/** Local name of word `w` (= 4 × register + word) kept as `kind`; a double lane is named by
 *  either of its words. */
export function vLocal(w: number, kind: VKind): string {
  const r = w >> 2, i = w & 3;
  return kind === 'i' ? `v${r}_${i}` : kind === 's' ? `v${r}s${i}` : `v${r}d${i >> 1}`;
}

/** Which view the unit reaches each V word through. */
export class VPlan {
  private readonly views = new Uint8Array(V_WORDS);
  /** An access with a register number not known at compile time: every word stays in memory. */
  unknown = false;
  /** Calls of helpers that may touch any V register: each hands every V local over and back. */
  private fullCalls = 0;

  /** Records the V accesses of one instruction's IR (dead reads are not emitted: not counted). */
  add(insn: Insn, stmts: Stmt[]): void {
    for (const s of stmts) {
      const fn = helperCalled(s);
      if (fn !== undefined && helperTouchesV(fn)) this.fullCalls++;
    }
    for (const a of vAccesses(stmts, insn, true)) {
      const r = a.r;
      if (r === undefined) { this.unknown = true; continue; }
      if (a.lg === 3) { this.views[r * 4 + 2 * a.i] |= F64; this.views[r * 4 + 2 * a.i + 1] |= F64; }
      else this.views[r * 4 + a.i] |= a.lg === 2 ? F32 : INT;
    }
  }

  /** Whether any word can be kept in a local. Not when the handovers around helpers would grow
   *  the unit by more than HANDOVER_BUDGET words: a function whose bytecode grows past V8's limit
   *  for optimisation (60 KiB) never leaves the bytecode interpreter. */
  any(): boolean {
    if (this.anyMemo === undefined) {
      let words = 0;
      for (let w = 0; w < V_WORDS; w++) if (this.kind(w) !== undefined) words++;
      this.anyMemo = words > 0 && words * this.fullCalls <= HANDOVER_BUDGET;
    }
    return this.anyMemo;
  }
  private anyMemo: boolean | undefined;

  /** How word `w` is kept: in a local of that kind, or undefined (memory). */
  kind(w: number): VKind | undefined {
    if (this.unknown || this.anyMemo === false) return undefined;
    switch (this.views[w]) {
      case INT: return 'i';
      case F32: return 's';
      case F64: return this.views[w ^ 1] === F64 ? 'd' : undefined;
      default: return undefined;
    }
  }
}

/** The helper a statement calls (effect, exit or a call value), if any. */
export function helperCalled(s: Stmt): string | undefined {
  return s.k === 'effect' || s.k === 'exit' ? s.fn : s.k === 'let' && s.node.k === 'call' ? s.node.fn : undefined;
}

/** One V register access of an instruction's IR: register (undefined: not a constant 0..31),
 *  word or lane index, view (0 int32 word, 2 single lane, 3 double lane), whether it writes. */
export interface VAccess { r: number | undefined; i: number; lg: 0 | 2 | 3; write: boolean }

/** The V accesses of one instruction's IR, in order; `liveOnly`: without reads whose value is
 *  dead (the generated code drops them). */
export function vAccesses(stmts: Stmt[], insn: Insn, liveOnly: boolean): VAccess[] {
  const out: VAccess[] = [];
  let ev: ConstEval | undefined;
  const live = liveOnly ? liveValues(stmts) : undefined;
  const reg = (rv: Parameters<ConstEval['value']>[0]) => {
    const r = (ev ??= new ConstEval(stmts, insn.ops, insn.pc)).value(rv);
    return typeof r === 'number' && r >= 0 && r <= 31 ? r : undefined;
  };
  for (const s of stmts) {
    if (s.k === 'setV') out.push({ r: reg(s.r), i: s.i, lg: 0, write: true });
    else if (s.k === 'setVF') out.push({ r: reg(s.r), i: s.i, lg: s.lg, write: true });
    else if (s.k === 'let' && (s.node.k === 'getV' || s.node.k === 'getVF') && (!live || live.has(s.v.id))) {
      out.push({ r: reg(s.node.r), i: s.node.i, lg: s.node.k === 'getVF' ? s.node.lg : 0, write: false });
    }
  }
  return out;
}
