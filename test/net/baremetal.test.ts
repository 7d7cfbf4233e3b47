// A bare-metal guest drives the NIC through the real machine (CPU, MMU off, bus, transport):
// proper use, then hostile descriptors (test/net/guest/virtio_net.c). Both engines. The NIC's
// backend loops every frame straight back, so the guest sees its own frames arrive.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { setWarnSink, warnSink } from '../../devices/device.js';
import type { FrameReceiver, NetBackend } from '../../devices/net/backend.js';
import { BufferBackend } from '../../devices/serial/backend.js';
import { bootLayout, planBoot } from '../../src/machine/boot.js';

const ELF = path.join(path.dirname(fileURLToPath(import.meta.url)), 'guest/virtio_net.elf');

/** Frames sent come back at once (synchronously, inside the sender's transmit). */
class SyncLoopback implements NetBackend {
  private rx: FrameReceiver | null = null;
  sent = 0;
  send(f: Uint8Array): void { this.sent++; this.rx?.(f); }
  setReceiver(rx: FrameReceiver | null): void { this.rx = rx; }
  async close(): Promise<void> {}
}

const saved = warnSink;
afterEach(() => setWarnSink(saved));

describe.each(['interp', 'jit'] as const)('bare-metal virtio-net driver (%s)', (engine) => {
  it('uses the NIC, then hostile descriptors each end in NEEDS_RESET with one log line; no emulator exception', async () => {
    const logs: string[] = [];
    setWarnSink((m) => logs.push(m));
    const ramBytes = 64 * 2 ** 20;
    const serial = new BufferBackend();
    const lo = new SyncLoopback();
    const plan = planBoot({ kernel: ELF, virtioSlots: 1 }, ramBytes, 1);
    const { scheduler } = bootLayout(plan, { ramBytes, cpus: 1, engine, icount: true, serial, nics: [{ backend: lo, mac: new Uint8Array([0x52, 0x54, 0, 0x12, 0x34, 0x56]) }] });
    const r = await scheduler.run({ maxInsns: 50_000_000 });
    const out = serial.text();
    expect(out, out).toMatch(/ALL PASSED/);
    expect(r.reason).toBe('exit');
    expect(r.exitCode).toBe(0);
    // Three good frames went out (one of them after the hostile cases, one into the hostile
    // receive buffer); each hostile case logged exactly one line.
    expect(lo.sent).toBe(3);
    const resets = logs.filter((l) => /device needs reset/.test(l));
    expect(resets.length, logs.join('\n')).toBe(5);
    expect(resets[0]).toMatch(/^virtio-mmio:virtio-net\.0: queue 1: descriptor 0: buffer 0x4001000\+0x40 outside the memory the device may use; device needs reset$/);
    expect(resets[1]).toMatch(/loop/);
    expect(resets[3]).toMatch(/indirect table inside an indirect table/);
    expect(resets[4]).toMatch(/queue 0: descriptor 0: buffer 0x3fffff0\+0x80 outside/);
  });
});
