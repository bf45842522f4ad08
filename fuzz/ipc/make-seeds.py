#!/usr/bin/env python3
"""Write fuzz/ipc's hand-made seed programs (the starting points the
fuzzer mutates) to the directory given.  The byte layout follows
fuzz/ipc/fuzz_ipc.c: opcode, thread, then each operation's fields in the
order the target reads them.  `scripts/fuzz.sh --minimize ipc` merges these
with what a run finds into fuzz/ipc/corpus."""
import os, struct, sys

RETYPE, COPY, MINT, MOVE, DELETE, REVOKE, SPAWN, IPC, IPC2, TCB, FAULT, IRQ = range(12)
CALL, REPLY_RECV, SEND, NB_SEND, RECV, NB_RECV, REPLY, YIELD = range(8)
ENDPOINT, NOTIFICATION, TCB_OBJ, CNODE, FRAME = 3, 4, 2, 5, 6
LARGEST_UNTYPED = 0x20
FULL = 0            # pick_depth: 64

def fixed(k): return k
def work(j): return 96 + j           # pick_cptr: work slot (b % WORK_SLOTS)
def word(v): return list(struct.pack("<Q", v))

def retype(t, type_, slot, count=1, size_bits=0):
    return [RETYPE, t, LARGEST_UNTYPED, type_, size_bits, work(slot), count, 1]

def derive(t, mint, dest, src, rights, badge=0):
    return [MINT if mint else COPY, t, work(dest), work(src), rights, 1, badge, FULL, FULL, 1]

def ipc(t, sysno, slot, label=0, mrs=(), caps=()):
    b = [IPC, t, sysno, work(slot), 1, label, len(mrs), len(caps)]
    for i, v in enumerate(mrs):
        if i < 4: b += word(v)
    return b + [work(c) for c in caps]

def spawn(prio, own_cspace=False, copy_src=0):
    b = [SPAWN, 0, prio, 1 if own_cspace else 0]
    return b + ([1, work(copy_src), 15] if own_cspace else [])

seeds = {
    "mint-chain": retype(0, ENDPOINT, 0) + derive(0, True, 1, 0, 3, 0x55)
                  + derive(0, True, 2, 1, 3, 0x55) + derive(0, False, 3, 2, 1),
    "mint-reduce": retype(0, NOTIFICATION, 0) + derive(0, True, 1, 0, 1, 7)
                   + derive(0, False, 2, 1, 1) + derive(0, True, 3, 2, 1, 7),
    "copy-reduce": retype(0, ENDPOINT, 0, 2) + derive(0, False, 2, 0, 5)
                   + derive(0, True, 3, 2, 4, 1) + derive(0, False, 4, 3, 4),
    "call-reply": retype(0, ENDPOINT, 0) + spawn(100) + ipc(1, RECV, 0)
                  + ipc(0, CALL, 0, 7, (11, 22)) + ipc(1, REPLY_RECV, 0, 0, (33,)),
    "notify": retype(0, NOTIFICATION, 0) + spawn(100) + ipc(1, RECV, 0)
              + ipc(0, NB_SEND, 0) + ipc(0, NB_RECV, 0),
    "cap-transfer": retype(0, ENDPOINT, 0) + derive(0, True, 1, 0, 15, 9) + spawn(100)
                    + ipc(1, RECV, 0) + ipc(0, CALL, 1, 1, (5,), caps=(1,))
                    + ipc(1, REPLY, 0),
    "revoke": retype(0, ENDPOINT, 0, 3) + derive(0, False, 5, 0, 15)
              + [REVOKE, 0, LARGEST_UNTYPED, FULL] + retype(0, FRAME, 0),
    "own-cspace": retype(0, ENDPOINT, 0) + spawn(50, True, 0) + ipc(1, NB_RECV, 0)
                  + [DELETE, 0, work(0), FULL],
    "fault": retype(0, ENDPOINT, 0) + spawn(80) + [FAULT, 1, 1] + word(0xdead000) + [6, 14, 0]
             + [TCB, 0, 1, 1, 1, 0],
    "delete-blocked": retype(0, ENDPOINT, 0) + spawn(100) + ipc(1, RECV, 0)
                      + [DELETE, 0, work(0), FULL] + ipc(1, YIELD, 0),
}
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in sorted(seeds.items()):
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(data))
