/* Typed invocations: marshal arguments into message registers and extra
 * capabilities, Call the object, return the reply's label (or the
 * syscall's error when the kernel could not even look the object up). */
#include "invoke.h"
#include "syscall.h"
#include <kozo/invocation.h>

int kozo_invoke(uint64_t cptr, uint64_t label, const uint64_t *mrs, unsigned n_mrs,
		const uint64_t *caps, unsigned n_caps, uint64_t *out, unsigned n_out)
{
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	uint64_t mr[4] = { 0, 0, 0, 0 };

	if (n_mrs > KOZO_MSG_MAX_LENGTH || n_caps > KOZO_MSG_MAX_EXTRA_CAPS)
		return KOZO_ERR_INVALID_ARGUMENT;
	for (unsigned i = 0; i < n_mrs; i++) {
		if (i < 4)
			mr[i] = mrs[i];
		else
			ipc->msg[i] = mrs[i];
	}
	for (unsigned i = 0; i < n_caps; i++)
		ipc->caps_or_badges[i] = caps[i];

	uint64_t info = kozo_msginfo(label, 0, n_caps, n_mrs);
	int status = kozo_call_status(cptr, &info, mr);
	if (status)
		info = kozo_msginfo((uint64_t)status, 0, 0, 0);

	unsigned len = kozo_msginfo_length(info);
	for (unsigned i = 0; out && i < n_out; i++) {
		if (i >= len)
			out[i] = 0;
		else
			out[i] = i < 4 ? mr[i] : ipc->msg[i];
	}
	return (int)kozo_msginfo_label(info);
}

int kozo_untyped_retype(uint64_t untyped, unsigned type, unsigned size_bits, uint64_t root,
			uint64_t index, unsigned depth, uint64_t offset, unsigned count)
{
	uint64_t m[6] = { type, size_bits, index, depth, offset, count };
	return kozo_invoke(untyped, KOZO_UNTYPED_RETYPE, m, 6, &root, 1, 0, 0);
}

int kozo_cnode_copy(uint64_t root, uint64_t index, unsigned depth, uint64_t src_root,
		    uint64_t src_index, unsigned src_depth, unsigned rights)
{
	uint64_t m[5] = { index, depth, src_index, src_depth, rights };
	return kozo_invoke(root, KOZO_CNODE_COPY, m, 5, &src_root, 1, 0, 0);
}

int kozo_cnode_mint(uint64_t root, uint64_t index, unsigned depth, uint64_t src_root,
		    uint64_t src_index, unsigned src_depth, unsigned rights, uint64_t badge)
{
	uint64_t m[6] = { index, depth, src_index, src_depth, rights, badge };
	return kozo_invoke(root, KOZO_CNODE_MINT, m, 6, &src_root, 1, 0, 0);
}

int kozo_cnode_move(uint64_t root, uint64_t index, unsigned depth, uint64_t src_root,
		    uint64_t src_index, unsigned src_depth)
{
	uint64_t m[4] = { index, depth, src_index, src_depth };
	return kozo_invoke(root, KOZO_CNODE_MOVE, m, 4, &src_root, 1, 0, 0);
}

int kozo_cnode_delete(uint64_t root, uint64_t index, unsigned depth)
{
	uint64_t m[2] = { index, depth };
	return kozo_invoke(root, KOZO_CNODE_DELETE, m, 2, 0, 0, 0, 0);
}

int kozo_cnode_revoke(uint64_t root, uint64_t index, unsigned depth)
{
	uint64_t m[2] = { index, depth };
	return kozo_invoke(root, KOZO_CNODE_REVOKE, m, 2, 0, 0, 0, 0);
}

int kozo_tcb_configure(uint64_t tcb, uint64_t fault_ep, unsigned priority, uint64_t cspace,
		       uint64_t vspace, uint64_t ipc_buffer_addr, uint64_t ipc_frame)
{
	uint64_t m[3] = { fault_ep, priority, ipc_buffer_addr };
	uint64_t c[3] = { cspace, vspace, ipc_frame };
	return kozo_invoke(tcb, KOZO_TCB_CONFIGURE, m, 3, c, 3, 0, 0);
}

int kozo_tcb_write_registers(uint64_t tcb, bool resume, unsigned count, const uint64_t *regs)
{
	uint64_t m[2 + KOZO_MSG_MAX_LENGTH];
	if (count > KOZO_MSG_MAX_LENGTH - 2)
		return KOZO_ERR_INVALID_ARGUMENT;
	m[0] = resume;
	m[1] = count;
	for (unsigned i = 0; i < count; i++)
		m[2 + i] = regs[i];
	return kozo_invoke(tcb, KOZO_TCB_WRITE_REGISTERS, m, 2 + count, 0, 0, 0, 0);
}

