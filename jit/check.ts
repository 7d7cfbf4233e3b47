// --check-jit: lockstep verification. Each compiled unit runs from a saved state with its stores
// logged; then the state is rolled back (registers, SIMD registers, the memory the unit wrote) and
// the interpreter replays the same number of guest instructions. Any difference in registers,
// flags, pc, memory or the exception raised stops the run with a report.
//
// System mode: device (MMIO) accesses cannot be undone or repeated — a second read of GICC_IAR
// acknowledges another interrupt, a second write to UARTDR prints the character twice. So the
// unit's device accesses are recorded (address, size, value, result) as it makes them, and the
// interpreter's replay is served from that record instead of the devices: its reads get the
// values the unit got, its writes are compared with the unit's and dropped. A replay that makes
// a different sequence of device accesses is a difference like any other. (Ending units at MMIO
// accesses instead is not possible: which load reaches a device is only known at run time.)
// Everything else a unit can change in system mode is registers and RAM: instructions with
// effects on the environment (MSR, SYS, exception generation, ERET) are kept out of units in
// check mode (engine.ts), exceptions raised inside a unit are compared (kind, address, access),
// and interrupts are taken only between units, outside what is checked.
import type { Cpu } from '../src/cpu/state.js';
import { REG_WORDS, SLOT_SINK, FLAG_INDEX } from '../src/cpu/state.js';
import type { Decoder } from '../src/isa/decoder.js';
import { StopRun, type Interpreter } from '../src/interp/interpreter.js';
import { Access, GuestFault, TLB_SIZE, type Memory, type MmioPort } from '../src/mem/memory.js';
import type { RunCtx, Unit } from './cache.js';
import { unitDisasm } from './dump.js';
import { hex } from './compile.js';
import { PC } from '../src/interp/handlers.js';

export class JitCheckError extends StopRun {
  constructor(readonly report: string) { super('error', 1, report); }
}

const TWO32 = 4294967296;
const WRITERS = ['w8', 'w16', 'w32', 'w64', 'uw8', 'uw16', 'uw32', 'uw64'] as const;
/** Stores as flat pairs: RAM offset, previous byte value, RAM offset, previous value, … */
type Log = number[];

interface Snap { R: Int32Array; V: Int32Array; fpcr: number; fpsr: number; exclAddr: number; exclSize: number }

export class JitChecker {
  unitsChecked = 0;

  constructor(private readonly cpu: Cpu, private readonly decoder: Decoder, private readonly interp: Interpreter) {
    this.s0 = this.emptySnap(); this.sJ = this.emptySnap(); this.sI = this.emptySnap();
  }

  // Snapshots reused from unit to unit (a check runs for every unit execution).
  private readonly s0: Snap;
  private readonly sJ: Snap;
  private readonly sI: Snap;
  private io: MmioRecord | undefined;

  run(u: Unit, ctx: RunCtx): number {
    const cpu = this.cpu, mem = cpu.mem;
    const s0 = this.snap(this.s0);
    const n0 = ctx.n;
    // 1. The unit.
    let eJ = 0;
    let io = this.io;
    if (io === undefined || io.real !== mem.mmio) io = this.io = new MmioRecord(mem.mmio);
    io.reset();
    const logJ = this.logged(() => { eJ = this.withPort(io.recorder, () => u.fn(cpu, ctx, u.label)); });
    const pcJ = ctx.pcOut[0], nJ = ctx.n, faultJ = ctx.fault;
    const sJ = this.snap(this.sJ);
    const memJ = new Map<number, number>();
    for (let i = 0; i < logJ.length; i += 2) memJ.set(logJ[i], mem.u8[logJ[i]]);
    // 2. Roll back.
    for (let i = logJ.length - 2; i >= 0; i -= 2) mem.u8[logJ[i]] = logJ[i + 1];
    this.restore(s0);
    // 3. The interpreter, for as many instructions (plus the faulting one).
    const k = n0 - nJ;
    let pcI = u.pc;
    let faultI: unknown;
    const logI = this.logged(() => this.withPort(io.replayer, () => {
      try {
        for (let i = 0; i < k; i++) pcI = this.step(pcI);
        if (faultJ !== undefined) this.step(pcI);
      } catch (x) { faultI = x; }
    }));
    // 4. Compare.
    const diffs: string[] = [];
    if (faultJ === undefined && pcI !== pcJ) diffs.push(`pc: jit ${hex(pcJ)}, interpreter ${hex(pcI)}`);
    if (faultJ !== undefined && pcI !== pcJ) diffs.push(`faulting pc: jit ${hex(pcJ)}, interpreter ${hex(pcI)}`);
    if ((faultJ === undefined) !== (faultI === undefined) || !sameFault(faultJ, faultI)) {
      diffs.push(`exception: jit ${describe(faultJ)}, interpreter ${describe(faultI)}`);
    }
    diffs.push(...io.differences());
    const sI = this.snap(this.sI);
    if (!sameRegs(sJ, sI)) diffs.push(...this.compareRegs(sJ, sI));
    // Memory: every byte either run wrote. The JIT's value is what it left (memJ), or, for a byte
    // only the interpreter wrote, the value before both runs (the first one the replay logged).
    const memDiffs: [number, number][] = [];
    for (const [o, j] of memJ) if (j !== mem.u8[o]) memDiffs.push([o, j]);
    for (let i = 0; i < logI.length; i += 2) {
      const o = logI[i];
      if (memJ.has(o)) continue;
      memJ.set(o, logI[i + 1]);    // (first logged value: the original)
      if (logI[i + 1] !== mem.u8[o]) memDiffs.push([o, logI[i + 1]]);
    }
    for (const [o, j] of memDiffs.sort((a, b) => a[0] - b[0])) diffs.push(`memory [RAM ${hex(o)}]: jit 0x${j.toString(16)}, interpreter 0x${mem.u8[o].toString(16)}`);
    if (diffs.length) throw new JitCheckError(this.report(u, k, s0, diffs));
    this.unitsChecked++;
    ctx.n = nJ; ctx.pcOut[0] = pcJ; ctx.fault = faultJ;
    return eJ;
  }

