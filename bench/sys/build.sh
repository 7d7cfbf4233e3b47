#!/bin/sh
# Builds the system-mode benchmark (bench/sys.ts): the same kernels (kernels.c, identical flags)
#   bin/sysbench-user   a static Linux program (krustvm run / qemu-aarch64)
#   bin/sysbench.elf    a bare-metal guest on the test/baremetal runtime (krustvm boot --mode bare)
# The binaries are committed; rerun after changing the sources. Needs aarch64-linux-gnu-gcc.
set -eu
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
KFLAGS="-O2 -march=armv8-a -mgeneral-regs-only -fno-builtin -fno-tree-loop-distribute-patterns -Wall -Wextra"
RT=../../test/baremetal/src
mkdir -p bin
$CC $KFLAGS -c -o bin/kernels.o kernels.c
$CC $KFLAGS -static -o bin/sysbench-user user.c bin/kernels.o
$CC $KFLAGS -ffreestanding -fno-pic -fno-stack-protector -nostdlib -static -Wno-main -T $RT/link.ld -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
  -o bin/sysbench.elf $RT/start.S $RT/lib.c bare.c bin/kernels.o
rm -f bin/kernels.o
aarch64-linux-gnu-strip bin/sysbench-user bin/sysbench.elf
echo "built bench/sys/bin/sysbench-user, bench/sys/bin/sysbench.elf"
