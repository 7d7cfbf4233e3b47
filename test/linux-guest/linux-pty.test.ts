// The bundled Linux guest used interactively, as a person would: `krustvm boot` (the compiled
// CLI, bin/krustvm.js) on a real pseudo-terminal (tmux), keys typed and the screen read back.
// Checks the host terminal goes raw (so Ctrl-C is a byte for the guest, not a SIGINT for the
// emulator), that the guest's console tty has ISIG so 0x03 from the PL011 interrupts the
// foreground job, that `poweroff` ends the emulator with status 0, that Ctrl-A x quits, and that
// the terminal is restored afterwards.
import { notRun } from '../util/tools.js';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TmuxSession, hasTmux } from './tmux.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROMPT = 'krustvm:/root#'; // tmux drops the trailing blank
const BOOT_MS = 50_000;
/** After the emulator: its status and the terminal's line discipline flags, then wait. */
const WRAP = 'node bin/krustvm.js boot -m 256M; echo "[krustvm exited with $?]"; stty -a | tr " " "\\n" | grep -x -- "-\\{0,1\\}\\(icanon\\|isig\\|echo\\)" | tr "\\n" " "; echo "[stty]"; sleep 600';

/** Host-side termios of the pane's pty while the emulator runs (stty -F). */
function hostStty(tty: string): string {
  const r = spawnSync('stty', ['-a', '-F', tty], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`stty -F ${tty}: ${r.stderr}`);
  return r.stdout;
}
const flag = (stty: string, f: string) => (new RegExp(`(^|\\s)-${f}(\\s|$)`).test(stty) ? false : new RegExp(`(^|\\s)${f}(\\s|$)`).test(stty) ? true : undefined);

// CI installs tmux (.ci/run); without it the tests stand as one NOT RUN report.
const d = hasTmux ? describe : (name: string) => notRun('tmux', 'tmux', name);

d('bundled Linux guest on a terminal (tmux)', () => {
  let s: TmuxSession | undefined;
  afterEach(() => { s?.close(); s = undefined; });

  it('shell: a command, Ctrl-C interrupts sleep 100, poweroff exits 0', async () => {
    s = new TmuxSession(['sh', '-c', WRAP], { cwd: ROOT });
    await s.waitFor((t) => t.includes(PROMPT), BOOT_MS, 'the shell prompt');
    // The emulator put the terminal in raw mode: no signals, no line editing, no echo on the host.
    const host = hostStty(s.tty());
    expect(flag(host, 'isig'), host).toBe(false);
    expect(flag(host, 'icanon'), host).toBe(false);
    expect(flag(host, 'echo'), host).toBe(false);

    s.type('echo $((6 * 7))-ok'); s.keys('Enter');
    await s.waitFor((t) => /^42-ok$/m.test(t), 20_000, '42-ok');

    // The guest's console is the PL011 and its line discipline turns ^C into SIGINT.
    s.type('tty; stty -a; echo stty-done'); s.keys('Enter');
    const t = await s.waitFor((x) => /^stty-done$/m.test(x), 20_000, 'stty -a in the guest');
    const guest = t.slice(t.lastIndexOf('tty; stty -a'));
    expect(guest).toMatch(/^\/dev\/ttyAMA0$/m);
    expect(guest).toMatch(/intr = \^C;/);
    expect(flag(guest, 'isig'), guest).toBe(true);

    // sleep 100 in the foreground; Ctrl-C (0x03 through the PL011) kills it, the prompt returns.
    // Judged by what follows the command line, not by counting prompts: a loaded host may
    // still be printing an earlier prompt, or the line editor may redraw one.
    await s.waitFor((x) => x.trimEnd().endsWith(PROMPT), 20_000, 'the prompt before sleep');
    const afterCommand = (x: string) => x.slice(x.lastIndexOf('sleep 100') + 'sleep 100'.length);
    s.type('sleep 100'); s.keys('Enter');
    await s.waitFor((x) => x.includes('sleep 100'), 20_000, 'the echoed command');
    await new Promise((r) => setTimeout(r, 1500));
    expect(afterCommand(s.text())).not.toContain(PROMPT);  // still sleeping
    const t0 = Date.now();
    s.keys('C-c');
    await s.waitFor((x) => afterCommand(x).includes(PROMPT), 15_000, 'the prompt after Ctrl-C');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(s.text()).toMatch(/sleep 100\n\^C\n/);           // the guest echoed it (echoctl)
    s.type('echo "status=$?"'); s.keys('Enter');
    await s.waitFor((x) => /^status=130$/m.test(x), 20_000, 'status=130 (128 + SIGINT)');
    expect(s.dead()).toBe(false);                            // the emulator did not get a SIGINT

    s.type('poweroff'); s.keys('Enter');
    const end = await s.waitFor((x) => x.includes('[stty]'), 30_000, 'the emulator to exit');
    expect(end).toMatch(/\[krustvm exited with 0\]/);
    expect(end).toMatch(/^isig icanon echo \[stty\]$/m);     // the terminal is cooked again
  }, 90_000);

  it('Ctrl-A x quits the emulator with status 0 and restores the terminal', async () => {
    s = new TmuxSession(['sh', '-c', WRAP], { cwd: ROOT });
    await s.waitFor((t) => t.includes(PROMPT), BOOT_MS, 'the shell prompt');
    s.keys('C-a'); s.type('x');
    const end = await s.waitFor((x) => x.includes('[stty]'), 15_000, 'the emulator to exit');
    expect(end).toMatch(/\[krustvm exited with 0\]/);
    expect(end).toMatch(/^isig icanon echo \[stty\]$/m);
  }, 90_000);
});
