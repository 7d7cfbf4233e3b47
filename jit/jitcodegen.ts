// The JIT's view of InsnCodegen: operands are literals, guest registers and NZCV live in JS
// locals of the unit function (loaded at entry, written back at exits and around helpers that
// look at the register file), every place that can raise an exception records a "site" so the
// unit's catch handler knows the faulting instruction, and jumps become the region's control flow.
import type * as E from 'estree';
import type { FlagName, Stmt, Val } from '../src/ir/ir.js';
import { InsnCodegen, liveValues } from '../src/ir/codegen.js';
import { assign, bin, call, cond, constDecl, exprSt, id, ifSt, index, litValue, logic, member, num, type Expr, type St } from '../src/ir/estree.js';
import { TLB_SIZE } from '../src/mem/memory.js';
import { FLAG_INDEX, SLOT_SINK, SLOT_ZR } from '../src/cpu/state.js';
import { simplify } from './fold.js';
import { helperTouchesState, PURE_HELPERS, type Insn } from './insn.js';

/** Raised for an instruction the JIT cannot compile; it then runs in the interpreter. */
export class Unsupported extends Error {}

/** A place where an exception can be raised: the catch handler restores pc and the count. */
export interface Site { pc: number; insnIndex: number; blockLen: number; wroteBack: boolean }

/** Value written into a setFlags component the block never observes (see flags.ts). */
export const DEAD_FLAG = 0x7ead;

const FLAGS: FlagName[] = ['n', 'z', 'c', 'v'];
export const flagLocal = (f: FlagName) => `${f}f`;

/** Unit locals holding the read / write TLB arrays, and the Memory fields they come from. */
export const TLB_READ: [string, string][] = [['TRL', 'rTagLo'], ['TRH', 'rTagHi'], ['TRB', 'rBase']];
export const TLB_WRITE: [string, string][] = [['TWL', 'wTagLo'], ['TWH', 'wTagHi'], ['TWB', 'wBase']];
const MEM_SIZE: Record<string, number> = { r8: 1, r16: 2, r32: 4, r64: 8, w8: 1, w16: 2, w32: 4, w64: 8 };
const lit = (v: boolean): Expr => ({ type: 'Literal', value: v });
const blockSt = (body: St[]): St => ({ type: 'BlockStatement', body });

/** Local names of a register operand (2 × slot). */
export function regLocals(slot: number): [string, string] {
  const k = slot >> 1;
  const base = k < 31 ? `x${k}` : k === 33 ? 'sp' : `s${k}`;
  return [`${base}l`, `${base}h`];
}

/** State shared by the per-instruction code generators of one unit. */
export class UnitState {
  readonly regsUsed = new Set<number>();
  readonly regsWritten = new Set<number>();
  readonly flagsUsed = new Set<FlagName>();
  readonly flagsWritten = new Set<FlagName>();
  /** Names known to hold int32 values (for the simplifier). */
  readonly int32 = new Set<string>();
  readonly sites: Site[] = [];
  /** Filled once the unit is generated: writebacks before and reloads after state helpers. */
  readonly writebacks: E.BlockStatement[] = [];
  readonly reloads: E.BlockStatement[] = [];
  /** The unit inlines TLB hits of loads / stores (needs the TLB arrays in locals). */
  usesLoads = false;
  usesStores = false;
  /** Registers kept in the Int32Array instead of locals (for measurement). `inlineMemory`: test
   *  the TLB inline (small units only: the inline code grows the function, and V8's optimising
   *  compile of a large unit then takes long enough to cost more than it saves). `inlineStores`:
   *  false when every store must reach the Memory accessors (--check-jit logs them there). */
  constructor(readonly regsInLocals = true, readonly inlineMemory = true, readonly inlineStores = true) {}

  /** Statements (re)loading the TLB arrays the unit's inline accesses test: at entry and after
   *  every helper that may have switched the TLB set (Memory.useTlb). */
  tlbLoadStmts(): St[] {
    const out: St[] = [];
    if (this.usesLoads) for (const [l, f] of TLB_READ) out.push(assign(id(l), member(id('M'), f)));
    if (this.usesStores) for (const [l, f] of TLB_WRITE) out.push(assign(id(l), member(id('M'), f)));
    return out;
  }

  useReg(slot: number): [string, string] {
    const names = regLocals(slot);
    if (!this.regsUsed.has(slot)) { this.regsUsed.add(slot); this.int32.add(names[0]); this.int32.add(names[1]); }
    return names;
  }
  useFlag(f: FlagName): string {
    const n = flagLocal(f);
    if (!this.flagsUsed.has(f)) { this.flagsUsed.add(f); this.int32.add(n); }
    return n;
  }

