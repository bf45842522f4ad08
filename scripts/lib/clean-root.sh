# A clean Debian 12 root for rebuilding KOZO, made with mmdebstrap from the
# package mirror this machine's apt uses, cached, and run under bubblewrap
# with no access to the host's /usr (docs/REPRODUCIBILITY.md, "The clean
# root").  Sourced by scripts/repro-check.sh and scripts/verify.sh.
#
#   root_mirrors                 the mirror lines ("deb URI SUITE COMPONENTS")
#   root_pins                    "name=version" of every package the build
#                                uses (scripts/manifest.py --packages)
#   root_prepare SPEC...         sets ROOT to the cached root holding the
#                                build packages, pinned to SPEC's versions
#                                where the mirror has them; makes it first
#   root_run DIR AT CMD...       runs CMD inside the root, DIR mounted at AT
#                                (the working directory), no network
#
# KOZO_MIRROR=URL replaces the machine's Debian mirrors (bookworm and
# bookworm-updates from URL).  The cache: $KOZO_ROOT_CACHE, else
# $XDG_CACHE_HOME/kozo/roots, else /var/cache/kozo/roots as root and
# ~/.cache/kozo/roots otherwise; one directory per key, the sha256 of the
# mirror lines and the package list.  Delete a directory to force a fresh
# root.
ROOT_SUITE=bookworm
ROOT_LAYOUT=2 # bump when what goes into a root changes

root_cache_dir() {
	if [ -n "${KOZO_ROOT_CACHE:-}" ]; then echo "$KOZO_ROOT_CACHE"
	elif [ -n "${XDG_CACHE_HOME:-}" ]; then echo "$XDG_CACHE_HOME/kozo/roots"
	elif [ "$(id -u)" = 0 ]; then echo /var/cache/kozo/roots
	else echo "$HOME/.cache/kozo/roots"; fi
}

root_mirrors() {
	if [ -n "${KOZO_MIRROR:-}" ]; then
		printf 'deb %s %s main\n' "$KOZO_MIRROR" "$ROOT_SUITE" "$KOZO_MIRROR" "$ROOT_SUITE-updates"
		return
	fi
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && sed -n 's/^[[:space:]]*\(deb[[:space:]].*debian.*\)/\1/p' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() { if (types ~ /(^| )deb( |$)/ && uris ~ /debian/) {
				n = split(uris, u, " "); m = split(suites, s, " ")
				for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print "deb " u[i] " " s[j] " " comps }
				types = uris = suites = comps = "" }
			/^[[:space:]]*$/ { flush(); next }
			/^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0 }
			/^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
			/^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
			/^Components:/ { sub(/^Components:[[:space:]]*/, ""); comps = $0 }
			END { flush() }' "$f"
	done
}

# The pins the mirror can satisfy: "name=version" where the mirror's lists
# (apt-cache, as of the last apt-get update) have that version, else the
# bare name (the mirror's version) and a note in ROOT_DRIFT.
root_filter_pins() {
	local -A have=()
	local spec name line
	ROOT_DRIFT=()
	local names=()
	for spec in "$@"; do names+=("${spec%%=*}"); done
	while IFS='|' read -r name line _; do
		name=$(echo $name) line=$(echo $line)
		have["$name=$line"]=1
	done < <(apt-cache madison "${names[@]}" 2>/dev/null)
	ROOT_SPECS=()
	for spec in "$@"; do
		if [[ $spec != *=* ]] || [ -n "${have[$spec]:-}" ]; then ROOT_SPECS+=("$spec")
		else ROOT_SPECS+=("${spec%%=*}"); ROOT_DRIFT+=("$spec"); fi
	done
}

