import { describe, it, expect } from 'vitest';
import { Gic400, SPURIOUS } from '../../devices/gic400.js';
import { LevelLine, type AccessSize } from '../../devices/device.js';

// Distributor and CPU interface offsets.
const CTLR = 0x000, TYPER = 0x004, IIDR = 0x008, IGROUPR = 0x080, ISENABLER = 0x100, ICENABLER = 0x180,
  ISPENDR = 0x200, ICPENDR = 0x280, ISACTIVER = 0x300, ICACTIVER = 0x380, IPRIORITYR = 0x400,
  ITARGETSR = 0x800, ICFGR = 0xc00, SGIR = 0xf00, CPENDSGIR = 0xf10, SPENDSGIR = 0xf20;
const C_CTLR = 0x00, PMR = 0x04, BPR = 0x08, IAR = 0x0c, EOIR = 0x10, RPR = 0x14, HPPIR = 0x18, ABPR = 0x1c,
  AIAR = 0x20, AEOIR = 0x24, AHPPIR = 0x28, APR0 = 0xd0, C_IIDR = 0xfc, DIR = 0x1000;

function machine(cpus = 2, spis?: number) {
  const gic = new Gic400({ cpus, spis });
  const irq = Array.from({ length: cpus }, () => new LevelLine());
  const fiq = Array.from({ length: cpus }, () => new LevelLine());
  irq.forEach((l, c) => gic.connectCpu(c, l, fiq[c]));
  const dr = (off: number, cpu = 0, size: AccessSize = 4) => gic.distributor.read(off, size, cpu);
  const dw = (off: number, v: number, cpu = 0, size: AccessSize = 4) => { gic.distributor.write(off, size, v, cpu); };
  const cr = (off: number, cpu = 0, size: AccessSize = 4) => gic.cpuInterface.read(off, size, cpu);
  const cw = (off: number, v: number, cpu = 0, size: AccessSize = 4) => { gic.cpuInterface.write(off, size, v, cpu); };
  const enable = (id: number, cpu = 0) => dw(ISENABLER + 4 * (id >> 5), 1 << (id & 31), cpu);
  const prio = (id: number, p: number, cpu = 0) => dw(IPRIORITYR + id, p, cpu, 1);
  const target = (id: number, mask: number) => dw(ITARGETSR + id, mask, 0, 1);
  /** Distributor and every CPU interface on, PMR open. */
  const on = () => { dw(CTLR, 1); for (let c = 0; c < cpus; c++) { cw(C_CTLR, 1, c); cw(PMR, 0xff, c); } };
  return { gic, irq, fiq, dr, dw, cr, cw, enable, prio, target, on };
}

describe('GIC-400 identification', () => {
  it('TYPER: Pi 4 has 192 SPIs (ITLinesNumber 6), CPUNumber, no Security Extensions', () => {
    const m = machine(4);
    expect(m.dr(TYPER)).toBe(6 | (3 << 5));
    expect(m.gic.irqs).toBe(224);
    expect(machine(1, 224).dr(TYPER)).toBe(7); // 256 IDs when configured with 224 SPIs
  });
  it('IIDR and ID registers', () => {
    const m = machine();
    expect(m.dr(IIDR)).toBe(0x0200143b);
    expect(m.cr(C_IIDR)).toBe(0x0202143b);
    expect([0xff0, 0xff4, 0xff8, 0xffc].map((o) => m.dr(o))).toEqual([0x0d, 0xf0, 0x05, 0xb1]);
    expect(m.dr(0xfe8) & 0xf).toBe(0xb); // JEP106 Arm, part of PIDR2
  });
  it('reset values of the CPU interface', () => {
    const m = machine();
    expect([m.cr(C_CTLR), m.cr(PMR), m.cr(BPR), m.cr(ABPR), m.cr(RPR), m.cr(IAR), m.cr(HPPIR)]).toEqual([0, 0, 2, 3, 0xff, SPURIOUS, SPURIOUS]);
  });
});

