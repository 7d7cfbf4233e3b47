// Arm GIC-400 (GICv2) distributor and CPU interfaces, as the Pi 4 has it (BCM2711 TRM §6.5.1:
// NUM_SPIS = 192, so 224 interrupt IDs and GICD_TYPER.ITLinesNumber = 6).
//
// The model is a GICv2 *without* the Security Extensions (GICD_TYPER.SecurityExtn = 0), the view
// a guest gets under a hypervisor (as with KVM's vGIC or QEMU's virt machine): interrupt groups
// exist (GICD_IGROUPR, group 0 may be signalled as FIQ), GICC_CTLR has the single-security-state
// layout (EnableGrp0/1, AckCtl, FIQEn, CBPR, EOImode at bit 9), and Linux — which programs the
// GIC as if it were the Non-secure view (writes 1 to GICD_CTLR/GICC_CTLR, leaves everything in
// group 0) — works unchanged because group 0 is signalled as IRQ while FIQEn = 0.
//
// Choices where GICv2 leaves things IMPLEMENTATION DEFINED (documented in devices/README.md):
//  - 32 priority levels (5 bits, mask 0xf8), minimum BPR 2 and ABPR 3, as the GIC-400.
//  - SGIs are always enabled (ISENABLER0[15:0] read as one, writes ignored) and always edge.
//  - PPI configuration (GICD_ICFGR1) is programmable; everything resets level-sensitive.
//  - With one CPU interface, GICD_ITARGETSR are RAZ/WI and every interrupt targets CPU 0.
//  - Sub-word accesses to word-only registers read as zero and are ignored (GICv2 says
//    UNPREDICTABLE); byte accesses work on IPRIORITYR, ITARGETSR, CPENDSGIR and SPENDSGIR.
//  - The legacy IRQ/FIQ bypass is not modelled: a disabled CPU interface signals nothing.
//  - GICH/GICV (virtualization extensions) are devices/gic400-virt.ts; a VM's distributor is this
//    model with its CPU interface unused (forwardable / acknowledgeVirtual / deactivateVirtual).
import { type AccessSize, type Device, type IrqLine, type MmioDevice, NO_IRQ, RazWiDevice, warnOnce } from './device.js';

export const GIC400 = {
  DIST_BASE: 0xff841000, DIST_SIZE: 0x1000,
  CPU_BASE: 0xff842000, CPU_SIZE: 0x2000,
  GICH_BASE: 0xff844000, GICH_SIZE: 0x2000,
  GICV_BASE: 0xff846000, GICV_SIZE: 0x2000,
  /** The Pi 4's SPI count (BCM2711 TRM: NUM_SPIS = 192). */
  PI4_SPIS: 192,
} as const;

export const SPURIOUS = 1023;
const GROUP1_SPURIOUS = 1022;
const PRIO_MASK = 0xf8;       // 5 implemented priority bits
const MIN_BPR = 2, MIN_ABPR = 3;
const IDLE = 0xff;

