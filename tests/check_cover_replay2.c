/*
 * Replaying stores, continued (doc/STORAGE.md): a store that goes on
 * after the library refused one of its records, allocation failures at
 * every point of a load and of a catch-up (PWS_ENOMEM, no handle or no
 * change, no leak), and the guards of the tables a load grows (util.c:
 * a reservation past what a 32-bit index can hold is refused, nothing
 * changed).
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-common.h"
#include "test-world.h"
#include "storage-scenario.h"
#include "mem-store.h"
#include "../lib/core.h"
#include "../lib/record.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- a store in memory (tests/mem-store.h) ---------------------------------- */

/* A store with no change sets: every put and del applies at once. When
 * keep_from is set, del keeps the records from that key on: a compaction
 * cut part way. */
static uint64_t keep_from;

static int keep_late(const mem_store *s, uint32_t kind, const char *key, size_t key_len)
{
	(void)s, (void)kind;
	ck_assert_uint_eq(key_len, 16);
	return keep_from && strtoull(key, NULL, 16) >= keep_from;
}

/* Options opening a handle on s (with load_after when sync is set, and
 * append, for many writers, when it is 2). */
static void m_options(mem_store *s, pws_storage_ops *ops, pws_policy_options *o, int sync)
{
	*ops = mem_store_ops_v2(s);
	*o = (pws_policy_options)PWS_POLICY_OPTIONS_INIT;
	ops->begin = NULL;
	ops->commit = NULL;
	ops->rollback = NULL;
	ops->wait = NULL;
	if (!sync)
		ops->load_after = NULL;
	if (sync != 2)
		ops->append = NULL;
	s->direct = 1;
	s->keep = keep_late;
	o->storage = ops;
}

/* Records into s the first `steps` steps of the storage scenario (one
 * call of every mutating kind); returns the digest of the state built. */
static uint64_t m_record(mem_store *s, int steps)
{
	pws_storage_ops ops;
	pws_policy_options o;
	pws_policy *p = NULL;
	uint64_t d;
	int i;

	m_options(s, &ops, &o, 0);
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	for (i = 0; i < steps; i++)
		ck_assert_msg(storage_step(p, i) == PWS_OK, "scenario step %d", i);
	d = tw_digest(p);
	pws_policy_free(p);
	return d;
}

/* Opens s; returns the code, the digest of the state loaded in *d. */
static int m_open(mem_store *s, uint64_t *d, int fault_alloc)
{
	pws_storage_ops ops;
	pws_policy_options o;
	pws_policy *p = (pws_policy *)0x1;
	int rc;

	m_options(s, &ops, &o, 0);
	if (fault_alloc)
		o.allocator = tc_allocator();
	rc = pws_policy_new(&p, &o);
	if (rc == PWS_OK) {
		ck_assert_ptr_nonnull(p);
		if (d)
			*d = tw_digest(p);
		pws_policy_free(p);
	} else {
		ck_assert_ptr_null(p);
	}
	return rc;
}

/* --- a store going on after a refusal ---------------------------------------- */

/* The sink's refusal ends a load (storage.h: "any other value stops the
 * load, which then fails with that code"). A store that goes on anyway,
 * and then returns PWS_OK, must not get a handle on the state before the
 * damaged record: its next change would be written over that record
 * (and over every record after it). Refused, as by a store that stops. */
START_TEST(store_going_on_after_a_refusal_still_refused)
{
	mem_store s;
	uint64_t d;
	int damaged;

	for (damaged = 0; damaged < 6; damaged++) {
		memset(&s, 0, sizeof s);
		m_record(&s, 8);
		ck_assert_uint_eq(s.n, 8);
		/* a byte of record `damaged` changed: its checksum fails */
		s.v[damaged].data[s.v[damaged].len / 2] ^= 0x20;
		ck_assert_int_eq(m_open(&s, NULL, 0), PWS_ESTORAGE);
		s.ignore_sink = 1;
		ck_assert_msg(m_open(&s, &d, 0) == PWS_ESTORAGE,
		              "record %d damaged: a store going on opened", damaged);
		ck_assert_int_eq(s.puts, 8); /* nothing written */
		mem_store_clear(&s);
	}
	/* the record the refusal is about may also be the last one */
	memset(&s, 0, sizeof s);
	m_record(&s, 3);
	s.v[2].key[15] = '7'; /* a gap */
	s.ignore_sink = 1;
	ck_assert_int_eq(m_open(&s, NULL, 0), PWS_ESTORAGE);
	mem_store_clear(&s);
}
END_TEST

