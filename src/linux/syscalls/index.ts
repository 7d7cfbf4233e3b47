// The system call table of arm64 Linux (numbers from asm-generic/unistd.h), assembled from the
// modules by area. A number missing here fails with ENOSYS.
import { fdCalls } from './fdctl.js';
import { fsCalls } from './fs.js';
import { mmCalls } from './mm.js';
import { rwCalls } from './rw.js';
import { procCalls } from './proc.js';
import { signalCalls } from './signal.js';
import { timeCalls } from './time.js';
import type { SyscallTable } from './util.js';

export { NO_RESULT, type SyscallDef, type SysRet } from './util.js';

export const SYSCALLS: SyscallTable = { ...fsCalls, ...rwCalls, ...fdCalls, ...mmCalls, ...procCalls, ...signalCalls, ...timeCalls };
