// The `krustvm` command. Commands:
//   krustvm run [options] PROGRAM [ARGS…]   run a static arm64 Linux program
//   krustvm disasm [options] FILE           objdump-style disassembly
//   krustvm boot / krustvm dtb              the Pi 4-shaped machine (src/machine/cli-boot.ts)
//   krustvm keygen / sign / verify          secure VM boot keys and image signatures (src/cli/sign.ts)
// Errors are one line on stderr: exit 2 for usage errors, 127 for a missing program, 126 for a
// file that cannot be run, 70 for an internal error (with the stack only if KRUSTVM_DEBUG=1).
import * as fs from 'node:fs';
import yargs from 'yargs';
import { writeAllSync } from '../../devices/serial/stdio.js';
import { parseAddress, parseSize, splitRunArgs } from './args.js';
import { bootCommands, qemuArgs } from '../machine/cli-boot.js';
import { signCommands } from './sign.js';

/** Linux user mode and the disassembler: loaded only for the commands that use them (a boot
 *  does not; compiling them costs ~17 ms of every start). */
const userMode = async () => {
  const [run, elf, disasm] = await Promise.all([import('../linux/run.js'), import('../linux/elf.js'), import('./disasm.js')]);
  return { ...run, ...elf, ...disasm };
};
let um: Awaited<ReturnType<typeof userMode>> | undefined;
/** Commands that need no user-mode modules. */
const MACHINE_COMMANDS = new Set(['boot', 'dtb', 'keygen', 'sign', 'verify']);

const EXIT_USAGE = 2, EXIT_NOT_FOUND = 127, EXIT_CANNOT_RUN = 126, EXIT_INTERNAL = 70;

class UsageError extends Error {}

const say = (line: string) => { try { writeAllSync(2, Buffer.from(`krustvm: ${line}\n`)); } catch { /* stderr is gone */ } };

/** The guest environment when no --env replaces it: small and predictable. */
export function defaultEnv(): string[] {
  const env = ['PATH=/usr/local/bin:/usr/bin:/bin'];
  for (const k of ['HOME', 'TERM']) if (process.env[k] !== undefined) env.push(`${k}=${process.env[k]}`);
  return env;
}

function guestEnv(envOpts: string[], clear: boolean): string[] {
  const map = new Map<string, string>();
  if (!clear) for (const kv of defaultEnv()) map.set(kv.slice(0, kv.indexOf('=')), kv);
  for (const e of envOpts) {
    const eq = e.indexOf('=');
    if (eq === 0) throw new UsageError(`--env ${e}: the variable name is empty`);
    if (eq < 0) {
      // --env NAME copies the host's value.
      if (process.env[e] !== undefined) map.set(e, `${e}=${process.env[e]}`);
      continue;
    }
    map.set(e.slice(0, eq), e);
  }
  return [...map.values()];
}

const RUN_EPILOG = `The guest's argv[0] is PROGRAM as given; every word after PROGRAM goes to the guest, even
ones that look like options (use -- before a PROGRAM that starts with "-").

Environment: unless --clear-env is given, the guest gets PATH=/usr/local/bin:/usr/bin:/bin and the
host's HOME and TERM (when set); --env K=V adds or replaces a variable, --env K copies the
host's value of K.

Files: paths resolve on the host, relative to the current directory. The guest may read host
files; creating or writing them needs --allow-host-writes (otherwise such calls fail with EROFS).

Exit status: the guest's exit status; 128+N if a signal N killed it (a message says which);
2 for a usage error, 126 if PROGRAM cannot be run, 127 if it does not exist.`;

type Argv = Record<string, unknown>;

