# KOZO top-level Makefile.  `make` builds build/$(ARCH)/kozo.elf.
# Each part of the tree has its fragment in mk/; this file only wires them.
ARCH ?= x86_64
ARCHES := x86_64 aarch64
BUILD := build/$(ARCH)
HOSTBUILD := build/host

export LC_ALL := C
export TZ := UTC

.PHONY: all run debug test bench preflight deps compile_commands clean
all: kernel

include mk/toolchain.mk
include mk/kernel.mk
include mk/user.mk
include mk/host.mk
include mk/tools.mk
include mk/fuzz.mk
include mk/linux.mk

# Boot KOZO in QEMU with the Init shell on this terminal (Ctrl-A X leaves).
run: deps kernel tools
	scripts/kozo-run $(ARCH)

# QEMU stopped at the first instruction, waiting for gdb on :1234.
debug: deps kernel
	scripts/kozo-run --debug $(ARCH)

# Everything a change must pass; ends with "N passed, N failed".
test: deps
	scripts/test.sh

bench: deps
	scripts/bench.sh

preflight:
	scripts/preflight.sh $(ARCH)

deps:
	@scripts/deps.sh

compile_commands:
	bear --output compile_commands.json -- $(MAKE) -B kernel host-tests tools

clean:
	rm -rf build