  /** Statements storing every written local back into cpu.R. */
  writebackStmts(): St[] {
    const out: St[] = [];
    if (this.regsInLocals) {
      for (const s of [...this.regsWritten].sort((a, b) => a - b)) {
        const [l, h] = regLocals(s);
        out.push(assign(index(id('R'), num(s)), id(l)), assign(index(id('R'), num(s + 1)), id(h)));
      }
    }
    for (const f of FLAGS) if (this.flagsWritten.has(f)) out.push(assign(index(id('R'), num(FLAG_INDEX[f])), id(flagLocal(f))));
    return out;
  }
  /** Statements loading every used local from cpu.R. */
  loadStmts(): St[] {
    const out: St[] = [];
    if (this.regsInLocals) {
      for (const s of [...this.regsUsed].sort((a, b) => a - b)) {
        const [l, h] = regLocals(s);
        out.push(assign(id(l), index(id('R'), num(s))), assign(id(h), index(id('R'), num(s + 1))));
      }
    }
    for (const f of FLAGS) if (this.flagsUsed.has(f)) out.push(assign(id(flagLocal(f)), index(id('R'), num(FLAG_INDEX[f]))));
    return out;
  }
  /** Fills the placeholders once every register the unit touches is known. */
  finish(): void {
    const wb = this.writebackStmts(), ld = this.loadStmts();
    for (const b of this.writebacks) b.body = wb;
    const tl = this.tlbLoadStmts();
    for (const b of this.reloads) b.body = [...ld, ...tl];
  }
}

/** How the unit continues after a jump: the region compiler supplies it. */
export interface JumpSink {
  /** `helperExit`: `target` is the result of an exit helper (svc, eret…), registers already handed over. */
  jump(cg: JitCodegen, target: Expr, test: Expr | undefined, helperExit?: boolean): void;
}

/** Code generator for one instruction inside a unit. */
export class JitCodegen extends InsnCodegen {
  private copyRegs: boolean[] = [];
  private copyFlags: boolean[] = [];
  private site = -1;
  private siteWroteBack = false;

  constructor(
    private readonly u: UnitState,
    private readonly insn: Insn,
    private readonly insnIndex: number,
    private readonly blockLen: number,
    private readonly sink: JumpSink,
    prefix: string,
  ) { super(prefix); }

  /** Generates the instruction (its IR possibly rewritten by the flag pass) into `this.out`. */
  generate(stmts: Stmt[]): void {
    this.planCopies(stmts);
    this.compile(stmts, this.insn.names, false);
  }

  // ----- operands and state
  override opnd(name: string): Expr {
    const v = this.insn.ops[name];
    if (v === undefined) throw new Unsupported(`operand ${name}`);
    return num(v);
  }
  override pc(): Expr { return num(this.insn.pc); }

  override readReg(slotE: Expr): [Expr, Expr] {
    const slot = litValue(slotE);
    const copy = this.copyRegs.shift() ?? false;
    if (slot === undefined) throw new Unsupported('register operand not constant');
    if (slot === 2 * SLOT_ZR) return [num(0), num(0)];
    if (slot === 2 * SLOT_SINK) throw new Unsupported('read of the sink register');
    if (!this.u.regsInLocals) {
      this.u.regsUsed.add(slot);
      return [this.copy(index(id('R'), num(slot))), this.copy(index(id('R'), num(slot + 1)))];
    }
    const [l, h] = this.u.useReg(slot);
    return copy ? [this.copy(id(l)), this.copy(id(h))] : [id(l), id(h)];
  }

  override writeReg(slotE: Expr, lo: Expr, hi: Expr): void {
    const slot = litValue(slotE);
    if (slot === undefined) throw new Unsupported('register operand not constant');
    if (slot === 2 * SLOT_SINK) return;
    if (slot === 2 * SLOT_ZR) throw new Unsupported('write of the zero register');
    if (!this.u.regsInLocals) {
      this.u.regsUsed.add(slot);
      this.out.push(assign(index(id('R'), num(slot)), lo), assign(index(id('R'), num(slot + 1)), hi));
      return;
    }
    const [l, h] = this.u.useReg(slot);
    this.u.regsWritten.add(slot);
    const isName = (e: Expr, n: string) => e.type === 'Identifier' && e.name === n;
    if (isName(hi, l)) {
      if (isName(lo, h)) { const t = this.copy(lo); this.out.push(assign(id(h), hi), assign(id(l), t)); return; }
      this.out.push(assign(id(h), hi), assign(id(l), lo));
      return;
    }
    this.out.push(assign(id(l), lo), assign(id(h), hi));
  }

