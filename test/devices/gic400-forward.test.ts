// The GIC-400 model as a VM's distributor under a virtual CPU interface (Gic400.forwardable,
// acknowledgeVirtual, deactivateVirtual; used by hypervisor/host/vgic-host.ts). What the
// distributor forwards follows GICv2 (IHI 0048B §3.2, §4.3): pending, enabled, inactive, group
// enabled in GICD_CTLR, targeting the CPU; an SGI is a separate interrupt per source CPU (§3.2.2).
// Acknowledge makes it active (a level interrupt with its line up stays pending, §3.2.4); the
// CPU interface's PMR and running priority do not apply (the virtual interface has its own).
import { describe, expect, it } from 'vitest';
import { Gic400 } from '../../devices/gic400.js';

function dist(cpus = 2) {
  const g = new Gic400({ cpus });
  const dw = (off: number, v: number, cpu = 0, size: 1 | 4 = 4) => g.distributor.write(off, size, v, cpu);
  const dr = (off: number, cpu = 0) => g.distributor.read(off, 4, cpu);
  const bit = (base: number, id: number, cpu = 0) => (dr(base + 4 * (id >> 5), cpu) >>> (id & 31)) & 1;
  return { g, dw, dr, bit };
}

describe('GIC-400 as a distributor for a virtual CPU interface', () => {
  it('forwards pending+enabled+inactive interrupts targeting the CPU, best priority first, SGIs per source', () => {
    const { g, dw } = dist();
    expect(g.forwardable(0)).toEqual([]);
    dw(0x000, 1); // GICD_CTLR.EnableGrp0
    dw(0x400 + 40, 0x80, 0, 1); dw(0x400 + 41, 0x40, 0, 1);
    dw(0x800 + 40, 1, 0, 1); dw(0x800 + 41, 2, 0, 1);         // 40 → CPU 0, 41 → CPU 1
    dw(0x100 + 4, (1 << 8) | (1 << 9));                        // enable 40, 41
    dw(0x200 + 4, (1 << 8) | (1 << 9));                        // pending
    dw(0xf00, (1 << 16) | 3, 1);                               // SGI 3 from CPU 1 to CPU 0
    dw(0xf00, (1 << 16) | 3, 0);                               // and from CPU 0 to itself
    dw(0x400, 0xa0a0a0a0);                                     // SGI 0..3 priority 0xa0
    expect(g.forwardable(0).map((f) => [f.id, f.source, f.priority])).toEqual([[40, 0, 0x80], [3, 0, 0xa0], [3, 1, 0xa0]]);
    expect(g.forwardable(1).map((f) => f.id)).toEqual([41]);
    // Not with the distributor's group disabled; the CPU interface (never enabled here) is not asked.
    dw(0x000, 0);
    expect(g.forwardable(0)).toEqual([]);
    expect(g.irqAsserted(0)).toBe(false);
  });

  it('acknowledge: active, no longer forwarded; deactivate: an edge one is gone, a level one with its line up is back', () => {
    const { g, dw, bit } = dist(1);
    dw(0x000, 1);
    dw(0x100 + 4, 3 << 8);                  // enable SPIs 40 (level) and 41
    dw(0xc00 + 4 * (41 >> 4), 2 << (2 * (41 % 16))); // 41 edge-triggered
    g.spi(8).set(true);                      // SPI 40 line up (level)
    g.spi(9).set(true);                      // SPI 41 edge
    expect(g.forwardable(0).map((f) => [f.id, f.level])).toEqual([[40, true], [41, false]]);
    g.acknowledgeVirtual(0, 40, 0); g.acknowledgeVirtual(0, 41, 0);
    expect([bit(0x300, 40), bit(0x300, 41)]).toEqual([1, 1]);   // active
    expect([bit(0x200, 40), bit(0x200, 41)]).toEqual([1, 0]);   // level: still pending
    expect(g.forwardable(0)).toEqual([]);
    expect(g.stillForwardable(0, 40, 0)).toBe(false);
    g.deactivateVirtual(0, 40); g.deactivateVirtual(0, 41);
    expect(g.forwardable(0).map((f) => f.id)).toEqual([40]);   // re-sampled: the line is up
    g.spi(8).set(false);
    expect(g.stillForwardable(0, 40, 0)).toBe(false);
    expect(g.forwardable(0)).toEqual([]);
  });

  it('an SGI acknowledged from one source leaves the other source pending', () => {
    const { g, dw, dr } = dist();
    dw(0x000, 1);
    dw(0xf00, (1 << 16) | 5, 0); dw(0xf00, (1 << 16) | 5, 1);
    g.acknowledgeVirtual(0, 5, 1);
    expect(dr(0xf10 + 4, 0) >>> 8 & 0xff).toBe(1);             // GICD_CPENDSGIR1 byte 1: source CPU 0 left
    g.deactivateVirtual(0, 5);
    expect(g.forwardable(0).map((f) => [f.id, f.source])).toEqual([[5, 0]]);
  });

  it('onUpdate is called on every change (a virtual interface host learns of new pending state)', () => {
    const { g, dw } = dist();
    let n = 0;
    g.onUpdate = () => { n++; };
    dw(0x000, 1);
    g.spi(3).set(true);
    expect(n).toBeGreaterThanOrEqual(2);
  });
});
