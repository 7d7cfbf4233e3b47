import { describe, it, expect } from 'vitest';
import { createPi4Devices, saveDevices, restoreDevices, resetDevices, IcountClock } from '../../src/board/machine.js';
import { BufferBackend } from '../../devices/serial/backend.js';
import { LevelLine, MMIO_ABORT } from '../../devices/device.js';
import { TIMER_REG } from '../../devices/timer.js';

const GICD = 0xff841000, GICC = 0xff842000, UART = 0xfe201000;

function boot() {
  const serial = new BufferBackend();
  const clock = new IcountClock();
  const m = createPi4Devices({ cpus: 2, ramBytes: 256 << 20, clock, serial });
  const irq = [new LevelLine(), new LevelLine()];
  irq.forEach((l, c) => m.gic.connectCpu(c, l));
  // What a kernel does: distributor and CPU interfaces on, PPI 27 (virtual timer) enabled.
  m.bus.write(GICD, 4, 1);
  for (const c of [0, 1]) {
    m.bus.write(GICC + 4, 4, 0xf0, c);
    m.bus.write(GICC, 4, 1, c);
    m.bus.write(GICD + 0x100, 4, 1 << 27, c);
  }
  return { m, serial, clock, irq };
}

describe('Pi 4 machine devices', () => {
  it('UART output through the bus, an unmapped hole aborts, RAM is declared', () => {
    const { m, serial } = boot();
    for (const ch of 'ok') m.bus.write(UART, 4, ch.charCodeAt(0));
    expect(serial.text()).toBe('ok');
    expect(m.bus.read(0xfe000000, 4)).toBe(MMIO_ABORT);
    expect(m.bus.lookup(0x100)!.device).toBeNull();
  });

  it('virtual timer → PPI 27 → IRQ of the right CPU, acknowledged through GICC_IAR', () => {
    const { m, clock, irq } = boot();
    m.timer.write(1, TIMER_REG.CNTV_TVAL_EL0, 540n);
    m.timer.write(1, TIMER_REG.CNTV_CTL_EL0, 1n);
    const d = m.timer.nextDeadline()!;
    expect(d.wait).toBe(10_000);
    clock.advance(d.wait);
    m.timer.update();
    expect(irq.map((l) => l.level)).toEqual([false, true]);
    expect(m.bus.read(GICC + 0x0c, 4, 1)).toBe(27);
    m.timer.write(1, TIMER_REG.CNTV_CTL_EL0, 0n);
    m.bus.write(GICC + 0x10, 4, 27, 1);
    expect(irq[1].level).toBe(false);
  });

  it('save / restore / reset of the whole device set', () => {
    const a = boot();
    a.m.timer.write(0, TIMER_REG.CNTV_CVAL_EL0, 99n);
    a.m.uart.receive(new TextEncoder().encode('q'));
    const snap = JSON.parse(JSON.stringify(saveDevices(a.m)));
    const b = boot();
    restoreDevices(b.m, snap);
    expect(b.m.timer.read(0, TIMER_REG.CNTV_CVAL_EL0)).toBe(99n);
    expect(b.m.bus.read(UART, 4)).toBe(0x71);
    expect(b.m.bus.read(GICD, 4)).toBe(1);
    resetDevices(b.m);
    expect(b.m.bus.read(GICD, 4)).toBe(0);
    expect(() => restoreDevices(b.m, {})).toThrow(/no gic-400/);
  });
});
