# Mutation testing of kernel/core against the host unit tests
# (scripts/mutate.py, docs/TESTING.md):
#   make mutate                   every mutant; MUTATE_ARGS adds options,
#                                 e.g. MUTATE_ARGS="--files tcb.c"
#   make mutate-sample            the seeded sample that `make test` runs
#   make mutate-fresh             the hand-made set of tests/mutation/fresh
#                                 (scripts/mutate-fresh.sh): tests, then a
#                                 5-minute fuzz/ipc run for each survivor;
#                                 FRESH_ARGS adds options, e.g.
#                                 FRESH_ARGS="--only 012 --no-fuzz"
#   make mutate-noop              each operation of tests/mutation/noop-ops.txt
#                                 replaced by one that returns success and does
#                                 nothing: every test that names it must fail
#                                 (scripts/mutate-noop.py); NOOP_ARGS adds
#                                 options, e.g. NOOP_ARGS="--only Call -v"
.PHONY: mutate mutate-sample mutate-fresh mutate-noop

MUTATE_JOBS ?= 2
MUTATE_ARGS ?=
MUTATE_SAMPLE ?= 60
MUTATE_THRESHOLD ?= 90
MUTATE_ENV = HOSTCC='$(HOSTCC)' MUTATE_CFLAGS='$(HOST_KERNEL_CFLAGS)' \
             MUTATE_LDFLAGS='$(HOST_KERNEL_LDFLAGS)' \
             MUTATE_OBJS='$(HOST_KERNEL_OBJS) $(HOST_TEST_OBJS)'

mutate: $(HOST_TEST_BIN)
	$(MUTATE_ENV) scripts/mutate.py --jobs $(MUTATE_JOBS) --threshold $(MUTATE_THRESHOLD) \
		--report build/mutate/report.json $(MUTATE_ARGS)

mutate-sample: $(HOST_TEST_BIN)
	$(MUTATE_ENV) scripts/mutate.py --jobs $(MUTATE_JOBS) --threshold $(MUTATE_THRESHOLD) \
		--sample $(MUTATE_SAMPLE) $(MUTATE_ARGS)

FRESH_ARGS ?=
mutate-fresh: $(HOST_TEST_BIN) $(FUZZ_OBJS_ipc)
	$(MUTATE_ENV) FRESH_FUZZ_CFLAGS='$(FUZZ_CFLAGS) $(FUZZ_INC_ipc)' \
		FRESH_FUZZ_LDFLAGS='$(FUZZ_LDFLAGS)' FRESH_FUZZ_OBJS='$(FUZZ_OBJS_ipc)' \
		scripts/mutate-fresh.sh $(FRESH_ARGS)

NOOP_ARGS ?=
mutate-noop: $(HOST_TEST_BIN)
	$(MUTATE_ENV) scripts/mutate-noop.py $(NOOP_ARGS)
