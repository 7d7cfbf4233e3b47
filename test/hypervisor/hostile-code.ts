// Hostile VM code (hostile.test.ts): hypercalls with random numbers and arguments, loads and
// stores to every kind of IPA, jumps, and a few random non-branch words.
import { HVC } from '../../hypervisor/core/core.js';
import { A } from './fixture.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

export const RAM = 8 * 2 ** 20;
/** The code fills RAM up to the device tree (at 6 MiB) and ends with a branch back to its start. */
export const CODE = 6 * 2 ** 20;
const CALLS = [HVC.SEKVM_GRANT, HVC.SEKVM_REVOKE, HVC.PKVM_MEM_SHARE, HVC.PKVM_MEM_UNSHARE, HVC.PKVM_HYP_MEMINFO,
  0x84000000, 0x8400000a, 0xc4000003, 0x84000004, 0x80000000, 0x86000000]; // not CPU_SUSPEND: no timer would wake it

export function hostileCode(words: number, next: () => number, physBytes: number): Uint32Array {
  const code = new Uint32Array(words);
  let i = 0;
  const put = (...ws: number[]) => { for (const w of ws) if (i < words) code[i++] = w >>> 0; };
  const addr = (): number | bigint => {
    switch (next() % 7) {
      case 0: return CODE + (next() % (RAM - CODE));                // its own RAM (above the code: stores must not rewrite it)
      case 1: return RAM + (next() % (64 * 2 ** 20));               // just past it
      case 2: return physBytes - 1 - (next() % (4 * 2 ** 20));      // the core's physical pages, as IPAs
      case 3: return [0xff841000, 0xff842000, 0xfe201000, 0xff844000, 0xff846000][next() % 5] + (next() % 0x1000); // devices
      case 4: return (next() % 256) * 2 ** 32 + next();             // random 40-bit
      case 5: return (BigInt(next()) << 32n) | BigInt(next());      // random 64-bit
      default: return next() & ~7;
    }
  };
  // Vectors at 0 (VBAR_EL1 resets to 0): every exception skips the instruction that took it
  // (ELR_EL1 += 4, back to 0x1000 past the code; ERET), so the run sweeps the stream instead of
  // looping in a vector or sliding through unmapped IPAs.
  const skip = [0xd538402a /* mrs x10, elr_el1 */, 0x9100114a /* add x10, x10, #4 */, 0xd2a00c0b /* mov x11, #0x600000 */,
    0xd282000c /* mov x12, #0x1000 */, 0xeb0b015f /* cmp x10, x11 */, 0x9a8c314a /* csel x10, x10, x12, lo */,
    0xd518402a /* msr elr_el1, x10 */, 0xd69f03e0 /* eret */];
  for (let v = 0; v < 16; v++) skip.forEach((w, j) => { code[v * 32 + j] = w; });
  i = 0x1000 / 4;
  // Jumps go forward only, to the start of a block (patched in at the end), so the run cannot
  // loop before the final branch back to the start.
  const blocks: number[] = [], jumps: number[] = [];
  while (i < words) {
    blocks.push(i);
    const k = next() % 7;
    if (k <= 2) { // a hypercall, often a grant/revoke storm over a random range
      const fn = next() % 4 === 0 ? next() : CALLS[next() % CALLS.length];
      if (fn === 0x84000002 || fn === 0x84000008 || fn === 0x84000009) continue;
      put(...A.mov(0, fn), ...A.mov(1, addr()), ...A.mov(2, next() % 3 === 0 ? next() : (next() % 64) * 4096), A.hvc);
    } else if (k <= 4) { // a load or store somewhere
      put(...A.mov(1, addr()), [A.ldr(0, 1), A.str(0, 1), A.ldrw(0, 1), 0x39000020 /* strb w0,[x1] */, 0xa9400820 /* ldp */][next() % 5]);
    } else if (k === 5) {
      jumps.push(i);
      put(...A.mov(3, 0), 0xd61f0060); // br x3
    } else if (k === 6) {
      // A random word that is not a branch (random garbage is test/sys/hostile.test.ts's job;
      // here random branches would only make tight loops that end the variety).
      const w = next();
      const branch = ((w >>> 26) & 0x1f) === 0x05 || (w & 0xff000000) === 0x54000000 || ((w >>> 25) & 0x3e) === 0x1a || (w & 0xfe000000) === 0xd6000000;
      if (!branch && next() % 8 === 0) put(w);
    }
  }
  code[words - 1] = A.b(-(words - 1 - 0x1000 / 4));
  let first = 0;
  for (const at of jumps) {
    while (first < blocks.length && blocks[first] <= at + 5) first++;
    const pick = first + (next() % 64);
    const target = pick < blocks.length && blocks[pick] < words - 1 ? blocks[pick] * 4 : 0x1000;
    A.mov(3, target).forEach((w, j) => { if (at + j < words - 1) code[at + j] = w; });
  }
  return code;
}