const GICD_IIDR = 0x0200143b; // GIC-400 r0p1, implementer Arm
const GICC_IIDR = 0x0202143b;
/** GICD_PIDR4..7, PIDR0..3, CIDR0..3 at 0xfd0..0xffc (GIC-400 part 0x490, Arm JEP106). */
const DIST_IDS = [0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

// GICC_CTLR bits (single security state layout).
const CTLR_GRP0 = 1, CTLR_GRP1 = 2, CTLR_ACKCTL = 4, CTLR_FIQEN = 8, CTLR_CBPR = 16, CTLR_EOIMODE = 1 << 9;

/** One bit per interrupt ID: word 0 (SGIs, PPIs) banked per CPU, the SPI words shared. */
class Bits {
  readonly priv: Uint32Array;
  readonly shared: Uint32Array;
  constructor(cpus: number, words: number) {
    this.priv = new Uint32Array(cpus);
    this.shared = new Uint32Array(words);
  }
  word(cpu: number, w: number): number { return (w === 0 ? this.priv[cpu] : this.shared[w]) >>> 0; }
  setWord(cpu: number, w: number, v: number): void {
    if (w === 0) this.priv[cpu] = v; else this.shared[w] = v;
  }
  get(cpu: number, id: number): boolean { return ((this.word(cpu, id >>> 5) >>> (id & 31)) & 1) === 1; }
  set(cpu: number, id: number, on: boolean): void {
    const w = id >>> 5, m = 1 << (id & 31), v = this.word(cpu, w);
    this.setWord(cpu, w, on ? v | m : v & ~m);
  }
  clear(): void { this.priv.fill(0); this.shared.fill(0); }
  save(): number[][] { return [Array.from(this.priv), Array.from(this.shared)]; }
  restore(s: unknown): void {
    const [p, sh] = s as number[][];
    this.priv.set(p.slice(0, this.priv.length));
    this.shared.set(sh.slice(0, this.shared.length));
  }
}

export interface Gic400Options {
  /** Number of CPU interfaces (1..8). */
  cpus: number;
  /** Number of SPIs, a multiple of 32 up to 988 (default: the Pi 4's 192). */
  spis?: number;
}

/** An interrupt the distributor forwards to a CPU (Gic400.forwardable). */
export interface ForwardedIrq { id: number; source: number; priority: number; group1: boolean; level: boolean }

interface CpuIf { ctlr: number; pmr: number; bpr: number; abpr: number; apr: number; nsapr: number }

export class Gic400 implements Device {
  readonly name = 'gic-400';
  readonly cpus: number;
  /** Number of interrupt IDs (SGIs + PPIs + SPIs). */
  readonly irqs: number;
  private readonly words: number;

  private dctlr = 0;
  private readonly enabled: Bits;
  private readonly latch: Bits;   // edge-detected or software-set pending state (SGIs: any source)
  private readonly level: Bits;   // current level of the input wires
  private readonly active: Bits;
  private readonly group: Bits;
  private readonly edge: Bits;    // 1 = edge-triggered (Int_config[1])
  private readonly prio: Uint8Array;     // SPIs, by ID
  private readonly privPrio: Uint8Array; // SGIs/PPIs, cpu * 32 + id
  private readonly targets: Uint8Array;
  private readonly sgiSrc: Uint8Array;   // cpu * 16 + sgi: bitmap of source CPUs
  private readonly cif: CpuIf[] = [];
  /** Highest-priority pending interrupt per CPU (ignoring PMR and running priority). */
  private readonly hp: Int32Array;
  private readonly irqOut: boolean[];
  private readonly fiqOut: boolean[];
  private readonly irqLines: IrqLine[];
  private readonly fiqLines: IrqLine[];
  private readonly spiLines: IrqLine[] = [];
  private readonly ppiLines: IrqLine[] = [];

  /** Called after any change of state (a virtual CPU interface's host: something may have
   *  become forwardable). Unset in bare mode. */
  onUpdate: (() => void) | undefined;

  /** The distributor registers (map at GIC400.DIST_BASE). */
  readonly distributor: MmioDevice;
  /** The CPU interface registers, banked by the accessing CPU (map at GIC400.CPU_BASE). */
  readonly cpuInterface: MmioDevice;

  constructor(opts: Gic400Options) {
    const spis = opts.spis ?? GIC400.PI4_SPIS;
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > 8) throw new Error('GIC-400: 1 to 8 CPU interfaces');
    if (spis % 32 !== 0 || spis < 0 || spis > 988) throw new Error('GIC-400: SPI count must be a multiple of 32, at most 988');
    this.cpus = opts.cpus;
    this.irqs = Math.min(32 + spis, 1020);
    this.words = Math.ceil(this.irqs / 32);
    const n = this.cpus, w = this.words;
    this.enabled = new Bits(n, w); this.latch = new Bits(n, w); this.level = new Bits(n, w);
    this.active = new Bits(n, w); this.group = new Bits(n, w); this.edge = new Bits(n, w);
    this.prio = new Uint8Array(this.irqs);
    this.privPrio = new Uint8Array(n * 32);
    this.targets = new Uint8Array(this.irqs);
    this.sgiSrc = new Uint8Array(n * 16);
    this.hp = new Int32Array(n).fill(SPURIOUS);
    this.irqOut = new Array<boolean>(n).fill(false);
    this.fiqOut = new Array<boolean>(n).fill(false);
    this.irqLines = new Array<IrqLine>(n).fill(NO_IRQ);
    this.fiqLines = new Array<IrqLine>(n).fill(NO_IRQ);
    for (let c = 0; c < n; c++) this.cif.push({ ctlr: 0, pmr: 0, bpr: MIN_BPR, abpr: MIN_ABPR, apr: 0, nsapr: 0 });
    this.distributor = {
      name: 'gic-400 distributor',
      read: (off, size, cpu) => this.distRead(off, size, this.cpuIndex(cpu)),
      write: (off, size, v, cpu) => { this.distWrite(off, size, v >>> 0, this.cpuIndex(cpu)); },
      reset: () => this.reset(), save: () => null, restore: () => {},
    };
    this.cpuInterface = {
      name: 'gic-400 cpu interface',
      read: (off, size, cpu) => this.cpuRead(off, size, this.cpuIndex(cpu)),
      write: (off, size, v, cpu) => { this.cpuWrite(off, size, v >>> 0, this.cpuIndex(cpu)); },
      reset: () => {}, save: () => null, restore: () => {},
    };
    this.reset();
  }

  /** Read-as-zero stand-ins for GICH and GICV. TODO: the virtualization extensions (list
   *  registers, maintenance interrupt PPI 9) when a guest hypervisor needs them. */
  static gichStub(): MmioDevice { return new RazWiDevice('gic-400 GICH (TODO: virtualization extensions)'); }
  static gicvStub(): MmioDevice { return new RazWiDevice('gic-400 GICV (TODO: virtualization extensions)'); }

  private cpuIndex(cpu: number): number {
    // An access from a CPU without an interface (should not happen) is treated as CPU 0.
    return cpu >= 0 && cpu < this.cpus ? cpu : 0;
  }

  // ----- wiring

  /** Connects CPU `cpu`'s IRQ and FIQ inputs. Both are level signals. */
  connectCpu(cpu: number, irq: IrqLine, fiq: IrqLine = NO_IRQ): void {
    this.irqLines[cpu] = irq;
    this.fiqLines[cpu] = fiq;
    irq.set(this.irqOut[cpu]);
    fiq.set(this.fiqOut[cpu]);
  }
  /** Whether the IRQ signal to `cpu` is asserted (for polling run loops). */
  irqAsserted(cpu: number): boolean { return this.irqOut[cpu]; }
  fiqAsserted(cpu: number): boolean { return this.fiqOut[cpu]; }

  /** The input wire of SPI `n` (interrupt ID 32 + n). */
  spi(n: number): IrqLine {
    if (!(n >= 0 && 32 + n < this.irqs)) throw new Error(`GIC-400: no SPI ${n}`);
    return (this.spiLines[n] ??= { set: (l: boolean) => this.setInput(32 + n, l, 0) });
  }
  /** The input wire of PPI `n` (interrupt ID 16 + n) of CPU `cpu`. */
  ppi(cpu: number, n: number): IrqLine {
    if (!(n >= 0 && n < 16 && cpu >= 0 && cpu < this.cpus)) throw new Error(`GIC-400: no PPI ${n} on CPU ${cpu}`);
    return (this.ppiLines[cpu * 16 + n] ??= { set: (l: boolean) => this.setInput(16 + n, l, cpu) });
  }

  /** Drives the input wire of interrupt `id` (16..irqs-1; `cpu` selects the PPI bank). */
  setInput(id: number, on: boolean, cpu = 0): void {
    if (id < 16 || id >= this.irqs) return;
    if (id >= 32) cpu = 0;
    if (this.level.get(cpu, id) === on) return;
    this.level.set(cpu, id, on);
    if (on && this.edge.get(cpu, id)) this.latch.set(cpu, id, true);
    this.update();
  }

  // ----- state

  reset(): void {
    this.dctlr = 0;
    this.enabled.clear(); this.latch.clear(); this.active.clear(); this.group.clear(); this.edge.clear();
    for (let c = 0; c < this.cpus; c++) {
      this.enabled.priv[c] = 0xffff;  // SGIs always enabled
      this.edge.priv[c] = 0xffff;     // SGIs always edge
      Object.assign(this.cif[c], { ctlr: 0, pmr: 0, bpr: MIN_BPR, abpr: MIN_ABPR, apr: 0, nsapr: 0 });
    }
    this.prio.fill(0); this.privPrio.fill(0); this.targets.fill(0); this.sgiSrc.fill(0);
    // The input wires keep their levels: they belong to the devices driving them.
    this.update();
  }

  save(): unknown {
    return {
      cpus: this.cpus, irqs: this.irqs, dctlr: this.dctlr,
      enabled: this.enabled.save(), latch: this.latch.save(), level: this.level.save(),
      active: this.active.save(), group: this.group.save(), edge: this.edge.save(),
      prio: Array.from(this.prio), privPrio: Array.from(this.privPrio),
      targets: Array.from(this.targets), sgiSrc: Array.from(this.sgiSrc),
      cif: this.cif.map((c) => ({ ...c })),
    };
  }

  restore(state: unknown): void {
    const s = state as Record<string, any>;
    if (!s || s.cpus !== this.cpus || s.irqs !== this.irqs) throw new Error('GIC-400: saved state is for a different configuration');
    this.dctlr = s.dctlr;
    this.enabled.restore(s.enabled); this.latch.restore(s.latch); this.level.restore(s.level);
    this.active.restore(s.active); this.group.restore(s.group); this.edge.restore(s.edge);
    this.prio.set(s.prio); this.privPrio.set(s.privPrio); this.targets.set(s.targets); this.sgiSrc.set(s.sgiSrc);
    s.cif.forEach((c: CpuIf, i: number) => Object.assign(this.cif[i], c));
    this.update();
  }

  // ----- priority logic

  private priority(cpu: number, id: number): number { return id < 32 ? this.privPrio[cpu * 32 + id] : this.prio[id]; }

  private pendingWord(cpu: number, w: number): number {
    return (this.latch.word(cpu, w) | (this.level.word(cpu, w) & ~this.edge.word(cpu, w))) >>> 0;
  }

  private isPending(cpu: number, id: number): boolean { return ((this.pendingWord(cpu, id >>> 5) >>> (id & 31)) & 1) === 1; }

  /** The group priority of `id` for preemption, per the binary point of its group. */
  private groupPriority(cpu: number, id: number): number {
    const c = this.cif[cpu], p = this.priority(cpu, id);
    const g1 = this.group.get(cpu, id) && !(c.ctlr & CTLR_CBPR);
    return g1 ? p & (0xff << c.abpr) & 0xff : p & (0xff << (c.bpr + 1)) & 0xff;
  }

  /** The running priority: the highest active group priority, or idle (0xff). */
  runningPriority(cpu: number): number {
    const c = this.cif[cpu], a = (c.apr | c.nsapr) >>> 0;
    return a === 0 ? IDLE : (31 - Math.clz32(a & -a)) << 3;
  }

  /** Highest-priority pending, enabled, inactive interrupt for `cpu` whose group is enabled in
   *  both the distributor and the CPU interface; ties go to the lowest ID. */
  private best(cpu: number): number {
    const cc = this.cif[cpu].ctlr;
    const g0 = (this.dctlr & 1) !== 0 && (cc & CTLR_GRP0) !== 0;
    const g1 = (this.dctlr & 2) !== 0 && (cc & CTLR_GRP1) !== 0;
    if (!g0 && !g1) return SPURIOUS;
    let bestId = SPURIOUS, bestPrio = 0x100;
    const cpuBit = 1 << cpu, oneCpu = this.cpus === 1;
    for (let w = 0; w < this.words; w++) {
      const grp = this.group.word(cpu, w);
      let m = this.enabled.word(cpu, w) & this.pendingWord(cpu, w) & ~this.active.word(cpu, w) & ((g0 ? ~grp : 0) | (g1 ? grp : 0));
      while (m !== 0) {
        const b = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const id = w * 32 + b;
        if (id >= this.irqs) break;
        if (w > 0 && !oneCpu && !(this.targets[id] & cpuBit)) continue;
        const p = this.priority(cpu, id);
        if (p < bestPrio) { bestPrio = p; bestId = id; }
      }
    }
    return bestId;
  }

  // ----- for a virtual CPU interface (hypervisor/host/vgic-host.ts): this model is then a VM's
  // distributor, its CPU interface unused; the guest's acknowledge and deactivation happen in the
  // list registers and are replayed here. Bare mode never calls these.

  /** Interrupts the distributor forwards to `cpu` now: pending, enabled, inactive, their group
   *  enabled in GICD_CTLR, targeting `cpu`; best first (priority, then ID, then source). An SGI
   *  gives one entry per source CPU. No CPU interface state (PMR, running priority) applies. */
  forwardable(cpu: number): ForwardedIrq[] {
    const out: ForwardedIrq[] = [];
    if (!(cpu >= 0 && cpu < this.cpus) || (this.dctlr & 3) === 0) return out;
    for (let w = 0; w < this.words; w++) {
      let m = this.enabled.word(cpu, w) & this.pendingWord(cpu, w) & ~this.active.word(cpu, w);
      while (m !== 0) {
        const b = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const id = w * 32 + b;
        if (id >= this.irqs) break;
        if (!this.forwardsTo(cpu, id)) continue;
        const base = { id, priority: this.priority(cpu, id), group1: this.group.get(cpu, id), level: id >= 16 && !this.edge.get(cpu, id) };
        if (id >= 16) { out.push({ ...base, source: 0 }); continue; }
        for (let s = this.sgiSrc[cpu * 16 + id]; s !== 0; s &= s - 1) out.push({ ...base, source: 31 - Math.clz32(s & -s) });
      }
    }
    return out.sort((a, b) => a.priority - b.priority || a.id - b.id || a.source - b.source);
  }

  /** Whether `id` (an SGI: from `source`) is still one forwardable(cpu) would list. */
  stillForwardable(cpu: number, id: number, source: number): boolean {
    if (!(cpu >= 0 && cpu < this.cpus && id >= 0 && id < this.irqs) || (this.dctlr & 3) === 0) return false;
    if (!this.enabled.get(cpu, id) || !this.isPending(cpu, id) || this.active.get(cpu, id) || !this.forwardsTo(cpu, id)) return false;
    return id >= 16 || ((this.sgiSrc[cpu * 16 + id] >>> source) & 1) === 1;
  }

  private forwardsTo(cpu: number, id: number): boolean {
    if (!(this.dctlr & (this.group.get(cpu, id) ? 2 : 1))) return false;
    return id < 32 || this.cpus === 1 || (this.targets[id] & (1 << cpu)) !== 0;
  }

  /** GICC_IAR's effect on the distributor for `id` (an SGI: from `source`), done by a virtual
   *  CPU interface: pending → active (a level interrupt whose wire is up stays pending). */
  acknowledgeVirtual(cpu: number, id: number, source: number): void {
    if (!(cpu >= 0 && cpu < this.cpus && id >= 0 && id < this.irqs)) return;
    if (id < 16) this.setSgiSources(cpu, id, this.sgiSrc[cpu * 16 + id] & ~(1 << (source & 7)));
    else this.latch.set(cpu, id, false);
    this.active.set(cpu, id, true);
    this.update();
  }

  /** The deactivation of `id` on `cpu` by a virtual CPU interface (a level interrupt whose wire
   *  is still up is pending again at once: the re-sample). */
  deactivateVirtual(cpu: number, id: number): void {
    if (!(cpu >= 0 && cpu < this.cpus && id >= 0 && id < this.irqs)) return;
    this.active.set(cpu, id, false);
    this.update();
  }

  /** Recomputes every CPU's highest pending interrupt and its IRQ/FIQ outputs. */
  private update(): void {
    for (let cpu = 0; cpu < this.cpus; cpu++) {
      const id = this.best(cpu);
      this.hp[cpu] = id;
      let irq = false, fiq = false;
      if (id !== SPURIOUS && this.canSignal(cpu, id)) {
        if (!this.group.get(cpu, id) && (this.cif[cpu].ctlr & CTLR_FIQEN)) fiq = true; else irq = true;
      }
      if (irq !== this.irqOut[cpu]) { this.irqOut[cpu] = irq; this.irqLines[cpu].set(irq); }
      if (fiq !== this.fiqOut[cpu]) { this.fiqOut[cpu] = fiq; this.fiqLines[cpu].set(fiq); }
    }
    this.onUpdate?.();
  }

  /** Priority above the mask and enough to preempt what is running. */
  private canSignal(cpu: number, id: number): boolean {
    return this.priority(cpu, id) < this.cif[cpu].pmr && this.groupPriority(cpu, id) < this.runningPriority(cpu);
  }

  private lowestSource(cpu: number, sgi: number): number {
    const s = this.sgiSrc[cpu * 16 + sgi];
    return s === 0 ? 0 : 31 - Math.clz32(s & -s);
  }

  private setSgiSources(cpu: number, sgi: number, bits: number): void {
    this.sgiSrc[cpu * 16 + sgi] = bits & 0xff;
    this.latch.set(cpu, sgi, bits !== 0);
  }

  /** GICC_IAR (aliased: GICC_AIAR, group 1 only). */
  private acknowledge(cpu: number, aliased: boolean): number {
    const id = this.hp[cpu];
    if (id === SPURIOUS || !this.canSignal(cpu, id)) return SPURIOUS;
    const g1 = this.group.get(cpu, id);
    if (aliased && !g1) return SPURIOUS;
    if (!aliased && g1 && !(this.cif[cpu].ctlr & CTLR_ACKCTL)) return GROUP1_SPURIOUS;
    let src = 0;
    if (id < 16) {
      src = this.lowestSource(cpu, id);
      this.setSgiSources(cpu, id, this.sgiSrc[cpu * 16 + id] & ~(1 << src));
    } else {
      // Edge: the pending state is consumed. Level: a software-set pending state is consumed;
      // if the wire is still asserted the interrupt stays pending (active and pending).
      this.latch.set(cpu, id, false);
    }
    this.active.set(cpu, id, true);
    const bit = 1 << (this.groupPriority(cpu, id) >>> 3), c = this.cif[cpu];
    if (g1) c.nsapr |= bit; else c.apr |= bit;
    this.update();
    return id | (src << 10);
  }

  /** GICC_EOIR (aliased: GICC_AEOIR): priority drop, and deactivation unless EOImode = 1. */
  private endOfInterrupt(cpu: number, value: number, aliased: boolean): void {
    const id = value & 0x3ff, c = this.cif[cpu];
    if (id >= this.irqs) return; // includes the special IDs 1020..1023
    const g1 = this.group.get(cpu, id);
    if (aliased ? !g1 : g1 && !(c.ctlr & CTLR_ACKCTL)) return;
    const a = (c.apr | c.nsapr) >>> 0;
    if (a === 0) { warnOnce('GIC-400: EOI with no active interrupt ignored'); return; }
    const low = a & -a;
    if ((c.apr & low) && (!g1 || !(c.nsapr & low))) c.apr &= ~low; else c.nsapr &= ~low;
    if (!(c.ctlr & CTLR_EOIMODE)) this.active.set(cpu, id, false);
    this.update();
  }

  private deactivate(cpu: number, value: number): void {
    if (!(this.cif[cpu].ctlr & CTLR_EOIMODE)) { warnOnce('GIC-400: GICC_DIR written with EOImode = 0 (ignored)'); return; }
    const id = value & 0x3ff;
    if (id >= this.irqs) return;
    this.active.set(cpu, id, false);
    this.update();
  }

  private sendSgi(cpu: number, v: number): void {
    const filter = (v >>> 24) & 3, id = v & 15;
    let list: number;
    if (filter === 0) list = (v >>> 16) & 0xff;
    else if (filter === 1) list = 0xff & ~(1 << cpu);
    else if (filter === 2) list = 1 << cpu;
    else return; // reserved
    for (let t = 0; t < this.cpus; t++) {
      if (list & (1 << t)) this.setSgiSources(t, id, this.sgiSrc[t * 16 + id] | (1 << cpu));
    }
    this.update();
  }

  // ----- distributor registers

  private cpuMask(): number { return (1 << this.cpus) - 1; }

  /** Byte-accessible distributor registers: IPRIORITYR, ITARGETSR, CPENDSGIR/SPENDSGIR. */
  private static isByteReg(off: number): boolean {
    return (off >= 0x400 && off < 0x800) || (off >= 0x800 && off < 0xc00) || (off >= 0xf10 && off < 0xf30);
  }

  private distReadByte(off: number, cpu: number): number {
    if (off < 0x800) {
      const id = off - 0x400;
      return id < this.irqs ? this.priority(cpu, id) : 0;
    }
    if (off < 0xc00) {
      const id = off - 0x800;
      if (id >= this.irqs || this.cpus === 1) return 0;
      return id < 32 ? 1 << cpu : this.targets[id];
    }
    const sgi = (off - 0xf10) & 15;
    return this.sgiSrc[cpu * 16 + sgi];
  }

  private distWriteByte(off: number, v: number, cpu: number): void {
    if (off < 0x800) {
      const id = off - 0x400;
      if (id >= this.irqs) return;
      if (id < 32) this.privPrio[cpu * 32 + id] = v & PRIO_MASK; else this.prio[id] = v & PRIO_MASK;
      return;
    }
    if (off < 0xc00) {
      const id = off - 0x800;
      if (id >= 32 && id < this.irqs && this.cpus > 1) this.targets[id] = v & this.cpuMask();
      return;
    }
    const sgi = (off - 0xf10) & 15, cur = this.sgiSrc[cpu * 16 + sgi];
    if (off < 0xf20) this.setSgiSources(cpu, sgi, cur & ~v);
    else this.setSgiSources(cpu, sgi, cur | (v & this.cpuMask()));
  }

  private distRead(off: number, size: AccessSize, cpu: number): number {
    if (Gic400.isByteReg(off)) {
      if (size === 1) return this.distReadByte(off, cpu);
      if (size === 4) {
        let v = 0;
        for (let i = 3; i >= 0; i--) v = (v << 8) | this.distReadByte(off + i, cpu);
        return v >>> 0;
      }
    }
    if (size !== 4) { warnOnce(`GIC-400: ${size}-byte read of distributor offset 0x${off.toString(16)} (word-only) reads as zero`); return 0; }
    const w = (off & 0x7f) >>> 2;
    switch (off & ~0x7f) {
      case 0x000:
        if (off === 0x000) return this.dctlr;
        if (off === 0x004) return (this.words - 1) | ((this.cpus - 1) << 5);
        if (off === 0x008) return GICD_IIDR;
        return 0;
      case 0x080: return w < this.words ? this.group.word(cpu, w) : 0;
      case 0x100: case 0x180: return w < this.words ? this.enabled.word(cpu, w) : 0;
      case 0x200: case 0x280: return w < this.words ? this.pendingWord(cpu, w) : 0;
      case 0x300: case 0x380: return w < this.words ? this.active.word(cpu, w) : 0;
    }
    if (off >= 0xc00 && off < 0xd00) {
      const n = (off - 0xc00) >>> 2;          // 16 IDs per register
      if (n === 0) return 0xaaaaaaaa;          // SGIs: edge, read-only
      if (16 * n >= this.irqs) return 0;
      const e = this.edge.word(cpu, n >>> 1) >>> ((n & 1) * 16);
      let v = 0;
      for (let f = 0; f < 16; f++) if ((e >>> f) & 1) v |= 2 << (2 * f);
      return v >>> 0;
    }
    if (off === 0xd00) return (this.level.priv[cpu] >>> 16) & 0xfe00; // GICD_PPISR: PPI IDs 25..31
    if (off > 0xd00 && off < 0xd40) {                                   // GICD_SPISRn: SPI wire levels
      const ww = ((off - 0xd04) >>> 2) + 1;
      return ww < this.words ? this.level.shared[ww] >>> 0 : 0;
    }
    if (off >= 0xfd0) return DIST_IDS[(off - 0xfd0) >>> 2];
    return 0;
  }

  private distWrite(off: number, size: AccessSize, v: number, cpu: number): void {
    if (Gic400.isByteReg(off)) {
      if (size === 1) { this.distWriteByte(off, v & 0xff, cpu); this.update(); return; }
      if (size === 4) {
        for (let i = 0; i < 4; i++) this.distWriteByte(off + i, (v >>> (8 * i)) & 0xff, cpu);
        this.update();
        return;
      }
    }
    if (size !== 4) { warnOnce(`GIC-400: ${size}-byte write to distributor offset 0x${off.toString(16)} (word-only) ignored`); return; }
    const w = (off & 0x7f) >>> 2;
    const inRange = w < this.words;
    switch (off & ~0x7f) {
      case 0x000:
        if (off === 0x000) this.dctlr = v & 3;
        break;
      case 0x080: if (inRange) this.group.setWord(cpu, w, v); break;
      case 0x100: if (inRange) this.enabled.setWord(cpu, w, this.enabled.word(cpu, w) | v); break;
      case 0x180:
        if (inRange) this.enabled.setWord(cpu, w, (this.enabled.word(cpu, w) & ~v) | (w === 0 ? 0xffff : 0));
        break;
      case 0x200: // SGI bits are set through GICD_SPENDSGIR instead
        if (inRange) this.latch.setWord(cpu, w, this.latch.word(cpu, w) | (w === 0 ? v & 0xffff0000 : v));
        break;
      case 0x280:
        if (inRange) this.latch.setWord(cpu, w, this.latch.word(cpu, w) & ~(w === 0 ? v & 0xffff0000 : v));
        break;
      case 0x300: if (inRange) this.active.setWord(cpu, w, this.active.word(cpu, w) | v); break;
      case 0x380: if (inRange) this.active.setWord(cpu, w, this.active.word(cpu, w) & ~v); break;
      default:
        if (off >= 0xc00 && off < 0xd00) {
          const n = (off - 0xc00) >>> 2;
          if (n === 0 || 16 * n >= this.irqs) break;
          let bits = 0;
          for (let f = 0; f < 16; f++) if ((v >>> (2 * f + 1)) & 1) bits |= 1 << f;
          const ww = n >>> 1, sh = (n & 1) * 16, keep = this.edge.word(cpu, ww) & ~(0xffff << sh);
          this.edge.setWord(cpu, ww, keep | (bits << sh));
        } else if (off === 0xf00) {
          this.sendSgi(cpu, v);
          return;
        }
    }
    this.update();
  }

  // ----- CPU interface registers

  private cpuRead(off: number, size: AccessSize, cpu: number): number {
    if (size !== 4) { warnOnce(`GIC-400: ${size}-byte read of CPU interface offset 0x${off.toString(16)} reads as zero`); return 0; }
    const c = this.cif[cpu];
    switch (off) {
      case 0x00: return c.ctlr;
      case 0x04: return c.pmr;
      case 0x08: return c.bpr;
      case 0x0c: return this.acknowledge(cpu, false);
      case 0x14: return this.runningPriority(cpu);
      case 0x18: case 0x28: {
        const id = this.hp[cpu];
        if (id === SPURIOUS) return SPURIOUS;
        const g1 = this.group.get(cpu, id);
        if (off === 0x28 && !g1) return SPURIOUS;
        if (off === 0x18 && g1 && !(c.ctlr & CTLR_ACKCTL)) return GROUP1_SPURIOUS;
        return id | (id < 16 ? this.lowestSource(cpu, id) << 10 : 0);
      }
      case 0x1c: return c.abpr;
      case 0x20: return this.acknowledge(cpu, true);
      case 0xd0: return c.apr >>> 0;
      case 0xe0: return c.nsapr >>> 0;
      case 0xfc: return GICC_IIDR;
    }
    return 0;
  }

  private cpuWrite(off: number, size: AccessSize, v: number, cpu: number): void {
    if (size !== 4) { warnOnce(`GIC-400: ${size}-byte write to CPU interface offset 0x${off.toString(16)} ignored`); return; }
    const c = this.cif[cpu];
    switch (off) {
      case 0x00: c.ctlr = v & 0x3ff; break;
      case 0x04: c.pmr = v & PRIO_MASK; break;
      case 0x08: c.bpr = Math.max(v & 7, MIN_BPR); break;
      case 0x10: this.endOfInterrupt(cpu, v, false); return;
      case 0x1c: c.abpr = Math.max(v & 7, MIN_ABPR); break;
      case 0x24: this.endOfInterrupt(cpu, v, true); return;
      case 0xd0: c.apr = v | 0; break;
      case 0xe0: c.nsapr = v | 0; break;
      case 0x1000: this.deactivate(cpu, v); return;
      default: return;
    }
    this.update();
  }

  // ----- inspection (tests, debug dumps)

  isActive(id: number, cpu = 0): boolean { return this.active.get(id >= 32 ? 0 : cpu, id); }
  pending(id: number, cpu = 0): boolean { return this.isPending(id >= 32 ? 0 : cpu, id); }
}
