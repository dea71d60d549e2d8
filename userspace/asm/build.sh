#!/usr/bin/env bash
# Build the hand-written i386 programs in userspace/asm/ into static ELF32
# executables: every *.asm with `nasm -f elf32`, every *.S (GNU as, AT&T
# syntax) with `as --32`, each linked alone with `ld -m elf_i386`.
#   usage: bash userspace/asm/build.sh OUT_DIR
# Works from any current directory. OUT_DIR receives only the executables
# (object files go to a temporary directory that is removed afterwards).
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
OUT_DIR="$(cd "$1" && pwd)"
OBJ_DIR="$(mktemp -d)"
trap 'rm -rf "$OBJ_DIR"' EXIT

shopt -s nullglob
built=0

for src in "$SRC_DIR"/*.asm; do
    name="$(basename "$src" .asm)"
    nasm -f elf32 -o "$OBJ_DIR/$name.o" "$src"
    ld -m elf_i386 -o "$OUT_DIR/$name" "$OBJ_DIR/$name.o"
    built=$((built + 1))
done

for src in "$SRC_DIR"/*.S; do
    name="$(basename "$src" .S)"
    as --32 -o "$OBJ_DIR/$name.o" "$src"
    ld -m elf_i386 -o "$OUT_DIR/$name" "$OBJ_DIR/$name.o"
    built=$((built + 1))
done

if [ "$built" -eq 0 ]; then
    echo "$0: no sources found in $SRC_DIR" >&2
    exit 1
fi
echo "built $built programs in $OUT_DIR"
