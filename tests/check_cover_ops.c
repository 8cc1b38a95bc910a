/*
 * Coverage of the operation, listing, check and bulk-parser branches the
 * module suites leave (lib/filter.c, lib/ops-*.c, lib/check.c, lib/bulk.c):
 * each test is named after the rule (POLICY.md) or the promise it checks.
 * Every refused call is also checked to change nothing (digest) and to
 * deliver no event; every out-of-memory sweep to leak nothing.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"
#include "../lib/bulk.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW ((int64_t)1700000000)

/* ------------------------------------------------------------------ */
/* Reads re-entered under the write lock                                */
/* ------------------------------------------------------------------ */

/* An allocator that, once armed, calls every read of the handle from
 * inside the allocation a mutation makes under its write lock: each must
 * answer PWS_EMISUSE at once (never deadlock, never read a half-made
 * state) and write nothing to its outputs beyond its documented reset. */
enum { RE_REF, RE_CHECK_REF, RE_BATCH, RE_ALLOWED, RE_MEMBER_STATUS, RE_INVITE_GET,
       RE_SEATS, RE_USER_GET, RE_ELEMENT_GET, RE_UNREAD, RE_WS_GET, RE_N };
static int re_rc[RE_N];
static pws_policy *re_p;
static pws_ref re_user, re_ws;

static void reenter_reads(void)
{
	pws_ref r;
	int allowed, rule, a = PWS_ACT_VIEW, codes[1], k, t, l, s;
	const char *actors[1] = { "pm" }, *wss[1] = { "pw" };
	uint64_t mask;
	uint32_t u32a, u32b;
	char buf[64];

	re_rc[RE_REF] = pws_ref_user(re_p, &r, "pm");
	re_rc[RE_CHECK_REF] = pws_check_ref(re_p, &allowed, &rule, re_user, PWS_ACT_VIEW, re_ws,
	                                    PWS_REF_NONE);
	re_rc[RE_BATCH] = pws_check_batch(re_p, &allowed, NULL, codes, 1, actors, &a, wss, NULL);
	re_rc[RE_ALLOWED] = pws_allowed_actions(re_p, &mask, "pm", "pw", NULL);
	re_rc[RE_MEMBER_STATUS] = pws_member_status(re_p, &k, &t, &l, &s, "pw", "dev");
	re_rc[RE_INVITE_GET] = pws_invite_get(re_p, &k, &t, &l, "pw", "x@pub.com");
	re_rc[RE_SEATS] = pws_team_editor_seats(re_p, &u32a, &u32b, "pub");
	re_rc[RE_USER_GET] = pws_user_get(re_p, &k, &t, buf, sizeof buf, "pm");
	re_rc[RE_ELEMENT_GET] = pws_element_get(re_p, &k, &t, buf, sizeof buf, "col");
	re_rc[RE_UNREAD] = pws_workspace_unread(re_p, &u32a, "dev", "pw");
	re_rc[RE_WS_GET] = pws_workspace_get(re_p, &k, &t, &l, &s, "pw");
}




START_TEST(reads_reentered_under_the_write_lock_are_misuse)
{
	pws_allocator a;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL;
	int i;

	tc_reenter_allocator(&a, reenter_reads);
	o.allocator = &a;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	re_p = p;
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "pw", NULL, RES));
	OK(pws_element_add(p, "dev", "pw", "col", PWS_EL_COLLECTION, 10, NULL, RES));
	ck_assert_int_eq(pws_ref_user(p, &re_user, "pm"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &re_ws, "pw"), PWS_OK);
	for (i = 0; i < RE_N; i++)
		re_rc[i] = 12345;
	ck_assert(tc_reenter_fire(p));
	for (i = 0; i < RE_N; i++)
		ck_assert_msg(re_rc[i] == PWS_EMISUSE, "read %d under the write lock -> %d", i,
		              re_rc[i]);
	/* afterwards the same reads work */
	re_rc[0] = 12345;
	reenter_reads();
	for (i = 0; i < RE_N; i++)
		ck_assert_msg(re_rc[i] == PWS_OK || re_rc[i] == PWS_ENOTFOUND,
		              "read %d after the lock -> %d", i, re_rc[i]);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* References (pws_check_ref)                                           */
/* ------------------------------------------------------------------ */

/* the index of a reference replaced by i (kind, generation and, in a
 * user's or workspace's, the id hash kept: lib/check.c's two forms) */
static pws_ref forged(pws_ref r, uint32_t i)
{
	if (r >> 63)
		return (r & ~((pws_ref)0xFFFFFFu << 32)) | (pws_ref)(i & 0xFFFFFFu) << 32;
	return (r & ~(pws_ref)0xFFFFFFFFu) | i;
}

