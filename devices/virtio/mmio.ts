// virtio-mmio transport, one 0x200-byte slot: version 2 ("modern", virtio 1.2 §4.2.2), or
// version 1 ("legacy", §4.2.4) as an option for old guests.
//
// Registers below 0x100 take 32-bit aligned accesses only (the spec's rule for drivers); others
// read as zero / are ignored with a one-time warning. The device config space from 0x100 is
// passed through at 8/16/32 bits. A slot without a device answers MagicValue, Version 2 and
// DeviceID 0, which Linux's probe takes as "nothing here".
//
// The transport offers VERSION_1, INDIRECT_DESC and EVENT_IDX on top of the device's features
// (the queue library handles both ring features for every device) and accepts FEATURES_OK only
// for a subset of the offer that includes VERSION_1 — otherwise the bit does not stick, which
// the driver sees when it reads Status back. Protocol violations set DEVICE_NEEDS_RESET (plus a
// config-change interrupt after DRIVER_OK) and log one line; the device is then left alone until
// the driver writes Status = 0.
//
// Legacy (version 1): the driver writes GuestPageSize once, then per queue QueueNum, QueueAlign
// and QueuePFN; the queue is one contiguous region at PFN × GuestPageSize — descriptor table,
// available ring right after it, used ring at the next QueueAlign boundary (§2.7 "Legacy
// Interfaces: A Note on Virtqueue Layout") — and is live from the PFN write (0 releases it).
// There is no FEATURES_OK: the features are whatever the driver wrote when it sets DRIVER_OK
// (bits it was not offered are dropped, logged once). VERSION_1 and ACCESS_PLATFORM are 1.0
// features, so a legacy device never offers them; it offers ANY_LAYOUT (the queue library takes
// any split of a request over descriptors anyway). Config space is guest-endian (little: fine).
// Linux drivers (6.1) set DRIVER_OK before they use a queue, so the device is live only from then.
import { type AccessSize, type IrqLine, type MmioDevice, NO_IRQ, warnOnce, warnSink } from '../device.js';
import { type DmaView, NO_DMA } from './dma.js';
import { type VirtioDevice, type VirtioSignal, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, bit } from './device.js';
import { type QueueState, Virtqueue } from './queue.js';

export const MMIO = {
  MAGIC_VALUE: 0x000, VERSION: 0x004, DEVICE_ID: 0x008, VENDOR_ID: 0x00c,
  DEVICE_FEATURES: 0x010, DEVICE_FEATURES_SEL: 0x014, DRIVER_FEATURES: 0x020, DRIVER_FEATURES_SEL: 0x024,
  QUEUE_SEL: 0x030, QUEUE_NUM_MAX: 0x034, QUEUE_NUM: 0x038, QUEUE_READY: 0x044, QUEUE_NOTIFY: 0x050,
  /** Legacy (version 1) only. */
  GUEST_PAGE_SIZE: 0x028, QUEUE_ALIGN: 0x03c, QUEUE_PFN: 0x040,
  INTERRUPT_STATUS: 0x060, INTERRUPT_ACK: 0x064, STATUS: 0x070,
  QUEUE_DESC_LOW: 0x080, QUEUE_DESC_HIGH: 0x084, QUEUE_DRIVER_LOW: 0x090, QUEUE_DRIVER_HIGH: 0x094,
  QUEUE_DEVICE_LOW: 0x0a0, QUEUE_DEVICE_HIGH: 0x0a4, SHM_SEL: 0x0ac, SHM_LEN_LOW: 0x0b0, SHM_LEN_HIGH: 0x0b4,
  SHM_BASE_LOW: 0x0b8, SHM_BASE_HIGH: 0x0bc, QUEUE_RESET: 0x0c0, CONFIG_GENERATION: 0x0fc, CONFIG: 0x100,
  /** Window size per slot (matches the board's VIRTIO_STRIDE). */
  SIZE: 0x200,
} as const;