  override readFlag(f: FlagName): Expr {
    const copy = this.copyFlags.shift() ?? false;
    const n = this.u.useFlag(f);
    return copy ? this.copy(id(n)) : id(n);
  }

  override writeFlags(n: Expr, z: Expr, c: Expr, v: Expr): void {
    const vals = [n, z, c, v];
    const live = FLAGS.filter((_, i) => litValue(vals[i]) !== DEAD_FLAG);
    // A value that is another flag's local must be read before that local is overwritten.
    const names = new Set(FLAGS.map(flagLocal));
    const src = vals.map((e, i) => (e.type === 'Identifier' && names.has(e.name) && e.name !== flagLocal(FLAGS[i]) ? this.copy(e) : e));
    for (const f of live) {
      const i = FLAGS.indexOf(f);
      const name = this.u.useFlag(f);
      this.u.flagsWritten.add(f);
      this.out.push(assign(id(name), src[i]));
    }
  }

  // ----- exceptions: sites, helpers, memory
  private mark(wroteBack: boolean): void {
    if (this.site >= 0 && this.siteWroteBack === wroteBack) return;
    this.site = this.u.sites.length;
    this.siteWroteBack = wroteBack;
    this.u.sites.push({ pc: this.insn.pc, insnIndex: this.insnIndex, blockLen: this.blockLen, wroteBack });
    this.out.push(assign(id('s'), num(this.site)));
  }
  private writeback(): void {
    const b: E.BlockStatement = { type: 'BlockStatement', body: [] };
    this.u.writebacks.push(b);
    this.out.push(b);
  }
  private reload(): void {
    const b: E.BlockStatement = { type: 'BlockStatement', body: [] };
    this.u.reloads.push(b);
    this.out.push(b);
  }

  override helper(fn: string, args: Expr[]): Expr {
    if (fn === 'mul_64') return this.mul64(args);
    if (PURE_HELPERS.has(fn)) return super.helper(fn, args);
    if (!helperTouchesState(fn)) { this.mark(false); return super.helper(fn, args); }
    // The helper may read or change guest registers: hand them over, take them back.
    this.writeback();
    this.mark(true);
    const t = `${this.prefix}h${this.tmpCount()}`;
    this.out.push(constDecl(t, super.helper(fn, args)));
    this.reload();
    this.site = -1;       // later faults in this instruction need a fresh (writeback) site
    return id(t);
  }
  private hcount = 0;
  private tmpCount(): number { return this.hcount++; }

  override emitExit(fn: string, args: Expr[]): void {
    this.writeback();
    this.mark(true);
    this.sink.jump(this, this.fresh(super.helper(fn, [this.pc(), ...args])), undefined, true);
  }
  override emitJump(target: Expr, test?: Expr): void { this.sink.jump(this, target, test); }
  override emitFallthrough(): void { /* the next instruction follows in the block */ }

