#!/bin/sh
# Builds guests/linux/initramfs.cpio.gz from Debian's busybox-static:arm64, netperf:arm64 (with
# the three glibc files it needs from libc6:arm64) and guests/linux/init.
#   guests/linux/build-initramfs.sh [BUSYBOX_DEB] [BUILD_DIR]
# The .debs default to the ones in BUILD_DIR (default /tmp/krustvm-linux), downloaded there when
# missing:
#  - busybox-static and libc6: `apt-get download busybox-static:arm64 libc6:arm64` (needs
#    `dpkg --add-architecture arm64` and `apt-get update` once);
#  - netperf is in Debian's non-free component, which this machine's apt sources leave out. It is
#    fetched with a private apt configuration under BUILD_DIR/apt (its own sources list with
#    `deb … bookworm non-free`, its own lists and cache), so the machine's apt state is not
#    touched: see fetch_netperf below.
# The archive is written with the kernel's usr/gen_init_cpio (compiled from the linux-source-6.1
# tree that build-kernel.sh unpacks), so device nodes and ownership need no root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-/tmp/krustvm-linux}
mkdir -p "$build"
cd "$build"
build=$(pwd)

# netperf:arm64 from bookworm non-free, through a private apt configuration.
fetch_netperf() {
  a="$build/apt"
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
  echo 'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm non-free' > "$a/sources.list"
  set -- -o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache" -o Dir::State::status=/dev/null \
    -o APT::Architecture=arm64 -o APT::Architectures::=arm64
  apt-get "$@" update
  apt-get "$@" download netperf:arm64
}

deb_in_build() { ls "$build"/"$1"_*_arm64.deb 2>/dev/null | head -n 1 || true; }
bbdeb=${1:-$(deb_in_build busybox-static)}
[ -n "$bbdeb" ] || { apt-get download busybox-static:arm64; bbdeb=$(deb_in_build busybox-static); }
libcdeb=$(deb_in_build libc6)
[ -n "$libcdeb" ] || { apt-get download libc6:arm64; libcdeb=$(deb_in_build libc6); }
npdeb=$(deb_in_build netperf)
[ -n "$npdeb" ] || { fetch_netperf; npdeb=$(deb_in_build netperf); }

for d in bb libc netperf; do rm -rf "$build/$d"; mkdir -p "$build/$d"; done
dpkg-deb -x "$bbdeb" "$build/bb"
dpkg-deb -x "$libcdeb" "$build/libc"
dpkg-deb -x "$npdeb" "$build/netperf"
bb="$build/bb/bin/busybox"
libdir="$build/libc/lib/aarch64-linux-gnu"
gic="$build/gen_init_cpio"
[ -x "$gic" ] || cc -O2 -o "$gic" "$build/src/usr/gen_init_cpio.c"
list="$build/initramfs.list"
{
  echo "dir /dev 755 0 0"
  echo "nod /dev/console 600 0 0 c 5 1"
  echo "nod /dev/null 666 0 0 c 1 3"
  for d in /bin /sbin /usr /usr/bin /usr/sbin /proc /sys /tmp /root /etc /mnt /var /lib /lib/aarch64-linux-gnu; do echo "dir $d 755 0 0"; done
  echo "file /bin/busybox $bb 755 0 0"
  echo "file /init $here/init 755 0 0"
  echo "file /etc/profile $here/profile 644 0 0"
  # /init (a script) needs /bin/sh; it installs the other applet links itself.
  echo "slink /bin/sh busybox 777 0 0"
  # netperf and netserver (dynamic, glibc): the loader at its PT_INTERP path, libc and libm
  # where Debian's loader looks first.
  echo "file /usr/bin/netperf $build/netperf/usr/bin/netperf 755 0 0"
  echo "file /usr/bin/netserver $build/netperf/usr/bin/netserver 755 0 0"
  for f in ld-linux-aarch64.so.1 libc.so.6 libm.so.6; do echo "file /lib/aarch64-linux-gnu/$f $libdir/$f 755 0 0"; done
  echo "slink /lib/ld-linux-aarch64.so.1 aarch64-linux-gnu/ld-linux-aarch64.so.1 777 0 0"
  # glibc's name lookups read these (numeric addresses need none, but `netperf -H name` does).
  printf '127.0.0.1 localhost\n' > "$build/hosts"
  printf 'hosts: files\nservices: files\n' > "$build/nsswitch.conf"
  echo "file /etc/hosts $build/hosts 644 0 0"
  echo "file /etc/nsswitch.conf $build/nsswitch.conf 644 0 0"
} > "$list"
"$gic" -t 0 "$list" | gzip -9n > "$here/initramfs.cpio.gz"
ls -l "$here/initramfs.cpio.gz"
