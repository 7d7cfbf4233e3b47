// WFE, SEV, SEVL and the Event Register (Arm ARM D1.16 "Mechanisms for entering a low-power
// state"): SEVL sets the own Event Register, SEV every CPU's; WFE clears a set register and goes
// on, else waits for a wake-up event — SEV, the clearing of the CPU's exclusive monitor by a
// store (global monitor), the generic timer's event stream (D11.2.3), a takeable interrupt.
// The machine must idle, not spin, while every CPU waits: the run then ends as 'stuck' when
// nothing can wake them. Both engines, the JIT compiling every block at its first run.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/machine/scheduler.js';
import { SCTLR_RESET } from '../../src/sys/idregs.js';
import { Asm, ENGINES, ERET, NOP, PSCI_CPU_ON64, PSCI_SYSTEM_OFF, REG, SEV, SEVL, WFE, WFI, machine, recordingVectors } from './a64.js';

const VEC = 0x10000, CODE0 = 0x80000, CODE1 = 0x90000, EL0_CODE = 0x81000, FLAG = 0x20000, OTHER = 0x20100;
const NTWE = 1n << 18n;
/** ESR_EL1 of a trapped WFE: EC 0x01, IL, CV = 1, COND = 0xE, TI = 1 (WFE). */
const WFE_TRAP_ESR = ((0x01 << 26) | (1 << 25) | (1 << 24) | (0xe << 20) | 1) >>> 0;

async function run(engine: 'interp' | 'jit', cpus: number, progs: Asm[], quantum?: number) {
  const m = machine(engine, cpus);
  for (const v of recordingVectors(VEC)) v.load(m);
  for (const p of progs) p.load(m);
  m.powerOn(0, CODE0, 0n);
  const r = await new Scheduler(m).run({ maxInsns: 2_000_000, quantum });
  return { r, m };
}

/** CPU 0's start: vectors, then CPU 1 powered on at CODE1. */
const start0 = () => new Asm(CODE0).mov(9, VEC).msr(REG.VBAR_EL1, 9).mov(10, 0).psci(PSCI_CPU_ON64, 1, CODE1, 0);

describe('WFE and the Event Register', () => {
  for (const engine of ENGINES) {
    it(`SEVL; WFE goes on; a second WFE waits and the idle machine stops as stuck (${engine})`, async () => {
      const a = new Asm(CODE0).w(SEVL, WFE);
      const waitAt = a.pc;
      a.w(WFE).psci(PSCI_SYSTEM_OFF);
      const { r, m } = await run(engine, 1, [a]);
      expect(r.reason).toBe('stuck');
      expect(r.insns).toBeLessThan(10);
      expect(m.vcpus[0].cpu.pc).toBe(waitAt + 4);
    });

    it(`EL0 WFE with SCTLR_EL1.nTWE = 0 traps (EC 0x01) only when the Event Register is clear (${engine})`, async () => {
      const a = new Asm(CODE0).mov(9, VEC).msr(REG.VBAR_EL1, 9).mov(10, 0);
      a.mov(5, SCTLR_RESET & ~NTWE).msr(REG.SCTLR_EL1, 5).mov(0, 0).msr(REG.SPSR_EL1, 0).mov(0, EL0_CODE).msr(REG.ELR_EL1, 0).w(ERET);
      const e = new Asm(EL0_CODE).w(SEVL, WFE, WFE);
      const { r, m } = await run(engine, 1, [a, e]);
      expect(r.reason).toBe('exit');
      expect(Number(m.vcpus[0].cpu.getX(10)) >>> 0).toBe(WFE_TRAP_ESR);
      expect(Number(m.vcpus[0].cpu.getX(11))).toBe(EL0_CODE + 8);
    });

    for (const sev of [true, false]) {
      it(`a CPU in WFE ${sev ? 'is woken by' : 'stays asleep without'} another CPU's SEV (${engine})`, async () => {
        const a = start0().mov(2, FLAG).label('loop').ldrw(1, 2).cbnz(1, 'done').w(WFE).b('loop').label('done').psci(PSCI_SYSTEM_OFF);
        const b = new Asm(CODE1).mov(2, FLAG).mov(1, 1).strw(1, 2).w(sev ? SEV : NOP).label('idle').w(WFI).b('idle');
        const { r, m } = await run(engine, 2, [a, b]);
        expect(r.reason).toBe(sev ? 'exit' : 'stuck');
        expect(m.vcpus[0].cpu.icount).toBeLessThan(100);
      });
    }

    for (const release of [true, false]) {
      it(`LDAXR; WFE spin ${release ? 'is released by another CPU\'s plain store' : 'keeps waiting while others store elsewhere'}, without spinning (${engine})`, async () => {
        const a = start0().mov(2, FLAG).w(SEVL, WFE).label('loop').ldaxrw(1, 2).cbnz(1, 'done').w(WFE).b('loop').label('done').psci(PSCI_SYSTEM_OFF);
        // CPU 1 works for ~3000 instructions over many slices, then stores.
        const b = new Asm(CODE1).mov(2, release ? FLAG : OTHER).mov(5, 1000).label('delay')
          .w(0xd1000400 | (5 << 5) | 5 /* sub x5, x5, #1 */).cbnz(5, 'delay').mov(1, 1).strw(1, 2).label('idle').w(WFI).b('idle');
        const { r, m } = await run(engine, 2, [a, b], 100);
        expect(r.reason).toBe(release ? 'exit' : 'stuck');
        expect(m.vcpus[1].cpu.icount).toBeGreaterThan(2000);
        expect(m.vcpus[0].cpu.icount).toBeLessThan(100); // woken once, not every slice of CPU 1
      });
    }

    for (const evnten of [true, false]) {
      it(`all CPUs in WFE with the event stream ${evnten ? 'on: woken every 2^(EVNTI+1) ticks, idling' : 'off: the run stops as stuck'} (${engine})`, async () => {
        const EVNTI = 4, N = 8;
        const kctl = evnten ? (1 << 2) | (EVNTI << 4) : 0; // EVNTEN, EVNTDIR = 0 (0→1 of bit EVNTI)
        const waits = (p: Asm) => p.mov(4, kctl).msr(REG.CNTKCTL_EL1, 4).mov(5, N).label('w').w(WFE)
          .w(0xd1000400 | (5 << 5) | 5).cbnz(5, 'w');
        const a = waits(start0()).psci(PSCI_SYSTEM_OFF);
        const b = waits(new Asm(CODE1)).label('idle').w(WFI).b('idle');
        const { r, m } = await run(engine, 2, [a, b]);
        expect(r.reason).toBe(evnten ? 'exit' : 'stuck');
        expect(r.insns).toBeLessThan(200); // no spinning: time was skipped, not executed
        // N wake-ups of CPU 0 need N transitions of the bit, (N - 1) periods apart at least.
        if (evnten) expect(m.timer.counter()).toBeGreaterThanOrEqual(BigInt((N - 1) * (2 << EVNTI)));
      });
    }
  }
});
