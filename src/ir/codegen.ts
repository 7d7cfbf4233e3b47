// IR → JavaScript (ESTree). One generator for both engines: the interpreter uses it with
// operands read from the decoded-operand array `o` and registers in the register file `R`;
// the JIT subclasses the register/flag/operand/control hooks to use constants and JS locals.
//
// Generated-code conventions: i32 and bool values are int32 JS numbers (bool is 0 or 1), an
// i64 is a pair of int32 locals (lo, hi), a `pc` value is a Number. Helpers are called as
// H.name(cpu, ...args) with i64 arguments passed as two numbers; an i64 result comes back as
// the return value (lo) plus cpu.hi. An f64 is a JS double; float lanes are read and written
// through cpu.VF32 / cpu.VF64 (views of the V register file).
import type { Node, Stmt, Val } from './ir.js';
import { hasEffect } from './ir.js';
import { FLAG_INDEX } from '../cpu/state.js';
import {
  assign, bin, block, call, cond, constDecl, exprSt, id, ifSt, index, isSimple, litValue, logic, member, num, ret, unary,
  type Expr, type St,
} from './estree.js';

export type CgVal = Expr | [Expr, Expr];

const TWO32 = 4294967296;
const or0 = (e: Expr) => bin('|', e, num(0));
const u32 = (e: Expr) => (litValue(e) !== undefined ? num(litValue(e)! >>> 0) : bin('>>>', e, num(0)));
const toBool = (e: Expr) => or0(e);

/** The Cpu views of the V file that generated code indexes. */
export type VView = 'V' | 'VF32' | 'VF64';

export class InsnCodegen {
  out: St[] = [];
  private vals = new Map<number, CgVal>();
  private adcHi = new Map<number, Expr>();   // i64 adc result id → unsigned high sum (for C)
  private adcSum = new Map<number, Expr>();  // i32 adc result id → unsigned sum (for C)
  private tmp = 0;

  constructor(protected prefix = 't') {}

  // ----- hooks (interpreter defaults)
  opnd(name: string, names: string[]): Expr { return index(id('o'), num(names.indexOf(name))); }
  readReg(slot: Expr): [Expr, Expr] { return [index(id('R'), slot), index(id('R'), this.plus1(slot))]; }
  writeReg(slot: Expr, lo: Expr, hi: Expr): void {
    this.out.push(assign(index(id('R'), slot), lo), assign(index(id('R'), this.plus1(slot)), hi));
  }
  readFlag(f: 'n' | 'z' | 'c' | 'v'): Expr { return index(id('R'), num(FLAG_INDEX[f])); }
  writeFlags(n: Expr, z: Expr, c: Expr, v: Expr): void {
    this.out.push(assign(index(id('R'), num(FLAG_INDEX.n)), n), assign(index(id('R'), num(FLAG_INDEX.z)), z),
      assign(index(id('R'), num(FLAG_INDEX.c)), c), assign(index(id('R'), num(FLAG_INDEX.v)), v));
  }
  // Interpreter handlers take their pc from, and leave a jump target in, the slot PC[0] (a
  // Float64Array) and return 0 (next instruction) or 1 (go to PC[0]): a kernel address is no
  // Smi, so passing or returning it would allocate a heap number per instruction.
  /** Whether the handler reads its pc (it then starts with `const pc = PC[0]`). */
  usesPc = false;
  pc(): Expr { this.usesPc = true; return id('pc'); }
  /** Leaves the instruction for `target` (a pc-typed expression), if `test` holds. */
  emitJump(target: Expr, test?: Expr): void {
    const go = [assign(index(id('PC'), num(0)), target), ret(num(1))];
    if (test) this.out.push(ifSt(test, { type: 'BlockStatement', body: go }));
    else this.out.push(...go);
  }
  emitExit(fn: string, args: Expr[]): void {
    this.out.push(assign(index(id('PC'), num(0)), this.helper(fn, [this.pc(), ...args])), ret(num(1)));
  }
  emitFallthrough(): void { this.out.push(ret(num(0))); }
  /** A guest memory read M.<fn>(lo, hi) (the JIT overrides these two to record fault sites). */
  protected memRead(fn: string, args: Expr[]): Expr { return this.fresh(call(member(id('M'), fn), args)); }
  /** An 8-byte read: the low word, then the high word the accessor left in M.hi. `_load` and
   *  `_addr` are the IR values of the load (see loadWords) and of its address. */
  protected memRead64(fn: string, args: Expr[], _load: number, _addr: number): [Expr, Expr] {
    const lo = this.memRead(fn, args);
    return [lo, this.fresh(member(id('M'), 'hi'))];
  }
  /** A guest memory write M.<fn>(lo, hi, value…); `_addr` is the IR value of the address. */
  protected memWrite(fn: string, args: Expr[], _addr: number): void { this.out.push(exprSt(call(member(id('M'), fn), args))); }

