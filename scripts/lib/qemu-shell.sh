# Boot KOZO in QEMU and talk to Init's shell over serial 0.  Sourced by
# scripts/integration-test.sh and the benchmarks; the caller sets
#   ARCH     x86_64 | aarch64
#   KERNEL   the kernel ELF to boot
#   TMP      a private directory (one subdirectory per run)
# (qemu_session sets the last two) and may set QEMU_EXTRA=(...) for more
# QEMU arguments (e.g. -icount).
# Each boot gets a fresh 32-byte seed for the kernel's boot nonce
# (fw_cfg opt/kozo/seed, <run>/seed); a device secret is the caller's
# (QEMU_EXTRA: -fw_cfg name=opt/kozo/secret,file=...).
#
# Serial 0 is a pair of FIFOs (QEMU's pipe chardev: we write <run>/s0.in,
# read <run>/s0.out, logged to <run>/serial.log); serial 1 goes to
# <run>/panic.log.
QEMU_PID=
READER_PID=
QEMU_EXTRA=(${QEMU_EXTRA[@]+"${QEMU_EXTRA[@]}"})

# KERNEL: ARCH's kernel of this build (scripts/lib/out.sh, sourced
# before); TMP: a fresh /tmp/kozo-<name>.XXXXXX; on exit QEMU is stopped
# and TMP removed.
qemu_session() { # name
	KERNEL=$KOZO_OUT/$ARCH/kozo.elf
	TMP=$(mktemp -d "/tmp/kozo-$1.XXXXXX")
	trap 'stop_qemu; rm -rf "$TMP"' EXIT
}

qemu_cmd() { # mode (tcg|kvm) -> the command line in QEMU_ARGS
	local mode=$1
	case $ARCH in
	x86_64)
		QEMU_ARGS=(qemu-system-x86_64 -M q35 -m 256M -nographic -no-reboot -monitor none
			-serial "pipe:$RUN/s0" -serial "file:$RUN/panic.log" -kernel "$KERNEL"
			-device isa-debug-exit,iobase=0xf4,iosize=4)
		if [ "$mode" = kvm ]; then
			QEMU_ARGS+=(-enable-kvm -cpu host,-arch-capabilities)
		else
			QEMU_ARGS+=(-accel tcg -cpu max)
		fi
		;;
	aarch64)
		QEMU_ARGS=(qemu-system-aarch64 -M virt,gic-version=3,secure=on -m 256M -nographic
			-no-reboot -monitor none -semihosting
			-serial "pipe:$RUN/s0" -serial "file:$RUN/panic.log" -kernel "$KERNEL")
		if [ "$mode" = kvm ]; then
			QEMU_ARGS+=(-enable-kvm -cpu host)
		else
			QEMU_ARGS+=(-accel tcg -cpu cortex-a72)
		fi
		;;
	*)
		echo "unknown ARCH '$ARCH'" >&2
		exit 2
		;;
	esac
	QEMU_ARGS+=(-fw_cfg "name=opt/kozo/seed,file=$RUN/seed")
	QEMU_ARGS+=(${QEMU_EXTRA[@]+"${QEMU_EXTRA[@]}"})
}

start_qemu() { # mode [run-name]
	RUN=$TMP/${2:-$1}
	rm -rf "$RUN"
	mkdir -p "$RUN"
	mkfifo "$RUN/s0.in" "$RUN/s0.out"
	: >"$RUN/serial.log"
	(umask 077 && head -c 32 /dev/urandom >"$RUN/seed")
	qemu_cmd "$1"
	"${QEMU_ARGS[@]}" >"$RUN/qemu.out" 2>"$RUN/qemu.err" &
	QEMU_PID=$!
	# Read-write opens never block on a FIFO, whoever comes first.
	exec 3<>"$RUN/s0.in" 4<>"$RUN/s0.out"
	cat <&4 >"$RUN/serial.log" &
	READER_PID=$!
}

# Safe under set -e: wait reports the killed QEMU's 143, which is no error
# here (make bench failed on it: scripts/bench/retype.sh exited 143).
stop_qemu() {
	if [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null; then wait "$QEMU_PID" 2>/dev/null || :; fi
	if [ -n "$READER_PID" ] && kill "$READER_PID" 2>/dev/null; then wait "$READER_PID" 2>/dev/null || :; fi
	QEMU_PID= READER_PID=
	exec 3>&- 4>&- 2>/dev/null
	return 0
}

# The line QEMU wrote about a KVM it cannot use, if any.
kvm_problem() {
	grep -m1 -E 'KVM internal error|[Cc]ould not access KVM|failed to initialize [Kk][Vv][Mm]|[Cc]ould not open .*/dev/kvm|kvm.*Permission denied' \
		"$RUN/qemu.err" "$RUN/qemu.out" 2>/dev/null | sed 's/^[^:]*://' | head -n 1
}

log_size() { stat -c %s "$RUN/serial.log"; }

# Wait until the serial output after byte offset $1 contains the literal
# string $2; at most $3 seconds.  Fails early if QEMU is gone.
wait_for() {
	local from=$1 text=$2 timeout=$3
	local deadline=$((SECONDS + timeout))
	while [ $SECONDS -le $deadline ]; do
		tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r' | grep -qF -- "$text" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		[ -n "$(kvm_problem)" ] && return 1
		sleep 0.05
	done
	return 1
}

# Wait until the output after byte offset $1 ends with a fresh prompt (a
# line that is just "kozo> "); at most $2 seconds.
wait_prompt() {
	local from=$1 timeout=$2 out
	local deadline=$((SECONDS + timeout))
	while [ $SECONDS -le $deadline ]; do
		out=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r')
		[[ $out == *$'\n'"kozo> " ]] && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		[ -n "$(kvm_problem)" ] && return 1
		sleep 0.05
	done
	return 1
}

# Send a command line, wait for the next prompt; the output (without the
# echo of the command and the prompt) is in OUT.
run_cmd() { # line [timeout]
	local from
	from=$(log_size)
	printf '%s\r' "$1" >&3
	if ! wait_prompt "$from" "${2:-${CMD_TIMEOUT:-15}}"; then
		OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r')
		return 1
	fi
	OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r' | sed '1d;$d')
	return 0
}

# Boot under TCG, wait for the prompt (60 s) and run one command line (at
# most $2 s), its output in OUT, as a benchmark does; on failure say
# "$3: no result", show serial 0 on stderr and fail.
boot_run_cmd() { # line timeout name
	start_qemu tcg
	if ! wait_for 0 'kozo> ' 60 || ! run_cmd "$1" "$2"; then
		echo "$3: no result; serial 0 was:" >&2
		tr -d '\r' <"$RUN/serial.log" >&2
		return 1
	fi
}
