/* Threads for ipcbench and ipctest: in Init's own address space (its
 * CSpace, a stack and a 1 KiB IPC buffer of their own), or in a fresh one
 * holding a copy of the child program.
 *
 *   own space:  CODE  0x400000  child program (r-x)
 *               IPC   0x5fe000  IPC buffer frame (rw-)
 *               STACK 0x5ff000  stack frame (rw-)
 *   CSpace:     radix-4 CNode behind a 60-bit guard; slot 1 = the endpoint
 *   Init's:     IPC buffers beside Init's own in its IPC buffer frame */
#include "tests.h"
#include "invoke.h"
#include <string.h>
#include <thread_arch.h>

#define CODE_VADDR 0x400000ull
#define IPC_VADDR 0x5fe000ull
#define STACK_VADDR 0x5ff000ull
#define RADIX 4
#define LOCAL_THREADS 2

static uint64_t local_stacks[LOCAL_THREADS][1024] __attribute__((aligned(16)));
static bool local_busy[LOCAL_THREADS];

void read_counters(struct kernel_counters *c)
{
	uint64_t out[5];
	kozo_invoke(KOZO_PROC_DEBUG, KOZO_DEBUG_STATS, 0, 0, 0, 0, out, 5);
	c->fast = out[0];
	c->slow = out[1];
	c->syscalls = out[2];
	c->faults = out[3];
	c->irqs = out[4];
}

/* Make an object for t; it is deleted with t. */
static int make(struct ipc_thread *t, unsigned type, unsigned size_bits, uint64_t *slot)
{
	int err = init_alloc_object(type, size_bits, slot);
	if (!err)
		t->objs[t->nobjs++] = *slot;
	return err;
}

static int derive(struct ipc_thread *t, uint64_t src, uint64_t badge, uint64_t *slot)
{
	uint64_t s = slots_alloc(1);
	if (!s)
		return KOZO_ERR_RANGE;
	int err = kozo_cnode_mint(KOZO_CAP_INIT_CNODE, s, INIT_DEPTH, KOZO_CAP_INIT_CNODE, src,
				  INIT_DEPTH, KOZO_RIGHTS_ALL, badge);
	if (err)
		return err;
	slots_record(s, slot_get(src)->type, KOZO_RIGHTS_ALL, badge, src, 0, 0);
	t->objs[t->nobjs++] = s;
	*slot = s;
	return KOZO_OK;
}

#define TRY(expr)                          \
	do {                               \
		int err_ = (expr);         \
		if (err_)                  \
			return err_;       \
	} while (0)

/* A new address space with the child program; *cspace and *vspace get
 * the caps to configure the thread with. */
static int build_space(struct ipc_thread *t, uint64_t ep, uint64_t *cspace, uint64_t *vspace,
		       uint64_t *ipc)
{
	uint64_t code, code_copy, stack, vs, tables[3], cnode;
	size_t len = (size_t)(child_text_end - child_text_start);
	if (len > KOZO_PAGE_SIZE)
		return KOZO_ERR_RANGE;
	TRY(make(t, KOZO_OBJ_FRAME, 0, &code));
	TRY(make(t, KOZO_OBJ_FRAME, 0, &stack));
	TRY(make(t, KOZO_OBJ_FRAME, 0, ipc));
	TRY(make(t, KOZO_OBJ_VSPACE, 0, &vs));
	TRY(make(t, KOZO_OBJ_PT_L1, 0, &tables[0]));
	TRY(make(t, KOZO_OBJ_PT_L2, 0, &tables[1]));
	TRY(make(t, KOZO_OBJ_PT_L3, 0, &tables[2]));
	TRY(make(t, KOZO_OBJ_CNODE, RADIX, &cnode));

	TRY(init_scratch_window());
	TRY(kozo_frame_map(code, KOZO_CAP_INIT_VSPACE, SCRATCH_VADDR,
			   KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false));
	memset((void *)SCRATCH_VADDR, 0xcc, KOZO_PAGE_SIZE);
	memcpy((void *)SCRATCH_VADDR, child_text_start, len);
	TRY(kozo_frame_unmap(code));
	TRY(derive(t, code, 0, &code_copy));
	TRY(init_map_tables(vs, CODE_VADDR, tables));
	TRY(kozo_frame_map(code_copy, vs, CODE_VADDR, KOZO_RIGHT_READ, true));
	TRY(kozo_frame_map(*ipc, vs, IPC_VADDR, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false));
	TRY(kozo_frame_map(stack, vs, STACK_VADDR, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false));

	/* Slot 1: the endpoint as Init holds it (badge included). */
	TRY(kozo_cnode_copy(cnode, 1, RADIX, KOZO_CAP_INIT_CNODE, ep, INIT_DEPTH, KOZO_RIGHTS_ALL));
	/* The guard makes the thread's cptrs plain slot numbers at depth 64. */
	TRY(derive(t, cnode, 64 - RADIX, cspace));
	*vspace = vs;
	return KOZO_OK;
}

static int start(struct ipc_thread *t, void (*fn)(uint64_t), uint64_t arg, bool own_space,
		 uint64_t fault_ep)
{
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	uint64_t tcb;
	TRY(make(t, KOZO_OBJ_TCB, 0, &tcb));
	t->tcb = tcb;
	if (own_space) {
		uint64_t cspace, vspace, ipc;
		TRY(build_space(t, arg, &cspace, &vspace, &ipc));
		uint64_t entry = CODE_VADDR + (uint64_t)((const char *)fn - child_text_start);
		kozo_arch_thread_regs(regs, entry, STACK_VADDR + KOZO_PAGE_SIZE - 8, 1, IPC_VADDR);
		TRY(kozo_tcb_configure(tcb, fault_ep, init_priority, cspace, vspace, IPC_VADDR,
				       ipc));
	} else {
		int i = 0;
		while (i < LOCAL_THREADS && local_busy[i])
			i++;
		if (i == LOCAL_THREADS)
			return KOZO_ERR_RANGE;
		local_busy[i] = true;
		t->local = i;
		uint64_t buf = KOZO_INIT_IPC_BUFFER_ADDR + 1024 * (uint64_t)(i + 1);
		memset((void *)buf, 0, 1024);
		((struct kozo_ipc_buffer *)buf)->user_data = buf;
		kozo_arch_thread_regs(regs, (uint64_t)fn, (uint64_t)&local_stacks[i][1024] - 8, arg,
				      buf);
		TRY(kozo_tcb_configure(tcb, fault_ep, init_priority, KOZO_CAP_INIT_CNODE,
				       KOZO_CAP_INIT_VSPACE, buf, KOZO_CAP_INIT_IPC_BUFFER));
	}
	return kozo_tcb_write_registers(tcb, true, KOZO_ARCH_REG_COUNT, regs);
}

int ipc_thread_start(struct ipc_thread *t, void (*fn)(uint64_t), uint64_t arg, bool own_space,
		     uint64_t fault_ep)
{
	t->tcb = 0;
	t->local = -1;
	t->nobjs = 0;
	int err = start(t, fn, arg, own_space, fault_ep);
	if (err)
		ipc_thread_stop(t);
	return err;
}

void ipc_thread_stop(struct ipc_thread *t)
{
	/* The TCB first: nothing runs on what is deleted after it. */
	for (unsigned i = 0; i < t->nobjs; i++)
		init_free_slot(t->objs[i]);
	if (t->local >= 0)
		local_busy[t->local] = false;
	t->nobjs = 0;
	t->local = -1;
}
