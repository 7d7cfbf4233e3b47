// The code cache: per RAM page, the cold blocks (interpreter tier, with hit counters) and the
// compiled units keyed by entry offset. Units link to successors (chaining); a link is valid only
// while both ends are cached, so dropping a unit clears every link into it.
import type { Cpu } from '../src/cpu/state.js';
import { PAGE_SIZE } from '../src/mem/memory.js';
import type { Block } from './translator.js';
import type { ExitInfo } from './compile.js';
import type { Site } from './jitcodegen.js';

const SLOTS = PAGE_SIZE / 4;

/** What a unit function and the dispatcher pass each other. */
export class RunCtx {
  /** Instructions still allowed in this run. */
  n = 0;
  /** Index of the exit the unit left by (ExitInfo), or EXIT_FAULT. */
  e = 0;
  fault: unknown = undefined;
}

export type UnitFn = (cpu: Cpu, ctx: RunCtx) => number;

export class Unit {
  fn: UnitFn = () => { throw new Error('unit not instantiated'); };
  dead = false;
  /** Per exit index: its ExitKind, and the pc of the instruction that leaves. */
  readonly kinds: Uint8Array;
  readonly froms: Float64Array;
  /** Successor per exit index, when chained. */
  readonly links: (Unit | undefined)[];
  /** Per link: -1 (same page: valid while both live) or the exec-cache generation it holds in. */
  readonly linkGen: Int32Array;
  /** (unit, exit index) pairs whose link points here. */
  incoming: [Unit, number][] = [];
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
  ) {
    this.kinds = Uint8Array.from(exits, (e) => e.kind);
    this.froms = Float64Array.from(exits, (e) => e.from);
    this.links = new Array(exits.length).fill(undefined);
    this.linkGen = new Int32Array(exits.length);
  }
}

export class CodePage {
  readonly cold: (Block | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly units: (Unit | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly list: Unit[] = [];
  constructor(readonly ramPage: number) {}
}

export class CodeCache {
  private readonly pages: (CodePage | undefined)[];
  liveUnits = 0;
  srcBytes = 0;
  invalidations = 0;
  unitsDropped = 0;

  constructor(ramPages: number) { this.pages = new Array(ramPages).fill(undefined); }

  page(ramPage: number): CodePage | undefined { return this.pages[ramPage]; }
  pageOrNew(ramPage: number): CodePage {
    let p = this.pages[ramPage];
    if (!p) { p = new CodePage(ramPage); this.pages[ramPage] = p; }
    return p;
  }

  add(p: CodePage, idx: number, u: Unit): void {
    const old = p.units[idx];
    if (old) this.drop(old);
    p.units[idx] = u;
    p.list.push(u);
    this.liveUnits++;
    this.srcBytes += u.src.length;
  }

  link(from: Unit, exit: number, to: Unit, gen: number): void {
    from.linkGen[exit] = gen;
    if (from.links[exit] === to) return;
    from.links[exit] = to;
    to.incoming.push([from, exit]);
  }

  private drop(u: Unit): void {
    if (u.dead) return;
    u.dead = true;
    for (const [from, k] of u.incoming) if (from.links[k] === u) from.links[k] = undefined;
    u.incoming = [];
    u.links.fill(undefined);
    this.liveUnits--;
    this.srcBytes -= u.src.length;
    this.unitsDropped++;
  }

  /** Drops everything derived from a RAM page (its contents changed). */
  invalidatePage(ramPage: number): void {
    const p = this.pages[ramPage];
    if (!p) return;
    this.pages[ramPage] = undefined;
    this.invalidations++;
    for (const u of p.list) this.drop(u);
    for (const b of p.cold) if (b) b.dead = true;
  }

  invalidateAll(): void {
    for (let i = 0; i < this.pages.length; i++) if (this.pages[i]) this.invalidatePage(i);
  }

  /** All live units (for tests and dumps). */
  *units(): IterableIterator<Unit> {
    for (const p of this.pages) if (p) for (const u of p.list) if (!u.dead) yield u;
  }
}
