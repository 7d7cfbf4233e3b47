// What the JIT needs to know about one guest instruction, read off its IR (the same `sem` output
// the interpreter compiles): whether it ends a block, its static branch target, whether it can
// fault, and whether it calls a helper that looks at the register file.
import type { Node, Stmt, Val } from '../src/ir/ir.js';
import { buildIR } from '../src/interp/handlers.js';
import { H } from '../src/ir/helpers.js';
import type { Decoder, TableEntry } from '../src/isa/decoder.js';
import type { Decoded } from '../src/isa/table.js';

export const LR_SLOT = 60;        // register operand (2 × slot) of X30

export interface Insn {
  pc: number;
  word: number;
  te: TableEntry;
  d: Decoded;
  names: string[];
  ops: Record<string, number>;
  stmts: Stmt[];
  /** Ends its block: has a jump or an exit. */
  ends: boolean;
  /** Its jump is conditional (the next instruction is the other successor). */
  cond: boolean;
  /** Static jump target, when the target does not depend on registers. */
  target: number | undefined;
  /** Ends in an exit helper (svc, brk, eret, sysOpExit…): the environment picks the next pc. */
  exit: boolean;
  /** A branch with link (X30 = pc + 4), and a return through X30. */
  call: boolean;
  ret: boolean;
  /** Calls a helper that reads or writes the register file or the environment. */
  stateHelper: boolean;
  /** Has a load, store or helper call: a place where an exception can be raised. */
  canFault: boolean;
}

const irCache = new Map<string, Stmt[]>();

/** IR of an instruction shape (built once per shape; operands stay symbolic). */
export function shapeIR(te: TableEntry, d: Decoded): Stmt[] {
  const key = te.def.name + (d.s ? ':' + Object.values(d.s).join(',') : '');
  let stmts = irCache.get(key);
  if (!stmts) { stmts = buildIR(te.def, d).stmts; irCache.set(key, stmts); }
  return stmts;
}

/** Decodes and analyses the word at `pc`; undefined for an unallocated encoding. */
export function analyse(decoder: Decoder, word: number, pc: number): Insn | undefined {
  const te = decoder.lookup(word);
  const d = te && te.def.decode(decoder.fields(te, word), word);
  if (!te || !d) return undefined;
  const stmts = shapeIR(te, d);
  const ops = d.o;
  const ev = new ConstEval(stmts, ops, pc);
  const i: Insn = {
    pc, word, te, d, names: Object.keys(ops), ops, stmts,
    ends: te.def.branch === true, cond: false, target: undefined, exit: false, call: false, ret: false,
    stateHelper: false, canFault: false,
  };
  let uncondJump = false;
  for (const s of stmts) {
    switch (s.k) {
      case 'jump': {
        i.ends = true;
        if (s.cond) i.cond = true; else uncondJump = true;
        const t = ev.value(s.target);
        if (typeof t === 'number') i.target = t;
        else {
          const n = ev.node(s.target);
          if (n?.k === 'toPc') { const g = ev.node(n.a); if (g?.k === 'getReg' && ev.value(g.slot) === LR_SLOT) i.ret = true; }
        }
        break;
      }
      case 'exit': i.ends = true; i.exit = true; i.canFault = true; if (helperTouchesState(s.fn)) i.stateHelper = true; break;
      case 'effect': i.canFault = true; if (helperTouchesState(s.fn)) i.stateHelper = true; break;
      case 'store': i.canFault = true; break;
      case 'setReg':
        if (ev.value(s.slot) === LR_SLOT) { const v = ev.value(s.v); if (typeof v === 'bigint' && v === BigInt.asUintN(64, BigInt(pc + 4))) i.call = true; }
        break;
      case 'let':
        if (s.node.k === 'load') i.canFault = true;
        else if (s.node.k === 'call') { i.canFault = true; if (helperTouchesState(s.node.fn)) i.stateHelper = true; }
        break;
    }
  }
  if (!uncondJump) i.call = false;
  if (i.call) i.ret = false;
  return i;
}

// ----- helpers: which ones look at the register file or the environment
/** Arithmetic helpers: no state, never raise an exception. */
export const PURE_HELPERS: ReadonlySet<string> = new Set([
  'mul_64', 'umulh_64', 'smulh_64', 'udiv_64', 'sdiv_64', 'clz_64', 'cls_32', 'cls_64', 'rbit_32', 'rbit_64',
  'rev_32', 'rev_64', 'rev16_32', 'rev16_64', 'rev32_64', 'crc32', 'crc32c',
]);
/** Helpers that touch memory or the exclusive monitor but never the register file. */
const NO_REGS = new Set(['exclMark', 'clrex', 'stxr', 'dczva']);
/** Helper families of the SIMD/FP and load/store groups: they read and write V registers, FPCR/
 *  FPSR and memory, never the general registers or the environment (results and flags come back
 *  through the IR). The random differential test runs every such instruction against the
 *  interpreter, which would expose a helper that breaks this. */
const NO_REGS_FAMILY = /^(v\d?_|fp_|crypto_|ldst_|sysFp)/;
const stateCache = new Map<string, boolean>();