/** "virt" little-endian. */
export const VIRTIO_MAGIC = 0x74726976;
/** VendorID: "KRVM" little-endian. Linux ignores it. */
export const KRUSTVM_VENDOR = 0x4d56524b;

export const STATUS = { ACKNOWLEDGE: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8, NEEDS_RESET: 0x40, FAILED: 0x80 } as const;
export const INT_VRING = 1, INT_CONFIG = 2;
/** VIRTIO_F_ACCESS_PLATFORM (virtio 1.2 §6): the device reaches memory only through the
 *  platform's DMA translation/restriction, so the driver must use the DMA API (Linux then bounces
 *  buffers through a restricted-dma-pool); offered when the board restricts device DMA. */
export const VIRTIO_F_ACCESS_PLATFORM = 33n;
/** VIRTIO_F_ANY_LAYOUT (legacy only, virtio 1.2 §6.3): no assumptions about how a request is
 *  split over descriptors (implied by VERSION_1). */
export const VIRTIO_F_ANY_LAYOUT = 27n;

/** A legacy queue's placement registers. */
interface LegacyQueue { pfn: number; align: number }
/** QueueAlign until the driver writes it: the legacy PCI ring alignment (QEMU's default). */
const LEGACY_DEFAULT_ALIGN = 4096;

export interface VirtioMmioOptions {
  device?: VirtioDevice | null;
  irq?: IrqLine;
  /** The memory the device may use (from the hypervisor core). */
  dma?: DmaView;
  /** Where the one-line protocol-error messages go (default: the device warning sink). */
  log?: (msg: string) => void;
  /** Offer VIRTIO_F_ACCESS_PLATFORM (the device's DMA is restricted: krustvm mode). */
  accessPlatform?: boolean;
  /** The legacy (version 1) interface instead of version 2. The device's DMA still goes only
   *  through `dma`; there is no ACCESS_PLATFORM to offer. */
  legacy?: boolean;
}

const U32 = 0x100000000;
const split = (v: number, high: boolean) => (high ? Math.floor(v / U32) >>> 0 : v % U32 >>> 0);
const join = (old: number, v: number, high: boolean) => (high ? v * U32 + (old % U32) : Math.floor(old / U32) * U32 + v);

export class VirtioMmio implements MmioDevice {
  readonly name: string;
  readonly device: VirtioDevice | null;
  readonly queues: Virtqueue[];
  private irq: IrqLine;
  private dma: DmaView;
  private log: (msg: string) => void;
  private status = 0;
  private devFeatSel = 0; private drvFeatSel = 0;
  private driverFeatures = 0n;
  private queueSel = 0;
  private intStatus = 0;
  private configGen = 0;
  private active = false;
  /** Bumped on every (re)activation and reset, so signals from a stale activation are dropped. */
  private epoch = 0;
  private irqLevel = false;
  private readonly accessPlatform: boolean;
  readonly legacy: boolean;
  /** Legacy: GuestPageSize and each queue's QueuePFN / QueueAlign. */
  private pageSize = 0;
  private legacyQueues: LegacyQueue[];
  private loggedFeatures = false;

  constructor(opts: VirtioMmioOptions = {}) {
    this.device = opts.device ?? null;
    this.irq = opts.irq ?? NO_IRQ;
    this.dma = opts.dma ?? NO_DMA;
    this.log = opts.log ?? ((m) => warnSink(m));
    this.accessPlatform = opts.accessPlatform ?? false;
    this.legacy = opts.legacy ?? false;
    this.name = `virtio-mmio:${this.device ? this.device.name : 'empty'}`;
    this.queues = (this.device?.queueMaxSizes ?? []).map((n, i) => new Virtqueue(i, n));
    this.legacyQueues = this.queues.map(() => ({ pfn: 0, align: LEGACY_DEFAULT_ALIGN }));
  }

  connectIrq(line: IrqLine): void { this.irq = line; line.set(this.irqLevel); }

