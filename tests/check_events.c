/*
 * EV1: in a multi-partner workspace one event never addresses partners of
 * two organizations; a change concerning several yields one event per
 * partner organization and one for the publisher side.
 *
 * Deterministic scenarios per event kind, then a property over seeded
 * random worlds: after every random operation, no delivered event about a
 * multi-partner workspace (before or after the call) has recipients of
 * two organizations. A recipient's organization is computed from the
 * directory (their home team, their email domain in the legacy model,
 * "publisher" when on the owning team), not from what the library says.
 * PWS_EVENTS_WORLDS (default 1000) and PWS_EVENTS_SEED (default 1) set the
 * worlds; a failure prints the seed and step to rerun with.
 * SPDX-License-Identifier: MIT
 */
#include "test-events.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW ((int64_t)1700000000)

/* --- scenarios on the standard world ------------------------------------ */

/* The organization of a user of the standard world (test-world.h). */
static const char *std_org(const char *u)
{
	if (u[0] == 'a' && u[1] >= '0' && u[1] <= '9')
		return "acme";
	if (u[0] == 'g' && u[1] >= '0' && u[1] <= '9')
		return "globex";
	if (strcmp(u, "i1") == 0)
		return "initech";
	if (strcmp(u, "solo") == 0)
		return "gmail.com";
	return "pub";
}

/* The events of a kind must be exactly the expected recipient sets, in
 * any order (want: strings of space-separated ids); isolated: each names
 * one organization only. */
static void expect_events(int kind, int rule, const char *const *want, size_t nwant,
                          int isolated)
{
	size_t i, j, n = 0, matched = 0;

	for (i = 0; i < ev_count; i++) {
		const ev_rec *r = &ev_log[i];
		const char *org = NULL;

		if (r->kind != kind)
			continue;
		n++;
		ck_assert_int_eq(r->rule, rule);
		for (j = 0; j < r->nrcpt; j++) {
			ck_assert_msg(!isolated || !org || strcmp(org, std_org(r->rcpt[j])) == 0,
			              "EV1: event %d names %s (%s) and someone of %s", kind,
			              r->rcpt[j], std_org(r->rcpt[j]), org);
			org = std_org(r->rcpt[j]);
		}
		for (j = 0; j < nwant; j++) {
			char buf[256], *tok, *save = NULL;
			size_t cnt = 0, hit = 0;

			snprintf(buf, sizeof buf, "%s", want[j]);
			for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
				cnt++;
				hit += (size_t)ev_has_rcpt(r, tok);
			}
			if (cnt == hit && cnt == r->nrcpt) {
				matched++;
				break;
			}
		}
	}
	ck_assert_msg(n == nwant, "EV1: %zu events of kind %d, expected %zu", n, kind, nwant);
	ck_assert_msg(matched == nwant, "EV1: %zu of %zu events of kind %d have the expected "
	              "recipients", matched, nwant, kind);
}

static void expect_split(int kind, int rule, const char *const *want, size_t nwant)
{
	expect_events(kind, rule, want, nwant, 1);
}

START_TEST(EV1_multi_partner_enabled_one_event_per_organization)
{
	pws_policy *p = ev_world();
	static const char *const want[] = { "pm dev", "a1", "g1" };

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	expect_split(PWS_EV_MULTI_PARTNER_ENABLED, PWS_RULE_MP1, want, 3);
	pws_policy_free(p);
}
END_TEST

START_TEST(EV1_roles_downgraded_one_event_per_organization)
{
	pws_policy *p = ev_world();
	static const char *const want[] = { "a1 a2", "g1" };

	OK(pws_member_set_role(p, "pm", "pw", "g1", PWS_ROLE_EDITOR, RES));
	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "a2", "pw", NULL, RES));
	ev_count = 0;
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	expect_split(PWS_EV_ROLES_DOWNGRADED, PWS_RULE_RO2, want, 2);
	pws_policy_free(p);
}
END_TEST