int kozo_tcb_read_registers(uint64_t tcb, unsigned count, uint64_t *regs)
{
	uint64_t m[1] = { count };
	return kozo_invoke(tcb, KOZO_TCB_READ_REGISTERS, m, 1, 0, 0, regs, count);
}

int kozo_tcb_resume(uint64_t tcb)
{
	return kozo_invoke(tcb, KOZO_TCB_RESUME, 0, 0, 0, 0, 0, 0);
}

int kozo_tcb_suspend(uint64_t tcb)
{
	return kozo_invoke(tcb, KOZO_TCB_SUSPEND, 0, 0, 0, 0, 0, 0);
}

int kozo_tcb_set_priority(uint64_t tcb, unsigned priority)
{
	uint64_t m[1] = { priority };
	return kozo_invoke(tcb, KOZO_TCB_SET_PRIORITY, m, 1, 0, 0, 0, 0);
}

int kozo_tcb_bind_notification(uint64_t tcb, uint64_t ntfn)
{
	return kozo_invoke(tcb, KOZO_TCB_BIND_NOTIFICATION, 0, 0, &ntfn, 1, 0, 0);
}

int kozo_irq_control_get(uint64_t irq_control, unsigned irq, uint64_t root, uint64_t index,
			 unsigned depth)
{
	uint64_t m[3] = { irq, index, depth };
	return kozo_invoke(irq_control, KOZO_IRQ_CONTROL_GET, m, 3, &root, 1, 0, 0);
}

int kozo_irq_handler_ack(uint64_t handler)
{
	return kozo_invoke(handler, KOZO_IRQ_HANDLER_ACK, 0, 0, 0, 0, 0, 0);
}

int kozo_irq_handler_set_notification(uint64_t handler, uint64_t ntfn)
{
	return kozo_invoke(handler, KOZO_IRQ_HANDLER_SET_NOTIFICATION, 0, 0, &ntfn, 1, 0, 0);
}

int kozo_irq_handler_set_deadline(uint64_t handler, uint64_t cycles)
{
	uint64_t m[1] = { cycles };
	return kozo_invoke(handler, KOZO_IRQ_HANDLER_SET_DEADLINE, m, 1, 0, 0, 0, 0);
}

int kozo_ioport_in8(uint64_t ioport, uint16_t port, uint8_t *value)
{
	uint64_t m[1] = { port }, out[1];
	int err = kozo_invoke(ioport, KOZO_IOPORT_IN8, m, 1, 0, 0, out, 1);
	*value = (uint8_t)out[0];
	return err;
}

int kozo_ioport_out8(uint64_t ioport, uint16_t port, uint8_t value)
{
	uint64_t m[2] = { port, value };
	return kozo_invoke(ioport, KOZO_IOPORT_OUT8, m, 2, 0, 0, 0, 0);
}

int kozo_ioport_range(uint64_t ioport, uint64_t *first, uint64_t *last)
{
	uint64_t out[2] = { 0, 0 };
	int err = kozo_invoke(ioport, KOZO_IOPORT_RANGE, 0, 0, 0, 0, out, 2);
	*first = out[0];
	*last = out[1];
	return err;
}

int kozo_page_table_map(uint64_t table, uint64_t vspace, uint64_t vaddr)
{
	uint64_t m[1] = { vaddr };
	return kozo_invoke(table, KOZO_PAGE_TABLE_MAP, m, 1, &vspace, 1, 0, 0);
}

int kozo_frame_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, unsigned rights,
		   bool executable)
{
	uint64_t m[3] = { vaddr, rights, executable ? 1 : 0 };
	return kozo_invoke(frame, KOZO_FRAME_MAP, m, 3, &vspace, 1, 0, 0);
}

int kozo_frame_unmap(uint64_t frame)
{
	return kozo_invoke(frame, KOZO_FRAME_UNMAP, 0, 0, 0, 0, 0, 0);
}

int kozo_frame_get_address(uint64_t frame, uint64_t *paddr)
{
	uint64_t out[1];
	int err = kozo_invoke(frame, KOZO_FRAME_GET_ADDRESS, 0, 0, 0, 0, out, 1);
	*paddr = out[0];
	return err;
}