  // ----- machinery
  protected plus1(slot: Expr): Expr {
    const v = litValue(slot);
    return v !== undefined ? num(v + 1) : bin('+', slot, num(1));
  }
  protected fresh(init: Expr): Expr {
    if (isSimple(init)) return init;
    const name = `${this.prefix}${this.tmp++}`;
    this.out.push(constDecl(name, init));
    return id(name);
  }
  helper(fn: string, args: Expr[]): Expr { return call(member(id('H'), fn), [id('cpu'), ...args]); }
  /** cpu.V, cpu.VF32 or cpu.VF64: a view of the V file (the JIT reads each once per unit). */
  protected vView(view: VView): Expr { return member(id('cpu'), view); }
  /** cpu.V[r*4 + i]: one int32 word of a SIMD register (a constant index in JIT code). */
  protected vSlot(r: Val, i: number) {
    const re = this.e(r), k = litValue(re);
    return index(this.vView('V'), k !== undefined ? num(k * 4 + i) : i ? bin('+', bin('<<', re, num(2)), num(i)) : bin('<<', re, num(2)));
  }
  /** cpu.VF32[r*4 + i] or cpu.VF64[r*2 + i]: one float lane of a SIMD register. */
  protected vfSlot(r: Val, i: number, lg: 2 | 3) {
    const re = this.e(r), k = litValue(re), sh = lg === 3 ? 1 : 2;
    const base = k !== undefined ? num((k << sh) + i) : i ? bin('+', bin('<<', re, num(sh)), num(i)) : bin('<<', re, num(sh));
    return index(this.vView(lg === 3 ? 'VF64' : 'VF32'), base);
  }
  // V register accesses (the JIT keeps some words in unit locals instead).
  protected readV(r: Val, i: number): Expr { return this.fresh(this.vSlot(r, i)); }
  /** `_word`: the IR proved v a word of an 8-byte load (see loadWords). */
  protected writeV(r: Val, i: number, v: Expr, _word: LoadWord | undefined): void { this.out.push(assign(this.vSlot(r, i), v)); }
  protected readVF(r: Val, i: number, lg: 2 | 3): Expr { return this.fresh(this.vfSlot(r, i, lg)); }
  /** `single`: the IR proved v a float32 already (see singleValues). */
  protected writeVF(r: Val, i: number, lg: 2 | 3, v: Expr, _single: boolean): void { this.out.push(assign(this.vfSlot(r, i, lg), v)); }
  private get(v: Val): CgVal {
    const x = this.vals.get(v.id);
    if (x === undefined) throw new Error(`codegen: value ${v.id} used before definition`);
    return x;
  }
  private e(v: Val): Expr { const x = this.get(v); if (Array.isArray(x)) throw new Error('codegen: i64 used as scalar'); return x; }
  private p(v: Val): [Expr, Expr] { const x = this.get(v); if (!Array.isArray(x)) throw new Error('codegen: scalar used as i64'); return x; }
  private args(vs: Val[]): Expr[] { return vs.flatMap((v) => { const x = this.get(v); return Array.isArray(x) ? x : [x]; }); }

