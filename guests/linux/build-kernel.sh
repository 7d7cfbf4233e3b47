#!/bin/sh
# Builds the krustvm guest kernel from Debian's linux-source-6.1 with gcc-aarch64-linux-gnu.
#   guests/linux/build-kernel.sh [BUILD_DIR]      (default /tmp/krustvm-linux)
# Needs: apt-get install linux-source-6.1 gcc-aarch64-linux-gnu bc bison flex libssl-dev
# Writes guests/linux/Image.gz and guests/linux/kernel.config.full (the resolved .config).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-/tmp/krustvm-linux}
tarball=$(ls /usr/src/linux-source-6.1*.tar.xz | head -n 1)
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
# Reproducible-ish build identity (shows in uname -v / dmesg).
export KBUILD_BUILD_USER=krustvm KBUILD_BUILD_HOST=krustvm KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' KBUILD_BUILD_VERSION=1
mkdir -p "$build"
src="$build/src"
if [ ! -f "$src/Makefile" ]; then
  echo "unpacking $tarball into $build"
  tar -C "$build" -xf "$tarball"
  mv "$build"/linux-source-6.1 "$src"
fi
cd "$src"
make -s tinyconfig
./scripts/kconfig/merge_config.sh -m .config "$here/kernel.config" >/dev/null
make -s olddefconfig
# Every fragment line must have survived (a typo or an unmet dependency would drop it).
missing=0
grep -E '^CONFIG_[A-Z0-9_]+=' "$here/kernel.config" | while IFS= read -r line; do
  key=${line%%=*}; val=${line#*=}
  if [ "$val" = n ]; then grep -q "^$key=" .config && { echo "config: $key still set"; exit 1; } || true
  else grep -qx "$line" .config || { echo "config: $line did not stick (got: $(grep "^$key=" .config || echo unset))"; exit 1; }; fi
done
make -j"$(nproc)" Image
gzip -9n < arch/arm64/boot/Image > "$here/Image.gz"
cp .config "$here/kernel.config.full"
ls -l arch/arm64/boot/Image "$here/Image.gz"
