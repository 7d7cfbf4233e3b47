// The JIT engine. Placeholder until the translator lands: runs the interpreter.
import type { Cpu } from '../src/cpu/state.js';
import type { Decoder } from '../src/isa/decoder.js';
import type { Engine, EngineOptions } from '../src/engine.js';
import { Interpreter } from '../src/interp/interpreter.js';

export function createJit(cpu: Cpu, decoder: Decoder, _opts: EngineOptions): Engine {
  const interp = new Interpreter(cpu, decoder);
  return {
    run: (budget) => interp.run(budget),
    invalidatePage: (p) => interp.invalidatePage(p),
    stats: () => ({ instructions: cpu.icount }),
  };
}
