// src/machine/prefetch.ts: a gzip file decompressed in the background is handed to the loader only
// while the file is unchanged and with the loader's own limit; anything else falls back to the
// loader's synchronous path (same bytes, same errors).
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { prefetchGunzip, prefetched, prefetchesSettled, prefetchForCommand, KERNEL_MAX_UNPACKED, INITRD_MAX_UNPACKED } from '../../src/machine/prefetch.js';
import { readKernel } from '../../src/machine/boot.js';
import { LoadError } from '../../src/machine/loader.js';
import { bundledGuest } from '../../src/machine/guest.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-prefetch-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Pseudo-random bytes (compress a little, like a kernel). */
function content(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; b[i] = (s >>> 24) & (i % 7 === 0 ? 0xff : 0x0f); }
  return b;
}

describe('background gunzip of boot images', () => {
  it('gives the bytes gunzip gives, for the same limit only', async () => {
    const data = content(300_000, 1), file = path.join(dir, 'a.gz');
    fs.writeFileSync(file, zlib.gzipSync(data));
    prefetchGunzip(file, KERNEL_MAX_UNPACKED);
    await prefetchesSettled();
    const got = prefetched(file, KERNEL_MAX_UNPACKED);
    expect(got).toBeDefined();
    expect(Buffer.compare(Buffer.from(got!), Buffer.from(data))).toBe(0);
    expect(prefetched(file, INITRD_MAX_UNPACKED)).toBeUndefined();
    expect(prefetched(path.join(dir, 'never-prefetched.gz'), KERNEL_MAX_UNPACKED)).toBeUndefined();
  });

  it('a file changed after the prefetch is read again', async () => {
    const file = path.join(dir, 'b.gz');
    fs.writeFileSync(file, zlib.gzipSync(content(100_000, 2)));
    prefetchGunzip(file, KERNEL_MAX_UNPACKED);
    await prefetchesSettled();
    expect(prefetched(file, KERNEL_MAX_UNPACKED)).toBeDefined();
    const newer = content(120_000, 3);
    fs.writeFileSync(file, zlib.gzipSync(newer));
    expect(prefetched(file, KERNEL_MAX_UNPACKED)).toBeUndefined();
  });

  it('a damaged or missing file leaves nothing, and the loader reports it as before', async () => {
    const bad = path.join(dir, 'bad.gz');
    fs.writeFileSync(bad, Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3));
    const missing = path.join(dir, 'missing.gz');
    prefetchGunzip(bad, KERNEL_MAX_UNPACKED);
    prefetchGunzip(missing, KERNEL_MAX_UNPACKED);
    await prefetchesSettled();
    expect(prefetched(bad, KERNEL_MAX_UNPACKED)).toBeUndefined();
    expect(prefetched(missing, KERNEL_MAX_UNPACKED)).toBeUndefined();
    expect(() => readKernel(bad)).toThrow(LoadError);
    expect(() => readKernel(bad)).toThrow(/does not decompress/);
    expect(() => readKernel(missing)).toThrow(/no such file/);
  });

  it('`boot` without --kernel prefetches the bundled guest, which the loader then takes', async () => {
    const g = bundledGuest();
    expect(g).toBeDefined();
    expect(prefetchForCommand(['boot', '-m', '256M'])).toEqual([g!.kernel, g!.initrd]);
    await prefetchesSettled();
    const k = prefetched(g!.kernel, KERNEL_MAX_UNPACKED);
    expect(k).toBeDefined();
    expect(readKernel(g!.kernel)).toBe(k); // the prefetched buffer itself
    expect(Buffer.compare(Buffer.from(k!), zlib.gunzipSync(fs.readFileSync(g!.kernel)))).toBe(0);
    expect(prefetched(g!.initrd, INITRD_MAX_UNPACKED)).toBeDefined();
  });

  it('other commands and boots of another kernel prefetch nothing', () => {
    for (const argv of [['boot', '--kernel', 'x'], ['boot', '-kernel', 'x'], ['boot', '--kernel=x'], ['boot', '--help'], ['dtb'], ['run', 'prog'], []]) {
      expect(prefetchForCommand(argv)).toEqual([]);
    }
  });
});