  /** Runs `f` with `port` in place of the memory's device port (none in user mode). */
  private withPort<T>(port: MmioPort | undefined, f: () => T): T {
    const mem = this.cpu.mem, real = mem.mmio;
    if (port === undefined) return f();
    mem.mmio = port;
    try { return f(); } finally { mem.mmio = real; }
  }

  /** One interpreter step at `pc` (fetch through the MMU like the run loop does). */
  private step(pc: number): number {
    const mem = this.cpu.mem;
    const off = mem.addrOf(pc | 0, Math.floor(pc / TWO32) | 0, Access.Exec);
    const e = this.interp.decodeWord(mem.dv.getUint32(off, true));
    PC[0] = pc;
    return e.h(this.cpu, e) === 0 ? pc + 4 : PC[0];
  }

  /** The log stores go to while `logged` runs (undefined otherwise). */
  private log: Log | undefined;
  private wrapped = false;

  /** Runs `f` with every guest store logged byte by byte (RAM offset, previous value). The
   *  store accessors are wrapped once, for the life of the checker: installing and deleting
   *  them around every unit changed the Memory object's shape each time, which sent generated
   *  units and accessors to slow property access. */
  private logged(f: () => void): Log {
    if (!this.wrapped) this.wrapStores();
    const log: Log = [];
    this.log = log;
    try { f(); } finally { this.log = undefined; }
    return log;
  }

