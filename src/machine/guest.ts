// The bundled default guest (guests/linux: a small Linux 6.1 Image.gz and a busybox
// initramfs.cpio.gz, built by the recipes there) and the scripted-run convention its /init
// follows:
//
//  - `krustvm boot --cmd 'CMD'` appends `krustvm.cmd=<base64 of CMD>` to the kernel command
//    line (the bundled guest's default line is then BUNDLED_APPEND_CMD: `quiet`, no earlycon). /init finds it in /proc/cmdline, runs `sh -c CMD` on the console,
//    prints the line `krustvm-exit-status: N` with CMD's exit status, and powers off
//    (`poweroff -f`: PSCI SYSTEM_OFF, which carries no status).
//  - The boot command watches the console for that line (ExitStatusMarker: it is taken out of
//    the output) and, when the guest powers off normally, exits with the last N it saw.
//
// A marker line on the console is the whole protocol: nothing in the kernel or the machine
// changes for it, and any guest (or a person at the shell) can use it. The price: output that
// happens to contain the marker sets the status — it is only looked for in --cmd runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SerialBackend } from '../../devices/serial/backend.js';

export const GUEST_DIR_NAME = path.join('guests', 'linux');
export const BUNDLED_KERNEL = 'Image.gz';
export const BUNDLED_INITRD = 'initramfs.cpio.gz';
/** The command line the bundled guest boots with (PL011 console, earlycon from stdout-path). */
export const BUNDLED_APPEND = 'console=ttyAMA0 earlycon';
/** … and for a scripted run (--cmd): no boot messages, only the command's output. */
export const BUNDLED_APPEND_CMD = 'console=ttyAMA0 quiet';

export interface BundledGuest { dir: string; kernel: string; initrd: string }

/** guests/linux of this checkout: found upwards from this module (src/… or dist/src/…). */
export function bundledGuest(): BundledGuest | undefined {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const dir = path.join(d, GUEST_DIR_NAME);
    const kernel = path.join(dir, BUNDLED_KERNEL), initrd = path.join(dir, BUNDLED_INITRD);
    if (fs.existsSync(kernel) && fs.existsSync(initrd)) return { dir, kernel, initrd };
    d = path.dirname(d);
  }
  return undefined;
}

/** The kernel command-line word that makes the bundled /init run `cmd` and power off. */
export function cmdBootargs(cmd: string): string {
  return `krustvm.cmd=${Buffer.from(cmd, 'utf8').toString('base64')}`;
}

export const EXIT_STATUS_MARKER = 'krustvm-exit-status: ';
const MARKER_LINE = /^krustvm-exit-status: (\d{1,3})\r?\n$/;
/** A line start that may still turn into a marker line. */
const MARKER_PREFIX = /^krustvm-exit-status: \d{0,3}\r?$/;

/** Passes console output through to `inner`, except the marker lines, and remembers the
 *  status of the last one. Only text at the start of a line that could still become a marker
 *  is held back (until its line ends); everything else goes out at once. */
export class ExitStatusMarker implements SerialBackend {
  /** The last status seen, or undefined. */
  status: number | undefined;
  /** Text held back (bytes as latin1 characters, so binary output passes unchanged). */
  private held = '';
  private atLineStart = true;

  constructor(readonly inner: SerialBackend) {}

  write(data: Uint8Array): void {
    let s = this.held + Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
    this.held = '';
    let out = '';
    while (s.length) {
      const nl = s.indexOf('\n');
      const line = nl < 0 ? s : s.slice(0, nl + 1);
      s = nl < 0 ? '' : s.slice(nl + 1);
      if (this.atLineStart) {
        const m = MARKER_LINE.exec(line);
        if (m) { this.status = Number(m[1]) & 0xff; continue; }
        if (nl < 0 && (MARKER_PREFIX.test(line) || EXIT_STATUS_MARKER.startsWith(line))) { this.held = line; break; }
      }
      out += line;
      this.atLineStart = nl >= 0;
    }
    if (out) this.inner.write(Buffer.from(out, 'latin1'));
  }
  setReceiver(rx: ((data: Uint8Array) => void) | null, onBreak?: () => void): void { this.inner.setReceiver(rx, onBreak); }
  async close(): Promise<void> {
    if (this.held) { this.inner.write(Buffer.from(this.held, 'latin1')); this.held = ''; }
    return this.inner.close();
  }
}
