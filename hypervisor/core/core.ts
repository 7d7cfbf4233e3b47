// The trusted hypervisor core (KrustVM's Rcore / SeKVM's KCore): it alone holds physical RAM
// (through the "hardware" Memory it creates), the page ownership table, every VM's stage-2
// tables, the vCPUs (Cpu, system state, engine) and the image key. The host gets a narrow,
// numbered call interface (the KCore methods, SeKVM numbers in comments), plus capabilities:
// a host view of physical memory that checks ownership on every access, a DMA view per VM, and
// MMIO exits that carry one access. Nothing exported hands out the RAM buffer, a Cpu or a
// register file: they live in #private fields and module-private classes.
//
// Every refusal returns a Refusal (code + reason), is logged in `log`, and never throws.
import { Memory, Access, GuestFault, vaToBig, type MmioPort, type Translator } from '../../src/mem/memory.js';
import { Cpu, Refetch } from '../../src/cpu/state.js';
import { SysEnv, type SysHost, type El2Hooks } from '../../src/sys/env.js';
import { Stage2Walker, Stage2Fault, VTCR_40BIT, type Stage2Port } from '../../src/sys/mmu.js';
import { FSC } from '../../src/sys/esr.js';
import { StopRun } from '../../src/interp/interpreter.js';
import { createEngine, type Engine } from '../../src/engine.js';
import { getDecoder } from '../../src/isa/index.js';
import { psciCall, PSCI_RET, type PsciHost } from '../../src/sys/psci.js';
import { TIMER_REG, type GenericTimer } from '../../devices/timer.js';
import { verifyImage } from './image-verify.js';
import { CoreLog } from './log.js';
import { OK, OWNER_CORE, OWNER_HOST, PageTable, type Refusal, type Result } from './pages.js';
import { Stage2Tables, IPA_BITS, type CorePagePool } from './stage2.js';
import { hpfar, stage2Esr } from './syndrome.js';
import { VmDma } from './dma.js';
import { GICV_FRAME, VgicContext, VgicHw, type LrView, type VirqInjection } from './vgic.js';
import { MonitorWatch, resumeWaitingCpu, waitDeadline, waitingCpuWakes, type WaitLines } from '../../src/sys/wfe-wait.js';

export { OWNER_CORE, OWNER_HOST, SHARE_CAP, type Result, type Refusal } from './pages.js';
export type { LrView, LrState, VirqInjection } from './vgic.js';

const PAGE = 4096;

/** kvm: stage 2 and ownership, but the host may read and write all VM memory and images are
 *  not verified (mainline KVM); krustvm: full isolation and verified boot. */
export type Isolation = 'kvm' | 'krustvm';
export type VmState = 'REGISTERED' | 'READY' | 'VERIFIED' | 'RUNNING' | 'POWERED_OFF';

/** Guest→core hypercall function ids (x0). */
export const HVC = {
  /** SeKVM: grant / revoke [x1 = IPA, x1 + x2) for I/O. */
  SEKVM_GRANT: 0x81000, SEKVM_REVOKE: 0x82000,
  // pKVM guest services: vendor-hyp fast calls, SMC64 (ARM_SMCCC_CALL_VAL(FAST, SMC_64,
  // OWNER_VENDOR_HYP = 6, n) = 0xc6000000 | n) with ARM_SMCCC_KVM_FUNC_HYP_MEMINFO = 2,
  // ARM_SMCCC_KVM_FUNC_MEM_SHARE = 3, ARM_SMCCC_KVM_FUNC_MEM_UNSHARE = 4 (Linux
  // include/linux/arm-smccc.h); x1 = the IPA of one page.
  PKVM_HYP_MEMINFO: 0xc6000002, PKVM_MEM_SHARE: 0xc6000003, PKVM_MEM_UNSHARE: 0xc6000004,
} as const;
/** SMCCC return values (SMC Calling Convention, DEN0028). */
export const SMCCC = { SUCCESS: 0, NOT_SUPPORTED: -1, INVALID_PARAMETER: -3 } as const;

/** The one access of an MMIO exit: the host fills `value` for a read. */
export interface MmioExit {
  readonly vcpu: number;
  readonly ipa: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly isWrite: boolean;
  value: bigint;
}

/** What the host provides for a VM: its timer; the vCPU's interrupt lines when the VM has no
 *  vGIC (trap and emulate); the MMIO handler (true: done; false: the guest gets an external
 *  abort); and the vGIC maintenance exit (a synchronous upcall, like MMIO: the guest deactivated
 *  an interrupt that asked for it, or the list registers ran low while more wait). */
export interface VmHostHooks {
  timer: GenericTimer;
  irqLine(vcpu: number): boolean;
  fiqLine(vcpu: number): boolean;
  mmio(exit: MmioExit): boolean;
  maintenance?(vcpu: number): void;
  /** Before the vCPU's interrupt state is looked at (GICV access, IRQ line): the host may fill
   *  its LRs if its distributor changed since (a device line, the timer) — the exit a physical
   *  interrupt would cause. */
  refresh?(vcpu: number): void;
}

export interface VmConfig {
  isolation: Isolation;
  vcpus: number;
  /** Guest RAM: IPA 0 .. ramBytes. */
  ramBytes: number;
  engine?: 'interp' | 'jit';
  jitThreshold?: number;
  /** --check-jit (a debugging aid of the engine; no effect on what the VM can do). */
  checkJit?: boolean;
  hooks: VmHostHooks;
}

export type RunExit =
  | { reason: 'budget' } | { reason: 'wfi' } | { reason: 'wfe' } | { reason: 'cpu-off' }
  | { reason: 'system-off'; status: number; message: string }
  | { reason: 'system-reset'; message: string }
  | { reason: 'refused'; refusal: Refusal };

/** What EL2 recorded for a vCPU's last stage-2 fault (tests, --stats). */
export interface Stage2FaultRecord { esr: number; far: bigint; hpfar: bigint; ipa: number; decision: 'mmio' | 'inject' }

export interface CoreOptions {
  /** Physical RAM in bytes (a multiple of 4 KiB, at most 2 GiB). */
  physBytes: number;
  /** How much of it (from the top) the core keeps for itself. */
  coreBytes: number;
  /** The Ed25519 public key VM images must verify against (krustvm isolation). */
  publicKeyPem?: string;
}

const unmapped: Translator = { translate: () => 0 };

// ----- module-private records (never exported)

class Vcpu {
  /** Device-window IPA pages the vCPU faulted on in this run slice: reachable without a new
   *  fault until the slice ends (a set, so an access spanning two device pages makes progress). */
  readonly mmioPages = new Set<number>();
  /** The most recent stage-2 faults, newest last. */
  readonly faults: Stage2FaultRecord[] = [];
  /** The vCPU's GICH context (saved while it does not run). */
  readonly vgic = new VgicContext();
  /** In WFE with its exclusive monitor armed: the monitored bytes when it began waiting. */
  watch: MonitorWatch | undefined;
  /** The core reads monitored bytes: a device there is not accessed (no exit, no side effect). */
  peeking = false;
  constructor(readonly index: number, readonly cpu: Cpu, readonly env: SysEnv, readonly mem: Memory, readonly engine: Engine) {}
}

