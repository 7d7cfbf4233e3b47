// The untrusted host side (the VMM): it creates the core, allocates host pages for a VM, loads
// the images into them through its host view, asks the core to register, verify and run the VM,
// owns the Pi 4 device models and answers the MMIO exits. It never holds the RAM buffer, a Cpu
// or a register file: what it knows of a vCPU is its run state and instruction count.
//
// VmMachine is a Schedulable (src/machine/scheduler.ts): its `schedCpus` answer the scheduler's
// questions (wake now? when by itself? run a slice) by asking the core (vcpuWakeable,
// vcpuIdleDeadline, runVcpu), which decides with the same rule as for bare CPUs
// (src/sys/wfe-wait.ts). The pc, the exclusive monitor and interrupt entry stay inside the core.
//
// Interrupts (default): the vGIC — the distributor is trapped and emulated here (a GIC-400
// model), the guest's GICC window is the core's GICV, and VgicHost fills the list registers at
// every exit. `vgic: false`: the old trap-and-emulate of the whole GIC (GICC accesses exit too).
import { KCore, type Isolation, type MmioExit, type RunExit, type HostView } from '../core/core.js';
import { VgicHost } from './vgic-host.js';
import type { SchedCpu } from '../../src/machine/scheduler.js';
import { createPi4Devices, type NicConfig, type Pi4Devices } from '../../src/board/machine.js';
import { IcountClock, WallClock, PI4_CNTFRQ } from '../../devices/timesource.js';
import { MMIO_ABORT } from '../../devices/device.js';
import { addRestrictedDmaPool } from '../../src/board/pi4.js';
import { GIC400 } from '../../devices/gic400.js';
import type { SerialBackend } from '../../devices/serial/backend.js';
import type { GenericTimer } from '../../devices/timer.js';
import { loadedSpan, type Layout } from '../../src/machine/loader.js';
import { engineStatsLine } from '../../src/engine.js';
import type { MachineOptions } from '../../src/machine/machine.js';
import { StopRun } from '../../src/interp/interpreter.js';

const PAGE = 4096;

/** The bare machine's options, plus what a VM needs. */
export interface VmMachineOptions extends MachineOptions {
  isolation: Isolation;
  /** Ed25519 public key (PEM) the core verifies images against (krustvm isolation). */
  publicKeyPem?: string;
  /** Give the VM host pages in a shuffled order (seeded), to show RAM need not be contiguous. */
  scatterSeed?: number;
  /** Interrupts through the vGIC (list registers, GICV; the default), or false: trap and
   *  emulate the whole GIC. */
  vgic?: boolean;
}

/** What the boot loads: the layout, and (krustvm) the raw signatures of kernel and initrd. */
export interface VmImages {
  layout: Layout;
  kernelSignature?: Uint8Array;
  initrdSignature?: Uint8Array;
}

/** The largest guest RAM a VM may have (physical RAM also holds the core and its tables). */
export const MAX_VM_RAM = 2 * 2 ** 30 - 8 * 2 ** 20;

/** The shared I/O window (restricted-dma-pool) per NIC in krustvm isolation. Linux's virtio-net
 *  bounces every ring and buffer through it (swiotlb slots of 2 KiB): three vrings of 256/256/64
 *  entries take ~28 KiB, 256 posted receive buffers ~0.5–1 MiB, and transmits in flight (TSO
 *  frames up to 64 KiB each) the rest; see hypervisor/README.md for the measurement. */
export const IO_WINDOW_PER_NIC = 4 * 2 ** 20;

/** Where a VM's I/O window sits: the first 2 MiB boundary after its RAM (IPA), `nics` windows' worth. */
export function ioWindowOf(ramBytes: number, nics: number): { base: number; size: number } {
  return { base: Math.ceil(ramBytes / (2 * 2 ** 20)) * 2 * 2 ** 20, size: nics * IO_WINDOW_PER_NIC };
}

