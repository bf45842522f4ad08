# Host builds of kernel/core (unit tests and fuzzers) go here.
.PHONY: host-tests
host-tests:
