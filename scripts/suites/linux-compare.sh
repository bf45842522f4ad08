#!/usr/bin/env bash
# Everyday busybox commands on KOZO against the host (issue 16): the
# commands of tests/linux/files/etc/compare.sh (text tools, files, shell,
# processes and job control, signals, time) run in one QEMU boot as
# `linux /bin/busybox sh /etc/compare.sh`, and on this host with the same
# busybox in the same tree (bubblewrap: the archive's files read-only, /dev with
# null/zero/urandom/tty, a fresh /proc and /tmp, hostname kozo, KOZO's
# environment).  Outputs and exit statuses are compared command by command
# and the pass rate printed.  Commands marked `d` differ by design
# (docs/LINUX-ABI.md) and are shown, not counted; KNOWN lists the
# differences that are not fixed yet (each must still differ, so the list
# shrinks as they are).  Last line: "N passed, N failed".
# ARCH=aarch64 (linux-compare-aarch64.sh) runs Debian's arm64 busybox of the
# host's version on KOZO (mk/linux.mk) against the host's x86_64 one.
set -uo pipefail
cd "$(dirname "$0")/../.."
ARCH=${ARCH:-x86_64}
. scripts/lib/linux-suite.sh

# Known differences, by command text (docs/LINUX-ABI.md says why).
KNOWN=$(cat <<'EOF'
EOF
)

linux_suite_start compare-$ARCH

# ---- the host: the archive's tree under bubblewrap ----
root=$TMP/root
# The archive's tree, as KOZO's programs see it (mk/linux.mk), with the
# host's busybox (on aarch64 the archive's is the arm64 one).
mkdir -p "$root"
scripts/mkarchive.py --extract "$P/archive.cpio" "$root"
mkdir -p "$root/dev" "$root/proc"
rm -f "$root/bin/busybox"
cp "$BB" "$root/bin/busybox"
# Default signal dispositions, as a program started from a terminal has
# (a test run under nohup or a CI runner may inherit SIGHUP or SIGQUIT
# ignored, and `kill -HUP $$` would then differ from KOZO for that reason).
env --default-signal bwrap --ro-bind "$root" / --tmpfs /dev --dev-bind /dev/null /dev/null \
	--dev-bind /dev/zero /dev/zero --dev-bind /dev/urandom /dev/urandom \
	--dev-bind /dev/tty /dev/tty --proc /proc --tmpfs /tmp --unshare-uts --unshare-pid \
	--hostname kozo --chdir / --clearenv --setenv HOME / --setenv PATH /bin --setenv TERM dumb \
	/bin/busybox sh /etc/compare.sh </dev/null >"$TMP/host.out" 2>&1

# ---- KOZO ----
start_qemu tcg
if ! wait_for 0 'kozo> ' 30; then
	echo "FAIL boot to the kozo> prompt"; echo "0 passed, 1 failed"; exit 1
fi
start=$SECONDS
run_cmd "linux /bin/busybox sh /etc/compare.sh" 900
ok=$?
secs=$((SECONDS - start))
grep -v '^linux: ' <<<"$OUT" >"$TMP/kozo.out"
# Then the system goes on: the kernel and Init (selftest; aarch64's shell
# has no idle 4 MiB Untyped for it), the server's pool whole, the shell.
if [ "$ARCH" = x86_64 ]; then
	run_cmd selftest 30; want='^selftest: all ok' what="the kernel and Init go on (selftest)"
else
	run_cmd "echo shell ok" 30; want='^shell ok$' what="the shell goes on"
fi
after=$OUT
run_cmd linuxmem 30
mem=$OUT
stop_qemu

python3 - "$TMP/host.out" "$TMP/kozo.out" "$ok" "$secs" "$KNOWN" <<'EOF'
import sys
host_f, kozo_f, ok, secs, known = sys.argv[1:6]
known = set(l for l in known.split('\n') if l)

def blocks(path):
    out, cur = [], None
    for line in open(path, errors='replace').read().split('\n'):
        if line.startswith('@@ status ') and cur is not None:
            cur[2] = line[len('@@ status '):]
            out.append(tuple(cur))
            cur = None
        elif line.startswith('@@ deliberate '):
            cur = [line[len('@@ deliberate '):], [], None, True]
        elif line.startswith('@@ '):
            cur = [line[3:], [], None, False]
        elif cur is not None:
            cur[1].append(line)
    return [(c, '\n'.join(o), s, d) for c, o, s, d in out]

host, kozo = blocks(host_f), blocks(kozo_f)
kz = {}
for c, o, s, d in kozo:
    kz.setdefault(c, (o, s))
passed = failed = same = counted = 0
for c, o, s, d in host:
    k = kz.get(c)
    if d:
        print('SHOWN (deliberate) %s: host %r, KOZO %r' % (c, o, k[0] if k else None))
        continue
    counted += 1
    match = k is not None and k == (o, s)
    same += match
    if match and c not in known:
        passed += 1
    elif match:
        print('FAIL now matches, remove from KNOWN: %s' % c)
        failed += 1
    elif c in known:
        print('KNOWN %s' % c)
        passed += 1
    else:
        print('FAIL %s' % c)
        print('  host:  %r status %s' % (o, s))
        print('  KOZO:  %r status %s' % (k[0], k[1]) if k else '  KOZO:  (no output: did not run)')
        failed += 1
print('comparison: %d of %d commands behave as on the host (%.1f %%), %d deliberate differences shown; %s s on KOZO (TCG)'
      % (same, counted, 100.0 * same / max(counted, 1), sum(1 for b in host if b[3]), secs))
if ok != '0':
    print('FAIL the script did not finish on KOZO')
    failed += 1
if counted < 144:
    print('FAIL only %d commands compared (want at least 144)' % counted)
    failed += 1
open(sys.argv[1] + '.result', 'w').write('%d %d\n' % (passed, failed))
EOF
read -r pass fail <"$TMP/host.out.result"
if grep -q "$want" <<<"$after" && grep -q '^linuxmem: 1 of 1 page pools whole' <<<"$mem"; then
	echo "PASS $what, and the server's pool is whole"; pass=$((pass + 1))
else
	echo "FAIL after the comparison: $what, and the server's pool is whole"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
