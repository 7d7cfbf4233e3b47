// The JIT engine: a dispatcher over compiled units, with the interpreter as the cold tier.
//
// Cold code runs block by block through the interpreter's handlers (Interpreter.decodeWord);
// each block counts its executions and, once hot, the region around it is compiled (compile.ts)
// into a unit. Units return the next pc and the exit they left by; the dispatcher follows the
// exit's link when it has one (chaining, same page only, so the translation the unit was found
// through still holds), else looks the pc up: exec-translation cache → RAM page → unit by offset.
import { Cpu, Refetch, UndefinedInstruction } from '../src/cpu/state.js';
import type { Decoder } from '../src/isa/decoder.js';
import type { Engine, EngineOptions } from '../src/engine.js';
import { HOT_MARK, Interpreter } from '../src/interp/interpreter.js';
import { PC } from '../src/interp/handlers.js';
import { H } from '../src/ir/helpers.js';
import { GuestFault, PAGE_SIZE, Access } from '../src/mem/memory.js';
import { CodeCache, CodePage, RunCtx, Unit, type UnitFn } from './cache.js';
import { compileBounded, multiEntrySource, siteTables, ExitKind, EXIT_FAULT, UnitTooBig, unitLimits, KERNEL_INLINE_MEMORY_MAX_INSNS, type Compiled } from './compile.js';
import { analyseBlock, discoverBlock, selectRegion, regionLimits, type Block } from './translator.js';
import { Unsupported } from './jitcodegen.js';
import type { Insn } from './insn.js';
import { JitChecker } from './check.js';
import { dumpUnit } from './dump.js';

// Block executions before a region is compiled. Compiling costs ~40–300 µs per guest instruction
// (more while the compiler itself is still cold) against ~15 ns saved per executed instruction,
// so code must run thousands of times to pay back; at 100, programs of ~1M instructions ran
// slower under the JIT than under the interpreter (qsort, printf_ints).
export const DEFAULT_THRESHOLD = 2000;
/** The most instructions one run() call hands to units (their counter `n` is an int32). */
export const RUN_BUDGET_MAX = 2 ** 30;
/** The default in system mode once the guest has shown a kernel-sized code footprint
 *  (SYSTEM_FOOTPRINT distinct blocks; the bare-metal test guests run under 250, a Linux boot
 *  ~40K), counted then as taken-jump arrivals in the interpreter's loop (coldInterp). Few kernel
 *  blocks run many times: at 2000, compiling (AST, astring, new Function, and V8 optimising ~800
 *  units) cost more than twice the interpreter's whole boot; at 10000 (26 units) and 30000 (10) a
 *  boot still took more CPU time than at 100000 (one unit), V8's optimising compiles included. */
export const SYSTEM_THRESHOLD = 100000;
export const SYSTEM_FOOTPRINT = 1000;
const XC_SIZE = 64;
const TWO32 = 4294967296;

export interface JitEngine extends Engine {
  /** Drops all compiled code (IC IALLU, or a change the JIT cannot see). */
  flushCode(): void;
  readonly cache: CodeCache;
}

export interface JitInternals {
  /** Keep guest registers in cpu.R instead of JS locals (for measurement). */
  regsInMemory?: boolean;
  /** Bound on live generated source (bytes); default MAX_SRC_BYTES. */
  maxCodeBytes?: number;
}

export function createJit(cpu: Cpu, decoder: Decoder, opts: EngineOptions & JitInternals): JitEngine {
  return new Jit(cpu, decoder, opts);
}

