// The vGIC of VMs (hypervisor/core/vgic.ts, hypervisor/host/vgic-host.ts): the guest's GICC
// window is the core's GICV, so the guest takes its interrupts through the list registers with
// no exit for GICC_IAR/EOIR, while GICD accesses still exit to the host's distributor. Results
// must equal bare metal (same UART text and instruction count under icount): the GICv2
// architecture fixes them, and bare mode runs the physical GIC-400 model.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BufferBackend } from '../../devices/serial/backend.js';
import { bootLayout, planBoot } from '../../src/machine/boot.js';
import { GIC400 } from '../../devices/gic400.js';
import { GICH, makeLr } from '../../devices/gic400-virt.js';
import { KCore } from '../../hypervisor/core/core.js';
import { VgicContext, VgicHw } from '../../hypervisor/core/vgic.js';
import { runGuest } from '../sys/run_guest.js';
import { HV_GUESTS, runVmGuest } from './run_vm.js';

const VGIC_ELF = path.join(HV_GUESTS, 'vgic.elf');

async function runBareElf(elf: string, engine: 'interp' | 'jit', cpus = 1) {
  const ramBytes = 64 * 2 ** 20, serial = new BufferBackend();
  const { scheduler } = bootLayout(planBoot({ kernel: elf }, ramBytes, cpus), { ramBytes, cpus, engine, icount: true, serial });
  const r = await scheduler.run({ maxInsns: 50_000_000 });
  return { ...r, out: serial.text() };
}

for (const engine of ['interp', 'jit'] as const) {
  describe(`vGIC: interrupts through the list registers (${engine})`, () => {
    for (const [name, cpus] of [['gic', 2], ['timer', 1], ['exc', 1]] as const) {
      it(`${name}: as on bare metal, no GICC exits, GICD still trapped`, async () => {
        const bare = await runGuest(name, { engine, cpus });
        expect(bare.out).toContain('ALL PASSED');
        for (const isolation of ['kvm', 'krustvm'] as const) {
          const vm = await runVmGuest(name, isolation, { engine, cpus });
          expect(vm.out).toBe(bare.out);
          expect(vm.exitCode).toBe(0);
          expect(vm.insns).toBe(bare.insns);
          expect(vm.machine.mmioExits.get('gicc') ?? 0).toBe(0);
          expect(vm.machine.mmioExits.get('gicd')).toBeGreaterThan(0);
          expect(vm.machine.core.log.get('vgic: interrupts injected')).toBeGreaterThan(0);
        }
      }, 120_000);
    }

    it('more pending than four LRs (SGIs + SPIs): underflow maintenance; level re-sample of the virtual timer', async () => {
      const bare = await runBareElf(VGIC_ELF, engine);
      expect(bare.out).toContain('ALL PASSED');
      expect(bare.out).not.toContain('FAIL');
      for (const isolation of ['kvm', 'krustvm'] as const) {
        const vm = await runVmGuest('vgic', isolation, { engine, elf: VGIC_ELF });
        expect(vm.out).toBe(bare.out);
        expect(vm.insns).toBe(bare.insns);
        expect(vm.machine.mmioExits.get('gicc') ?? 0).toBe(0);
        // 7 at once into 4 LRs: at least one underflow, and EOI maintenance for the level PPI 27.
        expect(vm.machine.core.log.get('exits: vgic maintenance')).toBeGreaterThanOrEqual(2);
        expect(vm.machine.core.log.get('vgic: interrupts injected')).toBeGreaterThanOrEqual(9);
      }
    }, 120_000);

    it('SGIs between vCPUs (smp, 4 vCPUs) through the LRs, the same instruction count as bare', async () => {
      const bare = await runGuest('smp', { engine, cpus: 4 });
      const vm = await runVmGuest('smp', 'krustvm', { engine, cpus: 4 });
      expect(vm.out).toBe(bare.out);
      expect(vm.insns).toBe(bare.insns);
      expect(vm.machine.mmioExits.get('gicc') ?? 0).toBe(0);
    }, 120_000);
  });
}

describe('vGIC: the old trap-and-emulate path (vgic: false)', () => {
  it('gic guest: the same results, every GICC access an exit', async () => {
    const bare = await runGuest('gic', { cpus: 2 });
    const vm = await runVmGuest('gic', 'krustvm', { cpus: 2, vgic: false });
    expect(vm.out).toBe(bare.out);
    expect(vm.machine.mmioExits.get('gicc')).toBeGreaterThan(0);
    expect(vm.machine.core.log.get('vgic: interrupts injected')).toBe(0);
  }, 60_000);
});

