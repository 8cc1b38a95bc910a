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
#include "image-bytes.h"
#include "../lib/core.h"
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

/* The import of text into the standard world is refused with EINVALID, a
 * message holding want, and the world unchanged. */
static void refused(const char *text, size_t len, const char *want)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	char *before = tw_snapshot_text(p), *after;
	int rc = pws_snapshot_import(p, text, len, RES);

	ck_assert_msg(rc == PWS_EINVALID, "'%.80s' -> %d (%s)", text, rc, tw_res.message);
	ck_assert_msg(strstr(tw_res.message, want) != NULL, "'%.80s': message '%s', expected '%s'",
	              text, tw_res.message, want);
	ck_assert_msg(tw_digest(p) == d, "'%.80s': a refused import changed the state", text);
	after = tw_snapshot_text(p);
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
	a = tw_snapshot_text(p);
	ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
	OK(pws_snapshot_import(q, a, strlen(a), RES));
	b = tw_snapshot_text(q);
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
	refused_doc("{'format':1," T_TEAMS "," T_USERS ",'workspaces':[{'id':'w','name':'W',"
	            "'team':'t','visibility':'partner','mode':'single','model':'team_to_team',"
	            "'was_partner':true,'lifecycle':'deleted'}],'invites':[{'workspace':"
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
	a = tw_snapshot_text(p);
	pws_policy_free(p);
	p = accepted_doc("{'format':1,'retention':{'basic':{'days':7,'bytes':9}}}");
	b = tw_snapshot_text(p);
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
	char *a = tw_snapshot_text(p);

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
	char *a = tw_snapshot_text(p);

	ck_assert_ptr_nonnull(strstr(a, "\"editors\":[\"\",\"\"]"));
	free(a);
	pws_policy_free(p);
	/* an editor's id is well formed, or "" */
	refused_doc("{'format':1," T_TEAMS ",'workspaces':[{'id':'w','name':'W','team':'t',"
	            "'visibility':'team','lifecycle':'active'}],'elements':[{'id':'e',"
	            "'workspace':'w','kind':'api','editors':['a\\tb']}]}",
	            "elements[0].editors[0]: malformed id 'a\tb'");
}
END_TEST

/* REMOVED_DOC's kind of document with nt teams and nu users before the
 * first removed reference, so that the "removed" slot is the one that
 * grows a table (tables grow by steps: 8 16 ... slots, 4 6 9 ... ids). */
static char *removed_doc_sized(int nt, int nu)
{
	size_t cap = 16384, n = 0;
	char *d = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(d);
	n += (size_t)snprintf(d + n, cap - n, "{\"format\":1,\"teams\":[");
	for (i = 0; i < nt; i++)
		n += (size_t)snprintf(d + n, cap - n, "%s{\"id\":\"t%d\",\"name\":\"T\","
		                      "\"plan\":\"free\",\"domains\":[\"t%d.com\"]}", i ? "," : "", i, i);
	n += (size_t)snprintf(d + n, cap - n, "],\"users\":[");
	for (i = 0; i < nu; i++)
		n += (size_t)snprintf(d + n, cap - n, "%s{\"id\":\"u%d\",\"email\":\"u%d@t%d.com\","
		                      "\"team\":\"t%d\",\"team_role\":\"member\"}", i ? "," : "", i, i,
		                      i % 2, i % 2);
	/* a legacy workspace of t0 whose partner u1 (of t1) came through a
	 * domain no team holds; a deleted workspace of a removed team; an
	 * element whose parent was deleted for good, edited and commented by
	 * a removed user */
	n += (size_t)snprintf(d + n, cap - n, "],\"workspaces\":["
	                      "{\"id\":\"lw\",\"name\":\"L\",\"team\":\"t0\",\"visibility\":\"partner\","
	                      "\"mode\":\"single\",\"model\":\"legacy\",\"was_partner\":true,"
	                      "\"lifecycle\":\"active\"},"
	                      "{\"id\":\"gone\",\"name\":\"G\",\"team\":\"\",\"visibility\":\"team\","
	                      "\"lifecycle\":\"deleted\",\"request\":\"convert\",\"requester\":\"\"}],"
	                      "\"memberships\":[{\"workspace\":\"lw\",\"user\":\"u1\",\"role\":\"viewer\","
	                      "\"organization\":\"zz.com\"}],"
	                      "\"elements\":[{\"id\":\"e\",\"workspace\":\"lw\",\"kind\":\"api\","
	                      "\"parent\":\"\",\"editors\":[\"\"]}],"
	                      "\"comments\":[{\"id\":\"c\",\"workspace\":\"lw\",\"author\":\"\","
	                      "\"text\":\"x\",\"element\":\"\"}]}");
	ck_assert_uint_lt(n, cap);
	return d;
}

START_TEST(snapshot_import_removed_references_out_of_memory)
{
	static const int sizes[][2] = { { 2, 2 }, { 8, 8 }, { 8, 6 } };
	char *d = doc(REMOVED_DOC);
	size_t i;

	import_oom_sweep(d);
	free(d);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		pws_policy *p;

		d = removed_doc_sized(sizes[i][0], sizes[i][1]);
		p = accepted_doc(d);
		expect_member(p, "lw", "u1", PWS_ROLE_VIEWER, 0, 1);
		pws_policy_free(p);
		import_oom_sweep(d);
		free(d);
	}
}
END_TEST

