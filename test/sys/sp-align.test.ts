// SP alignment checking (Arm ARM D1.8.2 "SP alignment checking"): with SCTLR_EL1.SA (EL1) or
// SA0 (EL0) set, a load/store whose base register is SP with SP not 16-byte aligned takes an SP
// alignment fault — EC 0x26, ISS 0 (ESR_EL1 = 0x9a000000 with IL = 1) — before any access or
// writeback. Other base registers and aligned SPs are not checked. Both engines, JIT compiling
// every block at once.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/machine/scheduler.js';
import { SCTLR_RESET } from '../../src/sys/idregs.js';
import { Asm, ENGINES, ERET, REG, PSCI_SYSTEM_OFF, machine, recordingVectors } from './a64.js';

const VEC = 0x10000, CODE = 0x80000, EL0_CODE = 0x81000, DATA = 0x20000;
const SP_ALIGN_ESR = ((0x26 << 26) | (1 << 25)) >>> 0;
const SVC_ESR = ((0x15 << 26) | (1 << 25)) >>> 0;
const SA = 1n << 3n, SA0 = 1n << 4n;
const MAGIC = 0x1122334455667788n;

async function run(engine: 'interp' | 'jit', build: (a: Asm) => void, el0?: (a: Asm) => void) {
  const m = machine(engine);
  for (const v of recordingVectors(VEC)) v.load(m);
  const a = new Asm(CODE).mov(9, VEC).msr(REG.VBAR_EL1, 9).mov(1, 0x77).mov(10, 0);
  build(a);
  a.load(m);
  if (el0) { const e = new Asm(EL0_CODE); el0(e); e.load(m); }
  new DataView(m.ram.buffer).setBigUint64(DATA + 8, MAGIC, true);
  m.powerOn(0, CODE, 0n);
  const r = await new Scheduler(m).run({ maxInsns: 100_000 });
  const cpu = m.vcpus[0].cpu;
  return { r, x1: cpu.getX(1), esr: Number(cpu.getX(10)), elr: Number(cpu.getX(11)), env: m.vcpus[0].env, m };
}

describe('SP alignment checking', () => {
  for (const engine of ENGINES) {
    it(`EL1, SCTLR_EL1.SA = 1 (reset): LDR [SP] with SP % 16 = 8 faults before the load (${engine})`, async () => {
      let at = 0;
      const o = await run(engine, (a) => { a.mov(0, DATA + 8).movSp(0); at = a.pc; a.ldrx(1, 31).psci(PSCI_SYSTEM_OFF); });
      expect(o.r.reason).toBe('exit');
      expect(o.esr >>> 0).toBe(SP_ALIGN_ESR);
      expect(o.elr).toBe(at);
      expect(o.x1).toBe(0x77n); // the load did not happen
    });

    it(`EL1: STP pre-index on a misaligned SP neither stores nor writes SP back (${engine})`, async () => {
      let at = 0;
      const o = await run(engine, (a) => { a.mov(0, DATA + 0x48).movSp(0).mov(2, 5).mov(3, 6); at = a.pc; a.stpPre(2, 3, 31).psci(PSCI_SYSTEM_OFF); });
      expect(o.esr >>> 0).toBe(SP_ALIGN_ESR);
      expect(o.elr).toBe(at);
      expect(o.env.spEl1).toBe(BigInt(DATA + 0x48));
      expect(new DataView(o.m.ram.buffer).getBigUint64(DATA + 0x38, true)).toBe(0n);
    });

    it(`EL1: LDR Q1, [SP] with SP % 16 = 8 faults too, after the FP/SIMD access check (${engine})`, async () => {
      const CPACR_EL1 = 0xd5181045 - 5, LDR_Q1_SP = 0x3dc003e1, FPEN = 3 << 20;
      const FP_TRAP_ESR = ((0x07 << 26) | (1 << 25) | (1 << 24) | (0xe << 20)) >>> 0; // CV = 1, COND = 0b1110
      for (const fpen of [FPEN, 0]) {
        let at = 0;
        const o = await run(engine, (a) => { a.mov(5, fpen).w(CPACR_EL1 | 5).mov(0, DATA + 8).movSp(0); at = a.pc; a.w(LDR_Q1_SP).psci(PSCI_SYSTEM_OFF); });
        expect(o.esr >>> 0).toBe(fpen ? SP_ALIGN_ESR : FP_TRAP_ESR);
        expect(o.elr).toBe(at);
      }
    });

    it(`EL1: aligned SP, a misaligned non-SP base, or SA = 0 do not fault (${engine})`, async () => {
      const o = await run(engine, (a) => {
        a.mov(0, DATA).movSp(0).ldrx(1, 31, 8); // SP aligned
        a.mov(0, DATA + 8).ldrx(4, 0); // base X0 % 16 = 8: not checked
        a.mov(5, SCTLR_RESET & ~SA).msr(REG.SCTLR_EL1, 5).mov(0, DATA + 8).movSp(0).ldrx(6, 31); // SA = 0
        a.psci(PSCI_SYSTEM_OFF);
      });
      expect(o.r.reason).toBe('exit');
      expect(o.esr).toBe(0);
      expect(o.x1).toBe(MAGIC);
      expect(o.m.vcpus[0].cpu.getX(4)).toBe(MAGIC);
      expect(o.m.vcpus[0].cpu.getX(6)).toBe(MAGIC);
    });

    for (const sa0 of [true, false]) {
      it(`EL0 with SCTLR_EL1.SA0 = ${sa0 ? 1 : 0}: LDR [SP] with SP_EL0 % 16 = 8 ${sa0 ? 'faults (lower-EL vector)' : 'loads'} (${engine})`, async () => {
        const o = await run(engine, (a) => {
          a.mov(5, sa0 ? SCTLR_RESET : SCTLR_RESET & ~SA0).msr(REG.SCTLR_EL1, 5);
          a.mov(0, DATA + 8).msr(REG.SP_EL0, 0).mov(0, 0).msr(REG.SPSR_EL1, 0).mov(0, EL0_CODE).msr(REG.ELR_EL1, 0).w(ERET);
        }, (e) => e.ldrx(1, 31).w(0xd4000001 /* svc #0 */));
        expect(o.r.reason).toBe('exit');
        if (sa0) {
          expect(o.esr >>> 0).toBe(SP_ALIGN_ESR);
          expect(o.elr).toBe(EL0_CODE);
          expect(o.x1).toBe(0x77n);
        } else {
          expect(o.esr >>> 0).toBe(SVC_ESR);
          expect(o.x1).toBe(MAGIC);
        }
      });
    }
  }
});
