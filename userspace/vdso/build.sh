#!/usr/bin/env bash
# userspace/vdso/build.sh -- build the one-page vDSO and the symbol table the
# kernel needs to use it.
#
#   usage: bash userspace/vdso/build.sh OUT_SO OUT_RS
#
#   OUT_SO  the vDSO image: an ELF32 shared object (linux-gate.so.1), linked
#           at address 0, at most 4096 bytes; the kernel include_bytes!-es it
#           and maps it into every process.
#   OUT_RS  generated Rust: the offsets (from the start of the image) of
#           __kernel_vsyscall, the int80 landing pad and the sysenter
#           instruction, read from the linked file with nm, the way Linux's
#           vdso2c does.
#
# Needs only binutils (as, ld, nm, readelf) and coreutils; works from any
# current directory. Fails loudly (non-zero exit, message on stderr) if the
# image is too big, has the wrong shape, needs relocation, or lacks a symbol.
set -euo pipefail

die() {
    echo "vdso/build.sh: error: $*" >&2
    exit 1
}

[ "$#" -eq 2 ] || { echo "usage: $0 OUT_SO OUT_RS" >&2; exit 2; }
OUT_SO="$1"
OUT_RS="$2"

for tool in as ld nm readelf od objcopy; do
    command -v "$tool" >/dev/null || die "'$tool' not found (install binutils)"
done
# Any gcc that can compile for i386 (compiling needs no 32-bit libraries).
VDSO_CC="${VDSO_CC:-gcc}"
command -v "$VDSO_CC" >/dev/null || die "'$VDSO_CC' not found (install gcc, or set VDSO_CC)"

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

PAGE_SIZE=4096

# 1. Assemble and link. Address 0, one page, no build-id note (keeps the
#    image reproducible), both .hash (what old loaders and musl read) and
#    .gnu.hash (what glibc prefers), like Linux's vdso32.
as --32 -o "$TMP/vdso.o" "$SRC_DIR/vdso.S"
# The clock functions are C, as Linux's: freestanding, position-independent,
# no libgcc (vclock_gettime.c divides with divl itself), no stack protector
# or CET notes, and no SSE (the vDSO runs on the caller's FPU state).
"$VDSO_CC" -m32 -march=i686 -O2 -fPIC -ffreestanding -fno-builtin -fno-stack-protector \
    -fcf-protection=none -mno-sse -mno-mmx -fno-jump-tables -fno-common \
    -Wall -Wextra -Werror -c -o "$TMP/vclock_gettime.o" "$SRC_DIR/vclock_gettime.c"
ld -m elf_i386 -shared -T "$SRC_DIR/vdso.lds" \
    --hash-style=both -soname linux-gate.so.1 --build-id=none \
    --eh-frame-hdr -z max-page-size=$PAGE_SIZE -z noexecstack \
    --no-undefined \
    -o "$TMP/vdso.so" "$TMP/vdso.o" "$TMP/vclock_gettime.o"
SO="$TMP/vdso.so"

# 2. Check the shape of the image. The page is the file without its
#    .symtab (Linux's vdso2c image is stripped too): the local symbols stay
#    in the unstripped copy, for nm below and for gdb (OUT_SO.dbg).
objcopy --strip-all "$SO" "$TMP/vdso.stripped"
size=$(stat -c %s "$TMP/vdso.stripped")
[ "$size" -le "$PAGE_SIZE" ] || die "vdso.so is $size bytes, more than one page ($PAGE_SIZE)"

hdr=$(readelf -h "$SO")
grep -q 'Class:[[:space:]]*ELF32' <<<"$hdr"               || die "not ELF32"
grep -q 'Type:[[:space:]]*DYN' <<<"$hdr"                   || die "not a shared object (ET_DYN)"
grep -q 'Machine:[[:space:]]*Intel 80386' <<<"$hdr"        || die "not EM_386"

phdrs=$(readelf -lW "$SO")
nload=$(grep -c '^[[:space:]]*LOAD[[:space:]]' <<<"$phdrs" || true)
[ "$nload" -eq 1 ] || die "expected exactly one PT_LOAD, found $nload"
grep -q '^[[:space:]]*DYNAMIC[[:space:]]' <<<"$phdrs" || die "no PT_DYNAMIC"
# LOAD  Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align   (Flg may be "R E")
read -r l_off l_vaddr l_filesz l_memsz l_flags < <(awk '$1 == "LOAD" {
    f = ""; for (i = 7; i < NF; i++) f = f $i; print $2, $3, $5, $6, f }' <<<"$phdrs")
[ $((l_off)) -eq 0 ] && [ $((l_vaddr)) -eq 0 ] \
    || die "PT_LOAD must start at file offset 0 and address 0 (got offset $l_off, vaddr $l_vaddr)"
[ $((l_filesz)) -eq $((l_memsz)) ] || die "PT_LOAD has bss (filesz $l_filesz != memsz $l_memsz)"
[ $((l_memsz)) -le $PAGE_SIZE ] || die "PT_LOAD is $((l_memsz)) bytes, more than one page"
[ "$l_flags" = "RE" ] || die "PT_LOAD flags are '$l_flags', expected R E (read+execute, not writable)"

