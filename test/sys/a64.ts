// A tiny A64 assembler for the bare-metal sequences of the system-mode tests (wfe, sp-align):
// the instruction words are the Arm ARM encodings (DDI 0487, C4/C6), labels are resolved at the end.
import { sysregEnc } from '../../src/isa/groups/system.js';
import { Machine } from '../../src/machine/machine.js';
import { BufferBackend } from '../../devices/serial/backend.js';

export const REG = {
  SCTLR_EL1: sysregEnc(3, 0, 1, 0, 0), VBAR_EL1: sysregEnc(3, 0, 12, 0, 0), ESR_EL1: sysregEnc(3, 0, 5, 2, 0),
  ELR_EL1: sysregEnc(3, 0, 4, 0, 1), SPSR_EL1: sysregEnc(3, 0, 4, 0, 0), SP_EL0: sysregEnc(3, 0, 4, 1, 0),
  CNTKCTL_EL1: sysregEnc(3, 0, 14, 1, 0), MPIDR_EL1: sysregEnc(3, 0, 0, 0, 5),
} as const;

export const PSCI_CPU_ON64 = 0xc4000003, PSCI_SYSTEM_OFF = 0x84000008;
export const WFE = 0xd503205f, WFI = 0xd503207f, SEV = 0xd503209f, SEVL = 0xd50320bf, NOP = 0xd503201f, ERET = 0xd69f03e0;

type Fix = { at: number; label: string; kind: 'b' | 'imm19' };

export class Asm {
  readonly words: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixes: Fix[] = [];
  constructor(readonly base: number) {}
  get pc(): number { return this.base + this.words.length * 4; }
  label(name: string): this { this.labels.set(name, this.words.length); return this; }
  w(...ws: number[]): this { for (const x of ws) this.words.push(x >>> 0); return this; }
  /** MOVZ/MOVK sequence for a 64-bit constant into Xd. */
  mov(rd: number, value: number | bigint): this {
    const v = BigInt(value);
    this.w(0xd2800000 | (Number(v & 0xffffn) << 5) | rd);
    for (let hw = 1; hw < 4; hw++) {
      const part = Number((v >> BigInt(16 * hw)) & 0xffffn);
      if (part) this.w(0xf2800000 | (hw << 21) | (part << 5) | rd);
    }
    return this;
  }
  msr(enc: number, rt: number): this { return this.w(0xd5000000 | (enc << 5) | rt); }
  mrs(rt: number, enc: number): this { return this.w(0xd5200000 | (enc << 5) | rt); }
  addi(rd: number, rn: number, imm: number): this { return this.w(0x91000000 | (imm << 10) | (rn << 5) | rd); }
  cmpi(rn: number, imm: number): this { return this.w(0xf100001f | (imm << 10) | (rn << 5)); }
  /** LDR Xt, [Xn|SP, #imm] (imm a multiple of 8). */
  ldrx(rt: number, rn: number, imm = 0): this { return this.w(0xf9400000 | ((imm / 8) << 10) | (rn << 5) | rt); }
  /** STR Xt, [Xn|SP, #imm]. */
  strx(rt: number, rn: number, imm = 0): this { return this.w(0xf9000000 | ((imm / 8) << 10) | (rn << 5) | rt); }
  ldrw(rt: number, rn: number): this { return this.w(0xb9400000 | (rn << 5) | rt); }
  strw(rt: number, rn: number): this { return this.w(0xb9000000 | (rn << 5) | rt); }
  /** STP Xt, Xt2, [Xn|SP, #-16]! */
  stpPre(rt: number, rt2: number, rn: number): this { return this.w(0xa9800000 | ((-2 & 0x7f) << 15) | (rt2 << 10) | (rn << 5) | rt); }
  ldaxrw(rt: number, rn: number): this { return this.w(0x885ffc00 | (rn << 5) | rt); }
  /** DC ZVA, Xt. */
  dczva(rt: number): this { return this.w(0xd50b7420 | rt); }
  /** MOV SP, Xn (ADD SP, Xn, #0). */
  movSp(rn: number): this { return this.w(0x9100001f | (rn << 5)); }
  b(label: string): this { this.fixes.push({ at: this.words.length, label, kind: 'b' }); return this.w(0x14000000); }
  cbz(rt: number, label: string): this { this.fixes.push({ at: this.words.length, label, kind: 'imm19' }); return this.w(0x34000000 | rt); }
  cbnz(rt: number, label: string): this { this.fixes.push({ at: this.words.length, label, kind: 'imm19' }); return this.w(0x35000000 | rt); }
  bne(label: string): this { this.fixes.push({ at: this.words.length, label, kind: 'imm19' }); return this.w(0x54000001); }
  /** A PSCI call through HVC #0 with x0 = function, x1..x3 = arguments. */
  psci(fn: number, ...args: (number | bigint)[]): this {
    this.mov(0, fn);
    args.forEach((a, i) => this.mov(i + 1, a));
    return this.w(0xd4000002);
  }
  /** The words, branch offsets filled in. */
  code(): Uint32Array {
    for (const f of this.fixes) {
      const to = this.labels.get(f.label);
      if (to === undefined) throw new Error(`no label ${f.label}`);
      const off = to - f.at;
      this.words[f.at] = (f.kind === 'b' ? this.words[f.at] | (off & 0x3ffffff) : this.words[f.at] | ((off & 0x7ffff) << 5)) >>> 0;
    }
    return Uint32Array.from(this.words);
  }
  load(m: Machine): void { m.ram.set(new Uint8Array(this.code().buffer), this.base); }
}

/** Vector table at `base` whose synchronous entries (current EL with SPx, lower EL) record
 *  ESR_EL1 in x10 and ELR_EL1 in x11, then power the machine off. */
export function recordingVectors(base: number): Asm[] {
  return [0x200, 0x400].map((off) => new Asm(base + off).mrs(10, REG.ESR_EL1).mrs(11, REG.ELR_EL1).psci(PSCI_SYSTEM_OFF));
}

export function machine(engine: 'interp' | 'jit', cpus = 1): Machine {
  // jitThreshold 1: every block is compiled at its first run, so the JIT's code is what runs.
  return new Machine({ ramBytes: 16 * 2 ** 20, cpus, engine, icount: true, serial: new BufferBackend(), jitThreshold: engine === 'jit' ? 1 : undefined });
}

export const ENGINES = ['interp', 'jit'] as const;
