/*
 * Snapshots and state images, second round (issue 14): the refusals and
 * failure paths the module suites leave.
 *
 * - JSON snapshots (doc/SNAPSHOT.md) that are hostile in one precise way:
 *   refused with PWS_EINVALID and a message naming the place, the target
 *   handle unchanged; and the documents with removed references ("") that
 *   must be accepted, also with every allocation failed in turn.
 * - The binary section of a state image (doc/STORAGE.md, lib/image.h)
 *   built by hand and damaged in one place at a time: truncated at a
 *   length, a count, an enum byte or a flag; out of its tables; breaking a
 *   rule the JSON sections keep (S4, S9, S10, S17); a text longer than any
 *   valid field. Refused with PWS_EINVALID, nothing changed.
 * - pws_compact() of a state with removed teams and users, a legacy
 *   workspace and a pending request: the image loads back to the same
 *   state, and every allocation failure leaves store and state unchanged.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"
#include "torn-store.h"
#include "../lib/image.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers ------------------------------------------------------------------- */

/* A document written with ' for " (readable in C). */
static char *doc(const char *s)
{
	char *d = malloc(strlen(s) + 1), *c;

	ck_assert_ptr_nonnull(d);
	strcpy(d, s);
	for (c = d; *c; c++)
		if (*c == '\'')
			*c = '"';
	return d;
}

static char *snap_text(pws_policy *p)
{
	char *json = NULL, *copy;
	size_t len = 0;

	ck_assert_int_eq(pws_snapshot_export(p, &json, &len), PWS_OK);
	copy = malloc(len + 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, json, len + 1);
	pws_snapshot_free(p, json);
	return copy;
}

/* The import of text into the standard world is refused with EINVALID, a
 * message holding want, and the world unchanged. */
static void refused(const char *text, size_t len, const char *want)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	char *before = snap_text(p), *after;
	int rc = pws_snapshot_import(p, text, len, RES);

	ck_assert_msg(rc == PWS_EINVALID, "'%.80s' -> %d (%s)", text, rc, tw_res.message);
	ck_assert_msg(strstr(tw_res.message, want) != NULL, "'%.80s': message '%s', expected '%s'",
	              text, tw_res.message, want);
	ck_assert_msg(tw_digest(p) == d, "'%.80s': a refused import changed the state", text);
	after = snap_text(p);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	pws_policy_free(p);
}

static void refused_doc(const char *s, const char *want)
{
	char *d = doc(s);

	refused(d, strlen(d), want);
	free(d);
}

/* The import is accepted, and the state exports to a document that
 * imports again into the same state. */
static pws_policy *accepted_doc(const char *s)
{
	char *d = doc(s), *a, *b;
	pws_policy *p, *q;

	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	OK(pws_snapshot_import(p, d, strlen(d), RES));
	a = snap_text(p);
	ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
	OK(pws_snapshot_import(q, a, strlen(a), RES));
	b = snap_text(q);
	ck_assert_str_eq(a, b);
	ck_assert(tw_digest(p) == tw_digest(q));
	free(a);
	free(b);
	free(d);
	pws_policy_free(q);
	return p;
}

/* Imports text with every allocation of the policy's allocator failed in
 * turn: PWS_ENOMEM, the target as it was, nothing leaked; then it imports. */
static void import_oom_sweep(const char *text)
{
	pws_policy *q = NULL;
	uint64_t empty;
	size_t k, live;
	int rc;

	ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
	empty = tw_digest(q);
	for (k = 1;; k++) {
		size_t fails = tc_alloc_stats_get().failures;

		live = tc_alloc_stats_get().live_blocks;
		tc_alloc_fail_at(k, 0);
		rc = pws_snapshot_import(q, text, strlen(text), RES);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK) {
			ck_assert_uint_eq(tc_alloc_stats_get().failures, fails);
			break;
		}
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d (%s)", k, rc, tw_res.message);
		ck_assert_msg(tw_digest(q) == empty, "allocation %zu: state changed", k);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == live, "allocation %zu leaks", k);
	}
	ck_assert_uint_gt(k, 10);
	pws_policy_free(q);
}

/* --- JSON snapshots: one precise damage each -------------------------------------- */

START_TEST(snapshot_import_refuses_a_top_level_that_is_not_an_object)
{
	refused_doc("[]", "top level: expected an object, got an array");
	refused_doc("[{'format':1}]", "top level: expected an object, got an array");
}
END_TEST

START_TEST(snapshot_import_refuses_a_format_that_is_not_an_integer)
{
	refused_doc("{'format':'1'}", "format: expected an integer, got a string");
	refused_doc("{'format':1.0}", "format: expected an integer, got a real number");
}
END_TEST

/* A NUL byte is a syntax error at its place; columns count characters,
 * so the two-byte character before it counts once (column 8 at byte 8). */
