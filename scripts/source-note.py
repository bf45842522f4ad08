#!/usr/bin/env python3
"""Reads the KOZO source note (include/kozo/source_note.h) of ELF files.

    scripts/source-note.py FILE...            one "key value" line per field
    scripts/source-note.py --field NAME FILE  just that field's value
    scripts/source-note.py --json FILE...     a JSON object per file, in a list

Fields: commit, dirty (0 or 1), tree, build_id, artifact, version.  Exit
status 1 when a file is not an ELF, has no KOZO source note, or has a note
of another version; the message says which.
"""
import json
import struct
import sys

NAME = b"KOZO\0"
TYPE = 1
VERSION = 1
FIELD = 64
DESC = 8 + 4 * FIELD
SHT_NOTE = 7


class NoteError(Exception):
    pass


def notes_of(data):
    if data[:4] != b"\x7fELF":
        raise NoteError("not an ELF file")
    cls, enc = data[4], data[5]
    if cls not in (1, 2) or enc not in (1, 2):
        raise NoteError("unknown ELF class or byte order")
    e = "<" if enc == 1 else ">"
    try:
        if cls == 2:
            shoff, = struct.unpack_from(e + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(e + "HH", data, 0x3A)
        else:
            shoff, = struct.unpack_from(e + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(e + "HH", data, 0x2E)
        for i in range(shnum):
            at = shoff + i * shentsize
            if cls == 2:
                _, sh_type, _, _, off, size = struct.unpack_from(e + "IIQQQQ", data, at)
            else:
                _, sh_type, _, _, off, size = struct.unpack_from(e + "IIIIII", data, at)
            if sh_type != SHT_NOTE:
                continue
            pos, end = off, min(off + size, len(data))
            while pos + 12 <= end:
                namesz, descsz, ntype = struct.unpack_from(e + "III", data, pos)
                name_at = pos + 12
                desc_at = name_at + (namesz + 3) // 4 * 4
                nxt = desc_at + (descsz + 3) // 4 * 4
                if nxt > end:
                    break
                yield data[name_at:name_at + namesz], ntype, data[desc_at:desc_at + descsz], e
                pos = nxt
    except struct.error:
        raise NoteError("truncated ELF headers")


def read_note(path):
    with open(path, "rb") as f:
        data = f.read()
    for name, ntype, desc, e in notes_of(data):
        if name != NAME or ntype != TYPE:
            continue
        if len(desc) < 8:
            raise NoteError("KOZO source note too short")
        version, flags = struct.unpack_from(e + "II", desc, 0)
        if version != VERSION or len(desc) != DESC:
            raise NoteError("KOZO source note version %d, size %d (this reader knows version %d, size %d)"
                            % (version, len(desc), VERSION, DESC))
        fields = [desc[8 + i * FIELD:8 + (i + 1) * FIELD] for i in range(4)]
        text = []
        for raw in fields:
            s = raw.split(b"\0", 1)[0]
            if b"\0" not in raw or any(c < 0x20 or c > 0x7e for c in s):
                raise NoteError("KOZO source note has a malformed string field")
            text.append(s.decode("ascii"))
        return {"version": version, "commit": text[0], "dirty": flags & 1,
                "tree": text[1], "build_id": text[2], "artifact": text[3]}
    raise NoteError("no KOZO source note (section .note.kozo.source)")


def main(argv):
    field = None
    as_json = False
    args = argv[1:]
    if args[:1] == ["--field"] and len(args) >= 3:
        field, args = args[1], args[2:]
    elif args[:1] == ["--json"]:
        as_json, args = True, args[1:]
    if not args or any(a.startswith("-") for a in args):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    out, status = [], 0
    for path in args:
        try:
            note = read_note(path)
        except (OSError, NoteError) as err:
            print("source-note: %s: %s" % (path, err), file=sys.stderr)
            status = 1
            continue
        if field is not None:
            if field not in note:
                print("source-note: no field %r (fields: %s)" % (field, ", ".join(note)), file=sys.stderr)
                return 2
            print(note[field])
        elif as_json:
            out.append(dict(note, file=path))
        else:
            for k in ("commit", "dirty", "tree", "build_id", "artifact"):
                print("%s %s" % (k, note[k]))
    if as_json:
        json.dump(out, sys.stdout, indent=2, sort_keys=True)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