/* The same for a catch-up (pws_policy_sync): records another writer
 * appended, one of them damaged, a store going on past it. The sync
 * fails, what came before the damaged record is applied, and the handle
 * does not move past it. */
START_TEST(sync_going_on_after_a_refusal_stops_at_it)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o;
	pws_policy *p = NULL, *w = NULL;
	uint64_t rev = 99;
	int i;

	memset(&s, 0, sizeof s);
	m_options(&s, &ops, &o, 1);
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK); /* the reader */
	ck_assert_int_eq(pws_policy_new(&w, &o), PWS_OK); /* the writer */
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(storage_step(w, i), PWS_OK);
	ck_assert_uint_eq(s.n, 6);
	s.v[3].data[s.v[3].len - 1] ^= 1; /* record 4's checksum */
	s.ignore_sink = 1;
	ck_assert_int_eq(pws_policy_sync(p, &rev), PWS_ESTORAGE);
	ck_assert_int_eq(pws_policy_sync(p, &rev), PWS_ESTORAGE);
	s.v[3].data[s.v[3].len - 1] ^= 1;
	OK(pws_policy_sync(p, &rev));
	ck_assert_uint_eq(rev, 6);
	ck_assert_uint_eq(tw_digest(p), tw_digest(w));
	pws_policy_free(w);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* --- compactions cut part way, conflicts ----------------------------------- */

/* A compaction cut part way (doc/STORAGE.md, crash safety): the image
 * written, only the oldest records before it deleted. A handle catching
 * up meets the newest of them out of sequence, skips them and applies
 * the image: it reaches the writer's state and revision. Opened afresh,
 * the store loads too. */
START_TEST(sync_over_a_compaction_cut_part_way)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o;
	pws_policy *r0 = NULL, *r2 = NULL, *w = NULL;
	uint64_t rev = 0, d = 0;
	int i;

	memset(&s, 0, sizeof s);
	m_options(&s, &ops, &o, 1);
	ck_assert_int_eq(pws_policy_new(&w, &o), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&r0, &o), PWS_OK); /* at revision 0 */
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(storage_step(w, i), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&r2, &o), PWS_OK); /* at revision 2 */
	for (; i < 8; i++)
		ck_assert_int_eq(storage_step(w, i), PWS_OK);
	keep_from = 6; /* records 6..8 survive the compaction */
	OK(pws_compact(w, RES));
	ck_assert_uint_eq(s.n, 4);
	ck_assert_str_eq(s.v[0].key, "0000000000000006");
	ck_assert_str_eq(s.v[3].key, "0000000000000009");
	OK(pws_policy_sync(r2, &rev));
	ck_assert_uint_eq(rev, 9);
	ck_assert_uint_eq(tw_digest(r2), tw_digest(w));
	OK(pws_policy_sync(r0, &rev));
	ck_assert_uint_eq(rev, 9);
	ck_assert_uint_eq(tw_digest(r0), tw_digest(w));
	/* the writer goes on; the readers follow it record by record */
	ck_assert_int_eq(storage_step(w, 8), PWS_OK);
	OK(pws_policy_sync(r2, &rev));
	ck_assert_uint_eq(rev, 10);
	ck_assert_uint_eq(tw_digest(r2), tw_digest(w));
	ck_assert_int_eq(m_open(&s, &d, 0), PWS_OK);
	ck_assert_uint_eq(d, tw_digest(w));
	/* the records in front of the image without it: a gap, refused */
	ck_assert_uint_eq(s.n, 5);
	mem_store_truncate(&s, 3); /* 6, 7, 8 only: the image and record 10 lost */
	ck_assert_int_eq(m_open(&s, NULL, 0), PWS_ESTORAGE);
	pws_policy_free(r0);
	pws_policy_free(r2);
	pws_policy_free(w);
	mem_store_clear(&s);
	keep_from = 0;
}
END_TEST

/* A whole compaction: the store starts at its image, under the key after
 * the last record. It loads, and a handle behind it catches up through
 * it. Records deleted without an image (a gap) are refused by a catch-up
 * too: the handle keeps its state and revision. */
