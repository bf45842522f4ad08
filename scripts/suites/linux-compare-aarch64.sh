#!/usr/bin/env bash
# linux-compare.sh on aarch64: Debian's arm64 busybox on KOZO against the
# host's busybox of the same version (issue 16, "aarch64").
ARCH=aarch64 exec bash "$(dirname "$0")/linux-compare.sh"