  /** Gives the transport the memory view its device may use (the board, once guest RAM
   *  exists); takes effect at the next activation. */
  attachDma(dma: DmaView): void { this.dma = dma; }

  /** Everything the driver may negotiate. */
  get offered(): bigint {
    if (!this.device) return 0n;
    if (this.legacy) return this.device.features | bit(VIRTIO_F_ANY_LAYOUT) | bit(VIRTIO_F_INDIRECT_DESC) | bit(VIRTIO_F_EVENT_IDX);
    return this.device.features | bit(VIRTIO_F_VERSION_1) | bit(VIRTIO_F_INDIRECT_DESC) | bit(VIRTIO_F_EVENT_IDX)
      | (this.accessPlatform ? bit(VIRTIO_F_ACCESS_PLATFORM) : 0n);
  }

  private updateIrq(): void {
    const level = this.intStatus !== 0;
    if (level !== this.irqLevel) { this.irqLevel = level; this.irq.set(level); }
  }
  private interrupt(bits: number): void { this.intStatus |= bits; this.updateIrq(); }

  /** DEVICE_NEEDS_RESET with a one-line reason (once per breakage). */
  fail(reason: string): void {
    if (this.status & STATUS.NEEDS_RESET) return;
    this.status |= STATUS.NEEDS_RESET;
    this.log(`${this.name}: ${reason}; device needs reset`);
    if (this.status & STATUS.DRIVER_OK) this.interrupt(INT_CONFIG);
  }

  private get broken(): boolean { return (this.status & STATUS.NEEDS_RESET) !== 0; }
  private selected(): Virtqueue | undefined { return this.queues[this.queueSel]; }

  private signal(epoch: number): VirtioSignal {
    const live = () => this.epoch === epoch && this.active && !this.broken;
    return {
      used: (q) => { if (live() && this.queues[q]?.needsInterrupt()) this.interrupt(INT_VRING); },
      configChanged: () => { if (this.epoch === epoch) { this.configGen = (this.configGen + 1) >>> 0; this.interrupt(INT_CONFIG); } },
      fail: (reason) => { if (this.epoch === epoch) this.fail(reason); },
    };
  }

  /** Hands the ready queues and the memory view to the device (DRIVER_OK, restore). */
  private activate(): void {
    const dev = this.device!;
    const f = this.negotiated();
    for (const q of this.queues) {
      q.eventIdx = (f & bit(VIRTIO_F_EVENT_IDX)) !== 0n;
      q.indirect = (f & bit(VIRTIO_F_INDIRECT_DESC)) !== 0n;
      if (!q.ready) continue;
      q.attach(this.dma);
      const e = q.validate();
      if (e) { this.fail(e.message); return; }
    }
    this.epoch++;
    this.active = true;
    let refused: string | void;
    try { refused = dev.activate(this.queues, this.dma, this.signal(this.epoch), f); }
    catch (e) { refused = `internal error in activate: ${(e as Error).message}`; }
    if (refused) this.fail(refused);
  }

  /** The features in force: legacy drivers have no FEATURES_OK, so what they wrote, limited to
   *  the offer. */
  private negotiated(): bigint {
    if (!this.legacy) return this.driverFeatures;
    const extra = this.driverFeatures & ~this.offered;
    if (extra && !this.loggedFeatures) {
      this.loggedFeatures = true;
      this.log(`${this.name}: legacy driver wrote feature bits 0x${extra.toString(16)} that were not offered; ignored`);
    }
    return this.driverFeatures & this.offered;
  }

  private setStatus(v: number): void {
    if (v === 0) { this.deviceReset(); return; }
    const added = v & ~this.status;
    // Legacy: there is no FEATURES_OK bit (the device activates at DRIVER_OK as it stands).
    let next = this.status | (v & 0xff & ~STATUS.NEEDS_RESET & (this.legacy ? ~STATUS.FEATURES_OK : 0xff));
    if (added & STATUS.FEATURES_OK) {
      const f = this.driverFeatures;
      if ((f & ~this.offered) !== 0n || !(f & bit(VIRTIO_F_VERSION_1))) next &= ~STATUS.FEATURES_OK;
    }
    this.status = next;
    if (added & STATUS.DRIVER_OK && !this.active && !this.broken) {
      if (!(next & STATUS.FEATURES_OK) && !this.legacy) this.fail('DRIVER_OK without FEATURES_OK');
      else this.activate();
    }
  }

