#!/usr/bin/env python3
"""Write fuzz/ipc's hand-made seed programs (the starting points the
fuzzer mutates) to the directory given.  The byte layout follows
fuzz/ipc/fuzz_ipc.c: opcode, thread, then each operation's fields in the
order the target reads them.  `scripts/fuzz.sh --minimize ipc` merges these
with what a run finds into fuzz/ipc/corpus."""
import os, struct, sys

RETYPE, COPY, MINT, MOVE, DELETE, REVOKE, SPAWN, IPC, IPC2, TCB, FAULT, IRQ, MORE = range(13)
# MORE's operations (op_more)
WRITE_REGS, READ_REGS, IRQ_CAP, TIMER, RAW_MSG, RECEIVE_SLOT, IOPORT = range(7)
IRQ_GET, IRQ_SET_NTFN, IRQ_ACK, IRQ_CLEAR = range(4)
# op_tcb's labels
T_RESUME, T_SUSPEND, T_SET_PRIORITY, T_BIND, T_UNBIND, T_CONFIGURE, T_PERSONALITY, T_READ_REGS = range(8)
READ, WRITE, GRANT = 1, 2, 4
ARCH_REG_COUNT = 20        # x86_64's register file, which the host port uses
IRQ_CONTROL = 4            # KOZO_CAP_IRQ_CONTROL
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

# Address-space operations (vspace_ops.c): opcodes 0xf0 and up.
VS_NEW, VS_SMALL_UT, VS_MAP_PT, VS_MAP_FR, VS_UNMAP, VS_TOUCH, VS_CONFIG = (
    0xf0, 0xf2, 0xf3, 0xf5, 0xf7, 0xf9, 0xfc)
VSPACE_T, L1, L2, L3, FRAME_T = range(5)   # vs_new's type index
INIT_VS = 1                                  # pick_vspace: odd = Init's VSpace

def vs_new(t, type_, slot, ut=None):
    return [VS_NEW, t, type_] + ([1] if ut is None else [0, work(ut)]) + [slot]

def vs_space(vs):
    return [INIT_VS] if vs is None else [0, work(vs)]

def vs_map(t, slot, va, vs=None, frame=False, rights=3):
    return ([VS_MAP_FR if frame else VS_MAP_PT, t, work(slot)] + vs_space(vs) + [va]
            + ([rights, 0] if frame else []))

def vs_touch(t, va, vs=None):
    return [VS_TOUCH, t] + ([0] if vs is None else [1, work(vs)]) + [va]

def vs_tables_and_frame(vs=None, base=0, va=1):
    return (vs_new(0, L1, base) + vs_new(0, L2, base + 1) + vs_new(0, L3, base + 2)
            + vs_new(0, FRAME_T, base + 3)
            + vs_map(0, base, 0, vs) + vs_map(0, base + 1, 0, vs) + vs_map(0, base + 2, 0, vs)
            + vs_map(0, base + 3, va, vs, frame=True))

def tcb_configure(t, target, fault_ep, prio):
    return [TCB, t, 1, target, 5, work(fault_ep), prio, 0, 1]
def tcb(t, target, label, arg0=0, arg1=0, cap=0):
    return [TCB, t, 1, target, label, arg0, arg1, cap] + ([1] if label == T_CONFIGURE else [])

def write_regs(t, target, count, length, resume=0):
    return [MORE, t, WRITE_REGS, 1, target, resume, count, length] + [0] * 48

def irq_get(t, line, slot):
    return [MORE, t, IRQ_CAP, IRQ_GET, line, work(slot), FULL, 1]

def irq_set(t, handler, ntfn):
    return [MORE, t, IRQ_CAP, IRQ_SET_NTFN, work(handler), work(ntfn)]

def receive_slot(t, slot):
    return [MORE, t, RECEIVE_SLOT, 1, work(slot), FULL]

def ticks(n):
    return [MORE, 0, TIMER, n - 1]

def raw(t, sysno_index, slot, length, extra=0):
    return [MORE, t, RAW_MSG, sysno_index, work(slot), 1, 0, length, extra, 0, 0, 0, 0]

# op_ioport: Mint of an IOPort range into a work slot (from Init's
# capability, or from a work slot), then one access (IN8..OUT32 = 0..5)
# through the new capability or a work slot; ports are pick_port's indices.
P_3F7, P_3F8, P_3FB, P_3FC, P_3FD, P_3FF, P_400, P_CF9 = 6, 7, 8, 9, 10, 12, 13, 19
IN8, IN16, IN32, OUT8, OUT16, OUT32 = range(6)

def ioport(t, dest, first, last, src=None, cap=None, which=IN8, port=P_3F8, value=0, rights=15):
    b = [MORE, t, IOPORT] + ([1] if src is None else [0, work(src)])
    b += [work(dest), first, last, rights, 0]
    b += [1] if cap is None else [0, work(cap)]
    return b + [which, 1, port, value]

