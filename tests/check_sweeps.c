/*
 * Sweeps over the whole public API:
 *   - badinput_every_function: every exported function with bad arguments
 *     (NULL handle, NULL/empty/unknown ids, out-of-range enums, NULL
 *     outputs, wrong states, bad pws_result versions): the documented
 *     code, a filled result, and no state change;
 *   - oom_every_mutation: every allocation of every scripted mutation made
 *     to fail in turn (once and persistently): PWS_ENOMEM, the state
 *     unchanged, nothing leaked, no event delivered, and a retry succeeds;
 *   - check_path_allocates_nothing: decisions and reads never allocate.
 *
 * Divergences are collected (not asserted one by one) so that a run
 * reports every one of them; each test fails at its end if any was seen.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NOW ((int64_t)1700000000)
#define DAY ((int64_t)86400)

/* ------------------------------------------------------------------ */
/* Soft failures: reported with their line, counted, asserted at the end */
/* ------------------------------------------------------------------ */

static unsigned soft_fails;

static void soft(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void soft(int line, const char *fmt, ...)
{
	va_list ap;

	soft_fails++;
	printf("check_sweeps.c:%d: ", line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* Bad-input checker                                                    */
/* ------------------------------------------------------------------ */

static pws_policy *g_p;   /* the world whose digest must not move */
static uint64_t g_d;

static void snap(pws_policy *p)
{
	g_p = p;
	g_d = p ? tw_digest(p) : 0;
}

/* Checks one failed call: rc is c1 or c2, the result (when given) carries
 * the same code and a message, the deciding rule is `rule` (when >= 0),
 * and the state did not change. */
static void bad_check(int line, const char *expr, int rc, int c1, int c2, int rule,
                      const pws_result *r)
{
	if (rc != c1 && rc != c2) {
		if (c1 == c2)
			soft(line, "%s -> %d (%s), expected %d (%s) [%s]", expr, rc,
			     pws_strerror(rc), c1, pws_strerror(c1), r ? r->message : "");
		else
			soft(line, "%s -> %d (%s), expected %d (%s) or %d (%s) [%s]", expr, rc,
			     pws_strerror(rc), c1, pws_strerror(c1), c2, pws_strerror(c2),
			     r ? r->message : "");
	}
	if (r) {
		if (r->code != rc)
			soft(line, "%s: returned %d but res.code is %d", expr, rc, r->code);
		if (rc != PWS_OK && r->message[0] == '\0')
			soft(line, "%s: failed (%d) with an empty res.message", expr, rc);
		if (rule >= 0 && rc == PWS_EDENIED && r->rule != rule)
			soft(line, "%s: denied by rule %s, expected %s", expr,
			     pws_rule_id(r->rule), pws_rule_id(rule));
	}
	if (g_p) {
		uint64_t d = tw_digest(g_p);

		if (d != g_d) {
			soft(line, "%s -> %d changed the state (digest)", expr, rc);
			g_d = d;
		}
	}
}

/* BAD: a call that passes RES; BADN: a call without a pws_result. */
#define BAD(call, code) bad_check(__LINE__, #call, (call), (code), (code), -1, &tw_res)
#define BAD2(call, c1, c2) bad_check(__LINE__, #call, (call), (c1), (c2), -1, &tw_res)
#define BADD(call, rule) bad_check(__LINE__, #call, (call), PWS_EDENIED, PWS_EDENIED, \
                                   (rule), &tw_res)
#define BADN(call, code) bad_check(__LINE__, #call, (call), (code), (code), -1, NULL)

/* A result with an unsupported version: the call must refuse with EINVALID
 * (and, the rest of the call being valid, must change nothing). */
static pws_result vr;
#define VR (&vr)
#define BADVER(call) do { \
	static const unsigned vv_[2] = {0, 99}; int i_; \
	for (i_ = 0; i_ < 2; i_++) { \
		memset(&vr, 0, sizeof(vr)); \
		vr.version = vv_[i_]; \
		bad_check(__LINE__, #call " [res.version bad]", (call), PWS_EINVALID, \
		          PWS_EINVALID, -1, NULL); \
	} } while (0)

/* Asserts an infallible getter's value. */
#define EXPECT(cond) do { if (!(cond)) soft(__LINE__, "expected %s", #cond); } while (0)

static void setup_ok(int line, const char *expr, int rc)
{
	ck_assert_msg(rc == PWS_OK, "line %d: setup %s -> %d (%s): %s", line, expr, rc,
	              pws_strerror(rc), tw_res.message);
}
#define SETUP(call) setup_ok(__LINE__, #call, (call))

/* ------------------------------------------------------------------ */
/* 1. Bad input, function by function                                  */
/* ------------------------------------------------------------------ */

static void bad_static_helpers(void)
{
	pws_allocator a;
	pws_policy_options o;
	pws_storage_ops s;
	pws_result r;
	char buf[300];

	snap(NULL);
	/* version.h */
	EXPECT(pws_version_number() == PWS_VERSION_NUMBER);
	EXPECT(pws_version_string() != NULL && strcmp(pws_version_string(), PWS_VERSION_STRING) == 0);
	/* errors.h */
	EXPECT(pws_strerror(99999) != NULL && strcmp(pws_strerror(99999), "unknown error code") == 0);
	EXPECT(pws_strerror(-99) != NULL && strcmp(pws_strerror(-99), "unknown error code") == 0);
	EXPECT(pws_strerror(PWS_ENOMEM) != NULL && pws_strerror(PWS_ENOMEM)[0] != '\0');
	/* rules.h */
	EXPECT(pws_rule_id(-1) != NULL && pws_rule_id(-1)[0] == '\0');
	EXPECT(pws_rule_id(PWS_RULE_COUNT) != NULL && pws_rule_id(PWS_RULE_COUNT)[0] == '\0');
	EXPECT(pws_rule_id(999) != NULL && pws_rule_id(999)[0] == '\0');
	EXPECT(pws_rule_id(PWS_RULE_NONE) != NULL && pws_rule_id(PWS_RULE_NONE)[0] == '\0');
	EXPECT(pws_rule_text(-1) != NULL && pws_rule_text(-1)[0] == '\0');
	EXPECT(pws_rule_text(999) != NULL && pws_rule_text(999)[0] == '\0');
	EXPECT(pws_rule_text(PWS_RULE_NONE) != NULL && pws_rule_text(PWS_RULE_NONE)[0] == '\0');
	EXPECT(pws_rule_from_id(NULL) == PWS_RULE_NONE);
	EXPECT(pws_rule_from_id("") == PWS_RULE_NONE);
	EXPECT(pws_rule_from_id("nope") == PWS_RULE_NONE);
	EXPECT(pws_rule_from_id("in3") == PWS_RULE_NONE);
	BADN(pws_result_init(NULL, PWS_RESULT_VERSION), PWS_EINVALID);
	BADN(pws_result_init(&r, 0), PWS_EINVALID);
	BADN(pws_result_init(&r, 99), PWS_EINVALID);
	/* check.h */
	EXPECT(pws_action_name(0) != NULL && pws_action_name(0)[0] == '\0');
	EXPECT(pws_action_name(99) != NULL && pws_action_name(99)[0] == '\0');
	EXPECT(pws_action_name(PWS_ACT_COUNT) != NULL && pws_action_name(PWS_ACT_COUNT)[0] == '\0');
	EXPECT(pws_action_name(-1) != NULL && pws_action_name(-1)[0] == '\0');
	/* policy.h / storage.h init twins */
	BADN(pws_allocator_init(NULL, PWS_ALLOCATOR_VERSION), PWS_EINVALID);
	BADN(pws_allocator_init(&a, 0), PWS_EINVALID);
	BADN(pws_allocator_init(&a, 99), PWS_EINVALID);
	BADN(pws_policy_options_init(NULL, PWS_POLICY_OPTIONS_VERSION), PWS_EINVALID);
	BADN(pws_policy_options_init(&o, 0), PWS_EINVALID);
	BADN(pws_policy_options_init(&o, 99), PWS_EINVALID);
	BADN(pws_storage_ops_init(NULL, PWS_STORAGE_OPS_VERSION), PWS_EINVALID);
	BADN(pws_storage_ops_init(&s, 0), PWS_EINVALID);
	BADN(pws_storage_ops_init(&s, 99), PWS_EINVALID);
	/* directory.h normalizers */
	BADN(pws_email_normalize(NULL, sizeof(buf), "a@b.com"), PWS_EINVALID);
	BADN(pws_email_normalize(buf, 0, "a@b.com"), PWS_EINVALID);
	BADN(pws_email_normalize(buf, 4, "a@b.com"), PWS_EINVALID);
	BADN(pws_email_normalize(buf, 7, "a@b.com"), PWS_EINVALID); /* no room for the NUL */
	BADN(pws_email_normalize(buf, sizeof(buf), NULL), PWS_EINVALID);
	BADN(pws_email_normalize(buf, sizeof(buf), ""), PWS_EINVALID);
	BADN(pws_email_normalize(buf, sizeof(buf), "nope"), PWS_EINVALID);
	BADN(pws_domain_normalize(NULL, sizeof(buf), "b.com"), PWS_EINVALID);
	BADN(pws_domain_normalize(buf, 0, "b.com"), PWS_EINVALID);
	BADN(pws_domain_normalize(buf, 5, "b.com"), PWS_EINVALID);
	BADN(pws_domain_normalize(buf, sizeof(buf), NULL), PWS_EINVALID);
	BADN(pws_domain_normalize(buf, sizeof(buf), ""), PWS_EINVALID);
	BADN(pws_domain_normalize(buf, sizeof(buf), "nope"), PWS_EINVALID);
	/* events.h: every accessor accepts NULL */
	EXPECT(pws_event_kind_of(NULL) == 0);
	EXPECT(pws_event_rule(NULL) == 0);
	EXPECT(pws_event_channels(NULL) == 0);
	EXPECT(pws_event_team(NULL) == NULL);
	EXPECT(pws_event_actor(NULL) == NULL);
	EXPECT(pws_event_subject(NULL) == NULL);
	EXPECT(pws_event_workspace_count(NULL) == 0);
	EXPECT(pws_event_workspace(NULL, 0) == NULL);
	EXPECT(pws_event_recipient_count(NULL) == 0);
	EXPECT(pws_event_recipient(NULL, 0) == NULL);
	/* workspace.h bulk report accessors accept NULL */
	EXPECT(pws_bulk_report_errors(NULL) == 0);
	EXPECT(pws_bulk_report_invited(NULL) == 0);
	BADN(pws_bulk_report_get(NULL, 0, NULL, NULL, NULL, NULL), PWS_EINVALID);
	/* free functions accept NULL */
	pws_bulk_report_free(NULL);
	pws_policy_free(NULL);
}

static void *dummy_malloc(void *ctx, size_t n)
{
	(void)ctx;
	(void)n;
	return NULL;
}

static void *dummy_realloc(void *ctx, void *ptr, size_t n)
{
	(void)ctx;
	(void)ptr;
	(void)n;
	return NULL;
}

static void dummy_free(void *ctx, void *ptr)
{
	(void)ctx;
	(void)ptr;
}

static int dummy_begin(void *ctx)
{
	(void)ctx;
	return PWS_OK;
}

static void bad_policy_new(void)
{
	pws_policy *q;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_allocator a = {PWS_ALLOCATOR_VERSION, NULL, dummy_malloc, dummy_realloc, dummy_free};
	pws_storage_ops s = PWS_STORAGE_OPS_INIT;
	tc_alloc_stats st;

	snap(NULL);
	BADN(pws_policy_new(NULL, NULL), PWS_EINVALID);
	BADN(pws_policy_new(NULL, &o), PWS_EINVALID);

	q = (pws_policy *)&o;
	o.version = 0;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	EXPECT(q == NULL);
	q = (pws_policy *)&o;
	o.version = 99;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	EXPECT(q == NULL);

	o.version = PWS_POLICY_OPTIONS_VERSION;
	o.allocator = &a;
	a.version = 0;
	q = (pws_policy *)&o;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	EXPECT(q == NULL);
	a.version = 99;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	EXPECT(q == NULL);
	a.version = PWS_ALLOCATOR_VERSION;
	a.malloc_fn = NULL;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	a.malloc_fn = dummy_malloc;
	a.realloc_fn = NULL;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	a.realloc_fn = dummy_realloc;
	a.free_fn = NULL;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	EXPECT(q == NULL);

	/* a storage table without close, or with a bad version */
	o.allocator = tc_allocator();
	o.storage = &s;
	s.begin = dummy_begin;
	tc_alloc_reset();
	q = (pws_policy *)&o;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	EXPECT(q == NULL);
	s.version = 0;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	s.version = 99;
	BADN(pws_policy_new(&q, &o), PWS_EINVALID);
	EXPECT(q == NULL);
	st = tc_alloc_stats_get();
	if (st.live_blocks != 0)
		soft(__LINE__, "refused pws_policy_new leaked %zu blocks", st.live_blocks);

	/* allocation failure in pws_policy_new: ENOMEM, *out NULL, no leak */
	o.storage = NULL;
	{
		size_t n, calls;

		tc_alloc_reset();
		ck_assert_int_eq(pws_policy_new(&q, &o), PWS_OK);
		pws_policy_free(q);
		calls = tc_alloc_stats_get().calls;
		for (n = 1; n <= calls; n++) {
			int rc;

			tc_alloc_reset();
			tc_alloc_fail_at(n, 0);
			q = (pws_policy *)&o;
			rc = pws_policy_new(&q, &o);
			tc_alloc_fail_at(0, 0);
			if (rc != PWS_ENOMEM)
				soft(__LINE__, "pws_policy_new with allocation %zu failing -> %d", n, rc);
			if (rc == PWS_OK)
				pws_policy_free(q);
			else if (q != NULL)
				soft(__LINE__, "pws_policy_new failed but *out is not NULL");
			if (tc_alloc_stats_get().live_blocks != 0)
				soft(__LINE__, "pws_policy_new with allocation %zu failing leaked %zu blocks",
				     n, tc_alloc_stats_get().live_blocks);
		}
	}
}

static void bad_directory(void)
{
	pws_policy *p = tw_world();
	uint32_t used = 0, incl = 0;
	int role = 0, pm = 0;
	char buf[64];

	snap(p);
	/* pws_team_add */
	BAD(pws_team_add(NULL, "t", "T", PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
	BAD(pws_team_add(p, NULL, "T", PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
	BAD(pws_team_add(p, "", "T", PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
	BAD(pws_team_add(p, "t", NULL, PWS_PLAN_FREE, 0, RES), PWS_EINVALID);
	BAD(pws_team_add(p, "t", "T", 0, 0, RES), PWS_EINVALID);
	BAD(pws_team_add(p, "t", "T", 99, 0, RES), PWS_EINVALID);
	BAD(pws_team_add(p, "pub", "Again", PWS_PLAN_FREE, 0, RES), PWS_EEXISTS);
	BADVER(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, VR));
	/* pws_team_set_plan */
	BAD(pws_team_set_plan(NULL, "acme", PWS_PLAN_FREE, RES), PWS_EINVALID);
	BAD(pws_team_set_plan(p, NULL, PWS_PLAN_FREE, RES), PWS_EINVALID);
	BAD(pws_team_set_plan(p, "", PWS_PLAN_FREE, RES), PWS_EINVALID);
	BAD(pws_team_set_plan(p, "nope", PWS_PLAN_FREE, RES), PWS_ENOTFOUND);
	BAD(pws_team_set_plan(p, "acme", 0, RES), PWS_EINVALID);
	BAD(pws_team_set_plan(p, "acme", 99, RES), PWS_EINVALID);
	BADVER(pws_team_set_plan(p, "acme", PWS_PLAN_FREE, VR));
	/* pws_team_set_sso */
	BAD(pws_team_set_sso(NULL, "acme", 0, RES), PWS_EINVALID);
	BAD(pws_team_set_sso(p, NULL, 0, RES), PWS_EINVALID);
	BAD(pws_team_set_sso(p, "", 0, RES), PWS_EINVALID);
	BAD(pws_team_set_sso(p, "nope", 0, RES), PWS_ENOTFOUND);
	BADVER(pws_team_set_sso(p, "acme", 0, VR));
	/* pws_team_add_domain */
	BAD(pws_team_add_domain(NULL, "acme", "acme.org", RES), PWS_EINVALID);
	BAD(pws_team_add_domain(p, NULL, "acme.org", RES), PWS_EINVALID);
	BAD(pws_team_add_domain(p, "", "acme.org", RES), PWS_EINVALID);
	BAD(pws_team_add_domain(p, "nope", "acme.org", RES), PWS_ENOTFOUND);
	BAD(pws_team_add_domain(p, "acme", NULL, RES), PWS_EINVALID);
	BAD(pws_team_add_domain(p, "acme", "", RES), PWS_EINVALID);
	BAD(pws_team_add_domain(p, "acme", "nodots", RES), PWS_EINVALID);
	BAD(pws_team_add_domain(p, "acme", "has space.com", RES), PWS_EINVALID);
	BAD(pws_team_add_domain(p, "acme", "pub.com", RES), PWS_EEXISTS);
	BAD(pws_team_add_domain(p, "acme", "ACME.COM.", RES), PWS_EEXISTS);
	BADVER(pws_team_add_domain(p, "acme", "acme.org", VR));
	/* pws_team_remove_domain */
	BAD(pws_team_remove_domain(NULL, "acme", "acme.com", RES), PWS_EINVALID);
	BAD(pws_team_remove_domain(p, NULL, "acme.com", RES), PWS_EINVALID);
	BAD(pws_team_remove_domain(p, "", "acme.com", RES), PWS_EINVALID);
	BAD(pws_team_remove_domain(p, "nope", "acme.com", RES), PWS_ENOTFOUND);
	BAD(pws_team_remove_domain(p, "acme", NULL, RES), PWS_EINVALID);
	BAD(pws_team_remove_domain(p, "acme", "", RES), PWS_EINVALID);
	BAD(pws_team_remove_domain(p, "acme", "nope.com", RES), PWS_ENOTFOUND);
	BAD(pws_team_remove_domain(p, "acme", "pub.com", RES), PWS_ENOTFOUND);
	BADVER(pws_team_remove_domain(p, "acme", "acme.com", VR));
	/* pws_team_set_editor_seats */
	BAD(pws_team_set_editor_seats(NULL, "pub", 5, RES), PWS_EINVALID);
	BAD(pws_team_set_editor_seats(p, NULL, 5, RES), PWS_EINVALID);
	BAD(pws_team_set_editor_seats(p, "", 5, RES), PWS_EINVALID);
	BAD(pws_team_set_editor_seats(p, "nope", 5, RES), PWS_ENOTFOUND);
	BADVER(pws_team_set_editor_seats(p, "pub", 5, VR));
	/* pws_team_editor_seats */
	BADN(pws_team_editor_seats(NULL, &used, &incl, "pub"), PWS_EINVALID);
	BADN(pws_team_editor_seats(p, NULL, &incl, "pub"), PWS_EINVALID);
	BADN(pws_team_editor_seats(p, &used, &incl, NULL), PWS_EINVALID);
	BADN(pws_team_editor_seats(p, &used, &incl, ""), PWS_EINVALID);
	BADN(pws_team_editor_seats(p, &used, &incl, "nope"), PWS_ENOTFOUND);
	BADN(pws_team_editor_seats(p, &used, NULL, "pub"), PWS_OK); /* included may be NULL */
	/* pws_team_remove */
	BAD(pws_team_remove(NULL, "initech", RES), PWS_EINVALID);
	BAD(pws_team_remove(p, NULL, RES), PWS_EINVALID);
	BAD(pws_team_remove(p, "", RES), PWS_EINVALID);
	BAD(pws_team_remove(p, "nope", RES), PWS_ENOTFOUND);
	BAD(pws_team_remove(p, "pub", RES), PWS_ESTATE);
	BADVER(pws_team_remove(p, "initech", VR));
	/* pws_plan_set_retention */
	BAD(pws_plan_set_retention(NULL, PWS_PLAN_FREE, 30, 1000, RES), PWS_EINVALID);
	BAD(pws_plan_set_retention(p, 0, 30, 1000, RES), PWS_EINVALID);
	BAD(pws_plan_set_retention(p, 99, 30, 1000, RES), PWS_EINVALID);
	BADVER(pws_plan_set_retention(p, PWS_PLAN_FREE, 30, 1000, VR));
	/* pws_user_add */
	BAD(pws_user_add(NULL, "u", "u@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, NULL, "u@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "", "u@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "u", NULL, "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "u", "", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "u", "not-an-email", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "u", "u@pub.com", "", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "u", "u@pub.com", "nope", PWS_TEAM_MEMBER, 0, RES), PWS_ENOTFOUND);
	BAD(pws_user_add(p, "u", "u@pub.com", "pub", 0, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "u", "u@pub.com", "pub", 99, 0, RES), PWS_EINVALID);
	BAD(pws_user_add(p, "dev", "u@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EEXISTS);
	BAD(pws_user_add(p, "u", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EEXISTS);
	BAD(pws_user_add(p, "u", "dev@PUB.COM", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EEXISTS);
	BADD(pws_user_add(p, "u", "u@acme.com", "acme", PWS_TEAM_MEMBER, 1, RES), PWS_RULE_CR7);
	BADVER(pws_user_add(p, "u", "u@pub.com", "pub", PWS_TEAM_MEMBER, 0, VR));
	/* pws_user_set_team */
	BAD(pws_user_set_team(NULL, "a1", "initech", PWS_TEAM_MEMBER, RES), PWS_EINVALID);
	BAD(pws_user_set_team(p, NULL, "initech", PWS_TEAM_MEMBER, RES), PWS_EINVALID);
	BAD(pws_user_set_team(p, "", "initech", PWS_TEAM_MEMBER, RES), PWS_EINVALID);
	BAD(pws_user_set_team(p, "nope", "initech", PWS_TEAM_MEMBER, RES), PWS_ENOTFOUND);
	BAD(pws_user_set_team(p, "a1", "", PWS_TEAM_MEMBER, RES), PWS_EINVALID);
	BAD(pws_user_set_team(p, "a1", "nope", PWS_TEAM_MEMBER, RES), PWS_ENOTFOUND);
	BAD(pws_user_set_team(p, "a1", "initech", 0, RES), PWS_EINVALID);
	BAD(pws_user_set_team(p, "a1", "initech", 99, RES), PWS_EINVALID);
	BADVER(pws_user_set_team(p, "a1", "initech", PWS_TEAM_MEMBER, VR));
	BADVER(pws_user_set_team(p, "dev", NULL, 0, VR));
	/* pws_user_set_team_role */
	BAD(pws_user_set_team_role(NULL, "dev", PWS_TEAM_ADMIN, RES), PWS_EINVALID);
	BAD(pws_user_set_team_role(p, NULL, PWS_TEAM_ADMIN, RES), PWS_EINVALID);
	BAD(pws_user_set_team_role(p, "", PWS_TEAM_ADMIN, RES), PWS_EINVALID);
	BAD(pws_user_set_team_role(p, "nope", PWS_TEAM_ADMIN, RES), PWS_ENOTFOUND);
	BAD(pws_user_set_team_role(p, "dev", 0, RES), PWS_EINVALID);
	BAD(pws_user_set_team_role(p, "dev", 99, RES), PWS_EINVALID);
	BAD(pws_user_set_team_role(p, "solo", PWS_TEAM_ADMIN, RES), PWS_ESTATE);
	BADVER(pws_user_set_team_role(p, "dev", PWS_TEAM_ADMIN, VR));
	/* pws_user_set_partner_manager */
	BAD(pws_user_set_partner_manager(NULL, "dev", 1, RES), PWS_EINVALID);
	BAD(pws_user_set_partner_manager(p, NULL, 1, RES), PWS_EINVALID);
	BAD(pws_user_set_partner_manager(p, "", 1, RES), PWS_EINVALID);
	BAD(pws_user_set_partner_manager(p, "nope", 1, RES), PWS_ENOTFOUND);
	BAD(pws_user_set_partner_manager(p, "solo", 1, RES), PWS_ESTATE);
	BADD(pws_user_set_partner_manager(p, "a2", 1, RES), PWS_RULE_CR7);
	BADVER(pws_user_set_partner_manager(p, "dev", 1, VR));
	/* pws_user_remove */
	BAD(pws_user_remove(NULL, "g2", RES), PWS_EINVALID);
	BAD(pws_user_remove(p, NULL, RES), PWS_EINVALID);
	BAD(pws_user_remove(p, "", RES), PWS_EINVALID);
	BAD(pws_user_remove(p, "nope", RES), PWS_ENOTFOUND);
	BADVER(pws_user_remove(p, "g1", VR));
	/* pws_user_get */
	BADN(pws_user_get(NULL, &role, &pm, buf, sizeof(buf), "dev"), PWS_EINVALID);
	BADN(pws_user_get(p, &role, &pm, buf, sizeof(buf), NULL), PWS_EINVALID);
	BADN(pws_user_get(p, &role, &pm, buf, sizeof(buf), ""), PWS_EINVALID);
	BADN(pws_user_get(p, &role, &pm, buf, sizeof(buf), "nope"), PWS_ENOTFOUND);
	BADN(pws_user_get(p, &role, &pm, buf, 3, "dev"), PWS_EINVALID);  /* "pub" needs 4 */
	BADN(pws_user_get(p, &role, &pm, buf, 0, "dev"), PWS_EINVALID);
	BADN(pws_user_get(p, NULL, NULL, NULL, 0, "dev"), PWS_OK);      /* all outputs optional */
	pws_policy_free(p);
}

static void bad_workspace(void)
{
	pws_policy *p = tw_world();
	int v = 0, m = 0, md = 0, lc = 0;

	snap(p);
	/* pws_workspace_create */
	BAD(pws_workspace_create(NULL, "dev", "w", "W", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, NULL, "w", "W", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, "", "w", "W", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, "nope", "w", "W", PWS_VIS_TEAM, NULL, RES), PWS_ENOTFOUND);
	BAD(pws_workspace_create(p, "dev", NULL, "W", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, "dev", "", "W", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, "dev", "w", NULL, PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, "dev", "w", "W", 0, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, "dev", "w", "W", 99, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_create(p, "dev", "pw", "W", PWS_VIS_TEAM, NULL, RES), PWS_EEXISTS);
	BADD(pws_workspace_create(p, "solo", "w", "W", PWS_VIS_TEAM, NULL, RES), PWS_RULE_CR6);
	BADD(pws_workspace_create(p, "g1", "w", "W", PWS_VIS_PARTNER, NULL, RES), PWS_RULE_PL1);
	BADVER(pws_workspace_create(p, "dev", "w", "W", PWS_VIS_TEAM, NULL, VR));
	/* pws_workspace_add_legacy */
	BAD(pws_workspace_add_legacy(NULL, "pub", "lw", "L", "pm", RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, NULL, "lw", "L", "pm", RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, "", "lw", "L", "pm", RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, "nope", "lw", "L", "pm", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_add_legacy(p, "pub", NULL, "L", "pm", RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, "pub", "", "L", "pm", RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, "pub", "pw", "L", "pm", RES), PWS_EEXISTS);
	BAD(pws_workspace_add_legacy(p, "pub", "lw", NULL, "pm", RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, "pub", "lw", "L", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, "pub", "lw", "L", "", RES), PWS_EINVALID);
	BAD(pws_workspace_add_legacy(p, "pub", "lw", "L", "nope", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_add_legacy(p, "pub", "lw", "L", "a1", RES), PWS_EINVALID); /* not on pub */
	BADVER(pws_workspace_add_legacy(p, "pub", "lw", "L", "pm", VR));
	/* pws_workspace_convert */
	BAD(pws_workspace_convert(NULL, "dev2", "team-ws", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_convert(p, NULL, "team-ws", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_convert(p, "", "team-ws", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_convert(p, "nope", "team-ws", NULL, RES), PWS_ENOTFOUND);
	BAD(pws_workspace_convert(p, "dev2", NULL, NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_convert(p, "dev2", "", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_convert(p, "dev2", "nope", NULL, RES), PWS_ENOTFOUND);
	BAD(pws_workspace_convert(p, "pm", "pw", NULL, RES), PWS_ESTATE);   /* already partner */
	BADD(pws_workspace_convert(p, "g1", "team-ws", NULL, RES), -1);     /* not its admin */
	BADVER(pws_workspace_convert(p, "dev2", "team-ws", NULL, VR));
	/* pws_request_review: no pending request */
	BAD(pws_request_review(NULL, "pm", "pw", 1, RES), PWS_EINVALID);
	BAD(pws_request_review(p, NULL, "pw", 1, RES), PWS_EINVALID);
	BAD(pws_request_review(p, "", "pw", 1, RES), PWS_EINVALID);
	BAD(pws_request_review(p, "nope", "pw", 1, RES), PWS_ENOTFOUND);
	BAD(pws_request_review(p, "pm", NULL, 1, RES), PWS_EINVALID);
	BAD(pws_request_review(p, "pm", "", 1, RES), PWS_EINVALID);
	BAD(pws_request_review(p, "pm", "nope", 1, RES), PWS_ENOTFOUND);
	BAD(pws_request_review(p, "pm", "pw", 1, RES), PWS_ESTATE);
	BAD(pws_request_review(p, "pm", "team-ws", 0, RES), PWS_ESTATE);
	/* pws_workspace_set_details */
	BAD(pws_workspace_set_details(NULL, "pm", "pw", "N", "S", "D", RES), PWS_EINVALID);
	BAD(pws_workspace_set_details(p, NULL, "pw", "N", "S", "D", RES), PWS_EINVALID);
	BAD(pws_workspace_set_details(p, "", "pw", "N", "S", "D", RES), PWS_EINVALID);
	BAD(pws_workspace_set_details(p, "nope", "pw", "N", "S", "D", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_set_details(p, "pm", NULL, "N", "S", "D", RES), PWS_EINVALID);
	BAD(pws_workspace_set_details(p, "pm", "", "N", "S", "D", RES), PWS_EINVALID);
	BAD(pws_workspace_set_details(p, "pm", "nope", "N", "S", "D", RES), PWS_ENOTFOUND);
	BADD(pws_workspace_set_details(p, "g1", "pw", "N", "S", "D", RES), PWS_RULE_DT1);
	BADVER(pws_workspace_set_details(p, "pm", "pw", "N", "S", "D", VR));
	/* pws_workspace_set_visibility */
	BAD(pws_workspace_set_visibility(NULL, "dev2", "team-ws", PWS_VIS_PRIVATE, RES), PWS_EINVALID);
	BAD(pws_workspace_set_visibility(p, NULL, "team-ws", PWS_VIS_PRIVATE, RES), PWS_EINVALID);
	BAD(pws_workspace_set_visibility(p, "", "team-ws", PWS_VIS_PRIVATE, RES), PWS_EINVALID);
	BAD(pws_workspace_set_visibility(p, "nope", "team-ws", PWS_VIS_PRIVATE, RES), PWS_ENOTFOUND);
	BAD(pws_workspace_set_visibility(p, "dev2", NULL, PWS_VIS_PRIVATE, RES), PWS_EINVALID);
	BAD(pws_workspace_set_visibility(p, "dev2", "", PWS_VIS_PRIVATE, RES), PWS_EINVALID);
	BAD(pws_workspace_set_visibility(p, "dev2", "nope", PWS_VIS_PRIVATE, RES), PWS_ENOTFOUND);
	BAD(pws_workspace_set_visibility(p, "dev2", "team-ws", 0, RES), PWS_EINVALID);
	BAD(pws_workspace_set_visibility(p, "dev2", "team-ws", 99, RES), PWS_EINVALID);
	BAD(pws_workspace_set_visibility(p, "dev2", "team-ws", PWS_VIS_PARTNER, RES), PWS_EINVALID);
	BADD(pws_workspace_set_visibility(p, "pm", "pw", PWS_VIS_TEAM, RES), PWS_RULE_DL1);
	BADVER(pws_workspace_set_visibility(p, "dev2", "team-ws", PWS_VIS_PRIVATE, VR));
	/* pws_workspace_delete */
	BAD(pws_workspace_delete(NULL, "dev2", "team-ws", RES), PWS_EINVALID);
	BAD(pws_workspace_delete(p, NULL, "team-ws", RES), PWS_EINVALID);
	BAD(pws_workspace_delete(p, "", "team-ws", RES), PWS_EINVALID);
	BAD(pws_workspace_delete(p, "nope", "team-ws", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_delete(p, "dev2", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_delete(p, "dev2", "", RES), PWS_EINVALID);
	BAD(pws_workspace_delete(p, "dev2", "nope", RES), PWS_ENOTFOUND);
	/* a partner workspace cannot be deleted (DECISIONS.md: DL1 first; the
	 * rule tests name DL2 as the deciding rule) */
	BADD(pws_workspace_delete(p, "pm", "pw", RES), -1);
	BADD(pws_workspace_delete(p, "dev", "team-ws", RES), -1);
	BADVER(pws_workspace_delete(p, "dev2", "team-ws", VR));
	/* pws_workspace_enable_multi_partner */
	BAD(pws_workspace_enable_multi_partner(NULL, "pm", "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_enable_multi_partner(p, NULL, "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_enable_multi_partner(p, "", "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_enable_multi_partner(p, "nope", "pw", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_enable_multi_partner(p, "pm", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_enable_multi_partner(p, "pm", "", RES), PWS_EINVALID);
	BAD(pws_workspace_enable_multi_partner(p, "pm", "nope", RES), PWS_ENOTFOUND);
	BADD(pws_workspace_enable_multi_partner(p, "dev2", "team-ws", RES), PWS_RULE_MP1);
	BADD(pws_workspace_enable_multi_partner(p, "g1", "pw", RES), PWS_RULE_MP1);
	BADVER(pws_workspace_enable_multi_partner(p, "pm", "pw", VR));
	/* pws_workspace_migrate: "pw" is not legacy; a NULL actor is the host */
	BAD(pws_workspace_migrate(NULL, "pm", "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_migrate(p, "", "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_migrate(p, "nope", "pw", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_migrate(p, "pm", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_migrate(p, "pm", "", RES), PWS_EINVALID);
	BAD(pws_workspace_migrate(p, "pm", "nope", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_migrate(p, "pm", "pw", RES), PWS_ESTATE);
	BAD(pws_workspace_migrate(p, NULL, "pw", RES), PWS_ESTATE);
	BAD(pws_workspace_migrate(p, NULL, "team-ws", RES), PWS_ESTATE);
	/* pws_integration_enable */
	BAD(pws_integration_enable(NULL, "dev2", "team-ws", RES), PWS_EINVALID);
	BAD(pws_integration_enable(p, NULL, "team-ws", RES), PWS_EINVALID);
	BAD(pws_integration_enable(p, "", "team-ws", RES), PWS_EINVALID);
	BAD(pws_integration_enable(p, "nope", "team-ws", RES), PWS_ENOTFOUND);
	BAD(pws_integration_enable(p, "dev2", NULL, RES), PWS_EINVALID);
	BAD(pws_integration_enable(p, "dev2", "", RES), PWS_EINVALID);
	BAD(pws_integration_enable(p, "dev2", "nope", RES), PWS_ENOTFOUND);
	BADD(pws_integration_enable(p, "pm", "pw", RES), PWS_RULE_INT1);
	BADVER(pws_integration_enable(p, "dev2", "team-ws", VR));
	/* pws_integration_disable, pws_integration_get (0.2) */
	BAD(pws_integration_disable(NULL, "dev2", "team-ws", RES), PWS_EINVALID);
	BAD(pws_integration_disable(p, NULL, "team-ws", RES), PWS_EINVALID);
	BAD(pws_integration_disable(p, "", "team-ws", RES), PWS_EINVALID);
	BAD(pws_integration_disable(p, "nope", "team-ws", RES), PWS_ENOTFOUND);
	BAD(pws_integration_disable(p, "dev2", NULL, RES), PWS_EINVALID);
	BAD(pws_integration_disable(p, "dev2", "", RES), PWS_EINVALID);
	BAD(pws_integration_disable(p, "dev2", "nope", RES), PWS_ENOTFOUND);
	BADD(pws_integration_disable(p, "dev", "team-ws", RES), PWS_RULE_INT1);
	BADD(pws_integration_disable(p, "g1", "pw", RES), PWS_RULE_INT1);
	BADVER(pws_integration_disable(p, "dev2", "team-ws", VR));
	BADN(pws_integration_get(NULL, &v, "pw"), PWS_EINVALID);
	BADN(pws_integration_get(p, NULL, "pw"), PWS_EINVALID);
	BADN(pws_integration_get(p, &v, NULL), PWS_EINVALID);
	BADN(pws_integration_get(p, &v, "nope"), PWS_ENOTFOUND);
	/* pws_workspace_migrate_many: nothing legacy here */
	{
		static const char *const one[] = { "pw" }, *const two[] = { "pw", "pw" };
		static const char *const nul[] = { NULL }, *const unk[] = { "nope" };

		BAD(pws_workspace_migrate_many(NULL, "pm", one, 1, RES), PWS_EINVALID);
		BAD(pws_workspace_migrate_many(p, "pm", NULL, 1, RES), PWS_EINVALID);
		BAD(pws_workspace_migrate_many(p, "pm", one, 0, RES), PWS_EINVALID);
		BAD(pws_workspace_migrate_many(p, "pm", two, 2, RES), PWS_EINVALID);
		BAD(pws_workspace_migrate_many(p, "pm", nul, 1, RES), PWS_EINVALID);
		BAD(pws_workspace_migrate_many(p, "", one, 1, RES), PWS_EINVALID);
		BAD(pws_workspace_migrate_many(p, "nope", one, 1, RES), PWS_ENOTFOUND);
		BAD(pws_workspace_migrate_many(p, "pm", unk, 1, RES), PWS_ENOTFOUND);
		BAD(pws_workspace_migrate_many(p, "pm", one, 1, RES), PWS_ESTATE);
		BADVER(pws_workspace_migrate_many(p, "pm", one, 1, VR));
	}
	/* pws_workspace_get */
	BADN(pws_workspace_get(NULL, &v, &m, &md, &lc, "pw"), PWS_EINVALID);
	BADN(pws_workspace_get(p, &v, &m, &md, &lc, NULL), PWS_EINVALID);
	BADN(pws_workspace_get(p, &v, &m, &md, &lc, ""), PWS_EINVALID);
	BADN(pws_workspace_get(p, &v, &m, &md, &lc, "nope"), PWS_ENOTFOUND);
	BADN(pws_workspace_get(p, NULL, NULL, NULL, NULL, "pw"), PWS_OK);

	/* wrong states: convert twice, review of a conversion by a non-reviewer,
	 * enable multi twice, delete twice, migrate twice */
	SETUP(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	snap(p);
	BAD(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES), PWS_ESTATE);
	BADD(pws_request_review(p, "dev", "team-ws", 1, RES), PWS_RULE_CR3);
	BADD(pws_request_review(p, "a1", "team-ws", 1, RES), -1);
	BADVER(pws_request_review(p, "pm", "team-ws", 1, VR));
	BADVER(pws_request_review(p, "pm", "team-ws", 0, VR));
	SETUP(pws_request_review(p, "pm", "team-ws", 0, RES));
	snap(p);
	BAD(pws_request_review(p, "pm", "team-ws", 0, RES), PWS_ESTATE);

	SETUP(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	snap(p);
	BADD(pws_workspace_enable_multi_partner(p, "pm", "pw", RES), PWS_RULE_MP1);

	SETUP(pws_workspace_create(p, "dev2", "gone", "Gone", PWS_VIS_TEAM, NULL, RES));
	SETUP(pws_workspace_delete(p, "dev2", "gone", RES));
	snap(p);
	BAD2(pws_workspace_delete(p, "dev2", "gone", RES), PWS_EDENIED, PWS_ESTATE);
	BAD2(pws_workspace_set_details(p, "dev2", "gone", "N", NULL, NULL, RES), PWS_EDENIED, PWS_ESTATE);
	BAD2(pws_workspace_convert(p, "dev2", "gone", NULL, RES), PWS_EDENIED, PWS_ESTATE);
	BAD(pws_workspace_create(p, "dev2", "gone", "Gone", PWS_VIS_TEAM, NULL, RES), PWS_EEXISTS);
	BAD2(pws_element_add(p, "dev2", "gone", "e", PWS_EL_API, 1, NULL, RES), PWS_EDENIED, PWS_ESTATE);
	BAD2(pws_integration_enable(p, "dev2", "gone", RES), PWS_EDENIED, PWS_ESTATE);
	BAD2(pws_workspace_set_visibility(p, "dev2", "gone", PWS_VIS_PUBLIC, RES), PWS_EDENIED,
	     PWS_ESTATE);
	BAD2(pws_workspace_visit(p, "dev2", "gone", RES), PWS_EDENIED, PWS_ESTATE);

	/* a pending creation: only review applies (LC1) */
	SETUP(pws_workspace_create(p, "dev", "req", "Req", PWS_VIS_PARTNER, NULL, RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	snap(p);
	BADD(pws_request_review(p, "dev", "req", 1, RES), -1);
	BAD2(pws_workspace_set_details(p, "dev", "req", "N", NULL, NULL, RES), PWS_EDENIED, PWS_ESTATE);
	BAD2(pws_workspace_enable_multi_partner(p, "pm", "req", RES), PWS_EDENIED, PWS_ESTATE);
	BAD2(pws_invite(p, "dev", "req", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES),
	     PWS_EDENIED, PWS_ESTATE);
	BAD2(pws_element_add(p, "dev", "req", "e", PWS_EL_API, 1, NULL, RES), PWS_EDENIED, PWS_ESTATE);

	/* migrate: a real legacy workspace, by a non-manager, then twice */
	SETUP(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	snap(p);
	BADD(pws_workspace_migrate(p, "dev", "lw", RES), -1);
	BADD(pws_workspace_migrate(p, "a1", "lw", RES), -1);
	BADVER(pws_workspace_migrate(p, "pm", "lw", VR));
	BADVER(pws_workspace_migrate(p, NULL, "lw", VR));
	SETUP(pws_workspace_migrate(p, "pm", "lw", RES));
	snap(p);
	BAD(pws_workspace_migrate(p, "pm", "lw", RES), PWS_ESTATE);
	BAD(pws_workspace_migrate(p, NULL, "lw", RES), PWS_ESTATE);
	pws_policy_free(p);
}

static void bad_members(void)
{
	pws_policy *p = tw_world();
	pws_bulk_report *rep;
	const char txt[] = "a2@acme.com\ni1@initech.com\n";
	int k = 0, r = 0, l = 0;
	uint32_t line = 0;
	unsigned vi;

	snap(p);
	/* pws_invite */
	BAD(pws_invite(NULL, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, NULL, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "nope", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_ENOTFOUND);
	BAD(pws_invite(p, "pm", NULL, "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "nope", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_ENOTFOUND);
	BAD(pws_invite(p, "pm", "pw", NULL, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "pw", "", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "pw", "not-an-email", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "pw", "a2@acme.com", 0, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "pw", "a2@acme.com", 99, PWS_ROLE_VIEWER, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, 0, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, 99, 0, RES), PWS_EINVALID);
	BAD(pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_EEXISTS);
	BADD(pws_invite(p, "pm", "pw", "x@gmail.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES), PWS_RULE_IN2);
	BADD(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_ADMIN, 0, RES), PWS_RULE_RO1);
	BADD(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_RULE_IN4);
	BADD(pws_invite(p, "g1", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_RULE_IN1);
	BADD(pws_invite(p, "dev2", "team-ws", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES), PWS_RULE_WS2);
	BADVER(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, VR));
	/* pws_invite_bulk */
#define BULK(pol, a, w, t, n, f, mo, ki, ro) \
	pws_invite_bulk(pol, &rep, a, w, t, n, f, mo, ki, ro, 0, RES)
#define BULKBAD(code, pol, a, w, t, n, f, mo, ki, ro) do { rep = NULL; \
	BAD(BULK(pol, a, w, t, n, f, mo, ki, ro), code); \
	pws_bulk_report_free(rep); } while (0)
	BULKBAD(PWS_EINVALID, NULL, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, NULL, "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "", "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_ENOTFOUND, p, "nope", "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", NULL, txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_ENOTFOUND, p, "pm", "nope", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", NULL, 10, PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), 0, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), 99, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, 0, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, 99, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, 0, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, 99, PWS_ROLE_VIEWER);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, 0);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, 99);
	BULKBAD(PWS_EINVALID, p, "pm", "pw", txt, strlen(txt), PWS_BULK_CSV, 0, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	for (vi = 0; vi < 2; vi++) {
		memset(&vr, 0, sizeof(vr));
		vr.version = vi ? 99 : 0;
		rep = NULL;
		bad_check(__LINE__, "pws_invite_bulk [res.version bad]",
		          pws_invite_bulk(p, &rep, "pm", "pw", txt, strlen(txt), PWS_BULK_TXT,
		                          PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER,
		                          0, VR), PWS_EINVALID, PWS_EINVALID, -1, NULL);
		pws_bulk_report_free(rep);
	}
	/* an all-or-nothing file with a bad line: nothing invited, lines reported */
	{
		const char badtxt[] = "a2@acme.com\nnot-an-email\n";

		rep = NULL;
		BAD(pws_invite_bulk(p, &rep, "pm", "pw", badtxt, strlen(badtxt), PWS_BULK_TXT,
		                    PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
		                    RES), PWS_EINVALID);
		EXPECT(rep != NULL);
		EXPECT(pws_bulk_report_errors(rep) == 1);
		BADN(pws_bulk_report_get(rep, 1, &line, &k, &r, NULL), PWS_EINVALID);
		BADN(pws_bulk_report_get(rep, (size_t)-1, NULL, NULL, NULL, NULL), PWS_EINVALID);
		BADN(pws_bulk_report_get(rep, 0, NULL, NULL, NULL, NULL), PWS_OK);
		pws_bulk_report_free(rep);
	}
	/* pws_invite_accept / pws_invite_decline: no open invite */
	BAD(pws_invite_accept(NULL, "a2", "pw", NULL, RES), PWS_EINVALID);
	BAD(pws_invite_accept(p, NULL, "pw", NULL, RES), PWS_EINVALID);
	BAD(pws_invite_accept(p, "", "pw", NULL, RES), PWS_EINVALID);
	BAD(pws_invite_accept(p, "nope", "pw", NULL, RES), PWS_ENOTFOUND);
	BAD(pws_invite_accept(p, "a2", NULL, NULL, RES), PWS_EINVALID);
	BAD(pws_invite_accept(p, "a2", "", NULL, RES), PWS_EINVALID);
	BAD(pws_invite_accept(p, "a2", "nope", NULL, RES), PWS_ENOTFOUND);
	BAD(pws_invite_accept(p, "a2", "pw", NULL, RES), PWS_ENOTFOUND);   /* accept without invite */
	BAD(pws_invite_accept(p, "a1", "pw", NULL, RES), PWS_ENOTFOUND);   /* already accepted */
	BAD(pws_invite_decline(NULL, "a2", "pw", RES), PWS_EINVALID);
	BAD(pws_invite_decline(p, NULL, "pw", RES), PWS_EINVALID);
	BAD(pws_invite_decline(p, "", "pw", RES), PWS_EINVALID);
	BAD(pws_invite_decline(p, "nope", "pw", RES), PWS_ENOTFOUND);
	BAD(pws_invite_decline(p, "a2", NULL, RES), PWS_EINVALID);
	BAD(pws_invite_decline(p, "a2", "", RES), PWS_EINVALID);
	BAD(pws_invite_decline(p, "a2", "nope", RES), PWS_ENOTFOUND);
	/* compaction: only the handle can be bad (without storage it is a no-op;
	 * a store without del: check_storage.c) */
	BAD(pws_compact(NULL, RES), PWS_EINVALID);
	BAD(pws_invite_decline(p, "a2", "pw", RES), PWS_ENOTFOUND);
	/* with an open invite: wrong team, a stranger, a teamless partner */
	SETUP(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	SETUP(pws_invite(p, "pm", "pw", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	snap(p);
	BAD(pws_invite_accept(p, "a2", "pw", "", RES), PWS_EINVALID);
	BAD(pws_invite_accept(p, "a2", "pw", "nope", RES), PWS_ENOTFOUND);
	BADD(pws_invite_accept(p, "a2", "pw", "initech", RES), PWS_RULE_WS3);
	BAD(pws_invite_accept(p, "a3", "pw", NULL, RES), PWS_ENOTFOUND);   /* not theirs */
	BADD(pws_invite_accept(p, "solo", "pw", NULL, RES), PWS_RULE_IN6);
	BADVER(pws_invite_accept(p, "a2", "pw", NULL, VR));
	BADVER(pws_invite_decline(p, "a2", "pw", VR));
	/* pws_invite_withdraw (IN7): malformed, unknown, not allowed */
	BAD(pws_invite_withdraw(NULL, "pm", "pw", "a2@acme.com", RES), PWS_EINVALID);
	BAD(pws_invite_withdraw(p, NULL, "pw", "a2@acme.com", RES), PWS_EINVALID);
	BAD(pws_invite_withdraw(p, "pm", "", "a2@acme.com", RES), PWS_EINVALID);
	BAD(pws_invite_withdraw(p, "pm", "pw", NULL, RES), PWS_EINVALID);
	BAD(pws_invite_withdraw(p, "pm", "pw", "not an email", RES), PWS_EINVALID);
	BAD(pws_invite_withdraw(p, "nope", "pw", "a2@acme.com", RES), PWS_ENOTFOUND);
	BAD(pws_invite_withdraw(p, "pm", "nope", "a2@acme.com", RES), PWS_ENOTFOUND);
	BAD(pws_invite_withdraw(p, "pm", "pw", "zz@acme.com", RES), PWS_ENOTFOUND);
	BADD(pws_invite_withdraw(p, "g1", "pw", "a2@acme.com", RES), PWS_RULE_IN7);
	BADVER(pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", VR));
	BADN(pws_invite_get(NULL, &k, &r, &l, "pw", "a2@acme.com"), PWS_EINVALID);
	BADN(pws_invite_get(p, &k, &r, &l, NULL, "a2@acme.com"), PWS_EINVALID);
	BADN(pws_invite_get(p, &k, &r, &l, "", "a2@acme.com"), PWS_EINVALID);
	BADN(pws_invite_get(p, &k, &r, &l, "nope", "a2@acme.com"), PWS_ENOTFOUND);
	BADN(pws_invite_get(p, &k, &r, &l, "pw", NULL), PWS_EINVALID);
	BADN(pws_invite_get(p, &k, &r, &l, "pw", ""), PWS_EINVALID);
	BADN(pws_invite_get(p, &k, &r, &l, "pw", "a3@acme.com"), PWS_ENOTFOUND);
	BADN(pws_invite_get(p, NULL, NULL, NULL, "pw", "A2@ACME.COM"), PWS_OK);
	/* pws_member_set_role */
	BAD(pws_member_set_role(NULL, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, NULL, "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, "", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, "nope", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_ENOTFOUND);
	BAD(pws_member_set_role(p, "pm", NULL, "g1", PWS_ROLE_EDITOR, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, "pm", "", "g1", PWS_ROLE_EDITOR, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, "pm", "nope", "g1", PWS_ROLE_EDITOR, RES), PWS_ENOTFOUND);
	BAD(pws_member_set_role(p, "pm", "pw", NULL, PWS_ROLE_EDITOR, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, "pm", "pw", "", PWS_ROLE_EDITOR, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, "pm", "pw", "nope", PWS_ROLE_EDITOR, RES), PWS_ENOTFOUND);
	BAD(pws_member_set_role(p, "pm", "pw", "a2", PWS_ROLE_EDITOR, RES), PWS_ENOTFOUND); /* not a member */
	BAD(pws_member_set_role(p, "pm", "pw", "g1", 0, RES), PWS_EINVALID);
	BAD(pws_member_set_role(p, "pm", "pw", "g1", 99, RES), PWS_EINVALID);
	BADD(pws_member_set_role(p, "pm", "pw", "pm", PWS_ROLE_VIEWER, RES), PWS_RULE_RO5);
	BADD(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_ADMIN, RES), PWS_RULE_RO1);
	BADD(pws_member_set_role(p, "g1", "pw", "dev", PWS_ROLE_VIEWER, RES), PWS_RULE_RO4);
	BADVER(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, VR));
	/* pws_member_set_lead */
	BAD(pws_member_set_lead(NULL, "pm", "pw", "g1", 1, RES), PWS_EINVALID);
	BAD(pws_member_set_lead(p, NULL, "pw", "g1", 1, RES), PWS_EINVALID);
	BAD(pws_member_set_lead(p, "", "pw", "g1", 1, RES), PWS_EINVALID);
	BAD(pws_member_set_lead(p, "nope", "pw", "g1", 1, RES), PWS_ENOTFOUND);
	BAD(pws_member_set_lead(p, "pm", NULL, "g1", 1, RES), PWS_EINVALID);
	BAD(pws_member_set_lead(p, "pm", "", "g1", 1, RES), PWS_EINVALID);
	BAD(pws_member_set_lead(p, "pm", "nope", "g1", 1, RES), PWS_ENOTFOUND);
	BAD(pws_member_set_lead(p, "pm", "pw", NULL, 1, RES), PWS_EINVALID);
	BAD(pws_member_set_lead(p, "pm", "pw", "", 1, RES), PWS_EINVALID);
	BAD(pws_member_set_lead(p, "pm", "pw", "nope", 1, RES), PWS_ENOTFOUND);
	BAD(pws_member_set_lead(p, "pm", "pw", "a2", 1, RES), PWS_ENOTFOUND);
	BADD(pws_member_set_lead(p, "a1", "pw", "a1", 0, RES), PWS_RULE_RO5);
	BADD(pws_member_set_lead(p, "dev", "pw", "g1", 1, RES), PWS_RULE_RO3);
	BADVER(pws_member_set_lead(p, "pm", "pw", "g1", 1, VR));
	/* pws_member_remove */
	BAD(pws_member_remove(NULL, "pm", "pw", "g1", RES), PWS_EINVALID);
	BAD(pws_member_remove(p, NULL, "pw", "g1", RES), PWS_EINVALID);
	BAD(pws_member_remove(p, "", "pw", "g1", RES), PWS_EINVALID);
	BAD(pws_member_remove(p, "nope", "pw", "g1", RES), PWS_ENOTFOUND);
	BAD(pws_member_remove(p, "pm", NULL, "g1", RES), PWS_EINVALID);
	BAD(pws_member_remove(p, "pm", "", "g1", RES), PWS_EINVALID);
	BAD(pws_member_remove(p, "pm", "nope", "g1", RES), PWS_ENOTFOUND);
	BAD(pws_member_remove(p, "pm", "pw", NULL, RES), PWS_EINVALID);
	BAD(pws_member_remove(p, "pm", "pw", "", RES), PWS_EINVALID);
	BAD(pws_member_remove(p, "pm", "pw", "nope", RES), PWS_ENOTFOUND);
	BAD(pws_member_remove(p, "pm", "pw", "a2", RES), PWS_ENOTFOUND);
	BADD(pws_member_remove(p, "g1", "pw", "dev", RES), PWS_RULE_RO4);
	BADVER(pws_member_remove(p, "pm", "pw", "g1", VR));
	/* pws_partner_end */
	BAD(pws_partner_end(NULL, "pm", "pub", "a1", RES), PWS_EINVALID);
	BAD(pws_partner_end(p, NULL, "pub", "a1", RES), PWS_EINVALID);
	BAD(pws_partner_end(p, "", "pub", "a1", RES), PWS_EINVALID);
	BAD(pws_partner_end(p, "nope", "pub", "a1", RES), PWS_ENOTFOUND);
	BAD(pws_partner_end(p, "pm", NULL, "a1", RES), PWS_EINVALID);
	BAD(pws_partner_end(p, "pm", "", "a1", RES), PWS_EINVALID);
	BAD(pws_partner_end(p, "pm", "nope", "a1", RES), PWS_ENOTFOUND);
	BAD(pws_partner_end(p, "pm", "pub", NULL, RES), PWS_EINVALID);
	BAD(pws_partner_end(p, "pm", "pub", "", RES), PWS_EINVALID);
	BAD(pws_partner_end(p, "pm", "pub", "nope", RES), PWS_ENOTFOUND);
	BADD(pws_partner_end(p, "dev", "pub", "a1", RES), PWS_RULE_RM2);
	BADVER(pws_partner_end(p, "pm", "pub", "a1", VR));

	/* wrong states: the last team Admin (RO6), no free seat (PL4) */
	SETUP(pws_user_set_partner_manager(p, "admin", 1, RES));
	SETUP(pws_team_set_editor_seats(p, "pub", 1, RES));
	snap(p);
	BADD(pws_member_remove(p, "admin", "pw", "pm", RES), PWS_RULE_RO6);
	BADD(pws_member_set_role(p, "admin", "pw", "pm", PWS_ROLE_VIEWER, RES), PWS_RULE_RO6);
	BADD(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_PL4);
	/* multi-partner mode: partners are viewers (RO2) */
	SETUP(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	snap(p);
	BADD(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_RO2);
	BADD(pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES),
	     PWS_RULE_RO2);
	pws_policy_free(p);
}

static void bad_elements(void)
{
	pws_policy *p = tw_world();
	int k = 0, t = 0;
	uint32_t unread = 0;
	char buf[64];

	SETUP(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_TEAM, NULL, RES));
	SETUP(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
	SETUP(pws_update_post(p, "dev", "pw", "u1", "hello", NOW, RES));
	SETUP(pws_update_reply(p, "g1", "u1", "r1", "thanks", NOW + 1, RES));
	SETUP(pws_history_add(p, "g1", "pw", "h1", "ran col", NOW, RES));
	SETUP(pws_comment_add(p, "g1", "col", "c1", "nice", RES));
	snap(p);
	/* pws_element_add */
	BAD(pws_element_add(NULL, "dev", "pw", "e", PWS_EL_API, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, NULL, "pw", "e", PWS_EL_API, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "", "pw", "e", PWS_EL_API, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "nope", "pw", "e", PWS_EL_API, 10, NULL, RES), PWS_ENOTFOUND);
	BAD(pws_element_add(p, "dev", NULL, "e", PWS_EL_API, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "", "e", PWS_EL_API, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "nope", "e", PWS_EL_API, 10, NULL, RES), PWS_ENOTFOUND);
	BAD(pws_element_add(p, "dev", "pw", NULL, PWS_EL_API, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "pw", "", PWS_EL_API, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "pw", "col", PWS_EL_API, 10, NULL, RES), PWS_EEXISTS);
	BAD(pws_element_add(p, "dev", "pw", "e", 0, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "pw", "e", 99, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "pw", "e", PWS_EL_MONITOR, 10, NULL, RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "pw", "e", PWS_EL_MONITOR, 10, "", RES), PWS_EINVALID);
	BAD(pws_element_add(p, "dev", "pw", "e", PWS_EL_MOCK_SERVER, 10, "nope", RES), PWS_ENOTFOUND);
	BAD(pws_element_add(p, "dev", "pw", "e", PWS_EL_API, 10, "col", RES), PWS_EINVALID);
	BADD(pws_element_add(p, "g1", "pw", "e", PWS_EL_API, 10, NULL, RES), PWS_RULE_ED1);
	BADVER(pws_element_add(p, "dev", "pw", "e", PWS_EL_API, 10, NULL, VR));
	/* pws_element_add_editor */
	BAD(pws_element_add_editor(NULL, "pm", "col", "a1", RES), PWS_EINVALID);
	BAD(pws_element_add_editor(p, NULL, "col", "a1", RES), PWS_EINVALID);
	BAD(pws_element_add_editor(p, "", "col", "a1", RES), PWS_EINVALID);
	BAD(pws_element_add_editor(p, "nope", "col", "a1", RES), PWS_ENOTFOUND);
	BAD(pws_element_add_editor(p, "pm", NULL, "a1", RES), PWS_EINVALID);
	BAD(pws_element_add_editor(p, "pm", "", "a1", RES), PWS_EINVALID);
	BAD(pws_element_add_editor(p, "pm", "nope", "a1", RES), PWS_ENOTFOUND);
	BAD(pws_element_add_editor(p, "pm", "col", NULL, RES), PWS_EINVALID);
	BAD(pws_element_add_editor(p, "pm", "col", "", RES), PWS_EINVALID);
	BAD(pws_element_add_editor(p, "pm", "col", "nope", RES), PWS_ENOTFOUND);
	BAD2(pws_element_add_editor(p, "pm", "col", "a2", RES), PWS_ENOTFOUND, PWS_EINVALID);
	BADD(pws_element_add_editor(p, "dev", "col", "a1", RES), -1);
	BADVER(pws_element_add_editor(p, "pm", "col", "a1", VR));
	/* pws_element_move */
	BAD(pws_element_move(NULL, "pm", "col", "pm-ws", RES), PWS_EINVALID);
	BAD(pws_element_move(p, NULL, "col", "pm-ws", RES), PWS_EINVALID);
	BAD(pws_element_move(p, "", "col", "pm-ws", RES), PWS_EINVALID);
	BAD(pws_element_move(p, "nope", "col", "pm-ws", RES), PWS_ENOTFOUND);
	BAD(pws_element_move(p, "pm", NULL, "pm-ws", RES), PWS_EINVALID);
	BAD(pws_element_move(p, "pm", "", "pm-ws", RES), PWS_EINVALID);
	BAD(pws_element_move(p, "pm", "nope", "pm-ws", RES), PWS_ENOTFOUND);
	BAD(pws_element_move(p, "pm", "col", NULL, RES), PWS_EINVALID);
	BAD(pws_element_move(p, "pm", "col", "", RES), PWS_EINVALID);
	BAD(pws_element_move(p, "pm", "col", "nope", RES), PWS_ENOTFOUND);
	/* same workspace: MV1 says "not the same one"; EINVALID is documented too */
	BAD2(pws_element_move(p, "pm", "col", "pw", RES), PWS_EDENIED, PWS_EINVALID);
	BADD(pws_element_move(p, "g1", "col", "pm-ws", RES), -1);
	BADVER(pws_element_move(p, "pm", "col", "pm-ws", VR));
	/* pws_element_fork */
	BAD(pws_element_fork(NULL, "dev", "col", "f", "dev-ws", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, NULL, "col", "f", "dev-ws", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "", "col", "f", "dev-ws", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "nope", "col", "f", "dev-ws", RES), PWS_ENOTFOUND);
	BAD(pws_element_fork(p, "dev", NULL, "f", "dev-ws", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "dev", "", "f", "dev-ws", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "dev", "nope", "f", "dev-ws", RES), PWS_ENOTFOUND);
	BAD(pws_element_fork(p, "dev", "col", NULL, "dev-ws", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "dev", "col", "", "dev-ws", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "dev", "col", "col", "dev-ws", RES), PWS_EEXISTS);
	BAD(pws_element_fork(p, "dev", "col", "f", NULL, RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "dev", "col", "f", "", RES), PWS_EINVALID);
	BAD(pws_element_fork(p, "dev", "col", "f", "nope", RES), PWS_ENOTFOUND);
	BADD(pws_element_fork(p, "solo", "col", "f", "dev-ws", RES), -1);
	BADVER(pws_element_fork(p, "dev", "col", "f", "dev-ws", VR));
	/* pws_element_delete */
	BAD(pws_element_delete(NULL, "dev", "col", NOW, RES), PWS_EINVALID);
	BAD(pws_element_delete(p, NULL, "col", NOW, RES), PWS_EINVALID);
	BAD(pws_element_delete(p, "", "col", NOW, RES), PWS_EINVALID);
	BAD(pws_element_delete(p, "nope", "col", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_element_delete(p, "dev", NULL, NOW, RES), PWS_EINVALID);
	BAD(pws_element_delete(p, "dev", "", NOW, RES), PWS_EINVALID);
	BAD(pws_element_delete(p, "dev", "nope", NOW, RES), PWS_ENOTFOUND);
	BADD(pws_element_delete(p, "g1", "col", NOW, RES), PWS_RULE_RM1);
	BADVER(pws_element_delete(p, "dev", "col", NOW, VR));
	/* pws_element_restore: of an element that is not in the trash */
	BAD(pws_element_restore(NULL, "dev", "col", NOW, RES), PWS_EINVALID);
	BAD(pws_element_restore(p, NULL, "col", NOW, RES), PWS_EINVALID);
	BAD(pws_element_restore(p, "", "col", NOW, RES), PWS_EINVALID);
	BAD(pws_element_restore(p, "nope", "col", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_element_restore(p, "dev", NULL, NOW, RES), PWS_EINVALID);
	BAD(pws_element_restore(p, "dev", "", NOW, RES), PWS_EINVALID);
	BAD(pws_element_restore(p, "dev", "nope", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_element_restore(p, "dev", "col", NOW, RES), PWS_ESTATE);
	/* pws_update_post */
	BAD(pws_update_post(NULL, "dev", "pw", "u2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_post(p, NULL, "pw", "u2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_post(p, "", "pw", "u2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_post(p, "nope", "pw", "u2", "x", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_update_post(p, "dev", NULL, "u2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_post(p, "dev", "", "u2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_post(p, "dev", "nope", "u2", "x", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_update_post(p, "dev", "pw", NULL, "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_post(p, "dev", "pw", "", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_post(p, "dev", "pw", "u1", "x", NOW, RES), PWS_EEXISTS);
	BAD(pws_update_post(p, "dev", "pw", "u2", NULL, NOW, RES), PWS_EINVALID);
	BADD(pws_update_post(p, "g1", "pw", "u2", "x", NOW, RES), PWS_RULE_UP1);
	BADVER(pws_update_post(p, "dev", "pw", "u2", "x", NOW, VR));
	/* pws_update_reply */
	BAD(pws_update_reply(NULL, "g1", "u1", "r2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_reply(p, NULL, "u1", "r2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_reply(p, "", "u1", "r2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_reply(p, "nope", "u1", "r2", "x", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_update_reply(p, "g1", NULL, "r2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_reply(p, "g1", "", "r2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_reply(p, "g1", "nope", "r2", "x", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_update_reply(p, "g1", "u1", NULL, "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_reply(p, "g1", "u1", "", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_update_reply(p, "g1", "u1", "r1", "x", NOW, RES), PWS_EEXISTS);
	BAD(pws_update_reply(p, "g1", "u1", "r2", NULL, NOW, RES), PWS_EINVALID);
	BADD(pws_update_reply(p, "dev2", "u1", "r2", "x", NOW, RES), -1);
	BADVER(pws_update_reply(p, "g1", "u1", "r2", "x", NOW, VR));
	/* pws_workspace_visit */
	BAD(pws_workspace_visit(NULL, "g1", "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_visit(p, NULL, "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_visit(p, "", "pw", RES), PWS_EINVALID);
	BAD(pws_workspace_visit(p, "nope", "pw", RES), PWS_ENOTFOUND);
	BAD(pws_workspace_visit(p, "g1", NULL, RES), PWS_EINVALID);
	BAD(pws_workspace_visit(p, "g1", "", RES), PWS_EINVALID);
	BAD(pws_workspace_visit(p, "g1", "nope", RES), PWS_ENOTFOUND);
	BADD(pws_workspace_visit(p, "dev2", "pw", RES), -1);
	BADVER(pws_workspace_visit(p, "g1", "pw", VR));
	/* pws_workspace_unread */
	BADN(pws_workspace_unread(NULL, &unread, "g1", "pw"), PWS_EINVALID);
	BADN(pws_workspace_unread(p, NULL, "g1", "pw"), PWS_EINVALID);
	BADN(pws_workspace_unread(p, &unread, NULL, "pw"), PWS_EINVALID);
	BADN(pws_workspace_unread(p, &unread, "", "pw"), PWS_EINVALID);
	BADN(pws_workspace_unread(p, &unread, "nope", "pw"), PWS_ENOTFOUND);
	BADN(pws_workspace_unread(p, &unread, "g1", NULL), PWS_EINVALID);
	BADN(pws_workspace_unread(p, &unread, "g1", ""), PWS_EINVALID);
	BADN(pws_workspace_unread(p, &unread, "g1", "nope"), PWS_ENOTFOUND);
	BADN(pws_workspace_unread(p, &unread, "dev2", "pw"), PWS_EDENIED);
	/* pws_history_add */
	BAD(pws_history_add(NULL, "g1", "pw", "h2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_history_add(p, NULL, "pw", "h2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_history_add(p, "", "pw", "h2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_history_add(p, "nope", "pw", "h2", "x", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_history_add(p, "g1", NULL, "h2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_history_add(p, "g1", "", "h2", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_history_add(p, "g1", "nope", "h2", "x", NOW, RES), PWS_ENOTFOUND);
	BAD(pws_history_add(p, "g1", "pw", NULL, "x", NOW, RES), PWS_EINVALID);
	BAD(pws_history_add(p, "g1", "pw", "", "x", NOW, RES), PWS_EINVALID);
	BAD(pws_history_add(p, "g1", "pw", "h1", "x", NOW, RES), PWS_EEXISTS);
	BAD(pws_history_add(p, "g1", "pw", "h2", NULL, NOW, RES), PWS_EINVALID);
	BADD(pws_history_add(p, "dev2", "pw", "h2", "x", NOW, RES), PWS_RULE_AC1);
	BADVER(pws_history_add(p, "g1", "pw", "h2", "x", NOW, VR));
	/* pws_comment_add */
	BAD(pws_comment_add(NULL, "g1", "col", "c2", "x", RES), PWS_EINVALID);
	BAD(pws_comment_add(p, NULL, "col", "c2", "x", RES), PWS_EINVALID);
	BAD(pws_comment_add(p, "", "col", "c2", "x", RES), PWS_EINVALID);
	BAD(pws_comment_add(p, "nope", "col", "c2", "x", RES), PWS_ENOTFOUND);
	BAD(pws_comment_add(p, "g1", NULL, "c2", "x", RES), PWS_EINVALID);
	BAD(pws_comment_add(p, "g1", "", "c2", "x", RES), PWS_EINVALID);
	BAD(pws_comment_add(p, "g1", "nope", "c2", "x", RES), PWS_ENOTFOUND);
	BAD(pws_comment_add(p, "g1", "col", NULL, "x", RES), PWS_EINVALID);
	BAD(pws_comment_add(p, "g1", "col", "", "x", RES), PWS_EINVALID);
	BAD(pws_comment_add(p, "g1", "col", "c1", "x", RES), PWS_EEXISTS);
	BAD(pws_comment_add(p, "g1", "col", "c2", NULL, RES), PWS_EINVALID);
	BADD(pws_comment_add(p, "dev2", "col", "c2", "x", RES), -1);
	BADVER(pws_comment_add(p, "g1", "col", "c2", "x", VR));
	/* pws_element_get */
	BADN(pws_element_get(NULL, &k, &t, buf, sizeof(buf), "col"), PWS_EINVALID);
	BADN(pws_element_get(p, &k, &t, buf, sizeof(buf), NULL), PWS_EINVALID);
	BADN(pws_element_get(p, &k, &t, buf, sizeof(buf), ""), PWS_EINVALID);
	BADN(pws_element_get(p, &k, &t, buf, sizeof(buf), "nope"), PWS_ENOTFOUND);
	BADN(pws_element_get(p, &k, &t, buf, 2, "col"), PWS_EINVALID);   /* "pw" needs 3 */
	BADN(pws_element_get(p, &k, &t, buf, 0, "col"), PWS_EINVALID);
	BADN(pws_element_get(p, NULL, NULL, NULL, 0, "col"), PWS_OK);

	/* restore: trashed, then restored twice; delete of a trashed element */
	SETUP(pws_element_delete(p, "dev", "col", NOW, RES));
	ck_assert(tw_res.flags & PWS_RESULT_TRASHED);
	snap(p);
	BADD(pws_element_restore(p, "g1", "col", NOW + DAY, RES), PWS_RULE_RM1);
	BADD(pws_element_restore(p, "dev", "col", NOW + 91 * DAY, RES), PWS_RULE_PL3);
	BADVER(pws_element_restore(p, "dev", "col", NOW + DAY, VR));
	SETUP(pws_element_restore(p, "dev", "col", NOW + DAY, RES));
	snap(p);
	BAD(pws_element_restore(p, "dev", "col", NOW + DAY, RES), PWS_ESTATE);
	pws_policy_free(p);
}

static void bad_checks(void)
{
	pws_policy *p = tw_world();
	int allowed = -1, rule = -1, vis = -1;
	int role = 0, lead = 0, isp = 0;
	uint64_t mask = 0, dg = 0;
	const char *actors[3] = {"dev", "nope", "dev"};
	const int actions[3] = {PWS_ACT_VIEW, PWS_ACT_VIEW, 99};
	const char *wss[3] = {"pw", "pw", "pw"};
	int al3[3], ru3[3], co3[3];

	SETUP(pws_update_post(p, "dev", "pw", "u1", "hello", NOW, RES));
	SETUP(pws_update_reply(p, "g1", "u1", "r1", "thanks", NOW + 1, RES));
	SETUP(pws_history_add(p, "g1", "pw", "h1", "ran col", NOW, RES));
	snap(p);
	/* pws_check */
	BADN(pws_check(NULL, &allowed, &rule, "dev", PWS_ACT_VIEW, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, NULL, &rule, "dev", PWS_ACT_VIEW, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, NULL, PWS_ACT_VIEW, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "", PWS_ACT_VIEW, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "nope", PWS_ACT_VIEW, "pw", NULL), PWS_ENOTFOUND);
	BADN(pws_check(p, &allowed, &rule, "dev", 0, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "dev", 99, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "dev", PWS_ACT_COUNT, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "dev", -1, "pw", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, NULL, NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, "", NULL), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, "nope", NULL), PWS_ENOTFOUND);
	BADN(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, NULL, ""), PWS_EINVALID);
	BADN(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, NULL, "nope"), PWS_ENOTFOUND);
	BADN(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, "pw", "nope"), PWS_ENOTFOUND);
	BADN(pws_check(p, &allowed, NULL, "dev", PWS_ACT_VIEW, NULL, "col"), PWS_OK); /* rule optional */
	/* pws_check_batch */
	BADN(pws_check_batch(NULL, al3, ru3, co3, 3, actors, actions, wss, NULL), PWS_EINVALID);
	BADN(pws_check_batch(p, NULL, ru3, co3, 3, actors, actions, wss, NULL), PWS_EINVALID);
	BADN(pws_check_batch(p, al3, ru3, co3, 3, NULL, actions, wss, NULL), PWS_EINVALID);
	BADN(pws_check_batch(p, al3, ru3, co3, 3, actors, NULL, wss, NULL), PWS_EINVALID);
	BADN(pws_check_batch(p, al3, ru3, co3, 3, actors, actions, NULL, NULL), PWS_EINVALID);
	memset(co3, 0x55, sizeof(co3));
	memset(al3, 0x55, sizeof(al3));
	BADN(pws_check_batch(p, al3, ru3, co3, 3, actors, actions, wss, NULL), PWS_OK);
	EXPECT(co3[0] == PWS_OK && al3[0] == 1);
	EXPECT(co3[1] == PWS_ENOTFOUND && al3[1] == 0 && ru3[1] == PWS_RULE_NONE);
	EXPECT(co3[2] == PWS_EINVALID && al3[2] == 0 && ru3[2] == PWS_RULE_NONE);
	BADN(pws_check_batch(p, al3, NULL, NULL, 3, actors, actions, wss, NULL), PWS_OK);
	/* pws_allowed_actions */
	BADN(pws_allowed_actions(NULL, &mask, "dev", "pw", NULL), PWS_EINVALID);
	BADN(pws_allowed_actions(p, NULL, "dev", "pw", NULL), PWS_EINVALID);
	BADN(pws_allowed_actions(p, &mask, NULL, "pw", NULL), PWS_EINVALID);
	BADN(pws_allowed_actions(p, &mask, "", "pw", NULL), PWS_EINVALID);
	BADN(pws_allowed_actions(p, &mask, "nope", "pw", NULL), PWS_ENOTFOUND);
	BADN(pws_allowed_actions(p, &mask, "dev", NULL, NULL), PWS_EINVALID);
	BADN(pws_allowed_actions(p, &mask, "dev", "", NULL), PWS_EINVALID);
	BADN(pws_allowed_actions(p, &mask, "dev", "nope", NULL), PWS_ENOTFOUND);
	BADN(pws_allowed_actions(p, &mask, "dev", NULL, "nope"), PWS_ENOTFOUND);
	/* pws_can_see_member */
	BADN(pws_can_see_member(NULL, &vis, &rule, "dev", "pw", "a1"), PWS_EINVALID);
	BADN(pws_can_see_member(p, NULL, &rule, "dev", "pw", "a1"), PWS_EINVALID);
	BADN(pws_can_see_member(p, &vis, &rule, NULL, "pw", "a1"), PWS_EINVALID);
	BADN(pws_can_see_member(p, &vis, &rule, "", "pw", "a1"), PWS_EINVALID);
	BADN(pws_can_see_member(p, &vis, &rule, "nope", "pw", "a1"), PWS_ENOTFOUND);
	BADN(pws_can_see_member(p, &vis, &rule, "dev", NULL, "a1"), PWS_EINVALID);
	BADN(pws_can_see_member(p, &vis, &rule, "dev", "", "a1"), PWS_EINVALID);
	BADN(pws_can_see_member(p, &vis, &rule, "dev", "nope", "a1"), PWS_ENOTFOUND);
	BADN(pws_can_see_member(p, &vis, &rule, "dev", "pw", NULL), PWS_EINVALID);
	BADN(pws_can_see_member(p, &vis, &rule, "dev", "pw", ""), PWS_EINVALID);
	BADN(pws_can_see_member(p, &vis, &rule, "dev", "pw", "nope"), PWS_ENOTFOUND);
	BADN(pws_can_see_member(p, &vis, &rule, "dev", "pw", "a2"), PWS_ENOTFOUND); /* not a member */
	/* pws_org_can_see_member */
	BADN(pws_org_can_see_member(NULL, &vis, &rule, "acme", "pw", "dev"), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, NULL, &rule, "acme", "pw", "dev"), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, &vis, &rule, NULL, "pw", "dev"), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, &vis, &rule, "", "pw", "dev"), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, &vis, &rule, "nope", "pw", "dev"), PWS_ENOTFOUND);
	BADN(pws_org_can_see_member(p, &vis, &rule, "acme", NULL, "dev"), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, &vis, &rule, "acme", "", "dev"), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, &vis, &rule, "acme", "nope", "dev"), PWS_ENOTFOUND);
	BADN(pws_org_can_see_member(p, &vis, &rule, "acme", "pw", NULL), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, &vis, &rule, "acme", "pw", ""), PWS_EINVALID);
	BADN(pws_org_can_see_member(p, &vis, &rule, "acme", "pw", "nope"), PWS_ENOTFOUND);
	/* pws_can_see_history */
	BADN(pws_can_see_history(NULL, &vis, &rule, "g1", "h1"), PWS_EINVALID);
	BADN(pws_can_see_history(p, NULL, &rule, "g1", "h1"), PWS_EINVALID);
	BADN(pws_can_see_history(p, &vis, &rule, NULL, "h1"), PWS_EINVALID);
	BADN(pws_can_see_history(p, &vis, &rule, "", "h1"), PWS_EINVALID);
	BADN(pws_can_see_history(p, &vis, &rule, "nope", "h1"), PWS_ENOTFOUND);
	BADN(pws_can_see_history(p, &vis, &rule, "g1", NULL), PWS_EINVALID);
	BADN(pws_can_see_history(p, &vis, &rule, "g1", ""), PWS_EINVALID);
	BADN(pws_can_see_history(p, &vis, &rule, "g1", "nope"), PWS_ENOTFOUND);
	/* pws_can_see_reply */
	BADN(pws_can_see_reply(NULL, &vis, &rule, "dev", "r1"), PWS_EINVALID);
	BADN(pws_can_see_reply(p, NULL, &rule, "dev", "r1"), PWS_EINVALID);
	BADN(pws_can_see_reply(p, &vis, &rule, NULL, "r1"), PWS_EINVALID);
	BADN(pws_can_see_reply(p, &vis, &rule, "", "r1"), PWS_EINVALID);
	BADN(pws_can_see_reply(p, &vis, &rule, "nope", "r1"), PWS_ENOTFOUND);
	BADN(pws_can_see_reply(p, &vis, &rule, "dev", NULL), PWS_EINVALID);
	BADN(pws_can_see_reply(p, &vis, &rule, "dev", ""), PWS_EINVALID);
	BADN(pws_can_see_reply(p, &vis, &rule, "dev", "nope"), PWS_ENOTFOUND);
	/* pws_member_get */
	BADN(pws_member_get(NULL, &role, &lead, &isp, "pw", "a1"), PWS_EINVALID);
	BADN(pws_member_get(p, &role, &lead, &isp, NULL, "a1"), PWS_EINVALID);
	BADN(pws_member_get(p, &role, &lead, &isp, "", "a1"), PWS_EINVALID);
	BADN(pws_member_get(p, &role, &lead, &isp, "nope", "a1"), PWS_ENOTFOUND);
	BADN(pws_member_get(p, &role, &lead, &isp, "pw", NULL), PWS_EINVALID);
	BADN(pws_member_get(p, &role, &lead, &isp, "pw", ""), PWS_EINVALID);
	BADN(pws_member_get(p, &role, &lead, &isp, "pw", "nope"), PWS_ENOTFOUND);
	BADN(pws_member_get(p, &role, &lead, &isp, "pw", "a2"), PWS_ENOTFOUND);
	BADN(pws_member_get(p, NULL, NULL, NULL, "pw", "a1"), PWS_OK);
	/* pws_policy_digest */
	BADN(pws_policy_digest(NULL, &dg), PWS_EINVALID);
	BADN(pws_policy_digest(p, NULL), PWS_EINVALID);
	pws_policy_free(p);
}

/* filter.h: listings and their iterators. A failed listing must leave
 * *out NULL (nothing to free) or at least something freeable. */
#define LIST_BAD(call, code) do { it = NULL; \
	bad_check(__LINE__, #call, (call), (code), (code), -1, NULL); \
	if (it != NULL) { \
		soft(__LINE__, "%s failed but set *out", #call); \
		pws_iter_free(it); \
	} } while (0)

static void bad_filter(void)
{
	pws_policy *p = tw_world();
	pws_iter *it = NULL;
	int rc;

	SETUP(pws_update_post(p, "dev", "pw", "u1", "hello", NOW, RES));
	SETUP(pws_update_reply(p, "g1", "u1", "r1", "thanks", NOW + 1, RES));
	SETUP(pws_history_add(p, "g1", "pw", "h1", "ran col", NOW, RES));
	snap(p);
	/* iterator accessors accept NULL */
	BADN(pws_iter_next(NULL), PWS_EINVALID);
	EXPECT(pws_iter_count(NULL) == 0);
	EXPECT(pws_iter_int(NULL, PWS_COL_ROLE) == 0);
	pws_iter_free(NULL);

	/* pws_list_members */
	LIST_BAD(pws_list_members(NULL, p, "dev", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members(&it, NULL, "dev", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members(&it, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members(&it, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members(&it, p, "nope", "pw"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_members(&it, p, "dev", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_members(&it, p, "dev", ""), PWS_EINVALID);
	LIST_BAD(pws_list_members(&it, p, "dev", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_members(&it, p, "a2", "pw"), PWS_EDENIED);
	/* pws_list_members_as_org */
	LIST_BAD(pws_list_members_as_org(NULL, p, "acme", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members_as_org(&it, NULL, "acme", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members_as_org(&it, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members_as_org(&it, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_members_as_org(&it, p, "acme", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_members_as_org(&it, p, "acme", ""), PWS_EINVALID);
	LIST_BAD(pws_list_members_as_org(&it, p, "acme", "nope"), PWS_ENOTFOUND);
	/* pws_list_workspaces */
	LIST_BAD(pws_list_workspaces(NULL, p, "dev"), PWS_EINVALID);
	LIST_BAD(pws_list_workspaces(&it, NULL, "dev"), PWS_EINVALID);
	LIST_BAD(pws_list_workspaces(&it, p, NULL), PWS_EINVALID);
	LIST_BAD(pws_list_workspaces(&it, p, ""), PWS_EINVALID);
	LIST_BAD(pws_list_workspaces(&it, p, "nope"), PWS_ENOTFOUND);
	/* pws_list_elements */
	LIST_BAD(pws_list_elements(NULL, p, "dev", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements(&it, NULL, "dev", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements(&it, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements(&it, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements(&it, p, "nope", "pw"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_elements(&it, p, "dev", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_elements(&it, p, "dev", ""), PWS_EINVALID);
	LIST_BAD(pws_list_elements(&it, p, "dev", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_elements(&it, p, "a2", "pw"), PWS_EDENIED);
	/* pws_list_elements_as_org */
	LIST_BAD(pws_list_elements_as_org(NULL, p, "acme", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements_as_org(&it, NULL, "acme", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements_as_org(&it, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements_as_org(&it, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_elements_as_org(&it, p, "acme", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_elements_as_org(&it, p, "acme", ""), PWS_EINVALID);
	LIST_BAD(pws_list_elements_as_org(&it, p, "acme", "nope"), PWS_ENOTFOUND);
	/* pws_list_history */
	LIST_BAD(pws_list_history(NULL, p, "g1", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_history(&it, NULL, "g1", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_history(&it, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_history(&it, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_history(&it, p, "nope", "pw"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_history(&it, p, "g1", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_history(&it, p, "g1", ""), PWS_EINVALID);
	LIST_BAD(pws_list_history(&it, p, "g1", "nope"), PWS_ENOTFOUND);
	/* pws_list_updates */
	LIST_BAD(pws_list_updates(NULL, p, "g1", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_updates(&it, NULL, "g1", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_updates(&it, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_updates(&it, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_updates(&it, p, "nope", "pw"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_updates(&it, p, "g1", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_updates(&it, p, "g1", ""), PWS_EINVALID);
	LIST_BAD(pws_list_updates(&it, p, "g1", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_updates(&it, p, "a2", "pw"), PWS_EDENIED);
	/* pws_list_replies */
	LIST_BAD(pws_list_replies(NULL, p, "dev", "u1"), PWS_EINVALID);
	LIST_BAD(pws_list_replies(&it, NULL, "dev", "u1"), PWS_EINVALID);
	LIST_BAD(pws_list_replies(&it, p, NULL, "u1"), PWS_EINVALID);
	LIST_BAD(pws_list_replies(&it, p, "", "u1"), PWS_EINVALID);
	LIST_BAD(pws_list_replies(&it, p, "nope", "u1"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_replies(&it, p, "dev", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_replies(&it, p, "dev", ""), PWS_EINVALID);
	LIST_BAD(pws_list_replies(&it, p, "dev", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_replies(&it, p, "a2", "u1"), PWS_EDENIED);
	/* pws_list_activity */
	LIST_BAD(pws_list_activity(NULL, p, "dev", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_activity(&it, NULL, "dev", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_activity(&it, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_activity(&it, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_activity(&it, p, "nope", "pw"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_activity(&it, p, "dev", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_activity(&it, p, "dev", ""), PWS_EINVALID);
	LIST_BAD(pws_list_activity(&it, p, "dev", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_activity(&it, p, "a2", "pw"), PWS_EDENIED);
	/* pws_list_partnerships */
	LIST_BAD(pws_list_partnerships(NULL, p, "pm", "pub"), PWS_EINVALID);
	LIST_BAD(pws_list_partnerships(&it, NULL, "pm", "pub"), PWS_EINVALID);
	LIST_BAD(pws_list_partnerships(&it, p, NULL, "pub"), PWS_EINVALID);
	LIST_BAD(pws_list_partnerships(&it, p, "", "pub"), PWS_EINVALID);
	LIST_BAD(pws_list_partnerships(&it, p, "nope", "pub"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_partnerships(&it, p, "pm", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_partnerships(&it, p, "pm", ""), PWS_EINVALID);
	LIST_BAD(pws_list_partnerships(&it, p, "pm", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_partnerships(&it, p, "g1", "pub"), PWS_EDENIED);
	/* pws_list_seats */
	LIST_BAD(pws_list_seats(NULL, p, "pub"), PWS_EINVALID);
	LIST_BAD(pws_list_seats(&it, NULL, "pub"), PWS_EINVALID);
	LIST_BAD(pws_list_seats(&it, p, NULL), PWS_EINVALID);
	LIST_BAD(pws_list_seats(&it, p, ""), PWS_EINVALID);
	LIST_BAD(pws_list_seats(&it, p, "nope"), PWS_ENOTFOUND);
	/* pws_list_partner_reach */
	LIST_BAD(pws_list_partner_reach(NULL, p, "pm", "pub", "a1"), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, NULL, "pm", "pub", "a1"), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, p, NULL, "pub", "a1"), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, p, "", "pub", "a1"), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, p, "nope", "pub", "a1"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_partner_reach(&it, p, "pm", NULL, "a1"), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, p, "pm", "", "a1"), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, p, "pm", "nope", "a1"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_partner_reach(&it, p, "pm", "pub", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, p, "pm", "pub", ""), PWS_EINVALID);
	LIST_BAD(pws_list_partner_reach(&it, p, "pm", "pub", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_partner_reach(&it, p, "g1", "pub", "a1"), PWS_EDENIED);
	/* pws_list_invites, pws_list_teams, pws_list_users (0.2) */
	LIST_BAD(pws_list_invites(NULL, NULL, p, "pm", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_invites(&it, NULL, NULL, "pm", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_invites(&it, NULL, p, NULL, "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_invites(&it, NULL, p, "", "pw"), PWS_EINVALID);
	LIST_BAD(pws_list_invites(&it, NULL, p, "nope", "pw"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_invites(&it, NULL, p, "pm", NULL), PWS_EINVALID);
	LIST_BAD(pws_list_invites(&it, NULL, p, "pm", ""), PWS_EINVALID);
	LIST_BAD(pws_list_invites(&it, NULL, p, "pm", "nope"), PWS_ENOTFOUND);
	LIST_BAD(pws_list_invites(&it, NULL, p, "g1", "pw"), PWS_EDENIED);
	LIST_BAD(pws_list_teams(NULL, p), PWS_EINVALID);
	LIST_BAD(pws_list_teams(&it, NULL), PWS_EINVALID);
	LIST_BAD(pws_list_users(NULL, p, NULL), PWS_EINVALID);
	LIST_BAD(pws_list_users(&it, NULL, NULL), PWS_EINVALID);
	LIST_BAD(pws_list_users(&it, p, ""), PWS_EINVALID);
	LIST_BAD(pws_list_users(&it, p, "nope"), PWS_ENOTFOUND);

	/* a real iterator: no row current before the first next and after the
	 * end; unknown columns give "" / 0 on a current row */
	it = NULL;
	rc = pws_list_members(&it, p, "dev", "pw");
	ck_assert_int_eq(rc, PWS_OK);
	EXPECT(pws_iter_count(it) == 4);
	EXPECT(pws_iter_str(it, PWS_COL_ID) == NULL);
	EXPECT(pws_iter_int(it, PWS_COL_ROLE) == 0);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	/* a column the listing lacks is an error the caller sees */
	EXPECT(pws_iter_str(it, 0) == NULL);
	EXPECT(pws_iter_str(it, 99) == NULL);
	EXPECT(pws_iter_str(it, PWS_COL_TEXT) == NULL);
	EXPECT(pws_iter_str(it, PWS_COL_ROLE) == NULL); /* an integer column */
	EXPECT(pws_iter_int(it, 0) == 0);
	EXPECT(pws_iter_int(it, 99) == 0);
	{
		int64_t v = -1;

		BADN(pws_iter_int2(it, 0, &v), PWS_EINVALID);
		EXPECT(v == 0);
		BADN(pws_iter_int2(it, 99, &v), PWS_EINVALID);
		BADN(pws_iter_int2(it, PWS_COL_TEXT, &v), PWS_EINVALID);
		BADN(pws_iter_int2(it, PWS_COL_ID, &v), PWS_EINVALID); /* a string column */
		BADN(pws_iter_int2(it, PWS_COL_ROLE, NULL), PWS_EINVALID);
		BADN(pws_iter_int2(NULL, PWS_COL_ROLE, &v), PWS_EINVALID);
		BADN(pws_iter_int2(it, PWS_COL_ROLE, &v), PWS_OK);
		EXPECT(v == pws_iter_int(it, PWS_COL_ROLE) && v != 0);
	}
	while ((rc = pws_iter_next(it)) == PWS_OK)
		;
	EXPECT(rc == PWS_ITEROVER);
	EXPECT(pws_iter_next(it) == PWS_ITEROVER);
	EXPECT(pws_iter_str(it, PWS_COL_ID) == NULL);
	EXPECT(pws_iter_int(it, PWS_COL_ROLE) == 0);
	{
		int64_t v = -1;

		BADN(pws_iter_int2(it, PWS_COL_ROLE, &v), PWS_ESTATE); /* no current row */
		EXPECT(v == 0);
	}
	EXPECT(pws_iter_count(it) == 4);
	pws_iter_free(it);
	snap(p);
	pws_policy_free(p);
}

/* Event accessors on real events, with bad indexes. */
static unsigned probe_events;

static void probe_cb(const pws_event *e, void *payload)
{
	size_t nw = pws_event_workspace_count(e), nr = pws_event_recipient_count(e), i;

	(void)payload;
	probe_events++;
	if (pws_event_kind_of(e) < PWS_EV_REQUEST_CREATED ||
	    pws_event_kind_of(e) > PWS_EV_INTEGRATION_DISABLED)
		soft(__LINE__, "event kind %d out of range", pws_event_kind_of(e));
	if (pws_event_rule(e) < 0 || pws_event_rule(e) >= PWS_RULE_COUNT)
		soft(__LINE__, "event rule %d out of range", pws_event_rule(e));
	if (pws_event_workspace(e, nw) != NULL || pws_event_workspace(e, (size_t)-1) != NULL)
		soft(__LINE__, "pws_event_workspace with a bad index is not NULL");
	if (pws_event_recipient(e, nr) != NULL || pws_event_recipient(e, (size_t)-1) != NULL)
		soft(__LINE__, "pws_event_recipient with a bad index is not NULL");
	if (pws_event_recipient_kind(e, nr) != 0 || pws_event_recipient_kind(e, (size_t)-1) != 0)
		soft(__LINE__, "pws_event_recipient_kind with a bad index is not 0");
	for (i = 0; i < nr; i++)
		if (pws_event_recipient_kind(e, i) != PWS_RECIPIENT_USER &&
		    pws_event_recipient_kind(e, i) != PWS_RECIPIENT_EMAIL)
			soft(__LINE__, "pws_event_recipient_kind(%zu) is %d", i,
			     pws_event_recipient_kind(e, i));
	for (i = 0; i < nw; i++)
		if (!pws_event_workspace(e, i))
			soft(__LINE__, "pws_event_workspace(%zu) of %zu is NULL", i, nw);
	for (i = 0; i < nr; i++)
		if (!pws_event_recipient(e, i))
			soft(__LINE__, "pws_event_recipient(%zu) of %zu is NULL", i, nr);
	(void)pws_event_team(e);
	(void)pws_event_actor(e);
	(void)pws_event_subject(e);
	(void)pws_event_channels(e);
}

/* ------------------------------------------------------------------ */
/* An event-counting world (the standard world of test-world.h)        */
/* ------------------------------------------------------------------ */

static unsigned ev_count;

static void count_cb(const pws_event *e, void *payload)
{
	(void)payload;
	(void)e;
	ev_count++;
}

static pws_policy *ev_world_with(pws_event_cb cb)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.allocator = tc_allocator();
	o.on_event = cb;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "admin", "admin@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "dev2", "dev2@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 1, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a3", "a3@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_FREE, 0, RES));
	OK(pws_team_add_domain(p, "globex", "globex.com", RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "g2", "g2@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "initech", "Initech", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "initech", "initech.com", RES));
	OK(pws_user_add(p, "i1", "i1@initech.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "solo", "solo@gmail.com", NULL, 0, 0, RES));

	OK(pws_workspace_create(p, "pm", "pw", "Partner WS", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 1, RES));
	OK(pws_invite_accept(p, "a1", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "g1", "pw", NULL, RES));
	OK(pws_element_add(p, "dev", "pw", "col", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "team-ws", "Team WS", PWS_VIS_TEAM, NULL, RES));
	return p;
}

static void bad_events(void)
{
	pws_policy *p = ev_world_with(probe_cb);

	/* a few more events, each probed with bad indexes */
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	OK(pws_update_post(p, "dev", "pw", "u1", "hello", NOW, RES));
	OK(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	OK(pws_request_review(p, "pm", "team-ws", 1, RES));
	OK(pws_partner_end(p, "pm", "pub", "a1", RES));
	EXPECT(probe_events > 0);
	pws_policy_free(p);
}

START_TEST(badinput_every_function)
{
	soft_fails = 0;
	bad_static_helpers();
	bad_policy_new();
	bad_directory();
	bad_workspace();
	bad_members();
	bad_elements();
	bad_checks();
	bad_filter();
	bad_events();
	snap(NULL);
	ck_assert_msg(soft_fails == 0, "%u bad-input divergences (listed above)", soft_fails);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 2. Out of memory at every allocation of every mutation              */
/* ------------------------------------------------------------------ */

typedef struct oom_step {
	const char *name;
	void (*setup)(pws_policy *p);  /* brings the world into the needed state */
	int (*run)(pws_policy *p);     /* one mutating call; returns its code */
} oom_step;

/* --- setups --- */

static void su_no_pm(pws_policy *p)
{
	OK(pws_user_set_partner_manager(p, "pm", 0, RES));
}

static void su_pm_ws(pws_policy *p)
{
	OK(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_TEAM, NULL, RES));
}

static void su_pw2(pws_policy *p)
{
	OK(pws_workspace_create(p, "pm", "pw2", "Partner 2", PWS_VIS_PARTNER, NULL, RES));
}

static void su_req(pws_policy *p)
{
	OK(pws_workspace_create(p, "dev", "req", "Req", PWS_VIS_PARTNER, "please", RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
}

static void su_conv_req(pws_policy *p)
{
	OK(pws_workspace_convert(p, "dev2", "team-ws", "please", RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
}

static void su_legacy(pws_policy *p)
{
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	OK(pws_invite(p, "pm", "lw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a2", "lw", NULL, RES));
	OK(pws_invite(p, "pm", "lw", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "solo", "lw", NULL, RES));
	OK(pws_invite(p, "pm", "lw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "i1", "lw", NULL, RES));
}

/* Two legacy workspaces with partners (pws_workspace_migrate_many). */
static void su_legacy2(pws_policy *p)
{
	su_legacy(p);
	OK(pws_workspace_add_legacy(p, "pub", "lw2", "Legacy 2", "dev2", RES));
	OK(pws_invite(p, "dev2", "lw2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a2", "lw2", NULL, RES));
}

static void su_integration(pws_policy *p)
{
	OK(pws_integration_enable(p, "dev2", "team-ws", RES));
}

static void su_legacy_invite(pws_policy *p)
{
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	OK(pws_invite(p, "pm", "lw", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
}

static void su_inv_a2(pws_policy *p)
{
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
}

static void su_inv_dev2(pws_policy *p)
{
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
}

static void su_one_seat(pws_policy *p)
{
	OK(pws_team_set_editor_seats(p, "pub", 1, RES));
}

static void su_monitor(pws_policy *p)
{
	OK(pws_workspace_create(p, "pm", "pm-ws", "PM", PWS_VIS_TEAM, NULL, RES));
	OK(pws_element_add(p, "dev", "pw", "mon", PWS_EL_MONITOR, 10, "col", RES));
	OK(pws_element_add(p, "dev", "pw", "mock", PWS_EL_MOCK_SERVER, 10, "col", RES));
}

static void su_dev_ws(pws_policy *p)
{
	OK(pws_workspace_create(p, "dev", "dev-ws", "Dev", PWS_VIS_PRIVATE, NULL, RES));
}

static void su_acme_ws(pws_policy *p)
{
	OK(pws_workspace_create(p, "a1", "acme-ws", "Acme", PWS_VIS_TEAM, NULL, RES));
}

static void su_env(pws_policy *p)
{
	OK(pws_element_add(p, "dev", "pw", "env", PWS_EL_ENVIRONMENT, 10, NULL, RES));
}

static void su_trashed(pws_policy *p)
{
	OK(pws_element_delete(p, "dev", "col", NOW, RES));
	ck_assert(tw_res.flags & PWS_RESULT_TRASHED);
}

static void su_update(pws_policy *p)
{
	OK(pws_update_post(p, "dev", "pw", "u1", "hello", NOW, RES));
}

static void su_rich(pws_policy *p)
{
	OK(pws_update_post(p, "dev", "pw", "u1", "hello", NOW, RES));
	OK(pws_update_reply(p, "g1", "u1", "r1", "thanks", NOW + 1, RES));
	OK(pws_history_add(p, "g1", "pw", "h1", "ran col", NOW, RES));
	OK(pws_comment_add(p, "g1", "col", "c1", "nice", RES));
	OK(pws_element_add_editor(p, "pm", "col", "g1", RES));
	OK(pws_invite(p, "pm", "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
}

static void su_multi(pws_policy *p)
{
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
}

/* --- steps: one mutating call each --- */

static int st_team_add(pws_policy *p)
{ return pws_team_add(p, "newt", "New team", PWS_PLAN_BASIC, 1, RES); }
static int st_team_set_plan(pws_policy *p)
{ return pws_team_set_plan(p, "acme", PWS_PLAN_ENTERPRISE, RES); }
static int st_team_set_sso(pws_policy *p)
{ return pws_team_set_sso(p, "globex", 1, RES); }
static int st_team_add_domain(pws_policy *p)
{ return pws_team_add_domain(p, "acme", "Acme.ORG.", RES); }
static int st_team_remove_domain(pws_policy *p)
{ return pws_team_remove_domain(p, "acme", "acme.com", RES); }
static int st_team_set_seats(pws_policy *p)
{ return pws_team_set_editor_seats(p, "pub", 5, RES); }
static int st_team_remove(pws_policy *p)
{ return pws_team_remove(p, "initech", RES); }
static int st_plan_retention(pws_policy *p)
{ return pws_plan_set_retention(p, PWS_PLAN_PROFESSIONAL, 30, 1000000, RES); }
static int st_user_add(pws_policy *p)
{ return pws_user_add(p, "newu", "NewU@Pub.COM", "pub", PWS_TEAM_ADMIN, 1, RES); }
static int st_user_add_teamless(pws_policy *p)
{ return pws_user_add(p, "free1", "free1@yahoo.com", NULL, 0, 0, RES); }
static int st_user_set_team(pws_policy *p)
{ return pws_user_set_team(p, "a1", "initech", PWS_TEAM_MEMBER, RES); }
static int st_user_leave_team(pws_policy *p)
{ return pws_user_set_team(p, "dev", NULL, 0, RES); }
static int st_user_set_role(pws_policy *p)
{ return pws_user_set_team_role(p, "dev", PWS_TEAM_ADMIN, RES); }
static int st_user_set_pm(pws_policy *p)
{ return pws_user_set_partner_manager(p, "dev", 1, RES); }
static int st_user_remove_partner(pws_policy *p)
{ return pws_user_remove(p, "g1", RES); }
static int st_user_remove_dev(pws_policy *p)
{ return pws_user_remove(p, "dev", RES); }

static int st_create_team(pws_policy *p)
{ return pws_workspace_create(p, "dev", "ws-new", "New", PWS_VIS_TEAM, NULL, RES); }
static int st_create_partner_direct(pws_policy *p)
{ return pws_workspace_create(p, "pm", "pw-new", "New", PWS_VIS_PARTNER, NULL, RES); }
static int st_create_partner_request(pws_policy *p)
{ return pws_workspace_create(p, "dev", "pw-req", "Req", PWS_VIS_PARTNER, "a note", RES); }
static int st_create_cr8_direct(pws_policy *p)
{ return pws_workspace_create(p, "admin", "pw-cr8", "CR8", PWS_VIS_PARTNER, NULL, RES); }
static int st_create_cr8_request(pws_policy *p)
{ return pws_workspace_create(p, "dev", "pw-cr8r", "CR8", PWS_VIS_PARTNER, "note", RES); }
static int st_create_professional(pws_policy *p)
{ return pws_workspace_create(p, "a2", "acme-pw", "Acme PW", PWS_VIS_PARTNER, NULL, RES); }
static int st_add_legacy(pws_policy *p)
{ return pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES); }
static int st_convert_request(pws_policy *p)
{ return pws_workspace_convert(p, "dev2", "team-ws", "note", RES); }
static int st_convert_direct(pws_policy *p)
{ return pws_workspace_convert(p, "pm", "pm-ws", NULL, RES); }
static int st_review_approve_req(pws_policy *p)
{ return pws_request_review(p, "pm", "req", 1, RES); }
static int st_review_deny_req(pws_policy *p)
{ return pws_request_review(p, "owner", "req", 0, RES); }
static int st_review_approve_conv(pws_policy *p)
{ return pws_request_review(p, "pm", "team-ws", 1, RES); }
static int st_review_deny_conv(pws_policy *p)
{ return pws_request_review(p, "pm", "team-ws", 0, RES); }
static int st_set_details(pws_policy *p)
{ return pws_workspace_set_details(p, "pm", "pw", "Renamed", "A summary", "# Desc", RES); }
static int st_set_visibility(pws_policy *p)
{ return pws_workspace_set_visibility(p, "dev2", "team-ws", PWS_VIS_PUBLIC, RES); }
static int st_set_vis_from_partner(pws_policy *p)
{ return pws_workspace_set_visibility(p, "pm", "pw2", PWS_VIS_TEAM, RES); }
static int st_ws_delete(pws_policy *p)
{ return pws_workspace_delete(p, "dev2", "team-ws", RES); }
static int st_enable_multi(pws_policy *p)
{ return pws_workspace_enable_multi_partner(p, "pm", "pw", RES); }
static int st_migrate(pws_policy *p)
{ return pws_workspace_migrate(p, "pm", "lw", RES); }
static int st_migrate_host(pws_policy *p)
{ return pws_workspace_migrate(p, NULL, "lw", RES); }
static int st_migrate_many(pws_policy *p)
{
	static const char *const ids[] = { "lw", "lw2" };

	return pws_workspace_migrate_many(p, "pm", ids, 2, RES);
}

static int st_invite_member(pws_policy *p)
{ return pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES); }
static int st_invite_partner(pws_policy *p)
{ return pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 1, RES); }
static int st_invite_by_lead(pws_policy *p)
{ return pws_invite(p, "a1", "pw", "new@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES); }
static int st_invite_replace(pws_policy *p)
{ return pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES); }
static int st_invite_seat_downgrade(pws_policy *p)
{ return pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES); }
static int st_invite_multi_viewer(pws_policy *p)
{ return pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES); }
static int st_invite_legacy(pws_policy *p)
{ return pws_invite(p, "pm", "lw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES); }

static const char bulk_txt_good[] =
	"a2@acme.com\n\n# comment\ni1@initech.com\ng2@globex.com";
static const char bulk_txt_mixed[] =
	"a2@acme.com\nnot-an-email\ndev2@pub.com\ni1@initech.com\na2@acme.com\n";
static const char bulk_txt_new[] =
	"new1@acme.com\nnew2@initech.com\nnew3@gmail.com\n";
static const char bulk_csv_good[] =
	"name,email\nAlice,a2@acme.com\nCarl,i1@initech.com\n";
static const char bulk_csv_mixed[] =
	"name,email,company\nAlice,a2@acme.com,Acme\nBob,bogus,X\nCarl,i1@initech.com,I\n";

static int bulk(pws_policy *p, const char *text, int format, int mode)
{
	pws_bulk_report *rep = NULL;
	int rc = pws_invite_bulk(p, &rep, "pm", "pw", text, strlen(text), format, mode,
	                         PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES);

	pws_bulk_report_free(rep);
	return rc;
}

static int st_bulk_txt_best(pws_policy *p)
{ return bulk(p, bulk_txt_mixed, PWS_BULK_TXT, PWS_BULK_BEST_EFFORT); }
static int st_bulk_txt_all(pws_policy *p)
{ return bulk(p, bulk_txt_good, PWS_BULK_TXT, PWS_BULK_ALL_OR_NOTHING); }
static int st_bulk_csv_best(pws_policy *p)
{ return bulk(p, bulk_csv_mixed, PWS_BULK_CSV, PWS_BULK_BEST_EFFORT); }
static int st_bulk_csv_all(pws_policy *p)
{ return bulk(p, bulk_csv_good, PWS_BULK_CSV, PWS_BULK_ALL_OR_NOTHING); }
static int st_bulk_txt_new(pws_policy *p)
{ return bulk(p, bulk_txt_new, PWS_BULK_TXT, PWS_BULK_ALL_OR_NOTHING); }
static int st_bulk_no_report(pws_policy *p)
{
	return pws_invite_bulk(p, NULL, "pm", "pw", bulk_txt_good, strlen(bulk_txt_good),
	                       PWS_BULK_TXT, PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER,
	                       PWS_ROLE_VIEWER, 0, RES);
}

static int st_accept_partner(pws_policy *p)
{ return pws_invite_accept(p, "a2", "pw", "acme", RES); }
static int st_accept_member(pws_policy *p)
{ return pws_invite_accept(p, "dev2", "pw", NULL, RES); }
static int st_accept_legacy(pws_policy *p)
{ return pws_invite_accept(p, "solo", "lw", NULL, RES); }
static int st_decline(pws_policy *p)
{ return pws_invite_decline(p, "a2", "pw", RES); }
static int st_withdraw(pws_policy *p)
{ return pws_invite_withdraw(p, "pm", "pw", "a2@acme.com", RES); }
static int st_set_role(pws_policy *p)
{ return pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES); }
static int st_set_role_down(pws_policy *p)
{ return pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_VIEWER, RES); }
static int st_set_lead(pws_policy *p)
{ return pws_member_set_lead(p, "pm", "pw", "g1", 1, RES); }
static int st_remove_partner(pws_policy *p)
{ return pws_member_remove(p, "pm", "pw", "g1", RES); }
static int st_remove_member(pws_policy *p)
{ return pws_member_remove(p, "pm", "pw", "dev", RES); }
static int st_partner_end(pws_policy *p)
{ return pws_partner_end(p, "pm", "pub", "a1", RES); }

static int st_el_add(pws_policy *p)
{ return pws_element_add(p, "dev", "pw", "api", PWS_EL_API, 500, NULL, RES); }
static int st_el_add_monitor(pws_policy *p)
{ return pws_element_add(p, "pm", "pw", "mon", PWS_EL_MONITOR, 10, "col", RES); }
static int st_el_add_editor(pws_policy *p)
{ return pws_element_add_editor(p, "pm", "col", "a1", RES); }
static int st_el_move(pws_policy *p)
{ return pws_element_move(p, "pm", "col", "pm-ws", RES); }
static int st_el_fork(pws_policy *p)
{ return pws_element_fork(p, "dev", "col", "col-fork", "dev-ws", RES); }
static int st_el_fork_partner(pws_policy *p)
{ return pws_element_fork(p, "a1", "col", "col-fork", "acme-ws", RES); }
static int st_el_delete_trash(pws_policy *p)
{ return pws_element_delete(p, "dev", "col", NOW, RES); }
static int st_el_delete_gone(pws_policy *p)
{ return pws_element_delete(p, "dev", "env", NOW, RES); }
static int st_el_delete_rich(pws_policy *p)
{ return pws_element_delete(p, "pm", "col", NOW, RES); }
static int st_el_restore(pws_policy *p)
{ return pws_element_restore(p, "dev", "col", NOW + DAY, RES); }

static int st_update_post(pws_policy *p)
{ return pws_update_post(p, "dev", "pw", "u9", "release notes", NOW, RES); }
static int st_update_reply(pws_policy *p)
{ return pws_update_reply(p, "g1", "u1", "r9", "thanks", NOW + 5, RES); }
static int st_visit(pws_policy *p)
{ return pws_workspace_visit(p, "g1", "pw", RES); }
static int st_history(pws_policy *p)
{ return pws_history_add(p, "g1", "pw", "h9", "ran col", NOW, RES); }
static int st_comment(pws_policy *p)
{ return pws_comment_add(p, "g1", "col", "c9", "looks good", RES); }
static int st_integration(pws_policy *p)
{ return pws_integration_enable(p, "dev2", "team-ws", RES); }
static int st_integration_off(pws_policy *p)
{ return pws_integration_disable(p, "dev2", "team-ws", RES); }

#define STEP(setup, run) {#run, setup, run}

static const oom_step oom_steps[] = {
	/* host directory */
	STEP(NULL, st_team_add),
	STEP(NULL, st_team_set_plan),
	STEP(NULL, st_team_set_sso),
	STEP(NULL, st_team_add_domain),
	STEP(NULL, st_team_remove_domain),
	STEP(NULL, st_team_set_seats),
	STEP(NULL, st_team_remove),
	STEP(NULL, st_plan_retention),
	STEP(NULL, st_user_add),
	STEP(NULL, st_user_add_teamless),
	STEP(NULL, st_user_set_team),
	STEP(NULL, st_user_leave_team),
	STEP(NULL, st_user_set_role),
	STEP(NULL, st_user_set_pm),
	STEP(su_rich, st_user_remove_partner),
	STEP(su_rich, st_user_remove_dev),
	/* workspaces */
	STEP(NULL, st_create_team),
	STEP(NULL, st_create_partner_direct),
	STEP(NULL, st_create_partner_request),
	STEP(su_no_pm, st_create_cr8_direct),
	STEP(su_no_pm, st_create_cr8_request),
	STEP(NULL, st_create_professional),
	STEP(NULL, st_add_legacy),
	STEP(NULL, st_convert_request),
	STEP(su_pm_ws, st_convert_direct),
	STEP(su_req, st_review_approve_req),
	STEP(su_req, st_review_deny_req),
	STEP(su_conv_req, st_review_approve_conv),
	STEP(su_conv_req, st_review_deny_conv),
	STEP(NULL, st_set_details),
	STEP(NULL, st_set_visibility),
	STEP(su_pw2, st_set_vis_from_partner),
	STEP(NULL, st_ws_delete),
	STEP(NULL, st_enable_multi),
	STEP(su_legacy, st_migrate),
	STEP(su_legacy, st_migrate_host),
	STEP(su_legacy2, st_migrate_many),
	/* members */
	STEP(NULL, st_invite_member),
	STEP(NULL, st_invite_partner),
	STEP(NULL, st_invite_by_lead),
	STEP(su_inv_a2, st_invite_replace),
	STEP(su_one_seat, st_invite_seat_downgrade),
	STEP(su_legacy, st_invite_legacy),
	STEP(NULL, st_bulk_txt_best),
	STEP(NULL, st_bulk_txt_all),
	STEP(NULL, st_bulk_csv_best),
	STEP(NULL, st_bulk_csv_all),
	STEP(NULL, st_bulk_no_report),
	STEP(NULL, st_bulk_txt_new),
	STEP(su_inv_a2, st_accept_partner),
	STEP(su_inv_dev2, st_accept_member),
	STEP(su_legacy_invite, st_accept_legacy),
	STEP(su_inv_a2, st_decline),
	STEP(su_inv_a2, st_withdraw),
	STEP(NULL, st_set_role),
	STEP(NULL, st_set_role_down),
	STEP(NULL, st_set_lead),
	STEP(NULL, st_remove_partner),
	STEP(su_rich, st_remove_member),
	STEP(NULL, st_partner_end),
	/* elements and collaboration */
	STEP(NULL, st_el_add),
	STEP(NULL, st_el_add_monitor),
	STEP(NULL, st_el_add_editor),
	STEP(su_monitor, st_el_move),
	STEP(su_dev_ws, st_el_fork),
	STEP(su_acme_ws, st_el_fork_partner),
	STEP(NULL, st_el_delete_trash),
	STEP(su_env, st_el_delete_gone),
	STEP(su_rich, st_el_delete_rich),
	STEP(su_trashed, st_el_restore),
	STEP(NULL, st_update_post),
	STEP(su_update, st_update_reply),
	STEP(su_update, st_visit),
	STEP(NULL, st_history),
	STEP(NULL, st_comment),
	STEP(NULL, st_integration),
	STEP(su_integration, st_integration_off),
	/* in multi-partner mode */
	STEP(su_multi, st_invite_multi_viewer),
	STEP(su_multi, st_remove_partner),
	STEP(su_multi, st_update_post),
};

#define N_STEPS (sizeof(oom_steps) / sizeof(oom_steps[0]))

static pws_policy *step_world(const oom_step *s)
{
	pws_policy *p = ev_world_with(count_cb);

	if (s->setup)
		s->setup(p);
	return p;
}

typedef struct oom_totals {
	size_t points;
	size_t ref_events;   /* events of the successful reference runs */
	unsigned divergences;
	unsigned tolerated;
} oom_totals;

static void oom_diverge(oom_totals *t, const oom_step *s, const char *pass, size_t n,
                        size_t calls, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void oom_diverge(oom_totals *t, const oom_step *s, const char *pass, size_t n,
                        size_t calls, const char *fmt, ...)
{
	va_list ap;

	t->divergences++;
	printf("oom divergence: %s, %s failure at allocation %zu of %zu: ", s->name, pass, n,
	       calls);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void oom_one(const oom_step *s, oom_totals *t)
{
	pws_policy *p;
	uint64_t ref_digest;
	unsigned ref_events, ev0;
	size_t calls, n, c0, ref_live;
	int rc, pass;

	/* reference: the step succeeds; count its allocations and events */
	tc_alloc_reset();
	p = step_world(s);
	ev0 = ev_count;
	c0 = tc_alloc_stats_get().calls;
	rc = s->run(p);
	calls = tc_alloc_stats_get().calls - c0;
	ck_assert_msg(rc == PWS_OK, "step %s fails without injection: %d (%s) rule %s: %s",
	              s->name, rc, pws_strerror(rc), pws_rule_id(tw_res.rule), tw_res.message);
	ref_events = ev_count - ev0;
	t->ref_events += ref_events;
	ref_digest = tw_digest(p);
	ref_live = tc_alloc_stats_get().live_blocks;
	pws_policy_free(p);
	ck_assert_msg(tc_alloc_stats_get().live_blocks == 0, "step %s leaks on success (%zu)",
	              s->name, tc_alloc_stats_get().live_blocks);

	for (pass = 0; pass < 2; pass++) {
		const char *pname = pass ? "persistent" : "single";

		for (n = 1; n <= calls; n++) {
			uint64_t d, d_after;
			size_t live, live_after, fails;
			unsigned ev_before, ev_after;

			tc_alloc_reset();
			p = step_world(s);
			d = tw_digest(p);
			live = tc_alloc_stats_get().live_blocks;
			ev_before = ev_count;
			fails = tc_alloc_stats_get().failures;
			tc_alloc_fail_at(n, pass);
			rc = s->run(p);
			fails = tc_alloc_stats_get().failures - fails;
			tc_alloc_fail_at(0, 0);
			t->points++;
			live_after = tc_alloc_stats_get().live_blocks;
			ev_after = ev_count;
			d_after = tw_digest(p);
			if (fails == 0)
				oom_diverge(t, s, pname, n, calls,
				            "the injected failure was never reached (rc %d)", rc);
			if (rc == PWS_ENOMEM) {
				if (d_after != d)
					oom_diverge(t, s, pname, n, calls, "state changed (digest)");
				/* A failed call may keep container capacity it reserved (the
				 * handle owns it; the retry below reuses it), but nothing
				 * may pile up: after the retry the handle holds exactly
				 * the blocks of a first-time success. */
				(void)live;
				(void)live_after;
				if (ev_after != ev_before)
					oom_diverge(t, s, pname, n, calls, "%u event(s) delivered",
					            ev_after - ev_before);
				if (tw_res.code != PWS_ENOMEM || tw_res.message[0] == '\0')
					oom_diverge(t, s, pname, n, calls,
					            "res.code %d, res.message '%s'", tw_res.code,
					            tw_res.message);
				/* the unchanged state accepts the very same call */
				ev_before = ev_count;
				rc = s->run(p);
				if (rc != PWS_OK)
					oom_diverge(t, s, pname, n, calls,
					            "retry without injection -> %d (%s): %s", rc,
					            pws_strerror(rc), tw_res.message);
				else if (tw_digest(p) != ref_digest)
					oom_diverge(t, s, pname, n, calls,
					            "retry succeeded into a different state");
				else if (ev_count - ev_before != ref_events)
					oom_diverge(t, s, pname, n, calls,
					            "retry delivered %u events, expected %u",
					            ev_count - ev_before, ref_events);
				else if (tc_alloc_stats_get().live_blocks != ref_live)
					oom_diverge(t, s, pname, n, calls,
					            "after the retry %zu live blocks, a first-time success "
					            "leaves %zu (memory piled up)",
					            tc_alloc_stats_get().live_blocks, ref_live);
			} else if (rc == PWS_OK) {
				/* a tolerated failure must still give the full result */
				if (d_after != ref_digest || ev_after - ev_before != ref_events) {
					oom_diverge(t, s, pname, n, calls,
					            "returned PWS_OK but state %s, %u/%u events",
					            d_after == ref_digest ? "as expected" : "differs",
					            ev_after - ev_before, ref_events);
				} else {
					t->tolerated++;
					printf("oom tolerated: %s, %s failure at allocation %zu of %zu\n",
					       s->name, pname, n, calls);
				}
			} else {
				oom_diverge(t, s, pname, n, calls, "returned %d (%s), expected ENOMEM: %s",
				            rc, pws_strerror(rc), tw_res.message);
				if (d_after != d)
					oom_diverge(t, s, pname, n, calls, "state changed (digest)");
				if (live_after != live)
					oom_diverge(t, s, pname, n, calls, "live blocks %zu -> %zu (leak)",
					            live, live_after);
			}
			pws_policy_free(p);
			if (tc_alloc_stats_get().live_blocks != 0)
				oom_diverge(t, s, pname, n, calls, "%zu blocks live after pws_policy_free",
				            tc_alloc_stats_get().live_blocks);
		}
	}
}

/* Listings (filter.h) allocate their iterator: every allocation of each
 * made to fail must give PWS_ENOMEM, no iterator, no leak, no change. */
typedef struct oom_list {
	const char *name;
	int (*run)(pws_policy *p, pws_iter **out);
} oom_list;

static int ls_members(pws_policy *p, pws_iter **o) { return pws_list_members(o, p, "dev", "pw"); }
static int ls_members_org(pws_policy *p, pws_iter **o) { return pws_list_members_as_org(o, p, "acme", "pw"); }
static int ls_workspaces(pws_policy *p, pws_iter **o) { return pws_list_workspaces(o, p, "a1"); }
static int ls_elements(pws_policy *p, pws_iter **o) { return pws_list_elements(o, p, "g1", "pw"); }
static int ls_elements_org(pws_policy *p, pws_iter **o) { return pws_list_elements_as_org(o, p, "globex", "pw"); }
static int ls_history(pws_policy *p, pws_iter **o) { return pws_list_history(o, p, "g1", "pw"); }
static int ls_updates(pws_policy *p, pws_iter **o) { return pws_list_updates(o, p, "g1", "pw"); }
static int ls_replies(pws_policy *p, pws_iter **o) { return pws_list_replies(o, p, "dev", "u1"); }
static int ls_activity(pws_policy *p, pws_iter **o) { return pws_list_activity(o, p, "dev", "pw"); }
static int ls_partnerships(pws_policy *p, pws_iter **o) { return pws_list_partnerships(o, p, "pm", "pub"); }
static int ls_seats(pws_policy *p, pws_iter **o) { return pws_list_seats(o, p, "pub"); }
static int ls_reach(pws_policy *p, pws_iter **o) { return pws_list_partner_reach(o, p, "pm", "pub", "a1"); }
static int ls_invites(pws_policy *p, pws_iter **o) { return pws_list_invites(o, NULL, p, "pm", "pw"); }
static int ls_teams(pws_policy *p, pws_iter **o) { return pws_list_teams(o, p); }
static int ls_users(pws_policy *p, pws_iter **o) { return pws_list_users(o, p, NULL); }
static int ls_users_team(pws_policy *p, pws_iter **o) { return pws_list_users(o, p, "pub"); }

#define LSTEP(run) {#run, run}

static const oom_list oom_lists[] = {
	LSTEP(ls_members), LSTEP(ls_members_org), LSTEP(ls_workspaces), LSTEP(ls_elements),
	LSTEP(ls_elements_org), LSTEP(ls_history), LSTEP(ls_updates), LSTEP(ls_replies),
	LSTEP(ls_activity), LSTEP(ls_partnerships), LSTEP(ls_seats), LSTEP(ls_reach),
	LSTEP(ls_invites), LSTEP(ls_teams), LSTEP(ls_users), LSTEP(ls_users_team),
};

#define N_LISTS (sizeof(oom_lists) / sizeof(oom_lists[0]))

static const oom_step rich_step = {"listings", su_rich, NULL};

static void oom_list_one(const oom_list *l, oom_totals *t)
{
	pws_policy *p;
	pws_iter *it = NULL;
	size_t calls, n, c0, rows;
	int rc, pass;

	tc_alloc_reset();
	p = step_world(&rich_step);
	c0 = tc_alloc_stats_get().calls;
	rc = l->run(p, &it);
	calls = tc_alloc_stats_get().calls - c0;
	ck_assert_msg(rc == PWS_OK, "listing %s fails without injection: %d", l->name, rc);
	rows = pws_iter_count(it);
	pws_iter_free(it);
	pws_policy_free(p);
	ck_assert_msg(tc_alloc_stats_get().live_blocks == 0, "listing %s leaks", l->name);

	for (pass = 0; pass < 2; pass++) {
		const char *pname = pass ? "persistent" : "single";

		for (n = 1; n <= calls; n++) {
			uint64_t d;
			size_t live;
			oom_step fake = {l->name, NULL, NULL};

			tc_alloc_reset();
			p = step_world(&rich_step);
			d = tw_digest(p);
			live = tc_alloc_stats_get().live_blocks;
			it = NULL;
			tc_alloc_fail_at(n, pass);
			rc = l->run(p, &it);
			tc_alloc_fail_at(0, 0);
			t->points++;
			if (rc != PWS_ENOMEM) {
				if (rc == PWS_OK && pws_iter_count(it) == rows) {
					t->tolerated++;
					printf("oom tolerated: %s, %s failure at allocation %zu of %zu\n",
					       l->name, pname, n, calls);
				} else {
					oom_diverge(t, &fake, pname, n, calls, "returned %d (%s), expected ENOMEM",
					            rc, pws_strerror(rc));
				}
			} else if (it != NULL) {
				oom_diverge(t, &fake, pname, n, calls, "ENOMEM but *out was set");
			}
			pws_iter_free(it);
			if (rc == PWS_ENOMEM && tc_alloc_stats_get().live_blocks != live)
				oom_diverge(t, &fake, pname, n, calls, "live blocks %zu -> %zu (leak)",
				            live, tc_alloc_stats_get().live_blocks);
			if (tw_digest(p) != d)
				oom_diverge(t, &fake, pname, n, calls, "a listing changed the state");
			pws_policy_free(p);
			if (tc_alloc_stats_get().live_blocks != 0)
				oom_diverge(t, &fake, pname, n, calls, "%zu blocks live after pws_policy_free",
				            tc_alloc_stats_get().live_blocks);
		}
	}
}

START_TEST(oom_every_mutation)
{
	oom_totals t = {0, 0, 0, 0};
	size_t i;

	ck_assert_uint_ge(N_STEPS, 40);
	for (i = 0; i < N_STEPS; i++)
		oom_one(&oom_steps[i], &t);
	for (i = 0; i < N_LISTS; i++)
		oom_list_one(&oom_lists[i], &t);
	tc_alloc_reset();
	printf("oom: steps %zu (+%zu listings), failure points %zu, divergences %u, tolerated %u "
	       "(reference runs delivered %zu events)\n",
	       (size_t)N_STEPS, (size_t)N_LISTS, t.points, t.divergences, t.tolerated,
	       t.ref_events);
	fflush(stdout);
	ck_assert_msg(t.divergences == 0, "oom: %u divergences (listed above)", t.divergences);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 3. Decisions and reads allocate nothing                             */
/* ------------------------------------------------------------------ */

START_TEST(check_path_allocates_nothing)
{
	static const char *const actors[] = {"owner", "admin", "pm", "dev", "dev2", "a1",
	                                     "a2", "g1", "solo", "i1"};
	static const char *const wss[] = {"pw", "team-ws", "lw"};
	const char *b_actors[8], *b_ws[8], *b_el[8];
	int b_act[8], b_allowed[8], b_rules[8], b_codes[8];
	pws_policy *p = tw_world();
	size_t i, j;
	int a, allowed, rule, vis, role, lead, isp, kind, trashed, pm, team_role, lc, mode, model;
	uint64_t mask, d;
	uint32_t unread, used, incl;
	char buf[64];
	tc_alloc_stats st;
	unsigned n = 0;

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "pm", RES));
	OK(pws_invite(p, "pm", "lw", "solo@gmail.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "solo", "lw", NULL, RES));
	OK(pws_update_post(p, "dev", "pw", "u1", "hello", NOW, RES));
	OK(pws_update_reply(p, "g1", "u1", "r1", "thanks", NOW + 1, RES));
	OK(pws_history_add(p, "g1", "pw", "h1", "ran col", NOW, RES));
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));

	tc_alloc_reset();
	for (i = 0; i < sizeof(actors) / sizeof(actors[0]); i++) {
		for (j = 0; j < sizeof(wss) / sizeof(wss[0]); j++) {
			for (a = 1; a < PWS_ACT_COUNT; a++) {
				(void)pws_check(p, &allowed, &rule, actors[i], a, wss[j], NULL);
				n++;
			}
			(void)pws_check(p, &allowed, &rule, actors[i], PWS_ACT_EDIT, NULL, "col");
			(void)pws_check(p, &allowed, NULL, actors[i], PWS_ACT_FORK, wss[j], "col");
			(void)pws_allowed_actions(p, &mask, actors[i], wss[j], NULL);
			(void)pws_allowed_actions(p, &mask, actors[i], NULL, "col");
			(void)pws_can_see_member(p, &vis, &rule, actors[i], wss[j], "a1");
			(void)pws_can_see_member(p, &vis, NULL, actors[i], wss[j], "g1");
			(void)pws_member_get(p, &role, &lead, &isp, wss[j], actors[i]);
			(void)pws_workspace_unread(p, &unread, actors[i], wss[j]);
			n += 8;
		}
		(void)pws_can_see_history(p, &vis, &rule, actors[i], "h1");
		(void)pws_can_see_reply(p, &vis, &rule, actors[i], "r1");
		(void)pws_user_get(p, &team_role, &pm, buf, sizeof(buf), actors[i]);
		(void)pws_org_can_see_member(p, &vis, &rule, "acme", "pw", actors[i]);
		(void)pws_org_can_see_member(p, &vis, &rule, "gmail.com", "lw", actors[i]);
		n += 5;
	}
	for (i = 0; i < 8; i++) {
		b_actors[i] = actors[i];
		b_ws[i] = i % 2 ? "pw" : NULL;
		b_el[i] = i % 2 ? NULL : "col";
		b_act[i] = (int)(i % (PWS_ACT_COUNT - 1)) + 1;
	}
	b_act[7] = 99;  /* a bad item must not allocate either */
	(void)pws_check_batch(p, b_allowed, b_rules, b_codes, 8, b_actors, b_act, b_ws, b_el);
	(void)pws_check_batch(p, b_allowed, NULL, NULL, 8, b_actors, b_act, b_ws, NULL);
	/* unknown ids and bad arguments on the read path */
	(void)pws_check(p, &allowed, &rule, "nope", PWS_ACT_VIEW, "pw", NULL);
	(void)pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, "nope", NULL);
	(void)pws_check(p, &allowed, &rule, "dev", 99, "pw", NULL);
	(void)pws_workspace_get(p, &vis, &mode, &model, &lc, "pw");
	(void)pws_workspace_get(p, &vis, &mode, &model, &lc, "lw");
	(void)pws_workspace_get(p, &vis, &mode, &model, &lc, "nope");
	(void)pws_element_get(p, &kind, &trashed, buf, sizeof(buf), "col");
	(void)pws_invite_get(p, &kind, &role, &lead, "pw", "A2@acme.com");
	(void)pws_team_editor_seats(p, &used, &incl, "pub");
	for (i = 0; i < 10; i++)
		(void)pws_policy_digest(p, &d);
	n += 20;
	st = tc_alloc_stats_get();
	ck_assert_msg(st.calls == 0, "%zu allocations over %u read-path calls", st.calls, n);
	pws_policy_free(p);
}
END_TEST

Suite *pws_sweeps_suite(void)
{
	Suite *s = suite_create("sweeps");
	TCase *tc = tcase_create("badinput");

	tcase_add_test(tc, badinput_every_function);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("oom");
	tcase_add_test(tc, oom_every_mutation);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	tc = tcase_create("checkpath");
	tcase_add_test(tc, check_path_allocates_nothing);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
