// The JIT's view of InsnCodegen: operands are literals, guest registers and NZCV live in JS
// locals of the unit function (loaded at entry, written back at exits and around helpers that
// look at the register file), every place that can raise an exception records a "site" so the
// unit's catch handler knows the faulting instruction, and jumps become the region's control flow.
import type * as E from 'estree';
import type { FlagName, Stmt, Val } from '../src/ir/ir.js';
import { InsnCodegen, liveValues, type LoadWord, type VView } from '../src/ir/codegen.js';
import { assign, bin, call, cond, constDecl, exprSt, id, ifSt, index, litValue, logic, member, num, type Expr, type St } from '../src/ir/estree.js';
import { TLB_SIZE } from '../src/mem/memory.js';
import { FLAG_INDEX, SLOT_SINK, SLOT_ZR } from '../src/cpu/state.js';
import { simplify } from './fold.js';
import { helperTouchesState, helperTouchesV, PURE_HELPERS, type Insn } from './insn.js';
import { LAZY_COND, LAZY_SET, LazyKind } from './flags.js';
import { helperCalled, vAccesses, vLocal, type VKind, type VPlan } from './vlocals.js';

/** Raised for an instruction the JIT cannot compile; it then runs in the interpreter. */
export class Unsupported extends Error {}

/** A place where an exception can be raised: the catch handler restores pc and the count. */
export interface Site {
  pc: number; insnIndex: number; blockLen: number;
  /** Every local was handed over (a state helper or exit): the handler writes nothing back. */
  wroteBack: boolean;
  /** Only the V locals were handed over (a helper of the SIMD&FP families): X locals still are. */
  vWroteBack?: boolean;
}

/** Value written into a setFlags component the block never observes (see flags.ts). */
export const DEAD_FLAG = 0x7ead;

const FLAGS: FlagName[] = ['n', 'z', 'c', 'v'];
export const flagLocal = (f: FlagName) => `${f}f`;

/** A TLB site's remembered page when it has none: a high address word no access reaching RAM
 *  has (bits 55:48 of the address neither all zeros nor all ones: a translation fault, and with
 *  the MMU off beyond any physical address), and a base that makes any offset from it negative
 *  (a miss), so that an access the compare does let through still takes the accessor. */
const NO_PAGE_HI = 0x7ffffffe, NO_PAGE_BASE = -0x40000000;

