// Runs the reference device tree compiler on a blob. dtc must be present in CI; locally its
// absence is reported loudly instead of letting the check pass silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findDtc(): string | null {
  const r = spawnSync('dtc', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'dtc' : null;
}

/** Decompiles `blob` with `dtc -I dtb -O dts`; returns the source and dtc's stderr. */
export function decompile(blob: Uint8Array): { dts: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'krustvm-dtb-'));
  try {
    const f = join(dir, 'board.dtb');
    writeFileSync(f, blob);
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', f], { encoding: 'utf8' });
    return { dts: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles DTS source to a blob with dtc (for reader tests on dtc's own output). */
export function compile(dts: string): Uint8Array {
  return execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', '-q', '-'], { input: dts });
}