describe('GIC-400 enable / pend / acknowledge / EOI', () => {
  it('a level SPI is signalled only when enabled everywhere and above the priority mask', () => {
    const m = machine();
    const uart = m.gic.spi(121); // ID 153
    m.prio(153, 0xa0);
    m.target(153, 1);
    uart.set(true);
    expect(m.irq[0].level).toBe(false);              // nothing enabled yet
    expect(m.dr(ISPENDR + 4 * (153 >> 5)) >>> 0).toBe(1 << (153 & 31)); // but pending
    m.enable(153);
    m.dw(CTLR, 1);
    expect(m.irq[0].level).toBe(false);              // CPU interface off
    m.cw(C_CTLR, 1);
    expect(m.irq[0].level).toBe(false);              // PMR 0 masks everything
    m.cw(PMR, 0xf0);
    expect(m.irq[0].level).toBe(true);
    expect(m.irq[1].level).toBe(false);              // targeted at CPU 0 only
    expect(m.cr(HPPIR)).toBe(153);
    expect(m.cr(IAR)).toBe(153);
    expect(m.irq[0].level).toBe(false);              // active (and still pending: wire high)
    expect(m.cr(RPR)).toBe(0xa0);
    expect(m.gic.isActive(153) && m.gic.pending(153)).toBe(true);
    uart.set(false);                                  // the device was serviced
    m.cw(EOIR, 153);
    expect(m.cr(RPR)).toBe(0xff);
    expect(m.gic.isActive(153)).toBe(false);
    expect(m.irq[0].level).toBe(false);
    expect(m.cr(IAR)).toBe(SPURIOUS);
  });

  it('level: EOI with the wire still high signals again; ICPENDR cannot clear a high wire', () => {
    const m = machine(1); m.on();
    m.enable(40); m.prio(40, 0x80);
    const line = m.gic.spi(8);
    line.set(true);
    expect(m.cr(IAR)).toBe(40);
    m.cw(EOIR, 40);
    expect(m.irq[0].level).toBe(true);
    m.dw(ICPENDR + 4, 1 << 8);
    expect(m.gic.pending(40)).toBe(true);
    line.set(false);
    expect(m.gic.pending(40)).toBe(false);
    expect(m.irq[0].level).toBe(false);
  });

  it('level: a software-set pending state survives the wire and is consumed by the acknowledge', () => {
    const m = machine(1); m.on();
    m.enable(40);
    m.dw(ISPENDR + 4, 1 << 8);
    expect(m.gic.pending(40)).toBe(true);
    m.gic.spi(8).set(true); m.gic.spi(8).set(false);
    expect(m.gic.pending(40)).toBe(true);
    expect(m.cr(IAR)).toBe(40);
    expect(m.gic.pending(40)).toBe(false);
    m.cw(EOIR, 40);
    expect(m.cr(IAR)).toBe(SPURIOUS);
  });

  it('edge: a pulse latches; a second edge while active makes it active and pending', () => {
    const m = machine(1); m.on();
    m.dw(ICFGR + 4 * (40 >> 4), 2 << (2 * (40 & 15))); // ID 40 edge-triggered
    expect(m.dr(ICFGR + 8) >>> 0).toBe(2 << 16);
    m.enable(40);
    const line = m.gic.spi(8);
    line.set(true); line.set(false);
    expect(m.gic.pending(40)).toBe(true);
    expect(m.cr(IAR)).toBe(40);
    expect(m.gic.pending(40)).toBe(false);
    line.set(true); line.set(false);
    expect(m.gic.pending(40) && m.gic.isActive(40)).toBe(true);
    expect(m.irq[0].level).toBe(false);    // an active interrupt is not signalled again
    m.cw(EOIR, 40);
    expect(m.irq[0].level).toBe(true);
    expect(m.cr(IAR)).toBe(40);
    m.cw(EOIR, 40);
    expect(m.cr(IAR)).toBe(SPURIOUS);
    line.set(true);                        // holding the wire high is one edge only
    expect(m.cr(IAR)).toBe(40);
    m.cw(EOIR, 40);
    expect(m.cr(IAR)).toBe(SPURIOUS);
  });

  it('SGIs are fixed edge-triggered and always enabled', () => {
    const m = machine();
    expect(m.dr(ICFGR) >>> 0).toBe(0xaaaaaaaa);
    m.dw(ICFGR, 0);
    expect(m.dr(ICFGR) >>> 0).toBe(0xaaaaaaaa);
    m.dw(ICENABLER, 0xffffffff);
    expect(m.dr(ISENABLER) & 0xffff).toBe(0xffff);
  });

  it('PPI configuration is programmable per CPU', () => {
    const m = machine();
    m.dw(ICFGR + 4, 2 << (2 * 14), 1); // PPI 14 (ID 30) edge on CPU 1
    expect(m.dr(ICFGR + 4, 1) >>> 0).toBe(2 << 28);
    expect(m.dr(ICFGR + 4, 0)).toBe(0);
  });

  it('spurious 1023 when nothing is pending; EOI of 1023 is harmless', () => {
    const m = machine(); m.on();
    expect(m.cr(IAR)).toBe(SPURIOUS);
    m.cw(EOIR, SPURIOUS);
    expect(m.cr(RPR)).toBe(0xff);
  });

  it('ISACTIVER / ICACTIVER set and clear the active state', () => {
    const m = machine(1); m.on();
    m.enable(50);
    m.dw(ISACTIVER + 4, 1 << 18);
    m.gic.spi(18).set(true);
    expect(m.irq[0].level).toBe(false);
    m.dw(ICACTIVER + 4, 1 << 18);
    expect(m.dr(ISACTIVER + 4)).toBe(0);
    expect(m.irq[0].level).toBe(true);
  });
});

