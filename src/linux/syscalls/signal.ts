// Signal system calls: dispositions, the blocked mask, the alternate stack, sending signals to
// ourselves, and returning from a handler.
import { StopRun } from '../../interp/interpreter.js';
import { E } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import {
  NSIG, SI_TKILL, SI_USER, SIG_IGN, SIGKILL, SIGSTOP, SS_DISABLE, SS_ONSTACK, UNBLOCKABLE, bit, type SigInfo,
} from '../signals.js';
import { NO_RESULT, Struct, fail, int, readMem, ulong, writeMem, type SyscallTable } from './util.js';

const SIGPIPE = 13;
/** MINSIGSTKSZ of the arm64 uapi (asm/signal.h): sigaltstack refuses smaller stacks. */
const UAPI_MINSIGSTKSZ = 5120;
const SS_AUTODISARM = 1 << 31;

export const SIGPIPE_INFO = (p: LinuxProcess): SigInfo => ({ signo: SIGPIPE, code: SI_USER, pid: p.pid, uid: p.uid });

const validSig = (s: number) => s >= 1 && s <= NSIG;
function readSigset(p: LinuxProcess, addr: number, size: bigint): bigint {
  if (size !== 8n) fail(E.EINVAL);
  const b = readMem(p, addr, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}
const sigsetBytes = (m: bigint) => new Struct(8).u64(0, m).bytes;

function sendSelf(p: LinuxProcess, sig: number, code: number): number {
  if (sig === 0) return 0;
  if (!validSig(sig)) fail(E.EINVAL);
  const act = p.sig.actions[sig];
  if (act.handler === SIG_IGN && sig !== SIGKILL) return 0;
  p.sig.raise({ signo: sig, code, pid: p.pid, uid: p.uid });
  return 0;
}

export const signalCalls: SyscallTable = {
  129: { name: 'kill', args: 'd,sig', fn: (p, a) => {
    const pid = int(a[0]), sig = int(a[1]);
    if (!validSig(sig) && sig !== 0) fail(E.EINVAL);
    if (pid === p.pid || pid === 0 || pid === -p.pid) return sendSelf(p, sig, SI_USER);
    if (pid === -1) return 0; // everyone but ourselves: there is nobody else
    fail(E.ESRCH);
  } },
  130: { name: 'tkill', args: 'd,sig', fn: (p, a) => {
    if (int(a[0]) !== p.pid) fail(E.ESRCH);
    return sendSelf(p, int(a[1]), SI_TKILL);
  } },
  131: { name: 'tgkill', args: 'd,d,sig', fn: (p, a) => {
    if (int(a[0]) !== p.pid || int(a[1]) !== p.pid) fail(int(a[0]) <= 0 || int(a[1]) <= 0 ? E.EINVAL : E.ESRCH);
    return sendSelf(p, int(a[2]), SI_TKILL);
  } },
  132: { name: 'sigaltstack', args: 'p,p', fn: (p, a) => {
    const st = p.sig;
    const sp = Number(BigInt.asIntN(64, p.cpu.sp));
    const onStack = st.onAltStack(sp);
    const old = new Struct(24).u64(0, st.altstack.sp).i32(8, st.altstack.flags === SS_DISABLE ? SS_DISABLE : onStack ? SS_ONSTACK : 0).u64(16, st.altstack.size);
    if (a[0] !== 0n) {
      const b = readMem(p, ulong(a[0]), 24), dv = new DataView(b.buffer, b.byteOffset, 24);
      const ssp = Number(dv.getBigUint64(0, true)), flags = dv.getInt32(8, true), size = Number(dv.getBigUint64(16, true));
      if (onStack) fail(E.EPERM);
      const mode = flags & ~SS_AUTODISARM;
      if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) fail(E.EINVAL);
      if (mode === SS_DISABLE) st.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
      else {
        if (size < UAPI_MINSIGSTKSZ) fail(E.ENOMEM);
        st.altstack = { sp: ssp, size, flags: 0 };
      }
    }
    if (a[1] !== 0n) writeMem(p, ulong(a[1]), old.bytes);
    return 0;
  } },
  133: { name: 'rt_sigsuspend', args: 'p,u', fn: (p, a) => {
    const mask = readSigset(p, ulong(a[0]), a[1]);
    // The handler runs with the suspend mask; its frame saves (and sigreturn restores) the old one.
    p.sig.suspendMask = p.sig.blocked;
    p.sig.blocked = mask & ~UNBLOCKABLE;
    if (!p.hasDeliverable() && !p.timers.sleep(undefined, () => p.hasDeliverable()))
      throw new StopRun('error', 1, 'guest deadlock: rt_sigsuspend waits for a signal, and nothing can send one');
    return -E.EINTR;
  } },
  134: { name: 'rt_sigaction', args: 'sig,p,p,u', fn: (p, a) => {
    const sig = int(a[0]);
    if (a[3] !== 8n) fail(E.EINVAL);
    if (!validSig(sig) || (a[1] !== 0n && (sig === SIGKILL || sig === SIGSTOP))) fail(E.EINVAL);
    const act = p.sig.actions[sig];
    const old = new Struct(32).u64(0, act.handler).u64(8, act.flags).u64(16, act.restorer).u64(24, act.mask);
    if (a[1] !== 0n) {
      const b = readMem(p, ulong(a[1]), 32), dv = new DataView(b.buffer, b.byteOffset, 32);
      act.handler = dv.getBigUint64(0, true);
      act.flags = dv.getBigUint64(8, true) & 0xffffffffn;
      act.restorer = dv.getBigUint64(16, true);
      act.mask = dv.getBigUint64(24, true) & ~UNBLOCKABLE;
      if (act.handler === SIG_IGN) p.sig.pending = p.sig.pending.filter((s) => s.signo !== sig);
    }
    if (a[2] !== 0n) writeMem(p, ulong(a[2]), old.bytes);
    return 0;
  } },
  135: { name: 'rt_sigprocmask', args: 'how,p,p,u', fn: (p, a) => {
    const old = p.sig.blocked;
    if (a[3] !== 8n) fail(E.EINVAL);
    if (a[1] !== 0n) {
      const how = int(a[0]);
      const set = readSigset(p, ulong(a[1]), a[3]);
      if (how === 0) p.sig.blocked |= set;
      else if (how === 1) p.sig.blocked &= ~set;
      else if (how === 2) p.sig.blocked = set;
      else fail(E.EINVAL);
      p.sig.blocked &= ~UNBLOCKABLE;
    }
    if (a[2] !== 0n) writeMem(p, ulong(a[2]), sigsetBytes(old));
    return 0;
  } },
  136: { name: 'rt_sigpending', args: 'p,u', fn: (p, a) => {
    if (ulong(a[1]) > 8) fail(E.EINVAL);
    writeMem(p, ulong(a[0]), sigsetBytes(p.sig.pendingMask() & p.sig.blocked).subarray(0, ulong(a[1])));
    return 0;
  } },
  137: { name: 'rt_sigtimedwait', args: 'p,p,p,u', fn: (p, a) => {
    const set = readSigset(p, ulong(a[0]), a[3]);
    const i = p.sig.pending.findIndex((s) => (set & bit(s.signo)) !== 0n);
    if (i < 0) {
      if (a[2] !== 0n) return -E.EAGAIN;
      throw new StopRun('error', 1, 'guest deadlock: rt_sigtimedwait waits for a signal, and nothing can send one');
    }
    const info = p.sig.pending.splice(i, 1)[0];
    if (a[1] !== 0n) writeMem(p, ulong(a[1]), new Struct(128).i32(0, info.signo).i32(8, info.code).i32(16, info.pid ?? 0).i32(20, info.uid ?? 0).bytes);
    return info.signo;
  } },
  139: { name: 'rt_sigreturn', fn: (p) => { p.sigreturn(p.nextPc - 4); return NO_RESULT; } },
};
