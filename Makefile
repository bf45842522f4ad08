# KOZO top-level Makefile.  `make` builds build/$(ARCH)/kozo.elf.
# Each part of the tree has its fragment in mk/; this file only wires them.
ARCH ?= x86_64
ARCHES := x86_64 aarch64
# debug | release; release refuses debug-only options (scripts/preflight.sh).
CONFIG ?= debug
# Outputs of a release build have their own tree (scripts/lib/out.sh).
BUILD_ROOT := build$(if $(filter release,$(CONFIG)),/release)
# LINUX_ISOTEST=1: the Linux server's isolation-test build (off by default;
# docs/SERVERS.md), in a directory of its own.
LINUX_ISOTEST ?= 0
BUILD := $(BUILD_ROOT)/$(ARCH)$(if $(filter 1,$(LINUX_ISOTEST)),-isotest)
HOSTBUILD := $(BUILD_ROOT)/host

export LC_ALL := C
export TZ := UTC
# Recipes run with umask 022 whatever the caller's (see the script).
SHELL := scripts/build-shell

.PHONY: all run debug test bench preflight deps compile_commands clean manifest
all: kernel

include mk/source.mk
include mk/toolchain.mk
include mk/kernel.mk
include mk/user.mk
include mk/host.mk
include mk/tools.mk
include mk/fuzz.mk
include mk/linux.mk
include mk/mutate.mk

# The preflight gate runs while this file is read, so a refusal comes before
# any rule.  Goals that install packages run scripts/deps.sh first: deps is
# what installs the toolchain that preflight checks.
GOALS := $(or $(MAKECMDGOALS),all)
PREFLIGHT_VARS := ARCHES BUILD CONFIG CC LD HOSTCC OBJCOPY READELF LLVM_MAJOR MAKE_VERSION \
                  SHELL TZ LC_ALL SOURCE_DATE_EPOCH KERNEL_CFLAGS KERNEL_LDFLAGS USER_CFLAGS USER_LDFLAGS \
                  CFLAGS CPPFLAGS LDFLAGS SOURCE_ID
shquote = '$(subst ','\'',$(1))'
PREFLIGHT = scripts/preflight.sh $(1) $(call shquote,$(ARCH)) GOALS=$(call shquote,$(GOALS)) \
            SOURCE_DATE_EPOCH_ORIGIN=$(call shquote,$(origin SOURCE_DATE_EPOCH)) \
            $(foreach v,$(PREFLIGHT_VARS),$(v)=$(call shquote,$($(v))))
ifneq ($(filter-out clean deps preflight,$(GOALS)),)
ifneq ($(filter run debug test bench,$(GOALS)),)
ifneq ($(shell scripts/deps.sh >&2 && echo ok),ok)
$(error deps: packages are missing (see above))
endif
endif
ifneq ($(shell $(call PREFLIGHT,--record $(if $(findstring s,$(filter-out -%,$(firstword $(MAKEFLAGS)))),--quiet,--brief)) >&2 && echo ok),ok)
$(error preflight refused the build (see above))
endif
endif

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
	@$(call PREFLIGHT)

# Every artifact of every ARCH and the host tool, then build/manifest.json:
# their sha256, the source commit and the Debian packages the build used
# (scripts/manifest.py, docs/REPRODUCIBILITY.md).  scripts/verify.sh
# rebuilds with this target.
MANIFEST := build/manifest.json
MANIFEST_ARTIFACTS := $(foreach a,$(ARCHES),build/$(a)/kozo.elf build/$(a)/init.elf) $(HOSTBUILD)/kozo-crash
manifest:
	$(foreach a,$(ARCHES),$(MAKE) ARCH=$(a) all &&) $(MAKE) tools
	scripts/manifest.py $(MANIFEST) $(MANIFEST_ARTIFACTS)

deps:
	@scripts/deps.sh

compile_commands:
	bear --output compile_commands.json -- $(MAKE) -B kernel host-tests tools

clean:
	rm -rf build
