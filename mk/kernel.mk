# The kernel: kernel/core (portable), kernel/lib (freestanding libc bits) and
# kernel/arch/$(ARCH), with Init's ELF embedded, linked into $(BUILD)/kozo.elf.
KERNEL_ELF := $(BUILD)/kozo.elf
KERNEL_OBJDIR := $(BUILD)/kobj
INIT_ELF ?= $(BUILD)/init.elf
READELF := llvm-readelf

KERNEL_C_SRC := $(sort $(wildcard kernel/core/*.c)) $(sort $(wildcard kernel/lib/*.c)) \
                $(sort $(wildcard kernel/arch/common/*.c)) $(sort $(wildcard kernel/arch/$(ARCH)/*.c)) $(SHARED_LIB_SRC)
KERNEL_S_SRC := $(sort $(wildcard kernel/arch/$(ARCH)/*.S))
# Objects keep their source's full name: context.c and context.S coexist.
KERNEL_OBJS := $(sort $(patsubst %,$(KERNEL_OBJDIR)/%.o,$(KERNEL_C_SRC) $(KERNEL_S_SRC)))
# The source note (mk/source.mk), last in the link.
KERNEL_NOTE_OBJ := $(KERNEL_OBJDIR)/source-note.o
KERNEL_OBJS += $(KERNEL_NOTE_OBJ)

# Frame pointers, leaf functions included: the panic path walks the RBP
# chain for the record's stack frames (docs/CRASH-TELEMETRY.md has the cost).
KERNEL_CFLAGS := $(filter-out -nostdlib,$(FREESTANDING)) -fno-asynchronous-unwind-tables \
                 -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
                 -Ikernel/arch/$(ARCH) -Ikernel/arch/common -Ikernel/core $(SHARED_LIB_INC) -DKOZO_BUILD_ID='"$(BUILD_ID)"'
# Release builds: panic records and serial 0 carry no user or address values
# (kernel/core/panic.h, docs/CRASH-TELEMETRY.md).
ifeq ($(CONFIG),release)
KERNEL_CFLAGS += -DKOZO_RELEASE=1
endif
KERNEL_LDFLAGS := -nostdlib -static --build-id=sha1 -z max-page-size=0x1000 -z norelro \
                  --no-undefined

ifeq ($(ARCH),x86_64)
KERNEL_CFLAGS += -mcmodel=kernel -mno-red-zone -mgeneral-regs-only
KERNEL_LDSCRIPT := kernel/arch/x86_64/kernel.ld
# QEMU loads the image through the Multiboot a.out kludge: file bytes are
# copied linearly from the header's file offset, so every PT_LOAD must have
# the same p_offset - p_paddr, and only the last may have memsz > filesz.
# The header (start of the first PT_LOAD) must lie in the first 8 KiB.
define KERNEL_CHECK_IMAGE
	@$(READELF) -lW $(1) | awk ' \
		function hex(s,  i, n, c) { n = 0; s = tolower(s); sub(/^0x/, "", s); \
			for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); \
				n = n * 16 + c - 1 } return n } \
		$$1 == "LOAD" { n++; d = hex($$2) - hex($$4); \
			if (n == 1 && hex($$2) > 8192 - 48) { print "kozo.elf: Multiboot header past 8 KiB"; bad = 1 } \
			if (n > 1 && d != delta) { print "kozo.elf: PT_LOAD " n " not linear (offset " $$2 ", paddr " $$4 ")"; bad = 1 } \
			if (n > 1 && gap) { print "kozo.elf: PT_LOAD before " n " has bss"; bad = 1 } \
			delta = d; gap = (hex($$5) != hex($$6)) } \
		END { if (n == 0) { print "kozo.elf: no PT_LOAD"; bad = 1 } exit bad }' >&2
endef
endif

ifeq ($(ARCH),aarch64)
# The kernel never touches FP/SIMD registers: user threads' are switched
# lazily (kernel/arch/aarch64/context.c).
KERNEL_CFLAGS += -mgeneral-regs-only
KERNEL_LDSCRIPT := kernel/arch/aarch64/kernel.ld
endif

# Recompile when the Build-ID changes (it is compiled into the kernel).
KERNEL_BUILD_ID_STAMP := $(KERNEL_OBJDIR)/build-id
$(KERNEL_BUILD_ID_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(BUILD_ID)' | cmp -s - $@ || echo '$(BUILD_ID)' > $@
.PHONY: FORCE

.PHONY: kernel
kernel: $(KERNEL_ELF)

$(eval $(call SOURCE_NOTE_OBJ,$(KERNEL_NOTE_OBJ),$(KERNEL_ELF),$(CC) $(KERNEL_CFLAGS)))

$(KERNEL_OBJDIR)/%.c.o: %.c $(KERNEL_BUILD_ID_STAMP)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(KERNEL_OBJDIR)/%.S.o: %.S
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

# Init is embedded with .incbin through its repository-relative path.
$(KERNEL_OBJDIR)/kernel/arch/$(ARCH)/init_elf.S.o: kernel/arch/$(ARCH)/init_elf.S $(INIT_ELF)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -DINIT_ELF_PATH='"$(INIT_ELF)"' -MMD -MP -c $< -o $@

# Two links, for the embedded function table (scripts/ksyms.sh): the first
# with an empty table, the second with the table of the first.  The table
# lives in .rodata, after all code, so no function moves between the two;
# the rule checks that by generating the table again from the result.
KSYMS_DIR := $(KERNEL_OBJDIR)/ksyms
KSYMS_LINK = $(LD) $(KERNEL_LDFLAGS) -T $(KERNEL_LDSCRIPT) $(KERNEL_OBJS)

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LDSCRIPT) $(INIT_ELF) scripts/ksyms.sh
	@mkdir -p $(KSYMS_DIR)
	scripts/ksyms.sh --empty > $(KSYMS_DIR)/ksyms0.c
	$(CC) $(KERNEL_CFLAGS) -c $(KSYMS_DIR)/ksyms0.c -o $(KSYMS_DIR)/ksyms0.o
	$(KSYMS_LINK) $(KSYMS_DIR)/ksyms0.o -o $@.pass1
	scripts/ksyms.sh $@.pass1 _image_base > $(KSYMS_DIR)/ksyms.c
	$(CC) $(KERNEL_CFLAGS) -c $(KSYMS_DIR)/ksyms.c -o $(KSYMS_DIR)/ksyms.o
	$(KSYMS_LINK) $(KSYMS_DIR)/ksyms.o -o $@.tmp
	@scripts/ksyms.sh $@.tmp _image_base | cmp -s - $(KSYMS_DIR)/ksyms.c || \
		{ echo "kozo.elf: functions moved between the two links" >&2; exit 1; }
	$(call KERNEL_CHECK_IMAGE,$@.tmp)
	@rm -f $@.pass1
	@mv $@.tmp $@

-include $(KERNEL_OBJS:.o=.d)