export class VmMachine {
  readonly cpus: number;
  readonly ramBytes: number;
  readonly dev: Pi4Devices;
  readonly icount: IcountClock | undefined;
  readonly core: KCore;
  readonly vm: number;
  /** What the scheduler runs: one per vCPU. */
  readonly schedCpus: SchedCpu[] = [];
  readonly isolation: Isolation;
  /** The host's half of the vGIC (undefined: trap and emulate). */
  readonly vgic: VgicHost | undefined;
  /** MMIO exits by device ('gicd', 'gicc', or the device's name). */
  readonly mmioExits: Map<string, number>;
  stop: StopRun | undefined;
  wake: () => void = () => {};
  /** Exits by reason, from the runVcpu results. */
  readonly exits = new Map<string, number>();
  readonly #host: HostView;
  /** The shared I/O window (IPA range) of a krustvm VM with NICs. */
  ioWindow: { base: number; size: number } | undefined;

  private constructor(o: VmMachineOptions, core: KCore, vm: number, dev: Pi4Devices, icount: IcountClock | undefined, vgic: VgicHost | undefined, mmioExits: Map<string, number>) {
    this.mmioExits = mmioExits;
    this.cpus = o.cpus ?? 1;
    this.ramBytes = o.ramBytes;
    this.isolation = o.isolation;
    this.core = core; this.vm = vm; this.dev = dev; this.icount = icount; this.vgic = vgic;
    this.#host = core.hostView();
    for (let i = 0; i < this.cpus; i++) this.schedCpus.push(this.schedCpu(i));
  }

