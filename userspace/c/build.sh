#!/usr/bin/env bash
# Build the C test programs in userspace/c/ twice, as real Linux programs
# do: static musl (i386-linux-musl-gcc) and static glibc (i686-linux-gnu-gcc,
# or gcc -m32 with gcc-multilib). X.c becomes OUT_DIR/c_X_musl and
# OUT_DIR/c_X_glibc, stripped. A libc whose toolchain is missing is skipped
# with a message (scripts/setup installs both), never a failure.
#   usage: bash userspace/c/build.sh OUT_DIR
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
OUT_DIR="$(cd "$1" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
CFLAGS=(-static -O2 -s -Wall -Wextra -Werror)

printf '#include <errno.h>\n#include <stdio.h>\nint main(void){return errno;}\n' > "$TMP/probe.c"
# Is this compiler able to link a static i386 executable? (prints nothing)
works() { "$@" -static -o "$TMP/probe" "$TMP/probe.c" >/dev/null 2>&1; }

declare -A cc=()
if command -v i386-linux-musl-gcc >/dev/null && works i386-linux-musl-gcc; then
    cc[musl]="i386-linux-musl-gcc"
fi
if command -v i686-linux-gnu-gcc >/dev/null && works i686-linux-gnu-gcc; then
    cc[glibc]="i686-linux-gnu-gcc"
elif works gcc -m32; then
    cc[glibc]="gcc -m32"
fi

built=0
for libc in musl glibc; do
    if [ -z "${cc[$libc]:-}" ]; then
        echo "build-userspace: no static i386 $libc toolchain, skipping the c_*_$libc programs (run scripts/setup)" >&2
        continue
    fi
    for src in "$SRC_DIR"/*.c; do
        name="$(basename "$src" .c)"
        ${cc[$libc]} "${CFLAGS[@]}" -o "$OUT_DIR/c_${name}_$libc" "$src"
        built=$((built + 1))
    done
done
# A static PIE (ET_DYN, no interpreter), which the kernel loads at its PIE
# base: glibc builds one; musl's gcc wrapper makes a dynamic PIE instead.
if [ -n "${cc[glibc]:-}" ] && ${cc[glibc]} -static-pie -fPIE -O2 -s -o "$OUT_DIR/c_hello_pie_glibc" "$SRC_DIR/hello.c" 2>/dev/null; then
    built=$((built + 1))
fi
# Dynamically linked programs (PT_INTERP /lib/ld-linux.so.2 for glibc,
# /lib/ld-musl-i386.so.1 for musl): c_X_dyn_LIBC, run with the loaders
# and libraries scripts/mkinitramfs installs at Debian's paths.
for libc in musl glibc; do
    [ -n "${cc[$libc]:-}" ] || continue
    for name in hello dynlink; do
        if ${cc[$libc]} -O2 -s -Wall -Wextra -Werror -o "$OUT_DIR/c_${name}_dyn_$libc" "$SRC_DIR/$name.c"; then
            built=$((built + 1))
        else
            echo "build-userspace: cannot link $name dynamically against $libc, skipping c_${name}_dyn_$libc" >&2
        fi
    done
done
echo "built $built C programs in $OUT_DIR"
