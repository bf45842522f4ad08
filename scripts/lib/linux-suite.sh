# The start of the suites that run Linux programs on KOZO in QEMU
# (scripts/suites/linux.sh, linux-compare.sh, linux-static.sh).  The
# caller sets ARCH and names its temporary directory: `linux_suite_start
# <name>`.  Sets KERNEL and TMP (qemu_session), P (ARCH's Linux programs,
# mk/linux.mk) and BB (the busybox both sides run), and builds the kernel
# and the Linux programs; a failed build shows its log and ends the suite
# as one failure.
. scripts/lib/out.sh
. scripts/lib/qemu-shell.sh
. scripts/lib/linux-clock.sh   # linux_clock_checks

linux_suite_start() { # name
	qemu_session "$1"
	P=$KOZO_OUT/$ARCH/linux
	BB=${BUSYBOX:-/bin/busybox}
	if ! make -s ARCH="$ARCH" kernel linux-progs >"$TMP/build.log" 2>&1; then
		cat "$TMP/build.log"; echo "FAIL build"; echo "0 passed, 1 failed"; exit 1
	fi
}
