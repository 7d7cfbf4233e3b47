// The bundled Linux guest (guests/linux: Linux 6.1 + busybox) on the Pi 4-shaped machine with the
// JIT: a scripted run through `krustvm boot --cmd` on 2 CPUs (uname, /proc/cpuinfo,
// /proc/interrupts, dmesg, sha256sum, sleep, a loop of forks, exit status), and the interactive shell.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bootCmd, bootInteractive, complaints, waitFor } from './run_linux.js';

/** Sections of a scripted run: "=== name" lines split the console text. */
function sections(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  let cur = '';
  for (const l of out.split('\n')) {
    const m = /^=== (\S+)$/.exec(l);
    if (m) { cur = m[1]; r[cur] = ''; } else if (cur) r[cur] += `${l}\n`;
  }
  return r;
}

const SCRIPT = [
  'echo "=== uname"; uname -a',
  'echo "=== cpuinfo"; cat /proc/cpuinfo',
  'echo "=== interrupts"; cat /proc/interrupts',
  'echo "=== dmesg"; dmesg',
  'echo "=== dmesgtail"; dmesg | tail -n 3',
  'echo "=== sha"; printf "krustvm %s\\n" $(seq 1 1000) > /tmp/f; sha256sum /tmp/f',
  'echo "=== sleep"; a=$(cut -d" " -f1 /proc/uptime); sleep 1; b=$(cut -d" " -f1 /proc/uptime); echo "$a $b"',
  'echo "=== forks"; i=0; while [ $i -lt 50 ]; do busybox true || exit 9; i=$((i + 1)); done; echo "forked $i"',
  'echo "=== end"; exit 7',
].join('\n');

describe('bundled Linux guest (jit)', () => {
  it('boots on 2 CPUs, runs a script through --cmd, passes the exit status through', async () => {
    const r = await bootCmd(SCRIPT, { engine: 'jit', smp: 2 });
    const s = sections(r.out);
    expect(r.status, r.out.slice(-3000)).toBe(7);
    expect(s.uname).toMatch(/^Linux krustvm 6\.1\.\d+ .*aarch64 GNU\/Linux\n$/);
    // Two Cortex-A72 r0p3 (MIDR 0x410fd083) with the features our ID registers announce.
    expect(s.cpuinfo.match(/^processor\s*: \d/gm)).toHaveLength(2);
    expect(s.cpuinfo).toMatch(/CPU implementer\s*: 0x41/);
    expect(s.cpuinfo).toMatch(/CPU part\s*: 0xd08/);
    expect(s.cpuinfo).toMatch(/CPU revision\s*: 3/);
    expect(s.cpuinfo).toMatch(/Features\s*: fp asimd aes pmull sha1 sha2 crc32 cpuid/);
    // The arch timer's virtual PPI (ID 27) ticks on both CPUs; the PL011 is on SPI 121 (ID 153);
    // SGIs carry the IPIs.
    const timer = /^\s*\d+:\s+(\d+)\s+(\d+)\s+GIC-0\s+27 Level\s+arch_timer$/m.exec(s.interrupts);
    expect(timer, s.interrupts).not.toBeNull();
    expect(Number(timer![1])).toBeGreaterThan(0);
    expect(Number(timer![2])).toBeGreaterThan(0);
    expect(s.interrupts).toMatch(/GIC-0 153 Level\s+uart-pl011/);
    expect(s.interrupts).toMatch(/^IPI0:\s+\d+\s+\d+\s+Rescheduling interrupts$/m);
    // What the kernel saw of the machine.
    expect(s.dmesg).toMatch(/Booting Linux on physical CPU 0x0000000000 \[0x410fd083\]/);
    expect(s.dmesg).toMatch(/Machine model: krustvm Pi 4-shaped virtual machine/);
    expect(s.dmesg).toMatch(/psci: PSCIv1\.0 detected in firmware/);
    expect(s.dmesg).toMatch(/arch_timer: cp15 timer\(s\) running at 54\.00MHz \(virt\)/);
    expect(s.dmesg).toMatch(/smp: Brought up 1 node, 2 CPUs/);
    expect(s.dmesg).toMatch(/ttyAMA0 at MMIO 0xfe201000 .* is a PL011 rev2/);
    expect(s.dmesg).toMatch(/Run \/init as init process/);
    // The RNG is seeded from /chosen/rng-seed before anything runs (no jitter-entropy spinning).
    expect(s.dmesg).toMatch(/\[    0\.000000\] random: crng init done/);
    expect(complaints(s.dmesg.replace(/^.*psci: (PSCIv1\.0 detected in firmware|Trusted OS migration not required).*$/gm, ''))).toEqual([]);
    expect(s.dmesgtail.trim().split('\n')).toHaveLength(3);
    // 50 fork+exec of busybox from the shell.
    expect(s.forks).toBe('forked 50\n');
    // sha256sum (SIMD-free busybox code, lots of 32-bit arithmetic) against the host's.
    const data = Array.from({ length: 1000 }, (_, i) => `krustvm ${i + 1}\n`).join('');
    expect(s.sha.trim()).toBe(`${createHash('sha256').update(data).digest('hex')}  /tmp/f`);
    // sleep 1 sleeps at least a second of guest time (the counter runs on host time).
    const [a, b] = s.sleep.trim().split(' ').map(Number);
    expect(b - a).toBeGreaterThanOrEqual(1);
    expect(b - a).toBeLessThan(10);
    expect(s.end.trim()).toBe('');                 // the status line is taken out of the output
    expect(r.out).not.toMatch(/krustvm-exit-status/);
  }, 150_000);

  it('boots to the busybox shell and takes input on the console', async () => {
    const g = bootInteractive({ engine: 'jit' });
    await waitFor(g, (t) => t.includes('krustvm:/root# '), 120_000);
    expect(g.text()).toMatch(/krustvm: Linux 6\.1\.\d+ on 1 CPU\(s\)/);
    g.serial.inject('echo $((6 * 7))-ok\n');
    await waitFor(g, (t) => t.includes('42-ok\n'), 30_000);
    g.serial.inject('poweroff\n');
    const r = (await g.done) as { reason: string; exitCode: number };
    expect(r.reason).toBe('exit');
    expect(r.exitCode).toBe(0);
  }, 150_000);
});
