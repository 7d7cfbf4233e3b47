// The Armv8.0 Cryptographic Extension: AESE/AESD/AESMC/AESIMC, SHA1C/P/M/H/SU0/SU1,
// SHA256H/H2/SU0/SU1 (PMULL/PMULL2 .1Q live with the three-different group). The Cortex-A72
// implements it. Semantics from the Arm ARM pseudocode; AES tables from FIPS-197, computed here.
import type { InsnDef } from '../table.js';
import type { Cpu } from '../../cpu/state.js';

const AES = ['', '', '', '', 'aese', 'aesd', 'aesmc', 'aesimc'];
const SHA3 = ['sha1c', 'sha1p', 'sha1m', 'sha1su0', 'sha256h', 'sha256h2', 'sha256su1'];
const SHA2 = ['sha1h', 'sha1su1', 'sha256su0'];

export const simdCrypto: InsnDef[] = [
  {
    name: 'CRYPTO_aes',
    pattern: '01001110 00 10100 opcode:5 10 Rn:5 Rd:5',
    decode: (f) => (AES[f.opcode] ? { s: { op: f.opcode }, o: { d: f.Rd, n: f.Rn } } : null),
    sem(b, o, s) { b.effect('crypto_aes', b.c32(s.op), o.d, o.n); },
    disasm: (f) => `${AES[f.opcode]}\tv${f.Rd}.16b, v${f.Rn}.16b`,
  },
  {
    name: 'CRYPTO_sha3',
    pattern: '01011110 00 0 Rm:5 0 opcode:3 00 Rn:5 Rd:5',
    decode: (f) => (f.opcode < 7 ? { s: { op: f.opcode }, o: { d: f.Rd, n: f.Rn, m: f.Rm } } : null),
    sem(b, o, s) { b.effect('crypto_sha3', b.c32(s.op), o.d, o.n, o.m); },
    disasm(f) {
      const name = SHA3[f.opcode];
      if (f.opcode === 3 || f.opcode === 6) return `${name}\tv${f.Rd}.4s, v${f.Rn}.4s, v${f.Rm}.4s`;
      return `${name}\tq${f.Rd}, ${f.opcode < 3 ? 's' : 'q'}${f.Rn}, v${f.Rm}.4s`;
    },
  },
  {
    name: 'CRYPTO_sha2',
    pattern: '01011110 00 10100 opcode:5 10 Rn:5 Rd:5',
    decode: (f) => (f.opcode < 3 ? { s: { op: f.opcode }, o: { d: f.Rd, n: f.Rn } } : null),
    sem(b, o, s) { b.effect('crypto_sha2', b.c32(s.op), o.d, o.n); },
    disasm: (f) => (f.opcode === 0 ? `sha1h\ts${f.Rd}, s${f.Rn}` : `${SHA2[f.opcode]}\tv${f.Rd}.4s, v${f.Rn}.4s`),
  },
];

// ----- AES (FIPS-197): S-box from the GF(2^8) inverse and the affine map
const xtime = (x: number) => ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
function gmul(a: number, b: number): number {
  let r = 0;
  for (; b; b >>= 1, a = xtime(a)) if (b & 1) r ^= a;
  return r;
}
const SBOX = new Uint8Array(256), INV_SBOX = new Uint8Array(256);
for (let x = 0; x < 256; x++) {
  let inv = 0;
  if (x) for (let y = 1; y < 256; y++) if (gmul(x, y) === 1) { inv = y; break; }
  let s = inv;
  for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
  s ^= 0x63;
  SBOX[x] = s; INV_SBOX[s] = x;
}

const st = new Uint8Array(16), tmp = new Uint8Array(16);
function mixColumns(inv: boolean): void {
  const m = inv ? [14, 11, 13, 9] : [2, 3, 1, 1];
  for (let c = 0; c < 4; c++) {
    const col = [st[4 * c], st[4 * c + 1], st[4 * c + 2], st[4 * c + 3]];
    for (let r = 0; r < 4; r++) {
      let v = 0;
      for (let k = 0; k < 4; k++) v ^= gmul(col[k], m[(k - r + 4) & 3]);
      tmp[4 * c + r] = v;
    }
  }
  st.set(tmp);
}

