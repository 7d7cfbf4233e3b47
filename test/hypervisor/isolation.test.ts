// The isolation suite, table-driven like pKVM's ownership selftest: each row is one transition,
// legal or illegal, with the owner and share count expected afterwards and, for an illegal one,
// the refusal code the core must log. Expected values come from the SeKVM rules (design.md,
// "The hypervisor core"): HOST→VM only for host-owned pages with count 0; grant/revoke only by
// the owning VM, count capped at 16, never below 0; teardown zeroes; CORE never leaves CORE.
import { describe, expect, it } from 'vitest';
import { HVC, OWNER_CORE, OWNER_HOST, SHARE_CAP, SMCCC } from '../../hypervisor/core/core.js';
import { signImage } from '../../hypervisor/core/image-verify.js';
import { A, KEYS, MMIO_IPA, PAGE, call, makeCore, makeVm, powerOff, prologue, reported, runToExit, type Fixture, type TestVm } from './fixture.js';

const u64 = (n: number) => BigInt.asUintN(64, BigInt(n));

interface Row {
  name: string;
  /** Does the transition; returns whether the core allowed it. */
  act: (f: Fixture, vm: TestVm, vm2: TestVm) => boolean;
  allowed: boolean;
  /** The refusal code logged (illegal rows). */
  refusal?: string;
  /** Page checked afterwards, and its expected owner / count ('vm' = the first VM). */
  page?: (f: Fixture, vm: TestVm, vm2: TestVm) => number;
  owner?: 'vm' | 'vm2' | 'host' | 'core';
  count?: number;
}

const corePfn = (f: Fixture) => f.core.pageCount - 1;

const HOST_ROWS: Row[] = [
  { name: 'host reads a page it owns', act: (f) => f.core.hostView().read(f.core.hostPages()[0] * PAGE, 16) !== null, allowed: true, page: (f) => f.core.hostPages()[0], owner: 'host', count: 0 },
  { name: 'host reads a VM page', act: (f, vm) => f.core.hostView().read(vm.pfns[3] * PAGE, 16) !== null, allowed: false, refusal: 'not-owner', page: (_f, vm) => vm.pfns[3], owner: 'vm', count: 0 },
  { name: 'host reads across into a VM page', act: (f, vm) => f.core.hostView().read(vm.pfns[3] * PAGE - 8, 16) !== null, allowed: false, refusal: 'not-owner', page: (_f, vm) => vm.pfns[3], owner: 'vm' },
  { name: 'host writes a VM image page', act: (f, vm) => f.core.hostView().write(vm.pfns[0] * PAGE, new Uint8Array(4)), allowed: false, refusal: 'not-owner', page: (_f, vm) => vm.pfns[0], owner: 'vm' },
  { name: 'host reads a core page (stage-2 tables)', act: (f) => f.core.hostView().read(corePfn(f) * PAGE, 8) !== null, allowed: false, refusal: 'core-page', page: corePfn, owner: 'core' },
  { name: 'host writes a core page', act: (f) => f.core.hostView().write(corePfn(f) * PAGE, new Uint8Array(8)), allowed: false, refusal: 'core-page', page: corePfn, owner: 'core' },
  { name: 'host reads beyond physical memory', act: (f) => f.core.hostView().read(f.core.physBytes, 8) !== null, allowed: false, refusal: 'bad-pfn' },
  { name: 'host maps a VM page into another VM', act: (f, vm, vm2) => f.core.mapVmPages(vm2.id, 6 * PAGE, [vm.pfns[3]]).ok, allowed: false, refusal: 'not-owner', page: (_f, vm) => vm.pfns[3], owner: 'vm', count: 0 },
  { name: 'host maps a core page into a VM', act: (f, _vm, vm2) => f.core.mapVmPages(vm2.id, 6 * PAGE, [corePfn(f)]).ok, allowed: false, refusal: 'core-page', page: corePfn, owner: 'core' },
  { name: 'host remaps a VM page as another VM\'s image', act: (f, vm, vm2) => f.core.remapImagePages(vm2.id, 0, 8, [vm.pfns[0]]).ok, allowed: false, refusal: 'bad-state', page: (_f, vm) => vm.pfns[0], owner: 'vm' },
  { name: 'host maps a host page over a mapped IPA', act: (f, vm) => f.core.mapVmPages(vm.id, 3 * PAGE, [f.core.hostPages()[0]]).ok, allowed: false, refusal: 'bad-argument', page: (f) => f.core.hostPages()[0], owner: 'host' },
  { name: 'host maps a host page into the VM', act: (f, vm) => f.core.mapVmPages(vm.id, 8 * PAGE, [f.core.hostPages()[0]]).ok, allowed: false, refusal: 'bad-argument' },
  { name: 'host clears a running VM', act: (f, vm) => f.core.clearVm(vm.id).ok, allowed: false, refusal: 'bad-state', page: (_f, vm) => vm.pfns[3], owner: 'vm' },
  { name: 'host calls for a VM that does not exist', act: (f) => f.core.ioremap(77, 0x2000_0000, PAGE).ok, allowed: false, refusal: 'no-vm' },
  { name: 'host ioremaps over VM RAM', act: (f, vm) => f.core.ioremap(vm.id, 0, PAGE).ok, allowed: false, refusal: 'bad-argument' },
];