/* The result must be a known version; a NULL handle is refused. */
/* The model's string arena (lib/model.c) takes a new block only when its
 * current one is full, so which string of an import meets a failed
 * allocation depends on how full the block is. The sweep is run with a
 * first user's id of every length, so that a block fills at each string
 * in turn: users' and invites' addresses at domains of their own (a
 * domain interned), ids. Each failure: PWS_ENOMEM, nothing changed. */
START_TEST(snapshot_import_oom_at_every_arena_fill)
{
	char pad[256], id[32], email[48];
	size_t len;
	int i;

	for (len = 1; len <= 255; len += 2) {
		pws_policy *p;
		char *text = NULL;

		memset(pad, 'p', len);
		pad[len] = 0;
		ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
		OK(pws_team_add(p, "pub", "Pub", PWS_PLAN_ENTERPRISE, 0, RES));
		OK(pws_team_add_domain(p, "pub", "pub.io", RES));
		OK(pws_user_add(p, pad, "pad@pub.io", "pub", PWS_TEAM_MEMBER, 0, RES));
		OK(pws_user_add(p, "pm", "pm@pub.io", "pub", PWS_TEAM_ADMIN, 1, RES));
		OK(pws_workspace_create(p, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, RES));
		for (i = 0; i < 6; i++) {
			snprintf(id, sizeof id, "u%d", i);
			snprintf(email, sizeof email, "u%d@d%d.org", i, i);
			OK(pws_user_add(p, id, email, NULL, 0, 0, RES));
			snprintf(email, sizeof email, "x%d@e%d.org", i, i);
			OK(pws_invite(p, "pm", "pw", email, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
		}
		OK(pws_snapshot_export(p, &text, NULL));
		import_oom_sweep(text);
		pws_snapshot_free(p, text);
		pws_policy_free(p);
	}
}
END_TEST

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
	/* no text at all (NULL, 0) is an empty document: refused */
	ck_assert_int_eq(pws_snapshot_import(p, NULL, 0, &r), PWS_EINVALID);
	ck_assert_int_eq(pws_snapshot_import(p, NULL, 5, &r), PWS_EINVALID);
	ck_assert_ptr_nonnull(strstr(r.message, "json is NULL"));
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
			char *a = tw_snapshot_text(s.p);

			ck_assert_ptr_nonnull(strstr(a, "\"id\":\"t\""));
			free(a);
		}
		pws_policy_free(s.p);
	}
}
END_TEST

/* --- state images: the binary section, hand-built ---------------------------------- */

typedef struct bws {
	const char *id, *name, *team, *requester;
	int vis, mode, model, lc, was, req, integ, pad;
	uint32_t n_upd;
} bws;

static void b_ws(bbuf *w, const bws *f)
{
	b_str(w, f->id);
	b_str(w, f->name);
	b_str(w, NULL);
	b_str(w, NULL);
	b_str(w, NULL);
	b_str(w, f->team);
	b_str(w, f->requester);
	b_u8(w, (unsigned)f->vis);
	b_u8(w, (unsigned)f->mode);
	b_u8(w, (unsigned)f->model);
	b_u8(w, (unsigned)f->lc);
	b_u8(w, (unsigned)f->was);
	b_u8(w, (unsigned)f->req);
	b_u8(w, (unsigned)f->integ);
	b_u8(w, (unsigned)f->pad);
	b_u32(w, f->n_upd);
}

/* The JSON part of the images below: two teams, nothing else. */
#define IMG_JSON "{\"format\":1,\"teams\":[{\"id\":\"t\",\"name\":\"T\",\"plan\":\"free\"," \
	"\"domains\":[\"t.com\"]},{\"id\":\"o\",\"name\":\"O\",\"plan\":\"free\",\"domains\":[\"o.com\"]}]}"

static const bws WS_PARTNER = { "w", "W", "t", NULL, PWS_VIS_PARTNER, PWS_MODE_SINGLE,
                                PWS_MODEL_TEAM_TO_TEAM, PWS_LC_ACTIVE, 1, 0, 0, 0, 3 };

/* Users u (team t) and v (team o); workspace f; the organizations and
 * rows are the caller's. */
static void b_base(bbuf *w, const bws *f)
{
	b_head(w);
	b_u32(w, 2);
	b_user(w, "u", "u@t.com", "t", PWS_TEAM_MEMBER, 0);
	b_user(w, "v", "v@o.com", "o", PWS_TEAM_MEMBER, 0);
	b_u32(w, 1);
	b_ws(w, f);
}

/* The standard base with organizations ["o"] and two good rows. */
static void b_good(bbuf *w)
{
	b_base(w, &WS_PARTNER);
	b_u32(w, 1);
	b_str(w, "o");
	b_u32(w, 2);
	b_row(w, 0, 0, UINT32_MAX, 2, PWS_ROLE_ADMIN, 0);
	b_row(w, 0, 1, 0, 1, PWS_ROLE_VIEWER, 1);
}

/* Loads the image (json, w's first len bytes) into the standard world:
 * refused with EINVALID, a message holding want, nothing changed. */
static void img_refused_n(const char *json, const bbuf *w, size_t len, const char *want)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	int rc = pws__image_load(p, json, strlen(json), w->b, len, RES);

	ck_assert_msg(rc == PWS_EINVALID, "image (%s) -> %d (%s)", want, rc, tw_res.message);
	ck_assert_msg(strstr(tw_res.message, want) != NULL, "message '%s', expected '%s'",
	              tw_res.message, want);
	ck_assert_msg(tw_digest(p) == d, "a refused image changed the state (%s)", want);
	pws_policy_free(p);
}

