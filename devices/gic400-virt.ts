// GIC-400 virtualization extensions: the hypervisor control interface (GICH) and the virtual CPU
// interface (GICV) a VM sees in place of GICC. Field layouts and behaviour follow the Arm GICv2
// architecture specification (IHI 0048B.b, chapter 5 "GIC Support for Virtualization" and §5.3
// register descriptions) and the GIC-400 TRM (DDI 0471B, §3.4/§3.5: GICH_VTR = 0x90000003, four
// list registers, 5 priority and 5 preemption bits; GICH_VMCR resets to 0x004C0000).
//
// Map `gich` at GIC400.GICH_BASE (0x2000 bytes: 0x0000 is the GICH of the accessing CPU, 0x1000 +
// 0x200 * n the alias frame of CPU n, as the GIC-400 lays them out) and `gicv` at GIC400.GICV_BASE
// (GICC layout, GICV_DIR at 0x1000). Everything is banked by physical CPU: the hypervisor loads a
// vCPU's list registers into the GICH of the CPU it runs on; the guest then reads GICV there.
//
// Outputs per CPU: the virtual IRQ / FIQ level (virqAsserted / vfiqAsserted, or connectVcpu), and
// the maintenance interrupt, a level PPI (INTID 25 on the Pi 4) asserted while GICH_HCR.En = 1
// and GICH_MISR ≠ 0 (§5.3.4).
//
// Choices where the specification leaves room (also in devices/README.md):
//  - Only list registers in state pending (01) are candidates for GICV_IAR / HPPIR; a
//    pending-and-active entry is not (the virtual interface, like GICC, does not signal an
//    interrupt that is active).
//  - With GICH_HCR.En = 0 the virtual interface signals nothing and GICV_IAR / HPPIR read 1023.
//  - GICH_MISR.U counts LRs with State ≠ 00 as valid; MISR.NP looks for State = 01 only (the
//    reading QEMU's GICv3 CPU interface, hw/intc/arm_gicv3_cpuif.c, takes of the same rules).
//  - Minimum binary points as the physical interface: GICV_BPR ≥ 2, GICV_ABPR ≥ 3 (writes below
//    are raised to the minimum).
//  - GICV_EOIR / DIR for an ID with no matching active LR: priority drop (EOIR) as usual and
//    GICH_HCR.EOICount + 1 (mod 32) when that write would have deactivated (§5.3.1).
//  - An LR with HW = 1 deactivates physical interrupt PhysicalID in the distributor when the
//    virtual one is deactivated (through the `deactivatePhysical` hook).
//  - Word accesses only; other sizes read as zero / are ignored (warned once). Unknown offsets RAZ/WI.
import { type AccessSize, type Device, type IrqLine, type MmioDevice, NO_IRQ, warnOnce } from './device.js';

export const GICH = {
  HCR: 0x000, VTR: 0x004, VMCR: 0x008, MISR: 0x010, EISR0: 0x020, EISR1: 0x024,
  ELRSR0: 0x030, ELRSR1: 0x034, APR: 0x0f0, LR0: 0x100,
  /** Per-CPU alias frames: 0x1000 + 0x200 * cpu (GIC-400 TRM table 3-6). */
  ALIAS_BASE: 0x1000, ALIAS_STRIDE: 0x200,
} as const;

export const GICV = {
  CTLR: 0x00, PMR: 0x04, BPR: 0x08, IAR: 0x0c, EOIR: 0x10, RPR: 0x14, HPPIR: 0x18, ABPR: 0x1c,
  AIAR: 0x20, AEOIR: 0x24, AHPPIR: 0x28, APR0: 0xd0, IIDR: 0xfc, DIR: 0x1000,
} as const;

/** Number of list registers of the GIC-400. */
export const LIST_REGS = 4;
/** GICH_VTR: PRIbits - 1 = 4 [31:29], PREbits - 1 = 4 [28:26], ListRegs - 1 = 3 [5:0]. */
export const GICH_VTR_VALUE = 0x90000003;
/** GICV_IIDR of the GIC-400 (same as GICC_IIDR). */
export const GICV_IIDR_VALUE = 0x0202143b;
/** GICH_VMCR reset: VMABP = 3, VMBP = 2. */
export const VMCR_RESET = 0x004c0000;
/** The GIC-400's maintenance interrupt: PPI 9, INTID 25. */
export const MAINTENANCE_PPI = 9;

