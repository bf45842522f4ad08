# User space: libkozo (user/lib), the programs (user/<name>, each its own
# static ELF at 0x400000, started by Init as a process), and Init (user/init),
# the root task, which the kernel embeds ($(INIT_ELF), see mk/kernel.mk).
# The programs are packed, stripped of debug sections, into a cpio archive
# (scripts/mkarchive.py: sorted, fixed times) linked into Init.  The test
# programs (user/tests/<name>, with the runtime user/tests/lib) are packed
# the same way into tests.cpio, linked into the shell, which starts them.
INIT_ELF := $(BUILD)/init.elf
USER_OBJDIR := $(BUILD)
# The Linux server runs each architecture's own Linux programs (mk/linux.mk).
PROGRAMS := console shell linux
PROG_DIR := $(BUILD)/programs
PROGRAMS_ARCHIVE := $(PROG_DIR)/programs.cpio

# libkozo's optional pieces, linked only by the programs that use them
# (the slot mirror: its table is 128 KiB of bss; args: it calls the
# program's print_usage).
USER_LIB_OPT_SRC := user/lib/slots.c user/lib/args.c
USER_LIB_SRC := $(filter-out $(USER_LIB_OPT_SRC),$(sort $(wildcard user/lib/*.c user/lib/arch/$(ARCH)/*.c)))
USER_LIB_OBJS := $(patsubst %.c,$(USER_OBJDIR)/%.o,$(USER_LIB_SRC)) \
                 $(USER_OBJDIR)/user/lib/arch/$(ARCH)/start.o
SLOTS_OBJ := $(USER_OBJDIR)/user/lib/slots.o
ARGS_OBJ := $(USER_OBJDIR)/user/lib/args.o

USER_CFLAGS := $(FREESTANDING) -Iuser/lib -Iuser/lib/arch/$(ARCH) -fno-asynchronous-unwind-tables
USER_CFLAGS_x86_64 := -mgeneral-regs-only -mcmodel=small
USER_CFLAGS_aarch64 := -mgeneral-regs-only
USER_CFLAGS += $(USER_CFLAGS_$(ARCH))
USER_LDFLAGS := -static -nostdlib --build-id=sha1 -z max-page-size=4096 -z norelro \
                --no-undefined -T user/lib/program.ld

# A program's sources: user/<name>/*.c and its arch/<arch>/ ones.
prog_src = $(sort $(wildcard user/$(1)/*.c user/$(1)/arch/$(ARCH)/*.c))
prog_objs = $(patsubst %.c,$(USER_OBJDIR)/%.o,$(call prog_src,$(1)))

# The test programs: each user/tests/<name>/ with the runtime user/tests/lib.
TESTS := $(sort $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard user/tests/*/)))))
TEST_DIR := $(BUILD)/tests
TESTS_ARCHIVE := $(TEST_DIR)/tests.cpio
test_objs = $(patsubst %.c,$(USER_OBJDIR)/%.o,$(sort $(wildcard user/tests/$(1)/*.c \
            user/tests/$(1)/arch/$(ARCH)/*.c))) $(USER_OBJDIR)/user/tests/$(1)/source-note.o
TEST_LIB_OBJS := $(patsubst %.c,$(USER_OBJDIR)/%.o,$(sort $(wildcard user/tests/lib/*.c))) $(SLOTS_OBJ) \
                 $(ARGS_OBJ)

# The tests' child program runs copied into another address space:
# compiled position independent, checked to reference nothing outside itself.
TEST_CHILD_SRC := user/tests/lib/child.c
# Every program carries the source note (mk/source.mk): its own object,
# which names the artifact it goes into.
note_obj = $(USER_OBJDIR)/user/$(1)/source-note.o
USER_OBJS_console := $(call prog_objs,console) $(call note_obj,console)
USER_OBJS_shell := $(call prog_objs,shell) $(SLOTS_OBJ) $(ARGS_OBJ) $(USER_OBJDIR)/user/shell/tests.o \
                   $(call note_obj,shell)
USER_OBJS_linux := $(call prog_objs,linux) $(USER_OBJDIR)/user/linux/archive.o $(call note_obj,linux)
USER_OBJS_init := $(call prog_objs,init) $(USER_OBJDIR)/user/init/programs.o $(call note_obj,init)

$(USER_OBJDIR)/user/console/%.o: USER_CFLAGS += -Iuser/console
ifeq ($(LINUX_ISOTEST),1)
$(USER_OBJDIR)/user/linux/%.o: USER_CFLAGS += -DKOZO_LINUX_ISOTEST
endif
$(USER_OBJDIR)/user/shell/%.o: USER_CFLAGS += -Iuser/shell
$(USER_OBJDIR)/user/tests/%.o: USER_CFLAGS += -Iuser/tests/lib

.PHONY: user programs tests
user: $(INIT_ELF)
programs: $(PROGRAMS_ARCHIVE)
tests: $(TESTS_ARCHIVE)

$(eval $(call SOURCE_NOTE_OBJ,$(USER_NOTE_OBJ),$(INIT_ELF),$(CC) $(USER_CFLAGS)))

$(foreach p,console shell linux,$(eval $(call SOURCE_NOTE_OBJ,$(call note_obj,$(p)),$(PROG_DIR)/$(p).elf,$(CC) $(USER_CFLAGS))))
$(eval $(call SOURCE_NOTE_OBJ,$(call note_obj,init),$(INIT_ELF),$(CC) $(USER_CFLAGS)))
$(foreach t,$(TESTS),$(eval $(call SOURCE_NOTE_OBJ,$(USER_OBJDIR)/user/tests/$(t)/source-note.o,$(TEST_DIR)/$(t).elf,$(CC) $(USER_CFLAGS))))

$(USER_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_OBJDIR)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

# Any relocation in the child's section would point outside the copied bytes.
$(USER_OBJDIR)/user/tests/lib/child.o: $(TEST_CHILD_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Iuser/tests/lib -fPIC -fno-jump-tables -MMD -MP -c $< -o $@
	@if llvm-readelf -r $@ | grep -q "\.rela\.child_text"; then \
		echo "$<: the child program has relocations (not self-contained)" >&2; \
		rm -f $@; exit 1; fi

# Each program: libkozo and its objects, linked alone (--no-undefined).
$(PROG_DIR)/%.elf: $(USER_LIB_OBJS) user/lib/program.ld
	@mkdir -p $(@D)
	$(LD) $(USER_LDFLAGS) $(USER_LIB_OBJS) $(USER_OBJS_$*) -o $@
$(PROG_DIR)/console.elf: $(USER_OBJS_console)
$(PROG_DIR)/shell.elf: $(USER_OBJS_shell)
$(PROG_DIR)/linux.elf: $(USER_OBJS_linux)

# Each test program: libkozo, the runtime and its own objects.
$(TEST_DIR)/%.elf: $(USER_LIB_OBJS) $(TEST_LIB_OBJS) user/lib/program.ld
	@mkdir -p $(@D)
	$(LD) $(USER_LDFLAGS) $(USER_LIB_OBJS) $(TEST_LIB_OBJS) $(call test_objs,$*) -o $@
$(foreach t,$(TESTS),$(eval $(TEST_DIR)/$(t).elf: $(call test_objs,$(t))))

# What the archive holds: the program without its debug sections.
$(PROG_DIR)/%.bin: $(PROG_DIR)/%.elf
	$(OBJCOPY) --strip-debug $< $@
$(TEST_DIR)/%.bin: $(TEST_DIR)/%.elf
	$(OBJCOPY) --strip-debug $< $@

$(TESTS_ARCHIVE): scripts/mkarchive.py $(foreach t,$(TESTS),$(TEST_DIR)/$(t).bin)
	scripts/mkarchive.py $@ $(foreach t,$(TESTS),$(t)=$(TEST_DIR)/$(t).bin)

$(USER_OBJDIR)/user/shell/tests.o: user/shell/tests.S $(TESTS_ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -DTESTS_ARCHIVE_PATH='"$(TESTS_ARCHIVE)"' -MMD -MP -c $< -o $@

$(PROGRAMS_ARCHIVE): scripts/mkarchive.py $(foreach p,$(PROGRAMS),$(PROG_DIR)/$(p).bin)
	scripts/mkarchive.py $@ $(foreach p,$(PROGRAMS),$(p)=$(PROG_DIR)/$(p).bin)

$(USER_OBJDIR)/user/init/programs.o: user/init/programs.S $(PROGRAMS_ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -DPROGRAMS_ARCHIVE_PATH='"$(PROGRAMS_ARCHIVE)"' -MMD -MP -c $< -o $@

$(INIT_ELF): $(USER_LIB_OBJS) $(USER_OBJS_init) user/lib/program.ld
	$(LD) $(USER_LDFLAGS) $(USER_LIB_OBJS) $(USER_OBJS_init) -o $@

USER_OBJS := $(USER_LIB_OBJS) $(USER_OBJS_init) $(foreach p,$(PROGRAMS),$(USER_OBJS_$(p))) \
             $(TEST_LIB_OBJS) $(foreach t,$(TESTS),$(call test_objs,$(t)))
-include $(USER_OBJS:.o=.d)
