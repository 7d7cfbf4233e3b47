#!/bin/sh
# Builds guests/linux/initramfs.cpio.gz from Debian's busybox-static:arm64 and guests/linux/init.
#   guests/linux/build-initramfs.sh [BUSYBOX_DEB] [BUILD_DIR]
# BUSYBOX_DEB defaults to the one `apt-get download busybox-static:arm64` leaves in BUILD_DIR
# (default /tmp/krustvm-linux). The archive is written with the kernel's usr/gen_init_cpio
# (compiled from the linux-source-6.1 tree that build-kernel.sh unpacks), so device nodes and
# ownership need no root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-/tmp/krustvm-linux}
mkdir -p "$build"
deb=${1:-}
if [ -z "$deb" ]; then
  deb=$(ls "$build"/busybox-static_*_arm64.deb 2>/dev/null | head -n 1 || true)
  if [ -z "$deb" ]; then (cd "$build" && apt-get download busybox-static:arm64); deb=$(ls "$build"/busybox-static_*_arm64.deb | head -n 1); fi
fi
rm -rf "$build/bb" && mkdir -p "$build/bb"
dpkg-deb -x "$deb" "$build/bb"
bb="$build/bb/bin/busybox"
gic="$build/gen_init_cpio"
[ -x "$gic" ] || cc -O2 -o "$gic" "$build/src/usr/gen_init_cpio.c"
list="$build/initramfs.list"
{
  echo "dir /dev 755 0 0"
  echo "nod /dev/console 600 0 0 c 5 1"
  echo "nod /dev/null 666 0 0 c 1 3"
  for d in /bin /sbin /usr /usr/bin /usr/sbin /proc /sys /tmp /root /etc /mnt /var; do echo "dir $d 755 0 0"; done
  echo "file /bin/busybox $bb 755 0 0"
  echo "file /init $here/init 755 0 0"
  echo "file /etc/profile $here/profile 644 0 0"
  # /init (a script) needs /bin/sh; it installs the other applet links itself.
  echo "slink /bin/sh busybox 777 0 0"
} > "$list"
"$gic" -t 0 "$list" | gzip -9n > "$here/initramfs.cpio.gz"
ls -l "$here/initramfs.cpio.gz"