/** Unit locals holding the read / write TLB arrays, and the Memory fields they come from. */
export const TLB_READ: [string, string][] = [['TRL', 'rTagLo'], ['TRH', 'rTagHi'], ['TRB', 'rBase']];
export const TLB_WRITE: [string, string][] = [['TWL', 'wTagLo'], ['TWH', 'wTagHi'], ['TWB', 'wBase']];
const MEM_SIZE: Record<string, number> = { r8: 1, r16: 2, r32: 4, r64: 8, w8: 1, w16: 2, w32: 4, w64: 8 };
const lit = (v: boolean): Expr => ({ type: 'Literal', value: v });
/** The cpu view a V local of each kind is loaded from and stored to. */
const VIEW: Record<VKind, VView> = { i: 'V', s: 'VF32', d: 'VF64' };
/** The unit local holding each view (UnitState.vView). */
const VIEW_LOCAL: Record<VView, string> = { V: 'VW', VF32: 'VS', VF64: 'VD' };
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
  /** The unit keeps NZCV lazily (flags.ts): locals fk (kind) and LAZY_LOCALS. */
  lazy = false;
  /** The lazy kind known statically at the current point of generation (-1: unknown). */
  flagKind = 0;
  /** Which V words the unit keeps in locals (vlocals.ts); unset: all in memory. */
  vPlan: VPlan | undefined;
  /** V locals used: name → [kind, index in cpu.V / VF32 / VF64]. */
  readonly vUsed = new Map<string, [VKind, number]>();
  readonly vWritten = new Set<string>();
  /** Calls of helpers that look at V registers but not at the general ones: filled once the
   *  unit is generated as (V writeback, vh = call, V reload, vh), an expression, so that a call
   *  in the slow arm of an orSlow stays in that arm. `regs`: only the locals of these registers
   *  are handed over (the slow helper of an orSlow, which does the instruction its IR does). */
  readonly vCalls: { q: E.SequenceExpression; regs?: ReadonlySet<number> }[] = [];
  /** Double lanes (index into VF64) of V words in memory that an inline 8-byte load of this
   *  block wrote, as the RAM offset of that load (−1 on a TLB miss): a read of the lane as a
   *  double reads guest RAM there instead (see JitCodegen.readVF). Emptied at every block
   *  start, store and helper call. */
  readonly laneLoads = new Map<number, Expr>();
  /** Calls of the Memory accessors (r8…w64) emitted in place of an inline TLB test. */
  accessorCalls = 0;
  /** Inline TLB tests emitted: each remembers in locals (`c<k>s`, `c<k>h`, `c<k>b`: the low
   *  word of the page's address, its high word, its RAM base) the last page it hit, so that in a
   *  loop an access to the same page as last time costs a subtraction and two compares instead
   *  of three TLB array reads. A mapping stays valid while no state helper runs (only those flush
   *  or switch the TLB, or end the unit: syscalls, TLBI, MSR of the translation registers); the
   *  locals are forgotten at entry and after every such helper. */
  tlbSites = 0;
  /** Registers kept in the Int32Array instead of locals (for measurement). `inlineMemory`: test
   *  the TLB inline (set per block by compile.ts while the unit stays under its size bound, as the
   *  inline code grows the function). `inlineStores`:
   *  false when every store must reach the Memory accessors (--check-jit logs them there). */
  constructor(readonly regsInLocals = true, public inlineMemory = true, readonly inlineStores = true, readonly tlbSiteCache = false) {}

  /** Statements (re)loading the TLB arrays the unit's inline accesses test: at entry and after
   *  every helper that may have switched the TLB set (Memory.useTlb). */
  tlbLoadStmts(): St[] {
    const out: St[] = [];
    if (this.usesLoads) for (const [l, f] of TLB_READ) out.push(assign(id(l), member(id('M'), f)));
    if (this.usesStores) for (const [l, f] of TLB_WRITE) out.push(assign(id(l), member(id('M'), f)));
    return out;
  }
  /** Statements forgetting every TLB site's page (after a helper that may flush the TLB). */
  tlbSiteResets(): St[] {
    const out: St[] = [];
    for (let k = 0; k < this.tlbSites; k++) out.push(assign(id(`c${k}h`), num(NO_PAGE_HI)), assign(id(`c${k}b`), num(NO_PAGE_BASE)));
    return out;
  }
  /** The TLB site locals with their initial (empty) values. */
  tlbSiteLocals(): [string, Expr][] {
    const out: [string, Expr][] = [];
    for (let k = 0; k < this.tlbSites; k++) out.push([`c${k}s`, num(0)], [`c${k}h`, num(NO_PAGE_HI)], [`c${k}b`, num(NO_PAGE_BASE)]);
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

  /** Whether the unit may keep V words in locals (decided before generation). */
  vLocalsPlanned(): boolean { return this.regsInLocals && this.vPlan !== undefined && this.vPlan.any(); }
  /** The views of the V file the unit reaches, each read into a local at entry (VIEW_LOCAL):
   *  a Cpu's views are fixed, and a local spares V8 loading the field and checking the object
   *  at every access. */
  readonly views = new Set<VView>();
  vView(view: VView): Expr { this.views.add(view); return id(VIEW_LOCAL[view]); }
  /** `const VW = cpu.V, …` for the views used (the last thing to build: after every access). */
  viewDecls(): St[] {
    if (this.views.size === 0) return [];
    return [{ type: 'VariableDeclaration', kind: 'const', declarations: [...this.views].sort().map((v) => ({ type: 'VariableDeclarator', id: id(VIEW_LOCAL[v]), init: member(id('cpu'), v) })) }];
  }
  /** The local holding word `w` of the V file reached as `kind`, or undefined (memory). */
  useV(w: number, kind: VKind): string | undefined {
    if (!this.vLocalsPlanned() || this.vPlan!.kind(w) !== kind) return undefined;
    const name = vLocal(w, kind);
    if (!this.vUsed.has(name)) {
      this.vUsed.set(name, [kind, kind === 'd' ? w >> 1 : w]);
      if (kind === 'i') this.int32.add(name);
    }
    return name;
  }
  /** Expressions storing the written V locals (float ones only when no NaN: vlocals.ts). */
  vWritebackExprs(regs?: ReadonlySet<number>): Expr[] {
    return [...this.vWritten].sort().filter((name) => !regs || regs.has(vRegOf(this.vUsed.get(name)!))).map((name) => {
      const [kind, k] = this.vUsed.get(name)!;
      const st = assign(index(this.vView(VIEW[kind]), num(k)), id(name)) as E.ExpressionStatement;
      return kind === 'i' ? st.expression : logic('&&', bin('===', id(name), id(name)), st.expression);
    });
  }
  vLoadExprs(regs?: ReadonlySet<number>): Expr[] {
    return [...this.vUsed].filter(([, u]) => !regs || regs.has(vRegOf(u))).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, [kind, k]]) =>
      (assign(id(name), index(this.vView(VIEW[kind]), num(k))) as E.ExpressionStatement).expression);
  }
  /** Statements storing every written local back into cpu.R (and the V file). */
  writebackStmts(): St[] { return [...this.xWritebackStmts(), ...this.vWritebackExprs().map(exprSt)]; }
  /** The writeback of general registers and flags alone. */
  xWritebackStmts(): St[] {
    const out: St[] = [];
    if (this.regsInLocals) {
      for (const s of [...this.regsWritten].sort((a, b) => a - b)) {
        const [l, h] = regLocals(s);
        out.push(assign(index(id('R'), num(s)), id(l)), assign(index(id('R'), num(s + 1)), id(h)));
      }
    }
    if (this.lazy) out.push(...this.materialiseStmts());
    for (const f of FLAGS) if (this.flagsWritten.has(f)) out.push(assign(index(id('R'), num(FLAG_INDEX[f])), id(flagLocal(f))));
    return out;
  }
  /** nf…vf from the lazy state when there is one (fk = 0 afterwards). */
  materialiseStmts(): St[] {
    const w = call(member(id('ctx'), 'lazyNZCV'), [id('fk'), ...LAZY_LOCALS.map((n) => id(n))]);
    return [ifSt(bin('!==', id('fk'), num(0)), blockSt([
      constDecl('fw', w),
      assign(id('nf'), bin('>>>', id('fw'), num(3))), assign(id('zf'), bin('&', bin('>>>', id('fw'), num(2)), num(1))),
      assign(id('cf'), bin('&', bin('>>>', id('fw'), num(1)), num(1))), assign(id('vf'), bin('&', id('fw'), num(1))),
      assign(id('fk'), num(0)),
    ]))];
  }
  /** Marks the unit lazy: every flag is loaded at entry and written back at exits. */
  setLazy(): void {
    this.lazy = true;
    for (const f of FLAGS) { this.useFlag(f); this.flagsWritten.add(f); }
    for (const n of ['fk', ...LAZY_LOCALS]) this.int32.add(n);
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
    if (this.lazy) for (const n of ['fk', ...LAZY_LOCALS]) out.push(assign(id(n), num(0)));
    out.push(...this.vLoadExprs().map(exprSt));
    return out;
  }
  /** Fills the placeholders once every register the unit touches is known. */
  finish(): void {
    const wb = this.writebackStmts(), ld = this.loadStmts();
    for (const b of this.writebacks) b.body = wb;
    const tl = this.tlbLoadStmts();
    const forget = this.tlbSiteResets();
    for (const b of this.reloads) b.body = [...ld, ...tl, ...forget];
    for (const { q, regs } of this.vCalls) {
      const vwb = this.vWritebackExprs(regs), vld = this.vLoadExprs(regs);
      const callE = q.expressions[0];
      q.expressions = vwb.length + vld.length === 0 ? [callE]
        : [...vwb, (assign(id('vh'), callE as Expr) as E.ExpressionStatement).expression, ...vld, id('vh')];
    }
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
  private siteVWroteBack = false;

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
    if (this.insnIndex === 0) this.forgetLaneLoads();   // a new block: another JS scope
    this.topOut = this.out;
    this.planCopies(stmts);
    if (this.u.vLocalsPlanned()) {
      this.vClobbered = vWordsWritten(stmts, this.insn);
      this.vRegs = vRegsAccessed(stmts, this.insn);
      // An orSlow helper does the whole instruction instead of its IR (src/ir/ir.ts), so it
      // touches the registers the IR touches; a helper also called otherwise gets everything.
      this.orSlowFns = new Set(stmts.flatMap((x) => (x.k === 'orSlow' ? [x.fn] : [])));
      for (const x of stmts) { const fn = helperCalled(x); if (fn !== undefined) this.orSlowFns.delete(fn); }
    }
    this.pairs = accessPairs(stmts);
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
    if (this.u.lazy) {
      if (this.u.flagKind > 0) return this.fresh(bin('|', lazyFlag(this.u.flagKind, f), num(0)));
      this.materialise();
    }
    const n = this.u.useFlag(f);
    return copy ? this.copy(id(n)) : id(n);
  }

  override writeFlags(n: Expr, z: Expr, c: Expr, v: Expr): void {
    const vals = [n, z, c, v];
    const live = FLAGS.filter((_, i) => litValue(vals[i]) !== DEAD_FLAG);
    if (this.u.lazy && live.length) {
      // Values read from flag locals were materialised by readFlag; from here the locals hold it.
      this.out.push(assign(id('fk'), num(0)));
      this.u.flagKind = 0;
    }
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

  // ----- V registers: words the plan keeps in locals (vlocals.ts), the rest through cpu.V…
  protected override vView(view: VView): Expr { return this.u.vView(view); }
  /** The word index a literal cpu.V / VF32 / VF64 slot names (VF64 lane j: word 2j). */
  private vWord(slot: E.MemberExpression, lg: 0 | 2 | 3): number | undefined {
    const k = litValue(slot.property as Expr);
    if (k === undefined) {
      if (this.u.vLocalsPlanned()) throw new Unsupported('V register operand not constant');
      return undefined;
    }
    return lg === 3 ? 2 * k : k;
  }
  private vLocalOf(slot: E.MemberExpression, lg: 0 | 2 | 3): string | undefined {
    const w = this.vWord(slot, lg);
    return w === undefined ? undefined : this.u.useV(w, lg === 0 ? 'i' : lg === 2 ? 's' : 'd');
  }
  // A read is a snapshot (a const copy, free in optimised code): the instruction may write the
  // word before it uses the value it read (ADD v4.2d, v4.2d, … reads word 0 again for the carry).
  // Only where the instruction may change the word: it writes it, or calls a helper (that
  // reloads the locals).
  private vClobbered: Set<number> | 'all' | undefined;
  /** V registers the instruction's IR reads or writes, and the helpers of its orSlow statements. */
  private vRegs: Set<number> = new Set();
  private orSlowFns: Set<string> = new Set();
  private vRead(name: string, w: number): Expr {
    const c = this.vClobbered;
    return c === 'all' || c?.has(w) ? this.copy(id(name)) : id(name);
  }
  protected override readV(r: Val, i: number): Expr {
    const slot = this.vSlot(r, i);
    const name = this.vLocalOf(slot, 0);
    return name ? this.vRead(name, this.vWord(slot, 0)!) : super.readV(r, i);
  }
  protected override readVF(r: Val, i: number, lg: 2 | 3): Expr {
    const slot = this.vfSlot(r, i, lg);
    const name = this.vLocalOf(slot, lg);
    if (name) return this.vRead(name, this.vWord(slot, lg)!);
    const w = this.vWord(slot, lg), a = lg === 3 && w !== undefined ? this.u.laneLoads.get(w >> 1) : undefined;
    // The lane's two words were just stored from a load: reading them back as one double
    // cannot be store-forwarded (two 4-byte stores, one 8-byte load) and stalls; the same
    // bytes in guest RAM, unchanged since (no store or helper in between), are read instead.
    if (a) return this.fresh(cond(bin('>=', a, num(0)), call(member(id('DV'), 'getFloat64'), [a, lit(true)]), slot));
    return super.readVF(r, i, lg);
  }
  protected override writeV(r: Val, i: number, v: Expr, word: LoadWord | undefined): void {
    const slot = this.vSlot(r, i);
    this.noteLaneWrite(this.vWord(slot, 0), word);
    const name = this.vLocalOf(slot, 0);
    if (!name) { super.writeV(r, i, v, word); return; }
    this.u.vWritten.add(name);
    // The typed array would wrap a value to int32; the local must hold what it would.
    this.out.push(assign(id(name), simplify(bin('|', v, num(0)), this.u.int32)));
  }
  protected override writeVF(r: Val, i: number, lg: 2 | 3, v: Expr, single: boolean): void {
    const slot = this.vfSlot(r, i, lg), w = this.vWord(slot, lg);
    if (w !== undefined) { this.u.laneLoads.delete(w >> 1); this.laneLoadLo.delete(w >> 1); }
    const name = this.vLocalOf(slot, lg);
    if (!name) { super.writeVF(r, i, lg, v, single); return; }
    this.u.vWritten.add(name);
    // A single lane holds what a Float32Array store would keep.
    this.out.push(assign(id(name), lg === 2 && !single ? call(member(id('Math'), 'fround'), [v]) : v));
  }

  // ----- double lanes loaded from RAM (UnitState.laneLoads)
  /** This instruction's top-level statement list: code nested in an orSlow arm is another
   *  scope (its temporaries are not visible to later instructions). */
  private topOut: St[] = [];
  /** Inline 8-byte loads of this instruction at its top level: IR value id → RAM offset local. */
  private loads64 = new Map<number, Expr>();
  /** Lanes whose low word this instruction took from such a load, awaiting the high word. */
  private laneLoadLo = new Map<number, { load: number; a: Expr }>();
  private forgetLaneLoads(): void { this.u.laneLoads.clear(); this.laneLoadLo.clear(); }
  /** Word `w` of the V file gets a value that is `word` of a load (per the IR): the lane it
   *  belongs to is loaded from RAM once its low word and then its high word come from the same
   *  inline load; anything else forgets it. */
  private noteLaneWrite(w: number | undefined, word: LoadWord | undefined): void {
    if (w === undefined) return;
    const lane = w >> 1;
    this.u.laneLoads.delete(lane);
    const lo = this.laneLoadLo.get(lane);
    this.laneLoadLo.delete(lane);
    if (word === undefined || this.out !== this.topOut) return;
    const a = this.loads64.get(word.load);
    if (a === undefined) return;
    if ((w & 1) === 0) { if (word.half === 0) this.laneLoadLo.set(lane, { load: word.load, a }); }
    else if (word.half === 1 && lo?.load === word.load) this.u.laneLoads.set(lane, a);
  }

  // ----- exceptions: sites, helpers, memory
  private mark(wroteBack: boolean, vWroteBack = false): void {
    if (this.site >= 0 && this.siteWroteBack === wroteBack && this.siteVWroteBack === vWroteBack) return;
    this.site = this.u.sites.length;
    this.siteWroteBack = wroteBack;
    this.siteVWroteBack = vWroteBack;
    this.u.sites.push({ pc: this.insn.pc, insnIndex: this.insnIndex, blockLen: this.blockLen, wroteBack, vWroteBack });
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
    this.lastAccess = undefined;
    if (fn === LAZY_SET) return this.lazySet(args);
    if (fn === LAZY_COND) return this.fresh(this.lazyCond(litValue(args[0])!));
    if (fn === 'mul_64') return this.mul64(args);
    if (PURE_HELPERS.has(fn)) return super.helper(fn, args);
    this.forgetLaneLoads();     // the helper may store to guest memory or write V registers
    if (!helperTouchesState(fn)) {
      if (!helperTouchesV(fn) || !this.u.vLocalsPlanned()) { this.mark(false); return super.helper(fn, args); }
      // Hands the V locals over and takes them back around the call (UnitState.finish). Only
      // those of the instruction's registers for an orSlow helper: such a site keeps SW = 0,
      // the other locals are still to be written back at a fault (these FP helpers raise none).
      const regs = this.orSlowFns.has(fn) ? this.vRegs : undefined;
      this.mark(false, regs === undefined);
      const q: E.SequenceExpression = { type: 'SequenceExpression', expressions: [super.helper(fn, args)] };
      this.u.vCalls.push({ q, regs });
      return q;
    }
    // The helper may read or change guest registers: hand them over, take them back.
    this.writeback();
    this.mark(true);
    const t = `${this.prefix}h${this.tmpCount()}`;
    this.out.push(constDecl(t, super.helper(fn, args)));
    this.reload();
    if (this.u.lazy) this.u.flagKind = 0;
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
    if (size === undefined || size === 8 || !this.u.inlineMemory) {
      this.lastAccess = undefined;
      if (size !== undefined) this.u.accessorCalls++;
      return super.memRead(fn, args);
    }
    const a = this.tlbHit(args[0], args[1], size, false);
    const fast = size === 1 ? index(id('U8'), a) : call(member(id('DV'), size === 2 ? 'getUint16' : 'getInt32'), [a, lit(true)]);
    return this.fresh(cond(bin('>=', a, num(0)), fast, call(member(id('M'), fn), args)));
  }
  protected override memRead64(fn: string, args: Expr[], load: number, addr: number): [Expr, Expr] {
    if (MEM_SIZE[fn] !== 8 || !this.u.inlineMemory) return super.memRead64(fn, args, load, addr);
    this.mark(false);
    const a = this.pairedAddr(addr, false, args[0], args[1]) ?? this.tlbHit(args[0], args[1], 8, false, addr);
    const hit = bin('>=', a, num(0));
    const lo = this.fresh(cond(hit, call(member(id('DV'), 'getInt32'), [a, lit(true)]), call(member(id('M'), fn), args)));
    const hi = this.fresh(cond(hit, call(member(id('DV'), 'getInt32'), [bin('+', a, num(4)), lit(true)]), member(id('M'), 'hi')));
    if (this.out === this.topOut && a.type === 'Identifier') this.loads64.set(load, a);
    return [lo, hi];
  }
  protected override memWrite(fn: string, args: Expr[], addr: number): void {
    this.forgetLaneLoads();
    this.mark(false);
    const size = MEM_SIZE[fn];
    if (size === undefined || !this.u.inlineStores || !this.u.inlineMemory) {
      this.lastAccess = undefined;
      if (size !== undefined) this.u.accessorCalls++;
      super.memWrite(fn, args, addr);
      return;
    }
    const a = (size === 8 ? this.pairedAddr(addr, true, args[0], args[1]) : undefined) ?? this.tlbHit(args[0], args[1], size, true, addr);
    const fast: St[] = size === 1 ? [assign(index(id('U8'), a), args[2])]
      : size === 8 ? [exprSt(call(member(id('DV'), 'setInt32'), [a, args[2], lit(true)])), exprSt(call(member(id('DV'), 'setInt32'), [bin('+', a, num(4)), args[3], lit(true)]))]
      : [exprSt(call(member(id('DV'), size === 2 ? 'setUint16' : 'setInt32'), [a, args[2], lit(true)]))];
    this.out.push(ifSt(bin('>=', a, num(0)), blockSt(fast), exprSt(call(member(id('M'), fn), args))));
  }
  /** RAM offset of the access when the TLB holds its page (and it does not cross the page), else
   *  -1. `addr`: the IR value of the address, for 8-byte accesses. */
  private tlbHit(lo: Expr, hi: Expr, size: number, write: boolean, addr?: number): Expr {
    // The first 8-byte access of an LDP/STP-like pair tests the TLB for both (16 bytes in the
    // page); the second then needs no test of its own (pairedAddr). When the 16 bytes straddle
    // a page, each half tests its own 8 bytes, so that only an access that itself crosses the
    // page calls the accessor (an unaligned copy meets one such pair per page and stream).
    const pairFirst = size === 8 && addr !== undefined && this.pairs.firsts.has(addr);
    if (write) this.u.usesStores = true; else this.u.usesLoads = true;
    const both = this.u.tlbSiteCache ? this.siteTest(lo, hi, pairFirst ? 16 : size, write) : this.fresh(this.tlbTest(lo, hi, pairFirst ? 16 : size, write));
    const a = pairFirst ? this.fresh(cond(bin('>=', both, num(0)), both, this.tlbTest(lo, hi, 8, write))) : both;
    this.lastAccess = pairFirst && both.type === 'Identifier' ? { addr: addr!, both, write } : undefined;
    return a;
  }
  /** The TLB's entry for `size` bytes at lo:hi: RAM offset, or -1 (not held, or crosses the page). */
  private tlbTest(lo: Expr, hi: Expr, size: number, write: boolean): Expr {
    const [tl, th, tb] = (write ? TLB_WRITE : TLB_READ).map(([l]) => l);
    const vpn = this.fresh(bin('>>>', lo, num(12)));
    const off = size === 1 ? bin('&', lo, num(4095)) : this.fresh(bin('&', lo, num(4095)));
    const i = this.fresh(bin('&', vpn, num(TLB_SIZE - 1)));
    let test = logic('&&', bin('===', index(id(tl), i), vpn), bin('===', index(id(th), i), hi));
    if (size > 1) test = logic('&&', test, bin('<=', off, num(4096 - size)));
    return cond(test, bin('+', index(id(tb), i), off), num(-1));
  }
  /** tlbTest through a remembered page (UnitState.tlbSites): in this site's last page (d: the
   *  offset from its start; the high words equal), else the TLB's entry, then remembered. */
  private siteTest(lo: Expr, hi: Expr, size: number, write: boolean): Expr {
    const [tl, th, tb] = (write ? TLB_WRITE : TLB_READ).map(([l]) => l);
    const k = this.u.tlbSites++, cs = id(`c${k}s`), ch = id(`c${k}h`), cb = id(`c${k}b`);
    const d = this.fresh(bin('|', bin('-', lo, cs), num(0)));
    const vpn = bin('>>>', lo, num(12)), i = bin('&', vpn, num(TLB_SIZE - 1)), off = bin('&', lo, num(4095));
    const remember = [assign(cs, bin('&', lo, num(-4096))), assign(ch, hi), assign(cb, index(id(tb), i))].map((st) => (st as E.ExpressionStatement).expression);
    const fromTlb = cond(logic('&&', bin('===', index(id(tl), i), vpn), bin('===', index(id(th), i), hi)),
      { type: 'SequenceExpression', expressions: [...remember, cond(bin('<=', off, num(4096 - size)), bin('+', cb, off), num(-1))] }, num(-1));
    return this.fresh(cond(logic('&&', bin('<=', bin('>>>', d, num(0)), num(4096 - size)), bin('===', hi, ch)), bin('+', cb, d), fromTlb));
  }

  // ----- access pairs (LDP/STP of X registers): one TLB test for both accesses
  private pairs: AccessPairs = { seconds: new Map(), firsts: new Set() };
  /** The first access of a pair just emitted: its address (IR value) and the local holding the
   *  RAM offset of its 16-byte test (-1 when the pair's bytes are not all in one held page). */
  private lastAccess: { addr: number; both: Expr; write: boolean } | undefined;
  /** RAM offset of the second access of a pair (at the first's address + 8, per the IR) right
   *  after the first: when that one tested 16 bytes in one page, no carry into the high word can
   *  have occurred and the second lies at its offset + 8; otherwise it tests its own 8 bytes.
   *  Undefined when this is not that access. */
  private pairedAddr(addr: number, write: boolean, lo: Expr, hi: Expr): Expr | undefined {
    const last = this.lastAccess;
    this.lastAccess = undefined;
    if (!last || last.write !== write || this.pairs.seconds.get(addr) !== last.addr) return undefined;
    return this.fresh(cond(bin('>=', last.both, num(0)), bin('+', last.both, num(8)), this.tlbTest(lo, hi, 8, write)));
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

  // ----- lazy flags (flags.ts)
  /** A lazy setter: save kind, operands and result (args: kind, a, b, r; one or two words each). */
  private lazySet(args: Expr[]): Expr {
    const k = litValue(args[0])! as LazyKind;
    const w = k === LazyKind.Sub64 || k === LazyKind.Add64 ? 2 : k === LazyKind.Logic64 ? 2 : 1;
    const logic = k === LazyKind.Logic64 || k === LazyKind.Logic32;
    const sub = k === LazyKind.Sub64 || k === LazyKind.Sub32;
    const names = logic ? (w === 2 ? ['fr0', 'fr1'] : ['fr0'])
      : w === 2 ? ['fa0', 'fa1', 'fb0', 'fb1', ...(sub ? [] : ['fr0', 'fr1'])] : ['fa0', 'fb0', ...(sub ? [] : ['fr0'])];
    // Values first (an operand may be a flag-state local itself only through a copy: never here).
    names.forEach((n, i) => this.out.push(assign(id(n), args[1 + i])));
    this.out.push(assign(id('fk'), num(k)));
    this.u.flagKind = k;
    return num(0);
  }
  /** ConditionHolds(cc): compared directly after a lazy subtract, else from the flags. */
  private lazyCond(cc: number): Expr {
    const k = this.u.lazy ? this.u.flagKind : 0;
    if (k === LazyKind.Sub64 || k === LazyKind.Sub32) {
      const d = subCond(cc, k === LazyKind.Sub64);
      if (d) return d;
    }
    const f = (x: FlagName) => this.readFlag(x);
    return condFromFlags(cc, f);
  }
  private materialise(): void {
    if (this.u.flagKind === 0) return;
    this.out.push(...this.u.materialiseStmts());
    this.u.flagKind = 0;
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

/** Words of the V file an instruction writes (a double lane: both words), or 'all' when it calls a
 *  helper that may change V registers. (An orSlow helper runs in the slow arm, after which
 *  nothing of the instruction reads: not counted.) */
function vWordsWritten(stmts: Stmt[], insn: Insn): Set<number> | 'all' {
  if (stmts.some((s) => { const fn = helperCalled(s); return fn !== undefined && helperTouchesV(fn); })) return 'all';
  const out = new Set<number>();
  for (const a of vAccesses(stmts, insn, false)) {
    if (!a.write) continue;
    if (a.r === undefined) return 'all';
    if (a.lg === 3) { out.add(a.r * 4 + 2 * a.i); out.add(a.r * 4 + 2 * a.i + 1); } else out.add(a.r * 4 + a.i);
  }
  return out;
}

/** V registers an instruction's IR reads or writes, dead reads included: an orSlow helper doing
 *  the whole instruction reads its operands (every register when one is not constant). */
function vRegsAccessed(stmts: Stmt[], insn: Insn): Set<number> {
  const out = new Set<number>();
  for (const a of vAccesses(stmts, insn, false)) {
    if (a.r === undefined) { for (let i = 0; i < 32; i++) out.add(i); break; }
    out.add(a.r);
  }
  return out;
}
const vRegOf = ([kind, k]: [VKind, number]): number => (kind === 'd' ? k >> 1 : k >> 2);

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
    case 'setV': case 'setVF': return [s.r, s.v];
    case 'orSlow': return [s.ok, ...s.args];
    case 'jump': return s.cond ? [s.target, s.cond] : [s.target];
  }
}


// ----- lazy flag expressions (the operands are int32 locals)
export const LAZY_LOCALS = ['fa0', 'fa1', 'fb0', 'fb1', 'fr0', 'fr1'];
const u32e = (e: Expr) => bin('>>>', e, num(0));
const lt64u = (a: [Expr, Expr], b: [Expr, Expr], orEq: boolean): Expr =>
  logic('||', bin('<', u32e(a[1]), u32e(b[1])), logic('&&', bin('===', a[1], b[1]), bin(orEq ? '<=' : '<', u32e(a[0]), u32e(b[0]))));
const lt64s = (a: [Expr, Expr], b: [Expr, Expr], orEq: boolean): Expr =>
  logic('||', bin('<', a[1], b[1]), logic('&&', bin('===', a[1], b[1]), bin(orEq ? '<=' : '<', u32e(a[0]), u32e(b[0]))));

/** One flag of a lazy state (true/false or 0/1). */
function lazyFlag(k: number, f: FlagName): Expr {
  const w64 = k === LazyKind.Sub64 || k === LazyKind.Add64 || k === LazyKind.Logic64;
  const a0 = id('fa0'), a1 = id('fa1'), b0 = id('fb0'), b1 = id('fb1');
  let r0: Expr = id('fr0'), r1: Expr = id('fr1');
  if (k === LazyKind.Sub32 || k === LazyKind.Sub64) {
    // A subtract keeps no result (flags.ts): Z is a == b, the result words are recomputed.
    if (f === 'z') return k === LazyKind.Sub64 ? logic('&&', bin('===', a0, b0), bin('===', a1, b1)) : bin('===', a0, b0);
    r0 = bin('|', bin('-', a0, b0), num(0));
    r1 = bin('|', bin('-', bin('-', a1, b1), cond(bin('<', u32e(a0), u32e(b0)), num(1), num(0))), num(0));
  }
  switch (f) {
    case 'n': return bin('<', w64 ? r1 : r0, num(0));
    case 'z': return bin('===', w64 ? bin('|', r0, r1) : r0, num(0));
    case 'c':
      switch (k) {
        case LazyKind.Sub64: return unaryNot(lt64u([a0, a1], [b0, b1], false));
        case LazyKind.Sub32: return bin('>=', u32e(a0), u32e(b0));
        case LazyKind.Add64: return lt64u([r0, r1], [a0, a1], false);
        case LazyKind.Add32: return bin('<', u32e(r0), u32e(a0));
        default: return num(0);
      }
    case 'v':
      switch (k) {
        case LazyKind.Sub64: return bin('<', bin('&', bin('^', a1, b1), bin('^', a1, r1)), num(0));
        case LazyKind.Sub32: return bin('<', bin('&', bin('^', a0, b0), bin('^', a0, r0)), num(0));
        case LazyKind.Add64: return bin('<', bin('&', bin('^', a1, r1), bin('^', b1, r1)), num(0));
        case LazyKind.Add32: return bin('<', bin('&', bin('^', a0, r0), bin('^', b0, r0)), num(0));
        default: return num(0);
      }
  }
}
const unaryNot = (e: Expr): Expr => ({ type: 'UnaryExpression', operator: '!', prefix: true, argument: e });

/** ConditionHolds(cc) after a subtract a - b as a direct comparison of a and b (conditions on
 *  N or V alone: undefined, derived from the flags instead). */
function subCond(cc: number, w64: boolean): Expr | undefined {
  const a: [Expr, Expr] = [id('fa0'), id('fa1')], b: [Expr, Expr] = [id('fb0'), id('fb1')];
  const ult = (x: [Expr, Expr], y: [Expr, Expr], eq: boolean) => (w64 ? lt64u(x, y, eq) : bin(eq ? '<=' : '<', u32e(x[0]), u32e(y[0])));
  const slt = (x: [Expr, Expr], y: [Expr, Expr], eq: boolean) => (w64 ? lt64s(x, y, eq) : bin(eq ? '<=' : '<', x[0], y[0]));
  const eq = w64 ? logic('&&', bin('===', a[0], b[0]), bin('===', a[1], b[1])) : bin('===', a[0], b[0]);
  const ne = w64 ? logic('||', bin('!==', a[0], b[0]), bin('!==', a[1], b[1])) : bin('!==', a[0], b[0]);
  switch (cc) {
    case 0: return eq;                   // EQ
    case 1: return ne;                   // NE
    case 2: return ult(b, a, true);      // CS/HS: a >= b unsigned
    case 3: return ult(a, b, false);     // CC/LO
    case 8: return ult(b, a, false);     // HI
    case 9: return ult(a, b, true);      // LS
    case 10: return slt(b, a, true);     // GE
    case 11: return slt(a, b, false);    // LT
    case 12: return slt(b, a, false);    // GT
    case 13: return slt(a, b, true);     // LE
    default: return undefined;
  }
}

/** ConditionHolds(cc) from the Arm ARM over flag values (as src/isa/cond.ts builds it). */
function condFromFlags(cc: number, f: (x: FlagName) => Expr): Expr {
  const inv = (e: Expr) => bin('^', e, num(1));
  const base = ((): Expr => {
    switch (cc >> 1) {
      case 0: return f('z');
      case 1: return f('c');
      case 2: return f('n');
      case 3: return f('v');
      case 4: { const c = f('c'), z = f('z'); return cc & 1 ? bin('<=', c, z) : bin('<', z, c); }
      case 5: { const n = f('n'), v = f('v'); return bin(cc & 1 ? '!==' : '===', n, v); }
      case 6: { const n = f('n'), v = f('v'), z = f('z'); return bin(cc & 1 ? '!==' : '===', bin('|', bin('^', n, v), z), num(0)); }
      default: return num(1);
    }
  })();
  return cc >> 1 <= 3 && cc & 1 ? inv(base) : base;
}

/** Pairs of 8-byte accesses in an instruction: two loads or two stores, the second at the
 *  first's address + 8 (LDP/STP of X or D registers), with only pure values computed in between.
 *  `seconds`: the second's address value id → the first's; `firsts`: the first ones. */
interface AccessPairs { seconds: Map<number, number>; firsts: Set<number> }
function accessPairs(stmts: Stmt[]): AccessPairs {
  const pairs: AccessPairs = { seconds: new Map(), firsts: new Set() };
  const defs = new Map<number, Stmt>();
  let first: Val | undefined, write = false;
  const access = (addr: Val, w: boolean) => {
    if (first && write === w && isPlus8(defs, addr, first)) { pairs.seconds.set(addr.id, first.id); pairs.firsts.add(first.id); first = undefined; } else { first = addr; write = w; }
  };
  for (const s of stmts) {
    if (s.k === 'let') {
      defs.set(s.v.id, s);
      if (s.node.k === 'load' && s.node.size === 8) access(s.node.addr, false);
      else if (s.node.k === 'call' || s.node.k === 'load') first = undefined;
    } else if (s.k === 'store' && s.size === 8) access(s.addr, true);
    else if (s.k !== 'setReg' && s.k !== 'setFlags') first = undefined;
  }
  return pairs;
}
function isPlus8(defs: Map<number, Stmt>, v: Val, base: Val): boolean {
  const d = defs.get(v.id);
  if (!d || d.k !== 'let' || d.node.k !== 'bin' || d.node.op !== 'add' || d.node.a.id !== base.id) return false;
  const c = defs.get(d.node.b.id);
  return c?.k === 'let' && c.node.k === 'const' && c.node.lo === 8 && c.node.hi === 0;
}
