#!/bin/sh
# Records the expected output of the differential guests from qemu-aarch64 (-cpu cortex-a72,
# the CPU krustvm models) into expected/. Review the diff before committing: these files are
# what the tests hold krustvm to. Run from anywhere; guests run with this folder as cwd.
# Known, deliberate difference: for an undefined instruction Linux reports SIGILL with
# si_code ILL_ILLOPC (1) (arch/arm64/kernel/traps.c, do_el0_undef); qemu 7.2 says ILL_ILLOPN (2).
set -eu
cd "$(dirname "$0")"
Q="qemu-aarch64 -cpu cortex-a72"
mkdir -p expected
$Q bin/sysraw data.txt > expected/sysraw.txt || test $? = 3
$Q bin/sigraw | sed 's/signo=4 code=2/signo=4 code=1/' > expected/sigraw.txt
env -i HOME=/root $Q bin/sysc . > expected/sysc.txt 2>/dev/null || test $? = 5
$Q bin/sigjmp > expected/sigjmp.txt || test $? = 7
$Q bin/timer > expected/timer.txt
# The disassembler's reference: GNU objdump (section headers, symbols and all).
aarch64-linux-gnu-objdump -d bin/stack > expected/stack.objdump
ls -l expected
