// Region → one JS function. Blocks become the cases of `X: for (;;) switch (L) { … }` (or plain
// code when the region is a single block), so a guest loop is a JS loop that V8 optimises as one
// function. Every block starts with the budget check (and, past the entry, whether the unit was
// dropped because its page was written), so the instruction count stays exact. compileBounded
// keeps a unit's source under UNIT_SIZE_MAX (V8's limit for optimising a function), testing the
// TLB inline in as many of its hottest blocks as fit, or has the engine select a smaller region.
//
//   function u_<pc>(cpu, ctx) {
//     const VD = cpu.VF64, VW = cpu.V;                 // the views of the V file the unit reaches
//     const R = cpu.R, M = cpu.mem;
//     let x1l = R[2], x1h = R[3], …, zf = R[71];        // registers/flags the unit touches
//     let v3_1 = VW[13], v1d0 = VD[2], …;               // V words reached through one view (vlocals.ts)
//     let n = ctx.n, pc = 0, e = 0, s = -1, L = <entry>;
//     try { X: for (;;) switch (L) { case 0: if (n < K) {…exit…} n -= K; …; L = 1; continue X; … } }
//     catch (err) { pc = SP[s]; n += SN[s]; if (SW[s] !== 1) {writeback X} if (!SW[s]) {writeback V} ctx.fault = err; P[0] = pc; return -1; }
//     R[2] = x1l; …;  ctx.n = n; P[0] = pc; return e;     // P = ctx.pcOut: the pc stays unboxed
//   }
import type * as E from 'estree';
import { generate } from 'astring';
import { assign, bin, constDecl, id, ifSt, index, litValue, logic, member, num, ret, type Expr, type St } from '../src/ir/estree.js';
import { JitCodegen, UnitState, Unsupported, type JumpSink, type Site } from './jitcodegen.js';
import { lazyFlags, removeDeadFlags } from './flags.js';
import { VPlan } from './vlocals.js';
import type { Block } from './translator.js';
import type { Insn } from './insn.js';

export const enum ExitKind { Budget = 0, Static = 1, Call = 2, Indirect = 3, Ret = 4, Helper = 5 }
export const EXIT_FAULT = -1;
/** V8 never optimises a function whose bytecode is over 61440 bytes (--max-optimized-bytecode-size):
 *  such a unit stays in the bytecode interpreter, about 2.5x slower. On the units of the benchmark
 *  guests (node 20, `--print-bytecode`) the bytecode was 0.84–0.96 bytes per non-blank character
 *  of the generated source (`unitSize`), so a unit is kept to UNIT_SIZE_MAX of those: at most
 *  ~50,000 bytes of bytecode, a margin for other shapes of code. */
export const UNIT_SIZE_MAX = 52_000;
/** In the kernel tier, only units up to this many instructions test the TLB inline. A Linux boot
 *  ran 0.9 s (30%) longer with inline tests in its few large hot units: their miss paths first ran
 *  after V8 had optimised the unit (deopts for "insufficient type feedback for call"), and its two
 *  hottest units were optimised 21 times instead of 13. */
export const KERNEL_INLINE_MEMORY_MAX_INSNS = 64;
/** The bound in force (tests lower it to make small guests hit it). */
export const unitLimits = { sizeMax: UNIT_SIZE_MAX };

export interface ExitInfo { kind: ExitKind; target: number | undefined; from: number }

export interface CompileOptions {
  regsInLocals: boolean;
  /** Stores always call the Memory accessors (for --check-jit, which logs them there). */
  noInlineStores?: boolean;
  /** Guest disassembly as comments (for --jit-dump and --check-jit reports). */
  disasm?: (insn: Insn) => string;
  /** Whether the loads and stores of block `i` of the region test the TLB inline (default: all);
   *  otherwise they call the Memory accessors, which is smaller code. */
  inlineMemory?: (i: number) => boolean;
  /** compileBounded: regions of more instructions call the accessors for every access (the kernel
   *  tier: see KERNEL_INLINE_MEMORY_MAX_INSNS). */
  inlineMemoryMaxInsns?: number;
  /** Inline TLB tests remember their last page in locals (UnitState.tlbSites); larger code. */
  tlbSiteCache?: boolean;
}

