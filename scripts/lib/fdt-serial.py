#!/usr/bin/env python3
"""Add a serial-number property to the root node of a flattened device tree.

    scripts/lib/fdt-serial.py IN.dtb SERIAL OUT.dtb

QEMU's virt machine sets no serial-number, so the aarch64 panic tests dump
its tree (-M virt,...,dumpdtb=IN.dtb), add one here, and boot with -dtb to
check that the kernel reads it into the panic record as a hardware ID.
Devicetree Specification v0.4, chapter 5: a 40-byte header, the memory
reservation block, the structure block (tokens), the strings block.
"""
import struct
import sys

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_PROP = 1, 3


def add_serial(blob: bytes, serial: str) -> bytes:
    hdr = list(struct.unpack(">10I", blob[:40]))
    magic, _total, off_struct, off_strings, off_rsv = hdr[:5]
    size_strings, size_struct = hdr[8], hdr[9]
    if magic != FDT_MAGIC:
        raise SystemExit("fdt-serial: not a device tree")
    rsv = blob[off_rsv:off_struct]
    structs = blob[off_struct:off_struct + size_struct]
    strings = blob[off_strings:off_strings + size_strings]
    if b"serial-number\0" in strings:
        raise SystemExit("fdt-serial: the tree has a serial-number already")
    # The root node's token and its (empty) name come first; its
    # properties may start right after.
    token, = struct.unpack(">I", structs[:4])
    if token != FDT_BEGIN_NODE:
        raise SystemExit("fdt-serial: no root node")
    name_end = structs.index(b"\0", 4) + 1
    root_end = (name_end + 3) & ~3
    value = serial.encode() + b"\0"
    prop = struct.pack(">III", FDT_PROP, len(value), len(strings))
    prop += value + b"\0" * (-len(value) % 4)
    structs = structs[:root_end] + prop + structs[root_end:]
    strings = strings + b"serial-number\0"
    off_rsv = 40
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(structs)
    total = off_strings + len(strings)
    hdr[1:5] = [total, off_struct, off_strings, off_rsv]
    hdr[8], hdr[9] = len(strings), len(structs)
    return struct.pack(">10I", *hdr) + rsv + structs + strings


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.strip().splitlines()[2].strip())
    with open(sys.argv[1], "rb") as f:
        blob = f.read()
    with open(sys.argv[3], "wb") as f:
        f.write(add_serial(blob, sys.argv[2]))


if __name__ == "__main__":
    main()
