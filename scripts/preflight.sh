#!/usr/bin/env bash
# Preflight gate: checks the toolchain, the frozen build environment and the
# configuration before anything compiles.  The Makefile runs it while it is
# read, for every goal but clean, deps and preflight, so a refusal comes
# before any rule; `make preflight` runs it alone and shows every check.
#
#   scripts/preflight.sh [--brief|--quiet] [--record] [ARCH] [NAME=value ...]
#
#   --brief    print only failures and the summary (the Makefile's builds)
#   --quiet    print only failures (make -s)
#   --record   on success, write $BUILD/config (the configuration the build
#              directory holds), so another one is refused there later
#   NAME=value what make computed: ARCH BUILD CONFIG GOALS CC LD HOSTCC
#              OBJCOPY READELF LLVM_MAJOR MAKE_VERSION SHELL TZ LC_ALL
#              SOURCE_DATE_EPOCH SOURCE_DATE_EPOCH_ORIGIN KERNEL_CFLAGS
#              KERNEL_LDFLAGS USER_CFLAGS USER_LDFLAGS, and the user's
#              CFLAGS CPPFLAGS LDFLAGS, SOURCE_ID (scripts/source-id.sh's
#              line).  Run by hand, the defaults are what
#              the Makefile would pass.
#
# One line per check (ok, FAIL, skip or warn); every FAIL names what was
# found, what is required and the command that fixes it.  The last line is
# the summary.  Exit status 1 when any check failed, 2 on a usage error.
# Nothing is cached: every run looks again (it takes about 0.1 s).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full record=0
# The user's own flag variables.  Make passes CFLAGS CPPFLAGS LDFLAGS as it
# sees them (environment or command line); KERNEL_CFLAGS and USER_CFLAGS in
# the environment are overridden by mk/, so they are read here, before the
# NAME=value arguments (make's effective flags) replace them.
declare -A user_flags=()
for v in CFLAGS CPPFLAGS LDFLAGS KERNEL_CFLAGS USER_CFLAGS; do
	[ -z "${!v:-}" ] || user_flags[$v]=${!v}
done
unset CFLAGS CPPFLAGS LDFLAGS KERNEL_CFLAGS KERNEL_LDFLAGS USER_CFLAGS USER_LDFLAGS

from_mk() { sed -n "s/^$1 *:\?= *//p" "$2" | head -n 1; }
ARCH=x86_64 CONFIG=debug GOALS=preflight CC=clang LD=ld.lld HOSTCC=clang
OBJCOPY=llvm-objcopy READELF=llvm-readelf SHELL=scripts/build-shell
TZ=UTC LC_ALL=C MAKE_VERSION= SOURCE_DATE_EPOCH_ORIGIN=
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH-$(git log -1 --format=%ct 2>/dev/null || true)}
[ -n "${SOURCE_DATE_EPOCH_ORIGIN}" ] || SOURCE_DATE_EPOCH_ORIGIN=file
LLVM_MAJOR=$(from_mk LLVM_MAJOR mk/toolchain.mk)
ARCHES=$(from_mk ARCHES Makefile)
BUILD=
KERNEL_CFLAGS= KERNEL_LDFLAGS= USER_CFLAGS= USER_LDFLAGS= SOURCE_ID=

known=(ARCH ARCHES BUILD CONFIG GOALS CC LD HOSTCC OBJCOPY READELF LLVM_MAJOR MAKE_VERSION
	SHELL TZ LC_ALL SOURCE_DATE_EPOCH SOURCE_DATE_EPOCH_ORIGIN KERNEL_CFLAGS KERNEL_LDFLAGS
	USER_CFLAGS USER_LDFLAGS CFLAGS CPPFLAGS LDFLAGS SOURCE_ID)
for arg in "$@"; do
	case $arg in
	--brief) mode=brief ;;
	--quiet) mode=quiet ;;
	--record) record=1 ;;
	*=*)
		name=${arg%%=*}
		if [[ " ${known[*]} " != *" $name "* ]]; then
			echo "preflight: unknown setting $name (known: ${known[*]})" >&2; exit 2
		fi
		case $name in
		CFLAGS | CPPFLAGS | LDFLAGS) user_flags[$name]=${arg#*=} ;;
		*) printf -v "$name" '%s' "${arg#*=}" ;;
		esac ;;
	-*) echo "usage: scripts/preflight.sh [--brief|--quiet] [--record] [ARCH] [NAME=value ...]" >&2; exit 2 ;;
	*) ARCH=$arg ;;
	esac
