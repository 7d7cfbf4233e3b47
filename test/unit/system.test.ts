// System group: execution in the interpreter (flat memory, fake environment that records every
// call) and disassembly. Expected behaviour from the Arm ARM; FPCR/FPSR writable masks from
// qemu-aarch64 -cpu cortex-a72; expected text captured from GNU objdump 2.40 (see OBJDUMP below).
import { describe, it, expect } from 'vitest';
import { Cpu, UndefinedInstruction, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';
import { SYSREG, SYSOP, sysregEnc, sysregName, sysregByName, sysOpName, isIdSysreg, linuxEl0SysOp } from '../../src/isa/groups/system.js';

const flat: Translator = { translate: (vpn) => vpn * 4096 };
const UDF = 0x00000000;
const NOP = 0xd503201f;

type Call = [string, ...unknown[]];
function machine(code: number[], sysregs: Map<number, bigint> = new Map()) {
  const mem = new Memory(1 << 20, flat);
  const cpu = new Cpu(mem);
  const log: Call[] = [];
  const exc = (name: string) => (pc: number, imm: number) => { log.push([name, pc, imm]); return pc + 4; };
  const env: ExecEnv = {
    svc: exc('svc'), hvc: exc('hvc'), smc: exc('smc'), brk: exc('brk'), hlt: exc('hlt'),
    undefinedInsn: (pc) => { log.push(['undef', pc]); throw new StopRun('halt'); },
    fault: (f, pc) => { log.push(['fault', pc, f.kind]); throw new StopRun('halt'); },
    readSysreg: (enc, pc) => {
      log.push(['read', enc, pc]);
      const v = sysregs.get(enc);
      if (v === undefined) throw new UndefinedInstruction();
      return v;
    },
    writeSysreg: (enc, v, pc) => {
      log.push(['write', enc, v, pc]);
      if (!sysregs.has(enc)) throw new UndefinedInstruction();
      sysregs.set(enc, v);
    },
    sysOp: (op, v, pc) => {
      log.push(['sysop', op, v, pc]);
      if (op === sysregEnc(1, 0, 7, 5, 0)) throw new UndefinedInstruction(); // IC IALLU: EL1 only
    },
  };
  cpu.env = env;
  code.forEach((w, i) => mem.dv.setUint32(0x1000 + 4 * i, w >>> 0, true));
  cpu.pc = 0x1000;
  const interp = new Interpreter(cpu, getDecoder());
  /** Runs until an undefined instruction stops it; returns the pc it stopped at. */
  const run = (budget = 1000): number => {
    try { interp.run(budget); } catch (e) { if (!(e instanceof StopRun)) throw e; }
    return cpu.pc;
  };
  return { cpu, mem, log, run };
}

describe('exception generation', () => {
  it('svc calls the environment with pc and imm, and continues where it says', () => {
    const m = machine([0xd4024681 /* svc #0x1234 */, UDF]);
    expect(m.run()).toBe(0x1004);
    expect(m.log).toEqual([['svc', 0x1000, 0x1234], ['undef', 0x1004]]);
    // the environment picks the next pc
    const m2 = machine([0xd4000001, UDF, UDF]);
    m2.cpu.env.svc = (pc) => pc + 8;
    expect(m2.run()).toBe(0x1008);
  });

  it('hvc, smc, brk, hlt call their environment methods with imm16', () => {
    const m = machine([0xd4000002 /* hvc #0 */, 0xd41fffe3 /* smc #0xffff */, 0xd4207d00 /* brk #0x3e8 */, 0xd45e0000 /* hlt #0xf000 */, UDF]);
    expect(m.run()).toBe(0x1010);
    expect(m.log.slice(0, 4)).toEqual([['hvc', 0x1000, 0], ['smc', 0x1004, 0xffff], ['brk', 0x1008, 0x3e8], ['hlt', 0x100c, 0xf000]]);
  });

  it('udf, dcps1..3, sysl and unallocated exception encodings are undefined', () => {
    for (const w of [0x00000000, 0x0000abcd, 0xd4a00001, 0xd4a00062, 0xd4a00003, 0xd5292389, 0xd4000000, 0xd4000005, 0xd4600000]) {
      const m = machine([w]);
      expect([w, m.run()]).toEqual([w, 0x1000]);
      expect(m.log).toEqual([['undef', 0x1000]]);
    }
  });
});

describe('hints, barriers, clrex', () => {
  it('every hint but WFE/WFI executes as nop, without calling the environment', () => {
    for (let n = 0; n < 128; n++) {
      if (n === 2 || n === 3) continue;
      const m = machine([(0xd503201f | (n << 5)) >>> 0, UDF]);
      expect([n, m.run()]).toEqual([n, 0x1004]);
      expect(m.log).toEqual([['undef', 0x1004]]);
    }
  });

  it('wfe and wfi go to the environment (sysOp) and continue', () => {
    const m = machine([0xd503205f, 0xd503207f, UDF]);
    expect(m.run()).toBe(0x1008);
    expect(m.log.slice(0, 2)).toEqual([['sysop', SYSOP.WFE, 0n, 0x1000], ['sysop', SYSOP.WFI, 0n, 0x1004]]);
  });

  it('dmb/dsb with any option are no-ops; isb calls sysOp with its option', () => {
    const dmbs = [...Array(16).keys()].map((crm) => (0xd50330bf | (crm << 8)) >>> 0);
    const dsbs = [...Array(16).keys()].map((crm) => (0xd503309f | (crm << 8)) >>> 0);
    const m = machine([...dmbs, ...dsbs, 0xd5033fdf /* isb */, 0xd50331df /* isb #1 */, UDF]);
    expect(m.run()).toBe(0x1000 + 4 * 34);
    expect(m.log).toEqual([['sysop', SYSOP.ISB, 15n, 0x1000 + 4 * 32], ['sysop', SYSOP.ISB, 1n, 0x1000 + 4 * 33], ['undef', 0x1000 + 4 * 34]]);
  });

  it('clrex disarms the exclusive monitor', () => {
    const m = machine([0xd5033f5f, UDF]);
    m.cpu.exclAddr = 0x2000;
    m.cpu.exclSize = 8;
    expect(m.run()).toBe(0x1004);
    expect(m.cpu.exclAddr).toBe(-1);
  });

  it('barrier-space encodings of later extensions (sb, dsb nXS, tcommit) are undefined', () => {
    for (const w of [0xd50330ff /* sb */, 0xd503323f /* dsb oshnxs */, 0xd503307f /* tcommit */, 0xd503301f, 0xd503201e /* hint with Rt != 31 */]) {
      const m = machine([w]);
      expect([w, m.run()]).toEqual([w, 0x1000]);
      expect(m.log).toEqual([['undef', 0x1000]]);
    }
  });
});

describe('msr (immediate)', () => {
  it('daifset/daifclr/spsel go to the environment with their immediate', () => {
    const m = machine([0xd50342df /* msr daifset, #2 */, 0xd5034fff /* msr daifclr, #0xf */, 0xd50041bf /* msr spsel, #1 */, UDF]);
    expect(m.run()).toBe(0x100c);
    expect(m.log.slice(0, 3)).toEqual([
      ['sysop', SYSOP.MSR_DAIFSET, 2n, 0x1000], ['sysop', SYSOP.MSR_DAIFCLR, 15n, 0x1004], ['sysop', SYSOP.MSR_SPSEL, 1n, 0x1008],
    ]);
  });

  it('the environment may refuse (EL0): undefined instruction at that pc, nothing else changes', () => {
    const m = machine([NOP, 0xd50342df, UDF]);
    m.cpu.env.sysOp = () => { throw new UndefinedInstruction(); };
    expect(m.run()).toBe(0x1004);
    expect(m.log).toEqual([['undef', 0x1004]]);
  });

  it('PAN, UAO, SSBS, DIT, TCO, CFINV (later than Armv8.0) are undefined', () => {
    for (const w of [0xd500419f /* msr pan, #1 */, 0xd500417f /* msr uao, #1 */, 0xd503413f /* ssbs */, 0xd503415f /* dit */, 0xd503409f /* tco */, 0xd500401f /* cfinv */]) {
      const m = machine([w]);
      expect([w, m.run()]).toEqual([w, 0x1000]);
      expect(m.log).toEqual([['undef', 0x1000]]);
    }
  });
});

describe('mrs/msr (register)', () => {
  it('NZCV round trip: msr nzcv sets the flags from bits 31..28, mrs reads them back', () => {
    // msr nzcv, x1 ; mrs x2, nzcv ; udf
    const m = machine([0xd51b4201, 0xd53b4202, UDF]);
    m.cpu.setX(1, 0xffff_ffff_afff_ffffn); // N=1 Z=0 C=1 V=0, other bits ignored
    m.cpu.setX(2, -1n & 0xffff_ffff_ffff_ffffn);
    expect(m.run()).toBe(0x1008);
    expect(m.cpu.nzcv >>> 0).toBe(0xa0000000);
    expect(m.cpu.getX(2)).toBe(0xa0000000n);
    for (let f = 0; f < 16; f++) {
      const m2 = machine([0xd51b4201, 0xd53b4202, UDF]);
      m2.cpu.setX(1, BigInt(f) << 28n);
      m2.run();
      expect(m2.cpu.getX(2)).toBe(BigInt(f) << 28n);
      expect(m2.log).toEqual([['undef', 0x1008]]); // never reaches the environment
    }
  });

  it('msr nzcv, xzr clears the flags', () => {
    const m = machine([0xd51b421f, UDF]);
    m.cpu.nzcv = 0xf0000000 | 0;
    m.run();
    expect(m.cpu.nzcv).toBe(0);
  });

  it('TPIDR_EL0 round trip, in the CPU and without the environment', () => {
    // msr tpidr_el0, x1 ; mrs x0, tpidr_el0 ; udf
    const m = machine([0xd51bd041, 0xd53bd040, UDF]);
    m.cpu.setX(1, 0x1234_5678_9abc_def0n);
    expect(m.run()).toBe(0x1008);
    expect(m.cpu.getX(0)).toBe(0x1234_5678_9abc_def0n);
    expect(m.cpu.tpidr_el0).toBe(0x1234_5678_9abc_def0n);
    expect(m.log).toEqual([['undef', 0x1008]]);
    // the environment (e.g. clone with CLONE_SETTLS) sets it through the Cpu accessor
    const m2 = machine([0xd53bd040, UDF]);
    m2.cpu.tpidr_el0 = 0xffff_0000_0000_0001n;
    m2.run();
    expect(m2.cpu.getX(0)).toBe(0xffff_0000_0000_0001n);
  });

  it('FPCR and FPSR keep only their writable bits (as qemu-aarch64 -cpu cortex-a72)', () => {
    // msr fpcr, x1 ; mrs x2, fpcr ; msr fpsr, x1 ; mrs x3, fpsr ; udf
    const m = machine([0xd51b4401, 0xd53b4402, 0xd51b4421, 0xd53b4423, UDF]);
    m.cpu.setX(1, 0xffff_ffff_ffff_ffffn);
    expect(m.run()).toBe(0x1010);
    expect(m.cpu.getX(2)).toBe(0x07f70000n);
    expect(m.cpu.getX(3)).toBe(0xf800009fn);
    expect(m.cpu.fpcr).toBe(0x07f70000);
    expect(m.cpu.fpsr >>> 0).toBe(0xf800009f);
    expect(m.log).toEqual([['undef', 0x1010]]);
  });

  it('other registers are read and written through the environment with enc and pc', () => {
    const regs = new Map<number, bigint>([[SYSREG.CTR_EL0, 0x8444c004n], [SYSREG.CNTVCT_EL0, 0x1_0000_0002n], [sysregEnc(3, 3, 15, 15, 7), 0n]]);
    // mrs x6, ctr_el0 ; mrs x8, cntvct_el0 ; msr s3_3_c15_c15_7, x6 ; udf
    const m = machine([0xd53b0026, 0xd53be048, 0xd51bffe6, UDF], regs);
    expect(m.run()).toBe(0x100c);
    expect(m.cpu.getX(6)).toBe(0x8444c004n);
    expect(m.cpu.getX(8)).toBe(0x1_0000_0002n);
    expect(m.log).toEqual([
      ['read', SYSREG.CTR_EL0, 0x1000], ['read', SYSREG.CNTVCT_EL0, 0x1004],
      ['write', sysregEnc(3, 3, 15, 15, 7), 0x8444c004n, 0x1008], ['undef', 0x100c],
    ]);
  });

  it('a register the environment refuses is an undefined instruction; the destination is untouched', () => {
    const m = machine([0xd538100d /* mrs x13, sctlr_el1 */]);
    m.cpu.setX(13, 77n);
    expect(m.run()).toBe(0x1000);
    expect(m.log).toEqual([['read', sysregEnc(3, 0, 1, 0, 0), 0x1000], ['undef', 0x1000]]);
    expect(m.cpu.getX(13)).toBe(77n);
  });

  it('mrs into xzr still asks the environment (it may refuse) and discards the value', () => {
    const m = machine([0xd53b003f /* mrs xzr, ctr_el0 */, UDF], new Map([[SYSREG.CTR_EL0, 5n]]));
    m.cpu.sp = 0x8000n;
    expect(m.run()).toBe(0x1004);
    expect(m.log[0]).toEqual(['read', SYSREG.CTR_EL0, 0x1000]);
    expect(m.cpu.sp).toBe(0x8000n);
  });
});

describe('sys', () => {
  it('dc zva zeroes the aligned 64-byte block holding the address', () => {
    const m = machine([0xd50b7420 /* dc zva, x0 */, UDF]);
    m.mem.u8.fill(0xff, 0x8000, 0x8100);
    m.cpu.setX(0, 0x8047n);
    expect(m.run()).toBe(0x1004);
    expect([...m.mem.u8.subarray(0x8040, 0x8080)].every((x) => x === 0)).toBe(true);
    expect(m.mem.u8[0x803f]).toBe(0xff);
    expect(m.mem.u8[0x8080]).toBe(0xff);
    expect(m.log).toEqual([['undef', 0x1004]]);
  });

  it('dc civac/cvac/cvau and ic ivau go to sysOp with their operation and Xt', () => {
    // dc civac, x1 ; dc cvac, x2 ; dc cvau, x3 ; ic ivau, x4 ; tlbi vmalle1is ; udf
    const m = machine([0xd50b7e21, 0xd50b7a22, 0xd50b7b23, 0xd50b7524, 0xd508831f, UDF]);
    for (let r = 1; r <= 4; r++) m.cpu.setX(r, BigInt(0x9000 + r));
    expect(m.run()).toBe(0x1014);
    expect(m.log).toEqual([
      ['sysop', SYSOP.DC_CIVAC, 0x9001n, 0x1000], ['sysop', SYSOP.DC_CVAC, 0x9002n, 0x1004],
      ['sysop', SYSOP.DC_CVAU, 0x9003n, 0x1008], ['sysop', SYSOP.IC_IVAU, 0x9004n, 0x100c],
      ['sysop', sysregEnc(1, 0, 8, 3, 0), 0n, 0x1010], ['undef', 0x1014],
    ]);
  });

  it('a SYS operation the environment refuses (ic iallu at EL0) is an undefined instruction', () => {
    const m = machine([0xd508751f]);
    expect(m.run()).toBe(0x1000);
    expect(m.log).toEqual([['sysop', SYSOP.IC_IALLU, 0n, 0x1000], ['undef', 0x1000]]);
  });
});

describe('system register names and constants', () => {
  it('SYSREG constants are the encodings objdump names them by', () => {
    for (const [k, enc] of Object.entries(SYSREG)) expect([k, sysregName(enc)]).toEqual([k, k.toLowerCase()]);
    expect(sysregByName('tpidr_el0')).toBe(SYSREG.TPIDR_EL0);
    expect(sysregByName('no_such_reg')).toBeUndefined();
    expect(SYSREG.TPIDR_EL0).toBe(0xde82);
    expect(SYSREG.NZCV).toBe(0xda10);
    expect(isIdSysreg(SYSREG.ID_AA64ISAR0_EL1) && isIdSysreg(SYSREG.MIDR_EL1)).toBe(true);
    expect(isIdSysreg(SYSREG.CTR_EL0)).toBe(false);
  });

  it('linuxEl0SysOp allows the cache maintenance, WFE and ISB that Linux lets EL0 run', () => {
    for (const op of [SYSOP.DC_CVAC, SYSOP.DC_CVAU, SYSOP.DC_CIVAC, SYSOP.IC_IVAU, SYSOP.WFE, SYSOP.ISB]) expect(linuxEl0SysOp(op)).toBe(true);
    for (const op of [SYSOP.WFI, SYSOP.IC_IALLU, SYSOP.IC_IALLUIS, SYSOP.DC_IVAC, SYSOP.MSR_DAIFSET, SYSOP.MSR_DAIFCLR, SYSOP.MSR_SPSEL, sysregEnc(1, 0, 8, 3, 0)]) {
      expect(linuxEl0SysOp(op)).toBe(false);
    }
  });

  it('SYSOP constants name the operations objdump prints', () => {
    expect(sysOpName(SYSOP.DC_ZVA)).toBe('dc zva');
    expect(sysOpName(SYSOP.DC_CIVAC)).toBe('dc civac');
    expect(sysOpName(SYSOP.DC_CVAC)).toBe('dc cvac');
    expect(sysOpName(SYSOP.DC_CVAU)).toBe('dc cvau');
    expect(sysOpName(SYSOP.IC_IVAU)).toBe('ic ivau');
    expect(sysOpName(SYSOP.IC_IALLU)).toBe('ic iallu');
    expect(sysOpName(SYSOP.IC_IALLUIS)).toBe('ic ialluis');
  });
});

describe('system disassembly', () => {
  // Captured from `aarch64-linux-gnu-objdump -d` (GNU Binutils 2.40) on the assembled instructions.
  const OBJDUMP: [number, string][] = [
  [0xd4000001, 'svc\t#0x0'],
  [0xd4024681, 'svc\t#0x1234'],
  [0xd4000002, 'hvc\t#0x0'],
  [0xd41fffe3, 'smc\t#0xffff'],
  [0xd4207d00, 'brk\t#0x3e8'],
  [0xd45e0000, 'hlt\t#0xf000'],
  [0xd4a00001, 'dcps1'],
  [0xd4a00043, 'dcps3\t#0x2'],
  [0x00000000, 'udf\t#0'],
  [0x0000ffff, 'udf\t#65535'],
  [0xd503201f, 'nop'],
  [0xd503203f, 'yield'],
  [0xd503205f, 'wfe'],
  [0xd503207f, 'wfi'],
  [0xd503209f, 'sev'],
  [0xd50320bf, 'sevl'],
  [0xd50320df, 'hint\t#0x6'],
  [0xd503233f, 'paciasp'],
  [0xd503245f, 'bti\tc'],
  [0xd5032fff, 'hint\t#0x7f'],
  [0xd5033fdf, 'isb'],
  [0xd50331df, 'isb\t#0x1'],
  [0xd5033bbf, 'dmb\tish'],
  [0xd50339bf, 'dmb\tishld'],
  [0xd50330bf, 'dmb\t#0x00'],
  [0xd5033f9f, 'dsb\tsy'],
  [0xd5033a9f, 'dsb\tishst'],
  [0xd503309f, 'ssbb'],
  [0xd503349f, 'pssbb'],
  [0xd5033f5f, 'clrex'],
  [0xd503335f, 'clrex\t#0x3'],
  [0xd50041bf, 'msr\tspsel, #0x1'],
  [0xd50342df, 'msr\tdaifset, #0x2'],
  [0xd5034fff, 'msr\tdaifclr, #0xf'],
  [0xd53bd040, 'mrs\tx0, tpidr_el0'],
  [0xd51bd041, 'msr\ttpidr_el0, x1'],
  [0xd53bd062, 'mrs\tx2, tpidrro_el0'],
  [0xd53b4203, 'mrs\tx3, nzcv'],
  [0xd51b421f, 'msr\tnzcv, xzr'],
  [0xd53b4404, 'mrs\tx4, fpcr'],
  [0xd51b4425, 'msr\tfpsr, x5'],
  [0xd53b0026, 'mrs\tx6, ctr_el0'],
  [0xd53b00e7, 'mrs\tx7, dczid_el0'],
  [0xd53be048, 'mrs\tx8, cntvct_el0'],
  [0xd53be009, 'mrs\tx9, cntfrq_el0'],
  [0xd538000a, 'mrs\tx10, midr_el1'],
  [0xd53800ab, 'mrs\tx11, mpidr_el1'],
  [0xd538060c, 'mrs\tx12, id_aa64isar0_el1'],
  [0xd538100d, 'mrs\tx13, sctlr_el1'],
  [0xd518100d, 'msr\tsctlr_el1, x13'],
  [0xd53bf04e, 'mrs\tx14, s3_3_c15_c0_2'],
  [0xd51fffef, 'msr\ts3_7_c15_c15_7, x15'],
  [0xd53b4230, 'mrs\tx16, daif'],
  [0xd51b4230, 'msr\tdaif, x16'],
  [0xd538425f, 'mrs\txzr, currentel'],
  [0xd50b7420, 'dc\tzva, x0'],
  [0xd50b7e21, 'dc\tcivac, x1'],
  [0xd50b7a22, 'dc\tcvac, x2'],
  [0xd50b7b23, 'dc\tcvau, x3'],
  [0xd50b7524, 'ic\tivau, x4'],
  [0xd508751f, 'ic\tiallu'],
  [0xd508711f, 'ic\tialluis'],
  [0xd508831f, 'tlbi\tvmalle1is'],
  [0xd5088725, 'tlbi\tvae1, x5'],
  [0xd5087806, 'at\ts1e1r, x6'],
  [0xd508127f, 'sys\t#0, C1, C2, #3'],
  [0xd50fffe8, 'sys\t#7, C15, C15, #7, x8'],
  [0xd5292389, 'sysl\tx9, #1, C2, C3, #4'],
  ];

  it('matches objdump', () => {
    const d = getDecoder();
    for (const [w, text] of OBJDUMP) expect([w, d.disasm(w, 0)]).toEqual([w, text]);
  });

  it('names every system register objdump names, and dbgdtrtx_el0 only for msr', () => {
    const d = getDecoder();
    // objdump 2.40: "mrs x0, dbgdtrrx_el0" / "msr dbgdtrtx_el0, x0" share op0=2 op1=3 CRn=0 CRm=5 op2=0
    expect(d.disasm(0xd5330500, 0)).toBe('mrs\tx0, dbgdtrrx_el0');
    expect(d.disasm(0xd5130500, 0)).toBe('msr\tdbgdtrtx_el0, x0');
    // objdump 2.40: "mrs x0, s2_0_c0_c0_0"
    expect(d.disasm(0xd5300000, 0)).toBe('mrs\tx0, s2_0_c0_c0_0');
  });
});
