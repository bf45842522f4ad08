/* Every kernel test, one function each; main.c runs them in order. */
#ifndef KOZO_TEST_TESTS_H
#define KOZO_TEST_TESTS_H

#define KERNEL_TESTS(X) \
	X(boot_state) X(boot_bad_elf) X(harness_panic_trap) \
	X(cdt_copy_mint) X(cdt_move) X(cdt_delete_lifts_children) X(cdt_rights) \
	X(cdt_mint_badge) X(cdt_cnode_guard) X(tcb_delete_retires_context) \
	X(retype_basic) X(retype_count_and_alignment) X(retype_exhaustion) X(retype_errors) \
	X(retype_after_delete) X(revoke_untyped) X(revoke_removes_from_queues) \
	X(delete_last_cap) X(cnode_errors) X(invoke_errors) \
	X(tcb_errors) X(tcb_registers) X(irq_errors) X(irq_delivery) X(irq_timer_deadline) X(irq_timer_abuse) X(ioport) X(ioport_narrow) X(frame_map) \
	X(debug_cap) X(tcb_configure_drops_own_cspace) \
	X(ipc_send_fifo) X(ipc_recv_fifo) X(ipc_badge) X(ipc_call_reply) X(ipc_fastpath) X(ipc_long_message) \
	X(ipc_cap_transfer) X(ipc_unwrap) X(ipc_endpoint_deleted) X(ipc_server_deleted) \
	X(ntfn_signal_wait) X(ntfn_blocking) X(ntfn_bound) X(ntfn_deleted) X(ntfn_unbadged_signal) \
	X(fault_unknown_syscall) X(fault_linux_personality) X(fault_no_handler) X(fault_vm) \
	X(fault_fastpath) X(fault_fastpath_declines) X(fault_fastpath_as_general) \
	X(iso_table_unmap_empties) X(iso_table_copy_refused) X(iso_vspace_deleted_under_table) \
	X(iso_freed_table_as_frame) X(iso_tlb_table_unmap) X(iso_ipc_buffer_rights) \
	X(iso_fault_not_stale) X(iso_debug_putchar_cap) \
	X(fastpath_length_and_caps) X(fastpath_sysno_and_personality) X(fastpath_lookup) \
	X(fastpath_call_needs_write) X(fastpath_no_receiver) X(fastpath_receiver_owes_reply) \
	X(fastpath_receiver_without_vspace) X(fastpath_priorities) X(fastpath_replyrecv_needs_read) \
	X(fastpath_replyrecv_sender_queued) X(fastpath_replyrecv_bound_signal) \
	X(fastpath_replyrecv_no_caller) X(fastpath_replyrecv_faulted_caller) \
	X(bounds_write_registers) X(bounds_long_invocation) X(bounds_retype) X(bounds_mapping) \
	X(bounds_priority) X(bounds_fault_endpoint_rights) X(rights_ipc) \
	X(life_cnode_last_slot) X(life_tcb_bound_deleted) X(life_two_cap_transfer) \
	X(life_mapped_frame_transfer) X(life_unwrap_other_endpoint) X(life_resume_blocked) \
	X(life_timer_round_robin) X(life_last_irq_handler) X(life_device_untyped) X(life_asid_exhaustion) \
	X(cspace_two_levels) X(cspace_guard_top_bit) X(cspace_cdt_links) X(cspace_nested_cnodes_deleted) \
	X(cspace_receive_slot) X(cspace_fault_to_bare_handler) X(cspace_low_priority_runs) \
	X(life_faulted_thread_orphaned) X(life_configure_replaces) \
	X(cspace_bare_thread_messages) X(cspace_syscall_numbers_and_irq_preemption) \
	X(life_resume_without_cspace) X(life_ipc_state_corners) X(life_nothing_to_run) \
	X(preempt_revoke_10000) X(preempt_delete_full_cnode) X(preempt_abandoned_delete) \
	X(preempt_retype_large) X(preempt_retype_interleaved) X(preempt_debug_switch) \
	X(edge_cnode_depth_64bit) X(edge_bound_signal_taken_once) X(edge_signal_word_starts_over) \
	X(edge_bound_sender_not_woken) X(edge_bind_twice) X(edge_irq_past_table) X(edge_lookup_through_untyped) \
	X(fastpath_replyrecv_badged_cap) X(fault_reply_length) X(iso_stale_unmap_spares_new_mapping) \
	X(fault_syscall_reply_length) X(edge_short_message_keeps_registers) X(fastpath_register_counts) \
	X(edge_wait_info_cleared) X(edge_bare_thread_invocation_lengths) X(edge_invocation_reply) \
	X(edge_priority_of_blocked_thread) X(life_resume_without_vspace) X(debug_fault_panics) \
	X(edge_retype_fills_untyped) X(preempt_delete_lifts_and_empty_slots) X(preempt_measure_on_request) \
	X(preempt_delete_untyped_and_budget)

#define DECLARE_TEST(name) void test_##name(void);
KERNEL_TESTS(DECLARE_TEST)
#undef DECLARE_TEST

#endif
