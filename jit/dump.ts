// --jit-dump DIR: the generated JS of each compiled unit, one file per unit, with the guest
// disassembly of its blocks in a header and beside each instruction's code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decoder } from '../src/isa/decoder.js';
import type { Unit } from './cache.js';
import { hex } from './compile.js';

/** Guest disassembly of a unit, block by block. */
export function unitDisasm(u: Unit, decoder: Decoder): string {
  const lines: string[] = [];
  for (const b of u.blocks) {
    lines.push(`block ${hex(b.pc)} (${b.jitLen} insns${b.pc === u.pc ? ', entry' : ''})`);
    for (const i of b.insns.slice(0, b.jitLen)) lines.push(`  ${hex(i.pc)}: ${(i.word >>> 0).toString(16).padStart(8, '0')}  ${decoder.disasm(i.word, i.pc)}`);
  }
  return lines.join('\n');
}

let made = new Set<string>();

export function dumpUnit(dir: string, seq: number, u: Unit, decoder: Decoder): void {
  if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
  if (u.host) {   // no code of its own: say which unit's function it starts, and where
    writeFileSync(join(dir, `${String(seq).padStart(5, '0')}-${u.name}@${u.pc.toString(16)}.js`),
      `// entry ${seq}: ${hex(u.pc)} enters unit ${u.name} (entry ${hex(u.host.pc)}) at its block ${hex(u.pc)} (label ${u.label})\n`);
    return;
  }
  const header = [
    `// unit ${seq}: entry ${hex(u.pc)}, RAM page ${hex(u.ramPage)}, ${u.blocks.length} block(s), ${u.insns} instruction(s)`,
    ...unitDisasm(u, decoder).split('\n').map((l) => `//   ${l}`),
    `// exits: ${u.exits.map((e, i) => `${i}:${['budget', 'static', 'call', 'indirect', 'ret', 'helper'][e.kind]}${e.target !== undefined ? '→' + hex(e.target) : ''}`).join(' ')}`,
    '',
  ].join('\n');
  const name = `${String(seq).padStart(5, '0')}-${u.name}.js`;
  writeFileSync(join(dir, name), header + u.src + '\n');
}

/** For tests: forget which directories exist. */
export function resetDumpDirs(): void { made = new Set(); }