describe('vGIC isolation: GICH belongs to the core', () => {
  it('the host bus GICH is not the VM\'s: LRs written there reach no guest', async () => {
    const bare = await runGuest('gic', { cpus: 2 });
    const vm = await runVmGuest('gic', 'krustvm', {
      cpus: 2,
      beforeRun: (m) => {
        // A hostile host fills every LR of its own GICH (alias frames) with pending SPI 120.
        for (let c = 0; c < 2; c++) {
          for (let k = 0; k < 4; k++) m.dev.bus.write(GIC400.GICH_BASE + 0x1000 + 0x200 * c + GICH.LR0 + 4 * k, 4, makeLr({ virtualId: 120, priority: 0 }), c);
          m.dev.bus.write(GIC400.GICH_BASE + 0x1000 + 0x200 * c + GICH.HCR, 4, 1, c);
        }
        expect(m.core.vgicListRegs(m.vm, 0).every((l) => l.state === 'invalid')).toBe(true);
      },
    });
    // Identical to bare metal: no stray SPI 120 (the guest counts every interrupt it takes).
    expect(vm.out).toBe(bare.out);
    // The core offers no GICH: only LR states and fills through its calls.
    expect(Object.getOwnPropertyNames(KCore.prototype).join(' ')).not.toMatch(/gich|[bB]ank|gicv/);
  }, 60_000);

  it('the GICV frame: mapped once, outside RAM, no device window over it (refused and logged)', () => {
    const core = new KCore({ physBytes: 128 * 4096, coreBytes: 32 * 4096 });
    const r = core.registerVm({ isolation: 'kvm', vcpus: 1, ramBytes: 16 * 4096, hooks: { timer: undefined as never, irqLine: () => false, fiqLine: () => false, mmio: () => true } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(core.mapVgicCpuInterface(r.vm, 0x1000).ok).toBe(false); // VM RAM
    expect(core.mapVgicCpuInterface(r.vm, GIC400.CPU_BASE + 4).ok).toBe(false);
    expect(core.mapVgicCpuInterface(r.vm, GIC400.CPU_BASE).ok).toBe(true);
    expect(core.mapVgicCpuInterface(r.vm, GIC400.CPU_BASE).ok).toBe(false);
    const before = core.log.refusals;
    expect(core.ioremap(r.vm, GIC400.CPU_BASE + 0x1000, 4096).ok).toBe(false);
    expect(core.log.refusals).toBe(before + 1);
    // No vCPU with a vGIC: the LR calls refuse.
    expect(core.vgicWriteLr(r.vm, 0, 0, { id: 1, priority: 0 }).ok).toBe(false);
    expect(core.vgicListRegs(r.vm, 5)).toEqual([]);
  });

  it('list register calls: an LR the guest has active is refused; bad IDs refused; HW never set', () => {
    const hw = new VgicHw(), c = new VgicContext();
    expect(hw.setLr(c, 0, { id: 40, priority: 0x80 })).toBeUndefined();
    expect(c.lr[0] >>> 31).toBe(0); // HW = 0
    expect(hw.lrs(c)[0]).toEqual({ state: 'pending', id: 40, source: 0 });
    // The guest acknowledges it (GICV_IAR): the LR is active, the host may not overwrite it.
    hw.load(c);
    expect(hw.gicvRead(0x00, 4)).toBe(0);
    hw.gicvWrite(0x00, 4, 1); hw.gicvWrite(0x04, 4, 0xf0);
    expect(hw.gicvRead(0x0c, 4)).toBe(40);
    expect(hw.lrs(c)[0].state).toBe('active');
    expect(hw.setLr(c, 0, { id: 41, priority: 0 })).toMatch(/active/);
    expect(hw.setLr(c, 0, null)).toMatch(/active/);
    hw.unload();
    expect(hw.lrs(c)[0]).toEqual({ state: 'active', id: 40, source: 0 });
    expect(hw.setLr(c, 1, { id: 1020, priority: 0 })).toMatch(/0\.\.1019/);
    expect(hw.setLr(c, 4, { id: 1, priority: 0 })).toMatch(/no list register/);
    expect(hw.setLr(c, 1, { id: 2, source: 9, priority: 0 })).toMatch(/source/);
    expect(hw.setLr(c, 1, { id: 2, source: 3, priority: 0 })).toBeUndefined();
    expect(hw.lrs(c)[1]).toEqual({ state: 'pending', id: 2, source: 3 });
  });
});

describe('vGIC calls from a hostile host', () => {
  it('random arguments to the LR calls: refused and logged, never a JS exception', async () => {
    const vm = await runVmGuest('hello', 'krustvm', { maxInsns: 1 });
    const { core, vm: id } = vm.machine;
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
    const odd = [NaN, -1, 2 ** 40, 0.5, Infinity, 4, 1020, 7, 0, 1, 3];
    const pick = () => odd[rnd() % odd.length];
    for (let n = 0; n < 2000; n++) {
      const irq = rnd() % 5 === 0 ? null : { id: pick(), source: pick(), priority: pick(), group1: rnd() % 2 === 0, eoiMaintenance: rnd() % 2 === 0 };
      expect(() => core.vgicWriteLr(id, pick(), pick(), irq)).not.toThrow();
      expect(() => core.vgicUnderflow(id, pick(), rnd() % 2 === 0)).not.toThrow();
      expect(() => core.vgicListRegs(pick(), pick())).not.toThrow();
    }
    expect(core.log.refusals).toBeGreaterThan(1000);
    // What was accepted is a well-formed pending interrupt with a valid ID.
    for (const l of core.vgicListRegs(id, 0)) expect(l.state === 'invalid' || (l.state === 'pending' && l.id < 1020)).toBe(true);
  });
});
