#!/usr/bin/env bash
# Debian's arm64 busybox-static, the same version as this machine's
# busybox-static (scripts/deps.sh installs that one for x86_64), for the
# aarch64 Linux archive (mk/linux.mk).  The host's dpkg keeps its own
# architectures: apt runs with a private state that knows only arm64, reads
# the package lists of the machine's own sources, and downloads the package,
# whose hash it checks against the signed Release file.
#
#   scripts/busybox-arm64.sh OUT        the program, at OUT
#   scripts/busybox-arm64.sh --deb DIR  the package, also into DIR (the clean
#                                       root keeps it: no network in there)
#   scripts/busybox-arm64.sh --fetch    the package into the cache only; prints
#                                       the cache's directory
#
# Downloads are kept in a cache: $KOZO_DEB_CACHE, else /var/cache/kozo/debs
# as root and ${XDG_CACHE_HOME:-~/.cache}/kozo/debs otherwise (repro-check
# fetches first, so that its second build, under faketime, where apt finds
# the archive keys expired, needs no download).  A package in
# /usr/share/kozo/debs (the clean root's, scripts/lib/clean-root.sh) or in
# the cache is used when its name, version and architecture are right.
# Exit 1 with a reason otherwise (no busybox-static here, the mirror
# unreachable, no arm64 build of it).
set -euo pipefail
die() { echo "busybox-arm64: $*" >&2; exit 1; }
[ $# -ge 1 ] || { echo "usage: scripts/busybox-arm64.sh OUT | --deb DIR" >&2; exit 2; }
# The version: KOZO_BUSYBOX_VERSION (the clean root's, when it is made),
# else the installed busybox-static's.
ver=${KOZO_BUSYBOX_VERSION:-$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null)} ||
	die "busybox-static is not installed here (scripts/deps.sh installs it)"
[ -n "$ver" ] || die "busybox-static is not installed here (scripts/deps.sh installs it)"

right() { # deb: is it busybox-static $ver for arm64?
	[ -f "$1" ] && [ "$(dpkg-deb -f "$1" Package Version Architecture 2>/dev/null | tr '\n' ' ')" = \
		"Package: busybox-static Version: $ver Architecture: arm64 " ]
}
if [ -n "${KOZO_DEB_CACHE:-}" ]; then cache=$KOZO_DEB_CACHE
elif [ "$(id -u)" = 0 ]; then cache=/var/cache/kozo/debs
else cache=${XDG_CACHE_HOME:-$HOME/.cache}/kozo/debs; fi

fetch() { # dir: the package into dir (unless there already); prints its path
	local dir=$1 state deb
	mkdir -p "$dir"
	for deb in /usr/share/kozo/debs/busybox-static_*_arm64.deb "$dir"/busybox-static_*_arm64.deb; do
		if right "$deb"; then echo "$deb"; return; fi
	done
	state=$(mktemp -d)
	trap 'rm -rf "$state"' RETURN
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	local apt=(apt-get -q -o Dir::State="$state" -o Dir::State::Lists="$state/lists"
		   -o Dir::Cache="$state/cache" -o Dir::State::status=/dev/null -o Debug::NoLocking=1
		   -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o APT::Sandbox::User=root)
	"${apt[@]}" update >"$state/log" 2>&1 ||
		{ tail -n 5 "$state/log" >&2; die "apt could not read the arm64 package lists (is the mirror reachable?)"; }
	(cd "$dir" && "${apt[@]}" download "busybox-static:arm64=$ver") >"$state/log" 2>&1 ||
		{ tail -n 5 "$state/log" >&2; die "the mirror has no busybox-static $ver for arm64"; }
	for deb in "$dir"/busybox-static_*_arm64.deb; do
		if right "$deb"; then echo "$deb"; return; fi
	done
	die "the downloaded package is not busybox-static $ver for arm64"
}

deb=$(fetch "$cache")
case $1 in
--fetch) echo "$cache"; exit 0 ;;
--deb)
	[ $# -eq 2 ] || die "--deb needs a directory"
	mkdir -p "$2"
	cp "$deb" "$2/"
	exit 0 ;;
esac
out=$1
x=$(mktemp -d)
trap 'rm -rf "$x"' EXIT
dpkg-deb -x "$deb" "$x"
# ELF, 64-bit, little-endian; e_type EXEC, e_machine AArch64 (183)
[ "$(od -An -tx1 -N 20 "$x/bin/busybox" | tr -d ' \n' | sed 's/^\(.\{12\}\).\{20\}/\1/')" = 7f454c4602010200b700 ] ||
	die "$deb: bin/busybox is not an aarch64 executable"
install -m 755 "$x/bin/busybox" "$out"
