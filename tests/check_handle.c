/*
 * The policy handle: options versioning, allocator hook, storage slot.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"
#include "test-world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(handle_new_free_defaults)
{
	pws_policy *p = (pws_policy *)0x1;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	ck_assert_ptr_nonnull(p);
	pws_policy_free(p);
	pws_policy_free(NULL); /* accepted */
}
END_TEST

START_TEST(handle_new_rejects_bad_arguments)
{
	pws_policy *p = (pws_policy *)0x1;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_allocator a = PWS_ALLOCATOR_INIT;
	pws_storage_ops st = PWS_STORAGE_OPS_INIT;

	ck_assert_int_eq(pws_policy_new(NULL, NULL), PWS_EINVALID);

	o.version = 0;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	ck_assert_ptr_null(p);
	o.version = PWS_POLICY_OPTIONS_VERSION + 1;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);

	o.version = PWS_POLICY_OPTIONS_VERSION;
	o.allocator = &a; /* functions missing */
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	a = *tc_allocator();
	a.version = 99;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);

	o.allocator = NULL;
	o.storage = &st; /* close missing */
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(handle_options_init_twins)
{
	pws_policy_options o, m = PWS_POLICY_OPTIONS_INIT;
	pws_allocator a, am = PWS_ALLOCATOR_INIT;
	pws_storage_ops s, sm = PWS_STORAGE_OPS_INIT;

	memset(&o, 0xff, sizeof o);
	ck_assert_int_eq(pws_policy_options_init(&o, PWS_POLICY_OPTIONS_VERSION), PWS_OK);
	ck_assert(o.version == m.version && !o.allocator && !o.storage && !o.on_event && !o.event_payload);
	ck_assert_int_eq(pws_policy_options_init(&o, 0), PWS_EINVALID);
	ck_assert_int_eq(pws_policy_options_init(&o, PWS_POLICY_OPTIONS_VERSION + 1), PWS_EINVALID);
	ck_assert(o.max_name_bytes == 0 && o.max_text_bytes == 0);
	ck_assert_int_eq(pws_policy_options_init(NULL, 1), PWS_EINVALID);

	memset(&a, 0xff, sizeof a);
	ck_assert_int_eq(pws_allocator_init(&a, PWS_ALLOCATOR_VERSION), PWS_OK);
	ck_assert(a.version == am.version && !a.ctx && !a.malloc_fn && !a.realloc_fn && !a.free_fn);
	ck_assert_int_eq(pws_allocator_init(NULL, 1), PWS_EINVALID);
	ck_assert_int_eq(pws_allocator_init(&a, 7), PWS_EINVALID);

	memset(&s, 0xff, sizeof s);
	ck_assert_int_eq(pws_storage_ops_init(&s, PWS_STORAGE_OPS_VERSION), PWS_OK);
	ck_assert(s.version == sm.version && !s.ctx && !s.load && !s.begin && !s.put && !s.del && !s.commit && !s.rollback && !s.close);
	ck_assert_int_eq(pws_storage_ops_init(NULL, 1), PWS_EINVALID);
	ck_assert_int_eq(pws_storage_ops_init(&s, 0), PWS_EINVALID);
}
END_TEST

static int closed;
static int ignore_put(void *ctx, uint32_t kind, const char *key, size_t key_len,
                      const void *data, size_t data_len)
{
	(void)ctx; (void)kind; (void)key; (void)key_len; (void)data; (void)data_len;
	return PWS_OK;
}

static void count_close(void *ctx)
{
	ck_assert_ptr_eq(ctx, &closed);
	closed++;
}

START_TEST(handle_storage_table_copied_and_closed)
{
	pws_policy *p;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops st = PWS_STORAGE_OPS_INIT;

	closed = 0;
	st.ctx = &closed;
	st.put = ignore_put;
	st.close = count_close;
	o.storage = &st;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	memset(&st, 0, sizeof st); /* the library keeps its own copy */
	ck_assert_int_eq(closed, 0);
	pws_policy_free(p);
	ck_assert_int_eq(closed, 1);
}
END_TEST

