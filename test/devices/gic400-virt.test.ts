// GIC-400 virtualization extensions (GICH / GICV). Expected values come from the Arm GICv2
// architecture specification (IHI 0048B.b; section numbers below) and the GIC-400 TRM (DDI 0471B).
import { describe, it, expect } from 'vitest';
import { Gic400Virt, GICH, GICV, HCR, MISR, LR, makeLr, wireToGic, VMCR_RESET } from '../../devices/gic400-virt.js';
import { Gic400, GIC400 } from '../../devices/gic400.js';
import { LevelLine, PhysBus, setWarnSink, warnSink, type AccessSize } from '../../devices/device.js';
import { createPi4Devices, saveDevices, restoreDevices } from '../../src/board/machine.js';

function vgic(cpus = 2) {
  const maint = Array.from({ length: cpus }, () => new LevelLine());
  const deactivated: [number, number][] = [];
  const v = new Gic400Virt({ cpus, maintenance: (c) => maint[c], deactivatePhysical: (c, id) => deactivated.push([c, id]) });
  const virq = Array.from({ length: cpus }, () => new LevelLine());
  const vfiq = Array.from({ length: cpus }, () => new LevelLine());
  virq.forEach((l, c) => v.connectVcpu(c, l, vfiq[c]));
  const hr = (off: number, cpu = 0, size: AccessSize = 4) => v.gich.read(off, size, cpu);
  const hw = (off: number, val: number, cpu = 0, size: AccessSize = 4) => { v.gich.write(off, size, val, cpu); };
  const vr = (off: number, cpu = 0, size: AccessSize = 4) => v.gicv.read(off, size, cpu);
  const vw = (off: number, val: number, cpu = 0, size: AccessSize = 4) => { v.gicv.write(off, size, val, cpu); };
  const lr = (n: number, val: number, cpu = 0) => hw(GICH.LR0 + 4 * n, val, cpu);
  /** Hypervisor enables the virtual interface; the guest enables both groups, PMR fully open. */
  const on = (cpu = 0) => { hw(GICH.HCR, HCR.EN, cpu); vw(GICV.CTLR, 3, cpu); vw(GICV.PMR, 0xff, cpu); };
  return { v, maint, virq, vfiq, deactivated, hr, hw, vr, vw, lr, on };
}

describe('GICH identification and reset (§5.3, GIC-400 TRM §3.4)', () => {
  it('GICH_VTR: 5 priority bits, 5 preemption bits, 4 list registers', () => {
    const m = vgic();
    const vtr = m.hr(GICH.VTR);
    expect(vtr).toBe(0x90000003);
    expect((vtr >>> 29) + 1).toBe(5);        // PRIbits
    expect(((vtr >>> 26) & 7) + 1).toBe(5);  // PREbits
    expect((vtr & 0x3f) + 1).toBe(4);        // ListRegs
  });
  it('reset: HCR 0, VMCR 0x004C0000 (VMABP 3, VMBP 2), LRs 0, ELRSR all four empty', () => {
    const m = vgic();
    expect(m.hr(GICH.HCR)).toBe(0);
    expect(m.hr(GICH.VMCR)).toBe(0x004c0000);
    expect(VMCR_RESET).toBe(0x004c0000);
    for (let i = 0; i < 4; i++) expect(m.hr(GICH.LR0 + 4 * i)).toBe(0);
    expect(m.hr(GICH.ELRSR0)).toBe(0xf);
    expect(m.hr(GICH.ELRSR1)).toBe(0);
    expect(m.hr(GICH.EISR0)).toBe(0);
    expect(m.hr(GICH.MISR)).toBe(0);
    expect(m.vr(GICV.BPR)).toBe(2);
    expect(m.vr(GICV.ABPR)).toBe(3);
    expect(m.vr(GICV.IIDR)).toBe(0x0202143b);
  });
  it('GICH_LRn: reserved bits [22:20] read as zero, all other fields as written (§5.3.10)', () => {
    const m = vgic();
    m.lr(2, 0xffffffff);
    expect(m.hr(GICH.LR0 + 8)).toBe(0xff8fffff);
    m.lr(3, 0x12345678);
    expect(m.hr(GICH.LR0 + 12)).toBe(0x12345678 & 0xff8fffff);
  });
  it('GICH_HCR: only En, UIE, LRENPIE, NPIE, VGrp*IE and EOICount [31:27] are writable (§5.3.1)', () => {
    const m = vgic();
    m.hw(GICH.HCR, 0xffffffff);
    expect(m.hr(GICH.HCR)).toBe(0xf80000ff);
  });
  it('unknown offsets are RAZ/WI; sub-word accesses RAZ/WI; reads of VTR ignore writes', () => {
    const m = vgic();
    m.hw(0x0c, 0xffffffff); m.hw(GICH.VTR, 0);
    expect(m.hr(0x0c)).toBe(0);
    expect(m.hr(GICH.VTR)).toBe(0x90000003);
    expect(m.hr(0x200)).toBe(0);
    m.hw(GICH.HCR, 1, 0, 1);
    expect(m.hr(GICH.HCR)).toBe(0);
    expect(m.vr(0x40)).toBe(0);
    expect(m.vr(GICV.IIDR, 0, 2)).toBe(0);
  });
});

