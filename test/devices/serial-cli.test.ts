// The boot command's console on a pipe (devices/serial/coalesce.ts between the UART and stdout):
// whatever the guest wrote arrives complete and in order — when the guest powers off, and when
// the run ends at --max-insns with output still held — in bare mode and as a VM (MMIO exits),
// with both engines. The guests are raw binaries written here (A64 encodings, Arm ARM C6).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-serial-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const UART = 0xfe201000;
const movz = (rd: number, imm: number, hw = 0, x = true) => ((x ? 0xd2800000 : 0x52800000) | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const movk = (rd: number, imm: number, hw: number, x = true) => ((x ? 0xf2800000 : 0x72800000) | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const STR_W4_X1 = 0xb9000024;                 // str w4, [x1]
const SUBS_X2_1 = 0xf1000442;                 // subs x2, x2, #1
const BNE_BACK2 = (0x54000001 | ((-2 & 0x7ffff) << 5)) >>> 0; // b.ne .-8
const HVC0 = 0xd4000002, SELF = 0x14000000;   // hvc #0; b .

/** `count` × 'x', then 'E', then PSCI SYSTEM_OFF (or, with `spin`, a branch to itself). */
function guest(count: number, spin: boolean): string {
  const w = [
    movz(1, UART & 0xffff), movk(1, UART >>> 16, 1),
    movz(2, count & 0xffff), movk(2, count >>> 16, 1),
    movz(4, 0x78, 0, false),
    STR_W4_X1, SUBS_X2_1, BNE_BACK2,
    movz(4, 0x45, 0, false), STR_W4_X1,
    ...(spin ? [SELF] : [movz(0, 0x0008, 0, false), movk(0, 0x8400, 1, false), HVC0, SELF]),
  ];
  const file = path.join(dir, `g-${count}-${spin}.bin`);
  const b = Buffer.alloc(w.length * 4);
  w.forEach((x, i) => b.writeUInt32LE(x, i * 4));
  fs.writeFileSync(file, b);
  return file;
}

const boot = (file: string, ...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/krustvm.js'), 'boot', '--kernel', file, '-m', '64M', ...args],
  { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 2 ** 20 });

describe('boot console on a pipe', () => {
  const N = 100_000; // more than the 64 KiB held at most
  for (const mode of ['bare', 'kvm'] as const) {
    for (const engine of ['interp', 'jit'] as const) {
      it(`${mode}, ${engine}: everything written before power-off arrives, in order`, () => {
        const r = boot(guest(N, false), '--mode', mode, '--engine', engine);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout.length).toBe(N + 1);
        expect(r.stdout).toBe('x'.repeat(N) + 'E');
      }, 60_000);
    }
  }

  it('a run ended by --max-insns still delivers the held output', () => {
    const r = boot(guest(300, true), '--mode', 'kvm', '--max-insns', '5000');
    expect(r.stderr).toMatch(/instruction limit \(5000\) reached/);
    expect(r.stdout).toBe('x'.repeat(300) + 'E');
  }, 60_000);
});