/** Whether help may be printed (a program's own -h costs only the layout). */
const wantsHelp = (argv: string[]) => argv.some((a) => a === '--help' || a === '-h');

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  if (!MACHINE_COMMANDS.has(argv[0])) um = await userMode();
  const isRun = argv[0] === 'run';
  const split = isRun ? splitRunArgs(argv.slice(1)) : undefined;
  // yargs sees run's options and a stand-in for the program; the guest's words never reach it.
  // The stand-in goes first, so that an unknown option cannot swallow it as its value.
  // boot and dtb also take QEMU's single-dash spellings (-kernel, -m, …).
  const words = split ? ['run', ...(split.program !== undefined ? ['PROGRAM'] : []), ...split.options]
    : argv[0] === 'boot' || argv[0] === 'dtb' ? qemuArgs(argv) : argv;
  if (split && split.program === undefined && !split.options.some((o) => o === '-h' || o === '--help'))
    throw new UsageError('run: give the PROGRAM to run (usage: krustvm run [options] PROGRAM [ARGS…])');
  const parser = yargs(words)
    .scriptName('krustvm')
    .usage('krustvm — an AArch64 emulator. Runs static arm64 Linux programs, boots kernels on a Pi 4-shaped machine, disassembles arm64 ELF files.\n\nUsage: krustvm <command> [options]')
    .command('run <program> [args..]', 'Run a static arm64 Linux program (its system calls are emulated)', (y) => y
      .usage('Usage: krustvm run [options] PROGRAM [ARGS…]\n\nRun a static arm64 Linux ELF program (built with aarch64-linux-gnu-gcc -static), emulating its Linux system calls.')
      .positional('program', { type: 'string', describe: 'the static arm64 ELF program to run' })
      .positional('args', { type: 'string', array: true, describe: 'arguments passed to the guest' })
      .option('engine', { choices: ['jit', 'interp'] as const, default: 'jit' as const, describe: 'execution engine: the JIT, or the interpreter only' })
      .option('trace', { type: 'boolean', default: false, describe: 'print every executed instruction (pc, word, disassembly) to stderr; uses the interpreter' })
      .option('strace', { type: 'boolean', default: false, describe: 'print every system call to stderr, like strace' })
      .option('memory', { type: 'string', describe: `guest RAM size, e.g. 512M or 2G (default ${um!.DEFAULT_MEMORY / 2 ** 30}G, at most ${um!.MAX_MEMORY / 2 ** 30}G)` })
      .option('allow-host-writes', { type: 'boolean', default: false, describe: 'let the guest create and write host files' })
      .option('env', { type: 'string', describe: 'set a guest environment variable K=V (repeatable); K alone copies the host value' })
      .option('clear-env', { type: 'boolean', default: false, describe: 'start from an empty guest environment' })
      .option('jit-threshold', { type: 'number', describe: 'executions of a block before the JIT compiles it' })
      .option('check-jit', { type: 'boolean', default: false, describe: 'check every JIT-compiled unit against the interpreter (slow)' })
      .option('jit-dump', { type: 'string', describe: 'write the generated JavaScript of each compiled unit into this directory' })
      .option('stats', { type: 'boolean', default: false, describe: 'print engine statistics to stderr at exit' })
      .epilog(RUN_EPILOG)
      .example('krustvm run ./hello', 'run a program')
      .example('krustvm run --strace ./prog -v input.txt', 'trace its system calls; "-v input.txt" go to the guest')
      .example('krustvm run --memory 2G --env LANG=C ./big', 'more guest RAM, one extra variable'),
    (a) => {
      if (!split) throw new UsageError('run: krustvm\'s options go after the command (usage: krustvm run [options] PROGRAM [ARGS…])');
      exitCode = runCommand(a as Argv, split);
    })
    .command('disasm <file>', 'Disassemble the code of an arm64 ELF file (objdump -d style)', (y) => y
      .usage('Usage: krustvm disasm [options] FILE\n\nDisassemble the executable sections of an arm64 ELF file (or its executable segments when it has no section headers), like objdump -d, with symbol names when the file has a symbol table.')
      .positional('file', { type: 'string', describe: 'the arm64 ELF file' })
      .option('start', { type: 'string', describe: 'first address to show (0x… or decimal)' })
      .option('stop', { type: 'string', describe: 'address to stop before (0x… or decimal)' })
      .example('krustvm disasm --start 0x400200 ./hello', 'from an address on'),
    (a) => { exitCode = disasmCommand(a as Argv); })
    .command(bootCommands((code) => { exitCode = code; }))
    .command(signCommands((code) => { exitCode = code; }))
    .demandCommand(1, 'give a command: run, disasm, boot, dtb, keygen, sign or verify')
    .recommendCommands()
    .strict()
    .help('help').alias('h', 'help')
    .version()
    // Help text is laid out only when asked for: yargs renders each command's help before running
    // it, and wrapping it costs tens of milliseconds of every start.
    .wrap(wantsHelp(argv) ? Math.min(100, process.stderr.columns || 100) : null)
    .fail((msg, err) => { throw err ?? new UsageError(msg); });
  skipHelpLayout(parser);
  await parser.parseAsync();
  return exitCode;
}