  /** Compiles one instruction's IR (dead pure values dropped). `names` orders the operands. */
  compile(stmts: Stmt[], names: string[], fallthrough = true): void {
    const live = liveValues(stmts);
    let singles: Set<number> | undefined;
    let words: Map<number, LoadWord> | undefined;
    const top = this.out;
    let ended = false;
    for (const s of stmts) {
      switch (s.k) {
        case 'let':
          if (live.has(s.v.id)) this.vals.set(s.v.id, this.node(s.v, s.node, names));
          break;
        case 'setReg': {
          const slot = this.e(s.slot);
          if (s.v.ty === 'i64') { const [lo, hi] = this.p(s.v); this.writeReg(slot, lo, hi); } else this.writeReg(slot, this.e(s.v), num(0));
          break;
        }
        case 'setFlags': this.writeFlags(this.e(s.n), this.e(s.z), this.e(s.c), this.e(s.v)); break;
        case 'store': {
          const [al, ah] = this.p(s.addr);
          this.memWrite(memName('w', s.size, s.attrs.unpriv), [al, ah, ...this.args([s.v])], s.addr.id);
          break;
        }
        case 'effect': this.out.push(exprSt(this.helper(s.fn, this.args(s.args)))); break;
        case 'setV': this.writeV(s.r, s.i, this.e(s.v), (words ??= loadWords(stmts)).get(s.v.id)); break;
        case 'setVF': this.writeVF(s.r, s.i, s.lg, this.e(s.v), s.lg === 2 && (singles ??= singleValues(stmts)).has(s.v.id)); break;
        case 'orSlow': {
          // if (ok) { the rest of the instruction } else { helper }: the helper call is built
          // first, so whatever it records (the JIT's fault site) comes before the branch.
          const slow = exprSt(this.helper(s.fn, this.args(s.args)));
          const fast: St[] = [];
          this.out.push(ifSt(this.e(s.ok), block(fast), block([slow])));
          this.out = fast;
          break;
        }
        case 'jump':
          this.emitJump(this.e(s.target), s.cond ? this.e(s.cond) : undefined);
          if (!s.cond) ended = true;
          break;
        case 'exit': this.emitExit(s.fn, this.args(s.args)); ended = true; break;
      }
      if (ended) break;
    }
    this.out = top;
    if (!ended && fallthrough) this.emitFallthrough();
  }

