// The interpreter: fetch → decode → execute, with decoded instructions cached per RAM page.
// An entry pairs the handler for the instruction's shape with its operands (in the entry's own
// fields); a handler returns 0 for the next instruction or 1 for the pc it left in PC[0].
// Entries are shared by instruction word (WordTable). Stores into a page with cached entries
// clear them (Memory.onCodeWrite), so self-modifying code re-decodes.
import { Cpu, Refetch, UndefinedInstruction } from '../cpu/state.js';
import { GuestFault, PAGE_SIZE, Access, vaToBig } from '../mem/memory.js';
import type { Decoder } from '../isa/decoder.js';
import { compileFieldHandler, OPERAND_FIELDS, PC, type FieldHandler, type FieldOperands } from './handlers.js';

const NO_EXTRA: number[] = [];

/** A decoded instruction word: its handler and its run-time operands, which it holds itself
 *  in fields: the handler is called as `e.h(cpu, e)`. */
export class Entry implements FieldOperands {
  a0: number; a1: number; a2: number; a3: number; a4: number; a5: number; a6: number; a7: number;
  x: number[];
  constructor(readonly h: FieldHandler, ops: number[], readonly insn: number, readonly name: string) {
    this.a0 = ops[0] ?? 0; this.a1 = ops[1] ?? 0; this.a2 = ops[2] ?? 0; this.a3 = ops[3] ?? 0;
    this.a4 = ops[4] ?? 0; this.a5 = ops[5] ?? 0; this.a6 = ops[6] ?? 0; this.a7 = ops[7] ?? 0;
    this.x = ops.length > OPERAND_FIELDS ? ops.slice(OPERAND_FIELDS) : NO_EXTRA;
  }
}

/** Thrown (by an environment) to stop the run loop: the guest exited or the run must pause. */
export class StopRun {
  constructor(readonly reason: 'exit' | 'signal' | 'halt' | 'error', readonly code = 0, readonly message = '') {}
}

/** Bound on the decoded-word cache (entries, ~100 bytes each). */
const MAX_DECODED_WORDS = 1 << 18;

const undefinedHandler: FieldHandler = (cpu) => { PC[0] = cpu.env.undefinedInsn(PC[0]); return 1; };

/** A RAM page's decoded entries, and how often a taken jump arrived at each instruction (the
 *  JIT's profile when it runs cold code through this loop; a unit's entry carries HOT_MARK). */
interface PageCode { entries: (Entry | undefined)[]; arrivals: Int32Array }

/** Arrival count that stops a profiled run at once (a compiled unit starts there). */
export const HOT_MARK = 0x3fffffff;
/** The run loop's pc where it leaves the loop (see runProfiled). */
const LOOP_PC = new Float64Array(1);
const WORDS_PER_PAGE = PAGE_SIZE / 4;
/** No arrival count reaches it (a plain interpreter run). */
const NO_LIMIT = 0x7fffffff;

/** Entries by instruction word: an open-addressed hash table on int32 keys. (A Map keyed by
 *  the word hashes a heap number for most A64 words, which are ≥ 2^30: three times slower.) */
class WordTable {
  private keys = new Int32Array(1 << 12);
  private vals: (Entry | undefined)[] = new Array<Entry | undefined>(1 << 12).fill(undefined);
  private mask = (1 << 12) - 1;
  /** 32 − log2(capacity): the slot is the top bits of a Fibonacci hash (the low bits of a
   *  word are register fields, shared by many words). */
  private shift = 20;
  size = 0;

  get(word: number): Entry | undefined {
    const key = word | 0, keys = this.keys, vals = this.vals, mask = this.mask;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const v = vals[i];
      if (v === undefined || keys[i] === key) return v;
    }
  }

  /** Adds an entry for a word not in the table. */
  add(word: number, e: Entry): void {
    if (2 * (this.size + 1) > this.vals.length) this.grow();
    this.put(word | 0, e);
    this.size++;
  }

  clear(): void { this.vals.fill(undefined); this.size = 0; }

  private put(key: number, e: Entry): void {
    const keys = this.keys, vals = this.vals, mask = this.mask;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (vals[i] !== undefined) i = (i + 1) & mask;
    keys[i] = key;
    vals[i] = e;
  }

  private grow(): void {
    const oldKeys = this.keys, oldVals = this.vals, n = oldVals.length * 2;
    this.keys = new Int32Array(n);
    this.vals = new Array<Entry | undefined>(n).fill(undefined);
    this.mask = n - 1;
    this.shift--;
    for (let i = 0; i < oldVals.length; i++) { const v = oldVals[i]; if (v !== undefined) this.put(oldKeys[i], v); }
  }
}