describe('GIC-400 priorities and preemption', () => {
  it('highest priority first, ties to the lowest ID; priority fields keep 5 bits', () => {
    const m = machine(1); m.on();
    for (const id of [40, 41, 42]) { m.enable(id); m.gic.setInput(id, true); }
    m.prio(40, 0x80); m.prio(41, 0x40); m.prio(42, 0x40);
    m.prio(43, 0xff);
    expect(m.dr(IPRIORITYR + 40) >>> 24).toBe(0xf8);
    expect(m.cr(IAR)).toBe(41);
    expect(m.cr(IAR)).toBe(SPURIOUS); // 42 has the same priority: cannot preempt 41
    m.gic.setInput(41, false);
    m.cw(EOIR, 41);
    expect(m.cr(IAR)).toBe(42);
    m.gic.setInput(42, false);
    m.cw(EOIR, 42);
    expect(m.cr(IAR)).toBe(40);
  });

  it('PMR masks priorities equal to or lower than it', () => {
    const m = machine(1); m.on();
    m.enable(40); m.prio(40, 0x80); m.gic.setInput(40, true);
    m.cw(PMR, 0x80);
    expect(m.irq[0].level).toBe(false);
    expect(m.cr(HPPIR)).toBe(40);       // HPPIR ignores the mask
    expect(m.cr(IAR)).toBe(SPURIOUS);
    m.cw(PMR, 0x88);
    expect(m.irq[0].level).toBe(true);
    m.cw(PMR, 0xff);
    expect(m.cr(PMR)).toBe(0xf8);
  });

  it('preemption by group priority, nested EOIs restore the running priority', () => {
    const m = machine(1); m.on();
    m.enable(40); m.prio(40, 0x88); m.gic.setInput(40, true);
    m.enable(41); m.prio(41, 0x80);
    expect(m.cr(IAR)).toBe(40);
    expect(m.cr(RPR)).toBe(0x88);
    m.gic.setInput(41, true);
    expect(m.irq[0].level).toBe(true);   // 0x80 < 0x88: preempts
    expect(m.cr(IAR)).toBe(41);
    expect(m.cr(RPR)).toBe(0x80);
    expect(m.cr(APR0)).toBe((1 << 0x10) | (1 << 0x11));
    m.gic.setInput(41, false);
    m.cw(EOIR, 41);
    expect(m.cr(RPR)).toBe(0x88);
    m.gic.setInput(40, false);
    m.cw(EOIR, 40);
    expect(m.cr(RPR)).toBe(0xff);
    expect(m.cr(APR0)).toBe(0);
  });

  it('the binary point groups priorities: same group priority does not preempt', () => {
    const m = machine(1); m.on();
    m.cw(BPR, 3);                        // group priority = bits [7:4]
    m.enable(40); m.prio(40, 0x88); m.gic.setInput(40, true);
    m.enable(41); m.prio(41, 0x80);
    expect(m.cr(IAR)).toBe(40);
    expect(m.cr(RPR)).toBe(0x80);        // the running priority is the group priority
    m.gic.setInput(41, true);
    expect(m.irq[0].level).toBe(false);
    expect(m.cr(IAR)).toBe(SPURIOUS);
    m.cw(BPR, 0);
    expect(m.cr(BPR)).toBe(2);           // minimum binary point
    m.cw(BPR, 7);
    expect(m.cr(BPR)).toBe(7);
  });
});

