// The multi-VM runner without booting anything: VM specs (vm-config.ts), the prefixed console,
// and runVms' usage checks, exit status and end-of-run policy with a stand-in for bootMain.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { describe, expect, it, vi } from 'vitest';
import { bootCommands } from '../../src/machine/cli-boot.js';
import { LoadError } from '../../src/machine/loader.js';
import { PrefixedConsole, runVms, type VmHooks } from '../../src/machine/multi-vm.js';
import type { Scheduler } from '../../src/machine/scheduler.js';
import { VmSpecError, checkNames, readVmSpec } from '../../src/machine/vm-config.js';

const builder = (y: Argv) => (bootCommands(() => {})[0].builder as (y: Argv) => Argv)(y);

describe('VM specs (--vm)', () => {
  it('turns a JSON object into boot options: arrays repeat, booleans are flags', () => {
    const s = readVmSpec('{"name":"web","cmd":"uname -a","net":["switch","switch,name=lan1"],"smp":2,"icount":true,"stats":false}', 0);
    expect(s.name).toBe('web');
    expect(s.words).toEqual(['--cmd', 'uname -a', '--net', 'switch', '--net', 'switch,name=lan1', '--smp', '2', '--icount', '--no-stats']);
  });
  it('names inline VMs vm1, vm2, … and file VMs after the file', () => {
    expect(readVmSpec('{}', 1).name).toBe('vm2');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-vmspec-'));
    try {
      const f = path.join(dir, 'server.json');
      fs.writeFileSync(f, '{"m": "256M"}');
      expect(readVmSpec(f, 0)).toEqual({ name: 'server', source: f, words: ['-m', '256M'] });
      expect(() => readVmSpec(path.join(dir, 'missing.json'), 0)).toThrow(LoadError);
      expect(() => readVmSpec(dir, 0)).toThrow(LoadError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects what is not one object of scalar options', () => {
    for (const bad of ['{"cmd": ', '[1]', '{"name": "a b"}', '{"name": 5}', '{"vm": "x.json"}', '{"until": "first"}', '{"cmd": {"x": 1}}', '{"net": [["switch"]]}', '{"--cmd": "x"}']) {
      expect(() => readVmSpec(bad, 0), bad).toThrow(VmSpecError);
    }
  });
  it('wants distinct names', () => {
    expect(() => checkNames([readVmSpec('{"name":"a"}', 0), readVmSpec('{"name":"a"}', 1)])).toThrow(/also used/);
    expect(() => checkNames([readVmSpec('{"name":"a"}', 0), readVmSpec('{}', 1)])).not.toThrow();
  });
});

describe('PrefixedConsole', () => {
  it('prefixes whole lines, holds a partial line until its end, drops CR, flushes on close', async () => {
    const out: string[] = [];
    const c = new PrefixedConsole('[a] ', (t) => out.push(t));
    c.write(Buffer.from('hel'));
    expect(out).toEqual([]);
    c.write(Buffer.from('lo\r\nworld\r\nsec'));
    expect(out).toEqual(['[a] hello\n[a] world\n']);
    c.write(Buffer.from('ond\n\n'));
    expect(out.slice(1)).toEqual(['[a] second\n[a] \n']);
    c.write(Buffer.from('# '));
    await c.close();
    expect(out.slice(2)).toEqual(['[a] # \n']);
  });
});

/** A bootMain stand-in: each VM (by its --cmd) ends after `ms` with `status`, or runs until
 *  quit() (then status 1, as a --cmd run stopped from the host), or fails before starting. */
function fakeBoot(plan: Record<string, { ms?: number; status?: number; fails?: boolean }>) {
  const quitted: string[] = [];
  const boot = vi.fn(async (a: Record<string, unknown> & VmHooks) => {
    const p = plan[String(a.cmd)];
    a.serialBackend?.write(Buffer.from(`${a.cmd}\n`));
    await a.serialBackend?.close();
    if (p.fails) return 66;
    return new Promise<number>((res) => {
      const t = p.ms !== undefined ? setTimeout(() => res(p.status ?? 0), p.ms) : undefined;
      a.onStart?.({ quit: () => { clearTimeout(t); quitted.push(String(a.cmd)); res(1); } } as unknown as Scheduler);
    });
  });
  return { boot, quitted };
}

describe('runVms', () => {
  const quiet = () => vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const vm = (name: string, extra = '') => `{"name":"${name}","cmd":"${name}"${extra}}`;

  it('runs every VM with its own parsed options and a prefixed console; 0 when all end with 0', async () => {
    const { boot } = fakeBoot({ a: { ms: 5 }, b: { ms: 1 } });
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await runVms({ vm: [vm('a', ',"smp":2'), vm('b', ',"serial":"none"')], engine: 'interp' }, boot, builder);
    stdout.mockRestore();
    expect(code).toBe(0);
    expect(boot).toHaveBeenCalledTimes(2);
    const [a, b] = boot.mock.calls.map((c) => c[0]);
    expect([a.cmd, a.smp, a.engine, b.engine, b.serial]).toEqual(['a', 2, 'interp', 'interp', 'none']);
    expect(a.serialBackend).toBeInstanceOf(PrefixedConsole);
    expect(b.serialBackend).toBeUndefined(); // the VM named its own serial
    expect([a.vmName, b.vmName]).toEqual(['a', 'b']); // labels each VM's --stats lines
  });

  it('exits with the first non-zero status in the order the VMs ended', async () => {
    const err = quiet();
    const { boot } = fakeBoot({ a: { ms: 30, status: 4 }, b: { ms: 1, status: 3 }, c: { ms: 10 } });
    expect(await runVms({ vm: [vm('a', ',"serial":"none"'), vm('b', ',"serial":"none"'), vm('c', ',"serial":"none"')] }, boot, builder)).toBe(3);
    err.mockRestore();
  });

  it('--until first stops the others when one ends, and their status does not count', async () => {
    const { boot, quitted } = fakeBoot({ a: {}, b: { ms: 5 } });
    expect(await runVms({ vm: [vm('a', ',"serial":"none"'), vm('b', ',"serial":"none"')], until: 'first' }, boot, builder)).toBe(0);
    expect(quitted).toEqual(['a']);
  });

  it('a VM that cannot start stops the others', async () => {
    const err = quiet();
    const { boot, quitted } = fakeBoot({ a: {}, b: { fails: true } });
    expect(await runVms({ vm: [vm('a', ',"serial":"none"'), vm('b', ',"serial":"none"')] }, boot, builder)).toBe(66);
    expect(quitted).toEqual(['a']);
    err.mockRestore();
  });

  it('an unexpected exception in one VM stops the others and comes through', async () => {
    const { boot: inner, quitted } = fakeBoot({ a: {} });
    const boot = vi.fn(async (a: Record<string, unknown> & VmHooks) => {
      if (a.cmd === 'b') { await new Promise((r) => setTimeout(r, 5)); throw new Error('boom'); }
      return inner(a);
    });
    await expect(runVms({ vm: [vm('a', ',"serial":"none"'), vm('b', ',"serial":"none"')] }, boot, builder)).rejects.toThrow('boom');
    expect(quitted).toEqual(['a']);
  });

  it('usage errors: per-VM options beside --vm, two terminals, unknown options, duplicate names', async () => {
    const err = quiet();
    const { boot } = fakeBoot({});
    expect(await runVms({ vm: [vm('a')], cmd: 'x' }, boot, builder)).toBe(2);
    expect(await runVms({ vm: [vm('a', ',"serial":"stdio"'), vm('b', ',"serial":"stdio"')] }, boot, builder)).toBe(2);
    expect(await runVms({ vm: [vm('a', ',"no-such-option":1')] }, boot, builder)).toBe(2);
    expect(await runVms({ vm: [vm('a', ',"engine":"fast"')] }, boot, builder)).toBe(2);
    expect(await runVms({ vm: [vm('a'), vm('a')] }, boot, builder)).toBe(2);
    expect(await runVms({ vm: ['/nonexistent/vm.json'] }, boot, builder)).toBe(66);
    expect(boot).not.toHaveBeenCalled();
    const lines = err.mock.calls.map((c) => String(c[0]));
    err.mockRestore();
    expect(lines.every((l) => /^krustvm: .+\n$/.test(l) && !l.slice(0, -1).includes('\n'))).toBe(true);
  });
});
