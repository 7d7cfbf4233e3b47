// The test program: a static -nostdlib arm64 ELF holding N cases. Each case loads every register
// from its input block, sets NZCV (and FPCR/FPSR/V0–V31 for FP cases), runs the instruction
// under test, and stores every register, NZCV and the signal it raised (0 if none) to its output
// block. A signal handler on an alternate stack records SIGILL/SIGSEGV/SIGBUS/SIGTRAP/SIGFPE and
// resumes after the instruction, so one bad case does not end the batch. At the end one write(2)
// dumps all output blocks and the scratch windows of the memory cases; then exit_group(0).
import { A, SR, movImm64 } from './a64.js';
import { writeElf, PF_R, PF_W, PF_X } from './elf.js';
import type { Case } from './gen.js';

export const CODE_BASE = 0x400000;
export const DATA_BASE = 0x10000000;
const ALTSTACK_SIZE = 64 * 1024;
export const WINDOW = 256;

// Data segment header.
const SA_OFF = 0x00, SS_OFF = 0x20, LASTSIG_OFF = 0x40, HDR_SIZE = 0x100;
// aarch64 ucontext: uc_mcontext (struct sigcontext) at 176; its pc after fault_address, regs[31], sp.
export const UC_PC_OFF = 176 + 8 + 31 * 8 + 8;
const SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTORER = 0x04000000, SA_NODEFER = 0x40000000;
export const CAUGHT_SIGNALS = [4, 5, 7, 8, 11]; // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV

// Input block: X0..X30, SP, NZCV, FPCR, FPSR, pad, V0..V31.
const IN_SP = 248, IN_NZCV = 256, IN_FPCR = 264, IN_FPSR = 272, IN_V = 288;
// Output block: X0..X30, SP, NZCV, signal, FPCR, FPSR, V0..V31.
export const OUT_SP = 248, OUT_NZCV = 256, OUT_SIG = 264, OUT_FPCR = 272, OUT_FPSR = 280, OUT_V = 288;
const blockSize = (fp: boolean) => (fp ? 800 : 272);

export interface Placed {
  c: Case;
  insnAddr: number;
  inAddr: number;
  outOff: number;        // offset of the output block in the dump
  winOff?: number;       // offset of the scratch window in the dump
  winAddr?: number;
  base?: bigint;         // value given to the base register of a memory case
}

export interface Image {
  elf: Uint8Array;
  placed: Placed[];
  dumpAddr: number;
  dumpLen: number;
  lastSigAddr: number;
  /** Addresses of the instructions under test (a fault elsewhere is a harness failure). */
  testSites: Set<number>;
  svcSites: Set<number>;
  /** Every instruction word executed if nothing faults (bounds the run). */
  codeWords: number;
}