describe('GIC-400 SGIs', () => {
  it('target list, all-but-self and self, with the source CPU in IAR[12:10]', () => {
    const m = machine(4); m.on();
    m.dw(SGIR, (0b0110 << 16) | 3, 0);             // CPU 0 → CPUs 1 and 2, SGI 3
    expect(m.irq.map((l) => l.level)).toEqual([false, true, true, false]);
    expect(m.cr(IAR, 1)).toBe(3);
    m.dw(SGIR, (1 << 24) | 5, 2);                  // CPU 2 → all but self, SGI 5
    expect(m.cr(IAR, 3)).toBe(5 | (2 << 10));
    expect(m.gic.pending(5, 2)).toBe(false);
    m.dw(SGIR, (2 << 24) | 9, 3);                  // CPU 3 → self
    expect(m.gic.pending(9, 3)).toBe(true);
    expect(m.gic.pending(9, 0)).toBe(false);
    m.dw(SGIR, (0xf0 << 16) | 1, 0);               // targets that do not exist are ignored
    expect([0, 1, 2, 3].some((c) => m.gic.pending(1, c))).toBe(false);
  });

  it('per-source pending: one SGI from two CPUs is taken twice; SPENDSGIR/CPENDSGIR', () => {
    const m = machine(4); m.on();
    m.dw(SGIR, (0b0010 << 16) | 7, 0);
    m.dw(SGIR, (0b0010 << 16) | 7, 3);
    expect(m.dr(SPENDSGIR + 4, 1) >>> 24).toBe(0b1001); // byte for SGI 7 on CPU 1
    expect(m.dr(SPENDSGIR + 7, 1, 1)).toBe(0b1001);
    expect(m.dr(ISPENDR, 1) & 0xffff).toBe(1 << 7);
    expect(m.cr(IAR, 1)).toBe(7);
    expect(m.gic.pending(7, 1) && m.gic.isActive(7, 1)).toBe(true);
    m.cw(EOIR, 7, 1);
    expect(m.cr(IAR, 1)).toBe(7 | (3 << 10));
    m.cw(EOIR, 7 | (3 << 10), 1);
    expect(m.cr(IAR, 1)).toBe(SPURIOUS);
    m.dw(SPENDSGIR + 2, 0b0101, 1, 1);               // set SGI 2 from CPUs 0 and 2
    m.dw(CPENDSGIR + 2, 0b0001, 1, 1);               // clear the one from CPU 0
    expect(m.dr(CPENDSGIR, 1) >>> 16 & 0xff).toBe(0b0100);
    expect(m.cr(IAR, 1)).toBe(2 | (2 << 10));
  });

  it('ISPENDR/ICPENDR cannot set or clear SGIs', () => {
    const m = machine(2); m.on();
    m.dw(ISPENDR, 0xffff);
    expect(m.irq[0].level).toBe(false);
    m.dw(SGIR, (1 << 16) | 4, 1);
    m.dw(ICPENDR, 0xffff);
    expect(m.gic.pending(4, 0)).toBe(true);
  });
});