done
[ -n "$BUILD" ] || BUILD=build/$ARCH
locale=$LC_ALL # the value checked below; this script's own tools run in C
export LC_ALL=C

n_ok=0 n_fail=0 n_skip=0 n_warn=0
say() { # status name text
	case $mode:$1 in
	full:* | *:FAIL) printf '  %-4s  %-12s %s\n' "$1" "$2" "$3" ;;
	esac
}
ok() { n_ok=$((n_ok + 1)); say ok "$1" "$2"; }
skip() { n_skip=$((n_skip + 1)); say skip "$1" "$2"; }
warn() { n_warn=$((n_warn + 1)); say warn "$1" "$2"; }
fail() { # name found required fix
	n_fail=$((n_fail + 1))
	say FAIL "$1" "found $2; required $3"
	printf '  %-4s  %-12s %s\n' "" "" "fix: $4"
}

# Which goals need what.  `make preflight` (or a run by hand) checks all.
wants() { # word... : true when a goal needs it
	local g
	for g in $GOALS; do
		case " preflight $* " in *" $g "*) return 0 ;; esac
	done
	return 1
}
apt() { echo "apt-get install -y --no-install-recommends $* (or, as root: make deps)"; }

# ---- configuration ----

arch_ok=0
if [[ " $ARCHES " == *" $ARCH "* ]]; then
	arch_ok=1
	ok arch "ARCH=$ARCH (known: $ARCHES)"
else
	fail arch "unknown ARCH '$ARCH'" "one of: $ARCHES" "make ARCH=x86_64"
fi
if [ $arch_ok = 1 ]; then
	if compgen -G "kernel/arch/$ARCH/*.[cS]" >/dev/null; then
		ok port "kernel/arch/$ARCH"
	else
		fail port "no kernel/arch/$ARCH (no $ARCH port yet)" "a port in kernel/arch/$ARCH" \
			"make ARCH=x86_64 (the architectures with a port: $(cd kernel/arch && ls -d */ | tr -d / | grep -vx host | tr '\n' ' '))"
	fi
fi

case $CONFIG in
debug | release) ok config "CONFIG=$CONFIG" ;;
*) fail config "CONFIG='$CONFIG'" "debug or release" "make CONFIG=debug" ;;
esac

target_flags="$KERNEL_CFLAGS $KERNEL_LDFLAGS $USER_CFLAGS $USER_LDFLAGS"
# Sanitizers need a host runtime: in the kernel or Init they cannot work.
leak=""
for f in $target_flags; do
	case $f in -fsanitize* | -lclang_rt*) leak="$leak $f" ;; esac
done
for v in "${!user_flags[@]}"; do
	case ${user_flags[$v]} in *-fsanitize*) leak="$leak $v=\"${user_flags[$v]}\"" ;; esac
done
if [ -z "$leak" ]; then
	ok sanitizers "none in the kernel's or Init's flags"
else
	fail sanitizers "sanitizer flags for the kernel:$leak" \
		"no -fsanitize in kernel or Init builds (sanitizers are for host tests: make crash-tests)" \
		"unset CFLAGS CPPFLAGS LDFLAGS KERNEL_CFLAGS USER_CFLAGS and drop them from the make command line"
fi

if [ "$CONFIG" = release ]; then
	dbg=""
	wants_dbg=0
	for g in $GOALS; do [ "$g" = debug ] && wants_dbg=1; done
	[ $wants_dbg = 1 ] && dbg="$dbg goal 'debug' (QEMU waits for gdb)"
	for f in $target_flags; do
		case $f in -O0 | -DKOZO_DEBUG* | -DDEBUG* | -UNDEBUG | -DKOZO_FUZZ_*) dbg="$dbg $f" ;; esac
	done
	if [ -z "$dbg" ]; then
		ok release "no debug-only options"
	else
		fail release "debug-only options in CONFIG=release:$dbg" "none in a release build" \
			"make CONFIG=debug ... (or drop the debug-only options)"
	fi
