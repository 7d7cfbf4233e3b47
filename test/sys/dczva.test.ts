// DC ZVA at EL0 (Arm ARM DDI 0487, SCTLR_EL1.DZE and DC ZVA descriptions): with SCTLR_EL1.DZE = 0
// it traps to EL1 with EC 0x18 and the DC ZVA encoding in the ISS (Op0 1, Op2 1, Op1 3, CRn 7,
// Rt, CRm 4, Direction 0) and zeroes nothing; with DZE = 1 it zeroes the 64-byte block (the
// DCZID_EL0.BS of a Cortex-A72). Both engines.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/machine/scheduler.js';
import { SCTLR_RESET } from '../../src/sys/idregs.js';
import { Asm, ENGINES, ERET, REG, PSCI_SYSTEM_OFF, machine, recordingVectors } from './a64.js';

const VEC = 0x10000, CODE = 0x80000, EL0_CODE = 0x81000, DATA = 0x20000;
const DZE = 1n << 14n;
/** ESR_EL1 of the trapped `dc zva, x3`, field by field as the EC 0x18 ISS defines them. */
const ISS = (1 << 20) | (1 << 17) | (3 << 14) | (7 << 10) | (3 << 5) | (4 << 1) | 0;
const ZVA_ESR = ((0x18 << 26) | (1 << 25) | ISS) >>> 0;
const SVC_ESR = ((0x15 << 26) | (1 << 25)) >>> 0;

describe('DC ZVA at EL0', () => {
  for (const engine of ENGINES) {
    for (const dze of [false, true]) {
      it(`SCTLR_EL1.DZE = ${dze ? 1 : 0}: ${dze ? 'zeroes the block' : 'traps with EC 0x18'} (${engine})`, async () => {
        const m = machine(engine);
        for (const v of recordingVectors(VEC)) v.load(m);
        const a = new Asm(CODE).mov(9, VEC).msr(REG.VBAR_EL1, 9).mov(10, 0);
        a.mov(5, dze ? SCTLR_RESET | DZE : SCTLR_RESET).msr(REG.SCTLR_EL1, 5);
        a.mov(0, 0).msr(REG.SPSR_EL1, 0).mov(0, EL0_CODE).msr(REG.ELR_EL1, 0).w(ERET);
        a.load(m);
        new Asm(EL0_CODE).mov(3, DATA + 0x48).dczva(3).w(0xd4000001 /* svc #0 */).load(m);
        m.ram.fill(0xaa, DATA, DATA + 0x100);
        m.powerOn(0, CODE, 0n);
        const r = await new Scheduler(m).run({ maxInsns: 100_000 });
        expect(r.reason).toBe('exit');
        const cpu = m.vcpus[0].cpu;
        const block = [...m.ram.subarray(DATA + 0x40, DATA + 0x80)];
        expect(m.ram[DATA + 0x3f]).toBe(0xaa);
        expect(m.ram[DATA + 0x80]).toBe(0xaa);
        if (dze) {
          expect(Number(cpu.getX(10)) >>> 0).toBe(SVC_ESR);
          expect(block.every((b) => b === 0)).toBe(true);
        } else {
          expect(Number(cpu.getX(10)) >>> 0).toBe(ZVA_ESR);
          expect(Number(cpu.getX(11))).toBe(EL0_CODE + 8); // after the two-instruction MOV of x3
          expect(block.every((b) => b === 0xaa)).toBe(true);
        }
      });
    }
  }
});
