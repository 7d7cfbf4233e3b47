import { describe, it, expect } from 'vitest';
import { PhysBus, MMIO_ABORT, RazWiDevice, type MmioDevice, type AccessSize } from '../../devices/device.js';
import { Gic400, GIC400 } from '../../devices/gic400.js';
import { Pl011, PL011 } from '../../devices/pl011.js';

/** A scratch register file that records accesses. */
class Regs implements MmioDevice {
  readonly name: string;
  regs = new Uint32Array(16);
  log: string[] = [];
  constructor(name: string, readonly allow64 = false) { this.name = name; }
  read(off: number, size: AccessSize, cpu: number): number { this.log.push(`r${size}@${off}/${cpu}`); return off === 0x3c ? MMIO_ABORT : this.regs[off >> 2]; }
  write(off: number, size: AccessSize, v: number, cpu: number): void { this.log.push(`w${size}@${off}=${v.toString(16)}/${cpu}`); this.regs[off >> 2] = v; }
  reset(): void { this.regs.fill(0); }
  save(): unknown { return Array.from(this.regs); }
  restore(s: unknown): void { this.regs.set(s as number[]); }
}

describe('PhysBus', () => {
  it('routes accesses to the device with region offsets and the CPU index', () => {
    const bus = new PhysBus();
    const a = new Regs('a');
    bus.map(0x1000, 0x40, a);
    expect(bus.write(0x1008, 4, 0xdeadbeef, 3)).toBe(true);
    expect(bus.read(0x1008, 4, 2)).toBe(0xdeadbeef);
    expect(a.log).toEqual(['w4@8=deadbeef/3', 'r4@8/2']);
  });

  it('holes, RAM, region overruns and misaligned accesses are external aborts', () => {
    const bus = new PhysBus();
    bus.addRam(0, 0x1000);
    bus.map(0x1000, 0x40, new Regs('a'));
    expect(bus.read(0x2000, 4)).toBe(MMIO_ABORT);
    expect(bus.write(0x2000, 4, 1)).toBe(false);
    expect(bus.read(0x10, 4)).toBe(MMIO_ABORT);          // RAM is not reached through the bus
    expect(bus.lookup(0x10)!.device).toBeNull();           // but the map knows it is RAM
    expect(bus.lookup(0x5000)).toBeUndefined();
    expect(bus.read(0x103e, 4)).toBe(MMIO_ABORT);          // misaligned
    expect(bus.read(0x103c, 8)).toBe(MMIO_ABORT);          // runs past the region
    expect(bus.read(0x103c, 4)).toBe(MMIO_ABORT);          // the device itself refused
  });

  it('8-byte accesses: abort unless the device allows them, then two words, low first', () => {
    const bus = new PhysBus();
    const a = new Regs('a'), b = new Regs('b', true);
    bus.map(0x1000, 0x40, a);
    bus.map(0x2000, 0x40, b);
    expect(bus.read(0x1000, 8)).toBe(MMIO_ABORT);
    expect(bus.write(0x2008, 8, 0x11111111, 0, 0x22222222)).toBe(true);
    expect(b.log).toEqual(['w4@8=11111111/0', 'w4@12=22222222/0']);
    expect(bus.read(0x2008, 8)).toBe(0x11111111);
    expect(bus.hi).toBe(0x22222222);
  });

  it('overlapping regions are refused at configuration time', () => {
    const bus = new PhysBus();
    bus.map(0x1000, 0x100, new Regs('a'));
    expect(() => bus.map(0x10f0, 0x100, new Regs('b'))).toThrow(/overlaps a/);
    expect(() => bus.addRam(0x0, 0x1001)).toThrow(/overlaps/);
    bus.map(0x1100, 0x100, new Regs('c'));                  // adjacent is fine
    expect(bus.list().map((r) => r.base)).toEqual([0x1000, 0x1100]);
  });

  it('the Pi 4 devices at their addresses; GICH/GICV read as zero', () => {
    const bus = new PhysBus();
    const gic = new Gic400({ cpus: 4 });
    const uart = new Pl011({ irq: gic.spi(PL011.PI4_SPI) });
    bus.map(GIC400.DIST_BASE, GIC400.DIST_SIZE, gic.distributor);
    bus.map(GIC400.CPU_BASE, GIC400.CPU_SIZE, gic.cpuInterface);
    bus.map(GIC400.GICH_BASE, GIC400.GICH_SIZE, Gic400.gichStub());
    bus.map(GIC400.GICV_BASE, GIC400.GICV_SIZE, Gic400.gicvStub());
    bus.map(PL011.PI4_BASE, PL011.SIZE, uart);
    expect(bus.read(0xff841008, 4)).toBe(0x0200143b);
    expect(bus.read(0xff8420fc, 4)).toBe(0x0202143b);
    expect(bus.read(0xff841800, 4, 2)).toBe(0x04040404);  // banked by the accessing CPU
    expect(bus.read(0xff844004, 4)).toBe(0);
    expect(bus.read(0xff846000, 4)).toBe(0);
    expect(bus.read(0xfe201fe8, 4)).toBe(0x34);
    expect(bus.read(0xfe201018, 2)).toBe(0x90);
    expect(bus.read(0xff843000, 4)).toBe(0);              // reserved part of the CPU interface
    expect(bus.read(0xff848000, 4)).toBe(MMIO_ABORT);      // past GICV: a hole
    bus.reset();
  });

  it('RazWiDevice ignores writes', () => {
    const d = new RazWiDevice('x');
    d.write();
    expect(d.read()).toBe(0);
  });
});
