# Host tools: the crash collector kozo-crash (tools/crash) and its tests.
#   make tools        $(HOSTBUILD)/kozo-crash, optimized, no sanitizers
#   make crash-tests  test programs in $(HOSTBUILD)/crash/test, with sanitizers
#   make crash-bench  unsanitized helpers for scripts/bench/crash.sh
.PHONY: tools crash-tests crash-bench

CRASH_OUT := $(HOSTBUILD)/crash
# The shipped tool: no sanitizers, so it is fast and has no runtime deps.
TOOLS_CFLAGS := -O2 -g -std=c11 -D_DEFAULT_SOURCE $(WARN_FLAGS) $(REPRO_FLAGS) $(COMMON_INC) \
                $(SHARED_LIB_INC) -I/usr/include/postgresql
CRASH_LIBS := -lsqlite3 -lpq -ljansson -lmicrohttpd -lcurl -lpthread
# The fleet's server and sender (libmicrohttpd, libcurl, Jansson).
CRASH_FLEET_SRC := tools/crash/crashdb_pg.c tools/crash/event.c tools/crash/serve.c tools/crash/send.c
# Linking takes only the flags that matter to the linker (clang rejects
# unused compile-only flags under -Werror).
CRASH_TEST_LDFLAGS := $(filter -fsanitize%,$(HOST_CFLAGS))

CRASH_LIB_SRC := $(sort $(filter-out tools/crash/main.c,$(wildcard tools/crash/*.c))) $(SHARED_LIB_SRC)
# The kernel's own encoder and pseudonym code, so test records are the
# kernel's (mkpanic); panic_identity.c needs the core's headers.
CRASH_ENCODER := kernel/core/panic_record.c kernel/core/panic_identity.c
CRASH_CORE_INC := -Ikernel/core -Ikernel/arch/host
CRASH_TEST_PROGS := test_blake3 test_record mkpanic b3cli

# $(call crash_objs,variant,sources)
crash_objs = $(patsubst %.c,$(CRASH_OUT)/$(1)/%.o,$(2))

CRASH_TOOL_OBJ := $(call crash_objs,tool,$(CRASH_LIB_SRC) tools/crash/main.c) $(CRASH_OUT)/tool/source-note.o
CRASH_TEST_LIB := $(call crash_objs,test,$(CRASH_LIB_SRC) $(CRASH_ENCODER))
CRASH_BENCH_LIB := $(call crash_objs,bench,$(CRASH_LIB_SRC) $(CRASH_ENCODER))

tools: $(HOSTBUILD)/kozo-crash
crash-tests: $(addprefix $(CRASH_OUT)/test/,$(CRASH_TEST_PROGS))
crash-bench: $(HOSTBUILD)/kozo-crash $(CRASH_OUT)/bench/b3cli $(CRASH_OUT)/bench/mkpanic

$(HOSTBUILD)/kozo-crash: $(CRASH_TOOL_OBJ)
	@mkdir -p $(@D)
	$(HOSTCC) -Wl,--build-id=sha1 -o $@ $^ $(CRASH_LIBS)

$(eval $(call SOURCE_NOTE_OBJ,$(CRASH_OUT)/tool/source-note.o,$(HOSTBUILD)/kozo-crash,$(HOSTCC) $(TOOLS_CFLAGS)))

$(CRASH_OUT)/tool/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(TOOLS_CFLAGS) -MMD -MP -c -o $@ $<

$(CRASH_OUT)/test/kernel/core/panic_identity.o $(CRASH_OUT)/bench/kernel/core/panic_identity.o \
$(CRASH_OUT)/test/tests/crash/mkpanic.o $(CRASH_OUT)/bench/tests/crash/mkpanic.o \
$(CRASH_OUT)/test/tests/crash/test_record.o: \
	CRASH_EXTRA_INC := $(CRASH_CORE_INC)

$(CRASH_OUT)/test/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -Itools/crash $(SHARED_LIB_INC) -I/usr/include/postgresql $(CRASH_EXTRA_INC) -MMD -MP -c -o $@ $<

$(CRASH_OUT)/bench/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(TOOLS_CFLAGS) -Itools/crash $(CRASH_EXTRA_INC) -MMD -MP -c -o $@ $<

$(CRASH_OUT)/test/%: $(CRASH_OUT)/test/tests/crash/%.o $(CRASH_TEST_LIB)
	$(HOSTCC) $(CRASH_TEST_LDFLAGS) -o $@ $^ $(CRASH_LIBS)

$(CRASH_OUT)/bench/%: $(CRASH_OUT)/bench/tests/crash/%.o $(CRASH_BENCH_LIB)
	$(HOSTCC) -o $@ $^ $(CRASH_LIBS)

-include $(shell find $(CRASH_OUT) -name '*.d' 2>/dev/null)