export interface Compiled {
  name: string;
  src: string;
  exits: ExitInfo[];
  sites: Site[];
  blocks: Block[];
  insns: number;
  flagsRemoved: number;
  /** Calls helpers that touch guest state: exits must not be chained (the machine may have changed). */
  stateful: boolean;
  /** unitSize of the source without comments. */
  size: number;
  /** Each block's calls of the Memory accessors in place of an inline TLB test (for choosing
   *  which blocks test the TLB inline). */
  accessorCalls: number[];
  /** A region's block pcs → their labels (see multiEntrySource). Undefined for a single block. */
  labels: Map<number, number> | undefined;
}

const lbl = (name: string): E.Identifier => id(name);
const brk = (): St => ({ type: 'BreakStatement', label: lbl('X') });
const cont = (): St => ({ type: 'ContinueStatement', label: lbl('X') });
const blk = (body: St[]): E.BlockStatement => ({ type: 'BlockStatement', body });
const letDecl = (pairs: [string, Expr][]): St =>
  ({ type: 'VariableDeclaration', kind: 'let', declarations: pairs.map(([n, init]) => ({ type: 'VariableDeclarator', id: id(n), init })) });

/** Compiles the blocks (ascending pc; `entry` is one of them) into JS source. Throws Unsupported
 *  (with `block`/`index` set) when an instruction cannot be compiled. */
