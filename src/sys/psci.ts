// The firmware model that answers HVC at EL1 until the hypervisor core exists: PSCI 1.0
// (Arm DEN 0022D) with the SMC Calling Convention (function ID in w0, arguments x1..x3, result
// in x0). SMC32 and SMC64 forms are both accepted where PSCI defines both.
import type { SysEnv } from './env.js';

export const PSCI = {
  VERSION: 0x84000000, CPU_SUSPEND: 0x84000001, CPU_OFF: 0x84000002, CPU_ON: 0x84000003,
  AFFINITY_INFO: 0x84000004, MIGRATE_INFO_TYPE: 0x84000006, SYSTEM_OFF: 0x84000008,
  SYSTEM_RESET: 0x84000009, FEATURES: 0x8400000a,
  CPU_SUSPEND64: 0xc4000001, CPU_ON64: 0xc4000003, AFFINITY_INFO64: 0xc4000004,
} as const;

export const PSCI_RET = { SUCCESS: 0, NOT_SUPPORTED: -1, INVALID_PARAMETERS: -2, DENIED: -3, ALREADY_ON: -4, ON_PENDING: -5, INVALID_ADDRESS: -9 } as const;

/** Test convention: SYSTEM_OFF with x2 = EXIT_MAGIC ends the run with exit status x1 & 0xff
 *  (any other SYSTEM_OFF, such as Linux's, exits with 0). */
export const EXIT_MAGIC = 0x6b766d78n; // "kvmx"

/** What PSCI needs from the machine. */
export interface PsciHost {
  /** Starts CPU `target` (an index) at `entry` with x0 = `context`; returns a PSCI status. */
  cpuOn(target: number, entry: bigint, context: bigint): number;
  /** Powers the calling CPU down (does not return: ends its slice). */
  cpuOff(env: SysEnv): never;
  /** 0 on, 1 off, 2 on pending. */
  affinityInfo(target: number): number;
  /** CPU_SUSPEND (standby and powerdown alike): waits like WFI. */
  suspend(env: SysEnv): void;
  systemOff(status: number): never;
  systemReset(): never;
  readonly cpus: number;
}

const SUPPORTED = new Set<number>(Object.values(PSCI));

/** Handles the call in x0..x3 of `env`'s CPU; writes the result to x0. */
export function psciCall(env: SysEnv, host: PsciHost): void {
  const cpu = env.cpu;
  const fn = Number(cpu.getX(0) & 0xffffffffn);
  const x1 = cpu.getX(1), x2 = cpu.getX(2), x3 = cpu.getX(3);
  const ret = (v: number) => cpu.setX(0, BigInt.asUintN(64, BigInt(v)));
  /** MPIDR affinity → CPU index (Aff0 only; higher affinity levels must be zero). */
  const target = (mpidr: bigint): number => {
    const a = mpidr & 0xff00ffffffn;
    return a < BigInt(host.cpus) ? Number(a) : -1;
  };
  switch (fn) {
    case PSCI.VERSION: return ret(0x00010000);
    case PSCI.FEATURES: return ret(SUPPORTED.has(Number(x1 & 0xffffffffn)) ? 0 : PSCI_RET.NOT_SUPPORTED);
    case PSCI.MIGRATE_INFO_TYPE: return ret(2); // no Trusted OS: migration not required
    case PSCI.CPU_ON: case PSCI.CPU_ON64: {
      const t = target(fn === PSCI.CPU_ON ? x1 & 0xffffffffn : x1);
      if (t < 0) return ret(PSCI_RET.INVALID_PARAMETERS);
      const entry = fn === PSCI.CPU_ON ? x2 & 0xffffffffn : x2, ctx = fn === PSCI.CPU_ON ? x3 & 0xffffffffn : x3;
      return ret(host.cpuOn(t, entry, ctx));
    }
    case PSCI.CPU_OFF: return host.cpuOff(env);
    case PSCI.AFFINITY_INFO: case PSCI.AFFINITY_INFO64: {
      if ((x2 & 0xffn) !== 0n) return ret(PSCI_RET.INVALID_PARAMETERS); // only level 0
      const t = target(x1);
      return ret(t < 0 ? PSCI_RET.INVALID_PARAMETERS : host.affinityInfo(t));
    }
    case PSCI.CPU_SUSPEND: case PSCI.CPU_SUSPEND64: ret(0); host.suspend(env); return;
    case PSCI.SYSTEM_OFF: return host.systemOff(x2 === EXIT_MAGIC ? Number(x1 & 0xffn) : 0);
    case PSCI.SYSTEM_RESET: return host.systemReset();
  }
  ret(PSCI_RET.NOT_SUPPORTED);
}
