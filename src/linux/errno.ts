// Linux errno values (asm-generic/errno-base.h and errno.h, which arm64 uses) and the mapping
// from host I/O errors (Node's `err.code` names) to them.

export const E = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9,
  ECHILD: 10, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, ENOTBLK: 15, EBUSY: 16, EEXIST: 17,
  EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25,
  ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, EDOM: 33,
  ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36, ENOLCK: 37, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40,
  ENOMSG: 42, ENODATA: 61, ETIME: 62, EOVERFLOW: 75, EBADFD: 77, EILSEQ: 84, ENOTSOCK: 88,
  EOPNOTSUPP: 95, EAFNOSUPPORT: 97, EADDRINUSE: 98, ECONNREFUSED: 111, ETIMEDOUT: 110,
  ECONNRESET: 104, ENOTCONN: 107, EALREADY: 114, EINPROGRESS: 115, EDQUOT: 122, ECANCELED: 125,
} as const;

export type ErrnoName = keyof typeof E;

const NAMES: string[] = [];
for (const [k, v] of Object.entries(E)) NAMES[v] = k;

/** "ENOENT" for 2 (strace output). */
export function errnoName(n: number): string { return NAMES[n] ?? `E${n}`; }

/** A system call failed with this errno (thrown inside handlers, turned into -errno). */
export class SysError {
  constructor(readonly errno: number) {}
}

/** The guest errno for an exception thrown by a host fs call; undefined if it is not one. */
export function hostErrno(x: unknown): number | undefined {
  const code = (x as { code?: unknown } | null)?.code;
  // Node refusing an argument (an offset past 2^53, say): the guest passed something absurd.
  if (code === 'ERR_OUT_OF_RANGE' || code === 'ERR_INVALID_ARG_VALUE') return E.EINVAL;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return undefined;
  if (code === 'ENOTSUP') return E.EOPNOTSUPP;
  if (code === 'EWOULDBLOCK') return E.EAGAIN;
  return (E as Record<string, number>)[code] ?? E.EIO;
}