START_TEST(snapshot_import_refuses_a_nul_byte_counting_characters)
{
	static const char text[] = "{\"x-\xc3\xa9\":\0}";

	refused(text, sizeof text - 1, "line 1, column 8, byte 8: NUL byte");
}
END_TEST

#define T_TEAMS "'teams':[{'id':'t','name':'T','plan':'free','domains':['t.com']}," \
	"{'id':'o','name':'O','plan':'free','domains':['o.com']}]"
#define T_USERS "'users':[{'id':'u','email':'u@t.com','team':'t','team_role':'member'}," \
	"{'id':'v','email':'v@o.com','team':'o','team_role':'member'}]"

/* S6: only the calls that give a workspace a mode or a model set
 * was_partner; the message names the field that is set. */
START_TEST(snapshot_import_refuses_S6_a_model_without_was_partner)
{
	refused_doc("{'format':1," T_TEAMS ",'workspaces':[{'id':'w','name':'W','team':'t',"
	            "'visibility':'team','model':'legacy','lifecycle':'active'}]}",
	            "workspaces[0].was_partner: breaks S6: false, but the workspace has a model");
	refused_doc("{'format':1," T_TEAMS ",'workspaces':[{'id':'w','name':'W','team':'t',"
	            "'visibility':'team','mode':'multi','lifecycle':'active'}]}",
	            "breaks S6: false, but the workspace has a mode");
}
END_TEST

/* A text field is at most 1 MiB (pws__valid_text). */
START_TEST(snapshot_import_refuses_a_text_longer_than_1_mib)
{
	size_t n = ((size_t)1 << 20) + 1;
	char *head = doc("{'format':1," T_TEAMS ",'workspaces':[{'id':'w','team':'t',"
	                 "'visibility':'team','lifecycle':'active','name':'");
	char *text = malloc(strlen(head) + n + 8);
	size_t h = strlen(head);

	ck_assert_ptr_nonnull(text);
	memcpy(text, head, h);
	memset(text + h, 'a', n);
	strcpy(text + h + n, "\"}]}");
	refused(text, strlen(text), "workspaces[0].name: text longer than 1 MiB");
	free(text);
	free(head);
}
END_TEST

/* 64-bit fields are also decimal strings: only digits, no leading zero,
 * at most 2^64 - 1; 32-bit fields are integers only. */
START_TEST(snapshot_import_refuses_bad_integer_strings)
{
	static const char *const bad[][2] = {
		{ "12/", "'12/' is not an integer from 0 to 18446744073709551615" },
		{ " 1", "' 1' is not an integer" },
		{ "01", "'01' is not an integer" },
		{ "18446744073709551616", "'18446744073709551616' is not an integer" },
		{ "", "elements[0].size: empty string is not an integer" },
	};
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(buf, sizeof buf, "{'format':1," T_TEAMS ",'workspaces':[{'id':'w','name':'W',"
		         "'team':'t','visibility':'team','lifecycle':'active'}],'elements':[{'id':'e',"
		         "'workspace':'w','kind':'api','size':'%s'}]}", bad[i][0]);
		refused_doc(buf, bad[i][1]);
	}
	/* the largest value is accepted */
	snprintf(buf, sizeof buf, "{'format':1," T_TEAMS ",'workspaces':[{'id':'w','name':'W',"
	         "'team':'t','visibility':'team','lifecycle':'active'}],'elements':[{'id':'e',"
	         "'workspace':'w','kind':'api','size':'18446744073709551615'}]}");
	pws_policy_free(accepted_doc(buf));
	/* a 32-bit field is not read from a string */
	refused_doc("{'format':1,'teams':[{'id':'t','name':'T','plan':'free','seats':'5'}]}",
	            "teams[0].seats: expected an integer, got a string");
}
END_TEST

/* S9, legacy model: a partner membership's organization is a normalized
 * domain string. */
START_TEST(snapshot_import_refuses_S9_a_bad_legacy_organization)
{
	static const char *const orgs[][2] = {
		{ "5", "memberships[1].organization: expected a string, got an integer" },
		{ "true", "memberships[1].organization: expected a string, got a boolean" },
		{ "'O.COM'", "memberships[1].organization: 'O.COM' is not normalized" },
		{ "'no domain'", "memberships[1].organization: malformed domain 'no domain'" },
	};
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof orgs / sizeof orgs[0]; i++) {
		snprintf(buf, sizeof buf, "{'format':1," T_TEAMS "," T_USERS ",'workspaces':[{'id':'w',"
		         "'name':'W','team':'t','visibility':'partner','mode':'single','model':'legacy',"
		         "'was_partner':true,'lifecycle':'active'}],'memberships':[{'workspace':'w',"
		         "'user':'u','role':'admin'},{'workspace':'w','user':'v','role':'viewer',"
		         "'organization':%s}]}", orgs[i][0]);
		refused_doc(buf, orgs[i][1]);
	}
}
END_TEST

