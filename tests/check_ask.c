/*
 * Ask before doing (PWS_REQUEST_ASK): for every actor-checked operation,
 * asking gives the answer the operation then gives, with the same rule id,
 * and changes nothing (state, store, events). A property test over random
 * worlds and random calls of every operation, plus the consistency of
 * pws_check / pws_allowed_actions with the asked operations.
 *
 * PWS_ASK_WORLDS (default 300) and PWS_ASK_SEED (default 1) set the size.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"
#include "test-world.h"
#include "mem-store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1700000000

typedef struct args {
	const char *actor, *ws, *ws2, *user, *email, *team, *el, *id;
	int role, kind, lead, vis, flag;
	int64_t now;
} args;

typedef int (*call_fn)(pws_policy *p, const args *a, pws_result *r);

static int c_invite(pws_policy *p, const args *a, pws_result *r)
{ return pws_invite(p, a->actor, a->ws, a->email, a->kind, a->role, a->lead, r); }
static int c_bulk(pws_policy *p, const args *a, pws_result *r)
{
	char text[128];

	snprintf(text, sizeof text, "%s\nnot-an-email\n", a->email);
	return pws_invite_bulk(p, NULL, a->actor, a->ws, text, strlen(text), PWS_BULK_TXT,
	                       a->flag ? PWS_BULK_BEST_EFFORT : PWS_BULK_ALL_OR_NOTHING, a->kind,
	                       a->role, a->lead, r);
}
static int c_accept(pws_policy *p, const args *a, pws_result *r)
{ return pws_invite_accept(p, a->user, a->ws, a->flag ? a->team : NULL, r); }
static int c_decline(pws_policy *p, const args *a, pws_result *r)
{ return pws_invite_decline(p, a->user, a->ws, r); }
static int c_withdraw(pws_policy *p, const args *a, pws_result *r)
{ return pws_invite_withdraw(p, a->actor, a->ws, a->email, r); }
static int c_set_role(pws_policy *p, const args *a, pws_result *r)
{ return pws_member_set_role(p, a->actor, a->ws, a->user, a->role, r); }
static int c_set_lead(pws_policy *p, const args *a, pws_result *r)
{ return pws_member_set_lead(p, a->actor, a->ws, a->user, a->lead, r); }
static int c_remove(pws_policy *p, const args *a, pws_result *r)
{ return pws_member_remove(p, a->actor, a->ws, a->user, r); }
static int c_partner_end(pws_policy *p, const args *a, pws_result *r)
{ return pws_partner_end(p, a->actor, "pub", a->user, r); }
static int c_create(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_create(p, a->actor, a->id, "N", a->vis, a->flag ? "note" : NULL, r); }
static int c_convert(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_convert(p, a->actor, a->ws, NULL, r); }
static int c_review(pws_policy *p, const args *a, pws_result *r)
{ return pws_request_review(p, a->actor, a->ws, a->flag, r); }
static int c_details(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_set_details(p, a->actor, a->ws, "N2", "s", "d", r); }
static int c_visibility(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_set_visibility(p, a->actor, a->ws, a->vis, r); }
static int c_delete_ws(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_delete(p, a->actor, a->ws, r); }
static int c_multi(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_enable_multi_partner(p, a->actor, a->ws, r); }
static int c_migrate(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_migrate(p, a->actor, a->ws, r); }
static int c_el_add(pws_policy *p, const args *a, pws_result *r)
{ return pws_element_add(p, a->actor, a->ws, a->id, PWS_EL_COLLECTION, 10, NULL, r); }
static int c_el_editor(pws_policy *p, const args *a, pws_result *r)
{ return pws_element_add_editor(p, a->actor, a->el, a->user, r); }
static int c_el_move(pws_policy *p, const args *a, pws_result *r)
{ return pws_element_move(p, a->actor, a->el, a->ws2, r); }
static int c_el_fork(pws_policy *p, const args *a, pws_result *r)
{ return pws_element_fork(p, a->actor, a->el, a->id, a->ws2, r); }
static int c_el_delete(pws_policy *p, const args *a, pws_result *r)
{ return pws_element_delete(p, a->actor, a->el, a->now, r); }
static int c_el_restore(pws_policy *p, const args *a, pws_result *r)
{ return pws_element_restore(p, a->actor, a->el, a->now, r); }
static int c_update(pws_policy *p, const args *a, pws_result *r)
{ return pws_update_post(p, a->actor, a->ws, a->id, "news", a->now, r); }
static int c_reply(pws_policy *p, const args *a, pws_result *r)
{ return pws_update_reply(p, a->actor, "up0", a->id, "re", a->now, r); }
static int c_visit(pws_policy *p, const args *a, pws_result *r)
{ return pws_workspace_visit(p, a->actor, a->ws, r); }
static int c_history(pws_policy *p, const args *a, pws_result *r)
{ return pws_history_add(p, a->actor, a->ws, a->id, "ran", a->now, r); }
static int c_comment(pws_policy *p, const args *a, pws_result *r)
{ return pws_comment_add(p, a->actor, a->el, a->id, "c", r); }
static int c_integration(pws_policy *p, const args *a, pws_result *r)
{ return pws_integration_enable(p, a->actor, a->ws, r); }
static int c_set_team(pws_policy *p, const args *a, pws_result *r)
{ return pws_user_set_team(p, a->user, a->flag ? a->team : NULL, PWS_TEAM_MEMBER, r); }
static int c_pm_flag(pws_policy *p, const args *a, pws_result *r)
{ return pws_user_set_partner_manager(p, a->user, a->flag, r); }
static int c_integration_off(pws_policy *p, const args *a, pws_result *r)
{ return pws_integration_disable(p, a->actor, a->ws, r); }
static int c_migrate_many(pws_policy *p, const args *a, pws_result *r)
{
	const char *ids[2] = { a->ws, a->ws2 };

	return pws_workspace_migrate_many(p, a->actor, ids, a->flag ? 2 : 1, r);
}

static const struct {
	const char *name;
	call_fn fn;
} CALLS[] = {
	{ "invite", c_invite }, { "invite_bulk", c_bulk }, { "invite_accept", c_accept },
	{ "invite_decline", c_decline }, { "invite_withdraw", c_withdraw },
	{ "member_set_role", c_set_role }, { "member_set_lead", c_set_lead },
	{ "member_remove", c_remove }, { "partner_end", c_partner_end },
	{ "workspace_create", c_create }, { "workspace_convert", c_convert },
	{ "request_review", c_review }, { "workspace_set_details", c_details },
	{ "workspace_set_visibility", c_visibility }, { "workspace_delete", c_delete_ws },
	{ "enable_multi_partner", c_multi }, { "workspace_migrate", c_migrate },
	{ "element_add", c_el_add }, { "element_add_editor", c_el_editor },
	{ "element_move", c_el_move }, { "element_fork", c_el_fork },
	{ "element_delete", c_el_delete }, { "element_restore", c_el_restore },
	{ "update_post", c_update }, { "update_reply", c_reply },
	{ "workspace_visit", c_visit }, { "history_add", c_history },
	{ "comment_add", c_comment }, { "integration_enable", c_integration },
	{ "user_set_team", c_set_team }, { "user_set_partner_manager", c_pm_flag },
	{ "integration_disable", c_integration_off }, { "workspace_migrate_many", c_migrate_many },
};
#define NCALLS (sizeof CALLS / sizeof CALLS[0])

static const char *const USERS[] = { "sa", "ad", "pm", "dv", "dv2", "a1", "a2", "g1",
	                             "i1", "solo", "nobody" };
static const char *const EMAILS[] = { "dv2@pub.com", "a1@acme.com", "a2@acme.com",
	                              "a3@acme.com", "g1@globex.com", "i1@initech.com",
	                              "solo@solo.net", "x@acme.com", "y@unknown.org" };
static const char *const WSS[] = { "pw", "pw2", "lw", "tw", "pv", "nope" };
static const char *const TEAMS[] = { "pub", "acme", "globex", "initech" };
static const char *const ELS[] = { "col", "col2", "env", "mon", "nope" };

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

#define PICK(a) (a)[rnd((uint32_t)(sizeof(a) / sizeof((a)[0])))]

static int events;

static void count_event(const pws_event *e, void *payload)
{
	(void)e;
	(void)payload;
	events++;
}

static pws_policy *world(void)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL;

	o.on_event = count_event;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	OK(pws_team_add(p, "pub", "Pub", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_team_set_editor_seats(p, "pub", 1 + rnd(2), RES));
	OK(pws_user_add(p, "sa", "sa@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "ad", "ad@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dv", "dv@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "dv2", "dv2@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_FREE, 0, RES));
	OK(pws_team_add_domain(p, "globex", "globex.com", RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "initech", "Initech", PWS_PLAN_BASIC, 0, RES));
	OK(pws_team_add_domain(p, "initech", "initech.com", RES));
	OK(pws_user_add(p, "i1", "i1@initech.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "solo", "solo@solo.net", NULL, 0, 0, RES));
	OK(pws_workspace_create(p, "pm", "pw", "P", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_workspace_create(p, "sa", "pw2", "P2", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_workspace_add_legacy(p, "pub", "lw", "L", "ad", RES));
	OK(pws_workspace_create(p, "dv", "tw", "T", PWS_VIS_TEAM, NULL, RES));
	OK(pws_workspace_create(p, "dv2", "pv", "V", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_element_add(p, "pm", "pw", "col", PWS_EL_COLLECTION, 100, NULL, RES));
	OK(pws_element_add(p, "pm", "pw", "mon", PWS_EL_MONITOR, 1, "col", RES));
	OK(pws_element_add(p, "dv", "tw", "col2", PWS_EL_COLLECTION, 100, NULL, RES));
	OK(pws_element_add(p, "dv", "tw", "env", PWS_EL_ENVIRONMENT, 100, NULL, RES));
	OK(pws_update_post(p, "pm", "pw", "up0", "hello", NOW, RES));
	/* members of every kind, so that calls about members are allowed too */
	OK(pws_invite(p, "pm", "pw", "dv@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dv", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "ad@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, RES));
	OK(pws_invite_accept(p, "ad", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 1, RES));
	OK(pws_invite_accept(p, "a1", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "g1", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite(p, "ad", "lw", "solo@solo.net", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "solo", "lw", NULL, RES));
	OK(pws_invite(p, "sa", "pw2", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "i1", "pw2", NULL, RES));
	OK(pws_invite(p, "dv", "tw", "dv2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "dv2", "tw", NULL, RES));
	return p;
}

static void random_args(args *a, int k)
{
	static char id[32];

	memset(a, 0, sizeof *a);
	a->actor = PICK(USERS);
	a->ws = PICK(WSS);
	a->ws2 = PICK(WSS);
	a->user = PICK(USERS);
	a->email = PICK(EMAILS);
	a->team = PICK(TEAMS);
	a->el = PICK(ELS);
	a->role = rnd(6) == 0 ? 7 : 1 + (int)rnd(3); /* now and then a bad role */
	a->kind = rnd(3) ? PWS_INVITE_PARTNER : PWS_INVITE_MEMBER;
	a->lead = rnd(4) == 0;
	a->vis = 1 + (int)rnd(5);
	a->flag = (int)rnd(2);
	a->now = NOW + k * 3600;
	snprintf(id, sizeof id, "n%d", (int)rnd(40));
	a->id = id;
}

/* Asks the call, then makes it: the two answers agree; asking changed
 * nothing and delivered no event. */
static void ask_then_do(pws_policy *p, size_t c, const args *a, uint64_t seed, int step)
{
	pws_result ask = PWS_RESULT_INIT, did = PWS_RESULT_INIT;
	uint64_t d0, d1;
	int rc_ask, rc_do;

	ask.request = PWS_REQUEST_ASK;
	ck_assert_int_eq(pws_policy_digest(p, &d0), PWS_OK);
	events = 0;
	rc_ask = CALLS[c].fn(p, a, &ask);
	ck_assert_int_eq(pws_policy_digest(p, &d1), PWS_OK);
	ck_assert_msg(d0 == d1 && events == 0,
	              "seed %" PRIu64 " step %d: asking %s changed the state or sent %d events",
	              seed, step, CALLS[c].name, events);
	ck_assert_msg(rc_ask != PWS_OK || (ask.flags & PWS_RESULT_ASKED),
	              "asked %s answered OK without PWS_RESULT_ASKED", CALLS[c].name);
	rc_do = CALLS[c].fn(p, a, &did);
	ck_assert_msg(rc_ask == rc_do && ask.rule == did.rule &&
	              (ask.flags & ~(uint32_t)PWS_RESULT_ASKED) == did.flags,
	              "seed %" PRIu64 " step %d: %s(actor %s, ws %s, ws2 %s, user %s, email %s, "
	              "role %d, kind %d, lead %d, el %s): asked -> %d %s flags %x [%s], "
	              "made -> %d %s flags %x [%s]",
	              seed, step, CALLS[c].name, a->actor, a->ws, a->ws2, a->user, a->email,
	              a->role, a->kind, a->lead, a->el, rc_ask, pws_rule_id(ask.rule), ask.flags,
	              ask.message, rc_do, pws_rule_id(did.rule), did.flags, did.message);
}

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : dflt;
}

START_TEST(ask_equals_do_every_operation_random_worlds)
{
	unsigned long worlds = env_count("PWS_ASK_WORLDS", 300), wi;
	uint64_t base = env_count("PWS_ASK_SEED", 1);
	unsigned long per_call[NCALLS] = { 0 }, ok_calls[NCALLS] = { 0 };
	size_t c;
	int k;

	for (wi = 0; wi < worlds; wi++) {
		uint64_t seed = base + wi;
		pws_policy *p;

		rng = seed * 0x9E3779B97F4A7C15ULL + 1;
		p = world();
		for (k = 0; k < 120; k++) {
			args a;
			pws_result r = PWS_RESULT_INIT;

			c = rnd((uint32_t)NCALLS);
			random_args(&a, k);
			ask_then_do(p, c, &a, seed, k);
			per_call[c]++;
			/* what did it do? (for coverage of both answers) */
			ck_assert_int_eq(pws_policy_digest(p, &(uint64_t){ 0 }), PWS_OK);
			(void)r;
		}
		pws_policy_free(p);
	}
	for (c = 0; c < NCALLS; c++)
		ck_assert_msg(per_call[c] > 0, "%s never tried", CALLS[c].name);
	(void)ok_calls;
}
END_TEST

/* Both answers of every operation occur: a property test whose calls were
 * all refused would prove nothing. */
START_TEST(ask_answers_both_ways)
{
	static const int want_allowed[] = { 0, 5, 9, 10, 12, 15, 17, 18, 19, 22, 23, 25, 26, 28 };
	int allowed[NCALLS] = { 0 }, denied[NCALLS] = { 0 };
	unsigned long wi;
	size_t c, i;
	int k;

	for (wi = 0; wi < 200; wi++) {
		pws_policy *p;

		rng = (wi + 77) * 0x9E3779B97F4A7C15ULL + 1;
		p = world();
		for (k = 0; k < 120; k++) {
			args a;
			pws_result r = PWS_RESULT_INIT;
			int rc;

			c = rnd((uint32_t)NCALLS);
			random_args(&a, k);
			r.request = PWS_REQUEST_ASK;
			rc = CALLS[c].fn(p, &a, &r);
			allowed[c] += rc == PWS_OK;
			denied[c] += rc == PWS_EDENIED;
			(void)CALLS[c].fn(p, &a, RES);
		}
		pws_policy_free(p);
	}
	for (i = 0; i < sizeof want_allowed / sizeof want_allowed[0]; i++) {
		c = (size_t)want_allowed[i];
		ck_assert_msg(allowed[c] > 0 && denied[c] > 0, "%s: allowed %d, denied %d",
		              CALLS[c].name, allowed[c], denied[c]);
	}
}
END_TEST

/* Asking leaves no trace in a store either: no record, no begin (no
 * storage call at all: mem_store counts begin, put, del and commit). */
START_TEST(ask_writes_nothing_through)
{
	pws_result r = PWS_RESULT_INIT;
	pws_policy *p = NULL;
	uint64_t rev = 9;
	mem_store s;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(mem_store_open(&s, NULL, &p), PWS_OK);
	r.request = PWS_REQUEST_ASK;
	ck_assert_int_eq(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, &r), PWS_OK);
	ck_assert(r.flags & PWS_RESULT_ASKED);
	ck_assert_uint_eq(s.calls, 0);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(pws_policy_revision(p, &rev), PWS_OK);
	ck_assert_uint_eq(rev, 0);
	FAILS(pws_team_set_plan(p, "t", PWS_PLAN_FREE, &r), PWS_ENOTFOUND); /* not made */
	ck_assert_uint_eq(s.calls, 0);
	OK(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, RES));
	ck_assert_uint_eq(s.n, 1);
	pws_policy_free(p);
	mem_store_clear(&s);
}
END_TEST

/* A version-1 result cannot ask: the call is made. */
START_TEST(ask_needs_result_version_2)
{
	pws_policy *p = NULL;
	pws_result r;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	ck_assert_int_eq(pws_result_init(&r, 1), PWS_OK);
	ck_assert_int_eq(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, &r), PWS_OK);
	ck_assert_int_eq(pws_team_add(p, "t", "T", PWS_PLAN_FREE, 0, &r), PWS_EEXISTS);
	ck_assert_int_eq(pws_result_init(&r, 2), PWS_OK);
	ck_assert_uint_eq(r.request, 0);
	ck_assert_int_eq(pws_result_init(&r, 3), PWS_EINVALID);
	pws_policy_free(p);
}
END_TEST

