#!/usr/bin/env python3
"""The fresh mutant set (tests/mutation/fresh, docs/TESTING.md): hand-made
faults in kernel/core, written by someone who had not read the tests, each
a unified diff with a one-line description ("# ...") before it.

For each patch: the patched file is made in a temporary copy (the working
tree is never touched), compiled with the host test flags, linked with the
objects of `make host-tests` and the tests run, as scripts/mutate.py does
for its own mutants: killed, or survived.  Each survivor is then compiled
into fuzz/ipc (libFuzzer + ASan + UBSan, the invariant walker after every
step) and fuzzed from a copy of the committed corpus for --fuzz-seconds
(default 300): found (a crash, timeout or leak artifact) or not.

  killed       the unit tests fail (or a sanitizer, a crash, a timeout)
  fuzz-found   the tests pass, the fuzzer finds it
  survived     neither
  equiv        listed in tests/mutation/fresh/equivalent.txt with an argument
  no-build     the patch does not apply or does not compile (a broken set)

Score (tests) = killed / (non-equivalent); score (tests + fuzz) =
(killed + fuzz-found) / (non-equivalent).  Results are cached in
build/mutate/fresh by the hash of the patch, of the sources the binaries
are made of and of the fuzz time.

  make mutate-fresh [FRESH_ARGS="--only 012,031 --fuzz-seconds 300 --no-fuzz --table"]
"""

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRESH_DIR = "tests/mutation/fresh"
EQUIV_FILE = FRESH_DIR + "/equivalent.txt"

_spec = importlib.util.spec_from_file_location("mutate", os.path.join(ROOT, "scripts/mutate.py"))
mutate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutate)


def load_patches(only):
    out = []
    for fn in sorted(os.listdir(os.path.join(ROOT, FRESH_DIR))):
        if not fn.endswith(".patch"):
            continue
        num = fn.split("-", 1)[0]
        if only and num not in only:
            continue
        with open(os.path.join(ROOT, FRESH_DIR, fn)) as fh:
            text = fh.read()
        first = text.splitlines()[0] if text else ""
        files = re.findall(r"^\+\+\+ b/(kernel/core/[^\s]+\.c)", text, re.M)
        if not first.startswith("# ") or len(files) != 1:
            sys.exit("mutate-fresh: %s needs a '# description' line and a diff of one kernel/core file" % fn)
        out.append(dict(num=num, name=fn[:-6], path=os.path.join(ROOT, FRESH_DIR, fn), text=text,
                        desc=first[2:].strip(), file=os.path.basename(files[0])))
    return out