export function compileRegion(blocks: Block[], entry: number, opts: CompileOptions): Compiled {
  const u = new UnitState(opts.regsInLocals, true, !opts.noInlineStores, opts.tlbSiteCache ?? false);
  const exits: ExitInfo[] = [{ kind: ExitKind.Budget, target: undefined, from: entry }];
  const labelOf = new Map(blocks.map((b, i) => [b.pc, i] as [number, number]));
  let internalEdges = false;
  let flagsRemoved = 0, insnCount = 0, stateful = false;
  const multi = blocks.length > 1;

  // Jumps: to a block of the region → control flow; elsewhere → leave with pc and exit index.
  let cur = 0;
  const goto = (target: number, tail: boolean, kind: ExitKind, from: number): St[] => {
    const j = labelOf.get(target);
    if (j !== undefined) {
      internalEdges = true;
      if (!multi) return [cont()];
      if (tail && j === cur + 1) return [];
      return [assign(id('L'), num(j)), cont()];
    }
    exits.push({ kind, target, from });
    return [assign(id('pc'), num(target)), assign(id('e'), num(exits.length - 1)), brk()];
  };
  // Return addresses of the region's calls whose callee is in the region too: a `ret` to one
  // of them continues inside the unit (tested against X30, so any other return still exits).
  const returnSites: number[] = [];
  for (const b of blocks) {
    const last = b.insns[b.jitLen - 1];
    if (last?.call && last.target !== undefined && labelOf.has(last.target) && labelOf.has(last.pc + 4) && !returnSites.includes(last.pc + 4)) returnSites.push(last.pc + 4);
  }
  const sink = (insn: Insn, last: boolean): JumpSink => ({
    jump(cg: JitCodegen, target: Expr, test: Expr | undefined, helperExit?: boolean): void {
      let st: St[];
      const t = litValue(target);
      if (helperExit) {
        exits.push({ kind: ExitKind.Helper, target: undefined, from: insn.pc });
        // Registers were handed to the helper; leave without writing the (stale) locals back.
        st = [assign(member(id('ctx'), 'n'), id('n')), assign(index(id('P'), num(0)), target), ret(num(exits.length - 1))];
      } else if (t !== undefined && !test) {
        st = goto(t, last, insn.call ? ExitKind.Call : ExitKind.Static, insn.pc);
      } else if (t !== undefined) {
        st = goto(t, false, ExitKind.Static, insn.pc);
      } else {
        const internal: St[] = [];
        if (insn.ret && !test && target.type === 'Identifier') {
          for (const rp of returnSites) internal.push(ifSt(bin('===', target, num(rp)), blk(goto(rp, false, ExitKind.Ret, insn.pc))));
        }
        exits.push({ kind: insn.ret ? ExitKind.Ret : insn.call ? ExitKind.Call : ExitKind.Indirect, target: undefined, from: insn.pc });
        st = [...internal, assign(id('pc'), target), assign(id('e'), num(exits.length - 1)), brk()];
      }
      if (test) cg.out.push(ifSt(test, blk(st)));
      else cg.out.push(...st);
    },
  });

  // Flag passes first: whether any setter is lazy decides the unit's flag locals.
  const blockStmts = blocks.map((b) => {
    const insns = b.insns.slice(0, b.jitLen);
    const orig = insns.map((i) => i.stmts);
    const { stmts, removed } = removeDeadFlags(orig);
    flagsRemoved += removed;
    return lazyFlags(stmts, orig, (k) => condCode(insns[k]));
  });
  if (blockStmts.some((x) => x.lazy)) u.setLazy();
  if (opts.regsInLocals) {
    const plan = new VPlan();
    blocks.forEach((b, bi) => b.insns.slice(0, b.jitLen).forEach((insn, ii) => plan.add(insn, blockStmts[bi].stmts[ii])));
    u.vPlan = plan;
  }
  const cases: E.SwitchCase[] = [];
  const accessorCalls: number[] = [];
  let tIdx = 0;
  blocks.forEach((b, bi) => {
    cur = bi;
    const K = b.jitLen;
    const body: St[] = [];
    const low: Expr = bin('<', id('n'), num(K));
    const test = b.pc === entry ? low : logic('||', low, member(id('U'), 'dead'));
    body.push(ifSt(test, blk([assign(id('pc'), num(b.pc)), assign(id('e'), num(0)), brk()])));
    // `| 0`: n stays an int32 (JitEngine.run keeps budgets under 2^31 and n >= K here), and V8
    // then needs no overflow check (intloop ran 22% faster).
    body.push(assign(id('n'), bin('|', bin('-', id('n'), num(K)), num(0))));
    const insns = b.insns.slice(0, K);
    const stmts = blockStmts[bi].stmts;
    u.flagKind = u.lazy ? -1 : 0;      // predecessors differ: the kind is known again after a setter
    u.inlineMemory = opts.inlineMemory?.(bi) ?? true;
    const callsBefore = u.accessorCalls;
    let ended = false;
    insns.forEach((insn, ii) => {
      const cg = new JitCodegen(u, insn, ii, K, sink(insn, ii === K - 1), `t${tIdx++}_`);
      try { cg.generate(stmts[ii]); }
      catch (x) {
        if (x instanceof Unsupported) Object.assign(x, { block: b, index: ii });
        throw x;
      }
      if (insn.exit || insn.stateHelper) stateful = true;
      if (opts.disasm) {
        if (cg.out.length === 0) cg.out.push({ type: 'EmptyStatement' });
        (cg.out[0] as unknown as { comments: unknown[] }).comments = [{ type: 'Line', value: ` ${hex(insn.pc)}: ${opts.disasm(insn)}` }];
      }
      body.push(...cg.out);
      if (insn.ends && !insn.cond) ended = true;
    });
    insnCount += K;
    accessorCalls.push(u.accessorCalls - callsBefore);
    if (!ended) body.push(...goto(b.pc + 4 * K, true, ExitKind.Static, b.pc + 4 * (K - 1)));
    cases.push({ type: 'SwitchCase', test: num(bi), consequent: [blk(body)] });
  });
  u.finish();

  // The loop (or plain block) labelled X that jumps leave with `break X`.
  let core: St;
  if (multi) {
    const sw: St = { type: 'SwitchStatement', discriminant: id('L'), cases };
    core = { type: 'ForStatement', init: null, test: null, update: null, body: sw };
  } else {
    const body = cases[0].consequent;
    core = internalEdges ? { type: 'ForStatement', init: null, test: null, update: null, body: body[0] } : body[0];
  }
  const labelled: St = { type: 'LabeledStatement', label: lbl('X'), body: core };

  const loads: [string, Expr][] = [];
  for (const st of u.loadStmts()) {
    const ex = (st as E.ExpressionStatement).expression as E.AssignmentExpression;
    loads.push([(ex.left as E.Identifier).name, ex.right]);
  }
  const prologue: St[] = [
    constDecl('R', member(id('cpu'), 'R')),
    constDecl('M', member(id('cpu'), 'mem')),
    constDecl('P', member(id('ctx'), 'pcOut')),
    ...(loads.length ? [letDecl(loads)] : []),
    ...(u.usesLoads || u.usesStores ? [constDecl('DV', member(id('M'), 'dv')), constDecl('U8', member(id('M'), 'u8'))] : []),
    ...(u.usesLoads || u.usesStores ? [letDecl(u.tlbLoadStmts().map((st) => {
      const ex = (st as E.ExpressionStatement).expression as E.AssignmentExpression;
      return [(ex.left as E.Identifier).name, ex.right] as [string, Expr];
    }))] : []),
    ...(u.tlbSites ? [letDecl(u.tlbSiteLocals())] : []),
    letDecl([['n', member(id('ctx'), 'n')], ['pc', num(0)], ['e', num(0)], ['s', num(-1)],
      ...(u.vCalls.length ? [['vh', num(0)] as [string, Expr]] : [])]),
    ...(multi ? [letDecl([['L', num(labelOf.get(entry)!)]])] : []),
  ];
  const wb = u.writebackStmts(), xwb = u.xWritebackStmts(), vwb = u.vWritebackExprs().map((x): St => ({ type: 'ExpressionStatement', expression: x }));
  // SW[s]: 0 nothing handed over yet, 1 everything (state helper, exit), 2 the V locals only.
  const handler: St[] = [
    ifSt(bin('<', id('s'), num(0)), { type: 'ThrowStatement', argument: id('err') }),
    assign(id('pc'), index(id('SP'), id('s'))),
    assign(id('n'), index(id('SN'), id('s')), '+='),
    ...(xwb.length ? [ifSt(bin('!==', index(id('SW'), id('s')), num(1)), blk(xwb))] : []),
    ...(vwb.length ? [ifSt(bin('===', index(id('SW'), id('s')), num(0)), blk(vwb))] : []),
    assign(member(id('ctx'), 'n'), id('n')),
    assign(member(id('ctx'), 'fault'), id('err')),
    assign(index(id('P'), num(0)), id('pc')),
    ret(num(EXIT_FAULT)),
  ];
  const tryS: St = {
    type: 'TryStatement', block: blk([labelled]),
    handler: { type: 'CatchClause', param: id('err'), body: blk(handler) }, finalizer: null,
  };
  const epilogue: St[] = [...wb, assign(member(id('ctx'), 'n'), id('n')), assign(index(id('P'), num(0)), id('pc')), ret(id('e'))];
  const name = `u_${entry < 0 ? 'm' + (-entry).toString(16) : entry.toString(16)}`;
  const fn: E.FunctionDeclaration = {
    type: 'FunctionDeclaration', id: id(name), params: [id('cpu'), id('ctx')],
    body: blk([...u.viewDecls(), ...prologue, tryS, ...epilogue]),
  };
  const src = generate(fn, { comments: opts.disasm !== undefined });
  const size = unitSize(opts.disasm ? generate(fn) : src);
  return { name, src, exits, sites: u.sites, blocks, insns: insnCount, flagsRemoved, stateful, size, accessorCalls, labels: multi ? labelOf : undefined };
}