START_TEST(handle_uses_allocator_hook)
{
	pws_policy *p;
	tc_alloc_stats st;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	st = tc_alloc_stats_get();
	ck_assert_uint_gt(st.calls, 0);
	ck_assert_uint_gt(st.live_blocks, 0);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* Every allocation of pws_policy_new made to fail in turn: ENOMEM, no
 * handle, nothing leaked. */
START_TEST(handle_new_oom_sweep)
{
	pws_policy *p;
	size_t n, total;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	total = tc_alloc_stats_get().calls;
	pws_policy_free(p);
	for (n = 1; n <= total; n++) {
		tc_alloc_reset();
		tc_alloc_fail_at(n, 0);
		p = (pws_policy *)0x1;
		ck_assert_int_eq(tc_policy_new(&p), PWS_ENOMEM);
		ck_assert_ptr_null(p);
		ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	}
}
END_TEST

/* ---- text limits (pws_policy_options v2) ---------------------------------- */

/* A handle with the given text limits and options version, holding a team
 * "pub" (enterprise) with "owner" (super admin), team workspaces "ws" and
 * "wc", element "col" in "ws" and update "u1" in "ws". */
static pws_policy *lim_world(unsigned int version, uint32_t max_name, uint32_t max_text,
                             const pws_storage_ops *st)
{
	pws_policy *p = NULL;
	pws_policy_options o;

	memset(&o, 0, sizeof o);
	o.version = version;
	o.allocator = tc_allocator();
	o.storage = st;
	o.max_name_bytes = max_name;
	o.max_text_bytes = max_text;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	if (st)
		return p; /* the store holds the world */
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_workspace_create(p, "owner", "ws", "W", PWS_VIS_TEAM, NULL, RES));
	OK(pws_workspace_create(p, "owner", "wc", "C", PWS_VIS_TEAM, NULL, RES));
	OK(pws_element_add(p, "owner", "ws", "col", PWS_EL_COLLECTION, 10, NULL, RES));
	OK(pws_update_post(p, "owner", "ws", "u1", "hello", 1, RES));
	return p;
}

/* Every text argument of every public call, and whether it is a name. */
enum { T_TEAM, T_WS_NAME, T_WS_NOTE, T_LEGACY, T_CONVERT, T_DET_NAME, T_DET_SUMMARY,
       T_DET_DESC, T_UPDATE, T_REPLY, T_HISTORY, T_COMMENT, T_COUNT };

static int is_name(int which)
{
	return which == T_TEAM || which == T_WS_NAME || which == T_LEGACY ||
	       which == T_DET_NAME;
}

/* Makes call `which` with text s; ids get suffix sfx so calls may repeat. */
static int text_call(pws_policy *p, int which, const char *s, const char *sfx)
{
	char id[32];

	snprintf(id, sizeof id, "n-%d-%s", which, sfx);
	switch (which) {
	case T_TEAM: return pws_team_add(p, id, s, PWS_PLAN_FREE, 0, RES);
	case T_WS_NAME: return pws_workspace_create(p, "owner", id, s, PWS_VIS_TEAM, NULL, RES);
	case T_WS_NOTE: return pws_workspace_create(p, "owner", id, "N", PWS_VIS_PARTNER, s, RES);
	case T_LEGACY: return pws_workspace_add_legacy(p, "pub", id, s, "owner", RES);
	case T_CONVERT: return pws_workspace_convert(p, "owner", "wc", s, RES);
	case T_DET_NAME: return pws_workspace_set_details(p, "owner", "ws", s, NULL, NULL, RES);
	case T_DET_SUMMARY: return pws_workspace_set_details(p, "owner", "ws", NULL, s, NULL, RES);
	case T_DET_DESC: return pws_workspace_set_details(p, "owner", "ws", NULL, NULL, s, RES);
	case T_UPDATE: return pws_update_post(p, "owner", "ws", id, s, 2, RES);
	case T_REPLY: return pws_update_reply(p, "owner", "u1", id, s, 2, RES);
	case T_HISTORY: return pws_history_add(p, "owner", "ws", id, s, 2, RES);
	case T_COMMENT: return pws_comment_add(p, "owner", "col", id, s, RES);
	}
	return PWS_ERROR;
}