const SPURIOUS = 1023, GROUP1_SPURIOUS = 1022, IDLE = 0xff;
const MIN_BPR = 2, MIN_ABPR = 3;

// GICH_HCR (§5.3.1).
export const HCR = {
  EN: 1 << 0, UIE: 1 << 1, LRENPIE: 1 << 2, NPIE: 1 << 3,
  VGRP0EIE: 1 << 4, VGRP0DIE: 1 << 5, VGRP1EIE: 1 << 6, VGRP1DIE: 1 << 7,
  EOICOUNT_SHIFT: 27,
} as const;
const HCR_WRITABLE = 0xf80000ff;

// GICH_MISR (§5.3.4).
export const MISR = {
  EOI: 1 << 0, U: 1 << 1, LRENP: 1 << 2, NP: 1 << 3,
  VGRP0E: 1 << 4, VGRP0D: 1 << 5, VGRP1E: 1 << 6, VGRP1D: 1 << 7,
} as const;

// GICH_VMCR (§5.3.3): VMGrp0En [0], VMGrp1En [1], VMAckCtl [2], VMFIQEn [3], VMCBPR [4], VEM [9],
// VMABP [20:18], VMBP [23:21], VMPriMask [31:27].
const VMCR_CTLR_BITS = 0x21f; // the GICV_CTLR bits, at the same positions
const VMCR_WRITABLE = 0xf8fc021f;
const vmcrAbp = (v: number) => (v >>> 18) & 7;
const vmcrBp = (v: number) => (v >>> 21) & 7;
const vmcrPmr = (v: number) => ((v >>> 27) & 0x1f) << 3;
const CTLR_GRP0 = 1, CTLR_GRP1 = 2, CTLR_ACKCTL = 4, CTLR_FIQEN = 8, CTLR_CBPR = 16, CTLR_EOIMODE = 1 << 9;

// GICH_LRn (§5.3.10): VirtualID [9:0], PhysicalID [19:10] (HW = 0: EOI [19], CPUID [12:10]),
// Priority [27:23] (the upper 5 bits of the 8-bit priority), State [29:28], Grp1 [30], HW [31].
export const LR = {
  PENDING: 1 << 28, ACTIVE: 2 << 28, STATE_MASK: 3 << 28,
  GRP1: 1 << 30, HW: 1 << 31, EOI: 1 << 19,
  PRIORITY_SHIFT: 23, PHYSID_SHIFT: 10,
} as const;
const LR_WRITABLE = 0xff8fffff; // bits [22:20] are reserved
const lrId = (lr: number) => lr & 0x3ff;
const lrPriority = (lr: number) => ((lr >>> 23) & 0x1f) << 3;
const lrState = (lr: number) => (lr >>> 28) & 3;
const lrGrp1 = (lr: number) => (lr & LR.GRP1) !== 0;
const lrHw = (lr: number) => (lr & LR.HW) !== 0;
const lrPhysId = (lr: number) => (lr >>> 10) & 0x3ff;
const lrCpuId = (lr: number) => (lr >>> 10) & 7;

/** Builds a list register value (tests and the hypervisor core). */
export function makeLr(f: {
  virtualId: number; priority?: number; state?: 'invalid' | 'pending' | 'active' | 'pending+active';
  group1?: boolean; hw?: boolean; physicalId?: number; eoi?: boolean; cpuId?: number;
}): number {
  const state = { invalid: 0, pending: 1, active: 2, 'pending+active': 3 }[f.state ?? 'pending'];
  let v = (f.virtualId & 0x3ff) | ((((f.priority ?? 0) >>> 3) & 0x1f) << 23) | (state << 28);
  if (f.group1) v |= LR.GRP1;
  if (f.hw) v |= LR.HW | ((f.physicalId ?? 0) & 0x3ff) << 10;
  else v |= (f.eoi ? LR.EOI : 0) | ((f.cpuId ?? 0) & 7) << 10;
  return v >>> 0;
}

interface Bank { hcr: number; vmcr: number; apr: number; lr: number[] }
/** One CPU's GICH state: what a hypervisor saves and restores per vCPU. */
export type VgicBankState = Readonly<Bank>;

