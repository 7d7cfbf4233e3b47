// runProgram: run a static arm64 Linux program to completion. Used by the CLI, the tests and
// the benchmarks: it creates the RAM, the address space, the CPU, the process and the engine,
// loads the program, and runs the engine until the guest exits or is killed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cpu } from '../cpu/state.js';
import { Memory } from '../mem/memory.js';
import { StopRun } from '../interp/interpreter.js';
import { createEngine, type EngineOptions } from '../engine.js';
import { getDecoder } from '../isa/index.js';
import { AddressSpace } from './addrspace.js';
import { ElfError, parseElf } from './elf.js';
import { buildStack, loadImage, StackError } from './loader.js';
import { LinuxProcess, writeAllSync } from './process.js';

export const DEFAULT_MEMORY = 2 ** 30;
/** The TLB keeps RAM offsets in Int32Arrays, so RAM stops at 2 GiB. */
export const MAX_MEMORY = 2 ** 31;

export interface RunOptions {
  /** The program, as given on the command line (becomes argv[0] and AT_EXECFN). */
  program: string;
  /** Arguments after the program. */
  args?: string[];
  /** The environment, as "K=V" strings (default: none). */
  env?: string[];
  /** Guest RAM in bytes (default 1 GiB, at most 2 GiB). */
  memory?: number;
  engine?: EngineOptions['engine'];
  jitThreshold?: number;
  checkJit?: boolean;
  jitDump?: string;
  /** Print every executed instruction (true: to stderr; a function: to it). */
  trace?: boolean | ((line: string) => void);
  strace?: boolean;
  allowHostWrites?: boolean;
  cwd?: string;
  /** Capture guest stdout / stderr (default: host fds 1 and 2). */
  stdout?: (data: Uint8Array) => void;
  stderr?: (data: Uint8Array) => void;
  /** Where --strace and --trace lines go (default: host stderr). */
  log?: (line: string) => void;
  /** Stop after about this many instructions (a safety net for tests). */
  maxInstructions?: number;
  /** AT_RANDOM's bytes (default: random). */
  random?: Uint8Array;
}

export interface RunResult {
  /** The guest's exit status; 128+N when killed by signal N (as a shell reports it). */
  exitCode: number;
  /** The signal that killed the guest. */
  signal?: number;
  /** A one-line explanation when the guest did not simply exit ("guest killed by SIGSEGV (…)"). */
  message?: string;
  icount: number;
  stats: Record<string, number>;
}

/** A problem with the program or the options, reported as one line (no guest ran). */
export class RunError extends Error {}

const BUDGET = 1 << 20;

function readProgram(file: string): Uint8Array {
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch (x) {
    const code = (x as { code?: string }).code;
    if (code === 'ENOENT') throw new ElfError(file, 'no such file', 'check the path');
    throw new ElfError(file, `cannot read it (${code ?? String(x)})`);
  }
  if (st.isDirectory()) throw new ElfError(file, 'is a directory', 'give the program file');
  try { return fs.readFileSync(file); } catch (x) {
    throw new ElfError(file, `cannot read it (${(x as { code?: string }).code ?? String(x)})`, 'check its permissions');
  }
}

export function runProgram(opts: RunOptions): RunResult {
  const memory = opts.memory ?? DEFAULT_MEMORY;
  if (!(memory >= 16 * 2 ** 20) || memory > MAX_MEMORY || memory % 4096 !== 0)
    throw new RunError(`invalid guest memory size ${memory}: use 16M to 2G`);
  // A relative program path is found from the guest's working directory.
  const programPath = path.resolve(opts.cwd ?? process.cwd(), opts.program);
  const bytes = readProgram(opts.cwd ? programPath : opts.program);
  const elf = parseElf(bytes, opts.program);

  const as = new AddressSpace(memory);
  const mem = new Memory(memory, as);
  as.attach(mem);
  const cpu = new Cpu(mem);
  const log = opts.log ?? ((line: string) => writeAllSync(2, Buffer.from(line + '\n')));

  let traceBuf: string[] = [];
  const flushTrace = () => { if (traceBuf.length) { log(traceBuf.join('\n')); traceBuf = []; } };
  const traceOut = typeof opts.trace === 'function' ? opts.trace : undefined;
  const decoder = getDecoder();
  const trace = opts.trace ? (pc: number, insn: number) => {
    const line = `${BigInt.asUintN(64, BigInt(pc)).toString(16).padStart(16, '0')}: ${(insn >>> 0).toString(16).padStart(8, '0')}\t${decoder.disasm(insn, pc)}`;
    if (traceOut) traceOut(line);
    else if (traceBuf.push(line) >= 4096) flushTrace();
  } : undefined;

  const proc = new LinuxProcess(cpu, mem, as, {
    exePath: programPath, argv: [opts.program, ...(opts.args ?? [])], strace: opts.strace,
    allowHostWrites: opts.allowHostWrites, cwd: opts.cwd, stdout: opts.stdout, stderr: opts.stderr,
    log: (line) => { flushTrace(); log(line); }, beforeSyscall: trace && flushTrace,
  });
  cpu.env = proc;

  const image = loadImage(as, elf);
  proc.mapSigpage();
  let sp: number;
  try {
    sp = buildStack(as, {
      argv: [opts.program, ...(opts.args ?? [])], envp: opts.env ?? [], execfn: opts.program, image, random: opts.random,
      ids: { uid: proc.uid, euid: proc.uid, gid: proc.gid, egid: proc.gid },
    }).sp;
  } catch (x) {
    if (x instanceof StackError) throw new RunError(x.message);
    throw x;
  }
  proc.brkStart = proc.brkCur = image.brk;
  cpu.sp = BigInt(sp);
  cpu.pc = image.entry;

  const engine = createEngine(cpu, decoder, {
    engine: opts.engine ?? 'jit', jitThreshold: opts.jitThreshold, checkJit: opts.checkJit, jitDump: opts.jitDump, trace,
  });
  let result: RunResult;
  try {
    for (;;) {
      const limit = opts.maxInstructions;
      if (limit !== undefined && cpu.icount >= limit) {
        result = { exitCode: 124, message: `stopped after ${cpu.icount} instructions (the limit)`, icount: cpu.icount, stats: {} };
        break;
      }
      // Shorter chunks while a timer runs, so that its signal arrives on time.
      const chunk = proc.timers.armed ? BUDGET >> 4 : BUDGET;
      engine.run(limit !== undefined ? Math.min(chunk, Math.max(1, limit - cpu.icount)) : chunk);
      proc.asyncSignals();
    }
  } catch (x) {
    if (!(x instanceof StopRun)) throw x;
    if (x.reason === 'exit') result = { exitCode: x.code, icount: cpu.icount, stats: {} };
    else if (x.reason === 'signal') result = { exitCode: 128 + x.code, signal: x.code, message: x.message || undefined, icount: cpu.icount, stats: {} };
    else result = { exitCode: x.code, message: x.message || `stopped (${x.reason})`, icount: cpu.icount, stats: {} };
  } finally {
    flushTrace();
    proc.fds.closeAll();
  }
  result!.stats = { ...engine.stats(), instructions: cpu.icount, pagesUsed: as.usedPages };
  if (opts.strace && result!.signal === undefined && result!.message === undefined) log(`+++ exited with ${result!.exitCode} +++`);
  return result!;
}