class Jit implements JitEngine {
  readonly cache: CodeCache;
  private readonly interp: Interpreter;
  private readonly ctx = new RunCtx();
  /** From the options, else DEFAULT_THRESHOLD, raised to SYSTEM_THRESHOLD for a kernel. */
  private threshold: number;
  /** A kernel-sized guest (SYSTEM_FOOTPRINT): cold code runs in the interpreter's own loop. */
  private kernelTier = false;
  private readonly checker: JitChecker | undefined;
  private readonly regsInLocals: boolean;
  /** Current pc of the dispatcher (a field so a throw anywhere leaves it right). */
  // NaN: a double from the start (a Smi field turning double deprecates the map, aborting
  // optimisations in progress).
  private pc = NaN;
  // Exec-translation cache: virtual page → RAM offset. Valid until something that may change
  // the translation runs (an exit helper, an exception, a stateful block) or a new run starts.
  private readonly xTag = new Float64Array(XC_SIZE).fill(NaN);
  private readonly xBase = new Float64Array(XC_SIZE);
  private xGen = 0;
  // Return-address stack: pc pushed by calls, with the exec-cache generation it is valid in.
  private readonly rasPc = new Float64Array(16);
  private readonly rasGen = new Int32Array(16).fill(-1);
  private rasTop = 0;
  // Where the last lookup landed (for the cold tier).
  private curPage: CodePage | undefined;
  private curRam = 0;
  private seq = 0;
  private readonly st = {
    unitsCompiled: 0, regions: 0, blocksCompiled: 0, insnsCompiled: 0, compileMs: 0, compileFailures: 0,
    chainHits: 0, lookups: 0, rasHits: 0, blocksDiscovered: 0, insnsDiscovered: 0, coldBlocks: 0, coldInsns: 0, flagsRemoved: 0, twoPageUnits: 0,
    entriesAdded: 0,
  };

  constructor(readonly cpu: Cpu, readonly decoder: Decoder, readonly opts: EngineOptions & JitInternals) {
    this.interp = new Interpreter(cpu, decoder);
    this.cache = new CodeCache(cpu.mem.codePages.length, opts.maxCodeBytes);
    this.threshold = Math.max(1, opts.jitThreshold ?? DEFAULT_THRESHOLD);
    this.regsInLocals = !opts.regsInMemory;
    this.checker = opts.checkJit ? new JitChecker(cpu, decoder, this.interp) : undefined;
  }

  // ----- Engine
  invalidatePage(ramPage: number): void {
    this.interp.invalidatePage(ramPage);
    this.cache.invalidatePage(ramPage);
  }
  flushCode(): void { this.cache.invalidateAll(); this.flushX(); }

  stats(): Record<string, number> {
    return {
      instructions: this.cpu.icount,
      ...this.st,
      compileMs: Math.round(this.st.compileMs * 10) / 10,
      liveUnits: this.cache.liveUnits,
      cacheSrcBytes: this.cache.srcBytes,
      invalidations: this.cache.invalidations,
      unitsDropped: this.cache.unitsDropped,
      cacheFlushes: this.cache.flushes,
      ...(this.checker ? { unitsChecked: this.checker.unitsChecked } : {}),
    };
  }

  /** Runs up to `budget` instructions (at most RUN_BUDGET_MAX per call: units count in int32);
   *  returns how many ran. */
  run(budget: number): number {
    const ctx = this.ctx, cpu = this.cpu, st = this.st;
    budget = Math.min(budget, RUN_BUDGET_MAX);
    ctx.n = budget;
    this.pc = cpu.pc;
    this.flushX();
    let prev: Unit | undefined;
    let pe = 0;
    let chainHits = 0;
    try {
      while (ctx.n > 0) {
        const pc = this.pc;
        let u: Unit | undefined;
        let g: number;
        if (prev !== undefined && (u = prev.links[pe]) !== undefined && u.pc === pc && !u.dead && ((g = prev.linkGen[pe]) < 0 || g === this.xGen)) {
          chainHits++;
        } else {
          try {
            u = prev !== undefined && prev.kinds[pe] === ExitKind.Ret ? this.popRas() : undefined;
            if (u === undefined) u = this.find();
          } catch (x) {
            // Instruction fetch faulted (or an alignment fault on the pc).
            prev = undefined;
            this.exception(x);
            continue;
          }
          if (u === undefined) { prev = undefined; this.runCold(); continue; }
          if (prev !== undefined && !prev.dead && prev.chainOut) {
            // Same page: valid as long as both units live. Across pages: only while the
            // translations seen in this generation of the exec cache hold.
            this.cache.link(prev, pe, u, samePage(prev.pc, pc) ? -1 : this.xGen);
          }
        }
        if (u.ram2 >= 0 && u.okGen !== this.xGen && !this.check2(u)) {
          // Its second page now translates elsewhere: run the code there cold (it recompiles).
          prev = undefined;
          try { this.find(); } catch (x) { this.exception(x); continue; }
          this.runCold();
          continue;
        }
        pe = this.checker ? this.checker.run(u, ctx) : u.fn(cpu, ctx, u.label);
        const next = this.pc = ctx.pcOut[0];
        if (pe === EXIT_FAULT) {
          prev = undefined;
          const x = ctx.fault;
          ctx.fault = undefined;
          this.exception(x);
          continue;
        }
        const k = u.kinds[pe];
        if (k === ExitKind.Call) this.pushRas(u.froms[pe] + 4);
        else if (k === ExitKind.Ret) this.rasTop = (this.rasTop - 1) & 15;   // popped (popRas looks one above)
        else if (k === ExitKind.Budget) {
          // Fewer instructions left than the next block holds: finish them in the interpreter.
          prev = undefined;
          if (ctx.n > 0) this.cold(true);
          continue;
        } else if (k === ExitKind.Helper) { this.flushX(); prev = undefined; continue; }
        if (!u.chainOut) { this.flushX(); prev = undefined; continue; }
        prev = u;
      }
    } finally {
      st.chainHits += chainHits;
      cpu.pc = this.pc;
      cpu.icount += budget - ctx.n;
    }
    return budget - ctx.n;
  }

