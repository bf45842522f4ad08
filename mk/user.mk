# User space: libkozo (user/lib) and Init (user/init), linked into one static
# ELF at 0x400000 that the kernel embeds ($(INIT_ELF), see mk/kernel.mk).
INIT_ELF := $(BUILD)/init.elf
USER_OBJDIR := $(BUILD)

USER_LIB_SRC := $(sort $(wildcard user/lib/*.c user/lib/arch/$(ARCH)/*.c))
USER_INIT_SRC := $(sort $(filter-out user/init/child.c,$(wildcard user/init/*.c user/init/arch/$(ARCH)/*.c)))
USER_INIT_ASM := $(sort $(wildcard user/init/*.S user/init/arch/$(ARCH)/*.S))
# The child program runs copied into another address space: compiled
# position independent, and checked to reference nothing outside itself.
USER_CHILD_SRC := user/init/child.c

USER_CFLAGS := $(FREESTANDING) -Iuser/lib -Iuser/lib/arch/$(ARCH) -Iuser/init -fno-asynchronous-unwind-tables
USER_CFLAGS_x86_64 := -mgeneral-regs-only -mcmodel=small
USER_CFLAGS_aarch64 := -mgeneral-regs-only
USER_CFLAGS += $(USER_CFLAGS_$(ARCH))
USER_LDFLAGS := -static -nostdlib --build-id=sha1 -z max-page-size=4096 -z norelro \
                --no-undefined -T user/init/init.ld

# The source note (mk/source.mk).
USER_NOTE_OBJ := $(USER_OBJDIR)/user/source-note.o

USER_OBJS := $(patsubst %.c,$(USER_OBJDIR)/%.o,$(USER_LIB_SRC) $(USER_INIT_SRC)) \
             $(patsubst %.S,$(USER_OBJDIR)/%.o,$(USER_INIT_ASM)) \
             $(USER_OBJDIR)/user/init/child.o $(USER_NOTE_OBJ)

.PHONY: user
user: $(INIT_ELF)

$(eval $(call SOURCE_NOTE_OBJ,$(USER_NOTE_OBJ),$(INIT_ELF),$(CC) $(USER_CFLAGS)))

$(USER_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_OBJDIR)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

# Any relocation in the child's section would point outside the copied bytes.
$(USER_OBJDIR)/user/init/child.o: $(USER_CHILD_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -fno-jump-tables -MMD -MP -c $< -o $@
	@if llvm-readelf -r $@ | grep -q "\.rela\.child_text"; then \
		echo "$<: the child program has relocations (not self-contained)" >&2; \
		rm -f $@; exit 1; fi

$(INIT_ELF): $(USER_OBJS) user/init/init.ld
	$(LD) $(USER_LDFLAGS) $(USER_OBJS) -o $@

-include $(USER_OBJS:.o=.d)
