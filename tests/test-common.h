/*
 * Shared test fixtures: a fault-injecting, counting allocator.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_TEST_COMMON_H
#define PWS_TEST_COMMON_H

#include <check.h>
#include <stddef.h>

#include "partnerws.h"

/* The fault allocator counts every allocation made through it and can fail
 * the Nth one (1-based), once or from then on ("persistent"). It tracks the
 * live blocks so a test can assert that nothing leaked. */
typedef struct tc_alloc_stats {
	size_t calls;        /* malloc + realloc calls seen */
	size_t failures;     /* calls that were made to fail */
	size_t live_blocks;  /* blocks allocated and not yet freed */
	size_t live_bytes;
	size_t peak_bytes;
} tc_alloc_stats;

/* Resets counters and disarms failure injection. */
void tc_alloc_reset(void);
/* Fails the Nth call from now (1-based); 0 disarms. If persistent, every
 * call from the Nth on fails. */
void tc_alloc_fail_at(size_t n, int persistent);
/* The allocator table to put in pws_policy_options. */
const pws_allocator *tc_allocator(void);
/* A snapshot of the counters. */
tc_alloc_stats tc_alloc_stats_get(void);
/* Creates a policy whose every allocation goes through the fault allocator. */
int tc_policy_new(pws_policy **out);

/* Re-entry from under the write lock: an allocator (malloc, realloc,
 * free) whose first allocation after tc_reenter_fire() arms it calls hook
 * once, before allocating. tc_reenter_fire(p) arms it and makes a mutation
 * of p that allocates under its write lock (a new team id is interned), so
 * the hook runs where a callback or an allocator would; it returns 1 when
 * the mutation succeeded and the hook ran, else 0. */
void tc_reenter_allocator(pws_allocator *a, void (*hook)(void));
int tc_reenter_fire(pws_policy *p);

/* A bulk load's snapshot text of two teams (pws_load.json): Acme (enterprise,
 * acme.com) and Globex (professional, glx.com). */
#define PWS_TEST_TEAMS_ACME_GLOBEX \
	"{\"format\": 1, \"teams\": [{\"id\": \"acme\", \"name\": \"Acme\", " \
	"\"plan\": \"enterprise\", \"domains\": [\"acme.com\"]}, {\"id\": \"glx\", " \
	"\"name\": \"Globex\", \"plan\": \"professional\", \"domains\": [\"glx.com\"]}]}"

/* Suites, one per module; check_main.c runs them all. */
Suite *pws_version_suite(void);
Suite *pws_errors_suite(void);
Suite *pws_handle_suite(void);
Suite *pws_alloc_fixture_suite(void);
Suite *pws_email_suite(void);
Suite *pws_bulk_suite(void);
Suite *pws_rules_setup_suite(void);
Suite *pws_rules_members_suite(void);
Suite *pws_rules_elements_suite(void);
Suite *pws_rules_collab_suite(void);
Suite *pws_table_suite(void);
Suite *pws_sweeps_suite(void);
Suite *pws_concurrency_suite(void);
Suite *pws_filter_suite(void);
Suite *pws_isolation_suite(void);
Suite *pws_snapshot_suite(void);
Suite *pws_storage_suite(void);
Suite *pws_powerloss_suite(void);
Suite *pws_refs_suite(void);
Suite *pws_events_suite(void);
Suite *pws_shared_suite(void);
Suite *pws_ask_suite(void);
Suite *pws_calls_suite(void);
Suite *pws_load_suite(void);
/* Coverage of the branches the module suites leave (tests/coverage.sh). */
Suite *pws_cover_replay_suite(void);
Suite *pws_cover_replay2_suite(void);
Suite *pws_cover_policy_suite(void);
Suite *pws_cover_utf8_suite(void);
Suite *pws_cover_snapshot_suite(void);
Suite *pws_cover_filter_suite(void);
Suite *pws_cover_snap2_suite(void);
Suite *pws_cover_ops_suite(void);
Suite *pws_cover_core_suite(void);
Suite *pws_hash_suite(void);
Suite *pws_smap_keys_suite(void);
Suite *pws_group_entries_suite(void);
Suite *pws_decide_fast_suite(void);
Suite *pws_mtab_suite(void);
Suite *pws_hot_dense_suite(void);
Suite *pws_user_history_suite(void);
Suite *pws_user_lists_suite(void);
Suite *pws_byid_suite(void);
Suite *pws_batch_ref_suite(void);
Suite *pws_batch_ids_suite(void);
Suite *pws_image_pack_suite(void);

#endif
