#!/usr/bin/env python3
"""Mutation testing of kernel/core against the host unit tests (tests/kernel).

Mutants are made mechanically, one small fault at a time, by operators applied
to every condition, bound, rights mask, clear, counter and state update in the
files of MUTATED_FILES (docs/TESTING.md lists them and says why the others are
left out):

  ror      relational operator: < <= > >= == != shifted or negated
  lcr      && <-> ||
  negate   an if/while condition negated
  if-false an if's condition made false (its guard, e.g. `return err`, dropped)
  if-true  an if's condition made true
  clause   one clause of a && / || chain dropped (a || clause made false, a
           && clause made true): one check of several, e.g. a rights test
  right    KOZO_RIGHT_X replaced by another right (the wrong right checked)
  mask     a mask constant narrowed (MASK(n) -> MASK(n - 1), 0x1ff -> 0xff,
           & KOZO_RIGHTS_ALL dropped)
  aor      + <-> - inside a condition
  incdec   ++ / -- removed
  clear    an assignment of 0 / NULL / false / { 0 } removed
  assign   any other assignment to object state (x->f = ..., x.f = ...) removed
  call     a call statement removed (kprintf and panic excepted)
  ret      return KOZO_ERR_X -> return KOZO_OK; return true <-> false

Each mutant is compiled alone (the mutated file with the host test flags),
linked with the objects of `make host-tests`, and run with a timeout:

  killed    the tests fail (or a sanitizer, or a crash)
  timeout   the tests do not finish in time (counted as killed)
  survived  every test passes
  equiv-tce the object code is identical to the unmutated file's (trivially
            equivalent: the compiler proved it), not counted
  equiv     listed in tests/mutation/equivalent.txt with an argument, not counted
  no-build  the mutant does not compile, not counted

Score = (killed + timeout) / (killed + timeout + survived).  Results are cached
in build/mutate/cache by the hash of the mutant and of every source the test
binary is made of, so an unchanged tree re-runs nothing.

  scripts/mutate.py [--jobs N] [--sample N --seed S] [--files a.c,b.c]
                    [--threshold PCT] [--list] [--report FILE] [--only IDS]
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import resource
import signal
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The files whose code a user's system call reaches (docs/TESTING.md).
MUTATED_FILES = ["cap.c", "cnode.c", "endpoint.c", "fastpath.c", "irq.c", "notification.c",
                 "sched.c", "syscall.c", "tcb.c", "untyped.c", "vspace.c"]
EQUIV_FILE = "tests/mutation/equivalent.txt"
SKIP_CALLS = {"kprintf", "panic", "_Static_assert"}
RIGHT_SWAP = {"KOZO_RIGHT_READ": "KOZO_RIGHT_WRITE", "KOZO_RIGHT_WRITE": "KOZO_RIGHT_READ",
              "KOZO_RIGHT_GRANT": "KOZO_RIGHT_WRITE"}


# ---- finding the code: comments, strings and preprocessor lines masked ----

def mask_source(text):
    """A copy of text with comments, string and char literals and
    preprocessor lines replaced by spaces (newlines kept), so that operators
    are only found in code and offsets stay those of the original."""
    out = list(text)
    # The planted bugs of fuzz/ipc's self-check (#ifdef KOZO_FUZZ_PLANT_...
    # or KOZO_FUZZ_REVERT_..., up to #else or #endif) are not compiled in
    # the tests: no mutants there.
    pos, planted = 0, False
    for line in text.splitlines(keepends=True):
        word = line.split()
        if word and word[0] == "#ifdef" and len(word) > 1 and word[1].startswith(("KOZO_FUZZ_PLANT", "KOZO_FUZZ_REVERT")):
            planted = True
        elif word and word[0] in ("#else", "#endif"):
            planted = False
        elif planted:
            for k in range(pos, pos + len(line)):
                if text[k] != "\n":
                    out[k] = " "
        pos += len(line)
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            while i < n and text[i] != "\n":
                # a preprocessor line continues after a backslash
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out[i] = " "
                    i += 2
                    continue
                out[i] = " "
                i += 1
            continue
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if text[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, min(j, n)):
                out[k] = " "
            i = j + 1
            continue
        i += 1
    return "".join(out)


def function_bodies(masked):
    """(start, end) offsets of the bodies of function definitions: a block
    opened at file scope by something that is neither an initializer nor a
    struct/enum/union declaration."""
    bodies = []
    depth = 0
    stmt_start = 0
    i = 0
    while i < len(masked):
        c = masked[i]
        if c == "{":
            if depth == 0:
                head = masked[stmt_start:i]
                if ")" in head and "=" not in head and not re.search(r"\b(struct|enum|union)\s+\w*\s*$", head):
                    body_start = i
                else:
                    body_start = None
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                if body_start is not None:
                    bodies.append((body_start, i + 1))
                stmt_start = i + 1
        elif c == ";" and depth == 0:
            stmt_start = i + 1
        i += 1
    return bodies


def matching_paren(masked, open_at):
    depth = 0
    for i in range(open_at, len(masked)):
        if masked[i] == "(":
            depth += 1
        elif masked[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def top_level_split(masked, start, end, op):
    """Offsets (s, e) of the operands of op (&& or ||) at the top level of
    masked[start:end]; one operand when op does not occur there."""
    parts, depth, s, i = [], 0, start, start
    while i < end:
        c = masked[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and masked.startswith(op, i):
            parts.append((s, i))
            s = i + len(op)
            i += len(op)
            continue
        elif depth == 0 and c == "?":
            return [(start, end)]  # a conditional expression: leave whole
        i += 1
    parts.append((s, end))
    return parts


def strip_span(masked, s, e):
    while s < e and masked[s].isspace():
        s += 1
    while e > s and masked[e - 1].isspace():
        e -= 1
    return s, e


# ---- the operators ----

class Mutant:
    __slots__ = ("file", "op", "start", "end", "repl", "orig", "line", "id")

    def __init__(self, file, op, start, end, repl, text):
        self.file, self.op, self.start, self.end, self.repl = file, op, start, end, repl
        self.orig = text[start:end]
        self.line = text.count("\n", 0, start) + 1
        self.id = None

    def apply(self, text):
        return text[:self.start] + self.repl + text[self.end:]


def clause_mutants(file, text, masked, s, e, out, depth=0):
    """Drop each clause of a && / || chain in masked[s:e], recursively into
    parenthesised clauses."""
    s, e = strip_span(masked, s, e)
    if depth > 6 or s >= e:
        return
    for op, neutral in (("||", "0"), ("&&", "1")):
        parts = top_level_split(masked, s, e, op)
        if len(parts) > 1:
            for ps, pe in parts:
                ps, pe = strip_span(masked, ps, pe)
                out.append(Mutant(file, "clause", ps, pe, neutral, text))
                clause_mutants(file, text, masked, ps, pe, out, depth + 1)
            return
    # a single operand: look inside (x), !(x)
    inner = s + 1 if masked[s] == "(" else s + 2 if masked.startswith("!(", s) else -1
    if inner > 0 and matching_paren(masked, inner - 1) == e - 1:
        clause_mutants(file, text, masked, inner, e - 1, out, depth + 1)


ROR = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
ROR_RE = re.compile(r"(?<![<>=!\-])(<=|>=|==|!=|<|>)(?![<>=])")
ASSIGN_RE = re.compile(r"(?m)^([ \t]*)((?:[A-Za-z_][\w]*(?:\[[^\]\n]*\])?(?:->|\.))+[A-Za-z_]\w*(?:\[[^\]\n]*\])?"
                       r"|[A-Za-z_]\w*(?:\[[^\]\n]*\])?|\*[A-Za-z_]\w*)\s*(=|\|=|&=)\s*([^;=][^;]*);")
CALL_RE = re.compile(r"(?m)^([ \t]*)([A-Za-z_]\w*)\s*\(")


def generate(file, text):
    masked = mask_source(text)
    out = []
    for bs, be in function_bodies(masked):
        body = masked[bs:be]
        # relational operators (not in #include, not ->, <<, >>)
        for m in ROR_RE.finditer(body):
            a, b = bs + m.start(1), bs + m.end(1)
            out.append(Mutant(file, "ror", a, b, ROR[m.group(1)], text))
        # && <-> ||
        for m in re.finditer(r"&&|\|\|", body):
            a = bs + m.start()
            out.append(Mutant(file, "lcr", a, a + 2, "||" if m.group() == "&&" else "&&", text))
        # conditions of if / while
        for m in re.finditer(r"\b(if|while)\s*\(", body):
            po = bs + m.end() - 1
            pc = matching_paren(masked, po)
            if pc < 0:
                continue
            cs, ce = strip_span(masked, po + 1, pc)
            cond = text[cs:ce]
            out.append(Mutant(file, "negate", cs, ce, "!(" + cond + ")", text))
            if m.group(1) == "if":
                out.append(Mutant(file, "if-false", cs, ce, "0 && (" + cond + ")", text))
                out.append(Mutant(file, "if-true", cs, ce, "1 || (" + cond + ")", text))
            clause_mutants(file, text, masked, cs, ce, out)
            for am in re.finditer(r"(?<=[\w)\] ])\s([+-])\s(?=[\w(])", masked[cs:ce]):
                a = cs + am.start(1)
                out.append(Mutant(file, "aor", a, a + 1, "-" if am.group(1) == "+" else "+", text))
        # boolean return expressions with && / ||
        for m in re.finditer(r"\breturn\s+", body):
            rs = bs + m.end()
            re_ = masked.find(";", rs)
            if "&&" in masked[rs:re_] or "||" in masked[rs:re_]:
                clause_mutants(file, text, masked, rs, re_, out)
        # rights constants
        for m in re.finditer(r"\bKOZO_RIGHT_(READ|WRITE|GRANT)\b", body):
            a, b = bs + m.start(), bs + m.end()
            out.append(Mutant(file, "right", a, b, RIGHT_SWAP[m.group()], text))
        # masks
        for m in re.finditer(r"\bMASK\(", body):
            po = bs + m.end() - 1
            pc = matching_paren(masked, po)
            out.append(Mutant(file, "mask", po + 1, pc, "(" + text[po + 1:pc] + ") - 1", text))
        for m in re.finditer(r"\s*&\s*KOZO_RIGHTS_ALL\b", body):
            out.append(Mutant(file, "mask", bs + m.start(), bs + m.end(), "", text))
        for m in re.finditer(r"\b0x([0-9a-fA-F]+)\b", body):
            v = int(m.group(1), 16)
            if v > 1 and (v & (v + 1)) == 0:  # 2^n - 1: a mask
                out.append(Mutant(file, "mask", bs + m.start(), bs + m.end(), hex(v >> 1), text))
        # ++ / --
        for m in re.finditer(r"\+\+|--", body):
            a = bs + m.start()
            out.append(Mutant(file, "incdec", a, a + 2, "", text))
        # assignments as statements: clears, and updates of object state
        for m in ASSIGN_RE.finditer(body):
            lhs, val = m.group(2), m.group(4).strip()
            if lhs.startswith(("int ", "word_t ", "unsigned ")):
                continue
            a, b = bs + m.start(2), bs + m.end()
            if re.fullmatch(r"0|NULL|false|\(struct \w+\)\{ 0 \}|\{ 0 \}|\w+(->|\.)\w+ = 0", val):
                out.append(Mutant(file, "clear", a, b, ";", text))
            elif "->" in lhs or "." in lhs or lhs.startswith("*"):
                out.append(Mutant(file, "assign", a, b, ";", text))
        # call statements
        for m in CALL_RE.finditer(body):
            name = m.group(2)
            if name in SKIP_CALLS or name in ("if", "while", "for", "switch", "return", "sizeof"):
                continue
            po = bs + m.end() - 1
            pc = matching_paren(masked, po)
            if pc < 0 or not masked[pc + 1:].lstrip().startswith(";"):
                continue
            before = masked[:bs + m.start(2)].rstrip()
            if not (before.endswith((";", "{", "}", ")", ":")) or re.search(r"\belse$", before)):
                continue  # a continued expression, not a statement
            semi = masked.index(";", pc)
            out.append(Mutant(file, "call", bs + m.start(2), semi + 1, ";", text))
        # returns
        for m in re.finditer(r"\breturn\s+(KOZO_ERR_\w+|true|false)\s*;", body):
            a, b = bs + m.start(1), bs + m.end(1)
            repl = {"true": "false", "false": "true"}.get(m.group(1), "KOZO_OK")
            out.append(Mutant(file, "ret", a, b, repl, text))
    # Declarations are not statements: a "clear" of `int x = 0;` is no mutant.
    out = [m for m in out if not re.match(r"\s*(const\s+)?(struct\s+)?\w+\s+\**\w+\s*=", text[text.rfind("\n", 0, m.start) + 1:m.end])
           or m.op not in ("clear", "assign")]
    # Stable identities: the file, the operator, the text of the line(s)
    # before and after, and which occurrence of that change in the file.
    seen = {}
    for m in sorted(out, key=lambda m: (m.start, m.end, m.op, m.repl)):
        ls = text.rfind("\n", 0, m.start) + 1
        le = text.find("\n", m.end)
        before = text[ls:le]
        after = text[ls:m.start] + m.repl + text[m.end:le]
        key = (m.op, " ".join(before.split()), " ".join(after.split()))
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        h = hashlib.sha256(repr((file,) + key + (nth,)).encode()).hexdigest()[:10]
        m.id = "%s:%s:%s" % (file[:-2], m.op, h)
    uniq = {}
    for m in out:
        uniq.setdefault(m.id, m)
    return sorted(uniq.values(), key=lambda m: (m.start, m.op, m.id))


def all_mutants(files):
    muts = []
    for f in files:
        with open(os.path.join(ROOT, "kernel/core", f)) as fh:
            muts += generate(f, fh.read())
    return muts


# ---- mutant schemata: many mutants in one build ----
#
# Compiling and linking a test binary per mutant is what a campaign spends
# its time on.  Mutants whose change is a whole expression or a whole
# statement are instead compiled all at once into their file, each behind
# a run-time switch (mutant schemata, Untch et al. 1993), and selected by
# the environment variable KOZO_MUTANT: one build per file, one test run per
# mutant.  Operator-only changes (ror, lcr, aor, incdec), whose operands a
# text rewriter cannot delimit safely, are compiled one at a time.

SCHEMA_OPS = {"negate", "if-false", "if-true", "clause", "right", "mask", "ret", "clear", "assign", "call"}
STMT_OPS = {"clear", "assign", "call"}
SCHEMA_PROLOGUE = (
    "extern char *getenv(const char *); extern long atol(const char *); "
    "static long kozo_mutant_active_ = -2; "
    "static inline __attribute__((unused)) int kozo_mut_(long n) { if (kozo_mutant_active_ == -2) { "
    "const char *e = getenv(\"KOZO_MUTANT\"); kozo_mutant_active_ = e ? atol(e) : -1; } "
    "return kozo_mutant_active_ == n; }\n")


def schemata(text, muts):
    """The file's text with every mutant of muts behind kozo_mut_(number),
    and {mutant id: number}.  Mutants whose span partly overlaps another's
    are left out (compiled alone)."""
    cand = [m for m in muts if m.op in SCHEMA_OPS]
    spans = {}
    for m in cand:
        spans.setdefault((m.start, m.end), []).append(m)
    order = sorted(spans, key=lambda se: (se[0], -se[1]))
    bad = set()
    for i, (s1, e1) in enumerate(order):
        for s2, e2 in order[i + 1:]:
            if s2 >= e1:
                break
            if e2 > e1:  # starts inside, ends outside
                bad.add((s1, e1))
                bad.add((s2, e2))
    order = [se for se in order if se not in bad]
    number = {}
    for se in order:
        for m in spans[se]:
            number[m.id] = len(number)

    def render(lo, hi, skip=None):
        out, pos = [], lo
        for se in order:
            s0, e0 = se
            if s0 < pos or e0 > hi or se == skip or s0 < lo:
                continue
            out.append(text[pos:s0])
            out.append(render_group(se))
            pos = e0
        out.append(text[pos:hi])
        return "".join(out)

    def render_group(se):
        inner = render(se[0], se[1], skip=se)
        ms = spans[se]
        if ms[0].op in STMT_OPS:
            cond = " || ".join("kozo_mut_(%d)" % number[m.id] for m in ms)
            return "{ if (!(%s)) { %s } }" % (cond, inner)
        if len(ms) == 1 and ms[0].op == "mask" and ms[0].repl == "":
            amp = inner.index("&")
            return "%s& (kozo_mut_(%d) ? ~0ull : (%s))" % (inner[:amp], number[ms[0].id], inner[amp + 1:].strip())
        # Conditions and their clauses are truth values: !! gives the
        # original the replacement's type (int) without changing its truth.
        boolean = all(m.op in ("negate", "if-false", "if-true", "clause") for m in ms)
        expr = ("!!(%s)" if boolean else "(%s)") % inner
        for m in reversed(ms):
            expr = "(kozo_mut_(%d) ? (%s) : %s)" % (number[m.id], m.repl, expr)
        return expr

    return SCHEMA_PROLOGUE + render(0, len(text)), number


# ---- building and running ----

def inputs_hash(cflags):
    """Everything the test binary is made of, but the mutated file."""
    h = hashlib.sha256(cflags.encode())
    for top in ("kernel", "include", "tests/kernel"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames.sort()
            for fn in sorted(filenames):
                if fn.endswith((".c", ".h", ".S")):
                    p = os.path.join(dirpath, fn)
                    h.update(os.path.relpath(p, ROOT).encode())
                    with open(p, "rb") as fh:
                        h.update(fh.read())
    return h.hexdigest()


class Workspace:
    """A directory whose include/, kernel/ tree mirror the repository by
    symbolic links, except the one kernel/core file being mutated: every
    worker compiles kernel/core/<file>.c by the same relative path, so
    identical sources give identical objects."""

    def __init__(self, base):
        self.dir = base
        os.makedirs(os.path.join(base, "kernel/core"), exist_ok=True)
        for d in ("include", "kernel/arch", "kernel/lib"):
            if os.path.exists(os.path.join(ROOT, d)) and not os.path.lexists(os.path.join(base, d)):
                os.symlink(os.path.join(ROOT, d), os.path.join(base, d))
        for fn in os.listdir(os.path.join(ROOT, "kernel/core")):
            p = os.path.join(base, "kernel/core", fn)
            if not os.path.lexists(p):
                os.symlink(os.path.join(ROOT, "kernel/core", fn), p)

    def compile(self, cc, cflags, file, source, obj):
        src = os.path.join(self.dir, "kernel/core", file)
        os.unlink(src)
        with open(src, "w") as fh:
            fh.write(source)
        try:
            r = subprocess.run([cc] + cflags + ["-Wno-error", "-c", "-o", obj, "kernel/core/" + file],
                               cwd=self.dir, capture_output=True, text=True)
        finally:
            os.unlink(src)
            os.symlink(os.path.join(ROOT, "kernel/core", file), src)
        return r.returncode == 0, r.stderr


def code_bytes(obj):
    """The object without its debug information, for comparison."""
    stripped = obj + ".nodebug"
    subprocess.run(["llvm-objcopy", "--strip-debug", obj, stripped], check=True)
    with open(stripped, "rb") as fh:
        data = fh.read()
    os.unlink(stripped)
    return data


class Campaign:
    def __init__(self, args):
        self.args = args
        self.cc = os.environ.get("HOSTCC", "clang")
        # Without debug information: it does not change the code, and the
        # compiler is faster without it.
        self.cflags = [f for f in os.environ.get("MUTATE_CFLAGS", "").split() if f != "-g"]
        self.ldflags = os.environ.get("MUTATE_LDFLAGS", "").split()
        self.test_objs = [os.path.join(ROOT, o) for o in os.environ.get("MUTATE_OBJS", "").split()]
        if not self.test_objs:
            sys.exit("mutate: MUTATE_OBJS names no objects")
        self.cache_dir = os.path.join(ROOT, "build/mutate/cache")
        os.makedirs(self.cache_dir, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="kozo-mutate.")
        # A snapshot of the objects: a rebuild during the campaign must not
        # mix two trees into one test binary.
        snap = []
        for i, o in enumerate(self.test_objs):
            dst = os.path.join(self.tmp, "objs", "%03d-%s" % (i, os.path.basename(o)))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(o, dst)
            snap.append(dst)
        # kernel/core/<file>.o of whichever build directory make used.
        self.own_obj = {os.path.basename(o): d for o, d in zip(self.test_objs, snap)
                        if os.path.dirname(o).endswith("/kernel/core")}
        self.test_objs = snap
        self.inputs = inputs_hash(" ".join([self.cc] + self.cflags + self.ldflags))
        self.reference = {}
        self.sources = {}
        self.schema_exe = {}

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def source(self, file):
        if file not in self.sources:
            with open(os.path.join(ROOT, "kernel/core", file)) as fh:
                self.sources[file] = fh.read()
        return self.sources[file]

    def reference_code(self, file):
        """Object code of the unmutated file, built like a mutant."""
        if file not in self.reference:
            ws = Workspace(os.path.join(self.tmp, "ref"))
            obj = os.path.join(self.tmp, "ref-" + file + ".o")
            ok, err = ws.compile(self.cc, self.cflags, file, self.source(file), obj)
            if not ok:
                sys.exit("mutate: kernel/core/%s does not build:\n%s" % (file, err))
            self.reference[file] = code_bytes(obj)
        return self.reference[file]

    def link(self, file, obj, exe):
        own = self.own_obj.get(file[:-2] + ".o")
        objs = [obj if o == own else o for o in self.test_objs]
        if obj not in objs:
            sys.exit("mutate: kernel/core/%s.o is not among the test objects" % file[:-2])
        r = subprocess.run([self.cc] + self.ldflags + ["-o", exe] + objs, capture_output=True, text=True)
        return r.returncode == 0, r.stderr.strip()[-200:]

    def run_tests(self, exe, mutant=None):
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=0")
        env.pop("KOZO_MUTANT", None)
        env["KOZO_TEST_FAIL_FAST"] = "1"
        if mutant is not None:
            env["KOZO_MUTANT"] = str(mutant)
        # A limit on CPU time, not wall time, so that a loaded machine does
        # not turn slow runs into timeouts; wall time only as a backstop.
        limit = max(1, int(self.args.timeout))

        def cpu_limit():
            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
        try:
            r = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, env=env,
                               timeout=30 * limit, preexec_fn=cpu_limit)
        except subprocess.TimeoutExpired:
            return "timeout", ""
        if r.returncode == -signal.SIGXCPU:
            return "timeout", ""
        fails = [l for l in r.stdout.splitlines() if l.startswith("FAIL ")]
        if r.returncode == 0 and not fails:
            return "survived", ""
        return "killed", fails[0][5:] if fails else "exit %d: %s" % (
            r.returncode, (r.stderr.strip().splitlines() or [""])[-1][:160])

    def build_schemata(self, file, muts):
        """One test binary with every schema mutant of file; {id: number}
        of those it holds (none when the build or its clean run fails)."""
        text, number = schemata(self.source(file), muts)
        wdir = os.path.join(self.tmp, "schema-" + file[:-2])
        ws = Workspace(wdir)
        obj, exe = os.path.join(wdir, "schema.o"), os.path.join(wdir, "kernel-tests")
        ok, err = ws.compile(self.cc, self.cflags, file, text, obj)
        if ok:
            ok, err = self.link(file, obj, exe)
        if ok:
            status, err = self.run_tests(exe)
            ok = status == "survived"
        if not ok:
            print("note: mutant schemata of %s unusable (%s); its mutants are compiled one by one"
                  % (file, (err.strip().splitlines() or [""])[0][:160]), file=sys.stderr)
            return {}
        self.schema_exe[file] = exe
        return number

    def cache_path(self, m):
        key = hashlib.sha256((self.inputs + m.id + m.repl + m.orig).encode()).hexdigest()
        return os.path.join(self.cache_dir, key + ".json")

    def run_one(self, m, worker, number=None):
        cached = self.cache_path(m)
        if os.path.exists(cached):
            with open(cached) as fh:
                return json.load(fh)
        t0 = time.monotonic()
        detail = ""
        if number is not None:
            status, detail = self.run_tests(self.schema_exe[m.file], number)
        else:
            wdir = os.path.join(self.tmp, "w%d" % worker)
            ws = Workspace(wdir)
            obj = os.path.join(wdir, "mutant.o")
            ok, err = ws.compile(self.cc, self.cflags, m.file, m.apply(self.source(m.file)), obj)
            if not ok:
                status = "no-build"
                detail = err.strip().splitlines()[0] if err.strip() else ""
            elif code_bytes(obj) == self.reference_code(m.file):
                status = "equiv-tce"
            else:
                exe = os.path.join(wdir, "kernel-tests")
                ok, err = self.link(m.file, obj, exe)
                if not ok:
                    status, detail = "no-build", err
                else:
                    status, detail = self.run_tests(exe)
        res = {"status": status, "detail": detail, "seconds": round(time.monotonic() - t0, 2)}
        with open(cached + ".tmp", "w") as fh:
            json.dump(res, fh)
        os.replace(cached + ".tmp", cached)
        return res


def load_equivalents(file=EQUIV_FILE):
    """{id: argument} of a list of equivalent mutants (scripts/mutate-fresh.py
    reads its own list with it too)."""
    eq = {}
    path = os.path.join(ROOT, file)
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith("#"):
                    mid, _, why = line.partition(" ")
                    eq[mid] = why.strip()
    return eq


def describe(m):
    orig = " ".join(m.orig.split())
    repl = " ".join(m.repl.split())
    return "kernel/core/%s:%d %s: `%s` -> `%s`" % (
        m.file, m.line, m.op, orig if len(orig) < 70 else orig[:67] + "...", repl if len(repl) < 70 else repl[:67] + "...")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--files", help="comma-separated kernel/core files (default: all mutated files)")
    ap.add_argument("--sample", type=int, default=0, help="a seeded random sample of N mutants")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--threshold", type=float, default=0, help="fail below this score (percent)")
    ap.add_argument("--timeout", type=float, default=3,
                    help="CPU seconds per test run (the tests take about 0.3)")
    ap.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    ap.add_argument("--only", help="comma-separated mutant ids")
    ap.add_argument("--report", help="write every result to this file (JSON)")
    args = ap.parse_args()

    files = args.files.split(",") if args.files else MUTATED_FILES
    muts = all_mutants(files)
    equivalents = load_equivalents()
    stale = sorted(set(equivalents) - {m.id for m in all_mutants(MUTATED_FILES)})
    if args.only:
        wanted = set(args.only.split(","))
        muts = [m for m in muts if m.id in wanted]
    if args.sample:
        pool = [m for m in muts if m.id not in equivalents]
        muts = sorted(random.Random(args.seed).sample(pool, min(args.sample, len(pool))),
                      key=lambda m: (m.file, m.start))
    if args.list:
        for m in muts:
            print("%s  %s" % (m.id, describe(m)))
        print("%d mutants" % len(muts))
        return 0
    if not os.environ.get("MUTATE_CFLAGS"):
        sys.exit("mutate: run through `make mutate` (it passes the host test flags and objects)")

    camp = Campaign(args)
    results = {}
    t0 = time.monotonic()
    try:
        todo = [m for m in muts if m.id not in equivalents]
        uncached = [m for m in todo if not os.path.exists(camp.cache_path(m))]
        numbers = {}
        for f in sorted({m.file for m in uncached}):
            fm = [m for m in uncached if m.file == f]
            if any(m.op in SCHEMA_OPS for m in fm):
                numbers.update(camp.build_schemata(f, [m for m in all_mutants([f]) if m.id not in equivalents]))
            if any(m.id not in numbers for m in fm):
                camp.reference_code(f)
        done = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            slots = list(range(args.jobs))
            futures = {}
            pending = list(todo)

            def submit():
                m = pending.pop(0)
                w = slots.pop()
                futures[pool.submit(camp.run_one, m, w, numbers.get(m.id))] = (m, w)

            while pending and slots:
                submit()
            while futures:
                fin, _ = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
                for f in fin:
                    m, w = futures.pop(f)
                    slots.append(w)
                    results[m.id] = f.result()
                    done += 1
                    if sys.stderr.isatty():
                        print("\r%d/%d" % (done, len(todo)), end="", file=sys.stderr, flush=True)
                    if pending:
                        submit()
        if sys.stderr.isatty():
            print(file=sys.stderr)
    finally:
        camp.close()

    counts = {}
    for r in results.values():
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    n_eq = sum(1 for m in muts if m.id in equivalents)
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    survived = counts.get("survived", 0)
    total = killed + survived
    score = 100.0 * killed / total if total else 100.0

    survivors = [m for m in muts if results.get(m.id, {}).get("status") == "survived"]
    for m in survivors:
        print("SURVIVED %s  %s" % (m.id, describe(m)))
    for mid in stale:
        print("note: %s in %s names no mutant any more" % (mid, EQUIV_FILE))
    if args.report:
        with open(args.report, "w") as fh:
            json.dump([dict(id=m.id, where=describe(m), **results.get(m.id, {"status": "equiv"}))
                       for m in muts], fh, indent=1)
    per_op = {}
    for m in muts:
        st = results.get(m.id, {}).get("status", "equiv")
        per_op.setdefault(m.op, {}).setdefault(st, 0)
        per_op[m.op][st] += 1
    print("operators: " + "; ".join(
        "%s %s" % (op, " ".join("%s=%d" % kv for kv in sorted(v.items()))) for op, v in sorted(per_op.items())))
    print("mutants: %d (killed %d, timeout %d, survived %d; equivalent: %d listed, %d identical code; "
          "not compiling %d) in %.0f s" % (
              len(muts), counts.get("killed", 0), counts.get("timeout", 0), survived, n_eq,
              counts.get("equiv-tce", 0), counts.get("no-build", 0), time.monotonic() - t0))
    print("mutation score: %.1f%% (%d of %d non-equivalent mutants killed)" % (score, killed, total))
    if args.threshold and score < args.threshold:
        print("mutation score below the threshold of %.0f%%" % args.threshold)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
