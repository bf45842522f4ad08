/* The capability derivation tree: Copy, Mint, Move, Delete; rights and badges. */
#include "kt.h"
#include "tests.h"

void test_cdt_copy_mint(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t a = host_slot_alloc(&h, 3), b = a + 1, c = a + 2;
	CHECK("retyped_cap_child_of_untyped", kt_is_child(kt_slot(&h, h.untyped), kt_slot(&h, ep)));
	CHECK_ERR("copy", kt_copy(&h, a, ep, KOZO_RIGHTS_ALL), KOZO_OK);
	CHECK_ERR("mint", kt_mint(&h, b, ep, KOZO_RIGHTS_ALL, 7), KOZO_OK);
	CHECK_ERR("copy_of_copy", kt_copy(&h, c, a, KOZO_RIGHTS_ALL), KOZO_OK);
	CHECK("copy_is_child", kt_is_child(kt_slot(&h, ep), kt_slot(&h, a)));
	CHECK("mint_is_child", kt_is_child(kt_slot(&h, ep), kt_slot(&h, b)));
	CHECK("grandchild", kt_is_child(kt_slot(&h, a), kt_slot(&h, c)));
	CHECK_EQ("two_children", kt_children(kt_slot(&h, ep)), 2);
	CHECK_EQ("siblings_linked", kt_slot(&h, a)->next_sibling == kt_slot(&h, b) ||
				    kt_slot(&h, b)->next_sibling == kt_slot(&h, a), 1);
	CHECK("same_object", cap_same_object(&kt_slot(&h, a)->cap, &kt_slot(&h, ep)->cap));
	struct endpoint *e = host_object(&h, ep);
	CHECK_EQ("refs_counted", e->refs, 4);
	CHECK_ERR("copy_untyped_refused", kt_copy(&h, host_slot_alloc(&h, 1), h.untyped, KOZO_RIGHTS_ALL),
		  KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_EQ("untyped_copy_left_nothing", kt_slot(&h, h.next_free - 1)->cap.type, KOZO_OBJ_NULL);
	kt_end(&h);
}

void test_cdt_move(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t a = host_slot_alloc(&h, 4), b = a + 1, moved = a + 2, moved2 = a + 3;
	KT_OK(kt_copy(&h, a, ep, KOZO_RIGHTS_ALL));
	KT_OK(kt_copy(&h, b, a, KOZO_RIGHTS_ALL));
	struct slot *parent = kt_slot(&h, a)->parent;
	CHECK_ERR("move", kt_move(&h, moved, a), KOZO_OK);
	CHECK("source_empty", slot_empty(kt_slot(&h, a)));
	CHECK("keeps_parent", kt_slot(&h, moved)->parent == parent);
	CHECK("parent_lists_new_slot", kt_is_child(kt_slot(&h, ep), kt_slot(&h, moved)));
	CHECK("children_follow", kt_is_child(kt_slot(&h, moved), kt_slot(&h, b)));
	CHECK_EQ("refs_unchanged", ((struct endpoint *)host_object(&h, ep))->refs, 3);
	/* Moving a capability with both parent and children, and a root. */
	CHECK_ERR("move_root", kt_move(&h, moved2, ep), KOZO_OK);
	CHECK("root_keeps_children", kt_is_child(kt_slot(&h, moved2), kt_slot(&h, moved)));
	CHECK("retype_parent_kept", kt_is_child(kt_slot(&h, h.untyped), kt_slot(&h, moved2)));
	CHECK_ERR("move_onto_occupied", kt_move(&h, moved, b), KOZO_ERR_DELETE_FIRST);
	CHECK_ERR("move_from_empty", kt_move(&h, a, ep), KOZO_ERR_FAILED_LOOKUP);
	kt_end(&h);
}

void test_cdt_delete_lifts_children(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t a = host_slot_alloc(&h, 3), b = a + 1, c = a + 2;
	KT_OK(kt_copy(&h, a, ep, KOZO_RIGHTS_ALL));
	KT_OK(kt_copy(&h, b, a, KOZO_RIGHTS_ALL));
	KT_OK(kt_copy(&h, c, a, KOZO_RIGHTS_ALL));
	CHECK_ERR("delete_middle", kt_delete(&h, a), KOZO_OK);
	CHECK("slot_empty", slot_empty(kt_slot(&h, a)));
	CHECK("child_b_lifted", kt_is_child(kt_slot(&h, ep), kt_slot(&h, b)));
	CHECK("child_c_lifted", kt_is_child(kt_slot(&h, ep), kt_slot(&h, c)));
	CHECK_EQ("ep_children", kt_children(kt_slot(&h, ep)), 2);
	CHECK_EQ("refs_dropped", ((struct endpoint *)host_object(&h, ep))->refs, 3);
	CHECK_ERR("delete_empty_ok", kt_delete(&h, a), KOZO_OK);
	CHECK_ERR("revoke_leaf_ok", kt_revoke(&h, b), KOZO_OK);
	CHECK("revoke_leaf_keeps_it", !slot_empty(kt_slot(&h, b)));
	CHECK_ERR("revoke", kt_revoke(&h, ep), KOZO_OK);
	CHECK("revoke_keeps_root", !slot_empty(kt_slot(&h, ep)));
	CHECK("revoke_deletes_b", slot_empty(kt_slot(&h, b)));
	CHECK("revoke_deletes_c", slot_empty(kt_slot(&h, c)));
	CHECK_EQ("refs_after_revoke", ((struct endpoint *)host_object(&h, ep))->refs, 1);
	kt_end(&h);
}

/* Copy and Mint can only remove rights. */
void test_cdt_rights(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t ro = host_slot_alloc(&h, 3), again = ro + 1, minted = ro + 2;
	CHECK_ERR("copy_read_only", kt_copy(&h, ro, ep, KOZO_RIGHT_READ), KOZO_OK);
	CHECK_EQ("rights_reduced", kt_slot(&h, ro)->cap.rights, KOZO_RIGHT_READ);
	CHECK_ERR("copy_all_from_read_only", kt_copy(&h, again, ro, KOZO_RIGHTS_ALL), KOZO_OK);
	CHECK_EQ("no_amplification_copy", kt_slot(&h, again)->cap.rights, KOZO_RIGHT_READ);
	CHECK_ERR("mint_all_from_read_only", kt_mint(&h, minted, ro, 0xff, 3), KOZO_OK);
	CHECK_EQ("no_amplification_mint", kt_slot(&h, minted)->cap.rights, KOZO_RIGHT_READ);
	CHECK_ERR("send_without_write", host_syscall(&h, h.init, KOZO_SYS_NB_SEND, ro, 0, NULL, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	word_t wo = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, wo, ep, KOZO_RIGHT_WRITE));
	CHECK_ERR("recv_without_read", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, wo, 0, NULL, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_ERR("nb_send_with_write", host_syscall(&h, h.init, KOZO_SYS_NB_SEND, wo, 0, NULL, NULL),
		  KOZO_ERR_WOULD_BLOCK);
	kt_end(&h);
}

void test_cdt_mint_badge(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t b1 = host_slot_alloc(&h, 5), b2 = b1 + 1, b3 = b1 + 2, n1 = b1 + 3, c1 = b1 + 4;
	CHECK_ERR("mint_badge", kt_mint(&h, b1, ep, KOZO_RIGHTS_ALL, 0x55), KOZO_OK);
	CHECK_EQ("badge_set", cap_badge(&kt_slot(&h, b1)->cap), 0x55);
	CHECK_EQ("original_unbadged", cap_badge(&kt_slot(&h, ep)->cap), 0);
	CHECK_ERR("rebadge_refused", kt_mint(&h, b2, b1, KOZO_RIGHTS_ALL, 0x66), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK("rebadge_left_slot_empty", slot_empty(kt_slot(&h, b2)));
	CHECK_ERR("same_badge_allowed", kt_mint(&h, b2, b1, KOZO_RIGHTS_ALL, 0x55), KOZO_OK);
	CHECK_ERR("copy_keeps_badge", kt_copy(&h, b3, b1, KOZO_RIGHTS_ALL), KOZO_OK);
	CHECK_EQ("copy_badge", cap_badge(&kt_slot(&h, b3)->cap), 0x55);
	CHECK_ERR("mint_notification", kt_mint(&h, n1, nt, KOZO_RIGHTS_ALL, 9), KOZO_OK);
	CHECK_EQ("notification_badge", cap_badge(&kt_slot(&h, n1)->cap), 9);
	/* A TCB has no badge: Mint copies it unchanged. */
	CHECK_ERR("mint_tcb", kt_mint(&h, c1, KOZO_CAP_INIT_TCB, KOZO_RIGHTS_ALL, 9), KOZO_OK);
	CHECK_EQ("tcb_mint_no_badge", cap_badge(&kt_slot(&h, c1)->cap), 0);
	kt_end(&h);
}

/* Minting a CNode sets its guard: badge = guard_bits | guard << 6. */
void test_cdt_cnode_guard(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t cn = kt_new(&h, KOZO_OBJ_CNODE, 4);
	word_t g = host_slot_alloc(&h, 3);
	CHECK_ERR("guard_too_long", kt_mint(&h, g, cn, KOZO_RIGHTS_ALL, 61), KOZO_ERR_RANGE);
	CHECK_ERR("guard_value_too_big", kt_mint(&h, g, cn, KOZO_RIGHTS_ALL, 2 | (4u << 6)), KOZO_ERR_RANGE);
	CHECK_ERR("guard_ok", kt_mint(&h, g, cn, KOZO_RIGHTS_ALL, 60 | (5u << 6)), KOZO_OK);
	CHECK_EQ("guard_bits", cap_cnode_guard_bits(&kt_slot(&h, g)->cap), 60);
	CHECK_EQ("guard_value", cap_cnode_guard(&kt_slot(&h, g)->cap), 5);
	CHECK_EQ("radix_kept", cap_cnode_radix(&kt_slot(&h, g)->cap), 4);
	/* Invoked through the guarded cap, 5 << 4 | 3 at depth 64 is slot 3. */
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	const word_t inner = (5ull << 4) | 3;
	const word_t mr[4] = { inner, 64, ep, 64 };
	const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("move_into_guarded", host_invoke(&h, h.init, g, KOZO_CNODE_MOVE,
						   mr, 4, caps, 1, NULL, 0), KOZO_OK);
	struct slot *inner_slot = &cnode_slots(&kt_slot(&h, cn)->cap)[3];
	CHECK_EQ("landed_in_slot_3", inner_slot->cap.type, KOZO_OBJ_ENDPOINT);
	const word_t bad_guard[2] = { (6ull << 4) | 3, 64 };
	CHECK_ERR("guard_mismatch", host_invoke(&h, h.init, g, KOZO_CNODE_DELETE, bad_guard, 2,
						NULL, 0, NULL, 0), KOZO_ERR_FAILED_LOOKUP);
	const word_t short_depth[2] = { 3, 4 };
	CHECK_ERR("depth_shorter_than_guard", host_invoke(&h, h.init, g, KOZO_CNODE_DELETE,
							  short_depth, 2, NULL, 0, NULL, 0),
		  KOZO_ERR_FAILED_LOOKUP);
	const word_t good[2] = { inner, 64 };
	CHECK_ERR("delete_through_guard", host_invoke(&h, h.init, g, KOZO_CNODE_DELETE, good, 2,
						      NULL, 0, NULL, 0), KOZO_OK);
	CHECK("deleted_through_guard", slot_empty(inner_slot));
	kt_end(&h);
}
