// The Pi 4-shaped machine's address map and the device tree that describes it to the guest.
//
// Addresses are the BCM2711's in low-peripheral mode (RAM from 0; peripherals in the top 64 MiB
// below 4 GiB): GIC-400 at 0xff841000, PL011 UART0 at 0xfe201000 (SPI 121). The things a real
// Pi 4 does not have are placed where the BCM2711 device tree leaves room:
//  - virtio-mmio slots: 0xfc000000 + 0x200 × n (n < 32), in the 0xfc000000–0xfd4fffff part of
//    the SoC's "0x7c000000" window, which the upstream bcm2711.dtsi leaves unused; interrupts
//    SPI 160 + n (IDs 192..223, above every SPI the BCM2711 device tree uses: DMA 80–88,
//    VideoCore 97–127, PCIe 143–148, GENET 157–158) and within the GIC-400's 192 SPIs.
//  - RAM above 0xfc000000 bytes continues at 4 GiB (the Pi 4 8 GB's layout).
// CPUs are Cortex-A72 started through PSCI (conduit HVC, answered by the hypervisor core), not
// the Pi firmware's spin tables.
import { type DtNode, FdtNode, buildFdt, parseDtb, u64Cells, type MemReserve } from './fdt.js';

export const PI4_MAP = {
  RAM_BASE: 0,
  /** RAM below the peripherals ends here; more RAM starts at HIGH_RAM_BASE. */
  LOW_RAM_LIMIT: 0xfc000000,
  HIGH_RAM_BASE: 0x1_0000_0000,
  VIRTIO_BASE: 0xfc000000,
  VIRTIO_STRIDE: 0x200,
  VIRTIO_MAX_SLOTS: 32,
  VIRTIO_FIRST_SPI: 160,
  UART0_BASE: 0xfe201000,
  /** The Pi's device tree gives each PL011 0x200 bytes (the UARTs are 0x200 apart). */
  UART0_DT_SIZE: 0x200,
  UART0_SPI: 121,
  /** Reference clock of the PL011 set up by the Pi firmware. */
  UART_CLOCK_HZ: 48_000_000,
  GICD_BASE: 0xff841000, GICD_SIZE: 0x1000,
  GICC_BASE: 0xff842000, GICC_SIZE: 0x2000,
  GICH_BASE: 0xff844000, GICH_SIZE: 0x2000,
  GICV_BASE: 0xff846000, GICV_SIZE: 0x2000,
  GIC_MAINTENANCE_PPI: 9,
  /** Timer PPIs in the DT binding's order: secure phys, non-secure phys, virtual, hypervisor. */
  TIMER_PPIS: [13, 14, 11, 10],
} as const;

/** The Pi's PL011 ID as Linux must see it (16-entry FIFOs; see devices/pl011.ts). */
export const PI4_UART_PERIPHID = 0x00241011;

export interface Pi4Config {
  /** Bytes of RAM from physical address 0 (a multiple of 4 KiB). */
  ramBytes: number;
  /** Number of CPUs, 1..8 (a real Pi 4 has 4). */
  cpus: number;
  /** Kernel command line. */
  bootargs?: string;
  /** Physical range [start, end) of an initramfs already placed in RAM. */
  initrd?: { start: number; end: number };
  /** Number of virtio-mmio slots to describe (default 0, at most 32). */
  virtioSlots?: number;
  /** Adds `always-on` to the timer node (the counter keeps running in low-power states). */
  timerAlwaysOn?: boolean;
  /** A restricted-dma-pool for virtio (DMA only through this window, which the guest shares
   *  with the host: the isolation-friendly route). Physical range inside RAM. */
  restrictedDma?: { base: number; size: number };
  /** Bytes for /chosen/rng-seed: entropy the kernel takes from its boot loader (QEMU's virt
   *  machine and the Pi firmware pass one), so its random number generator is ready at once
   *  instead of spinning on timer jitter at the first read of /dev/urandom. */
  rngSeed?: Uint8Array;
  /** Extra /memreserve/ entries. */
  memreserve?: MemReserve[];
}

export interface Range { base: number; size: number }

/** Where `ramBytes` of RAM sit in the physical map. */
export function ramRanges(ramBytes: number): Range[] {
  const low = Math.min(ramBytes, PI4_MAP.LOW_RAM_LIMIT);
  const out: Range[] = [{ base: PI4_MAP.RAM_BASE, size: low }];
  if (ramBytes > low) out.push({ base: PI4_MAP.HIGH_RAM_BASE, size: ramBytes - low });
  return out;
}

/** The register window and interrupt of virtio-mmio slot `n`. */
export function virtioSlot(n: number): { base: number; size: number; spi: number } {
  if (!(Number.isInteger(n) && n >= 0 && n < PI4_MAP.VIRTIO_MAX_SLOTS)) throw new Error(`no virtio slot ${n}`);
  return { base: PI4_MAP.VIRTIO_BASE + n * PI4_MAP.VIRTIO_STRIDE, size: PI4_MAP.VIRTIO_STRIDE, spi: PI4_MAP.VIRTIO_FIRST_SPI + n };
}

