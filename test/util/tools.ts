// Tests that need an outside tool (qemu-aarch64, objdump, dtc, tmux) run it when it is there.
// When it is not, they are never skipped silently: in their place stands one test that fails
// in CI (where .ci/run installs the tool) and elsewhere passes with a loud NOT RUN warning.
import { it } from 'vitest';
import { spawnSync } from 'node:child_process';

export const isCI = (): boolean => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/** Whether `cmd` runs (with `--version` unless other arguments are given). */
export function hasTool(cmd: string, args = ['--version']): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** The test that stands for tests not run because `tool` (Debian package `pkg`) is missing. */
export function notRun(tool: string, pkg: string, what: string): void {
  const msg = `${tool} not installed: ${what} NOT RUN (Debian package ${pkg})`;
  it(`${tool} is installed (${what})`, () => {
    if (isCI()) throw new Error(msg);
    console.warn(`\n*** WARNING: ${msg} ***\n`);
  });
}

/** `it` when the tool is present; otherwise a not-run report named after the test. */
export function itWith(present: boolean, tool: string, pkg: string): (name: string, fn: () => void | Promise<void>, timeout?: number) => void {
  return present ? (name, fn, timeout) => it(name, fn, timeout) : (name) => notRun(tool, pkg, name);
}
