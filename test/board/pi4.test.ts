import { describe, it, expect } from 'vitest';
import { buildBoardDtb, buildBoardTree, ramRanges, virtioSlot, PI4_MAP, type Pi4Config } from '../../src/board/pi4.js';
import { parseDtb } from '../../src/board/fdt.js';
import { compile, decompile, findDtc } from './dtc.js';
import { notRun } from '../util/tools.js';
import { bootRngSeed } from '../../src/machine/boot.js';

const full: Pi4Config = {
  ramBytes: 1 << 30, cpus: 4, bootargs: 'console=ttyAMA0 earlycon', initrd: { start: 0x8000000, end: 0x8100000 },
  virtioSlots: 2, timerAlwaysOn: true, restrictedDma: { base: 0x3c000000, size: 0x400000 },
  memreserve: [{ address: 0, size: 0x1000 }], rngSeed: new Uint8Array(32).map((_, i) => i + 1),
};

const dtc = findDtc();

describe('dtc accepts the generated DTB', () => {
  // Never a silent pass: without dtc the test fails in CI and warns locally.
  if (dtc === null) notRun('dtc', 'device-tree-compiler', 'the DTB check against the reference compiler');

  for (const [label, cfg] of [
    ['minimal', { ramBytes: 64 << 20, cpus: 1 }],
    ['full', full],
    ['8 CPUs, 6 GiB, 32 virtio slots', { ramBytes: 6 * 2 ** 30, cpus: 8, virtioSlots: 32 }],
  ] as [string, Pi4Config][]) {
    it.runIf(dtc !== null)(`${label}: dtc -I dtb -O dts, no warnings`, () => {
      const r = decompile(buildBoardDtb(cfg));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // And the decompiled source recompiles cleanly too (dtc runs its checks on source input).
      const again = compile(r.dts);
      expect(parseDtb(again).root.find('/cpus')!.children.length).toBe(cfg.cpus);
    });
  }

  it.runIf(dtc !== null)('dtc sees the properties Linux needs', () => {
    const { dts } = decompile(buildBoardDtb(full));
    expect(dts).toContain('compatible = "arm,gic-400";');
    expect(dts).toContain('interrupts = <0x00 0x79 0x04>;'); // SPI 121, level high
    expect(dts).toContain('compatible = "arm,psci-1.0\\0arm,psci-0.2";');
    expect(dts).toContain('method = "hvc";');
    expect(dts).toContain('stdout-path = "serial0:115200n8";');
  });
});

