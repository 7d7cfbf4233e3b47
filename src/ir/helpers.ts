// Runtime helpers that generated code calls as H.name(cpu, ...args). i64 arguments arrive as
// (lo, hi) int32 pairs; an i64 result is returned as lo with the high word in cpu.hi.
// Pure arithmetic here is the part of an instruction's meaning too long to inline; helpers that
// need the machine (system registers, exceptions) go through cpu.env.
import type { Cpu } from '../cpu/state.js';
import { dpRegHelpers } from '../isa/groups/dp_reg_helpers.js';
import { ldstHelpers } from '../isa/groups/ldst_helpers.js';
import { branchHelpers } from '../isa/groups/branch_helpers.js';
import { systemHelpers } from '../isa/groups/system_helpers.js';
import { simdHelpers } from '../isa/groups/simd_helpers.js';

const TWO32 = 4294967296;

/** Unsigned high word of a 32×32 product. */
function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) | 0;
}

function umulh(cpu: Cpu, al: number, ah: number, bl: number, bh: number): number {
  const p0h = mulhu(al, bl) >>> 0;
  const p1l = Math.imul(al, bh) >>> 0, p1h = mulhu(al, bh) >>> 0;
  const p2l = Math.imul(ah, bl) >>> 0, p2h = mulhu(ah, bl) >>> 0;
  const p3l = Math.imul(ah, bh) >>> 0, p3h = mulhu(ah, bh) >>> 0;
  const mid = p0h + p1l + p2l;
  const w2 = p1h + p2h + p3l + Math.floor(mid / TWO32);
  cpu.hi = (p3h + Math.floor(w2 / TWO32)) | 0;
  return w2 | 0;
}

const big = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
function fromBig(cpu: Cpu, v: bigint): number {
  cpu.hi = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

/** An integer Number (|x| < 2^53) as lo, with the high word in cpu.hi. */
function splitNumber(cpu: Cpu, x: number): number {
  cpu.hi = Math.floor(x / TWO32) | 0;
  return x | 0;
}

function rbit32(a: number): number {
  a = ((a >>> 1) & 0x55555555) | ((a & 0x55555555) << 1);
  a = ((a >>> 2) & 0x33333333) | ((a & 0x33333333) << 2);
  a = ((a >>> 4) & 0x0f0f0f0f) | ((a & 0x0f0f0f0f) << 4);
  a = ((a >>> 8) & 0x00ff00ff) | ((a & 0x00ff00ff) << 8);
  return (a >>> 16) | (a << 16);
}
const bswap = (a: number) => ((a << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24));
const rev16 = (a: number) => (((a >>> 8) & 0x00ff00ff) | ((a & 0x00ff00ff) << 8));
const clz64 = (lo: number, hi: number) => (hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo));

// CRC tables for the CRC32 (0x04C11DB7, reflected 0xEDB88320) and CRC32C (0x1EDC6F41,
// reflected 0x82F63B78) polynomials that the Arm CRC32 instructions use.
function crcTable(poly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  return t;
}
const CRC32 = crcTable(0xedb88320), CRC32C = crcTable(0x82f63b78);
function crcBytes(t: Int32Array, acc: number, lo: number, hi: number, bytes: number): number {
  for (let i = 0; i < bytes; i++) {
    const b = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
    acc = t[(acc ^ b) & 0xff] ^ (acc >>> 8);
  }
  return acc | 0;
}