  private notify(q: number): void {
    if (!this.active || this.broken || q >= this.queues.length || !this.queues[q].ready) return;
    try { this.device!.queueNotify(q); }
    catch (e) { this.fail(`internal error on queue ${q}: ${(e as Error).message}`); }
  }

  read(offset: number, size: AccessSize): number {
    if (offset >= MMIO.CONFIG) {
      if (!this.device || size === 8) return 0;
      return this.device.readConfig(offset - MMIO.CONFIG, size) >>> 0;
    }
    if (size !== 4 || offset & 3) { warnOnce(`virtio-mmio: ${size}-byte read at 0x${offset.toString(16)} (registers are 32-bit) reads as zero`); return 0; }
    switch (offset) {
      case MMIO.MAGIC_VALUE: return VIRTIO_MAGIC;
      case MMIO.VERSION: return this.legacy && this.device ? 1 : 2;
      case MMIO.DEVICE_ID: return this.device?.deviceId ?? 0;
      case MMIO.VENDOR_ID: return KRUSTVM_VENDOR;
    }
    if (!this.device) return 0;
    const q = this.selected();
    if (this.legacy) return this.readLegacy(offset, q);
    switch (offset) {
      case MMIO.DEVICE_FEATURES: return this.devFeatSel > 1 ? 0 : Number((this.offered >> BigInt(32 * this.devFeatSel)) & 0xffffffffn);
      case MMIO.QUEUE_NUM_MAX: return q ? q.maxSize : 0;
      case MMIO.QUEUE_NUM: return q ? q.size : 0;
      case MMIO.QUEUE_READY: return q?.ready ? 1 : 0;
      case MMIO.INTERRUPT_STATUS: return this.intStatus;
      case MMIO.STATUS: return this.status;
      case MMIO.QUEUE_DESC_LOW: case MMIO.QUEUE_DESC_HIGH: return q ? split(q.desc, offset === MMIO.QUEUE_DESC_HIGH) : 0;
      case MMIO.QUEUE_DRIVER_LOW: case MMIO.QUEUE_DRIVER_HIGH: return q ? split(q.driver, offset === MMIO.QUEUE_DRIVER_HIGH) : 0;
      case MMIO.QUEUE_DEVICE_LOW: case MMIO.QUEUE_DEVICE_HIGH: return q ? split(q.device, offset === MMIO.QUEUE_DEVICE_HIGH) : 0;
      // No shared memory regions: length all ones is the spec's "does not exist".
      case MMIO.SHM_LEN_LOW: case MMIO.SHM_LEN_HIGH: case MMIO.SHM_BASE_LOW: case MMIO.SHM_BASE_HIGH: return 0xffffffff;
      case MMIO.CONFIG_GENERATION: return this.configGen;
    }
    return 0;
  }

  /** Legacy registers (§4.2.4): no QueueReady, 64-bit ring addresses, SHM or ConfigGeneration. */
  private readLegacy(offset: number, q: Virtqueue | undefined): number {
    switch (offset) {
      case MMIO.DEVICE_FEATURES: return this.devFeatSel > 1 ? 0 : Number((this.offered >> BigInt(32 * this.devFeatSel)) & 0xffffffffn);
      case MMIO.QUEUE_NUM_MAX: return q ? q.maxSize : 0;
      case MMIO.QUEUE_PFN: return q ? this.legacyQueues[this.queueSel].pfn : 0;
      case MMIO.INTERRUPT_STATUS: return this.intStatus;
      case MMIO.STATUS: return this.status;
    }
    return 0;
  }

