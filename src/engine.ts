// Engine selection: the interpreter or the JIT behind one interface, so that the Linux
// user-mode runner, the system-mode machine, tests and benchmarks run guests the same way.
import type { Cpu } from './cpu/state.js';
import type { Decoder } from './isa/decoder.js';
import { Interpreter } from './interp/interpreter.js';
import { createJit } from '../jit/engine.js';

export interface EngineOptions {
  engine: 'interp' | 'jit';
  /** Executions of a block before the JIT compiles it. */
  jitThreshold?: number;
  /** Lockstep check of every compiled unit against the interpreter. */
  checkJit?: boolean;
  /** Directory to write the generated JS of each compiled unit into. */
  jitDump?: string;
  /** Called before each instruction executes (--trace); forces the interpreter. */
  trace?: (pc: number, insn: number) => void;
}

/** One --stats line for the engines of several CPUs: each counter summed (`name k=v …`). */
export function engineStatsLine(name: string, all: Record<string, number>[]): string {
  const sum = new Map<string, number>();
  for (const s of all) for (const [k, v] of Object.entries(s)) sum.set(k, (sum.get(k) ?? 0) + v);
  return `${name}: ${[...sum].map(([k, v]) => `${k}=${Math.round(v * 10) / 10}`).join(' ')}`;
}

export interface Engine {
  /** Runs up to `budget` guest instructions from cpu.pc; returns how many ran. Throws StopRun. */
  run(budget: number): number;
  /** Drops decoded/compiled code of a RAM page (its contents changed). */
  invalidatePage(ramPage: number): void;
  /** Counters for --stats. */
  stats(): Record<string, number>;
  /** Drops all decoded/compiled code (IC IALLU; the environment calls it for IC maintenance). */
  flushCode?(): void;
}

export function createEngine(cpu: Cpu, decoder: Decoder, opts: EngineOptions): Engine {
  if (opts.engine === 'jit' && !opts.trace) {
    const jit = createJit(cpu, decoder, opts);
    cpu.mem.onCodeWrite = (p) => jit.invalidatePage(p);
    return jit;
  }
  const interp = new Interpreter(cpu, decoder);
  if (opts.trace) { const t = opts.trace; interp.trace = (pc, e) => t(pc, e.insn); }
  cpu.mem.onCodeWrite = (p) => interp.invalidatePage(p);
  return {
    run: (budget) => interp.run(budget),
    invalidatePage: (p) => interp.invalidatePage(p),
    stats: () => ({ instructions: cpu.icount }),
  };
}
