// The NICs on the Pi 4-shaped machine: virtio-mmio slots on the bus, SPIs into the GIC, the DMA
// view made from the machine's RAM, Machine.wake on frame arrival, and the DTB nodes.
import { describe, it, expect } from 'vitest';
import { MMIO_ABORT } from '../../devices/device.js';
import { BufferNet } from '../../devices/net/backend.js';
import { MMIO, STATUS, VIRTIO_MAGIC } from '../../devices/virtio/mmio.js';
import { IcountClock, createPi4Devices, deviceDmaView, saveDevices } from '../../src/board/machine.js';
import { buildBoardDtb, virtioSlot } from '../../src/board/pi4.js';
import { Machine } from '../../src/machine/machine.js';
import { itWith } from '../util/tools.js';
import { decompile, findDtc } from '../board/dtc.js';
import { parseDtb } from '../../src/board/fdt.js';
import { dtbMain } from '../../src/machine/cli-boot.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const GICD = 0xff841000;
const MAC_A = new Uint8Array([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]), MAC_B = new Uint8Array([0x52, 0x54, 0x00, 0x12, 0x34, 0x57]);

describe('NICs on the Pi 4 machine', () => {
  it('NIC n is a virtio-net device in virtio slot n; the next slot is a hole', () => {
    const d = createPi4Devices({ cpus: 1, ramBytes: 64 << 20, clock: new IcountClock(), nics: [{ backend: new BufferNet(), mac: MAC_A }, { backend: new BufferNet(), mac: MAC_B }] });
    for (const n of [0, 1]) {
      const base = virtioSlot(n).base;
      expect(d.bus.read(base + MMIO.MAGIC_VALUE, 4)).toBe(VIRTIO_MAGIC);
      expect(d.bus.read(base + MMIO.DEVICE_ID, 4)).toBe(1);
      expect(d.bus.read(base + MMIO.CONFIG + 5, 1)).toBe(0x56 + n);
    }
    expect(d.bus.read(virtioSlot(2).base, 4)).toBe(MMIO_ABORT);
    // Distinct names, so saved state keeps both.
    expect(Object.keys(saveDevices(d))).toEqual(expect.arrayContaining(['virtio-mmio:virtio-net.0', 'virtio-mmio:virtio-net.1']));
  });

  it('a machine NIC uses guest RAM through its DMA view: RX into RAM, SPI 161 (INTID 193) pending, wake called', () => {
    const be = new BufferNet();
    const m = new Machine({ ramBytes: 16 << 20, nics: [{ backend: new BufferNet(), mac: MAC_A }, { backend: be, mac: MAC_B }] });
    let wakes = 0;
    m.wake = () => { wakes++; };
    const bus = m.dev.bus, base = virtioSlot(1).base, ram = new DataView(m.ram.buffer, m.ram.byteOffset);
    const w = (off: number, v: number) => bus.write(base + off, 4, v);
    // Minimal driver: features VERSION_1 + MRG_RXBUF, receive queue at 1 MiB, one 2 KiB buffer.
    const DESC = 0x100000, AVAIL = 0x101000, USED = 0x102000, BUF = 0x110000;
    w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
    w(MMIO.DRIVER_FEATURES_SEL, 0); w(MMIO.DRIVER_FEATURES, 1 << 15);
    w(MMIO.DRIVER_FEATURES_SEL, 1); w(MMIO.DRIVER_FEATURES, 1);
    w(MMIO.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
    for (const q of [0, 1]) {
      w(MMIO.QUEUE_SEL, q); w(MMIO.QUEUE_NUM, 16);
      w(MMIO.QUEUE_DESC_LOW, DESC + q * 0x4000); w(MMIO.QUEUE_DRIVER_LOW, AVAIL + q * 0x4000); w(MMIO.QUEUE_DEVICE_LOW, USED + q * 0x4000);
      w(MMIO.QUEUE_READY, 1);
    }
    w(MMIO.STATUS, 0xf);
    expect(bus.read(base + MMIO.STATUS, 4)).toBe(0xf);
    ram.setUint32(DESC, BUF, true); ram.setUint32(DESC + 8, 2048, true); ram.setUint16(DESC + 12, 2, true);
    ram.setUint16(AVAIL + 4, 0, true); ram.setUint16(AVAIL + 2, 1, true);
    w(MMIO.QUEUE_NOTIFY, 0);
    const frame = new Uint8Array(60).fill(0xab);
    frame.set(MAC_B, 0);
    be.inject(frame);
    expect(ram.getUint16(USED + 2, true)).toBe(1);
    expect(ram.getUint32(USED + 8, true)).toBe(12 + 60);
    expect(Array.from(m.ram.subarray(BUF + 12, BUF + 72))).toEqual(Array.from(frame));
    expect(wakes).toBe(1);
    const ispendr6 = bus.read(GICD + 0x200 + 4 * 6, 4);
    expect((ispendr6 >>> (193 - 192)) & 1).toBe(1);
    expect((ispendr6 >>> (192 - 192)) & 1).toBe(0); // NIC 0 quiet
  });

  it('a device write into a page holding decoded code drops that code, as a CPU store does', () => {
    const ram = new Uint8Array(1 << 20);
    const dropped: number[] = [];
    const code = { codePages: new Uint8Array(256), onCodeWrite: (p: number) => { dropped.push(p); } };
    code.codePages[5] = 1; code.codePages[7] = 1;
    const dma = deviceDmaView(ram, code);
    expect(dma.write(5 * 4096 + 4094, new Uint8Array(4))).toBe(true); // pages 5 and 6
    expect(dma.setU32(7 * 4096, 1)).toBe(true);
    expect(dma.write(0xfffff, new Uint8Array(2))).toBe(false);        // refused: no effect
    expect(dropped).toEqual([5, 7]);
    expect(code.codePages[5] | code.codePages[7]).toBe(0);
  });

  it('krustvm dtb --net … describes the NICs the machine would have', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-dtb-'));
    try {
      const out = path.join(dir, 'x.dtb');
      expect(await dtbMain({ net: ['switch', 'stream,connect=tcp:127.0.0.1:9'], o: out })).toBe(0);
      const root = parseDtb(fs.readFileSync(out)).root;
      expect(root.find('/virtio@fc000000')!.str('compatible')).toBe('virtio,mmio');
      expect(root.find('/virtio@fc000200')!.cells('interrupts')).toEqual([0, 161, 4]);
      expect(root.find('/virtio@fc000400')).toBeUndefined();
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  itWith(findDtc() !== null, 'dtc', 'device-tree-compiler')('the DTB describes one virtio-mmio node per NIC, and dtc accepts it', () => {
    const dtb = buildBoardDtb({ ramBytes: 256 << 20, cpus: 2, virtioSlots: 2 });
    const r = decompile(dtb);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    for (const [n, spi] of [[0, 0xa0], [1, 0xa1]]) {
      const node = new RegExp(`virtio@${virtioSlot(n).base.toString(16)} \\{[^}]*compatible = "virtio,mmio";[^}]*reg = <0x00 0x${virtioSlot(n).base.toString(16)} 0x00 0x200>;[^}]*interrupts = <0x00 0x${spi.toString(16)} 0x04>;`, 's');
      expect(r.dts).toMatch(node);
    }
    expect(r.dts).not.toMatch(/virtio@fc000400/);
  });
});