describe('GICV acknowledge / EOI flow (§5.4, §4.4.4–4.4.5 semantics through the list registers)', () => {
  it('IAR returns the highest-priority pending LR, marks it active, sets APR; EOIR drops and deactivates', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 40, priority: 0xa0 }));
    m.lr(1, makeLr({ virtualId: 41, priority: 0x80 }));
    expect(m.virq[0].level).toBe(true);
    expect(m.vr(GICV.HPPIR)).toBe(41);
    expect(m.vr(GICV.IAR)).toBe(41);
    // LR1 state pending (01) → active (10), §5.3.10.
    expect(m.hr(GICH.LR0 + 4) >>> 28 & 3).toBe(2);
    // Group priority of 0x80 with BPR 2 is bits [7:3] → APR bit 0x80 >> 3 = 16.
    expect(m.vr(GICV.APR0)).toBe(1 << 16);
    expect(m.hr(GICH.APR)).toBe(1 << 16);
    expect(m.vr(GICV.RPR)).toBe(0x80);
    // 0xa0 cannot preempt running priority 0x80: no virtual IRQ, IAR spurious.
    expect(m.virq[0].level).toBe(false);
    expect(m.vr(GICV.IAR)).toBe(1023);
    m.vw(GICV.EOIR, 41);
    expect(m.hr(GICH.LR0 + 4)).toBe(makeLr({ virtualId: 41, priority: 0x80, state: 'invalid' }));
    expect(m.vr(GICV.RPR)).toBe(0xff);
    expect(m.virq[0].level).toBe(true);
    expect(m.vr(GICV.IAR)).toBe(40);
    m.vw(GICV.EOIR, 40);
    expect(m.vr(GICV.IAR)).toBe(1023);
    expect(m.hr(GICH.ELRSR0)).toBe(0xf);
  });
  it('a higher priority preempts an active one; EOIs drop the highest active priority first', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 50, priority: 0xc0 }));
    expect(m.vr(GICV.IAR)).toBe(50);
    m.lr(1, makeLr({ virtualId: 51, priority: 0x40 }));
    expect(m.virq[0].level).toBe(true);
    expect(m.vr(GICV.IAR)).toBe(51);
    expect(m.vr(GICV.APR0)).toBe((1 << (0xc0 >> 3)) | (1 << (0x40 >> 3)));
    expect(m.vr(GICV.RPR)).toBe(0x40);
    m.vw(GICV.EOIR, 51);
    expect(m.vr(GICV.RPR)).toBe(0xc0);
    m.vw(GICV.EOIR, 50);
    expect(m.vr(GICV.RPR)).toBe(0xff);
  });
  it('equal priority: the lower LR index wins; equal group priority does not preempt', () => {
    const m = vgic();
    m.on();
    m.lr(2, makeLr({ virtualId: 70, priority: 0x60 }));
    m.lr(3, makeLr({ virtualId: 60, priority: 0x60 }));
    expect(m.vr(GICV.IAR)).toBe(70);
    expect(m.vr(GICV.IAR)).toBe(1023);
  });
  it('an SGI LR (HW = 0) reports its source CPU in IAR[12:10]; EOIR must name the same source', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 3, priority: 0x20, cpuId: 5 }));
    expect(m.vr(GICV.IAR)).toBe(3 | (5 << 10));
    m.hw(GICH.HCR, HCR.EN | HCR.LRENPIE);
    m.vw(GICV.EOIR, 3 | (2 << 10));          // wrong source: no LR matches, counted (§5.3.1 EOICount)
    expect(m.hr(GICH.HCR) >>> 27).toBe(1);
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(2); // still active
    m.vw(GICV.APR0, 1 << 4);                   // restore the dropped priority for the real EOI
    m.vw(GICV.EOIR, 3 | (5 << 10));
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(0);
  });
  it('pending+active LR: IAR does not take it; EOI deactivation leaves it pending', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 33, priority: 0x10, state: 'pending+active' }));
    expect(m.vr(GICV.IAR)).toBe(1023);
    expect(m.virq[0].level).toBe(false);
    m.vw(GICV.APR0, 1 << 2);
    m.vw(GICV.EOIR, 33);
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(1);
    expect(m.vr(GICV.IAR)).toBe(33);
  });
  it('special IDs 1020..1023 written to EOIR are ignored', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }));
    m.vr(GICV.IAR);
    m.vw(GICV.EOIR, 1023);
    expect(m.vr(GICV.RPR)).toBe(0x80);
    expect(m.hr(GICH.HCR) >>> 27).toBe(0);
  });
});

