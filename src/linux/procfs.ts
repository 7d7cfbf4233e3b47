// The few /proc/self files a static program reads, answered for the guest rather than the host
// (whose /proc/self is the emulator's own Node process).
import * as path from 'node:path';
import type { LinuxProcess } from './process.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from './addrspace.js';

/** "/proc/self/…" or "/proc/<our pid>/…" → the part after it, else undefined. */
export function procSelf(p: LinuxProcess, abs: string): string | undefined {
  const m = /^\/proc\/(self|thread-self|\d+)(\/.*)?$/.exec(abs);
  if (!m || (m[1] !== 'self' && m[1] !== 'thread-self' && Number(m[1]) !== p.pid)) return undefined;
  return m[2] ?? '/';
}

/** Target of a /proc/self symlink (exe, cwd, fd/N), or undefined. */
export function procLink(p: LinuxProcess, rest: string): string | undefined {
  if (rest === '/exe') return p.opts.exePath;
  if (rest === '/cwd') return p.cwd;
  const fd = /^\/fd\/(\d+)$/.exec(rest);
  if (fd && p.fds.has(Number(fd[1]))) {
    const f = p.fds.get(Number(fd[1]));
    return path.isAbsolute(f.path) ? f.path : f.kind === 'pipe' ? f.path : `/dev/${f.path}`;
  }
  return undefined;
}

/** Contents of a synthesized /proc/self file, or undefined. */
export function procFile(p: LinuxProcess, rest: string): Uint8Array | undefined {
  if (rest === '/maps') return Buffer.from(maps(p));
  if (rest === '/cmdline') return Buffer.from(p.opts.argv.map((a) => a + '\0').join(''));
  if (rest === '/comm') return Buffer.from(path.basename(p.opts.argv[0] ?? p.opts.exePath).slice(0, 15) + '\n');
  return undefined;
}

function maps(p: LinuxProcess): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return p.as.vmas.map((m) => {
    const perms = (m.prot & PROT_READ || m.prot & PROT_WRITE || m.prot & PROT_EXEC ? 'r' : '-') + (m.prot & PROT_WRITE ? 'w' : '-') + (m.prot & PROT_EXEC ? 'x' : '-') + 'p';
    const name = m.name;
    return `${hex(m.start)}-${hex(m.end)} ${perms} 00000000 00:00 0${name ? ' '.repeat(19) + name : ''}\n`;
  }).join('');
}