static void img_refused(bbuf *w, const char *want)
{
	img_refused_n(IMG_JSON, w, w->n, want);
	free(w->b);
	memset(w, 0, sizeof *w);
}

/* An image whose one workspace f has one organization org and one row
 * (user 1 of organization 0, role): refused with want. */
static void one_row_refused(bbuf *w, const bws *f, const char *org, int role, const char *want)
{
	b_base(w, f);
	b_u32(w, 1);
	b_str(w, org);
	b_u32(w, 1);
	b_row(w, 0, 1, 0, 0, role, 0);
	img_refused(w, want);
}

START_TEST(image_loads_a_hand_built_section)
{
	pws_policy *p = tw_world();
	bbuf w;

	b_good(&w);
	OK(pws__image_load(p, IMG_JSON, strlen(IMG_JSON), w.b, w.n, RES));
	expect_member(p, "w", "u", PWS_ROLE_ADMIN, 0, 0);
	expect_member(p, "w", "v", PWS_ROLE_VIEWER, 1, 1);
	expect_not_member(p, "pw", "dev"); /* the world before is gone */
	free(w.b);
	pws_policy_free(p);
}
END_TEST

/* The section's frame: magic, version and counts. */
START_TEST(image_refuses_truncated_counts)
{
	bbuf w;

	b_head(&w);
	img_refused_n(IMG_JSON, &w, 7, "image: not a state image section");
	img_refused(&w, "image.users: truncated"); /* magic and version only */
	b_head(&w);
	b_u32(&w, 1000);
	b_user(&w, "u", "u@t.com", "t", PWS_TEAM_MEMBER, 0);
	img_refused(&w, "image.users: truncated"); /* more users than bytes */
	b_head(&w);
	b_u32(&w, 0);
	b_u32(&w, 1000);
	b_ws(&w, &WS_PARTNER);
	img_refused(&w, "image.workspaces: truncated");
	b_head(&w);
	b_u32(&w, 0);
	b_raw(&w, "\1", 1);
	img_refused(&w, "image.workspaces: truncated"); /* its count cut */
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 1000);
	b_str(&w, "o");
	img_refused(&w, "image.organizations: truncated");
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 1);
	b_u32(&w, 100);
	b_raw(&w, "o", 1);
	img_refused(&w, "image.organizations[0]: truncated");
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 0);
	img_refused(&w, "image.rows: truncated");
	b_base(&w, &WS_PARTNER);
	b_raw(&w, "\1\0", 2);
	img_refused(&w, "image.organizations: truncated"); /* its count cut */
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 2);
	b_str(&w, "ab");
	b_raw(&w, "\1\0", 2);
	img_refused(&w, "image.organizations[1]: truncated"); /* a length cut */
}
END_TEST

/* A record cut in a string's length, before an enum byte or a flag. */
START_TEST(image_refuses_truncated_user_records)
{
	bbuf w;
	size_t full;

	b_head(&w);
	b_u32(&w, 2);
	b_user(&w, "u", "u1234567@t.com", "t", PWS_TEAM_MEMBER, 0);
	full = w.n;
	b_user(&w, "v", "v@o.com", "o", PWS_TEAM_MEMBER, 0);
	/* users[1]: its id's length cut after 2 bytes (still 14 bytes a user) */
	img_refused_n(IMG_JSON, &w, full + 2, "image.users[1].id: truncated or malformed");
	/* before its team role, before its Partner Manager flag */
	img_refused_n(IMG_JSON, &w, w.n - 2, "image.users[1].team_role: truncated");
	img_refused_n(IMG_JSON, &w, w.n - 1, "image.users[1].partner_manager: truncated or not 0/1");
	free(w.b);
	/* users[1]'s team, the id of users[0]'s, cut after its length (the
	 * loader reads a run's team by its bytes: not past the end) */
	b_head(&w);
	b_u32(&w, 2);
	b_user(&w, "u", "u1234567@t.com", "t", PWS_TEAM_MEMBER, 0);
	b_user(&w, "u2", "u2@t.com", "t", PWS_TEAM_MEMBER, 0);
	img_refused_n(IMG_JSON, &w, w.n - 3, "image.users[1].team: truncated or malformed");
	free(w.b);
	/* an id whose length is the "absent" value, where it is required */
	b_head(&w);
	b_u32(&w, 1);
	b_u32(&w, UINT32_MAX);
	b_raw(&w, "0123456789abcdef", 16);
	img_refused(&w, "image.users[0].id: truncated or malformed");
	/* an id longer than the bytes left */
	b_head(&w);
	b_u32(&w, 1);
	b_u32(&w, 40);
	b_raw(&w, "0123456789abcdef", 16);
	img_refused(&w, "image.users[0].id: truncated or malformed");
	/* a malformed id */
	b_head(&w);
	b_u32(&w, 1);
	b_user(&w, "u\tu", "u@t.com", "t", PWS_TEAM_MEMBER, 0);
	img_refused(&w, "image.users[0].id: malformed id 'u\tu'");
}
END_TEST

/* S4: a user with a team has a team role (the JSON section requires the
 * member; the binary one holds 0 for none). */
START_TEST(image_refuses_S4_a_team_user_without_a_role)
{
	bbuf w;

	b_head(&w);
	b_u32(&w, 1);
	b_user(&w, "u", "u@t.com", "t", 0, 0);
	img_refused(&w, "image.users[0].team_role: breaks S4: missing");
}
END_TEST

