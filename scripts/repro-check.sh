#!/usr/bin/env bash
# Reproducibility check: builds the current commit twice, from two fresh
# clones in two different environments, and compares every file of the two
# build trees with sha256sum.  docs/REPRODUCIBILITY.md explains it.
#
#   scripts/repro-check.sh [ARCH...]            every ARCH of the Makefile by default
#   scripts/repro-check.sh --compare DIR DIR    only compare two trees' build/
#
# Build A: in a clean Debian 12 root (scripts/lib/clean-root.sh: made by
# mmdebstrap from the package mirror with only the build packages, cached,
# run under bubblewrap without the host's /usr or network), so a file the
# build needs that only this machine has fails the check.  Short path, -j1,
# TZ=UTC, LANG=C.UTF-8, umask 022, the real clock.
# Build B: longer path (on disorderfs, which shuffles directory order, when
# it works), -j2 or more, a clock years ahead (faketime), another TZ, LANG
# and LC_ALL, umask 077, another HOME, USER and TMPDIR, extra variables,
# shuffled file mtimes.  An ARCH without a port yet is reported as
# "ARCH: not buildable yet" (a skip, not a pass).
#
# Prints a table of the artifacts and their hashes.  On a mismatch, names
# the files that differ and shows diffoscope's report where it is installed
# (llvm-readelf section tables and cmp otherwise).  Exit status: 0 all
# identical, 1 a mismatch, a path leak or a failed build, 2 usage.
# KOZO_REPRO_KEEP=1 keeps the temporary trees.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/clean-root.sh"
export LC_ALL=C # this script's own sorting and tools

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
die() { echo "repro-check: $*" >&2; exit 1; }

# ---- comparing two build trees ----