# The page is mapped wherever the kernel likes and nobody relocates it.
relocs=$(readelf -rW "$SO")
grep -q 'There are no relocations in this file' <<<"$relocs" \
    || die "vdso.so needs relocations; it must be position-independent without them:
$relocs"

# __kernel_vsyscall must be exported, as a function, with version LINUX_2.5.
dynsyms=$(readelf --dyn-syms -W "$SO")
grep -Eq '[[:space:]]FUNC[[:space:]]+GLOBAL[[:space:]]+DEFAULT[[:space:]]+[0-9]+[[:space:]]+__kernel_vsyscall@@LINUX_2\.5$' <<<"$dynsyms" \
    || die "__kernel_vsyscall@@LINUX_2.5 (FUNC GLOBAL) missing from .dynsym:
$dynsyms"
grep -q 'Library soname: \[linux-gate.so.1\]' <<<"$(readelf -dW "$SO")" || die "DT_SONAME is not linux-gate.so.1"

# 3. Symbol offsets (st_value == offset in the image, since we link at 0).
sym() {
    local v
    v=$(nm "$SO" | awk -v s="$1" '$3 == s { print $1 }')
    [ -n "$v" ] || die "symbol '$1' missing from vdso.so (nm)"
    [ "$(wc -l <<<"$v")" -eq 1 ] || die "symbol '$1' defined more than once"
    echo $((16#$v))
}
vsyscall=$(sym __kernel_vsyscall)
sysenter=$(sym vdso_sysenter)
landing=$(sym int80_landing_pad)
# The vvar page's fixed-point scale, which the kernel must use too.
shift=$(awk '$1 == "#define" && $2 == "VVAR_SHIFT" { print $3 }' "$SRC_DIR/vvar.h")
[ -n "$shift" ] || die "VVAR_SHIFT missing from vvar.h"
sigreturn=$(sym __kernel_sigreturn)
rt_sigreturn=$(sym __kernel_rt_sigreturn)

# 4. Check the code is exactly Linux's sequence, and where the symbols say:
#    51 push %ecx; 52 push %edx; 55 push %ebp; 89 e5 mov %esp,%ebp;
#    0f 34 sysenter; cd 80 int $0x80; 5d pop %ebp; 5a pop %edx; 59 pop %ecx; c3 ret
expect="51 52 55 89 e5 0f 34 cd 80 5d 5a 59 c3"
got=$(od -An -tx1 -v -j "$vsyscall" -N 13 "$SO" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
[ "$got" = "$expect" ] || die "__kernel_vsyscall bytes are '$got', expected '$expect'"
[ "$sysenter" -eq $((vsyscall + 5)) ] || die "vdso_sysenter is not at __kernel_vsyscall+5"
[ "$landing" -eq $((vsyscall + 9)) ] || die "int80_landing_pad is not at __kernel_vsyscall+9"
[ "$landing" -lt "$size" ] || die "landing pad outside the image"

# 5. Write the outputs (via temporary files, so a failed run leaves no
#    half-written file behind).
mkdir -p "$(dirname "$OUT_SO")" "$(dirname "$OUT_RS")"
cp "$SO" "$OUT_SO.dbg"
cp "$TMP/vdso.stripped" "$OUT_SO.tmp.$$"
mv -f "$OUT_SO.tmp.$$" "$OUT_SO"

{
    echo "// Generated by userspace/vdso/build.sh; do not edit."
    echo "// Offsets from the start of the vDSO image (linked at address 0),"
    echo "// read from the linked vdso.so with nm, like Linux's vdso2c."
    echo
    echo "/// \`__kernel_vsyscall\`: AT_SYSINFO = vDSO base + this."
    printf 'pub const VDSO_SYM___KERNEL_VSYSCALL: usize = 0x%x;\n' "$vsyscall"
    echo "/// The landing pad (\`pop %ebp; pop %edx; pop %ecx; ret\`): every SYSENTER"
    echo "/// returns here (SYSEXIT EDX, or the iret frame's EIP)."
    printf 'pub const VDSO_SYM_INT80_LANDING_PAD: usize = 0x%x;\n' "$landing"
    echo "/// The \`sysenter\` instruction inside \`__kernel_vsyscall\`."
    printf 'pub const VDSO_SYM_SYSENTER: usize = 0x%x;\n' "$sysenter"
    echo "/// The signal trampolines (\`popl %eax; movl \$119, %eax; int \$0x80\` and"
    echo "/// \`movl \$173, %eax; int \$0x80\`), the default restorers."
    printf 'pub const VDSO_SYM___KERNEL_SIGRETURN: usize = 0x%x;\n' "$sigreturn"
    printf 'pub const VDSO_SYM___KERNEL_RT_SIGRETURN: usize = 0x%x;\n' "$rt_sigreturn"
    echo "/// \`VVAR_SHIFT\` of vvar.h: the vvar page's nanoseconds are shifted by it."
    printf 'pub const VVAR_SHIFT: u32 = %d;\n' "$shift"
} > "$OUT_RS.tmp.$$"
mv -f "$OUT_RS.tmp.$$" "$OUT_RS"