START_TEST(image_refuses_bad_workspace_records)
{
	bbuf w;
	bws f;

	f = WS_PARTNER;
	f.vis = 0;
	b_base(&w, &f);
	img_refused(&w, "image.workspaces[0].visibility: bad value 0");
	f = WS_PARTNER;
	f.pad = 1;
	b_base(&w, &f);
	img_refused(&w, "image.workspaces[0]: bad padding");
	/* cut before the padding byte, inside n_updates (still 36 bytes a
	 * workspace) */
	b_base(&w, &WS_PARTNER);
	w.n -= 5;
	img_refused(&w, "image.workspaces[0]: bad padding");
	b_base(&w, &WS_PARTNER);
	w.n -= 2;
	img_refused(&w, "image.workspaces[0].n_updates: truncated");
}
END_TEST

/* A text of more than 1 MiB is refused as in JSON; a string longer than
 * the strings of any valid record (past the record's scratch space) is
 * refused before it is copied. */
START_TEST(image_refuses_texts_too_long)
{
	size_t sizes[2] = { ((size_t)1 << 20) + 1, (size_t)5 << 20 };
	const char *want[2] = { "image.workspaces[0].name: text longer than 1 MiB",
	                        "image.workspaces[0].name: truncated or malformed" };
	int i;

	for (i = 0; i < 2; i++) {
		char *name = malloc(sizes[i] + 1);
		bws f = WS_PARTNER;
		bbuf w;

		ck_assert_ptr_nonnull(name);
		memset(name, 'n', sizes[i]);
		name[sizes[i]] = '\0';
		f.name = name;
		b_base(&w, &f);
		b_u32(&w, 0);
		b_u32(&w, 0);
		img_refused(&w, want[i]);
		free(name);
	}
}
END_TEST

/* Rows: positions in their tables; S9 (a team row's user is on the
 * owning team, a partner row is in a partner workspace), S10 (never
 * through the owning team), S17 (a partner is never Admin). */
START_TEST(image_refuses_bad_rows)
{
	bws f;
	bbuf w;

	b_base(&w, &WS_PARTNER);
	b_u32(&w, 1);
	b_str(&w, "o");
	b_u32(&w, 1);
	b_row(&w, 0, 2, 0, 0, PWS_ROLE_VIEWER, 0);
	img_refused(&w, "image.rows[0]: a position is out of its table");
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 1);
	b_str(&w, "o");
	b_u32(&w, 1);
	b_row(&w, 1, 1, 0, 0, PWS_ROLE_VIEWER, 0);
	img_refused(&w, "image.rows[0]: a position is out of its table"); /* workspace */
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 1);
	b_str(&w, "o");
	b_u32(&w, 1);
	b_row(&w, 0, 1, 1, 0, PWS_ROLE_VIEWER, 0);
	img_refused(&w, "image.rows[0]: a position is out of its table"); /* organization */
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 0);
	b_u32(&w, 1);
	b_row(&w, 0, 0, UINT32_MAX, 0, 0, 0);
	img_refused(&w, "image.rows[0]: bad role, lead or padding"); /* role 0 */
	b_base(&w, &WS_PARTNER);
	b_u32(&w, 0);
	b_u32(&w, 1);
	b_row(&w, 0, 1, UINT32_MAX, 0, PWS_ROLE_VIEWER, 0);
	img_refused(&w, "image.rows[0].organization: breaks S9: missing");
	f = WS_PARTNER;
	f.vis = PWS_VIS_TEAM;
	f.mode = f.model = 0;
	f.was = 0;
	one_row_refused(&w, &f, "o", PWS_ROLE_VIEWER,
	                "image.rows[0].organization: breaks S9: a partner membership in a workspace");
	one_row_refused(&w, &WS_PARTNER, "t", PWS_ROLE_VIEWER,
	                "image.rows[0].organization: breaks S10");
	one_row_refused(&w, &WS_PARTNER, "o", PWS_ROLE_ADMIN, "image.rows[0].role: breaks S17");
	f = WS_PARTNER;
	f.model = PWS_MODEL_LEGACY;
	one_row_refused(&w, &f, "not a domain", PWS_ROLE_VIEWER,
	                "image.rows[0].organization: malformed domain 'not a domain'");
	one_row_refused(&w, &WS_PARTNER, "nope", PWS_ROLE_VIEWER,
	                "image.rows[0].organization: unknown team 'nope'");
}
END_TEST

/* An image keeps users, workspaces and memberships in its binary
 * section: the JSON ones must be empty. */
START_TEST(image_refuses_members_in_its_json)
{
	static const char *const json[] = {
		"{\"format\":1,\"users\":[{}]}",
		"{\"format\":1,\"workspaces\":[{}]}",
		"{\"format\":1,\"memberships\":[{}]}",
	};
	bbuf w;
	size_t i;

	b_good(&w);
	for (i = 0; i < 3; i++)
		img_refused_n(json[i], &w, w.n, "an image keeps them in its binary section");
	free(w.b);
}
END_TEST

/* Only the replay imports an image record (it writes nothing). */
START_TEST(image_import_outside_the_replay_is_misuse)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	bbuf w;

	b_good(&w);
	ck_assert_int_eq(pws__image_import(p, IMG_JSON, strlen(IMG_JSON), w.b, w.n, RES),
	                 PWS_EMISUSE);
	ck_assert(tw_digest(p) == d);
	free(w.b);
	pws_policy_free(p);
}
END_TEST

/* A section with removed references and a legacy workspace: a deleted
 * workspace of a removed team with a partner of a removed team, a
 * request whose requester was removed, partners by domain (cached per
 * organization). */