# compare_trees A B: every file under A/build and B/build, by sha256.  The
# top-level artifacts go in the table; objects and dependency files are
# counted.  Returns 1 when anything differs or exists on one side only.
compare_trees() {
	local a=$1 b=$2 f bad=0 n_inner=0 n_same=0
	local -a files differ=()
	mapfile -t files < <({ (cd "$a" && find build -type f); (cd "$b" && find build -type f); } 2>/dev/null | sort -u)
	[ ${#files[@]} -gt 0 ] || { echo "repro-check: no build outputs in $a or $b"; return 1; }
	printf '%-34s %-64s %s\n' artifact "sha256 (first build)" result
	for f in "${files[@]}"; do
		local ha=missing hb=missing
		[ -f "$a/$f" ] && ha=$(sha256sum <"$a/$f" | cut -d' ' -f1)
		[ -f "$b/$f" ] && hb=$(sha256sum <"$b/$f" | cut -d' ' -f1)
		local res=identical
		if [ "$ha" != "$hb" ]; then
			res="DIFFERS (second: $hb)"; differ+=("$f"); bad=1
		fi
		# Top level of build/ARCH and build/host: the images and tools.
		if [[ $f =~ ^build/[^/]+/[^/]+$ ]] || [ "$res" != identical ]; then
			printf '%-34s %-64s %s\n' "$f" "$ha" "$res"
		else
			n_inner=$((n_inner + 1))
		fi
		[ "$res" = identical ] && n_same=$((n_same + 1))
	done
	echo "($n_inner intermediate files, objects and dependency lists, compared too;" \
		"$n_same of ${#files[@]} files identical)"
	[ $bad = 0 ] && return 0
	echo
	echo "repro-check: MISMATCH in ${#differ[@]} file(s): ${differ[*]}"
	for f in "${differ[@]}"; do explain "$a/$f" "$b/$f"; done
	return 1
}

# explain A B: show how two files differ.
explain() {
	echo "---- $1"
	echo "---- $2"
	if [ ! -f "$1" ] || [ ! -f "$2" ]; then echo "(exists in one build only)"; return; fi
	if command -v diffoscope >/dev/null 2>&1; then
		echo "diffoscope's report (first build - / second build +):"
		diffoscope --text - "$1" "$2" 2>&1 | head -n 200 || true
		return
	fi
	echo "(diffoscope is not installed: apt-get install -y diffoscope-minimal for a full report)"
	local at
	at=$(cmp "$1" "$2" 2>/dev/null | awk '{ sub(/,$/, "", $5); print $5 - 1 }' || true)
	echo "first difference at byte offset ${at:-?} (cmp)"
	if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; then
		llvm-readelf -SW "$1" 2>/dev/null | awk -v at="${at:-0}" '
			function hex(s, i, n) { n = 0; s = tolower(s)
				for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
				return n }
			sub(/^ *\[ *[0-9]+\] */, "") && NF >= 5 && at >= hex($4) && at < hex($4) + hex($5) {
				print "  it lies in section " $1 " (" $2 "): compare with llvm-objdump -s -j " $1 }'
		echo "section tables (llvm-readelf -SW), first build < > second build:"
		diff <(llvm-readelf -SW "$1" 2>&1) <(llvm-readelf -SW "$2" 2>&1) | head -n 40 || true
	else
		diff <(od -An -tx1 -w16 -v "$1") <(od -An -tx1 -w16 -v "$2") | head -n 20 || true
	fi
}

# leaks TREE STRING...: the build outputs must not contain where or by whom
# they were built.
leaks() {
	local tree=$1 s found=0 hits; shift
	for s in "$@"; do
		hits=$(grep -rlaF -- "$s" "$tree/build" 2>/dev/null | sed "s|^$tree/||" | head -n 5 || true)
		if [ -n "$hits" ]; then
			echo "repro-check: LEAK: '$s' appears in: $(echo $hits)"
			found=1
		fi
	done
	return $found
}

if [ "${1:-}" = --compare ]; then
	[ $# -eq 3 ] || { echo "usage: scripts/repro-check.sh --compare DIR DIR" >&2; exit 2; }
	compare_trees "$2" "$3" && echo "repro-check: identical" || exit 1
	exit 0
fi
case ${1:-} in -*) echo "usage: scripts/repro-check.sh [ARCH...] | --compare DIR DIR" >&2; exit 2 ;; esac

# ---- building twice ----

cd "$root"
all_arches=$(sed -n 's/^ARCHES *:= *//p' Makefile)
arches=("$@")
[ ${#arches[@]} -gt 0 ] || read -r -a arches <<<"$all_arches"
for arch in "${arches[@]}"; do
	[[ " $all_arches " == *" $arch "* ]] || { echo "repro-check: unknown ARCH '$arch' (known: $all_arches)" >&2; exit 2; }
done
commit=$(git rev-parse HEAD) || die "not a git checkout: the check builds from a clone of the current commit"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	echo "repro-check: note: uncommitted changes are not checked; this checks commit ${commit:0:12}"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-repro.XXXXXX")
mnt=""
cleanup() {
	if [ -n "$mnt" ]; then fusermount -u "$mnt" 2>/dev/null || fusermount3 -u "$mnt" 2>/dev/null || umount "$mnt" 2>/dev/null || true; fi
	if [ "${KOZO_REPRO_KEEP:-0}" = 1 ]; then echo "repro-check: kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

clone() { # dir
	git clone -q --no-checkout --no-hardlinks "$root" "$1"
	git -C "$1" cat-file -e "$commit^{commit}" 2>/dev/null || git -C "$1" fetch -q origin "$commit"
	git -C "$1" checkout -q --detach "$commit"
}

A=$T/a
A_AT=/kozo/clean-root-build-a # where build A sees its tree, inside the root
clone "$A"

# The clean root, pinned to the versions of the packages this machine's
# build uses (what its manifest would list).
t0=$(now)
mapfile -t pins < <(cd "$root" && scripts/manifest.py --packages) || die "could not list the build packages"
root_prepare "${pins[@]}" || die "no clean Debian 12 root: the first build cannot run (see above); NOT checked"
echo "clean root: $ROOT ($ROOT_MADE, $(since "$t0")s, $(wc -l <"$ROOT/.kozo-root-packages") packages asked for)"

# B: a longer path; on disorderfs when it mounts (directory entries come
# back shuffled, in a different order on every read).
B=$T/second-build-in-a-much-longer-directory/kozo
order="not varied (disorderfs missing: apt-get install -y disorderfs)"
mkdir -p "$T/b-backing" "$B"
if command -v disorderfs >/dev/null 2>&1; then
	if disorderfs -q --shuffle-dirents=yes "$T/b-backing" "$B" >"$T/disorderfs.log" 2>&1; then
		mnt=$B
		order="shuffled (disorderfs --shuffle-dirents=yes)"
	else
		order="not varied (disorderfs did not mount: $(head -n 1 "$T/disorderfs.log"))"
	fi
fi
clone "$B"
# Every file gets a different, shuffled modification time.
i=0
while IFS= read -r -d '' f; do
	touch -h -d "@$((1000000000 + i * 7919))" "$B/$f"
	i=$((i + 1))
done < <(git -C "$B" ls-files -z | shuf -z)

jobs_b=$(nproc 2>/dev/null || echo 2)
[ "$jobs_b" -ge 2 ] || jobs_b=2
fake_date="2033-05-18 03:33:20"
clock_b="real clock"
faketime_cmd=()
if command -v faketime >/dev/null 2>&1; then
	faketime_cmd=(faketime "$fake_date")
	clock_b="faketime '$fake_date'"
else
	clock_b="real clock (faketime missing: apt-get install -y faketime)"
fi
mkdir -p "$T/home-a" "$T/home-b/.config" "$T/tmp-a" "$T/tmp-b"
env_a=(HOME=/tmp/home-a USER=kozo-repro-a LOGNAME=kozo-repro-a TMPDIR=/tmp LANG=C.UTF-8 TZ=UTC)
env_b=(PATH="$PATH" HOME="$T/home-b" USER=kozo-repro-user-b LOGNAME=kozo-repro-user-b
	TMPDIR="$T/tmp-b" LANG=de_DE.UTF-8 LC_ALL=fr_FR.UTF-8 LC_CTYPE=ja_JP.UTF-8
	TZ=Pacific/Chatham KOZO_REPRO_NOISE="b $RANDOM" EDITOR=ed COLUMNS=33)
umask_a=022 umask_b=077
# The aarch64 archive's arm64 busybox (scripts/busybox-arm64.sh) into its
# download cache now: under faketime apt finds the archive's keys expired,
# so the second build takes it from the cache (the first, in the root,
# from the root's copy).
for arch in "${arches[@]}"; do
	[ "$arch" = aarch64 ] || continue
	deb_cache=$("$root/scripts/busybox-arm64.sh" --fetch) ||
		die "no arm64 busybox for the aarch64 archive (see above); NOT checked"
	env_b+=(KOZO_DEB_CACHE="$deb_cache")
done

printf '%-12s %-38s %s\n' variation "first build" "second build" \
	root "clean Debian 12 (bwrap)" "this machine's" \
	directory "$A_AT" "$B" \
	"file order" "git checkout order" "$order; shuffled mtimes" \
	clock "real clock" "$clock_b" \
	TZ UTC Pacific/Chatham \
	locale "LANG=C.UTF-8" "LANG=de_DE.UTF-8 LC_ALL=fr_FR.UTF-8" \
	umask $umask_a $umask_b \
	user "HOME, USER kozo-repro-a" "other HOME, USER, TMPDIR, extra variables" \
	parallelism -j1 "-j$jobs_b"
echo

# What a recipe really sees in each build, so no variation is only claimed.
probe() { # dir env-array-name umask [prefix...]
	local dir=$1 envname=$2[@] um=$3; shift 3
	(cd "$dir" && umask "$um" && env -i "${!envname}" "$@" sh -c \
		'printf "%s, umask %s, TZ %s, LANG %s, kernel/core: %s" "$(date "+%Y-%m-%d")" "$(umask)" "$TZ" "$LANG" "$(ls -f kernel/core | grep -v "^\.*$" | head -n 3 | tr "\n" " ")"')
}
probe_root() { # dir at env-array-name umask
	local dir=$1 at=$2 envname=$3[@] um=$4
	ROOT_ENV=("${!envname}")
	root_run "$dir" "$at" sh -c "umask $um"'; mkdir -p "$HOME"; printf "%s, umask %s, TZ %s, LANG %s, kernel/core: %s, /usr/include/postgresql: %s" "$(date "+%Y-%m-%d")" "$(umask)" "$TZ" "$LANG" "$(ls -f kernel/core | grep -v "^\.*$" | head -n 3 | tr "\n" " ")" "$([ -e /usr/include/postgresql ] && echo present || echo absent)"'
}
echo "seen by the first build:  $(probe_root "$A" "$A_AT" env_a $umask_a)"
echo "seen by the second build: $(probe "$B" env_b $umask_b "${faketime_cmd[@]+"${faketime_cmd[@]}"}")"
echo "(make then sets TZ=UTC, LC_ALL=C, umask 022: preflight checks that it does)"
echo

build_root() { # dir at env-array-name umask jobs arch log
	local dir=$1 at=$2 envname=$3[@] um=$4 jobs=$5 arch=$6 log=$7
	ROOT_ENV=("${!envname}")
	root_run "$dir" "$at" sh -c \
		"umask $um && mkdir -p \"\$HOME\" && make -j$jobs ARCH=$arch all tools" >"$log" 2>&1
}
build() { # dir env-array-name umask jobs arch log [prefix...]
	local dir=$1 envname=$2[@] um=$3 jobs=$4 arch=$5 log=$6; shift 6
	(cd "$dir" && umask "$um" && env -i "${!envname}" "$@" make -j"$jobs" ARCH="$arch" all tools) >"$log" 2>&1
}

status=0 results=()
built=0
for arch in "${arches[@]}"; do
	if ! compgen -G "$A/kernel/arch/$arch/*.[cS]" >/dev/null; then
		echo "repro-check: $arch: not buildable yet (no kernel/arch/$arch): skipped"
		results+=("$arch: SKIP (not buildable yet)")
		continue
	fi
	t0=$(now)
	if ! build_root "$A" "$A_AT" env_a $umask_a 1 "$arch" "$T/build-a-$arch.log"; then
		echo "repro-check: $arch: first build (clean root) failed:"; tail -n 30 "$T/build-a-$arch.log"
		results+=("$arch: FAIL (build)"); status=1; continue
	fi
	ta=$(since "$t0"); t0=$(now)
	if ! build "$B" env_b $umask_b "$jobs_b" "$arch" "$T/build-b-$arch.log" "${faketime_cmd[@]+"${faketime_cmd[@]}"}"; then
		echo "repro-check: $arch: second build failed:"; tail -n 30 "$T/build-b-$arch.log"
		results+=("$arch: FAIL (build)"); status=1; continue
	fi
	echo "repro-check: $arch: built twice (${ta}s at -j1, $(since "$t0")s at -j$jobs_b)"
	results+=("$arch: built")
	built=$((built + 1))
done

if [ $built -gt 0 ]; then
	echo
	if ! compare_trees "$A" "$B"; then status=1; fi
	echo
	leaks "$A" "$T" kozo-repro-a "$A_AT" || status=1
	leaks "$B" "$T" kozo-repro-user-b "$root" || status=1
fi
echo
for r in "${results[@]}"; do echo "repro-check: $r"; done
if [ $status = 0 ] && [ $built -gt 0 ]; then
	echo "repro-check: reproducible: every file identical, no path or user in any output"
elif [ $status = 0 ]; then
	echo "repro-check: nothing was buildable"; status=1
else
	echo "repro-check: NOT reproducible (see above)"
fi
exit $status
