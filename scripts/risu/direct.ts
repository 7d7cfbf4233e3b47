// Runs a harness image inside this process on a krustvm engine, without the Linux user-mode
// layer: the image's segments are mapped page by page, and a small environment answers the few
// syscalls the image makes and does what the image's signal handler does under qemu — record the
// signal of a faulting or UNDEFINED test instruction and resume after it. A fault anywhere else
// means krustvm could not run the harness itself, which is reported as such.
import { Cpu, UndefinedInstruction, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, GuestFault, Access, type Translator } from '../../src/mem/memory.js';
import { StopRun } from '../../src/interp/interpreter.js';
import { createEngine } from '../../src/engine.js';
import { getDecoder } from '../../src/isa/index.js';
import type { Decoder } from '../../src/isa/decoder.js';
import { readElf, PF_W, PF_X } from './elf.js';
import type { Image } from './image.js';

export class HarnessError extends Error {}

/** The engine counters of the last runDirect (to show that the JIT really compiled the cases). */
export let lastEngineStats: Record<string, number> = {};

const PAGE = 4096;
const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGSEGV = 11;

/** `decoder` defaults to krustvm's own (tests pass a deliberately broken one as a control). */
export function runDirect(img: Image, engine: 'interp' | 'jit', decoder: Decoder = getDecoder()): Uint8Array {
  const { entry, segs } = readElf(img.elf);
  const pageMap = new Map<number, { ram: number; flags: number }>();
  let ramPages = 0;
  for (const s of segs) {
    const n = Math.ceil(s.memsz / PAGE);
    for (let k = 0; k < n; k++) pageMap.set(s.vaddr / PAGE + k, { ram: (ramPages + k) * PAGE, flags: s.flags });
    ramPages += n;
  }
  const translator: Translator = {
    translate(vpnLo, hi, access) {
      const vpn = vpnLo >>> 0;
      const addr = (BigInt(hi >>> 0) << 32n) | (BigInt(vpn) << 12n);
      const m = hi === 0 ? pageMap.get(vpn) : undefined;
      if (!m) throw new GuestFault('translation', addr, access);
      if ((access === Access.Write && !(m.flags & PF_W)) || (access === Access.Exec && !(m.flags & PF_X))) throw new GuestFault('permission', addr, access);
      return m.ram;
    },
  };
  const mem = new Memory(ramPages * PAGE, translator);
  for (const s of segs) {
    const ram = pageMap.get(s.vaddr / PAGE)!.ram;
    mem.u8.set(s.data, ram);
  }
  const cpu = new Cpu(mem);
  const out: Uint8Array[] = [];
  const dis = (pc: number) => {
    const seg = segs.find((s) => pc >= s.vaddr && pc + 4 <= s.vaddr + s.data.length);
    if (!seg) return '?';
    const w = new DataView(seg.data.buffer, seg.data.byteOffset).getUint32(pc - seg.vaddr, true);
    return `${w.toString(16).padStart(8, '0')} ${decoder.disasm(w, pc)}`;
  };
  const hex = (pc: number) => '0x' + pc.toString(16);
  const signal = (pc: number, sig: number, what: string): number => {
    if (!img.testSites.has(pc)) throw new HarnessError(`krustvm cannot run the harness: ${what} at ${hex(pc)} (${dis(pc)}), which is harness code, not an instruction under test`);
    mem.write64(img.lastSigAddr, BigInt(sig));
    return pc + 4;
  };
  const env: ExecEnv = {
    svc(pc) {
      const nr = Number(cpu.getX(8));
      const [a0, a1, a2] = [cpu.getX(0), cpu.getX(1), cpu.getX(2)];
      let ret = 0n;
      switch (nr) {
        case 64: // write
          if (a0 !== 1n) throw new HarnessError(`harness wrote to fd ${a0}`);
          out.push(mem.read(Number(a1), Number(a2)));
          ret = a2;
          break;
        case 93: case 94: throw new StopRun('exit', Number(a0 & 0xffn));
        case 132: case 134: break; // sigaltstack, rt_sigaction: signals are emulated here
        default: throw new HarnessError(`harness made unexpected syscall ${nr}`);
      }
      cpu.setX(0, BigInt.asUintN(64, ret));
      // Either convention for the pc an SVC reports (its own, or the next) ends up after it.
      return img.svcSites.has(pc) ? pc + 4 : pc;
    },
    hvc: (pc) => signal(pc, SIGILL, 'HVC'),
    smc: (pc) => signal(pc, SIGILL, 'SMC'),
    hlt: (pc) => signal(pc, SIGILL, 'HLT'),
    brk: (pc) => signal(pc, SIGTRAP, 'BRK'),
    undefinedInsn: (pc) => signal(pc, SIGILL, 'UNDEFINED instruction'),
    fault: (f, pc) => signal(pc, f.kind === 'alignment' ? SIGBUS : SIGSEGV, `${f.kind} fault on address 0x${f.addr.toString(16)}`),
    readSysreg() { throw new UndefinedInstruction(); },
    writeSysreg() { throw new UndefinedInstruction(); },
    sysOp() {},
  };
  cpu.env = env;
  cpu.pc = entry;
  const eng = createEngine(cpu, decoder, { engine, jitThreshold: 0 });
  // Straight-line code: every word runs at most once (plus the syscalls' handling).
  let budget = img.codeWords + 1000;
  try {
    while (budget > 0) budget -= eng.run(Math.min(budget, 1_000_000));
    throw new HarnessError(`harness did not finish within its instruction budget (pc ${hex(cpu.pc)})`);
  } catch (e) {
    if (!(e instanceof StopRun)) {
      if (e instanceof HarnessError) throw e;
      throw new HarnessError(`krustvm threw at pc ${hex(cpu.pc)} (${dis(cpu.pc)}): ${(e as Error)?.stack ?? String(e)}`);
    }
    if (e.reason !== 'exit' || e.code !== 0) throw new HarnessError(`harness stopped: ${e.reason} ${e.code} ${e.message}`);
  }
  lastEngineStats = eng.stats();
  const len = out.reduce((n, b) => n + b.length, 0);
  const all = new Uint8Array(len);
  let o = 0;
  for (const b of out) { all.set(b, o); o += b.length; }
  return all;
}