describe('GIC-400 banking and targets', () => {
  it('SGI/PPI enables and priorities are per CPU', () => {
    const m = machine(2); m.on();
    m.enable(30, 1);
    m.prio(30, 0x40, 1);
    expect(m.dr(ISENABLER, 0) >>> 0).toBe(0xffff);
    expect(m.dr(ISENABLER, 1) >>> 0).toBe(0xffff | (1 << 30));
    expect(m.dr(IPRIORITYR + 30, 0, 1)).toBe(0);
    expect(m.dr(IPRIORITYR + 30, 1, 1)).toBe(0x40);
    m.gic.ppi(0, 14).set(true);
    expect(m.irq[0].level).toBe(false); // not enabled on CPU 0
    m.gic.ppi(1, 14).set(true);
    expect(m.irq[1].level).toBe(true);
    expect(m.cr(IAR, 1)).toBe(30);
    expect(m.cr(IAR, 0)).toBe(SPURIOUS);
    expect(m.dr(0xd00, 0) >>> 0).toBe(1 << 14);  // GICD_PPISR shows each CPU's own wires
  });

  it('ITARGETSR: SGI/PPI bytes read as the accessing CPU, read-only; SPI targets masked to real CPUs', () => {
    const m = machine(4);
    expect(m.dr(ITARGETSR, 2) >>> 0).toBe(0x04040404);
    expect(m.dr(ITARGETSR + 28, 3) >>> 0).toBe(0x08080808);
    m.dw(ITARGETSR, 0xffffffff, 0);
    expect(m.dr(ITARGETSR, 0) >>> 0).toBe(0x01010101);
    m.dw(ITARGETSR + 32, 0xff3f1f03);
    expect(m.dr(ITARGETSR + 32) >>> 0).toBe(0x0f0f0f03);
    m.dw(ITARGETSR + 37, 0xff, 0, 1);
    expect(m.dr(ITARGETSR + 37, 0, 1)).toBe(0x0f);
    // Linux's gic_get_cpumask: the first non-zero ITARGETSR0..7 word, folded to a byte.
    for (let c = 0; c < 4; c++) {
      let mask = m.dr(ITARGETSR, c); mask |= mask >>> 16; mask |= mask >>> 8;
      expect(mask & 0xff).toBe(1 << c);
    }
  });

  it('uniprocessor: ITARGETSR are RAZ/WI and every SPI goes to CPU 0', () => {
    const m = machine(1); m.on();
    expect(m.dr(ITARGETSR)).toBe(0);
    m.dw(ITARGETSR + 40, 0x02, 0, 1);
    expect(m.dr(ITARGETSR + 40, 0, 1)).toBe(0);
    m.enable(40); m.gic.setInput(40, true);
    expect(m.irq[0].level).toBe(true);
  });

  it('an SPI targeting several CPUs is taken by one (1-N)', () => {
    const m = machine(2); m.on();
    m.enable(60); m.target(60, 3); m.gic.setInput(60, true);
    expect(m.irq.map((l) => l.level)).toEqual([true, true]);
    expect(m.cr(IAR, 1)).toBe(60);
    expect(m.irq.map((l) => l.level)).toEqual([false, false]);
    expect(m.cr(IAR, 0)).toBe(SPURIOUS);
    m.target(60, 0);
    m.gic.setInput(60, false); m.cw(EOIR, 60, 1);
    m.gic.setInput(60, true);
    expect(m.irq.map((l) => l.level)).toEqual([false, false]); // no target: never signalled
  });
});

