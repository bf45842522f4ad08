/* Every kernel test, one function each; main.c runs them in order. */
#ifndef KOZO_TEST_TESTS_H
#define KOZO_TEST_TESTS_H

#define KERNEL_TESTS(X) \
	X(boot_state) X(boot_bad_elf) X(harness_panic_trap) \
	X(cdt_copy_mint) X(cdt_move) X(cdt_delete_lifts_children) X(cdt_rights) \
	X(cdt_mint_badge) X(cdt_cnode_guard)

#define DECLARE_TEST(name) void test_##name(void);
KERNEL_TESTS(DECLARE_TEST)
#undef DECLARE_TEST

#endif