fi

# ---- source rules (docs/KERNEL.md, "Capabilities") ----
# A capability's words mean different things per type; only the capability
# header knows which (its typed accessors).  Raw .w2/.w3 elsewhere would
# bypass them: list the files allowed to touch the words here.
capwords_allowed="kernel/core/cap.h"
raw=$(grep -rnE --include='*.c' --include='*.h' '(\.|->)w[23]\b' kernel fuzz tests tools user 2>/dev/null |
	grep -vE "^($(echo $capwords_allowed | tr ' ' '|')):" || true)
if [ -z "$raw" ]; then
	ok cap-words "no raw capability words outside $capwords_allowed"
else
	fail cap-words "raw capability words: $(printf '%s\n' "$raw" | head -n 3 | cut -d: -f1,2 | tr '\n' ' ')" \
		"typed accessors (cap_badge, cap_mapped_vaddr, ... in kernel/core/cap.h)" \
		"use or add an accessor in kernel/core/cap.h"
fi
# Invocations are decode (every check) then perform (cannot fail): a marker
# of effects interleaved with checks means the split was lost.
mixed=$(grep -rnE 'no failure past this point|point of no return' kernel 2>/dev/null || true)
if [ -z "$mixed" ]; then
	ok decode "every invocation split into decode_* and perform_*"
else
	fail decode "check/act markers: $(printf '%s\n' "$mixed" | head -n 3 | cut -d: -f1,2 | tr '\n' ' ')" \
		"decode_<object>_<method>() checks, perform_<object>_<method>() cannot fail" \
		"move the checks into the decode step (kernel/core/invocation.h)"
fi

# Outputs of each ARCH (and CONFIG) have their own directory: objects of
# another configuration in it would be linked in silently.
elf_machine() { # file -> e_machine as 4 hex digits, little endian
	od -An -tx1 -j18 -N2 "$1" 2>/dev/null | awk '{ print $2 $1 }'
}
machine_x86_64=003e machine_aarch64=00b7
if [ $arch_ok = 1 ]; then
	want="ARCH=$ARCH CONFIG=$CONFIG"
	have=""
	[ -f "$BUILD/config" ] && have=$(head -n 1 "$BUILD/config")
	mv_var=machine_$ARCH
	for elf in "$BUILD/kozo.elf" "$BUILD/init.elf"; do
		[ -f "$elf" ] || continue
		m=$(elf_machine "$elf")
		[ "$m" = "${!mv_var}" ] || have="${have:+$have, }$elf for machine 0x$m"
	done
	if [ -z "$have" ] || [ "$have" = "$want" ]; then
		ok builddir "$BUILD${have:+ holds $have}"
	else
		fail builddir "$BUILD holds $have" "$want" "make clean (or rm -rf $BUILD)"
	fi
fi

# The flags that make the build reproducible (see docs/REPRODUCIBILITY.md).
missing=""
for need in -ffile-prefix-map= -Werror=date-time; do
	[[ " $KERNEL_CFLAGS " == *" $need"* ]] || missing="$missing KERNEL_CFLAGS:$need"
	[[ " $USER_CFLAGS " == *" $need"* ]] || missing="$missing USER_CFLAGS:$need"
done
for v in KERNEL_LDFLAGS USER_LDFLAGS; do
	[[ " ${!v} " == *" --build-id=sha1 "* ]] || missing="$missing $v:--build-id=sha1"
done
if [ "$KERNEL_CFLAGS$USER_CFLAGS" = "" ]; then
	skip repro-flags "flags not given (run as make preflight to check them)"
elif [ -z "$missing" ]; then
	ok repro-flags "-ffile-prefix-map, -Werror=date-time, --build-id=sha1"
else
	fail repro-flags "missing:$missing" "every reproducibility flag of mk/toolchain.mk" \
		"drop the overriding variables from the make command line"
fi

# ---- frozen environment ----

max_epoch=253402300799 # 9999-12-31T23:59:59Z
if [ -z "$SOURCE_DATE_EPOCH" ]; then
	fail epoch "SOURCE_DATE_EPOCH unset and no git commit to derive it from" \
		"a time in seconds since 1970 (the last commit's by default)" \
		"make SOURCE_DATE_EPOCH=<the release's commit time, e.g. $(date -u -r VERSION +%s)>"
