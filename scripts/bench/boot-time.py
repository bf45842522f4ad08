#!/usr/bin/env python3
"""Wall time from starting QEMU to Init's first "kozo> " prompt on serial 0.

    boot-time.py BOOTS -- qemu-system-... (serial 0 on stdio)

Prints one line per boot and the median.  The clock starts just before QEMU
is spawned, so QEMU's own start-up is included, as in seL4's figure."""
import os, select, statistics, subprocess, sys, time

PROMPT = b"kozo> "
TIMEOUT = 60.0

def one_boot(cmd):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    seen = b""
    try:
        while True:
            left = start + TIMEOUT - time.monotonic()
            if left <= 0:
                raise RuntimeError("no prompt within %.0f s" % TIMEOUT)
            ready, _, _ = select.select([proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                err = proc.stderr.read().decode(errors="replace").strip()
                raise RuntimeError("QEMU exited before the prompt: " + err)
            seen = (seen + chunk)[-64:]
            if PROMPT in seen:
                return time.monotonic() - start
    finally:
        proc.kill()
        proc.wait()

def main():
    boots = int(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    times = []
    for i in range(boots):
        t = one_boot(cmd)
        times.append(t)
        print("boot: run %d: %.3f s" % (i + 1, t))
    print("boot: time to prompt (TCG, median of %d): %.3f s (min %.3f, max %.3f)"
          % (boots, statistics.median(times), min(times), max(times)))

if __name__ == "__main__":
    main()