ioport_seeds = {
    # COM1 as Init gives the console, narrowed again; a 32-bit access
    # straddling the narrower end (refused); the first one revoked.
    "ioport-narrow": ioport(0, 0, P_3F8, P_3FF, which=OUT32, port=P_3FC)
                     + ioport(0, 1, P_3FB, P_3FC, src=0, which=IN32, port=P_3FD)
                     + [REVOKE, 0, work(0), FULL] + ioport(0, 2, P_3F8, P_3F8, src=1),
    # Ranges one port wider than their source's at either end (refused),
    # and the reset port through COM1's capability (refused).
    "ioport-outside": ioport(0, 3, P_3F8, P_3FF) + ioport(0, 4, P_3F7, P_3FF, src=3, cap=3, which=OUT8, port=P_CF9)
                      + ioport(0, 4, P_3F8, P_400, src=3, cap=3, which=IN32, port=P_3FD),
}

# The lifecycles of issue 18, each reached by one seed; several are one
# mutation away from a planted bug (docs/FUZZING.md).
lifecycle_seeds = {
    # The fast path's case (a waiting receiver of Init's priority), then
    # the same Call through a read-only copy: refused.
    "fast-call": retype(0, ENDPOINT, 0) + derive(0, False, 1, 0, READ | GRANT) + spawn(255)
                 + ipc(1, RECV, 0) + ipc(0, CALL, 0, 1, (7,)) + ipc(1, REPLY_RECV, 0, 0, (8,))
                 + ipc(0, CALL, 1, 1, (9,)),
    # ReplyRecv through a write-only copy: the reply goes, the receive is
    # refused.
    "fast-replyrecv": retype(0, ENDPOINT, 0) + derive(0, False, 1, 0, WRITE | GRANT) + spawn(255)
                      + ipc(1, RECV, 0) + ipc(0, CALL, 0, 1, (7,)) + ipc(1, REPLY_RECV, 1, 0, (8,)),
    # WriteRegisters of the whole register file, then two registers more
    # (refused), then read them back.
    "write-registers": spawn(10) + tcb(0, 1, T_SUSPEND) + write_regs(0, 1, ARCH_REG_COUNT, ARCH_REG_COUNT + 2)
                       + write_regs(0, 1, ARCH_REG_COUNT + 2, ARCH_REG_COUNT + 4)
                       + [MORE, 0, READ_REGS, 1, 1, ARCH_REG_COUNT, 1],
    # An IRQHandler and its copy, a notification set; both deleted, the
    # last one masks the line.
    "irq-handlers": irq_get(0, 5, 2) + derive(0, False, 3, 2, 15) + retype(0, NOTIFICATION, 4)
                    + irq_set(0, 3, 4) + [DELETE, 0, work(2), FULL] + [DELETE, 0, work(3), FULL]
                    + [IRQ, 0, 5],
    # A thread bound to a notification, and a TCB deleted.
    "bound-thread": retype(0, NOTIFICATION, 0) + retype(0, TCB_OBJ, 1)
                    + [TCB, 0, 0, work(1), T_BIND, 0, 0, work(0)] + [DELETE, 0, work(1), FULL]
                    + ipc(0, SEND, 0),
    # Two capabilities in one message to a thread with a receive slot.
    "two-caps": retype(0, ENDPOINT, 0) + retype(0, NOTIFICATION, 1) + retype(0, NOTIFICATION, 2)
                + spawn(10) + receive_slot(1, 5) + ipc(1, RECV, 0) + ipc(0, SEND, 0, 1, (1,), caps=(1, 2)),
    # A badged capability of another endpoint, sent with Grant.
    "unwrap-other": retype(0, ENDPOINT, 0, 2) + derive(0, True, 2, 1, 15, 0x33) + spawn(10)
                    + receive_slot(1, 5) + ipc(1, RECV, 0) + ipc(0, SEND, 0, 1, (), caps=(2,)),
    # Timer ticks with two threads at Init's priority: round robin.
    "round-robin": spawn(255) + spawn(255) + ticks(5) + ticks(5) + ipc(1, YIELD, 0),
    # Resume of a thread blocked in Recv, then Suspend and Resume.
    "resume-blocked": retype(0, ENDPOINT, 0) + spawn(10) + ipc(1, RECV, 0) + tcb(0, 1, T_RESUME)
                      + tcb(0, 1, T_SUSPEND) + tcb(0, 1, T_RESUME),
    # A thread with a CSpace of its own whose last slot (15) is full; the
    # CNode deleted.
    "cnode-last-slot": retype(0, ENDPOINT, 0) + [SPAWN, 0, 50, 1, 14, work(0), 15]
                       + [REVOKE, 0, LARGEST_UNTYPED, FULL],
    # Mint from a read-only copy asking for every right: the new cap has
    # only Read (a rights boundary; the Mint model checks it).
    "mint-more-rights": retype(0, ENDPOINT, 0) + derive(0, False, 1, 0, READ)
                        + derive(0, True, 2, 1, 15, 0x44),
    # Messages longer than the maximum, with a raw message-info word.
    "raw-long": retype(0, ENDPOINT, 0) + spawn(10) + ipc(1, RECV, 0) + raw(0, 2, 0, 127)
                + raw(0, 0, 0, 121, 3),
}

