// Runs bundled-guest VMs for the network tests: several VMs in this process through the real
// `krustvm boot --vm …` path (bootMain → multi-vm.ts), each console to its own file; and a
// qemu-system-aarch64 guest with the same kernel and initramfs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bootMain } from '../../src/machine/cli-boot.js';
import { EXIT_STATUS_MARKER, bundledGuest, cmdBootargs } from '../../src/machine/guest.js';

export interface VmDef {
  name: string;
  /** Shell script for the guest's /init (krustvm.cmd). */
  cmd: string;
  /** --net values. */
  net: string[];
  /** Extra kernel command-line words (krustvm.ip=…). */
  append?: string;
  pcap?: string;
  /** Engine of this VM (default: the run's). */
  engine?: 'jit' | 'interp';
  /** Hypervisor mode (`--mode`; default bare here, pinned: the CLI's default is krustvm). */
  mode?: 'bare' | 'kvm' | 'krustvm';
}

export interface VmsRun { status: number; consoles: Record<string, string>; seconds: number }

/** The kernel command line of a scripted run of the bundled guest, plus `extra`. */
export const cmdAppend = (extra = '') => `console=ttyAMA0 quiet ${extra}`.trim();

/** `krustvm boot --vm … --vm …` with the consoles in files; the status and each console. */
export async function bootVms(vms: VmDef[], o: { engine?: 'jit' | 'interp'; until?: 'all' | 'first' } = {}): Promise<VmsRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-net-'));
  const t0 = Date.now();
  try {
    const specs = vms.map((v) => JSON.stringify({
      name: v.name, cmd: v.cmd, net: v.net, append: cmdAppend(v.append), m: '256M', 'max-insns': 4e10, mode: v.mode ?? 'bare',
      ...(v.engine ? { engine: v.engine } : {}),
      serial: `file:${path.join(dir, `${v.name}.txt`)}`, ...(v.pcap ? { 'net-pcap': v.pcap } : {}),
    }));
    const status = await bootMain({ vm: specs, engine: o.engine ?? 'jit', ...(o.until ? { until: o.until } : {}) } as never);
    const consoles: Record<string, string> = {};
    for (const v of vms) {
      const f = path.join(dir, `${v.name}.txt`);
      consoles[v.name] = fs.existsSync(f) ? fs.readFileSync(f, 'latin1').replace(/\r\n/g, '\n') : '';
    }
    return { status, consoles, seconds: (Date.now() - t0) / 1000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A qemu-system-aarch64 `-M virt` guest booting the bundled kernel and initramfs with `cmd`. */
export interface QemuGuest { child: ChildProcess; done: Promise<{ code: number | null; out: string }> }

export function startQemu(cmd: string, netdev: string, o: { mac: string; append?: string }): QemuGuest {
  const g = bundledGuest();
  if (!g) throw new Error('bundled guest missing');
  const child = spawn('qemu-system-aarch64', [
    '-M', 'virt', '-cpu', 'cortex-a72', '-m', '256M', '-nographic', '-no-reboot', '-monitor', 'none', '-serial', 'stdio',
    '-kernel', g.kernel, '-initrd', g.initrd, '-append', `${cmdAppend(o.append)} ${cmdBootargs(cmd)}`,
    '-netdev', `${netdev},id=n0`, '-device', `virtio-net-device,netdev=n0,mac=${o.mac}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  const done = new Promise<{ code: number | null; out: string }>((res) => child.on('close', (code) => res({ code, out: out.replace(/\r\n/g, '\n') })));
  return { child, done };
}

/** The exit status a scripted guest printed (the last marker line), or undefined. */
export function markerStatus(console: string): number | undefined {
  const m = [...console.matchAll(new RegExp(`^${EXIT_STATUS_MARKER}(\\d+)$`, 'gm'))].pop();
  return m ? Number(m[1]) : undefined;
}

// ----- guest script pieces (busybox sh)

/** Waits (up to ~`tries` s) until `ip` answers a ping. */
export const waitPing = (ip: string, tries = 60) =>
  `i=0; until ping -c 1 -W 1 ${ip} >/dev/null 2>&1; do i=$((i+1)); [ $i -ge ${tries} ] && break; done`;
/** Runs `cmd` until it succeeds (a peer that is not listening yet), at most `tries` times. */
export const retry = (cmd: string, tries = 60) =>
  `i=0; until ${cmd}; do i=$((i+1)); [ $i -ge ${tries} ] && break; sleep 1; done`;

/** The test file: `seq 1 N` (a newline after each number). The test knows its checksum without
 *  running the guest. */
export const seqFile = (n: number) => `seq 1 ${n} > /tmp/f`;
/** The receiving side of the file transfer the network tests make: take a stream on port 5001,
 *  print "RECEIVED <sha256> <bytes>", then wait for the sender's "done" on port 9. */
export const receiveFile = [
  'timeout 300 nc -l -p 5001 > /tmp/r',
  'echo "RECEIVED $(sha256sum < /tmp/r) $(wc -c < /tmp/r)"',
  'timeout 300 nc -l -p 9 > /dev/null',
];
export function seqSha256(n: number): string {
  const h = createHash('sha256');
  for (let i = 1; i <= n; i++) h.update(`${i}\n`);
  return h.digest('hex');
}

/** "a b c" ping summary counts of a busybox ping output. */
export function pingCounts(out: string, to: string): { sent: number; received: number } | undefined {
  const re = new RegExp(`--- ${to.replace(/\./g, '\\.')} ping statistics ---\\n(\\d+) packets transmitted, (\\d+) packets received`);
  const m = re.exec(out);
  return m ? { sent: Number(m[1]), received: Number(m[2]) } : undefined;
}
