/*
 * The list queries (lib/filter.c) when memory runs out: every allocation a
 * query makes is failed in turn, once and from then on; the query returns
 * PWS_ENOMEM with *out NULL, leaks nothing and changes nothing, and
 * without a failure it returns the same rows as a run never interrupted.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

#include <stdio.h>
#include <string.h>

typedef int (*list_fn)(pws_iter **out, const pws_policy *p);

/* A world with rows of every kind the lists read. */
static pws_policy *rich_world(void)
{
	pws_policy *p = tw_world();

	OK(pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_update_post(p, "pm", "pw", "up1", "Release notes", 1700000000, RES));
	OK(pws_update_reply(p, "a1", "up1", "re1", "thanks", 1700000100, RES));
	OK(pws_comment_add(p, "dev", "col", "c1", "nice", RES));
	OK(pws_history_add(p, "pm", "pw", "h1", "ran a request", 1700000300, RES));
	return p;
}

/* the rows of an iterator, one line each, then the iterator is freed */
static size_t rows_of(pws_iter *it, char *buf, size_t cap)
{
	size_t n = 0, used = 0;
	int c;

	buf[0] = '\0';
	while (pws_iter_next(it) == PWS_OK) {
		for (c = 0; c < 6; c++) {
			const char *s = pws_iter_str(it, c);
			int w = snprintf(buf + used, cap - used, "%s|%lld|", s ? s : "-",
			                 (long long)pws_iter_int(it, c));

			if (w > 0 && (size_t)w < cap - used)
				used += (size_t)w;
		}
		n++;
	}
	pws_iter_free(it);
	return n;
}

static void sweep(const char *name, list_fn fn)
{
	pws_policy *p = rich_world();
	pws_iter *it = NULL;
	static char ref[16384], got[16384];
	uint64_t d = tw_digest(p);
	size_t nref, n, live, fails;
	int rc, pass;

	tc_alloc_reset();
	rc = fn(&it, p);
	ck_assert_msg(rc == PWS_OK, "%s fails without injection: %d", name, rc);
	nref = rows_of(it, ref, sizeof ref);
	ck_assert_msg(nref > 0, "%s: no rows to test with", name);
	for (pass = 0; pass < 2; pass++) {
		for (n = 1;; n++) {
			live = tc_alloc_stats_get().live_blocks;
			fails = tc_alloc_stats_get().failures;
			it = (pws_iter *)&it; /* must be set to NULL on failure */
			tc_alloc_fail_at(n, pass);
			rc = fn(&it, p);
			tc_alloc_fail_at(0, 0);
			if (tc_alloc_stats_get().failures == fails) {
				ck_assert_msg(rc == PWS_OK, "%s: %d without a failure", name, rc);
				ck_assert_uint_eq(rows_of(it, got, sizeof got), nref);
				ck_assert_str_eq(got, ref);
				break;
			}
			ck_assert_msg(rc == PWS_ENOMEM, "%s: allocation %zu (%s) failed -> %d", name, n,
			              pass ? "persistent" : "single", rc);
			ck_assert_ptr_null(it);
			ck_assert_msg(tc_alloc_stats_get().live_blocks == live,
			              "%s: allocation %zu failed, %zu blocks leaked", name, n,
			              tc_alloc_stats_get().live_blocks - live);
			ck_assert(tw_digest(p) == d);
		}
		ck_assert_msg(n > 1, "%s allocates nothing", name);
	}
	pws_policy_free(p);
}

static int l_members(pws_iter **o, const pws_policy *p)
{ return pws_list_members(o, p, "pm", "pw"); }
static int l_members_org(pws_iter **o, const pws_policy *p)
{ return pws_list_members_as_org(o, p, "acme", "pw"); }
static int l_workspaces(pws_iter **o, const pws_policy *p)
{ return pws_list_workspaces(o, p, "dev"); }
static int l_elements(pws_iter **o, const pws_policy *p)
{ return pws_list_elements(o, p, "dev", "pw"); }
static int l_elements_org(pws_iter **o, const pws_policy *p)
{ return pws_list_elements_as_org(o, p, "acme", "pw"); }
static int l_history(pws_iter **o, const pws_policy *p)
{ return pws_list_history(o, p, "pm", "pw"); }
static int l_updates(pws_iter **o, const pws_policy *p)
{ return pws_list_updates(o, p, "pm", "pw"); }
static int l_replies(pws_iter **o, const pws_policy *p)
{ return pws_list_replies(o, p, "pm", "up1"); }
static int l_activity(pws_iter **o, const pws_policy *p)
{ return pws_list_activity(o, p, "pm", "pw"); }
static int l_partnerships(pws_iter **o, const pws_policy *p)
{ return pws_list_partnerships(o, p, "pm", "pub"); }
static int l_seats(pws_iter **o, const pws_policy *p)
{ return pws_list_seats(o, p, "pub"); }
static int l_reach(pws_iter **o, const pws_policy *p)
{ return pws_list_partner_reach(o, p, "pm", "pub", "a1"); }
static int l_invites(pws_iter **o, const pws_policy *p)
{ return pws_list_invites(o, NULL, p, "pm", "pw"); }
static int l_teams(pws_iter **o, const pws_policy *p)
{ return pws_list_teams(o, p); }
static int l_users(pws_iter **o, const pws_policy *p)
{ return pws_list_users(o, p, "pub"); }
static int l_users_all(pws_iter **o, const pws_policy *p)
{ return pws_list_users(o, p, NULL); }

#define SWEEP_TEST(fn) \
	START_TEST(list_out_of_memory_##fn) { sweep(#fn, fn); } END_TEST

SWEEP_TEST(l_members)
SWEEP_TEST(l_members_org)
SWEEP_TEST(l_workspaces)
SWEEP_TEST(l_elements)
SWEEP_TEST(l_elements_org)
SWEEP_TEST(l_history)
SWEEP_TEST(l_updates)
SWEEP_TEST(l_replies)
SWEEP_TEST(l_activity)
SWEEP_TEST(l_partnerships)
SWEEP_TEST(l_seats)
SWEEP_TEST(l_reach)
SWEEP_TEST(l_invites)
SWEEP_TEST(l_teams)
SWEEP_TEST(l_users)
SWEEP_TEST(l_users_all)

Suite *pws_cover_filter_suite(void)
{
	Suite *s = suite_create("cover_filter");
	TCase *tc = tcase_create("list-oom");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, list_out_of_memory_l_members);
	tcase_add_test(tc, list_out_of_memory_l_members_org);
	tcase_add_test(tc, list_out_of_memory_l_workspaces);
	tcase_add_test(tc, list_out_of_memory_l_elements);
	tcase_add_test(tc, list_out_of_memory_l_elements_org);
	tcase_add_test(tc, list_out_of_memory_l_history);
	tcase_add_test(tc, list_out_of_memory_l_updates);
	tcase_add_test(tc, list_out_of_memory_l_replies);
	tcase_add_test(tc, list_out_of_memory_l_activity);
	tcase_add_test(tc, list_out_of_memory_l_partnerships);
	tcase_add_test(tc, list_out_of_memory_l_seats);
	tcase_add_test(tc, list_out_of_memory_l_reach);
	tcase_add_test(tc, list_out_of_memory_l_invites);
	tcase_add_test(tc, list_out_of_memory_l_teams);
	tcase_add_test(tc, list_out_of_memory_l_users);
	tcase_add_test(tc, list_out_of_memory_l_users_all);
	suite_add_tcase(s, tc);
	return s;
}
