// The code cache: per RAM page, the cold blocks (interpreter tier, with hit counters) and the
// compiled units keyed by entry offset. Units link to successors (chaining); a link is valid only
// while both ends are cached, so dropping a unit clears every link into it.
import type { Cpu } from '../src/cpu/state.js';
import { PAGE_SIZE } from '../src/mem/memory.js';
import type { Block } from './translator.js';
import type { ExitInfo } from './compile.js';
import type { Site } from './jitcodegen.js';
import { lazyNZCV } from './flags.js';

const SLOTS = PAGE_SIZE / 4;

/** What a unit function and the dispatcher pass each other. */
export class RunCtx {
  /** Instructions still allowed in this run. */
  n = 0;
  /** pcOut[0]: the pc a unit left for. A typed-array slot, because a returned pc outside the
   *  Smi range (every kernel address) would be a fresh heap number on each unit exit. */
  readonly pcOut = new Float64Array(1);
  fault: unknown = undefined;
  /** NZCV bits of a unit's lazy flag state (flags.ts), called where the unit materialises it. */
  lazyNZCV(k: number, a0: number, a1: number, b0: number, b1: number, r0: number, r1: number): number {
    return lazyNZCV(k, a0, a1, b0, b1, r0, r1);
  }
}

/** Runs a unit from the block with label `label` (a region's; a single block has none):
 *  returns the index of the exit it left by (ExitInfo), or EXIT_FAULT; the pc it left for is in
 *  ctx.pcOut[0]. */
export type UnitFn = (cpu: Cpu, ctx: RunCtx, label: number) => number;

export class Unit {
  fn: UnitFn = () => { throw new Error('unit not instantiated'); };
  dead = false;
  /** Where fn starts: the label of the block at `pc` in its region (0 for a single block). */
  label = 0;
  /** An entry into another unit's region (its `host`): the same function from another block.
   *  It holds no source of its own and is dropped with its host. */
  host: Unit | undefined;
  /** Entries into this unit's region made later (see host). */
  readonly entries: Unit[] = [];
  /** A region that runs on into a second page: that page's virtual page number and RAM page
   *  (-1: none), and the exec-cache generation in which that translation was last seen to hold. */
  vpage2 = -1;
  ram2 = -1;
  okGen = -1;
  /** Per exit index: its ExitKind, and the pc of the instruction that leaves. */
  readonly kinds: Uint8Array;
  readonly froms: Float64Array;
  /** Successor per exit index, when chained. */
  readonly links: (Unit | undefined)[];
  /** Per link: -1 (same page: valid while both live) or the exec-cache generation it holds in. */
  readonly linkGen: Int32Array;
  constructor(
    readonly pc: number,
    readonly ramPage: number,
    readonly name: string,
    readonly src: string,
    readonly exits: ExitInfo[],
    readonly sites: Site[],
    readonly blocks: Block[],
    readonly insns: number,
    /** Exits may be chained (false when the unit calls helpers that change the machine). */
    readonly chainOut: boolean,
    /** Block pc → label, for a region (Compiled.labels). */
    readonly labels?: Map<number, number>,
  ) {
    this.kinds = Uint8Array.from(exits, (e) => e.kind);
    this.froms = Float64Array.from(exits, (e) => e.from);
    this.links = new Array(exits.length).fill(undefined);
    this.linkGen = new Int32Array(exits.length);
  }

  /** Another entry into this unit's region, at its block `pc` (see `host`): it shares the
   *  unit's code, exits and second page, and starts at that block's label. */
  entryAt(pc: number): Unit {
    const a = new Unit(pc, this.ramPage, this.name, this.src, this.exits, this.sites, this.blocks, this.insns, this.chainOut, this.labels);
    a.label = this.labels!.get(pc)!;
    a.host = this;
    a.vpage2 = this.vpage2; a.ram2 = this.ram2; a.okGen = this.okGen;
    this.entries.push(a);
    return a;
  }
}

export class CodePage {
  readonly cold: (Block | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly units: (Unit | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly list: Unit[] = [];
  /** Units of other pages whose regions run on into this one (dropped with it). */
  readonly foreign: Unit[] = [];
  constructor(readonly ramPage: number) {}
}

/** Default bound on the generated source held by live units (V8's code and closures for them
 *  grow with it). Reaching it drops every unit, the way a full translation buffer is flushed. */
export const MAX_SRC_BYTES = 24 << 20;

export class CodeCache {
  private readonly pages: (CodePage | undefined)[];
  liveUnits = 0;
  srcBytes = 0;
  invalidations = 0;
  unitsDropped = 0;
  /** Times the bound was reached and every unit dropped. */
  flushes = 0;

  constructor(ramPages: number, readonly maxSrcBytes = MAX_SRC_BYTES) { this.pages = new Array(ramPages).fill(undefined); }

  /** Whether adding `bytes` more source would pass the bound. */
  full(bytes: number): boolean { return this.srcBytes + bytes > this.maxSrcBytes; }

  page(ramPage: number): CodePage | undefined { return this.pages[ramPage]; }
  pageOrNew(ramPage: number): CodePage {
    let p = this.pages[ramPage];
    if (!p) { p = new CodePage(ramPage); this.pages[ramPage] = p; }
    return p;
  }

  add(p: CodePage, idx: number, u: Unit): void {
    const old = p.units[idx];
    if (old) { this.drop(old); const k = p.list.indexOf(old); if (k >= 0) p.list.splice(k, 1); }
    p.units[idx] = u;
    p.list.push(u);
    if (u.ram2 >= 0) {
      const f = this.pageOrNew(u.ram2).foreign;
      if (f.length >= 32) { const live = f.filter((x) => !x.dead); f.length = 0; f.push(...live); }
      f.push(u);
    }
    this.liveUnits++;
    if (!u.host) this.srcBytes += u.src.length;
  }

  /** Links are not tracked from their target: the dispatcher ignores a link to a dead unit, and
   *  a dead unit's own links are cleared, so a stale link keeps at most one dead unit alive. */
  link(from: Unit, exit: number, to: Unit, gen: number): void {
    from.linkGen[exit] = gen;
    from.links[exit] = to;
  }

  private drop(u: Unit): void {
    if (u.dead) return;
    u.dead = true;
    u.links.fill(undefined);
    this.liveUnits--;
    if (!u.host) this.srcBytes -= u.src.length;
    this.unitsDropped++;
    // Its entries from other blocks run its function, which is no longer valid either.
    for (const a of u.entries) this.drop(a);
  }

  /** Drops everything derived from a RAM page (its contents changed). */
  invalidatePage(ramPage: number): void {
    const p = this.pages[ramPage];
    if (!p) return;
    this.pages[ramPage] = undefined;
    this.invalidations++;
    for (const u of p.list) this.drop(u);
    for (const u of p.foreign) this.drop(u);
    for (const b of p.cold) if (b) b.dead = true;
  }

  /** Drops every unit but keeps the cold blocks (their counts restart, so only code that is
   *  still hot is compiled again). */
  flushUnits(): void {
    this.flushes++;
    for (const p of this.pages) {
      if (!p) continue;
      for (const u of p.list) this.drop(u);
      p.list.length = 0;
      p.foreign.length = 0;
      p.units.fill(undefined);
      for (const b of p.cold) if (b) b.hits = 0;
    }
  }

  invalidateAll(): void {
    for (let i = 0; i < this.pages.length; i++) if (this.pages[i]) this.invalidatePage(i);
  }

  /** All live units (for tests and dumps). */
  *units(): IterableIterator<Unit> {
    for (const p of this.pages) if (p) for (const u of p.list) if (!u.dead) yield u;
  }
}