  private node(v: Val, n: Node, names: string[]): CgVal {
    const wide = v.ty === 'i64';
    switch (n.k) {
      case 'opnd': return this.fresh(this.opnd(n.name, names));
      case 'const': return wide ? [num(n.lo), num(n.hi)] : num(n.lo);
      case 'pcrel': return this.fresh(n.off === 0 ? this.pc() : bin('+', this.pc(), num(n.off)));
      case 'pcadd': return this.fresh(bin('+', this.pc(), this.e(n.a)));
      case 'getReg': {
        const [lo, hi] = this.readReg(this.e(n.slot));
        return wide ? [this.fresh(lo), this.fresh(hi)] : this.fresh(lo);
      }
      case 'getFlag': return this.fresh(this.readFlag(n.flag));
      case 'pair': return [this.e(n.a), this.e(n.b)];
      case 'zext': return [this.e(n.a), num(0)];
      case 'sext': { const a = this.e(n.a); return [a, this.fresh(bin('>>', a, num(31)))]; }
      case 'trunc': return this.p(n.a)[0];
      case 'toPc': { const [lo, hi] = this.p(n.a); return this.fresh(bin('+', bin('*', hi, num(TWO32)), u32(lo))); }
      case 'fromPc': {
        const a = this.e(n.a);
        return [this.fresh(or0(a)), this.fresh(or0(call(member(id('Math'), 'floor'), [bin('/', a, num(TWO32))])))];
      }
      case 'select': {
        const c = this.e(n.c);
        if (wide) { const [al, ah] = this.p(n.a), [bl, bh] = this.p(n.b); return [this.fresh(cond(c, al, bl)), this.fresh(cond(c, ah, bh))]; }
        return this.fresh(cond(c, this.e(n.a), this.e(n.b)));
      }
      case 'cmp': return this.fresh(toBool(wide || n.a.ty === 'i64' ? this.cmp64(n.op, this.p(n.a), this.p(n.b)) : this.cmp32(n.op, this.e(n.a), this.e(n.b))));
      case 'sextBits': return this.extBits(v, n.a, n.bits, true);
      case 'zextBits': return this.extBits(v, n.a, n.bits, false);
      case 'un': return wide ? this.un64(n.op, this.p(n.a)) : this.un32(n.op, this.e(n.a));
      case 'bin': return wide ? this.bin64(n.op, this.p(n.a), n.b.ty === 'i64' ? this.p(n.b) : this.e(n.b)) : this.bin32(n.op, this.e(n.a), this.e(n.b));
      case 'adc': {
        const cin = this.e(n.cin);
        if (wide) {
          const [al, ah] = this.p(n.a), [bl, bh] = this.p(n.b);
          const s = this.fresh(bin('+', bin('+', u32(al), u32(bl)), cin));
          const lo = this.fresh(or0(s));
          const s2 = this.fresh(bin('+', bin('+', u32(ah), u32(bh)), cond(bin('>', s, num(TWO32 - 1)), num(1), num(0))));
          this.adcHi.set(v.id, s2);
          return [lo, this.fresh(or0(s2))];
        }
        const s = this.fresh(bin('+', bin('+', u32(this.e(n.a)), u32(this.e(n.b))), cin));
        this.adcSum.set(v.id, s);
        return this.fresh(or0(s));
      }
      case 'adcFlag': {
        const w64 = n.a.ty === 'i64';
        if (n.flag === 'c') return this.fresh(toBool(bin('>', (w64 ? this.adcHi : this.adcSum).get(n.r.id)!, num(TWO32 - 1))));
        const a = w64 ? this.p(n.a)[1] : this.e(n.a), b = w64 ? this.p(n.b)[1] : this.e(n.b), r = w64 ? this.p(n.r)[1] : this.e(n.r);
        return this.fresh(toBool(bin('<', bin('&', bin('^', a, r), bin('^', b, r)), num(0))));
      }
      case 'load': {
        const [al, ah] = this.p(n.addr);
        if (n.size === 8) return this.memRead64(memName('r', 8, n.attrs.unpriv), [al, ah], v.id, n.addr.id);
        return this.memRead(memName('r', n.size, n.attrs.unpriv), [al, ah]);
      }
      case 'getV': return this.readV(n.r, n.i);
      case 'getVF': return this.readVF(n.r, n.i, n.lg);
      case 'fconst': return num(n.x);
      case 'fbin':
        if (n.op === 'fmax' || n.op === 'fmin') return this.fresh(call(member(id('Math'), n.op === 'fmax' ? 'max' : 'min'), [this.e(n.a), this.e(n.b)]));
        return this.fresh(bin(({ fadd: '+', fsub: '-', fmul: '*', fdiv: '/' } as const)[n.op], this.e(n.a), this.e(n.b)));
      case 'fun': {
        const a = this.e(n.a);
        if (n.op === 'fneg') return this.fresh(unary('-', a));
        return this.fresh(call(member(id('Math'), ({ fsqrt: 'sqrt', fround: 'fround', fabs: 'abs' } as const)[n.op]), [a]));
      }
      case 'fcmp': return this.fresh(toBool(bin(({ flt: '<', fle: '<=', feq: '===' } as const)[n.op], this.e(n.a), this.e(n.b))));
      case 'fpState': { // one expression: ((fpcr & clear) | (~fpsr & set)) === 0
        const cr = bin('&', member(id('cpu'), 'fpcr'), num(n.fpcrClear));
        const t = n.fpsrSet ? bin('|', cr, bin('&', unary('~', member(id('cpu'), 'fpsr')), num(n.fpsrSet))) : cr;
        return this.fresh(toBool(bin('===', t, num(0))));
      }
      case 'frange': {
        const a = this.fresh(call(member(id('Math'), 'abs'), [this.e(n.a)]));
        return this.fresh(toBool(logic('&&', bin('<', num(n.lo), a), bin('<=', a, num(n.hi)))));
      }
      case 'call': {
        const r = this.fresh(this.helper(n.fn, this.args(n.args)));
        return wide ? [r, this.fresh(member(id('cpu'), 'hi'))] : r;
      }
    }
  }

