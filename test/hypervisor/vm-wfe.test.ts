// WFE for a VM's vCPUs: the core waits on the vCPU's Event Register exactly as the scheduler does
// for a bare CPU (src/sys/wfe-wait.ts) — SEVL, SEV from another vCPU of the same VM, a cleared
// exclusive monitor (LDAXR; WFE released by another vCPU's store, decided by the core, not by
// the host reading guest memory), the timer's event stream, and an idle VM that nothing can wake
// ending as 'stuck'. The programs are those of test/sys/wfe.test.ts (Arm ARM D1.16), run once
// bare and once as a VM: same run result and the same instruction count.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BufferBackend } from '../../devices/serial/backend.js';
import { planBoot } from '../../src/machine/boot.js';
import { Scheduler, type RunResult } from '../../src/machine/scheduler.js';
import { VmMachine } from '../../hypervisor/host/vm-machine.js';
import { Asm, ENGINES, NOP, PSCI_CPU_ON64, PSCI_SYSTEM_OFF, REG, SEV, SEVL, WFE, WFI, machine, recordingVectors } from '../sys/a64.js';
import { BIN } from '../sys/run_guest.js';

const VEC = 0x10000, CODE0 = 0x80000, CODE1 = 0x90000, FLAG = 0x20000, OTHER = 0x20100;
const RAM = 16 * 2 ** 20;

async function bare(engine: 'interp' | 'jit', cpus: number, progs: Asm[], quantum?: number): Promise<RunResult> {
  const m = machine(engine, cpus);
  for (const p of [...recordingVectors(VEC), ...progs]) p.load(m);
  m.powerOn(0, CODE0, 0n);
  return new Scheduler(m).run({ maxInsns: 2_000_000, quantum });
}

/** The same programs in a kvm-isolation VM (the host may write its memory), vCPU 0 at CODE0. */
async function vm(engine: 'interp' | 'jit', cpus: number, progs: Asm[], quantum?: number): Promise<{ r: RunResult; m: VmMachine }> {
  const layout = planBoot({ kernel: path.join(BIN, 'hello.elf') }, RAM, cpus);
  expect(layout.kernel.entry).toBe(CODE0);
  const m = VmMachine.create({ isolation: 'kvm', ramBytes: RAM, cpus, engine, icount: true, serial: new BufferBackend(), jitThreshold: engine === 'jit' ? 1 : undefined }, { layout });
  if ('error' in m) throw new Error(m.error);
  const pfnOf = new Map<number, number>();
  for (let p = 0; p < m.core.pageCount; p++) { const i = m.core.pageInfo(p); if (i.owner === m.vm) pfnOf.set(i.gfn, p); }
  const host = m.core.hostView();
  for (const p of [...recordingVectors(VEC), ...progs]) {
    const bytes = new Uint8Array(p.code().buffer);
    for (let off = 0; off < bytes.length;) {
      const ipa = p.base + off, n = Math.min(4096 - (ipa % 4096), bytes.length - off);
      expect(host.write(pfnOf.get(Math.floor(ipa / 4096))! * 4096 + (ipa % 4096), bytes.subarray(off, off + n))).toBe(true);
      off += n;
    }
  }
  const r = await new Scheduler(m).run({ maxInsns: 2_000_000, quantum });
  return { r, m };
}

const start0 = () => new Asm(CODE0).mov(9, VEC).msr(REG.VBAR_EL1, 9).mov(10, 0).psci(PSCI_CPU_ON64, 1, CODE1, 0);