describe('GIC-400 EOImode, groups and FIQ', () => {
  it('EOImode 1: EOIR drops priority only, DIR deactivates', () => {
    const m = machine(1); m.on();
    m.cw(C_CTLR, 1 | (1 << 9));
    m.enable(40); m.prio(40, 0x80); m.gic.setInput(40, true);
    expect(m.cr(IAR)).toBe(40);
    m.gic.setInput(40, false);
    m.cw(EOIR, 40);
    expect(m.cr(RPR)).toBe(0xff);
    expect(m.gic.isActive(40)).toBe(true);
    m.gic.setInput(40, true);
    expect(m.irq[0].level).toBe(false);  // still active
    m.cw(DIR, 40);
    expect(m.gic.isActive(40)).toBe(false);
    expect(m.irq[0].level).toBe(true);
  });

  it('DIR with EOImode 0 is ignored', () => {
    const m = machine(1); m.on();
    m.enable(40); m.gic.setInput(40, true);
    expect(m.cr(IAR)).toBe(40);
    m.cw(DIR, 40);
    expect(m.gic.isActive(40)).toBe(true);
  });

  it('group 0 goes to FIQ when FIQEn; group 1 needs EnableGrp1 and AckCtl or the aliased registers', () => {
    const m = machine(1);
    m.dw(CTLR, 3); m.cw(PMR, 0xff);
    m.cw(C_CTLR, 1 | 8);                    // EnableGrp0, FIQEn
    m.enable(40); m.gic.setInput(40, true);
    expect([m.irq[0].level, m.fiq[0].level]).toEqual([false, true]);
    m.gic.setInput(40, false);
    m.dw(IGROUPR + 4, 1 << 9);              // ID 41 in group 1
    m.enable(41); m.gic.setInput(41, true);
    expect(m.irq[0].level).toBe(false);     // group 1 not enabled in the CPU interface
    m.cw(C_CTLR, 1 | 2 | 8);
    expect([m.irq[0].level, m.fiq[0].level]).toEqual([true, false]);
    expect(m.cr(HPPIR)).toBe(1022);
    expect(m.cr(AHPPIR)).toBe(41);
    expect(m.cr(IAR)).toBe(1022);           // AckCtl = 0
    expect(m.cr(AIAR)).toBe(41);
    m.gic.setInput(41, false);
    m.cw(EOIR, 41);                         // wrong register for group 1: ignored
    expect(m.gic.isActive(41)).toBe(true);
    m.cw(AEOIR, 41);
    expect(m.gic.isActive(41)).toBe(false);
    m.cw(C_CTLR, 1 | 2 | 4);                // AckCtl: IAR acknowledges group 1 too
    m.gic.setInput(41, true);
    expect(m.cr(IAR)).toBe(41);
    expect(m.cr(0xe0)).not.toBe(0);         // group 1 priorities go to NSAPR0
  });

  it('group 1 uses ABPR (minimum 3) unless CBPR', () => {
    const m = machine(1);
    m.cw(ABPR, 0);
    expect(m.cr(ABPR)).toBe(3);
  });
});