describe('GICV priority masking and binary point (§3.3, GICV_PMR / GICV_BPR)', () => {
  it('PMR keeps 5 bits; an LR priority equal to or below PMR is masked', () => {
    const m = vgic();
    m.on();
    m.vw(GICV.PMR, 0x87);
    expect(m.vr(GICV.PMR)).toBe(0x80);
    expect(m.hr(GICH.VMCR) >>> 27).toBe(0x10); // VMPriMask = PMR[7:3] (§5.3.3)
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }));
    expect(m.virq[0].level).toBe(false);
    expect(m.vr(GICV.IAR)).toBe(1023);
    expect(m.vr(GICV.HPPIR)).toBe(40); // HPPIR ignores the mask
    m.vw(GICV.PMR, 0x88);
    expect(m.virq[0].level).toBe(true);
    expect(m.vr(GICV.IAR)).toBe(40);
  });
  it('BPR: minimum 2; with BPR 4 priorities 0x40 and 0x50 share group priority 0x40 (no preemption)', () => {
    const m = vgic();
    m.on();
    m.vw(GICV.BPR, 0);
    expect(m.vr(GICV.BPR)).toBe(2);
    m.vw(GICV.BPR, 4);                          // group priority = bits [7:5]
    expect(m.vr(GICV.BPR)).toBe(4);
    expect((m.hr(GICH.VMCR) >>> 21) & 7).toBe(4);
    m.lr(0, makeLr({ virtualId: 40, priority: 0x50 }));
    expect(m.vr(GICV.IAR)).toBe(40);
    expect(m.vr(GICV.APR0)).toBe(1 << (0x40 >> 3));
    expect(m.vr(GICV.RPR)).toBe(0x40);
    m.lr(1, makeLr({ virtualId: 41, priority: 0x40 }));
    expect(m.virq[0].level).toBe(false);        // 0x40 is not < running 0x40
    m.lr(2, makeLr({ virtualId: 42, priority: 0x38 }));
    expect(m.virq[0].level).toBe(true);         // group priority 0x20 < 0x40
  });
  it('group 1 uses ABPR (minimum 3) unless CBPR', () => {
    const m = vgic();
    m.on();
    m.vw(GICV.CTLR, 3 | 4);                     // AckCtl: group 1 through IAR
    m.vw(GICV.ABPR, 1);
    expect(m.vr(GICV.ABPR)).toBe(3);
    m.vw(GICV.ABPR, 5);                         // group priority = bits [7:5]
    m.lr(0, makeLr({ virtualId: 90, priority: 0x58, group1: true }));
    expect(m.vr(GICV.IAR)).toBe(90);
    expect(m.vr(GICV.APR0)).toBe(1 << (0x40 >> 3));
    m.vw(GICV.EOIR, 90);
    m.vw(GICV.CTLR, 3 | 4 | 16);                // CBPR: group 1 uses BPR (2 → bits [7:3])
    m.lr(0, makeLr({ virtualId: 90, priority: 0x58, group1: true }));
    expect(m.vr(GICV.IAR)).toBe(90);
    expect(m.vr(GICV.APR0)).toBe(1 << (0x58 >> 3));
  });
});

