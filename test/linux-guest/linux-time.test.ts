// Time in the bundled Linux guest: without --icount the counter runs on host time, so a `sleep 2`
// in the guest takes about 2 s of host time (measured on the console stream, not by the guest);
// with --icount guest time is a function of the instruction count, so two boots print the same
// console byte for byte (boot log timestamps, /proc/uptime, /proc/interrupts, date, …), and the
// interpreter and the JIT retire the same instructions, so they print the same console too.
import { describe, expect, it } from 'vitest';
import { BUNDLED_APPEND } from '../../src/machine/guest.js';
import { bootCmd, bootCmdTimed } from './run_linux.js';

describe('bundled Linux guest: time', () => {
  it('sleep 2 in the guest takes about 2 s of host time (wall-clock counter)', async () => {
    const r = await bootCmdTimed('echo T-BEFORE; sleep 2; echo T-AFTER');
    expect(r.status, `${r.result.reason}: ${r.result.message}\n${r.serial.text().slice(-2000)}`).toBe(0);
    const a = r.serial.when('T-BEFORE\r\n'), b = r.serial.when('T-AFTER\r\n');
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    const sec = (b! - a!) / 1000;
    // Generous: the host may be busy (other tests run alongside); never shorter than asked.
    expect(sec).toBeGreaterThanOrEqual(1.8);
    expect(sec).toBeLessThan(4);
  }, 60_000);

  // The full console: the boot log (earlycon, timestamps) and then the command's output.
  const ICOUNT_CMD = [
    'cat /proc/uptime', 'date', 'sleep 1', 'cat /proc/uptime', 'cat /proc/interrupts',
    'cat /proc/sys/kernel/random/boot_id', 'echo $RANDOM', 'ls -l --full-time /init /tmp', 'dmesg | tail -n 5',
  ].join('; ');
  const icountBoot = (engine: 'jit' | 'interp') => bootCmd(ICOUNT_CMD, { engine, smp: 2, icount: true, append: BUNDLED_APPEND });
  let jitConsole: string | undefined;

  it('--icount: two boots print byte-identical consoles', async () => {
    const x = await icountBoot('jit'), y = await icountBoot('jit');
    expect(x.status, x.out.slice(-2000)).toBe(0);
    expect(y.status).toBe(0);
    expect(x.out).toMatch(/Booting Linux on physical CPU/);
    expect(x.out).toMatch(/smp: Brought up 1 node, 2 CPUs/);
    expect(x.out).toMatch(/^\[\s*\d+\.\d{6}\] Run \/init as init process$/m);
    expect(y.out).toBe(x.out);
    jitConsole = x.out;
  }, 90_000);

  it('--icount: the interpreter prints the same console as the JIT', async () => {
    const z = await icountBoot('interp');
    expect(z.status, z.out.slice(-2000)).toBe(0);
    if (jitConsole === undefined) jitConsole = (await icountBoot('jit')).out;
    expect(z.out).toBe(jitConsole);
  }, 90_000);
});