root_prepare() {
	local mirrors cache key tmp log
	mirrors=$(root_mirrors)
	[ -n "$mirrors" ] || { echo "clean-root: no Debian mirror in /etc/apt (set KOZO_MIRROR=URL)" >&2; return 1; }
	root_filter_pins "$@"
	if [ ${#ROOT_DRIFT[@]} -gt 0 ]; then
		echo "clean-root: ${#ROOT_DRIFT[@]} pinned version(s) not on the mirror, its version used instead: ${ROOT_DRIFT[*]}"
	fi
	cache=$(root_cache_dir)
	key=$(printf '%s\n' "layout $ROOT_LAYOUT" "$mirrors" "${ROOT_SPECS[@]}" | sort | sha256sum | cut -c1-16)
	ROOT=$cache/$key
	ROOT_KEY=$key
	mkdir -p "$cache"
	exec 9>"$cache/$key.lock"
	flock 9
	if [ -f "$ROOT/.kozo-root-complete" ]; then
		ROOT_MADE=cached
		flock -u 9; return 0
	fi
	tmp=$cache/$key.tmp log=$cache/$key.log
	rm -rf "$tmp"
	local t0=$SECONDS
	local -a mirror_args=()
	mapfile -t mirror_args <<<"$mirrors"
	local IFS=,
	if ! mmdebstrap --variant=apt --aptopt="APT::Get::allow-downgrades \"true\"" --include="${ROOT_SPECS[*]}" \
		--customize-hook='mkdir -p "$1/kozo" && rm -f "$1"/etc/apt/sources.list.d/* ' \
		"$ROOT_SUITE" "$tmp" "${mirror_args[@]}" >"$log" 2>&1; then
		unset IFS
		echo "clean-root: could not make the Debian 12 root from the mirror ($(echo "$mirrors" | awk '{ print $2 }' | sort -u | tr '\n' ' '))."
		if grep -qiE 'Could not (connect|resolve)|Failed to fetch|Temporary failure|Connection refused|unable to connect|No route|timed out' "$log"; then
			echo "clean-root: the package mirror is UNREACHABLE; nothing was checked."
		fi
		echo "clean-root: mmdebstrap's last lines ($log):"
		grep -E '^(E|W):' "$log" | tail -n 8 | sed 's/^/  /'
		rm -rf "$tmp"; flock -u 9; return 1
	fi
	unset IFS
	# Debian's arm64 busybox-static for the aarch64 archive (mk/linux.mk),
	# of the root's busybox-static version: no network in the root, so
	# scripts/busybox-arm64.sh fetches the package now and keeps it in
	# /usr/share/kozo/debs, where the build looks first.
	if ! KOZO_BUSYBOX_VERSION=$(dpkg-query --admindir="$tmp/var/lib/dpkg" -W -f='${Version}' busybox-static) \
		"$(dirname "${BASH_SOURCE[0]}")/../busybox-arm64.sh" --deb "$tmp/usr/share/kozo/debs" >>"$log" 2>&1; then
		echo "clean-root: could not fetch Debian's arm64 busybox-static for the root:"
		tail -n 3 "$log" | sed 's/^/  /'
		rm -rf "$tmp"; flock -u 9; return 1
	fi
	printf '%s\n' "${ROOT_SPECS[@]}" >"$tmp/.kozo-root-packages"
	touch "$tmp/.kozo-root-complete"
	mv "$tmp" "$ROOT"
	ROOT_MADE="made in $((SECONDS - t0))s"
	flock -u 9
}

# root_run DIR AT CMD...: the root read-only as /, DIR read-write at AT
# (under /kozo), a private /tmp, no network, an empty environment but for
# the variables in ROOT_ENV (an array of NAME=value).
root_run() {
	local dir=$1 at=$2; shift 2
	local -a envargs=(--setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
	local kv
	for kv in ${ROOT_ENV[@]+"${ROOT_ENV[@]}"}; do envargs+=(--setenv "${kv%%=*}" "${kv#*=}"); done
	bwrap --ro-bind "$ROOT" / --tmpfs /kozo --bind "$dir" "$at" --tmpfs /tmp --dev /dev --proc /proc \
		--unshare-all --die-with-parent --clearenv "${envargs[@]}" --chdir "$at" "$@"
}
