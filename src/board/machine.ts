// The Pi 4-shaped machine's devices, created and wired: GIC-400 (distributor, CPU interfaces,
// GICH/GICV virtualization extensions), generic timer PPIs into the GIC, PL011 UART0 on SPI 121, all mapped
// on a PhysBus with the RAM ranges declared. The system-mode CPU side gets everything it needs
// from the returned object; virtio-mmio devices are mapped later at virtioSlot(n).
import { PhysBus, type Device } from '../../devices/device.js';
import { Gic400, GIC400 } from '../../devices/gic400.js';
import { Gic400Virt, wireToGic } from '../../devices/gic400-virt.js';
import { GenericTimer } from '../../devices/timer.js';
import { Pl011, PL011 } from '../../devices/pl011.js';
import { IcountClock, WallClock, PI4_CNTFRQ, type TimeSource } from '../../devices/timesource.js';
import type { SerialBackend } from '../../devices/serial/backend.js';
import type { NetBackend } from '../../devices/net/backend.js';
import { RamDma, type DmaView } from '../../devices/virtio/dma.js';
import { VirtioMmio } from '../../devices/virtio/mmio.js';
import { VirtioNet } from '../../devices/virtio/net.js';
import { ramRanges, virtioSlot } from './pi4.js';

/** One network card: what it is plugged into and its address. NIC n is a virtio-net device
 *  behind a virtio-mmio transport in slot n (virtioSlot(n): window and SPI). */
export interface NicConfig {
  backend: NetBackend;
  mac: Uint8Array;
  /** The legacy (version 1) virtio-mmio interface, for old guests. */
  legacy?: boolean;
}

/** A NIC on the machine: the device and its transport in virtio slot `slot`. */
export interface Pi4Nic {
  slot: number;
  net: VirtioNet;
  transport: VirtioMmio;
}

export interface Pi4DeviceOptions {
  cpus: number;
  ramBytes: number;
  /** Time base of the system counter; default: wall clock at 54 MHz. */
  clock?: TimeSource;
  /** Host side of UART0; default: unconnected. */
  serial?: SerialBackend;
  /** Network cards, in virtio slots 0, 1, … (default none). */
  nics?: NicConfig[];
  /** Called after a frame from a backend reached a NIC (Machine.wake: an idle machine runs). */
  wake?: () => void;
  /** The NICs' DMA is restricted to an I/O window (krustvm mode): they offer
   *  VIRTIO_F_ACCESS_PLATFORM so the driver bounces buffers through the restricted-dma-pool. */
  restrictedDma?: boolean;
}

export interface Pi4Devices {
  bus: PhysBus;
  gic: Gic400;
  /** GICH/GICV: the GIC-400 virtualization extensions (list registers, maintenance PPI 9). */
  gicVirt: Gic400Virt;
  timer: GenericTimer;
  uart: Pl011;
  clock: TimeSource;
  nics: Pi4Nic[];
  /** Every device with state, in save/restore order. */
  devices: Device[];
}

export function createPi4Devices(opts: Pi4DeviceOptions): Pi4Devices {
  const clock = opts.clock ?? new WallClock(PI4_CNTFRQ);
  const gic = new Gic400({ cpus: opts.cpus });
  const gicVirt = new Gic400Virt(wireToGic(gic, opts.cpus));
  const timer = new GenericTimer({ cpus: opts.cpus, clock, irq: (c, p) => gic.ppi(c, p) });
  const uart = new Pl011({ irq: gic.spi(PL011.PI4_SPI), backend: opts.serial });
  const bus = new PhysBus();
  for (const r of ramRanges(opts.ramBytes)) bus.addRam(r.base, r.size);
  bus.map(GIC400.DIST_BASE, GIC400.DIST_SIZE, gic.distributor);
  bus.map(GIC400.CPU_BASE, GIC400.CPU_SIZE, gic.cpuInterface);
  bus.map(GIC400.GICH_BASE, GIC400.GICH_SIZE, gicVirt.gich);
  bus.map(GIC400.GICV_BASE, GIC400.GICV_SIZE, gicVirt.gicv);
  bus.map(PL011.PI4_BASE, PL011.SIZE, uart);
  const nics = createNics(opts, gic, bus);
  return { bus, gic, gicVirt, timer, uart, clock, nics, devices: [gic, gicVirt, timer, uart, ...nics.map((x) => x.transport)] };
}