  // Accesses inline the TLB hit test of Memory.r8…w64 (same tags, same page-crossing bound) and
  // call the accessor only on a miss, which then behaves exactly as it does for the interpreter.
  protected override memRead(fn: string, args: Expr[]): Expr {
    this.mark(false);
    const size = MEM_SIZE[fn];
    if (size === undefined || size === 8 || !this.u.inlineMemory) return super.memRead(fn, args);
    const a = this.tlbHit(args[0], args[1], size, false);
    const fast = size === 1 ? index(id('U8'), a) : call(member(id('DV'), size === 2 ? 'getUint16' : 'getInt32'), [a, lit(true)]);
    return this.fresh(cond(bin('>=', a, num(0)), fast, call(member(id('M'), fn), args)));
  }
  protected override memRead64(fn: string, args: Expr[]): [Expr, Expr] {
    if (MEM_SIZE[fn] !== 8 || !this.u.inlineMemory) return super.memRead64(fn, args);
    this.mark(false);
    const a = this.tlbHit(args[0], args[1], 8, false);
    const hit = bin('>=', a, num(0));
    const lo = this.fresh(cond(hit, call(member(id('DV'), 'getInt32'), [a, lit(true)]), call(member(id('M'), fn), args)));
    const hi = this.fresh(cond(hit, call(member(id('DV'), 'getInt32'), [bin('+', a, num(4)), lit(true)]), member(id('M'), 'hi')));
    return [lo, hi];
  }
  protected override memWrite(fn: string, args: Expr[]): void {
    this.mark(false);
    const size = MEM_SIZE[fn];
    if (size === undefined || !this.u.inlineStores || !this.u.inlineMemory) { super.memWrite(fn, args); return; }
    const a = this.tlbHit(args[0], args[1], size, true);
    const fast: St[] = size === 1 ? [assign(index(id('U8'), a), args[2])]
      : size === 8 ? [exprSt(call(member(id('DV'), 'setInt32'), [a, args[2], lit(true)])), exprSt(call(member(id('DV'), 'setInt32'), [bin('+', a, num(4)), args[3], lit(true)]))]
      : [exprSt(call(member(id('DV'), size === 2 ? 'setUint16' : 'setInt32'), [a, args[2], lit(true)]))];
    this.out.push(ifSt(bin('>=', a, num(0)), blockSt(fast), exprSt(call(member(id('M'), fn), args))));
  }
  /** RAM offset of the access when the TLB holds its page (and it does not cross the page), else -1. */
  private tlbHit(lo: Expr, hi: Expr, size: number, write: boolean): Expr {
    if (write) this.u.usesStores = true; else this.u.usesLoads = true;
    const [tl, th, tb] = (write ? TLB_WRITE : TLB_READ).map(([l]) => l);
    const vpn = this.fresh(bin('>>>', lo, num(12)));
    const i = this.fresh(bin('&', vpn, num(TLB_SIZE - 1)));
    const off = size === 1 ? bin('&', lo, num(4095)) : this.fresh(bin('&', lo, num(4095)));
    let test = logic('&&', bin('===', index(id(tl), i), vpn), bin('===', index(id(th), i), hi));
    if (size > 1) test = logic('&&', test, bin('<=', off, num(4096 - size)));
    return this.fresh(cond(test, bin('+', index(id(tb), i), off), num(-1)));
  }

  /** The 64-bit product inline (a call to H.mul_64 plus cpu.hi costs more than the arithmetic):
   *  low word by Math.imul, high word from 16-bit partial products, which doubles hold exactly.
   *  The codegen reads the high word back as `cpu.hi`; fresh() hands it the local instead. */
  private pendingHi: Expr | undefined;
  private mul64([al, ah, bl, bh]: Expr[]): Expr {
    const f = (e: Expr) => this.fresh(e);
    const imul = (a: Expr, b: Expr) => call(member(id('Math'), 'imul'), [a, b]);
    const a0 = f(bin('&', al, num(0xffff))), a1 = f(bin('>>>', al, num(16)));
    const b0 = f(bin('&', bl, num(0xffff))), b1 = f(bin('>>>', bl, num(16)));
    const p01 = f(bin('*', a0, b1)), p10 = f(bin('*', a1, b0));
    const mid = f(bin('+', bin('+', bin('>>>', bin('*', a0, b0), num(16)), bin('&', p01, num(0xffff))), bin('&', p10, num(0xffff))));
    const hu = bin('+', bin('+', bin('+', bin('*', a1, b1), bin('>>>', p01, num(16))), bin('>>>', p10, num(16))), bin('>>>', mid, num(16)));
    const cross = bin('+', imul(al, bh), imul(ah, bl));
    this.pendingHi = f(bin('|', bin('+', hu, cross), num(0)));
    return f(imul(al, bl));
  }

  // ----- expressions
  protected override fresh(init: Expr): Expr {
    if (this.pendingHi && init.type === 'MemberExpression' && init.object.type === 'Identifier' && init.object.name === 'cpu') {
      const h = this.pendingHi;
      this.pendingHi = undefined;
      return h;
    }
    const e = simplify(init, this.u.int32);
    const r = super.fresh(e);
    if (r.type === 'Identifier' && r !== e && isInt32Init(e, this.u.int32)) this.u.int32.add(r.name);
    return r;
  }
  /** A const copy of `e` (a snapshot of a local that is about to change). */
  private copy(e: Expr): Expr {
    const name = `${this.prefix}c${this.tmpCount()}`;
    this.out.push(constDecl(name, e));
    if (e.type === 'Identifier' && this.u.int32.has(e.name)) this.u.int32.add(name);
    return id(name);
  }