START_TEST(check_ref_refuses_malformed_arguments_einvalid)
{
	pws_policy *p = tw_world();
	pws_ref u, w, e;
	int allowed = 7, rule = 7;
	uint64_t d;

	ck_assert_int_eq(pws_ref_user(p, &u, "dev"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &w, "pw"), PWS_OK);
	ck_assert_int_eq(pws_ref_element(p, &e, "col"), PWS_OK);
	d = tw_digest(p);
	/* no output for the answer */
	ck_assert_int_eq(pws_check_ref(p, NULL, &rule, u, PWS_ACT_VIEW, w, e), PWS_EINVALID);
	/* neither a workspace nor an element to decide on */
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_VIEW, PWS_REF_NONE,
	                               PWS_REF_NONE), PWS_EINVALID);
	ck_assert_int_eq(allowed, 0);
	ck_assert_int_eq(rule, PWS_RULE_NONE);
	/* no rule output wanted: still answered */
	allowed = 7;
	ck_assert_int_eq(pws_check_ref(p, &allowed, NULL, u, PWS_ACT_EDIT, w, e), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	ck_assert_int_eq(pws_check_ref(p, &allowed, NULL, u, 0, w, e), PWS_EINVALID);
	/* a reference of one kind given for another */
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_VIEW, w, w), PWS_EINVALID);
	ck_assert_int_eq(allowed, 0);
	/* pws_ref_*: an empty id, a NULL output */
	ck_assert_int_eq(pws_ref_user(p, &u, ""), PWS_EINVALID);
	ck_assert_int_eq(pws_ref_element(p, NULL, "col"), PWS_EINVALID);
	ck_assert_int_eq(pws_ref_workspace(NULL, &w, "pw"), PWS_EINVALID);
	ck_assert_int_eq(pws_ref_workspace(p, &w, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_check_ref(NULL, &allowed, &rule, u, PWS_ACT_VIEW, w, e),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_COUNT, w, e), PWS_EINVALID);
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, u, -1, w, e), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(check_ref_stale_or_forged_references_enotfound)
{
	pws_policy *p = tw_world();
	pws_ref u, g1, w, e, env;
	int allowed = 7, rule = 7;

	ck_assert_int_eq(pws_ref_user(p, &u, "dev"), PWS_OK);
	ck_assert_int_eq(pws_ref_user(p, &g1, "g1"), PWS_OK);
	ck_assert_int_eq(pws_ref_workspace(p, &w, "pw"), PWS_OK);
	ck_assert_int_eq(pws_ref_element(p, &e, "col"), PWS_OK);
	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
	ck_assert_int_eq(pws_ref_element(p, &env, "env"), PWS_OK);
	/* indices past the tables, with a valid kind and generation */
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_VIEW, forged(w, 0xFFFFFF),
	                               PWS_REF_NONE), PWS_ENOTFOUND);
	ck_assert_int_eq(allowed, 0);
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_VIEW, PWS_REF_NONE,
	                               forged(e, 0xFFFFFF)), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, forged(u, 0xFFFFFF), PWS_ACT_VIEW, w,
	                               PWS_REF_NONE), PWS_ENOTFOUND);
	/* an element deleted for good (an environment skips the trash, TR1)
	 * and a removed user are gone: their old references find nothing */
	OK(pws_element_delete(p, "dev", "env", NOW, RES));
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, u, PWS_ACT_VIEW, w, env),
	                 PWS_ENOTFOUND);
	OK(pws_user_remove(p, "g1", RES));
	ck_assert_int_eq(pws_check_ref(p, &allowed, &rule, g1, PWS_ACT_VIEW, w, PWS_REF_NONE),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(allowed, 0);
	ck_assert_int_eq(rule, PWS_RULE_NONE);
	pws_policy_free(p);
}
END_TEST

