// One measurement of the system-mode benchmark (bench/sys.ts; sys-child.ts runs it in a process
// of its own): a kernel of bench/sys/bin/sysbench-user under Linux user mode, or of
// bench/sys/bin/sysbench.elf on the Pi 4-shaped machine with the MMU off (0), on with 4 KiB pages
// (1) or with 2 MiB blocks (2). Gives the run time (loading excluded), instructions, soft-TLB
// misses and flushes, with `count` every data access too (for the TLB hit rate; count with the
// interpreter, see countAccesses), and the guest's output.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../src/linux/run.js';
import { AddressSpace } from '../src/linux/addrspace.js';
import { countAccesses, type Memory } from '../src/mem/memory.js';
import { BufferBackend } from '../devices/serial/backend.js';
import { bootLayout, planBoot } from '../src/machine/boot.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const binDir = path.join(root, 'bench/sys/bin');
/** Where bare.c reads its parameters (struct params). */
const PARAMS = 0x7e000;
export const KERNELS = ['copy', 'stride', 'crc32', 'sha256'];

export interface Measurement {
  seconds: number; icount: number; ok: boolean; out: string;
  tlb?: { readMisses: number; writeMisses: number; execMisses: number; flushes: number };
  accesses?: { reads: number; writes: number };
}

/** Runs `kernel` `n` times in user mode or on the bare machine (MMU setting `mmu`). */
export async function measureSys(where: 'user' | 'bare', engine: 'interp' | 'jit', kernel: string, n: number, mmu: 0 | 1 | 2, count = false): Promise<Measurement> {
  let mem: Memory | undefined;
  let accesses: { reads: number; writes: number } | undefined;
  let seconds: number, icount: number, out: string, ok: boolean;
  if (where === 'user') {
    // runProgram makes its Memory inside; the address space is attached to it first thing.
    const attach = AddressSpace.prototype.attach;
    AddressSpace.prototype.attach = function (m: Memory) { mem = m; if (count) accesses = countAccesses(m); attach.call(this, m); };
    const chunks: Buffer[] = [];
    try {
      const t0 = process.hrtime.bigint();
      const r = runProgram({ program: path.join(binDir, 'sysbench-user'), args: [kernel, String(n)], engine, memory: 256 * 2 ** 20, stdout: (d) => chunks.push(Buffer.from(d)) });
      seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      icount = r.icount; out = Buffer.concat(chunks).toString('utf8'); ok = r.exitCode === 0;
    } finally { AddressSpace.prototype.attach = attach; }
  } else {
    const ramBytes = 64 * 2 ** 20, serial = new BufferBackend();
    const plan = planBoot({ kernel: path.join(binDir, 'sysbench.elf') }, ramBytes, 1);
    const { machine, scheduler } = bootLayout(plan, { ramBytes, cpus: 1, engine, icount: true, serial });
    const p = new DataView(machine.ram.buffer, machine.ram.byteOffset + PARAMS, 24);
    p.setBigUint64(0, BigInt(KERNELS.indexOf(kernel)), true);
    p.setBigUint64(8, BigInt(n), true);
    p.setBigUint64(16, BigInt(mmu), true);
    mem = machine.vcpus[0].mem;
    if (count) accesses = countAccesses(mem);
    const t0 = process.hrtime.bigint();
    const r = await scheduler.run({ quantum: 1_000_000 });
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    icount = r.insns; out = serial.text(); ok = r.reason === 'exit' && r.exitCode === 0;
  }
  return { seconds, icount, ok, tlb: mem ? { ...mem.tlbStats } : undefined, accesses, out: out.trim() };
}