  /** Which register/flag reads must be snapshotted: their value is used after the register
   *  (or flag) is written, or after a helper that may change any of them. */
  private planCopies(stmts: Stmt[]): void {
    this.copyRegs = [];
    this.copyFlags = [];
    // Most instructions end with their one register write: nothing can read after it.
    const first = stmts.findIndex((s) => s.k === 'setReg' || s.k === 'setFlags' || (s.k === 'effect' && helperTouchesState(s.fn)) ||
      (s.k === 'let' && s.node.k === 'call' && helperTouchesState(s.node.fn)));
    if (first < 0 || first === stmts.length - 1) return;
    const live = liveValues(stmts);
    const pos = new Map<number, number>();
    const readOf = new Map<number, { key: string; at: number }>();
    const deps = new Map<number, Set<number>>();   // value id → ids of register/flag reads it may forward
    const clobbers: { key: string; at: number }[] = [];
    const defs = new Map<number, Stmt>();
    for (const s of stmts) if (s.k === 'let') defs.set(s.v.id, s);
    const slotOf = (v: Val): number | undefined => {
      const d = defs.get(v.id);
      if (!d || d.k !== 'let') return undefined;
      if (d.node.k === 'opnd') return this.insn.ops[d.node.name];
      if (d.node.k === 'const') return d.node.lo;
      return undefined;
    };
    const need = new Set<number>();
    const use = (v: Val | undefined, at: number) => {
      if (!v) return;
      for (const r of deps.get(v.id) ?? []) {
        const rd = readOf.get(r)!;
        if (clobbers.some((c) => c.at > rd.at && c.at < at && (c.key === rd.key || c.key === '*'))) need.add(r);
      }
    };
    stmts.forEach((s, at) => {
      const ops = stmtOperands(s);
      for (const v of ops) use(v, at);
      switch (s.k) {
        case 'let': {
          pos.set(s.v.id, at);
          const d = new Set<number>();
          if (s.node.k === 'getReg') { const sl = slotOf(s.node.slot); readOf.set(s.v.id, { key: `r${sl}`, at }); d.add(s.v.id); }
          else if (s.node.k === 'getFlag') { readOf.set(s.v.id, { key: `f${s.node.flag}`, at }); d.add(s.v.id); }
          for (const v of ops) for (const x of deps.get(v.id) ?? []) d.add(x);
          deps.set(s.v.id, d);
          if (s.node.k === 'call' && helperTouchesState(s.node.fn)) clobbers.push({ key: '*', at });
          break;
        }
        case 'setReg': clobbers.push({ key: `r${slotOf(s.slot)}`, at }); break;
        case 'setFlags': for (const f of FLAGS) clobbers.push({ key: `f${f}`, at }); break;
        case 'effect': if (helperTouchesState(s.fn)) clobbers.push({ key: '*', at }); break;
      }
    });
    this.copyRegs = [];
    this.copyFlags = [];
    for (const s of stmts) {
      if (s.k !== 'let' || !live.has(s.v.id)) continue;
      if (s.node.k === 'getReg') this.copyRegs.push(need.has(s.v.id));
      else if (s.node.k === 'getFlag') this.copyFlags.push(need.has(s.v.id));
    }
  }
}

function isInt32Init(e: Expr, names: ReadonlySet<string>): boolean {
  switch (e.type) {
    case 'BinaryExpression': return ['|', '&', '^', '<<', '>>'].includes(e.operator);
    case 'UnaryExpression': return e.operator === '~';
    case 'Identifier': return names.has(e.name);
    case 'ConditionalExpression': return isInt32Init(e.consequent, names) && isInt32Init(e.alternate, names);
    case 'CallExpression': {
      const c = e.callee;
      if (c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && c.property.type === 'Identifier') {
        if (c.object.name === 'Math') return c.property.name === 'imul' || c.property.name === 'clz32';
        if (c.object.name === 'M') return /^u?r(32|64)$/.test(c.property.name);
      }
      return false;
    }
    default: return e.type === 'Literal' && typeof e.value === 'number' && (e.value | 0) === e.value;
  }
}

/** The values a statement reads. */
export function stmtOperands(s: Stmt): Val[] {
  switch (s.k) {
    case 'let': {
      const n = s.node as unknown as Record<string, unknown>;
      const out: Val[] = [];
      for (const k of ['a', 'b', 'c', 'slot', 'cin', 'r', 'addr']) if (n[k]) out.push(n[k] as Val);
      if (s.node.k === 'call') out.push(...s.node.args);
      return out;
    }
    case 'setReg': return [s.slot, s.v];
    case 'setFlags': return [s.n, s.z, s.c, s.v];
    case 'store': return [s.addr, s.v];
    case 'effect': case 'exit': return [...s.args];
    case 'setV': return [s.r, s.v];
    case 'jump': return s.cond ? [s.target, s.cond] : [s.target];
  }
}

