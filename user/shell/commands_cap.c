/* Commands that change Init's CSpace: retype, copy, mint, move, delete,
 * revoke.  Each prints the kernel's error name on failure, verbatim, and
 * keeps Init's slot mirror in step on success. */
#include "shell.h"
#include "invoke.h"
#include <printf.h>
#include <string.h>

#define RETYPE_MAX 256 /* the kernel's limit per call */
#define BAD_TYPE 0xff  /* passed on so the kernel names the error */

static void print_error(const char *cmd, int err)
{
	printf("%s: error: %s\n", cmd, kozo_error_name((unsigned)err));
}

static unsigned parse_type(const char *name)
{
	uint64_t n;
	if (kozo_parse_u64_all(name, &n))
		return n < BAD_TYPE ? (unsigned)n : BAD_TYPE;
	for (unsigned t = KOZO_OBJ_UNTYPED; t < KOZO_OBJ_RETYPABLE_END; t++)
		if (strcmp(name, kozo_object_name(t)) == 0)
			return t;
	return BAD_TYPE;
}

void cmd_retype(int argc, char **argv)
{
	uint64_t ut, count, size_bits = 0, dest = 0;
	if (argc < 4 || argc > 6) {
		print_usage("retype");
		return;
	}
	if (!parse_arg("retype", argv[1], &ut) || !parse_arg("retype", argv[3], &count))
		return;
	for (int i = 4; i < argc; i++) {
		bool is_dest = argv[i][0] == '@';
		if (!parse_arg("retype", argv[i] + is_dest, is_dest ? &dest : &size_bits))
			return;
	}
	unsigned type = parse_type(argv[2]);
	/* Invoking an endpoint is IPC, not an error: it would block the shell. */
	struct slot_info *u = slot_get(ut);
	if (u && (u->type == KOZO_OBJ_ENDPOINT || u->type == KOZO_OBJ_NOTIFICATION)) {
		printf("retype: slot %lu holds %s, not untyped\n", ut,
		       kozo_object_name(u->type));
		return;
	}
	if (count > RETYPE_MAX || size_bits > 64) {
		print_usage("retype");
		return;
	}
	if (!dest) {
		dest = slots_alloc(count ? (unsigned)count : 1);
		if (!dest) {
			printf("retype: no %lu consecutive free slots\n", count);
			return;
		}
	}
	int err = kozo_untyped_retype(ut, type, (unsigned)size_bits, KOZO_CAP_INIT_CNODE, 0, 0,
				      dest, (unsigned)count);
	if (err) {
		print_error("retype", err);
		if (type == BAD_TYPE)
			printf("retype: unknown type '%s'; try help for the types\n", argv[2]);
		return;
	}
	slots_record_retype(ut, type, (unsigned)size_bits, dest, (unsigned)count);
	if (count == 1)
		printf("retype: 1 %s object in slot %lu\n", kozo_object_name(type), dest);
	else
		printf("retype: %lu %s objects in slots %lu..%lu\n", count,
		       kozo_object_name(type), dest, dest + count - 1);
}

/* Rights as a number or as letters: r w g G (grant-reply). */
static bool parse_rights(const char *s, uint64_t *out)
{
	if (kozo_parse_u64_all(s, out))
		return *out <= KOZO_RIGHTS_ALL;
	uint64_t r = 0;
	for (; *s; s++) {
		if (*s == 'r')
			r |= KOZO_RIGHT_READ;
		else if (*s == 'w')
			r |= KOZO_RIGHT_WRITE;
		else if (*s == 'g')
			r |= KOZO_RIGHT_GRANT;
		else if (*s == 'G')
			r |= KOZO_RIGHT_GRANT_REPLY;
		else if (*s != '-')
			return false;
	}
	*out = r;
	return true;
}

static void derive(int argc, char **argv, bool mint)
{
	const char *cmd = argv[0];
	uint64_t src, dest, rights = KOZO_RIGHTS_ALL, badge = 0;
	if (argc != (mint ? 5 : 3)) {
		print_usage(cmd);
		return;
	}
	if (!parse_arg(cmd, argv[1], &src) || !parse_arg(cmd, argv[2], &dest))
		return;
	if (mint) {
		if (!parse_rights(argv[3], &rights)) {
			printf("%s: bad rights '%s' (a number or letters rwgG); ", cmd, argv[3]);
			print_usage(cmd);
			return;
		}
		if (!parse_arg(cmd, argv[4], &badge))
			return;
	}
	int err = mint ? kozo_cnode_mint(KOZO_CAP_INIT_CNODE, dest, INIT_DEPTH,
					 KOZO_CAP_INIT_CNODE, src, INIT_DEPTH,
					 (unsigned)rights, badge)
		       : kozo_cnode_copy(KOZO_CAP_INIT_CNODE, dest, INIT_DEPTH,
					 KOZO_CAP_INIT_CNODE, src, INIT_DEPTH, (unsigned)rights);
	if (err) {
		print_error(cmd, err);
		return;
	}
	struct slot_info *s = slot_get(src);
	if (s) {
		unsigned type = s->type;
		slots_record(dest, type, s->rights & (unsigned)rights, mint ? badge : s->badge,
			     src, 0, 0);
	}
	printf("%s: slot %lu -> slot %lu\n", cmd, src, dest);
}

void cmd_copy(int argc, char **argv)
{
	derive(argc, argv, false);
}

void cmd_mint(int argc, char **argv)
{
	derive(argc, argv, true);
}

void cmd_move(int argc, char **argv)
{
	uint64_t src, dest;
	if (argc != 3) {
		print_usage("move");
		return;
	}
	if (!parse_arg("move", argv[1], &src) || !parse_arg("move", argv[2], &dest))
		return;
	int err = kozo_cnode_move(KOZO_CAP_INIT_CNODE, dest, INIT_DEPTH, KOZO_CAP_INIT_CNODE,
				  src, INIT_DEPTH);
	if (err) {
		print_error("move", err);
		return;
	}
	slots_move(src, dest);
	printf("move: slot %lu -> slot %lu\n", src, dest);
}

static void remove_cap(int argc, char **argv, bool revoke)
{
	const char *cmd = argv[0];
	uint64_t slot;
	if (argc != 2) {
		print_usage(cmd);
		return;
	}
	if (!parse_arg(cmd, argv[1], &slot))
		return;
	int err = revoke ? kozo_cnode_revoke(KOZO_CAP_INIT_CNODE, slot, INIT_DEPTH)
			 : kozo_cnode_delete(KOZO_CAP_INIT_CNODE, slot, INIT_DEPTH);
	if (err) {
		print_error(cmd, err);
		return;
	}
	if (revoke) {
		slots_forget_children(slot);
		printf("revoke: slot %lu: derived capabilities deleted\n", slot);
	} else {
		slots_forget(slot);
		printf("delete: slot %lu deleted\n", slot);
	}
}

void cmd_delete(int argc, char **argv)
{
	remove_cap(argc, argv, false);
}

void cmd_revoke(int argc, char **argv)
{
	remove_cap(argc, argv, true);
}