  // ----- exceptions, the way the interpreter takes them
  private exception(x: unknown): void {
    const pc = this.pc;
    this.flushX();
    this.ctx.n--;     // the interpreter counts the instruction that raised it, whatever it was
    if (x instanceof GuestFault) this.pc = this.cpu.env.fault(x, pc);
    else if (x instanceof UndefinedInstruction) this.pc = this.cpu.env.undefinedInsn(pc);
    else if (x instanceof Refetch) this.pc = x.pc;      // the instruction completed; fetch afresh
    else throw x;
  }

  // ----- lookup
  private flushX(): void { this.xTag.fill(NaN); this.xGen++; }

  /** The unit at this.pc (read, not passed: see cold), or undefined (then curPage/curRam
   *  describe where the cold tier runs). */
  private find(): Unit | undefined {
    const pc = this.pc;
    this.st.lookups++;
    if ((pc & 3) !== 0) throw new GuestFault('alignment', BigInt.asUintN(64, BigInt(pc)), Access.Exec, 1);
    const vpage = Math.floor(pc / PAGE_SIZE);
    const i = vpage & (XC_SIZE - 1);
    let base: number;
    if (this.xTag[i] === vpage) base = this.xBase[i];
    else {
      const lo = (vpage * PAGE_SIZE) | 0, hi = Math.floor(pc / TWO32) | 0;
      base = this.cpu.mem.addrOf(lo, hi, Access.Exec);
      // Executing from device memory: an external abort on the fetch, as on hardware.
      if (base >= this.cpu.mem.ram.byteLength) throw new GuestFault('external', BigInt.asUintN(64, BigInt(pc)), Access.Exec);
      this.xTag[i] = vpage;
      this.xBase[i] = base;
    }
    const ramPage = base / PAGE_SIZE;
    const cp = this.cache.page(ramPage);
    this.curPage = cp;
    this.curRam = base;
    if (cp === undefined) return undefined;
    const u = cp.units[(pc - vpage * PAGE_SIZE) >> 2];
    return u !== undefined && u.pc === pc ? u : undefined;
  }

  /** Whether the second page of a two-page unit still translates to the RAM page it was
   *  compiled from (checked once per exec-cache generation). */
  private check2(u: Unit): boolean {
    const vp = u.vpage2, i = vp & (XC_SIZE - 1);
    let base: number;
    if (this.xTag[i] === vp) base = this.xBase[i];
    else {
      try { base = this.cpu.mem.addrOf((vp * PAGE_SIZE) | 0, Math.floor(vp * PAGE_SIZE / TWO32) | 0, Access.Exec); }
      catch { return false; }
      if (base >= this.cpu.mem.ram.byteLength) return false;
      this.xTag[i] = vp;
      this.xBase[i] = base;
    }
    if (base / PAGE_SIZE !== u.ram2) return false;
    u.okGen = this.xGen;
    return true;
  }

