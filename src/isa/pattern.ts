// Bit patterns of the instruction table, written most-significant bit first as space-separated
// tokens: runs of 0/1/x are fixed bits (x = "don't care"), `name:width` is a named field
// (`name` alone is one bit). Example: "sf:1 op S 100010 sh imm12:12 Rn:5 Rd:5".

export interface FieldSpec { name: string; lsb: number; width: number }

export interface Pattern {
  text: string;
  mask: number;   // bits that must match `value` (unsigned 32-bit)
  value: number;
  fields: FieldSpec[];
}

export function parsePattern(text: string): Pattern {
  let bit = 32;
  let mask = 0, value = 0;
  const fields: FieldSpec[] = [];
  for (const tok of text.trim().split(/\s+/)) {
    if (/^[01x]+$/.test(tok)) {
      for (const ch of tok) {
        bit--;
        if (ch !== 'x') { mask |= 1 << bit; if (ch === '1') value |= 1 << bit; }
      }
    } else {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::(\d+))?$/.exec(tok);
      if (!m) throw new Error(`bad pattern token '${tok}' in '${text}'`);
      const width = m[2] ? Number(m[2]) : 1;
      bit -= width;
      fields.push({ name: m[1], lsb: bit, width });
    }
    if (bit < 0) throw new Error(`pattern longer than 32 bits: '${text}'`);
  }
  if (bit !== 0) throw new Error(`pattern is ${32 - bit} bits, not 32: '${text}'`);
  return { text, mask: mask >>> 0, value: value >>> 0, fields };
}

export type Fields = Record<string, number>;

export function extractFields(p: Pattern, insn: number): Fields {
  const f: Fields = {};
  for (const s of p.fields) f[s.name] = (insn >>> s.lsb) & (s.width === 32 ? -1 : (1 << s.width) - 1);
  return f;
}

export function matches(p: Pattern, insn: number): boolean {
  return ((insn & p.mask) >>> 0) === p.value;
}