describe('GICV groups, aliases and FIQ (§5.4; GICC semantics without Security Extensions)', () => {
  it('group 1 through IAR with AckCtl = 0 reads 1022 and stays pending; AIAR takes it', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 45, priority: 0x80, group1: true }));
    expect(m.vr(GICV.HPPIR)).toBe(1022);
    expect(m.vr(GICV.AHPPIR)).toBe(45);
    expect(m.vr(GICV.IAR)).toBe(1022);
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(1);
    expect(m.vr(GICV.AIAR)).toBe(45);
    m.vw(GICV.EOIR, 45);                          // wrong alias: ignored
    expect(m.vr(GICV.RPR)).toBe(0x80);
    m.vw(GICV.AEOIR, 45);
    expect(m.vr(GICV.RPR)).toBe(0xff);
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(0);
  });
  it('AIAR does not take a group 0 LR', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 45, priority: 0x80 }));
    expect(m.vr(GICV.AIAR)).toBe(1023);
    expect(m.vr(GICV.AHPPIR)).toBe(1023);
  });
  it('a disabled group is not signalled; group 0 with FIQEn is a virtual FIQ', () => {
    const m = vgic();
    m.on();
    m.vw(GICV.CTLR, 2);                          // only group 1 enabled
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }));
    expect(m.virq[0].level).toBe(false);
    expect(m.vr(GICV.IAR)).toBe(1023);
    m.vw(GICV.CTLR, 1 | 8);                      // group 0 + FIQEn
    expect(m.vfiq[0].level).toBe(true);
    expect(m.virq[0].level).toBe(false);
    expect(m.v.vfiqAsserted(0)).toBe(true);
  });
  it('GICV_CTLR is GICH_VMCR[9,4:0] (§5.3.3)', () => {
    const m = vgic();
    m.vw(GICV.CTLR, 0xffffffff);
    expect(m.vr(GICV.CTLR)).toBe(0x21f);
    expect(m.hr(GICH.VMCR) & 0x3ff).toBe(0x21f);
    m.hw(GICH.VMCR, (0x1f << 27) | (5 << 21) | (6 << 18) | 1);
    expect(m.vr(GICV.PMR)).toBe(0xf8);
    expect(m.vr(GICV.BPR)).toBe(5);
    expect(m.vr(GICV.ABPR)).toBe(6);
    expect(m.vr(GICV.CTLR)).toBe(1);
  });
  it('GICH_HCR.En = 0: nothing is signalled and IAR reads 1023', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }));
    expect(m.v.virqAsserted(0)).toBe(true);
    m.hw(GICH.HCR, 0);
    expect(m.v.virqAsserted(0)).toBe(false);
    expect(m.vr(GICV.IAR)).toBe(1023);
  });
});

