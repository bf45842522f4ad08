/* Commands that show state: help, bootinfo, version, untyped, caps, echo. */
#include "shell.h"
#include <kozo/source_note.h>
#include <printf.h>

void cmd_help(int argc, char **argv)
{
	int width = 0;
	char head[80];
	for (unsigned i = 0; i < command_count; i++) {
		if (!commands[i].fn)
			continue;   /* not on this architecture */
		int n = snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].usage);
		width = n > width ? n : width;
	}
	for (unsigned i = 0; i < command_count; i++) {
		if (!commands[i].fn)
			continue;
		snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].usage);
		printf("  %-*s  %s\n", width, head, commands[i].help);
	}
	printf("types: untyped tcb endpoint notification cnode frame vspace pt-l1 pt-l2 "
	       "pt-l3\n");
}

/* The shell's own source note (mk/source.mk) and the kernel's Build-ID:
 * both come from one tree, so a mismatch means an image was assembled by
 * hand. */
void cmd_version(int argc, char **argv)
{
	const struct kozo_source_note *n = &kozo_source_note;
	const struct kozo_bootinfo *bi = shell_bootinfo();
	char kid[sizeof(bi->build_id) + 1] = "(no BootInfo)";
	if (bi) {
		for (unsigned i = 0; i < sizeof(bi->build_id); i++)
			kid[i] = bi->build_id[i];
		kid[sizeof(bi->build_id)] = '\0';
	}
	printf("KOZO %s\n", n->build_id);
	printf("  commit  %s\n", n->commit);
	printf("  source  %s\n", n->flags & KOZO_SOURCE_DIRTY
	       ? "dirty (modified or untracked files: the commit alone does not rebuild this)"
	       : "clean (the commit rebuilds these bytes: scripts/verify.sh)");
	printf("  tree    %s\n", n->tree);
	printf("  kernel  %s\n", kid);
}

static void print_range(const char *name, struct kozo_slot_range r)
{
	if (r.end > r.start)
		printf("  %-14s slots %lu..%lu (%lu)\n", name, r.start, r.end - 1,
		       r.end - r.start);
	else
		printf("  %-14s none\n", name);
}

void cmd_bootinfo(int argc, char **argv)
{
	const struct kozo_bootinfo *bi = shell_bootinfo();
	if (!bi) {
		printf("bootinfo: the shell holds no BootInfo capability\n");
		return;
	}
	printf("  (the kernel's BootInfo for Init: slot numbers are Init's)\n");
	printf("  magic          0x%lx, version %lu\n", bi->magic, bi->version);
	printf("  arch           %lu (%s)\n", bi->arch,
	       bi->arch == 1 ? "x86_64" : bi->arch == 2 ? "aarch64" : "?");
	char id[sizeof(bi->build_id) + 1];
	for (unsigned i = 0; i < sizeof(bi->build_id); i++)
		id[i] = bi->build_id[i];
	id[sizeof(bi->build_id)] = '\0';
	printf("  build id       %s\n", id);
	printf("  cnode radix    %lu (%lu slots)\n", bi->cnode_radix, 1ul << bi->cnode_radix);
	printf("  ipc buffer     0x%lx\n", bi->ipc_buffer);
	print_range("image frames", bi->image_frames);
	print_range("image tables", bi->image_tables);
	print_range("untyped", bi->untyped);
	print_range("empty", bi->empty);
	printf("  untyped count  %lu\n", bi->untyped_count);
	printf("  kernel         0x%lx..0x%lx\n", bi->kernel_phys_start, bi->kernel_phys_end);
	printf("  serial irq     %lu\n", bi->serial_irq);
}

void cmd_untyped(int argc, char **argv)
{
	uint64_t total = 0, free_total = 0;
	printf("slot  paddr               bits  size          free          \n");
	/* BootInfo's and any made by retype. */
	for (uint64_t s = 1; s < SLOT_COUNT; s++) {
		struct slot_info *e = slot_get(s);
		if (e->type != KOZO_OBJ_UNTYPED)
			continue;
		uint64_t size = 1ull << e->size_bits, free = untyped_free_bytes(s);
		printf("%4lu  0x%016lx  %4u  %12lu  %12lu%s\n", s, e->paddr, e->size_bits,
		       size, free, e->flags & SLOT_DEVICE ? "  device" : "");
		if (!(e->flags & SLOT_DEVICE) && !e->parent) {
			total += size;
			free_total += free;
		}
	}
	printf("total %lu bytes, %lu free\n", total, free_total);
}

static void rights_string(unsigned r, char out[5])
{
	out[0] = r & KOZO_RIGHT_READ ? 'r' : '-';
	out[1] = r & KOZO_RIGHT_WRITE ? 'w' : '-';
	out[2] = r & KOZO_RIGHT_GRANT ? 'g' : '-';
	out[3] = r & KOZO_RIGHT_GRANT_REPLY ? 'G' : '-';
	out[4] = '\0';
}

/* Image frames and tables are many and alike: one line per range. */
static bool in_image(uint64_t s)
{
	return s >= startup->image.start && s < startup->image.end;
}

void cmd_caps(int argc, char **argv)
{
	if (argc == 2 && is_test_program(argv[1])) {
		cmd_test_caps(argv[1]);
		return;
	}
	if (argc == 2) {
		cmd_server_caps(argv[1]);
		return;
	}
	if (argc > 2) {
		print_usage("caps");
		return;
	}
	printf("slot  type          rights  badge               parent  note\n");
	unsigned count = 0;
	for (uint64_t s = 1; s < SLOT_COUNT; s++) {
		struct slot_info *e = slot_get(s);
		if (e->type == KOZO_OBJ_NULL)
			continue;
		count++;
		if (in_image(s))
			continue;
		char r[5];
		rights_string(e->rights, r);
		char parent[8] = "-", badge[20];
		/* An IRQHandler's word is its IRQ number, not a badge. */
		snprintf(badge, sizeof(badge), "0x%lx", e->badge);
		if (e->type == KOZO_OBJ_IRQ_HANDLER)
			snprintf(badge, sizeof(badge), "irq %lu", e->badge);
		if (e->parent)
			snprintf(parent, sizeof(parent), "%u", e->parent);
		printf("%4lu  %-12s  %s    %-18s  %-6s  %s", s, kozo_object_name(e->type), r,
		       badge, parent, slot_note(s));
		if (e->type == KOZO_OBJ_UNTYPED)
			printf("%s2^%u at 0x%lx", *slot_note(s) ? " " : "", e->size_bits, e->paddr);
		else if (e->type == KOZO_OBJ_CNODE)
			printf("%sradix %u", *slot_note(s) ? ", " : "", e->size_bits);
		else if (e->paddr && !(e->flags & SLOT_FIXED))
			printf("%sat 0x%lx", *slot_note(s) ? " " : "", e->paddr);
		printf("\n");
	}
	struct kozo_slot_range im = startup->image;
	if (im.end > im.start)
		printf("%4lu..%lu  frames and paging structures (shell image, %lu)\n", im.start,
		       im.end - 1, im.end - im.start);
	printf("%u slots occupied\n", count);
}

void cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
}