export interface ImageOpts {
  /** Emit CLREX before memory cases so no exclusive monitor state leaks between cases. */
  clrex: boolean;
  /** Random bytes for the scratch windows. */
  fill: (n: number) => Uint8Array;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function buildImage(cases: Case[], opts: ImageOpts): Image {
  // ---- data layout
  let inCur = DATA_BASE + HDR_SIZE;
  const inAddrs = cases.map((c) => { const a = inCur; inCur += blockSize(c.fp); return a; });
  const dumpAddr = align(inCur, 4096);
  let outCur = 0;
  const outOffs = cases.map((c) => { const o = outCur; outCur += blockSize(c.fp); return o; });
  outCur = align(outCur, WINDOW);
  const winOffs = cases.map((c) => { if (!c.mem) return undefined; const o = outCur; outCur += WINDOW; return o; });
  const dumpLen = outCur;
  const dataFileLen = dumpAddr - DATA_BASE + dumpLen;
  const altstack = align(DATA_BASE + dataFileLen, 16);
  const data = new Uint8Array(dataFileLen);
  const dv = new DataView(data.buffer);
  const d64 = (addr: number, v: bigint) => dv.setBigUint64(addr - DATA_BASE, BigInt.asUintN(64, v), true);
  const lastSigAddr = DATA_BASE + LASTSIG_OFF;

  // ---- code
  const code: number[] = [];
  const pcOf = () => CODE_BASE + code.length * 4;
  const emit = (...w: number[]) => { for (const x of w) code.push(x >>> 0); };
  const addrTo = (rd: number, target: number) => emit(A.adrp(rd, pcOf(), target), A.addImm(rd, rd, target & 0xfff));
  const svcSites = new Set<number>();
  const svc = () => { svcSites.add(pcOf()); emit(A.svc0); };

  // Signal handler (x0 = signo, x2 = ucontext): record the signal, resume after the faulting insn.
  const handler = pcOf();
  addrTo(3, lastSigAddr);
  emit(A.strX(0, 3, 0), A.ldrX(4, 2, UC_PC_OFF), A.addImm(4, 4, 4), A.strX(4, 2, UC_PC_OFF), A.ret);
  const restorer = pcOf();
  emit(A.movz(8, 139)); svc(); // rt_sigreturn

  const entry = pcOf();
  // sigaltstack(&ss, NULL)
  d64(DATA_BASE + SS_OFF, BigInt(altstack));
  d64(DATA_BASE + SS_OFF + 16, BigInt(ALTSTACK_SIZE));
  addrTo(0, DATA_BASE + SS_OFF);
  emit(A.movz(1, 0), A.movz(8, 132)); svc();
  // rt_sigaction(sig, &sa, NULL, 8) for every signal an instruction can raise
  d64(DATA_BASE + SA_OFF, BigInt(handler));
  d64(DATA_BASE + SA_OFF + 8, BigInt(SA_SIGINFO | SA_ONSTACK | SA_RESTORER | SA_NODEFER));
  d64(DATA_BASE + SA_OFF + 16, BigInt(restorer));
  for (const sig of CAUGHT_SIGNALS) {
    emit(A.movz(0, sig)); addrTo(1, DATA_BASE + SA_OFF);
    emit(A.movz(2, 0), A.movz(3, 8), A.movz(8, 134)); svc();
  }

  const testSites = new Set<number>();
  const placed: Placed[] = [];
  const fill = opts.fill(dumpLen);
  cases.forEach((c, i) => {
    const inA = inAddrs[i], outA = dumpAddr + outOffs[i];
    const p: Placed = { c, insnAddr: 0, inAddr: inA, outOff: outOffs[i] };
    // Input block.
    const x = c.x.slice();
    let sp = c.sp;
    if (c.mem) {
      const winAddr = dumpAddr + winOffs[i]!;
      p.winOff = winOffs[i]; p.winAddr = winAddr;
      data.set(fill.subarray(winOffs[i]!, winOffs[i]! + WINDOW), winAddr - DATA_BASE);
      if (c.mem.base >= 0) {
        const idx = c.mem.idx ? c.mem.idxVal! : 0n;
        if (c.mem.idx) x[c.mem.idx.reg] = idx;
        let base = BigInt(winAddr + c.mem.tOff) - c.mem.off(idx);
        if (c.mem.base === 31) base -= BigInt.asUintN(4, base); // SP-based: keep SP 16-byte aligned
        p.base = BigInt.asUintN(64, base);
        if (c.mem.base === 31) sp = p.base; else x[c.mem.base] = p.base;
      }
    }
    x.forEach((v, r) => d64(inA + 8 * r, v));
    d64(inA + IN_SP, sp);
    d64(inA + IN_NZCV, BigInt(c.nzcv >>> 0));
    if (c.fp) {
      d64(inA + IN_FPCR, BigInt(c.fpcr));
      d64(inA + IN_FPSR, BigInt(c.fpsr));
      data.set(c.v!, inA + IN_V - DATA_BASE);
    }
    // Code: load state.
    addrTo(30, inA);
    if (c.mem && opts.clrex) emit(A.clrex);
    emit(A.ldrX(0, 30, IN_NZCV), A.msr(SR.NZCV, 0), A.ldrX(0, 30, IN_SP), A.movToSp(0));
    if (c.fp) {
      emit(A.ldrX(0, 30, IN_FPCR), A.msr(SR.FPCR, 0), A.ldrX(0, 30, IN_FPSR), A.msr(SR.FPSR, 0), A.addImm(0, 30, IN_V));
      for (let q = 0; q < 32; q += 2) emit(A.ldpQ(q, q + 1, 0, q * 16));
    }
    for (let r = 0; r < 30; r += 2) emit(A.ldpX(r, r + 1, 30, r * 8));
    emit(A.ldrX(30, 30, 240));
    // The instruction under test.
    p.insnAddr = pcOf();
    for (const w of [c.insn, ...(c.seq ?? []).map((t) => t.insn)]) { testSites.add(pcOf()); emit(w); }
    // Store state: X0 goes through TPIDR_EL0 to free a base register.
    emit(A.msr(SR.TPIDR_EL0, 0));
    addrTo(0, outA);
    for (let r = 1; r < 31; r += 2) emit(A.stpX(r, r + 1, 0, r * 8));
    emit(A.mrs(1, SR.TPIDR_EL0), A.strX(1, 0, 0), A.movFromSp(1), A.strX(1, 0, OUT_SP), A.mrs(1, SR.NZCV), A.strX(1, 0, OUT_NZCV));
    addrTo(2, lastSigAddr);
    emit(A.ldrX(1, 2, 0), A.strX(1, 0, OUT_SIG), A.strX(31, 2, 0));
    if (c.fp) {
      emit(A.mrs(1, SR.FPCR), A.strX(1, 0, OUT_FPCR), A.mrs(1, SR.FPSR), A.strX(1, 0, OUT_FPSR), A.addImm(0, 0, OUT_V));
      for (let q = 0; q < 32; q += 2) emit(A.stpQ(q, q + 1, 0, q * 16));
    }
    placed.push(p);
  });

  // write(1, dump, len); exit_group(0)
  emit(A.movz(0, 1)); addrTo(1, dumpAddr); emit(...movImm64(2, BigInt(dumpLen)), A.movz(8, 64)); svc();
  emit(A.movz(0, 0), A.movz(8, 94)); svc();

  const codeBytes = new Uint8Array(code.length * 4);
  const cdv = new DataView(codeBytes.buffer);
  code.forEach((w, i) => cdv.setUint32(4 * i, w, true));
  const elf = writeElf(entry, [
    { vaddr: CODE_BASE, data: codeBytes, memsz: codeBytes.length, flags: PF_R | PF_X },
    { vaddr: DATA_BASE, data, memsz: altstack - DATA_BASE + ALTSTACK_SIZE, flags: PF_R | PF_W },
  ]);
  return { elf, placed, dumpAddr, dumpLen, lastSigAddr, testSites, svcSites, codeWords: code.length };
}

/** The state after one case, read from the dump. */
export interface CaseResult {
  x: bigint[]; sp: bigint; nzcv: number; sig: number;
  fpcr?: number; fpsr?: number; v?: Uint8Array; win?: Uint8Array;
}

export function parseDump(img: Image, dump: Uint8Array, i: number): CaseResult {
  const p = img.placed[i];
  const dv = new DataView(dump.buffer, dump.byteOffset, dump.byteLength);
  const o = p.outOff;
  const q = (k: number) => dv.getBigUint64(o + k, true);
  const r: CaseResult = {
    x: Array.from({ length: 31 }, (_, k) => q(8 * k)),
    sp: q(OUT_SP), nzcv: Number(q(OUT_NZCV)), sig: Number(q(OUT_SIG)),
  };
  if (p.c.fp) {
    r.fpcr = Number(q(OUT_FPCR)); r.fpsr = Number(q(OUT_FPSR));
    r.v = dump.subarray(o + OUT_V, o + OUT_V + 512);
  }
  if (p.winOff !== undefined) r.win = dump.subarray(p.winOff, p.winOff + WINDOW);
  return r;
}