describe('isolation: host-side transitions (krustvm)', () => {
  for (const row of HOST_ROWS) {
    it(row.name, () => {
      const f = makeCore();
      const vm = makeVm(f, { code: [A.b(0)] }); // spins
      const vm2 = makeVm(f, { code: [A.b(0)], unmappedPages: 2 });
      expect(f.core.runVcpu(vm.id, 0, 100).reason).toBe('budget'); // RUNNING
      expect(f.core.vmState(vm.id)).toBe('RUNNING');
      const refusals = f.core.log.refusals;
      expect(row.act(f, vm, vm2)).toBe(row.allowed);
      if (!row.allowed) {
        expect(f.core.log.refusals).toBe(refusals + 1);
        expect(f.core.log.last()?.code).toBe(row.refusal);
      } else expect(f.core.log.refusals).toBe(refusals);
      if (row.page) {
        const info = f.core.pageInfo(row.page(f, vm, vm2));
        const want = { vm: vm.id, vm2: vm2.id, host: OWNER_HOST, core: OWNER_CORE }[row.owner!];
        expect(info.owner).toBe(want);
        if (row.count !== undefined) expect(info.shareCount).toBe(row.count);
      }
    });
  }

  it('kvm isolation: the host reads and writes all VM memory (as mainline KVM)', () => {
    const f = makeCore();
    const vm = makeVm(f, { isolation: 'kvm', code: [A.b(0)] });
    expect(f.core.hostView().read(vm.pfns[0] * PAGE, 4)).toEqual(new Uint8Array([0, 0, 0, 0x14])); // b .
    expect(f.core.hostView().write(vm.pfns[3] * PAGE, new Uint8Array([1]))).toBe(true);
    expect(f.core.log.refusals).toBe(0);
  });

  it('teardown: refused while running, then every page zeroed and back to the host; a reused page is zero', () => {
    const f = makeCore();
    const secret = 0x5ec7e7;
    // The guest writes a secret into its page 3, then powers off.
    const vm = makeVm(f, { code: [...A.mov(1, 3 * PAGE), ...A.mov(2, secret), A.str(2, 1), ...powerOff(0)] });
    expect(runToExit(f, vm.id)).toMatchObject({ reason: 'system-off', status: 0 });
    expect(f.core.vmState(vm.id)).toBe('POWERED_OFF');
    expect(f.core.hostView().read(vm.pfns[3] * PAGE, 4)).toBeNull(); // still the VM's until cleared
    expect(f.core.clearVm(vm.id).ok).toBe(true);
    for (const p of vm.pfns) {
      expect(f.core.pageInfo(p)).toEqual({ owner: OWNER_HOST, shareCount: 0, gfn: -1 });
      expect(f.core.hostView().read(p * PAGE, PAGE)).toEqual(new Uint8Array(PAGE));
    }
    expect(f.core.clearVm(vm.id)).toMatchObject({ ok: false, code: 'no-vm' });
    // The same pages given to a new VM: its memory reads as zero (the guest checks page 3).
    const vm2 = makeVm(f, { pfns: vm.pfns, code: [...prologue(), ...A.mov(1, 3 * PAGE), A.ldr(0, 1), A.str(0, 9), ...powerOff(0)] });
    expect(runToExit(f, vm2.id)).toMatchObject({ reason: 'system-off' });
    expect(reported(f)).toEqual([0n]);
  });

  it('host pages the host wrote are zero when they become VM memory (the guest reads them)', () => {
    const f = makeCore();
    const pfns = f.core.hostPages().slice(0, 8);
    for (const p of pfns) expect(f.core.hostView().write(p * PAGE, new Uint8Array(PAGE).fill(0xab))).toBe(true);
    // makeVm maps pages 2.. with mapVmPages; the guest reads page 3 and page 7's last word.
    const vm = makeVm(f, { pfns, code: [...prologue(), ...A.mov(1, 3 * PAGE), A.ldr(0, 1), A.str(0, 9), ...A.mov(1, 8 * PAGE - 8), A.ldr(0, 1), A.str(0, 9), ...powerOff(0)] });
    expect(runToExit(f, vm.id)).toMatchObject({ reason: 'system-off', status: 0 });
    expect(reported(f)).toEqual([0n, 0n]);
  });

  it('verification: the core refuses an unsigned image, a tampered one, and one at another address', () => {
    for (const bad of ['unsigned', 'tampered', 'moved'] as const) {
      const f = makeCore();
      const r = f.core.registerVm({ isolation: 'krustvm', vcpus: 1, ramBytes: 4 * PAGE, hooks: { timer: f.timer, irqLine: () => false, fiqLine: () => false, mmio: () => true } });
      if (!r.ok) throw new Error(r.reason);
      f.core.registerVcpu(r.vm, 0);
      const pfns = f.core.hostPages().slice(0, 4);
      const img = new Uint8Array(PAGE).fill(7);
      f.core.hostView().write(pfns[1] * PAGE, img);
      const s = signImage(img, bad === 'moved' ? 0 : PAGE, KEYS.privateKeyPem);
      if (!s.ok) throw new Error(s.reason);
      const sig = s.signature;
      if (bad === 'tampered') f.core.hostView().write(pfns[1] * PAGE + 100, new Uint8Array([8]));
      expect(f.core.remapImagePages(r.vm, PAGE, PAGE, [pfns[1]], bad === 'unsigned' ? undefined : sig).ok).toBe(true);
      f.core.setBootInfo(r.vm, PAGE, 0n);
      const v = f.core.verifyImages(r.vm);
      expect(v).toMatchObject({ ok: false, code: 'verify-failed' });
      expect(f.core.vmState(r.vm)).toBe('POWERED_OFF');
      expect(f.core.runVcpu(r.vm, 0, 10).reason).toBe('refused');
      // The image pages went to the VM before the check (no time-of-check/time-of-use window):
      // the host cannot change them, and teardown returns them zeroed.
      expect(f.core.pageInfo(pfns[1]).owner).toBe(r.vm);
      expect(f.core.clearVm(r.vm).ok).toBe(true);
      expect(f.core.hostView().read(pfns[1] * PAGE, PAGE)).toEqual(new Uint8Array(PAGE));
    }
  });
});