/* pws_check and pws_allowed_actions agree with the asked operations they
 * stand for (an action allowed by the check is allowed when asked, or
 * refused for a reason that is not the policy's; a denied one is refused
 * with the same rule). */
static const struct {
	int action;
	size_t call;  /* index in CALLS */
	int on_el;    /* the action is about the element */
} SAME[] = {
	{ PWS_ACT_EDIT_DETAILS, 12, 0 }, { PWS_ACT_ENABLE_MULTI, 15, 0 },
	{ PWS_ACT_DELETE_WORKSPACE, 14, 0 }, { PWS_ACT_POST_UPDATE, 23, 0 },
	{ PWS_ACT_INTEGRATION, 28, 0 }, { PWS_ACT_COMMENT, 27, 1 },
	{ PWS_ACT_DELETE_ELEMENT, 21, 1 }, { PWS_ACT_IMPORT, 17, 0 },
};

START_TEST(check_and_allowed_actions_agree_with_ask)
{
	unsigned long wi;
	size_t s;
	int k;

	for (wi = 0; wi < 150; wi++) {
		pws_policy *p;

		rng = (wi + 991) * 0x9E3779B97F4A7C15ULL + 1;
		p = world();
		for (k = 0; k < 80; k++) {
			args a;
			pws_result r = PWS_RESULT_INIT;
			int allowed = -1, rule = 0, rc, crc;
			uint64_t mask = 0;

			random_args(&a, k);
			s = rnd((uint32_t)(sizeof SAME / sizeof SAME[0]));
			if (SAME[s].on_el && strcmp(a.el, "nope") == 0)
				a.el = "col";
			if (!SAME[s].on_el && strcmp(a.ws, "nope") == 0)
				a.ws = "pw";
			if (strcmp(a.actor, "nobody") == 0)
				a.actor = "a1";
			crc = pws_check(p, &allowed, &rule, a.actor, SAME[s].action,
			                SAME[s].on_el ? NULL : a.ws, SAME[s].on_el ? a.el : NULL);
			if (crc != PWS_OK)
				continue; /* an element that is gone, ... */
			r.request = PWS_REQUEST_ASK;
			rc = CALLS[SAME[s].call].fn(p, &a, &r);
			/* allowed by the check: never refused by the policy when
			 * asked; denied: never allowed, and when the policy is what
			 * refuses it, by the same rule (a call may first fail for a
			 * reason of its own: an id that exists, ...) */
			if (allowed)
				ck_assert_msg(rc != PWS_EDENIED,
				              "%s allowed by pws_check (%s) but asking %s says denied %s [%s]",
				              pws_action_name(SAME[s].action), pws_rule_id(rule),
				              CALLS[SAME[s].call].name, pws_rule_id(r.rule), r.message);
			else
				ck_assert_msg(rc != PWS_OK && (rc != PWS_EDENIED || r.rule == rule),
				              "%s denied by pws_check (%s) but asking %s -> %d %s [%s]",
				              pws_action_name(SAME[s].action), pws_rule_id(rule),
				              CALLS[SAME[s].call].name, rc, pws_rule_id(r.rule), r.message);
			if (!SAME[s].on_el &&
			    pws_allowed_actions(p, &mask, a.actor, a.ws, NULL) == PWS_OK)
				ck_assert_msg(!!(mask & ((uint64_t)1 << SAME[s].action)) == !!allowed,
				              "pws_allowed_actions disagrees with pws_check on %s",
				              pws_action_name(SAME[s].action));
			/* move the world on */
			c_update(p, &a, RES);
			CALLS[rnd((uint32_t)NCALLS)].fn(p, &a, RES);
		}
		pws_policy_free(p);
	}
}
END_TEST

Suite *pws_ask_suite(void)
{
	Suite *s = suite_create("ask");
	TCase *tc = tcase_create("ask");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ask_equals_do_every_operation_random_worlds);
	tcase_add_test(tc, ask_answers_both_ways);
	tcase_add_test(tc, ask_writes_nothing_through);
	tcase_add_test(tc, ask_needs_result_version_2);
	tcase_add_test(tc, check_and_allowed_actions_agree_with_ask);
	suite_add_tcase(s, tc);
	return s;
}