/** The NICs: virtio-net n in virtio-mmio slot n, its interrupt to SPI 160 + n. */
function createNics(opts: Pi4DeviceOptions, gic: Gic400, bus: PhysBus): Pi4Nic[] {
  const wake = opts.wake ?? (() => {});
  return (opts.nics ?? []).map((c, n): Pi4Nic => {
    const s = virtioSlot(n);
    const net = new VirtioNet({ mac: c.mac, backend: wakingBackend(c.backend, wake), index: n });
    const transport = new VirtioMmio({ device: net, irq: gic.spi(s.spi), accessPlatform: opts.restrictedDma, legacy: c.legacy });
    bus.map(s.base, s.size, transport);
    return { slot: n, net, transport };
  });
}

/** What device writes into RAM must tell the CPUs' code caches (Memory: codePages,
 *  onCodeWrite), so code later run from a page a device wrote is decoded afresh. */
export interface CodeCache {
  readonly codePages: Uint8Array;
  onCodeWrite(ramPage: number): void;
}

/** The memory view the machine's devices get. Today all of RAM; the hypervisor core will hand
 *  out views limited to the pages a VM granted for I/O — this is the one place to swap. */
export function deviceDmaView(ram: Uint8Array, code?: CodeCache): DmaView {
  const view = new RamDma(ram);
  return code ? new CodeCoherentDma(view, code) : view;
}

/** Gives every DMA-capable device its view of guest RAM (once the machine has RAM). */
export function attachDeviceMemory(d: Pi4Devices, ram: Uint8Array, code?: CodeCache): void {
  for (const n of d.nics) n.transport.attachDma(deviceDmaView(ram, code));
}

/** A view whose writes drop decoded code of the pages they touch (as a CPU store would). */
export class CodeCoherentDma implements DmaView {
  constructor(private readonly inner: DmaView, private readonly code: CodeCache) {}
  private wrote(ok: boolean, gpa: number, len: number): boolean {
    if (!ok || len <= 0) return ok;
    const pages = this.code.codePages;
    for (let p = Math.floor(gpa / 4096), last = Math.floor((gpa + len - 1) / 4096); p <= last; p++) {
      if (pages[p]) { pages[p] = 0; this.code.onCodeWrite(p); }
    }
    return ok;
  }
  check(gpa: number, len: number): boolean { return this.inner.check(gpa, len); }
  read(gpa: number, len: number): Uint8Array | null { return this.inner.read(gpa, len); }
  u16(gpa: number): number | null { return this.inner.u16(gpa); }
  u32(gpa: number): number | null { return this.inner.u32(gpa); }
  u64(gpa: number): bigint | null { return this.inner.u64(gpa); }
  write(gpa: number, data: Uint8Array): boolean { return this.wrote(this.inner.write(gpa, data), gpa, data.length); }
  setU16(gpa: number, v: number): boolean { return this.wrote(this.inner.setU16(gpa, v), gpa, 2); }
  setU32(gpa: number, v: number): boolean { return this.wrote(this.inner.setU32(gpa, v), gpa, 4); }
  setU64(gpa: number, v: bigint): boolean { return this.wrote(this.inner.setU64(gpa, v), gpa, 8); }
}

/** The backend with `wake` called after each frame it delivers. */
function wakingBackend(b: NetBackend, wake: () => void): NetBackend {
  return {
    send: (f, meta) => b.send(f, meta),
    carriesMeta: b.carriesMeta, // offload metadata passes through (devices/net/backend.ts)
    close: () => b.close(),
    setReceiver: (rx, opts) => b.setReceiver(rx && ((f, meta) => { rx(f, meta); wake(); }), opts?.carrier ? { ...opts, carrier: (up) => { opts.carrier!(up); wake(); } } : opts),
  };
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