describe('EOImode = 1 and GICV_DIR; HW interrupts (§5.3.10, §5.4)', () => {
  it('EOImode 1: EOIR only drops priority; DIR deactivates; DIR without a match counts in EOICount', () => {
    const m = vgic();
    m.on();
    m.vw(GICV.CTLR, 3 | (1 << 9));
    expect((m.hr(GICH.VMCR) >>> 9) & 1).toBe(1); // VEM
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }));
    expect(m.vr(GICV.IAR)).toBe(40);
    m.vw(GICV.EOIR, 40);
    expect(m.vr(GICV.RPR)).toBe(0xff);
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(2);
    m.vw(GICV.DIR, 40);
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(0);
    m.vw(GICV.DIR, 41);
    expect(m.hr(GICH.HCR) >>> 27).toBe(1);
  });
  it('EOImode 0: DIR is ignored', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80, state: 'active' }));
    m.vw(GICV.DIR, 40);
    expect(m.hr(GICH.LR0) >>> 28 & 3).toBe(2);
  });
  it('HW = 1: deactivating the virtual interrupt deactivates PhysicalID; no EOI maintenance', () => {
    const m = vgic();
    m.on();
    m.hw(GICH.HCR, HCR.EN);
    m.lr(0, makeLr({ virtualId: 27, priority: 0x80, hw: true, physicalId: 27 }));
    expect(m.vr(GICV.IAR)).toBe(27);
    m.vw(GICV.EOIR, 27);
    expect(m.deactivated).toEqual([[0, 27]]);
    expect(m.hr(GICH.EISR0)).toBe(0);
    expect(m.hr(GICH.ELRSR0)).toBe(0xf);
    expect(m.maint[0].level).toBe(false);
  });
  it('HW deactivation reaches the physical GIC-400 distributor (GICD_ISACTIVER clears)', () => {
    const gic = new Gic400({ cpus: 1 });
    const v = new Gic400Virt(wireToGic(gic, 1));
    gic.distributor.write(0x000, 4, 1, 0);
    gic.distributor.write(0x100, 4, 1 << 27, 0);       // enable PPI 27 (virtual timer)
    gic.cpuInterface.write(0x000, 4, 1 | (1 << 9), 0); // EOImode 1: the hypervisor drops, the VM deactivates
    gic.cpuInterface.write(0x004, 4, 0xff, 0);
    gic.setInput(27, true, 0);
    expect(gic.cpuInterface.read(0x0c, 4, 0)).toBe(27);
    gic.cpuInterface.write(0x010, 4, 27, 0);
    expect(gic.isActive(27, 0)).toBe(true);
    v.gich.write(GICH.HCR, 4, HCR.EN, 0);
    v.gicv.write(GICV.CTLR, 4, 1, 0);
    v.gicv.write(GICV.PMR, 4, 0xff, 0);
    v.gich.write(GICH.LR0, 4, makeLr({ virtualId: 27, priority: 0xa0, hw: true, physicalId: 27 }), 0);
    expect(v.gicv.read(GICV.IAR, 4, 0)).toBe(27);
    v.gicv.write(GICV.EOIR, 4, 27, 0);
    expect(gic.isActive(27, 0)).toBe(false);
  });
});

