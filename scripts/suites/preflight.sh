#!/usr/bin/env bash
# Preflight suite: every refusal of scripts/preflight.sh, through make where
# a user would meet it.  Each case checks the exit status, the message
# (what was found, what is required, the fix) and that nothing was compiled.
# Each test prints "PASS name" or "FAIL name: reason"; the last line is
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-preflight.XXXXXX")
trap 'rm -rf "$T"' EXIT
B=$T/build # every make below builds here, never in build/
unset CFLAGS CPPFLAGS LDFLAGS KERNEL_CFLAGS USER_CFLAGS SOURCE_DATE_EPOCH

# refuse NAME TEXT CMD...: CMD must fail, print TEXT and a "fix:" line, and
# leave no compiler output behind.
refuse() {
	local name=$1 text=$2 out rc; shift 2
	rm -rf "$B"
	out=$("$@" 2>&1); rc=$?
	local objs
	objs=$(find "$B" "$T/other" -name '*.o' -o -name '*.elf.tmp' 2>/dev/null | head -n 1)
	if [ $rc -eq 0 ]; then ko "$name" "exit 0: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
	elif [[ $out != *"$text"* ]]; then ko "$name" "no '$text' in: $(printf '%s' "$out" | head -c 600 | tr '\n' ' ')"
	elif [[ $out != *"fix: "* ]]; then ko "$name" "no fix: line in: $(printf '%s' "$out" | head -c 400 | tr '\n' ' ')"
	elif [ -n "$objs" ]; then ko "$name" "compiled before refusing: $objs"
	else ok "$name"; fi
}
mk() { make --no-print-directory BUILD="$B" "$@"; }

# ---- configuration ----
refuse unknown_arch "unknown ARCH 'mips'" mk ARCH=mips
if [ ! -d kernel/arch/aarch64 ]; then
	refuse arch_without_port "no kernel/arch/aarch64" mk ARCH=aarch64
fi
refuse unknown_config "CONFIG='fast'" mk CONFIG=fast
refuse release_refuses_debug_goal "debug-only options in CONFIG=release: goal 'debug'" \
	mk CONFIG=release debug
refuse release_refuses_O0 "debug-only options in CONFIG=release: -O0" \
	mk CONFIG=release KERNEL_CFLAGS="-O0 -ffile-prefix-map=x= -Werror=date-time"
refuse sanitizer_env_cflags 'CFLAGS="-fsanitize=address"' env CFLAGS=-fsanitize=address make BUILD="$B" kernel
refuse sanitizer_cmdline_cflags 'CFLAGS="-fsanitize=undefined"' mk CFLAGS=-fsanitize=undefined kernel
refuse sanitizer_env_kernel_cflags 'KERNEL_CFLAGS="-fsanitize=kernel-address"' \
	env KERNEL_CFLAGS=-fsanitize=kernel-address make BUILD="$B" kernel
refuse sanitizer_in_kernel_flags "sanitizer flags for the kernel: -fsanitize=address" \
	mk KERNEL_CFLAGS="-fsanitize=address -ffile-prefix-map=x= -Werror=date-time" kernel
refuse repro_flags_overridden "missing: KERNEL_CFLAGS:-ffile-prefix-map=" mk KERNEL_CFLAGS=-O2 kernel

# A build directory that holds another configuration.
mkdir -p "$B"
refuse_dirty() {
	mkdir -p "$T/other"
	echo "ARCH=aarch64 CONFIG=debug" >"$T/other/config"
	refuse builddir_other_arch_config "$T/other holds ARCH=aarch64" make BUILD="$T/other" kernel
	rm -rf "$T/other"; mkdir -p "$T/other"
	printf 'int x;\n' | clang --target=aarch64-unknown-none-elf -x c -c - -o "$T/a64.obj"
	cp "$T/a64.obj" "$T/other/kozo.elf"
	refuse builddir_other_arch_elf "kozo.elf for machine 0x00b7" make BUILD="$T/other" kernel
	echo "ARCH=x86_64 CONFIG=debug" >"$T/other/config"; rm -f "$T/other/kozo.elf"
	refuse builddir_other_config "holds ARCH=x86_64 CONFIG=debug; required ARCH=x86_64 CONFIG=release" \
		make BUILD="$T/other" CONFIG=release kernel
	rm -rf "$T/other"
}
refuse_dirty

# ---- frozen environment ----
refuse epoch_not_a_number "SOURCE_DATE_EPOCH='yesterday'" env SOURCE_DATE_EPOCH=yesterday make BUILD="$B"
refuse epoch_negative "SOURCE_DATE_EPOCH='-5'" mk SOURCE_DATE_EPOCH=-5
refuse epoch_too_large "SOURCE_DATE_EPOCH='99999999999999'" mk SOURCE_DATE_EPOCH=99999999999999
refuse epoch_no_git "SOURCE_DATE_EPOCH unset and no git commit" env GIT_DIR="$T/nogit" make BUILD="$B"
refuse tz_not_utc "TZ='Europe/Paris'" mk TZ=Europe/Paris
refuse tz_env_with_make_e "TZ='Asia/Tokyo'" env TZ=Asia/Tokyo make -e BUILD="$B"
refuse locale_not_c "LC_ALL='de_DE.UTF-8'" mk LC_ALL=de_DE.UTF-8
refuse umask_not_frozen "recipes run with umask 0077" bash -c "umask 077 && make BUILD='$B' SHELL=/bin/sh"

