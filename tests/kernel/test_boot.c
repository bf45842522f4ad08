/* Boot: Init starts from the state BootInfo describes. */
#include <string.h>
#include "kt.h"
#include "tests.h"

static void check_fixed_caps(struct host_kernel *h)
{
	static const struct { word_t slot; unsigned type; const char *name; } fixed[] = {
		{ KOZO_CAP_INIT_TCB, KOZO_OBJ_TCB, "fixed_tcb" },
		{ KOZO_CAP_INIT_CNODE, KOZO_OBJ_CNODE, "fixed_cnode" },
		{ KOZO_CAP_INIT_VSPACE, KOZO_OBJ_VSPACE, "fixed_vspace" },
		{ KOZO_CAP_IRQ_CONTROL, KOZO_OBJ_IRQ_CONTROL, "fixed_irq_control" },
		{ KOZO_CAP_IOPORT, KOZO_OBJ_IOPORT, "fixed_ioport" },
		{ KOZO_CAP_INIT_IPC_BUFFER, KOZO_OBJ_FRAME, "fixed_ipc_buffer" },
		{ KOZO_CAP_BOOTINFO_FRAME, KOZO_OBJ_FRAME, "fixed_bootinfo" },
		{ KOZO_CAP_DEBUG, KOZO_OBJ_DEBUG, "fixed_debug" },
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		CHECK_EQ(fixed[i].name, kt_slot(h, fixed[i].slot)->cap.type, fixed[i].type);
	CHECK("tcb_cap_names_init", host_object(h, KOZO_CAP_INIT_TCB) == h->init);
	CHECK_EQ("cnode_radix", cap_cnode_radix(&kt_slot(h, KOZO_CAP_INIT_CNODE)->cap),
		 KOZO_INIT_CNODE_RADIX);
	CHECK_EQ("cnode_guard_fills_64_bits",
		 cap_cnode_guard_bits(&kt_slot(h, KOZO_CAP_INIT_CNODE)->cap) + KOZO_INIT_CNODE_RADIX, 64);
	CHECK("ipc_buffer_cap_is_the_tcbs",
	      kt_slot(h, KOZO_CAP_INIT_IPC_BUFFER)->cap.obj == (uintptr_t)tcb_ipc_buffer(h->init));
	for (word_t s = 9; s < KOZO_CAP_FIRST_FREE_FIXED; s++)
		if (!slot_empty(kt_slot(h, s)))
			CHECK_EQ("reserved_slots_empty", s, 0);
}

static void check_untyped(struct host_kernel *h)
{
	const struct kozo_bootinfo *bi = h->bootinfo;
	uint64_t total = 0;
	bool types_ok = true, sizes_ok = true, addrs_ok = true, aligned_ok = true, roots_ok = true;
	CHECK_EQ("untyped_range_matches_count", bi->untyped.end - bi->untyped.start, bi->untyped_count);
	CHECK("has_untyped", bi->untyped_count > 0);
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		const struct slot *s = kt_slot(h, bi->untyped.start + i);
		const struct kozo_untyped_desc *d = &bi->untyped_list[i];
		types_ok &= s->cap.type == KOZO_OBJ_UNTYPED;
		sizes_ok &= cap_untyped_size_bits(&s->cap) == d->size_bits;
		addrs_ok &= arch_kernel_to_phys((void *)s->cap.obj) == d->paddr;
		aligned_ok &= IS_ALIGNED(d->paddr, d->size_bits) && !d->is_device;
		roots_ok &= s->parent == NULL && s->first_child == NULL &&
			    cap_untyped_watermark(&s->cap) == 0;
		total += BIT(d->size_bits);
	}
	CHECK("untyped_slots_hold_untyped", types_ok);
	CHECK("untyped_sizes_match_bootinfo", sizes_ok);
	CHECK("untyped_addresses_match_bootinfo", addrs_ok);
	CHECK("untyped_naturally_aligned", aligned_ok);
	CHECK("untyped_fresh", roots_ok);
	CHECK("untyped_in_ram", total < h->m->ram_size && total > h->m->ram_size / 2);
	bool empty_ok = true;
	for (word_t s = bi->empty.start; s < bi->empty.end; s++)
		empty_ok &= slot_empty(kt_slot(h, s));
	CHECK("empty_range_empty", empty_ok);
	CHECK_EQ("empty_range_ends_at_cnode_end", bi->empty.end, BIT(KOZO_INIT_CNODE_RADIX));
	CHECK_EQ("empty_follows_untyped", bi->empty.start, bi->untyped.end);
}

