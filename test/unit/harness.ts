// A test harness for integer instruction groups: runs instruction words in the interpreter over
// flat memory from given registers and flags, and compares disassembly with objdump text.
import { expect } from 'vitest';
import { Cpu, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';

export type Regs = Partial<Record<'x0' | 'x1' | 'x2' | 'x3' | 'x4' | 'x5' | 'x6' | 'x7' | 'sp', bigint>> & { f?: number };
export type Case = [asm: string, words: number[], inp: Regs, out: Regs];

export const BG = (i: number) => 0xa5a5a5a500000000n | BigInt(0x1111 * (i + 1));
export const SP0 = 0x7ff0n;
export const REGS = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'] as const;

/** A CPU over flat memory; each run places its words at fresh addresses (entries are cached). */
export function machine() {
  const flat: Translator = { translate: (vpn) => vpn * 4096 };
  const mem = new Memory(1 << 20, flat);
  const cpu = new Cpu(mem);
  const undef: number[] = [];
  cpu.env = { undefinedInsn: (pc: number) => { undef.push(pc); throw new StopRun('halt'); } } as unknown as ExecEnv;
  const interp = new Interpreter(cpu, getDecoder());
  let next = 0x1000;
  return {
    cpu, undef,
    run(words: number[], inp: Regs): void {
      const at = next;
      next += 4 * words.length;
      words.forEach((w, i) => mem.dv.setUint32(at + 4 * i, w, true));
      REGS.forEach((r, i) => cpu.setX(i, inp[r] ?? BG(i)));
      cpu.sp = inp.sp ?? SP0;
      cpu.nzcv = (inp.f ?? 0) << 28;
      cpu.pc = at;
      interp.run(words.length);
      expect(cpu.pc).toBe(at + 4 * words.length);
    },
    state(): Regs {
      const s: Regs = { f: (cpu.nzcv >>> 28) & 15, sp: cpu.sp };
      REGS.forEach((r, i) => { s[r] = cpu.getX(i); });
      return s;
    },
  };
}

export function checkCases(cases: Case[]) {
  const m = machine();
  for (const [asm, words, inp, out] of cases) {
    m.run(words, inp);
    const exp: Regs = { f: inp.f ?? 0, sp: inp.sp ?? SP0 };
    REGS.forEach((r, i) => { exp[r] = inp[r] ?? BG(i); });
    expect(m.state(), asm).toEqual({ ...exp, ...out });
  }
}

export function checkObjdump(text: string, pc = 0) {
  const dec = getDecoder();
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  let n = 0;
  for (const line of text.trim().split('\n')) for (const item of line.split(' | ')) {
    if (!item.trim()) continue;
    const word = parseInt(item.slice(0, 8), 16);
    expect(norm(dec.disasm(word, pc)), item).toBe(norm(item.slice(9)));
    n++;
  }
  return n;
}

/** Each word decodes to null and raises the Undefined Instruction exception when run. */
export function checkUnallocated(words: number[]): void {
  const m = machine();
  const dec = getDecoder();
  for (const w of words) {
    const e = dec.lookup(w);
    expect(e ? e.def.decode(dec.fields(e, w), w) : null, w.toString(16)).toBeNull();
    m.undef.length = 0;
    expect(() => m.run([w], {})).toThrow(StopRun);
    expect(m.undef.length).toBe(1);
  }
}
