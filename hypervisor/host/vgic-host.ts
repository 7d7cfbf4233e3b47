// The host's half of the vGIC (as KVM's vgic-v2 on GICv2): the VM's distributor is a GIC-400
// model here, trapped and emulated; interrupts reach a vCPU through the list registers the core
// keeps for it. The host never touches GICH: it reads the LRs' states and fills them through
// the core's calls (KCore.vgicListRegs / vgicWriteLr / vgicUnderflow).
//
// sync(vcpu) runs at every exit of that vCPU (before a run, at an MMIO exit, at a maintenance
// exit), as KVM folds the LR state back at exit and flushes pending interrupts at entry:
//  - fold: an LR the guest acknowledged (active) is acknowledged in the distributor; one it
//    deactivated (invalid) is deactivated there — a level interrupt whose line is still up is
//    then pending again (the re-sample); a pending LR the distributor no longer forwards
//    (cleared, disabled, line dropped) is taken back;
//  - flush: the best forwardable interrupts not yet in an LR fill the empty LRs; if more wait,
//    the underflow maintenance interrupt (GICH_HCR.UIE) brings the vCPU back to load the rest.
// Level interrupts ask for an EOI maintenance exit so that their line is re-sampled at once.
import type { KCore } from '../core/core.js';
import type { Gic400 } from '../../devices/gic400.js';

const LIST_REGS = 4;

/** What the host put into one LR, and whether the guest's acknowledge is replayed already. */
interface Slot { id: number; source: number; acked: boolean }

export class VgicHost {
  /** Per vCPU, per LR: what the host injected there (null: empty). */
  private readonly slots: (Slot | null)[][];

  /** Per vCPU: the distributor changed since its last sync (a device line, the timer, an SGI). */
  private readonly dirty: boolean[];

  constructor(private readonly core: KCore, private readonly vm: number, private readonly gic: Gic400, cpus: number) {
    this.slots = Array.from({ length: cpus }, () => new Array<Slot | null>(LIST_REGS).fill(null));
    this.dirty = new Array<boolean>(cpus).fill(true);
    gic.onUpdate = () => { this.dirty.fill(true); };
  }

  /** Fold the LR states of vCPU `i` into the distributor, then flush what is pending. */
  sync(i: number): void {
    // Nothing folded and the distributor unchanged: the LRs are what a flush would make them.
    if (!this.fold(i) && !this.dirty[i]) return;
    this.flush(i);
    this.dirty[i] = false; // (what sync itself changed is in the LRs now)
  }

  /** The core's refresh hook: sync only if the distributor changed since (an interrupt that
   *  would have trapped to EL2). */
  refresh(i: number): void {
    if (!this.dirty[i]) return;
    this.core.log.count('exits: irq');
    this.sync(i);
  }

  /** The LR states of vCPU `i` into the distributor (before it is read or written); whether
   *  anything changed. */
  fold(i: number): boolean {
    const slots = this.slots[i], gic = this.gic;
    if (slots.every((s) => s === null)) return false;
    let changed = false;
    const lrs = this.core.vgicListRegs(this.vm, i);
    for (let k = 0; k < slots.length; k++) {
      const s = slots[k];
      if (!s) continue;
      const st = lrs[k]?.state ?? 'invalid';
      if (st === 'pending') {
        if (!gic.stillForwardable(i, s.id, s.source)) { this.core.vgicWriteLr(this.vm, i, k, null); slots[k] = null; changed = true; }
        continue;
      }
      if (!s.acked) { gic.acknowledgeVirtual(i, s.id, s.source); s.acked = true; changed = true; }
      if (st === 'invalid') {
        gic.deactivateVirtual(i, s.id);
        this.core.vgicWriteLr(this.vm, i, k, null); // also clears an EOI maintenance request
        slots[k] = null;
        changed = true;
      }
    }
    return changed;
  }

  /** The LRs of vCPU `i` not held by an acknowledged interrupt get the best interrupts the
   *  distributor forwards to it (a pending LR may give way to a better one, as KVM rebuilds its
   *  LRs from the priority-sorted list at every entry). Call after fold. */
  flush(i: number): void {
    const slots = this.slots[i];
    const cands = this.gic.forwardable(i);
    let room = 0;
    for (const s of slots) if (!s || !s.acked) room++;
    const want = cands.slice(0, room);
    // Rewritten in order, best in the lowest free LR: the virtual interface picks the lowest LR
    // among equal priorities, which then is the lowest ID, as the distributor would.
    const pending = this.pendingSlots(i);
    const inOrder = pending.length === want.length && want.every((f, n) => pending[n].id === f.id && pending[n].source === f.source);
    if (!inOrder) {
      for (let k = 0; k < slots.length; k++) {
        const s = slots[k];
        if (s && !s.acked) { this.core.vgicWriteLr(this.vm, i, k, null); slots[k] = null; }
      }
    }
    for (const f of inOrder ? [] : want) {
      const k = slots.indexOf(null);
      if (k < 0) break;
      const r = this.core.vgicWriteLr(this.vm, i, k, { id: f.id, source: f.source, priority: f.priority, group1: f.group1, eoiMaintenance: f.level });
      if (r.ok) slots[k] = { id: f.id, source: f.source, acked: false };
    }
    // More wait than fit: the underflow maintenance exit brings the vCPU back for them.
    this.core.vgicUnderflow(this.vm, i, cands.length > room);
  }

  /** The unacknowledged (pending) slots of vCPU `i`, in LR order. */
  private pendingSlots(i: number): Slot[] {
    return this.slots[i].filter((s): s is Slot => s !== null && !s.acked);
  }
}
