#!/bin/sh
# Builds the bare-metal test guests in src/ for both boards:
#   bin/*.elf       krustvm's Pi 4-shaped machine (RAM at 0, PL011 0xfe201000, GIC-400 0xff841000)
#   bin/virt/*.elf  qemu-system-aarch64 -M virt,gic-version=2 (RAM at 0x40000000; -DBOARD_VIRT)
# The binaries are committed, so `npm test` needs no cross compiler; rerun after changing src/.
# A rebuilt binary replaces the committed one only if its stripped form differs: the symbol table
# names a random temporary file for start.S, so an unchanged guest keeps its bytes.
# Needs: aarch64-linux-gnu-gcc (and -strip). BOARDS="pi4 virt" and TESTS="hello …" select.
set -eu
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
STRIP=${STRIP:-aarch64-linux-gnu-strip}
CFLAGS="-O2 -march=armv8-a -mgeneral-regs-only -ffreestanding -fno-pic -fno-stack-protector -nostdlib -static -Wall -Wextra -Wno-main -T src/link.ld -Wl,--build-id=none"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for board in ${BOARDS:-pi4 virt}; do
  case $board in
    pi4) out=bin; flags= ;;
    virt) out=bin/virt; flags="-DBOARD_VIRT -Wl,--defsym=LOAD_ADDR=0x40200000" ;;
    *) echo "unknown board $board" >&2; exit 1 ;;
  esac
  mkdir -p "$out"
  for t in ${TESTS:-hello exc mmu timer smp fp idregs gic uart serror}; do
    [ -f "src/$t.c" ] || continue
    # shellcheck disable=SC2086
    $CC $CFLAGS $flags -o "$tmp/$t.elf" src/start.S src/lib.c "src/$t.c" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
    grep -v 'LOAD segment with RWX' "$tmp/log" >&2 || true
    if [ -f "$out/$t.elf" ]; then
      $STRIP -o "$tmp/new" "$tmp/$t.elf"; $STRIP -o "$tmp/old" "$out/$t.elf"
      cmp -s "$tmp/new" "$tmp/old" && continue
    fi
    cp "$tmp/$t.elf" "$out/$t.elf"
    echo "built $out/$t.elf"
  done
done
