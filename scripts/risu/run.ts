// Random-instruction differential test, command line:
//   node dist/scripts/risu/run.js [--count 1000000] [--seed 1] [--batch 5000/seq] [--engine interp,jit]
//        [--runner direct|cli] [--groups dp_imm,dp_reg,ldst,simd] [--match REGEX] [--exclude REGEX]
//        [--examples 5] [--entries] [--seq K] [--undef F] [--json FILE]
// --seq K runs K instructions per case (the first may be a load/store, the rest are not):
// straight-line sequences are what a JIT optimises across. --count counts cases.
// --undef F makes a fraction F of the cases words krustvm does not decode: qemu must raise SIGILL
// for them too, or krustvm is missing an instruction (group "undef" in the report).
// Runs `count` random instructions in batches (one ELF per batch, seeds seed, seed+1, …) under
// qemu-aarch64 and krustvm and prints, per instruction group and table entry, how many ran and how
// many differed, with examples. Exit status: 0 all equal, 1 mismatches, 2 a batch could not run.
import { writeFileSync } from 'node:fs';
import { findQemu } from '../../test/diff/oracle.js';
import { runBatch, objdumpText, type Engine, type EntryStats, type Mismatch } from './harness.js';

interface Args {
  count: number; seed: number; batch: number; engines: Engine[]; runner: 'direct' | 'cli';
  groups?: string[]; match?: RegExp; exclude?: RegExp; examples: number; json?: string; entries: boolean; seq: number; undef: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { count: 1_000_000, seed: 1, batch: 0, engines: ['interp', 'jit'], runner: 'direct', examples: 5, entries: false, seq: 1, undef: 0 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i], v = () => { const x = argv[++i]; if (x === undefined) usage(`${k} needs a value`); return x; };
    const n = () => { const x = Number(v()); if (!Number.isFinite(x) || x < 0) usage(`${k} needs a number`); return x; };
    switch (k) {
      case '--count': a.count = n(); break;
      case '--seed': a.seed = n(); break;
      case '--batch': a.batch = Math.max(1, n()); break;
      case '--engine': case '--engines': a.engines = v().split(',') as Engine[]; break;
      case '--runner': a.runner = v() as Args['runner']; break;
      case '--groups': a.groups = v().split(','); break;
      case '--match': a.match = new RegExp(v()); break;
      case '--exclude': a.exclude = new RegExp(v()); break;
      case '--examples': a.examples = n(); break;
      case '--json': a.json = v(); break;
      case '--entries': a.entries = true; break;
      case '--seq': a.seq = Math.max(1, Math.floor(n())); break;
      case '--undef': a.undef = Math.min(1, n()); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown option ${k}`);
    }
  }
  for (const e of a.engines) if (e !== 'interp' && e !== 'jit') usage(`unknown engine ${e} (interp or jit)`);
  // About 5000 instructions under test per image: the JIT compiles every word of it (~50 harness
  // words per case) and holds all of it until the batch ends.
  if (!a.batch) a.batch = Math.ceil(5000 / a.seq);
  if (a.runner !== 'direct' && a.runner !== 'cli') usage('--runner is direct or cli');
  return a;
}

function usage(err?: string): never {
  const text = 'usage: node dist/scripts/risu/run.js [--count N] [--seed S] [--batch B] [--engine interp,jit] [--runner direct|cli] [--groups g1,g2] [--match RE] [--exclude RE] [--examples K] [--entries] [--seq K] [--undef F] [--json FILE]';
  if (err) { console.error(`risu: ${err}\n${text}`); process.exit(2); }
  console.log(text);
  process.exit(0);
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const qemu = findQemu();
  if (!qemu) { console.error('risu: qemu-aarch64 not installed (apt-get install qemu-user); nothing was compared'); process.exit(2); }
  const entries = new Map<string, EntryStats>();
  const mismatches: Mismatch[] = [];
  const errors: string[] = [];
  const rejected = new Map<string, number>();
  const time: Record<string, number> = {};
  let done = 0, batchNo = 0, insns = 0;
  const t0 = Date.now();
  while (done < a.count) {
    const n = Math.min(a.batch, a.count - done);
    const seed = a.seed + batchNo++;
    const r = await runBatch({ seed, count: n, engines: a.engines, qemu, runner: a.runner, groups: a.groups, match: a.match, exclude: a.exclude, seq: a.seq, undef: a.undef });
    for (const [name, s] of r.entries) {
      const t = entries.get(name);
      if (!t) entries.set(name, { ...s, mismatches: { ...s.mismatches } });
      else { t.run += s.run; t.signals += s.signals; t.mismatches.interp += s.mismatches.interp; t.mismatches.jit += s.mismatches.jit; }
    }
    for (const [k, v] of r.rejected) rejected.set(k, (rejected.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(r.ms)) time[k] = (time[k] ?? 0) + (v ?? 0);
    mismatches.push(...r.mismatches);
    errors.push(...r.errors);
    done += n;
    insns += r.instructions;
    const mm = a.engines.map((e) => `${e} ${r.mismatches.filter((m) => m.engine === e).length}`).join(', ');
    process.stderr.write(`batch seed ${seed}: ${n} cases, mismatches ${mm}${r.errors.length ? `, ${r.errors.length} error(s)` : ''} — ${done}/${a.count} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    for (const e of r.errors) process.stderr.write(`  ${e.split('\n')[0]}\n`);
  }
  report(a, entries, mismatches, errors, rejected, time, done, insns);
  if (a.json) {
    writeFileSync(a.json, JSON.stringify({
      args: { ...a, match: a.match?.source, exclude: a.exclude?.source }, cases: done, instructions: insns,
      entries: Object.fromEntries(entries), errors, rejected: Object.fromEntries(rejected),
      mismatches: mismatches.map((m) => ({ ...m, insn: '0x' + (m.insn >>> 0).toString(16).padStart(8, '0') })),
    }, null, 1));
  }
  process.exit(errors.length ? 2 : mismatches.length ? 1 : 0);
}

