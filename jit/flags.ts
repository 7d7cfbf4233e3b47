// Dead flag elimination over one block: a setFlags component that is overwritten before anything
// can observe it (a flag read, a memory access or helper that may raise an exception, an exit,
// the end of the block) is not computed. V8 drops dead pure values only once it optimises a
// function; doing it here also spares the bytecode tiers and keeps flag locals out of the loop.
import type { FlagName, Node, Stmt, Val } from '../src/ir/ir.js';
import { DEAD_FLAG } from './jitcodegen.js';
import { PURE_HELPERS } from './insn.js';

const BIT: Record<FlagName, number> = { n: 1, z: 2, c: 4, v: 8 };
export const ALL_FLAGS = 15;

// Ids of the values the flag passes add: negative (the IR's are ≥ 0), unique within an
// instruction (all they need be), and small integers. An id outside V8's small-integer range
// (±2^30) once changed the field representation of every IR value object: their maps became
// deprecated, which aborted V8's optimising compiles of whatever units it had under way (fft's
// main unit lost two compiles of ~150 ms each) and made V8 migrate thousands of objects.
const ID_SPAN = 2 ** 28;
let deadCount = 0, lazyCount = 0;
const deadId = (): number => -1 - (deadCount++ % ID_SPAN);                 // -1 … -2^28
const lazyId = (): number => -1 - ID_SPAN - (lazyCount++ % ID_SPAN);       // below those

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
            const d: Val = { id: deadId(), ty: 'bool' };
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

// ----- Lazy NZCV
// A flag-setting ADDS/SUBS (CMP, CMN) or ANDS/BICS (TST) does not compute N, Z, C and V: it
// keeps its operands and result in unit locals (fa0/fa1, fb0/fb1, fr0/fr1) and the kind of the
// operation in `fk`. A B.cond that reads them right after (same block) compares the operands
// directly (`b.gt` after `cmp` → a signed 64-bit a > b); any other read derives the flag it needs
// from the saved values; NZCV is materialised (fk → 0) only where the unit hands its state over
// (exits, the fault handler, helpers) or reads a flag where the kind is not known statically.

/** Kinds of the lazy flag state; 0 means nf/zf/cf/vf hold the flags. */
export const enum LazyKind { None = 0, Sub64 = 1, Sub32 = 2, Add64 = 3, Add32 = 4, Logic64 = 5, Logic32 = 6 }
/** Pseudo helpers the lazy pass writes into the IR, generated inline by JitCodegen. */
export const LAZY_SET = '$lazyFlags';
export const LAZY_COND = '$lazyCond';

const lt32u = (a: number, b: number) => (a >>> 0) < (b >>> 0);
/** NZCV (N in bit 3 … V in bit 0) of a lazy state: AddWithCarry of the Arm ARM for the
 *  add (cin 0) and subtract (a + NOT(b) + 1) kinds, N and Z of the result with C = V = 0 for the
 *  logical kind. Used where the flags must be materialised. */
export function lazyNZCV(k: number, a0: number, a1: number, b0: number, b1: number, r0: number, r1: number): number {
  let n = 0, z = 0, c = 0, v = 0;
  switch (k) {
    case LazyKind.Sub64: r0 = (a0 - b0) | 0; r1 = (a1 - b1 - (lt32u(a0, b0) ? 1 : 0)) | 0; n = r1 >>> 31; z = (r0 | r1) === 0 ? 1 : 0; c = lt32u(a1, b1) || (a1 === b1 && lt32u(a0, b0)) ? 0 : 1; v = ((a1 ^ b1) & (a1 ^ r1)) >>> 31; break;
    case LazyKind.Sub32: r0 = (a0 - b0) | 0; n = r0 >>> 31; z = r0 === 0 ? 1 : 0; c = lt32u(a0, b0) ? 0 : 1; v = ((a0 ^ b0) & (a0 ^ r0)) >>> 31; break;
    case LazyKind.Add64: n = r1 >>> 31; z = (r0 | r1) === 0 ? 1 : 0; c = lt32u(r1, a1) || (r1 === a1 && lt32u(r0, a0)) ? 1 : 0; v = ((a1 ^ r1) & (b1 ^ r1)) >>> 31; break;
    case LazyKind.Add32: n = r0 >>> 31; z = r0 === 0 ? 1 : 0; c = lt32u(r0, a0) ? 1 : 0; v = ((a0 ^ r0) & (b0 ^ r0)) >>> 31; break;
    case LazyKind.Logic64: n = r1 >>> 31; z = (r0 | r1) === 0 ? 1 : 0; break;
    case LazyKind.Logic32: n = r0 >>> 31; z = r0 === 0 ? 1 : 0; break;
    default: return 0;
  }
  return (n << 3) | (z << 2) | (c << 1) | v;
}

const fresh = (ty: Val['ty']): Val => ({ id: lazyId(), ty });

/** The lazy form of one instruction's flag update, when its setFlags is AddWithCarry with a
 *  constant carry-in (ADDS/SUBS/CMP/CMN) or N/Z of a result with C = V = 0 (ANDS/TST). */
