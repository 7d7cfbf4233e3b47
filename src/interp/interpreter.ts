// The interpreter: fetch → decode → execute, with decoded instructions cached per RAM page.
// An entry pairs the handler for the instruction's shape with its operand array; a handler
// returns the pc of the next instruction. Stores into a page with cached entries clear them
// (Memory.onCodeWrite), so self-modifying code re-decodes.
import { Cpu, Refetch, UndefinedInstruction } from '../cpu/state.js';
import { GuestFault, PAGE_SIZE, Access } from '../mem/memory.js';
import type { Decoder } from '../isa/decoder.js';
import { compileHandler, PC, type Handler } from './handlers.js';

export interface Entry { h: Handler; o: number[]; insn: number; name: string }

/** Thrown (by an environment) to stop the run loop: the guest exited or the run must pause. */
export class StopRun {
  constructor(readonly reason: 'exit' | 'signal' | 'halt' | 'error', readonly code = 0, readonly message = '') {}
}

/** Bound on the decoded-word cache (entries, ~100 bytes each). */
const MAX_DECODED_WORDS = 1 << 18;

const undefinedHandler: Handler = (cpu) => { PC[0] = cpu.env.undefinedInsn(PC[0]); return 1; };

/** A RAM page's decoded entries, and how often a taken jump arrived at each instruction (the
 *  JIT's profile when it runs cold code through this loop; a unit's entry carries HOT_MARK). */
interface PageCode { entries: (Entry | undefined)[]; arrivals: Int32Array }

/** Arrival count that stops a profiled run at once (a compiled unit starts there). */
export const HOT_MARK = 0x3fffffff;
/** No arrival count reaches it (a plain interpreter run). */
const NO_LIMIT = 0x7fffffff;

export class Interpreter {
  /** By RAM page (an array, not a Map: looked up at every change of code page). */
  private readonly pages: (PageCode | undefined)[];
  private readonly handlers = new Map<string, Handler>();
  /** Decoded entries by instruction word: an entry depends on the word alone, and a kernel's
   *  code repeats words (a boot decodes ~165K instructions, ~55K distinct ones). */
  private readonly byWord = new Map<number, Entry>();
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

  /** Drops the decoded entries of a RAM page (its code was written). */
  invalidatePage(ramPage: number): void {
    const pc = this.pages[ramPage];
    if (pc) { pc.entries.fill(undefined); this.pages[ramPage] = undefined; }
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
      this.byWord.set(insn, e);
    }
    return e;
  }

  private decodeFresh(insn: number): Entry {
    const te = this.decoder.lookup(insn);
    const d = te && te.def.decode(this.decoder.fields(te, insn), insn);
    if (!te || !d) return { h: undefinedHandler, o: [], insn, name: 'UNDEFINED' };
    const key = te.def.name + (d.s ? ':' + Object.values(d.s).join(',') : '');
    let h = this.handlers.get(key);
    if (!h) { h = compileHandler(te.def, d); this.handlers.set(key, h); }
    return { h, o: Object.values(d.o), insn, name: te.def.name };
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

  /** RAM offset of the page holding `pc`, translated for execution (faults like a fetch). */
  private fetchPage(pc: number): number {
    const lo = pc | 0, hi = Math.floor(pc / 4294967296) | 0;
    const base = this.cpu.mem.addrOf(lo & ~(PAGE_SIZE - 1), hi, Access.Exec);
    // Executing from device memory: an external abort on the fetch, as on hardware.
    if (base >= this.cpu.mem.ram.byteLength) throw new GuestFault('external', BigInt.asUintN(64, BigInt(pc)), Access.Exec);
    return base;
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
    let pc = startPc;
    let n = budget;
    let pageBase = NaN, ramBase = 0;
    let entries: (Entry | undefined)[] = [];
    let arrivals: Int32Array = new Int32Array(0);
    let jumped = false;
    const trace = this.trace;
    this.stoppedHot = false;
    try {
      run: while (n > 0) {
        try {
          for (; n > 0; n--) {
            const off = pc - pageBase;
            if (!(off >= 0 && off < PAGE_SIZE) || (off & 3) !== 0) {
              if ((pc & 3) !== 0) { jumped = false; pc = cpu.env.fault(new GuestFault('alignment', BigInt.asUintN(64, BigInt(pc)), Access.Exec, 1), pc); continue; }
              ramBase = this.fetchPage(pc);
              pageBase = pc - (pc & (PAGE_SIZE - 1));
              const code = this.pageCode(ramBase / PAGE_SIZE);
              entries = code.entries;
              arrivals = code.arrivals;
              mem.markCode(ramBase / PAGE_SIZE);
            }
            const idx = (pc - pageBase) >> 2;
            if (jumped) {
              jumped = false;
              if (++arrivals[idx] >= hotLimit) { this.stoppedHot = true; break run; }
            }
            let e = entries[idx];
            if (e === undefined) {
              mem.markCode(ramBase / PAGE_SIZE);
              e = entries[idx] = this.decodeWord(mem.dv.getUint32(ramBase + idx * 4, true));
            }
            if (trace !== undefined) trace(pc, e);
            PC[0] = pc;
            if (e.h(cpu, e.o) === 0) pc += 4; else { pc = PC[0]; jumped = true; }
          }
        } catch (x) {
          n--;
          jumped = false;
          if (x instanceof GuestFault) pc = cpu.env.fault(x, pc);
          else if (x instanceof UndefinedInstruction) pc = cpu.env.undefinedInsn(pc);
          else if (x instanceof Refetch) pc = x.pc;
          else throw x;
          pageBase = NaN;
        }
      }
    } finally {
      this.lastPc = pc;
      this.lastRan = budget - n;
    }
    return budget - n;
  }
}
