// A hostile guest must never make the emulator throw: random instruction words mixed with
// stores to every device register, random MRS/MSR/SYS encodings, and jumps into garbage, with
// the vector table itself in garbage. 10 million instructions per engine.
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.js';
import { Scheduler } from '../../src/machine/scheduler.js';
import { BufferBackend } from '../../devices/serial/backend.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

const movz = (rd: number, imm: number, hw: number) => (0xd2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const movk = (rd: number, imm: number, hw: number) => (0xf2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const DEVICES = [[0xff841000, 0x1000], [0xff842000, 0x2000], [0xff844000, 0x2000], [0xff846000, 0x2000], [0xfe201000, 0x1000], [0xfc000000, 0x1000]];

/** A RAM image of hostile code: blocks that store random values to device registers, access
 *  random system registers, run random words, and branch to random addresses. */
function hostileCode(words: number, next: () => number): Uint32Array {
  const code = new Uint32Array(words);
  let i = 0;
  const put = (w: number) => { if (i < words) code[i++] = w >>> 0; };
  while (i < words) {
    const k = next() % 6;
    if (k === 0) { // store a random value to a random device register
      const [base, size] = DEVICES[next() % DEVICES.length];
      const a = base + ((next() % size) & ~3);
      put(movz(0, a & 0xffff, 0)); put(movk(0, a >>> 16, 1));
      put(movz(1, next() & 0xffff, 0)); put(movk(1, next() & 0xffff, 1));
      put([0xb9000001, 0x39000001, 0x79000001, 0xf9000001][next() % 4]); // str w1/strb/strh/str x1, [x0]
      put(0xb9400002); // ldr w2, [x0]
    } else if (k === 1) { // MRS / MSR / SYS with a random encoding
      const enc = next() & 0x7fff;
      put([0xd5300000, 0xd5100000][next() % 2] | (enc << 5) | (next() % 31));
      if (next() % 4 === 0) put(0xd5080000 | ((next() & 0x7fff) << 5) | 31); // SYS
    } else if (k === 2) { // branch to a random (often garbage) address
      put(movz(3, next() & 0xfffc, 0)); put(movk(3, (next() % 0x400), 1)); put(0xd61f0060); // br x3
    } else if (k === 3) {
      put(0xd503207f); // wfi
    } else put(next()); // a random word
  }
  return code;
}

describe('hostile guest', () => {
  for (const engine of ['interp', 'jit'] as const) {
    it(`runs 10M instructions of garbage without a JS exception (${engine})`, async () => {
      const ramBytes = 64 * 2 ** 20;
      const m = new Machine({ ramBytes, cpus: 2, engine, icount: true, serial: new BufferBackend() });
      const next = rng(engine === 'jit' ? 12345 : 54321);
      const code = hostileCode(ramBytes / 4 / 16, next); // 4 MiB of it, at 0 (vectors at 0 too)
      new Uint8Array(m.ram.buffer).set(new Uint8Array(code.buffer), 0);
      m.powerOn(0, 0x1000, 0n);
      m.powerOn(1, 0x2000, 0n);
      const r = await new Scheduler(m).run({ maxInsns: 10_000_000, quantum: 5000 });
      // Powering off (PSCI from garbage) or getting stuck are fine; escaping JS exceptions are not.
      expect(['limit', 'exit', 'stuck', 'off']).toContain(r.reason);
      if (r.reason === 'limit') expect(r.insns).toBeGreaterThanOrEqual(10_000_000);
    }, 300_000);
  }
});