static void b_removed(bbuf *w)
{
	bws gone = { "gone", "G", "", NULL, PWS_VIS_PARTNER, PWS_MODE_SINGLE,
	             PWS_MODEL_TEAM_TO_TEAM, PWS_LC_DELETED, 1, 0, 0, 0, 0 };
	bws lw = { "lw", "L", "t", NULL, PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_LEGACY,
	           PWS_LC_ACTIVE, 1, 0, 0, 0, 0 };
	bws cv = { "cv", "C", "t", "", PWS_VIS_TEAM, 0, 0, PWS_LC_ACTIVE, 0, 2, 0, 0, 0 };

	b_head(w);
	b_u32(w, 3);
	b_user(w, "u", "u@t.com", "t", PWS_TEAM_MEMBER, 0);
	b_user(w, "v", "v@o.com", "o", PWS_TEAM_MEMBER, 0);
	b_user(w, "x", "x@o.com", "o", PWS_TEAM_MEMBER, 0);
	b_u32(w, 3);
	b_ws(w, &gone);
	b_ws(w, &lw);
	b_ws(w, &cv);
	b_u32(w, 2);
	b_str(w, "");
	b_str(w, "o.com");
	b_u32(w, 5);
	b_row(w, 0, 1, 0, 0, PWS_ROLE_VIEWER, 0);
	b_row(w, 0, 2, 0, 0, PWS_ROLE_VIEWER, 0);
	b_row(w, 1, 0, UINT32_MAX, 0, PWS_ROLE_ADMIN, 0);
	b_row(w, 1, 1, 1, 0, PWS_ROLE_VIEWER, 1);
	b_row(w, 1, 2, 1, 0, PWS_ROLE_EDITOR, 0);
}

START_TEST(image_loads_removed_references_and_legacy_partners)
{
	pws_policy *p;
	bbuf w;
	char *a;

	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	b_removed(&w);
	OK(pws__image_load(p, IMG_JSON, strlen(IMG_JSON), w.b, w.n, RES));
	expect_member(p, "lw", "v", PWS_ROLE_VIEWER, 1, 1);
	expect_member(p, "lw", "x", PWS_ROLE_EDITOR, 0, 1);
	a = tw_snapshot_text(p);
	ck_assert_ptr_nonnull(strstr(a, "\"organization\":\"o.com\""));
	ck_assert_ptr_nonnull(strstr(a, "\"organization\":\"\""));
	ck_assert_ptr_nonnull(strstr(a, "\"requester\":\"\""));
	ck_assert_ptr_nonnull(strstr(a, "\"team\":\"\""));
	free(a);
	free(w.b);
	pws_policy_free(p);
}
END_TEST

/* The JSON part with 8 teams (the removed team's slot grows the table). */
#define IMG_JSON8 "{\"format\":1,\"teams\":[{\"id\":\"t\",\"name\":\"T\",\"plan\":\"free\"}," \
	"{\"id\":\"o\",\"name\":\"O\",\"plan\":\"free\"},{\"id\":\"a\",\"name\":\"A\",\"plan\":\"free\"}," \
	"{\"id\":\"b\",\"name\":\"B\",\"plan\":\"free\"},{\"id\":\"c\",\"name\":\"C\",\"plan\":\"free\"}," \
	"{\"id\":\"d\",\"name\":\"D\",\"plan\":\"free\"},{\"id\":\"e\",\"name\":\"E\",\"plan\":\"free\"}," \
	"{\"id\":\"f\",\"name\":\"F\",\"plan\":\"free\"}]}"

/* Many users and workspaces (tables reserved once for all; pad bytes
 * added to the workspaces' ids, 250 at most an id, in their order), a legacy
 * workspace whose partners came through a domain no team holds, a run of
 * 8 team members of one workspace (its group sized once), partners of
 * team o listed under two organization entries (the group grows row by
 * row) and a partner of a removed team. */
static void b_many_padded(bbuf *w, size_t pad)
{
	bws tw = { "tw", "TW", "t", NULL, PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	           PWS_LC_ACTIVE, 1, 0, 0, 0, 0 };
	bws lw = { "lw", "L", "t", NULL, PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_LEGACY,
	           PWS_LC_ACTIVE, 1, 0, 0, 0, 0 };
	char id[16], email[32];
	int i;

	b_head(w);
	b_u32(w, 40);
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof id, "u%d", i);
		snprintf(email, sizeof email, "u%d@%s.com", i, i < 20 ? "t" : "o");
		b_user(w, id, email, i < 20 ? "t" : "o", PWS_TEAM_MEMBER, 0);
	}
	b_u32(w, 40);
	b_ws(w, &tw);
	b_ws(w, &lw);
	for (i = 2; i < 40; i++) {
		bws f = { NULL, "X", "t", NULL, PWS_VIS_TEAM, 0, 0, PWS_LC_ACTIVE, 0, 0, 0, 0, 0 };
		char padded[256];
		size_t n = pad < 250 ? pad : 250; /* an id has at most 255 bytes */

		pad -= n;
		snprintf(id, sizeof id, "w%d", i);
		memset(padded, 'p', sizeof padded);
		memcpy(padded, id, strlen(id));
		padded[strlen(id) + n] = '\0';
		f.id = padded;
		b_ws(w, &f);
	}
	ck_assert_uint_eq(pad, 0);
	b_u32(w, 4);
	b_str(w, "o");
	b_str(w, "o");
	b_str(w, "zz.com");
	b_str(w, "");
	b_u32(w, 8 + 6 + 3 + 1);
	for (i = 0; i < 8; i++)
		b_row(w, 0, (uint32_t)i, UINT32_MAX, 0, PWS_ROLE_EDITOR, 0);
	b_row(w, 0, 20, 0, 0, PWS_ROLE_VIEWER, 0);
	for (i = 21; i < 26; i++)
		b_row(w, 0, (uint32_t)i, 1, 0, PWS_ROLE_VIEWER, 0);
	for (i = 26; i < 29; i++)
		b_row(w, 1, (uint32_t)i, 2, 0, PWS_ROLE_VIEWER, 0);
	b_row(w, 0, 29, 3, 0, PWS_ROLE_VIEWER, 0);
}