describe('WFE in a VM: the core waits as a bare CPU does', () => {
  for (const engine of ENGINES) {
    const same = async (cpus: number, progs: Asm[], reason: RunResult['reason'], quantum?: number) => {
      const b = await bare(engine, cpus, progs, quantum);
      const v = await vm(engine, cpus, progs, quantum);
      expect(b.reason).toBe(reason);
      expect(v.r.reason).toBe(reason);
      expect(v.r.insns).toBe(b.insns);
      expect(v.m.core.log.refusals).toBe(0);
      return v;
    };

    it(`SEVL; WFE goes on; a second WFE waits and the idle VM stops as stuck (${engine})`, async () => {
      const v = await same(1, [new Asm(CODE0).w(SEVL, WFE, WFE).psci(PSCI_SYSTEM_OFF)], 'stuck');
      expect(v.r.insns).toBeLessThan(10);
      expect(v.m.exits.get('wfe')).toBeGreaterThan(0);
    });

    for (const sev of [true, false]) {
      it(`a vCPU in WFE ${sev ? 'is woken by' : 'stays asleep without'} another vCPU's SEV (${engine})`, async () => {
        const a = start0().mov(2, FLAG).label('loop').ldrw(1, 2).cbnz(1, 'done').w(WFE).b('loop').label('done').psci(PSCI_SYSTEM_OFF);
        const b = new Asm(CODE1).mov(2, FLAG).mov(1, 1).strw(1, 2).w(sev ? SEV : NOP).label('idle').w(WFI).b('idle');
        const v = await same(2, [a, b], sev ? 'exit' : 'stuck');
        expect(v.m.core.vcpuInsns(v.m.vm, 0)).toBeLessThan(100);
      });
    }

    for (const release of [true, false]) {
      it(`LDAXR; WFE ${release ? 'is released by another vCPU\'s store' : 'keeps waiting while others store elsewhere'}, without spinning (${engine})`, async () => {
        const a = start0().mov(2, FLAG).w(SEVL, WFE).label('loop').ldaxrw(1, 2).cbnz(1, 'done').w(WFE).b('loop').label('done').psci(PSCI_SYSTEM_OFF);
        const b = new Asm(CODE1).mov(2, release ? FLAG : OTHER).mov(5, 1000).label('delay')
          .w(0xd1000400 | (5 << 5) | 5 /* sub x5, x5, #1 */).cbnz(5, 'delay').mov(1, 1).strw(1, 2).label('idle').w(WFI).b('idle');
        const v = await same(2, [a, b], release ? 'exit' : 'stuck', 100);
        expect(v.m.core.vcpuInsns(v.m.vm, 1)).toBeGreaterThan(2000);
        expect(v.m.core.vcpuInsns(v.m.vm, 0)).toBeLessThan(100); // woken once, not every slice
      });
    }

    for (const evnten of [true, false]) {
      it(`every vCPU in WFE, event stream ${evnten ? 'on: woken by it, idling' : 'off: stuck'} (${engine})`, async () => {
        const EVNTI = 4, N = 8;
        const kctl = evnten ? (1 << 2) | (EVNTI << 4) : 0;
        const waits = (p: Asm) => p.mov(4, kctl).msr(REG.CNTKCTL_EL1, 4).mov(5, N).label('w').w(WFE)
          .w(0xd1000400 | (5 << 5) | 5).cbnz(5, 'w');
        const v = await same(2, [waits(start0()).psci(PSCI_SYSTEM_OFF), waits(new Asm(CODE1)).label('idle').w(WFI).b('idle')], evnten ? 'exit' : 'stuck');
        expect(v.r.insns).toBeLessThan(200);
      });
    }

    it(`the smp guest's WFE spinlock: vCPUs wait (wfe exits), same instruction count as bare (${engine})`, async () => {
      const { runGuest } = await import('../sys/run_guest.js');
      const { runVmGuest } = await import('./run_vm.js');
      const b = await runGuest('smp', { engine, cpus: 4 });
      for (const isolation of ['kvm', 'krustvm'] as const) {
        const v = await runVmGuest('smp', isolation, { engine, cpus: 4 });
        expect(v.out).toBe(b.out);
        expect(v.insns).toBe(b.insns);
        expect(v.machine.exits.get('wfe')).toBeGreaterThan(0);
        expect(v.machine.exits.get('yield')).toBeUndefined();
      }
    }, 120_000);
  }
});
