// virtio-net in --mode krustvm: each VM's NICs reach only its shared I/O window (host pages the
// core lends the VM at IPAs beyond its RAM, described to Linux as a restricted-dma-pool), so the
// bundled guest bounces every virtio buffer through it and never grants a private page.
// Two bundled-guest VMs (one interpreter, one JIT) on the in-process switch: the pool is created
// and assigned to the NIC (dmesg), ping both ways, a file over TCP arrives intact.
import { describe, expect, it } from 'vitest';
import { parseDtb } from '../../src/board/fdt.js';
import { addRestrictedDmaPool, buildBoardDtb } from '../../src/board/pi4.js';
import { ioWindowOf } from '../../hypervisor/host/vm-machine.js';
import { bootVms, pingCounts, receiveFile, retry, seqFile, seqSha256, waitPing } from '../net-guest/run_vms.js';

const FILE_LINES = 20_000; // `seq 1 20000`: 108,894 bytes
const FILE_BYTES = 108_894;
const A = '10.0.0.1', B = '10.0.0.2';
const RAM = 256 * 2 ** 20;
const POOL = ioWindowOf(RAM, 1);
const dmesgPool = 'dmesg | grep -i -E "restricted DMA pool|assigned reserved memory" | sed "s/^\\[[ 0-9.]*\\] //; s/^/DMESG /"';

const serverScript = [
  dmesgPool,
  waitPing(B),
  `ping -c 3 ${B}`,
  ...receiveFile,
].join('\n');
const clientScript = [
  dmesgPool,
  waitPing(A),
  `ping -c 3 ${A}`,
  seqFile(FILE_LINES),
  retry(`nc ${A} 5001 < /tmp/f`),
  retry(`echo done | nc ${A} 9`),
].join('\n');

describe('the restricted-dma-pool node for the I/O window', () => {
  it('joins the memory node, sits under /reserved-memory, and every virtio-mmio node names it', () => {
    const dtb = addRestrictedDmaPool(buildBoardDtb({ ramBytes: RAM, cpus: 1, virtioSlots: 2 }), POOL);
    const t = parseDtb(dtb);
    const cells = t.root.find('/memory@0')!.cells('reg')!;
    // Two 2-cell ranges: RAM 0..256 MiB, then the window (DT binding: reg = <addr size>…).
    expect(cells).toEqual([0, 0, 0, RAM, 0, POOL.base, 0, POOL.size]);
    const pool = t.root.find(`/reserved-memory/restricted-dma@${POOL.base.toString(16)}`)!;
    expect(pool.str('compatible')).toBe('restricted-dma-pool');
    expect(pool.has('no-map')).toBe(false); // Linux refuses a no-map restricted pool
    const phandle = pool.u32('phandle')!;
    const virtio = t.root.children.filter((c) => c.str('compatible') === 'virtio,mmio');
    expect(virtio).toHaveLength(2);
    for (const v of virtio) expect(v.u32('memory-region')).toBe(phandle);
    expect(new Set(t.phandles.keys()).size).toBe(t.phandles.size);
    // The window is outside the VM's RAM and clear of the virtio/peripheral windows.
    expect(POOL.base).toBeGreaterThanOrEqual(RAM);
    expect(POOL.base + POOL.size).toBeLessThanOrEqual(0xfc000000);
  });
});

describe('two krustvm-mode VMs (interpreter and JIT) on the in-process switch', () => {
  it('the pool is assigned to virtio-net; ping both ways; a file over TCP arrives intact', async () => {
    const r = await bootVms([
      { name: 'a', net: ['switch,name=lan-krustvm,mac=52:54:00:00:00:01'], cmd: serverScript, engine: 'interp', mode: 'krustvm' },
      { name: 'b', net: ['switch,name=lan-krustvm,mac=52:54:00:00:00:02'], cmd: clientScript, engine: 'jit', mode: 'krustvm' },
    ]);
    const { a, b } = r.consoles;
    try {
      expect(r.status).toBe(0);
      for (const out of [a, b]) {
        // kernel/dma/swiotlb.c rmem_swiotlb_setup and drivers/of/of_reserved_mem.c messages.
        expect(out).toMatch(new RegExp(`DMESG .*created restricted DMA pool at 0x0*${POOL.base.toString(16)}, size ${POOL.size >> 20} MiB`));
        expect(out).toMatch(new RegExp(`DMESG virtio-mmio fc000000\\.virtio: assigned reserved memory node restricted-dma@${POOL.base.toString(16)}`));
      }
      expect(pingCounts(a, B)).toEqual({ sent: 3, received: 3 });
      expect(pingCounts(b, A)).toEqual({ sent: 3, received: 3 });
      const m = /^RECEIVED ([0-9a-f]{64})\s+-\s+(\d+)$/m.exec(a);
      expect(m?.[1]).toBe(seqSha256(FILE_LINES));
      expect(Number(m?.[2])).toBe(FILE_BYTES);
      console.info(`two krustvm VMs: ${r.seconds.toFixed(0)} s`);
    } catch (x) {
      console.error(`--- a:\n${a}\n--- b:\n${b}`);
      throw x;
    }
  }, 900_000);
});
