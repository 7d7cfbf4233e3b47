// Dead flag elimination over one block: a setFlags component that is overwritten before anything
// can observe it (a flag read, a memory access or helper that may raise an exception, an exit,
// the end of the block) is not computed. V8 drops dead pure values only once it optimises a
// function; doing it here also spares the bytecode tiers and keeps flag locals out of the loop.
import type { FlagName, Stmt, Val } from '../src/ir/ir.js';
import { DEAD_FLAG } from './jitcodegen.js';
import { PURE_HELPERS } from './insn.js';

const BIT: Record<FlagName, number> = { n: 1, z: 2, c: 4, v: 8 };
export const ALL_FLAGS = 15;

let deadId = -1;

/** The statements of each instruction with dead flag components replaced by DEAD_FLAG
 *  constants; `liveOut` is the set of flags observable after the block (a bit mask). */
export function removeDeadFlags(insns: Stmt[][], liveOut = ALL_FLAGS): { stmts: Stmt[][]; removed: number } {
  let live = liveOut, removed = 0;
  const out: Stmt[][] = new Array(insns.length);
  for (let i = insns.length - 1; i >= 0; i--) {
    const src = insns[i];
    let copy: Stmt[] | undefined;
    for (let j = src.length - 1; j >= 0; j--) {
      const s = src[j];
      switch (s.k) {
        case 'setFlags': {
          const dead = (['n', 'z', 'c', 'v'] as FlagName[]).filter((f) => !(live & BIT[f]));
          if (dead.length) {
            copy ??= src.slice();
            const d: Val = { id: deadId--, ty: 'bool' };
            const pick = (f: FlagName, v: Val) => (live & BIT[f] ? v : d);
            copy.splice(j, 1,
              { k: 'let', v: d, node: { k: 'const', lo: DEAD_FLAG, hi: 0 } },
              { k: 'setFlags', n: pick('n', s.n), z: pick('z', s.z), c: pick('c', s.c), v: pick('v', s.v) });
            removed += dead.length;
          }
          live = 0;
          break;
        }
        case 'let':
          if (s.node.k === 'getFlag') live |= BIT[s.node.flag];
          else if (s.node.k === 'load' || (s.node.k === 'call' && !PURE_HELPERS.has(s.node.fn))) live = ALL_FLAGS;
          break;
        case 'store': case 'effect': case 'exit': live = ALL_FLAGS; break;
        case 'jump': live |= liveOut; break;
        case 'setReg': break;
      }
    }
    out[i] = copy ?? src;
  }
  return { stmts: out, removed };
}