/** The source of a region's unit (`name`, compiled for the entry with label `label`) as a
 *  function of a third argument, the label of the block to start at: one function then serves
 *  further entries into the region. (A unit keeps its constant entry until it gets a second one:
 *  starting from an argument made fib's units, entered at every call and return, 10-15% slower.) */
export function multiEntrySource(src: string, name: string, label: number): string {
  const head = `function ${name}(cpu, ctx) {`, start = `let L = ${label};`;
  if (!src.startsWith(head) && !src.includes(`\n${head}`)) throw new Error(`multiEntrySource: no header in ${name}`);
  if (!src.includes(start)) throw new Error(`multiEntrySource: no entry label in ${name}`);
  return src.replace(head, `function ${name}(cpu, ctx, L0) {`).replace(start, 'let L = L0;');
}

/** The size measure that tracks V8's bytecode size: non-blank characters of the source. */
export function unitSize(src: string): number {
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) n++;
  }
  return n;
}

/** The region's generated code is over the bound even with every access through the Memory
 *  accessors: the caller selects a smaller region (about `insns * bound / size`). */
export class UnitTooBig extends Error {
  constructor(readonly size: number, readonly insns: number) { super(`unit too big: ${size}`); }
}

/** Only regions of up to this many instructions remember their TLB pages per access. Larger
 *  ones (vector's 73-instruction FP loops, sha256's and fft's regions of 100–200) ran their short
 *  benchmark runs 6–19% slower with them: the optimising compile of a unit grows with its locals
 *  and so does V8's warm-up; the loops of 10–50 instructions gained (over long runs: crc32 +50%,
 *  fib +14%, memcpy +13%, matmul +3%). */
