// Runs the qemu-checked register vectors of simd_vectors.ts through the interpreter.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.js';
import { Memory } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';
import { VECTORS } from './simd_vectors.js';

const CODE = 0x1000;
const hex128 = (cpu: Cpu, r: number) =>
  Array.from(cpu.V8.subarray(r * 16, r * 16 + 16)).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
function setV(cpu: Cpu, r: number, hex: string): void {
  for (let i = 0; i < 16; i++) cpu.V8[r * 16 + i] = parseInt(hex.slice(30 - 2 * i, 32 - 2 * i), 16);
}

describe('simd register vectors (expected values from qemu-aarch64)', () => {
  const mem = new Memory(1 << 16, { translate: (vpn) => vpn * 4096 });
  const cpu = new Cpu(mem);
  cpu.env = { undefinedInsn: () => { throw new StopRun('error', 4); } } as never;
  const it0 = new Interpreter(cpu, getDecoder());
  const byName = new Map<string, typeof VECTORS>();
  for (const v of VECTORS) {
    const name = getDecoder().lookup(v[0])?.def.name ?? '?';
    byName.set(name, [...(byName.get(name) ?? []), v]);
  }
  for (const [name, vecs] of byName) {
    it(name, () => {
      const bad: string[] = [];
      for (const [word, fpcr, fpsr, nzcv, vin, xin, vout, xout, efpsr, enzcv] of vecs) {
        cpu.V.fill(0); cpu.R.fill(0);
        for (const [r, h] of Object.entries(vin)) setV(cpu, +r, h);
        for (const [r, h] of Object.entries(xin)) cpu.setX(+r, BigInt('0x' + h));
        cpu.fpcr = fpcr; cpu.fpsr = fpsr; cpu.nzcv = nzcv << 28;
        mem.dv.setUint32(CODE, word, true);
        it0.invalidatePage(CODE >> 12);
        cpu.pc = CODE;
        it0.run(1);
        const want = new Map(Object.entries(vin).map(([r, h]) => [+r, h]));
        for (const [r, h] of Object.entries(vout)) want.set(+r, h);
        const errs: string[] = [];
        for (let r = 0; r < 32; r++) {
          const w = want.get(r) ?? '0'.repeat(32), got = hex128(cpu, r);
          if (got !== w) errs.push(`v${r} ${got} want ${w}`);
        }
        for (let r = 0; r < 31; r++) {
          const w = BigInt('0x' + (xout[r] ?? xin[r] ?? '0'));
          if (cpu.getX(r) !== w) errs.push(`x${r} ${cpu.getX(r).toString(16)} want ${w.toString(16)}`);
        }
        if ((cpu.fpsr >>> 0) !== efpsr) errs.push(`fpsr ${cpu.fpsr.toString(16)} want ${efpsr.toString(16)}`);
        if (cpu.nzcv >>> 28 !== enzcv) errs.push(`nzcv ${(cpu.nzcv >>> 28).toString(2)} want ${enzcv.toString(2)}`);
        if (errs.length) bad.push(`${word.toString(16)} ${getDecoder().disasm(word, CODE)}: ${errs.join('; ')}`);
      }
      expect(bad).toEqual([]);
    });
  }
});

describe('simd helper contract', () => {
  it('every helper is named so the JIT knows it leaves general registers alone', async () => {
    const { simdHelpers } = await import('../../src/isa/groups/simd_helpers.js');
    const bad = Object.keys(simdHelpers).filter((n) => !/^(v\d?_|fp_|crypto_|ldst_)/.test(n));
    expect(bad).toEqual([]);
  });
});
