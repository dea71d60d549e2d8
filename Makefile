# Build, run and test the kernel. `make run` and `make test` are all a user
# needs; both install what is missing first (scripts/setup).

CARGO        ?= cargo
TARGET       := i686-kernel.json
BUILD_STD    := -Zbuild-std=core,compiler_builtins,alloc -Zbuild-std-features=compiler-builtins-mem
KCARGO       := $(CARGO) --config 'build.target="$(TARGET)"'
PROFILE      := release
KERNEL_BIN   := target/i686-kernel/$(PROFILE)/kernel
KERNEL       := build/kernel.elf
ISO          := build/kernel.iso
INITRD       ?= build/initramfs.cpio
CMDLINE      ?=
QEMU         := qemu-system-i386
QEMU_FLAGS   := -m 128M -serial mon:stdio -display none -no-reboot \
                -device isa-debug-exit,iobase=0xf4,iosize=0x04 -accel tcg
# isa-debug-exit: 33 is the kernel's normal power-off, 35 a failure, 37 a panic.
QEMU_STATUS  := status=$$?; if [ $$status -eq 33 ]; then exit 0; else echo "QEMU exit status $$status (35: failure, 37: kernel panic)"; exit $$status; fi

.PHONY: all kernel userspace initramfs run iso run-iso gdb test test-kernel test-boot \
        fmt fmt-check clippy clean setup debian run-debian bench insn-profile trace-path gdb-path docs conformance grade fuzz

all: kernel

setup:
	@scripts/setup

kernel: setup
	$(CARGO) build --release -p kernel --bin kernel --target $(TARGET) $(BUILD_STD)
	@mkdir -p build
	cp $(KERNEL_BIN) $(KERNEL)

userspace: setup
	scripts/build-userspace

initramfs: userspace
	scripts/mkinitramfs $(INITRD)

# The second initramfs: real Debian i386 programs (scripts/mkdebianroot).
debian: userspace
	scripts/mkdebianroot build/debian.cpio userspace/debian

run-debian: kernel debian
	@echo "QEMU: Debian's dash on the serial console; quit with Ctrl-A X"
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL) -initrd build/debian.cpio -append 'init=/bin/dash -- -i'; $(QEMU_STATUS)

run: kernel initramfs
	@echo "QEMU: serial console on this terminal; quit with Ctrl-A X"
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL) -initrd $(INITRD) -append '$(CMDLINE)'; $(QEMU_STATUS)

iso: kernel initramfs
	scripts/mkiso $(KERNEL) $(INITRD) $(ISO) '$(CMDLINE)'

run-iso: iso
	$(QEMU) $(QEMU_FLAGS) -cdrom $(ISO); $(QEMU_STATUS)

gdb: kernel initramfs
	@echo "QEMU waits for gdb on :1234"
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL) -initrd $(INITRD) -append '$(CMDLINE)' -s -S & \
	  gdb -q $(KERNEL) -ex 'target remote :1234' -ex 'break kernel_init' -ex 'continue'; \
	  kill %1 2>/dev/null || true

test: setup
	scripts/run-tests

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all --check

clippy: setup
	$(CARGO) clippy --release -p kernel --target $(TARGET) $(BUILD_STD) --all-targets -- -D warnings
	$(CARGO) clippy --release -p rt -p programs --target $(TARGET) $(BUILD_STD) -- -D warnings
	$(CARGO) clippy -p abi --all-targets -- -D warnings

bench: setup
	scripts/bench

# Where one operation's guest instructions go, function by function:
# make insn-profile OP=fork (or exec); LINUX=1 for Linux's.
insn-profile: setup
	scripts/insn-profile $(if $(LINUX),--linux) $(or $(OP),fork)

# The labs' graders (docs/labs/): make grade, or make grade LAB=sysfs.
grade: setup
	scripts/grade $(LAB)

# Linux's x86 and vDSO selftests, then BusyBox's own test suite, on our
# kernel and on Debian's i386 Linux (CONFORMANCE_TESTS=REGEX,
# CONFORMANCE_CPU=max; CONFORMANCE_TESTS=busybox for BusyBox's alone).
conformance: setup
	scripts/conformance

# A million random system calls through all three entry paths
# (FUZZ_CALLS=N, FUZZ_SEED=S to replay); make test runs a short slice.
fuzz: setup
	scripts/fuzz

# Every instruction one getpid executes, per entry path (gdb single-steps).
trace-path: setup
	scripts/trace-path

# The book: docs/ as an mdBook in build/book/ (mdbook installed with
# cargo install the first time).
docs:
	@command -v mdbook >/dev/null || cargo install mdbook --locked --version ^0.4
	scripts/figures docs/figures
	mdbook build

# gdb steps through entry_SYSENTER_32 and entry_INT80_32 for the seeds'
# write, saying which PtRegs slot each push fills (docs/syscall-path.md).
gdb-path: setup
	scripts/gdb-path

clean:
	$(CARGO) clean
	rm -rf build