function report(a: Args, entries: Map<string, EntryStats>, mismatches: Mismatch[], errors: string[], rejected: Map<string, number>, time: Record<string, number>, done: number, insns: number): void {
  const groups = new Map<string, { entries: number; run: number; signals: number; mm: Record<Engine, number> }>();
  for (const s of entries.values()) {
    let g = groups.get(s.group);
    if (!g) groups.set(s.group, (g = { entries: 0, run: 0, signals: 0, mm: { interp: 0, jit: 0 } }));
    g.entries++; g.run += s.run; g.signals += s.signals; g.mm.interp += s.mismatches.interp; g.mm.jit += s.mismatches.jit;
  }
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`\nrandom-instruction differential test: ${insns} instructions in ${done} cases${a.seq > 1 ? ` (sequences of ${a.seq})` : ''}, seeds ${a.seed}..${a.seed + Math.ceil(done / a.batch) - 1}, qemu-aarch64 vs krustvm (${a.runner}) ${a.engines.join(', ')}`);
  console.log(`time: ${Object.entries(time).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}\n`);
  console.log(`${'group'.padEnd(8)} ${pad('entries', 7)} ${pad('run', 9)} ${pad('signals', 8)} ${a.engines.map((e) => pad(`${e} mism.`, 12)).join(' ')}`);
  for (const [name, g] of [...groups].sort()) console.log(`${name.padEnd(8)} ${pad(g.entries, 7)} ${pad(g.run, 9)} ${pad(g.signals, 8)} ${a.engines.map((e) => pad(g.mm[e], 12)).join(' ')}`);
  if (a.entries) {
    console.log('\nper entry:');
    for (const [name, s] of [...entries].sort((x, y) => x[1].group.localeCompare(y[1].group) || x[0].localeCompare(y[0])))
      console.log(`  ${s.group.padEnd(7)} ${name.padEnd(24)} run ${pad(s.run, 8)}  signals ${pad(s.signals, 7)}  ${a.engines.map((e) => `${e} ${s.mismatches[e]}`).join('  ')}`);
  }
  const bad = [...entries].filter(([, s]) => a.engines.some((e) => s.mismatches[e] > 0)).sort((x, y) => y[1].mismatches.interp + y[1].mismatches.jit - x[1].mismatches.interp - x[1].mismatches.jit);
  if (bad.length) {
    console.log('\nentries with mismatches:');
    for (const [name, s] of bad) console.log(`  ${name.padEnd(24)} ${s.group.padEnd(7)} run ${pad(s.run, 7)}  ${a.engines.map((e) => `${e} ${s.mismatches[e]}`).join('  ')}`);
    const od = objdumpText(mismatches.map((m) => m.insn));
    console.log(`\nexamples (up to ${a.examples} per entry and engine):`);
    const shown = new Map<string, number>();
    for (const m of mismatches) {
      const key = `${m.name}/${m.engine}`;
      const n = shown.get(key) ?? 0;
      if (n >= a.examples) continue;
      shown.set(key, n + 1);
      const hexw = (m.insn >>> 0).toString(16).padStart(8, '0');
      const odText = od.get(m.insn >>> 0);
      console.log(`  [${m.engine}] ${m.name} ${hexw}  ${m.text}${odText && odText !== m.text ? `   (objdump: ${odText})` : ''}   seed ${m.seed} case ${m.index}`);
      console.log(`      inputs: ${m.inputs}`);
      for (const d of m.diffs.slice(0, 8)) console.log(`      ${d}`);
    }
  }
  if (rejected.size) {
    console.log('\ngenerated words rejected (not run):');
    for (const [k, v] of [...rejected].sort((x, y) => y[1] - x[1])) console.log(`  ${pad(v, 8)}  ${k}`);
  }
  if (errors.length) {
    console.log(`\n${errors.length} batch(es) could not be compared:`);
    for (const e of errors.slice(0, 10)) console.log(`  ${e}`);
  }
  console.log(`\n${mismatches.length === 0 && errors.length === 0 ? 'PASS' : 'FAIL'}: ${mismatches.length} mismatching case(s), ${errors.length} batch error(s)`);
}

main().catch((e) => { console.error(`risu: ${(e as Error)?.stack ?? e}`); process.exit(2); });
