// The Pi 4-shaped machine's devices, created and wired: GIC-400 (distributor, CPU interfaces,
// GICH/GICV placeholders), generic timer PPIs into the GIC, PL011 UART0 on SPI 121, all mapped
// on a PhysBus with the RAM ranges declared. The system-mode CPU side gets everything it needs
// from the returned object; virtio-mmio devices are mapped later at virtioSlot(n).
import { PhysBus, type Device } from '../../devices/device.js';
import { Gic400, GIC400 } from '../../devices/gic400.js';
import { GenericTimer } from '../../devices/timer.js';
import { Pl011, PL011 } from '../../devices/pl011.js';
import { IcountClock, WallClock, PI4_CNTFRQ, type TimeSource } from '../../devices/timesource.js';
import type { SerialBackend } from '../../devices/serial/backend.js';
import { ramRanges } from './pi4.js';

export interface Pi4DeviceOptions {
  cpus: number;
  ramBytes: number;
  /** Time base of the system counter; default: wall clock at 54 MHz. */
  clock?: TimeSource;
  /** Host side of UART0; default: unconnected. */
  serial?: SerialBackend;
}

export interface Pi4Devices {
  bus: PhysBus;
  gic: Gic400;
  timer: GenericTimer;
  uart: Pl011;
  clock: TimeSource;
  /** Every device with state, in save/restore order. */
  devices: Device[];
}

export function createPi4Devices(opts: Pi4DeviceOptions): Pi4Devices {
  const clock = opts.clock ?? new WallClock(PI4_CNTFRQ);
  const gic = new Gic400({ cpus: opts.cpus });
  const timer = new GenericTimer({ cpus: opts.cpus, clock, irq: (c, p) => gic.ppi(c, p) });
  const uart = new Pl011({ irq: gic.spi(PL011.PI4_SPI), backend: opts.serial });
  const bus = new PhysBus();
  for (const r of ramRanges(opts.ramBytes)) bus.addRam(r.base, r.size);
  bus.map(GIC400.DIST_BASE, GIC400.DIST_SIZE, gic.distributor);
  bus.map(GIC400.CPU_BASE, GIC400.CPU_SIZE, gic.cpuInterface);
  bus.map(GIC400.GICH_BASE, GIC400.GICH_SIZE, Gic400.gichStub());
  bus.map(GIC400.GICV_BASE, GIC400.GICV_SIZE, Gic400.gicvStub());
  bus.map(PL011.PI4_BASE, PL011.SIZE, uart);
  return { bus, gic, timer, uart, clock, devices: [gic, timer, uart] };
}

/** All device state as one JSON-able object. */
export function saveDevices(d: Pi4Devices): Record<string, unknown> {
  return Object.fromEntries(d.devices.map((x) => [x.name, x.save()]));
}

export function restoreDevices(d: Pi4Devices, state: Record<string, unknown>): void {
  for (const x of d.devices) {
    if (!(x.name in state)) throw new Error(`saved machine state has no ${x.name}`);
    x.restore(state[x.name]);
  }
}

/** Resets every device (the GIC first, so devices re-driving their wires see a clean GIC). */
export function resetDevices(d: Pi4Devices): void {
  for (const x of d.devices) x.reset();
}

export { IcountClock, WallClock };