  private pushRas(retPc: number): void {
    const t = this.rasTop = (this.rasTop + 1) & 15;
    this.rasPc[t] = retPc;
    this.rasGen[t] = this.xGen;
  }
  /** The unit at this.pc when it is a predicted return address, found without translating
   *  (same generation). The dispatcher pops the stack on every return exit; the entry just
   *  above the top is this one. */
  private popRas(): Unit | undefined {
    const pc = this.pc;
    const t = (this.rasTop + 1) & 15;
    if (this.rasPc[t] !== pc || this.rasGen[t] !== this.xGen) return undefined;
    const vpage = Math.floor(pc / PAGE_SIZE);
    const i = vpage & (XC_SIZE - 1);
    if (this.xTag[i] !== vpage) return undefined;
    const cp = this.cache.page(this.xBase[i] / PAGE_SIZE);
    const u = cp?.units[(pc - vpage * PAGE_SIZE) >> 2];
    if (u !== undefined && u.pc === pc) { this.st.rasHits++; return u; }
    return undefined;
  }

  // ----- the cold tier
  /** Runs cold code from this.pc (leaves the next pc in this.pc; a field, so a kernel address is
   *  not boxed on every return). Goes on from block to block while they stay in the same page,
   *  with no unit at the next pc and nothing that may change the translation, so the dispatcher
   *  is not re-entered for each cold block. `tail`: finish a unit's budget, no hit counting. */
  private cold(tail = false): void {
    let pc = this.pc;   // (read here, not passed: a kernel pc as an argument is a heap number)
    if (tail) this.find();   // where the block lives (the translation is cached: cannot fault)
    const ramPage = this.curRam / PAGE_SIZE;
    const cp = this.curPage ?? this.cache.pageOrNew(ramPage);
    this.curPage = cp;
    const pageVa = Math.floor(pc / PAGE_SIZE) * PAGE_SIZE;
    for (;;) {
      const idx = (pc - pageVa) >> 2;
      let b = cp.cold[idx];
      if (b === undefined || b.pc !== pc) {
        this.cpu.mem.markCode(ramPage);
        b = discoverBlock(this.decoder, this.interp, this.cpu.mem.dv, pc, this.curRam);
        cp.cold[idx] = b;
        if (++this.st.blocksDiscovered === SYSTEM_FOOTPRINT && this.opts.jitThreshold === undefined && this.cpu.mem.mmio !== undefined) {
          this.threshold = SYSTEM_THRESHOLD;
          this.kernelTier = true;
        }
        this.st.insnsDiscovered += b.entries.length;
      }
      if (!tail && ++b.hits >= this.threshold && !b.noCompile && this.compile(b, cp, idx)) { this.pc = pc; return; }
      if (!this.interpret(b) || tail) return;
      pc = this.pc;
      const off = pc - pageVa;
      if (!(off >= 0 && off < PAGE_SIZE) || (off & 3) !== 0 || this.ctx.n <= 0 || this.cache.page(ramPage) !== cp) return;
      const u = cp.units[off >> 2];
      if (u !== undefined && u.pc === pc) return;
    }
  }

  /** Runs cold code from this.pc in the tier the guest's size calls for. */
  private runCold(): void {
    if (this.kernelTier) this.coldInterp(); else this.cold();
  }

  /** The cold tier of a kernel-sized guest: most of its code runs a few times, where going block
   *  by block costs more than the interpreter's own loop. That loop counts the taken jumps that
   *  arrive at each instruction and stops before a target that has reached the threshold or
   *  where a unit starts (HOT_MARK); the code there is then compiled, or its unit run. */
  private coldInterp(): void {
    const it = this.interp, ctx = this.ctx;
    if (it.stoppedHot && it.lastPc === this.pc) {
      it.stoppedHot = false;
      if (this.compileHere()) return;
    }
    try {
      it.runProfiled(this.pc, ctx.n, this.threshold);
    } finally {
      ctx.n -= it.lastRan;
      this.st.coldInsns += it.lastRan;
      this.pc = it.lastPc;
      this.flushX();   // the code may have changed the translation
    }
  }

