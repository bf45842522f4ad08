# libFuzzer targets (clang 14, ASan + UBSan), one directory each in fuzz/:
#   fuzz/<target>/fuzz_<target>.c   LLVMFuzzerTestOneInput
#   fuzz/<target>/corpus/           seed corpus, minimized with -merge=1
#   fuzz/<target>/regressions/      every crash found, replayed by make test
#   make fuzz-build   $(HOSTBUILD)/fuzz/<target>, and ipc-planted: fuzz/ipc
#                     on a kernel with a planted rights-amplification bug in
#                     Mint, which the fuzzer must find (its self-check);
#                     ipc-revert-<fix>: fuzz/ipc on a kernel with one of
#                     issue 12's isolation fixes reverted (KOZO_FUZZ_REVERT_*:
#                     pt = page tables with one owner, tlb = whole-space
#                     flush, ipcbuf = IPC buffer rights, fault = faults in
#                     the thread state), each a self-check too;
#                     ipc-plant-<name>: more planted bugs (FUZZ_PLANTS below)
#   make fuzz         each target for FUZZ_SECONDS (default 600), figures
.PHONY: fuzz-build fuzz

FUZZ_OUT := $(HOSTBUILD)/fuzz
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := $(sort $(patsubst fuzz/%/,%,$(dir $(wildcard fuzz/*/fuzz_*.c))))
FUZZ_REVERTS := pt tlb ipcbuf fault
FUZZ_BUILDS := $(FUZZ_TARGETS) ipc-planted $(addprefix ipc-revert-,$(FUZZ_REVERTS))
FUZZ_COVERAGE := -fsanitize=fuzzer-no-link
FUZZ_CFLAGS = $(HOST_CFLAGS) $(FUZZ_COVERAGE) -Ifuzz
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

# Per build: its main file (default fuzz/<t>/fuzz_<t>.c), the sources it
# links besides, include paths and defines.
FUZZ_SRC_crashlog := $(filter-out tools/crash/crashdb.c $(CRASH_FLEET_SRC),$(CRASH_LIB_SRC))
FUZZ_INC_crashlog := -Itools/crash $(SHARED_LIB_INC)
FUZZ_SRC_linux := $(sort $(wildcard user/linux/lx_*.c)) tests/linux/testmem.c
FUZZ_INC_linux := -Iuser/linux -Itests/linux

# fuzz/ipc drives kernel/core through the host port and its harness.
FUZZ_SRC_ipc := $(HOST_KERNEL_SRC)
FUZZ_INC_ipc := -Ikernel/arch/host -Ikernel/arch/common -Ikernel/core $(SHARED_LIB_INC)
FUZZ_MAIN_ipc-planted := fuzz/ipc/fuzz_ipc.c
FUZZ_SRC_ipc-planted := $(FUZZ_SRC_ipc)
FUZZ_INC_ipc-planted := $(FUZZ_INC_ipc)
FUZZ_DEFS_ipc-planted := -DKOZO_FUZZ_PLANT_MINT_BUG
REVERT_DEF_pt := KOZO_FUZZ_REVERT_PT_OWNER
REVERT_DEF_tlb := KOZO_FUZZ_REVERT_TLB
REVERT_DEF_ipcbuf := KOZO_FUZZ_REVERT_IPCBUF
REVERT_DEF_fault := KOZO_FUZZ_REVERT_FAULT
$(foreach r,$(FUZZ_REVERTS),$(eval FUZZ_MAIN_ipc-revert-$(r) := fuzz/ipc/fuzz_ipc.c) \
	$(eval FUZZ_SRC_ipc-revert-$(r) := $(FUZZ_SRC_ipc)) \
	$(eval FUZZ_INC_ipc-revert-$(r) := $(FUZZ_INC_ipc)) \
	$(eval FUZZ_DEFS_ipc-revert-$(r) := -D$(REVERT_DEF_$(r))))

fuzz-build: $(addprefix $(FUZZ_OUT)/,$(FUZZ_BUILDS))

fuzz: deps fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

# $(1) = build: its objects live in $(FUZZ_OUT)/obj/$(1), since flags
# differ per build.  The invariant checker and the harness are not
# coverage-instrumented: their branches are no progress in the kernel.
define FUZZ_TARGET_RULES
FUZZ_MAIN_$(1) ?= fuzz/$(1)/fuzz_$(1).c
FUZZ_OBJS_$(1) := $$(patsubst %.c,$(FUZZ_OUT)/obj/$(1)/%.o,$$(FUZZ_MAIN_$(1)) $$(FUZZ_SRC_$(1)))
$(FUZZ_OUT)/obj/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$(HOSTCC) $$(FUZZ_CFLAGS) $$(FUZZ_INC_$(1)) $$(FUZZ_DEFS_$(1)) -MMD -MP -c -o $$@ $$<
$(FUZZ_OUT)/obj/$(1)/kernel/arch/host/invariants.o $(FUZZ_OUT)/obj/$(1)/kernel/arch/host/harness.o: FUZZ_COVERAGE :=
$(FUZZ_OUT)/$(1): $$(FUZZ_OBJS_$(1))
	$(HOSTCC) $(FUZZ_LDFLAGS) -o $$@ $$^ $$(FUZZ_LIBS_$(1))
-include $$(FUZZ_OBJS_$(1):.o=.d)
endef
$(foreach t,$(FUZZ_BUILDS),$(eval $(call FUZZ_TARGET_RULES,$(t))))

# More planted bugs for the self-check (docs/FUZZING.md), each a mutant the
# unit tests once missed: fuzz/ipc on a kernel whose one file is compiled
# with KOZO_FUZZ_PLANT_<NAME>_BUG.  Only that file's object differs from
# fuzz/ipc's own: $(FUZZ_OUT)/ipc-plant-<name>.
FUZZ_PLANTS := fastpath-write:fastpath:FASTPATH_WRITE fastpath-read:fastpath:FASTPATH_READ \
               writereg:tcb:WRITEREG unbind:tcb:UNBIND irq-release:irq:IRQ_RELEASE \
               two-caps:endpoint:TWO_CAPS fault-reply:fastpath:FAULT_REPLY
plant_name = $(word 1,$(subst :, ,$(1)))
plant_file = kernel/core/$(word 2,$(subst :, ,$(1))).c
plant_define = -DKOZO_FUZZ_PLANT_$(word 3,$(subst :, ,$(1)))_BUG
FUZZ_PLANT_BINS := $(foreach p,$(FUZZ_PLANTS),$(FUZZ_OUT)/ipc-plant-$(call plant_name,$(p)))

define FUZZ_PLANT_RULES
$(FUZZ_OUT)/obj/ipc-plant-$(call plant_name,$(1)).o: $(call plant_file,$(1))
	@mkdir -p $$(@D)
	$(HOSTCC) $$(FUZZ_CFLAGS) $(FUZZ_INC_ipc) $(call plant_define,$(1)) -MMD -MP -c -o $$@ $$<
-include $(FUZZ_OUT)/obj/ipc-plant-$(call plant_name,$(1)).d
$(FUZZ_OUT)/ipc-plant-$(call plant_name,$(1)): $$(filter-out $(FUZZ_OUT)/obj/ipc/$(patsubst %.c,%.o,$(call plant_file,$(1))),$$(FUZZ_OBJS_ipc)) $(FUZZ_OUT)/obj/ipc-plant-$(call plant_name,$(1)).o
	$(HOSTCC) $(FUZZ_LDFLAGS) -o $$@ $$^
endef
$(foreach p,$(FUZZ_PLANTS),$(eval $(call FUZZ_PLANT_RULES,$(p))))

fuzz-build: $(FUZZ_PLANT_BINS)
