#!/bin/sh
# Builds the guest programs in src/ into bin/ (static arm64 Linux executables, stripped).
# The binaries are committed, so `npm test` needs no cross compiler; rerun this after changing src/.
# Needs: aarch64-linux-gnu-gcc, aarch64-linux-gnu-strip, the arm64 static glibc (libc6-dev-arm64-cross).
set -eu
cd "$(dirname "$0")"
CC=${CC:-aarch64-linux-gnu-gcc}
STRIP=${STRIP:-aarch64-linux-gnu-strip}
# -march=armv8-a: the Cortex-A72 profile krustvm models (no LSE atomics, no SVE).
CFLAGS="-static -Wl,--gc-sections -march=armv8-a -Wall -Wextra -Wno-format-truncation -Wno-infinite-recursion"
mkdir -p bin

build() { # name optflags sources...
  name=$1; opt=$2; shift 2
  $CC $CFLAGS $opt -o "bin/$name" "$@" -lm
  $STRIP "bin/$name"
}

for p in hello printf_ints qsort arith setjmp sha256 crc32 segv abort exit42 argv_env strings float \
         bench_intloop bench_crc32 bench_sha256 bench_fib bench_memcpy; do
  build "$p" -O2 "src/$p.c"
done
# Floating-point benchmarks, and one the compiler vectorises (-O3).
build bench_matmul -O2 src/bench_matmul.c
build bench_fft -O2 src/bench_fft.c
build bench_vector -O3 src/bench_vector.c
# The Crypto Extension (AES, SHA-256) through <arm_neon.h> intrinsics; known answers.
build crypto_aes "-O2 -march=armv8-a+crypto" src/crypto_aes.c
build crypto_sha256 "-O2 -march=armv8-a+crypto" src/crypto_sha256.c
# The C library's string routines at every alignment against guard pages (also built with musl).
build string_align -O2 src/string_align.c
# -O0 builds: a different instruction mix (stack-heavy, no folding) of the same programs.
build arith_O0 -O0 src/arith.c
build setjmp_O0 -O0 src/setjmp.c

# The same kind of programs against musl instead of glibc. MUSL is the root of an unpacked
# musl-dev:arm64 (`apt-get download musl-dev:arm64` and `dpkg-deb -x` it into a folder).
if [ -n "${MUSL:-}" ]; then
  M=$MUSL/usr
  build_musl() { # name sources...
    name=$1; shift
    $CC -O2 -static -nostdlib -nostdinc -isystem "$M/include/aarch64-linux-musl" -isystem "$($CC -print-file-name=include)" \
      "$M/lib/aarch64-linux-musl/crt1.o" "$M/lib/aarch64-linux-musl/crti.o" "$@" "$M/lib/aarch64-linux-musl/libc.a" \
      "$($CC -print-libgcc-file-name)" "$M/lib/aarch64-linux-musl/crtn.o" -o "bin/$name"
    $STRIP "bin/$name"
  }
  build_musl musl_hello src/musl_hello.c
  build_musl musl_arith src/arith.c
  build_musl musl_qsort src/qsort.c
  build_musl musl_sha256 src/sha256.c
  build_musl musl_string_align src/string_align.c
else
  echo "MUSL not set: musl programs not rebuilt" >&2
fi

# Raw syscalls, no libc.
$CC -nostdlib -static -o bin/sysasm src/sysasm.S
$STRIP bin/sysasm

ls -l bin