  /** Creates the core, the devices and the VM with its vCPUs and RAM; loads and verifies the
   *  images. Returns the machine, or why not (one line). */
  static create(o: VmMachineOptions, images: VmImages): VmMachine | { error: string } {
    const cpus = o.cpus ?? 1;
    if (!(o.ramBytes > 0 && o.ramBytes % PAGE === 0 && o.ramBytes <= MAX_VM_RAM)) return { error: `VM RAM must be a multiple of 4 KiB and at most ${MAX_VM_RAM / 2 ** 20} MiB in --mode ${o.isolation}` };
    // krustvm isolation: the NICs reach only the VM's shared I/O window (host pages lent to the VM).
    const window = o.isolation === 'krustvm' && o.nics?.length ? ioWindowOf(o.ramBytes, o.nics.length) : undefined;
    const coreBytes = Math.ceil(o.ramBytes / 512 / PAGE) * PAGE + 64 * PAGE;
    const physBytes = o.ramBytes + coreBytes + 64 * PAGE + (window?.size ?? 0);
    if (physBytes > 2 ** 31) return { error: `VM RAM plus the I/O window of its NICs must fit in 2 GiB of physical memory in --mode ${o.isolation}` };
    const core = new KCore({ physBytes, coreBytes, publicKeyPem: o.publicKeyPem });
    const icount = o.icount ? new IcountClock(PI4_CNTFRQ, o.nsPerInsn ?? 1) : undefined;
    let machine: VmMachine | undefined;
    const serial = o.serial && wakingSerial(o.serial, () => machine?.wake());
    const dev = createPi4Devices({ cpus, ramBytes: o.ramBytes, clock: icount ?? new WallClock(PI4_CNTFRQ), serial, nics: o.nics, wake: () => machine?.wake(), restrictedDma: window !== undefined });
    const bus = dev.bus;
    const useVgic = o.vgic !== false;
    let vgic: VgicHost | undefined;
    const mmioExits = new Map<string, number>();
    const gicdEnd = GIC400.DIST_BASE + GIC400.DIST_SIZE, giccEnd = GIC400.CPU_BASE + GIC400.CPU_SIZE;
    const r = core.registerVm({
      isolation: o.isolation, vcpus: cpus, ramBytes: o.ramBytes, engine: o.engine, jitThreshold: o.jitThreshold, checkJit: o.checkJit,
      hooks: {
        timer: dev.timer,
        irqLine: (i) => dev.gic.irqAsserted(i),
        fiqLine: (i) => dev.gic.fiqAsserted(i),
        mmio: (e: MmioExit) => {
          const kind = e.ipa >= GIC400.DIST_BASE && e.ipa < gicdEnd ? 'gicd' : e.ipa >= GIC400.CPU_BASE && e.ipa < giccEnd ? 'gicc' : bus.lookup(e.ipa)?.device?.name ?? 'unmapped';
          mmioExits.set(kind, (mmioExits.get(kind) ?? 0) + 1);
          // An exit: the distributor first learns what the guest did with its LRs; after the
          // access, what became pending goes into the LRs (KVM's fold at exit, flush at entry).
          if (kind === 'gicd') vgic?.fold(e.vcpu);
          let ok = true;
          const wide = e.size === 8;
          // (The core gives a value of the access's size; below 8 bytes it fits a Number.)
          if (e.isWrite) ok = bus.write(e.ipa, e.size, wide ? Number(e.value & 0xffffffffn) : Number(e.value), e.vcpu, wide ? Number(e.value >> 32n) : 0);
          else {
            const v = bus.read(e.ipa, e.size, e.vcpu);
            if (v === MMIO_ABORT) ok = false;
            else e.value = wide ? (BigInt(bus.hi >>> 0) << 32n) | BigInt(v >>> 0) : BigInt(v >>> 0);
          }
          vgic?.sync(e.vcpu);
          return ok;
        },
        maintenance: (i) => vgic?.sync(i),
        refresh: (i) => vgic?.refresh(i),
      },
    });
    if (!r.ok) return { error: r.reason };
    const vm = r.vm;
    for (let i = 0; i < cpus; i++) { const x = core.registerVcpu(vm, i); if (!x.ok) return { error: x.reason }; }
    // Every device region on the bus is an MMIO window of the VM (trap and emulate), except the
    // GIC's hypervisor control interface and virtual CPU interface: those belong to EL2, and a
    // guest access there is an abort. With the vGIC, the guest's GICC window is the core's GICV.
    if (useVgic) {
      const x = core.mapVgicCpuInterface(vm, GIC400.CPU_BASE);
      if (!x.ok) return { error: x.reason };
      vgic = new VgicHost(core, vm, dev.gic, cpus);
    }
    for (const reg of bus.list()) {
      if (!reg.device || reg.base === GIC400.GICH_BASE || reg.base === GIC400.GICV_BASE) continue;
      if (useVgic && reg.base === GIC400.CPU_BASE) continue;
      const base = reg.base - (reg.base % PAGE), end = Math.ceil((reg.base + reg.size) / PAGE) * PAGE;
      const x = core.ioremap(vm, base, end - base);
      if (!x.ok) return { error: x.reason };
    }
    if (window) {
      // Host pages for the window (the top of the host's pages; the VM's RAM comes from the rest),
      // lent by the core; the guest learns of it from the device tree as its restricted-dma-pool.
      const free = core.hostPages(), n = window.size / PAGE;
      if (free.length < n) return { error: 'not enough host memory for the I/O window' };
      const x = core.shareHostWindow(vm, window.base, free.slice(free.length - n));
      if (!x.ok) return { error: x.reason };
      try {
        images = { ...images, layout: { ...images.layout, dtb: addRestrictedDmaPool(images.layout.dtb, window) } };
      } catch (e) { return { error: (e as Error).message }; }
    }
    // The NICs' DMA: the core's view of the VM (with the core dropping decoded code of every
    // page a device writes, as CodeCoherentDma does in bare mode).
    for (const n of dev.nics) {
      const dma = core.dmaView(vm);
      if (dma) n.transport.attachDma(dma);
    }
    machine = new VmMachine(o, core, vm, dev, icount, vgic, mmioExits);
    machine.ioWindow = window;
    const loaded = machine.load(images, o.scatterSeed);
    if (loaded) return { error: loaded };
    firmwareUartInit(dev);
    return machine;
  }