export interface Gic400VirtOptions {
  /** Number of physical CPUs (1..8), one GICH/GICV bank each. */
  cpus: number;
  /** The maintenance interrupt wire of CPU `cpu` (the GIC-400: its PPI 9, INTID 25). */
  maintenance?: (cpu: number) => IrqLine;
  /** Deactivates physical interrupt `id` on `cpu` (an LR with HW = 1 was deactivated). */
  deactivatePhysical?: (cpu: number, id: number) => void;
}

/** What a physical GIC offers us: its maintenance PPI input and distributor registers. */
export interface PhysicalGic {
  ppi(cpu: number, n: number): IrqLine;
  readonly distributor: MmioDevice;
}

/** Options wiring the virtual interface to the physical GIC-400 `gic`: maintenance interrupt on
 *  PPI 9 (INTID 25); HW deactivation by a write to GICD_ICACTIVERn on the running CPU. */
export function wireToGic(gic: PhysicalGic, cpus: number): Gic400VirtOptions {
  return {
    cpus,
    maintenance: (cpu) => gic.ppi(cpu, MAINTENANCE_PPI),
    deactivatePhysical: (cpu, id) => { gic.distributor.write(0x380 + 4 * (id >>> 5), 4, (1 << (id & 31)) >>> 0, cpu); },
  };
}

export class Gic400Virt implements Device {
  readonly name = 'gic-400 virtualization';
  readonly cpus: number;
  private readonly banks: Bank[] = [];
  private readonly maint: IrqLine[];
  private readonly maintOut: boolean[];
  private readonly virqLines: IrqLine[];
  private readonly vfiqLines: IrqLine[];
  private readonly virqOut: boolean[];
  private readonly vfiqOut: boolean[];
  private readonly deactivatePhysical: (cpu: number, id: number) => void;

  /** GICH: banked at offset 0, per-CPU alias frames at 0x1000 + 0x200 * n. */
  readonly gich: MmioDevice;
  /** GICV: the virtual CPU interface, banked by the accessing CPU. */
  readonly gicv: MmioDevice;

