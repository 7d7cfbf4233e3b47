// A bare machine for JIT tests: flat RAM (virtual = physical, optionally with unmapped pages),
// an environment where BRK and SVC stop the run and faults are recorded, and helpers to run the
// same code under the interpreter and the JIT and compare the results.
import { Cpu, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, GuestFault, Access, type Translator } from '../../src/mem/memory.js';
import { StopRun } from '../../src/interp/interpreter.js';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine.js';
import { getDecoder } from '../../src/isa/index.js';

export const RAM = 1 << 20;

export interface Machine {
  cpu: Cpu;
  mem: Memory;
  engine: Engine;
  /** Faults the environment saw: [kind, address, pc]. */
  faults: [string, bigint, number][];
  /** Virtual pages that fault on access. */
  unmapped: Set<number>;
  stop?: StopRun;
}

/** Where a fault sends the guest: the handler address (default: stop the run). */
/** `remap`: virtual page → physical page where they differ (a test may change it, then flush the TLB). */
export interface MachineOpts extends Partial<EngineOptions> { faultHandler?: number; remap?: Map<number, number> }

export function machine(opts: MachineOpts = {}): Machine {
  const unmapped = new Set<number>();
  const tr: Translator = {
    translate(vpn, hi, access) {
      if (hi !== 0 || vpn * 4096 >= RAM || unmapped.has(vpn)) throw new GuestFault('translation', BigInt(vpn) * 4096n, access);
      return (opts.remap?.get(vpn) ?? vpn) * 4096;
    },
  };
  const mem = new Memory(RAM, tr);
  const cpu = new Cpu(mem);
  const faults: [string, bigint, number][] = [];
  const stop = (why: string) => (): never => { throw new StopRun('halt', 0, why); };
  const env: ExecEnv = {
    svc: stop('svc'), hvc: stop('hvc'), smc: stop('smc'), brk: stop('brk'), hlt: stop('hlt'), undefinedInsn: stop('undefined'),
    fault(f, pc) {
      faults.push([f.kind, f.addr, pc]);
      if (opts.faultHandler === undefined) throw new StopRun('halt', 0, 'fault');
      return opts.faultHandler;
    },
    readSysreg: () => 0n, writeSysreg: () => {}, sysOp: () => {},
  };
  cpu.env = env;
  const engine = createEngine(cpu, getDecoder(), { engine: 'jit', ...opts } as EngineOptions);
  return { cpu, mem, engine, faults, unmapped };
}

export function load(m: Machine, addr: number, words: number[]): void {
  words.forEach((w, i) => m.mem.dv.setUint32(addr + 4 * i, w >>> 0, true));
}

/** Runs until a StopRun (or the budget runs out); returns instructions retired. */
export function runToStop(m: Machine, budget = 1e7, chunk = budget): number {
  let total = 0;
  try {
    while (total < budget) {
      const n = m.engine.run(Math.min(chunk, budget - total));
      total += n;
      if (n === 0) break;
    }
  } catch (x) {
    if (!(x instanceof StopRun)) throw x;
    m.stop = x;
    total = m.cpu.icount;
  }
  return total;
}

/** Everything comparable about a machine: registers, flags, pc, count, RAM checksum areas. */
export function state(m: Machine, memRanges: [number, number][] = []): Record<string, unknown> {
  const R = [...m.cpu.R];
  R[64] = R[65] = 0;   // the write sink is not architectural
  return {
    R, pc: m.cpu.pc, icount: m.cpu.icount, stop: m.stop?.message,
    mem: memRanges.map(([a, n]) => Buffer.from(m.mem.u8.subarray(a, a + n)).toString('hex')),
    faults: m.faults.map(([k, a, pc]) => `${k}@${a.toString(16)}:${pc.toString(16)}`),
  };
}

export { Access };
