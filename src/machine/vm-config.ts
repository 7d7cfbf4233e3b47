// One VM of `krustvm boot --vm SPEC --vm SPEC …`: SPEC is a JSON file (or, starting with `{`,
// the JSON text itself) holding one object whose keys are `krustvm boot` options by their long
// names, plus `name` (the console prefix; default vm1, vm2, … or the file's base name):
//
//   { "name": "server", "cmd": "netserver -4 -D", "net": "switch", "m": "256M" }
//   { "name": "client", "cmd": "ping -c 3 10.0.0.1", "net": ["switch"], "serial": "file:client.log" }
// (text starting with `{` or `[` is inline JSON, anything else a file name)
// A value is a string, number or boolean, or an array of them for an option given several
// times; the object becomes boot options (["--cmd", "…", "--net", "switch", …]) and is checked by
// the boot command's own parser, so every boot option works here with the same meaning.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LoadError } from './loader.js';

export interface VmSpec {
  /** Label of the VM's console lines and messages. */
  name: string;
  /** Where the spec came from (a file, or "--vm #N" for inline JSON), for messages. */
  source: string;
  /** The boot options as command-line words. */
  words: string[];
}

/** Keys that only make sense once, for the whole run. */
const RUN_ONLY_KEYS = new Set(['vm', 'until', 'help', 'version']);
const NAME = /^[A-Za-z0-9_.-]{1,32}$/;

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/** Thrown for a spec that is readable but wrong (the caller reports it as a usage error). */
export class VmSpecError extends Error {}

/** Reads the `index`-th (0-based) --vm argument. */
export function readVmSpec(spec: string, index: number): VmSpec {
  const inline = /^\s*[{[]/.test(spec);
  const source = inline ? `--vm #${index + 1}` : spec;
  let text = spec;
  if (!inline) {
    try {
      text = fs.readFileSync(spec, 'utf8');
    } catch (x) {
      const code = (x as { code?: string }).code;
      throw new LoadError(`${spec}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read it (${code})`}; give a VM config file (JSON) or inline JSON to --vm`);
    }
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (x) {
    throw new VmSpecError(`${source}: not valid JSON (${(x as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new VmSpecError(`${source}: give one JSON object of boot options, e.g. {"name": "a", "cmd": "uname -a"}`);
  const rec = obj as Record<string, unknown>;
  const fallback = inline ? `vm${index + 1}` : path.basename(spec).replace(/\.json$/i, '');
  const name = rec.name === undefined ? fallback : rec.name;
  if (typeof name !== 'string' || !NAME.test(name)) throw new VmSpecError(`${source}: "name" must be 1..32 letters, digits, '.', '_' or '-'`);
  const words: string[] = [];
  for (const [key, value] of Object.entries(rec)) {
    if (key === 'name') continue;
    if (RUN_ONLY_KEYS.has(key)) throw new VmSpecError(`${source}: "${key}" is an option of the whole run, not of one VM`);
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(key)) throw new VmSpecError(`${source}: "${key}" is not an option name`);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (!isScalar(v)) throw new VmSpecError(`${source}: "${key}" must be a string, number or boolean (or an array of them)`);
      const flag = key.length === 1 ? `-${key}` : `--${key}`;
      if (v === true) words.push(flag);
      else if (v === false) words.push(`--no-${key}`);
      else words.push(flag, String(v));
    }
  }
  return { name, source, words };
}

/** Checks that the VM names of one run differ. */
export function checkNames(specs: VmSpec[]): void {
  const seen = new Map<string, string>();
  for (const s of specs) {
    const other = seen.get(s.name);
    if (other !== undefined) throw new VmSpecError(`${s.source}: VM name "${s.name}" is also used by ${other}; give each VM its own "name"`);
    seen.set(s.name, s.source);
  }
}