START_TEST(check_batch_refuses_missing_arrays_einvalid)
{
	pws_policy *p = tw_world();
	const char *actors[2] = { "dev", "g1" }, *wss[2] = { "pw", "pw" };
	int actions[2] = { PWS_ACT_VIEW, PWS_ACT_EDIT }, allowed[2] = { 7, 7 }, rules[2];

	ck_assert_int_eq(pws_check_batch(p, allowed, rules, NULL, 2, actors, NULL, wss, NULL),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check_batch(p, allowed, rules, NULL, 2, actors, actions, NULL, NULL),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check_batch(p, NULL, rules, NULL, 2, actors, actions, wss, NULL),
	                 PWS_EINVALID);
	ck_assert_int_eq(allowed[0], 7);
	/* nothing to decide: nothing needed */
	ck_assert_int_eq(pws_check_batch(p, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL), PWS_OK);
	/* no element array: workspace decisions (RO1: a viewer partner may not edit) */
	ck_assert_int_eq(pws_check_batch(p, allowed, rules, NULL, 2, actors, actions, wss, NULL),
	                 PWS_OK);
	ck_assert_int_eq(allowed[0], 1);
	ck_assert_int_eq(allowed[1], 0);
	ck_assert_int_eq(rules[1], PWS_RULE_ED1);
	/* with an element array: element decisions (NULL items: the workspace) */
	{
		const char *els[2] = { "col", NULL };
		int codes[2] = { 7, 7 };

		ck_assert_int_eq(pws_check_batch(p, allowed, rules, codes, 2, actors, actions, wss,
		                                 els), PWS_OK);
		ck_assert_int_eq(codes[0], PWS_OK);
		ck_assert_int_eq(codes[1], PWS_OK);
		ck_assert_int_eq(allowed[0], 1);
		ck_assert_int_eq(allowed[1], 0);
	}
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The bulk parser (IN5)                                                */
/* ------------------------------------------------------------------ */

static pws__mem bulk_mem(void)
{
	pws__mem m;

	m.a = *tc_allocator();
	return m;
}

/* Parses text; returns the entries' "line:email-or-!reason" joined. */
static const char *parse(const char *text, size_t len, int format)
{
	static char out[2048];
	pws__mem m = bulk_mem();
	pws__bulk_list l = { 0 };
	size_t i, used = 0;

	tc_alloc_reset();
	ck_assert_int_eq(pws__bulk_parse(&m, text, len, format, &l), PWS_OK);
	out[0] = '\0';
	for (i = 0; i < l.n; i++) {
		int w = snprintf(out + used, sizeof out - used, "%s%u:%s", i ? " " : "",
		                 (unsigned)l.v[i].line,
		                 l.v[i].code == PWS_OK ? l.v[i].email : "!");

		if (w > 0 && (size_t)w < sizeof out - used)
			used += (size_t)w;
	}
	pws__bulk_list_free(&m, &l);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	return out;
}

#define CSV(lit) parse((lit), sizeof(lit) - 1, PWS_BULK_CSV)
#define TXT(lit) parse((lit), sizeof(lit) - 1, PWS_BULK_TXT)

START_TEST(in5_bulk_angle_forms_malformed_are_bad_lines)
{
	/* a '>' with no '<', a '<' with no '>', '>' before '<', text after
	 * the '>', two '<': each a bad line, the good ones kept */
	ck_assert_str_eq(TXT("a@x.com>\n<b@x.com\n>c@x.com<\n<d@x.com> e\nN <<e@x.com>\n"
	                     "Name <f@x.com>\n"),
	                 "1:! 2:! 3:! 4:! 5:! 6:f@x.com");
}
END_TEST

START_TEST(in5_bulk_csv_header_long_field_is_no_header_name)
{
	/* a first-record field longer than any header name cannot be one:
	 * no header, the record is data (column 0) */
	ck_assert_str_eq(CSV("a@x.com,this field is far longer than thirty-two bytes\n"
	                     "b@x.com\n"),
	                 "1:a@x.com 2:b@x.com");
	ck_assert_str_eq(CSV("this field is far longer than thirty-two bytes,email\n"
	                     "x,b@x.com\n"),
	                 "2:b@x.com");
}
END_TEST

START_TEST(in5_bulk_csv_quotes_at_the_end_of_the_text)
{
	/* a closing quote as the text's last byte */
	ck_assert_str_eq(CSV("\"a@x.com\""), "1:a@x.com");
	/* a lone CR inside quotes is a line break (line numbers follow) */
	ck_assert_str_eq(CSV("\"a@x.com\rx\",\nb@x.com\n"), "1:! 3:b@x.com");
	/* a CR as the text's last byte, inside quotes: unterminated */
	ck_assert_str_eq(CSV("b@x.com\n\"a\r"), "1:b@x.com 2:!");
}
END_TEST

START_TEST(in5_bulk_csv_bad_first_record_is_no_header)
{
	/* an unterminated quote in the first (blank) record: a bad line, not
	 * skipped as blank and not taken as a header */
	ck_assert_str_eq(CSV("\"\n"), "1:!");
	/* a header-looking first record with a problem is not a header */
	ck_assert_str_eq(CSV("email,\"x\" y\nb@x.com\n"), "1:! 2:b@x.com");
	ck_assert_str_eq(CSV("email;\"x\" y\nb@x.com\n"), "1:! 2:b@x.com");
}
END_TEST

/* IN5: addresses differing only in case are one address: the later line
 * is a duplicate, the first one's key is lowercase. */
START_TEST(in5_bulk_duplicates_differ_only_in_case)
{
	ck_assert_str_eq(TXT("Ann.Lee@X.com\nb@x.com\nann.lee@x.COM\nANN.LEE@x.com\n"),
	                 "1:ann.lee@x.com 2:b@x.com 3:! 4:!");
}
END_TEST

START_TEST(in5_bulk_out_of_memory_on_a_bad_line_leaves_nothing)
{
	/* 16 good lines fill the first entry array; the 17th is bad and must
	 * grow it: every allocation failed in turn gives ENOMEM and nothing */
	char text[1024];
	size_t len = 0, n;
	int i;
	pws__mem m = bulk_mem();

	for (i = 0; i < 16; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "u%d@x.com\n", i);
	len += (size_t)snprintf(text + len, sizeof text - len, "not an address\n");
	for (n = 1;; n++) {
		pws__bulk_list l = { 0 };
		int rc;

		tc_alloc_reset();
		tc_alloc_fail_at(n, 0);
		rc = pws__bulk_parse(&m, text, len, PWS_BULK_TXT, &l);
		tc_alloc_fail_at(0, 0);
		if (tc_alloc_stats_get().failures == 0) {
			ck_assert_int_eq(rc, PWS_OK);
			ck_assert_uint_eq(l.n, 17);
			ck_assert_int_eq(l.v[16].code, PWS_EINVALID);
			pws__bulk_list_free(&m, &l);
			break;
		}
		ck_assert_int_eq(rc, PWS_ENOMEM);
		ck_assert(l.v == NULL && l.n == 0);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	}
	ck_assert_uint_gt(n, 17);
}
END_TEST

START_TEST(in5_bulk_list_free_without_allocator_frees_nothing)
{
	pws__mem m = bulk_mem();
	pws__bulk_list l = { 0 };

	tc_alloc_reset();
	ck_assert_int_eq(pws__bulk_parse(&m, "a@x.com\n", 8, PWS_BULK_TXT, &l), PWS_OK);
	pws__bulk_list_free(NULL, &l); /* no allocator: the list is kept */
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].email, "a@x.com");
	pws__bulk_list_free(&m, &l);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Listings (lib/filter.c)                                              */
/* ------------------------------------------------------------------ */

/* A user id of 60 bytes, distinct per n: big rows make the listings
 * grow their arrays and string arenas past the first allocation. */
static const char *long_id(char *buf, size_t cap, const char *prefix, int n)
{
	snprintf(buf, cap, "%s-%03d-%s", prefix, n,
	         "padding-padding-padding-padding-padding-padding");
	return buf;
}

/* The standard world plus n acme users who are partner viewers of pw
 * (one group of n + 1 rows) and n teamless users. */