export class Interpreter {
  /** By RAM page (an array, not a Map: looked up at every change of code page). */
  private readonly pages: (PageCode | undefined)[];
  private readonly handlers = new Map<string, FieldHandler>();
  /** Decoded entries by instruction word: an entry depends on the word alone, and a kernel's
   *  code repeats words (a boot decodes ~165K instructions, ~55K distinct ones). */
  private readonly byWord = new WordTable();
  /** Print each instruction before it executes (--trace). */
  trace: ((pc: number, e: Entry) => void) | undefined;

  constructor(readonly cpu: Cpu, readonly decoder: Decoder) {
    this.pages = new Array<PageCode | undefined>(cpu.mem.codePages.length).fill(undefined);
  }

  /** Where the last run stopped, how many instructions it retired, and whether it stopped
   *  before a jump target whose arrivals reached the limit (runProfiled). */
  lastPc = NaN;
  lastRan = 0;
  stoppedHot = false;

  /** Drops the decoded entries and arrival counts of a RAM page (its code was written). The
   *  arrays stay the page's: the run loop may be holding them, and a later write must clear
   *  what it decodes into them again. */
  invalidatePage(ramPage: number): void {
    const code = this.pages[ramPage];
    if (code) { code.entries.fill(undefined); code.arrivals.fill(0); }
  }

  /** Sets the arrival count of the instruction at `idx` of `ramPage` (HOT_MARK: stop there;
   *  0 or negative: count afresh / later). */
  setArrivals(ramPage: number, idx: number, v: number): void {
    this.pageCode(ramPage).arrivals[idx] = v;
  }
  /** Whether the instruction at `idx` of `ramPage` has been decoded, i.e. has run. */
  hasRun(ramPage: number, idx: number): boolean {
    return this.pages[ramPage]?.entries[idx] !== undefined;
  }

  /** The decoded entry for the instruction word `insn` (shared by every place the word occurs;
   *  entries are never modified). */
  decodeWord(insn: number): Entry {
    let e = this.byWord.get(insn);
    if (e === undefined) {
      if (this.byWord.size >= MAX_DECODED_WORDS) this.byWord.clear();
      e = this.decodeFresh(insn);
      this.byWord.add(insn, e);
    }
    return e;
  }

  private decodeFresh(insn: number): Entry {
    const te = this.decoder.lookup(insn);
    const d = te && te.def.decode(this.decoder.fields(te, insn), insn);
    if (!te || !d) return new Entry(undefinedHandler, NO_EXTRA, insn, 'UNDEFINED');
    const key = te.def.name + (d.s ? ':' + Object.values(d.s).join(',') : '');
    let h = this.handlers.get(key);
    if (!h) { h = compileFieldHandler(te.def, d); this.handlers.set(key, h); }
    return new Entry(h, Object.values(d.o), insn, te.def.name);
  }

  private pageCode(ramPage: number): PageCode {
    let pc = this.pages[ramPage];
    if (!pc) {
      pc = { entries: new Array(PAGE_SIZE / 4).fill(undefined), arrivals: new Int32Array(PAGE_SIZE / 4) };
      this.pages[ramPage] = pc;
      this.cpu.mem.markCode(ramPage);
    }
    return pc;
  }

  /** RAM offset of the page holding the pc (hi:lo), translated for execution (faults like a
   *  fetch). */
  private fetchPage(lo: number, hi: number): number {
    const base = this.cpu.mem.addrOf(lo & ~(PAGE_SIZE - 1), hi, Access.Exec);
    // Executing from device memory: an external abort on the fetch, as on hardware.
    if (base >= this.cpu.mem.ram.byteLength) throw new GuestFault('external', vaToBig(lo, hi), Access.Exec);
    return base;
  }

