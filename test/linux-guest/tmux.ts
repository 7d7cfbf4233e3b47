// A real pseudo-terminal for the interactive tests: a tmux server of our own (its own socket and
// an empty config) runs the command in a pane; the test types with send-keys and reads the
// screen with capture-pane, as a person at a terminal would. Needs tmux (Debian: tmux).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const TMUX = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).stdout?.trim() ?? '';
export const hasTmux = TMUX !== '' && spawnSync(TMUX, ['-V']).status === 0;

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class TmuxSession {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-tmux-'));
  private readonly sock = path.join(this.dir, 'sock');
  private readonly conf = path.join(this.dir, 'tmux.conf');

  /** Starts `argv` (run by sh in `cwd`) in a width×height pane. */
  constructor(argv: string[], opts: { cwd: string; width?: number; height?: number }) {
    fs.writeFileSync(this.conf, 'set -g history-limit 50000\nset -g remain-on-exit on\n');
    this.tmux('new-session', '-d', '-s', 'k', '-x', String(opts.width ?? 160), '-y', String(opts.height ?? 50), '-c', opts.cwd, argv.map(q).join(' '));
  }

  private tmux(...args: string[]): string {
    const r = spawnSync(TMUX || 'tmux', ['-S', this.sock, '-f', this.conf, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.error ? `${r.error.message} (Debian: apt-get install tmux)` : r.stderr.trim()}`);
    return r.stdout;
  }

  /** Types `text` literally (no key names). */
  type(text: string): void { this.tmux('send-keys', '-t', 'k', '-l', text); }
  /** Presses keys by tmux name: 'Enter', 'C-c', 'C-a', … */
  keys(...names: string[]): void { this.tmux('send-keys', '-t', 'k', ...names); }
  /** The whole pane: scroll-back and screen, wrapped lines joined, trailing blanks dropped. */
  text(): string { return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', 'k').replace(/\s+$/, ''); }
  /** The pane's terminal device (/dev/pts/N). */
  tty(): string { return this.tmux('display-message', '-p', '-t', 'k', '#{pane_tty}').trim(); }
  /** Whether the pane's command has exited. */
  dead(): boolean { return this.tmux('display-message', '-p', '-t', 'k', '#{pane_dead}').trim() === '1'; }

  /** Waits until `pred(text)` holds, polling the screen; throws with the screen after `ms`. */
  async waitFor(pred: (t: string) => boolean, ms: number, what = 'the screen'): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const t = this.text();
      if (pred(t)) return t;
      if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}; the screen:\n${t.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  close(): void {
    spawnSync(TMUX || 'tmux', ['-S', this.sock, 'kill-server'], { stdio: 'ignore' });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
