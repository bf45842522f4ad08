# The Linux compatibility server (user/linux): host builds of its
# translation layer for tests, and the Linux test programs and archive.
#   make linux-host-tests  $(HOSTBUILD)/linux/test_lx (sanitizers)
#   make linux-progs       the musl test programs in $(LINUX_PROGS_OUT)
#   make linux-archive     $(LINUX_ARCHIVE), embedded in Init
.PHONY: linux-host-tests linux-progs linux-archive linux-gen-check

LINUX_SRC := $(sort $(wildcard user/linux/lx_*.c))
LINUX_HOST_OUT := $(HOSTBUILD)/linux
LINUX_HOST_CFLAGS := $(HOST_CFLAGS) -Iuser/linux -Itests/linux
LINUX_TEST_OBJS := $(patsubst %.c,$(LINUX_HOST_OUT)/obj/%.o,$(LINUX_SRC) tests/linux/testmem.c \
                   tests/linux/test_lx.c)

linux-host-tests: $(LINUX_HOST_OUT)/test_lx

$(LINUX_HOST_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(LINUX_HOST_CFLAGS) -MMD -MP -c -o $@ $<

$(LINUX_HOST_OUT)/test_lx: $(LINUX_TEST_OBJS)
	$(HOSTCC) $(filter -fsanitize%,$(HOST_CFLAGS)) -o $@ $^

# The syscall table and docs/LINUX-ABI.md come from user/linux/syscalls.def.
linux-gen-check:
	scripts/gen-linux-syscalls.py --check

# Linux test programs: static binaries from tests/linux/progs, and on
# aarch64 also tests/linux/static (what busybox covers on x86_64).  The
# build-id is left out and paths are mapped so the bytes do not depend on
# where the tree is.
#   x86_64   musl (musl-gcc), one binary per program.
#   aarch64  Debian's cross glibc (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross:
#            its libc.a links statically).  A glibc program is 600 KB and
#            Init's image (which carries the server and its archive) holds
#            4 MiB, so they are one program, kozotest, busybox-style: each
#            source's main is renamed kozotest_<name>, tests/linux/kozotest.c
#            picks one by argv[0]'s last component, and the archive's
#            /bin/<name> are symbolic links to /bin/kozotest.
LINUX_PROGS_OUT := $(BUILD)/linux
LINUX_PROG_SRC_x86_64 := $(wildcard tests/linux/progs/*.c)
LINUX_PROG_SRC_aarch64 := $(sort $(wildcard tests/linux/progs/*.c tests/linux/static/*.c))
LINUX_PROG_NAMES := $(basename $(notdir $(LINUX_PROG_SRC_$(ARCH))))
MUSL_CFLAGS := -static -O2 -Wl,--build-id=none -ffile-prefix-map=$(CURDIR)/= -fno-ident
LINUX_A64_CC := aarch64-linux-gnu-gcc
LINUX_A64_CFLAGS := -O2 -ffile-prefix-map=$(CURDIR)/= -fno-ident
LINUX_MULTI := $(LINUX_PROGS_OUT)/kozotest
ifeq ($(ARCH),aarch64)
LINUX_PROGS := $(LINUX_MULTI)
LINUX_BINS := bin/kozotest=$(LINUX_MULTI) $(foreach n,$(LINUX_PROG_NAMES),'bin/$(n)->kozotest')
LINUX_HELLO := $(LINUX_MULTI)
else
LINUX_PROGS := $(foreach n,$(LINUX_PROG_NAMES),$(LINUX_PROGS_OUT)/$(n))
LINUX_BINS := $(foreach p,$(LINUX_PROGS),bin/$(notdir $(p))=$(p))
LINUX_HELLO := $(LINUX_PROGS_OUT)/hello
endif

# A corrupt ELF for the refusal test: the hello program cut short.
LINUX_CORRUPT := $(LINUX_PROGS_OUT)/corrupt
linux-progs: $(LINUX_PROGS) $(LINUX_CORRUPT)

$(LINUX_CORRUPT): $(LINUX_HELLO)
	head -c 300 $< >$@
	chmod +x $@

LINUX_PROG_HDRS := $(wildcard tests/linux/progs/*.h)
$(LINUX_PROGS_OUT)/%: tests/linux/progs/%.c $(LINUX_PROG_HDRS)
	@mkdir -p $(@D)
	musl-gcc $(MUSL_CFLAGS) -o $@ $<

$(LINUX_PROGS_OUT)/obj/%.o: tests/linux/progs/%.c $(LINUX_PROG_HDRS)
	@mkdir -p $(@D)
	$(LINUX_A64_CC) $(LINUX_A64_CFLAGS) -Dmain=kozotest_$* -c -o $@ $<

$(LINUX_PROGS_OUT)/obj/%.o: tests/linux/static/%.c
	@mkdir -p $(@D)
	$(LINUX_A64_CC) $(LINUX_A64_CFLAGS) -Dmain=kozotest_$* -c -o $@ $<

$(LINUX_MULTI): tests/linux/kozotest.c $(patsubst %,$(LINUX_PROGS_OUT)/obj/%.o,$(LINUX_PROG_NAMES))
	$(LINUX_A64_CC) $(LINUX_A64_CFLAGS) -static -s -Wl,--build-id=none \
		-DKOZOTEST_PROGRAMS='$(foreach n,$(LINUX_PROG_NAMES),X($(n)))' -o $@ $^

# The archive: test programs, Debian's busybox-static (never committed:
# x86_64 copies the host's; aarch64 gets the arm64 package of the same
# version from the machine's package sources, scripts/busybox-arm64.sh)
# and a few files from tests/linux/files.  mkarchive.py sorts and fixes
# times.
LINUX_ARCHIVE := $(LINUX_PROGS_OUT)/archive.cpio
LINUX_FILES := $(sort $(shell find tests/linux/files -type f 2>/dev/null))
BUSYBOX ?= /bin/busybox
LINUX_BUSYBOX_x86_64 := $(BUSYBOX)
LINUX_BUSYBOX_aarch64 := $(LINUX_PROGS_OUT)/busybox
LINUX_BUSYBOX := $(LINUX_BUSYBOX_$(ARCH))

$(LINUX_PROGS_OUT)/busybox: scripts/busybox-arm64.sh $(BUSYBOX)
	@mkdir -p $(@D)
	scripts/busybox-arm64.sh $@

linux-archive: $(LINUX_ARCHIVE)

$(LINUX_ARCHIVE): scripts/mkarchive.py $(LINUX_PROGS) $(LINUX_CORRUPT) $(LINUX_FILES) $(LINUX_BUSYBOX)
	scripts/mkarchive.py $@ tmp/ $(LINUX_BINS) bin/corrupt=$(LINUX_CORRUPT) \
		$(if $(LINUX_BUSYBOX),bin/busybox=$(LINUX_BUSYBOX)) \
		$(foreach f,$(LINUX_FILES),$(patsubst tests/linux/files/%,%,$(f))=$(f))

-include $(LINUX_TEST_OBJS:.o=.d)

# The server is a program of its own (mk/user.mk: user/linux/*.c and the
# archive); it uses libkozo and its own translation layer, nothing of Init
# or the shell.  It runs the Linux programs of the architecture it is
# built for (user/linux/arch/<arch>: registers, numbers, frames).
$(USER_OBJDIR)/user/linux/archive.o: user/linux/archive.S $(LINUX_ARCHIVE)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -DLINUX_ARCHIVE_PATH='"$(LINUX_ARCHIVE)"' -MMD -MP -c $< -o $@
