/*
 * Users' history lists (VI4) live beside the user record (model.hist_of /
 * hist_lists, lib/model.c), made only for users who write history. What
 * pws_list_history answers must not depend on where they live: one's own
 * entries in the workspace asked, oldest first, for several users whose
 * adds interleave, after a snapshot import, the call log's replay and a
 * state image; an add refused (denied, a duplicate id, asked, or any
 * allocation failing) changes nothing and leaves no list behind; the
 * record is 48 bytes.
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-world.h"
#include "mem-store.h"
#include "../lib/core.h"

#include <stdio.h>
#include <string.h>

#define NOW 1700000000

/* The ids pws_list_history gives viewer in ws, in order, comma-joined. */
static const char *listed(const pws_policy *p, const char *viewer, const char *ws)
{
	static char buf[512];
	pws_iter *it = NULL;
	size_t len = 0;

	buf[0] = '\0';
	ck_assert_int_eq(pws_list_history(&it, p, viewer, ws), PWS_OK);
	while (pws_iter_next(it) == PWS_OK) {
		const char *id = pws_iter_str(it, PWS_COL_ID);

		ck_assert_str_eq(pws_iter_str(it, PWS_COL_AUTHOR), viewer); /* only one's own */
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? "," : "", id);
		ck_assert_uint_lt(len, sizeof buf);
	}
	pws_iter_free(it);
	return buf;
}

/* dev, a1 and g1 write into pw, dev (made a member there) also into
 * team-ws, interleaved. */
static void interleaved_adds(pws_policy *p)
{
	OK(pws_invite(p, "dev2", "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0,
	              RES));
	OK(pws_invite_accept(p, "dev", "team-ws", NULL, RES));
	OK(pws_history_add(p, "dev", "pw", "h1", "sent GET /", NOW, RES));
	OK(pws_history_add(p, "a1", "pw", "h2", "ran col", NOW + 1, RES));
	OK(pws_history_add(p, "dev", "team-ws", "h3", "opened", NOW + 2, RES));
	OK(pws_history_add(p, "g1", "pw", "h4", "sent GET /x", NOW + 3, RES));
	OK(pws_history_add(p, "dev", "pw", "h5", "sent POST /", NOW + 4, RES));
	OK(pws_history_add(p, "a1", "pw", "h6", "ran col again", NOW + 5, RES));
	OK(pws_history_add(p, "dev", "pw", "h7", "sent PUT /", NOW + 6, RES));
}

