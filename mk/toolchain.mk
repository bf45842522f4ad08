# Toolchain and flags shared by every fragment.  Pinned: clang/ld.lld 14.
LLVM_MAJOR := 14
CC      := clang
LD      := ld.lld
OBJCOPY := llvm-objcopy
HOSTCC  := clang
# Archives, should any be made: llvm-ar with D stores no time, uid or mode.
AR      := llvm-ar
ARFLAGS := rcsD

# VERSION and BUILD_ID: mk/source.mk.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
export SOURCE_DATE_EPOCH

# Reproducibility: no absolute paths, no clock, deterministic archives.
REPRO_FLAGS := -ffile-prefix-map=$(CURDIR)/=  -fdebug-prefix-map=$(CURDIR)/= \
               -fdebug-compilation-dir=. -Werror=date-time -fno-ident
# -fdebug-compilation-dir: the prefix map does not reach the DWARF
# compilation directory (notably of .S files), which would name the tree.
WARN_FLAGS  := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
               -Wno-unused-parameter
COMMON_INC  := -Iinclude
# Code the kernel and the host tools both build from (lib/): BLAKE3, which
# the kernel uses for hardware-ID pseudonyms and the collector for Crash-IDs.
SHARED_LIB_SRC := lib/blake3/blake3.c
SHARED_LIB_INC := -Ilib/blake3

# CONFIG=debug compiles in the kernel's assertions (kassert, panic.h) and
# the one-line reason printed for each refused invocation (refuse,
# invocation.h); CONFIG=release leaves both out (preflight refuses
# -DKOZO_DEBUG there).
CONFIG_FLAGS := $(if $(filter debug,$(CONFIG)),-DKOZO_DEBUG=1)

# Freestanding code (kernel and user space) for the target.
TARGET_x86_64  := x86_64-unknown-none-elf
TARGET_aarch64 := aarch64-unknown-none-elf
FREESTANDING := --target=$(TARGET_$(ARCH)) -ffreestanding -fno-builtin -nostdlib \
                -fno-common -fno-stack-protector -fno-pic -O2 -g -std=c11 \
                $(WARN_FLAGS) $(REPRO_FLAGS) $(COMMON_INC) $(CONFIG_FLAGS)

# Host code (tests, fuzzers, tools).
HOST_CFLAGS := -O1 -g -std=c11 -D_DEFAULT_SOURCE $(WARN_FLAGS) $(REPRO_FLAGS) $(COMMON_INC) $(CONFIG_FLAGS) \
               -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
