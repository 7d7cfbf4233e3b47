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

export class Interpreter {
  private readonly pages = new Map<number, (Entry | undefined)[]>();
  private readonly handlers = new Map<string, Handler>();
  /** Decoded entries by instruction word: an entry depends on the word alone, and a kernel's
   *  code repeats words (a boot decodes ~165K instructions, ~55K distinct ones). */
  private readonly byWord = new Map<number, Entry>();
  /** Print each instruction before it executes (--trace). */
  trace: ((pc: number, e: Entry) => void) | undefined;

  constructor(readonly cpu: Cpu, readonly decoder: Decoder) {}

  /** Drops the decoded entries of a RAM page (its code was written). */
  invalidatePage(ramPage: number): void {
    const entries = this.pages.get(ramPage);
    if (entries) { entries.fill(undefined); this.pages.delete(ramPage); }
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

  private pageEntries(ramPage: number): (Entry | undefined)[] {
    let entries = this.pages.get(ramPage);
    if (!entries) {
      entries = new Array(PAGE_SIZE / 4).fill(undefined);
      this.pages.set(ramPage, entries);
      this.cpu.mem.markCode(ramPage);
    }
    return entries;
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
    const cpu = this.cpu, mem = cpu.mem;
    let pc = cpu.pc;
    let n = budget;
    let pageBase = NaN, ramBase = 0;
    let entries: (Entry | undefined)[] = [];
    const trace = this.trace;
    try {
      while (n > 0) {
        try {
          for (; n > 0; n--) {
            const off = pc - pageBase;
            if (!(off >= 0 && off < PAGE_SIZE) || (off & 3) !== 0) {
              if ((pc & 3) !== 0) { pc = cpu.env.fault(new GuestFault('alignment', BigInt.asUintN(64, BigInt(pc)), Access.Exec, 1), pc); continue; }
              ramBase = this.fetchPage(pc);
              pageBase = pc - (pc & (PAGE_SIZE - 1));
              entries = this.pageEntries(ramBase / PAGE_SIZE);
              mem.markCode(ramBase / PAGE_SIZE);
            }
            const idx = (pc - pageBase) >> 2;
            let e = entries[idx];
            if (e === undefined) {
              mem.markCode(ramBase / PAGE_SIZE);
              e = entries[idx] = this.decodeWord(mem.dv.getUint32(ramBase + idx * 4, true));
            }
            if (trace !== undefined) trace(pc, e);
            PC[0] = pc;
            if (e.h(cpu, e.o) === 0) pc += 4; else pc = PC[0];
          }
        } catch (x) {
          n--;
          if (x instanceof GuestFault) pc = cpu.env.fault(x, pc);
          else if (x instanceof UndefinedInstruction) pc = cpu.env.undefinedInsn(pc);
          else if (x instanceof Refetch) pc = x.pc;
          else throw x;
          pageBase = NaN;
        }
      }
    } finally {
      cpu.pc = pc;
      cpu.icount += budget - n;
    }
    return budget - n;
  }
}