START_TEST(sync_over_a_whole_compaction_and_a_gap)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o;
	pws_policy *r = NULL, *g = NULL, *w = NULL;
	uint64_t rev = 0, d = 0, dg;
	int i;

	memset(&s, 0, sizeof s);
	m_options(&s, &ops, &o, 1);
	ck_assert_int_eq(pws_policy_new(&w, &o), PWS_OK);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(storage_step(w, i), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&r, &o), PWS_OK); /* at revision 2 */
	ck_assert_int_eq(pws_policy_new(&g, &o), PWS_OK); /* at revision 2 */
	dg = tw_digest(g);
	for (; i < 6; i++)
		ck_assert_int_eq(storage_step(w, i), PWS_OK);
	/* records 3 and 4 lost: g sees 5 and 6 out of sequence, no image */
	{
		mem_rec *all = s.v;

		s.v = all + 4;
		s.n = 2;
		ck_assert_int_eq(pws_policy_sync(g, &rev), PWS_ESTORAGE);
		s.v = all;
		s.n = 6;
	}
	OK(pws_policy_revision(g, &rev));
	ck_assert_uint_eq(rev, 2);
	ck_assert_uint_eq(tw_digest(g), dg);
	OK(pws_compact(w, RES));
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.v[0].key, "0000000000000007");
	OK(pws_policy_sync(r, &rev));
	ck_assert_uint_eq(rev, 7);
	ck_assert_uint_eq(tw_digest(r), tw_digest(w));
	ck_assert_int_eq(m_open(&s, &d, 0), PWS_OK);
	ck_assert_uint_eq(d, tw_digest(w));
	pws_policy_free(r);
	pws_policy_free(g);
	pws_policy_free(w);
	mem_store_clear(&s);
}
END_TEST

/* Many writers: a call whose append conflicts catches up first; when the
 * records it catches up with are damaged, the call fails with
 * PWS_ESTORAGE, its result says why (the catch-up and the record), and
 * nothing of it is written or applied. */
START_TEST(conflict_catch_up_meeting_damage_fails_the_call)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o;
	pws_policy *a = NULL, *b = NULL;
	pws_result *res;
	uint64_t rev = 0;
	int i;

	memset(&s, 0, sizeof s);
	m_options(&s, &ops, &o, 2);
	ck_assert_int_eq(pws_policy_new(&a, &o), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&b, &o), PWS_OK);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(storage_step(a, i), PWS_OK);
	s.v[3].data[s.v[3].len - 1] ^= 1; /* record 4's checksum */
	res = RES;
	ck_assert_int_eq(pws_team_add(b, "late", "Late", PWS_PLAN_FREE, 0, res), PWS_ESTORAGE);
	ck_assert_msg(strstr(res->message, "catching up after a conflict failed: ") != NULL &&
	              strstr(res->message, "0000000000000004") != NULL, "message: %s",
	              res->message);
	ck_assert_int_eq(s.puts, 5);
	ck_assert_uint_eq(s.n, 5);
	OK(pws_policy_revision(b, &rev));
	ck_assert_uint_eq(rev, 3); /* the records before the damaged one */
	/* repaired, the call goes through after the five */
	s.v[3].data[s.v[3].len - 1] ^= 1;
	OK(pws_team_add(b, "late", "Late", PWS_PLAN_FREE, 0, RES));
	ck_assert_str_eq(s.v[5].key, "0000000000000006");
	OK(pws_policy_sync(a, &rev));
	ck_assert_uint_eq(tw_digest(a), tw_digest(b));
	pws_policy_free(a);
	pws_policy_free(b);
	mem_store_clear(&s);
}
END_TEST

/* pws_load_state with many writers, another writer having appended
 * first: the state image it built on the older state is not made again
 * on the newer one (it would undo the other writer's change): the call
 * fails with PWS_ECONFLICT, writes nothing, and the handle holds the
 * other writer's state, caught up. */
START_TEST(load_state_losing_a_race_is_not_redone)
{
	static const char teams[] = "{\"format\": 1, \"teams\": [{\"id\": \"acme\", "
	                            "\"name\": \"Acme\", \"plan\": \"enterprise\", "
	                            "\"domains\": [\"acme.com\"]}]}";
	pws_load_user u[1] = {{"pam", "pam@acme.com", "acme", PWS_TEAM_ADMIN, 1}};
	pws_load_workspace ws[1] = {{"api-hub", "API hub", "acme", PWS_VIS_TEAM, 0, 0}};
	pws_load_membership m[1] = {{0, 0, NULL, PWS_ROLE_ADMIN, 0}};
	pws_load l = {PWS_LOAD_VERSION, teams, sizeof teams - 1, u, 1, ws, 1, m, 1};
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o;
	pws_policy *a = NULL, *b = NULL;
	uint64_t rev = 0;

	memset(&s, 0, sizeof s);
	m_options(&s, &ops, &o, 2);
	ck_assert_int_eq(pws_policy_new(&a, &o), PWS_OK);
	ck_assert_int_eq(pws_policy_new(&b, &o), PWS_OK);
	ck_assert_int_eq(storage_step(a, 0), PWS_OK);
	ck_assert_int_eq(pws_load_state(b, &l, RES), PWS_ECONFLICT);
	ck_assert_int_eq(s.puts, 1);
	OK(pws_policy_revision(b, &rev));
	ck_assert_uint_eq(rev, 1);
	ck_assert_uint_eq(tw_digest(b), tw_digest(a));
	/* caught up, it goes through */
	OK(pws_load_state(b, &l, RES));
	ck_assert_int_eq(s.puts, 2);
	OK(pws_policy_sync(a, &rev));
	ck_assert_uint_eq(rev, 2);
	ck_assert_uint_eq(tw_digest(a), tw_digest(b));
	pws_policy_free(a);
	pws_policy_free(b);
	mem_store_clear(&s);
}
END_TEST