describe('GIC-400 access rules and robustness', () => {
  it('byte access to priorities, word-only registers ignore sub-word accesses', () => {
    const m = machine(1);
    m.dw(IPRIORITYR + 40, 0x11223344);
    expect(m.dr(IPRIORITYR + 40) >>> 0).toBe(0x10203040 & 0xf8f8f8f8);
    expect(m.dr(IPRIORITYR + 43, 0, 1)).toBe(0x10);
    m.dw(ISENABLER + 4, 0xff, 0, 1);
    expect(m.dr(ISENABLER + 4)).toBe(0);
    expect(m.dr(ISENABLER, 0, 2)).toBe(0);
    m.cw(PMR, 0xf0, 0, 1);
    expect(m.cr(PMR)).toBe(0);
  });

  it('Linux-style bring-up and a UART interrupt', () => {
    const m = machine(4);
    m.dw(CTLR, 0);
    const lines = 32 * ((m.dr(TYPER) & 0x1f) + 1);
    let cpumask = m.dr(ITARGETSR); cpumask |= cpumask >>> 16; cpumask |= cpumask >>> 8; cpumask &= 0xff;
    const mask4 = cpumask * 0x01010101;
    for (let i = 32; i < lines; i += 16) m.dw(ICFGR + i / 4, 0);
    for (let i = 32; i < lines; i += 4) m.dw(ITARGETSR + i, mask4);
    for (let i = 32; i < lines; i += 4) m.dw(IPRIORITYR + i, 0xa0a0a0a0);
    for (let i = 32; i < lines; i += 32) { m.dw(ICACTIVER + i / 8, 0xffffffff); m.dw(ICENABLER + i / 8, 0xffffffff); }
    m.dw(CTLR, 1);
    m.dw(ICACTIVER, 0xffffffff); m.dw(ICENABLER, 0xffff0000); m.dw(ISENABLER, 0x0000ffff);
    for (let i = 0; i < 32; i += 4) m.dw(IPRIORITYR + i, 0xa0a0a0a0);
    m.cw(PMR, 0xf0); m.cw(C_CTLR, 1);
    m.dw(ISENABLER + 4 * (153 >> 5), 1 << (153 & 31));
    m.gic.spi(121).set(true);
    expect(m.irq[0].level).toBe(true);
    const iar = m.cr(IAR);
    expect(iar & 0x3ff).toBe(153);
    m.gic.spi(121).set(false);
    m.cw(EOIR, iar);
    expect(m.cr(IAR)).toBe(SPURIOUS);
  });

  it('never throws on any guest access; reserved offsets read as zero', () => {
    const m = machine(2);
    expect(m.dr(0x00c)).toBe(0);
    expect(m.dr(0xe00)).toBe(0);
    expect(m.cr(0x500)).toBe(0);
    let seed = 1;
    const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
    const sizes: AccessSize[] = [1, 2, 4];
    for (let i = 0; i < 20000; i++) {
      const size = sizes[rnd() % 3], off = (rnd() % 0x1000) & ~(size - 1), cpu = rnd() % 2;
      const v = rnd();
      if (rnd() & 1) m.gic.distributor.write(off, size, v, cpu); else m.gic.distributor.read(off, size, cpu);
      const coff = (rnd() % 0x2000) & ~(size - 1);
      if (rnd() & 1) m.gic.cpuInterface.write(coff, size, v, cpu); else m.gic.cpuInterface.read(coff, size, cpu);
      if (i % 7 === 0) m.gic.setInput(16 + (rnd() % 208), (rnd() & 1) === 1, cpu);
    }
  });

  it('save/restore as JSON reproduces the state', () => {
    const a = machine(2); a.on();
    a.target(40, 1); a.target(41, 1);
    a.enable(40); a.prio(40, 0x80); a.gic.setInput(40, true);
    a.enable(41); a.prio(41, 0x40);
    a.dw(SGIR, (2 << 16) | 3, 0);
    expect(a.cr(IAR)).toBe(40);
    const snap = JSON.parse(JSON.stringify(a.gic.save()));
    const b = machine(2);
    b.gic.restore(snap);
    expect(b.cr(RPR)).toBe(0x80);
    expect(b.gic.isActive(40)).toBe(true);
    expect(b.irq[1].level).toBe(true);
    expect(b.cr(IAR, 1)).toBe(3);
    b.gic.setInput(41, true);
    expect(b.cr(IAR)).toBe(41);
    expect(() => machine(4).gic.restore(snap)).toThrow(/different configuration/);
    b.gic.reset();
    expect([b.cr(RPR), b.dr(CTLR), b.irq[0].level]).toEqual([0xff, 0, false]);
  });
});
