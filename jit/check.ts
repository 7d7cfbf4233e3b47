// --check-jit: lockstep verification. Each compiled unit runs from a saved state with its stores
// logged; then the state is rolled back (registers, SIMD registers, the memory the unit wrote) and
// the interpreter replays the same number of guest instructions. Any difference in registers,
// flags, pc, memory or the exception raised stops the run with a report.
import type { Cpu } from '../src/cpu/state.js';
import { REG_WORDS, SLOT_SINK, FLAG_INDEX } from '../src/cpu/state.js';
import type { Decoder } from '../src/isa/decoder.js';
import { StopRun, type Interpreter } from '../src/interp/interpreter.js';
import { Access, GuestFault, type Memory } from '../src/mem/memory.js';
import type { RunCtx, Unit } from './cache.js';
import { unitDisasm } from './dump.js';
import { hex } from './compile.js';
import { PC } from '../src/interp/handlers.js';

export class JitCheckError extends StopRun {
  constructor(readonly report: string) { super('error', 1, report); }
}

const TWO32 = 4294967296;
const WRITERS = ['w8', 'w16', 'w32', 'w64', 'uw8', 'uw16', 'uw32', 'uw64'] as const;
type Log = [number, number][];   // (RAM offset, old byte)

interface Snap { R: Int32Array; V: Int32Array; fpcr: number; fpsr: number; exclAddr: number; exclSize: number }

export class JitChecker {
  unitsChecked = 0;

  constructor(private readonly cpu: Cpu, private readonly decoder: Decoder, private readonly interp: Interpreter) {}

  run(u: Unit, ctx: RunCtx): number {
    const cpu = this.cpu, mem = cpu.mem;
    const s0 = this.snap();
    const n0 = ctx.n;
    // 1. The unit.
    let eJ = 0;
    const logJ = this.logged(() => { eJ = u.fn(cpu, ctx); });
    const pcJ = ctx.pcOut[0], nJ = ctx.n, faultJ = ctx.fault;
    const sJ = this.snap();
    const memJ = new Map<number, number>();
    for (const [off] of logJ) memJ.set(off, mem.u8[off]);
    // 2. Roll back.
    for (let i = logJ.length - 1; i >= 0; i--) mem.u8[logJ[i][0]] = logJ[i][1];
    this.restore(s0);
    // 3. The interpreter, for as many instructions (plus the faulting one).
    const k = n0 - nJ;
    let pcI = u.pc;
    let faultI: unknown;
    const logI = this.logged(() => {
      try {
        for (let i = 0; i < k; i++) pcI = this.step(pcI);
        if (faultJ !== undefined) this.step(pcI);
      } catch (x) { faultI = x; }
    });
    // 4. Compare.
    const diffs: string[] = [];
    if (faultJ === undefined && pcI !== pcJ) diffs.push(`pc: jit ${hex(pcJ)}, interpreter ${hex(pcI)}`);
    if (faultJ !== undefined && pcI !== pcJ) diffs.push(`faulting pc: jit ${hex(pcJ)}, interpreter ${hex(pcI)}`);
    if ((faultJ === undefined) !== (faultI === undefined) || !sameFault(faultJ, faultI)) {
      diffs.push(`exception: jit ${describe(faultJ)}, interpreter ${describe(faultI)}`);
    }
    diffs.push(...this.compareRegs(sJ, this.snap()));
    const offs = new Set<number>([...memJ.keys(), ...logI.map(([o]) => o)]);
    const orig = new Map<number, number>();
    for (const [o, old] of [...logI].reverse()) orig.set(o, old);
    for (const [o, old] of [...logJ].reverse()) orig.set(o, old);
    for (const o of [...offs].sort((a, b) => a - b)) {
      const j = memJ.has(o) ? memJ.get(o)! : orig.get(o)!;
      if (j !== mem.u8[o]) diffs.push(`memory [RAM ${hex(o)}]: jit 0x${j.toString(16)}, interpreter 0x${mem.u8[o].toString(16)}`);
    }
    if (diffs.length) throw new JitCheckError(this.report(u, k, s0, diffs));
    this.unitsChecked++;
    ctx.n = nJ; ctx.pcOut[0] = pcJ; ctx.fault = faultJ;
    return eJ;
  }

  /** One interpreter step at `pc` (fetch through the MMU like the run loop does). */
  private step(pc: number): number {
    const mem = this.cpu.mem;
    const off = mem.addrOf(pc | 0, Math.floor(pc / TWO32) | 0, Access.Exec);
    const e = this.interp.decodeWord(mem.dv.getUint32(off, true));
    PC[0] = pc;
    return e.h(this.cpu, e.o) === 0 ? pc + 4 : PC[0];
  }