  /** Legacy QueuePFN: places the selected queue (or releases it, PFN 0). A layout that cannot
   *  be a queue (page size or alignment not a power of 2, addresses past 2^53) is a protocol
   *  error; a region outside the memory the device may use is found at DRIVER_OK. */
  private setPfn(q: Virtqueue, pfn: number): void {
    const lq = this.legacyQueues[q.index];
    if (pfn === 0) { lq.pfn = 0; q.ready = false; q.desc = q.driver = q.device = 0; return; }
    const pow2 = (x: number) => x > 0 && (x & (x - 1)) === 0;
    if (!pow2(this.pageSize)) { this.fail(`legacy queue ${q.index}: QueuePFN written with GuestPageSize ${this.pageSize}, not a power of 2`); return; }
    if (!pow2(lq.align)) { this.fail(`legacy queue ${q.index}: QueueAlign ${lq.align} is not a power of 2`); return; }
    const desc = pfn * this.pageSize;
    const driver = desc + 16 * q.size;
    const device = Math.ceil((driver + 6 + 2 * q.size) / lq.align) * lq.align;
    if (!Number.isSafeInteger(device + 6 + 8 * q.size)) { this.fail(`legacy queue ${q.index}: QueuePFN 0x${pfn.toString(16)} places the queue past 2^53`); return; }
    lq.pfn = pfn; q.desc = desc; q.driver = driver; q.device = device; q.ready = true;
  }