def patched_source(p, tmp):
    """The mutated file, made by patch(1) in a copy under tmp."""
    d = tempfile.mkdtemp(dir=tmp)
    os.makedirs(os.path.join(d, "kernel/core"))
    shutil.copyfile(os.path.join(ROOT, "kernel/core", p["file"]), os.path.join(d, "kernel/core", p["file"]))
    r = subprocess.run(["patch", "-s", "-p1", "--no-backup-if-mismatch", "-d", d, "-i", p["path"]],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, (r.stdout + r.stderr).strip()[:200]
    with open(os.path.join(d, "kernel/core", p["file"])) as fh:
        return fh.read(), ""


def absolute_includes(flags):
    return ["-I" + os.path.join(ROOT, f[2:]) if f.startswith("-I") and not os.path.isabs(f[2:]) else f
            for f in flags]


class Fuzz:
    """fuzz/ipc with one kernel/core file replaced."""

    def __init__(self, tmp):
        self.cc = os.environ.get("HOSTCC", "clang")
        self.cflags = absolute_includes(os.environ.get("FRESH_FUZZ_CFLAGS", "").split())
        self.ldflags = os.environ.get("FRESH_FUZZ_LDFLAGS", "").split()
        self.objs = [os.path.join(ROOT, o) for o in os.environ.get("FRESH_FUZZ_OBJS", "").split()]
        self.tmp = tmp
        if not self.cflags or not self.objs:
            sys.exit("mutate-fresh: run through `make mutate-fresh` (it passes fuzz/ipc's flags and objects)")

    def build(self, file, source):
        ws = mutate.Workspace(os.path.join(self.tmp, "fuzz-ws"))
        obj = os.path.join(self.tmp, "fuzz-mutant.o")
        exe = os.path.join(self.tmp, "fuzz-ipc-mutant")
        ok, err = ws.compile(self.cc, self.cflags, file, source, obj)
        if not ok:
            return None, err
        own = "/kernel/core/" + file[:-2] + ".o"
        objs = [obj if o.endswith(own) else o for o in self.objs]
        if obj not in objs:
            sys.exit("mutate-fresh: kernel/core/%s.o is not among fuzz/ipc's objects" % file[:-2])
        r = subprocess.run([self.cc] + self.ldflags + ["-o", exe] + objs, capture_output=True, text=True)
        if r.returncode != 0:
            return None, r.stderr.strip()[-200:]
        return exe, ""

    def run(self, exe, seconds):
        corpus = os.path.join(self.tmp, "corpus")
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "fuzz/ipc/corpus"), corpus)
        art = os.path.join(self.tmp, "artifacts") + "/"
        shutil.rmtree(art, ignore_errors=True)
        os.makedirs(art)
        t0 = time.monotonic()
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=0")
        r = subprocess.run(["nice", "-n", "19", exe, "-max_total_time=%d" % seconds, "-timeout=10",
                            "-artifact_prefix=" + art, corpus],
                           capture_output=True, text=True, env=env, timeout=seconds + 600)
        found = sorted(os.listdir(art))
        took = round(time.monotonic() - t0)
        if not found:
            return "survived", "%d s, nothing found" % took
        why = ""
        for line in r.stderr.splitlines():
            if re.search(r"ERROR|runtime error|invariant|assert|FAIL|panic|deadly|timeout", line):
                why = line.strip()[:160]
                break
        return "fuzz-found", "%s in %d s: %s" % (found[0].split("-")[0], took, why)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated patch numbers (e.g. 003,017)")
    ap.add_argument("--fuzz-seconds", type=int, default=300)
    ap.add_argument("--no-fuzz", action="store_true", help="unit tests only")
    ap.add_argument("--timeout", type=float, default=3, help="CPU seconds per test run")
    ap.add_argument("--table", action="store_true", help="also print a Markdown table of the results")
    args = ap.parse_args()

    patches = load_patches(set(args.only.split(",")) if args.only else None)
    equivalents = mutate.load_equivalents(EQUIV_FILE)
    if not os.environ.get("MUTATE_CFLAGS"):
        sys.exit("mutate-fresh: run through `make mutate-fresh` (it passes the host test flags and objects)")
    camp = mutate.Campaign(args)
    fuzz = None if args.no_fuzz else Fuzz(camp.tmp)
    cache_dir = os.path.join(ROOT, "build/mutate/fresh")
    os.makedirs(cache_dir, exist_ok=True)
    fuzz_inputs = mutate.inputs_hash(" ".join(os.environ.get(v, "") for v in
                                              ("FRESH_FUZZ_CFLAGS", "FRESH_FUZZ_LDFLAGS", "FRESH_FUZZ_OBJS")))
    results = {}
    t0 = time.monotonic()
    try:
        for p in patches:
            if p["num"] in equivalents:
                results[p["num"]] = dict(status="equiv", detail=equivalents[p["num"]])
                print("%-10s %s  %s" % ("EQUIV", p["name"], equivalents[p["num"]][:100]), flush=True)
                continue
            key = hashlib.sha256((camp.inputs + p["text"]).encode()).hexdigest()
            cached = os.path.join(cache_dir, key + ".json")
            if os.path.exists(cached):
                with open(cached) as fh:
                    res = json.load(fh)
            else:
                source, err = patched_source(p, camp.tmp)
                if source is None:
                    res = dict(status="no-build", detail="patch: " + err)
                else:
                    ws = mutate.Workspace(os.path.join(camp.tmp, "ws"))
                    obj = os.path.join(camp.tmp, "mutant.o")
                    exe = os.path.join(camp.tmp, "kernel-tests")
                    ok, err = ws.compile(camp.cc, camp.cflags, p["file"], source, obj)
                    if ok:
                        ok, err = camp.link(p["file"], obj, exe)
                    if not ok:
                        res = dict(status="no-build", detail=err.strip().splitlines()[0] if err.strip() else "")
                    else:
                        status, detail = camp.run_tests(exe)
                        res = dict(status="killed" if status == "timeout" else status,
                                   detail=detail or status)
                with open(cached, "w") as fh:
                    json.dump(res, fh)
            if res["status"] == "survived" and fuzz:
                fkey = hashlib.sha256((fuzz_inputs + p["text"] + str(args.fuzz_seconds)).encode()).hexdigest()
                fcached = os.path.join(cache_dir, "fuzz-" + fkey + ".json")
                if os.path.exists(fcached):
                    with open(fcached) as fh:
                        res = json.load(fh)
                else:
                    source, err = patched_source(p, camp.tmp)
                    exe, err = fuzz.build(p["file"], source)
                    if exe is None:
                        sys.exit("mutate-fresh: %s does not build into fuzz/ipc: %s" % (p["name"], err))
                    status, detail = fuzz.run(exe, args.fuzz_seconds)
                    res = dict(status=status, detail=detail)
                    with open(fcached, "w") as fh:
                        json.dump(res, fh)
            results[p["num"]] = res
            print("%-10s %s  %s" % (res["status"].upper(), p["name"], res["detail"]), flush=True)
    finally:
        camp.close()

    counts = {}
    for r in results.values():
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    killed, found = counts.get("killed", 0), counts.get("fuzz-found", 0)
    survived, broken = counts.get("survived", 0), counts.get("no-build", 0)
    total = killed + found + survived
    if args.table:
        print("\n| # | file | mutant | result |\n|---|---|---|---|")
        for p in patches:
            r = results[p["num"]]
            print("| %s | %s | %s | %s |" % (p["num"], p["file"], p["desc"].replace("|", "\\|"),
                                            r["status"] + ("" if r["status"] == "killed" else
                                                           ": " + r["detail"].replace("|", "\\|"))))
    print("fresh mutants: %d (killed %d, fuzz-found %d, survived %d; equivalent %d; broken %d) in %.0f s"
          % (len(patches), killed, found, survived, counts.get("equiv", 0), broken, time.monotonic() - t0))
    if total:
        print("fresh score: tests %.1f%% (%d of %d), tests + fuzz %.1f%% (%d of %d)%s" % (
            100.0 * killed / total, killed, total, 100.0 * (killed + found) / total, killed + found, total,
            "" if fuzz else " (fuzzing skipped)"))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
