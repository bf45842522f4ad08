/* Typed invocations of kernel objects.  Each returns the kozo_error the
 * kernel put in the reply's label (KOZO_OK = 0 on success).
 *
 * Capability arguments are cptrs in the caller's CSpace (resolved at depth
 * 64); "root, index, depth" triples address a slot relative to a CNode
 * capability, seL4 style.  All of them use the caller's IPC buffer for
 * message registers beyond MR3 and for extra capabilities. */
#ifndef KOZO_USER_INVOKE_H
#define KOZO_USER_INVOKE_H

#include <stdbool.h>
#include <stdint.h>
#include <kozo/errors.h>

/* The generic invocation: label, mrs[0..n_mrs), caps[0..n_caps) as extra
 * capabilities.  The reply's MRs are copied to out[0..n_out) when out is
 * not NULL.  Returns the reply's label. */
int kozo_invoke(uint64_t cptr, uint64_t label, const uint64_t *mrs, unsigned n_mrs,
		const uint64_t *caps, unsigned n_caps, uint64_t *out, unsigned n_out);

int kozo_untyped_retype(uint64_t untyped, unsigned type, unsigned size_bits, uint64_t root,
			uint64_t index, unsigned depth, uint64_t offset, unsigned count);

/* Copy/Mint the capability at (src_root, src_index, src_depth) into
 * (root, index, depth), keeping only `rights`. */
int kozo_cnode_copy(uint64_t root, uint64_t index, unsigned depth, uint64_t src_root,
		    uint64_t src_index, unsigned src_depth, unsigned rights);
int kozo_cnode_mint(uint64_t root, uint64_t index, unsigned depth, uint64_t src_root,
		    uint64_t src_index, unsigned src_depth, unsigned rights, uint64_t badge);
int kozo_cnode_move(uint64_t root, uint64_t index, unsigned depth, uint64_t src_root,
		    uint64_t src_index, unsigned src_depth);
int kozo_cnode_delete(uint64_t root, uint64_t index, unsigned depth);
int kozo_cnode_revoke(uint64_t root, uint64_t index, unsigned depth);

/* cspace and vspace are cptrs (vspace and ipc_frame may be 0: leave unset);
 * fault_ep is an Endpoint cptr in the caller's CSpace (the TCB keeps a copy
 * of it), 0 for none. */
int kozo_tcb_configure(uint64_t tcb, uint64_t fault_ep, unsigned priority, uint64_t cspace,
		       uint64_t vspace, uint64_t ipc_buffer_addr, uint64_t ipc_frame);
/* regs in struct kozo_user_context order (kozo/regs_<arch>.h). */
int kozo_tcb_write_registers(uint64_t tcb, bool resume, unsigned count, const uint64_t *regs);
int kozo_tcb_read_registers(uint64_t tcb, unsigned count, uint64_t *regs);
int kozo_tcb_resume(uint64_t tcb);
int kozo_tcb_suspend(uint64_t tcb);
int kozo_tcb_set_priority(uint64_t tcb, unsigned priority);
int kozo_tcb_bind_notification(uint64_t tcb, uint64_t ntfn);

int kozo_irq_control_get(uint64_t irq_control, unsigned irq, uint64_t root, uint64_t index,
			 unsigned depth);
int kozo_irq_handler_ack(uint64_t handler);
int kozo_irq_handler_set_notification(uint64_t handler, uint64_t ntfn);
/* The timer line's handler (KOZO_IRQ_TIMER) fires once when the cycle
 * counter (kozo_arch_cycles) reaches `cycles`, at the kernel's next tick;
 * 0 disarms it. */
int kozo_irq_handler_set_deadline(uint64_t handler, uint64_t cycles);

int kozo_ioport_in8(uint64_t ioport, uint16_t port, uint8_t *value);
int kozo_ioport_out8(uint64_t ioport, uint16_t port, uint8_t value);
/* The ports first..last an IOPort capability reaches (IOPORT_RANGE). */
int kozo_ioport_range(uint64_t ioport, uint64_t *first, uint64_t *last);

/* Map a paging structure (PT_L1..PT_L3) or a Frame at vaddr in vspace.
 * Frame rights are KOZO_RIGHT_READ / KOZO_RIGHT_WRITE. */
int kozo_page_table_map(uint64_t table, uint64_t vspace, uint64_t vaddr);
int kozo_frame_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, unsigned rights,
		   bool executable);
int kozo_frame_unmap(uint64_t frame);
int kozo_frame_get_address(uint64_t frame, uint64_t *paddr);

#endif
