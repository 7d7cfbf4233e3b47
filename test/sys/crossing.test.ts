// An access that crosses from the last RAM page into the device space is unaligned, and Device
// memory takes no unaligned access: an alignment fault (DFSC 0b100001) with nothing read or
// written — not bytes from past the end of RAM, not a silently dropped store.
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.js';
import { Scheduler } from '../../src/machine/scheduler.js';
import { BufferBackend } from '../../devices/serial/backend.js';

const movz = (rd: number, imm: number, hw: number) => (0xd2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const movk = (rd: number, imm: number, hw: number) => (0xf2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const MSR_VBAR_XZR = 0xd518c01f, MRS_X2_ESR = 0xd5385202, MRS_X3_FAR = 0xd5386003, B_SELF = 0x14000000;
const LDR_X0_X1 = 0xf9400020, STR_X0_X1 = 0xf9000020;
const EC_DABT_SAME_EL = 0x25, DFSC_ALIGNMENT = 0x21, WNR = 1 << 6;

async function crossIntoDevice(engine: 'interp' | 'jit', access: number) {
  const ramBytes = 16 * 2 ** 20, addr = ramBytes - 4;
  const m = new Machine({ ramBytes, engine, icount: true, serial: new BufferBackend() });
  const ram = new DataView(m.ram.buffer);
  const put = (at: number, words: number[]) => words.forEach((w, i) => ram.setUint32(at + 4 * i, w, true));
  put(0x200, [MRS_X2_ESR, MRS_X3_FAR, B_SELF]); // VBAR_EL1 + 0x200: synchronous, current EL with SP_ELx
  put(0x1000, [MSR_VBAR_XZR, movz(1, addr & 0xffff, 0), movk(1, addr >>> 16, 1), movz(0, 0x1234, 0), access, B_SELF]);
  ram.setUint32(addr, 0xa5a5a5a5, true);
  m.powerOn(0, 0x1000, 0n);
  await new Scheduler(m).run({ maxInsns: 2000 });
  const cpu = m.vcpus[0].cpu;
  return { esr: Number(cpu.getX(2)), far: cpu.getX(3), x0: cpu.getX(0), pc: cpu.pc, lastWord: ram.getUint32(addr, true), addr };
}

describe('an access crossing from RAM into the device space', () => {
  for (const engine of ['interp', 'jit'] as const) {
    it(`a load is an alignment fault and reads nothing (${engine})`, async () => {
      const r = await crossIntoDevice(engine, LDR_X0_X1);
      expect(r.esr >>> 26).toBe(EC_DABT_SAME_EL);
      expect(r.esr & 0x3f).toBe(DFSC_ALIGNMENT);
      expect(r.esr & WNR).toBe(0);
      expect(r.far).toBe(BigInt(r.addr));
      expect(r.x0).toBe(0x1234n); // the destination is left alone
      expect(r.pc).toBe(0x208);   // parked in the handler
    });
    it(`a store is an alignment fault and writes nothing (${engine})`, async () => {
      const r = await crossIntoDevice(engine, STR_X0_X1);
      expect(r.esr >>> 26).toBe(EC_DABT_SAME_EL);
      expect(r.esr & 0x3f).toBe(DFSC_ALIGNMENT);
      expect(r.esr & WNR).toBe(WNR);
      expect(r.far).toBe(BigInt(r.addr));
      expect(r.lastWord).toBe(0xa5a5a5a5);
    });
  }
});