/* What interleaved_adds leaves listed, for every user and workspace. */
static void lists_ok(const pws_policy *p, const char *what)
{
	static const char *const quiet[] = { "owner", "admin", "pm", "dev2", "a2", "i1", "solo" };
	size_t i;

	ck_assert_msg(!strcmp(listed(p, "dev", "pw"), "h1,h5,h7"), "%s: dev in pw: %s", what,
	              listed(p, "dev", "pw"));
	ck_assert_msg(!strcmp(listed(p, "dev", "team-ws"), "h3"), "%s: dev in team-ws: %s", what,
	              listed(p, "dev", "team-ws"));
	ck_assert_msg(!strcmp(listed(p, "a1", "pw"), "h2,h6"), "%s: a1 in pw: %s", what,
	              listed(p, "a1", "pw"));
	ck_assert_msg(!strcmp(listed(p, "g1", "pw"), "h4"), "%s: g1 in pw: %s", what,
	              listed(p, "g1", "pw"));
	ck_assert_msg(!strcmp(listed(p, "a1", "team-ws"), ""), "%s: a1 in team-ws", what);
	for (i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		ck_assert_msg(!strcmp(listed(p, quiet[i], "pw"), ""), "%s: %s lists %s", what,
		              quiet[i], listed(p, quiet[i], "pw"));
}

/* Lists are made for the writers only, one each (white-box). */
static void lists_made_for_writers_only(const pws_policy *p, const char *what)
{
	const pws__model *m = &p->m;
	uint32_t u, with = 0;

	for (u = 0; u < m->users.n; u++) {
		const pws__ids *h = pws__user_history(m, u);

		if (!h)
			continue;
		with++;
		ck_assert_msg(h->n > 0, "%s: user '%s' has an empty history list", what,
		              USER(m, u)->id);
	}
	ck_assert_msg(with == 3 && m->hist_lists.n == 3 && m->hist_of.n == 3,
	              "%s: %u users with lists, %u lists, %u map entries, expected 3", what, with,
	              m->hist_lists.n, m->hist_of.n);
}

START_TEST(user_record_is_48_bytes)
{
	ck_assert_uint_eq(sizeof(pws__user), 48);
}
END_TEST

START_TEST(VI4_history_of_interleaved_writers_lists_in_add_order)
{
	pws_policy *p;
	uint32_t g1;

	tc_alloc_reset();
	p = tw_world();

	ck_assert_ptr_null(pws__user_history(&p->m, pws__user_find(&p->m, "dev")));
	interleaved_adds(p);
	lists_ok(p, "api");
	lists_made_for_writers_only(p, "api");
	/* a removed writer's list stays (the entries do) and goes with the handle */
	g1 = pws__user_find(&p->m, "g1");
	OK(pws_user_remove(p, "g1", RES));
	ck_assert_ptr_nonnull(pws__user_history(&p->m, g1));
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* Refused adds (denied, duplicate id, unknown user, asked) make no list. */
START_TEST(VI4_refused_history_add_leaves_no_list)
{
	pws_policy *p = tw_world();
	pws_result r = PWS_RESULT_INIT;
	uint64_t d = tw_digest(p);

	DENY(pws_history_add(p, "a3", "pw", "x1", "x", NOW, RES), PWS_RULE_AC1);
	FAILS(pws_history_add(p, "nobody", "pw", "x2", "x", NOW, RES), PWS_ENOTFOUND);
	r.request = PWS_REQUEST_ASK;
	ck_assert_int_eq(pws_history_add(p, "dev", "pw", "x3", "x", NOW, &r), PWS_OK);
	ck_assert(r.flags & PWS_RESULT_ASKED);
	ck_assert_uint_eq(p->m.hist_lists.n, 0);
	ck_assert_uint_eq(p->m.hist_of.n, 0);
	ck_assert_uint_eq(tw_digest(p), d);
	ck_assert_str_eq(listed(p, "dev", "pw"), "");
	OK(pws_history_add(p, "dev", "pw", "x3", "x", NOW, RES));
	FAILS(pws_history_add(p, "a1", "pw", "x3", "dup", NOW, RES), PWS_EEXISTS);
	ck_assert_uint_eq(p->m.hist_lists.n, 1);
	ck_assert_str_eq(listed(p, "dev", "pw"), "x3");
	ck_assert_str_eq(listed(p, "a1", "pw"), "");
	pws_policy_free(p);
}
END_TEST

/* A snapshot import makes the same lists, and exports the same bytes. */
START_TEST(VI4_history_lists_after_snapshot_import)
{
	pws_policy *p, *q = NULL;
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;

	tc_alloc_reset();
	p = tw_world();

	interleaved_adds(p);
	ck_assert_int_eq(pws_snapshot_export(p, &a, &la), PWS_OK);
	ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
	ck_assert_int_eq(pws_snapshot_import(q, a, la, NULL), PWS_OK);
	lists_ok(q, "import");
	lists_made_for_writers_only(q, "import");
	ck_assert_uint_eq(tw_digest(p), tw_digest(q));
	ck_assert_int_eq(pws_snapshot_export(q, &b, &lb), PWS_OK);
	ck_assert(la == lb && !memcmp(a, b, la));
	/* adds on top of the import join the imported lists, or make one */
	OK(pws_history_add(q, "dev", "pw", "h8", "more", NOW + 7, RES));
	OK(pws_history_add(q, "pm", "pw", "h9", "first", NOW + 8, RES));
	ck_assert_str_eq(listed(q, "dev", "pw"), "h1,h5,h7,h8");
	ck_assert_str_eq(listed(q, "pm", "pw"), "h9");
	pws_snapshot_free(p, a);
	pws_snapshot_free(q, b);
	pws_policy_free(p);
	pws_policy_free(q);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

static pws_policy *open_store(mem_store *s)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(mem_store_open(s, tc_allocator(), &p), PWS_OK);
	return p;
}

/* The call log replayed, a state image, image + replay: same lists, same
 * digest. */
START_TEST(VI4_history_lists_after_replay_and_state_image)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p, *q;

	tc_alloc_reset();

	memset(&s, 0, sizeof s);
	ops = mem_store_ops(&s);
	o.storage = &ops;
	o.allocator = tc_allocator();
	p = tw_world_with(&o);
	interleaved_adds(p);
	q = open_store(&s); /* replays every call */
	lists_ok(q, "replay");
	lists_made_for_writers_only(q, "replay");
	ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
	pws_policy_free(q);
	OK(pws_compact(p, RES));
	q = open_store(&s); /* the state image */
	lists_ok(q, "image");
	lists_made_for_writers_only(q, "image");
	ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
	OK(pws_history_add(q, "a1", "pw", "h8", "after the image", NOW + 7, RES));
	pws_policy_free(q);
	q = open_store(&s); /* image + replay */
	ck_assert_str_eq(listed(q, "a1", "pw"), "h2,h6,h8");
	ck_assert_str_eq(listed(q, "dev", "pw"), "h1,h5,h7");
	pws_policy_free(q);
	pws_policy_free(p);
	mem_store_clear(&s);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* Every allocation of an add failing in turn, for a user with a list and
 * for one without: ENOMEM, the same digest and listings, no list made,
 * no leak; the add then succeeds. */
START_TEST(VI4_history_add_all_or_nothing_under_allocation_failures)
{
	static const char *const who[] = { "dev", "pm" }; /* has a list; has none */
	size_t k;

	tc_alloc_reset();

	for (k = 0; k < 2; k++) {
		pws_policy *p = tw_world();
		size_t n;
		uint64_t d;
		int rc = PWS_ENOMEM;

		interleaved_adds(p);
		d = tw_digest(p);
		for (n = 1; rc == PWS_ENOMEM; n++) {
			tc_alloc_fail_at(n, 1);
			rc = pws_history_add(p, who[k], "pw", "hx", "x", NOW + 9, RES);
			tc_alloc_fail_at(0, 0);
			if (rc == PWS_OK)
				break;
			ck_assert_msg(rc == PWS_ENOMEM, "%s, allocation %zu failing -> %d", who[k], n, rc);
			ck_assert_msg(tw_digest(p) == d, "%s, allocation %zu failing changed the state",
			              who[k], n);
			lists_ok(p, "after a failed add");
			lists_made_for_writers_only(p, "after a failed add");
		}
		ck_assert_uint_gt(n, 1); /* at least one allocation failed */
		ck_assert_str_eq(listed(p, who[k], "pw"), k ? "hx" : "h1,h5,h7,hx");
		ck_assert_uint_eq(p->m.hist_lists.n, 3 + k);
		pws_policy_free(p);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	}
}
END_TEST

/* An import failing at every allocation in turn frees what it made. */
START_TEST(VI4_history_import_under_allocation_failures)
{
	pws_policy *p, *q = NULL;
	char *a = NULL;
	size_t la = 0, n;
	int rc = PWS_ENOMEM;

	tc_alloc_reset();
	p = tw_world();

	interleaved_adds(p);
	ck_assert_int_eq(pws_snapshot_export(p, &a, &la), PWS_OK);
	for (n = 1; rc == PWS_ENOMEM; n++) {
		ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
		tc_alloc_fail_at(n, 1);
		rc = pws_snapshot_import(q, a, la, NULL);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_ENOMEM) {
			ck_assert_uint_eq(q->m.hist_lists.n, 0);
			pws_policy_free(q);
		}
	}
	ck_assert_int_eq(rc, PWS_OK);
	lists_ok(q, "import after failures");
	pws_policy_free(q);
	pws_snapshot_free(p, a);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

Suite *pws_user_history_suite(void)
{
	Suite *s = suite_create("user_history");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, user_record_is_48_bytes);
	tcase_add_test(tc, VI4_history_of_interleaved_writers_lists_in_add_order);
	tcase_add_test(tc, VI4_refused_history_add_leaves_no_list);
	tcase_add_test(tc, VI4_history_lists_after_snapshot_import);
	tcase_add_test(tc, VI4_history_lists_after_replay_and_state_image);
	tcase_add_test(tc, VI4_history_add_all_or_nothing_under_allocation_failures);
	tcase_add_test(tc, VI4_history_import_under_allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}
