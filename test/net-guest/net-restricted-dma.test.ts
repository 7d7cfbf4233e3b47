// The bundled kernel takes the isolation-friendly virtio DMA route: a device-tree
// `restricted-dma-pool` (reserved-memory) named by the virtio-mmio node's `memory-region`, with
// the device offering VIRTIO_F_ACCESS_PLATFORM, makes Linux bounce every virtio buffer through
// that window (kernel/dma/swiotlb.c, "restricted DMA pool"), so a guest needs to share only the
// window with the host. Checked on qemu-system-aarch64 -M virt (an independent machine): its own
// DTB, dumped, gets the pool added with our FDT code; QEMU's virtio-net-device with
// iommu_platform=on is the device; user-mode networking answers the ping.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect } from 'vitest';
import { type DtNode, FdtNode, buildFdt, parseDtb, u64Cells } from '../../src/board/fdt.js';
import { bundledGuest, cmdBootargs } from '../../src/machine/guest.js';
import { hasTool, itWith } from '../util/tools.js';
import { cmdAppend, markerStatus, pingCounts } from './run_vms.js';

const POOL_BASE = 0x4c000000, POOL_SIZE = 4 << 20; // inside QEMU virt's RAM (0x40000000, 256 MiB)
const QEMU_NET = ['-global', 'virtio-mmio.force-legacy=false', '-device', 'virtio-net-device,netdev=n0,iommu_platform=on', '-netdev', 'user,id=n0'];

/** A parsed node as a writable one (raw property bytes, phandles included). */
function writable(n: DtNode): FdtNode {
  const f = new FdtNode(n.parent ? n.name : '');
  for (const [k, v] of n.props) f.set(k, v);
  for (const c of n.children) f.add(writable(c));
  return f;
}

const withQemu = itWith(hasTool('qemu-system-aarch64'), 'qemu-system-aarch64', 'qemu-system-arm');

describe('bundled kernel: virtio DMA through a restricted-dma-pool', () => {
  withQemu('the pool is set up, assigned to the virtio-net device, and the NIC works through it', () => {
    const g = bundledGuest()!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-rdma-'));
    try {
      const dumped = path.join(dir, 'virt.dtb'), patched = path.join(dir, 'virt-rdma.dtb');
      const base = ['qemu-system-aarch64', '-M', 'virt', '-cpu', 'cortex-a72', '-m', '256M', '-nographic', '-no-reboot', ...QEMU_NET];
      const d = spawnSync(base[0], [...base.slice(1).map((w) => (w === 'virt' ? `virt,dumpdtb=${dumped}` : w))], { encoding: 'utf8' });
      expect(d.status, d.stderr).toBe(0);
      const root = writable(parseDtb(fs.readFileSync(dumped)).root);
      // QEMU fills its virtio-mmio transports from the highest address down: the one -device
      // sits in the last one.
      const mmio = root.children.filter((c) => c.name.startsWith('virtio_mmio@')).sort((a, b) => parseInt(b.name.split('@')[1], 16) - parseInt(a.name.split('@')[1], 16))[0];
      const pool = root.add('reserved-memory').set('#address-cells', [2]).set('#size-cells', [2]).set('ranges', true)
        .add(`restricted-dma@${POOL_BASE.toString(16)}`).set('compatible', 'restricted-dma-pool')
        .set('reg', [...u64Cells(POOL_BASE), ...u64Cells(POOL_SIZE)]);
      pool.phandle = 0x7fff; // clear of QEMU's phandles (0x8000…)
      mmio.set('memory-region', [pool]);
      fs.writeFileSync(patched, buildFdt(root));

      const cmd = 'dmesg | grep -i -E "restricted|reserved memory"; ping -c 3 10.0.2.2';
      const r = spawnSync(base[0], [...base.slice(1), '-dtb', patched, '-kernel', g.kernel, '-initrd', g.initrd,
        '-append', `${cmdAppend('krustvm.ip=10.0.2.15/24')} ${cmdBootargs(cmd)}`], { encoding: 'latin1', timeout: 120_000 });
      const out = r.stdout.replace(/\r\n/g, '\n');
      try {
        expect(out).toMatch(/created restricted DMA pool at 0x0*4c000000, size 4 MiB/);
        expect(out).toMatch(new RegExp(`virtio-mmio ${mmio.name.split('@')[1]}\\.virtio_mmio: assigned reserved memory node restricted-dma@4c000000`));
        expect(pingCounts(out, '10.0.2.2')).toEqual({ sent: 3, received: 3 });
        expect(markerStatus(out)).toBe(0);
      } catch (x) {
        console.error(out + r.stderr);
        throw x;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