export const H = {
  mul_64(cpu: Cpu, al: number, ah: number, bl: number, bh: number): number {
    cpu.hi = (mulhu(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
    return Math.imul(al, bl);
  },
  umulh_64: umulh,
  smulh_64(cpu: Cpu, al: number, ah: number, bl: number, bh: number): number {
    // signed high = unsigned high − (a<0 ? b : 0) − (b<0 ? a : 0)  (mod 2^64)
    let lo = umulh(cpu, al, ah, bl, bh), hi = cpu.hi;
    if (ah < 0) { const l = (lo - bl) | 0; hi = (hi - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; lo = l; }
    if (bh < 0) { const l = (lo - al) | 0; hi = (hi - ah - ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; lo = l; }
    cpu.hi = hi;
    return lo;
  },
  udiv_64(cpu: Cpu, al: number, ah: number, bl: number, bh: number): number {
    if ((bl | bh) === 0) { cpu.hi = 0; return 0; }
    // Below 2^53 a Number quotient is exact after flooring (the rounding error of a/b is
    // smaller than the distance from a/b to the next integer).
    if (ah >>> 21 === 0 && bh >>> 21 === 0) return splitNumber(cpu, Math.floor(((ah >>> 0) * TWO32 + (al >>> 0)) / ((bh >>> 0) * TWO32 + (bl >>> 0))));
    return fromBig(cpu, big(al, ah) / big(bl, bh));
  },
  sdiv_64(cpu: Cpu, al: number, ah: number, bl: number, bh: number): number {
    if ((bl | bh) === 0) { cpu.hi = 0; return 0; }
    if ((ah >> 21 === 0 || ah >> 21 === -1) && (bh >> 21 === 0 || bh >> 21 === -1)) {
      return splitNumber(cpu, Math.trunc((ah * TWO32 + (al >>> 0)) / (bh * TWO32 + (bl >>> 0))));
    }
    return fromBig(cpu, BigInt.asIntN(64, big(al, ah)) / BigInt.asIntN(64, big(bl, bh)));
  },
  clz_64(cpu: Cpu, lo: number, hi: number): number { cpu.hi = 0; return clz64(lo, hi); },
  cls_32(_cpu: Cpu, a: number): number { return Math.clz32((a ^ (a << 1)) >>> 1) - 1; },
  cls_64(cpu: Cpu, lo: number, hi: number): number {
    // CLS(x) = CLZ over 63 bits of (x >> 1) XOR (x & ~top), i.e. clz64((x ^ (x << 1)) >>> 1) − 1
    const yl = lo ^ (lo << 1), yh = hi ^ ((hi << 1) | (lo >>> 31));
    cpu.hi = 0;
    return clz64((yl >>> 1) | (yh << 31), yh >>> 1) - 1;
  },
  rbit_32(_cpu: Cpu, a: number): number { return rbit32(a); },
  rbit_64(cpu: Cpu, lo: number, hi: number): number { cpu.hi = rbit32(lo); return rbit32(hi); },
  rev_32(_cpu: Cpu, a: number): number { return bswap(a); },
  rev_64(cpu: Cpu, lo: number, hi: number): number { cpu.hi = bswap(lo); return bswap(hi); },
  rev16_32(_cpu: Cpu, a: number): number { return rev16(a); },
  rev16_64(cpu: Cpu, lo: number, hi: number): number { cpu.hi = rev16(hi); return rev16(lo); },
  rev32_64(cpu: Cpu, lo: number, hi: number): number { cpu.hi = bswap(hi); return bswap(lo); },
  crc32(_cpu: Cpu, acc: number, lo: number, hi: number, bytes: number): number { return crcBytes(CRC32, acc, lo, hi, bytes); },
  crc32c(_cpu: Cpu, acc: number, lo: number, hi: number, bytes: number): number { return crcBytes(CRC32C, acc, lo, hi, bytes); },

  // ----- helpers that need the machine
  /** Exception-generating instructions and undefined encodings: return the next pc. */
  svc(cpu: Cpu, pc: number, imm: number): number { return cpu.env.svc(pc, imm); },
  hvc(cpu: Cpu, pc: number, imm: number): number { return cpu.env.hvc(pc, imm); },
  smc(cpu: Cpu, pc: number, imm: number): number { return cpu.env.smc(pc, imm); },
  brk(cpu: Cpu, pc: number, imm: number): number { return cpu.env.brk(pc, imm); },
  hlt(cpu: Cpu, pc: number, imm: number): number { return cpu.env.hlt(pc, imm); },
  udf(cpu: Cpu, pc: number): number { return cpu.env.undefinedInsn(pc); },
  /** MRS/MSR: `enc` is op0:op1:CRn:CRm:op2 (16 bits). */
  mrs(cpu: Cpu, enc: number, pc: number): number { return fromBig(cpu, cpu.env.readSysreg(enc, pc)); },
  msr(cpu: Cpu, enc: number, pc: number, lo: number, hi: number): void { cpu.env.writeSysreg(enc, big(lo, hi), pc); },
  /** Exclusive monitor: LDXR arms it, STXR stores only while it is armed for the same address. */
  exclMark(cpu: Cpu, lo: number, hi: number, size: number): void {
    // Signed, like pc values: exact for canonical addresses (an unsigned 0xffff… address
    // would round to 2 KiB and let a STXR to a nearby address pass).
    cpu.exclAddr = (hi | 0) * TWO32 + (lo >>> 0);
    cpu.exclSize = size;
  },
  // Size 0 never matches, so the -1 "disarmed" address cannot collide with a real one.
  clrex(cpu: Cpu): void { cpu.exclAddr = -1; cpu.exclSize = 0; },
  /** Returns 0 if the store happened, 1 if not (the STXR status). */
  stxr(cpu: Cpu, lo: number, hi: number, size: number, vlo: number, vhi: number, v2lo: number, v2hi: number): number {
    const addr = (hi | 0) * TWO32 + (lo >>> 0);
    const ok = cpu.exclAddr === addr && cpu.exclSize === size;
    cpu.exclAddr = -1; cpu.exclSize = 0;
    if (!ok) return 1;
    const m = cpu.mem;
    switch (size) {
      case 1: m.w8(lo, hi, vlo); break;
      case 2: m.w16(lo, hi, vlo); break;
      case 4: m.w32(lo, hi, vlo); break;
      case 8: m.w64(lo, hi, vlo, vhi); break;
      case 16: { // pair of doublewords; both halves written or neither (checked by the second write's page first)
        const l2 = (lo + 8) | 0, h2 = (hi + ((l2 >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
        m.r64(l2, h2);
        m.w64(lo, hi, vlo, vhi); m.w64(l2, h2, v2lo, v2hi);
        break;
      }
      case -16: { // pair of words (stxp w): v2lo holds the second word
        m.w32(lo, hi, vlo);
        const l2 = (lo + 4) | 0, h2 = (hi + ((l2 >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
        m.w32(l2, h2, v2lo);
        break;
      }
    }
    return 0;
  },
  /** DC ZVA: zero the naturally aligned 64-byte block. */
  dczva(cpu: Cpu, lo: number, hi: number): void { cpu.mem.zero64(lo & ~63, hi); },
  /** Barriers, IC/DC maintenance and hints that need the machine (ISB, IC IVAU, WFI…). */
  sys(cpu: Cpu, pc: number, op: number, lo: number, hi: number): void { cpu.env.sysOp(op, big(lo, hi), pc); },
  ...dpRegHelpers, ...ldstHelpers, ...branchHelpers, ...systemHelpers, ...simdHelpers,
};

export type Helpers = typeof H;