/* --- allocation failures --------------------------------------------------- */

/* Loading the whole scenario (every operation code, migrate_many's
 * joined list included), the Nth allocation failing, for every N: the
 * open fails with PWS_ENOMEM (not PWS_ESTORAGE: the store is sound), no
 * handle, nothing leaked; then it loads the state recorded. */
START_TEST(store_load_out_of_memory_at_every_allocation)
{
	mem_store s;
	uint64_t want, got = 0;
	size_t n, allocs;

	memset(&s, 0, sizeof s);
	want = m_record(&s, STORAGE_STEPS);
	tc_alloc_reset();
	ck_assert_int_eq(m_open(&s, &got, 1), PWS_OK);
	ck_assert_uint_eq(got, want);
	allocs = tc_alloc_stats_get().calls;
	ck_assert_uint_gt(allocs, 10);
	for (n = 1; n <= allocs; n++) {
		tc_alloc_reset();
		tc_alloc_fail_at(n, 0);
		ck_assert_msg(m_open(&s, NULL, 1) == PWS_ENOMEM, "allocation %zu: not ENOMEM", n);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == 0, "allocation %zu leaks", n);
	}
	tc_alloc_reset();
	ck_assert_int_eq(m_open(&s, &got, 1), PWS_OK);
	ck_assert_uint_eq(got, want);
	ck_assert_uint_eq(s.puts, STORAGE_STEPS); /* a load writes nothing */
	mem_store_clear(&s);
}
END_TEST

/* A catch-up of the whole scenario, the Nth allocation failing, for
 * every N: the sync fails with PWS_ENOMEM, nothing leaks, and a later
 * sync finishes it to the state the writer built. */
START_TEST(sync_out_of_memory_at_every_allocation)
{
	mem_store s, view;
	pws_storage_ops ops, vops;
	pws_policy_options o, vo;
	pws_policy *w = NULL;
	uint64_t want;
	size_t n;
	int i, failed = 0;

	memset(&s, 0, sizeof s);
	m_options(&s, &ops, &o, 1);
	ck_assert_int_eq(pws_policy_new(&w, &o), PWS_OK);
	for (i = 0; i < STORAGE_STEPS; i++)
		ck_assert_int_eq(storage_step(w, i), PWS_OK);
	want = tw_digest(w);
	/* the reader opens on an empty view of the store, then sees it whole */
	memset(&view, 0, sizeof view);
	m_options(&view, &vops, &vo, 1);
	vo.allocator = tc_allocator();
	for (n = 1;; n++) {
		pws_policy *p = NULL;
		uint64_t rev = 0;
		int rc;

		tc_alloc_reset();
		view.v = NULL;
		view.n = 0;
		ck_assert_int_eq(pws_policy_new(&p, &vo), PWS_OK);
		view.v = s.v;
		view.n = s.n;
		tc_alloc_fail_at(n, 0);
		rc = pws_policy_sync(p, &rev);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK && tc_alloc_stats_get().failures == 0) {
			ck_assert_uint_eq(rev, STORAGE_STEPS);
			ck_assert_uint_eq(tw_digest(p), want);
			pws_policy_free(p);
			break;
		}
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d, not ENOMEM", n, rc);
		failed++;
		OK(pws_policy_sync(p, &rev));
		ck_assert_uint_eq(rev, STORAGE_STEPS);
		ck_assert_msg(tw_digest(p) == want, "allocation %zu: another state", n);
		pws_policy_free(p);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == 0, "allocation %zu leaks", n);
	}
	ck_assert_int_gt(failed, 10);
	ck_assert_int_eq(s.puts, STORAGE_STEPS);
	pws_policy_free(w);
	mem_store_clear(&s);
}
END_TEST

