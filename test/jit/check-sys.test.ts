// --check-jit in system mode: every bare-metal guest (test/baremetal) runs with each compiled unit
// replayed in the interpreter — with the MMU on, exceptions, interrupts between slices, system
// register writes, TLB maintenance and device MMIO (recorded from the unit and served to the
// replay, so no device sees an access twice) — and must show no difference and the same UART
// output as the interpreter alone. Deliberately broken units are reported.
import { describe, expect, it } from 'vitest';
import { runGuest } from '../sys/run_guest.js';
import type { JitEngine } from '../../jit/engine.js';
import type { Unit } from '../../jit/cache.js';
import { BufferBackend } from '../../devices/serial/backend.js';
import { bootLayout, planBoot } from '../../src/machine/boot.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bootMain } from '../../src/machine/cli-boot.js';
import { BIN } from '../sys/run_guest.js';

const GUESTS: [string, number][] = [['hello', 1], ['exc', 1], ['mmu', 1], ['timer', 1], ['fp', 1], ['idregs', 1], ['gic', 2], ['uart', 1], ['serror', 1], ['smp', 4]];

describe('--check-jit in system mode', () => {
  for (const [name, cpus] of GUESTS) {
    // serror needs its SErrors injected (test/sys/serror.test.ts runs it under the check).
    if (name === 'serror') continue;
    it(`${name}: no difference, same UART output as the interpreter`, async () => {
      const checked = await runGuest(name, { engine: 'jit', checkJit: true, jitThreshold: name === 'smp' ? 50 : 2, cpus });
      expect(checked.message).not.toMatch(/--check-jit/);
      expect(checked.reason).toBe('exit');
      expect(checked.exitCode).toBe(0);
      const interp = await runGuest(name, { engine: 'interp', cpus });
      expect(checked.out).toBe(interp.out);
      const st = checked.machine.vcpus.map((v) => v.engine.stats());
      expect(st.reduce((a, s) => a + (s.unitsChecked ?? 0), 0)).toBeGreaterThan(0);
    }, 120_000);
  }

  it('the bundled Linux guest boots and runs a --cmd under --check-jit (krustvm mode) with no difference', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-check-'));
    const file = path.join(dir, 'console.txt');
    try {
      // (About 55 M instructions, 11 s on an idle machine.) A difference would end the run with
      // status 1 and the report on stderr instead of the command's status.
      const status = await bootMain({ cmd: 'echo checked; exit 3', engine: 'jit', 'check-jit': true, m: '256M', serial: `file:${file}`, mode: 'krustvm' } as Parameters<typeof bootMain>[0]);
      expect(fs.readFileSync(file, 'latin1')).toMatch(/^checked\r?$/m);
      expect(status).toBe(3);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  }, 300_000);

  /** Boots `guest` under the check, runs until units exist, breaks every unit, runs on. */
  async function broken(guest: string, patch: (f: Unit['fn']) => Unit['fn']) {
    const ramBytes = 64 * 2 ** 20, serial = new BufferBackend();
    const plan = planBoot({ kernel: path.join(BIN, `${guest}.elf`) }, ramBytes, 1);
    const { machine, scheduler } = bootLayout(plan, { ramBytes, cpus: 1, engine: 'jit', icount: true, serial, checkJit: true, jitThreshold: 2 });
    const jit = machine.vcpus[0].engine as JitEngine;
    let units: Unit[] = [];
    for (let limit = 2000; limit < 5_000_000 && units.length < 3; limit += 2000) {
      const r = await scheduler.run({ maxInsns: limit, quantum: 1000 });
      if (r.reason !== 'limit') throw new Error(`guest ended before units to break were compiled: ${r.message}`);
      units = [...jit.cache.units()];
    }
    for (const u of units) u.fn = patch(u.fn);
    return { r: await scheduler.run({ maxInsns: 50_000_000 }), names: units.map((u) => u.name), out: serial.text() };
  }

  it('reports a unit that corrupts one register write, with its code', async () => {
    const { r, names } = await broken('fp', (f) => (cpu, ctx, label) => { const e = f(cpu, ctx, label); cpu.R[10] ^= 4; return e; });
    expect(r.reason).toBe('exit');
    expect(r.exitCode).toBe(1);
    const m = /^--check-jit: unit (\S+) \(entry 0x[0-9a-f]+\) differs from the interpreter/.exec(r.message);
    expect(names).toContain(m?.[1]);
    expect(r.message).toMatch(/ {2}x5: jit 0x[0-9a-f]{16}, interpreter 0x[0-9a-f]{16}/);
    expect(r.message).toMatch(/guest code:/);
  }, 120_000);

  it('reports a unit that makes a device access the interpreter does not make', async () => {
    // An extra write to UARTDR after a unit of the mmu guest (its MMU is on by then).
    const { r, out } = await broken('mmu', (f) => (cpu, ctx, label) => {
      const e = f(cpu, ctx, label);
      cpu.mem.mmio!.write(0xfe201000, 4, 0x21, 0);
      return e;
    });
    expect(r.exitCode).toBe(1);
    expect(r.message).toMatch(/device access(es)?: jit /);
    expect(r.message).toMatch(/write 4 byte\(s\) at PA 0xfe201000 value 0x21/);
    expect(out.endsWith('!')).toBe(true);   // the unit's own access reached the device once
  }, 120_000);
});
