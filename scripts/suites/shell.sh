#!/usr/bin/env bash
# The shell's input (issue 13), in QEMU on x86_64 and aarch64 (ARCH=<arch>
# for one): POSIX quoting and escapes, words past the old limit of 11,
# lines up to 4095 characters and a clear refusal past that (nothing
# runs), backspace, Ctrl-U, Ctrl-C, history on the arrow keys, `ps`.
# Then the input-loss case: under load (two busy loops on the host), a
# 3,000-character line typed after a few commands must come back whole in
# each of SESSIONS boots (20; x86_64 only unless LOAD_ARCHES says).
# Each check prints PASS/FAIL; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d /tmp/kozo-shell.XXXXXX)
. scripts/lib/qemu-shell.sh
BUSY_PIDS=()
cleanup() {
	stop_qemu
	for p in "${BUSY_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

SESSIONS=${SESSIONS:-20}
pass=0 fail=0 failed=
check() { # name, then a command that succeeds when the check passes
	local name="$1 [$ARCH]"; shift
	if "$@"; then echo "PASS $name"; pass=$((pass + 1))
	else echo "FAIL $name"; fail=$((fail + 1)); failed=1; fi
}
is() { [ "$OUT" = "$1" ]; }
has() { grep -qF -- "$1" <<<"$OUT"; }
lacks() { ! grep -qF -- "$1" <<<"$OUT"; }

repeat() { # char count
	local s
	printf -v s '%*s' "$2" ''
	printf '%s' "${s// /$1}"
}

# Send raw bytes (no CR added) and then a line; OUT as run_cmd gives it.
keys_then() { # raw-bytes line
	printf '%s' "$1" >&3
	run_cmd "$2"
}

editing() {
	run_cmd "echo 'a  b' \"c \\\" d\" e\\ f ''x"
	check "quotes and escapes as a POSIX shell reads them" is 'a  b c " d e f x'
	run_cmd 'echo "a\b" '"'"'\n'"'"' "$x"'
	check "a backslash in double quotes stays before other characters" is 'a\b \n $x'
	run_cmd "echo 'open"
	check "an unterminated single quote is an error, nothing runs" \
		is "shell: unterminated single quote: not run"
	run_cmd 'echo "open'
	check "an unterminated double quote is an error" is "shell: unterminated double quote: not run"
	local words
	words=$(seq -s ' ' 1 40)
	run_cmd "echo $words"
	check "40 words (the old limit was 11)" is "$words"
	local max="echo $(repeat y 4090)"
	run_cmd "$max" 60
	check "a 4095-character line runs" is "$(repeat y 4090)"
	run_cmd "echo MARK$(repeat z 4100)" 60
	check "a longer line is refused with an error" \
		is "shell: line too long (more than 4095 characters): not run"
	check "nothing of the long line ran" lacks "MARK"
	run_cmd $'echo junk\x15echo fine'
	check "Ctrl-U erases the line" is "fine"
	run_cmd $'echo abcd\bx'
	check "backspace" is "abcx"
	run_cmd $'echo caf\xc3\xa9 \xe2\x82\xac'
	check "UTF-8 bytes are kept (they were dropped)" is $'caf\xc3\xa9 \xe2\x82\xac'
	run_cmd $'echo x\xc3\xa9\x7fy'
	check "backspace erases a UTF-8 character whole" is "xy"
	run_cmd $'echo a\x1b[999;1Hb\x1b[1;5Cc'
	check "escape sequences with parameters are ignored whole (999;1H was half typed)" is "abc"
	printf '%s' $'echo gone\x03' >&3
	run_cmd "echo after"
	check "Ctrl-C abandons the line" bash -c '! grep -q "^gone" <<<"$1" && grep -q "^after$" <<<"$1"' _ "$OUT"
	run_cmd "echo one"
	run_cmd "echo two"
	keys_then $'\x1b[A\x1b[A' ""
	check "history: up twice runs the line before the last" is "one"
	run_cmd "echo three"
	keys_then $'\x1b[A\x1b[A\x1b[B' ""
	check "history: up, up, down comes back to the last line" is "three"
	run_cmd "ps"
	check "ps lists init, console and shell running" bash -c \
		'for p in init console shell; do grep -qE "^ +[0-9]+ +$p +[0-9]+ +running" <<<"$1" || exit 1; done' _ "$OUT"
	run_cmd "echo still here"
	check "the shell goes on" is "still here"
}

# One boot: a few commands, then the long line; true when it came back.
long_line_session() { # n
	start_qemu tcg "load-$ARCH-$1"
	wait_for 0 'kozo> ' 60 || { stop_qemu; return 1; }
	run_cmd "echo first" 30 && run_cmd "untyped" 30 && run_cmd "ps" 30 || { stop_qemu; return 1; }
	local payload="$(repeat q 1000)$(repeat r 1000)$(repeat s 995)"
	run_cmd "echo $payload" 60
	local ok=1
	[ "$OUT" = "$payload" ] || ok=0
	[ $ok = 1 ] && { run_cmd "echo next" 30 && [ "$OUT" = next ] || ok=0; }
	[ $ok = 0 ] && { echo "session $1: got ${#OUT} characters"; tr -d '\r' <"$RUN/serial.log" | tail -c 400; echo; }
	stop_qemu
	[ $ok = 1 ]
}

for ARCH in ${ARCH:-x86_64 aarch64}; do
	KERNEL=build/$ARCH/kozo.elf
	if ! make -s ARCH="$ARCH" kernel >&2; then
		echo "FAIL build [$ARCH]"; fail=$((fail + 1)); continue
	fi
	start_qemu tcg "edit-$ARCH"
	if wait_for 0 'kozo> ' 60; then
		editing
	else
		check "boot to the kozo> prompt" false
	fi
	if [ -n "$failed" ] || [ -n "${KOZO_TRANSCRIPT:-}" ]; then
		echo "--- serial transcript ---"; tr -d '\r' <"$RUN/serial.log" | cut -c1-300; echo "--- end ---"
	fi
	stop_qemu
	failed=
	case " ${LOAD_ARCHES:-x86_64} " in *" $ARCH "*) ;; *) continue ;; esac
	# Two busy loops compete with QEMU for the host's CPUs.
	for _ in 1 2; do ( while :; do :; done ) & BUSY_PIDS+=($!); done
	good=0
	for n in $(seq 1 "$SESSIONS"); do
		long_line_session "$n" && good=$((good + 1))
	done
	for p in "${BUSY_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	BUSY_PIDS=()
	echo "long line under load: $good of $SESSIONS sessions whole"
	check "a 3,000-character line under load, $SESSIONS of $SESSIONS sessions" test "$good" = "$SESSIONS"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