interface Image { ipa: number; size: number; pfns: number[]; signature?: Uint8Array }

class Vm {
  state: VmState = 'REGISTERED';
  readonly vcpus: (Vcpu | undefined)[];
  readonly pfnOf: Int32Array;
  readonly images: Image[] = [];
  readonly windows: { base: number; size: number }[] = [];
  /** Shared host windows: host pages lent to the VM at IPAs outside its RAM (I/O buffers). */
  readonly hostWindows: { base: number; pfns: number[] }[] = [];
  boot: { entry: number; x0: bigint } | undefined;
  /** IPA of the guest's GIC CPU interface, backed by the core's GICV; undefined: no vGIC. */
  vgicBase: number | undefined;
  /** What a waiting vCPU listens to (KCore.#lines). */
  lines: WaitLines | undefined;
  readonly walker: Stage2Walker;
  constructor(readonly id: number, readonly cfg: VmConfig, readonly tables: Stage2Tables, dv: DataView) {
    this.vcpus = new Array(cfg.vcpus).fill(undefined);
    this.pfnOf = new Int32Array(cfg.ramBytes / PAGE).fill(-1);
    this.walker = new Stage2Walker(dv);
    this.walker.configure(VTCR_40BIT, tables.vttbr);
  }
  inWindow(ipa: number): boolean { return this.windows.some((w) => ipa >= w.base && ipa < w.base + w.size); }
  inGicv(ipa: number): boolean { return this.vgicBase !== undefined && ipa >= this.vgicBase && ipa < this.vgicBase + GICV_FRAME; }
  /** The host page lent at `ipa`, or -1. */
  hostWindowPfn(ipa: number): number {
    for (const w of this.hostWindows) if (ipa >= w.base && ipa < w.base + w.pfns.length * PAGE) return w.pfns[Math.floor((ipa - w.base) / PAGE)];
    return -1;
  }
  /** Whether [ipa, ipa + size) meets a device window or a shared host window. */
  overlapsWindows(ipa: number, size: number): boolean {
    return this.windows.some((w) => ipa < w.base + w.size && w.base < ipa + size)
      || this.hostWindows.some((w) => ipa < w.base + w.pfns.length * PAGE && w.base < ipa + size)
      || (this.vgicBase !== undefined && ipa < this.vgicBase + GICV_FRAME && this.vgicBase < ipa + size);
  }
}

const isInt = (n: number) => Number.isSafeInteger(n);

export class KCore {
  readonly log = new CoreLog();
  readonly physBytes: number;
  readonly #ram: Memory;
  readonly #u8: Uint8Array;
  readonly #dv: DataView;
  /** Pages that may hold non-zero bytes (anything but the core could have written them). A fresh
   *  page is zero already: zeroing it would only make the host OS commit memory the VM may never
   *  touch (a 1 GiB VM's RAM, page by page, at every start). */
  readonly #dirty: Uint8Array;
  readonly #pages: PageTable;
  readonly #vms = new Map<number, Vm>();
  readonly #pool: CorePagePool;
  readonly #publicKeyPem: string | undefined;
  readonly #vgic = new VgicHw();
  #inRun = false;
  #nextVmid = 1;

  constructor(o: CoreOptions) {
    if (!(isInt(o.physBytes) && o.physBytes % PAGE === 0 && o.physBytes > 0 && o.physBytes <= 2 ** 31)) throw new Error('hypervisor core: physical RAM must be a multiple of 4 KiB, at most 2 GiB');
    if (!(isInt(o.coreBytes) && o.coreBytes % PAGE === 0 && o.coreBytes >= 4 * PAGE && o.coreBytes < o.physBytes)) throw new Error('hypervisor core: bad core memory size');
    this.physBytes = o.physBytes;
    this.#ram = new Memory(o.physBytes, unmapped);
    this.#u8 = this.#ram.u8;
    this.#dv = this.#ram.dv;
    this.#dirty = new Uint8Array(o.physBytes / PAGE);
    this.#publicKeyPem = o.publicKeyPem;
    const pages = o.physBytes / PAGE;
    this.#pages = new PageTable(pages, this.log, (pfn) => this.#zero(pfn));
    // The core's memory: the top of physical RAM, CORE from the start.
    const first = pages - o.coreBytes / PAGE;
    const free: number[] = [];
    for (let p = pages - 1; p >= first; p--) { this.#pages.claimForCore(p); free.push(p); }
    const zero = (p: number) => this.#u8.fill(0, p * PAGE, (p + 1) * PAGE);
    this.#pool = {
      alloc: () => { const p = free.pop(); if (p === undefined) return -1; zero(p); return p; },
      allocPair: () => {
        // Two consecutive free pages, the first even (8 KiB aligned).
        for (let i = free.length - 1; i >= 0; i--) {
          const p = free[i];
          if (p % 2 === 0) {
            const j = free.indexOf(p + 1);
            if (j >= 0) { free.splice(Math.max(i, j), 1); free.splice(Math.min(i, j), 1); zero(p); zero(p + 1); return p; }
          }
        }
        return -1;
      },
      free: (p) => { free.push(p); },
    };
  }

  // ----- public metadata (no VM data)