static pws_policy *crowded_world(int n)
{
	pws_policy *p = tw_world();
	char id[128], mail[160];
	int i;

	for (i = 0; i < n; i++) {
		long_id(id, sizeof id, "acme", i);
		snprintf(mail, sizeof mail, "%s@acme.com", id);
		OK(pws_user_add(p, id, mail, "acme", PWS_TEAM_MEMBER, 0, RES));
		OK(pws_invite(p, "pm", "pw", mail, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
		OK(pws_invite_accept(p, id, "pw", NULL, RES));
		long_id(id, sizeof id, "free", i);
		snprintf(mail, sizeof mail, "%s@gmail.com", id);
		OK(pws_user_add(p, id, mail, NULL, 0, 0, RES));
	}
	return p;
}

static size_t count_rows(pws_iter *it)
{
	size_t n = 0;

	while (pws_iter_next(it) == PWS_OK)
		n++;
	pws_iter_free(it);
	return n;
}

typedef int (*list_fn)(pws_iter **out, const pws_policy *p);

/* Every allocation of a listing failed in turn (once, then from then on):
 * PWS_ENOMEM, *out NULL, nothing leaked or changed; unfailed, nrows rows. */
static void list_sweep(pws_policy *p, const char *name, list_fn fn, size_t nrows)
{
	uint64_t d = tw_digest(p);
	pws_iter *it = NULL;
	size_t n, live, fails;
	int pass, rc;

	ck_assert_int_eq(fn(&it, p), PWS_OK);
	ck_assert_uint_eq(count_rows(it), nrows);
	for (pass = 0; pass < 2; pass++) {
		for (n = 1;; n++) {
			live = tc_alloc_stats_get().live_blocks;
			fails = tc_alloc_stats_get().failures;
			it = (pws_iter *)&it;
			tc_alloc_fail_at(n, pass);
			rc = fn(&it, p);
			tc_alloc_fail_at(0, 0);
			if (tc_alloc_stats_get().failures == fails) {
				ck_assert_int_eq(rc, PWS_OK);
				ck_assert_uint_eq(count_rows(it), nrows);
				break;
			}
			ck_assert_msg(rc == PWS_ENOMEM, "%s: allocation %zu failed -> %d", name, n, rc);
			ck_assert_ptr_null(it);
			ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, live);
			ck_assert(tw_digest(p) == d);
		}
		ck_assert_msg(n > 3, "%s: the listing did not grow (%zu allocations)", name, n);
	}
}

static int l_members_pm(pws_iter **o, const pws_policy *p)
{ return pws_list_members(o, p, "pm", "pw"); }
static int l_members_acme(pws_iter **o, const pws_policy *p)
{ return pws_list_members_as_org(o, p, "acme", "pw"); }
static int l_users_all(pws_iter **o, const pws_policy *p)
{ return pws_list_users(o, p, NULL); }

/* VI1/VI3: a partner group of 41 rows (more than the first reservation
 * of the string arena holds) lists whole, also when memory runs out. */
START_TEST(vi1_vi8_large_partner_group_listed_whole_or_enomem)
{
	pws_policy *p = crowded_world(40);

	/* pm, dev, a1, g1 and the 40 */
	list_sweep(p, "members", l_members_pm, 44);
	/* VI8 in single-partner mode: everyone */
	list_sweep(p, "members as acme", l_members_acme, 44);
	pws_policy_free(p);
}
END_TEST

/* More users than the first row array and arena hold, listed whole. */
START_TEST(list_users_many_rows_whole_or_enomem)
{
	pws_policy *p = crowded_world(40);

	/* 12 of the standard world + 80 */
	list_sweep(p, "users", l_users_all, 92);
	/* a removed user is no longer listed */
	OK(pws_user_remove(p, "solo", RES));
	list_sweep(p, "users", l_users_all, 91);
	pws_policy_free(p);
}
END_TEST

START_TEST(iter_reads_outside_a_row_are_null)
{
	pws_policy *p = tw_world();
	pws_iter *it = NULL;

	ck_assert_int_eq(pws_list_users(&it, p, "pub"), PWS_OK);
	/* before the first pws_iter_next: no row */
	ck_assert_ptr_null(pws_iter_str(it, PWS_COL_ID));
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_ptr_nonnull(pws_iter_str(it, PWS_COL_ID));
	while (pws_iter_next(it) == PWS_OK)
		;
	ck_assert_ptr_null(pws_iter_str(it, PWS_COL_ID));
	pws_iter_free(it);
	ck_assert_ptr_null(pws_iter_str(NULL, PWS_COL_ID));
	pws_policy_free(p);
}
END_TEST

static int lists_ws(pws_policy *p, const char *viewer, const char *ws)
{
	pws_iter *it = NULL;
	int found = 0;

	ck_assert_int_eq(pws_list_workspaces(&it, p, viewer), PWS_OK);
	while (pws_iter_next(it) == PWS_OK)
		if (strcmp(pws_iter_str(it, PWS_COL_ID), ws) == 0)
			found = 1;
	pws_iter_free(it);
	return found;
}

/* WS2: a public workspace is listed to everyone; once it is no longer
 * public, a partner no longer sees it. */
START_TEST(ws2_workspace_no_longer_public_unlisted_for_partners)
{
	pws_policy *p = tw_world();

	ck_assert(!lists_ws(p, "a1", "team-ws"));
	OK(pws_workspace_set_visibility(p, "dev2", "team-ws", PWS_VIS_PUBLIC, RES));
	ck_assert(lists_ws(p, "a1", "team-ws"));
	OK(pws_workspace_set_visibility(p, "dev2", "team-ws", PWS_VIS_TEAM, RES));
	ck_assert(!lists_ws(p, "a1", "team-ws"));
	ck_assert(lists_ws(p, "dev", "team-ws"));
	pws_policy_free(p);
}
END_TEST

/* LC1 / VI8: no view "as an organization" of a workspace that is not an
 * active partner one: pending approval, no longer partner, deleted. */
static void as_org_denied(pws_policy *p, const char *org, const char *ws)
{
	pws_iter *it = (pws_iter *)&it;
	uint64_t d = tw_digest(p);

	ck_assert_int_eq(pws_list_members_as_org(&it, p, org, ws), PWS_EDENIED);
	ck_assert_ptr_null(it);
	it = (pws_iter *)&it;
	ck_assert_int_eq(pws_list_elements_as_org(&it, p, org, ws), PWS_EDENIED);
	ck_assert_ptr_null(it);
	ck_assert(tw_digest(p) == d);
}

START_TEST(lc1_vi8_as_org_views_of_inactive_workspaces_denied)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "dev", "req", "Req", PWS_VIS_PARTNER, "please", RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	as_org_denied(p, "acme", "req");
	/* the owning team is no partner organization of its workspace */
	as_org_denied(p, "pub", "team-ws");
	as_org_denied(p, "pub", "pw");
	as_org_denied(p, "acme", "team-ws");
	pws_policy_free(p);
}
END_TEST

/* pw's invites as pm lists them include email's, with no inviter named. */
static void unnamed_inviter(pws_policy *p, const char *email)
{
	pws_iter *it = NULL;
	int rule = -1, seen = 0;

	ck_assert_int_eq(pws_list_invites(&it, &rule, p, "pm", "pw"), PWS_OK);
	while (pws_iter_next(it) == PWS_OK)
		if (strcmp(pws_iter_str(it, PWS_COL_EMAIL), email) == 0) {
			ck_assert_str_eq(pws_iter_str(it, PWS_COL_INVITER), "");
			seen = 1;
		}
	pws_iter_free(it);
	ck_assert(seen);
}

/* IN7 listing: an open invite whose inviter was removed says "" as
 * inviter. */