elif [[ ! $SOURCE_DATE_EPOCH =~ ^[0-9]+$ ]] || [ ${#SOURCE_DATE_EPOCH} -gt 12 ] ||
	[ "$SOURCE_DATE_EPOCH" -gt $max_epoch ]; then
	fail epoch "SOURCE_DATE_EPOCH='$SOURCE_DATE_EPOCH'" \
		"whole seconds since 1970-01-01 UTC, at most $max_epoch" \
		"unset SOURCE_DATE_EPOCH (it then comes from git log -1 --format=%ct)"
else
	case $SOURCE_DATE_EPOCH_ORIGIN in
	file) src="from the last commit" ;;
	*) src="given ($SOURCE_DATE_EPOCH_ORIGIN)" ;;
	esac
	ok epoch "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH $src ($(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S UTC'))"
fi

if [ "$TZ" = UTC ]; then ok tz "TZ=UTC"
else fail tz "TZ='$TZ'" "TZ=UTC (the Makefile sets it)" "drop TZ= from the make command line (and do not use make -e)"; fi
if [ "$locale" = C ]; then ok locale "LC_ALL=C"
else fail locale "LC_ALL='$locale'" "LC_ALL=C (the Makefile sets it)" "drop LC_ALL= from the make command line (and do not use make -e)"; fi

# Recipes run through scripts/build-shell, which fixes the umask: tried
# here from a caller with another umask.
um=$(umask 0077 && "$SHELL" -c umask 2>/dev/null || echo "?")
if [ "$um" = 0022 ]; then
	ok umask "recipes run with umask 0022 ($SHELL)"
else
	fail umask "recipes run with umask $um (SHELL=$SHELL)" "umask 0022 through SHELL=scripts/build-shell" \
		"drop SHELL= from the make command line"
fi

version=$(cat VERSION 2>/dev/null || true)
[ -n "$SOURCE_ID" ] || SOURCE_ID=$(scripts/source-id.sh 2>/dev/null || echo "none 1 none")
read -r src_commit src_dirty _ <<<"$SOURCE_ID"
if [[ ! $version =~ ^[0-9A-Za-z.+~-]+$ ]]; then
	fail build-id "VERSION file '$version'" "one line like 0.0.1-dev" "git checkout VERSION"
elif [ "$src_commit" = none ]; then
	warn build-id "Build-ID $version-nogit-dirty: no git repository, so the Build-ID names no commit"
elif [ "$src_dirty" = 1 ]; then
	warn build-id "Build-ID $version-${src_commit:0:12}-dirty: the tree differs from that commit (modified or untracked files); the artifacts say so"
else
	ok build-id "Build-ID $version-${src_commit:0:12} (VERSION and git, never the clock)"
fi

# ---- toolchain ----

ver_of() { # command -> first dotted version number it prints, or nothing
	"$@" 2>/dev/null | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n 1 || true
}
ge() { # a b : version a >= version b
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}
llvm_tool() { # name command package
	local name=$1 cmd=$2 pkg=$3 v
	if ! command -v "$cmd" >/dev/null 2>&1; then
		fail "$name" "no $cmd on PATH" "$name $LLVM_MAJOR" "$(apt "$pkg")"
		return
	fi
	v=$(ver_of "$cmd" --version)
	if [ "${v%%.*}" = "$LLVM_MAJOR" ]; then
		ok "$name" "$cmd $v"
	else
		fail "$name" "$cmd ${v:-of unknown version}" "major version $LLVM_MAJOR (LLVM_MAJOR in mk/toolchain.mk)" \
			"$(apt "$pkg-$LLVM_MAJOR") and make ${name^^}=$cmd-$LLVM_MAJOR"
	fi
}
llvm_tool cc "$CC" clang
llvm_tool ld "$LD" lld
llvm_tool objcopy "$OBJCOPY" llvm
llvm_tool readelf "$READELF" llvm

