// Differential test of whole programs: every guest in test/guests/bin runs under qemu-aarch64 (the
// oracle, at test time) and under krustvm with each engine; stdout and the exit status must be
// identical (stderr may differ). qemu's own results are also checked against answers computed
// here independently (sha256 from node:crypto, CRC-32 in TS, known exit codes), so a broken
// oracle cannot make everything pass.
import { notRun } from '../util/tools.js';
import { describe, it, expect } from 'vitest';
import { createCipheriv, createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findQemu, runQemu, runKrustvm, krustvmMissing, firstDiff, guest, GUEST_DATA, QEMU_CPU, type RunResult, type EngineName,
} from './oracle.js';

const INPUT = join(GUEST_DATA, 'input.bin');

function crc32(data: Uint8Array): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

interface Case {
  name: string;
  bin: string;
  args?: string[];
  env?: Record<string, string>;
  /** Independent checks of the oracle's result. */
  check?: (r: RunResult) => void;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const input = readFileSync(INPUT);
const out = (r: RunResult) => r.stdout.toString('utf8');

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha256hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** crypto_aes's output: FIPS-197 appendix answers and AES-128-ECB of input.bin by node:crypto. */
function aesExpected(): string {
  const key = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
  const blocks = Math.floor(input.length / 16);
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const ct = Buffer.concat([c.update(input.subarray(0, blocks * 16)), c.final()]);
  const x = Buffer.alloc(16);
  for (let i = 0; i < ct.length; i++) x[i & 15] ^= ct[i];
  return 'A.1 w4 a0fafe17 w43 b6630ca6\n'
    + 'B ok enc 3925841d02dc09fbdc118597196a0b32 dec 3243f6a8885a308d313198a2e0370734\n'
    + 'C.1 ok enc 69c4e0d86a7b0430d8cdb78070b4c55a dec 00112233445566778899aabbccddeeff\n'
    + 'known answers passed\n'
    + `ecb ${blocks} blocks first ${hex(ct.subarray(0, 16))} last ${hex(ct.subarray(ct.length - 16))} xor ${hex(x)}\n`
    + 'decrypt round-trips\n';
}

/** crypto_sha256's output: known answers, the digest of input.bin and of all its prefixes 0..200. */
function sha256Expected(): string {
  const kat = (m: string) => `"${m.slice(0, 20)}" ${sha256hex(m)} ok\n`;
  let prefixes = '';
  for (let l = 0; l <= 200; l++) prefixes += sha256hex(input.subarray(0, l));
  return kat('abc') + kat('') + kat('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq') + 'known answers passed\n'
    + `${sha256hex(input)}  ${input.length} bytes\nprefixes ${sha256hex(prefixes)}\n`;
}

const STRING_ALIGN_OUT = new RegExp(`^${['e', 's'].flatMap((w) => ['strlen', 'memchr', 'strchr', 'memset'].map((f) => `${f}/${w}`)).concat(['e', 's'].flatMap((w) => ['cmp', 'memcpy', 'memmove'].map((f) => `${f}/${w}`))).map((n) => `${n} +[0-9a-f]{16}\\n`).join('')}done\\n$`);

const CASES: Case[] = [
  { name: 'hello', bin: 'hello', check: (r) => { expect(out(r)).toBe('Hello, world!\n'); expect(r.status).toBe(0); } },
  { name: 'printf_ints', bin: 'printf_ints', check: (r) => expect(out(r)).toContain('[-9223372036854775808] [9223372036854775807] [-2147483648] [2147483647]') },
  { name: 'qsort', bin: 'qsort', check: (r) => expect(out(r)).toContain('structs sorted\n') },
  { name: 'arith -O2', bin: 'arith', check: (r) => expect(out(r)).toMatch(/^mix [0-9a-f]{16}$/m) },
  { name: 'arith -O0', bin: 'arith_O0', check: (r) => expect(out(r)).toMatch(/^mix [0-9a-f]{16}$/m) },
  { name: 'setjmp -O2', bin: 'setjmp', check: (r) => expect(out(r)).toContain('deep longjmp returned 77') },
  { name: 'setjmp -O0', bin: 'setjmp_O0', check: (r) => expect(out(r)).toContain('outer setjmp returned 1 (counter 1)') },
  {
    name: 'sha256 of a file', bin: 'sha256', args: [INPUT],
    check: (r) => expect(out(r).split('\n')[0]).toBe(`${createHash('sha256').update(input).digest('hex')}  ${input.length} bytes`),
  },
  {
    name: 'crc32 of a file', bin: 'crc32', args: [INPUT],
    check: (r) => expect(out(r)).toBe(`${hex8(crc32(input))}  ${input.length} bytes\ncbf43926  "123456789"\n`),
  },
  { name: 'exit(42)', bin: 'exit42', check: (r) => { expect(r.status).toBe(42); expect(out(r)).toBe('exiting with 42\n'); } },
  { name: 'SIGSEGV from a null store', bin: 'segv', check: (r) => { expect(r.status).toBe(128 + 11); expect(out(r)).toBe('about to fault\n'); } },
  { name: 'SIGABRT from abort()', bin: 'abort', check: (r) => { expect(r.status).toBe(128 + 6); expect(out(r)).toBe('about to abort\n'); } },
  {
    name: 'argv and environment', bin: 'argv_env', args: ['one', 'two words', '', 'ünïcødé', '--flag=x'],
    env: { KVT_ALPHA: 'first', KVT_B: 'with spaces and = sign', OTHER: 'not printed' },
    check: (r) => { expect(r.status).toBe(6); expect(out(r)).toContain('argv[2]=[two words] len 9\nargv[3]=[] len 0'); expect(out(r)).toContain('env KVT_B=with spaces and = sign\n'); },
  },
  {
    name: 'raw syscalls (assembly, no libc)', bin: 'sysasm', args: ['a', 'b'],
    check: (r) => { expect(r.status).toBe(3); expect(out(r)).toBe('hello from raw syscalls\nabcdefghijklmnopqrstuvwxyz\n3\nbye\n'); },
  },
  { name: 'strings and malloc', bin: 'strings', check: (r) => expect(out(r)).toContain('tokens 100 sum 328350') },
  { name: 'floating point', bin: 'float', check: (r) => expect(out(r)).toContain('exp 2.7182818284590451 ') },
  // The same kinds of programs against musl instead of glibc.
  { name: 'musl: printf, strings, malloc', bin: 'musl_hello', check: (r) => { expect(r.status).toBe(3); expect(out(r)).toBe('musl|1|beef|2.500 len=17\n999 no y\n'); } },
  { name: 'musl: arith', bin: 'musl_arith', check: (r) => expect(out(r)).toMatch(/^mix [0-9a-f]{16}$/m) },
  { name: 'musl: qsort', bin: 'musl_qsort', check: (r) => expect(out(r)).toContain('structs sorted\n') },
  {
    name: 'musl: sha256 of a file', bin: 'musl_sha256', args: [INPUT],
    check: (r) => expect(out(r).split('\n')[0]).toBe(`${createHash('sha256').update(input).digest('hex')}  ${input.length} bytes`),
  },
  // The Crypto Extension through <arm_neon.h> intrinsics, against node:crypto.
  { name: 'crypto: AES-128 (AESE/AESD/AESMC/AESIMC)', bin: 'crypto_aes', args: [INPUT], check: (r) => { expect(r.status).toBe(0); expect(out(r)).toBe(aesExpected()); } },
  { name: 'crypto: SHA-256 (SHA256H/H2/SU0/SU1)', bin: 'crypto_sha256', args: [INPUT], check: (r) => { expect(r.status).toBe(0); expect(out(r)).toBe(sha256Expected()); } },
  // String routines at every alignment against guard pages; glibc and musl agree line by line.
  { name: 'string routines on every alignment (glibc)', bin: 'string_align', check: (r) => { expect(r.status).toBe(0); expect(out(r)).toMatch(STRING_ALIGN_OUT); } },
  {
    name: 'string routines on every alignment (musl)', bin: 'musl_string_align',
    check: (r) => { expect(r.status).toBe(0); expect(out(r)).toMatch(STRING_ALIGN_OUT); expect(out(r)).toBe(execFileSync(qemu!, ['-cpu', QEMU_CPU, guest('string_align')]).toString('utf8')); },
  },
  { name: 'bench_intloop', bin: 'bench_intloop', args: ['20000'], check: (r) => expect(out(r)).toMatch(/^intloop 20000 [0-9a-f]{16}\n$/) },
  { name: 'bench_crc32', bin: 'bench_crc32', args: ['2'], check: (r) => expect(out(r)).toMatch(/^crc32 2 [0-9a-f]{8}\n$/) },
  { name: 'bench_sha256', bin: 'bench_sha256', args: ['1'], check: (r) => expect(out(r)).toMatch(/^sha256 1 [0-9a-f]{64}\n$/) },
  { name: 'bench_fib', bin: 'bench_fib', args: ['18'], check: (r) => expect(out(r)).toBe('fib(18) = 2584\n') },
  { name: 'bench_memcpy', bin: 'bench_memcpy', args: ['3'], check: (r) => expect(out(r)).toMatch(/^memcpy 3 [0-9a-f]{16}\n$/) },
  { name: 'bench_matmul', bin: 'bench_matmul', args: ['2'], check: (r) => expect(out(r)).toMatch(/^matmul 2 -?\d\.\d{12}e[+-]\d\d\n$/) },
  { name: 'bench_fft', bin: 'bench_fft', args: ['2'], check: (r) => expect(out(r)).toMatch(/^fft 2 \S+ \S+\n$/) },
  { name: 'bench_vector', bin: 'bench_vector', args: ['20'], check: (r) => expect(out(r)).toMatch(/^vector 20 \S+ -?\d+ \d+\n$/) },
];

// The interpreter and JIT are far slower than qemu; a run that exceeds this is reported as such.
const KRUSTVM_TIMEOUT_MS = Number(process.env.KRUSTVM_DIFF_TIMEOUT_MS ?? 240_000);
const envOf = (c: Case) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env });
const qemu = findQemu();