describe('maintenance interrupt: GICH_MISR, EISR, ELRSR (§5.3.4–5.3.6)', () => {
  it('EOI: an LR with EOI = 1, HW = 0 that becomes invalid sets EISR and MISR.EOI; writing the LR clears it', () => {
    const m = vgic();
    m.on();
    m.lr(1, makeLr({ virtualId: 40, priority: 0x80, eoi: true }));
    expect(m.hr(GICH.ELRSR0)).toBe(0xd);   // LR1 holds an interrupt
    expect(m.vr(GICV.IAR)).toBe(40);
    expect(m.maint[0].level).toBe(false);
    m.vw(GICV.EOIR, 40);
    expect(m.hr(GICH.EISR0)).toBe(0b10);
    expect(m.hr(GICH.ELRSR0)).toBe(0xd);   // not empty: it still holds an EOI request
    expect(m.hr(GICH.MISR)).toBe(MISR.EOI);
    expect(m.maint[0].level).toBe(true);
    expect(m.maint[0].rises).toBe(1);
    m.lr(1, 0);
    expect(m.hr(GICH.EISR0)).toBe(0);
    expect(m.hr(GICH.ELRSR0)).toBe(0xf);
    expect(m.maint[0].level).toBe(false);
  });
  it('maintenance needs GICH_HCR.En: MISR shows the condition, the wire stays low', () => {
    const m = vgic();
    m.lr(0, makeLr({ virtualId: 40, eoi: true, state: 'invalid' }));
    expect(m.hr(GICH.MISR)).toBe(MISR.EOI);
    expect(m.maint[0].level).toBe(false);
    m.hw(GICH.HCR, HCR.EN);
    expect(m.maint[0].level).toBe(true);
  });
  it('U: UIE and at most one valid LR', () => {
    const m = vgic();
    m.lr(0, makeLr({ virtualId: 40 }));
    m.lr(1, makeLr({ virtualId: 41 }));
    m.hw(GICH.HCR, HCR.EN | HCR.UIE);
    expect(m.hr(GICH.MISR)).toBe(0);
    m.lr(1, 0);
    expect(m.hr(GICH.MISR)).toBe(MISR.U);
    expect(m.maint[0].level).toBe(true);
  });
  it('LRENP: LRENPIE and EOICount ≠ 0 (an EOI with no matching LR, EOImode 0)', () => {
    const m = vgic();
    m.on();
    m.hw(GICH.HCR, HCR.EN | HCR.LRENPIE);
    expect(m.hr(GICH.MISR)).toBe(0);
    m.vw(GICV.EOIR, 77);
    expect(m.hr(GICH.HCR) >>> 27).toBe(1);
    expect(m.hr(GICH.MISR)).toBe(MISR.LRENP);
    expect(m.maint[0].level).toBe(true);
    m.hw(GICH.HCR, HCR.EN | HCR.LRENPIE);  // the hypervisor resets EOICount
    expect(m.maint[0].level).toBe(false);
    m.hw(GICH.HCR, HCR.EN | (31 << 27));
    m.vw(GICV.EOIR, 77);                   // wraps (5-bit field)
    expect(m.hr(GICH.HCR) >>> 27).toBe(0);
  });
  it('NP: NPIE and no LR in the pending state (pending+active does not count)', () => {
    const m = vgic();
    m.hw(GICH.HCR, HCR.EN | HCR.NPIE);
    expect(m.hr(GICH.MISR)).toBe(MISR.NP);
    m.lr(0, makeLr({ virtualId: 40, state: 'active' }));
    expect(m.hr(GICH.MISR)).toBe(MISR.NP);
    m.lr(1, makeLr({ virtualId: 41, state: 'pending+active' }));
    expect(m.hr(GICH.MISR)).toBe(MISR.NP);
    m.lr(2, makeLr({ virtualId: 42, state: 'pending' }));
    expect(m.hr(GICH.MISR)).toBe(0);
    expect(m.maint[0].level).toBe(false);
  });
  it('VGrp0E/D, VGrp1E/D follow the guest\'s GICV_CTLR group enables', () => {
    const m = vgic();
    m.hw(GICH.HCR, HCR.EN | HCR.VGRP0EIE | HCR.VGRP0DIE | HCR.VGRP1EIE | HCR.VGRP1DIE);
    expect(m.hr(GICH.MISR)).toBe(MISR.VGRP0D | MISR.VGRP1D);
    m.vw(GICV.CTLR, 1);
    expect(m.hr(GICH.MISR)).toBe(MISR.VGRP0E | MISR.VGRP1D);
    m.vw(GICV.CTLR, 2);
    expect(m.hr(GICH.MISR)).toBe(MISR.VGRP0D | MISR.VGRP1E);
  });
  it('maintenance goes to PPI 9 (INTID 25) of the GIC-400, per CPU', () => {
    const gic = new Gic400({ cpus: 2 });
    const v = new Gic400Virt(wireToGic(gic, 2));
    v.gich.write(GICH.HCR, 4, HCR.EN | HCR.NPIE, 1);
    expect(gic.pending(25, 1)).toBe(true);
    expect(gic.pending(25, 0)).toBe(false);
    expect(gic.distributor.read(0xd00, 4, 1) & (1 << 9)).not.toBe(0); // GICD_PPISR bit 9 = INTID 25 (GIC-400 TRM)
    v.gich.write(GICH.HCR, 4, 0, 1);
    expect(gic.pending(25, 1)).toBe(false);
  });
});