static void b_many(bbuf *w)
{
	b_many_padded(w, 0);
}

/* Loads json + w's section into a fresh policy with every allocation
 * failed in turn: PWS_ENOMEM, nothing changed, nothing leaked; then it
 * loads. The policy is returned. */
static pws_policy *image_oom_sweep(const char *json, const bbuf *w)
{
	pws_policy *p;
	uint64_t empty;
	size_t k;

	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	empty = tw_digest(p);
	for (k = 1;; k++) {
		size_t live = tc_alloc_stats_get().live_blocks, fails = tc_alloc_stats_get().failures;
		int rc;

		tc_alloc_fail_at(k, 0);
		rc = pws__image_load(p, json, strlen(json), w->b, w->n, RES);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK) {
			ck_assert_uint_eq(tc_alloc_stats_get().failures, fails);
			break;
		}
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d (%s)", k, rc, tw_res.message);
		ck_assert_msg(tw_digest(p) == empty, "allocation %zu: state changed", k);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == live, "allocation %zu leaks", k);
	}
	ck_assert_uint_gt(k, 20);
	return p;
}

START_TEST(image_load_many_out_of_memory)
{
	pws_policy *p;
	bbuf w;

	b_many(&w);
	p = image_oom_sweep(IMG_JSON8, &w);
	expect_member(p, "tw", "u7", PWS_ROLE_EDITOR, 0, 0);
	expect_member(p, "tw", "u25", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "lw", "u28", PWS_ROLE_VIEWER, 0, 1);
	{
		char *a = tw_snapshot_text(p); /* u29's organization is the removed team */

		ck_assert_ptr_nonnull(strstr(a, "\"organization\":\"\",\"role\":\"viewer\","
		                                "\"seen\":0,\"user\":\"u29\""));
		free(a);
	}
	pws_policy_free(p);
	free(w.b);
	/* no users: the first workspace makes the record's scratch space */
	{
		bws f = { "w0", "W", "t", NULL, PWS_VIS_TEAM, 0, 0, PWS_LC_ACTIVE, 0, 0, 0, 0, 0 };

		b_head(&w);
		b_u32(&w, 0);
		b_u32(&w, 1);
		b_ws(&w, &f);
		b_u32(&w, 0);
		b_u32(&w, 0);
		p = image_oom_sweep(IMG_JSON, &w);
		ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, NULL, "w0"), PWS_OK);
		pws_policy_free(p);
		free(w.b);
	}
}
END_TEST

/* The legacy partners' organization (a domain, S9) is interned after the
 * workspaces' ids, into the model's string arena (lib/model.c), which
 * takes a new block only when its current one is full. The workspaces'
 * ids are padded by one byte more after another until the domain is the
 * first string of a new block; there the image
 * is loaded with every allocation failed in turn, so that the intern of
 * the organization fails: PWS_ENOMEM, nothing changed, nothing leaked
 * (image_oom_sweep); then it loads with the legacy partner. */
START_TEST(image_load_oom_interning_a_legacy_organization)
{
	size_t pad, fills = 0;

	for (pad = 1; pad <= 38 * 250 && !fills; pad++) {
		pws_policy *p;
		bbuf w;

		b_many_padded(&w, pad);
		ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
		OK(pws__image_load(p, IMG_JSON8, strlen(IMG_JSON8), w.b, w.n, RES));
		/* "zz.com" opened the block the arena now fills */
		if (p->m.strs.used == sizeof "zz.com") {
			pws_policy_free(p);
			p = image_oom_sweep(IMG_JSON8, &w);
			expect_member(p, "lw", "u28", PWS_ROLE_VIEWER, 0, 1);
			fills++;
		}
		pws_policy_free(p);
		free(w.b);
	}
	ck_assert_uint_eq(fills, 1);
}
END_TEST

/* n users with no team, each on a domain of its own: the image reserves
 * atoms (addresses and domains) for one domain in eight users, so the
 * atoms' tables grow during the load, at an address or at a domain as n
 * is even or odd (snapshot.c user_add_a). */
static void b_own_domains(bbuf *w, int n)
{
	char id[16], email[32];
	int i;

	b_head(w);
	b_u32(w, (uint32_t)n);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "u%d", i);
		snprintf(email, sizeof email, "u%d@d%d.org", i, i);
		b_user(w, id, email, NULL, 0, 0);
	}
	b_u32(w, 0); /* workspaces */
	b_u32(w, 0); /* organizations */
	b_u32(w, 0); /* rows */
}

/* Users on domains of their own, for a run of counts: every allocation of
 * the load failed in turn, the growth of the atoms' tables at an address
 * and at a domain among them: PWS_ENOMEM, nothing changed, nothing leaked
 * (image_oom_sweep); then it loads, every address kept. */
