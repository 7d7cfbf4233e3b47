// The initial process stack follows Linux's layout (fs/binfmt_elf.c, create_elf_tables): the
// guest `stack` prints argc, argv, envp and the auxiliary vector with their addresses, and the
// test checks the kernel's rules; against qemu-aarch64 it compares what must agree.
import { itWith } from '../util/tools.js';
import { describe, it, expect } from 'vitest';
import { bin, ENGINES, hasQemu, qemu, runCaptured, cli } from './helpers.js';

interface Dump {
  sp: bigint; argc: number; argv: { addr: bigint; s: string }[]; envp: { addr: bigint; s: string }[];
  auxv: { type: number; val: bigint; s?: string }[]; auxvEnd: bigint;
}
function parse(out: string): Dump {
  const d: Dump = { sp: 0n, argc: 0, argv: [], envp: [], auxv: [], auxvEnd: 0n };
  for (const line of out.split('\n')) {
    const w = line.split(' ');
    const str = () => line.slice(line.indexOf('"') + 1, line.lastIndexOf('"'));
    if (w[0] === 'sp') d.sp = BigInt(w[1]);
    else if (w[0] === 'argc') d.argc = Number(w[1]);
    else if (w[0] === 'argv') d.argv.push({ addr: BigInt(w[2]), s: str() });
    else if (w[0] === 'envp') d.envp.push({ addr: BigInt(w[2]), s: str() });
    else if (w[0] === 'auxv') d.auxv.push({ type: Number(w[1]), val: BigInt(w[2]), s: line.includes('"') ? str() : undefined });
    else if (w[0] === 'auxv_end') d.auxvEnd = BigInt(w[1]);
  }
  return d;
}
const aux = (d: Dump, t: number) => d.auxv.find((a) => a.type === t);

const ARGS = ['first', 'two words', ''];
const ENV = ['A=1', 'LONGER_NAME=some value', 'EMPTY='];
// AT_MINSIGSTKSZ, HWCAP, PAGESZ, CLKTCK, PHDR, PHENT, PHNUM, BASE, FLAGS, ENTRY, UID, EUID, GID,
// EGID, SECURE, RANDOM, HWCAP2, EXECFN, PLATFORM, NULL: create_elf_tables' order (no vDSO).
const LINUX_ORDER = [51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15, 0];
const STACK_TOP = 2n ** 48n;

describe('initial stack', () => {
  for (const engine of ENGINES) {
    it(`follows the kernel's layout (${engine})`, () => {
      const prog = bin('stack');
      const r = runCaptured({ program: prog, args: ARGS, env: ENV, engine });
      expect(r.exitCode).toBe(0);
      const d = parse(r.out);
      expect(d.sp % 16n).toBe(0n);
      expect(d.argc).toBe(4);
      expect(d.argv.map((a) => a.s)).toEqual([prog, ...ARGS]);
      expect(d.envp.map((e) => e.s)).toEqual(ENV);
      // Strings: argv, then envp, then the exec file name, contiguous, ending 8 bytes below the top.
      const strs = [...d.argv, ...d.envp];
      for (let i = 1; i < strs.length; i++) expect(strs[i].addr).toBe(strs[i - 1].addr + BigInt(Buffer.byteLength(strs[i - 1].s) + 1));
      const last = strs[strs.length - 1];
      const execfn = aux(d, 31)!;
      expect(execfn.val).toBe(last.addr + BigInt(Buffer.byteLength(last.s) + 1));
      expect(execfn.s).toBe(prog);
      expect(execfn.val + BigInt(prog.length + 1)).toBe(STACK_TOP - 8n);
      // Below the strings (16-aligned): the platform string, then AT_RANDOM's 16 bytes.
      const platform = aux(d, 15)!;
      expect(platform.s).toBe('aarch64');
      expect(platform.val).toBe((d.argv[0].addr & ~15n) - 8n);
      expect(aux(d, 25)!.val).toBe(platform.val - 16n);
      // Then argc/argv/envp/auxv words, ending at most 15 bytes below AT_RANDOM.
      expect(d.argv[0].addr > d.sp).toBe(true);
      expect(aux(d, 25)!.val - d.auxvEnd).toBeLessThan(16n);
      expect(aux(d, 25)!.val >= d.auxvEnd).toBe(true);
      expect(d.auxv.map((a) => a.type)).toEqual(LINUX_ORDER);
      expect(aux(d, 6)!.val).toBe(4096n);
      expect(aux(d, 16)!.val).toBe(0x8fbn);
      expect(aux(d, 26)!.val).toBe(0n);
      expect(aux(d, 17)!.val).toBe(100n);
      expect(aux(d, 7)!.val).toBe(0n);
      expect(aux(d, 51)!.val).toBe(4720n);
      expect(aux(d, 4)!.val).toBe(56n);
    });
  }

  it('puts PROGRAM as given in argv[0] and passes words that look like options (CLI)', () => {
    const r = cli(['run', '--clear-env', '--env', 'X=y', 'test/linux/guests/bin/stack', '--engine', 'interp', '-h']);
    expect(r.status).toBe(0);
    const d = parse(r.stdout);
    expect(d.argv.map((a) => a.s)).toEqual(['test/linux/guests/bin/stack', '--engine', 'interp', '-h']);
    expect(d.envp.map((e) => e.s)).toEqual(['X=y']);
  });

  itWith(hasQemu, 'qemu-aarch64', 'qemu-user')('agrees with qemu-aarch64 where Linux fixes the values', () => {
    const prog = 'test/linux/guests/bin/stack';
    const q = qemu([prog, ...ARGS], { env: { A: '1' } });
    const k = runCaptured({ program: prog, args: ARGS, env: ['A=1'] });
    const dq = parse(q.stdout), dk = parse(k.out);
    expect(dk.argv.map((a) => a.s)).toEqual(dq.argv.map((a) => a.s));
    expect(dk.envp.map((e) => e.s)).toEqual(dq.envp.map((e) => e.s));
    // Same program, same link address: these agree exactly.
    for (const t of [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 23, 26]) expect(aux(dk, t)?.val, `AT ${t}`).toBe(aux(dq, t)?.val);
    for (const t of [15, 31]) expect(aux(dk, t)?.s, `AT ${t}`).toBe(aux(dq, t)?.s);
    // Every entry qemu gives, we give too.
    for (const a of dq.auxv) expect(aux(dk, a.type), `AT ${a.type}`).toBeDefined();
    expect(dq.sp % 16n).toBe(0n);
  });
});