/** Whether a helper may read or write cpu.R or call the environment. Generated code keeps guest
 *  registers in JS locals, so such a call needs them written back before and reloaded after.
 *  Decided from the helper's source text when it is not a known pure one (conservatively: any
 *  mention of env, R, or passing cpu on to another function). */
export function helperTouchesState(fn: string): boolean {
  if (PURE_HELPERS.has(fn) || NO_REGS.has(fn) || NO_REGS_FAMILY.test(fn) || fn.startsWith('$')) return false;   // $: JIT-internal (flags.ts)
  let r = stateCache.get(fn);
  if (r === undefined) {
    const f = (H as Record<string, unknown>)[fn];
    if (typeof f !== 'function') r = true;
    else {
      const src = f.toString();
      const m = /^[^(]*\(\s*([A-Za-z_$][\w$]*)/.exec(src);
      const p = m ? m[1] : 'cpu';
      const esc = p.replace(/\$/g, '\\$');
      r = /\.env\b|\.R\b|\bR\[/.test(src) || new RegExp(`[(,]\\s*${esc}\\s*[,)]`).test(src.slice(src.indexOf(')') + 1));
    }
    stateCache.set(fn, r);
  }
  return r;
}

/** Whether a helper may read or write the V register file: every helper but the pure ones, the
 *  memory-only ones, the JIT-internal ones and NO_V. Units keeping V words
 *  in locals hand them over around such a call. Conservative: a helper that takes register
 *  numbers may touch any register. */
export function helperTouchesV(fn: string): boolean {
  return !(PURE_HELPERS.has(fn) || NO_REGS.has(fn) || NO_V.has(fn) || fn.startsWith('$'));
}
/** FP/SIMD helpers that never look at the V registers: the FP access check (system mode puts it
 *  before every FP/SIMD instruction) and the FPCR/FPSR moves. */
const NO_V = new Set(['fp_check', 'sysFpcrGet', 'sysFpsrGet', 'sysFpcrSet', 'sysFpsrSet']);

// ----- constant evaluation of IR values (branch targets, link values)
type CV = number | bigint | undefined;
const M64 = (x: bigint) => BigInt.asUintN(64, x);

export class ConstEval {
  private readonly defs = new Map<number, Node>();
  private readonly memo = new Map<number, CV>();
  constructor(stmts: Stmt[], private readonly ops: Record<string, number>, private readonly pc: number) {
    for (const s of stmts) if (s.k === 'let') this.defs.set(s.v.id, s.node);
  }
  node(v: Val): Node | undefined { return this.defs.get(v.id); }

  /** i32/bool as a Number, i64 as an unsigned BigInt, pc as a Number; undefined when not constant. */
  value(v: Val): CV {
    if (this.memo.has(v.id)) return this.memo.get(v.id);
    const r = this.eval(v);
    this.memo.set(v.id, r);
    return r;
  }

  private eval(v: Val): CV {
    const n = this.defs.get(v.id);
    if (!n) return undefined;
    const wide = v.ty === 'i64';
    switch (n.k) {
      case 'opnd': return this.ops[n.name];
      case 'const': return wide ? M64((BigInt(n.hi >>> 0) << 32n) | BigInt(n.lo >>> 0)) : n.lo;
      case 'pcrel': return this.pc + n.off;
      case 'pcadd': { const a = this.value(n.a); return typeof a === 'number' ? this.pc + (a | 0) : undefined; }
      case 'fromPc': { const a = this.value(n.a); return typeof a === 'number' ? M64(BigInt(a)) : undefined; }
      case 'toPc': { const a = this.value(n.a); return typeof a === 'bigint' ? Number(BigInt.asIntN(64, a)) : undefined; }
      case 'sext': { const a = this.value(n.a); return typeof a === 'number' ? M64(BigInt(a | 0)) : undefined; }
      case 'zext': { const a = this.value(n.a); return typeof a === 'number' ? BigInt(a >>> 0) : undefined; }
      case 'trunc': { const a = this.value(n.a); return typeof a === 'bigint' ? Number(BigInt.asIntN(32, a)) : undefined; }
      case 'pair': {
        const a = this.value(n.a), b = this.value(n.b);
        return typeof a === 'number' && typeof b === 'number' ? (BigInt(b >>> 0) << 32n) | BigInt(a >>> 0) : undefined;
      }
      case 'bin': {
        const a = this.value(n.a), b = this.value(n.b);
        if (a === undefined || b === undefined) return undefined;
        if (wide && typeof a === 'bigint') {
          const bb = typeof b === 'bigint' ? b : BigInt(b);
          switch (n.op) {
            case 'add': return M64(a + bb);
            case 'sub': return M64(a - bb);
            case 'and': return a & bb;
            case 'or': return a | bb;
            case 'xor': return a ^ bb;
            case 'shl': return M64(a << bb);
            case 'lsr': return a >> bb;
            default: return undefined;
          }
        }
        if (typeof a !== 'number' || typeof b !== 'number') return undefined;
        switch (n.op) {
          case 'add': return (a + b) | 0;
          case 'sub': return (a - b) | 0;
          case 'and': return a & b;
          case 'or': return a | b;
          case 'xor': return a ^ b;
          case 'shl': return a << b;
          case 'lsr': return a >>> b | 0;
          default: return undefined;
        }
      }
      default: return undefined;
    }
  }
}