const hex = (v: number) => v.toString(16);
const reg = (...ranges: Range[]) => ranges.flatMap((r) => [...u64Cells(r.base), ...u64Cells(r.size)]);
// Interrupt specifier flags (dt-bindings/interrupt-controller/arm-gic.h, irq.h).
const GIC_SPI = 0, GIC_PPI = 1, IRQ_TYPE_LEVEL_HIGH = 4;

function check(cfg: Pi4Config): void {
  const bad = (what: string) => { throw new Error(`pi4 board: ${what}`); };
  if (!Number.isInteger(cfg.cpus) || cfg.cpus < 1 || cfg.cpus > 8) bad(`CPU count must be 1..8 (got ${cfg.cpus})`);
  if (!Number.isSafeInteger(cfg.ramBytes) || cfg.ramBytes <= 0 || cfg.ramBytes % 4096) bad('RAM size must be a positive multiple of 4 KiB');
  const slots = cfg.virtioSlots ?? 0;
  if (!Number.isInteger(slots) || slots < 0 || slots > PI4_MAP.VIRTIO_MAX_SLOTS) bad(`virtio slots must be 0..${PI4_MAP.VIRTIO_MAX_SLOTS}`);
  const inRam = (start: number, end: number) => ramRanges(cfg.ramBytes).some((r) => start >= r.base && end <= r.base + r.size);
  if (cfg.initrd && !(cfg.initrd.end >= cfg.initrd.start && inRam(cfg.initrd.start, cfg.initrd.end))) bad('initrd range is not inside RAM');
  if (cfg.restrictedDma && !(cfg.restrictedDma.size > 0 && inRam(cfg.restrictedDma.base, cfg.restrictedDma.base + cfg.restrictedDma.size))) {
    bad('restricted DMA pool is not inside RAM');
  }
}

/** The device tree for `cfg`, as nodes (callers may add to it before building). */
export function buildBoardTree(cfg: Pi4Config): FdtNode {
  check(cfg);
  const M = PI4_MAP;
  const cpuMask = ((1 << cfg.cpus) - 1) << 8; // GIC_CPU_MASK_SIMPLE(cpus)
  const root = new FdtNode('');
  root.set('compatible', ['krustvm,pi4']).set('model', 'krustvm Pi 4-shaped virtual machine')
    .set('#address-cells', [2]).set('#size-cells', [2]);

  const uartName = `serial@${hex(M.UART0_BASE)}`;
  root.add('aliases').set('serial0', `/${uartName}`);
  const chosen = root.add('chosen');
  chosen.set('stdout-path', 'serial0:115200n8');
  if (cfg.bootargs !== undefined) chosen.set('bootargs', cfg.bootargs);
  if (cfg.rngSeed) chosen.set('rng-seed', cfg.rngSeed);
  if (cfg.initrd) {
    chosen.set('linux,initrd-start', [BigInt(cfg.initrd.start)]).set('linux,initrd-end', [BigInt(cfg.initrd.end)]);
  }

  root.add('memory@0').set('device_type', 'memory').set('reg', reg(...ramRanges(cfg.ramBytes)));

  let dmaPool: FdtNode | null = null;
  if (cfg.restrictedDma) {
    const rm = root.add('reserved-memory').set('#address-cells', [2]).set('#size-cells', [2]).set('ranges', true);
    dmaPool = rm.add(`restricted-dma@${hex(cfg.restrictedDma.base)}`)
      .set('compatible', 'restricted-dma-pool').set('reg', reg(cfg.restrictedDma));
  }

  const cpus = root.add('cpus').set('#address-cells', [1]).set('#size-cells', [0]);
  for (let i = 0; i < cfg.cpus; i++) {
    // reg = MPIDR_EL1 affinity: the A72 cluster numbers its cores in Aff0.
    cpus.add(`cpu@${hex(i)}`).set('device_type', 'cpu').set('compatible', 'arm,cortex-a72')
      .set('reg', [i]).set('enable-method', 'psci');
  }
  root.add('psci').set('compatible', ['arm,psci-1.0', 'arm,psci-0.2']).set('method', 'hvc');

  const gic = root.add(`interrupt-controller@${hex(M.GICD_BASE)}`);
  gic.set('compatible', 'arm,gic-400').set('#interrupt-cells', [3]).set('#address-cells', [0])
    .set('interrupt-controller', true)
    .set('reg', reg({ base: M.GICD_BASE, size: M.GICD_SIZE }, { base: M.GICC_BASE, size: M.GICC_SIZE },
      { base: M.GICH_BASE, size: M.GICH_SIZE }, { base: M.GICV_BASE, size: M.GICV_SIZE }))
    .set('interrupts', [GIC_PPI, M.GIC_MAINTENANCE_PPI, cpuMask | IRQ_TYPE_LEVEL_HIGH]);
  root.set('interrupt-parent', [gic]);

  const timer = root.add('timer').set('compatible', 'arm,armv8-timer')
    .set('interrupts', M.TIMER_PPIS.flatMap((p) => [GIC_PPI, p, cpuMask | IRQ_TYPE_LEVEL_HIGH]));
  if (cfg.timerAlwaysOn) timer.set('always-on', true);

  const clk = root.add(`clock-${M.UART_CLOCK_HZ}`).set('compatible', 'fixed-clock').set('#clock-cells', [0])
    .set('clock-frequency', [M.UART_CLOCK_HZ]).set('clock-output-names', 'uartclk');
  root.add(uartName).set('compatible', ['arm,pl011', 'arm,primecell'])
    .set('reg', reg({ base: M.UART0_BASE, size: M.UART0_DT_SIZE }))
    .set('interrupts', [GIC_SPI, M.UART0_SPI, IRQ_TYPE_LEVEL_HIGH])
    .set('clocks', [clk, clk]).set('clock-names', ['uartclk', 'apb_pclk'])
    .set('arm,primecell-periphid', [PI4_UART_PERIPHID]);

  for (let n = 0; n < (cfg.virtioSlots ?? 0); n++) {
    const s = virtioSlot(n);
    const v = root.add(`virtio@${hex(s.base)}`).set('compatible', 'virtio,mmio').set('reg', reg(s))
      .set('interrupts', [GIC_SPI, s.spi, IRQ_TYPE_LEVEL_HIGH]).set('dma-coherent', true);
    if (dmaPool) v.set('memory-region', [dmaPool]);
  }
  return root;
}