static void check_image(struct host_kernel *h)
{
	const struct kozo_bootinfo *bi = h->bootinfo;
	const uint8_t *data = NULL, *bss = NULL;
	for (word_t s = bi->image_frames.start; s < bi->image_frames.end; s++) {
		const struct cap *c = &kt_slot(h, s)->cap;
		if (c->type != KOZO_OBJ_FRAME || !cap_mapped(c))
			continue;
		if (cap_mapped_vaddr(c) == HOST_INIT_DATA)
			data = (const uint8_t *)c->obj;
		if (cap_mapped_vaddr(c) == HOST_INIT_DATA + KOZO_PAGE_SIZE)
			bss = (const uint8_t *)c->obj;
	}
	CHECK("data_page_mapped", data != NULL);
	CHECK("bss_page_mapped", bss != NULL);
	if (data)
		CHECK("data_copied", memcmp(data, HOST_INIT_DATA_BYTES, HOST_INIT_DATA_FILESZ) == 0);
	if (data && bss) {
		bool zero = true;
		for (unsigned i = HOST_INIT_DATA_FILESZ; i < KOZO_PAGE_SIZE; i++)
			zero &= data[i] == 0;
		for (unsigned i = 0; i < KOZO_PAGE_SIZE; i++)
			zero &= bss[i] == 0;
		CHECK("bss_zeroed", zero);
	}
}

void test_boot_state(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const struct kozo_bootinfo *bi = h.bootinfo;
	CHECK_EQ("magic", bi->magic, KOZO_BOOTINFO_MAGIC);
	CHECK_EQ("version", bi->version, KOZO_BOOTINFO_VERSION);
	CHECK_EQ("arch", bi->arch, ARCH_ID);
	CHECK_EQ("cnode_radix", bi->cnode_radix, KOZO_INIT_CNODE_RADIX);
	CHECK_EQ("ipc_buffer", bi->ipc_buffer, KOZO_INIT_IPC_BUFFER_ADDR);
	CHECK("build_id", strcmp(bi->build_id, "0.0.0-host") == 0);
	CHECK("init_is_current", h.k->current == h.init);
	CHECK_EQ("init_runnable", h.init->state, THREAD_RUNNABLE);
	CHECK_EQ("init_priority", h.init->priority, KOZO_PRIORITY_MAX);
	CHECK_EQ("init_ip", h.init->ctx.regs[ARCH_REG_IP], HOST_INIT_ENTRY);
	CHECK_EQ("init_sp", h.init->ctx.regs[ARCH_REG_SP], KOZO_INIT_STACK_TOP);
	CHECK_EQ("init_arg0_bootinfo", h.init->ctx.regs[ARCH_REG_ARG0], KOZO_BOOTINFO_ADDR);
	CHECK_EQ("init_tls_ipc_buffer", h.init->ctx.regs[ARCH_REG_TLS], KOZO_INIT_IPC_BUFFER_ADDR);
	CHECK("init_has_vspace", tcb_vspace_root(h.init) == host_object(&h, KOZO_CAP_INIT_VSPACE));
	CHECK("console_reports_init", strstr(h.m->console, "kozo: Init:") != NULL);
	CHECK_EQ("bootinfo_frame_holds_bootinfo", kt_slot(&h, KOZO_CAP_BOOTINFO_FRAME)->cap.obj,
		 (uintptr_t)h.bootinfo);
	check_fixed_caps(&h);
	check_untyped(&h);
	check_image(&h);
	kt_end(&h);
}

/* A malformed Init image is refused with an error, never a panic. */
void test_boot_bad_elf(void)
{
	static const uint8_t junk[64] = "\177ELF junk";
	uint8_t short_img[8] = "\177ELF";
	struct { const char *name; const uint8_t *img; size_t size; } cases[] = {
		{ "junk_elf", junk, sizeof(junk) },
		{ "short_elf", short_img, sizeof(short_img) },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct host_boot_options opt = { .init_elf = cases[i].img,
						 .init_elf_size = cases[i].size };
		struct host_kernel h;
		CHECK_ERR(cases[i].name, host_kernel_boot(&h, &opt), KOZO_ERR_INVALID_ARGUMENT);
		CHECK_EQ("no_panic", h.m->panics, 0);
		host_kernel_free(&h);
	}
}

/* The harness reports a kernel panic instead of dying, and refuses to
 * enter a kernel that panicked. */
void test_harness_panic_trap(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	/* The debug capability panics on purpose: "a", at address 0x1234. */
	const word_t mr[3] = { 0x1234, 1, 'a' };
	word_t err = host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_PANIC, mr, 3, NULL, 0, NULL, 0);
	CHECK_ERR("panic_reported", err, HOST_PANICKED);
	CHECK_EQ("panic_counted", h.m->panics, 1);
	CHECK("panic_message", strstr(h.m->panic_msg, "Capability violation at 0x1234 by user 'a'") != NULL);
	CHECK("trap_disarmed", h.m->panic_trap == NULL);
	err = host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_PANIC, mr, 3, NULL, 0, NULL, 0);
	CHECK_ERR("dead_kernel_not_entered", err, HOST_NOT_RUNNABLE);
	host_kernel_free(&h);
}
