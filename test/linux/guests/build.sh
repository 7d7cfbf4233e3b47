#!/bin/sh
# Builds the Linux user-mode test guests into bin/ (static arm64 executables). The binaries are
# committed, so `npm test` needs no cross compiler; rerun this after changing a source.
# Needs aarch64-linux-gnu-gcc and the arm64 static glibc (Debian: gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross).
set -eu
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
# -nostdlib guests: general registers only, so they need no FP/SIMD instructions.
NOLIBC="-static -nostdlib -ffreestanding -fno-builtin -O2 -mgeneral-regs-only -fno-stack-protector -march=armv8-a -Wl,-z,max-page-size=4096"
LIBC="-static -O2 -march=armv8-a -Wall -Wextra -Wno-infinite-recursion"
mkdir -p bin

$CC -static -nostdlib -o bin/hello hello.S
$CC -static-pie -nostdlib -Wl,-z,max-page-size=4096 -o bin/hello_pie hello.S
$CC -static -nostdlib -o bin/exitcode exitcode.S
for p in stack sysraw sigraw writefile timer cat; do $CC $NOLIBC -o bin/$p $p.c; done
for p in sysc sigjmp; do $CC $LIBC -o bin/$p $p.c; done
# glibc's static-PIE: relocates itself at the base krustvm picks.
$CC -static-pie -O2 -o bin/pie_glibc hello_dyn.c
# A dynamically linked program, to check that it is refused with a clear message.
$CC -O2 -o bin/dynamic hello_dyn.c
# The small guests keep their symbols (the disasm tests use them); the libc ones are stripped.
aarch64-linux-gnu-strip bin/sysc bin/sigjmp bin/dynamic bin/pie_glibc
ls -l bin
