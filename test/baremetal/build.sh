#!/bin/sh
# Builds the bare-metal test guests in src/ into bin/ (ELF, loaded at their physical addresses).
# The binaries are committed, so `npm test` needs no cross compiler; rerun after changing src/.
# Needs: aarch64-linux-gnu-gcc.
set -eu
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
CFLAGS="-O2 -march=armv8-a -mgeneral-regs-only -ffreestanding -fno-pic -fno-stack-protector -nostdlib -static -Wall -Wextra -Wno-main -T src/link.ld -Wl,--build-id=none"
mkdir -p bin
for t in ${TESTS:-hello exc mmu timer smp fp}; do
  [ -f "src/$t.c" ] || continue
  $CC $CFLAGS -o "bin/$t.elf" src/start.S src/lib.c "src/$t.c"
done
ls -l bin