describe('banking per CPU and the GIC-400 alias frames', () => {
  it('each CPU sees its own GICH and GICV; alias frame n reaches CPU n\'s GICH from any CPU', () => {
    const m = vgic(2);
    m.on(0); m.on(1);
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }), 1);
    expect(m.hr(GICH.LR0, 0)).toBe(0);
    expect(m.hr(GICH.LR0, 1)).toBe(makeLr({ virtualId: 40, priority: 0x80 }));
    expect(m.hr(GICH.ALIAS_BASE + GICH.ALIAS_STRIDE * 1 + GICH.LR0, 0)).toBe(makeLr({ virtualId: 40, priority: 0x80 }));
    expect(m.virq[0].level).toBe(false);
    expect(m.virq[1].level).toBe(true);
    expect(m.vr(GICV.IAR, 0)).toBe(1023);
    expect(m.vr(GICV.IAR, 1)).toBe(40);
    m.hw(GICH.ALIAS_BASE + GICH.LR0 + 4, makeLr({ virtualId: 50, priority: 0x10 }), 1); // CPU 0's LR1
    expect(m.hr(GICH.LR0 + 4, 0)).toBe(makeLr({ virtualId: 50, priority: 0x10 }));
    expect(m.vr(GICV.IAR, 0)).toBe(50);
    // Frames of CPUs that do not exist read as zero.
    expect(m.hr(GICH.ALIAS_BASE + GICH.ALIAS_STRIDE * 5 + GICH.VTR, 0)).toBe(0);
  });
  it('mapped on the Pi 4 bus at GICH 0xff844000 / GICV 0xff846000', () => {
    const d = createPi4Devices({ cpus: 2, ramBytes: 64 << 20 });
    const bus: PhysBus = d.bus;
    expect(bus.read(GIC400.GICH_BASE + GICH.VTR, 4, 1)).toBe(0x90000003);
    expect(bus.read(GIC400.GICV_BASE + GICV.IIDR, 4, 0)).toBe(0x0202143b);
    bus.write(GIC400.GICH_BASE + GICH.HCR, 4, 1, 1);
    expect(d.gicVirt.gich.read(GICH.HCR, 4, 1)).toBe(1);
    expect(bus.read(GIC400.GICV_BASE + GICV.DIR, 4, 0)).toBe(0);
  });
});

