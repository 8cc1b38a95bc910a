/*
 * Rule tests: plans and seats (PL1, PL2, PL4), creating, converting and
 * reviewing (CR1-CR8), reaching a workspace (WS1-WS4), lifecycle (LC1),
 * migration and notices (TT2, TT3).
 *
 * Every test is named after the rule id it exercises. Denials assert the
 * deciding rule and that the state (tw_digest) did not change.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* State helpers                                                       */
/* ------------------------------------------------------------------ */

static void expect_ws(pws_policy *p, const char *ws, int vis, int mode, int model, int lc)
{
	int v = -1, m = -1, md = -1, l = -1;

	ck_assert_msg(pws_workspace_get(p, &v, &m, &md, &l, ws) == PWS_OK,
	              "workspace %s not found", ws);
	ck_assert_msg(v == vis, "workspace %s visibility %d, expected %d", ws, v, vis);
	if (mode >= 0)
		ck_assert_msg(m == mode, "workspace %s mode %d, expected %d", ws, m, mode);
	if (model >= 0)
		ck_assert_msg(md == model, "workspace %s model %d, expected %d", ws, md, model);
	ck_assert_msg(l == lc, "workspace %s lifecycle %d, expected %d", ws, l, lc);
}

static int ws_lifecycle(pws_policy *p, const char *ws)
{
	int l = -1;

	ck_assert_msg(pws_workspace_get(p, NULL, NULL, NULL, &l, ws) == PWS_OK,
	              "workspace %s not found", ws);
	return l;
}

static void expect_seats(pws_policy *p, const char *team, uint32_t used, uint32_t included)
{
	uint32_t u = 999, i = 999;

	ck_assert_int_eq(pws_team_editor_seats(p, &u, &i, team), PWS_OK);
	ck_assert_msg(u == used, "team %s uses %u seats, expected %u", team, u, used);
	ck_assert_msg(i == included, "team %s includes %u seats, expected %u", team, i, included);
}

/* Effective Partner Manager flag of a user, as pws_user_get reports it. */
static int user_pm(pws_policy *p, const char *user)
{
	int pm = -1;

	ck_assert_int_eq(pws_user_get(p, NULL, &pm, NULL, 0, user), PWS_OK);
	return pm;
}

/* Invites a partner (actor inviting) and has them accept through their home team. */
static void add_partner(pws_policy *p, const char *actor, const char *ws, const char *user,
                        const char *email, int role, int lead)
{
	OK(pws_invite(p, actor, ws, email, PWS_INVITE_PARTNER, role, lead, RES));
	OK(pws_invite_accept(p, user, ws, NULL, RES));
}

static void add_team_member(pws_policy *p, const char *actor, const char *ws, const char *user,
                            const char *email, int role)
{
	OK(pws_invite(p, actor, ws, email, PWS_INVITE_MEMBER, role, 0, RES));
	OK(pws_invite_accept(p, user, ws, NULL, RES));
}

/* The standard world plus a second Partner Manager "pm2" who is not a
 * member of "pw". */
static pws_policy *world_pm2(void)
{
	pws_policy *p = tw_world();

	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	return p;
}

/* ------------------------------------------------------------------ */
/* Event recorder                                                      */
/* ------------------------------------------------------------------ */

#define EV_MAX 64
#define EV_LIST 24
#define EV_STR 96

typedef struct ev_rec {
	int kind;
	int rule;
	uint32_t channels;
	char team[EV_STR];
	char actor[EV_STR];
	char subject[EV_STR];
	size_t nws;
	char ws[EV_LIST][EV_STR];
	size_t nrcpt;
	char rcpt[EV_LIST][EV_STR];
} ev_rec;

static ev_rec evs[EV_MAX];
static size_t nev;          /* events received (may exceed EV_MAX) */
static int ev_bad_payload;  /* the payload was not the one registered */
static int ev_overflow;     /* more workspaces/recipients than recorded */
static int ev_tag;

static void ev_copy(char *dst, const char *src)
{
	snprintf(dst, EV_STR, "%s", src ? src : "");
}

static void ev_reset(void)
{
	memset(evs, 0, sizeof evs);
	nev = 0;
	ev_bad_payload = 0;
	ev_overflow = 0;
}

static void ev_cb(const pws_event *e, void *payload)
{
	ev_rec *r;
	size_t i, n;

	if (payload != &ev_tag)
		ev_bad_payload = 1;
	if (nev >= EV_MAX) {
		nev++;
		return;
	}
	r = &evs[nev++];
	r->kind = pws_event_kind_of(e);
	r->rule = pws_event_rule(e);
	r->channels = pws_event_channels(e);
	ev_copy(r->team, pws_event_team(e));
	ev_copy(r->actor, pws_event_actor(e));
	ev_copy(r->subject, pws_event_subject(e));
	n = pws_event_workspace_count(e);
	if (n > EV_LIST) {
		ev_overflow = 1;
		n = EV_LIST;
	}
	for (i = 0; i < n; i++)
		ev_copy(r->ws[i], pws_event_workspace(e, i));
	r->nws = n;
	n = pws_event_recipient_count(e);
	if (n > EV_LIST) {
		ev_overflow = 1;
		n = EV_LIST;
	}
	for (i = 0; i < n; i++)
		ev_copy(r->rcpt[i], pws_event_recipient(e, i));
	r->nrcpt = n;
}

static void ev_sane(void)
{
	ck_assert_msg(!ev_bad_payload, "event payload not passed through");
	ck_assert_msg(!ev_overflow, "event recorder overflow");
	ck_assert_msg(nev <= EV_MAX, "too many events: %zu", nev);
}

static size_t ev_count(int kind)
{
	size_t i, n = 0;

	ev_sane();
	for (i = 0; i < nev; i++)
		if (evs[i].kind == kind)
			n++;
	return n;
}

/* The idx-th event of a kind (0-based); fails the test if absent. */
static const ev_rec *ev_nth(int kind, size_t idx)
{
	size_t i, left = idx;

	ev_sane();
	for (i = 0; i < nev; i++)
		if (evs[i].kind == kind && left-- == 0)
			return &evs[i];
	ck_abort_msg("no event of kind %d (#%zu)", kind, idx);
	return NULL;
}

static int ev_has_rcpt(const ev_rec *e, const char *who)
{
	size_t i;

	for (i = 0; i < e->nrcpt; i++)
		if (strcmp(e->rcpt[i], who) == 0)
			return 1;
	return 0;
}

/* Whether some event of a kind names who (EV1 splits a change into one
 * event per organization). */
static int ev_kind_has_rcpt(int kind, const char *who)
{
	size_t i, n = ev_count(kind);

	for (i = 0; i < n; i++)
		if (ev_has_rcpt(ev_nth(kind, i), who))
			return 1;
	return 0;
}

static int ev_has_ws(const ev_rec *e, const char *ws)
{
	size_t i;

	for (i = 0; i < e->nws; i++)
		if (strcmp(e->ws[i], ws) == 0)
			return 1;
	return 0;
}

/* Each recipient is listed once (a notice is coalesced, not repeated). */
static void ev_expect_unique(const ev_rec *e)
{
	size_t i, j;

	for (i = 0; i < e->nrcpt; i++)
		for (j = i + 1; j < e->nrcpt; j++)
			ck_assert_msg(strcmp(e->rcpt[i], e->rcpt[j]) != 0,
			              "recipient %s listed twice in event kind %d", e->rcpt[i],
			              e->kind);
}

/* Number of events of a kind whose recipients include who. */
static size_t ev_count_for(int kind, const char *who)
{
	size_t i, n = 0;

	ev_sane();
	for (i = 0; i < nev; i++)
		if (evs[i].kind == kind && ev_has_rcpt(&evs[i], who))
			n++;
	return n;
}

/* The standard world (as tw_world builds it), in a handle that reports
 * its events to ev_cb. The recorder is emptied after the build. */
static pws_policy *ev_world(void)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;

	o.allocator = tc_allocator();
	o.on_event = ev_cb;
	o.event_payload = &ev_tag;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	ck_assert_ptr_nonnull(p);
	ev_reset();

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
	OK(pws_user_add(p, "solo", "solo@gmail.com", NULL, 0, 0, RES));

	OK(pws_workspace_create(p, "pm", "pw", "Partner WS", PWS_VIS_PARTNER, NULL, RES));
	add_team_member(p, "pm", "pw", "dev", "dev@pub.com", PWS_ROLE_EDITOR);
	add_partner(p, "pm", "pw", "a1", "a1@acme.com", PWS_ROLE_EDITOR, 1);
	add_partner(p, "pm", "pw", "g1", "g1@globex.com", PWS_ROLE_VIEWER, 0);
	OK(pws_workspace_create(p, "dev2", "team-ws", "Team WS", PWS_VIS_TEAM, NULL, RES));
	ev_reset();
	return p;
}

/* ------------------------------------------------------------------ */
/* PL1: partner workspaces need professional or enterprise             */
/* ------------------------------------------------------------------ */

START_TEST(PL1_professional_team_creates_partner_workspace)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "a1", "acme-pw", "Acme partners", PWS_VIS_PARTNER, NULL, RES));
	expect_ws(p, "acme-pw", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL1_enterprise_team_creates_partner_workspace)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "owner", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	expect_ws(p, "pw2", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL1_free_team_cannot_create_partner_workspace)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	DENY(pws_workspace_create(p, "g1", "gpw", "Globex partners", PWS_VIS_PARTNER, NULL, RES),
	     PWS_RULE_PL1);
	ck_assert_int_eq(tw_res.code, PWS_EDENIED);
	ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, NULL, "gpw"), PWS_ENOTFOUND);
	ck_assert(tw_digest(p) == d);
	/* A non-partner workspace is fine on free. */
	OK(pws_workspace_create(p, "g1", "gteam", "Globex team", PWS_VIS_TEAM, NULL, RES));
	pws_policy_free(p);
}
END_TEST