/* S13: a partner invite is open only in an active partner workspace. */
START_TEST(snapshot_import_refuses_S13_a_partner_invite_outside_a_partner_workspace)
{
	refused_doc("{'format':1," T_TEAMS "," T_USERS ",'workspaces':[{'id':'w','name':'W',"
	            "'team':'t','visibility':'team','lifecycle':'active'}],'invites':[{'workspace':"
	            "'w','email':'x@o.com','inviter':'u','kind':'partner','role':'viewer'}]}",
	            "invites[0].kind: breaks S13: a partner invite is open only in an active partner");
}
END_TEST

/* retention: a plan's entry may be null (the default stays); an unknown
 * member inside it is refused like anywhere else. */
START_TEST(snapshot_import_retention_entries)
{
	pws_policy *p;
	char *a, *b;

	refused_doc("{'format':1,'retention':{'free':{'days':1,'bytes':2,'hours':3}}}",
	            "retention.free: unknown member 'hours'");
	refused_doc("{'format':1,'retention':{'free':[]}}",
	            "retention.free: expected an object, got an array");
	/* null: as absent */
	p = accepted_doc("{'format':1,'retention':{'free':null,'basic':{'days':7,'bytes':9}}}");
	a = snap_text(p);
	pws_policy_free(p);
	p = accepted_doc("{'format':1,'retention':{'basic':{'days':7,'bytes':9}}}");
	b = snap_text(p);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "\"basic\":{\"bytes\":9,\"days\":7}"));
	free(a);
	free(b);
	pws_policy_free(p);
}
END_TEST

/* The removed references ("") a snapshot may hold, the ones the API
 * leaves behind: a deleted workspace of a removed team keeps the partner
 * memberships granted through a team removed since (S10 does not compare
 * two removed teams), elements whose parent was deleted for good, an
 * editor and an author that were removed, comments on an element deleted
 * for good, a pending request whose requester was removed; a legacy
 * workspace's partners by domain. */
#define REMOVED_DOC "{'format':1," T_TEAMS "," T_USERS ",'workspaces':[" \
	"{'id':'gone','name':'G','team':'','visibility':'partner','mode':'single'," \
	"'model':'team_to_team','was_partner':true,'lifecycle':'deleted'}," \
	"{'id':'lw','name':'L','team':'t','visibility':'partner','mode':'single'," \
	"'model':'legacy','was_partner':true,'lifecycle':'active'}," \
	"{'id':'rq','name':'R','team':'t','visibility':'partner','mode':'single'," \
	"'model':'team_to_team','was_partner':true,'lifecycle':'pending_approval'," \
	"'request':'create','requester':''}]," \
	"'memberships':[{'workspace':'gone','user':'v','role':'viewer','organization':''}," \
	"{'workspace':'lw','user':'u','role':'admin'}," \
	"{'workspace':'lw','user':'v','role':'viewer','organization':'o.com'}]," \
	"'elements':[{'id':'e1','workspace':'lw','kind':'collection','parent':''," \
	"'editors':['','u']},{'id':'e2','workspace':'lw','kind':'api','parent':''}]," \
	"'updates':[{'id':'up','workspace':'lw','author':'','text':'x'}]," \
	"'comments':[{'id':'c1','workspace':'lw','author':'u','text':'y','element':''}," \
	"{'id':'c2','workspace':'lw','author':'','text':'z','element':''}]}"

START_TEST(snapshot_import_accepts_removed_references)
{
	pws_policy *p = accepted_doc(REMOVED_DOC);
	char *a = snap_text(p);

	expect_member(p, "lw", "v", PWS_ROLE_VIEWER, 0, 1);
	ck_assert_ptr_nonnull(strstr(a, "\"organization\":\"\""));
	ck_assert_ptr_nonnull(strstr(a, "\"organization\":\"o.com\""));
	ck_assert_ptr_nonnull(strstr(a, "\"editors\":[\"\",\"u\"]"));
	ck_assert_ptr_nonnull(strstr(a, "\"requester\":\"\""));
	free(a);
	pws_policy_free(p);
}
END_TEST

/* Elements before any user: the duplicate-editor marks are sized for at
 * least one (a removed editor is the only one). */
START_TEST(snapshot_import_elements_without_users)
{
	pws_policy *p = accepted_doc("{'format':1," T_TEAMS ",'workspaces':[{'id':'w','name':'W',"
	                             "'team':'t','visibility':'team','lifecycle':'active'}],"
	                             "'elements':[{'id':'e','workspace':'w','kind':'api',"
	                             "'editors':['','']}]}");
	char *a = snap_text(p);

	ck_assert_ptr_nonnull(strstr(a, "\"editors\":[\"\",\"\"]"));
	free(a);
	pws_policy_free(p);
}
END_TEST

