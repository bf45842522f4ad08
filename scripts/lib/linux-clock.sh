# The Linux server's clocks, seen from outside (issue 16, "Time"), for the
# suites that run Linux programs (linux.sh, linux-static.sh; they define
# check and run_cmd): /bin/clock (tests/linux/progs/clock.c) prints
# CLOCK_REALTIME and sleeps 1 s.  The real time must be the RTC's, within
# 10 minutes of the host's (QEMU's RTC starts at the host's UTC time;
# before the PL031 was read, aarch64 gave the commit date), and the sleep
# must last at least 0.9 s of the host's wall time (with the TSC taken for
# 1 GHz it lasted 0.48 s on a 2.1 GHz host).  No upper bound: a loaded
# machine makes TCG slower, never faster.
linux_clock_checks() {
	local t0 t1 now rt slept
	t0=$(date +%s%N)
	run_cmd "linux /bin/clock 1000" 60
	t1=$(date +%s%N)
	now=$(date +%s)
	rt=$(sed -n 's/^clock: realtime \([0-9]*\)$/\1/p' <<<"$OUT")
	slept=$(sed -n 's/^clock: slept \([0-9]*\) ms$/\1/p' <<<"$OUT")
	check "CLOCK_REALTIME is the RTC's: ${rt:-none} within 600 s of the host's $now" \
		test -n "$rt" -a "${rt:-0}" -ge $((now - 600)) -a "${rt:-0}" -le $((now + 600))
	check "a 1 s nanosleep: ${slept:-none} ms by CLOCK_MONOTONIC, $(((t1 - t0) / 1000000)) ms of host time (>= 900)" \
		test -n "$slept" -a "${slept:-0}" -ge 1000 -a $(((t1 - t0) / 1000000)) -ge 900
}
