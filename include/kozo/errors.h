/* Error codes shared by the kernel and user space.  Zero is success.
 * Numbering follows seL4's seL4_Error for the first eleven codes. */
#ifndef KOZO_ERRORS_H
#define KOZO_ERRORS_H

enum kozo_error {
	KOZO_OK = 0,
	KOZO_ERR_INVALID_ARGUMENT = 1,   /* an argument is malformed */
	KOZO_ERR_INVALID_CAPABILITY = 2, /* null cap, wrong object type */
	KOZO_ERR_ILLEGAL_OPERATION = 3,  /* not allowed on this object / unknown label */
	KOZO_ERR_RANGE = 4,              /* a value is out of its allowed range */
	KOZO_ERR_ALIGNMENT = 5,          /* an address is not suitably aligned */
	KOZO_ERR_FAILED_LOOKUP = 6,      /* a capability address does not resolve */
	KOZO_ERR_TRUNCATED_MESSAGE = 7,  /* too few message registers for the call */
	KOZO_ERR_DELETE_FIRST = 8,       /* destination slot or mapping is occupied */
	KOZO_ERR_REVOKE_FIRST = 9,       /* object still has children */
	KOZO_ERR_NOT_ENOUGH_MEMORY = 10, /* Untyped has too little space left */
	KOZO_ERR_INSUFFICIENT_RIGHTS = 11, /* capability lacks a needed right */
	KOZO_ERR_CANCELLED = 12,         /* IPC aborted: endpoint or partner deleted */
	KOZO_ERR_WOULD_BLOCK = 13,       /* non-blocking operation found no partner */
	KOZO_ERR_COUNT
};

static inline const char *kozo_error_name(unsigned e)
{
	static const char *const names[KOZO_ERR_COUNT] = {
		"ok", "invalid argument", "invalid capability", "illegal operation",
		"range error", "alignment error", "failed lookup", "truncated message",
		"delete first", "revoke first", "not enough memory",
		"insufficient rights", "cancelled", "would block",
	};
	return e < KOZO_ERR_COUNT ? names[e] : "unknown error";
}

#endif