describe('save / restore and hostile accesses', () => {
  it('round trip through JSON keeps LRs, HCR, VMCR, APR and the outputs', () => {
    const a = vgic(2);
    a.on(1);
    a.hw(GICH.HCR, HCR.EN | HCR.NPIE | (3 << 27), 1);
    a.lr(0, makeLr({ virtualId: 40, priority: 0x80 }), 1);
    a.lr(3, makeLr({ virtualId: 33, priority: 0x20, eoi: true }), 1);
    expect(a.vr(GICV.IAR, 1)).toBe(33);
    a.vw(GICV.BPR, 5, 1);
    const snap = JSON.parse(JSON.stringify(a.v.save()));
    const b = vgic(2);
    b.v.restore(snap);
    for (const off of [GICH.HCR, GICH.VMCR, GICH.APR, GICH.MISR, GICH.ELRSR0, GICH.EISR0, GICH.LR0, GICH.LR0 + 4, GICH.LR0 + 8, GICH.LR0 + 12]) {
      expect(b.hr(off, 1)).toBe(a.hr(off, 1));
    }
    expect(b.virq[1].level).toBe(a.virq[1].level);
    expect(b.maint[1].level).toBe(a.maint[1].level);
    b.vw(GICV.EOIR, 33, 1);
    expect(b.hr(GICH.EISR0, 1)).toBe(0b1000);
    expect(() => vgic(1).v.restore(snap)).toThrow(/different configuration/);
    const damaged = JSON.parse(JSON.stringify(snap));
    damaged.banks[1].lr = [1, 2];
    const c = vgic(2);
    c.lr(0, 0x10000007, 1);
    expect(() => c.v.restore(damaged)).toThrow(/damaged/);
    expect(c.hr(GICH.LR0, 1)).toBe(0x10000007); // nothing half-restored
  });
  it('saveBank / loadBank switch one CPU between two vCPUs\' vGIC contexts', () => {
    const m = vgic(2);
    m.on(1);
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }), 1);
    expect(m.vr(GICV.IAR, 1)).toBe(40);
    const vcpuA = m.v.saveBank(1);
    m.v.loadBank(1, { hcr: HCR.EN, vmcr: VMCR_RESET | 3 | (0x1f << 27), apr: 0, lr: [makeLr({ virtualId: 99, priority: 0x10 }), 0, 0, 0] });
    expect(m.virq[1].level).toBe(true);
    expect(m.vr(GICV.IAR, 1)).toBe(99);
    m.v.loadBank(1, vcpuA);
    expect(m.vr(GICV.RPR, 1)).toBe(0x80);
    expect(m.hr(GICH.LR0, 1) >>> 28 & 3).toBe(2);
    m.vw(GICV.EOIR, 40, 1);
    expect(m.hr(GICH.ELRSR0, 1)).toBe(0xf);
    expect(m.hr(GICH.LR0, 0)).toBe(0); // the other CPU's bank is untouched
  });
  it('reset restores the reset values', () => {
    const m = vgic();
    m.on();
    m.lr(0, makeLr({ virtualId: 40, priority: 0x80 }));
    m.v.reset();
    expect(m.hr(GICH.HCR)).toBe(0);
    expect(m.hr(GICH.VMCR)).toBe(0x004c0000);
    expect(m.hr(GICH.LR0)).toBe(0);
    expect(m.virq[0].level).toBe(false);
  });
  it('random accesses at every offset and size never throw', () => {
    const m = vgic(2);
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const sizes: AccessSize[] = [1, 2, 4, 8];
    const sink = warnSink, warnings: string[] = [];
    setWarnSink((w) => warnings.push(w));
    try {
      for (let i = 0; i < 20000; i++) {
        const dev = rnd() & 1 ? m.v.gich : m.v.gicv;
        const off = (rnd() % 0x2000) & ~3, size = sizes[rnd() & 3], cpu = rnd() % 10;
        expect(() => { if (rnd() & 1) dev.read(off, size, cpu); else dev.write(off, size, rnd(), cpu); }).not.toThrow();
      }
    } finally { setWarnSink(sink); }
    expect(warnings.length).toBeLessThan(20); // each kind of misuse is reported once
    expect(typeof m.hr(GICH.MISR)).toBe('number');
  });
});

describe('whole machine save/restore includes the vGIC', () => {
  it('saveDevices / restoreDevices carry GICH state', () => {
    const a = createPi4Devices({ cpus: 1, ramBytes: 64 << 20 });
    a.gicVirt.gich.write(GICH.LR0, 4, LR.PENDING | 44, 0);
    const snap = JSON.parse(JSON.stringify(saveDevices(a)));
    const b = createPi4Devices({ cpus: 1, ramBytes: 64 << 20 });
    restoreDevices(b, snap);
    expect(b.gicVirt.gich.read(GICH.LR0, 4, 0)).toBe((LR.PENDING | 44) >>> 0);
  });
});
