// Command-line helpers: splitting `run`'s own options from the guest's arguments, and parsing
// sizes and addresses.

/** Options of `run` that take a value (so the word after them is not the program). */
export const RUN_VALUE_OPTIONS = new Set(['--engine', '--memory', '--env', '--jit-threshold', '--jit-dump']);

export interface RunSplit {
  /** krustvm's own options (before the program). */
  options: string[];
  program?: string;
  /** Everything after the program: the guest's, even words that look like options. */
  guestArgs: string[];
}

/** Splits the words after `run`: options up to the first non-option word (or `--`), then the
 *  program, then the guest's arguments untouched. */
export function splitRunArgs(words: string[]): RunSplit {
  const options: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') return { options, program: words[i + 1], guestArgs: words.slice(i + 2) };
    if (w.startsWith('-') && w !== '-') {
      options.push(w);
      if (RUN_VALUE_OPTIONS.has(w) && i + 1 < words.length) options.push(words[++i]);
      continue;
    }
    return { options, program: w, guestArgs: words.slice(i + 1) };
  }
  return { options, guestArgs: [] };
}

/** "512M", "2G", "1.5G", "65536", "64k", "1GiB" → bytes; undefined if malformed. */
export function parseSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(s.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(parseFloat(m[1]) * mult);
}

/** An address as C writes numbers (like objdump's --start-address): "0x400000" or "4194304". */
export function parseAddress(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  let v: number;
  if (/^0x[0-9a-f]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^[0-9]+$/.test(t)) v = parseInt(t, 10);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}