  private cmp32(op: string, a: Expr, b: Expr): Expr {
    switch (op) {
      case 'eq': return bin('===', a, b);
      case 'ne': return bin('!==', a, b);
      case 'slt': return bin('<', a, b);
      case 'sle': return bin('<=', a, b);
      case 'ult': return bin('<', u32(a), u32(b));
      case 'ule': return bin('<=', u32(a), u32(b));
    }
    throw new Error(op);
  }
  private cmp64(op: string, [al, ah]: [Expr, Expr], [bl, bh]: [Expr, Expr]): Expr {
    const bZero = litValue(bl) === 0 && litValue(bh) === 0;
    switch (op) {
      case 'eq': return bZero ? bin('===', bin('|', al, ah), num(0)) : logic('&&', bin('===', al, bl), bin('===', ah, bh));
      case 'ne': return bZero ? bin('!==', bin('|', al, ah), num(0)) : logic('||', bin('!==', al, bl), bin('!==', ah, bh));
      case 'slt': if (bZero) return bin('<', ah, num(0));
        return logic('||', bin('<', ah, bh), logic('&&', bin('===', ah, bh), bin('<', u32(al), u32(bl))));
      case 'sle': return logic('||', bin('<', ah, bh), logic('&&', bin('===', ah, bh), bin('<=', u32(al), u32(bl))));
      case 'ult': return logic('||', bin('<', u32(ah), u32(bh)), logic('&&', bin('===', ah, bh), bin('<', u32(al), u32(bl))));
      case 'ule': return logic('||', bin('<', u32(ah), u32(bh)), logic('&&', bin('===', ah, bh), bin('<=', u32(al), u32(bl))));
    }
    throw new Error(op);
  }

  private extBits(v: Val, a: Val, bits: number, signed: boolean): CgVal {
    if (v.ty !== 'i64') {
      const x = this.e(a);
      if (bits >= 32) return x;
      return this.fresh(signed ? bin('>>', bin('<<', x, num(32 - bits)), num(32 - bits)) : bin('&', x, num(bits === 31 ? 0x7fffffff : (1 << bits) - 1)));
    }
    const [lo, hi] = this.p(a);
    if (bits >= 64) return [lo, hi];
    if (bits === 32) return signed ? [lo, this.fresh(bin('>>', lo, num(31)))] : [lo, num(0)];
    if (bits < 32) {
      const x = this.fresh(signed ? bin('>>', bin('<<', lo, num(32 - bits)), num(32 - bits)) : bin('&', lo, num(bits === 31 ? 0x7fffffff : (1 << bits) - 1)));
      return [x, signed ? this.fresh(bin('>>', x, num(31))) : num(0)];
    }
    const hb = bits - 32;
    return [lo, this.fresh(signed ? bin('>>', bin('<<', hi, num(32 - hb)), num(32 - hb)) : bin('&', hi, num(hb === 31 ? 0x7fffffff : (1 << hb) - 1)))];
  }

  private un32(op: string, a: Expr): Expr {
    switch (op) {
      case 'not': return this.fresh(unary('~', a));
      case 'neg': return this.fresh(or0(unary('-', a)));
      case 'clz': return this.fresh(call(member(id('Math'), 'clz32'), [a]));
      default: return this.fresh(this.helper(`${op}_32`, [a]));
    }
  }
  private un64(op: string, [lo, hi]: [Expr, Expr]): CgVal {
    switch (op) {
      case 'not': return [this.fresh(unary('~', lo)), this.fresh(unary('~', hi))];
      case 'neg': {
        const l = this.fresh(or0(unary('-', lo)));
        return [l, this.fresh(or0(bin('-', unary('~', hi), cond(bin('===', lo, num(0)), num(-1), num(0)))))];
      }
      default: {
        const r = this.fresh(this.helper(`${op}_64`, [lo, hi]));
        return [r, this.fresh(member(id('cpu'), 'hi'))];
      }
    }
  }

  private bin32(op: string, a: Expr, b: Expr): Expr {
    switch (op) {
      case 'add': return this.fresh(or0(bin('+', a, b)));
      case 'sub': return this.fresh(or0(bin('-', a, b)));
      case 'and': return this.fresh(bin('&', a, b));
      case 'or': return this.fresh(bin('|', a, b));
      case 'xor': return this.fresh(bin('^', a, b));
      case 'mul': return this.fresh(call(member(id('Math'), 'imul'), [a, b]));
      case 'shl': return this.fresh(bin('<<', a, b));
      case 'lsr': return this.fresh(or0(bin('>>>', a, b)));
      case 'asr': return this.fresh(bin('>>', a, b));
      case 'ror': {
        const n = litValue(b);
        if (n === 0) return a;
        return this.fresh(bin('|', bin('>>>', a, b), bin('<<', a, n !== undefined ? num(32 - n) : bin('-', num(32), b))));
      }
      case 'udiv': return this.fresh(cond(bin('===', b, num(0)), num(0), or0(bin('/', u32(a), u32(b)))));
      case 'sdiv': return this.fresh(cond(bin('===', b, num(0)), num(0), or0(bin('/', a, b))));
      default: return this.fresh(this.helper(`${op}_32`, [a, b]));
    }
  }