  constructor(opts: Gic400VirtOptions) {
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > 8) throw new Error('GIC-400 virtualization: 1 to 8 CPUs');
    const n = this.cpus = opts.cpus;
    for (let c = 0; c < n; c++) this.banks.push({ hcr: 0, vmcr: VMCR_RESET, apr: 0, lr: new Array<number>(LIST_REGS).fill(0) });
    this.maint = Array.from({ length: n }, (_, c) => opts.maintenance?.(c) ?? NO_IRQ);
    this.maintOut = new Array<boolean>(n).fill(false);
    this.virqLines = new Array<IrqLine>(n).fill(NO_IRQ);
    this.vfiqLines = new Array<IrqLine>(n).fill(NO_IRQ);
    this.virqOut = new Array<boolean>(n).fill(false);
    this.vfiqOut = new Array<boolean>(n).fill(false);
    this.deactivatePhysical = opts.deactivatePhysical ?? (() => {});
    this.gich = {
      name: 'gic-400 GICH',
      read: (off, size, cpu) => this.gichAccess(off, size, cpu, undefined),
      write: (off, size, v, cpu) => { this.gichAccess(off, size, cpu, v >>> 0); },
      reset: () => {}, save: () => null, restore: () => {},
    };
    this.gicv = {
      name: 'gic-400 GICV',
      read: (off, size, cpu) => this.gicvRead(off, size, this.cpuIndex(cpu)),
      write: (off, size, v, cpu) => { this.gicvWrite(off, size, v >>> 0, this.cpuIndex(cpu)); },
      reset: () => {}, save: () => null, restore: () => {},
    };
  }

  private cpuIndex(cpu: number): number { return cpu >= 0 && cpu < this.cpus ? cpu : 0; }

  // ----- wiring and inspection

  /** Connects the virtual IRQ / FIQ outputs of CPU `cpu` (the running vCPU's inputs). */
  connectVcpu(cpu: number, irq: IrqLine, fiq: IrqLine = NO_IRQ): void {
    this.virqLines[cpu] = irq;
    this.vfiqLines[cpu] = fiq;
    irq.set(this.virqOut[cpu]);
    fiq.set(this.vfiqOut[cpu]);
  }
  virqAsserted(cpu: number): boolean { return this.virqOut[cpu] ?? false; }
  vfiqAsserted(cpu: number): boolean { return this.vfiqOut[cpu] ?? false; }
  maintenanceAsserted(cpu: number): boolean { return this.maintOut[cpu] ?? false; }

  /** The vGIC context of the vCPU running on `cpu` (GICH_HCR, VMCR, APR, LRs), for a switch. */
  saveBank(cpu: number): VgicBankState {
    const b = this.banks[this.cpuIndex(cpu)];
    return { hcr: b.hcr, vmcr: b.vmcr, apr: b.apr, lr: [...b.lr] };
  }

  /** Loads a vCPU's vGIC context into `cpu`'s bank (as a hypervisor writes GICH on a switch). */
  loadBank(cpu: number, s: VgicBankState): void {
    const c = this.cpuIndex(cpu), b = this.banks[c];
    b.hcr = (s.hcr & HCR_WRITABLE) >>> 0;
    this.setVmcr(b, s.vmcr);
    b.apr = s.apr >>> 0;
    for (let i = 0; i < LIST_REGS; i++) b.lr[i] = ((s.lr[i] ?? 0) & LR_WRITABLE) >>> 0;
    this.update(c);
  }

  // ----- state

  reset(): void {
    for (const b of this.banks) { b.hcr = 0; b.vmcr = VMCR_RESET; b.apr = 0; b.lr.fill(0); }
    for (let c = 0; c < this.cpus; c++) this.update(c);
  }

  save(): unknown {
    return { cpus: this.cpus, banks: this.banks.map((b) => ({ hcr: b.hcr, vmcr: b.vmcr, apr: b.apr, lr: [...b.lr] })) };
  }

  restore(state: unknown): void {
    const s = state as { cpus?: unknown; banks?: unknown } | null;
    if (!s || s.cpus !== this.cpus || !Array.isArray(s.banks) || s.banks.length !== this.cpus) {
      throw new Error('GIC-400 virtualization: saved state is for a different configuration');
    }
    const u32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32;
    const wellFormed = (x: Partial<Bank> | null) => !!x && u32(x.hcr) && u32(x.vmcr) && u32(x.apr)
      && Array.isArray(x.lr) && x.lr.length === LIST_REGS && x.lr.every(u32);
    if (!s.banks.every(wellFormed)) throw new Error('GIC-400 virtualization: saved state is damaged');
    s.banks.forEach((x: Bank, c: number) => {
      const b = this.banks[c];
      b.hcr = (x.hcr & HCR_WRITABLE) >>> 0; b.vmcr = x.vmcr >>> 0; b.apr = x.apr >>> 0;
      for (let i = 0; i < LIST_REGS; i++) b.lr[i] = (x.lr[i] & LR_WRITABLE) >>> 0;
    });
    for (let c = 0; c < this.cpus; c++) this.update(c);
  }

  // ----- derived registers (§5.3.4–5.3.6)

  /** GICH_EISR0: LRs holding an EOI maintenance request (State 00, HW 0, EOI 1). */
  eisr(cpu: number): number {
    let v = 0;
    this.banks[cpu].lr.forEach((lr, i) => { if (lrState(lr) === 0 && !lrHw(lr) && (lr & LR.EOI)) v |= 1 << i; });
    return v;
  }

  /** GICH_ELRSR0: empty LRs (State 00 and no EOI maintenance request). */
  elrsr(cpu: number): number {
    let v = 0;
    this.banks[cpu].lr.forEach((lr, i) => { if (lrState(lr) === 0 && (lrHw(lr) || !(lr & LR.EOI))) v |= 1 << i; });
    return v;
  }

  /** GICH_MISR. */
  misr(cpu: number): number {
    const b = this.banks[cpu], h = b.hcr;
    let m = 0;
    if (this.eisr(cpu)) m |= MISR.EOI;
    const valid = b.lr.filter((lr) => lrState(lr) !== 0).length;
    if ((h & HCR.UIE) && valid <= 1) m |= MISR.U;
    if ((h & HCR.LRENPIE) && (h >>> HCR.EOICOUNT_SHIFT) !== 0) m |= MISR.LRENP;
    // NP: no LR in state pending (01); pending+active does not count (as QEMU's GICv3 model).
    if ((h & HCR.NPIE) && !b.lr.some((lr) => lrState(lr) === 1)) m |= MISR.NP;
    const g0 = (b.vmcr & CTLR_GRP0) !== 0, g1 = (b.vmcr & CTLR_GRP1) !== 0;
    if ((h & HCR.VGRP0EIE) && g0) m |= MISR.VGRP0E;
    if ((h & HCR.VGRP0DIE) && !g0) m |= MISR.VGRP0D;
    if ((h & HCR.VGRP1EIE) && g1) m |= MISR.VGRP1E;
    if ((h & HCR.VGRP1DIE) && !g1) m |= MISR.VGRP1D;
    return m;
  }

  // ----- priority logic (as GICC, §3.3 and §5.4)

  /** Group priority of `prio` for preemption, per the binary point of its group. */
  private groupPriority(b: Bank, prio: number, grp1: boolean): number {
    if (grp1 && !(b.vmcr & CTLR_CBPR)) return prio & (0xff << Math.max(vmcrAbp(b.vmcr), MIN_ABPR)) & 0xff;
    return prio & (0xff << (Math.max(vmcrBp(b.vmcr), MIN_BPR) + 1)) & 0xff;
  }

  runningPriority(cpu: number): number {
    const a = this.banks[cpu].apr >>> 0;
    return a === 0 ? IDLE : (31 - Math.clz32(a & -a)) << 3;
  }

  /** Index of the highest-priority pending LR whose group is enabled (ties: lowest LR), or -1. */
  private bestLr(cpu: number): number {
    const b = this.banks[cpu];
    if (!(b.hcr & HCR.EN)) return -1;
    let best = -1, bestPrio = 0x100;
    for (let i = 0; i < LIST_REGS; i++) {
      const lr = b.lr[i];
      if (lrState(lr) !== 1) continue;
      if (!(b.vmcr & (lrGrp1(lr) ? CTLR_GRP1 : CTLR_GRP0))) continue;
      const p = lrPriority(lr);
      if (p < bestPrio) { bestPrio = p; best = i; }
    }
    return best;
  }

  /** Priority above the mask and enough to preempt what is active. */
  private canSignal(cpu: number, lr: number): boolean {
    const b = this.banks[cpu], p = lrPriority(lr);
    return p < vmcrPmr(b.vmcr) && this.groupPriority(b, p, lrGrp1(lr)) < this.runningPriority(cpu);
  }

  private update(cpu: number): void {
    const b = this.banks[cpu];
    const i = this.bestLr(cpu);
    let irq = false, fiq = false;
    if (i >= 0 && this.canSignal(cpu, b.lr[i])) {
      if (!lrGrp1(b.lr[i]) && (b.vmcr & CTLR_FIQEN)) fiq = true; else irq = true;
    }
    if (irq !== this.virqOut[cpu]) { this.virqOut[cpu] = irq; this.virqLines[cpu].set(irq); }
    if (fiq !== this.vfiqOut[cpu]) { this.vfiqOut[cpu] = fiq; this.vfiqLines[cpu].set(fiq); }
    const m = (b.hcr & HCR.EN) !== 0 && this.misr(cpu) !== 0;
    if (m !== this.maintOut[cpu]) { this.maintOut[cpu] = m; this.maint[cpu].set(m); }
  }

  /** The value GICV_IAR / HPPIR return for LR value `lr`: VirtualID, and for a software SGI the
   *  requesting CPU in bits [12:10]. */
  private static idOf(lr: number): number {
    const id = lrId(lr);
    return id < 16 && !lrHw(lr) ? id | (lrCpuId(lr) << 10) : id;
  }

  /** GICV_IAR (aliased: GICV_AIAR, group 1 only). */
  private acknowledge(cpu: number, aliased: boolean): number {
    const b = this.banks[cpu], i = this.bestLr(cpu);
    if (i < 0) return SPURIOUS;
    const lr = b.lr[i];
    if (!this.canSignal(cpu, lr)) return SPURIOUS;
    const g1 = lrGrp1(lr);
    if (aliased && !g1) return SPURIOUS;
    if (!aliased && g1 && !(b.vmcr & CTLR_ACKCTL)) return GROUP1_SPURIOUS;
    b.lr[i] = ((lr & ~LR.STATE_MASK) | LR.ACTIVE) >>> 0;   // pending → active
    b.apr = (b.apr | (1 << (this.groupPriority(b, lrPriority(lr), g1) >>> 3))) >>> 0;
    this.update(cpu);
    return Gic400Virt.idOf(lr);
  }

  /** The active LR for an EOI/DIR value (VirtualID, and the source CPU for a software SGI). */
  private findActive(b: Bank, value: number): number {
    const id = value & 0x3ff, src = (value >>> 10) & 7;
    for (let i = 0; i < LIST_REGS; i++) {
      const lr = b.lr[i];
      if (!(lrState(lr) & 2) || lrId(lr) !== id) continue;
      if (id < 16 && !lrHw(lr) && lrCpuId(lr) !== src) continue;
      return i;
    }
    return -1;
  }

  /** Deactivates LR `i`: active → invalid (pending+active → pending); HW → the physical one. */
  private deactivateLr(cpu: number, i: number): void {
    const b = this.banks[cpu], lr = b.lr[i];
    b.lr[i] = (lr & ~LR.ACTIVE) >>> 0;
    if (lrHw(lr)) this.deactivatePhysical(cpu, lrPhysId(lr));
  }

  private countUnmatchedEoi(b: Bank): void {
    const n = ((b.hcr >>> HCR.EOICOUNT_SHIFT) + 1) & 0x1f;
    b.hcr = ((b.hcr & ~(0x1f << HCR.EOICOUNT_SHIFT)) | (n << HCR.EOICOUNT_SHIFT)) >>> 0;
  }

  /** GICV_EOIR (aliased: GICV_AEOIR): priority drop; deactivation too when EOImode = 0. */
  private endOfInterrupt(cpu: number, value: number, aliased: boolean): void {
    const b = this.banks[cpu], id = value & 0x3ff;
    if (id >= 1020) return; // special IDs
    const i = this.findActive(b, value);
    if (i >= 0) {
      const g1 = lrGrp1(b.lr[i]);
      if (aliased ? !g1 : g1 && !(b.vmcr & CTLR_ACKCTL)) return;
    }
    if (b.apr === 0) warnOnce('GIC-400 GICV: EOI with no active priority (no priority drop)');
    else b.apr = (b.apr & (b.apr - 1)) >>> 0; // drop the highest active priority
    if (!(b.vmcr & CTLR_EOIMODE)) {
      if (i >= 0) this.deactivateLr(cpu, i); else this.countUnmatchedEoi(b);
    }
    this.update(cpu);
  }

  /** GICV_DIR: deactivation when EOImode = 1. */
  private deactivate(cpu: number, value: number): void {
    const b = this.banks[cpu];
    if (!(b.vmcr & CTLR_EOIMODE)) { warnOnce('GIC-400 GICV: GICV_DIR written with EOImode = 0 (ignored)'); return; }
    if ((value & 0x3ff) >= 1020) return;
    const i = this.findActive(b, value);
    if (i >= 0) this.deactivateLr(cpu, i); else this.countUnmatchedEoi(b);
    this.update(cpu);
  }

  private highestPending(cpu: number, aliased: boolean): number {
    const b = this.banks[cpu], i = this.bestLr(cpu);
    if (i < 0) return SPURIOUS;
    const lr = b.lr[i], g1 = lrGrp1(lr);
    if (aliased && !g1) return SPURIOUS;
    if (!aliased && g1 && !(b.vmcr & CTLR_ACKCTL)) return GROUP1_SPURIOUS;
    return Gic400Virt.idOf(lr);
  }

  // ----- GICH registers

  private gichAccess(off: number, size: AccessSize, cpu: number, value: number | undefined): number {
    let bank = this.cpuIndex(cpu);
    if (off >= GICH.ALIAS_BASE) {
      const n = (off - GICH.ALIAS_BASE) >>> 9;
      if (n >= this.cpus) return 0; // no such CPU: RAZ/WI
      bank = n;
      off &= GICH.ALIAS_STRIDE - 1;
    }
    if (size !== 4) {
      warnOnce(`GIC-400 GICH: ${size}-byte ${value === undefined ? 'reads are word-only (read as zero)' : 'writes are word-only (ignored)'}`);
      return 0;
    }
    if (value === undefined) return this.gichRead(off, bank);
    this.gichWrite(off, value, bank);
    return 0;
  }

  private gichRead(off: number, cpu: number): number {
    const b = this.banks[cpu];
    switch (off) {
      case GICH.HCR: return b.hcr;
      case GICH.VTR: return GICH_VTR_VALUE;
      case GICH.VMCR: return b.vmcr;
      case GICH.MISR: return this.misr(cpu);
      case GICH.EISR0: return this.eisr(cpu);
      case GICH.ELRSR0: return this.elrsr(cpu);
      case GICH.APR: return b.apr;
    }
    if (off >= GICH.LR0 && off < GICH.LR0 + 4 * LIST_REGS) return b.lr[(off - GICH.LR0) >>> 2];
    return 0; // EISR1, ELRSR1 (only 4 LRs), reserved
  }

  private gichWrite(off: number, v: number, cpu: number): void {
    const b = this.banks[cpu];
    if (off === GICH.HCR) b.hcr = (v & HCR_WRITABLE) >>> 0;
    else if (off === GICH.VMCR) this.setVmcr(b, v);
    else if (off === GICH.APR) b.apr = v >>> 0;
    else if (off >= GICH.LR0 && off < GICH.LR0 + 4 * LIST_REGS) b.lr[(off - GICH.LR0) >>> 2] = (v & LR_WRITABLE) >>> 0;
    else return;
    this.update(cpu);
  }

  private setVmcr(b: Bank, v: number): void {
    v &= VMCR_WRITABLE;
    const bp = Math.max(vmcrBp(v), MIN_BPR), abp = Math.max(vmcrAbp(v), MIN_ABPR);
    b.vmcr = ((v & ~(0x3f << 18)) | (bp << 21) | (abp << 18)) >>> 0;
  }

  // ----- GICV registers

  private gicvRead(off: number, size: AccessSize, cpu: number): number {
    if (size !== 4) { warnOnce(`GIC-400 GICV: ${size}-byte reads are word-only (read as zero)`); return 0; }
    const b = this.banks[cpu];
    switch (off) {
      case GICV.CTLR: return b.vmcr & VMCR_CTLR_BITS;
      case GICV.PMR: return vmcrPmr(b.vmcr);
      case GICV.BPR: return vmcrBp(b.vmcr);
      case GICV.IAR: return this.acknowledge(cpu, false);
      case GICV.RPR: return this.runningPriority(cpu);
      case GICV.HPPIR: return this.highestPending(cpu, false);
      case GICV.ABPR: return vmcrAbp(b.vmcr);
      case GICV.AIAR: return this.acknowledge(cpu, true);
      case GICV.AHPPIR: return this.highestPending(cpu, true);
      case GICV.APR0: return b.apr;
      case GICV.IIDR: return GICV_IIDR_VALUE;
    }
    return 0;
  }

  private gicvWrite(off: number, size: AccessSize, v: number, cpu: number): void {
    if (size !== 4) { warnOnce(`GIC-400 GICV: ${size}-byte writes are word-only (ignored)`); return; }
    const b = this.banks[cpu];
    switch (off) {
      case GICV.CTLR: this.setVmcr(b, (b.vmcr & ~VMCR_CTLR_BITS) | (v & VMCR_CTLR_BITS)); break;
      case GICV.PMR: this.setVmcr(b, (b.vmcr & ~(0x1f << 27)) | (((v >>> 3) & 0x1f) << 27)); break;
      case GICV.BPR: this.setVmcr(b, (b.vmcr & ~(7 << 21)) | ((v & 7) << 21)); break;
      case GICV.ABPR: this.setVmcr(b, (b.vmcr & ~(7 << 18)) | ((v & 7) << 18)); break;
      case GICV.EOIR: this.endOfInterrupt(cpu, v, false); return;
      case GICV.AEOIR: this.endOfInterrupt(cpu, v, true); return;
      case GICV.APR0: b.apr = v >>> 0; break;
      case GICV.DIR: this.deactivate(cpu, v); return;
      default: return;
    }
    this.update(cpu);
  }
}