/* --- table guards (util.c) ---------------------------------------------------- */

/* A reservation past what a 32-bit index holds is refused with
 * PWS_ENOMEM, the table unchanged; the allocator is not even asked. */
START_TEST(tables_refuse_reservations_past_32_bits)
{
	pws__mem m;
	pws__vec v;
	pws__ids l;
	pws__smap sm;
	pws__umap um;

	memset(&v, 0, sizeof v);
	memset(&l, 0, sizeof l);
	memset(&sm, 0, sizeof sm);
	memset(&um, 0, sizeof um);
	tc_alloc_reset();
	m.a = *tc_allocator();
	/* vec: more items than UINT32_MAX - 1 */
	ck_assert_int_eq(pws__vec_reserve(&m, &v, 8, UINT32_MAX), PWS_ENOMEM);
	ck_assert_ptr_null(v.v);
	ck_assert_uint_eq(v.cap, 0);
	/* vec: items of a size whose table would pass SIZE_MAX */
	ck_assert_int_eq(pws__vec_reserve(&m, &v, SIZE_MAX / 4, 8), PWS_ENOMEM);
	ck_assert_ptr_null(v.v);
	/* vec: a count that doubling would carry past the limit is capped
	 * at it (and here the 4 GiB allocation is refused) */
	tc_alloc_fail_at(1, 0);
	ck_assert_int_eq(pws__vec_reserve(&m, &v, 1, UINT32_MAX - 1), PWS_ENOMEM);
	ck_assert_uint_eq(tc_alloc_stats_get().failures, 1);
	ck_assert_ptr_null(v.v);
	ck_assert_uint_eq(v.cap, 0);
	/* ids, smap, umap */
	ck_assert_int_eq(pws__ids_reserve(&m, &l, UINT32_MAX / 2 + 1), PWS_ENOMEM);
	ck_assert_ptr_null(l.v);
	ck_assert_int_eq(pws__smap_reserve(&m, &sm, (1u << 30)), PWS_ENOMEM);
	ck_assert_ptr_null(sm.cells);
	ck_assert_int_eq(pws__umap_reserve(&m, &um, UINT32_MAX - 16), PWS_ENOMEM);
	ck_assert_ptr_null(um.s);
	ck_assert_uint_eq(tc_alloc_stats_get().calls, 1);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* A table of 4 MiB or more is hinted for huge pages (a hint only): it is
 * usable whole. */
START_TEST(tables_large_table_usable)
{
	pws__mem m;
	pws__vec v;
	size_t i, n = (size_t)5 << 20;
	unsigned char *b;

	pws__mem_default(&m);
	memset(&v, 0, sizeof v);
	ck_assert_int_eq(pws__vec_reserve(&m, &v, 1, (uint32_t)n), PWS_OK);
	ck_assert_uint_ge(v.cap, n);
	b = v.v;
	memset(b, 0xa5, v.cap);
	for (i = 0; i < v.cap; i += 4096)
		ck_assert_uint_eq(b[i], 0xa5);
	pws__vec_free(&m, &v);
	ck_assert_ptr_null(v.v);
}
END_TEST

/* Reading, setting and deleting keys a table does not hold: nothing
 * found, nothing changed. */
START_TEST(tables_absent_keys_change_nothing)
{
	pws__mem m;
	pws__smap sm;
	pws__umap um;
	pws__skey k;
	uint64_t aux = 7;

	pws__mem_default(&m);
	memset(&sm, 0, sizeof sm);
	memset(&um, 0, sizeof um);
	/* empty tables: nothing allocated yet */
	pws__umap_prefetch(&um, 5);
	ck_assert_uint_eq(pws__umap_find_h(&um, 5, 5), PWS__NONE);
	ck_assert_uint_eq(pws__umap_get(&um, 5), PWS__NONE);
	k = pws__skey_of(&sm, "a-key-longer-than-forty-bytes-------------");
	pws__smap_prefetch(&sm, &k);
	ck_assert_uint_eq(pws__smap_get(&sm, "x"), PWS__NONE);
	/* one key each */
	ck_assert_int_eq(pws__smap_reserve(&m, &sm, 1), PWS_OK);
	pws__smap_put(&sm, "present", 3);
	pws__smap_set_aux(&sm, "present", 11);
	ck_assert_int_eq(pws__umap_reserve(&m, &um, 1), PWS_OK);
	pws__umap_put(&um, 9, 4);
	/* absent ones */
	ck_assert_uint_eq(pws__smap_aux_of(&sm, "absent"), 0);
	pws__smap_set_aux(&sm, "absent", 5);
	ck_assert_ptr_null(pws__smap_del(&sm, "absent"));
	pws__umap_del(&um, 10);
	/* the present ones as they were */
	ck_assert_uint_eq(sm.n, 1);
	ck_assert_uint_eq(pws__smap_aux_of(&sm, "present"), 11);
	{
		/* an array, not the literal: past its 8th byte GCC's bounds
		 * check sees the (untaken) long-key compare of the inline */
		char key[24] = "present";

		k = pws__skey_of(&sm, key);
		ck_assert_uint_eq(pws__smap_get_aux(&sm, key, &k, &aux), 3);
	}
	ck_assert_uint_eq(aux, 11);
	ck_assert_uint_eq(um.n, 1);
	ck_assert_uint_eq(pws__umap_get(&um, 9), 4);
	pws__smap_free(&m, &sm);
	pws__umap_free(&m, &um);
}
END_TEST

/* Keys that share a slot's tag (30 bits of hash: two keys in a billion)
 * and their first 8 bytes are told apart by the rest: by the tail kept in
 * the slot (keys up to 8 + PWS__SMAP_TAIL bytes, when kept), else by the
 * stored key. The collision is forged: the lookup key's tag is written
 * into the stored key's slot, on a seed placing both at the same home.
 * tails: 0 none, 1 kept apart, 2 kept in the 64-byte cells of a wide map
 * (grown once it held mostly long keys). */
static void forged_collision(int tails, const char *stored, const char *lookup)
{
	pws__mem m;
	pws__skey ks, kl;
	uint64_t seed;
	uint32_t j;

	pws__mem_default(&m);
	for (seed = 1;; seed++) {
		pws__smap sm;

		ck_assert_uint_lt(seed, 100000);
		memset(&sm, 0, sizeof sm);
		pws__smap_seed(&sm, seed);
		if (tails)
			pws__smap_keep_tails(&sm);
		if (tails == 2) {
			int f;

			pws__smap_inline_aux(&sm);
			ck_assert_int_eq(pws__smap_reserve(&m, &sm, 1), PWS_OK);
			for (f = 0; f < 3; f++)
				pws__smap_put(&sm, f == 0 ? "filler-key-0" : f == 1 ? "filler-key-1" : "filler-key-2",
				              (uint32_t)(10 + f));
			ck_assert_int_eq(pws__smap_reserve(&m, &sm, 20), PWS_OK);
			ck_assert_uint_eq(sm.tshift, 6);
		}
		ck_assert_int_eq(pws__smap_reserve(&m, &sm, 1), PWS_OK);
		ks = pws__skey_of(&sm, stored);
		kl = pws__skey_of(&sm, lookup);
		if (((uint32_t)ks.hash & sm.mask) != ((uint32_t)kl.hash & sm.mask)) {
			pws__smap_free(&m, &sm);
			continue;
		}
		ck_assert(tails ? sm.tailb != NULL : sm.tailb == NULL);
		pws__smap_put(&sm, stored, 1);
		j = pws__smap_find(&sm, stored, &ks);
		ck_assert_uint_ne(j, PWS__NONE);
		pws__smap_at(&sm, j)->hash = pws__skey_tag(&kl);
		ck_assert_uint_eq(pws__smap_at(&sm, j)->head, kl.head);
		ck_assert_msg(pws__smap_get(&sm, lookup) == PWS__NONE,
		              "'%s' found as '%s' (tails %d)", lookup, stored, tails);
		pws__smap_free(&m, &sm);
		return;
	}
}

START_TEST(tables_keys_sharing_tag_and_head_told_apart)
{
	static const char long_a[] = "abcdefgh-a-key-longer-than-forty-bytes-in-all-1";
	static const char long_b[] = "abcdefgh-a-key-longer-than-forty-bytes-in-all-2";

	/* tails kept: another tail of the same length */
	forged_collision(1, "abcdefgh-tail-1", "abcdefgh-tail-2");
	/* tails kept: the lookup key a prefix of the stored one */
	forged_collision(1, "abcdefgh-tail-12", "abcdefgh-tail-1");
	/* tails kept, keys longer than a tail; and no tails: the stored key */
	forged_collision(1, long_a, long_b);
	/* the same with the tails in the cells */
	forged_collision(2, "abcdefgh-tail-1", "abcdefgh-tail-2");
	forged_collision(2, "abcdefgh-tail-12", "abcdefgh-tail-1");
	forged_collision(2, long_a, long_b);
	forged_collision(0, "abcdefgh-tail-1", "abcdefgh-tail-2");
	forged_collision(0, long_a, long_b);
}
END_TEST

/* A check resolves ids longer than 8 bytes (compared by the tail a slot
 * keeps) and longer than that tail (compared with the stored key); a
 * check on a state that has no membership at all (its table not even
 * allocated: pws_load_state of a workspace without members) finds none. */
START_TEST(check_long_ids_and_no_memberships)
{
	static const char teams[] = "{\"format\": 1, \"teams\": [{\"id\": \"acme\", "
	                            "\"name\": \"Acme\", \"plan\": \"enterprise\", "
	                            "\"domains\": [\"acme.com\"]}]}";
	static const char longu[] = "a-user-id-much-longer-than-the-forty-bytes-of-a-tail";
	static const char longw[] = "a-workspace-id-much-longer-than-the-forty-bytes-of-a-tail";
	pws_load_user u[1] = {{"pam", "pam@acme.com", "acme", PWS_TEAM_MEMBER, 0}};
	pws_load_workspace ws[1] = {{"api-hub", "API hub", "acme", PWS_VIS_PRIVATE, 0, 0}};
	pws_load l = {PWS_LOAD_VERSION, teams, sizeof teams - 1, u, 1, ws, 1, NULL, 0};
	pws_policy *p = NULL;
	int allowed = -1, rule = -1;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_load_state(p, &l, RES)); /* a workspace with no member at all */
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "pam", PWS_ACT_VIEW, "api-hub", NULL),
	                 PWS_OK);
	ck_assert_int_eq(allowed, 0);
	pws_policy_free(p);
	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, longu, "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "developer-12", "d12@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, longu, longw, "W", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_workspace_create(p, "developer-12", "workspace-12", "W12", PWS_VIS_PRIVATE, NULL,
	                        RES));
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "developer-12", PWS_ACT_VIEW,
	                           "workspace-12", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "developer-12", PWS_ACT_VIEW, longw, NULL),
	                 PWS_OK);
	ck_assert_int_eq(allowed, 0);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, longu, PWS_ACT_VIEW, longw, NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, longw, NULL), PWS_OK);
	ck_assert_int_eq(allowed, 0);
	pws_policy_free(p);
}
END_TEST