/* A string of n bytes; the caller frees it. */
static char *text_of(size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'x', n);
	s[n] = '\0';
	return s;
}

/* Each call refused one byte over its limit (EINVALID, a message naming the
 * limit, state unchanged) and accepted at it. */
static void expect_limits(pws_policy *p, uint32_t name_max, uint32_t text_max)
{
	char want[64];
	int w;

	for (w = 0; w < T_COUNT; w++) {
		uint32_t lim = is_name(w) ? name_max : text_max;
		char *over = text_of((size_t)lim + 1), *at = text_of(lim);
		uint64_t before = tw_digest(p);

		ck_assert_msg(text_call(p, w, over, "over") == PWS_EINVALID,
		              "call %d accepted %u bytes over a limit of %u", w, lim + 1, lim);
		ck_assert_int_eq(tw_res.code, PWS_EINVALID);
		snprintf(want, sizeof want, "limit of %lu bytes (%s)", (unsigned long)lim,
		         is_name(w) ? "max_name_bytes" : "max_text_bytes");
		ck_assert_msg(strstr(tw_res.message, want) != NULL, "call %d: message '%s'",
		              w, tw_res.message);
		ck_assert_uint_eq(tw_digest(p), before);
		ck_assert_msg(text_call(p, w, at, "at") == PWS_OK, "call %d refused %u bytes: %s",
		              w, lim, tw_res.message);
		free(over);
		free(at);
	}
}

START_TEST(limits_defaults)
{
	pws_policy *p = lim_world(PWS_POLICY_OPTIONS_VERSION, 0, 0, NULL);

	expect_limits(p, PWS_DEFAULT_MAX_NAME_BYTES, PWS_DEFAULT_MAX_TEXT_BYTES);
	pws_policy_free(p);
	ck_assert_uint_eq(PWS_DEFAULT_MAX_NAME_BYTES, 1024);
	ck_assert_uint_eq(PWS_DEFAULT_MAX_TEXT_BYTES, 65536);
}
END_TEST

START_TEST(limits_custom)
{
	pws_policy *p = lim_world(PWS_POLICY_OPTIONS_VERSION, 10, 20, NULL);

	expect_limits(p, 10, 20);
	pws_policy_free(p);
	p = lim_world(PWS_POLICY_OPTIONS_VERSION, 3000, 300, NULL);
	expect_limits(p, 3000, 300);
	pws_policy_free(p);
}
END_TEST

/* A version-1 caller never set the limit fields: whatever lies there, the
 * library uses the defaults. */
START_TEST(limits_old_options_version_gets_defaults)
{
	pws_policy *p = lim_world(1, 5, 5, NULL);

	expect_limits(p, PWS_DEFAULT_MAX_NAME_BYTES, PWS_DEFAULT_MAX_TEXT_BYTES);
	pws_policy_free(p);
}
END_TEST

START_TEST(limits_bounded_by_format)
{
	pws_policy *p = (pws_policy *)0x1;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.max_text_bytes = PWS_TEXT_LIMIT_MAX + 1;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	ck_assert_ptr_null(p);
	o.max_text_bytes = 0;
	o.max_name_bytes = PWS_TEXT_LIMIT_MAX + 1;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_EINVALID);
	o.max_name_bytes = PWS_TEXT_LIMIT_MAX;
	o.max_text_bytes = PWS_TEXT_LIMIT_MAX;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	pws_policy_free(p);
}
END_TEST

