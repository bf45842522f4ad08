#!/usr/bin/env python3
"""Writes the build manifest: an in-toto Statement v1 whose predicate is a
SLSA Provenance v1 (docs/REPRODUCIBILITY.md, "The manifest").

    scripts/manifest.py OUT ARTIFACT...
    scripts/manifest.py --packages    "name=version" of each package, a line

Run by `make manifest` after it built every artifact.  It records:
  subject        every ARTIFACT (a path relative to the tree) and its sha256
  source         commit, dirty flag and tree hash (scripts/source-id.sh)
  toolchain      the first version line of each tool the build runs
  packages       every Debian package the build used, with version and
                 architecture: the packages of `scripts/deps.sh
                 --build-packages` and everything they depend on
                 (Depends and Pre-Depends, transitively, as installed)
and nothing that depends on where, when or by whom it was built: no path,
time, host or user name.  JSON with sorted keys, two-space indent.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = [
    ("clang", ["clang", "--version"]),
    ("ld.lld", ["ld.lld", "--version"]),
    ("llvm-objcopy", ["llvm-objcopy", "--version"]),
    ("llvm-readelf", ["llvm-readelf", "--version"]),
    ("gcc (musl-gcc)", ["gcc", "--version"]),
    ("make", ["make", "--version"]),
    ("python3", ["python3", "--version"]),
    ("git", ["git", "--version"]),
]


def run(cmd):
    return subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout


def tool_version(cmd):
    try:
        out = run(cmd)
    except (OSError, subprocess.CalledProcessError):
        return "missing"
    # The first line that names a version (llvm tools print a banner first).
    for line in out.splitlines():
        if re.search(r"\d+\.\d+", line):
            return line.strip()
    return out.strip().splitlines()[0] if out.strip() else "unknown"


def installed_packages():
    fmt = "${Package}\t${Architecture}\t${Version}\t${db:Status-Abbrev}\t${Pre-Depends}\t${Depends}\t${Provides}\n"
    out = run(["dpkg-query", "-W", "-f", fmt])
    pkgs, provides = {}, {}
    for line in out.splitlines():
        name, arch, version, status, pre, dep, prov = line.split("\t")
        if not status.startswith("ii"):
            continue
        deps = [d.strip() for d in (pre + "," + dep).split(",") if d.strip()]
        pkgs.setdefault(name, []).append({"name": name, "arch": arch, "version": version, "deps": deps})
        for p in prov.split(","):
            p = p.strip().split(" ")[0]
            if p:
                provides.setdefault(p, []).append(name)
    return pkgs, provides


def closure(roots):
    pkgs, provides = installed_packages()
    seen, todo, missing = {}, list(roots), []
    while todo:
        name = todo.pop()
        name = name.split(":")[0]
        if name in seen:
            continue
        if name not in pkgs:
            missing.append(name)
            continue
        seen[name] = pkgs[name]
        for dep in (d for e in pkgs[name] for d in e["deps"]):
            # The first alternative that is installed, as a package or a
            # virtual package's provider.
            for alt in dep.split("|"):
                alt = alt.strip().split(" ")[0].split(":")[0]
                if alt in pkgs:
                    todo.append(alt)
                    break
                if alt in provides:
                    todo.extend(provides[alt])
                    break
    if missing:
        sys.exit("manifest: build packages not installed: %s (scripts/deps.sh installs them)" % " ".join(sorted(missing)))
    return sorted((e for v in seen.values() for e in v), key=lambda e: (e["name"], e["arch"]))


def sha256(path):
    h = hashlib.sha256()
    with open(os.path.join(ROOT, path), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def arm64_busybox(artifacts):
    """The aarch64 archive's busybox: Debian's arm64 busybox-static of the
    x86_64 one's version (scripts/busybox-arm64.sh), not a package of the
    build machine, with the sha256 of the program the archive holds."""
    if not any(a.startswith("build/aarch64/") for a in artifacts):
        return []
    version = run(["dpkg-query", "-W", "-f=${Version}", "busybox-static"]).strip()
    return [{"uri": "pkg:deb/debian/busybox-static@%s?arch=arm64" % version, "name": "busybox-static",
             "digest": {"sha256": sha256("build/aarch64/linux/busybox")},
             "annotations": {"version": version, "arch": "arm64"}}]


def main(argv):
    if argv[1:] == ["--packages"]:
        roots = run([os.path.join(ROOT, "scripts/deps.sh"), "--build-packages"]).split()
        for p in closure(roots):
            print("%s=%s" % (p["name"], p["version"]))
        return
    if len(argv) < 3:
        sys.exit("usage: scripts/manifest.py OUT ARTIFACT...")
    out, artifacts = argv[1], argv[2:]
    commit, dirty, tree = run([os.path.join(ROOT, "scripts/source-id.sh")]).split()
    roots = run([os.path.join(ROOT, "scripts/deps.sh"), "--build-packages"]).split()
    packages = closure(roots)
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": a, "digest": {"sha256": sha256(a)}} for a in sorted(artifacts)],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "urn:kozo:build:make-manifest:v1",
                "externalParameters": {
                    "source": {"commit": commit, "dirty": dirty == "1", "tree": tree},
                    "command": "make manifest",
                    "arches": sorted({a.split("/")[1] for a in artifacts if a.count("/") == 2} - {"host"}),
                },
                "internalParameters": {
                    "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", ""),
                    "buildPackages": roots,
                    "toolchain": {name: tool_version(cmd) for name, cmd in TOOLS},
                },
                "resolvedDependencies": [
                    {"uri": "git+kozo", "digest": {"gitCommit": commit, "gitTree": tree}},
                ] + [
                    {"uri": "pkg:deb/debian/%s@%s?arch=%s" % (p["name"], p["version"], p["arch"]),
                     "name": p["name"], "annotations": {"version": p["version"], "arch": p["arch"]}}
                    for p in packages
                ] + arm64_busybox(artifacts),
            },
            "runDetails": {
                "builder": {"id": "urn:kozo:builder:debian-12"},
                "metadata": {},
            },
        },
    }
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(statement, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
