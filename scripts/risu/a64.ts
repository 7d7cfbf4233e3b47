// Encoders for the few A64 instructions the harness itself needs (written from the Arm ARM
// encodings; checked against aarch64-linux-gnu-objdump by test/diff/risu.test.ts). The harness
// emits machine code directly, so no assembler is needed at test time.

const u = (x: number) => x >>> 0;
function check(ok: boolean, what: string): void { if (!ok) throw new Error(`a64: ${what}`); }

/** System register numbers as op0:op1:CRn:CRm:op2 (bits 20..5 of MRS/MSR). */
const sysreg = (op0: number, op1: number, crn: number, crm: number, op2: number) =>
  ((op0 & 1) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
export const SR = {
  NZCV: sysreg(3, 3, 4, 2, 0),
  FPCR: sysreg(3, 3, 4, 4, 0),
  FPSR: sysreg(3, 3, 4, 4, 1),
  TPIDR_EL0: sysreg(3, 3, 13, 0, 2),
} as const;

export const A = {
  /** ADRP Xd, page of `target` (as seen from `pc`). */
  adrp(rd: number, pc: number, target: number): number {
    const delta = Math.floor(target / 4096) - Math.floor(pc / 4096);
    check(delta >= -(1 << 20) && delta < 1 << 20, 'adrp out of range');
    const imm = delta & 0x1fffff;
    return u(0x90000000 | ((imm & 3) << 29) | ((imm >>> 2) << 5) | rd);
  },
  /** ADD Xd|SP, Xn|SP, #imm12 */
  addImm(rd: number, rn: number, imm12: number): number {
    check(imm12 >= 0 && imm12 < 4096, 'add imm');
    return u(0x91000000 | (imm12 << 10) | (rn << 5) | rd);
  },
  /** LDR/STR Xt, [Xn|SP, #off] (unsigned offset, multiple of 8). */
  ldrX(rt: number, rn: number, off: number): number { return u(0xf9400000 | (scaled(off, 8, 4095) << 10) | (rn << 5) | rt); },
  strX(rt: number, rn: number, off: number): number { return u(0xf9000000 | (scaled(off, 8, 4095) << 10) | (rn << 5) | rt); },
  /** LDP/STP Xt1, Xt2, [Xn|SP, #off] (signed offset, multiple of 8). */
  ldpX(rt: number, rt2: number, rn: number, off: number): number { return u(0xa9400000 | (simm7(off, 8) << 15) | (rt2 << 10) | (rn << 5) | rt); },
  stpX(rt: number, rt2: number, rn: number, off: number): number { return u(0xa9000000 | (simm7(off, 8) << 15) | (rt2 << 10) | (rn << 5) | rt); },
  /** LDP/STP Qt1, Qt2, [Xn|SP, #off] (signed offset, multiple of 16). */
  ldpQ(rt: number, rt2: number, rn: number, off: number): number { return u(0xad400000 | (simm7(off, 16) << 15) | (rt2 << 10) | (rn << 5) | rt); },
  stpQ(rt: number, rt2: number, rn: number, off: number): number { return u(0xad000000 | (simm7(off, 16) << 15) | (rt2 << 10) | (rn << 5) | rt); },
  /** MOVZ/MOVK Xd, #imm16, LSL #(16*hw) */
  movz(rd: number, imm16: number, hw = 0): number { return u(0xd2800000 | (hw << 21) | ((imm16 & 0xffff) << 5) | rd); },
  movk(rd: number, imm16: number, hw = 0): number { return u(0xf2800000 | (hw << 21) | ((imm16 & 0xffff) << 5) | rd); },
  mrs(rt: number, sr: number): number { return u(0xd5300000 | (sr << 5) | rt); },
  msr(sr: number, rt: number): number { return u(0xd5100000 | (sr << 5) | rt); },
  /** MOV SP, Xn / MOV Xd, SP (ADD #0). */
  movToSp(rn: number): number { return A.addImm(31, rn, 0); },
  movFromSp(rd: number): number { return A.addImm(rd, 31, 0); },
  svc0: 0xd4000001,
  ret: 0xd65f03c0,
  clrex: 0xd5033f5f,
  nop: 0xd503201f,
};

function scaled(off: number, scale: number, max: number): number {
  check(off % scale === 0 && off >= 0 && off / scale <= max, `offset ${off} not encodable`);
  return off / scale;
}
function simm7(off: number, scale: number): number {
  check(off % scale === 0 && off / scale >= -64 && off / scale <= 63, `pair offset ${off} not encodable`);
  return (off / scale) & 0x7f;
}

/** Loads a 64-bit constant into Xd with MOVZ + MOVKs (always 4 words, so code size is fixed). */
export function movImm64(rd: number, v: bigint): number[] {
  const w = [0, 1, 2, 3].map((k) => Number((v >> BigInt(16 * k)) & 0xffffn));
  return [A.movz(rd, w[0], 0), A.movk(rd, w[1], 1), A.movk(rd, w[2], 2), A.movk(rd, w[3], 3)];
}