  private writeLegacy(offset: number, v: number): void {
    const q = this.selected();
    const live = (this.status & STATUS.DRIVER_OK) !== 0;
    const qw = q && !q.ready && !live ? q : undefined;
    switch (offset) {
      case MMIO.DEVICE_FEATURES_SEL: this.devFeatSel = v; return;
      case MMIO.DRIVER_FEATURES:
        if (live || this.drvFeatSel > 1) return;
        {
          const sh = BigInt(32 * this.drvFeatSel);
          this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << sh)) | (BigInt(v) << sh);
        }
        return;
      case MMIO.DRIVER_FEATURES_SEL: this.drvFeatSel = v; return;
      case MMIO.GUEST_PAGE_SIZE: if (!live) this.pageSize = v; return;
      case MMIO.QUEUE_SEL: this.queueSel = v; return;
      case MMIO.QUEUE_NUM: if (qw) qw.size = v; return;
      case MMIO.QUEUE_ALIGN: if (qw) this.legacyQueues[qw.index].align = v; return;
      // A live queue's PFN is frozen; 0 releases a queue that is not in use by an active device.
      case MMIO.QUEUE_PFN: if (q && !live && (v === 0 || !q.ready)) this.setPfn(q, v); return;
      case MMIO.QUEUE_NOTIFY: this.notify(v & 0xffff); return;
      case MMIO.INTERRUPT_ACK: this.intStatus &= ~v; this.updateIrq(); return;
      case MMIO.STATUS: this.setStatus(v); return;
    }
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (!this.device) return;
    if (offset >= MMIO.CONFIG) {
      if (size !== 8) this.device.writeConfig(offset - MMIO.CONFIG, size, value >>> 0);
      return;
    }
    if (size !== 4 || offset & 3) { warnOnce(`virtio-mmio: ${size}-byte write at 0x${offset.toString(16)} (registers are 32-bit) ignored`); return; }
    const v = value >>> 0;
    if (this.legacy) { this.writeLegacy(offset, v); return; }
    // Queue registers are frozen once the queue is ready or the device is live.
    const q = this.selected();
    const qw = q && !q.ready && !(this.status & STATUS.DRIVER_OK) ? q : undefined;
    switch (offset) {
      case MMIO.DEVICE_FEATURES_SEL: this.devFeatSel = v; return;
      case MMIO.DRIVER_FEATURES:
        if (this.status & STATUS.FEATURES_OK || this.drvFeatSel > 1) return;
        {
          const sh = BigInt(32 * this.drvFeatSel);
          this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << sh)) | (BigInt(v) << sh);
        }
        return;
      case MMIO.DRIVER_FEATURES_SEL: this.drvFeatSel = v; return;
      case MMIO.QUEUE_SEL: this.queueSel = v; return;
      case MMIO.QUEUE_NUM: if (qw) qw.size = v; return;
      case MMIO.QUEUE_READY:
        if (q && !(this.status & STATUS.DRIVER_OK)) q.ready = (v & 1) === 1;
        return;
      case MMIO.QUEUE_NOTIFY: this.notify(v & 0xffff); return;
      case MMIO.INTERRUPT_ACK: this.intStatus &= ~v; this.updateIrq(); return;
      case MMIO.STATUS: this.setStatus(v); return;
      case MMIO.QUEUE_DESC_LOW: case MMIO.QUEUE_DESC_HIGH: if (qw) qw.desc = join(qw.desc, v, offset === MMIO.QUEUE_DESC_HIGH); return;
      case MMIO.QUEUE_DRIVER_LOW: case MMIO.QUEUE_DRIVER_HIGH: if (qw) qw.driver = join(qw.driver, v, offset === MMIO.QUEUE_DRIVER_HIGH); return;
      case MMIO.QUEUE_DEVICE_LOW: case MMIO.QUEUE_DEVICE_HIGH: if (qw) qw.device = join(qw.device, v, offset === MMIO.QUEUE_DEVICE_HIGH); return;
    }
  }

  /** System reset: everything, including the legacy GuestPageSize. */
  reset(): void {
    this.deviceReset();
    this.pageSize = 0;
  }

  /** Device reset by the driver (Status ← 0). Legacy GuestPageSize survives it, as in QEMU: Linux
   *  writes it once at probe, before the virtio core's first reset. */
  private deviceReset(): void {
    this.status = 0; this.devFeatSel = 0; this.drvFeatSel = 0; this.driverFeatures = 0n;
    this.queueSel = 0; this.intStatus = 0; this.configGen = 0;
    this.active = false; this.epoch++;
    for (const q of this.queues) q.reset();
    this.loggedFeatures = false;
    for (const lq of this.legacyQueues) { lq.pfn = 0; lq.align = LEGACY_DEFAULT_ALIGN; }
    this.device?.reset();
    this.updateIrq();
  }

  save(): unknown {
    return {
      status: this.status, devFeatSel: this.devFeatSel, drvFeatSel: this.drvFeatSel,
      driverFeatures: this.driverFeatures.toString(), queueSel: this.queueSel, intStatus: this.intStatus,
      configGen: this.configGen, active: this.active, queues: this.queues.map((q) => q.save()),
      device: this.device ? this.device.save() : null,
      ...(this.legacy ? { pageSize: this.pageSize, legacyQueues: this.legacyQueues.map((l) => ({ ...l })) } : {}),
    };
  }

  restore(state: unknown): void {
    const s = state as Record<string, any>;
    this.status = s.status; this.devFeatSel = s.devFeatSel; this.drvFeatSel = s.drvFeatSel;
    this.driverFeatures = BigInt(s.driverFeatures); this.queueSel = s.queueSel; this.intStatus = s.intStatus;
    this.configGen = s.configGen; this.active = false; this.epoch++;
    (s.queues as QueueState[]).forEach((qs, i) => this.queues[i]?.restore(qs));
    this.pageSize = Number(s.pageSize ?? 0);
    const lqs = (s.legacyQueues ?? []) as LegacyQueue[];
    this.legacyQueues.forEach((l, i) => { l.pfn = Number(lqs[i]?.pfn ?? 0); l.align = Number(lqs[i]?.align ?? LEGACY_DEFAULT_ALIGN); });
    if (this.device) {
      this.device.restore(s.device);
      if (s.active && !this.broken) this.activate();
    }
    this.updateIrq();
  }
}
