// The contract between a virtio device (net, rng, ...) and its transport (mmio.ts), in the
// manner of Firecracker's VirtioDevice: the transport owns registers, feature negotiation,
// queue setup and interrupts; the device owns its config space and what it does with buffers.
import type { DmaView } from './dma.js';
import type { Virtqueue } from './queue.js';

/** Device IDs (virtio 1.2 §5). */
export const VIRTIO_ID = { NET: 1, BLOCK: 2, CONSOLE: 3, RNG: 4 } as const;

/** Feature bits the transport handles itself (offered for every device). */
export const VIRTIO_F_INDIRECT_DESC = 28n, VIRTIO_F_EVENT_IDX = 29n, VIRTIO_F_VERSION_1 = 32n;
export const bit = (n: bigint): bigint => 1n << n;

/** What an active device may do back to its transport. */
export interface VirtioSignal {
  /** Used elements were pushed on queue `q`: interrupt if the queue's suppression allows. */
  used(q: number): void;
  /** The config space changed (bumps ConfigGeneration, config-change interrupt). */
  configChanged(): void;
  /** The driver broke the protocol: DEVICE_NEEDS_RESET, one log line; the device is then
   *  left alone until the driver resets it. */
  fail(reason: string): void;
}

export interface VirtioDevice {
  readonly name: string;
  readonly deviceId: number;
  /** Device-specific feature bits offered (the transport adds VERSION_1, INDIRECT_DESC,
   *  EVENT_IDX). */
  readonly features: bigint;
  /** Maximum size of each queue; the length is the number of queues. */
  readonly queueMaxSizes: readonly number[];
  /** Config space access at `offset` (from 0x100 of the window); unsigned value. */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void;
  /** DRIVER_OK: the queues (ready ones validated, `features` negotiated, memory attached) and
   *  the memory view. Returns an error message to refuse (the transport sets NEEDS_RESET). */
  activate(queues: readonly Virtqueue[], dma: DmaView, signal: VirtioSignal, features: bigint): string | void;
  /** The driver notified queue `q` (only while active). */
  queueNotify(q: number): void;
  /** Device reset (Status ← 0): forget the queues and any in-flight work. */
  reset(): void;
  /** Device state as plain data; restore() happens before the transport re-activates it. */
  save(): unknown;
  restore(state: unknown): void;
}
