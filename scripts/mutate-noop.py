#!/usr/bin/env python3
"""No-op operations (tests/mutation/noop-ops.txt, docs/TESTING.md): no test
may pass when the operation it names is replaced by one that returns success
and does nothing.

tests/mutation/noop-ops.txt lists every operation of the kernel (system
calls, object methods, the events the kernel handles), where the no-op goes
in kernel/core, and the tests that name it.  This script:

  1. checks the table: every place exists exactly once, every test named
     exists in tests/kernel/tests.h, and every test of tests.h is placed
     (under an operation or as `unnamed`);
  2. builds the host tests once with every no-op in, each behind a run-time
     switch (KOZO_MUTANT=<n>, as scripts/mutate.py's schemata), in a
     temporary copy of the changed kernel/core files (the working tree is
     never touched), linked with the objects of `make host-tests`; with no
     switch set every test must pass;
  3. for each operation, runs each test that names it with its no-op on:
     each must fail (a failed check, a sanitizer, a crash, or its CPU
     limit); one that passes is HOLLOW.  When none of them fails, or no test
     names the operation, every test runs: an operation that no test at all
     notices is UNTESTED.  (--count runs every test for every operation and
     says how many fail.)

Exit status 1 when a test is hollow, an operation untested, or the table
wrong.

  make mutate-noop [NOOP_ARGS="--only Call,Retype --verbose --count"]
"""

import argparse
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import shutil
import importlib.util

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = "tests/mutation/noop-ops.txt"

_spec = importlib.util.spec_from_file_location("mutate", os.path.join(ROOT, "scripts/mutate.py"))
mutate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutate)


class TableError(Exception):
    pass


def parse_table(path):
    """[{name, noops: [(file, place, code)], tests: [...]}], [unnamed]."""
    ops, unnamed = [], []
    with open(path) as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            word, _, rest = line.partition(" ")
            rest = rest.strip()
            where = "%s:%d" % (TABLE, n)
            if word == "op":
                if not rest or " " in rest:
                    raise TableError("%s: `op` takes one name" % where)
                if any(o["name"] == rest for o in ops):
                    raise TableError("%s: operation %s twice" % (where, rest))
                ops.append({"name": rest, "noops": [], "tests": [], "line": n})
            elif word in ("noop", "tests") and not ops:
                raise TableError("%s: `%s` before any `op`" % (where, word))
            elif word == "noop":
                m = re.match(r"(\S+\.c)\s+(fn:\w+|`[^`]+`)\s+(.+)$", rest)
                if not m:
                    raise TableError("%s: expected `noop FILE fn:NAME|`TEXT` CODE`" % where)
                ops[-1]["noops"].append((m.group(1), m.group(2), m.group(3)))
            elif word == "tests":
                ops[-1]["tests"] += rest.split()
            elif word == "unnamed":
                unnamed += rest.split()
            else:
                raise TableError("%s: unknown line `%s`" % (where, word))
    for o in ops:
        if not o["noops"]:
            raise TableError("%s:%d: operation %s has no `noop`" % (TABLE, o["line"], o["name"]))
    return ops, unnamed


def kernel_tests():
    with open(os.path.join(ROOT, "tests/kernel/tests.h")) as fh:
        text = fh.read()
    return re.findall(r"\bX\((\w+)\)", text)


def place_offset(text, file, place):
    """The offset in text where a no-op at place goes."""
    if place.startswith("fn:"):
        name = place[3:]
        masked = mutate.mask_source(text)
        hits = [m for m in re.finditer(r"(?m)^[A-Za-z_][\w \t\*]*\b%s\s*\(" % re.escape(name), masked)]
        starts = []
        for m in hits:
            close = mutate.matching_paren(masked, m.end() - 1)
            after = masked[close + 1:].lstrip()
            if after.startswith("{"):
                starts.append(masked.index("{", close) + 1)
        if len(starts) != 1:
            raise TableError("%s: function %s defined %d times in kernel/core/%s"
                             % (TABLE, name, len(starts), file))
        return starts[0]
    anchor = place[1:-1]
    count = text.count(anchor)
    if count != 1:
        raise TableError("%s: `%s` occurs %d times in kernel/core/%s (must be once)"
                         % (TABLE, anchor, count, file))
    return text.index(anchor) + len(anchor)