  get timer(): GenericTimer { return this.dev.timer; }

  /** Allocates the VM's RAM from host pages, writes the images through the host view, hands
   *  them to the core and has them verified. Returns an error line, or undefined. */
  private load(images: VmImages, scatterSeed: number | undefined): string | undefined {
    const core = this.core, vm = this.vm, l = images.layout;
    const gfns = this.ramBytes / PAGE;
    const free = core.hostPages();
    if (free.length < gfns) return 'not enough host memory for the VM';
    let pages = free.slice(0, gfns);
    if (scatterSeed !== undefined) pages = shuffle(free, scatterSeed).slice(0, gfns);
    const pfnOf = (gfn: number) => pages[gfn];
    const put = (ipa: number, data: Uint8Array): string | undefined => {
      for (let done = 0; done < data.length;) {
        // One write per run of physically consecutive pages (all of it unless scattered).
        const a = ipa + done, g = Math.floor(a / PAGE), pa = pfnOf(g) * PAGE + (a % PAGE);
        let n = Math.min(PAGE - (a % PAGE), data.length - done);
        for (let k = 1; done + n < data.length && pfnOf(g + k) === pfnOf(g) + k; k++) n = Math.min(n + PAGE, data.length - done);
        if (!this.#host.write(pa, data.subarray(done, done + n))) return 'the host could not write an image page';
        done += n;
      }
      return undefined;
    };
    const used = new Uint8Array(gfns);
    const claim = (ipa: number, size: number) => {
      const out: number[] = [];
      for (let g = Math.floor(ipa / PAGE); g < Math.ceil((ipa + size) / PAGE); g++) { used[g] = 1; out.push(pfnOf(g)); }
      return out;
    };
    // The kernel: one image, the span its loadable bytes cover (an arm64 Image: the file).
    const kernel = kernelImage(l);
    {
      const err = put(kernel.ipa, kernel.bytes);
      if (err) return err;
      const x = core.remapImagePages(vm, kernel.ipa, kernel.bytes.length, claim(kernel.ipa, kernel.bytes.length), images.kernelSignature);
      if (!x.ok) return x.reason;
    }
    const k = l.kernel;
    if (l.initrd) {
      const err = put(l.initrd.start, l.initrd.data);
      if (err) return err;
      const x = core.remapImagePages(vm, l.initrd.start, l.initrd.data.length, claim(l.initrd.start, l.initrd.data.length), images.initrdSignature);
      if (!x.ok) return x.reason;
    }
    {
      const err = put(l.dtbAddr, l.dtb);
      if (err) return err;
      const start = l.dtbAddr - (l.dtbAddr % PAGE);
      const x = core.mapBootData(vm, start, claim(l.dtbAddr, l.dtb.length));
      if (!x.ok) return x.reason;
    }
    // The rest of RAM: plain (zeroed) memory, in runs of consecutive gfns.
    for (let g = 0; g < gfns;) {
      if (used[g]) { g++; continue; }
      let e = g;
      while (e < gfns && !used[e]) e++;
      const x = core.mapVmPages(vm, g * PAGE, pages.slice(g, e));
      if (!x.ok) return x.reason;
      g = e;
    }
    const b = core.setBootInfo(vm, k.entry, BigInt(l.dtbAddr));
    if (!b.ok) return b.reason;
    const v = core.verifyImages(vm);
    if (!v.ok) return v.reason;
    return undefined;
  }

  /** vCPU `i` as the scheduler sees it: every question goes to the core. */
  private schedCpu(i: number): SchedCpu {
    const core = this.core, vm = this.vm, exits = this.exits, vgic = this.vgic;
    const count = (r: string) => exits.set(r, (exits.get(r) ?? 0) + 1);
    // A waiting vCPU wakes on what its LRs would hold: fill them first (an SGI from another vCPU,
    // a timer that fired while it waited).
    const wakeable = () => { vgic?.sync(i); return core.vcpuWakeable(vm, i); };
    return {
      index: i,
      get state() { return core.vcpuState(vm, i); },
      get icount() { return core.vcpuInsns(vm, i); },
      wakeable,
      wakeUp: wakeable, // runVcpu resumes it (the core decides again, with the same rule)
      idleDeadline: () => core.vcpuIdleDeadline(vm, i),
      runSlice(budget: number): { ran: number; stop?: StopRun } {
        const before = core.vcpuInsns(vm, i);
        vgic?.sync(i);
        const r: RunExit = core.runVcpu(vm, i, budget);
        vgic?.fold(i);
        count(r.reason);
        let stop: StopRun | undefined;
        switch (r.reason) {
          case 'budget': case 'wfi': case 'wfe': case 'cpu-off': break;
          case 'system-off': stop = new StopRun('exit', r.status, r.message); break;
          case 'system-reset': stop = new StopRun('exit', 0, r.message); break;
          case 'refused': stop = new StopRun('error', 1, `the hypervisor core refused to run the VM: ${r.refusal.reason}`); break;
        }
        return { ran: Math.max(core.vcpuInsns(vm, i) - before, 1), stop };
      },
    };
  }

  /** --stats lines: exits by reason, hypercalls, stage-2 faults, grants, refusals. */
  statsLines(): string[] {
    const c = this.core.log;
    const exits = [...this.exits].filter(([k]) => k !== 'budget').map(([k, n]) => `${k} ${n}`);
    const mmio = c.get('exits: mmio');
    const byDevice = [...this.mmioExits].map(([k, n]) => `${k} ${n}`).join(', ');
    const lines = [
      `mode ${this.isolation}: exits: mmio ${mmio}${byDevice ? ` (${byDevice})` : ''}${exits.length ? ', ' + exits.join(', ') : ''}`,
      this.vgic ? `vGIC: interrupts injected ${c.get('vgic: interrupts injected')}; exits: maintenance ${c.get('exits: vgic maintenance')}, interrupt ${c.get('exits: irq')} (no exit for GICC)` : 'vGIC off: the GIC is trapped and emulated (GICC accesses exit)',
      ...(this.ioWindow ? [`I/O window ${this.ioWindow.size / 1024} KiB at IPA 0x${this.ioWindow.base.toString(16)} (host pages lent by the core)`] : []),
      `hypercalls ${c.get('hypercalls')} (psci/other ${c.get('hypercalls: psci/other')}, grant ${c.get('hypercalls: grant')}, revoke ${c.get('hypercalls: revoke')}); stage-2 faults ${c.get('stage-2 faults')}; pages granted ${c.get('pages granted')}, revoked ${c.get('pages revoked')}; refusals ${c.refusals}`,
      engineStatsLine('engine', [this.core.engineStats(this.vm)]),
    ];
    return lines;
  }
}

/** The kernel's bytes as they sit in guest memory, from its first loaded byte to its last (gaps
 *  between ELF segments zero): what a krustvm-mode kernel signature covers, at `ipa`. */
export function kernelImage(l: Layout): { ipa: number; bytes: Uint8Array } {
  const s = loadedSpan(l.kernel);
  return { ipa: s.addr, bytes: s.bytes };
}

/** The UART set up as the Pi firmware leaves it (same as src/machine/boot.ts firmwareInit). */
function firmwareUartInit(dev: Pi4Devices): void {
  const u = dev.uart;
  u.write(0x24, 4, 26); u.write(0x28, 4, 3); u.write(0x2c, 4, 0x70); u.write(0x30, 4, 0x301);
}

function wakingSerial(s: SerialBackend, wake: () => void): SerialBackend {
  return {
    write: (d) => s.write(d),
    close: () => s.close(),
    setReceiver: (rx, onBreak) => s.setReceiver(rx && ((d) => { rx(d); wake(); }), onBreak && (() => { onBreak(); wake(); })),
  };
}

function shuffle(a: number[], seed: number): number[] {
  const out = a.slice();
  let s = (seed >>> 0) || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