  get pageCount(): number { return this.#pages.pages; }
  /** Owner (OWNER_CORE, OWNER_HOST or a VM id), share count and gfn of physical page `pfn`. */
  pageInfo(pfn: number): { owner: number; shareCount: number; gfn: number } {
    return { owner: this.#pages.owner(pfn), shareCount: this.#pages.shareCount(pfn), gfn: this.#pages.gfn(pfn) };
  }
  /** Physical pages the host owns and has not lent (where it may allocate VM memory from). */
  hostPages(): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.#pages.pages; p++) if (this.#pages.owner(p) === OWNER_HOST && this.#pages.shareCount(p) === 0) out.push(p);
    return out;
  }
  vmState(vm: number): VmState | undefined { return this.#vms.get(vm)?.state; }
  /** Run state of a vCPU ('running' | 'wfi' | 'off'). */
  vcpuState(vm: number, i: number): 'running' | 'wfi' | 'off' { return this.#vms.get(vm)?.vcpus[i]?.env.state ?? 'off'; }
  /** Instructions the vCPU retired. */
  vcpuInsns(vm: number, i: number): number { return this.#vms.get(vm)?.vcpus[i]?.cpu.icount ?? 0; }
  /** The last stage-2 faults EL2 took for a vCPU (at most 16, newest last). */
  stage2Faults(vm: number, i: number): readonly Stage2FaultRecord[] { return [...(this.#vms.get(vm)?.vcpus[i]?.faults ?? [])]; }
  /** Engine counters of every vCPU (--stats). */
  engineStats(vm: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const v of this.#vms.get(vm)?.vcpus ?? []) for (const [k, n] of Object.entries(v?.engine.stats() ?? {})) out[k] = (out[k] ?? 0) + n;
    return out;
  }

  #vm(id: number, states?: VmState[]): Vm | Refusal {
    const vm = this.#vms.get(id);
    if (!vm) return this.#pages.refuse('no-vm', `no VM ${id}`);
    if (states && !states.includes(vm.state)) return this.#pages.refuse('bad-state', `VM ${id} is ${vm.state}; this call needs ${states.join(' or ')}`);
    return vm;
  }

  // ----- host → core calls (SeKVM's numbering in brackets, for reference)

  /** [HVC_REGISTER_KVM] A new VM with its stage-2 tables; its vCPUs come next. */
  registerVm(cfg: VmConfig): { ok: true; vm: number } | Refusal {
    if (!(isInt(cfg.vcpus) && cfg.vcpus >= 1 && cfg.vcpus <= 8)) return this.#pages.refuse('bad-argument', `a VM has 1..8 vCPUs (got ${cfg.vcpus})`);
    if (!(isInt(cfg.ramBytes) && cfg.ramBytes > 0 && cfg.ramBytes % PAGE === 0 && cfg.ramBytes < 2 ** IPA_BITS)) return this.#pages.refuse('bad-argument', 'VM RAM must be a positive multiple of 4 KiB');
    if (cfg.isolation !== 'kvm' && cfg.isolation !== 'krustvm') return this.#pages.refuse('bad-argument', `unknown isolation ${String(cfg.isolation)}`);
    const id = this.#nextVmid;
    if (id > 255) return this.#pages.refuse('bad-argument', 'out of VMIDs');
    let tables: Stage2Tables;
    try { tables = new Stage2Tables(this.#dv, this.#pool, id); } catch { return this.#pages.refuse('bad-argument', 'out of core memory for stage-2 tables'); }
    this.#nextVmid++;
    this.#vms.set(id, new Vm(id, { ...cfg, hooks: cfg.hooks }, tables, this.#dv));
    this.log.count('vms registered');
    return { ok: true, vm: id };
  }

  /** [HVC_REGISTER_VCPU] vCPU `index` of `vm` (powered off until boot or PSCI CPU_ON). */
  registerVcpu(vmId: number, index: number): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY']);
    if ('ok' in vm) return vm;
    if (!(isInt(index) && index >= 0 && index < vm.cfg.vcpus)) return this.#pages.refuse('bad-argument', `VM ${vmId} has no vCPU ${index}`);
    if (vm.vcpus[index]) return this.#pages.refuse('bad-state', `vCPU ${index} of VM ${vmId} is already registered`);
    const mem = new Memory(this.physBytes, unmapped, this.#ram);
    const cpu = new Cpu(mem);
    const env = new SysEnv(cpu, mem, index, this.#sysHost(vm));
    cpu.env = env;
    env.state = 'off';
    const engine = createEngine(cpu, getDecoder(), { engine: vm.cfg.engine ?? 'interp', jitThreshold: vm.cfg.jitThreshold, checkJit: vm.cfg.checkJit });
    const v = new Vcpu(index, cpu, env, mem, engine);
    env.mmu.s2 = this.#stage2Port(vm, v);
    env.el2 = this.#el2(vm, v);
    mem.mmio = this.#mmioPort(vm, v);
    vm.vcpus[index] = v;
    // A store to a page holding code drops it in every vCPU of the VM (pages belong to one VM).
    for (const w of vm.vcpus) if (w) w.mem.onCodeWrite = (p) => { for (const x of vm.vcpus) x?.engine.invalidatePage(p); };
    return OK;
  }

  /** [HVC_SET_BOOT_INFO] Where vCPU 0 starts and its x0 (the device tree's IPA). */
  setBootInfo(vmId: number, entry: number, x0: bigint): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY']);
    if ('ok' in vm) return vm;
    if (!(isInt(entry) && entry >= 0 && entry < vm.cfg.ramBytes && entry % 4 === 0)) return this.#pages.refuse('bad-argument', `boot entry ${entry} is not in VM ${vmId}'s RAM`);
    vm.boot = { entry, x0: BigInt.asUintN(64, x0) };
    vm.state = 'READY';
    return OK;
  }

  /** [HVC_REMAP_VM_IMAGE] Host pages `pfns` hold an image for IPA `ipa` (size bytes); they move
   *  to the VM, and the signature is checked, at verifyImages. `signature`: 64 Ed25519 bytes. */
  remapImagePages(vmId: number, ipa: number, size: number, pfns: number[], signature?: Uint8Array): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY']);
    if ('ok' in vm) return vm;
    const r = this.#checkRange(vm, ipa, pfns);
    if (!r.ok) return r;
    if (!(isInt(size) && size > 0 && size <= pfns.length * PAGE && size > (pfns.length - 1) * PAGE - (ipa % PAGE))) return this.#pages.refuse('bad-argument', `image size ${size} does not match ${pfns.length} pages`);
    for (const img of vm.images) {
      if (ipa < img.ipa + img.pfns.length * PAGE && img.ipa < ipa + pfns.length * PAGE) return this.#pages.refuse('bad-argument', `image at IPA 0x${ipa.toString(16)} overlaps another image`);
    }
    vm.images.push({ ipa, size, pfns: [...pfns], signature: signature && Uint8Array.from(signature) });
    return OK;
  }

  /** Host pages `pfns` become the VM's memory at `ipa` now (zeroed: only verified images and
   *  boot data carry host-written content into a VM). [SeKVM maps such pages on stage-2 faults.] */
  mapVmPages(vmId: number, ipa: number, pfns: number[]): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY', 'VERIFIED', 'RUNNING']);
    if ('ok' in vm) return vm;
    const r = this.#checkRange(vm, ipa, pfns);
    if (!r.ok) return r;
    for (const img of vm.images) {
      if (ipa < img.ipa + img.pfns.length * PAGE && img.ipa < ipa + pfns.length * PAGE) return this.#pages.refuse('bad-argument', `IPA 0x${ipa.toString(16)} is reserved for an image`);
    }
    for (let k = 0; k < pfns.length; k++) this.#zero(pfns[k]);
    return this.#assign(vm, ipa, pfns);
  }

  /** Boot data (the device tree) the host wrote into `pfns` for IPA `ipa`: moved to the VM as is
   *  (not verified: it describes the host's machine). */
  mapBootData(vmId: number, ipa: number, pfns: number[]): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY']);
    if ('ok' in vm) return vm;
    const r = this.#checkRange(vm, ipa, pfns);
    if (!r.ok) return r;
    return this.#assign(vm, ipa, pfns);
  }

  /** [HVC_VERIFY_VM_IMAGES] Moves every image's pages to the VM, then (krustvm) checks each
   *  signature on the bytes now out of the host's reach. READY → VERIFIED, or POWERED_OFF on failure. */
  verifyImages(vmId: number): Result {
    const vm = this.#vm(vmId, ['READY']);
    if ('ok' in vm) return vm;
    if (vm.vcpus.some((v) => !v)) return this.#pages.refuse('bad-state', `VM ${vmId}: register every vCPU first`);
    for (const img of vm.images) {
      for (const p of img.pfns) { const c = this.#pages.checkAssign(p, vmId); if (!c.ok) return c; }
    }
    for (const img of vm.images) {
      const r = this.#assign(vm, img.ipa - (img.ipa % PAGE), img.pfns);
      if (!r.ok) return r;
      // Bytes of the first and last page outside the image are not covered by the signature: zero them.
      const first = img.pfns[0] * PAGE, last = img.pfns[img.pfns.length - 1] * PAGE, endOff = (img.ipa % PAGE) + img.size - (img.pfns.length - 1) * PAGE;
      this.#u8.fill(0, first, first + (img.ipa % PAGE));
      this.#u8.fill(0, last + endOff, last + PAGE);
    }
    if (vm.cfg.isolation === 'krustvm') {
      const fail = (why: string): Refusal => { vm.state = 'POWERED_OFF'; return this.#pages.refuse('verify-failed', why); };
      if (vm.images.length === 0) return fail(`VM ${vmId}: no image to verify`);
      if (!this.#publicKeyPem) return fail(`VM ${vmId}: no public key is configured to verify its images against`);
      for (const img of vm.images) {
        const where = `image at IPA 0x${img.ipa.toString(16)} (${img.size} bytes)`;
        if (!img.signature) return fail(`${where} is not signed`);
        const v = verifyImage(this.#readImage(img), img.ipa, img.signature, this.#publicKeyPem);
        if (!v.ok) return fail(`${where}: ${v.reason}`);
      }
    }
    vm.state = 'VERIFIED';
    const v0 = vm.vcpus[0]!;
    if (vm.boot) this.#powerOn(v0, vm.boot.entry, vm.boot.x0);
    return OK;
  }

  /** [HVC_RUN_VCPU] Runs vCPU `i` for up to `budget` instructions; returns why it stopped.
   *  MMIO accesses (and vGIC maintenance) are served during the run through the VM's hooks.
   *  A vCPU waiting in WFI/WFE first wakes as a bare CPU would (src/sys/wfe-wait.ts). */
  runVcpu(vmId: number, i: number, budget: number): RunExit {
    const vm = this.#vm(vmId, ['VERIFIED', 'RUNNING']);
    if ('ok' in vm) return { reason: 'refused', refusal: vm };
    const v = vm.vcpus[i];
    if (!v) return { reason: 'refused', refusal: this.#pages.refuse('bad-argument', `VM ${vmId} has no vCPU ${i}`) };
    // One vCPU at a time: a host calling in again from an exit hook is refused.
    if (this.#inRun) return { reason: 'refused', refusal: this.#pages.refuse('bad-state', `runVcpu of VM ${vmId} vCPU ${i} while a vCPU is running`) };
    vm.state = 'RUNNING';
    const env = v.env, cpu = v.cpu;
    if (env.state === 'off') return { reason: 'cpu-off' };
    if (env.state === 'wfi') {
      if (!this.#wakes(vm, v)) return { reason: env.inWfe ? 'wfe' : 'wfi' };
      resumeWaitingCpu(env);
      v.watch = undefined;
    }
    const start = cpu.icount;
    if (vm.vgicBase !== undefined) this.#vgic.load(v.vgic);
    this.#inRun = true;
    try {
      cpu.pc = env.takeInterrupt(cpu.pc);
      for (;;) {
        const left = budget - (cpu.icount - start);
        if (left <= 0) return { reason: 'budget' };
        try {
          v.engine.run(left);
        } catch (x) {
          if (x instanceof Refetch) { cpu.pc = x.pc; continue; }
          if (!(x instanceof StopRun)) throw x;
          if (x.reason === 'halt') {
            const st = env.state as 'running' | 'wfi' | 'off'; // changed by the run
            if (st !== 'off') cpu.pc = env.resumePc;
            if (st === 'off') {
              this.log.count('exits: cpu off');
              if (vm.vcpus.every((w) => w?.env.state === 'off')) vm.state = 'POWERED_OFF';
              return { reason: 'cpu-off' };
            }
            if (st === 'wfi' && env.inWfe) {
              if (env.wfeMonitor) { v.peeking = true; v.watch = MonitorWatch.take(v.mem, cpu.exclAddr, cpu.exclSize); v.peeking = false; }
              this.log.count('exits: wfe');
              return { reason: 'wfe' };
            }
            this.log.count('exits: wfi');
            return { reason: 'wfi' };
          }
          vm.state = 'POWERED_OFF';
          for (const w of vm.vcpus) if (w) w.env.state = 'off';
          this.log.count('exits: system off/reset');
          if (/reset/.test(x.message)) return { reason: 'system-reset', message: x.message };
          return { reason: 'system-off', status: x.code, message: x.message };
        }
      }
    } finally {
      this.#inRun = false;
      if (vm.vgicBase !== undefined) this.#vgic.unload();
      v.mmioPages.clear();
      if (vm.cfg.vcpus > 1) { cpu.exclAddr = -1; cpu.exclSize = 0; }
    }
  }

  /** Whether a waiting vCPU would wake now (what the scheduler asks; no VM data leaves). */
  vcpuWakeable(vmId: number, i: number): boolean {
    const vm = this.#vms.get(vmId), v = vm?.vcpus[i];
    return !!vm && !!v && v.env.state === 'wfi' && this.#wakes(vm, v);
  }

  /** Counter value at which a vCPU waiting in WFE wakes by itself (its event stream), or null. */
  vcpuIdleDeadline(vmId: number, i: number): bigint | null {
    const vm = this.#vms.get(vmId), v = vm?.vcpus[i];
    return vm && v ? waitDeadline(v.env, vm.cfg.hooks.timer) : null;
  }

  #wakes(vm: Vm, v: Vcpu): boolean {
    v.peeking = true;
    try { return waitingCpuWakes(v.env, vm.lines ??= this.#lines(vm), v.watch); } finally { v.peeking = false; }
  }

  // ----- the vGIC (host → core calls; the host never reaches GICH)

  /** [HVC_IOREMAP of the GICV frame] The guest's GIC CPU interface at `ipa` (8 KiB, GICC layout)
   *  is the core's virtual CPU interface: no exits for IAR/EOIR/PMR…; interrupts reach the vCPU
   *  through its list registers. */
  mapVgicCpuInterface(vmId: number, ipa: number): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY', 'VERIFIED']);
    if ('ok' in vm) return vm;
    if (vm.vgicBase !== undefined) return this.#pages.refuse('bad-state', `VM ${vmId} already has its GIC CPU interface mapped`);
    if (!(isInt(ipa) && ipa % PAGE === 0 && ipa >= vm.cfg.ramBytes && ipa + GICV_FRAME <= 2 ** IPA_BITS)) return this.#pages.refuse('bad-argument', 'GICV: a page-aligned IPA outside the VM\'s RAM');
    if (vm.overlapsWindows(ipa, GICV_FRAME)) return this.#pages.refuse('bad-argument', `GICV at IPA 0x${ipa.toString(16)} overlaps a device or shared window of VM ${vmId}`);
    vm.vgicBase = ipa;
    return OK;
  }

  /** The list registers of vCPU `i`: state and interrupt of each (the host deactivates in its
   *  distributor what the guest completed). Empty for a VM without vGIC. */
  vgicListRegs(vmId: number, i: number): LrView[] {
    const vm = this.#vms.get(vmId), v = vm?.vcpus[i];
    if (!vm || !v || vm.vgicBase === undefined) return [];
    return this.#vgic.lrs(v.vgic);
  }

  /** Puts `irq` (pending) into list register `slot` of vCPU `i`, or empties it (null). An LR
   *  the guest has active is refused. */
  vgicWriteLr(vmId: number, i: number, slot: number, irq: VirqInjection | null): Result {
    const vm = this.#vm(vmId);
    if ('ok' in vm) return vm;
    const v = vm.vcpus[i];
    if (!v || vm.vgicBase === undefined) return this.#pages.refuse('bad-argument', `VM ${vmId} has no vCPU ${i} with a vGIC`);
    const why = this.#vgic.setLr(v.vgic, slot, irq);
    if (why) return this.#pages.refuse('bad-argument', `vGIC of VM ${vmId} vCPU ${i}: ${why}`);
    if (irq) this.log.count('vgic: interrupts injected');
    return OK;
  }

  /** GICH_HCR.UIE of vCPU `i`: a maintenance exit once at most one list register is in use
   *  (more interrupts wait than there are list registers). */
  vgicUnderflow(vmId: number, i: number, on: boolean): Result {
    const vm = this.#vm(vmId);
    if ('ok' in vm) return vm;
    const v = vm.vcpus[i];
    if (!v || vm.vgicBase === undefined) return this.#pages.refuse('bad-argument', `VM ${vmId} has no vCPU ${i} with a vGIC`);
    this.#vgic.setUnderflow(v.vgic, on === true);
    return OK;
  }

  /** The interrupt inputs of a VM's vCPUs: the virtual interface (vGIC), else the host's lines. */
  #lines(vm: Vm): WaitLines {
    const core = this, hooks = vm.cfg.hooks;
    return {
      irqLine: (i) => core.#irqLine(vm, i),
      fiqLine: (i) => core.#fiqLine(vm, i),
      get timer() { return hooks.timer; },
    };
  }
  #irqLine(vm: Vm, i: number): boolean {
    if (vm.vgicBase === undefined) return vm.cfg.hooks.irqLine(i);
    vm.cfg.hooks.refresh?.(i);
    const v = vm.vcpus[i];
    return !!v && this.#vgic.virq(v.vgic);
  }
  #fiqLine(vm: Vm, i: number): boolean {
    if (vm.vgicBase === undefined) return vm.cfg.hooks.fiqLine(i);
    vm.cfg.hooks.refresh?.(i);
    const v = vm.vcpus[i];
    return !!v && this.#vgic.vfiq(v.vgic);
  }

  /** Virtual SError for vCPU `i` (what HCR_EL2.VSE does): the core's way to report something
   *  the VM did that an architecture reports asynchronously. Pending in the vCPU's ISR_EL1.A and
   *  taken at its SError vector (ESR_EL1 EC 0x2F with ISS `iss`) once PSTATE.A allows. */
  injectVirtualSError(vmId: number, i: number, iss = 0): Result {
    const vm = this.#vm(vmId, ['VERIFIED', 'RUNNING']);
    if ('ok' in vm) return vm;
    const v = vm.vcpus[i];
    if (!v || !(isInt(iss) && iss >= 0 && iss < 2 ** 25)) return this.#pages.refuse('bad-argument', `VM ${vmId}: no vCPU ${i} or bad ISS`);
    v.env.injectSError(iss);
    this.log.count('virtual serrors');
    return OK;
  }

  /** [HVC_SET_TIMER / CNTVOFF] The virtual counter offset of every vCPU of the VM. */
  setCntvoff(vmId: number, offset: bigint): Result {
    const vm = this.#vm(vmId);
    if ('ok' in vm) return vm;
    for (let i = 0; i < vm.cfg.vcpus; i++) vm.cfg.hooks.timer.write(i, TIMER_REG.CNTVOFF_EL2, BigInt.asUintN(64, offset));
    return OK;
  }

  /** [HVC_CLEAR_VM] Tears a VM down once it is not running: every page zeroed and returned to
   *  the host, its stage-2 tables back to the core. */
  clearVm(vmId: number): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY', 'VERIFIED', 'POWERED_OFF']);
    if ('ok' in vm) return vm;
    for (let g = 0; g < vm.pfnOf.length; g++) {
      const p = vm.pfnOf[g];
      if (p < 0) continue;
      this.#pages.reclaim(p, vmId);
      vm.pfnOf[g] = -1;
    }
    // Shared windows: the pages were always the host's; unmapped (the tables go) and zeroed,
    // so the next VM they are lent to starts from nothing.
    for (const w of vm.hostWindows) for (const p of w.pfns) this.#pages.unlend(p);
    vm.hostWindows.length = 0;
    vm.tables.destroy();
    vm.walker.invalidate();
    for (const v of vm.vcpus) if (v) { v.mem.flushTlb(); v.env.state = 'off'; }
    this.#vms.delete(vmId);
    this.log.count('vms cleared');
    return OK;
  }

  /** [HVC_IOREMAP] Declares [ipa, ipa + size) of the VM a device window: stage-2 faults there
   *  are MMIO exits to the host; anywhere else unmapped they are aborts injected into the guest. */
  ioremap(vmId: number, ipa: number, size: number): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY', 'VERIFIED', 'RUNNING']);
    if ('ok' in vm) return vm;
    if (!(isInt(ipa) && isInt(size) && size > 0 && ipa % PAGE === 0 && size % PAGE === 0 && ipa + size <= 2 ** IPA_BITS)) return this.#pages.refuse('bad-argument', 'ioremap: a page-aligned range inside the 40-bit IPA space');
    if (ipa < vm.cfg.ramBytes) return this.#pages.refuse('bad-argument', `ioremap: IPA 0x${ipa.toString(16)} is VM RAM`);
    if (vm.hostWindows.some((w) => ipa < w.base + w.pfns.length * PAGE && w.base < ipa + size)) return this.#pages.refuse('bad-argument', `ioremap: IPA 0x${ipa.toString(16)} is a shared host window`);
    if (vm.vgicBase !== undefined && ipa < vm.vgicBase + GICV_FRAME && vm.vgicBase < ipa + size) return this.#pages.refuse('bad-argument', `ioremap: IPA 0x${ipa.toString(16)} is the VM's GIC CPU interface (the core's GICV)`);
    vm.windows.push({ base: ipa, size });
    return OK;
  }

  /** [HVC_SHARE_HOST_WINDOW, call 12; pKVM's __pkvm_host_share_guest] Lends host pages `pfns`
   *  to `vm` at [ipa, ipa + n pages), an IPA range outside its RAM and its device windows: the
   *  VM's I/O window (a restricted-dma-pool). The pages stay HOST-owned (never VM-private), are
   *  zeroed before they are mapped (execute-never), and go back, zeroed, at clearVm. */
  shareHostWindow(vmId: number, ipa: number, pfns: number[]): Result {
    const vm = this.#vm(vmId, ['REGISTERED', 'READY', 'VERIFIED']);
    if ('ok' in vm) return vm;
    if (!Array.isArray(pfns) || pfns.length === 0) return this.#pages.refuse('bad-argument', 'share host window: no pages given');
    const size = pfns.length * PAGE;
    if (!(isInt(ipa) && ipa % PAGE === 0 && ipa >= 0 && ipa + size <= 2 ** IPA_BITS)) return this.#pages.refuse('bad-argument', 'share host window: a page-aligned range inside the 40-bit IPA space');
    if (ipa < vm.cfg.ramBytes) return this.#pages.refuse('bad-argument', `share host window: IPA 0x${ipa.toString(16)} is VM ${vmId}'s RAM`);
    if (vm.overlapsWindows(ipa, size)) return this.#pages.refuse('bad-argument', `share host window: IPA 0x${ipa.toString(16)} overlaps a device or shared window of VM ${vmId}`);
    const seen = new Set<number>();
    for (const p of pfns) {
      if (seen.has(p)) return this.#pages.refuse('bad-argument', `share host window: pfn ${p} given twice`);
      seen.add(p);
      const c = this.#pages.checkLend(p, vmId);
      if (!c.ok) return c;
    }
    for (let k = 0; k < pfns.length; k++) {
      this.#zero(pfns[k]);
      if (!vm.tables.map(ipa + k * PAGE, pfns[k] * PAGE, 'shared')) {
        for (let j = 0; j < k; j++) { vm.tables.unmap(ipa + j * PAGE); this.#pages.unlend(pfns[j]); }
        vm.walker.invalidate();
        return this.#pages.refuse('bad-argument', 'out of core memory for stage-2 tables');
      }
      this.#pages.lend(pfns[k]);
      this.#dirty[pfns[k]] = 1;   // the VM writes it (and the host)
    }
    vm.hostWindows.push({ base: ipa, pfns: [...pfns] });
    vm.walker.invalidate();
    for (const v of vm.vcpus) v?.mem.flushTlb();
    this.log.count('pages in shared windows', pfns.length);
    return OK;
  }

  // ----- capabilities

  /** The host's view of physical memory: pages it owns, and pages VMs granted (all VM pages of
   *  a kvm-isolation VM). Core pages and VM-private pages are refused (logged). */
  hostView(): HostView {
    const check = (pa: number, len: number, write: boolean): boolean => this.#hostMay(pa, len, write);
    const u8 = this.#u8;
    const touched = (pa: number, len: number) => this.#codeWritten(pa, len);
    return new HostView(check, u8, touched);
  }

  /** A DMA view of `vm`'s guest-physical memory for a device (devices/virtio/dma.ts DmaView):
   *  its shared host windows, and of its RAM, in krustvm isolation only granted pages, in kvm
   *  isolation all of it. Device writes drop code decoded from the pages they touch. */
  dmaView(vmId: number): VmDma | undefined {
    const vm = this.#vms.get(vmId);
    if (!vm) return undefined;
    const pages = this.#pages, u8 = this.#u8, log = this.log;
    return new VmDma((gpa, write) => {
      const gfn = Math.floor(gpa / PAGE);
      const live = this.#vms.get(vmId) === vm;
      if (live && gfn >= vm.pfnOf.length) {
        const lent = vm.hostWindowPfn(gpa);
        if (lent >= 0) { if (write) this.#codeWritten(lent * PAGE, PAGE); return lent * PAGE; }
      }
      const pfn = live && gfn < vm.pfnOf.length ? vm.pfnOf[gfn] : -1;
      if (pfn < 0 || pages.owner(pfn) !== vmId) { log.refuse('not-mapped', `DMA for VM ${vmId} to IPA 0x${gpa.toString(16)}: not its memory`); return -1; }
      if (vm.cfg.isolation === 'krustvm' && pages.shareCount(pfn) === 0) { log.refuse('not-shared', `DMA for VM ${vmId} to IPA 0x${gpa.toString(16)}: page not granted`); return -1; }
      if (write) this.#codeWritten(pfn * PAGE, PAGE);
      return pfn * PAGE;
    }, u8);
  }

  // ----- internals

  #zero(pfn: number): void {
    if (!this.#dirty[pfn]) return;
    this.#codeWritten(pfn * PAGE, PAGE);
    this.#u8.fill(0, pfn * PAGE, (pfn + 1) * PAGE);
    this.#dirty[pfn] = 0;
  }

  /** Physical bytes written from outside a CPU: drop code compiled from them in every vCPU. */
  #codeWritten(pa: number, len: number): void {
    const code = this.#ram.codePages;
    for (let p = Math.floor(pa / PAGE); p * PAGE < pa + len; p++) {
      this.#dirty[p] = 1;
      if (!code[p]) continue;
      code[p] = 0;
      for (const vm of this.#vms.values()) for (const v of vm.vcpus) v?.engine.invalidatePage(p);
    }
  }

  #hostMay(pa: number, len: number, write: boolean): boolean {
    if (!(isInt(pa) && isInt(len) && pa >= 0 && len >= 0 && pa + len <= this.physBytes)) { this.#pages.refuse('bad-pfn', `host ${write ? 'write' : 'read'} at PA 0x${pa.toString(16)}: not RAM`); return false; }
    for (let p = Math.floor(pa / PAGE); p * PAGE < pa + len; p++) {
      const o = this.#pages.owner(p);
      if (o === OWNER_HOST) continue;
      if (o === OWNER_CORE) { this.#pages.refuse('core-page', `host ${write ? 'write' : 'read'} of core page ${p}`); return false; }
      const vm = this.#vms.get(o);
      if (vm?.cfg.isolation === 'kvm' || this.#pages.shareCount(p) > 0) continue;
      this.#pages.refuse('not-owner', `host ${write ? 'write' : 'read'} of page ${p}, private to VM ${o}`);
      return false;
    }
    return true;
  }

  #checkRange(vm: Vm, ipa: number, pfns: number[]): Result {
    if (!Array.isArray(pfns) || pfns.length === 0) return this.#pages.refuse('bad-argument', 'no pages given');
    if (!(isInt(ipa) && ipa >= 0 && ipa + pfns.length * PAGE <= vm.cfg.ramBytes + (ipa % PAGE === 0 ? 0 : PAGE))) return this.#pages.refuse('bad-argument', `IPA range 0x${ipa.toString(16)} + ${pfns.length} pages is outside VM ${vm.id}'s RAM`);
    const g0 = Math.floor(ipa / PAGE);
    const seen = new Set<number>();
    for (let k = 0; k < pfns.length; k++) {
      if (seen.has(pfns[k])) return this.#pages.refuse('bad-argument', `pfn ${pfns[k]} given twice`);
      seen.add(pfns[k]);
      if (g0 + k >= vm.pfnOf.length) return this.#pages.refuse('bad-argument', 'range past the VM RAM');
      if (vm.pfnOf[g0 + k] >= 0) return this.#pages.refuse('bad-argument', `IPA 0x${((g0 + k) * PAGE).toString(16)} of VM ${vm.id} is already mapped`);
      const c = this.#pages.checkAssign(pfns[k], vm.id);
      if (!c.ok) return c;
    }
    return OK;
  }

  /** HOST → VM for pages already checked by #checkRange; maps them in stage 2. */
  #assign(vm: Vm, ipa: number, pfns: number[]): Result {
    const g0 = Math.floor(ipa / PAGE);
    for (let k = 0; k < pfns.length; k++) {
      const c = this.#pages.checkAssign(pfns[k], vm.id);
      if (!c.ok) return c;
      if (!vm.tables.map((g0 + k) * PAGE, pfns[k] * PAGE)) return this.#pages.refuse('bad-argument', 'out of core memory for stage-2 tables');
      this.#pages.assign(pfns[k], vm.id, g0 + k);
      vm.pfnOf[g0 + k] = pfns[k];
      this.#dirty[pfns[k]] = 1;   // the VM's CPUs write it from now on
    }
    this.log.count('pages to VMs', pfns.length);
    return OK;
  }

  #readImage(img: Image): Uint8Array {
    const out = new Uint8Array(img.size);
    let off = img.ipa % PAGE, done = 0;
    for (const p of img.pfns) {
      const n = Math.min(PAGE - off, img.size - done);
      if (n <= 0) break;
      out.set(this.#u8.subarray(p * PAGE + off, p * PAGE + off + n), done);
      done += n; off = 0;
    }
    return out;
  }

  #powerOn(v: Vcpu, pc: number, x0: bigint): void {
    v.cpu.R.fill(0);
    v.env.reset();
    v.cpu.setX(31, 0n);
    v.cpu.setX(0, x0);
    v.cpu.pc = pc;
    v.cpu.exclAddr = -1;
    v.env.state = 'running';
  }

  /** Stage 2 for a vCPU: the walk, then the core's decision on a fault. */
  #stage2Port(vm: Vm, v: Vcpu): Stage2Port {
    const phys = this.physBytes;
    return {
      resolve(ipa, access, s1ptw, lo, hi) {
        const w = vm.walker.walk(ipa, s1ptw ? Access.Read : access);
        if (!w.fault) return w.pa;
        // The GICV frame is mapped at the guest's GICC IPA: device memory, never executable.
        if (!s1ptw && access !== Access.Exec && vm.inGicv(ipa)) return phys + ipa;
        if (!s1ptw && access !== Access.Exec && v.mmioPages.has(Math.floor(ipa / PAGE))) return phys + ipa;
        throw new Stage2Fault(w.kind, vaToBig(lo, hi), access, w.fsc, ipa, s1ptw);
      },
    };
  }

  /** EL2's handling of a vCPU's stage-2 abort: an MMIO exit (the access is retried and reaches
   *  the host through the MMIO port), or an external abort injected into the guest. */
  #el2(vm: Vm, v: Vcpu): El2Hooks {
    const log = this.log;
    return {
      stage2Abort: (env, f, pc) => {
        const fetch = f.access === Access.Exec, write = f.access === Access.Write;
        let insn: number | undefined;
        if (!fetch && !f.s1ptw) { try { insn = v.mem.read32(pc); } catch { insn = undefined; } }
        const mmio = !fetch && !f.s1ptw && f.kind === 'translation' && vm.inWindow(f.ipa);
        if (v.faults.length >= 16) v.faults.shift();
        v.faults.push({ esr: stage2Esr(fetch, f.detail, write, f.s1ptw, insn), far: f.addr, hpfar: hpfar(f.ipa), ipa: f.ipa, decision: mmio ? 'mmio' : 'inject' });
        log.count('stage-2 faults');
        // The access is retried and then reaches the host; the faulting attempt retired nothing
        // (the engines count a faulting instruction, so take it back: icount stays exact).
        if (mmio) { v.mmioPages.add(Math.floor(f.ipa / PAGE)); v.cpu.icount--; return pc; }
        log.refuse('not-mapped', `VM ${vm.id} ${fetch ? 'fetch' : write ? 'write' : 'read'} at IPA 0x${f.ipa.toString(16)}: not its memory and not a device; abort injected`);
        return env.fault(new GuestFault('external', f.addr, f.access, f.s1ptw ? FSC.externalOnWalk(0) : 0), pc);
      },
    };
  }

  /** A vCPU's MMIO port: each access becomes an MmioExit with nothing but that access. */
  #mmioPort(vm: Vm, v: Vcpu): MmioPort {
    const phys = this.physBytes, log = this.log, hooks = vm.cfg.hooks, vgic = this.#vgic;
    const mmioExits = log.counter('exits: mmio'); // (a cell: no map update per exit)
    // The guest's access to its virtual CPU interface: no exit, unless it raised the vCPU's
    // maintenance interrupt (then a synchronous maintenance exit to the host).
    const afterGicv = () => { if (vgic.maintenance()) { log.count('exits: vgic maintenance'); hooks.maintenance?.(v.index); } };
    const align = (ipa: number, size: number, access: Access) => {
      // Device memory: a misaligned access is an alignment fault.
      if (ipa % size !== 0) throw new GuestFault('alignment', vaToBig(v.env.mmu.lastLo, v.env.mmu.lastHi), access, FSC.ALIGNMENT);
    };
    const p: MmioPort = {
      hi: 0,
      read(pa, size) {
        if (v.peeking) return -1;
        const ipa = pa - phys;
        align(ipa, size, Access.Read);
        if (vm.inGicv(ipa)) {
          hooks.refresh?.(v.index);
          const val = size === 8 ? 0 : vgic.gicvRead(ipa - vm.vgicBase!, size) >>> 0;
          if (size === 8) p.hi = 0;
          afterGicv();
          return val;
        }
        const exit: MmioExit = { vcpu: v.index, ipa, size, isWrite: false, value: 0n };
        mmioExits.n++;
        if (!hooks.mmio(exit)) return -1;
        // Only the access's bytes of what the host put there reach the guest.
        const val = BigInt.asUintN(size * 8, typeof exit.value === 'bigint' ? exit.value : 0n);
        if (size !== 8) return Number(val);
        p.hi = Number(val >> 32n) | 0;
        return Number(val & 0xffffffffn);
      },
      write(pa, size, lo, hi) {
        const ipa = pa - phys;
        align(ipa, size, Access.Write);
        if (vm.inGicv(ipa)) {
          hooks.refresh?.(v.index);
          if (size !== 8) vgic.gicvWrite(ipa - vm.vgicBase!, size, lo >>> 0);
          afterGicv();
          return true;
        }
        const value = size === 8 ? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) : BigInt(size === 4 ? lo >>> 0 : lo & (size === 1 ? 0xff : 0xffff));
        mmioExits.n++;
        return hooks.mmio({ vcpu: v.index, ipa, size, isWrite: true, value });
      },
    };
    return p;
  }

  /** The vCPUs' surroundings: the host's timer and lines; HVC to the core; TLBI in the VM. */
  #sysHost(vm: Vm): SysHost {
    const core = this;
    return {
      cpus: vm.cfg.vcpus,
      get timer() { return vm.cfg.hooks.timer; },
      irqLine: (i) => core.#irqLine(vm, i),
      fiqLine: (i) => core.#fiqLine(vm, i),
      firmwareCall: (env) => core.#hypercall(vm, env),
      flushAllTlbs: () => { for (const v of vm.vcpus) v?.mem.flushTlb(); },
      // SEV: the Event Register of every vCPU of this VM (no other VM's).
      sendEvent: () => { for (const v of vm.vcpus) v?.env.signalEvent(); },
    };
  }

  // ----- guest → core hypercalls

  #hypercall(vm: Vm, env: SysEnv): void {
    const cpu = env.cpu;
    const fn = Number(cpu.getX(0) & 0xffffffffn);
    const ret = (n: number) => cpu.setX(0, BigInt.asUintN(64, BigInt(n)));
    this.log.count('hypercalls');
    switch (fn) {
      case HVC.SEKVM_GRANT: case HVC.SEKVM_REVOKE: {
        this.log.count(fn === HVC.SEKVM_GRANT ? 'hypercalls: grant' : 'hypercalls: revoke');
        return ret(this.#share(vm, cpu.getX(1), cpu.getX(2), fn === HVC.SEKVM_GRANT));
      }
      case HVC.PKVM_MEM_SHARE: case HVC.PKVM_MEM_UNSHARE:
        this.log.count(fn === HVC.PKVM_MEM_SHARE ? 'hypercalls: grant' : 'hypercalls: revoke');
        return ret(this.#share(vm, cpu.getX(1), BigInt(PAGE), fn === HVC.PKVM_MEM_SHARE));
      case HVC.PKVM_HYP_MEMINFO: return ret(PAGE);
    }
    this.log.count('hypercalls: psci/other');
    psciCall(env, this.#psciHost(vm));
  }

  /** Grant (or revoke) every page of [ipa, ipa + size): all or nothing. */
  #share(vm: Vm, ipaBig: bigint, sizeBig: bigint, grant: boolean): number {
    const end = ipaBig + sizeBig;
    if (sizeBig <= 0n || end > BigInt(vm.cfg.ramBytes) || ipaBig < 0n) {
      this.#pages.refuse('bad-argument', `VM ${vm.id} ${grant ? 'grant' : 'revoke'} of IPA 0x${ipaBig.toString(16)} + 0x${sizeBig.toString(16)}: outside its RAM`);
      return SMCCC.INVALID_PARAMETER;
    }
    const g0 = Number(ipaBig / 4096n), g1 = Number((end + 4095n) / 4096n);
    const pfns: number[] = [];
    for (let g = g0; g < g1; g++) {
      const p = vm.pfnOf[g];
      if (p < 0) { this.#pages.refuse('not-mapped', `VM ${vm.id} ${grant ? 'grant' : 'revoke'} of unmapped IPA 0x${(g * PAGE).toString(16)}`); return SMCCC.INVALID_PARAMETER; }
      const c = grant ? this.#pages.checkGrant(p, vm.id) : this.#pages.checkRevoke(p, vm.id);
      if (!c.ok) return SMCCC.INVALID_PARAMETER;
      pfns.push(p);
    }
    // A page granted twice in one call would pass the cap check twice: check against duplicates
    // is unnecessary (one pfn per gfn), so apply.
    for (const p of pfns) { if (grant) this.#pages.grant(p); else this.#pages.revoke(p); }
    this.log.count(grant ? 'pages granted' : 'pages revoked', pfns.length);
    return SMCCC.SUCCESS;
  }

  #psciHost(vm: Vm): PsciHost {
    const core = this;
    return {
      cpus: vm.cfg.vcpus,
      cpuOn(t, entry, ctx) {
        const v = vm.vcpus[t];
        if (!v) return PSCI_RET.INVALID_PARAMETERS;
        if (v.env.state !== 'off') return PSCI_RET.ALREADY_ON;
        if (entry >= BigInt(vm.cfg.ramBytes) || (entry & 3n) !== 0n) return PSCI_RET.INVALID_ADDRESS;
        core.#powerOn(v, Number(entry), ctx);
        return PSCI_RET.SUCCESS;
      },
      cpuOff(env) { env.state = 'off'; throw new StopRun('halt'); },
      affinityInfo(t) { return vm.vcpus[t]?.env.state === 'off' ? 1 : 0; },
      suspend(env) {
        if (core.#irqLine(vm, env.index) || core.#fiqLine(vm, env.index)) return;
        env.state = 'wfi'; env.inWfe = false;
        throw new StopRun('halt');
      },
      systemOff(status) { throw new StopRun('exit', status, 'guest powered off'); },
      systemReset() { throw new StopRun('exit', 0, 'guest requested a system reset'); },
    };
  }
}

/** A VM's DmaView for a device model (virtio): plug it in where the board creates the device
 *  (`transport.attachDma(vmDmaView(core, vm))`). undefined for an unknown VM. */
export function vmDmaView(core: KCore, vm: number): VmDma | undefined { return core.dmaView(vm); }

/** The host's capability over physical memory (by physical address). Reads return copies. */
export class HostView {
  readonly #check: (pa: number, len: number, write: boolean) => boolean;
  readonly #u8: Uint8Array;
  readonly #written: (pa: number, len: number) => void;
  constructor(check: (pa: number, len: number, write: boolean) => boolean, u8: Uint8Array, written: (pa: number, len: number) => void) {
    this.#check = check; this.#u8 = u8; this.#written = written;
  }
  /** A copy of [pa, pa + len), or null if any page is not the host's to read. */
  read(pa: number, len: number): Uint8Array | null {
    if (!this.#check(pa, len, false)) return null;
    return this.#u8.slice(pa, pa + len);
  }
  /** Writes `data` at `pa`, or nothing (false) if any page is not the host's to write. */
  write(pa: number, data: Uint8Array): boolean {
    if (!this.#check(pa, data.length, true)) return false;
    this.#written(pa, data.length);
    this.#u8.set(data, pa);
    return true;
  }
}
