// Block and region discovery. A block is the straight run of instructions from an entry pc to the
// first one that ends a block (a jump or an exit), the end of the page, or a length cap. Blocks
// never cross a page, so each belongs to exactly one RAM page and is dropped with it. A region is
// a hot block plus the blocks reachable from it by static branches inside the same page that have
// already run (cold blocks that have executed), so a loop becomes one JS function.
import type { Decoder } from '../src/isa/decoder.js';
import type { Entry, Interpreter } from '../src/interp/interpreter.js';
import { PAGE_SIZE } from '../src/mem/memory.js';
import { analyse, type Insn } from './insn.js';

export const MAX_BLOCK = 64;
/** A region holds at most this many instructions (its root block may alone have more). Every
 *  guest register a unit touches is a JS local live around its dispatch loop, so a large region
 *  gives V8 more values than machine registers at every block transition. Measured on the
 *  benchmark guests (steady runs, against the earlier cap of 256): fft 1.6x, vector 1.2x and
 *  sha256 1.2x faster with 40, the others unchanged; at 32 fib's recursive region no longer fit
 *  (2x slower) and crc32 lost 10%. */
export const MAX_REGION_INSNS = 40;
/** The cap in force (tests raise it to build one large unit). */
export const regionLimits = { maxInsns: MAX_REGION_INSNS };
export const MAX_REGION_BLOCKS = 48;

export interface Block {
  pc: number;
  /** Handlers for the interpreter tier (one per instruction, the last may be UNDEFINED). */
  entries: Entry[];
  /** Analysed instructions (filled when a region wants the block); shorter than `entries`
   *  when one is unallocated. */
  insns: Insn[];
  analysed: boolean;
  /** How many leading instructions the JIT may compile. */
  jitLen: number;
  /** Static successors (pcs) when the block ends normally. */
  succs: number[];
  /** Target of the direct call (BL) that ends the block. */
  callTarget?: number;
  /** The interpreter tier must refresh its view of the machine after this block (exit helpers,
   *  helpers that touch state). */
  stateful: boolean;
  hits: number;
  /** The JIT gave up on this block (entry instruction not compilable). */
  noCompile: boolean;
  dead: boolean;
}

/** What the cold tier needs per instruction shape, keyed by the shared interpreter handler. */
interface ShapeInfo { ends: boolean; stateful: boolean }
const shapeInfo = new WeakMap<Entry['h'], ShapeInfo>();

/** Reads the block at `pc` (virtual) whose page is at RAM offset `ramBase`: cheap, for the
 *  interpreter tier; the JIT's analysis of each instruction waits until a region needs it. */
export function discoverBlock(decoder: Decoder, interp: Interpreter, dv: DataView, pc: number, ramBase: number): Block {
  const entries: Entry[] = [];
  let off = pc - Math.floor(pc / PAGE_SIZE) * PAGE_SIZE;
  let stateful = false;
  let p = pc;
  while (off < PAGE_SIZE && entries.length < MAX_BLOCK) {
    const word = dv.getUint32(ramBase + off, true);
    const e = interp.decodeWord(word);
    entries.push(e);
    let info = shapeInfo.get(e.h);
    if (!info) {
      const i = analyse(decoder, word, p);
      info = i ? { ends: i.ends, stateful: i.exit || i.stateHelper } : { ends: true, stateful: true };
      shapeInfo.set(e.h, info);
    }
    if (info.stateful) stateful = true;
    if (info.ends) break;
    off += 4; p += 4;
  }
  return { pc, entries, insns: [], analysed: false, jitLen: 0, succs: [], stateful, hits: 0, noCompile: false, dead: false };
}

/** Fills in the JIT's view of a block: analysed instructions, compilable length, successors. */
export function analyseBlock(b: Block, decoder: Decoder, compilable: (i: Insn) => boolean): void {
  if (b.analysed) return;
  b.analysed = true;
  let jitLen = -1, ended = false;
  for (let k = 0; k < b.entries.length; k++) {
    const p = b.pc + 4 * k;
    const i = analyse(decoder, b.entries[k].insn, p);
    if (!i) { ended = true; if (jitLen < 0) jitLen = b.insns.length; break; }
    b.insns.push(i);
    if (jitLen < 0 && !compilable(i)) jitLen = b.insns.length - 1;
    if (i.ends) {
      ended = true;
      // Calls are not followed (a callee would be copied into every region that calls it),
      // except a call back to the region's root: see selectRegion.
      if (!i.exit && !i.call && i.target !== undefined) b.succs.push(i.target);
      if (i.cond) b.succs.push(p + 4);
      if (i.call && i.target !== undefined) b.callTarget = i.target;
      break;
    }
  }
  if (!ended) b.succs = [b.pc + 4 * b.entries.length];
  b.jitLen = jitLen < 0 ? b.insns.length : jitLen;
  if (b.jitLen === 0) b.noCompile = true;
}

/** The blocks of a region rooted at `root`: reachable by static successors within the page (or
 *  one other page, when `blockAt` can see its blocks: a loop that straddles a page boundary),
 *  already executed (present in `blockAt` with hits), in ascending pc order. Breadth first, so
 *  a smaller `maxInsns` (a unit whose generated code came out too big: compile.ts) keeps the
 *  blocks nearest the root. */
export function selectRegion(root: Block, blockAt: (pc: number) => Block | undefined, analyseB: (b: Block) => void,
  maxInsns = regionLimits.maxInsns): Block[] {
  analyseB(root);
  const page = Math.floor(root.pc / PAGE_SIZE);
  let page2 = -1;
  const chosen = new Map<number, Block>([[root.pc, root]]);
  const queue = [root];
  let insns = root.jitLen;
  while (queue.length && chosen.size < MAX_REGION_BLOCKS) {
    const b = queue.shift()!;
    if (b.jitLen < b.insns.length || b.jitLen < b.entries.length) continue;   // ends early: its exit leaves
    // A recursive call (BL to the root) and its return address stay in the region: the
    // callee's `ret` to that address then continues inside the unit (compile.ts), so a
    // recursive function runs as one JS loop instead of two dispatcher trips per call.
    const succs = b.callTarget === root.pc ? [...b.succs, root.pc, b.pc + 4 * b.insns.length] : b.succs;
    for (const s of succs) {
      const sp = Math.floor(s / PAGE_SIZE);
      if (chosen.has(s) || (sp !== page && page2 >= 0 && sp !== page2)) continue;
      const nb = blockAt(s);
      if (!nb || nb.dead || nb.hits === 0) continue;
      analyseB(nb);
      if (nb.noCompile || insns + nb.jitLen > maxInsns) continue;
      if (sp !== page) page2 = sp;
      chosen.set(s, nb);
      insns += nb.jitLen;
      queue.push(nb);
    }
  }
  return [...chosen.values()].sort((a, b) => a.pc - b.pc);
}
