import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.js';
import { Memory, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';

const flat: Translator = { translate: (vpn) => vpn * 4096 };
describe('smoke', () => {
  it('runs movz/add/bitfield', () => {
    const mem = new Memory(1 << 20, flat);
    const cpu = new Cpu(mem);
    cpu.env = { undefinedInsn: () => { throw new StopRun('halt'); } } as any;
    const code = [0xd28000a0, 0x91000c01, 0xd37ff822, 0x93407c43, 0xb2400c04, 0x00000000];
    code.forEach((w, i) => mem.dv.setUint32(0x1000 + 4 * i, w, true));
    cpu.pc = 0x1000;
    const it = new Interpreter(cpu, getDecoder());
    expect(() => it.run(100)).toThrow(StopRun);
    expect(cpu.getX(0)).toBe(5n);
    expect(cpu.getX(1)).toBe(8n);
    expect(cpu.getX(2)).toBe(16n);
    expect(cpu.getX(3)).toBe(16n);
    expect(cpu.getX(4)).toBe(15n);
  });
});
