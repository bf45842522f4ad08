#!/usr/bin/env bash
# Installs the Debian packages KOZO needs when they are missing.  As root it
# runs apt-get itself; otherwise it prints the exact command and fails.
#
#   scripts/deps.sh                   install what is missing
#   scripts/deps.sh --build-packages  print the packages a build of every
#                                     artifact needs (make manifest), one a
#                                     line: the clean Debian 12 root of
#                                     scripts/verify.sh gets exactly these,
#                                     and the manifest lists them and their
#                                     dependencies (docs/REPRODUCIBILITY.md)
set -euo pipefail
# What `make manifest` runs: clang, lld and llvm tools for the kernel, Init
# and kozo-crash; gcc under musl-gcc and busybox for the Linux test archive
# (x86_64), gcc-aarch64-linux-gnu with libc6-dev-arm64-cross (its static
# libc.a) for the aarch64 one;
# git and python3 for the source identity, ksyms and the archive; SQLite and
# the sanitizer runtimes that preflight requires for host tools; the
# libraries kozo-crash's fleet sender and server link (libmicrohttpd, libcurl,
# Jansson, libpq), whose headers preflight requires too.
build_packages=(busybox-static clang gcc gcc-aarch64-linux-gnu git libc6-dev-arm64-cross
                libclang-rt-14-dev libcurl4-openssl-dev libjansson-dev
                libmicrohttpd-dev libpq-dev libsqlite3-dev lld llvm make musl-tools python3)
if [ "${1:-}" = --build-packages ]; then
	printf '%s\n' "${build_packages[@]}"
	exit 0
fi
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
	"gcc gcc"
	"aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu"
	"/usr/aarch64-linux-gnu/lib/libc.a libc6-dev-arm64-cross"
	"expect expect"
	"bear bear"
	"gdb gdb"
	"/bin/busybox busybox-static"
	"bwrap bubblewrap"
	"faketime faketime"
	"disorderfs disorderfs"
	"git git"
	"make make"
	"python3 python3"
	"/usr/bin/time time"
	"mmdebstrap mmdebstrap"
	"diffoscope diffoscope-minimal"
	"/usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring"
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