interface GuestRow {
  name: string;
  /** Hypercalls the guest makes (each result reported). */
  calls: number[][];
  /** Expected results (x0) of the calls. */
  results: bigint[];
  /** Share count of the VM's page 3 afterwards. */
  count: number;
  refusal?: string;
}

const GRANT = HVC.SEKVM_GRANT, REVOKE = HVC.SEKVM_REVOKE, BAD = u64(SMCCC.INVALID_PARAMETER);
const P3 = 3 * PAGE;
const GUEST_ROWS: GuestRow[] = [
  { name: 'VM grants its own page', calls: [call(GRANT, P3, PAGE)], results: [0n], count: 1 },
  { name: 'VM grants then revokes', calls: [call(GRANT, P3, PAGE), call(REVOKE, P3, PAGE)], results: [0n, 0n], count: 0 },
  { name: 'VM revokes below zero', calls: [call(REVOKE, P3, PAGE)], results: [BAD], count: 0, refusal: 'not-shared' },
  { name: 'VM grants a page it does not own (IPA beyond its RAM)', calls: [call(GRANT, 64 * PAGE, PAGE)], results: [BAD], count: 0, refusal: 'bad-argument' },
  { name: 'VM grants a range running past its RAM (all or nothing)', calls: [call(GRANT, P3, 100 * PAGE)], results: [BAD], count: 0, refusal: 'bad-argument' },
  { name: 'VM grants a page of core memory by its physical address', calls: [call(GRANT, 0xff000, PAGE)], results: [BAD], count: 0, refusal: 'bad-argument' },
  { name: 'VM grants past the cap', calls: Array.from({ length: SHARE_CAP + 1 }, () => call(GRANT, P3, 1)), results: [...Array(SHARE_CAP).fill(0n), BAD], count: SHARE_CAP, refusal: 'share-cap' },
  { name: 'pKVM MEM_SHARE / MEM_UNSHARE of one page', calls: [call(HVC.PKVM_MEM_SHARE, P3), call(HVC.PKVM_MEM_SHARE, P3), call(HVC.PKVM_MEM_UNSHARE, P3)], results: [0n, 0n, 0n], count: 1 },
  { name: 'pKVM HYP_MEMINFO: the granule', calls: [call(HVC.PKVM_HYP_MEMINFO)], results: [4096n], count: 0 },
  { name: 'unknown hypercall: NOT_SUPPORTED', calls: [call(0xc6000077), call(0x12345678)], results: [u64(-1), u64(-1)], count: 0 },
  { name: 'PSCI VERSION still answered', calls: [call(0x84000000)], results: [0x10000n], count: 0 },
];

