// A small hypervisor core with VMs made from hand-assembled guest code, for the isolation tests:
// the host side here is the test itself, using only the core's public API and capabilities.
import { KCore, type Isolation, type MmioExit, type RunExit } from '../../hypervisor/core/core.js';
import { GenericTimer } from '../../devices/timer.js';
import { IcountClock, PI4_CNTFRQ } from '../../devices/timesource.js';
import { EXIT_MAGIC } from '../../src/sys/psci.js';
import { generateSigningKeys, signImage } from '../../hypervisor/core/image-verify.js';

export const PAGE = 4096;
export const KEYS = generateSigningKeys();
/** The VM's device window (an IPA beyond its RAM). */
export const MMIO_IPA = 0x1000_0000;

// ----- a tiny assembler (encodings from the Arm ARM, A64 base instructions)
export const A = {
  movz: (rd: number, imm: number, hw = 0) => (0xd2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0,
  movk: (rd: number, imm: number, hw: number) => (0xf2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0,
  /** mov xd, #value (64-bit, four halfwords). */
  mov: (rd: number, v: bigint | number): number[] => {
    const b = BigInt.asUintN(64, BigInt(v));
    return [A.movz(rd, Number(b & 0xffffn)), ...[1, 2, 3].map((hw) => A.movk(rd, Number((b >> BigInt(16 * hw)) & 0xffffn), hw))];
  },
  hvc: 0xd4000002,
  /** str x{rt}, [x{rn}] */
  str: (rt: number, rn: number) => (0xf9000000 | (rn << 5) | rt) >>> 0,
  /** ldr x{rt}, [x{rn}] */
  ldr: (rt: number, rn: number) => (0xf9400000 | (rn << 5) | rt) >>> 0,
  /** ldr w{rt}, [x{rn}] */
  ldrw: (rt: number, rn: number) => (0xb9400000 | (rn << 5) | rt) >>> 0,
  mrsEsr: (rt: number) => (0xd5385200 | rt) >>> 0,
  mrsFar: (rt: number) => (0xd5386000 | rt) >>> 0,
  msrVbar: (rt: number) => (0xd518c000 | rt) >>> 0,
  b: (words: number) => (0x14000000 | (words & 0x3ffffff)) >>> 0,
};

/** Guest code that powers off with `status` (PSCI SYSTEM_OFF, the test exit convention). */
export const powerOff = (status: number): number[] => [...A.mov(0, 0x84000008), ...A.mov(1, status), ...A.mov(2, EXIT_MAGIC), A.hvc];
/** Hypercall x0 = fn, x1, x2; then the result (x0) is reported as an MMIO write (x9 = MMIO_IPA). */
export const call = (fn: number, x1: bigint | number = 0, x2: bigint | number = 0): number[] =>
  [...A.mov(0, fn), ...A.mov(1, x1), ...A.mov(2, x2), A.hvc, A.str(0, 9)];
/** Prologue: x9 = the MMIO window; VBAR_EL1 = 0x800, where `reportFault` code should sit. */
export const prologue = (): number[] => [...A.mov(9, MMIO_IPA), ...A.mov(1, 0x800), A.msrVbar(1)];
/** An exception handler that reports ESR_EL1 and FAR_EL1 and powers off with status 99. */
export const reportFault = (): number[] => [A.mrsEsr(0), A.str(0, 9), A.mrsFar(0), A.str(0, 9), ...powerOff(99)];

export interface Fixture {
  core: KCore;
  exits: MmioExit[];
  timer: GenericTimer;
}

export function makeCore(o: { physPages?: number; corePages?: number } = {}): Fixture {
  const core = new KCore({ physBytes: (o.physPages ?? 256) * PAGE, coreBytes: (o.corePages ?? 32) * PAGE, publicKeyPem: KEYS.publicKeyPem });
  const timer = new GenericTimer({ cpus: 1, clock: new IcountClock(PI4_CNTFRQ, 1) });
  return { core, exits: [], timer };
}

export interface TestVm { id: number; pfns: number[]; }

/** A VM of `pages` pages whose image (the code, at IPA 0, plus the fault handler at 0x800)
 *  fills its first pages; the rest of its RAM is plain memory. Verified and ready to run. */
export function makeVm(f: Fixture, o: { isolation?: Isolation; pages?: number; code?: number[]; sign?: boolean; pfns?: number[]; unmappedPages?: number } = {}): TestVm {
  const { core } = f;
  const isolation = o.isolation ?? 'krustvm', pages = o.pages ?? 8;
  const r = core.registerVm({
    isolation, vcpus: 1, ramBytes: pages * PAGE, engine: 'interp',
    hooks: {
      timer: f.timer, irqLine: () => false, fiqLine: () => false,
      mmio: (e) => { if (!e.isWrite) e.value = 0x5a5a5a5an; f.exits.push({ ...e }); return true; },
    },
  });
  if (!r.ok) throw new Error(r.reason);
  const id = r.vm;
  if (!core.registerVcpu(id, 0).ok) throw new Error('vcpu');
  const pfns = o.pfns ?? core.hostPages().slice(0, pages);
  const image = new Uint8Array(2 * PAGE);
  const words = new DataView(image.buffer);
  (o.code ?? powerOff(0)).forEach((w, i) => words.setUint32(4 * i, w, true));
  const handler = reportFault();
  for (const off of [0x800 + 0x200, 0x800 + 0x400]) handler.forEach((w, i) => words.setUint32(off + 4 * i, w, true));
  const host = core.hostView();
  for (let k = 0; k < 2; k++) if (!host.write(pfns[k] * PAGE, image.subarray(k * PAGE, (k + 1) * PAGE))) throw new Error('host write');
  const sig = signImage(image, 0, KEYS.privateKeyPem);
  if (!sig.ok) throw new Error(sig.reason);
  const ok = (x: { ok: boolean; reason?: string }) => { if (!x.ok) throw new Error(x.reason); };
  ok(core.remapImagePages(id, 0, image.length, pfns.slice(0, 2), o.sign === false ? undefined : sig.signature));
  ok(core.mapVmPages(id, 2 * PAGE, pfns.slice(2, pages - (o.unmappedPages ?? 0))));
  ok(core.setBootInfo(id, 0, 0n));
  ok(core.ioremap(id, MMIO_IPA, PAGE));
  ok(core.verifyImages(id));
  return { id, pfns: pfns.slice(0, pages - (o.unmappedPages ?? 0)) };
}

/** Runs vCPU 0 until it stops for a reason other than its budget. */
export function runToExit(f: Fixture, vm: number, maxInsns = 1_000_000): RunExit {
  let r: RunExit = { reason: 'budget' };
  for (let n = 0; n < maxInsns && r.reason === 'budget'; n += 10_000) r = f.core.runVcpu(vm, 0, 10_000);
  return r;
}

/** The values the guest reported (MMIO writes), in order. */
export const reported = (f: Fixture): bigint[] => f.exits.filter((e) => e.isWrite).map((e) => e.value);