# ---- toolchain (stand-ins in $T/bin) ----
mkdir -p "$T/bin" "$T/empty"
cat >"$T/bin/clang" <<EOF
#!/bin/sh
case "\$*" in
*--version*) echo "clang version \${FAKE_CLANG_VERSION:-13.0.1}" ;;
*--print-resource-dir*) echo "$T/empty" ;;
*) exit 1 ;;
esac
EOF
printf '#!/bin/sh\necho "QEMU emulator version 6.2.0"\n' >"$T/bin/qemu-system-x86_64"
chmod +x "$T/bin/clang" "$T/bin/qemu-system-x86_64"
refuse clang_wrong_major "$T/bin/clang 13.0.1; required major version 14" mk CC="$T/bin/clang"
refuse clang_missing "no clang-99 on PATH" mk CC=clang-99
refuse lld_missing "no ld.lld-99 on PATH" mk LD=ld.lld-99
refuse llvm_tools_wrong_major "$T/bin/clang 13.0.1; required major version 14" mk OBJCOPY="$T/bin/clang"
refuse qemu_too_old "QEMU 7.2 or later" env PATH="$T/bin:$PATH" make BUILD="$B" run
refuse sqlite_missing "no sqlite3.h for $T/bin/clang" env FAKE_CLANG_VERSION=14.0.6 make BUILD="$B" HOSTCC="$T/bin/clang" tools
refuse sanitizer_rt_missing "libclang_rt.asan-" env FAKE_CLANG_VERSION=14.0.6 make BUILD="$B" HOSTCC="$T/bin/clang" crash-tests
refuse make_too_old "GNU make 4.0 or later" scripts/preflight.sh x86_64 MAKE_VERSION=3.81

# ---- what passes ----
out=$(make --no-print-directory preflight 2>&1); rc=$?
lines=$(printf '%s\n' "$out" | grep -cE '^  (ok|skip|warn|FAIL) ')
if [ $rc -eq 0 ] && [ "$lines" -ge 15 ] &&
	printf '%s\n' "$out" | tail -n 1 | grep -qE '^preflight: [0-9]+ ok, 0 failed, [0-9]+ skipped, [0-9]+ warnings \(x86_64, debug\)$'; then
	ok make_preflight_one_line_per_check_and_summary
else
	ko make_preflight_one_line_per_check_and_summary "rc=$rc lines=$lines: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
fi

out=$(make --no-print-directory ARCH=mips deps 2>&1); rc=$?
if [ $rc -eq 0 ] && [[ $out != *preflight* ]]; then ok deps_runs_without_preflight
else ko deps_runs_without_preflight "rc=$rc $(printf '%s' "$out" | head -c 300)"; fi
out=$(make -n --no-print-directory ARCH=mips clean 2>&1); rc=$? # -n: build/ stays
[ $rc -eq 0 ] && ok clean_runs_without_preflight || ko clean_runs_without_preflight "rc=$rc $out"

# Quick: under two seconds of CPU time when everything is fine (best of
# three; user + system of preflight and its children, /usr/bin/time).  The
# limit was 0.5 s, then 1 s of wall time; preflight now also computes the
# source identity (a git tree hash of the working tree, which grew with
# user/tests and the aarch64 Linux programs), compiles the collector's four
# library headers once and greps the sources for raw capability words.
# Wall time measured the machine's load, not preflight: 1.40 s in a
# clean-clone CI run, 2.28 to 2.90 s with other suites beside it, while
# the CPU time stays near 1.4 s (0.6 s user, 0.8 s system on this 2-core
# VM).
best=9
for _ in 1 2 3; do
	t=$(/usr/bin/time -f '%U %S' scripts/preflight.sh --quiet x86_64 GOALS=all 2>&1 >/dev/null |
		tail -n 1 | awk '{ printf "%.2f", $1 + $2 }')
	best=$(awk -v a="$best" -v b="${t:-9}" 'BEGIN { print (b < a) ? b : a }')
done
if awk -v t="$best" 'BEGIN { exit !(t < 2.0) }'; then ok "preflight_fast (${best} s of CPU)"
else ko preflight_fast "took ${best} s of CPU (limit 2 s)"; fi

# A good build records its configuration, and -s makes preflight silent.
out=$(make -s --no-print-directory BUILD="$B" user 2>&1); rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ] && [ "$(cat "$B/config" 2>/dev/null)" = "ARCH=x86_64 CONFIG=debug" ]; then
	ok build_records_config_and_silent_with_s
else
	ko build_records_config_and_silent_with_s "rc=$rc config='$(cat "$B/config" 2>/dev/null)' out=$(printf '%s' "$out" | head -c 300)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