describe('board DTB contents (parseDtb round trip)', () => {
  const t = parseDtb(buildBoardDtb(full));
  const root = t.root;

  it('root cells and memory', () => {
    expect(root.u32('#address-cells')).toBe(2);
    expect(root.u32('#size-cells')).toBe(2);
    const mem = root.find('/memory@0')!;
    expect(mem.str('device_type')).toBe('memory');
    expect(mem.cells('reg')).toEqual([0, 0, 0, 1 << 30]);
    expect(t.memreserve).toEqual([{ address: 0n, size: 0x1000n }]);
  });

  it('CPUs: cortex-a72, psci, reg = MPIDR affinity', () => {
    const cpus = root.find('/cpus')!;
    expect(cpus.children.map((c) => c.name)).toEqual(['cpu@0', 'cpu@1', 'cpu@2', 'cpu@3']);
    for (const [i, c] of cpus.children.entries()) {
      expect(c.str('compatible')).toBe('arm,cortex-a72');
      expect(c.str('enable-method')).toBe('psci');
      expect(c.u32('reg')).toBe(i);
      expect(c.str('device_type')).toBe('cpu');
    }
    expect(root.find('/psci')!.strings('compatible')).toEqual(['arm,psci-1.0', 'arm,psci-0.2']);
    expect(root.find('/psci')!.str('method')).toBe('hvc');
  });

  it('GIC: gic-400 at the Pi 4 addresses, maintenance PPI 9, is the interrupt parent', () => {
    const gic = root.find('/interrupt-controller@ff841000')!;
    expect(gic.str('compatible')).toBe('arm,gic-400');
    expect(gic.has('interrupt-controller')).toBe(true);
    expect(gic.u32('#interrupt-cells')).toBe(3);
    expect(gic.cells('reg')).toEqual([0, 0xff841000, 0, 0x1000, 0, 0xff842000, 0, 0x2000, 0, 0xff844000, 0, 0x2000, 0, 0xff846000, 0, 0x2000]);
    expect(gic.cells('interrupts')).toEqual([1, 9, 0xf04]);
    expect(t.phandles.get(root.u32('interrupt-parent')!)).toBe(gic);
  });

  it('timer: the four PPIs in binding order, always-on', () => {
    const timer = root.find('/timer')!;
    expect(timer.str('compatible')).toBe('arm,armv8-timer');
    expect(timer.cells('interrupts')).toEqual([1, 13, 0xf04, 1, 14, 0xf04, 1, 11, 0xf04, 1, 10, 0xf04]);
    expect(timer.has('always-on')).toBe(true);
    expect(parseDtb(buildBoardDtb({ ramBytes: 1 << 20, cpus: 1 })).root.find('/timer')!.has('always-on')).toBe(false);
  });

  it('PL011: primecell, SPI 121, fixed clock, serial0 alias, stdout-path, Pi periphid', () => {
    const uart = root.find('/serial@fe201000')!;
    expect(uart.strings('compatible')).toEqual(['arm,pl011', 'arm,primecell']);
    expect(uart.cells('interrupts')).toEqual([0, 121, 4]);
    expect(uart.cells('reg')).toEqual([0, 0xfe201000, 0, 0x200]);
    expect(uart.u32('arm,primecell-periphid')).toBe(0x00241011);
    const [c1, c2] = uart.cells('clocks')!;
    const clk = t.phandles.get(c1)!;
    expect(c2).toBe(c1);
    expect(clk.str('compatible')).toBe('fixed-clock');
    expect(clk.u32('clock-frequency')).toBe(48_000_000);
    expect(clk.u32('#clock-cells')).toBe(0);
    expect(uart.strings('clock-names')).toEqual(['uartclk', 'apb_pclk']);
    expect(root.find('/aliases')!.str('serial0')).toBe('/serial@fe201000');
    expect(root.find('/chosen')!.str('stdout-path')).toBe('serial0:115200n8');
  });

  it('chosen: bootargs and initrd', () => {
    const ch = root.find('/chosen')!;
    expect(ch.str('bootargs')).toBe('console=ttyAMA0 earlycon');
    expect(ch.u64('linux,initrd-start')).toBe(0x8000000n);
    expect(ch.u64('linux,initrd-end')).toBe(0x8100000n);
    // The boot loader's entropy, bytes as given (Linux: drivers/of/fdt.c reads "rng-seed").
    expect(ch.cells('rng-seed')).toEqual([0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10, 0x11121314, 0x15161718, 0x191a1b1c, 0x1d1e1f20]);
  });

  it('the boot rng-seed: 32 random bytes, or under --icount the same every run', () => {
    const a = bootRngSeed(false), b = bootRngSeed(false);
    expect([a.length, b.length]).toEqual([32, 32]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(bootRngSeed(true)).equals(Buffer.from(bootRngSeed(true)))).toBe(true);
  });

  it('virtio-mmio slots in the documented window, with the restricted DMA pool', () => {
    const pool = root.find('/reserved-memory/restricted-dma@3c000000')!;
    expect(pool.str('compatible')).toBe('restricted-dma-pool');
    for (let n = 0; n < 2; n++) {
      const s = virtioSlot(n);
      const v = root.find(`/virtio@${s.base.toString(16)}`)!;
      expect(v.str('compatible')).toBe('virtio,mmio');
      expect(v.cells('reg')).toEqual([0, s.base, 0, 0x200]);
      expect(v.cells('interrupts')).toEqual([0, 160 + n, 4]);
      expect(t.phandles.get(v.u32('memory-region')!)).toBe(pool);
    }
    expect(root.find(`/virtio@${virtioSlot(2).base.toString(16)}`)).toBeUndefined();
  });

  it('RAM beyond the peripheral window continues at 4 GiB', () => {
    expect(ramRanges(6 * 2 ** 30)).toEqual([{ base: 0, size: 0xfc000000 }, { base: 2 ** 32, size: 6 * 2 ** 30 - 0xfc000000 }]);
    const mem = parseDtb(buildBoardDtb({ ramBytes: 6 * 2 ** 30, cpus: 1 })).root.find('/memory@0')!;
    expect(mem.cells("reg")).toEqual([0, 0, 0, 0xfc000000, 1, 0, 0, 0x84000000]);
  });

  it('the virtio window and SPIs stay clear of the devices and inside the GIC', () => {
    const last = virtioSlot(PI4_MAP.VIRTIO_MAX_SLOTS - 1);
    expect(last.base + last.size).toBeLessThanOrEqual(0xfd500000); // below the BCM2711 PCIe block
    expect(32 + last.spi).toBeLessThan(32 + 192);
  });

  it('bad configurations are refused with a clear message', () => {
    expect(() => buildBoardTree({ ramBytes: 1 << 20, cpus: 9 })).toThrow(/CPU count must be 1..8/);
    expect(() => buildBoardTree({ ramBytes: 1000, cpus: 1 })).toThrow(/RAM size/);
    expect(() => buildBoardTree({ ramBytes: 1 << 20, cpus: 1, initrd: { start: 0, end: 2 << 20 } })).toThrow(/initrd/);
    expect(() => buildBoardTree({ ramBytes: 1 << 20, cpus: 1, virtioSlots: 33 })).toThrow(/virtio slots/);
  });
});
