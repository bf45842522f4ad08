# Host builds of kernel/core: the portable core and the host port
# (kernel/arch/host) compiled as an ordinary Linux program with ASan and
# UBSan, for unit tests and fuzzers.  On the host the core uses libc's
# memcpy/memset/... (declared by kernel/core/lib.h): kernel/lib/string.c is
# for freestanding kernels only, and libc's are the ones ASan checks.
#   make host-tests      $(HOSTBUILD)/kernel/kernel-tests
#   make host-test-run   build and run them
.PHONY: host-tests host-test-run

HOST_KERNEL_OUT := $(HOSTBUILD)/kernel
HOST_KERNEL_CFLAGS := $(HOST_CFLAGS) -Ikernel/arch/host -Ikernel/arch/common -Ikernel/core $(SHARED_LIB_INC)
HOST_KERNEL_LDFLAGS := $(filter -fsanitize%,$(HOST_CFLAGS))
# What every host test or fuzzer links: the core, the port, the harness.
HOST_KERNEL_SRC := $(sort $(wildcard kernel/core/*.c)) $(sort $(wildcard kernel/arch/host/*.c)) \
                   $(SHARED_LIB_SRC)
HOST_KERNEL_OBJS := $(patsubst %.c,$(HOST_KERNEL_OUT)/%.o,$(HOST_KERNEL_SRC))
HOST_TEST_OBJS := $(patsubst %.c,$(HOST_KERNEL_OUT)/%.o,$(sort $(wildcard tests/kernel/*.c)))
HOST_TEST_BIN := $(HOST_KERNEL_OUT)/kernel-tests

host-tests: $(HOST_TEST_BIN)

host-test-run: $(HOST_TEST_BIN)
	$(HOST_TEST_BIN)

$(HOST_KERNEL_OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_KERNEL_CFLAGS) -MMD -MP -c -o $@ $<

$(HOST_TEST_BIN): $(HOST_KERNEL_OBJS) $(HOST_TEST_OBJS)
	$(HOSTCC) $(HOST_KERNEL_LDFLAGS) -o $@ $^

-include $(HOST_KERNEL_OBJS:.o=.d) $(HOST_TEST_OBJS:.o=.d)
