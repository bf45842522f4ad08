# libFuzzer targets (clang 14, ASan + UBSan), one directory each in fuzz/:
#   fuzz/<target>/fuzz_<target>.c   LLVMFuzzerTestOneInput
#   fuzz/<target>/corpus/           seed corpus, minimized with -merge=1
#   fuzz/<target>/regressions/      every crash found, replayed by make test
#   make fuzz-build   $(HOSTBUILD)/fuzz/<target>
#   make fuzz         each target for FUZZ_SECONDS (default 600), figures
.PHONY: fuzz-build fuzz

FUZZ_OUT := $(HOSTBUILD)/fuzz
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := $(sort $(patsubst fuzz/%/,%,$(dir $(wildcard fuzz/*/fuzz_*.c))))
FUZZ_CFLAGS := $(HOST_CFLAGS) -fsanitize=fuzzer-no-link -Ifuzz
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

# Sources each target links besides its own file.
FUZZ_SRC_crashlog := $(filter-out tools/crash/crashdb.c,$(CRASH_LIB_SRC))
FUZZ_INC_crashlog := -Itools/crash
FUZZ_SRC_linux := $(sort $(wildcard user/linux/lx_*.c)) tests/linux/testmem.c
FUZZ_INC_linux := -Iuser/linux -Itests/linux

fuzz-build: $(addprefix $(FUZZ_OUT)/,$(FUZZ_TARGETS))

fuzz: deps fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

# $(1) = target: its objects live in $(FUZZ_OUT)/obj/$(1) (flags differ
# per target, e.g. a planted bug).
define FUZZ_TARGET_RULES
FUZZ_OBJS_$(1) := $$(patsubst %.c,$(FUZZ_OUT)/obj/$(1)/%.o,fuzz/$(1)/fuzz_$(1).c $$(FUZZ_SRC_$(1)))
$(FUZZ_OUT)/obj/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$(HOSTCC) $(FUZZ_CFLAGS) $$(FUZZ_INC_$(1)) $$(FUZZ_DEFS_$(1)) -MMD -MP -c -o $$@ $$<
$(FUZZ_OUT)/$(1): $$(FUZZ_OBJS_$(1))
	$(HOSTCC) $(FUZZ_LDFLAGS) -o $$@ $$^ $$(FUZZ_LIBS_$(1))
-include $$(FUZZ_OBJS_$(1):.o=.d)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_TARGET_RULES,$(t))))
