// Runtime helpers for the upper-half V register write (FMOV Vd.D[1], Xn) and the structure loads/stores (LD1–LD4, ST1–ST4).
// Memory goes through cpu.mem.r8…w64 so a fault is precise: loads read everything into a
// scratch buffer before the first register is written; stores go out in address order (a
// fault leaves the earlier bytes written, as on hardware and under qemu-aarch64). Runs of
// consecutive bytes of one register (LD1/ST1) move as 8-byte accesses, element-interleaved
// forms element by element, the way qemu-aarch64 splits them.
import type { Cpu } from '../../cpu/state.js';
import { Access, PAGE_SIZE } from '../../mem/memory.js';

const scratch = new ArrayBuffer(64);
const S8 = new Uint8Array(scratch), S16 = new Uint16Array(scratch), S32 = new Int32Array(scratch);

/** lo word of (lo,hi) + off (0 ≤ off < 2^31); the high word is left in `carryHi`. */
let carryHi = 0;
function addA(lo: number, hi: number, off: number): number {
  const l = (lo + off) | 0;
  carryHi = (l >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
  return l;
}

/** Reads `lg`-sized element at (lo,hi) into scratch byte offset `at` (naturally aligned). */
function readElem(cpu: Cpu, lg: number, lo: number, hi: number, at: number): void {
  const m = cpu.mem;
  switch (lg) {
    case 0: S8[at] = m.r8(lo, hi); break;
    case 1: S16[at >> 1] = m.r16(lo, hi); break;
    case 2: S32[at >> 2] = m.r32(lo, hi); break;
    default: S32[at >> 2] = m.r64(lo, hi); S32[(at >> 2) + 1] = m.hi;
  }
}
/** Writes the `lg`-sized element at byte offset `at` of V (as a byte offset into cpu.V8). */
function writeElem(cpu: Cpu, lg: number, lo: number, hi: number, at: number): void {
  const m = cpu.mem;
  switch (lg) {
    case 0: m.w8(lo, hi, cpu.V8[at]); break;
    case 1: m.w16(lo, hi, cpu.V16[at >> 1]); break;
    case 2: m.w32(lo, hi, cpu.V[at >> 2]); break;
    default: m.w64(lo, hi, cpu.V[at >> 2], cpu.V[(at >> 2) + 1]);
  }
}
function zeroUpper(cpu: Cpu, r: number): void { cpu.V[r * 4 + 2] = 0; cpu.V[r * 4 + 3] = 0; }

export const vregHelpers = {
  // Whole-register and scalar moves of V registers are IR (b.vWord / b.setVWord, simd_common.ts).
  /** FMOV Vd.D[1], Xn: the upper half only. */
  v_set_hi64(cpu: Cpu, r: number, lo: number, hi: number): void { cpu.V[r * 4 + 2] = lo; cpu.V[r * 4 + 3] = hi; },

  /** LD1–LD4 / ST1–ST4 (multiple structures), Arm ARM "Shared decode for all encodings". */
  ldst_mult(cpu: Cpu, L: number, rpt: number, selem: number, size: number, q: number, t: number, lo: number, hi: number): void {
    const regBytes = q ? 16 : 8, ebytes = 1 << size, elements = regBytes >> size;
    const m = cpu.mem, V = cpu.V;
    if (selem === 1) {
      const chunks = regBytes >> 3;
      if (L) {
        for (let r = 0, k = 0; r < rpt; r++) for (let c = 0; c < chunks; c++, k++) {
          const l = addA(lo, hi, k * 8);
          S32[2 * k] = m.r64(l, carryHi); S32[2 * k + 1] = m.hi;
        }
        for (let r = 0; r < rpt; r++) {
          const d = ((t + r) & 31) * 4, s = r * chunks * 2;
          V[d] = S32[s]; V[d + 1] = S32[s + 1];
          if (q) { V[d + 2] = S32[s + 2]; V[d + 3] = S32[s + 3]; } else { V[d + 2] = 0; V[d + 3] = 0; }
        }
      } else {
        for (let r = 0, k = 0; r < rpt; r++) for (let c = 0; c < chunks; c++, k++) {
          const l = addA(lo, hi, k * 8), d = ((t + r) & 31) * 4 + c * 2;
          m.w64(l, carryHi, V[d], V[d + 1]);
        }
      }
      return;
    }
    let offs = 0;
    if (L) {
      // Structures that lie in one page of RAM are de-interleaved straight from it (the first
      // byte's translation is what the first element access would fault on); others, which
      // may cross into another page or be Device memory, go element by element.
      const bytes = selem * regBytes, ram = (lo & (PAGE_SIZE - 1)) <= PAGE_SIZE - bytes ? m.addrOf(lo, hi, Access.Read) : -1;
      if (ram >= 0 && ram + bytes <= m.u8.length) {
        const U8 = m.u8;
        for (let e = 0; e < elements; e++) for (let s = 0; s < selem; s++, offs += ebytes) {
          for (let k = 0; k < ebytes; k++) S8[s * 16 + e * ebytes + k] = U8[ram + offs + k];
        }
      } else {
        for (let e = 0; e < elements; e++) for (let s = 0; s < selem; s++, offs += ebytes) {
          const l = addA(lo, hi, offs);
          readElem(cpu, size, l, carryHi, s * 16 + e * ebytes);
        }
      }
      for (let s = 0; s < selem; s++) {
        const d = ((t + s) & 31) * 4;
        for (let w = 0; w < 4; w++) V[d + w] = S32[s * 4 + w];
        if (!q) zeroUpper(cpu, (t + s) & 31);
      }
    } else {
      for (let e = 0; e < elements; e++) for (let s = 0; s < selem; s++, offs += ebytes) {
        const l = addA(lo, hi, offs);
        writeElem(cpu, size, l, carryHi, ((t + s) & 31) * 16 + e * ebytes);
      }
    }
  },

  /** LD1–LD4 / ST1–ST4 (single structure) and LDnR. rep: 0 = one lane, 1 = replicate to 64
   *  bits (upper half zeroed), 2 = replicate to 128 bits. */
  ldst_single(cpu: Cpu, L: number, selem: number, lg: number, rep: number, t: number, index: number, lo: number, hi: number): void {
    const ebytes = 1 << lg, V8 = cpu.V8;
    if (!L) {
      for (let s = 0; s < selem; s++) {
        const l = addA(lo, hi, s * ebytes);
        writeElem(cpu, lg, l, carryHi, ((t + s) & 31) * 16 + index * ebytes);
      }
      return;
    }
    for (let s = 0; s < selem; s++) {
      const l = addA(lo, hi, s * ebytes);
      readElem(cpu, lg, l, carryHi, s * 8);
    }
    for (let s = 0; s < selem; s++) {
      const r = (t + s) & 31, src = s * 8;
      if (!rep) {
        for (let k = 0; k < ebytes; k++) V8[r * 16 + index * ebytes + k] = S8[src + k];
        continue;
      }
      const bytes = rep === 2 ? 16 : 8;
      for (let k = 0; k < bytes; k++) V8[r * 16 + k] = S8[src + (k & (ebytes - 1))];
      if (rep === 1) zeroUpper(cpu, r);
    }
  },
};