  private wrapStores(): void {
    const mem = this.cpu.mem as Memory & Record<string, unknown>;
    const proto = Object.getPrototypeOf(mem) as Record<string, (...a: number[]) => unknown>;
    for (const w of WRITERS) {
      const size = Number(w.replace(/\D/g, '')) / 8, unpriv = w.startsWith('u'), orig = proto[w];
      mem[w] = (lo: number, hi: number, ...rest: number[]) => {
        const log = this.log;
        if (log !== undefined) {
          if ((lo & 0xfff) + size <= 0x1000) {
            // One page: one translation (the write TLB when it holds the page; a walk otherwise —
            // per byte, walks were most of the time of a checked kernel boot).
            const vpn = lo >>> 12, i = vpn & (TLB_SIZE - 1);
            let off = -1;
            if (!unpriv && mem.wTagLo[i] === vpn && mem.wTagHi[i] === hi) off = mem.wBase[i] + (lo & 0xfff);
            else { try { off = mem.addrOf(lo, hi, Access.Write, unpriv); } catch { /* the store faults */ } }
            if (off >= 0 && off < mem.u8.length) for (let k = 0; k < size; k++) log.push(off + k, mem.u8[off + k]);   // (device bytes: MmioRecord)
          } else {
            for (let k = 0; k < size; k++) {
              const l = (lo + k) | 0, h = (hi + ((l >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
              try {
                const off = mem.addrOf(l, h, Access.Write, unpriv);
                if (off < mem.u8.length) log.push(off, mem.u8[off]);
              } catch { break; }
            }
          }
        }
        return orig.call(mem, lo, hi, ...rest);
      };
    }
    this.wrapped = true;
  }

  private emptySnap(): Snap {
    return { R: new Int32Array(this.cpu.R.length), V: new Int32Array(this.cpu.V.length), fpcr: 0, fpsr: 0, exclAddr: 0, exclSize: 0 };
  }
  private snap(s: Snap): Snap {
    const c = this.cpu;
    s.R.set(c.R); s.V.set(c.V);
    s.fpcr = c.fpcr; s.fpsr = c.fpsr; s.exclAddr = c.exclAddr; s.exclSize = c.exclSize;
    return s;
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

/** Whether two snapshots agree on everything compareRegs looks at (its fast path). */
function sameRegs(j: Snap, i: Snap): boolean {
  if (j.fpcr !== i.fpcr || j.fpsr !== i.fpsr || j.exclAddr !== i.exclAddr || j.exclSize !== i.exclSize) return false;
  const a = j.R, b = i.R, sink = 2 * SLOT_SINK;
  for (let w = 0; w < REG_WORDS; w++) if (a[w] !== b[w] && w !== sink && w !== sink + 1) return false;
  const va = j.V, vb = i.V;
  for (let k = 0; k < va.length; k++) if (va[k] !== vb[k]) return false;
  return true;
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

/** One device access of a unit: what it asked and what the device answered (or threw). */
interface MmioAccess { write: boolean; pa: number; size: number; lo: number; hi: number; result: number | boolean; thrown?: unknown }

/** The device accesses of one checked unit: recorded from the real port while the unit runs,
 *  then served in order to the interpreter's replay. */
class MmioRecord {
  private readonly log: MmioAccess[] = [];
  private next = 0;
  private readonly diffs: string[] = [];
  /** The ports to put in place of the real one (undefined without a real one: user mode). */
  readonly recorder: MmioPort | undefined;
  readonly replayer: MmioPort | undefined;

  constructor(readonly real: MmioPort | undefined) {
    this.recorder = this.makeRecorder();
    this.replayer = this.makeReplayer();
  }

  /** Forgets the previous unit's accesses. */
  reset(): void { this.log.length = 0; this.next = 0; this.diffs.length = 0; }

  private makeRecorder(): MmioPort | undefined {
    const real = this.real, log = this.log;
    if (!real) return undefined;
    const p: MmioPort = {
      hi: 0,
      read(pa, size) {
        const a: MmioAccess = { write: false, pa, size, lo: 0, hi: 0, result: -1 };
        log.push(a);
        try { a.result = real.read(pa, size); } catch (x) { a.thrown = x; throw x; }
        a.hi = p.hi = size === 8 ? real.hi : 0;
        return a.result;
      },
      write(pa, size, lo, hi) {
        const a: MmioAccess = { write: true, pa, size, lo, hi: size === 8 ? hi : 0, result: false };
        log.push(a);
        try { a.result = real.write(pa, size, lo, hi); } catch (x) { a.thrown = x; throw x; }
        return a.result;
      },
    };
    return p;
  }

  private makeReplayer(): MmioPort | undefined {
    if (!this.real) return undefined;
    const p: MmioPort = {
      hi: 0,
      read: (pa, size) => {
        const a = this.take(false, pa, size, 0, 0);
        if (a === undefined) return -1;    // (reported; the interpreter sees an external abort)
        p.hi = a.hi;
        return a.result as number;
      },
      write: (pa, size, lo, hi) => {
        const a = this.take(true, pa, size, lo, size === 8 ? hi : 0);
        return a === undefined ? false : a.result as boolean;
      },
    };
    return p;
  }

  /** The recorded access the replay's next one must match; throws what the device threw. */
  private take(write: boolean, pa: number, size: number, lo: number, hi: number): MmioAccess | undefined {
    const a = this.log[this.next];
    const what = describeAccess({ write, pa, size, lo, hi, result: 0 });
    if (a === undefined) { this.diffs.push(`device access: jit none, interpreter ${what}`); return undefined; }
    this.next++;
    const want = describeAccess(a);
    if (want !== what) { this.diffs.push(`device access ${this.next}: jit ${want}, interpreter ${what}`); return undefined; }
    if (a.thrown !== undefined) throw a.thrown;
    return a;
  }

  differences(): string[] {
    const out = [...this.diffs];
    if (this.diffs.length === 0 && this.next < this.log.length) {
      out.push(`device accesses: jit ${this.log.length}, interpreter ${this.next}; the first one the interpreter did not make: ${describeAccess(this.log[this.next])}`);
    }
    return out;
  }
}

function describeAccess(a: MmioAccess): string {
  return `${a.write ? 'write' : 'read'} ${a.size} byte(s) at PA ${hex(a.pa)}${a.write ? ` value 0x${valueHex(a.lo, a.hi, a.size)}` : ''}`;
}
function valueHex(lo: number, hi: number, size: number): string {
  const v = size === 8 ? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) : BigInt((lo >>> 0) & (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1));
  return v.toString(16);
}