function lazySetter(orig: Stmt[]): { kind: LazyKind; after: number; extra: Stmt[]; args: Val[] } | undefined {
  const defs = new Map<number, Node>();
  let set: Extract<Stmt, { k: 'setFlags' }> | undefined, count = 0;
  for (const s of orig) {
    if (s.k === 'let') defs.set(s.v.id, s.node);
    else if (s.k === 'setFlags') { set = s; count++; }
  }
  if (!set || count !== 1) return undefined;
  const nN = defs.get(set.n.id), zN = defs.get(set.z.id), cN = defs.get(set.c.id), vN = defs.get(set.v.id);
  if (nN?.k !== 'cmp' || nN.op !== 'slt' || zN?.k !== 'cmp' || zN.op !== 'eq' || nN.a.id !== zN.a.id) return undefined;
  const r = nN.a;
  const isZero = (v: Val) => { const d = defs.get(v.id); return d?.k === 'const' && d.lo === 0 && (v.ty !== 'i64' || d.hi === 0); };
  if (!isZero(nN.b) || !isZero(zN.b)) return undefined;
  const wide = r.ty === 'i64';
  const after = orig.findIndex((s) => s.k === 'let' && s.v.id === r.id);
  if (after < 0) return undefined;
  if (cN?.k === 'const' && cN.lo === 0 && vN?.k === 'const' && vN.lo === 0) {
    const k = fresh('i32');
    return { kind: wide ? LazyKind.Logic64 : LazyKind.Logic32, after, extra: [{ k: 'let', v: k, node: { k: 'const', lo: wide ? LazyKind.Logic64 : LazyKind.Logic32, hi: 0 } }], args: [k, r] };
  }
  const rN = defs.get(r.id);
  if (rN?.k !== 'adc' || cN?.k !== 'adcFlag' || vN?.k !== 'adcFlag' || cN.r.id !== r.id || vN.r.id !== r.id || cN.flag !== 'c' || vN.flag !== 'v') return undefined;
  const cin = defs.get(rN.cin.id);
  if (cin?.k !== 'const') return undefined;
  const extra: Stmt[] = [];
  let kind: LazyKind, y: Val;
  if (cin.lo === 0) { kind = wide ? LazyKind.Add64 : LazyKind.Add32; y = rN.b; }
  else {
    kind = wide ? LazyKind.Sub64 : LazyKind.Sub32;
    const bN = defs.get(rN.b.id);
    if (bN?.k === 'un' && bN.op === 'not') y = bN.a;
    else if (bN?.k === 'const') { y = fresh(rN.b.ty); extra.push({ k: 'let', v: y, node: { k: 'const', lo: ~bN.lo, hi: ~bN.hi } }); }
    else return undefined;
  }
  const k = fresh('i32');
  extra.push({ k: 'let', v: k, node: { k: 'const', lo: kind, hi: 0 } });
  // A subtract keeps no result: N, Z and V come from a - b where needed (CMP's is dead then).
  return { kind, after, extra, args: kind === LazyKind.Sub64 || kind === LazyKind.Sub32 ? [k, rN.a, y] : [k, rN.a, y, r] };
}

/** Rewrites a block's instructions (after removeDeadFlags; `orig` before it) to the lazy form:
 *  lazy setters save their operands through LAZY_SET instead of setFlags, and B.cond asks
 *  LAZY_COND for its condition. `lazy`: whether any setter became lazy. */
export function lazyFlags(stmts: Stmt[][], orig: Stmt[][], condOf: (i: number) => number | undefined): { stmts: Stmt[][]; lazy: boolean } {
  let lazy = false;
  const out = stmts.map((src, i) => {
    let cur = src;
    const set = lazySetter(orig[i]);
    const fi = src.findIndex((s) => s.k === 'setFlags');
    if (set && fi >= 0) {
      const sf = src[fi] as Extract<Stmt, { k: 'setFlags' }>;
      const deadIds = new Set(src.filter((s) => s.k === 'let' && s.node.k === 'const' && s.node.lo === DEAD_FLAG && s.v.id < 0).map((s) => (s as { v: Val }).v.id));
      const allDead = [sf.n, sf.z, sf.c, sf.v].every((v) => deadIds.has(v.id));
      const afterId = (orig[i][set.after] as { v: Val }).v.id;
      const at = src.findIndex((s) => s.k === 'let' && s.v.id === afterId);
      if (!allDead && at >= 0) {
        cur = src.slice();
        cur.splice(fi, 1);
        cur.splice(at + 1, 0, ...set.extra, { k: 'effect', fn: LAZY_SET, args: set.args });
        lazy = true;
      }
    }
    const cc = condOf(i);
    if (cc !== undefined) {
      const ji = cur.findIndex((s) => s.k === 'jump' && s.cond !== undefined);
      if (ji >= 0) {
        const j = cur[ji] as Extract<Stmt, { k: 'jump' }>;
        const k = fresh('i32'), c = fresh('bool');
        cur = cur.slice();
        cur.splice(ji, 1, { k: 'let', v: k, node: { k: 'const', lo: cc, hi: 0 } }, { k: 'let', v: c, node: { k: 'call', fn: LAZY_COND, args: [k] } },
          { k: 'jump', target: j.target, cond: c });
      }
    }
    return cur;
  });
  return { stmts: out, lazy };
}