START_TEST(image_load_oom_while_the_atoms_grow)
{
	int n;

	for (n = 40; n < 48; n++) {
		char want[48], *a;
		pws_policy *p;
		bbuf w;

		b_own_domains(&w, n);
		p = image_oom_sweep(IMG_JSON, &w);
		a = tw_snapshot_text(p);
		snprintf(want, sizeof want, "\"u%d@d%d.org\"", n - 1, n - 1);
		ck_assert_ptr_nonnull(strstr(a, want));
		free(a);
		pws_policy_free(p);
		free(w.b);
	}
}
END_TEST

/* Every allocation of that load failed in turn: PWS_ENOMEM, nothing
 * changed, nothing leaked. */
START_TEST(image_load_out_of_memory)
{
	pws_policy *p;
	uint64_t empty;
	size_t k;
	bbuf w;

	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	empty = tw_digest(p);
	b_removed(&w);
	for (k = 1;; k++) {
		size_t live = tc_alloc_stats_get().live_blocks, fails = tc_alloc_stats_get().failures;
		int rc;

		tc_alloc_fail_at(k, 0);
		rc = pws__image_load(p, IMG_JSON, strlen(IMG_JSON), w.b, w.n, RES);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK) {
			ck_assert_uint_eq(tc_alloc_stats_get().failures, fails);
			break;
		}
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d (%s)", k, rc, tw_res.message);
		ck_assert_msg(tw_digest(p) == empty, "allocation %zu: state changed", k);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == live, "allocation %zu leaks", k);
	}
	ck_assert_uint_gt(k, 20);
	expect_member(p, "lw", "x", PWS_ROLE_EDITOR, 0, 1);
	free(w.b);
	pws_policy_free(p);
}
END_TEST

/* --- pws_compact(): images of states with removed and legacy references ------------ */

/* The standard world plus: a legacy workspace with a partner (by domain)
 * and a member invite accepted, an invite withdrawn; a partner invite
 * open; a pending request whose requester was removed; a team removed
 * after its workspace was deleted; enough users for an image of more
 * than 4 KiB. */