START_TEST(in7_invite_of_a_removed_inviter_lists_no_inviter)
{
	pws_policy *p = tw_world();

	OK(pws_invite(p, "a1", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_user_remove(p, "a1", RES));
	unnamed_inviter(p, "a2@acme.com");
	/* through a snapshot the removed inviter stays unnamed */
	{
		pws_policy *q = NULL;
		char *json = NULL;
		size_t len = 0;

		ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
		ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
		OK(pws_snapshot_import(q, json, len, RES));
		pws_snapshot_free(p, json);
		ck_assert(tw_digest(q) == tw_digest(p));
		unnamed_inviter(q, "a2@acme.com");
		pws_policy_free(q);
	}
	pws_policy_free(p);
}
END_TEST

/* VI1 / WS4: a partner who joins the owning team keeps a suspended
 * membership: the publisher side lists it as suspended, a partner never. */
START_TEST(vi1_suspended_membership_listed_to_publisher_only)
{
	pws_policy *p = tw_world();
	pws_iter *it = NULL;
	int seen = 0;

	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_MEMBER, RES));
	expect_suspended(p, "pw", "a1", PWS_ROLE_EDITOR, 1);
	ck_assert_int_eq(pws_list_members(&it, p, "dev", "pw"), PWS_OK);
	while (pws_iter_next(it) == PWS_OK)
		if (strcmp(pws_iter_str(it, PWS_COL_ID), "a1") == 0) {
			ck_assert_int_eq(pws_iter_int(it, PWS_COL_SUSPENDED), 1);
			ck_assert_int_eq(pws_iter_int(it, PWS_COL_EXTERNAL), 1);
			seen = 1;
		}
	pws_iter_free(it);
	ck_assert(seen);
	ck_assert_int_eq(pws_list_members(&it, p, "g1", "pw"), PWS_OK);
	while (pws_iter_next(it) == PWS_OK)
		ck_assert_str_ne(pws_iter_str(it, PWS_COL_ID), "a1");
	pws_iter_free(it);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Operations (lib/ops-*.c)                                             */
/* ------------------------------------------------------------------ */

static unsigned ev_count;

static void count_cb(const pws_event *e, void *payload)
{
	(void)e;
	(void)payload;
	ev_count++;
}

/* The standard world of test-world.h, with an event listener (so every
 * notice is really built) and the fault allocator. */
static pws_policy *ops_world(void)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.allocator = tc_allocator();
	o.on_event = count_cb;
	return tw_world_with(&o);
}

/* A refused call: its code (and rule, when not 0), nothing changed, no
 * event delivered. */
