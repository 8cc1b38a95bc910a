/*
 * The single Check runner: one suite per module.
 * CK_RUN_SUITE / CK_RUN_CASE select tests; CK_FORK=no helps valgrind/gdb.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"

#include <stdlib.h>

int main(void)
{
	SRunner *sr = srunner_create(pws_version_suite());
	int failed;

	srunner_add_suite(sr, pws_errors_suite());
	srunner_add_suite(sr, pws_handle_suite());
	srunner_add_suite(sr, pws_alloc_fixture_suite());
	srunner_add_suite(sr, pws_email_suite());
	srunner_add_suite(sr, pws_bulk_suite());
	srunner_add_suite(sr, pws_rules_setup_suite());
	srunner_add_suite(sr, pws_rules_members_suite());
	srunner_add_suite(sr, pws_rules_elements_suite());
	srunner_add_suite(sr, pws_rules_collab_suite());
	srunner_add_suite(sr, pws_table_suite());
	srunner_add_suite(sr, pws_sweeps_suite());
	srunner_add_suite(sr, pws_concurrency_suite());
	srunner_add_suite(sr, pws_filter_suite());
	srunner_add_suite(sr, pws_isolation_suite());
	srunner_add_suite(sr, pws_snapshot_suite());
	srunner_add_suite(sr, pws_storage_suite());
	srunner_add_suite(sr, pws_powerloss_suite());
	srunner_add_suite(sr, pws_refs_suite());
	srunner_add_suite(sr, pws_events_suite());
	srunner_add_suite(sr, pws_shared_suite());
	srunner_add_suite(sr, pws_ask_suite());
	srunner_add_suite(sr, pws_calls_suite());
	srunner_add_suite(sr, pws_load_suite());
	srunner_add_suite(sr, pws_cover_replay_suite());
	srunner_add_suite(sr, pws_cover_replay2_suite());
	srunner_add_suite(sr, pws_cover_policy_suite());
	srunner_add_suite(sr, pws_cover_utf8_suite());
	srunner_add_suite(sr, pws_cover_snapshot_suite());
	srunner_add_suite(sr, pws_cover_filter_suite());
	srunner_add_suite(sr, pws_cover_snap2_suite());
	srunner_add_suite(sr, pws_cover_ops_suite());
	srunner_add_suite(sr, pws_cover_core_suite());
	srunner_add_suite(sr, pws_hash_suite());
	srunner_add_suite(sr, pws_smap_keys_suite());
	srunner_add_suite(sr, pws_group_entries_suite());
	srunner_add_suite(sr, pws_decide_fast_suite());
	srunner_add_suite(sr, pws_mtab_suite());
	srunner_add_suite(sr, pws_hot_dense_suite());
	srunner_add_suite(sr, pws_user_history_suite());
	srunner_add_suite(sr, pws_user_lists_suite());
	srunner_add_suite(sr, pws_byid_suite());
	srunner_add_suite(sr, pws_batch_ref_suite());
	srunner_add_suite(sr, pws_batch_ids_suite());
	srunner_add_suite(sr, pws_image_pack_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