[ -n "$MAKE_VERSION" ] || MAKE_VERSION=$(ver_of make --version)
if [ -n "$MAKE_VERSION" ] && ge "$MAKE_VERSION" 4.0; then ok make "GNU make $MAKE_VERSION"
else fail make "make ${MAKE_VERSION:-missing}" "GNU make 4.0 or later" "$(apt make)"; fi

# QEMU runs the kernel: needed by run, debug and test.
qemu=qemu-system-$ARCH
case $ARCH in x86_64) qpkg=qemu-system-x86 ;; *) qpkg=qemu-system-arm ;; esac
qv=$(ver_of "$qemu" --version)
if [ -n "$qv" ] && ge "$qv" 7.2; then
	ok qemu "$qemu $qv"
elif wants run debug test; then
	fail qemu "${qv:+$qemu }${qv:-no $qemu}" "QEMU 7.2 or later" "$(apt "$qpkg")"
else
	skip qemu "${qv:+$qemu }${qv:-no $qemu} (needed only by make run, debug, test)"
fi

# Host tools link SQLite; their tests link the sanitizer runtimes.
if wants tools manifest crash-tests crash-bench host-tests test bench run compile_commands; then
	if printf '#include <sqlite3.h>\n' | "$HOSTCC" -E -x c - >/dev/null 2>&1; then
		ok sqlite3 "sqlite3.h for $HOSTCC"
	else
		fail sqlite3 "no sqlite3.h for $HOSTCC" "libsqlite3-dev (kozo-crash links -lsqlite3)" "$(apt libsqlite3-dev)"
	fi
	# The fleet server and sender (kozo-crash serve/send) and PostgreSQL:
	# one compiler run for all four (preflight must stay fast), each
	# named only if that fails.
	fleet_h="microhttpd.h:libmicrohttpd-dev curl/curl.h:libcurl4-openssl-dev"
	fleet_h="$fleet_h jansson.h:libjansson-dev postgresql/libpq-fe.h:libpq-dev"
	if printf '#include <stddef.h>\n#include <microhttpd.h>\n#include <curl/curl.h>\n#include <jansson.h>\n#include <postgresql/libpq-fe.h>\n' |
		"$HOSTCC" -E -x c - >/dev/null 2>&1; then
		ok fleet-libs "libmicrohttpd, libcurl, Jansson, libpq headers for $HOSTCC"
	else
		for hp in $fleet_h; do
			h=${hp%%:*} pkg=${hp#*:}
			printf '#include <stddef.h>\n#include <%s>\n' "$h" | "$HOSTCC" -E -x c - >/dev/null 2>&1 ||
				fail "$pkg" "no $h for $HOSTCC" "$pkg (kozo-crash serve/send)" "$(apt "$pkg")"
		done
	fi
	rt=$("$HOSTCC" --print-resource-dir 2>/dev/null || true)/lib/linux
	host=$(uname -m)
	rt_missing=""
	for lib in asan ubsan_standalone; do
		[ -f "$rt/libclang_rt.$lib-$host.a" ] || rt_missing="$rt_missing libclang_rt.$lib-$host.a"
	done
	if [ -z "$rt_missing" ]; then
		ok sanitizer-rt "asan and ubsan runtimes in $rt"
	else
		fail sanitizer-rt "not in $rt:$rt_missing" "libclang-rt-$LLVM_MAJOR-dev (host tests use sanitizers)" \
			"$(apt "libclang-rt-$LLVM_MAJOR-dev")"
	fi
else
	skip host-libs "sqlite3, sanitizer runtimes (needed only by host tools and tests)"
fi

# ---- summary ----

if [ $n_fail -eq 0 ] && [ $record = 1 ] && [ $arch_ok = 1 ]; then
	mkdir -p "$BUILD"
	echo "ARCH=$ARCH CONFIG=$CONFIG" | cmp -s - "$BUILD/config" 2>/dev/null ||
		echo "ARCH=$ARCH CONFIG=$CONFIG" >"$BUILD/config"
fi
summary="preflight: $n_ok ok, $n_fail failed, $n_skip skipped, $n_warn warnings ($ARCH, $CONFIG)"
if [ $n_fail -gt 0 ]; then
	echo "$summary: refusing to build (make preflight shows every check)"
	exit 1
fi
[ $mode = quiet ] || echo "$summary"