static void compact_world(pws_policy *p)
{
	char id[16], email[32];
	int i;

	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	for (i = 0; i < 600; i++) { /* packed (image-pack.h): 8 bytes or so a user */
		snprintf(id, sizeof id, "many%d", i);
		snprintf(email, sizeof email, "many%d@pub.com", i);
		OK(pws_user_add(p, id, email, "pub", PWS_TEAM_MEMBER, 0, RES));
	}
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	OK(pws_invite(p, "pm", "lw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a1", "lw", NULL, RES));
	OK(pws_invite(p, "pm", "lw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "lw", NULL, RES));
	OK(pws_invite(p, "pm", "lw", "x@nowhere.org", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_withdraw(p, "pm", "lw", "x@nowhere.org", RES));
	OK(pws_invite(p, "pm", "lw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	/* a pending request, and one of a user removed since */
	OK(pws_workspace_create(p, "dev", "req2", "Req2", PWS_VIS_PARTNER, "also", RES));
	OK(pws_user_add(p, "asker", "asker@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, "asker", "req", "Req", PWS_VIS_PARTNER, "please", RES));
	OK(pws_user_remove(p, "asker", RES));
	/* a team removed after its workspace was deleted */
	OK(pws_team_add(p, "gone", "Gone", PWS_PLAN_FREE, 0, RES));
	OK(pws_user_add(p, "gu", "gu@gone.org", "gone", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_workspace_create(p, "gu", "gw", "GW", PWS_VIS_TEAM, NULL, RES));
	OK(pws_workspace_delete(p, "gu", "gw", RES));
	OK(pws_user_remove(p, "gu", RES));
	OK(pws_team_remove(p, "gone", RES));
}

START_TEST(compact_image_keeps_removed_and_legacy_references)
{
	torn_store s;
	pws_policy *p, *q;
	char *a, *b;

	torn_store_init(&s, 0);
	ck_assert_int_eq(torn_store_open(&s, 1, &p), PWS_OK);
	compact_world(p);
	OK(pws_compact(p, RES));
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_gt(s.disk[0].len, 4096);
	ck_assert_int_eq(torn_store_open(&s, 1, &q), PWS_OK);
	a = tw_snapshot_text(p);
	b = tw_snapshot_text(q);
	ck_assert_str_eq(a, b);
	ck_assert(tw_digest(p) == tw_digest(q));
	ck_assert_ptr_nonnull(strstr(a, "\"organization\":\"acme.com\""));
	ck_assert_ptr_nonnull(strstr(a, "\"requester\":\"\""));
	ck_assert_ptr_nonnull(strstr(a, "\"requester\":\"dev\""));
	ck_assert_ptr_nonnull(strstr(a, "\"team\":\"\""));
	ck_assert_ptr_null(strstr(a, "nowhere.org")); /* a withdrawn invite is not state */
	expect_member(q, "lw", "a1", PWS_ROLE_VIEWER, 0, 1);
	expect_invite(q, "lw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	free(a);
	free(b);
	pws_policy_free(q);
	pws_policy_free(p);
	torn_store_free(&s);
}
END_TEST

/* pws_compact with every allocation failed in turn: PWS_ENOMEM, the store
 * and the state as they were, nothing leaked; then it compacts. */
START_TEST(compact_out_of_memory_changes_nothing)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	torn_store s;
	pws_policy *p;
	uint64_t d;
	size_t k, n0, i;
	uint32_t *crc;

	torn_store_init(&s, 0);
	torn_store_ops(&s, &ops, 1);
	o.storage = &ops;
	o.allocator = tc_allocator();
	tc_alloc_reset();
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	compact_world(p);
	d = tw_digest(p);
	n0 = s.n;
	crc = malloc(n0 * sizeof *crc);
	ck_assert_ptr_nonnull(crc);
	for (i = 0; i < n0; i++)
		crc[i] = s.disk[i].crc;
	for (k = 1;; k++) {
		size_t live = tc_alloc_stats_get().live_blocks, fails = tc_alloc_stats_get().failures;
		int rc;

		tc_alloc_fail_at(k, 0);
		rc = pws_compact(p, RES);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK) {
			ck_assert_uint_eq(tc_alloc_stats_get().failures, fails);
			break;
		}
		ck_assert_msg(rc == PWS_ENOMEM, "allocation %zu: %d (%s)", k, rc, tw_res.message);
		ck_assert_msg(tw_digest(p) == d, "allocation %zu: state changed", k);
		ck_assert_msg(tc_alloc_stats_get().live_blocks == live, "allocation %zu leaks", k);
		ck_assert_uint_eq(s.n, n0);
		for (i = 0; i < n0; i++)
			ck_assert_uint_eq(s.disk[i].crc, crc[i]);
	}
	ck_assert_uint_gt(k, 5);
	ck_assert_uint_eq(s.n, 1);
	ck_assert(tw_digest(p) == d);
	free(crc);
	pws_policy_free(p);
	torn_store_free(&s);
}
END_TEST

/* A shared store where another writer always appends first (append says
 * PWS_ECONFLICT), or whose catch-up read fails. */
static pws_storage_ops c_inner;
static int c_conflict, c_after_rc;
static size_t c_appends, c_afters;

static int c_append(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                    size_t len)
{
	if (c_conflict) {
		c_appends++;
		return PWS_ECONFLICT;
	}
	return c_inner.append(ctx, kind, key, key_len, data, len);
}

static int c_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                        void *sink_ctx)
{
	c_afters++;
	if (c_after_rc)
		return c_after_rc;
	return c_inner.load_after(ctx, key, key_len, sink, sink_ctx);
}

/* pws_compact catches up and builds the image again while another
 * writer appends first; after 8 such retries it gives up with
 * PWS_ECONFLICT, and a failed catch-up ends it with that failure; the
 * store and the state are unchanged either way. */
START_TEST(compact_gives_up_after_repeated_conflicts)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	torn_store s;
	pws_policy *p;
	uint64_t d;
	size_t n0;

	torn_store_init(&s, 0);
	torn_store_ops(&s, &c_inner, 1);
	ops = c_inner;
	ops.append = c_append;
	ops.load_after = c_load_after;
	o.storage = &ops;
	c_conflict = 0;
	c_after_rc = 0;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	OK(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, RES));
	OK(pws_user_add(p, "u", "u@t.com", "t", PWS_TEAM_MEMBER, 0, RES));
	d = tw_digest(p);
	n0 = s.n;
	c_conflict = 1;
	c_appends = c_afters = 0;
	FAILS(pws_compact(p, RES), PWS_ECONFLICT);
	ck_assert_uint_eq(c_appends, 9); /* the first attempt and 8 retries */
	ck_assert_uint_eq(c_afters, 8);
	ck_assert_uint_eq(s.n, n0);
	ck_assert(tw_digest(p) == d);
	c_after_rc = PWS_ESTORAGE;
	c_appends = c_afters = 0;
	FAILS(pws_compact(p, RES), PWS_ESTORAGE);
	ck_assert_uint_eq(c_appends, 1);
	ck_assert_uint_eq(c_afters, 1);
	ck_assert_uint_eq(s.n, n0);
	ck_assert(tw_digest(p) == d);
	c_conflict = 0;
	c_after_rc = 0;
	OK(pws_compact(p, RES));
	ck_assert_uint_eq(s.n, 1);
	pws_policy_free(p);
	torn_store_free(&s);
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
	tcase_add_test(tc, snapshot_import_oom_at_every_arena_fill);
	tcase_add_test(tc, snapshot_import_refuses_bad_result_versions);
	tcase_add_test(tc, snapshot_from_a_storage_callback_is_misuse);
	suite_add_tcase(s, tc);
	tc = tcase_create("image");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, image_loads_a_hand_built_section);
	tcase_add_test(tc, image_refuses_truncated_counts);
	tcase_add_test(tc, image_refuses_truncated_user_records);
	tcase_add_test(tc, image_refuses_S4_a_team_user_without_a_role);
	tcase_add_test(tc, image_refuses_bad_workspace_records);
	tcase_add_test(tc, image_refuses_texts_too_long);
	tcase_add_test(tc, image_refuses_bad_rows);
	tcase_add_test(tc, image_refuses_members_in_its_json);
	tcase_add_test(tc, image_import_outside_the_replay_is_misuse);
	tcase_add_test(tc, image_loads_removed_references_and_legacy_partners);
	tcase_add_test(tc, image_load_out_of_memory);
	tcase_add_test(tc, image_load_many_out_of_memory);
	tcase_add_test(tc, image_load_oom_interning_a_legacy_organization);
	tcase_add_test(tc, image_load_oom_while_the_atoms_grow);
	suite_add_tcase(s, tc);
	tc = tcase_create("compact");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, compact_image_keeps_removed_and_legacy_references);
	tcase_add_test(tc, compact_out_of_memory_changes_nothing);
	tcase_add_test(tc, compact_gives_up_after_repeated_conflicts);
	suite_add_tcase(s, tc);
	return s;
}