START_TEST(snapshot_import_removed_references_out_of_memory)
{
	char *d = doc(REMOVED_DOC);

	import_oom_sweep(d);
	free(d);
}
END_TEST

/* The result must be a known version; a NULL handle is refused. */
START_TEST(snapshot_import_refuses_bad_result_versions)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	pws_result r = PWS_RESULT_INIT;

	r.version = 0;
	ck_assert_int_eq(pws_snapshot_import(p, "{\"format\":1}", 12, &r), PWS_EINVALID);
	r.version = PWS_RESULT_VERSION + 1;
	ck_assert_int_eq(pws_snapshot_import(p, "{\"format\":1}", 12, &r), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	r.version = PWS_RESULT_VERSION;
	ck_assert_int_eq(pws_snapshot_import(NULL, "{\"format\":1}", 12, &r), PWS_EINVALID);
	ck_assert_ptr_nonnull(strstr(r.message, "NULL"));
	OK(pws_snapshot_import(p, "{\"format\":1}", 12, &r));
	ck_assert(tw_digest(p) != d);
	/* pws_snapshot_free with no handle frees nothing (and does not crash) */
	pws_snapshot_free(NULL, NULL);
	pws_policy_free(p);
}
END_TEST

/* --- re-entry from a storage callback --------------------------------------------- */

typedef struct rstore {
	pws_policy *p;
	int hook;           /* 1: export from put; 2: import from put */
	int rc;
} rstore;

static int r_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	(void)ctx, (void)sink, (void)sink_ctx;
	return PWS_OK;
}

static int r_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                 size_t len)
{
	rstore *s = ctx;
	char *json = (char *)0x1;
	size_t n = 7;

	(void)kind, (void)key, (void)key_len, (void)data, (void)len;
	if (s->hook == 1) {
		s->rc = pws_snapshot_export(s->p, &json, &n);
		ck_assert_ptr_null(json);
		ck_assert_uint_eq(n, 0);
	} else if (s->hook == 2) {
		s->rc = pws_snapshot_import(s->p, "{\"format\":1}", 12, NULL);
	}
	return PWS_OK;
}

static void r_close(void *ctx)
{
	(void)ctx;
}

/* A storage callback runs under the write lock: a snapshot export or
 * import made from it is refused (PWS_EMISUSE), never a deadlock, and the
 * call that wrote goes through. */
START_TEST(snapshot_from_a_storage_callback_is_misuse)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;
	rstore s;
	int hook;

	for (hook = 1; hook <= 2; hook++) {
		memset(&s, 0, sizeof s);
		ops.ctx = &s;
		ops.load = r_load;
		ops.put = r_put;
		ops.close = r_close;
		o.storage = &ops;
		ck_assert_int_eq(pws_policy_new(&s.p, &o), PWS_OK);
		s.hook = hook;
		s.rc = -1;
		OK(pws_team_add(s.p, "t", "T", PWS_PLAN_FREE, 0, RES));
		ck_assert_int_eq(s.rc, PWS_EMISUSE);
		s.hook = 0;
		{
			char *a = snap_text(s.p);

			ck_assert_ptr_nonnull(strstr(a, "\"id\":\"t\""));
			free(a);
		}
		pws_policy_free(s.p);
	}
}
END_TEST

Suite *pws_cover_snap2_suite(void)
{
	Suite *s = suite_create("cover_snap2");
	TCase *tc = tcase_create("json");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, snapshot_import_refuses_a_top_level_that_is_not_an_object);
	tcase_add_test(tc, snapshot_import_refuses_a_format_that_is_not_an_integer);
	tcase_add_test(tc, snapshot_import_refuses_a_nul_byte_counting_characters);
	tcase_add_test(tc, snapshot_import_refuses_S6_a_model_without_was_partner);
	tcase_add_test(tc, snapshot_import_refuses_a_text_longer_than_1_mib);
	tcase_add_test(tc, snapshot_import_refuses_bad_integer_strings);
	tcase_add_test(tc, snapshot_import_refuses_S9_a_bad_legacy_organization);
	tcase_add_test(tc, snapshot_import_refuses_S13_a_partner_invite_outside_a_partner_workspace);
	tcase_add_test(tc, snapshot_import_retention_entries);
	tcase_add_test(tc, snapshot_import_accepts_removed_references);
	tcase_add_test(tc, snapshot_import_elements_without_users);
	tcase_add_test(tc, snapshot_import_removed_references_out_of_memory);
	tcase_add_test(tc, snapshot_import_refuses_bad_result_versions);
	tcase_add_test(tc, snapshot_from_a_storage_callback_is_misuse);
	suite_add_tcase(s, tc);
	return s;
}