  /** An alignment fault on fetching from the pc in LOOP_PC: the pc the environment goes on at. */
  private misalignedPc(): number {
    const pc = LOOP_PC[0];
    return this.cpu.env.fault(new GuestFault('alignment', BigInt.asUintN(64, BigInt(pc)), Access.Exec, 1), pc);
  }

  /** Runs up to `budget` instructions; returns how many ran. StopRun propagates to the caller. */
  run(budget: number): number {
    const cpu = this.cpu;
    try {
      return this.runProfiled(cpu.pc, budget, NO_LIMIT);
    } finally {
      cpu.pc = this.lastPc;
      cpu.icount += this.lastRan;
    }
  }

  /** Runs up to `budget` instructions from `pc` for the JIT's cold tier: stops before a jump
   *  target that taken jumps have reached `hotLimit` times (stoppedHot). Leaves cpu.pc and
   *  cpu.icount alone: the caller accounts from lastPc and lastRan (also after StopRun). */
  runProfiled(startPc: number, budget: number, hotLimit: number): number {
    const cpu = this.cpu, mem = cpu.mem;
    // `pc` must stay an unboxed double: V8 boxes a local (a heap number for every instruction,
    // ~600 MB of garbage in a Linux boot) if any use of it wants a tagged value — an argument,
    // a field store — or if it may be given a non-number. So the paths out of the loop pass it
    // through the LOOP_PC slot, and values coming in are converted with `+`.
    let pc = +startPc;
    let n = budget;
    // The code page being run: its virtual base, RAM offset, decoded entries and arrival
    // counts. `idx` is pc's instruction index in it; `located` is false when pc was set by a
    // jump, an exception or the start, and must be checked against the page.
    let pageBase = NaN, ramBase = 0, idx = 0;
    let entries: (Entry | undefined)[] = [];
    let arrivals: Int32Array = new Int32Array(0);
    let located = false, jumped = false;
    const trace = this.trace;
    this.stoppedHot = false;
    try {
      run: while (n > 0) {
        try {
          for (; n > 0; n--) {
            if (!located || idx === WORDS_PER_PAGE) {
              const off = pc - pageBase;
              if (!(off >= 0 && off < PAGE_SIZE) || (off & 3) !== 0) {
                if ((pc & 3) !== 0) { jumped = false; LOOP_PC[0] = pc; pc = +this.misalignedPc(); continue; }
                ramBase = this.fetchPage(pc | 0, Math.floor(pc / 4294967296) | 0);
                pageBase = pc - (pc & (PAGE_SIZE - 1));
                const code = this.pageCode(ramBase / PAGE_SIZE);
                entries = code.entries;
                arrivals = code.arrivals;
                mem.markCode(ramBase / PAGE_SIZE);
              }
              idx = (pc - pageBase) >> 2;
              located = true;
              if (jumped) {
                jumped = false;
                if (++arrivals[idx] >= hotLimit) { this.stoppedHot = true; break run; }
              }
            }
            let e = entries[idx];
            if (e === undefined) {
              mem.markCode(ramBase / PAGE_SIZE);
              e = entries[idx] = this.decodeWord(mem.dv.getUint32(ramBase + idx * 4, true));
            }
            if (trace !== undefined) { LOOP_PC[0] = pc; trace(LOOP_PC[0], e); }
            PC[0] = pc;
            if (e.h(cpu, e) === 0) { pc += 4; idx++; } else { pc = PC[0]; jumped = true; located = false; }
          }
        } catch (x) {
          n--;
          jumped = false;
          located = false;
          LOOP_PC[0] = pc;
          if (x instanceof GuestFault) pc = +cpu.env.fault(x, LOOP_PC[0]);
          else if (x instanceof UndefinedInstruction) pc = +cpu.env.undefinedInsn(LOOP_PC[0]);
          else if (x instanceof Refetch) pc = +x.pc;
          else throw x;
          pageBase = NaN;
        }
      }
    } finally {
      LOOP_PC[0] = pc;
      this.lastPc = LOOP_PC[0];
      this.lastRan = budget - n;
    }
    return budget - n;
  }
}