// ----- SHA helpers (32-bit lanes)
const rol = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) | 0;
const ror = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) | 0;
const choose = (x: number, y: number, z: number) => ((y ^ z) & x) ^ z;
const parity = (x: number, y: number, z: number) => x ^ y ^ z;
const majority = (x: number, y: number, z: number) => (x & y) | ((x | y) & z);
const words = (cpu: Cpu, r: number) => [cpu.V[r * 4], cpu.V[r * 4 + 1], cpu.V[r * 4 + 2], cpu.V[r * 4 + 3]];
const put = (cpu: Cpu, r: number, w: number[]) => { for (let i = 0; i < 4; i++) cpu.V[r * 4 + i] = w[i] | 0; };

function sha256hash(X: number[], Y: number[], W: number[], part1: boolean): number[] {
  X = X.slice(); Y = Y.slice();
  for (let e = 0; e < 4; e++) {
    const chs = choose(Y[0], Y[1], Y[2]), maj = majority(X[0], X[1], X[2]);
    const t = (Y[3] + (ror(Y[0], 6) ^ ror(Y[0], 11) ^ ror(Y[0], 25)) + chs + W[e]) | 0;
    X[3] = (t + X[3]) | 0;
    Y[3] = (t + (ror(X[0], 2) ^ ror(X[0], 13) ^ ror(X[0], 22)) + maj) | 0;
    // <Y, X> = ROL(Y : X, 32)
    const x3 = X[3], y3 = Y[3];
    X = [y3, X[0], X[1], X[2]];
    Y = [x3, Y[0], Y[1], Y[2]];
  }
  return part1 ? X : Y;
}
const sigma = (x: number, a: number, b: number, c: number) => ror(x, a) ^ ror(x, b) ^ (x >>> c);

export const cryptoHelpers = {
  crypto_aes(cpu: Cpu, op: number, d: number, n: number): void {
    const B = cpu.V8;
    if (op <= 5) {
      for (let i = 0; i < 16; i++) tmp[i] = B[d * 16 + i] ^ B[n * 16 + i];
      for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) {
        const src = r + 4 * ((op === 4 ? c + r : c - r + 4) & 3);
        st[r + 4 * c] = (op === 4 ? SBOX : INV_SBOX)[tmp[src]];
      }
    } else {
      for (let i = 0; i < 16; i++) st[i] = B[n * 16 + i];
      mixColumns(op === 7);
    }
    B.set(st, d * 16);
  },
  crypto_sha3(cpu: Cpu, op: number, d: number, n: number, m: number): void {
    const X0 = words(cpu, d), N = words(cpu, n), W = words(cpu, m);
    if (op < 3) {
      let X = X0, Y = N[0];
      const f = op === 0 ? choose : op === 1 ? parity : majority;
      for (let e = 0; e < 4; e++) {
        const t = f(X[1], X[2], X[3]);
        Y = (Y + rol(X[0], 5) + t + W[e]) | 0;
        X = [X[0], rol(X[1], 30), X[2], X[3]];
        const top = X[3];
        X = [Y, X[0], X[1], X[2]];
        Y = top;
      }
      put(cpu, d, X);
    } else if (op === 3) { // SHA1SU0
      put(cpu, d, [X0[2] ^ X0[0] ^ W[0], X0[3] ^ X0[1] ^ W[1], N[0] ^ X0[2] ^ W[2], N[1] ^ X0[3] ^ W[3]]);
    } else if (op === 4) put(cpu, d, sha256hash(X0, N, W, true));
    else if (op === 5) put(cpu, d, sha256hash(N, X0, W, false));
    else { // SHA256SU1
      const T0 = [N[1], N[2], N[3], W[0]];
      const r: number[] = [];
      for (let e = 0; e < 4; e++) {
        const src = e < 2 ? W[2 + e] : r[e - 2];
        r.push((sigma(src, 17, 19, 10) + X0[e] + T0[e]) | 0);
      }
      put(cpu, d, r);
    }
  },
  crypto_sha2(cpu: Cpu, op: number, d: number, n: number): void {
    const X = words(cpu, d), Y = words(cpu, n);
    if (op === 0) { put(cpu, d, [rol(Y[0], 30), 0, 0, 0]); return; }
    if (op === 1) { // SHA1SU1
      const T = [X[0] ^ Y[1], X[1] ^ Y[2], X[2] ^ Y[3], X[3]];
      put(cpu, d, [rol(T[0], 1), rol(T[1], 1), rol(T[2], 1), rol(T[3], 1) ^ rol(T[0], 2)]);
      return;
    }
    const T = [X[1], X[2], X[3], Y[0]]; // SHA256SU0
    put(cpu, d, T.map((t, e) => (sigma(t, 7, 18, 3) + X[e]) | 0));
  },
};