  /** Compiles the region at this.pc, where the profiled loop stopped (find() has just looked
   *  it up); false if nothing could be compiled (the loop then never stops there again). */
  private compileHere(): boolean {
    const pc = this.pc, ramPage = this.curRam / PAGE_SIZE;
    const cp = this.curPage ?? this.cache.pageOrNew(ramPage);
    this.curPage = cp;
    const idx = (pc - Math.floor(pc / PAGE_SIZE) * PAGE_SIZE) >> 2;
    let b = cp.cold[idx];
    if (b === undefined || b.pc !== pc) {
      b = discoverBlock(this.decoder, this.interp, this.cpu.mem.dv, pc, this.curRam);
      cp.cold[idx] = b;
    }
    b.hits = Math.max(b.hits, 1);
    if (!b.noCompile && this.compile(b, cp, idx)) return true;
    this.interp.setArrivals(ramPage, idx, -HOT_MARK);
    return false;
  }

  /** Runs a cold block's instructions from this.pc through the interpreter's handlers; leaves
   *  the next pc in this.pc. True when the cold tier may go on without the dispatcher (no exception, the block
   *  neither changed the machine state nor its own page). */
  private interpret(b: Block): boolean {
    const ctx = this.ctx, cpu = this.cpu, entries = b.entries;
    let pc = this.pc;
    this.st.coldBlocks++;
    let n = ctx.n;
    const start = n;
    try {
      for (let i = 0; i < entries.length && n > 0; i++) {
        const e = entries[i];
        PC[0] = pc;
        const jumped = e.h(cpu, e);
        n--;
        if (jumped !== 0) { pc = PC[0]; break; }
        pc += 4;
        if (b.dead) break;
      }
    } catch (x) {
      this.st.coldInsns += start - n;
      ctx.n = n;
      this.pc = pc;
      this.exception(x);
      return false;
    }
    this.st.coldInsns += start - n;
    ctx.n = n;
    this.pc = pc;
    if (b.stateful) { this.flushX(); return false; }
    return !b.dead;
  }

  private compilable(i: Insn): boolean {
    // In check mode, instructions with effects outside registers and memory stay in the
    // interpreter: replaying them could not be undone.
    return !this.checker || !(i.exit || i.stateHelper);
  }

  /** The unit's function from its source (U: the unit, for `U.dead`; the fault-site tables). */
  private instantiate(u: Unit, src: string): UnitFn {
    const { SP, SN, SW } = siteTables(u.sites);
    return new Function('H', 'U', 'SP', 'SN', 'SW', `${src}\nreturn ${u.name};`)(H, u, SP, SN, SW);
  }

