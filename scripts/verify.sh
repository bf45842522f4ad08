#!/usr/bin/env bash
# Verifies KOZO binaries: rebuilds the commit they name in a clean Debian 12
# root and compares sha256, artifact by artifact (docs/REPRODUCIBILITY.md).
#
#   scripts/verify.sh ARTIFACT...      kernels, Init images, kozo-crash
#   scripts/verify.sh MANIFEST         build/manifest.json: all its subjects
#
# The commit comes from each artifact's source note (.note.kozo.source) or
# the manifest.  It is checked out from $KOZO_VERIFY_REPO (default: the
# repository holding this script) into a fresh directory, built with `make
# manifest` inside a clean Debian 12 root (scripts/lib/clean-root.sh:
# mmdebstrap from the package mirror, cached; bubblewrap, no host /usr, no
# network), with the manifest's package versions where the mirror has them:
# an ARTIFACT's manifest is build/manifest.json beside its build directory
# when that manifest lists the artifact's sha256; without one, the mirror's
# versions.  On a mismatch it runs diffoscope on the two files and prints
# the start of its report.
#
# Exit status: 0 every artifact matches, 1 a mismatch or no rebuild (no
# mirror, unknown commit, failed build), 2 usage.  KOZO_VERIFY_KEEP=1 keeps
# the rebuild; KOZO_VERIFY_JOBS sets make's -j (default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/clean-root.sh"
export LC_ALL=C
say() { echo "verify: $*"; }
die() { echo "verify: $*" >&2; exit 1; }
[ $# -ge 1 ] && [[ $1 != -* ]] || { echo "usage: scripts/verify.sh ARTIFACT... | MANIFEST" >&2; exit 2; }

# What is to be checked: names (paths in the build tree), expected sha256,
# the files themselves where we have them.
declare -a names=() shas=() files=() pins=()
commit="" dirty="" manifest=""
json() { python3 -c "$1" "${@:2}"; }
from_manifest() { # manifest: subjects into names/shas, source into commit/dirty, pins
	local m=$1
	json 'import json,sys; json.load(open(sys.argv[1]))' "$m" 2>/dev/null || die "$m: not a JSON manifest"
	mapfile -t lines < <(json '
import json, sys
d = json.load(open(sys.argv[1]))
if d.get("predicateType") != "https://slsa.dev/provenance/v1": sys.exit("not a KOZO provenance statement")
b = d["predicate"]["buildDefinition"]
s = b["externalParameters"]["source"]
print("commit", s["commit"]); print("dirty", 1 if s["dirty"] else 0)
for x in d["subject"]: print("subject", x["name"], x["digest"]["sha256"])
for r in b["resolvedDependencies"]:
    if r.get("uri", "").startswith("pkg:deb/") and r["annotations"].get("arch") != "arm64":
        print("pin", "%s=%s" % (r["name"], r["annotations"]["version"]))
' "$m") || die "$m: not a KOZO manifest"
	local l
	for l in "${lines[@]}"; do
		set -- $l
		case $1 in
		commit) manifest_commit=$2 ;;
		dirty) manifest_dirty=$2 ;;
		subject) manifest_names+=("$2"); manifest_shas+=("$3") ;;
		pin) pins+=("$2") ;;
		esac
	done
}