seeds = {
    "vs-map-touch": vs_tables_and_frame() + vs_touch(0, 1),
    "vs-own-space": vs_new(0, VSPACE_T, 8) + vs_tables_and_frame(vs=8, base=4, va=2)
                    + vs_touch(0, 2, vs=8),
    "vs-small-untyped": [VS_SMALL_UT, 0, 0, 9] + vs_new(0, L1, 0) + vs_new(0, L2, 1)
                        + vs_new(0, L3, 2, ut=9) + vs_new(0, FRAME_T, 3)
                        + vs_map(0, 0, 0) + vs_map(0, 1, 0) + vs_map(0, 2, 0)
                        + vs_map(0, 3, 3, frame=True) + vs_touch(0, 3),
    # Each table level in turn unmapped with the Frame label (refused) and
    # mapped again (refused): a bit from moving a table with its entries.
    "vs-unmap-tables": vs_tables_and_frame(va=2) + vs_touch(0, 2)
                       + [VS_UNMAP, 0, work(2), 1] + vs_map(0, 2, 8)
                       + [VS_UNMAP, 0, work(1), 1] + vs_map(0, 1, 32)
                       + [VS_UNMAP, 0, work(0), 1] + vs_map(0, 0, 64) + vs_touch(0, 64 + 2),
    "vs-ipc-buffer": vs_new(0, FRAME_T, 0) + derive(0, False, 1, 0, 3) + spawn(50)
                     + [VS_CONFIG, 0, 1, 1, INIT_VS, work(1), 0, 0x11]
                     + [VS_CONFIG, 0, 1, 1, INIT_VS, work(0), 1, 0x13]
                     + [VS_CONFIG, 0, 1, 1, INIT_VS, work(1), 2, 0x17],
    "vs-unmap": vs_tables_and_frame(va=2) + vs_touch(0, 2) + [VS_UNMAP, 0, work(3), 1]
                + [DELETE, 0, work(3), FULL] + [VS_UNMAP, 0, work(2), 0]
                + vs_map(0, 2, 8),
    # The L3 unmapped with the Frame label (refused), then mapped again
    # (refused: still mapped): one bit from unmapping a table that holds a
    # cached, mapped Frame.
    "vs-unmap-table": vs_tables_and_frame(va=2) + vs_touch(0, 2) + [VS_UNMAP, 0, work(2), 1]
                      + vs_map(0, 2, 8) + vs_touch(0, 8 + 2),
    # The handler yields where a Recv would accept the queued Call before
    # replying to the fault: one byte from dropping the faulted thread.
    "fault-handler": retype(0, ENDPOINT, 0) + spawn(100) + spawn(80) + spawn(80)
                     + tcb_configure(0, 2, 0, 80) + ipc(1, RECV, 0)
                     + [FAULT, 2, 1] + word(0xdead000) + [6, 14, 0]
                     + ipc(3, CALL, 0, 5) + ipc(1, YIELD, 0) + [TCB, 0, 1, 2, 0, 0, 0, 0],
    # The attack itself (issue 12, item 4): the handler accepts the queued
    # Call before replying to the fault, the faulted thread is resumed and
    # Sends.  Harmless on the fixed kernel; the 'fault' self-check's input.
    "fault-handler-recv": retype(0, ENDPOINT, 0) + spawn(100) + spawn(80) + spawn(80)
                          + tcb_configure(0, 2, 0, 80) + ipc(1, RECV, 0)
                          + [FAULT, 2, 1] + word(0xdead000) + [6, 14, 0]
                          + ipc(3, CALL, 0, 5) + ipc(1, RECV, 0) + [TCB, 0, 1, 2, 0, 0, 0, 0]
                          + ipc(2, SEND, 0, 1),
    # A Linux thread's system call to a handler that waits, and the
    # handler's answer to it with Init parked (nothing between them can
    # run): the IPC fast path both ways (fault_fastpath,
    # fault_reply_fastpath), then a label that stops the thread.
    "linux-syscall": retype(0, ENDPOINT, 0, 2) + spawn(100) + spawn(80)
                     + tcb_configure(0, 2, 0, 80) + tcb(0, 2, T_PERSONALITY, 1)
                     + ipc(1, RECV, 0) + ipc(0, RECV, 1)
                     + ipc(2, SEND, 0, 0, (39, 1, 2)) + ipc(1, REPLY_RECV, 0, 0, (77,))
                     + ipc(2, CALL, 0, 0, (110,)) + ipc(1, REPLY_RECV, 0, 3, (5,)),
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
    # Preemption points (kernel/core/preempt.h): a chain of copies to lift,
    # a 16 KiB CNode to zero, the Untyped revoked, four Frames to zero.
    "preempt-revoke": retype(0, ENDPOINT, 0, 2)
                      + sum((derive(0, False, 2 + i, 2 + i - 1 if i else 0, 15) for i in range(8)), [])
                      + retype(0, CNODE, 10, 1, 8) + [REVOKE, 0, LARGEST_UNTYPED, FULL]
                      + retype(0, FRAME, 0, 4),
}
seeds.update(lifecycle_seeds)
seeds.update(ioport_seeds)
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in sorted(seeds.items()):
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(data))