/** The DTB for `cfg` (what `krustvm dtb` prints and what the loader hands the kernel). Throws an
 *  Error with a one-line message for an impossible configuration. */
export function buildBoardDtb(cfg: Pi4Config): Uint8Array {
  return buildFdt(buildBoardTree(cfg), { memreserve: cfg.memreserve, bootCpuidPhys: 0 });
}

/** `dtb` with a restricted-dma-pool at `pool`, a range of its own beyond the RAM ranges (the VM's
 *  shared I/O window in krustvm mode): the range joins the memory node (Linux wants the pool in
 *  its linear map: kernel/dma/swiotlb.c rmem_swiotlb_device_init), /reserved-memory holds the pool
 *  (so the page allocator never hands it out), and every virtio-mmio node names it in
 *  `memory-region`. Works on a DTB from buildBoardDtb or one given with --dtb (2-cell addresses
 *  and sizes at the root). Throws Error (one line) for a DTB it cannot extend. */
export function addRestrictedDmaPool(dtb: Uint8Array, pool: Range): Uint8Array {
  const parsed = parseDtb(dtb);
  if (parsed.root.u32('#address-cells') !== 2 || parsed.root.u32('#size-cells') !== 2) throw new Error('device tree: the restricted DMA pool needs #address-cells = #size-cells = 2 at the root');
  const nodes = new Map<DtNode, FdtNode>();
  const writable = (n: DtNode): FdtNode => {
    const f = new FdtNode(n.parent ? n.name : '');
    nodes.set(n, f);
    for (const [k, v] of n.props) f.set(k, v);
    for (const c of n.children) f.add(writable(c));
    return f;
  };
  const root = writable(parsed.root);
  const memory = [...nodes].find(([d]) => d.parent === parsed.root && d.str('device_type') === 'memory');
  if (!memory) throw new Error('device tree: no memory node to add the restricted DMA pool to');
  const oldReg = memory[0].props.get('reg') ?? new Uint8Array(0);
  const regBytes = (cells: number[]) => { const b = new Uint8Array(cells.length * 4); const dv = new DataView(b.buffer); cells.forEach((c, i) => dv.setUint32(4 * i, c, false)); return b; };
  const added = regBytes(reg(pool));
  const newReg = new Uint8Array(oldReg.length + added.length);
  newReg.set(oldReg); newReg.set(added, oldReg.length);
  memory[1].set('reg', newReg);
  let rm = root.children.find((c) => c.name === 'reserved-memory');
  if (!rm) rm = root.add('reserved-memory').set('#address-cells', [2]).set('#size-cells', [2]).set('ranges', true);
  const node = rm.add(`restricted-dma@${hex(pool.base)}`).set('compatible', 'restricted-dma-pool').set('reg', reg(pool));
  // Parsed nodes keep their phandles as raw properties: the new one must not collide.
  node.phandle = Math.max(0, ...parsed.phandles.keys()) + 1;
  for (const [d, f] of nodes) if (d.strings('compatible')?.includes('virtio,mmio')) f.set('memory-region', [node]);
  return buildFdt(root, { memreserve: parsed.memreserve, bootCpuidPhys: parsed.bootCpuidPhys });
}
