// The core's side of the vGIC (GICv2 virtualization, as KVM/SeKVM use it): the GIC-400's
// hypervisor control interface (GICH) and virtual CPU interface (GICV) belong to the core. One
// GICH/GICV bank is "the physical CPU" the running vCPU is on: runVcpu loads the vCPU's context
// (GICH_HCR, VMCR, APR, the four list registers) into it and saves it back afterwards, as
// SeKVM's KCore does on a switch. The guest's GICC window is backed by that GICV (no exit for
// IAR/EOIR/PMR…); the host only fills and reads list registers through the narrow calls of
// KCore (vgicListRegs / vgicWriteLr / vgicUnderflow), never GICH itself.
import { Gic400Virt, GICH, HCR, LR, LIST_REGS, makeLr } from '../../devices/gic400-virt.js';
import type { AccessSize } from '../../devices/device.js';

/** A list register as the host may see it: its state and the interrupt in it. */
export type LrState = 'invalid' | 'pending' | 'active' | 'pending+active';
export interface LrView { readonly state: LrState; readonly id: number; readonly source: number }

/** An interrupt the host asks to put into a list register (as pending). */
export interface VirqInjection {
  /** Virtual interrupt ID (0..1019). */
  id: number;
  /** An SGI's requesting vCPU (0..7). */
  source?: number;
  /** 8-bit priority (the upper 5 bits are kept). */
  priority: number;
  group1?: boolean;
  /** Ask for a maintenance exit when the guest deactivates it (level interrupts: re-sample). */
  eoiMaintenance?: boolean;
}

/** The GICV frame size (GICC layout with GICV_DIR at 0x1000). */
export const GICV_FRAME = 0x2000;

const STATES: LrState[] = ['invalid', 'pending', 'active', 'pending+active'];

/** A vCPU's saved GICH context. */
export class VgicContext {
  hcr = HCR.EN;
  vmcr = 0x004c0000; // GICH_VMCR reset (VMABP 3, VMBP 2)
  apr = 0;
  readonly lr: number[] = new Array<number>(LIST_REGS).fill(0);
}

/** The virtual interface hardware of one core: the bank the running vCPU uses, and a scratch
 *  bank where a saved context is evaluated (is its virtual IRQ up?). */
export class VgicHw {
  readonly #hw = new Gic400Virt({ cpus: 1 });
  readonly #scratch = new Gic400Virt({ cpus: 1 });
  #running: VgicContext | undefined;

  /** Loads `c` into the bank (the start of a run). */
  load(c: VgicContext): void { this.#hw.loadBank(0, c); this.#running = c; }
  /** Saves the bank back into the context that is running (the end of a run). */
  unload(): void {
    const c = this.#running;
    if (!c) return;
    const s = this.#hw.saveBank(0);
    c.hcr = s.hcr; c.vmcr = s.vmcr; c.apr = s.apr;
    for (let i = 0; i < LIST_REGS; i++) c.lr[i] = s.lr[i];
    this.#running = undefined;
  }

  /** The guest's access to its GIC CPU interface (GICV). */
  gicvRead(off: number, size: AccessSize): number { return this.#hw.gicv.read(off, size, 0); }
  gicvWrite(off: number, size: AccessSize, v: number): void { this.#hw.gicv.write(off, size, v, 0); }
  /** The maintenance interrupt of the running vCPU's bank. */
  maintenance(): boolean { return this.#hw.maintenanceAsserted(0); }

  /** Virtual IRQ / FIQ of context `c` (what the vCPU's interrupt inputs see). */
  virq(c: VgicContext): boolean {
    if (c === this.#running) return this.#hw.virqAsserted(0);
    this.#scratch.loadBank(0, c);
    return this.#scratch.virqAsserted(0);
  }
  vfiq(c: VgicContext): boolean {
    if (c === this.#running) return this.#hw.vfiqAsserted(0);
    this.#scratch.loadBank(0, c);
    return this.#scratch.vfiqAsserted(0);
  }

  #readLr(c: VgicContext, i: number): number { return c === this.#running ? this.#hw.gich.read(GICH.LR0 + 4 * i, 4, 0) >>> 0 : c.lr[i] >>> 0; }
  #writeLr(c: VgicContext, i: number, v: number): void {
    if (c === this.#running) this.#hw.gich.write(GICH.LR0 + 4 * i, 4, v, 0); else c.lr[i] = v >>> 0;
  }

  lrs(c: VgicContext): LrView[] {
    const out: LrView[] = [];
    for (let i = 0; i < LIST_REGS; i++) {
      const lr = this.#readLr(c, i);
      const id = lr & 0x3ff;
      out.push({ state: STATES[(lr >>> 28) & 3], id, source: id < 16 && !(lr & LR.HW) ? (lr >>> 10) & 7 : 0 });
    }
    return out;
  }

  /** Writes list register `i`: a pending interrupt, or empty (null). Returns why not, or undefined. */
  setLr(c: VgicContext, i: number, irq: VirqInjection | null): string | undefined {
    if (!(Number.isInteger(i) && i >= 0 && i < LIST_REGS)) return `no list register ${i}`;
    const cur = this.#readLr(c, i);
    // An interrupt the guest has acknowledged is its own until it deactivates it.
    if ((cur >>> 28) & 2) return `list register ${i} holds an interrupt the guest has active`;
    if (irq === null) { this.#writeLr(c, i, 0); return undefined; }
    const { id, priority } = irq, source = irq.source ?? 0;
    if (!(Number.isInteger(id) && id >= 0 && id < 1020)) return `virtual interrupt ID ${id} is not 0..1019`;
    if (!(Number.isInteger(source) && source >= 0 && source < 8)) return `SGI source ${source} is not 0..7`;
    if (!(Number.isInteger(priority) && priority >= 0 && priority < 256)) return `priority ${priority} is not 0..255`;
    // HW = 0 always: the host never reaches a physical interrupt through a guest's deactivation.
    this.#writeLr(c, i, makeLr({ virtualId: id, priority, state: 'pending', group1: irq.group1 === true, eoi: irq.eoiMaintenance === true, cpuId: id < 16 ? source : 0 }));
    return undefined;
  }

  /** GICH_HCR.UIE: a maintenance exit when at most one list register is still in use. */
  setUnderflow(c: VgicContext, on: boolean): void {
    if (c === this.#running) {
      const h = this.#hw.gich.read(GICH.HCR, 4, 0);
      this.#hw.gich.write(GICH.HCR, 4, on ? h | HCR.UIE : h & ~HCR.UIE, 0);
    } else c.hcr = on ? c.hcr | HCR.UIE : c.hcr & ~HCR.UIE;
  }
}
