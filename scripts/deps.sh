#!/usr/bin/env bash
# Installs the Debian packages KOZO needs when they are missing.  As root it
# runs apt-get itself; otherwise it prints the exact command and fails.
set -euo pipefail
# command-or-file  package
needs=(
	"clang clang"
	"ld.lld lld"
	"llvm-objcopy llvm"
	"qemu-system-x86_64 qemu-system-x86"
	"qemu-system-aarch64 qemu-system-arm"
	"/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev"
	"/usr/include/sqlite3.h libsqlite3-dev"
	"b3sum b3sum"
	"sqlite3 sqlite3"
	"musl-gcc musl-tools"
	"expect expect"
	"bear bear"
	"gdb gdb"
	"/bin/busybox busybox-static"
	"faketime faketime"
	"disorderfs disorderfs"
	"git git"
	"make make"
	"python3 python3"
	"/usr/bin/time time"
	"/usr/include/microhttpd.h libmicrohttpd-dev"
	"/usr/include/x86_64-linux-gnu/curl/curl.h libcurl4-openssl-dev"
	"/usr/include/jansson.h libjansson-dev"
	"/usr/include/postgresql/libpq-fe.h libpq-dev"
	"/usr/lib/postgresql/15/bin/initdb postgresql-15"
	"curl curl"
	"openssl openssl"
)
missing=()
for entry in "${needs[@]}"; do
	what=${entry% *}; pkg=${entry##* }
	if [[ $what == /* ]]; then [ -e "$what" ] && continue
	else command -v "$what" >/dev/null 2>&1 && continue; fi
	missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