  /** Runs `f` with every guest store logged byte by byte (RAM offset, previous value). */
  private logged(f: () => void): Log {
    const mem = this.cpu.mem as Memory & Record<string, unknown>;
    const log: Log = [];
    const proto = Object.getPrototypeOf(mem) as Record<string, (...a: number[]) => unknown>;
    for (const w of WRITERS) {
      const size = Number(w.replace(/\D/g, '')) / 8, unpriv = w.startsWith('u');
      mem[w] = (lo: number, hi: number, ...rest: number[]) => {
        for (let k = 0; k < size; k++) {
          const l = (lo + k) | 0, h = (hi + ((l >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
          try { const off = mem.addrOf(l, h, Access.Write, unpriv); log.push([off, mem.u8[off]]); } catch { break; }
        }
        return proto[w].call(mem, lo, hi, ...rest);
      };
    }
    try { f(); } finally { for (const w of WRITERS) delete mem[w]; }
    return log;
  }

  private snap(): Snap {
    const c = this.cpu;
    return { R: c.R.slice(), V: c.V.slice(), fpcr: c.fpcr, fpsr: c.fpsr, exclAddr: c.exclAddr, exclSize: c.exclSize };
  }
  private restore(s: Snap): void {
    const c = this.cpu;
    c.R.set(s.R); c.V.set(s.V);
    c.fpcr = s.fpcr; c.fpsr = s.fpsr; c.exclAddr = s.exclAddr; c.exclSize = s.exclSize;
  }

  private compareRegs(j: Snap, i: Snap): string[] {
    const out: string[] = [];
    for (let w = 0; w < REG_WORDS; w += 2) {
      if (w === 2 * SLOT_SINK) continue;
      if (w >= FLAG_INDEX.n && w <= FLAG_INDEX.v) continue;
      if (j.R[w] !== i.R[w] || j.R[w + 1] !== i.R[w + 1]) out.push(`${regName(w)}: jit ${pair(j.R, w)}, interpreter ${pair(i.R, w)}`);
    }
    for (const f of ['n', 'z', 'c', 'v'] as const) {
      const x = FLAG_INDEX[f];
      if (j.R[x] !== i.R[x]) out.push(`flag ${f.toUpperCase()}: jit ${j.R[x]}, interpreter ${i.R[x]}`);
    }
    for (let v = 0; v < 32; v++) {
      const a = j.V.subarray(4 * v, 4 * v + 4), b = i.V.subarray(4 * v, 4 * v + 4);
      if (a.some((x, k) => x !== b[k])) out.push(`v${v}: jit ${[...a].map(h32).join(':')}, interpreter ${[...b].map(h32).join(':')}`);
    }
    if (j.fpcr !== i.fpcr) out.push(`fpcr: jit ${h32(j.fpcr)}, interpreter ${h32(i.fpcr)}`);
    if (j.fpsr !== i.fpsr) out.push(`fpsr: jit ${h32(j.fpsr)}, interpreter ${h32(i.fpsr)}`);
    if (j.exclAddr !== i.exclAddr || j.exclSize !== i.exclSize) out.push(`exclusive monitor: jit ${j.exclAddr}/${j.exclSize}, interpreter ${i.exclAddr}/${i.exclSize}`);
    return out;
  }

  private report(u: Unit, k: number, s0: Snap, diffs: string[]): string {
    const used = new Set<number>();
    for (const m of u.src.matchAll(/R\[(\d+)\]/g)) used.add(Number(m[1]) & ~1);
    const inputs = [...used].filter((w) => w < FLAG_INDEX.n).sort((a, b) => a - b).map((w) => `${regName(w)}=${pair(s0.R, w)}`);
    return [
      `--check-jit: unit ${u.name} (entry ${hex(u.pc)}) differs from the interpreter after ${k} instruction(s)`,
      ...diffs.map((d) => `  ${d}`),
      `state at entry: ${inputs.join(' ')} nzcv=${s0.R[FLAG_INDEX.n]}${s0.R[FLAG_INDEX.z]}${s0.R[FLAG_INDEX.c]}${s0.R[FLAG_INDEX.v]}`,
      'guest code:',
      ...unitDisasm(u, this.decoder).split('\n').map((l) => `  ${l}`),
      'generated JS:',
      u.src,
    ].join('\n');
  }
}

function regName(w: number): string {
  const s = w >> 1;
  return s < 31 ? `x${s}` : s === 33 ? 'sp' : `slot${s}`;
}
const h32 = (x: number) => '0x' + (x >>> 0).toString(16).padStart(8, '0');
const pair = (R: Int32Array, w: number) => '0x' + (R[w + 1] >>> 0).toString(16).padStart(8, '0') + (R[w] >>> 0).toString(16).padStart(8, '0');

function sameFault(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a instanceof GuestFault && b instanceof GuestFault) return a.kind === b.kind && a.addr === b.addr && a.access === b.access;
  return Object.getPrototypeOf(a) === Object.getPrototypeOf(b);
}
function describe(x: unknown): string {
  if (x === undefined) return 'none';
  if (x instanceof GuestFault) return `${x.kind} fault at ${hex(Number(BigInt.asIntN(64, x.addr)))} (access ${x.access})`;
  return String((x as { constructor?: { name?: string } })?.constructor?.name ?? x);
}