const TLB_SITE_CACHE_MAX_INSNS = 64;

/** Rough unitSize per instruction of a region whose accesses are inline (the FP loops of the
 *  benchmark guests: 240–390); a region small enough by this guess is compiled inline first. */
const SIZE_PER_INSN_GUESS = 350;
/** What testing the TLB inline adds to the unitSize per Memory accessor call it replaces (measured
 *  on fft and vector units: 170–240; the larger figure, so that the estimate rarely overshoots). */
const INLINE_ACCESS_GROWTH = 240;

/** Compiles the region within the size bound (unitLimits.sizeMax): with every load and store
 *  testing the TLB inline, remembering the last page per access (regions of up to
 *  TLB_SITE_CACHE_MAX_INSNS), if that fits; then without remembering; otherwise inline in the
 *  hottest blocks (most executions before compiling: the inner loop) as far as their estimated
 *  growth fits, the rest through the accessors. (The remembered pages never cost a block its
 *  inline test: fft's inner loop, at the bound, ran 10% slower through the accessors than it
 *  gained.) A single block is compiled whatever its size; a larger region too big even without
 *  inline accesses throws UnitTooBig. A region compiles once when it fits with everything
 *  inline, else up to three times. */
export function compileBounded(blocks: Block[], entry: number, opts: CompileOptions): Compiled {
  const max = unitLimits.sizeMax;
  const insns = blocks.reduce((k, b) => k + b.jitLen, 0);
  const inlineAllowed = insns <= (opts.inlineMemoryMaxInsns ?? Infinity);
  if (inlineAllowed && insns * SIZE_PER_INSN_GUESS <= max) {
    if (insns <= TLB_SITE_CACHE_MAX_INSNS) {
      const cached = compileRegion(blocks, entry, { ...opts, tlbSiteCache: true });
      if (cached.size <= max) return cached;
    }
    const all = compileRegion(blocks, entry, opts);
    if (all.size <= max) return all;
  }
  const none = compileRegion(blocks, entry, { ...opts, inlineMemory: () => false });
  if (none.size > max) {
    if (blocks.length === 1) return none;
    throw new UnitTooBig(none.size, none.insns);
  }
  const growth = none.accessorCalls.map((n) => n * INLINE_ACCESS_GROWTH);
  const order = blocks.map((_, i) => i).sort((a, b) => blocks[b].hits - blocks[a].hits || a - b);
  let room = max - none.size;
  const chosen = new Set<number>();
  for (const i of order) if (growth[i] > 0 && growth[i] <= room) { chosen.add(i); room -= growth[i]; }
  if (!inlineAllowed || chosen.size === 0) return none;
  const some = compileRegion(blocks, entry, { ...opts, inlineMemory: chosen.size === blocks.length ? undefined : (i) => chosen.has(i) });
  return some.size <= max ? some : none;
}

/** The condition code of a B.cond (its IR then asks the lazy flags for the condition). */
function condCode(i: Insn): number | undefined {
  const c = (i.d.s as Record<string, number> | undefined)?.cond;
  return i.te.def.name === 'B_cond' && c !== undefined && c < 14 ? c : undefined;
}

/** Site tables for the catch handler: pc, count adjustment, whether state was already written back. */
export function siteTables(sites: Site[]): { SP: Float64Array; SN: Int32Array; SW: Uint8Array } {
  const SP = new Float64Array(sites.length), SN = new Int32Array(sites.length), SW = new Uint8Array(sites.length);
  sites.forEach((s, i) => { SP[i] = s.pc; SN[i] = s.blockLen - s.insnIndex; SW[i] = s.wroteBack ? 1 : s.vWroteBack ? 2 : 0; });
  return { SP, SN, SW };
}

export const hex = (pc: number) => (pc < 0 ? '-0x' + (-pc).toString(16) : '0x' + pc.toString(16));
