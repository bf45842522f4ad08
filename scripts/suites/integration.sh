#!/usr/bin/env bash
# QEMU integration test: boot KOZO, drive Init's shell (see the script).
exec "$(dirname "$0")/../integration-test.sh" "${ARCH:-x86_64}"