  private bin64(op: string, [al, ah]: [Expr, Expr], bv: [Expr, Expr] | Expr): CgVal {
    if (!Array.isArray(bv)) return this.shift64(op, [al, ah], bv);
    const [bl, bh] = bv;
    switch (op) {
      case 'add': {
        const lo = this.fresh(or0(bin('+', al, bl)));
        return [lo, this.fresh(or0(bin('+', bin('+', ah, bh), cond(bin('<', u32(lo), u32(al)), num(1), num(0)))))];
      }
      case 'sub': {
        const lo = this.fresh(or0(bin('-', al, bl)));
        return [lo, this.fresh(or0(bin('-', bin('-', ah, bh), cond(bin('<', u32(al), u32(bl)), num(1), num(0)))))];
      }
      case 'and': return [this.fresh(bin('&', al, bl)), this.fresh(bin('&', ah, bh))];
      case 'or': return [this.fresh(bin('|', al, bl)), this.fresh(bin('|', ah, bh))];
      case 'xor': return [this.fresh(bin('^', al, bl)), this.fresh(bin('^', ah, bh))];
      default: {
        const r = this.fresh(this.helper(`${op}_64`, [al, ah, bl, bh]));
        return [r, this.fresh(member(id('cpu'), 'hi'))];
      }
    }
  }

  /** 64-bit shifts and rotates; the amount is an i32 in 0..63. */
  private shift64(op: string, [al, ah]: [Expr, Expr], n: Expr): CgVal {
    const k = litValue(n);
    if (k !== undefined) {
      if (k === 0) return [al, ah];
      if (op === 'shl') return k < 32
        ? [this.fresh(bin('<<', al, num(k))), this.fresh(bin('|', bin('<<', ah, num(k)), bin('>>>', al, num(32 - k))))]
        : [num(0), this.fresh(bin('<<', al, num(k - 32)))];
      if (op === 'lsr' || op === 'asr') {
        const hiShift = op === 'lsr' ? '>>>' : '>>';
        if (k < 32) return [this.fresh(bin('|', bin('>>>', al, num(k)), bin('<<', ah, num(32 - k)))), this.fresh(or0(bin(hiShift, ah, num(k))))];
        return [this.fresh(or0(bin(hiShift, ah, num(k - 32)))), op === 'lsr' ? num(0) : this.fresh(bin('>>', ah, num(31)))];
      }
      if (op === 'ror') {
        const [xl, xh] = k >= 32 ? [ah, al] : [al, ah];
        const m = k & 31;
        if (m === 0) return [xl, xh];
        return [this.fresh(bin('|', bin('>>>', xl, num(m)), bin('<<', xh, num(32 - m)))), this.fresh(bin('|', bin('>>>', xh, num(m)), bin('<<', xl, num(32 - m))))];
      }
    }
    // Dynamic amount: (x << 1) << (31 - n) is x << (32 - n) that also works for n = 0.
    const small = bin('<', n, num(32));
    const nm = bin('-', n, num(32));
    const spill = (x: Expr, m: Expr) => bin('<<', bin('<<', x, num(1)), bin('-', num(31), m));
    switch (op) {
      case 'shl': return [
        this.fresh(cond(small, bin('<<', al, n), num(0))),
        this.fresh(cond(small, bin('|', bin('<<', ah, n), bin('>>>', bin('>>>', al, num(1)), bin('-', num(31), n))), bin('<<', al, nm))),
      ];
      case 'lsr': case 'asr': {
        const hs = op === 'lsr' ? '>>>' : '>>';
        return [
          this.fresh(cond(small, bin('|', bin('>>>', al, n), spill(ah, n)), or0(bin(hs, ah, nm)))),
          this.fresh(cond(small, or0(bin(hs, ah, n)), op === 'lsr' ? num(0) : bin('>>', ah, num(31)))),
        ];
      }
      case 'ror': {
        const big = this.fresh(bin('>=', n, num(32)));
        const xl = this.fresh(cond(big, ah, al)), xh = this.fresh(cond(big, al, ah));
        const m = this.fresh(bin('&', n, num(31)));
        return [
          this.fresh(bin('|', bin('>>>', xl, m), spill(xh, m))),
          this.fresh(bin('|', bin('>>>', xh, m), spill(xl, m))),
        ];
      }
    }
    throw new Error(`codegen: shift ${op}`);
  }
}

function memName(rw: 'r' | 'w', size: number, unpriv?: boolean): string {
  return `${unpriv ? 'u' : ''}${rw}${size * 8}`;
}

/** Ids of the f64 values that certainly hold a float32 (so rounding them to single is a no-op):
 *  single lanes, `fround` results, and what negation, |x|, min/max and select keep of them. */
export function singleValues(stmts: Stmt[]): Set<number> {
  const single = new Set<number>();
  const is = (v: Val) => single.has(v.id);
  for (const s of stmts) {
    if (s.k !== 'let' || s.v.ty !== 'f64') continue;
    const n = s.node;
    const yes = n.k === 'getVF' ? n.lg === 2
      : n.k === 'fconst' ? Math.fround(n.x) === n.x || Number.isNaN(n.x)
      : n.k === 'fun' ? n.op === 'fround' || ((n.op === 'fneg' || n.op === 'fabs') && is(n.a))
      : n.k === 'fbin' ? (n.op === 'fmax' || n.op === 'fmin') && is(n.a) && is(n.b)
      : n.k === 'select' ? is(n.a) && is(n.b)
      : false;
    if (yes) single.add(s.v.id);
  }
  return single;
}

/** Which word of an 8-byte load an i32 value is: `load` is the load's value id, `half` 0 for
 *  the low word, 1 for the high. */
export interface LoadWord { load: number; half: 0 | 1 }

/** The i32 values that are the low word (`trunc(x)`) or the high word (`trunc(lsr(x, 32))`) of
 *  an 8-byte load x, as the FP/SIMD register loads write them into V words. */
export function loadWords(stmts: Stmt[]): Map<number, LoadWord> {
  const loads = new Set<number>(), shifted = new Map<number, number>(), words = new Map<number, LoadWord>();
  const c32 = new Map<number, number>();
  for (const s of stmts) {
    if (s.k !== 'let') continue;
    const n = s.node;
    if (n.k === 'load' && n.size === 8) loads.add(s.v.id);
    else if (n.k === 'const' && s.v.ty === 'i32') c32.set(s.v.id, n.lo);
    else if (n.k === 'bin' && n.op === 'lsr' && loads.has(n.a.id) && c32.get(n.b.id) === 32) shifted.set(s.v.id, n.a.id);
    else if (n.k === 'trunc') {
      if (loads.has(n.a.id)) words.set(s.v.id, { load: n.a.id, half: 0 });
      else if (shifted.has(n.a.id)) words.set(s.v.id, { load: shifted.get(n.a.id)!, half: 1 });
    }
  }
  return words;
}

/** Ids of values that reach an effect; pure values that do not are dropped. (The JIT asks
 *  for every instruction of every region it compiles: plain field reads, no arrays.) */
export function liveValues(stmts: Stmt[]): Set<number> {
  const live = new Set<number>();
  const mark = (v: Val | undefined) => { if (v) live.add(v.id); };
  for (let i = stmts.length - 1; i >= 0; i--) {
    const s = stmts[i];
    switch (s.k) {
      case 'let': {
        if (!live.has(s.v.id) && !hasEffect(s.node)) break;
        live.add(s.v.id);
        const n = s.node as { a?: Val; b?: Val; c?: Val; slot?: Val; cin?: Val; r?: Val; addr?: Val };
        mark(n.a); mark(n.b); mark(n.c); mark(n.slot); mark(n.cin); mark(n.r); mark(n.addr);
        if (s.node.k === 'call') for (const v of s.node.args) live.add(v.id);
        break;
      }
      case 'setReg': mark(s.slot); mark(s.v); break;
      case 'setFlags': mark(s.n); mark(s.z); mark(s.c); mark(s.v); break;
      case 'store': mark(s.addr); mark(s.v); break;
      case 'effect': case 'exit': for (const v of s.args) live.add(v.id); break;
      case 'setV': mark(s.r); mark(s.v); break;
      case 'setVF': mark(s.r); mark(s.v); break;
      case 'orSlow': mark(s.ok); for (const v of s.args) live.add(v.id); break;
      case 'jump': mark(s.target); mark(s.cond); break;
    }
  }
  return live;
}