/* --- getters called back from inside a write (calls.c) ------------------- */

static pws_policy *g_in;  /* the handle a store's put calls back into */
static int g_in_armed;
static int g_in_rc[4];
static int g_in_enabled = -1, g_in_kind = -1, g_in_rule = -1;
static char *g_in_rq = (char *)1, *g_in_nt = (char *)1;
static size_t g_in_need[2] = {99, 99};

static int reenter_put(void *ctx, uint32_t kind, const char *key, size_t key_len,
                       const void *data, size_t len)
{
	if (g_in_armed) {
		char buf[64];

		g_in_armed = 0;
		g_in_rc[0] = pws_integration_get(g_in, &g_in_enabled, "pw");
		g_in_rc[1] = pws_request_get(g_in, &g_in_kind, &g_in_rq, &g_in_nt, &g_in_rule, "pm",
		                             "pw");
		g_in_rc[2] = pws_user_get_team(g_in, buf, sizeof buf, "pm", &g_in_need[0]);
		g_in_rc[3] = pws_element_get_workspace(g_in, buf, sizeof buf, "col", &g_in_need[1]);
	}
	return mem_store_put(ctx, kind, key, key_len, data, len);
}

/* The getters of calls.c called by a store's callback, inside the write
 * lock of a call: PWS_EMISUSE (not a deadlock), every output reset. */