/* A NULL or non-UTF-8 text is still refused, with its own message. */
START_TEST(limits_null_and_bad_utf8)
{
	pws_policy *p = lim_world(PWS_POLICY_OPTIONS_VERSION, 0, 0, NULL);
	uint64_t before = tw_digest(p);

	FAILS(pws_update_post(p, "owner", "ws", "u2", NULL, 2, RES), PWS_EINVALID);
	ck_assert_str_eq(tw_res.message, "text is NULL");
	FAILS(pws_update_post(p, "owner", "ws", "u2", "a\xff", 2, RES), PWS_EINVALID);
	ck_assert_str_eq(tw_res.message, "text is not valid UTF-8");
	FAILS(pws_team_add(p, "t2", NULL, PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
	ck_assert_str_eq(tw_res.message, "team name is NULL");
	ck_assert_uint_eq(tw_digest(p), before);
	pws_policy_free(p);
}
END_TEST

/* An in-memory store that outlives its handles: records in put order. */
#define MS_MAX 64
static struct ms {
	size_t n;
	char key[MS_MAX][17];
	void *data[MS_MAX];
	size_t len[MS_MAX];
} ms;

static int ms_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	size_t i;
	int rc;

	(void)ctx;
	for (i = 0; i < ms.n; i++)
		if ((rc = sink(sink_ctx, PWS_RECORD_OP, ms.key[i], 16, ms.data[i], ms.len[i])))
			return rc;
	return PWS_OK;
}

static int ms_put(void *ctx, uint32_t kind, const char *key, size_t key_len,
                  const void *data, size_t data_len)
{
	(void)ctx; (void)kind;
	ck_assert_uint_lt(ms.n, MS_MAX);
	ck_assert_uint_eq(key_len, 16);
	memcpy(ms.key[ms.n], key, 16);
	ms.data[ms.n] = malloc(data_len ? data_len : 1);
	memcpy(ms.data[ms.n], data, data_len);
	ms.len[ms.n++] = data_len;
	return PWS_OK;
}

static void ms_close(void *ctx)
{
	(void)ctx;
}

/* A store written under larger limits loads under smaller ones: limits
 * apply to new calls, never to what was committed. */
START_TEST(limits_not_applied_on_replay)
{
	pws_storage_ops st = PWS_STORAGE_OPS_INIT;
	pws_policy *p, *q;
	char *big = text_of(5000);
	uint64_t d;
	size_t i;

	memset(&ms, 0, sizeof ms);
	st.load = ms_load;
	st.put = ms_put;
	st.close = ms_close;
	p = lim_world(PWS_POLICY_OPTIONS_VERSION, 8000, 8000, &st);
	OK(pws_team_add(p, "pub", big, PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_workspace_create(p, "owner", "ws", big, PWS_VIS_TEAM, NULL, RES));
	OK(pws_update_post(p, "owner", "ws", "u1", big, 1, RES));
	d = tw_digest(p);
	pws_policy_free(p);

	q = lim_world(PWS_POLICY_OPTIONS_VERSION, 10, 10, &st);
	ck_assert_uint_eq(tw_digest(q), d);
	/* ... while a new call under the small limits is refused */
	FAILS(pws_update_post(q, "owner", "ws", "u2", big, 2, RES), PWS_EINVALID);
	ck_assert_uint_eq(tw_digest(q), d);
	pws_policy_free(q);
	for (i = 0; i < ms.n; i++)
		free(ms.data[i]);
	free(big);
}
END_TEST

/* ---- one code for a malformed id in every query -------------------------- */

enum { Q_CHECK, Q_CHECK_EL, Q_BATCH, Q_BATCH_EL, Q_ALLOWED, Q_ALLOWED_EL, Q_SEE_MEMBER,
       Q_ORG_SEE_MEMBER, Q_SEE_HISTORY, Q_SEE_REPLY, Q_REF_USER, Q_REF_WS, Q_REF_EL,
       Q_L_MEMBERS, Q_L_MEMBERS_ORG, Q_L_WORKSPACES, Q_L_ELEMENTS, Q_L_ELEMENTS_ORG,
       Q_L_HISTORY, Q_L_UPDATES, Q_L_REPLIES, Q_L_ACTIVITY, Q_L_PARTNERSHIPS, Q_L_SEATS,
       Q_L_REACH, Q_TEAM_SEATS, Q_USER_GET, Q_UNREAD, Q_WS_GET, Q_MEMBER_GET, Q_INVITE_GET,
       Q_EL_GET, Q_COUNT };

/* The well-formed ids each query is called with (tw_world plus "u1",
 * "r1", "h1" and an invite of a2@acme.com); NULL ends a list. */
static const char *const q_ids[Q_COUNT][4] = {
	[Q_CHECK] = { "dev", "pw" },
	[Q_CHECK_EL] = { "dev", "pw", "col" },
	[Q_BATCH] = { "dev", "pw" },
	[Q_BATCH_EL] = { "dev", "pw", "col" },
	[Q_ALLOWED] = { "dev", "pw" },
	[Q_ALLOWED_EL] = { "dev", "pw", "col" },
	[Q_SEE_MEMBER] = { "dev", "pw", "a1" },
	[Q_ORG_SEE_MEMBER] = { "acme", "pw", "a1" },
	[Q_SEE_HISTORY] = { "dev", "h1" },
	[Q_SEE_REPLY] = { "dev", "r1" },
	[Q_REF_USER] = { "dev" },
	[Q_REF_WS] = { "pw" },
	[Q_REF_EL] = { "col" },
	[Q_L_MEMBERS] = { "dev", "pw" },
	[Q_L_MEMBERS_ORG] = { "acme", "pw" },
	[Q_L_WORKSPACES] = { "dev" },
	[Q_L_ELEMENTS] = { "dev", "pw" },
	[Q_L_ELEMENTS_ORG] = { "acme", "pw" },
	[Q_L_HISTORY] = { "dev", "pw" },
	[Q_L_UPDATES] = { "dev", "pw" },
	[Q_L_REPLIES] = { "dev", "u1" },
	[Q_L_ACTIVITY] = { "dev", "pw" },
	[Q_L_PARTNERSHIPS] = { "pm", "pub" },
	[Q_L_SEATS] = { "pub" },
	[Q_L_REACH] = { "pm", "pub", "a1" },
	[Q_TEAM_SEATS] = { "pub" },
	[Q_USER_GET] = { "dev" },
	[Q_UNREAD] = { "dev", "pw" },
	[Q_WS_GET] = { "pw" },
	[Q_MEMBER_GET] = { "pw", "a1" },
	[Q_INVITE_GET] = { "pw", "a2@acme.com" },
	[Q_EL_GET] = { "col" },
};

static int query(pws_policy *p, int q, const char *const *id)
{
	int a = 0, r = 0, code = 99, x1, x2, x3;
	uint64_t mask;
	uint32_t u1, u2;
	pws_ref ref;
	pws_iter *it = NULL;
	char buf[300];
	int rc = PWS_ERROR;

	switch (q) {
	case Q_CHECK: case Q_CHECK_EL:
		return pws_check(p, &a, &r, id[0], PWS_ACT_VIEW, id[1], id[2]);
	case Q_BATCH: case Q_BATCH_EL: {
		int act = PWS_ACT_VIEW;

		rc = pws_check_batch(p, &a, &r, &code, 1, &id[0], &act, &id[1],
		                     q == Q_BATCH_EL ? &id[2] : NULL);
		ck_assert_int_eq(rc, PWS_OK);
		return code;
	}
	case Q_ALLOWED: case Q_ALLOWED_EL:
		return pws_allowed_actions(p, &mask, id[0], id[1], id[2]);
	case Q_SEE_MEMBER: return pws_can_see_member(p, &a, &r, id[0], id[1], id[2]);
	case Q_ORG_SEE_MEMBER: return pws_org_can_see_member(p, &a, &r, id[0], id[1], id[2]);
	case Q_SEE_HISTORY: return pws_can_see_history(p, &a, &r, id[0], id[1]);
	case Q_SEE_REPLY: return pws_can_see_reply(p, &a, &r, id[0], id[1]);
	case Q_REF_USER: return pws_ref_user(p, &ref, id[0]);
	case Q_REF_WS: return pws_ref_workspace(p, &ref, id[0]);
	case Q_REF_EL: return pws_ref_element(p, &ref, id[0]);
	case Q_L_MEMBERS: rc = pws_list_members(&it, p, id[0], id[1]); break;
	case Q_L_MEMBERS_ORG: rc = pws_list_members_as_org(&it, p, id[0], id[1]); break;
	case Q_L_WORKSPACES: rc = pws_list_workspaces(&it, p, id[0]); break;
	case Q_L_ELEMENTS: rc = pws_list_elements(&it, p, id[0], id[1]); break;
	case Q_L_ELEMENTS_ORG: rc = pws_list_elements_as_org(&it, p, id[0], id[1]); break;
	case Q_L_HISTORY: rc = pws_list_history(&it, p, id[0], id[1]); break;
	case Q_L_UPDATES: rc = pws_list_updates(&it, p, id[0], id[1]); break;
	case Q_L_REPLIES: rc = pws_list_replies(&it, p, id[0], id[1]); break;
	case Q_L_ACTIVITY: rc = pws_list_activity(&it, p, id[0], id[1]); break;
	case Q_L_PARTNERSHIPS: rc = pws_list_partnerships(&it, p, id[0], id[1]); break;
	case Q_L_SEATS: rc = pws_list_seats(&it, p, id[0]); break;
	case Q_L_REACH: rc = pws_list_partner_reach(&it, p, id[0], id[1], id[2]); break;
	case Q_TEAM_SEATS: return pws_team_editor_seats(p, &u1, &u2, id[0]);
	case Q_USER_GET: return pws_user_get(p, &x1, &x2, buf, sizeof buf, id[0]);
	case Q_UNREAD: return pws_workspace_unread(p, &u1, id[0], id[1]);
	case Q_WS_GET: return pws_workspace_get(p, &x1, &x2, &x3, &a, id[0]);
	case Q_MEMBER_GET: return pws_member_get(p, &x1, &x2, &x3, id[0], id[1]);
	case Q_INVITE_GET: return pws_invite_get(p, &x1, &x2, &x3, id[0], id[1]);
	case Q_EL_GET: return pws_element_get(p, &x1, &x2, buf, sizeof buf, id[0]);
	}
	pws_iter_free(it);
	return rc;
}

/* Every query answers PWS_EINVALID for a malformed id in any position (1 MB,
 * empty, a control byte, 256 bytes) -- not PWS_ENOTFOUND as if it were
 * merely unknown -- and PWS_ENOTFOUND for a well-formed unknown one. */
START_TEST(ids_malformed_invalid_in_every_query)
{
	pws_policy *p = tw_world();
	char *huge = text_of(1u << 20), *long_id = text_of(256), *max_id = text_of(255);
	const char *bad[] = { huge, "", "de\nv", long_id };
	const char *id[4];
	int q, k, b;

	OK(pws_update_post(p, "dev", "pw", "u1", "news", 1, RES));
	OK(pws_update_reply(p, "dev", "u1", "r1", "ok", 2, RES));
	OK(pws_history_add(p, "dev", "pw", "h1", "ran", 3, RES));
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	for (q = 0; q < Q_COUNT; q++) {
		ck_assert_msg(query(p, q, q_ids[q]) == PWS_OK, "query %d fails with good ids", q);
		for (k = 0; k < 4 && q_ids[q][k]; k++) {
			for (b = 0; b < (int)(sizeof bad / sizeof bad[0]); b++) {
				memcpy(id, q_ids[q], sizeof id);
				id[k] = bad[b];
				ck_assert_msg(query(p, q, id) == PWS_EINVALID,
				              "query %d, id %d, bad id %d: %d, not EINVALID",
				              q, k, b, query(p, q, id));
			}
			if (q == Q_INVITE_GET && k == 1)
				continue; /* an email, not an id */
			if ((q == Q_CHECK_EL || q == Q_BATCH_EL || q == Q_ALLOWED_EL) && k == 1)
				continue; /* a workspace that is not the element's: EINVALID */
			/* beside an unknown id, a malformed one is still malformed */
			for (b = 0; b < 4 && q_ids[q][b]; b++) {
				if (b == k)
					continue;
				memcpy(id, q_ids[q], sizeof id);
				id[k] = huge;
				id[b] = max_id;
				ck_assert_msg(query(p, q, id) == PWS_EINVALID,
				              "query %d, id %d malformed, id %d unknown: %d", q, k, b,
				              query(p, q, id));
			}
			memcpy(id, q_ids[q], sizeof id);
			id[k] = max_id; /* well formed, unknown */
			ck_assert_msg(query(p, q, id) == PWS_ENOTFOUND,
			              "query %d, id %d unknown: %d, not ENOTFOUND", q, k,
			              query(p, q, id));
		}
	}
	pws_policy_free(p);
	free(huge);
	free(long_id);
	free(max_id);
}
END_TEST

Suite *pws_handle_suite(void)
{
	Suite *s = suite_create("handle");
	TCase *tc = tcase_create("lifecycle");
	TCase *tl = tcase_create("limits");
	TCase *ti = tcase_create("ids");

	tcase_add_test(tl, limits_defaults);
	tcase_add_test(tl, limits_custom);
	tcase_add_test(tl, limits_old_options_version_gets_defaults);
	tcase_add_test(tl, limits_bounded_by_format);
	tcase_add_test(tl, limits_null_and_bad_utf8);
	tcase_add_test(tl, limits_not_applied_on_replay);
	suite_add_tcase(s, tl);
	tcase_add_test(ti, ids_malformed_invalid_in_every_query);
	suite_add_tcase(s, ti);

	tcase_add_test(tc, handle_new_free_defaults);
	tcase_add_test(tc, handle_new_rejects_bad_arguments);
	tcase_add_test(tc, handle_options_init_twins);
	tcase_add_test(tc, handle_storage_table_copied_and_closed);
	tcase_add_test(tc, handle_uses_allocator_hook);
	tcase_add_test(tc, handle_new_oom_sweep);
	suite_add_tcase(s, tc);
	return s;
}

/* The fixture itself must be right, or every OOM sweep proves nothing. */
START_TEST(fixture_fails_nth_and_counts)
{
	const pws_allocator *a = tc_allocator();
	void *x, *y, *z;

	tc_alloc_reset();
	tc_alloc_fail_at(2, 0);
	x = a->malloc_fn(a->ctx, 8);
	y = a->malloc_fn(a->ctx, 8);
	z = a->malloc_fn(a->ctx, 8);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_null(y);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_eq(tc_alloc_stats_get().failures, 1);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 2);
	ck_assert_uint_eq(tc_alloc_stats_get().live_bytes, 16);
	x = a->realloc_fn(a->ctx, x, 100);
	ck_assert_uint_eq(tc_alloc_stats_get().live_bytes, 108);
	a->free_fn(a->ctx, x);
	a->free_fn(a->ctx, z);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
	ck_assert_uint_eq(tc_alloc_stats_get().calls, 4);

	tc_alloc_reset();
	tc_alloc_fail_at(1, 1);
	ck_assert_ptr_null(a->malloc_fn(a->ctx, 1));
	ck_assert_ptr_null(a->malloc_fn(a->ctx, 1));
	ck_assert_uint_eq(tc_alloc_stats_get().failures, 2);
	tc_alloc_reset();
}
END_TEST

Suite *pws_alloc_fixture_suite(void)
{
	Suite *s = suite_create("alloc-fixture");
	TCase *tc = tcase_create("fault-allocator");

	tcase_add_test(tc, fixture_fails_nth_and_counts);
	suite_add_tcase(s, tc);
	return s;
}
