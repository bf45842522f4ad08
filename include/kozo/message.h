/* Message info word and IPC buffer layout (seL4's encoding).
 *
 *   63                        12 11     9 8    7 6       0
 *  +----------------------------+--------+------+---------+
 *  |           label            |unwrapped|extra| length  |
 *  +----------------------------+--------+------+---------+
 */
#ifndef KOZO_MESSAGE_H
#define KOZO_MESSAGE_H

#include <stdint.h>

#define KOZO_MSG_MAX_LENGTH 120 /* message registers per message */
#define KOZO_MSG_MAX_EXTRA_CAPS 3

static inline uint64_t kozo_msginfo(uint64_t label, unsigned unwrapped,
				     unsigned extra_caps, unsigned length)
{
	return (label << 12) | ((uint64_t)(unwrapped & 7) << 9) |
	       ((uint64_t)(extra_caps & 3) << 7) | (length & 0x7f);
}
static inline uint64_t kozo_msginfo_label(uint64_t mi) { return mi >> 12; }
static inline unsigned kozo_msginfo_unwrapped(uint64_t mi) { return (mi >> 9) & 7; }
static inline unsigned kozo_msginfo_extra_caps(uint64_t mi) { return (mi >> 7) & 3; }
static inline unsigned kozo_msginfo_length(uint64_t mi) { return mi & 0x7f; }

/* One per thread, 1 KiB aligned inside a Frame the thread's TCB names.
 * msg[0..3] are shadowed by registers; the kernel reads msg[4..] only. */
struct kozo_ipc_buffer {
	uint64_t tag;
	uint64_t msg[KOZO_MSG_MAX_LENGTH];
	uint64_t user_data;
	uint64_t caps_or_badges[KOZO_MSG_MAX_EXTRA_CAPS];
	uint64_t receive_cnode;  /* where a received capability goes */
	uint64_t receive_index;
	uint64_t receive_depth;
};
_Static_assert(sizeof(struct kozo_ipc_buffer) == 1024, "IPC buffer is 1 KiB");
#define KOZO_IPC_BUFFER_SIZE_BITS 10

#endif