START_TEST(PL1_basic_team_cannot_create_partner_workspace)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_team_set_plan(p, "initech", PWS_PLAN_BASIC, RES));
	d = tw_digest(p);
	DENY(pws_workspace_create(p, "i1", "ipw", "Initech", PWS_VIS_PARTNER, NULL, RES),
	     PWS_RULE_PL1);
	ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, NULL, "ipw"), PWS_ENOTFOUND);
	ck_assert(tw_digest(p) == d);
	/* Upgrading the plan lifts the refusal (checks use the current plan). */
	OK(pws_team_set_plan(p, "initech", PWS_PLAN_PROFESSIONAL, RES));
	OK(pws_workspace_create(p, "i1", "ipw", "Initech", PWS_VIS_PARTNER, NULL, RES));
	expect_ws(p, "ipw", PWS_VIS_PARTNER, -1, -1, PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL1_free_team_cannot_convert_to_partner)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "g1", "gteam", "Globex team", PWS_VIS_TEAM, NULL, RES));
	d = tw_digest(p);
	DENY(pws_workspace_convert(p, "g1", "gteam", NULL, RES), PWS_RULE_PL1);
	expect_ws(p, "gteam", PWS_VIS_TEAM, 0, 0, PWS_LC_ACTIVE);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PL2: viewers free, editors counted once per partner                 */
/* ------------------------------------------------------------------ */

START_TEST(PL2_partner_viewers_are_free)
{
	pws_policy *p = tw_world();

	/* a1 is the only partner Editor; g1 a viewer; dev an internal editor. */
	expect_seats(p, "pub", 1, 3);
	add_partner(p, "pm", "pw", "g2", "g2@globex.com", PWS_ROLE_VIEWER, 0);
	add_partner(p, "pm", "pw", "a2", "a2@acme.com", PWS_ROLE_VIEWER, 0);
	add_partner(p, "pm", "pw", "i1", "i1@initech.com", PWS_ROLE_VIEWER, 0);
	add_partner(p, "pm", "pw", "a3", "a3@acme.com", PWS_ROLE_VIEWER, 0);
	expect_member(p, "pw", "a3", PWS_ROLE_VIEWER, 0, 1);
	expect_seats(p, "pub", 1, 3);
	/* Team members holding Editor or Admin are not partner seats. */
	OK(pws_member_set_role(p, "pm", "pw", "dev", PWS_ROLE_ADMIN, RES));
	expect_seats(p, "pub", 1, 3);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL2_partner_editor_counted_once_across_workspaces)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	add_partner(p, "pm", "pw2", "a1", "a1@acme.com", PWS_ROLE_EDITOR, 0);
	expect_member(p, "pw2", "a1", PWS_ROLE_EDITOR, 0, 1);
	expect_seats(p, "pub", 1, 3); /* a1 twice, one seat */
	add_partner(p, "pm", "pw2", "a2", "a2@acme.com", PWS_ROLE_EDITOR, 0);
	expect_seats(p, "pub", 2, 3);
	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	expect_seats(p, "pub", 3, 3);
	/* Lowering an Editor frees the seat. */
	OK(pws_member_set_role(p, "pm", "pw2", "a2", PWS_ROLE_VIEWER, RES));
	expect_seats(p, "pub", 2, 3);
	/* The partner teams themselves use no seats of their own. */
	expect_seats(p, "acme", 0, 3);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PL4: included Partner Editor seats                                  */
/* ------------------------------------------------------------------ */

/* Fills pub's three default seats: a1 (world), a2, a3 as Editors in pw. */
static void fill_seats(pws_policy *p)
{
	add_partner(p, "pm", "pw", "a2", "a2@acme.com", PWS_ROLE_EDITOR, 0);
	add_partner(p, "pm", "pw", "a3", "a3@acme.com", PWS_ROLE_EDITOR, 0);
	expect_seats(p, "pub", 3, 3);
}