declare -a manifest_names=() manifest_shas=()
manifest_commit="" manifest_dirty=""
if [ $# -eq 1 ] && [ "$(head -c 1 "$1" 2>/dev/null)" = "{" ]; then
	manifest=$1
	from_manifest "$manifest"
	commit=$manifest_commit dirty=$manifest_dirty
	base=$(cd "$(dirname "$manifest")/.." && pwd)
	for i in "${!manifest_names[@]}"; do
		names+=("${manifest_names[$i]}"); shas+=("${manifest_shas[$i]}")
		f=$base/${manifest_names[$i]}
		[ -f "$f" ] && files+=("$f") || files+=("")
	done
else
	for f in "$@"; do
		[ -f "$f" ] || die "$f: no such file"
		note=$("$root/scripts/source-note.py" "$f" 2>&1) || die "$note"
		c=$(awk '$1 == "commit" { print $2 }' <<<"$note")
		d=$(awk '$1 == "dirty" { print $2 }' <<<"$note")
		a=$(awk '$1 == "artifact" { print $2 }' <<<"$note")
		[ -z "$commit" ] || [ "$commit" = "$c" ] || die "$f names commit $c, another artifact $commit: verify them separately"
		commit=$c
		[ "$d" = 1 ] && dirty=1
		names+=("$a"); shas+=("$(sha256sum <"$f" | cut -d' ' -f1)"); files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
		# The manifest beside the build directory, if it lists these bytes.
		m=$(dirname "$f")/../manifest.json
		if [ -z "$manifest" ] && [ -f "$m" ] && grep -q "${shas[-1]}" "$m"; then
			manifest=$m
			from_manifest "$m"
		fi
	done
	dirty=${dirty:-0}
fi
[ -n "$commit" ] && [ "$commit" != none ] || die "no commit named (built without git): nothing to check out"
[[ $commit =~ ^[0-9a-f]{40}$ ]] || die "malformed commit '$commit'"
say "commit $commit${manifest:+ (manifest $manifest)}"
if [ "$dirty" = 1 ]; then
	say "NOTE: built from a MODIFIED tree (dirty): no commit holds its source, so the rebuild of $commit differs"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-verify.XXXXXX")
cleanup() { if [ "${KOZO_VERIFY_KEEP:-0}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi; }
trap cleanup EXIT
repo=${KOZO_VERIFY_REPO:-$root}
git clone -q --no-checkout --no-hardlinks "$repo" "$T/src" 2>"$T/clone.err" || die "cannot clone $repo: $(cat "$T/clone.err")"
git -C "$T/src" cat-file -e "$commit^{commit}" 2>/dev/null || git -C "$T/src" fetch -q origin "$commit" 2>/dev/null ||
	die "commit $commit is not in $repo (KOZO_VERIFY_REPO names another repository)"
git -C "$T/src" checkout -q --detach "$commit"

if [ ${#pins[@]} -eq 0 ]; then
	mapfile -t pins < <(cd "$T/src" && scripts/deps.sh --build-packages)
	say "no manifest: the build packages at the mirror's versions"
fi
t0=$SECONDS
root_prepare "${pins[@]}" || die "no clean Debian 12 root, so no rebuild: NOT verified"
say "clean root $ROOT ($ROOT_MADE)"
jobs=${KOZO_VERIFY_JOBS:-2}
ROOT_ENV=(HOME=/tmp/home LANG=C.UTF-8 TZ=UTC USER=kozo-verify)
t0=$SECONDS
if ! root_run "$T/src" /kozo/verify sh -c "mkdir -p \$HOME && make -j$jobs manifest" >"$T/build.log" 2>&1; then
	tail -n 30 "$T/build.log"
	die "the rebuild of $commit failed in the clean root (above): NOT verified"
fi
say "rebuilt in $((SECONDS - t0))s"

status=0
printf '%-28s %-64s %s\n' artifact sha256 result
for i in "${!names[@]}"; do
	n=${names[$i]} want=${shas[$i]}
	got=missing
	[ -f "$T/src/$n" ] && got=$(sha256sum <"$T/src/$n" | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		printf '%-28s %-64s %s\n' "$n" "$want" MATCH
	else
		printf '%-28s %-64s %s\n' "$n" "$want" "MISMATCH (rebuilt: $got)"
		status=1
	fi
done
for i in "${!names[@]}"; do
	n=${names[$i]} f=${files[$i]}
	[ -f "$T/src/$n" ] && [ -n "$f" ] && ! cmp -s "$f" "$T/src/$n" || continue
	echo
	say "where $n differs (diffoscope: given < > rebuilt):"
	if command -v diffoscope >/dev/null 2>&1; then
		timeout 300 diffoscope --no-progress --text - "$f" "$T/src/$n" 2>&1 | head -n "${KOZO_VERIFY_DIFF_LINES:-80}" || true
	else
		say "(diffoscope is not installed: apt-get install -y diffoscope-minimal)"
		cmp "$f" "$T/src/$n" || true
	fi
done
echo
if [ $status = 0 ]; then
	say "MATCH: ${#names[@]} artifact(s) are the bytes commit $commit builds in a clean Debian 12 root"
else
	say "MISMATCH: not the bytes commit $commit builds$([ "$dirty" = 1 ] && echo ' (the artifact says its tree was modified)')"
fi
exit $status
