// One benchmark measurement in its own process: node dist/bench/child.js ENGINE PROGRAM ARGS…
// Prints one JSON line: guest run time (loading excluded), instructions, peak RSS, JIT counters.
import { runProgram } from '../src/linux/run.js';

const [engine, program, ...args] = process.argv.slice(2);
if (engine !== 'interp' && engine !== 'jit') { console.error('usage: child.js interp|jit PROGRAM ARGS…'); process.exit(2); }
const chunks: Buffer[] = [];
const t0 = process.hrtime.bigint();
const r = runProgram({ program, args, engine, stdout: (d) => chunks.push(Buffer.from(d)) });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const s = r.stats;
console.log(JSON.stringify({
  seconds,
  icount: r.icount,
  exitCode: r.exitCode,
  rssMB: process.resourceUsage().maxRSS / 1024,
  units: s.blocksCompiled !== undefined || s.regionsCompiled !== undefined ? (s.blocksCompiled ?? 0) + (s.regionsCompiled ?? 0) : s.units,
  compileMs: s.compileMs,
  out: Buffer.concat(chunks).toString('utf8'),
}));
