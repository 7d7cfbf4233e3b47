#!/bin/sh
# Builds the bare-metal virtio-net guest with the runtime of test/baremetal (start.S, lib.c,
# link.ld) for krustvm's Pi 4-shaped machine. The binary is committed; rerun after changing the
# source. Needs aarch64-linux-gnu-gcc.
set -eu
cd "$(dirname "$0")"
RT=../../baremetal/src
log=$(mktemp)
trap 'rm -f "$log"' EXIT
${CC:-aarch64-linux-gnu-gcc} -O2 -march=armv8-a -mgeneral-regs-only -ffreestanding -fno-pic -fno-stack-protector \
  -nostdlib -static -Wall -Wextra -Wno-main -T $RT/link.ld -Wl,--build-id=none -I$RT \
  -o virtio_net.elf $RT/start.S $RT/lib.c virtio_net.c 2>"$log" || { cat "$log" >&2; exit 1; }
grep -v 'LOAD segment with RWX' "$log" >&2 || true
${STRIP:-aarch64-linux-gnu-strip} virtio_net.elf