START_TEST(PL4_default_three_seats)
{
	pws_policy *p = tw_world();

	expect_seats(p, "pub", 1, 3);
	/* Up to the third seat, Editor invites stay Editor invites. */
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert_msg(!(tw_res.flags & PWS_RESULT_DOWNGRADED), "second seat downgraded");
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	OK(pws_invite_accept(p, "a2", "pw", NULL, RES));
	OK(pws_invite(p, "pm", "pw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert_msg(!(tw_res.flags & PWS_RESULT_DOWNGRADED), "third seat downgraded");
	OK(pws_invite_accept(p, "a3", "pw", NULL, RES));
	expect_member(p, "pw", "a3", PWS_ROLE_EDITOR, 0, 1);
	expect_seats(p, "pub", 3, 3);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL4_fourth_editor_invite_downgraded_to_viewer)
{
	pws_policy *p = tw_world();

	fill_seats(p);
	OK(pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_DOWNGRADED, "4th editor invite not downgraded");
	ck_assert_int_eq(tw_res.rule, PWS_RULE_PL4);
	ck_assert_int_eq(tw_res.code, PWS_OK);
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	OK(pws_invite_accept(p, "i1", "pw", NULL, RES));
	expect_member(p, "pw", "i1", PWS_ROLE_VIEWER, 0, 1);
	expect_seats(p, "pub", 3, 3);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL4_seat_holder_editor_invite_not_downgraded)
{
	pws_policy *p = tw_world();

	OK(pws_team_set_editor_seats(p, "pub", 1, RES));
	expect_seats(p, "pub", 1, 1); /* a1 holds the only seat */
	OK(pws_workspace_create(p, "pm", "pw2", "Second", PWS_VIS_PARTNER, NULL, RES));
	/* a1 already holds a seat: an Editor invite stays Editor. */
	OK(pws_invite(p, "pm", "pw2", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert_msg(!(tw_res.flags & PWS_RESULT_DOWNGRADED), "seat holder downgraded");
	expect_invite(p, "pw2", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0);
	/* a2 holds none and no seat is free: downgraded. */
	OK(pws_invite(p, "pm", "pw2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_DOWNGRADED, "a2 not downgraded");
	ck_assert_int_eq(tw_res.rule, PWS_RULE_PL4);
	expect_invite(p, "pw2", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL4_role_change_to_editor_without_seat_denied)
{
	pws_policy *p = tw_world();
	uint64_t d;

	fill_seats(p);
	d = tw_digest(p);
	DENY(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES), PWS_RULE_PL4);
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	expect_seats(p, "pub", 3, 3);
	ck_assert(tw_digest(p) == d);
	/* Freeing a seat makes the change possible. */
	OK(pws_member_set_role(p, "pm", "pw", "a3", PWS_ROLE_VIEWER, RES));
	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_EDITOR, 0, 1);
	expect_seats(p, "pub", 3, 3);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL4_set_editor_seats)
{
	pws_policy *p = tw_world();
	uint64_t d;

	fill_seats(p);
	OK(pws_team_set_editor_seats(p, "pub", 4, RES));
	expect_seats(p, "pub", 3, 4);
	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_EDITOR, 0, 1);
	expect_seats(p, "pub", 4, 4);
	/* Full again: the next Editor invite is a Viewer invite. */
	OK(pws_invite(p, "pm", "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert(tw_res.flags & PWS_RESULT_DOWNGRADED);
	expect_invite(p, "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	/* Zero included seats: every new partner Editor is refused / downgraded. */
	OK(pws_team_set_editor_seats(p, "pub", 0, RES));
	expect_seats(p, "pub", 4, 0);
	OK(pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert(tw_res.flags & PWS_RESULT_DOWNGRADED);
	expect_invite(p, "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	/* Unknown team. */
	d = tw_digest(p);
	FAILS(pws_team_set_editor_seats(p, "nope", 5, RES), PWS_ENOTFOUND);
	FAILS(pws_team_set_editor_seats(p, NULL, 5, RES), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR1: direct creation or request                                     */
/* ------------------------------------------------------------------ */

START_TEST(CR1_member_creates_request)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, "please", RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_PENDING, "no PENDING flag on a request");
	expect_ws(p, "req", PWS_VIS_PARTNER, -1, -1, PWS_LC_PENDING_APPROVAL);
	/* Without a note too. */
	OK(pws_workspace_create(p, "dev2", "req2", "Requested 2", PWS_VIS_PARTNER, NULL, RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	expect_ws(p, "req2", PWS_VIS_PARTNER, -1, -1, PWS_LC_PENDING_APPROVAL);
	/* A team admin who is not a Partner Manager also only requests. */
	OK(pws_workspace_create(p, "admin", "req3", "Requested 3", PWS_VIS_PARTNER, NULL, RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	expect_ws(p, "req3", PWS_VIS_PARTNER, -1, -1, PWS_LC_PENDING_APPROVAL);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR1_super_admin_creates_directly)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "owner", "pw2", "Direct", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_msg(!(tw_res.flags & PWS_RESULT_PENDING), "super admin got a request");
	expect_ws(p, "pw2", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	expect_member(p, "pw2", "owner", PWS_ROLE_ADMIN, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR1_partner_manager_creates_directly)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "pm", "pw2", "Direct", PWS_VIS_PARTNER, NULL, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_PENDING));
	expect_ws(p, "pw2", PWS_VIS_PARTNER, -1, -1, PWS_LC_ACTIVE);
	expect_member(p, "pw2", "pm", PWS_ROLE_ADMIN, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR1_non_partner_workspace_created_directly)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "dev", "priv", "Private", PWS_VIS_PRIVATE, NULL, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_PENDING));
	expect_ws(p, "priv", PWS_VIS_PRIVATE, 0, 0, PWS_LC_ACTIVE);
	expect_member(p, "priv", "dev", PWS_ROLE_ADMIN, 0, 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR2: converting                                                     */
/* ------------------------------------------------------------------ */

START_TEST(CR2_workspace_admin_converts_by_request)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_convert(p, "dev2", "team-ws", "for partners", RES));
	ck_assert_msg(tw_res.flags & PWS_RESULT_PENDING, "plain member converted directly");
	/* A pending conversion leaves the workspace usable as before. */
	expect_ws(p, "team-ws", PWS_VIS_TEAM, 0, 0, PWS_LC_ACTIVE);
	CAN(p, "dev2", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_AC1);
	/* A second request while one is pending. */
	FAILS(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES), PWS_ESTATE);
	OK(pws_request_review(p, "pm", "team-ws", 1, RES));
	expect_ws(p, "team-ws", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	expect_member(p, "team-ws", "dev2", PWS_ROLE_ADMIN, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR2_partner_manager_converts_directly)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_convert(p, "pm", "team-ws", NULL, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_PENDING));
	expect_ws(p, "team-ws", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR2_professional_admin_converts_directly)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "a1", "acme-team", "Acme team", PWS_VIS_TEAM, NULL, RES));
	OK(pws_workspace_convert(p, "a1", "acme-team", NULL, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_PENDING));
	expect_ws(p, "acme-team", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR2_non_admin_cannot_convert)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_team_member(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_ROLE_EDITOR);
	expect_member(p, "team-ws", "dev", PWS_ROLE_EDITOR, 0, 0);
	d = tw_digest(p);
	DENY(pws_workspace_convert(p, "dev", "team-ws", NULL, RES), PWS_RULE_CR2);
	expect_ws(p, "team-ws", PWS_VIS_TEAM, 0, 0, PWS_LC_ACTIVE);
	ck_assert(tw_digest(p) == d);
	/* A partner of another workspace cannot either. */
	FAILS(pws_workspace_convert(p, "a1", "team-ws", NULL, RES), PWS_EDENIED);
	ck_assert(tw_digest(p) == d);
	/* Already a partner workspace. */
	FAILS(pws_workspace_convert(p, "pm", "pw", NULL, RES), PWS_ESTATE);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR3: reviewing                                                      */
/* ------------------------------------------------------------------ */

START_TEST(CR3_partner_manager_approves_creation)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	CAN(p, "pm", PWS_ACT_REVIEW_REQUEST, "req", NULL, PWS_RULE_CR3);
	OK(pws_request_review(p, "pm", "req", 1, RES));
	expect_ws(p, "req", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	expect_member(p, "req", "dev", PWS_ROLE_ADMIN, 0, 0);
	/* Nothing left to review. */
	FAILS(pws_request_review(p, "pm", "req", 1, RES), PWS_ESTATE);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR3_super_admin_denies_creation)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	CAN(p, "owner", PWS_ACT_REVIEW_REQUEST, "req", NULL, PWS_RULE_CR3);
	OK(pws_request_review(p, "owner", "req", 0, RES));
	ck_assert_int_eq(ws_lifecycle(p, "req"), PWS_LC_DELETED);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR3_others_cannot_review_creation)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	d = tw_digest(p);
	/* The team admin (not a Partner Manager here) and the requester. */
	DENY(pws_request_review(p, "admin", "req", 1, RES), PWS_RULE_CR3);
	DENY(pws_request_review(p, "dev", "req", 1, RES), PWS_RULE_CR3);
	DENY(pws_request_review(p, "dev2", "req", 0, RES), PWS_RULE_CR3);
	CANNOT(p, "dev", PWS_ACT_REVIEW_REQUEST, "req", NULL, PWS_RULE_CR3);
	ck_assert_int_eq(ws_lifecycle(p, "req"), PWS_LC_PENDING_APPROVAL);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR3_conversion_review)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	d = tw_digest(p);
	DENY(pws_request_review(p, "dev2", "team-ws", 1, RES), PWS_RULE_CR3);
	DENY(pws_request_review(p, "admin", "team-ws", 1, RES), PWS_RULE_CR3);
	ck_assert(tw_digest(p) == d);
	/* Denying a conversion leaves the workspace as it was. */
	OK(pws_request_review(p, "pm", "team-ws", 0, RES));
	expect_ws(p, "team-ws", PWS_VIS_TEAM, 0, 0, PWS_LC_ACTIVE);
	expect_member(p, "team-ws", "dev2", PWS_ROLE_ADMIN, 0, 0);
	/* It can be asked again, and approved by a super admin. */
	OK(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	OK(pws_request_review(p, "owner", "team-ws", 1, RES));
	expect_ws(p, "team-ws", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR3_no_pending_request)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	FAILS(pws_request_review(p, "pm", "pw", 1, RES), PWS_ESTATE);
	FAILS(pws_request_review(p, "pm", "team-ws", 1, RES), PWS_ESTATE);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR4: conversion notifies every member (events)                      */
/* ------------------------------------------------------------------ */

START_TEST(CR4_conversion_notifies_every_member)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	add_team_member(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_ROLE_EDITOR);
	add_team_member(p, "dev2", "team-ws", "admin", "admin@pub.com", PWS_ROLE_VIEWER);
	ev_reset();
	OK(pws_workspace_convert(p, "pm", "team-ws", NULL, RES));
	ck_assert_uint_eq(ev_count(PWS_EV_WORKSPACE_CONVERTED), 1);
	e = ev_nth(PWS_EV_WORKSPACE_CONVERTED, 0);
	ck_assert(ev_has_rcpt(e, "dev2"));
	ck_assert(ev_has_rcpt(e, "dev"));
	ck_assert(ev_has_rcpt(e, "admin"));
	ck_assert(!ev_has_rcpt(e, "a1"));
	ck_assert(!ev_has_rcpt(e, "g1"));
	ck_assert(!ev_has_rcpt(e, "dev2@pub.com"));
	ev_expect_unique(e);
	ck_assert(ev_has_ws(e, "team-ws"));
	ck_assert_str_eq(e->team, "pub");
	/* In-app and by email (CR4). */
	ck_assert_uint_eq(e->channels & (PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL),
	                  PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR4_conversion_notice_waits_for_approval)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	add_team_member(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_ROLE_VIEWER);
	ev_reset();
	OK(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	ck_assert_uint_eq(ev_count(PWS_EV_WORKSPACE_CONVERTED), 0);
	ck_assert_uint_eq(ev_count(PWS_EV_REQUEST_CREATED), 1);
	ev_reset();
	OK(pws_request_review(p, "pm", "team-ws", 1, RES));
	ck_assert_uint_eq(ev_count(PWS_EV_WORKSPACE_CONVERTED), 1);
	e = ev_nth(PWS_EV_WORKSPACE_CONVERTED, 0);
	ck_assert(ev_has_rcpt(e, "dev2"));
	ck_assert(ev_has_rcpt(e, "dev"));
	/* The requester also learns the outcome (CR3). */
	ck_assert_uint_eq(ev_count_for(PWS_EV_REQUEST_REVIEWED, "dev2"), 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR4_denied_conversion_notifies_nobody)
{
	pws_policy *p = ev_world();
	uint64_t d;

	add_team_member(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_ROLE_EDITOR);
	d = tw_digest(p);
	ev_reset();
	DENY(pws_workspace_convert(p, "dev", "team-ws", NULL, RES), PWS_RULE_CR2);
	ck_assert_uint_eq(nev, 0);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR5: new partner workspaces are team-to-team                        */
/* ------------------------------------------------------------------ */

START_TEST(CR5_created_partner_workspace_is_team_to_team)
{
	pws_policy *p = tw_world();

	expect_ws(p, "pw", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_request_review(p, "pm", "req", 1, RES));
	expect_ws(p, "req", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR5_converted_workspace_is_team_to_team)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_convert(p, "pm", "team-ws", NULL, RES));
	expect_ws(p, "team-ws", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	/* Only the host brings legacy workspaces. */
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	expect_ws(p, "lw", PWS_VIS_PARTNER, -1, PWS_MODEL_LEGACY, PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR6: partners never create in the publisher team                    */
/* ------------------------------------------------------------------ */

START_TEST(CR6_teamless_user_cannot_create)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	DENY(pws_workspace_create(p, "solo", "sw", "Solo", PWS_VIS_PARTNER, NULL, RES),
	     PWS_RULE_CR6);
	DENY(pws_workspace_create(p, "solo", "sw", "Solo", PWS_VIS_PERSONAL, NULL, RES),
	     PWS_RULE_CR6);
	ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, NULL, "sw"), PWS_ENOTFOUND);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR6_partner_creates_in_own_team)
{
	pws_policy *p = tw_world();

	/* a1, a partner of pub, creates a team workspace: it is acme's. */
	OK(pws_workspace_create(p, "a1", "acme-ws", "Acme WS", PWS_VIS_TEAM, NULL, RES));
	CAN(p, "a2", PWS_ACT_VIEW, "acme-ws", NULL, PWS_RULE_WS2);
	CANNOT(p, "dev", PWS_ACT_VIEW, "acme-ws", NULL, PWS_RULE_WS2);
	CANNOT(p, "pm", PWS_ACT_VIEW, "acme-ws", NULL, PWS_RULE_WS2);
	/* And a partner workspace of its own, which pub's manager does not see. */
	OK(pws_workspace_create(p, "a1", "acme-pw", "Acme PW", PWS_VIS_PARTNER, NULL, RES));
	CANNOT(p, "pm", PWS_ACT_VIEW, "acme-pw", NULL, PWS_RULE_WS1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR7: Partner Manager on enterprise only                             */
/* ------------------------------------------------------------------ */

START_TEST(CR7_professional_member_creates_directly)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "a2", "acme-pw", "Acme PW", PWS_VIS_PARTNER, NULL, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_PENDING));
	expect_ws(p, "acme-pw", PWS_VIS_PARTNER, PWS_MODE_SINGLE, PWS_MODEL_TEAM_TO_TEAM,
	          PWS_LC_ACTIVE);
	expect_member(p, "acme-pw", "a2", PWS_ROLE_ADMIN, 0, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR7_partner_manager_flag_refused_off_enterprise)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	DENY(pws_user_set_partner_manager(p, "a2", 1, RES), PWS_RULE_CR7);
	ck_assert_int_eq(user_pm(p, "a2"), 0);
	DENY(pws_user_add(p, "apm", "apm@acme.com", "acme", PWS_TEAM_MEMBER, 1, RES),
	     PWS_RULE_CR7);
	ck_assert_int_eq(pws_user_get(p, NULL, NULL, NULL, 0, "apm"), PWS_ENOTFOUND);
	DENY(pws_user_set_partner_manager(p, "g1", 1, RES), PWS_RULE_CR7);
	ck_assert(tw_digest(p) == d);
	/* On enterprise it is accepted. */
	OK(pws_user_set_partner_manager(p, "dev2", 1, RES));
	ck_assert_int_eq(user_pm(p, "dev2"), 1);
	OK(pws_user_set_partner_manager(p, "dev2", 0, RES));
	ck_assert_int_eq(user_pm(p, "dev2"), 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR7_downgraded_plan_disables_partner_manager)
{
	pws_policy *p = tw_world();

	ck_assert_int_eq(user_pm(p, "pm"), 1);
	OK(pws_team_set_plan(p, "pub", PWS_PLAN_PROFESSIONAL, RES));
	ck_assert_int_eq(user_pm(p, "pm"), 0);
	/* On professional anyone creates directly. */
	OK(pws_workspace_create(p, "dev", "pw2", "Direct", PWS_VIS_PARTNER, NULL, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_PENDING));
	expect_ws(p, "pw2", PWS_VIS_PARTNER, -1, -1, PWS_LC_ACTIVE);
	/* Back on enterprise the flag counts again, and requests return. */
	OK(pws_team_set_plan(p, "pub", PWS_PLAN_ENTERPRISE, RES));
	ck_assert_int_eq(user_pm(p, "pm"), 1);
	OK(pws_workspace_create(p, "dev", "pw3", "Request", PWS_VIS_PARTNER, NULL, RES));
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	expect_ws(p, "pw3", PWS_VIS_PARTNER, -1, -1, PWS_LC_PENDING_APPROVAL);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CR8: the first partner workspace makes the Admins Partner Managers  */
/* ------------------------------------------------------------------ */

static void add_big_team(pws_policy *p)
{
	OK(pws_team_add(p, "big", "Big", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "big", "big.com", RES));
	OK(pws_user_add(p, "bo", "bo@big.com", "big", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "ba", "ba@big.com", "big", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "ba2", "ba2@big.com", "big", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "bm", "bm@big.com", "big", PWS_TEAM_MEMBER, 0, RES));
}

START_TEST(CR8_admins_become_partner_managers)
{
	pws_policy *p = tw_world();

	add_big_team(p);
	ck_assert_int_eq(user_pm(p, "ba"), 0);
	OK(pws_workspace_create(p, "bm", "bw", "Big partners", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_int_eq(user_pm(p, "ba"), 1);
	ck_assert_int_eq(user_pm(p, "ba2"), 1);
	ck_assert_int_eq(user_pm(p, "bm"), 0);
	/* CR1 then applies: bm is no manager, so this is a request... */
	ck_assert(tw_res.flags & PWS_RESULT_PENDING);
	expect_ws(p, "bw", PWS_VIS_PARTNER, -1, -1, PWS_LC_PENDING_APPROVAL);
	/* ...that the new manager can review. */
	OK(pws_request_review(p, "ba", "bw", 1, RES));
	expect_ws(p, "bw", PWS_VIS_PARTNER, -1, -1, PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR8_admin_creator_becomes_manager_and_creates_directly)
{
	pws_policy *p = tw_world();

	add_big_team(p);
	OK(pws_workspace_create(p, "ba", "bw", "Big partners", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_int_eq(user_pm(p, "ba"), 1);
	ck_assert(!(tw_res.flags & PWS_RESULT_PENDING));
	expect_ws(p, "bw", PWS_VIS_PARTNER, -1, -1, PWS_LC_ACTIVE);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR8_not_applied_when_team_has_manager)
{
	pws_policy *p = tw_world();

	/* pub already has "pm". */
	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_int_eq(user_pm(p, "admin"), 0);
	/* Non-partner workspaces assign nobody either. */
	add_big_team(p);
	OK(pws_workspace_create(p, "bm", "bteam", "Big team", PWS_VIS_TEAM, NULL, RES));
	ck_assert_int_eq(user_pm(p, "ba"), 0);
	/* Nor on professional, where the role does not exist (CR7). */
	OK(pws_user_add(p, "aa", "aa@acme.com", "acme", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_workspace_create(p, "a1", "acme-pw", "Acme PW", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_int_eq(user_pm(p, "aa"), 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR8_assignment_reported_as_event)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	add_big_team(p);
	ev_reset();
	OK(pws_workspace_create(p, "bm", "bw", "Big partners", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_uint_eq(ev_count(PWS_EV_PARTNER_MANAGER_ASSIGNED), 1);
	e = ev_nth(PWS_EV_PARTNER_MANAGER_ASSIGNED, 0);
	ck_assert(ev_has_rcpt(e, "ba"));
	ck_assert(ev_has_rcpt(e, "ba2"));
	ck_assert(!ev_has_rcpt(e, "bm"));
	ck_assert_str_eq(e->team, "big");
	/* The request notice reaches the new managers. */
	ck_assert_uint_eq(ev_count(PWS_EV_REQUEST_CREATED), 1);
	e = ev_nth(PWS_EV_REQUEST_CREATED, 0);
	ck_assert(ev_has_rcpt(e, "ba"));
	ck_assert(ev_has_rcpt(e, "ba2"));
	ev_expect_unique(e);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WS1: partner workspaces: members and Partner Managers               */
/* ------------------------------------------------------------------ */

START_TEST(WS1_members_reach_partner_workspace)
{
	pws_policy *p = tw_world();

	CAN(p, "g1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_AC1);
	CAN(p, "a1", PWS_ACT_RUN, "pw", NULL, PWS_RULE_AC1);
	CAN(p, "dev", PWS_ACT_EXPORT, "pw", NULL, PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS1_partner_manager_views_without_membership)
{
	pws_policy *p = world_pm2();

	expect_not_member(p, "pw", "pm2");
	CAN(p, "pm2", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	CAN(p, "pm2", PWS_ACT_VIEW_MEMBERS, "pw", NULL, PWS_RULE_WS1);
	CAN(p, "pm2", PWS_ACT_VIEW, NULL, "col", PWS_RULE_WS1);
	/* Managing is a Partner Manager's. */
	ck_assert(tw_can(p, "pm2", PWS_ACT_EDIT_DETAILS, "pw", NULL, NULL) == 1);
	ck_assert(tw_can(p, "pm2", PWS_ACT_INVITE_PARTNER, "pw", NULL, NULL) == 1);
	OK(pws_workspace_set_details(p, "pm2", "pw", "Renamed", NULL, NULL, RES));
	/* Working inside needs a membership. */
	CANNOT(p, "pm2", PWS_ACT_SEND_REQUEST, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "pm2", PWS_ACT_RUN, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "pm2", PWS_ACT_EXPORT, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "pm2", PWS_ACT_GENERATE_CODE, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "pm2", PWS_ACT_EDIT, "pw", "col", PWS_RULE_WS1);
	CANNOT(p, "pm2", PWS_ACT_IMPORT, "pw", NULL, PWS_RULE_WS1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS1_non_members_cannot_reach_partner_workspace)
{
	pws_policy *p = tw_world();

	/* Even the owning team's members and admins, without a membership. */
	CANNOT(p, "dev2", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "admin", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "dev2", PWS_ACT_VIEW_MEMBERS, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "a2", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "solo", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "a2", PWS_ACT_VIEW, NULL, "col", PWS_RULE_WS1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WS2: partners reach only their partner workspaces                   */
/* ------------------------------------------------------------------ */

START_TEST(WS2_partner_cannot_reach_team_workspace)
{
	pws_policy *p = tw_world();

	CANNOT(p, "a1", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_WS2);
	CANNOT(p, "g1", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_WS2);
	/* The owning team's users view a team workspace, and only view. */
	CAN(p, "dev", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_WS2);
	ck_assert(tw_can(p, "dev", PWS_ACT_RUN, "team-ws", NULL, NULL) == 0);
	ck_assert(tw_can(p, "dev", PWS_ACT_EDIT_DETAILS, "team-ws", NULL, NULL) == 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS2_public_private_personal)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_create(p, "dev2", "open", "Public", PWS_VIS_PUBLIC, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "priv", "Private", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "mine", "Personal", PWS_VIS_PERSONAL, NULL, RES));
	CAN(p, "a1", PWS_ACT_VIEW, "open", NULL, PWS_RULE_WS2);
	CAN(p, "solo", PWS_ACT_VIEW, "open", NULL, PWS_RULE_WS2);
	CAN(p, "dev", PWS_ACT_VIEW, "open", NULL, PWS_RULE_WS2);
	CANNOT(p, "a1", PWS_ACT_VIEW, "priv", NULL, PWS_RULE_WS2);
	CANNOT(p, "dev", PWS_ACT_VIEW, "priv", NULL, PWS_RULE_WS2);
	CANNOT(p, "owner", PWS_ACT_VIEW, "mine", NULL, PWS_RULE_WS2);
	CAN(p, "dev2", PWS_ACT_VIEW, "priv", NULL, PWS_RULE_AC1);
	CAN(p, "dev2", PWS_ACT_VIEW, "mine", NULL, PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS2_no_partner_invite_outside_partner_workspaces)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	DENY(pws_invite(p, "dev2", "team-ws", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER,
	                0, RES), PWS_RULE_WS2);
	expect_no_invite(p, "team-ws", "a2@acme.com");
	ck_assert(tw_digest(p) == d);
	/* A team member invite is fine there. */
	OK(pws_invite(p, "dev2", "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0,
	              RES));
	expect_invite(p, "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WS3: reached from the partner's own team                            */
/* ------------------------------------------------------------------ */

START_TEST(WS3_partner_accepts_through_home_team)
{
	pws_policy *p = tw_world();

	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a2", "pw", "acme", RES));
	expect_member(p, "pw", "a2", PWS_ROLE_VIEWER, 0, 1); /* listed as external */
	CAN(p, "a2", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS3_accept_through_other_team_denied)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	d = tw_digest(p);
	DENY(pws_invite_accept(p, "a2", "pw", "globex", RES), PWS_RULE_WS3);
	DENY(pws_invite_accept(p, "a2", "pw", "pub", RES), PWS_RULE_WS3);
	expect_not_member(p, "pw", "a2");
	expect_invite(p, "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WS4: access follows team membership                                 */
/* ------------------------------------------------------------------ */

START_TEST(WS4_partner_leaving_team_loses_access)
{
	pws_policy *p = tw_world();
	char team[64];
	int role = -1;

	CAN(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_AC1);
	OK(pws_user_set_team(p, "a1", NULL, PWS_TEAM_MEMBER, RES));
	ck_assert_int_eq(pws_user_get(p, &role, NULL, team, sizeof team, "a1"), PWS_OK);
	ck_assert_str_eq(team, "");
	ck_assert_int_eq(role, 0);
	expect_suspended(p, "pw", "a1", PWS_ROLE_EDITOR, 1);
	CANNOT(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS4);
	CANNOT(p, "a1", PWS_ACT_VIEW, NULL, "col", PWS_RULE_WS4);
	/* Coming back restores the membership as it was. */
	OK(pws_user_set_team(p, "a1", "acme", PWS_TEAM_MEMBER, RES));
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	CAN(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_partner_moving_team_loses_access)
{
	pws_policy *p = tw_world();

	OK(pws_user_set_team(p, "g1", "initech", PWS_TEAM_MEMBER, RES));
	expect_suspended(p, "pw", "g1", PWS_ROLE_VIEWER, 0);
	CANNOT(p, "g1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS4);
	OK(pws_user_set_team(p, "g1", "globex", PWS_TEAM_MEMBER, RES));
	expect_member(p, "pw", "g1", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_team_member_leaving_loses_own_team_memberships)
{
	pws_policy *p = tw_world();

	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	OK(pws_user_set_team(p, "dev", "acme", PWS_TEAM_MEMBER, RES));
	expect_not_member(p, "pw", "dev");
	CANNOT(p, "dev", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	CANNOT(p, "dev", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_WS2);
	/* Those memberships ended: coming back does not restore them. */
	OK(pws_user_set_team(p, "dev", "pub", PWS_TEAM_MEMBER, RES));
	expect_not_member(p, "pw", "dev");
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_legacy_membership_belongs_to_individual)
{
	pws_policy *p = tw_world();

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	add_partner(p, "admin", "lw", "a2", "a2@acme.com", PWS_ROLE_VIEWER, 0);
	OK(pws_user_set_team(p, "a2", NULL, PWS_TEAM_MEMBER, RES));
	expect_member(p, "lw", "a2", PWS_ROLE_VIEWER, 0, 1);
	CAN(p, "a2", PWS_ACT_VIEW, "lw", NULL, PWS_RULE_AC1);
	OK(pws_user_set_team(p, "a2", "initech", PWS_TEAM_MEMBER, RES));
	expect_member(p, "lw", "a2", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* LC1: pending and deleted workspaces                                 */
/* ------------------------------------------------------------------ */

START_TEST(LC1_pending_workspace_allows_only_review)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	d = tw_digest(p);
	CANNOT(p, "dev", PWS_ACT_VIEW, "req", NULL, PWS_RULE_LC1);
	CANNOT(p, "dev", PWS_ACT_EDIT_DETAILS, "req", NULL, PWS_RULE_LC1);
	CANNOT(p, "pm", PWS_ACT_VIEW, "req", NULL, PWS_RULE_LC1);
	CANNOT(p, "pm", PWS_ACT_INVITE_PARTNER, "req", NULL, PWS_RULE_LC1);
	CANNOT(p, "owner", PWS_ACT_VIEW, "req", NULL, PWS_RULE_LC1);
	DENY(pws_invite(p, "dev", "req", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	                RES), PWS_RULE_LC1);
	DENY(pws_invite(p, "pm", "req", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	                RES), PWS_RULE_LC1);
	DENY(pws_workspace_set_details(p, "dev", "req", "x", NULL, NULL, RES), PWS_RULE_LC1);
	DENY(pws_element_add(p, "dev", "req", "c2", PWS_EL_COLLECTION, 10, NULL, RES),
	     PWS_RULE_LC1);
	ck_assert(tw_digest(p) == d);
	/* Review alone is possible. */
	ck_assert(tw_can(p, "pm", PWS_ACT_REVIEW_REQUEST, "req", NULL, NULL) == 1);
	OK(pws_request_review(p, "pm", "req", 1, RES));
	CAN(p, "dev", PWS_ACT_VIEW, "req", NULL, PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(LC1_denied_request_workspace_allows_nothing)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_request_review(p, "pm", "req", 0, RES));
	ck_assert_int_eq(ws_lifecycle(p, "req"), PWS_LC_DELETED);
	d = tw_digest(p);
	CANNOT(p, "dev", PWS_ACT_VIEW, "req", NULL, PWS_RULE_LC1);
	CANNOT(p, "pm", PWS_ACT_VIEW, "req", NULL, PWS_RULE_LC1);
	CANNOT(p, "pm", PWS_ACT_REVIEW_REQUEST, "req", NULL, PWS_RULE_LC1);
	CANNOT(p, "owner", PWS_ACT_DELETE_WORKSPACE, "req", NULL, PWS_RULE_LC1);
	DENY(pws_invite(p, "pm", "req", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	                RES), PWS_RULE_LC1);
	DENY(pws_request_review(p, "pm", "req", 1, RES), PWS_RULE_LC1);
	ck_assert_int_eq(ws_lifecycle(p, "req"), PWS_LC_DELETED);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(LC1_deleted_workspace_allows_nothing)
{
	pws_policy *p = tw_world();
	uint64_t d;

	OK(pws_workspace_delete(p, "dev2", "team-ws", RES));
	ck_assert_int_eq(ws_lifecycle(p, "team-ws"), PWS_LC_DELETED);
	d = tw_digest(p);
	CANNOT(p, "dev2", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_LC1);
	CANNOT(p, "dev2", PWS_ACT_EDIT_DETAILS, "team-ws", NULL, PWS_RULE_LC1);
	CANNOT(p, "dev", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_LC1);
	DENY(pws_workspace_set_details(p, "dev2", "team-ws", "x", NULL, NULL, RES), PWS_RULE_LC1);
	DENY(pws_invite(p, "dev2", "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0,
	                RES), PWS_RULE_LC1);
	DENY(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES), PWS_RULE_LC1);
	DENY(pws_workspace_delete(p, "dev2", "team-ws", RES), PWS_RULE_LC1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* TT2: migration                                                      */
/* ------------------------------------------------------------------ */

/* A legacy workspace "lw" of pub (admin is its Admin) with partners a2
 * (editor, lead), g2 (viewer) and the teamless solo (viewer). */
static void add_legacy_ws(pws_policy *p)
{
	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	expect_ws(p, "lw", PWS_VIS_PARTNER, -1, PWS_MODEL_LEGACY, PWS_LC_ACTIVE);
	expect_member(p, "lw", "admin", PWS_ROLE_ADMIN, 0, 0);
	add_partner(p, "admin", "lw", "a2", "a2@acme.com", PWS_ROLE_EDITOR, 1);
	add_partner(p, "admin", "lw", "g2", "g2@globex.com", PWS_ROLE_VIEWER, 0);
	/* Legacy memberships belong to individuals: a teamless user accepts. */
	add_partner(p, "admin", "lw", "solo", "solo@gmail.com", PWS_ROLE_VIEWER, 0);
	expect_member(p, "lw", "solo", PWS_ROLE_VIEWER, 0, 1);
}

START_TEST(TT2_migrate_maps_partners_to_home_team)
{
	pws_policy *p = tw_world();

	add_legacy_ws(p);
	OK(pws_invite(p, "admin", "lw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_workspace_migrate(p, "pm", "lw", RES));
	expect_ws(p, "lw", PWS_VIS_PARTNER, -1, PWS_MODEL_TEAM_TO_TEAM, PWS_LC_ACTIVE);
	/* Roles kept. */
	expect_member(p, "lw", "admin", PWS_ROLE_ADMIN, 0, 0);
	expect_member(p, "lw", "a2", PWS_ROLE_EDITOR, 1, 1);
	expect_member(p, "lw", "g2", PWS_ROLE_VIEWER, 0, 1);
	/* Teamless partners lose the membership. */
	expect_not_member(p, "lw", "solo");
	CANNOT(p, "solo", PWS_ACT_VIEW, "lw", NULL, PWS_RULE_WS1);
	/* Now the membership follows the team (WS4). */
	OK(pws_user_set_team(p, "a2", NULL, PWS_TEAM_MEMBER, RES));
	expect_suspended(p, "lw", "a2", PWS_ROLE_EDITOR, 1);
	CANNOT(p, "a2", PWS_ACT_VIEW, "lw", NULL, PWS_RULE_WS4);
	OK(pws_user_set_team(p, "a2", "acme", PWS_TEAM_MEMBER, RES));
	expect_member(p, "lw", "a2", PWS_ROLE_EDITOR, 1, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(TT2_migrate_by_super_admin_or_host)
{
	pws_policy *p = tw_world();

	add_legacy_ws(p);
	OK(pws_workspace_add_legacy(p, "pub", "lw2", "Legacy 2", "dev2", RES));
	OK(pws_workspace_migrate(p, "owner", "lw", RES));
	expect_ws(p, "lw", PWS_VIS_PARTNER, -1, PWS_MODEL_TEAM_TO_TEAM, PWS_LC_ACTIVE);
	OK(pws_workspace_migrate(p, NULL, "lw2", RES));
	expect_ws(p, "lw2", PWS_VIS_PARTNER, -1, PWS_MODEL_TEAM_TO_TEAM, PWS_LC_ACTIVE);
	/* Only legacy workspaces migrate. */
	FAILS(pws_workspace_migrate(p, "pm", "lw", RES), PWS_ESTATE);
	FAILS(pws_workspace_migrate(p, "pm", "pw", RES), PWS_ESTATE);
	pws_policy_free(p);
}
END_TEST

START_TEST(TT2_migrate_denied_to_others)
{
	pws_policy *p = tw_world();
	uint64_t d;

	add_legacy_ws(p);
	d = tw_digest(p);
	/* Its Workspace Admin (a team admin, not a Partner Manager). */
	DENY(pws_workspace_migrate(p, "admin", "lw", RES), PWS_RULE_TT2);
	DENY(pws_workspace_migrate(p, "dev", "lw", RES), PWS_RULE_TT2);
	expect_ws(p, "lw", PWS_VIS_PARTNER, -1, PWS_MODEL_LEGACY, PWS_LC_ACTIVE);
	expect_member(p, "lw", "solo", PWS_ROLE_VIEWER, 0, 1);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* TT3 and notices (events)                                            */
/* ------------------------------------------------------------------ */

START_TEST(TT3_request_created_one_notice_per_team)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, "please", RES));
	ck_assert_uint_eq(ev_count(PWS_EV_REQUEST_CREATED), 1);
	e = ev_nth(PWS_EV_REQUEST_CREATED, 0);
	ck_assert_str_eq(e->team, "pub");
	ck_assert_str_eq(e->actor, "dev");
	ck_assert(ev_has_ws(e, "req"));
	ck_assert(ev_has_rcpt(e, "pm"));
	ck_assert(ev_has_rcpt(e, "admin"));
	ck_assert(!ev_has_rcpt(e, "dev2"));
	ck_assert(!ev_has_rcpt(e, "a1"));
	ck_assert(!ev_has_rcpt(e, "g1"));
	ev_expect_unique(e);
	ck_assert(e->channels & PWS_CHANNEL_EMAIL);
	/* Nothing else was converted or deleted. */
	ck_assert_uint_eq(ev_count(PWS_EV_WORKSPACE_CONVERTED), 0);
	ck_assert_uint_eq(ev_count(PWS_EV_REQUEST_REVIEWED), 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(TT3_direct_creation_sends_no_request_notice)
{
	pws_policy *p = ev_world();

	OK(pws_workspace_create(p, "pm", "pw2", "Direct", PWS_VIS_PARTNER, NULL, RES));
	ck_assert_uint_eq(ev_count(PWS_EV_REQUEST_CREATED), 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR3_requester_notified_of_outcome)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_workspace_create(p, "dev2", "req2", "Requested 2", PWS_VIS_PARTNER, NULL, RES));
	ev_reset();
	OK(pws_request_review(p, "pm", "req", 1, RES));
	ck_assert_uint_eq(ev_count(PWS_EV_REQUEST_REVIEWED), 1);
	e = ev_nth(PWS_EV_REQUEST_REVIEWED, 0);
	ck_assert(ev_has_rcpt(e, "dev"));
	ck_assert(!ev_has_rcpt(e, "dev2"));
	ck_assert(ev_has_ws(e, "req"));
	ev_reset();
	OK(pws_request_review(p, "owner", "req2", 0, RES));
	ck_assert_uint_eq(ev_count_for(PWS_EV_REQUEST_REVIEWED, "dev2"), 1);
	/* A refused review tells nobody. */
	OK(pws_workspace_create(p, "dev", "req3", "Requested 3", PWS_VIS_PARTNER, NULL, RES));
	ev_reset();
	DENY(pws_request_review(p, "dev2", "req3", 1, RES), PWS_RULE_CR3);
	ck_assert_uint_eq(nev, 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(TT3_invite_one_notice_per_workspace)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_uint_eq(ev_count(PWS_EV_INVITED), 1);
	e = ev_nth(PWS_EV_INVITED, 0);
	ck_assert(ev_has_rcpt(e, "a2@acme.com"));
	ck_assert_uint_eq(e->nrcpt, 1);
	ck_assert(ev_has_ws(e, "pw"));
	ck_assert_str_eq(e->team, "pub");
	pws_policy_free(p);
}
END_TEST

START_TEST(TT3_migration_notices_coalesced)
{
	pws_policy *p = ev_world();
	const ev_rec *e;
	size_t i;

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	add_team_member(p, "admin", "lw", "dev2", "dev2@pub.com", PWS_ROLE_ADMIN);
	add_partner(p, "admin", "lw", "a2", "a2@acme.com", PWS_ROLE_EDITOR, 0);
	add_partner(p, "admin", "lw", "a3", "a3@acme.com", PWS_ROLE_VIEWER, 0);
	add_partner(p, "admin", "lw", "g2", "g2@globex.com", PWS_ROLE_VIEWER, 0);
	OK(pws_workspace_add_legacy(p, "pub", "lw2", "Legacy 2", "admin", RES));
	add_partner(p, "admin", "lw2", "a2", "a2@acme.com", PWS_ROLE_VIEWER, 0);
	ev_reset();

	OK(pws_workspace_migrate(p, "pm", "lw", RES));
	/* One MIGRATED notice for the team: managers, team admins, ws admins. */
	ck_assert_uint_eq(ev_count(PWS_EV_MIGRATED), 1);
	e = ev_nth(PWS_EV_MIGRATED, 0);
	ck_assert_str_eq(e->team, "pub");
	ck_assert(ev_has_ws(e, "lw"));
	ck_assert(ev_has_rcpt(e, "pm"));
	ck_assert(ev_has_rcpt(e, "admin"));
	ck_assert(ev_has_rcpt(e, "dev2"));
	ck_assert(!ev_has_rcpt(e, "dev"));
	ck_assert(!ev_has_rcpt(e, "a2"));
	ck_assert(!ev_has_rcpt(e, "g2"));
	ev_expect_unique(e);
	/* Each partner: exactly one PARTNER_UPGRADED for this workspace. */
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "a2"), 1);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "a3"), 1);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "g2"), 1);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "pm"), 0);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "admin"), 0);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "dev2"), 0);
	for (i = 0; i < ev_count(PWS_EV_PARTNER_UPGRADED); i++) {
		e = ev_nth(PWS_EV_PARTNER_UPGRADED, i);
		ck_assert(ev_has_ws(e, "lw"));
		ck_assert(!ev_has_ws(e, "lw2"));
		ev_expect_unique(e);
	}

	/* The second workspace: its own notices. */
	ev_reset();
	OK(pws_workspace_migrate(p, "pm", "lw2", RES));
	ck_assert_uint_eq(ev_count(PWS_EV_MIGRATED), 1);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "a2"), 1);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "a3"), 0);
	ck_assert_uint_eq(ev_count_for(PWS_EV_PARTNER_UPGRADED, "g2"), 0);
	e = ev_nth(PWS_EV_PARTNER_UPGRADED, 0);
	ck_assert(ev_has_ws(e, "lw2"));
	pws_policy_free(p);
}
END_TEST

START_TEST(TT3_refused_call_emits_no_event)
{
	pws_policy *p = ev_world();
	uint64_t d;

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	add_partner(p, "admin", "lw", "a2", "a2@acme.com", PWS_ROLE_VIEWER, 0);
	d = tw_digest(p);
	ev_reset();
	DENY(pws_workspace_migrate(p, "admin", "lw", RES), PWS_RULE_TT2);
	DENY(pws_invite(p, "dev", "pw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	                RES), PWS_RULE_IN1);
	DENY(pws_workspace_create(p, "solo", "sw", "Solo", PWS_VIS_PARTNER, NULL, RES),
	     PWS_RULE_CR6);
	DENY(pws_workspace_create(p, "g1", "gw", "Globex", PWS_VIS_PARTNER, NULL, RES),
	     PWS_RULE_PL1);
	FAILS(pws_workspace_create(p, "dev", "", "Bad", PWS_VIS_PARTNER, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, "dev", "pw", "Dup", PWS_VIS_PARTNER, NULL, RES), PWS_EEXISTS);
	FAILS(pws_workspace_migrate(p, "pm", "pw", RES), PWS_ESTATE);
	ck_assert_uint_eq(nev, 0);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(DL2_delete_notifies_every_member)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	add_team_member(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_ROLE_EDITOR);
	add_team_member(p, "dev2", "team-ws", "admin", "admin@pub.com", PWS_ROLE_VIEWER);
	ev_reset();
	OK(pws_workspace_delete(p, "dev2", "team-ws", RES));
	ck_assert_uint_eq(ev_count(PWS_EV_WORKSPACE_DELETED), 1);
	e = ev_nth(PWS_EV_WORKSPACE_DELETED, 0);
	ck_assert(ev_has_rcpt(e, "dev2"));
	ck_assert(ev_has_rcpt(e, "dev"));
	ck_assert(ev_has_rcpt(e, "admin"));
	ck_assert(!ev_has_rcpt(e, "a1"));
	ck_assert(!ev_has_rcpt(e, "pm"));
	ev_expect_unique(e);
	ck_assert(ev_has_ws(e, "team-ws"));
	pws_policy_free(p);
}
END_TEST

START_TEST(RO2_enabling_multi_reports_downgrade_event)
{
	pws_policy *p = ev_world();
	const ev_rec *e;

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ck_assert(tw_res.flags & PWS_RESULT_DOWNGRADED);
	expect_member(p, "pw", "a1", PWS_ROLE_VIEWER, 1, 1);
	expect_member(p, "pw", "dev", PWS_ROLE_EDITOR, 0, 0);
	ck_assert_uint_eq(ev_count(PWS_EV_ROLES_DOWNGRADED), 1);
	e = ev_nth(PWS_EV_ROLES_DOWNGRADED, 0);
	ck_assert(ev_has_rcpt(e, "a1"));
	ck_assert(!ev_has_rcpt(e, "dev"));
	ck_assert(!ev_has_rcpt(e, "g1"));
	/* Every member learns multi-partner mode is on: publisher side, acme
	 * and globex each in their own event (EV1). */
	ck_assert_uint_eq(ev_count(PWS_EV_MULTI_PARTNER_ENABLED), 3);
	ck_assert(ev_kind_has_rcpt(PWS_EV_MULTI_PARTNER_ENABLED, "dev"));
	ck_assert(ev_kind_has_rcpt(PWS_EV_MULTI_PARTNER_ENABLED, "a1"));
	ck_assert(ev_kind_has_rcpt(PWS_EV_MULTI_PARTNER_ENABLED, "g1"));
	pws_policy_free(p);
}
END_TEST

START_TEST(TT3_event_handle_leaves_no_block)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	size_t before = tc_alloc_stats_get().live_blocks;

	o.allocator = tc_allocator();
	o.on_event = ev_cb;
	o.event_payload = &ev_tag;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	ev_reset();
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_user_add(p, "u", "u@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, "u", "w", "W", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "u", "w", "x@other.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_uint_eq(ev_count_for(PWS_EV_INVITED, "x@other.com"), 1);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, before);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad input                                                           */
/* ------------------------------------------------------------------ */

START_TEST(badinput_workspace_create)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	FAILS(pws_workspace_create(NULL, "dev", "x", "X", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, NULL, "x", "X", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	ck_assert_int_eq(tw_res.code, PWS_EINVALID);
	FAILS(pws_workspace_create(p, "", "x", "X", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, "ghost", "x", "X", PWS_VIS_TEAM, NULL, RES), PWS_ENOTFOUND);
	ck_assert_int_eq(tw_res.code, PWS_ENOTFOUND);
	FAILS(pws_workspace_create(p, "dev", NULL, "X", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, "dev", "", "X", PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, "dev", "x", NULL, PWS_VIS_TEAM, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, "dev", "x", "X", 0, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, "dev", "x", "X", 99, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_create(p, "dev", "pw", "X", PWS_VIS_TEAM, NULL, RES), PWS_EEXISTS);
	FAILS(pws_workspace_create(p, "dev", "team-ws", "X", PWS_VIS_PARTNER, NULL, RES),
	      PWS_EEXISTS);
	ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, NULL, "x"), PWS_ENOTFOUND);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(badinput_convert_review_migrate)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	FAILS(pws_workspace_convert(p, "dev2", NULL, NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_convert(p, "dev2", "", NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_convert(p, "dev2", "nope", NULL, RES), PWS_ENOTFOUND);
	FAILS(pws_workspace_convert(p, "ghost", "team-ws", NULL, RES), PWS_ENOTFOUND);
	FAILS(pws_workspace_convert(p, NULL, "team-ws", NULL, RES), PWS_EINVALID);
	FAILS(pws_request_review(p, "pm", NULL, 1, RES), PWS_EINVALID);
	FAILS(pws_request_review(p, "pm", "nope", 1, RES), PWS_ENOTFOUND);
	FAILS(pws_request_review(p, "ghost", "pw", 1, RES), PWS_ENOTFOUND);
	FAILS(pws_request_review(p, "", "pw", 1, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate(p, "pm", "nope", RES), PWS_ENOTFOUND);
	FAILS(pws_workspace_migrate(p, "pm", "", RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate(p, "pm", NULL, RES), PWS_EINVALID);
	FAILS(pws_workspace_add_legacy(p, "nope", "lw", "L", "admin", RES), PWS_ENOTFOUND);
	FAILS(pws_workspace_add_legacy(p, "pub", "lw", "L", "ghost", RES), PWS_ENOTFOUND);
	FAILS(pws_workspace_add_legacy(p, "pub", "", "L", "admin", RES), PWS_EINVALID);
	FAILS(pws_workspace_add_legacy(p, "pub", "pw", "L", "admin", RES), PWS_EEXISTS);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(badinput_directory_and_reads)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	uint32_t used = 0;
	char small[2];

	FAILS(pws_user_set_team(p, "ghost", "acme", PWS_TEAM_MEMBER, RES), PWS_ENOTFOUND);
	FAILS(pws_user_set_team(p, "a1", "nope", PWS_TEAM_MEMBER, RES), PWS_ENOTFOUND);
	FAILS(pws_user_set_team(p, NULL, "acme", PWS_TEAM_MEMBER, RES), PWS_EINVALID);
	FAILS(pws_user_set_team(p, "a1", "initech", 0, RES), PWS_EINVALID);
	FAILS(pws_user_set_team(p, "a1", "initech", 42, RES), PWS_EINVALID);
	FAILS(pws_user_set_partner_manager(p, "ghost", 1, RES), PWS_ENOTFOUND);
	FAILS(pws_team_set_plan(p, "pub", 0, RES), PWS_EINVALID);
	FAILS(pws_team_set_plan(p, "nope", PWS_PLAN_FREE, RES), PWS_ENOTFOUND);
	FAILS(pws_user_add(p, "x", "not-an-email", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EINVALID);
	FAILS(pws_user_add(p, "x", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES), PWS_EEXISTS);
	FAILS(pws_user_add(p, "x", "x@pub.com", "nope", PWS_TEAM_MEMBER, 0, RES), PWS_ENOTFOUND);
	ck_assert(tw_digest(p) == d);

	ck_assert_int_eq(pws_team_editor_seats(p, NULL, NULL, "pub"), PWS_EINVALID);
	ck_assert_int_eq(pws_team_editor_seats(p, &used, NULL, "nope"), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_team_editor_seats(p, &used, NULL, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_team_editor_seats(p, &used, NULL, "pub"), PWS_OK);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, NULL, "nope"), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_workspace_get(p, NULL, NULL, NULL, NULL, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_user_get(p, NULL, NULL, NULL, 0, "ghost"), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_user_get(p, NULL, NULL, NULL, 0, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_user_get(p, NULL, NULL, small, sizeof small, "a1"), PWS_EINVALID);
	ck_assert(tw_digest(p) == d);
	pws_policy_free(p);
}
END_TEST

START_TEST(badinput_checks)
{
	pws_policy *p = tw_world();
	int allowed = -1, rule = -1;

	ck_assert_int_eq(pws_check(p, &allowed, &rule, "ghost", PWS_ACT_VIEW, "pw", NULL),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, "nope", NULL),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, NULL, "nope"),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, NULL, PWS_ACT_VIEW, "pw", NULL),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", 0, "pw", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_COUNT, "pw", NULL),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, NULL, &rule, "dev", PWS_ACT_VIEW, "pw", NULL),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "dev", PWS_ACT_VIEW, NULL, NULL),
	                 PWS_EINVALID);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WS4 (rev12): moving to the owning team; PL4 downgrade message       */
/* ------------------------------------------------------------------ */

/* The row of user in ws's member listing as viewer sees it: 1 and its
 * SUSPENDED and EXTERNAL columns if listed, 0 if not. */
static int listed(pws_policy *p, const char *viewer, const char *ws, const char *user,
                  int64_t *suspended, int64_t *external)
{
	pws_iter *it = NULL;
	int found = 0, rc;

	ck_assert_int_eq(pws_list_members(&it, p, viewer, ws), PWS_OK);
	while ((rc = pws_iter_next(it)) == PWS_OK) {
		const char *id = pws_iter_str(it, PWS_COL_ID);

		ck_assert_ptr_nonnull(id);
		if (strcmp(id, user) != 0)
			continue;
		found = 1;
		ck_assert_int_eq(pws_iter_int2(it, PWS_COL_SUSPENDED, suspended), PWS_OK);
		ck_assert_int_eq(pws_iter_int2(it, PWS_COL_EXTERNAL, external), PWS_OK);
	}
	ck_assert_int_eq(rc, PWS_ITEROVER);
	pws_iter_free(it);
	return found;
}

START_TEST(WS4_partner_moving_to_owning_team_stops_counting)
{
	pws_policy *p = ev_world();
	int64_t su = -1, ex = -1;

	OK(pws_element_add(p, "dev", "pw", "col", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_MEMBER, RES));
	/* suspended: no access, and not turned into a team membership */
	expect_suspended(p, "pw", "a1", PWS_ROLE_EDITOR, 1);
	CANNOT(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS4);
	CANNOT(p, "a1", PWS_ACT_EDIT, "pw", "col", PWS_RULE_WS4);
	CANNOT(p, "a1", PWS_ACT_VIEW, NULL, "col", PWS_RULE_WS4);
	/* a team member without membership: the team's team workspaces */
	CAN(p, "a1", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_WS2);
	/* the publisher side sees it, marked suspended; partners do not */
	ck_assert(listed(p, "pm", "pw", "a1", &su, &ex));
	ck_assert_int_eq(su, 1);
	ck_assert_int_eq(ex, 1);
	ck_assert(listed(p, "dev", "pw", "a1", &su, &ex));
	ck_assert_int_eq(su, 1);
	ck_assert(!listed(p, "g1", "pw", "a1", &su, &ex));
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_suspended_owning_team_member_removed_by_admin)
{
	pws_policy *p = ev_world();
	uint64_t d;

	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_MEMBER, RES));
	d = tw_digest(p);
	ev_reset();
	DENY(pws_member_remove(p, "dev", "pw", "a1", RES), PWS_RULE_RO4);
	ck_assert(tw_digest(p) == d);
	ck_assert_uint_eq(nev, 0);
	OK(pws_member_remove(p, "pm", "pw", "a1", RES));
	ck_assert_int_eq(pws_member_status(p, NULL, NULL, NULL, NULL, "pw", "a1"), PWS_ENOTFOUND);
	/* gone for good: going back to acme restores nothing */
	OK(pws_user_set_team(p, "a1", "acme", PWS_TEAM_MEMBER, RES));
	expect_not_member(p, "pw", "a1");
	CANNOT(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_owning_team_member_invited_as_team_member_regains_access)
{
	pws_policy *p = ev_world();

	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_MEMBER, RES));
	OK(pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a1", "pw", NULL, RES));
	expect_member(p, "pw", "a1", PWS_ROLE_VIEWER, 0, 0);
	CAN(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_AC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_partner_back_from_owning_team_restored)
{
	pws_policy *p = ev_world();

	OK(pws_element_add(p, "dev", "pw", "col", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_ADMIN, RES));
	CANNOT(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS4);
	OK(pws_user_set_team(p, "a1", "acme", PWS_TEAM_MEMBER, RES));
	expect_member(p, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	CAN(p, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_AC1);
	CAN(p, "a1", PWS_ACT_EDIT, "pw", "col", PWS_RULE_ED1);
	pws_policy_free(p);
}
END_TEST

START_TEST(WS4_states_survive_snapshot_round_trip)
{
	pws_policy *p = ev_world(), *q = NULL;
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;

	add_team_member(p, "dev2", "team-ws", "dev", "dev@pub.com", PWS_ROLE_EDITOR);
	OK(pws_user_set_team(p, "a1", "pub", PWS_TEAM_MEMBER, RES)); /* suspended, on pub */
	OK(pws_user_set_team(p, "g1", NULL, PWS_TEAM_MEMBER, RES));  /* suspended, teamless */
	OK(pws_user_set_team(p, "dev", "acme", PWS_TEAM_MEMBER, RES)); /* memberships end */
	expect_not_member(p, "pw", "dev");
	expect_not_member(p, "team-ws", "dev");
	ck_assert_int_eq(pws_snapshot_export(p, &a, &na), PWS_OK);
	ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
	OK(pws_snapshot_import(q, a, na, RES));
	ck_assert_msg(tw_digest(q) == tw_digest(p), "digest differs after import");
	ck_assert_int_eq(pws_snapshot_export(q, &b, &nb), PWS_OK);
	ck_assert_uint_eq(na, nb);
	ck_assert_msg(memcmp(a, b, na) == 0, "snapshot differs after import");
	expect_suspended(q, "pw", "a1", PWS_ROLE_EDITOR, 1);
	expect_suspended(q, "pw", "g1", PWS_ROLE_VIEWER, 0);
	expect_not_member(q, "pw", "dev");
	expect_not_member(q, "team-ws", "dev");
	CANNOT(q, "a1", PWS_ACT_VIEW, "pw", NULL, PWS_RULE_WS4);
	CAN(q, "a1", PWS_ACT_VIEW, "team-ws", NULL, PWS_RULE_WS2);
	/* and they still come back as they were */
	OK(pws_user_set_team(q, "a1", "acme", PWS_TEAM_MEMBER, RES));
	expect_member(q, "pw", "a1", PWS_ROLE_EDITOR, 1, 1);
	pws_snapshot_free(p, a);
	pws_snapshot_free(q, b);
	pws_policy_free(q);
	pws_policy_free(p);
}
END_TEST

START_TEST(PL4_downgrade_message_says_viewer)
{
	pws_policy *p = ev_world();
	const char *m;

	fill_seats(p);
	OK(pws_user_add(p, "g3", "g3@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_invite(p, "pm", "pw", "g3@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert(tw_res.flags & PWS_RESULT_DOWNGRADED);
	ck_assert_int_eq(tw_res.rule, PWS_RULE_PL4);
	m = tw_res.message;
	ck_assert_msg(m[0] != '\0', "no message for a downgraded invite");
	ck_assert_msg(strstr(m, "Viewer") || strstr(m, "viewer"),
	              "the message does not say Viewer: \"%s\"", m);
	expect_invite(p, "pw", "g3@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	/* not downgraded: no such message */
	OK(pws_team_set_editor_seats(p, "pub", 5, RES));
	OK(pws_invite(p, "pm", "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	ck_assert(!(tw_res.flags & PWS_RESULT_DOWNGRADED));
	ck_assert_msg(!strstr(tw_res.message, "Viewer"), "\"%s\"", tw_res.message);
	pws_policy_free(p);
}
END_TEST

Suite *pws_rules_setup_suite(void)
{
	Suite *s = suite_create("rules_setup");
	TCase *tc;

	tc = tcase_create("plans");
	tcase_add_test(tc, PL1_professional_team_creates_partner_workspace);
	tcase_add_test(tc, PL1_enterprise_team_creates_partner_workspace);
	tcase_add_test(tc, PL1_free_team_cannot_create_partner_workspace);
	tcase_add_test(tc, PL1_basic_team_cannot_create_partner_workspace);
	tcase_add_test(tc, PL1_free_team_cannot_convert_to_partner);
	tcase_add_test(tc, PL2_partner_viewers_are_free);
	tcase_add_test(tc, PL2_partner_editor_counted_once_across_workspaces);
	tcase_add_test(tc, PL4_default_three_seats);
	tcase_add_test(tc, PL4_fourth_editor_invite_downgraded_to_viewer);
	tcase_add_test(tc, PL4_seat_holder_editor_invite_not_downgraded);
	tcase_add_test(tc, PL4_role_change_to_editor_without_seat_denied);
	tcase_add_test(tc, PL4_set_editor_seats);
	tcase_add_test(tc, PL4_downgrade_message_says_viewer);
	suite_add_tcase(s, tc);

	tc = tcase_create("create");
	tcase_add_test(tc, CR1_member_creates_request);
	tcase_add_test(tc, CR1_super_admin_creates_directly);
	tcase_add_test(tc, CR1_partner_manager_creates_directly);
	tcase_add_test(tc, CR1_non_partner_workspace_created_directly);
	tcase_add_test(tc, CR2_workspace_admin_converts_by_request);
	tcase_add_test(tc, CR2_partner_manager_converts_directly);
	tcase_add_test(tc, CR2_professional_admin_converts_directly);
	tcase_add_test(tc, CR2_non_admin_cannot_convert);
	tcase_add_test(tc, CR3_partner_manager_approves_creation);
	tcase_add_test(tc, CR3_super_admin_denies_creation);
	tcase_add_test(tc, CR3_others_cannot_review_creation);
	tcase_add_test(tc, CR3_conversion_review);
	tcase_add_test(tc, CR3_no_pending_request);
	tcase_add_test(tc, CR3_requester_notified_of_outcome);
	tcase_add_test(tc, CR4_conversion_notifies_every_member);
	tcase_add_test(tc, CR4_conversion_notice_waits_for_approval);
	tcase_add_test(tc, CR4_denied_conversion_notifies_nobody);
	tcase_add_test(tc, CR5_created_partner_workspace_is_team_to_team);
	tcase_add_test(tc, CR5_converted_workspace_is_team_to_team);
	tcase_add_test(tc, CR6_teamless_user_cannot_create);
	tcase_add_test(tc, CR6_partner_creates_in_own_team);
	tcase_add_test(tc, CR7_professional_member_creates_directly);
	tcase_add_test(tc, CR7_partner_manager_flag_refused_off_enterprise);
	tcase_add_test(tc, CR7_downgraded_plan_disables_partner_manager);
	tcase_add_test(tc, CR8_admins_become_partner_managers);
	tcase_add_test(tc, CR8_admin_creator_becomes_manager_and_creates_directly);
	tcase_add_test(tc, CR8_not_applied_when_team_has_manager);
	tcase_add_test(tc, CR8_assignment_reported_as_event);
	suite_add_tcase(s, tc);

	tc = tcase_create("reach");
	tcase_add_test(tc, WS1_members_reach_partner_workspace);
	tcase_add_test(tc, WS1_partner_manager_views_without_membership);
	tcase_add_test(tc, WS1_non_members_cannot_reach_partner_workspace);
	tcase_add_test(tc, WS2_partner_cannot_reach_team_workspace);
	tcase_add_test(tc, WS2_public_private_personal);
	tcase_add_test(tc, WS2_no_partner_invite_outside_partner_workspaces);
	tcase_add_test(tc, WS3_partner_accepts_through_home_team);
	tcase_add_test(tc, WS3_accept_through_other_team_denied);
	tcase_add_test(tc, WS4_partner_leaving_team_loses_access);
	tcase_add_test(tc, WS4_partner_moving_team_loses_access);
	tcase_add_test(tc, WS4_team_member_leaving_loses_own_team_memberships);
	tcase_add_test(tc, WS4_legacy_membership_belongs_to_individual);
	tcase_add_test(tc, WS4_partner_moving_to_owning_team_stops_counting);
	tcase_add_test(tc, WS4_suspended_owning_team_member_removed_by_admin);
	tcase_add_test(tc, WS4_owning_team_member_invited_as_team_member_regains_access);
	tcase_add_test(tc, WS4_partner_back_from_owning_team_restored);
	tcase_add_test(tc, WS4_states_survive_snapshot_round_trip);
	tcase_add_test(tc, LC1_pending_workspace_allows_only_review);
	tcase_add_test(tc, LC1_denied_request_workspace_allows_nothing);
	tcase_add_test(tc, LC1_deleted_workspace_allows_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("migration_events");
	tcase_add_test(tc, TT2_migrate_maps_partners_to_home_team);
	tcase_add_test(tc, TT2_migrate_by_super_admin_or_host);
	tcase_add_test(tc, TT2_migrate_denied_to_others);
	tcase_add_test(tc, TT3_request_created_one_notice_per_team);
	tcase_add_test(tc, TT3_direct_creation_sends_no_request_notice);
	tcase_add_test(tc, TT3_invite_one_notice_per_workspace);
	tcase_add_test(tc, TT3_migration_notices_coalesced);
	tcase_add_test(tc, TT3_refused_call_emits_no_event);
	tcase_add_test(tc, TT3_event_handle_leaves_no_block);
	tcase_add_test(tc, DL2_delete_notifies_every_member);
	tcase_add_test(tc, RO2_enabling_multi_reports_downgrade_event);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_input");
	tcase_add_test(tc, badinput_workspace_create);
	tcase_add_test(tc, badinput_convert_review_migrate);
	tcase_add_test(tc, badinput_directory_and_reads);
	tcase_add_test(tc, badinput_checks);
	suite_add_tcase(s, tc);
	return s;
}
