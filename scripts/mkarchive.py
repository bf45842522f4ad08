#!/usr/bin/env python3
"""Write the Linux server's read-only archive: cpio "newc", reproducibly.

  scripts/mkarchive.py OUT ENTRY...
    ENTRY  path=source   a file: its bytes from source; mode 0755 when source
                         is executable, else 0644
           path->target  a symbolic link (mode 0777) to target
           path/         a directory (mode 0755)

  scripts/mkarchive.py --extract ARCHIVE DIR
    the archive's files, links and directories into DIR (the test suites
    give the host the tree KOZO's programs see)

Entries are written sorted by path, each directory before what it holds
(parents are added when missing), with inode numbers counted from 1, uid
and gid 0, and every mtime SOURCE_DATE_EPOCH (0 when unset): the same
inputs give the same bytes, whoever builds it and whenever."""
import os
import sys


def header(ino, mode, mtime, size, name):
    fields = [ino, mode, 0, 0, 1, mtime, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b'070701' + b''.join(b'%08x' % f for f in fields)


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


def extract(archive, into):
    blob, at = open(archive, 'rb').read(), 0
    while True:
        if blob[at:at + 6] != b'070701':
            sys.exit(f'mkarchive: {archive}: not a newc archive at byte {at}')
        f = [int(blob[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = f[1], f[6], f[11]
        name = blob[at + 110:at + 110 + namesize - 1].decode()
        at += 110 + namesize + (-(110 + namesize) % 4)
        data = blob[at:at + size]
        at += size + (-size % 4)
        if name == 'TRAILER!!!':
            return
        if not name or name.startswith('/') or '..' in name.split('/'):
            sys.exit(f'mkarchive: {archive}: bad path {name!r}')
        path = os.path.join(into, name)
        if mode & 0o170000 == 0o040000:
            os.makedirs(path, exist_ok=True)
        elif mode & 0o170000 == 0o120000:
            os.symlink(data.decode(), path)
        else:
            with open(path, 'wb') as out:
                out.write(data)
            os.chmod(path, mode & 0o777)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == '--extract':
        return extract(sys.argv[2], sys.argv[3])
    if len(sys.argv) < 2 or sys.argv[1].startswith('-'):
        sys.exit(__doc__)
    out, specs = sys.argv[1], sys.argv[2:]
    mtime = int(os.environ.get('SOURCE_DATE_EPOCH', '0') or 0)
    entries = {}  # path -> (mode, data)
    for spec in specs:
        link = None
        if '->' in spec and '=' not in spec:
            path, _, link = spec.partition('->')
            src = None
            if not link or '\0' in link:
                sys.exit(f'mkarchive: bad link target in {spec!r}')
        elif spec.endswith('/') and '=' not in spec:
            path, src = spec.rstrip('/'), None
        else:
            path, _, src = spec.partition('=')
        path = path.strip('/')
        if not path or '..' in path.split('/'):
            sys.exit(f'mkarchive: bad archive path in {spec!r}')
        parts = path.split('/')
        for i in range(1, len(parts)):
            entries.setdefault('/'.join(parts[:i]), (0o040755, b''))
        if link is not None:
            entries[path] = (0o120777, link.encode())
        elif src is None:
            entries[path] = (0o040755, b'')
        else:
            data = open(src, 'rb').read()
            mode = 0o100755 if os.access(src, os.X_OK) else 0o100644
            entries[path] = (mode, data)
    blob = b''
    for ino, path in enumerate(sorted(entries), 1):
        mode, data = entries[path]
        name = path.encode()
        blob += pad4(header(ino, mode, mtime, len(data), name) + name + b'\0')
        blob += pad4(data)
    blob += pad4(header(0, 0, 0, 0, b'TRAILER!!!') + b'TRAILER!!!\0')
    tmp = out + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(blob)
    os.replace(tmp, out)


main()