  /** Compiles the region rooted at block `b`; false if nothing could be compiled. A block that
   *  loops on itself and that a live region of its page already holds becomes another entry into
   *  that unit instead: the region from it would mostly repeat that one (vector's three loops were
   *  compiled, and optimised by V8, three times; its short run takes 13% less with one). Other
   *  blocks get their own region: as entries into the regions holding them, a return address of
   *  fib's recursion ran 15% slower and two of fft's outer loops 16% slower. */
  private compile(b: Block, cp: CodePage, idx: number): boolean {
    const t0 = performance.now();
    const host = b.succs.includes(b.pc)
      ? cp.list.find((x) => !x.dead && !x.host && x.labels?.has(b.pc) && x.ramPage === cp.ramPage) : undefined;
    if (host) {
      // Its first extra entry: the host's function, started from an argument from now on.
      if (host.entries.length === 0) host.fn = this.instantiate(host, multiEntrySource(host.src, host.name, host.label));
      const a = host.entryAt(b.pc);
      a.fn = host.fn;
      this.cache.add(cp, idx, a);
      if (this.kernelTier) this.interp.setArrivals(cp.ramPage, idx, HOT_MARK);
      this.st.entriesAdded++;
      this.st.compileMs += performance.now() - t0;
      if (this.opts.jitDump) dumpUnit(this.opts.jitDump, ++this.seq, a, this.decoder);
      return true;
    }
    const vpage = Math.floor(b.pc / PAGE_SIZE), pageVa = vpage * PAGE_SIZE;
    // The other page of a region may be any page whose translation the exec cache holds (valid
    // in this generation) and whose blocks have run; at most one is used (selectRegion).
    const blockAt = (pc: number) => {
      const vp = Math.floor(pc / PAGE_SIZE);
      let p = cp;
      if (vp !== vpage) {
        const i = vp & (XC_SIZE - 1);
        if (this.xTag[i] !== vp) return undefined;
        const q = this.cache.page(this.xBase[i] / PAGE_SIZE);
        if (q === undefined || q === cp) return undefined;
        p = q;
      }
      const k = (pc - vp * PAGE_SIZE) >> 2;
      const c = p.cold[k];
      if (c && c.pc === pc) return c;
      // The kernel tier's cold code has no blocks: one that has run is read now.
      if (!this.kernelTier || !this.interp.hasRun(p.ramPage, k)) return undefined;
      const nb = discoverBlock(this.decoder, this.interp, this.cpu.mem.dv, pc, p.ramPage * PAGE_SIZE);
      nb.hits = 1;
      p.cold[k] = nb;
      return nb;
    };
    let c: Compiled | undefined;
    const disasm = this.opts.jitDump || this.checker ? (i: Insn) => this.decoder.disasm(i.word, i.pc) : undefined;
    let maxInsns = regionLimits.maxInsns;
    for (let attempt = 0; attempt < 8 && !c; attempt++) {
      const blocks = selectRegion(b, blockAt, (x) => analyseBlock(x, this.decoder, (i) => this.compilable(i)), maxInsns);
      if (b.noCompile) break;
      try {
        c = compileBounded(blocks, b.pc, { regsInLocals: this.regsInLocals, noInlineStores: this.checker !== undefined, disasm,
          inlineMemoryMaxInsns: this.kernelTier ? KERNEL_INLINE_MEMORY_MAX_INSNS : undefined });
      } catch (x) {
        if (x instanceof UnitTooBig) { maxInsns = Math.min(x.insns - 1, Math.floor(x.insns * unitLimits.sizeMax / x.size * 0.9)); continue; }
        if (!(x instanceof Unsupported)) throw x;
        const bad = (x as Unsupported & { block: Block; index: number }).block;
        bad.jitLen = (x as Unsupported & { index: number }).index;
        if (bad.jitLen === 0) bad.noCompile = true;
        this.st.compileFailures++;
        if (b.noCompile) break;
      }
    }
    if (!c) { b.noCompile = true; return false; }
    if (this.cache.full(c.src.length)) { this.cache.flushUnits(); b.hits = this.threshold; }
    const u = new Unit(b.pc, cp.ramPage, c.name, c.src, c.exits, c.sites, c.blocks, c.insns, !c.stateful, c.labels);
    u.label = c.labels?.get(b.pc) ?? 0;
    const other = c.blocks.find((x) => Math.floor(x.pc / PAGE_SIZE) !== vpage);
    if (other) {
      const vp = Math.floor(other.pc / PAGE_SIZE);
      u.vpage2 = vp;
      u.ram2 = this.xBase[vp & (XC_SIZE - 1)] / PAGE_SIZE;
      u.okGen = this.xGen;
      this.st.twoPageUnits++;
    }
    u.fn = this.instantiate(u, c.src);
    this.cache.add(cp, idx, u);
    if (this.kernelTier) this.interp.setArrivals(cp.ramPage, idx, HOT_MARK);   // jumps here leave the interpreter
    const st = this.st;
    st.unitsCompiled++;
    if (c.blocks.length > 1) st.regions++;
    st.blocksCompiled += c.blocks.length;
    st.insnsCompiled += c.insns;
    st.flagsRemoved += c.flagsRemoved;
    st.compileMs += performance.now() - t0;
    if (this.opts.jitDump) dumpUnit(this.opts.jitDump, ++this.seq, u, this.decoder);
    return true;
  }
}

const samePage = (a: number, b: number) => Math.floor(a / PAGE_SIZE) === Math.floor(b / PAGE_SIZE);