/** yargs lays out the whole help text of a command each time it runs one (in case the handler
 *  fails and help is to be shown: .fail above never shows it); for `boot` that is ~15–50 ms of
 *  every start. Turned off through yargs' internal usage object if it has one (else no change). */
function skipHelpLayout(parser: object): void {
  type Internal = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as Internal).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

function runCommand(a: Argv, split: ReturnType<typeof splitRunArgs>): number {
  const { MAX_MEMORY, runProgram } = um!;
  const program = split.program!;
  let memory: number | undefined;
  if (a.memory !== undefined) {
    const m = Array.isArray(a.memory) ? a.memory[a.memory.length - 1] : a.memory;
    memory = parseSize(String(m));
    if (memory === undefined) throw new UsageError(`--memory ${m}: not a size (examples: 512M, 2G)`);
    if (memory < 16 * 2 ** 20 || memory > MAX_MEMORY) throw new UsageError(`--memory ${m}: must be between 16M and ${MAX_MEMORY / 2 ** 30}G`);
    memory = Math.ceil(memory / 4096) * 4096;
  }
  const envOpts = a.env === undefined ? [] : (Array.isArray(a.env) ? a.env : [a.env]).map(String);
  const jt = a['jit-threshold'];
  if (jt !== undefined && (typeof jt !== 'number' || !Number.isInteger(jt) || jt < 0)) throw new UsageError('--jit-threshold: give a whole number ≥ 0');
  const t0 = process.hrtime.bigint();
  const r = runProgram({
    program, args: split.guestArgs, env: guestEnv(envOpts, a['clear-env'] === true), memory,
    engine: a.engine as 'jit' | 'interp', jitThreshold: jt as number | undefined, checkJit: a['check-jit'] === true,
    jitDump: a['jit-dump'] as string | undefined, trace: a.trace === true, strace: a.strace === true,
    allowHostWrites: a['allow-host-writes'] === true,
  });
  if (r.message) say(r.message);
  if (a.stats) {
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const parts = Object.entries(r.stats).map(([k, v]) => `${k}=${v}`);
    say(`stats: ${parts.join(' ')} seconds=${secs.toFixed(3)} MIPS=${(r.icount / secs / 1e6).toPrecision(3)}`);
  }
  return r.exitCode;
}

function disasmCommand(a: Argv): number {
  const { ElfError, parseElf, disassemble } = um!;
  const file = String(a.file);
  const addr = (name: string) => {
    if (a[name] === undefined) return undefined;
    const v = parseAddress(String(a[name]));
    if (v === undefined) throw new UsageError(`--${name} ${a[name]}: not an address (use 0x… or decimal)`);
    return v;
  };
  const start = addr('start'), stop = addr('stop');
  let bytes: Uint8Array;
  try { bytes = fs.readFileSync(file); } catch (x) {
    const code = (x as { code?: string }).code;
    throw new ElfError(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read it (${code})`);
  }
  const elf = parseElf(bytes, file);
  const lines: string[] = [];
  disassemble(elf, { start, stop }, (l) => {
    lines.push(l);
    if (lines.length >= 4096) { writeAllSync(1, Buffer.from(lines.join('\n') + '\n')); lines.length = 0; }
  });
  if (lines.length) writeAllSync(1, Buffer.from(lines.join('\n') + '\n'));
  return 0;
}

function report(x: unknown): number {
  // Our own output went to a closed pipe (`krustvm disasm … | head`): end quietly, as SIGPIPE would.
  if ((x as { code?: string } | null)?.code === 'EPIPE') return 141;
  if (x instanceof UsageError || (x instanceof Error && x.name === 'YError')) {
    say(`${x.message.replace(/\n+/g, '; ')} (see krustvm --help)`);
    return EXIT_USAGE;
  }
  if (um && x instanceof um.ElfError) {
    say(x.message);
    return /no such file/.test(x.message) ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
  }
  if (um && x instanceof um.RunError) { say(x.message); return EXIT_CANNOT_RUN; }
  const msg = x instanceof Error ? x.message : String(x);
  say(`internal error: ${msg.split('\n')[0]} — this is a krustvm bug; please report it with the command that caused it${process.env.KRUSTVM_DEBUG ? '' : ' (KRUSTVM_DEBUG=1 shows the stack)'}`);
  if (process.env.KRUSTVM_DEBUG && x instanceof Error && x.stack) writeAllSync(2, Buffer.from(x.stack + '\n'));
  return EXIT_INTERNAL;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (x) => { process.exitCode = report(x); },
);