START_TEST(EV1_update_posted_one_event_per_organization)
{
	pws_policy *p = ev_world();
	static const char *const want[] = { "dev", "a1", "g1" };
	static const char *const want_single[] = { "dev a1 g1" };

	/* single-partner: everyone sees everyone (VI3), one event */
	OK(pws_update_post(p, "pm", "pw", "u0", "hello", NOW, RES));
	expect_events(PWS_EV_UPDATE_POSTED, PWS_RULE_VI5, want_single, 1, 0);
	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ev_count = 0;
	OK(pws_update_post(p, "pm", "pw", "u1", "hello", NOW + 1, RES));
	expect_split(PWS_EV_UPDATE_POSTED, PWS_RULE_VI5, want, 3);
	pws_policy_free(p);
}
END_TEST

/* Migration: managers, admins and workspace admins get one notice, each
 * partner their own (TT3): never two organizations in one. */
START_TEST(EV1_migration_notices_per_organization)
{
	pws_policy *p = ev_world();
	static const char *const upgraded[] = { "a1", "g1" };
	size_t i;

	OK(pws_workspace_add_legacy(p, "pub", "lw", "Legacy", "admin", RES));
	OK(pws_invite(p, "admin", "lw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	              RES));
	OK(pws_invite_accept(p, "a1", "lw", NULL, RES));
	OK(pws_invite(p, "admin", "lw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	              RES));
	OK(pws_invite_accept(p, "g1", "lw", NULL, RES));
	OK(pws_workspace_enable_multi_partner(p, "admin", "lw", RES));
	ev_count = 0;
	OK(pws_workspace_migrate(p, "pm", "lw", RES));
	expect_split(PWS_EV_PARTNER_UPGRADED, PWS_RULE_TT3, upgraded, 2);
	for (i = 0; i < ev_count; i++) {
		size_t j;

		if (ev_log[i].kind != PWS_EV_MIGRATED)
			continue;
		for (j = 0; j < ev_log[i].nrcpt; j++)
			ck_assert_str_eq(std_org(ev_log[i].rcpt[j]), "pub");
	}
	ck_assert_ptr_nonnull(ev_find(PWS_EV_MIGRATED));
	pws_policy_free(p);
}
END_TEST

/* Conversion and deletion concern workspaces that hold no partner (DL1),
 * so their one event names the publisher side only. */
START_TEST(EV1_converted_and_deleted_name_the_publisher_side)
{
	pws_policy *p = ev_world();
	static const char *const conv[] = { "dev2" };
	static const char *const del[] = { "dev2" };

	OK(pws_workspace_convert(p, "pm", "team-ws", NULL, RES));
	expect_split(PWS_EV_WORKSPACE_CONVERTED, PWS_RULE_CR4, conv, 1);
	OK(pws_workspace_enable_multi_partner(p, "pm", "team-ws", RES));
	OK(pws_workspace_set_visibility(p, "pm", "team-ws", PWS_VIS_TEAM, RES));
	ev_count = 0;
	OK(pws_workspace_delete(p, "pm", "team-ws", RES));
	expect_split(PWS_EV_WORKSPACE_DELETED, PWS_RULE_DL2, del, 1);
	pws_policy_free(p);
}
END_TEST

/* The organization of a recipient: a user id, or an email (invites). */
static const char *rcpt_org(const char *r)
{
	static const char *const dom[][2] = { { "pub.com", "pub" }, { "acme.com", "acme" },
	                                      { "globex.com", "globex" },
	                                      { "initech.com", "initech" }, { "big.com", "big" } };
	const char *at = strchr(r, '@');
	size_t i;

	if (!at)
		return strcmp(r, "ba") == 0 || strcmp(r, "bm") == 0 ? "big" : std_org(r);
	for (i = 0; i < sizeof dom / sizeof dom[0]; i++)
		if (strcmp(at + 1, dom[i][0]) == 0)
			return dom[i][1];
	return at + 1;
}

/* Every event of a kind (at least one) names people of one organization. */
static void expect_one_org_each(int kind)
{
	size_t i, j, n = 0;

	for (i = 0; i < ev_count; i++) {
		const ev_rec *r = &ev_log[i];
		const char *org = NULL;

		if (r->kind != kind)
			continue;
		n++;
		for (j = 0; j < r->nrcpt; j++) {
			const char *o = rcpt_org(r->rcpt[j]);

			ck_assert_msg(!org || strcmp(org, o) == 0,
			              "EV1: event %d names %s (%s) and someone of %s", kind,
			              r->rcpt[j], o, org);
			org = o;
		}
	}
	ck_assert_msg(n > 0, "no event of kind %d", kind);
}

/* The other kinds address one person or the publisher side alone, in a
 * multi-partner workspace too: requests, reviews, invites, CR8, RM2. */
START_TEST(EV1_single_audience_events_name_one_organization)
{
	pws_policy *p = ev_world();

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	ev_count = 0;
	OK(pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	              RES));
	expect_one_org_each(PWS_EV_INVITED);
	OK(pws_partner_end(p, "pm", "pub", "a1", RES));
	expect_one_org_each(PWS_EV_ACCESS_ENDED);
	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, NULL, RES));
	expect_one_org_each(PWS_EV_REQUEST_CREATED);
	OK(pws_request_review(p, "pm", "req", 1, RES));
	expect_one_org_each(PWS_EV_REQUEST_REVIEWED);
	/* CR8: a second enterprise team without a Partner Manager */
	OK(pws_team_add(p, "big", "Big", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "big", "big.com", RES));
	OK(pws_user_add(p, "ba", "ba@big.com", "big", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "bm", "bm@big.com", "big", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, "bm", "bw", "Big", PWS_VIS_PARTNER, NULL, RES));
	expect_one_org_each(PWS_EV_PARTNER_MANAGER_ASSIGNED);
	pws_policy_free(p);
}
END_TEST

/* --- the property over random worlds ------------------------------------ */

#define CHK(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)
#define IDLEN 32
#define EMLEN 48
#define RU 18   /* users */
#define RT 5    /* teams */
#define RW 4    /* workspaces */
#define REV 64  /* events per call */
#define RRC 32  /* recipients kept per event */

typedef struct rev {
	int kind;
	char ws[IDLEN];
	size_t n;
	char rc[RRC][IDLEN];
} rev;

typedef struct rw {
	pws_policy *p;
	uint64_t seed, rng;
	int step;
	int nt, nu, nw, nup, pm;
	char team[RT][IDLEN];
	char uid[RU][IDLEN], email[RU][EMLEN], dom[RU][IDLEN];
	int home[RU];
	char wid[RW][IDLEN];
	int wadmin[RW];
	/* events of the current call */
	size_t nev;
	rev ev[REV];
	unsigned long events_seen, split_checked;
} rw;

static uint32_t rnd(rw *w, uint32_t n)
{
	uint64_t x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static void rw_cb(const pws_event *e, void *payload)
{
	rw *w = payload;
	rev *r;
	size_t i;

	CHK(w->nev < REV, "too many events in one call");
	r = &w->ev[w->nev++];
	memset(r, 0, sizeof *r);
	r->kind = pws_event_kind_of(e);
	snprintf(r->ws, IDLEN, "%s",
	         pws_event_workspace_count(e) ? pws_event_workspace(e, 0) : "");
	r->n = pws_event_recipient_count(e);
	CHK(r->n <= RRC, "too many recipients");
	for (i = 0; i < r->n; i++) {
		snprintf(r->rc[i], IDLEN, "%s", pws_event_recipient(e, i));
		CHK(pws_event_recipient_kind(e, i) == ev_recipient_kind_of(r->kind),
		    "recipient %zu of an event of kind %d is of kind %d", i, r->kind,
		    pws_event_recipient_kind(e, i));
	}
}

static void rw_user(rw *w, const char *id, int team, int role, int pm, const char *dom)
{
	int u = w->nu++;

	CHK(w->nu <= RU, "too many users");
	snprintf(w->uid[u], IDLEN, "%s", id);
	snprintf(w->dom[u], IDLEN, "%s", dom);
	snprintf(w->email[u], EMLEN, "%s@%s", id, dom);
	w->home[u] = team;
	OK(pws_user_add(w->p, id, w->email[u], team >= 0 ? w->team[team] : NULL,
	                team >= 0 ? role : 0, pm, RES));
	if (pm)
		w->pm = u;
}

static void rw_setup(rw *w, uint64_t seed)
{
	static const char *const solo_dom[] = { "solo-a.net", "solo-b.net" };
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	int t, k, n;

	memset(w, 0, sizeof *w);
	w->seed = seed;
	w->rng = seed * 0x9E3779B97F4A7C15ULL + 0x7F4A7C15ULL;
	if (!w->rng)
		w->rng = 1;
	o.on_event = rw_cb;
	o.event_payload = w;
	ck_assert_int_eq(pws_policy_new(&w->p, &o), PWS_OK);
	w->nt = 3 + (int)rnd(w, 2);
	for (t = 0; t < w->nt; t++) {
		char dom[IDLEN];

		snprintf(w->team[t], IDLEN, "t%d", t);
		snprintf(dom, sizeof dom, "t%d.com", t);
		OK(pws_team_add(w->p, w->team[t], w->team[t],
		                t == 0 ? PWS_PLAN_ENTERPRISE : 1 + (int)rnd(w, 4), 0, RES));
		OK(pws_team_add_domain(w->p, w->team[t], dom, RES));
	}
	rw_user(w, "t0sa", 0, PWS_TEAM_SUPER_ADMIN, 0, "t0.com");
	rw_user(w, "t0ad", 0, PWS_TEAM_ADMIN, 0, "t0.com");
	rw_user(w, "t0pm", 0, PWS_TEAM_MEMBER, 1, "t0.com");
	rw_user(w, "t0dv", 0, PWS_TEAM_MEMBER, 0, "t0.com");
	for (t = 1; t < w->nt; t++)
		for (k = 0, n = 2 + (int)rnd(w, 2); k < n; k++) {
			char id[IDLEN], dom[IDLEN];

			snprintf(id, sizeof id, "t%du%d", t, k);
			snprintf(dom, sizeof dom, "t%d.com", t);
			rw_user(w, id, t, k == 0 ? PWS_TEAM_ADMIN : PWS_TEAM_MEMBER, 0, dom);
		}
	for (k = 0, n = 1 + (int)rnd(w, 2); k < n; k++) {
		char id[IDLEN];

		snprintf(id, sizeof id, "s%d", k);
		rw_user(w, id, -1, 0, 0, solo_dom[rnd(w, 2)]);
	}
	/* partner workspaces (team-to-team or legacy) and one team workspace */
	for (k = 0, n = 2 + (int)rnd(w, 2); k < n; k++) {
		int wi = w->nw++;

		snprintf(w->wid[wi], IDLEN, "w%d", wi);
		if (rnd(w, 3) == 0) {
			w->wadmin[wi] = 1;
			OK(pws_workspace_add_legacy(w->p, "t0", w->wid[wi], "L", "t0ad", RES));
		} else {
			w->wadmin[wi] = rnd(w, 2) ? w->pm : 0;
			OK(pws_workspace_create(w->p, w->uid[w->wadmin[wi]], w->wid[wi], "P",
			                        PWS_VIS_PARTNER, NULL, RES));
		}
	}
	snprintf(w->wid[w->nw], IDLEN, "tw");
	w->wadmin[w->nw] = 3;
	OK(pws_workspace_create(w->p, "t0dv", "tw", "T", PWS_VIS_TEAM, NULL, RES));
	OK(pws_invite(w->p, "t0dv", "tw", "t0ad@t0.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0,
	              RES));
	OK(pws_invite_accept(w->p, "t0ad", "tw", NULL, RES));
	w->nw++;
}

static int pick_outsider(rw *w)
{
	int u;

	do
		u = (int)rnd(w, (uint32_t)w->nu);
	while (w->home[u] == 0);
	return u;
}

/* The organization of user u as seen in workspace wid, from the directory. */
static void org_of(rw *w, const char *wid, const char *uid, char *out, size_t n)
{
	char team[IDLEN] = "";
	int model = 0, u;

	for (u = 0; u < w->nu && strcmp(w->uid[u], uid) != 0; u++)
		;
	CHK(u < w->nu, "unknown recipient %s", uid);
	ck_assert_int_eq(pws_user_get(w->p, NULL, NULL, team, sizeof team, uid), PWS_OK);
	ck_assert_int_eq(pws_workspace_get(w->p, NULL, NULL, &model, NULL, wid), PWS_OK);
	if (strcmp(team, "t0") == 0) /* every workspace here is t0's */
		snprintf(out, n, "publisher");
	else if (model == PWS_MODEL_LEGACY)
		snprintf(out, n, "domain:%s", w->dom[u]);
	else
		snprintf(out, n, "team:%s", team);
}

static int is_multi(rw *w, const char *wid)
{
	int vis = 0, mode = 0;

	if (pws_workspace_get(w->p, &vis, &mode, NULL, NULL, wid) != PWS_OK)
		return 0;
	return vis == PWS_VIS_PARTNER && mode == PWS_MODE_MULTI;
}

/* One random call. */
static void rw_step(rw *w)
{
	pws_policy *p = w->p;
	int wi = (int)rnd(w, (uint32_t)w->nw), u = (int)rnd(w, (uint32_t)w->nu);
	const char *ws = w->wid[wi], *A = w->uid[w->wadmin[wi]];
	uint32_t op = rnd(w, 100);
	char id[IDLEN];

	if (rnd(w, 4) == 0)
		A = w->uid[rnd(w, 2) ? w->pm : (int)rnd(w, (uint32_t)w->nu)];
	if (op < 30) {
		u = rnd(w, 6) ? pick_outsider(w) : u;
		if (pws_invite(p, A, ws, w->email[u], PWS_INVITE_PARTNER,
		               rnd(w, 2) ? PWS_ROLE_VIEWER : PWS_ROLE_EDITOR, rnd(w, 4) == 0,
		               RES) == PWS_OK && rnd(w, 6))
			(void)pws_invite_accept(p, w->uid[u], ws, NULL, RES);
	} else if (op < 35) {
		if (pws_invite(p, A, ws, w->email[u], PWS_INVITE_MEMBER, 1 + (int)rnd(w, 3), 0,
		               RES) == PWS_OK)
			(void)pws_invite_accept(p, w->uid[u], ws, NULL, RES);
	} else if (op < 42) {
		(void)pws_member_set_role(p, A, ws, w->uid[u], 1 + (int)rnd(w, 3), RES);
	} else if (op < 52) {
		(void)pws_workspace_enable_multi_partner(p, A, ws, RES);
	} else if (op < 60) { /* leave, move, come back (WS4), even to the publisher */
		int t = (int)rnd(w, (uint32_t)w->nt + 2);

		if (t >= w->nt)
			t = rnd(w, 2) ? -1 : w->home[u];
		(void)pws_user_set_team(p, w->uid[u], t >= 0 ? w->team[t] : NULL, PWS_TEAM_MEMBER,
		                        RES);
	} else if (op < 78) {
		snprintf(id, sizeof id, "up%d", w->nup++);
		(void)pws_update_post(p, rnd(w, 3) ? A : w->uid[u], ws, id, "news",
		                      NOW + w->step, RES);
	} else if (op < 84) {
		(void)pws_member_remove(p, A, ws, w->uid[u], RES);
	} else if (op < 88) {
		(void)pws_workspace_migrate(p, rnd(w, 2) ? "t0pm" : A, ws, RES);
	} else if (op < 92) {
		(void)pws_workspace_convert(p, A, ws, NULL, RES);
	} else if (op < 94) {
		(void)pws_workspace_set_visibility(p, A, ws, PWS_VIS_TEAM, RES);
	} else if (op < 96) {
		(void)pws_partner_end(p, A, "t0", w->uid[u], RES);
	} else {
		(void)pws_workspace_delete(p, A, ws, RES);
	}
}

static void rw_check(rw *w, const int *multi_before)
{
	size_t i, j;

	for (i = 0; i < w->nev; i++) {
		const rev *r = &w->ev[i];
		char first[2 * IDLEN], org[2 * IDLEN];
		int wi;

		w->events_seen++;
		for (wi = 0; wi < w->nw && strcmp(w->wid[wi], r->ws) != 0; wi++)
			;
		if (wi == w->nw || r->n < 2 || (!multi_before[wi] && !is_multi(w, r->ws)))
			continue;
		w->split_checked++;
		org_of(w, r->ws, r->rc[0], first, sizeof first);
		for (j = 1; j < r->n; j++) {
			org_of(w, r->ws, r->rc[j], org, sizeof org);
			CHK(strcmp(first, org) == 0,
			    "EV1: world seed %" PRIu64 " step %d (rerun: PWS_EVENTS_SEED=%" PRIu64
			    " PWS_EVENTS_WORLDS=1): event kind %d about %s names %s (%s) and %s (%s)",
			    w->seed, w->step, w->seed, r->kind, r->ws, r->rc[0], first, r->rc[j], org);
		}
	}
}

static unsigned long env_count(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 10) : dflt;
}

START_TEST(EV1_property_random_worlds_no_event_spans_two_organizations)
{
	unsigned long worlds = env_count("PWS_EVENTS_WORLDS", 1000);
	uint64_t base = env_count("PWS_EVENTS_SEED", 1);
	unsigned long seen = 0, checked = 0, k;
	static rw w;

	for (k = 0; k < worlds; k++) {
		rw_setup(&w, base + k);
		for (w.step = 0; w.step < 120; w.step++) {
			int multi[RW], wi;

			for (wi = 0; wi < w.nw; wi++)
				multi[wi] = is_multi(&w, w.wid[wi]);
			w.nev = 0;
			rw_step(&w);
			rw_check(&w, multi);
		}
		seen += w.events_seen;
		checked += w.split_checked;
		pws_policy_free(w.p);
	}
	if (getenv("PWS_EVENTS_STATS"))
		fprintf(stderr, "events: %lu worlds, %lu events, %lu about a multi-partner "
		        "workspace with 2+ recipients\n", worlds, seen, checked);
	/* the worlds must exercise the rule, not pass vacuously */
	ck_assert_msg(worlds < 50 || checked > worlds, "only %lu of %lu events concerned a "
	              "multi-partner workspace", checked, seen);
}
END_TEST

Suite *pws_events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("EV1");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, EV1_multi_partner_enabled_one_event_per_organization);
	tcase_add_test(tc, EV1_roles_downgraded_one_event_per_organization);
	tcase_add_test(tc, EV1_update_posted_one_event_per_organization);
	tcase_add_test(tc, EV1_migration_notices_per_organization);
	tcase_add_test(tc, EV1_converted_and_deleted_name_the_publisher_side);
	tcase_add_test(tc, EV1_single_audience_events_name_one_organization);
	tcase_add_test(tc, EV1_property_random_worlds_no_event_spans_two_organizations);
	suite_add_tcase(s, tc);
	return s;
}