if (!qemu) {
  notRun('qemu-aarch64', 'qemu-user', 'the differential program tests');
} else {
  const oracle = new Map<string, Promise<RunResult>>();
  const qemuResult = (c: Case) => {
    let p = oracle.get(c.name);
    if (!p) { p = runQemu(qemu, guest(c.bin), c.args ?? [], { env: envOf(c) }); oracle.set(c.name, p); }
    return p;
  };

  describe('oracle: qemu-aarch64 gives the independently known answers', () => {
    for (const c of CASES) {
      it(c.name, async () => {
        const q = await qemuResult(c);
        expect(q.timedOut, 'qemu timed out').toBe(false);
        c.check?.(q);
      });
    }
  });

  for (const engine of ['interp', 'jit'] as EngineName[]) {
    describe(`krustvm --engine ${engine} matches qemu-aarch64 (stdout and exit status)`, () => {
      for (const c of CASES) {
        it(c.name, async () => {
          const missing = krustvmMissing();
          if (missing) throw new Error(missing);
          const [q, k] = await Promise.all([qemuResult(c), runKrustvm(engine, guest(c.bin), c.args ?? [], { env: envOf(c), timeoutMs: KRUSTVM_TIMEOUT_MS })]);
          const where = `krustvm ${engine} (${k.how}${k.timedOut ? `, killed after ${KRUSTVM_TIMEOUT_MS / 1000} s` : ''}, ${k.ms} ms) vs qemu (${q.how}, ${q.ms} ms); krustvm stderr:\n${k.stderr.slice(0, 2000)}`;
          expect(k.stdout.equals(q.stdout), `stdout differs at ${firstDiff(q.stdout, k.stdout)}\n${where}`).toBe(true);
          expect(k.status, `exit status differs: ${where}`).toBe(q.status);
        }, KRUSTVM_TIMEOUT_MS + 30_000);
      }
    });
  }
}