START_TEST(getters_inside_a_write_are_misuse)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o;
	int i;

	memset(&s, 0, sizeof s);
	m_options(&s, &ops, &o, 0);
	ops.put = reenter_put;
	ck_assert_int_eq(pws_policy_new(&g_in, &o), PWS_OK);
	OK(pws_team_add(g_in, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(g_in, "pub", "pub.com", RES));
	OK(pws_user_add(g_in, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_workspace_create(g_in, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_element_add(g_in, "pm", "pw", "col", PWS_EL_COLLECTION, 1000, NULL, RES));
	g_in_armed = 1;
	OK(pws_team_add(g_in, "acme", "Acme", PWS_PLAN_FREE, 0, RES));
	ck_assert_int_eq(g_in_armed, 0);
	for (i = 0; i < 4; i++)
		ck_assert_msg(g_in_rc[i] == PWS_EMISUSE, "getter %d: %d", i, g_in_rc[i]);
	ck_assert_int_eq(g_in_enabled, 0);
	ck_assert_int_eq(g_in_kind, 0);
	ck_assert_int_eq(g_in_rule, 0);
	ck_assert_ptr_null(g_in_rq);
	ck_assert_ptr_null(g_in_nt);
	ck_assert_uint_eq(g_in_need[0], 0);
	ck_assert_uint_eq(g_in_need[1], 0);
	/* outside, they answer */
	{
		char buf[16];
		size_t need = 0;

		OK(pws_user_get_team(g_in, buf, sizeof buf, "pm", &need));
		ck_assert_str_eq(buf, "pub");
		OK(pws_element_get_workspace(g_in, buf, sizeof buf, "col", &need));
		ck_assert_str_eq(buf, "pw");
	}
	pws_policy_free(g_in);
	g_in = NULL;
	mem_store_clear(&s);
}
END_TEST

/* pws_request_get with only one of the two strings asked for: the other
 * is not made (nothing to free), the one asked for is. */
START_TEST(CR3_request_get_one_string_only)
{
	pws_policy *p = tw_world();
	char *rq = (char *)1, *nt = (char *)1;
	int kind = -1;

	OK(pws_workspace_convert(p, "dev2", "team-ws", "please", RES));
	OK(pws_request_get(p, &kind, &rq, NULL, NULL, "dev2", "team-ws"));
	ck_assert_int_eq(kind, PWS_REQUEST_CONVERT);
	ck_assert_str_eq(rq, "dev2");
	free(rq);
	kind = -1;
	OK(pws_request_get(p, &kind, NULL, &nt, NULL, "dev2", "team-ws"));
	ck_assert_int_eq(kind, PWS_REQUEST_CONVERT);
	ck_assert_str_eq(nt, "please");
	free(nt);
	pws_policy_free(p);
}
END_TEST

/* A request whose requester is gone (a snapshot may say so with ""):
 * the request is read with an empty requester. */
START_TEST(CR3_request_get_requester_gone_reads_empty)
{
	pws_policy *p = tw_world();
	char *json = NULL, *at, *rq = NULL, *nt = NULL;
	size_t len = 0;
	int kind = -1;

	OK(pws_workspace_convert(p, "dev2", "team-ws", "please", RES));
	OK(pws_snapshot_export(p, &json, &len));
	at = strstr(json, "\"requester\": \"dev2\"");
	if (!at)
		at = strstr(json, "\"requester\":\"dev2\"");
	ck_assert_msg(at != NULL, "no requester in %s", json);
	at = strstr(at, "\"dev2\"");
	memmove(at + 1, at + 5, strlen(at + 5) + 1); /* "dev2" -> "" */
	OK(pws_snapshot_import(p, json, strlen(json), RES));
	pws_snapshot_free(p, json);
	OK(pws_request_get(p, &kind, &rq, &nt, NULL, "pm", "team-ws")); /* a reviewer */
	ck_assert_int_eq(kind, PWS_REQUEST_CONVERT);
	ck_assert_str_eq(rq, "");
	ck_assert_str_eq(nt, "please");
	free(rq);
	free(nt);
	pws_policy_free(p);
}
END_TEST

Suite *pws_cover_replay2_suite(void)
{
	Suite *s = suite_create("cover_replay2");
	TCase *tc = tcase_create("replay2");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, store_going_on_after_a_refusal_still_refused);
	tcase_add_test(tc, sync_going_on_after_a_refusal_stops_at_it);
	tcase_add_test(tc, sync_over_a_compaction_cut_part_way);
	tcase_add_test(tc, sync_over_a_whole_compaction_and_a_gap);
	tcase_add_test(tc, conflict_catch_up_meeting_damage_fails_the_call);
	tcase_add_test(tc, load_state_losing_a_race_is_not_redone);
	tcase_add_test(tc, store_load_out_of_memory_at_every_allocation);
	tcase_add_test(tc, sync_out_of_memory_at_every_allocation);
	tcase_add_test(tc, tables_refuse_reservations_past_32_bits);
	tcase_add_test(tc, tables_large_table_usable);
	tcase_add_test(tc, tables_absent_keys_change_nothing);
	tcase_add_test(tc, tables_keys_sharing_tag_and_head_told_apart);
	tcase_add_test(tc, check_long_ids_and_no_memberships);
	tcase_add_test(tc, getters_inside_a_write_are_misuse);
	tcase_add_test(tc, CR3_request_get_one_string_only);
	tcase_add_test(tc, CR3_request_get_requester_gone_reads_empty);
	suite_add_tcase(s, tc);
	return s;
}
