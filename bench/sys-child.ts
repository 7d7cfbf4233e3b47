// One measurement of the system-mode benchmark in its own process (bench/sys.ts runs it):
//   node dist/bench/sys-child.js user|bare ENGINE KERNEL N [MMU] [--count]
// Prints one JSON line (sys-measure.ts, Measurement).
import { KERNELS, measureSys } from './sys-measure.js';

const argv = process.argv.slice(2);
const count = argv.includes('--count');
const [where, engine, kernel, nText, mmuText] = argv.filter((a) => a !== '--count');
const n = Number(nText), mmu = Number(mmuText ?? 0);
if ((where !== 'user' && where !== 'bare') || (engine !== 'interp' && engine !== 'jit') || !KERNELS.includes(kernel) || !(n >= 0) || (mmu !== 0 && mmu !== 1 && mmu !== 2)) {
  console.error('usage: sys-child.js user|bare interp|jit copy|stride|crc32|sha256 N [0|1|2] [--count]');
  process.exit(2);
}
console.log(JSON.stringify(await measureSys(where, engine, kernel, n, mmu, count)));