describe('isolation: guest-side transitions (hypercalls)', () => {
  for (const row of GUEST_ROWS) {
    it(row.name, () => {
      const f = makeCore();
      const vm = makeVm(f, { code: [...prologue(), ...row.calls.flat(), ...powerOff(0)] });
      const r0 = f.core.log.refusals;
      expect(runToExit(f, vm.id)).toMatchObject({ reason: 'system-off', status: 0 });
      expect(reported(f)).toEqual(row.results);
      const info = f.core.pageInfo(vm.pfns[3]);
      expect(info.owner).toBe(vm.id);
      expect(info.shareCount).toBe(row.count);
      if (row.refusal) expect(f.core.log.entries.slice(r0).map((e) => e.code)).toContain(row.refusal);
      else expect(f.core.log.refusals).toBe(r0);
    });
  }
});

describe('isolation: capabilities follow grants', () => {
  it('host view and device DMA reach a page only while it is granted', () => {
    const f = makeCore();
    // Grant page 3, report, spin until the test lets it go on (the test runs it in steps).
    const vm = makeVm(f, { code: [...prologue(), ...call(GRANT, P3, PAGE), ...A.mov(1, P3), ...A.mov(2, 0x1234), A.str(2, 1), A.ldr(0, 9), ...call(REVOKE, P3, PAGE), ...powerOff(0)] });
    const dma = f.core.dmaView(vm.id)!;
    expect(dma.read(P3, 8)).toBeNull(); // not yet granted
    expect(f.core.log.last()?.code).toBe('not-shared');
    // Run until the guest's MMIO read (after the grant and the store).
    while (!f.exits.some((e) => !e.isWrite)) f.core.runVcpu(vm.id, 0, 1);
    expect(f.core.pageInfo(vm.pfns[3]).shareCount).toBe(1);
    expect(dma.u64(P3)).toBe(0x1234n);
    expect(dma.setU32(P3 + 8, 0xabcd)).toBe(true);
    expect(f.core.hostView().read(vm.pfns[3] * PAGE, 8)).not.toBeNull();
    expect(dma.read(P3 + PAGE - 4, 8)).toBeNull(); // runs into page 4, not granted
    expect(dma.read(2 * PAGE, 4)).toBeNull(); // another page of the VM
    expect(dma.read(64 * PAGE, 4)).toBeNull(); // beyond its RAM
    expect(runToExit(f, vm.id)).toMatchObject({ reason: 'system-off' });
    expect(f.core.pageInfo(vm.pfns[3]).shareCount).toBe(0);
    expect(dma.read(P3, 8)).toBeNull(); // after revoke
    expect(dma.write(P3, new Uint8Array(1))).toBe(false);
    expect(f.core.hostView().read(vm.pfns[3] * PAGE, 8)).toBeNull();
  });

  it('kvm isolation: device DMA reaches all VM memory, nothing else', () => {
    const f = makeCore();
    const vm = makeVm(f, { isolation: 'kvm', code: [A.b(0)] });
    const dma = f.core.dmaView(vm.id)!;
    expect(dma.u32(0)).toBe(0x14000000);
    expect(dma.read(8 * PAGE - 4, 4)).not.toBeNull();
    expect(dma.read(8 * PAGE, 4)).toBeNull();
  });

  it('a guest access to core memory is a stage-2 fault: an abort in the guest, no data out', () => {
    const f = makeCore();
    const coreIpa = (f.core.pageCount - 1) * PAGE; // the IPA equal to a core page's PA
    const vm = makeVm(f, { code: [...prologue(), ...A.mov(1, coreIpa), A.ldr(0, 1), A.str(0, 9), ...powerOff(0)] });
    expect(runToExit(f, vm.id)).toMatchObject({ reason: 'system-off', status: 99 }); // the fault handler ran
    const [esr, far] = reported(f);
    // The guest sees a synchronous external abort, data abort from the same EL (EC 0x25, EA, DFSC 0x10).
    expect(Number(esr) >>> 26).toBe(0x25);
    expect(Number(esr) & 0x3f).toBe(0x10);
    expect(far).toBe(BigInt(coreIpa));
    // EL2 saw a stage-2 translation fault with the full syndrome of `ldr x0, [x1]`.
    const faults = f.core.stage2Faults(vm.id, 0);
    expect(faults.map((x) => x.decision)).toEqual(['inject', 'mmio']); // the load; the handler's first report
    const s = faults[0];
    expect(s.hpfar).toBe(BigInt(coreIpa / PAGE) << 4n);
    const iss = s.esr & 0x1ffffff;
    expect(s.esr >>> 26).toBe(0x24);
    expect(iss >>> 24).toBe(1); // ISV
    expect((iss >>> 22) & 3).toBe(3); // SAS: doubleword
    expect((iss >>> 16) & 31).toBe(0); // SRT: x0
    expect((iss >>> 15) & 1).toBe(1); // SF
    expect((iss >>> 6) & 1).toBe(0); // WnR: read
    expect(iss & 0x3c).toBe(0x04); // translation fault
    expect(f.core.log.entries.map((e) => e.code)).toContain('not-mapped');
    expect(f.core.pageInfo(f.core.pageCount - 1).owner).toBe(OWNER_CORE);
  });

  it('an MMIO exit exposes nothing but the one access', () => {
    const f = makeCore();
    // Fill registers with secrets, then one store and one load to the device window.
    const secrets = Array.from({ length: 8 }, (_, i) => A.mov(10 + i, 0x5ec0000 + i)).flat();
    const vm = makeVm(f, { code: [...prologue(), ...secrets, ...A.mov(3, 0x77), A.str(3, 9), A.ldrw(4, 9), ...powerOff(0)] });
    expect(runToExit(f, vm.id)).toMatchObject({ reason: 'system-off' });
    expect(f.exits.length).toBe(2);
    expect(f.exits[0]).toEqual({ vcpu: 0, ipa: MMIO_IPA, size: 8, isWrite: true, value: 0x77n });
    expect(Object.keys(f.exits[1]).sort()).toEqual(['ipa', 'isWrite', 'size', 'value', 'vcpu']);
    expect(f.exits[1]).toMatchObject({ vcpu: 0, ipa: MMIO_IPA, size: 4, isWrite: false });
    const faults = f.core.stage2Faults(vm.id, 0);
    expect(faults.length).toBe(1); // the device page stays reachable for the rest of the run
    const s = faults[0];
    expect(s.decision).toBe('mmio');
    // ESR_EL2 of `str x3, [x9]`: EC 0x24, ISV, SAS 3, SRT 3, SF, WnR, DFSC translation fault at level 2 (the level-1 entry
    // for 0..1 GiB exists because of the RAM; the level-2 entry for 256 MiB does not).
    expect(s.esr).toBe(((0x24 << 26) | (1 << 25) | (1 << 24) | (3 << 22) | (3 << 16) | (1 << 15) | (1 << 6) | 0x06) >>> 0);
    expect(s.hpfar).toBe(BigInt(MMIO_IPA / PAGE) << 4n);
  });

  it('an access spanning two device pages makes progress (found by the hostile test: it used to retry forever)', () => {
    const f = makeCore();
    const vm = makeVm(f, { code: [...prologue(), ...A.mov(1, MMIO_IPA + PAGE - 4), A.ldr(0, 1), ...powerOff(0)] });
    expect(f.core.ioremap(vm.id, MMIO_IPA + PAGE, PAGE).ok).toBe(true);
    expect(runToExit(f, vm.id, 10_000)).toMatchObject({ reason: 'system-off' });
    expect(f.core.stage2Faults(vm.id, 0).map((x) => x.ipa)).toEqual([MMIO_IPA, MMIO_IPA + PAGE]); // IPA pages (HPFAR granularity)
  });

  it('nothing reachable from the host side holds the RAM buffer, a Cpu, a Memory or an engine', async () => {
    const { runVmGuest } = await import('./run_vm.js');
    const { Cpu } = await import('../../src/cpu/state.js');
    const { Memory } = await import('../../src/mem/memory.js');
    const { SysEnv } = await import('../../src/sys/env.js');
    const r = await runVmGuest('hello', 'krustvm');
    const seen = new Set<unknown>();
    const bad: string[] = [];
    // Everything reachable through properties (closures and #private fields are not reachable).
    const walk = (o: unknown, path: string) => {
      if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) return;
      seen.add(o);
      if (o instanceof Cpu || o instanceof Memory || o instanceof SysEnv) { bad.push(path); return; }
      if (o instanceof ArrayBuffer && o.byteLength >= r.machine.core.physBytes) { bad.push(path); return; }
      if (ArrayBuffer.isView(o)) { if (o.buffer.byteLength >= r.machine.core.physBytes) bad.push(path); return; }
      for (const k of Reflect.ownKeys(o)) {
        const d = Object.getOwnPropertyDescriptor(o, k);
        if (d && 'value' in d) walk(d.value, `${path}.${String(k)}`);
        else if (d?.get && typeof o === 'object') { try { walk((o as Record<string | symbol, unknown>)[k], `${path}.${String(k)}`); } catch { /* a getter that refuses */ } }
      }
      const proto = Object.getPrototypeOf(o);
      if (proto && proto !== Object.prototype && proto !== Function.prototype) walk(proto, `${path}.__proto__`);
    };
    walk(r.machine, 'machine');
    expect(bad).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });

  it('setCntvoff programs the virtual counter offset of every vCPU', async () => {
    const { TIMER_REG } = await import('../../devices/timer.js');
    const f = makeCore();
    const vm = makeVm(f, { code: [A.b(0)] });
    expect(f.core.setCntvoff(vm.id, 0x1234n).ok).toBe(true);
    expect(f.timer.read(0, TIMER_REG.CNTVOFF_EL2)).toBe(0x1234n);
  });
});