#define REFUSED(p, call, code, r) do { \
	uint64_t d_ = tw_digest(p); unsigned e_ = ev_count; int rc_ = (call); \
	ck_assert_msg(rc_ == (code), "%s -> %d (%s), expected %d: %s", #call, rc_, \
	              pws_strerror(rc_), (code), tw_res.message); \
	ck_assert_msg((r) == 0 || tw_res.rule == (r), "%s: rule %s", #call, \
	              pws_rule_id(tw_res.rule)); \
	ck_assert_msg(tw_digest(p) == d_, "%s changed the state", #call); \
	ck_assert_msg(ev_count == e_, "%s delivered an event", #call); } while (0)

/* IN7: only an open invite can be accepted, withdrawn or read; one
 * already accepted is no longer there (its record stays, closed). */
START_TEST(in7_closed_invite_cannot_be_accepted_withdrawn_or_read)
{
	pws_policy *p = ops_world();
	int kind = -1;

	REFUSED(p, pws_invite_accept(p, "g1", "pw", NULL, RES), PWS_ENOTFOUND, 0);
	REFUSED(p, pws_invite_withdraw(p, "pm", "pw", "g1@globex.com", RES), PWS_ENOTFOUND, 0);
	REFUSED(p, pws_invite_decline(p, "g1", "pw", RES), PWS_ENOTFOUND, 0);
	ck_assert_int_eq(pws_invite_get(p, &kind, NULL, NULL, "pw", "g1@globex.com"),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(kind, -1);
	/* a member invite declined: gone, and the partner count untouched */
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_decline(p, "dev2", "pw", RES));
	expect_no_invite(p, "pw", "dev2@pub.com");
	/* a removed partner is invited again: a new open invite next to the
	 * closed record, and it can be accepted */
	OK(pws_member_remove(p, "pm", "pw", "g1", RES));
	expect_not_member(p, "pw", "g1");
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	expect_invite(p, "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pws_invite_accept(p, "g1", "pw", NULL, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

/* IN5: a bulk text with no address line invites nobody and succeeds. */
START_TEST(in5_bulk_without_addresses_invites_nobody)
{
	pws_policy *p = ops_world();
	pws_bulk_report *r = NULL;
	static const char text[] = "# nobody yet\n\n   \n";
	uint64_t d = tw_digest(p);
	unsigned e = ev_count;

	OK(pws_invite_bulk(p, &r, "pm", "pw", text, sizeof text - 1, PWS_BULK_TXT,
	                   PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(pws_bulk_report_errors(r), 0);
	ck_assert_uint_eq(pws_bulk_report_invited(r), 0);
	pws_bulk_report_free(r);
	ck_assert(ev_count == e);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* A team's second domain can be removed (the first stays), and a domain
 * once removed can be added again (to any team). */
START_TEST(team_domains_removed_and_added_again)
{
	pws_policy *p = ops_world();
	char buf[64];

	OK(pws_team_add_domain(p, "acme", "acme.org", RES));
	OK(pws_team_remove_domain(p, "acme", "acme.org", RES));
	REFUSED(p, pws_team_remove_domain(p, "acme", "acme.org", RES), PWS_ENOTFOUND, 0);
	OK(pws_team_add_domain(p, "globex", "acme.org", RES));
	REFUSED(p, pws_team_add_domain(p, "acme", "acme.org", RES), PWS_EEXISTS, 0);
	/* acme.com is still acme's: a new acme.com user joins acme */
	OK(pws_user_add(p, "a4", "a4@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	ck_assert_int_eq(pws_user_get(p, NULL, NULL, buf, sizeof buf, "a4"), PWS_OK);
	ck_assert_str_eq(buf, "acme");
	pws_policy_free(p);
}
END_TEST

/* A monitor serves a collection of its own workspace only. */
START_TEST(monitor_of_a_collection_in_another_workspace_einvalid)
{
	pws_policy *p = ops_world();

	REFUSED(p, pws_element_add(p, "dev2", "team-ws", "mon", PWS_EL_MONITOR, 10, "col", RES),
	        PWS_EINVALID, 0);
	pws_policy_free(p);
}
END_TEST

/* TT2: a multi-workspace migration refuses an impossible count before
 * reading the ids. */
START_TEST(tt2_migrate_many_refuses_an_absurd_count_einvalid)
{
	pws_policy *p = ops_world();
	static const char *const ids[] = { "pw" };

	REFUSED(p, pws_workspace_migrate_many(p, "pm", ids, (size_t)-1, RES), PWS_EINVALID, 0);
	pws_policy_free(p);
}
END_TEST

/* --- out of memory in operations --- */

typedef struct op_case {
	const char *name;
	void (*setup)(pws_policy *p);
	int (*run)(pws_policy *p);
} op_case;

/* Every allocation of the call failed in turn, once and from then on:
 * PWS_ENOMEM (or a complete success), nothing changed, no event, and the
 * same call then succeeds into the reference state. */
static void op_sweep(const op_case *c)
{
	pws_policy *p;
	uint64_t ref, d;
	unsigned ref_ev, e;
	size_t calls, c0, n;
	int rc, pass;

	tc_alloc_reset();
	p = ops_world();
	if (c->setup)
		c->setup(p);
	e = ev_count;
	c0 = tc_alloc_stats_get().calls;
	rc = c->run(p);
	ck_assert_msg(rc == PWS_OK, "%s: %d (%s) %s", c->name, rc, pws_strerror(rc),
	              tw_res.message);
	calls = tc_alloc_stats_get().calls - c0;
	ref_ev = ev_count - e;
	ref = tw_digest(p);
	pws_policy_free(p);
	for (pass = 0; pass < 2; pass++)
		for (n = 1; n <= calls; n++) {
			size_t f0;

			tc_alloc_reset();
			p = ops_world();
			if (c->setup)
				c->setup(p);
			d = tw_digest(p);
			e = ev_count;
			f0 = tc_alloc_stats_get().failures;
			tc_alloc_fail_at(n, pass);
			rc = c->run(p);
			tc_alloc_fail_at(0, 0);
			if (rc == PWS_OK) {
				ck_assert_msg(tw_digest(p) == ref && ev_count - e == ref_ev,
				              "%s: allocation %zu failed, OK but incomplete", c->name, n);
			} else {
				ck_assert_msg(rc == PWS_ENOMEM, "%s: allocation %zu failed -> %d (%s)",
				              c->name, n, rc, tw_res.message);
				ck_assert(tc_alloc_stats_get().failures > f0);
				ck_assert_msg(tw_digest(p) == d, "%s: allocation %zu: state changed",
				              c->name, n);
				ck_assert_msg(ev_count == e, "%s: allocation %zu: event delivered",
				              c->name, n);
				OK(c->run(p));
				ck_assert(tw_digest(p) == ref);
				ck_assert_uint_eq(ev_count - e, ref_ev);
			}
			pws_policy_free(p);
			ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
		}
}

/* many users with long ids: the recipient lists of notices outgrow the
 * event arena's chunks, so their growth allocates */
static void crowd(pws_policy *p, const char *team, const char *domain, int n, int role)
{
	char id[300], mail[400];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%s-%03d-%0200d", team, i, 0);
		snprintf(mail, sizeof mail, "%s-%03d@%s", team, i, domain);
		OK(pws_user_add(p, id, mail, team, role, 0, RES));
	}
}

static void su_no_pm_admins(pws_policy *p)
{
	OK(pws_user_set_partner_manager(p, "pm", 0, RES));
	crowd(p, "pub", "pub.com", 80, PWS_TEAM_ADMIN);
	OK(pws_workspace_create(p, "admin", "aw", "Admin WS", PWS_VIS_TEAM, NULL, RES));
}
static int run_cr8_convert(pws_policy *p)
{ return pws_workspace_convert(p, "admin", "aw", NULL, RES); }

static int run_team_remove_globex(pws_policy *p)
{ return pws_team_remove(p, "globex", RES); }
static int run_g1_to_acme(pws_policy *p)
{ return pws_user_set_team(p, "g1", "acme", PWS_TEAM_MEMBER, RES); }

#define OP_SWEEP(su, fn) \
	START_TEST(oom_##su##_##fn) \
	{ static const op_case c = { #su " " #fn, su, fn }; op_sweep(&c); } END_TEST

OP_SWEEP(su_no_pm_admins, run_cr8_convert)
OP_SWEEP(NULL, run_team_remove_globex)
OP_SWEEP(NULL, run_g1_to_acme)

/* n users of team (domain team.com) with long ids (their notices fill
 * event chunks), invited to ws by inviter as kind/role, accepted */
static void crowd_in(pws_policy *p, const char *inviter, const char *ws, int n, const char *team,
                     int kind, int role)
{
	char id[300], mail[400];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%s-%03d-%0200d", team, i, 0);
		snprintf(mail, sizeof mail, "%s-%03d@%s.com", team, i, team);
		OK(pws_user_add(p, id, mail, team, PWS_TEAM_MEMBER, 0, RES));
		OK(pws_invite(p, inviter, ws, mail, kind, role, 0, RES));
		OK(pws_invite_accept(p, id, ws, NULL, RES));
	}
}

/* n acme partner viewers */
static void crowd_partners(pws_policy *p, const char *inviter, const char *ws, int n)
{
	crowd_in(p, inviter, ws, n, "acme", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
}

/* TT2/TT3: two legacy workspaces of two teams, the first with enough
 * partners that their notices fill several event chunks */
static void su_legacy_crowd(pws_policy *p)
{
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	crowd_partners(p, "pm", "lw", 150);
	OK(pws_workspace_add_legacy(p, "initech", "lw2", "Legacy 2", "i1", RES));
	OK(pws_invite(p, "i1", "lw2", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	              RES));
	OK(pws_invite_accept(p, "g2", "lw2", NULL, RES));
}
static int run_migrate_crowd(pws_policy *p)
{ return pws_workspace_migrate(p, "pm", "lw", RES); }
static int run_migrate_many_two_teams(pws_policy *p)
{
	static const char *const ids[] = { "lw", "lw2" };

	return pws_workspace_migrate_many(p, NULL, ids, 2, RES);
}

/* MP1/RO2/EV1: enabling multi-partner mode notifies every member */
static void su_pw_crowd(pws_policy *p)
{
	crowd_partners(p, "pm", "pw", 100);
	/* an open member invite keeps its role (RO2 is about partners) */
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
}
static int run_enable_multi_crowd(pws_policy *p)
{ return pws_workspace_enable_multi_partner(p, "pm", "pw", RES); }

/* IN5: a long bulk text, one notice per invitee */
static int run_bulk_crowd(pws_policy *p)
{
	static char text[300 * 80];
	size_t len = 0;
	int i;

	for (i = 0; i < 300; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "invitee-%03d-%040d@somewhere.example\n", i, 0);
	return pws_invite_bulk(p, NULL, "pm", "pw", text, len, PWS_BULK_TXT,
	                       PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES);
}

OP_SWEEP(su_legacy_crowd, run_migrate_crowd)
OP_SWEEP(su_legacy_crowd, run_migrate_many_two_teams)
OP_SWEEP(su_pw_crowd, run_enable_multi_crowd)
OP_SWEEP(NULL, run_bulk_crowd)

/* RO2: enabling multi-partner mode turns open partner Editor invites into
 * Viewer ones; member invites and Viewer invites are untouched. */
START_TEST(ro2_multi_partner_downgrades_only_partner_editor_invites)
{
	pws_policy *p = ops_world();

	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite(p, "pm", "pw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite(p, "dev2", "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0,
	              RES));
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	expect_invite(p, "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0);
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "pw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	expect_invite(p, "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0);
	pws_policy_free(p);
}
END_TEST

/* TT2: migrating a legacy workspace maps each partner to their home team,
 * role kept; many partners of one team all land in that team's group
 * (the group's list was reserved for one member only: a heap overflow
 * from the fifth partner of a team on). */
START_TEST(tt2_migration_maps_many_partners_of_one_team)
{
	pws_policy *p = ops_world();
	pws_iter *it = NULL;
	size_t rows = 0, acme = 0;
	char id[300];
	int i;

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	crowd_partners(p, "pm", "lw", 40);
	OK(pws_workspace_migrate(p, "pm", "lw", RES));
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof id, "acme-%03d-%0200d", i, 0);
		expect_member(p, "lw", id, PWS_ROLE_VIEWER, 0, 1);
	}
	ck_assert_int_eq(pws_list_members(&it, p, "pm", "lw"), PWS_OK);
	while (pws_iter_next(it) == PWS_OK) {
		rows++;
		if (strcmp(pws_iter_str(it, PWS_COL_ORG), "acme") == 0)
			acme++;
	}
	pws_iter_free(it);
	ck_assert_uint_eq(rows, 41);
	ck_assert_uint_eq(acme, 40);
	/* the partners keep working: one is removed, another made Editor */
	snprintf(id, sizeof id, "acme-%03d-%0200d", 7, 0);
	OK(pws_member_remove(p, "pm", "lw", id, RES));
	expect_not_member(p, "lw", id);
	pws_policy_free(p);
}
END_TEST

/* n pub users as Workspace Admins */
static void crowd_admins(pws_policy *p, const char *inviter, const char *ws, int n)
{
	crowd_in(p, inviter, ws, n, "pub", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN);
}

/* RO2: many partner Editors, all told they are downgraded */
static void su_pw_crowd_editors(pws_policy *p)
{
	OK(pws_team_set_editor_seats(p, "pub", 200, RES));
	crowd_in(p, "pm", "pw", 90, "acme", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR);
}

/* INT1 (rev12): a conversion turns the integration off and tells the
 * workspace's many Admins; CR2/CR3 through a request */
static void su_integration_admins_request(pws_policy *p)
{
	OK(pws_integration_enable(p, "dev2", "team-ws", RES));
	crowd_admins(p, "dev2", "team-ws", 80);
	OK(pws_workspace_convert(p, "dev2", "team-ws", "please", RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
}
static int run_review_approve_conv(pws_policy *p)
{ return pws_request_review(p, "pm", "team-ws", 1, RES); }

static void su_integration_admins(pws_policy *p)
{
	OK(pws_workspace_create(p, "pm", "iw", "Integrated", PWS_VIS_TEAM, NULL, RES));
	OK(pws_integration_enable(p, "pm", "iw", RES));
	crowd_admins(p, "pm", "iw", 80);
}
static int run_convert_direct_integration(pws_policy *p)
{ return pws_workspace_convert(p, "pm", "iw", NULL, RES); }

/* TT3: many team Admins are among the managers told of a request and of
 * a migration */
static void su_many_team_admins(pws_policy *p)
{
	crowd(p, "pub", "pub.com", 80, PWS_TEAM_ADMIN);
}
static int run_create_request(pws_policy *p)
{ return pws_workspace_create(p, "dev", "pw-req", "Req", PWS_VIS_PARTNER, "note", RES); }

static void su_legacy_many_admins(pws_policy *p)
{
	crowd(p, "pub", "pub.com", 80, PWS_TEAM_ADMIN);
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	crowd_partners(p, "pm", "lw", 5);
}
static int run_migrate(pws_policy *p)
{ return pws_workspace_migrate(p, "pm", "lw", RES); }

static void su_legacy_many_ws_admins(pws_policy *p)
{
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	crowd_admins(p, "pm", "lw", 80);
	crowd_partners(p, "pm", "lw", 5);
}

OP_SWEEP(su_pw_crowd_editors, run_enable_multi_crowd)
OP_SWEEP(su_integration_admins_request, run_review_approve_conv)
OP_SWEEP(su_integration_admins, run_convert_direct_integration)
OP_SWEEP(su_many_team_admins, run_create_request)
OP_SWEEP(su_legacy_many_admins, run_migrate)
OP_SWEEP(su_legacy_many_ws_admins, run_migrate)

/* CR3: the requester is told of the review, unless they were removed
 * meanwhile; the review itself goes through. */
START_TEST(cr3_review_of_a_removed_requester_goes_through)
{
	pws_policy *p = ops_world();
	int vis = 0, lc = 0;

	OK(pws_workspace_create(p, "dev", "req", "Req", PWS_VIS_PARTNER, "please", RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	OK(pws_user_remove(p, "dev", RES));
	OK(pws_request_review(p, "pm", "req", 1, RES));
	ck_assert_int_eq(pws_workspace_get(p, &vis, NULL, NULL, &lc, "req"), PWS_OK);
	ck_assert_int_eq(vis, PWS_VIS_PARTNER);
	ck_assert_int_eq(lc, PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

/* WS4: a partner who moved to another team keeps a suspended membership;
 * invited again, they accept and count again, now for their new team. */
static void su_suspended_reinvited(pws_policy *p)
{
	OK(pws_user_set_team(p, "g1", "initech", PWS_TEAM_MEMBER, RES));
	expect_suspended(p, "pw", "g1", PWS_ROLE_VIEWER, 0);
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
}
static int run_accept_g1(pws_policy *p)
{ return pws_invite_accept(p, "g1", "pw", NULL, RES); }

START_TEST(ws4_suspended_partner_invited_again_counts_again)
{
	pws_policy *p = ops_world();
	int role = -1, lead = -1, partner = -1, susp = -1;

	su_suspended_reinvited(p);
	OK(run_accept_g1(p));
	ck_assert_int_eq(pws_member_status(p, &role, &lead, &partner, &susp, "pw", "g1"), PWS_OK);
	ck_assert_int_eq(susp, 0);
	ck_assert_int_eq(partner, 1);
	ck_assert_int_eq(role, PWS_ROLE_VIEWER);
	pws_policy_free(p);
}
END_TEST

OP_SWEEP(su_suspended_reinvited, run_accept_g1)

Suite *pws_cover_ops_suite(void)
{
	Suite *s = suite_create("cover_ops");
	TCase *tc = tcase_create("ops");
	TCase *tm = tcase_create("migrate");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, reads_reentered_under_the_write_lock_are_misuse);
	tcase_add_test(tc, check_ref_refuses_malformed_arguments_einvalid);
	tcase_add_test(tc, check_ref_stale_or_forged_references_enotfound);
	tcase_add_test(tc, check_batch_refuses_missing_arrays_einvalid);
	tcase_add_test(tc, in5_bulk_angle_forms_malformed_are_bad_lines);
	tcase_add_test(tc, in5_bulk_csv_header_long_field_is_no_header_name);
	tcase_add_test(tc, in5_bulk_csv_quotes_at_the_end_of_the_text);
	tcase_add_test(tc, in5_bulk_csv_bad_first_record_is_no_header);
	tcase_add_test(tc, in5_bulk_duplicates_differ_only_in_case);
	tcase_add_test(tc, in5_bulk_out_of_memory_on_a_bad_line_leaves_nothing);
	tcase_add_test(tc, in5_bulk_list_free_without_allocator_frees_nothing);
	tcase_add_test(tc, vi1_vi8_large_partner_group_listed_whole_or_enomem);
	tcase_add_test(tc, list_users_many_rows_whole_or_enomem);
	tcase_add_test(tc, iter_reads_outside_a_row_are_null);
	tcase_add_test(tc, ws2_workspace_no_longer_public_unlisted_for_partners);
	tcase_add_test(tc, lc1_vi8_as_org_views_of_inactive_workspaces_denied);
	tcase_add_test(tc, in7_invite_of_a_removed_inviter_lists_no_inviter);
	tcase_add_test(tc, vi1_suspended_membership_listed_to_publisher_only);
	tcase_add_test(tc, in7_closed_invite_cannot_be_accepted_withdrawn_or_read);
	tcase_add_test(tc, in5_bulk_without_addresses_invites_nobody);
	tcase_add_test(tc, team_domains_removed_and_added_again);
	tcase_add_test(tc, monitor_of_a_collection_in_another_workspace_einvalid);
	tcase_add_test(tc, tt2_migrate_many_refuses_an_absurd_count_einvalid);
	tcase_add_test(tc, oom_su_no_pm_admins_run_cr8_convert);
	tcase_add_test(tc, oom_NULL_run_team_remove_globex);
	tcase_add_test(tc, oom_NULL_run_g1_to_acme);
	tcase_add_test(tc, oom_su_pw_crowd_run_enable_multi_crowd);
	tcase_add_test(tc, oom_NULL_run_bulk_crowd);
	tcase_add_test(tc, ro2_multi_partner_downgrades_only_partner_editor_invites);
	tcase_add_test(tc, cr3_review_of_a_removed_requester_goes_through);
	tcase_add_test(tc, ws4_suspended_partner_invited_again_counts_again);
	tcase_add_test(tc, oom_su_suspended_reinvited_run_accept_g1);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tm, 600);
	tcase_add_test(tm, tt2_migration_maps_many_partners_of_one_team);
	tcase_add_test(tm, oom_su_legacy_crowd_run_migrate_crowd);
	tcase_add_test(tm, oom_su_legacy_crowd_run_migrate_many_two_teams);
	tcase_add_test(tm, oom_su_pw_crowd_editors_run_enable_multi_crowd);
	tcase_add_test(tm, oom_su_integration_admins_request_run_review_approve_conv);
	tcase_add_test(tm, oom_su_integration_admins_run_convert_direct_integration);
	tcase_add_test(tm, oom_su_many_team_admins_run_create_request);
	tcase_add_test(tm, oom_su_legacy_many_admins_run_migrate);
	tcase_add_test(tm, oom_su_legacy_many_ws_admins_run_migrate);
	suite_add_tcase(s, tm);
	return s;
}
