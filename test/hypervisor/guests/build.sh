#!/bin/sh
# Builds the hypervisor tests' own bare-metal guests (*.c here) with the runtime of
# test/baremetal (start.S, lib.c, link.ld; the Pi 4 board). The .elf files are committed.
# Needs aarch64-linux-gnu-gcc (Debian gcc-aarch64-linux-gnu).
set -eu
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
RT=../../baremetal/src
CFLAGS="-O2 -march=armv8-a -mgeneral-regs-only -ffreestanding -fno-pic -fno-stack-protector -nostdlib -static -Wall -Wextra -Wno-main -I$RT -T $RT/link.ld -Wl,--build-id=none -s"
for c in *.c; do
  t=${c%.c}
  $CC $CFLAGS -o "$t.elf" "$RT/start.S" "$RT/lib.c" "$c" 2>&1 | grep -v 'LOAD segment with RWX' >&2 || true
  echo "built $t.elf"
done
