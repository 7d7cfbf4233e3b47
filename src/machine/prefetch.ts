// Decompressing the bundled guest's images (Image.gz, initramfs.cpio.gz: ~10 MB unpacked, ~70 ms
// of one core) on libuv's thread pool, started by the command's entry (src/cli/main.ts) before
// the rest of krustvm is loaded, so that it overlaps the ~110 ms of module loading on the other
// core instead of following it. The loader (boot.ts) takes the result if it is there and the
// file is unchanged; otherwise — a prefetch that failed or was never started — it reads and
// decompresses the file itself as before, with the same limits and the same errors.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { bundledGuest } from './guest.js';

interface Prefetch {
  /** The file as it was when read (a later change makes the result stale). */
  stat: fs.Stats | undefined;
  maxOutputLength: number;
  data: Uint8Array | undefined;
  done: Promise<void>;
}

const prefetches = new Map<string, Prefetch>();

/** The decompressed size a gzip file announces (ISIZE, mod 2^32): the output buffer size that
 *  lets the thread pool do the whole file in one task. Only a hint (capped; a lie costs time). */
function chunkSizeFor(gz: Buffer): number {
  const isize = gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0;
  return Math.min(Math.max(isize + 1, 64 * 1024), 64 * 2 ** 20);
}

/** Starts reading and decompressing `file` in the background. Never throws; errors are left
 *  for the synchronous path to report. */
export function prefetchGunzip(file: string, maxOutputLength: number): void {
  if (prefetches.has(file)) return;
  const p: Prefetch = { stat: undefined, maxOutputLength, data: undefined, done: Promise.resolve() };
  try { p.stat = fs.statSync(file); } catch { return; } // (before the read: a change after it shows)
  p.done = new Promise<void>((resolve) => {
    fs.readFile(file, (err, gz) => {
      if (err || gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b) { resolve(); return; }
      zlib.gunzip(gz, { chunkSize: chunkSizeFor(gz), maxOutputLength }, (e, out) => {
        if (!e) p.data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        resolve();
      });
    });
  });
  prefetches.set(file, p);
}

/** The entry's guess, from the words alone: `boot` without a kernel of its own boots the bundled
 *  guest (a wrong guess only costs the thread pool some work). Limits as boot.ts uses them.
 *  Returns the files it prefetches. */
export function prefetchForCommand(argv: string[]): string[] {
  if (argv[0] !== 'boot' || argv.some((w) => /^--?kernel(=|$)/.test(w) || w === '--help' || w === '-h')) return [];
  const g = bundledGuest();
  if (!g) return [];
  prefetchGunzip(g.kernel, KERNEL_MAX_UNPACKED);
  prefetchGunzip(g.initrd, INITRD_MAX_UNPACKED);
  return [g.kernel, g.initrd];
}

/** Unpacked size limits of boot.ts (a kernel, an initrd). */
export const KERNEL_MAX_UNPACKED = 512 * 2 ** 20, INITRD_MAX_UNPACKED = 1024 * 2 ** 20;

/** Resolves when every prefetch started has finished (successfully or not). */
export async function prefetchesSettled(): Promise<void> {
  await Promise.all([...prefetches.values()].map((p) => p.done));
}

/** The decompressed contents of `file` if a finished prefetch with the same limit has them and
 *  the file has not changed since; else undefined. */
export function prefetched(file: string, maxOutputLength: number): Uint8Array | undefined {
  const p = prefetches.get(file);
  if (!p?.data || !p.stat || p.maxOutputLength !== maxOutputLength) return undefined;
  let now: fs.Stats;
  try { now = fs.statSync(file); } catch { return undefined; }
  if (now.size !== p.stat.size || now.mtimeMs !== p.stat.mtimeMs || now.ino !== p.stat.ino || now.dev !== p.stat.dev) return undefined;
  return p.data;
}