def patched_sources(ops):
    """{file: text with every no-op behind kozo_mut_(operation number)}."""
    inserts = {}
    for i, o in enumerate(ops):
        for file, place, code in o["noops"]:
            path = os.path.join(ROOT, "kernel/core", file)
            if not os.path.exists(path):
                raise TableError("%s: operation %s: no kernel/core/%s" % (TABLE, o["name"], file))
            with open(path) as fh:
                text = fh.read()
            at = place_offset(text, file, place)
            inserts.setdefault(file, []).append((at, i, " if (kozo_mut_(%d)) { %s } " % (i, code)))
    out = {}
    for file, ins in inserts.items():
        with open(os.path.join(ROOT, "kernel/core", file)) as fh:
            text = fh.read()
        # From the end, so that earlier offsets stay valid; several no-ops
        # at one place go in in the table's order.
        for at, _, code in sorted(ins, key=lambda x: (x[0], x[1]), reverse=True):
            text = text[:at] + code + text[at:]
        out[file] = mutate.SCHEMA_PROLOGUE + text
    return out


def build(sources, tmp):
    cc = os.environ.get("HOSTCC", "clang")
    cflags = [f for f in os.environ.get("MUTATE_CFLAGS", "").split() if f != "-g"]
    ldflags = os.environ.get("MUTATE_LDFLAGS", "").split()
    objs = [os.path.join(ROOT, o) for o in os.environ.get("MUTATE_OBJS", "").split()]
    if not objs:
        sys.exit("mutate-noop: run through `make mutate-noop` (it passes the host test flags and objects)")
    ws = mutate.Workspace(os.path.join(tmp, "ws"))
    own = {}
    for file, text in sorted(sources.items()):
        obj = os.path.join(tmp, file[:-2] + ".noop.o")
        ok, err = ws.compile(cc, cflags, file, text, obj)
        if not ok:
            sys.exit("mutate-noop: kernel/core/%s with its no-ops does not build:\n%s" % (file, err))
        own[file[:-2] + ".o"] = obj
    linked = []
    for o in objs:
        if os.path.dirname(o).endswith("/kernel/core") and os.path.basename(o) in own:
            linked.append(own.pop(os.path.basename(o)))
        else:
            linked.append(o)
    if own:
        sys.exit("mutate-noop: %s not among the test objects" % ", ".join(sorted(own)))
    exe = os.path.join(tmp, "kernel-tests-noop")
    r = subprocess.run([cc] + ldflags + ["-o", exe] + linked, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("mutate-noop: link failed:\n" + r.stderr[-2000:])
    return exe


def run(exe, op_number, tests, limit):
    """(returncode or 'timeout', stdout) of the test binary."""
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=0")
    env.pop("KOZO_MUTANT", None)
    env.pop("KOZO_TEST_FAIL_FAST", None)
    env["KOZO_TEST_EXACT"] = "1"
    if op_number is not None:
        env["KOZO_MUTANT"] = str(op_number)

    def cpu_limit():
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    try:
        r = subprocess.run([exe] + tests, cwd=ROOT, capture_output=True, text=True, env=env,
                           timeout=30 * limit, preexec_fn=cpu_limit)
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or ""
    if r.returncode == -signal.SIGXCPU:
        return "timeout", r.stdout
    return r.returncode, r.stdout


def failing_tests(rc, out, tests):
    """The tests of a whole run that failed; None when the run ended
    abnormally (a crash: the tests after it did not run)."""
    failed = {l[5:].split(".", 1)[0] for l in out.splitlines() if l.startswith("FAIL ")}
    summary = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    if rc == "timeout" or not summary or (rc != 0 and not failed):
        return None
    return failed


def test_fails(exe, number, test, limit):
    rc, out = run(exe, number, [test], limit)
    if rc == "timeout":
        return True, "CPU limit"
    fails = [l[5:] for l in out.splitlines() if l.startswith("FAIL ")]
    if fails:
        return True, fails[0]
    if rc != 0 or not re.search(r"^\d+ passed, 0 failed$", out, re.M):
        return True, "exit %s" % rc
    return False, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated operation names")
    ap.add_argument("--timeout", type=int, default=3, help="CPU seconds per test run")
    ap.add_argument("--verbose", "-v", action="store_true", help="how each named test failed")
    ap.add_argument("--check-table", action="store_true", help="check the table only, build nothing")
    ap.add_argument("--count", action="store_true",
                    help="for every operation, also run every test and count those that fail")
    args = ap.parse_args()

    try:
        ops, unnamed = parse_table(os.path.join(ROOT, TABLE))
        known = kernel_tests()
        for o in ops:
            for t in o["tests"]:
                if t not in known:
                    raise TableError("%s: operation %s names test %s, not in tests/kernel/tests.h"
                                     % (TABLE, o["name"], t))
        for t in unnamed:
            if t not in known:
                raise TableError("%s: unnamed test %s is not in tests/kernel/tests.h" % (TABLE, t))
        placed = set(unnamed) | {t for o in ops for t in o["tests"]}
        missing = [t for t in known if t not in placed]
        if missing:
            raise TableError("%s: tests not placed under any operation or `unnamed`: %s"
                             % (TABLE, " ".join(missing)))
        both = sorted(set(unnamed) & {t for o in ops for t in o["tests"]})
        if both:
            raise TableError("%s: `unnamed` tests that an operation names: %s" % (TABLE, " ".join(both)))
        sources = patched_sources(ops)
    except TableError as e:
        print("mutate-noop: " + str(e))
        return 1
    if args.check_table:
        print("table: %d operations, %d tests placed" % (len(ops), len(placed)))
        return 0

    wanted = set(args.only.split(",")) if args.only else None
    if wanted and wanted - {o["name"] for o in ops}:
        print("mutate-noop: no operation %s in %s" % (", ".join(sorted(wanted - {o["name"] for o in ops})), TABLE))
        return 1
    tmp = tempfile.mkdtemp(prefix="kozo-noop.")
    hollow, untested = [], []
    try:
        exe = build(sources, tmp)
        rc, out = run(exe, None, [], args.timeout * 10)
        if rc != 0:
            print("mutate-noop: the tests fail with every no-op off:")
            print("\n".join(l for l in out.splitlines() if l.startswith("FAIL "))[:2000])
            return 1
        for i, o in enumerate(ops):
            if wanted and o["name"] not in wanted:
                continue
            # Each test that names the operation on its own; then, when none
            # of them fails (or none names it) or --count asks, every test at
            # once: does any test notice at all?
            named = []
            for t in o["tests"]:
                fails, why = test_fails(exe, i, t, args.timeout)
                named.append((t, fails, why))
                if not fails:
                    hollow.append((o["name"], t))
            failed, noticed = None, ""
            if args.count or not any(f for _, f, _ in named):
                rc, out = run(exe, i, known, args.timeout * 10)
                failed = failing_tests(rc, out, known)
                noticed = "; " + (("%d tests fail" % len(failed)) if failed is not None
                                  else "the whole run crashed")
                if failed is not None and not failed and not any(f for _, f, _ in named):
                    untested.append(o["name"])
            passed_named = [t for t, f, _ in named if not f]
            status = "HOLLOW" if passed_named else ("UNTESTED" if o["name"] in untested else "ok")
            print("%-8s %-27s named by %2d, %d fail%s" % (
                status, o["name"], len(named), sum(1 for _, f, _ in named if f), noticed))
            for t, f, why in named:
                if not f:
                    print("  HOLLOW %s passes with %s a no-op" % (t, o["name"]))
                elif args.verbose:
                    print("  %s: %s" % (t, why[:150]))
            if args.verbose and failed:
                others = sorted(failed - set(o["tests"]))
                if others:
                    print("  also failing: " + " ".join(others))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n_ops = sum(1 for o in ops if not wanted or o["name"] in wanted)
    n_named = sum(len(o["tests"]) for o in ops if not wanted or o["name"] in wanted)
    print("no-op operations: %d; test-operation pairs: %d; hollow: %d; untested operations: %d"
          % (n_ops, n_named, len(hollow), len(untested)))
    return 1 if hollow or untested else 0


if __name__ == "__main__":
    sys.exit(main())
