/*
 * Concurrency: one policy handle shared by reader threads (checks,
 * visibility predicates, getters) and a writer thread (a long scripted
 * sequence of mutations), as partnerws(7) THREAD SAFETY promises; event
 * callbacks re-entering the handle; allocator callbacks re-entering it
 * (PWS_EMISUSE, never a deadlock); and changes seen whole: readers that
 * check every answer against the states the writer's calls build, so that
 * a broken read lock fails here and not only under ThreadSanitizer.
 *
 * Check's assertions are not thread-safe: worker threads only count
 * failures (keeping the first message) and the main thread asserts after
 * joining them. Every handle here uses the default allocator: the fault
 * allocator of test-common.c is not thread-safe.
 *
 * PWS_CONCURRENCY_ITERS overrides the number of reader iterations (for a
 * quick run under valgrind, say); the default keeps the test around a
 * second natively and well under two minutes under ThreadSanitizer.
 * SPDX-License-Identifier: MIT
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "test-world.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOW ((int64_t)1700000000)

#define N_READERS 4
#define DEFAULT_ITERS 20000
#define ROUNDS 200        /* writer rounds; one "late-N" workspace each */
#define MAX_OPS (ROUNDS * 64)

/* ------------------------------------------------------------------ */
/* Failure collection (per thread, asserted by the main thread)        */
/* ------------------------------------------------------------------ */

typedef struct failures {
	long count;
	char first[512];
} failures;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void fail_note(failures *f, const char *fmt, ...)
{
	va_list ap;

	if (f->count++ == 0) {
		va_start(ap, fmt);
		vsnprintf(f->first, sizeof f->first, fmt, ap);
		va_end(ap);
	}
}

/* A read call may only answer PWS_OK or PWS_ENOTFOUND. */
#define RC_OK_OR_NOTFOUND(f, rc, what) do { \
	if ((rc) != PWS_OK && (rc) != PWS_ENOTFOUND) \
		fail_note((f), "%s -> %d (%s)", (what), (rc), pws_strerror(rc)); \
	} while (0)

static long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return dflt;
	v = strtol(s, &end, 10);
	return (*end || v <= 0) ? dflt : v;
}

/* ------------------------------------------------------------------ */
/* The world                                                           */
/* ------------------------------------------------------------------ */

/*
 * team "pub" (enterprise): owner (super admin), pm (Partner Manager),
 *   dev, dev2. Partner teams acme (a1 a2 a3), globex (g1 g2), initech
 *   (i1, i2). User "solo" without a team.
 * "multi": partner workspace of pm in multi-partner mode; members dev
 *   (editor), a1 and a3 (acme), g1 (globex); element "m-col".
 * "single": partner workspace of pm in single-partner mode; members dev
 *   (editor), a1 (partner editor); element "s-col".
 * "team-ws": team workspace of dev2.
 * Outsiders, never invited anywhere: solo and i2.
 * The writer churns a2, g2, i1 in "multi", moves a3, g2 and solo between
 * teams, and creates "late-N" workspaces (a1 and g1 as editors, then
 * multi-partner mode).
 */
static void build_world(pws_policy *p)
{
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "dev2", "dev2@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a2", "a2@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "a3", "a3@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "globex", "globex.com", RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "g2", "g2@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));

	OK(pws_team_add(p, "initech", "Initech", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "initech", "initech.com", RES));
	OK(pws_user_add(p, "i1", "i1@initech.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "i2", "i2@initech.com", "initech", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_user_add(p, "solo", "solo@gmail.com", NULL, 0, 0, RES));

	OK(pws_workspace_create(p, "pm", "multi", "Multi", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "pm", "multi", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "multi", NULL, RES));
	OK(pws_invite(p, "pm", "multi", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a1", "multi", NULL, RES));
	OK(pws_invite(p, "pm", "multi", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a3", "multi", NULL, RES));
	OK(pws_invite(p, "pm", "multi", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "g1", "multi", NULL, RES));
	OK(pws_element_add(p, "dev", "multi", "m-col", PWS_EL_COLLECTION, 1000, NULL, RES));
	OK(pws_workspace_enable_multi_partner(p, "pm", "multi", RES));

	OK(pws_workspace_create(p, "pm", "single", "Single", PWS_VIS_PARTNER, NULL, RES));
	OK(pws_invite(p, "pm", "single", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "dev", "single", NULL, RES));
	OK(pws_invite(p, "pm", "single", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "a1", "single", NULL, RES));
	OK(pws_element_add(p, "dev", "single", "s-col", PWS_EL_COLLECTION, 1000, NULL, RES));

	OK(pws_workspace_create(p, "dev2", "team-ws", "Team WS", PWS_VIS_TEAM, NULL, RES));
}

static pws_policy *new_world(void)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	build_world(p);
	return p;
}

/* ------------------------------------------------------------------ */
/* The writer: a deterministic script of mutations                     */
/* ------------------------------------------------------------------ */

typedef struct writer_ctx {
	pws_policy *p;
	int rcs[MAX_OPS];
	size_t nops;
	atomic_int round;      /* rounds completed (readers pace themselves on it) */
	atomic_int done;
	failures f;
} writer_ctx;

/* Runs one mutation, records its status and checks the expected one. */
static void step(writer_ctx *w, int expect, int rc, const char *what, const pws_result *res)
{
	if (w->nops < MAX_OPS)
		w->rcs[w->nops] = rc;
	w->nops++;
	if (rc != expect)
		fail_note(&w->f, "writer op %zu %s -> %d (%s), expected %d; rule %s: %s",
		          w->nops, what, rc, pws_strerror(rc), expect, pws_rule_id(res->rule),
		          res->message);
}

#define W(expect, call) do { \
	pws_result_init(&res, PWS_RESULT_VERSION); \
	step(w, (expect), (call), #call, &res); \
	} while (0)

static void writer_script(writer_ctx *w)
{
	pws_policy *p = w->p;
	pws_result res;
	char late[32], up[32], col[32], lenv[32];
	int k;

	for (k = 0; k < ROUNDS; k++) {
		snprintf(late, sizeof late, "late-%d", k);
		snprintf(up, sizeof up, "up-%d", k);
		snprintf(col, sizeof col, "col-%d", k);
		snprintf(lenv, sizeof lenv, "late-api-%d", k);

		/* New partners of three organizations join the multi-partner
		 * workspace (as viewers: RO2). */
		W(PWS_OK, pws_invite(p, "pm", "multi", "a2@acme.com", PWS_INVITE_PARTNER,
		                     PWS_ROLE_VIEWER, 0, &res));
		W(PWS_OK, pws_invite_accept(p, "a2", "multi", NULL, &res));
		W(PWS_OK, pws_invite(p, "pm", "multi", "g2@globex.com", PWS_INVITE_PARTNER,
		                     PWS_ROLE_VIEWER, 0, &res));
		W(PWS_OK, pws_invite_accept(p, "g2", "multi", NULL, &res));
		W(PWS_OK, pws_invite(p, "pm", "multi", "i1@initech.com", PWS_INVITE_PARTNER,
		                     PWS_ROLE_VIEWER, 0, &res));
		W(PWS_OK, pws_invite_accept(p, "i1", "multi", NULL, &res));
		/* Partners stay viewers in multi-partner mode. */
		W(PWS_EDENIED, pws_member_set_role(p, "pm", "multi", "g2", PWS_ROLE_EDITOR, &res));

		/* Elements come and go; updates are posted. */
		W(PWS_OK, pws_element_add(p, "dev", "multi", "env-A", PWS_EL_ENVIRONMENT, 10,
		                          NULL, &res));
		W(PWS_OK, pws_element_add(p, "dev", "single", col, PWS_EL_COLLECTION, 2000,
		                          NULL, &res));
		W(PWS_OK, pws_update_post(p, "dev", "multi", up, "news", NOW + k, &res));
		W(PWS_OK, pws_workspace_set_details(p, "pm", "multi", NULL, up, NULL, &res));

		/* Team moves: a3's acme-granted membership is suspended and comes
		 * back (WS4); g2 and solo change teams and return. */
		W(PWS_OK, pws_user_set_team(p, "a3", "initech", PWS_TEAM_MEMBER, &res));
		W(PWS_OK, pws_user_set_team(p, "solo", "initech", PWS_TEAM_MEMBER, &res));

		/* Roles and the Partner Lead flag in the single-partner workspace. */
		W(PWS_OK, pws_member_set_role(p, "pm", "single", "a1", PWS_ROLE_VIEWER, &res));
		W(PWS_OK, pws_member_set_lead(p, "pm", "single", "a1", 1, &res));
		W(PWS_OK, pws_member_set_role(p, "pm", "single", "a1", PWS_ROLE_EDITOR, &res));
		W(PWS_OK, pws_member_set_lead(p, "pm", "single", "a1", 0, &res));

		/* A new partner workspace, single-partner first, then multi. */
		W(PWS_OK, pws_workspace_create(p, "pm", late, "Late", PWS_VIS_PARTNER, NULL, &res));
		W(PWS_OK, pws_invite(p, "pm", late, "a1@acme.com", PWS_INVITE_PARTNER,
		                     PWS_ROLE_EDITOR, 0, &res));
		W(PWS_OK, pws_invite_accept(p, "a1", late, NULL, &res));
		W(PWS_OK, pws_invite(p, "pm", late, "g1@globex.com", PWS_INVITE_PARTNER,
		                     PWS_ROLE_EDITOR, 0, &res));
		W(PWS_OK, pws_invite_accept(p, "g1", late, NULL, &res));
		W(PWS_OK, pws_element_add(p, "pm", late, lenv, PWS_EL_API, 1, NULL, &res));
		W(PWS_OK, pws_workspace_enable_multi_partner(p, "pm", late, &res));
		W(PWS_EDENIED, pws_workspace_enable_multi_partner(p, "pm", late, &res));

		W(PWS_OK, pws_user_set_team(p, "g2", NULL, PWS_TEAM_MEMBER, &res));
		W(PWS_OK, pws_user_set_team(p, "a3", "acme", PWS_TEAM_MEMBER, &res));
		W(PWS_OK, pws_user_set_team(p, "solo", NULL, PWS_TEAM_MEMBER, &res));

		/* And the churned partners leave again. */
		W(PWS_OK, pws_element_delete(p, "dev", "env-A", NOW + k, &res));
		W(PWS_OK, pws_element_delete(p, "dev", col, NOW + k, &res));
		W(PWS_OK, pws_member_remove(p, "pm", "multi", "a2", &res));
		W(PWS_OK, pws_member_remove(p, "pm", "multi", "i1", &res));
		W(PWS_OK, pws_user_set_team(p, "g2", "globex", PWS_TEAM_MEMBER, &res));
		W(PWS_OK, pws_member_remove(p, "pm", "multi", "g2", &res));
		atomic_store_explicit(&w->round, k + 1, memory_order_release);
	}
}

static void *writer_main(void *arg)
{
	writer_ctx *w = arg;

	writer_script(w);
	atomic_store_explicit(&w->done, 1, memory_order_release);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The readers: invariants that hold whatever the writer does          */
/* ------------------------------------------------------------------ */

typedef struct reader_ctx {
	pws_policy *p;
	writer_ctx *w;
	long iters;
	int id;
	/* Per "late-N": the reader saw multi-partner mode (it is for good). */
	unsigned char late_multi[ROUNDS];
	long calls;
	failures f;
} reader_ctx;

static const char *const acme_users[] = {"a1", "a2", "a3"};
static const char *const globex_users[] = {"g1", "g2"};
static const char *const outsiders[] = {"solo", "i2"};

#define BIT(a) ((uint64_t)1 << (a))

/* a partner of one organization never sees a partner of another in a
 * multi-partner workspace */
static void inv_isolation(reader_ctx *r, const char *ws, const char *viewer,
                          const char *member)
{
	int vis = -1, rule = -1;
	int rc = pws_can_see_member(r->p, &vis, &rule, viewer, ws, member);

	r->calls++;
	RC_OK_OR_NOTFOUND(&r->f, rc, "pws_can_see_member");
	if (rc == PWS_OK && vis != 0)
		fail_note(&r->f, "%s sees %s in %s (rule %s): VI2 broken", viewer, member, ws,
		          pws_rule_id(rule));
	if (rc == PWS_ENOTFOUND && vis != 0)
		fail_note(&r->f, "pws_can_see_member left visible=%d on ENOTFOUND", vis);
}

/* an outsider may do nothing at all in a partner workspace */
static void inv_outsider(reader_ctx *r, const char *who, const char *ws, const char *el)
{
	int allowed = -1, rule = -1, rc;
	uint64_t mask = 1;

	rc = pws_check(r->p, &allowed, &rule, who, PWS_ACT_VIEW, ws, el);
	r->calls++;
	RC_OK_OR_NOTFOUND(&r->f, rc, "pws_check(outsider, view)");
	if (allowed != 0)
		fail_note(&r->f, "outsider %s may view %s/%s (rc %d, rule %s)", who,
		          ws ? ws : "-", el ? el : "-", rc, pws_rule_id(rule));
	if (rc == PWS_OK && !el && rule != PWS_RULE_WS1)
		fail_note(&r->f, "outsider %s denied view of %s by %s, not WS1", who, ws,
		          pws_rule_id(rule));
	rc = pws_allowed_actions(r->p, &mask, who, ws, el);
	r->calls++;
	RC_OK_OR_NOTFOUND(&r->f, rc, "pws_allowed_actions(outsider)");
	if (mask != 0)
		fail_note(&r->f, "outsider %s has actions %#llx on %s/%s", who,
		          (unsigned long long)mask, ws ? ws : "-", el ? el : "-");
}

static void reader_iteration(reader_ctx *r, long i)
{
	pws_policy *p = r->p;
	int allowed, rule, rc, vis, role, lead, partner, mode, model, lc;
	uint64_t mask, digest;
	char late[32];
	int j = (int)((i * 7 + r->id * 13) % ROUNDS);
	const char *acme = acme_users[i % 3];
	const char *glob = globex_users[i % 2];
	const char *out = outsiders[i % 2];

	snprintf(late, sizeof late, "late-%d", j);

	/* a1 is a stable partner (viewer) of "multi": it views (AC1) and never
	 * edits (ED1) nor comments (CM1). */
	rc = pws_check(p, &allowed, &rule, "a1", PWS_ACT_VIEW, "multi", NULL);
	r->calls++;
	if (rc != PWS_OK || allowed != 1 || rule != PWS_RULE_AC1)
		fail_note(&r->f, "a1 view multi: rc %d allowed %d rule %s", rc, allowed,
		          pws_rule_id(rule));
	rc = pws_check(p, &allowed, &rule, "a1", PWS_ACT_EDIT, "multi", NULL);
	r->calls++;
	if (rc != PWS_OK || allowed != 0 || rule != PWS_RULE_ED1)
		fail_note(&r->f, "a1 edit multi: rc %d allowed %d rule %s", rc, allowed,
		          pws_rule_id(rule));
	rc = pws_allowed_actions(p, &mask, "a1", "multi", NULL);
	r->calls++;
	if (rc != PWS_OK || !(mask & BIT(PWS_ACT_VIEW)) ||
	    (mask & (BIT(PWS_ACT_EDIT) | BIT(PWS_ACT_IMPORT) | BIT(PWS_ACT_COMMENT) |
	             BIT(PWS_ACT_REPLY) | BIT(PWS_ACT_POST_UPDATE) | BIT(PWS_ACT_INTEGRATION) |
	             BIT(PWS_ACT_MOVE) | BIT(PWS_ACT_DELETE_ELEMENT))))
		fail_note(&r->f, "a1 on multi: rc %d mask %#llx", rc, (unsigned long long)mask);

	/* A batch mixing stable and churned actors and targets. */
	{
		const char *actors[8] = {acme, glob, "i1", out, out, "a1", "dev", "a3"};
		const int actions[8] = {PWS_ACT_EDIT, PWS_ACT_COMMENT, PWS_ACT_IMPORT,
		                        PWS_ACT_VIEW, PWS_ACT_VIEW, PWS_ACT_VIEW, PWS_ACT_EDIT,
		                        PWS_ACT_VIEW};
		const char *wss[8] = {"multi", "multi", "multi", late, NULL, NULL, "multi",
		                      "multi"};
		const char *els[8] = {NULL, NULL, "env-A", NULL, "env-A", "env-A", "m-col", NULL};
		int al[8], ru[8], co[8], n;

		rc = pws_check_batch(p, al, ru, co, 8, actors, actions, wss, els);
		r->calls++;
		if (rc != PWS_OK)
			fail_note(&r->f, "pws_check_batch -> %d", rc);
		for (n = 0; rc == PWS_OK && n < 8; n++) {
			RC_OK_OR_NOTFOUND(&r->f, co[n], "pws_check_batch item");
			if (co[n] != PWS_OK && (al[n] != 0 || ru[n] != PWS_RULE_NONE))
				fail_note(&r->f, "batch item %d failed %d but allowed %d rule %s", n,
				          co[n], al[n], pws_rule_id(ru[n]));
		}
		if (rc == PWS_OK) {
			/* partners never edit, import or comment in multi-partner mode */
			if (al[0] || al[1] || al[2])
				fail_note(&r->f, "partner %s/%s/i1 allowed %d/%d/%d in multi", acme,
				          glob, al[0], al[1], al[2]);
			if (co[0] != PWS_OK || (ru[0] != PWS_RULE_ED1 && ru[0] != PWS_RULE_WS1 &&
			                        ru[0] != PWS_RULE_WS4))
				fail_note(&r->f, "%s edit multi: code %d rule %s", acme, co[0],
				          pws_rule_id(ru[0]));
			/* outsiders never view */
			if (al[3] || al[4])
				fail_note(&r->f, "outsider %s viewed %s or env-A", out, late);
			/* a1 views env-A whenever it exists */
			if (co[5] == PWS_OK && (!al[5] || ru[5] != PWS_RULE_AC1))
				fail_note(&r->f, "a1 view env-A: allowed %d rule %s", al[5],
				          pws_rule_id(ru[5]));
			/* dev is a stable editor of multi, whatever happens around */
			if (co[6] != PWS_OK || !al[6] || ru[6] != PWS_RULE_ED1)
				fail_note(&r->f, "dev edit m-col: code %d allowed %d rule %s", co[6],
				          al[6], pws_rule_id(ru[6]));
			/* a3 is a member, or suspended while in another team (WS4) */
			if (co[7] != PWS_OK || (al[7] ? ru[7] != PWS_RULE_AC1 : ru[7] != PWS_RULE_WS4))
				fail_note(&r->f, "a3 view multi: code %d allowed %d rule %s", co[7],
				          al[7], pws_rule_id(ru[7]));
		}
	}

	/* VI2: organizations never see each other in multi-partner mode. */
	inv_isolation(r, "multi", acme, glob);
	inv_isolation(r, "multi", glob, acme);
	inv_isolation(r, "multi", "i1", acme);
	inv_isolation(r, "multi", glob, "i1");
	/* VI1: the publisher's member sees everyone present. */
	rc = pws_can_see_member(p, &vis, &rule, "dev", "multi", i % 2 ? glob : acme);
	r->calls++;
	RC_OK_OR_NOTFOUND(&r->f, rc, "pws_can_see_member(dev)");
	if (rc == PWS_OK && (!vis || rule != PWS_RULE_VI1))
		fail_note(&r->f, "dev does not see a member of multi (rule %s)", pws_rule_id(rule));

	/* WS1: outsiders reach nothing in partner workspaces. */
	inv_outsider(r, out, "multi", NULL);
	inv_outsider(r, out, i % 2 ? "single" : late, NULL);
	inv_outsider(r, out, NULL, i % 2 ? "m-col" : "env-A");

	/* Getters. */
	rc = pws_member_get(p, &role, &lead, &partner, "multi", i % 3 == 2 ? "i1" : glob);
	r->calls++;
	if (rc != PWS_ESTATE) /* ESTATE: suspended (WS4), answered with its fields */
		RC_OK_OR_NOTFOUND(&r->f, rc, "pws_member_get(multi)");
	if ((rc == PWS_OK || rc == PWS_ESTATE) && (role != PWS_ROLE_VIEWER || !partner))
		fail_note(&r->f, "partner in multi has role %d partner %d", role, partner);
	rc = pws_member_get(p, &role, &lead, &partner, "single", "a1");
	r->calls++;
	if (rc != PWS_OK || !partner || (role != PWS_ROLE_VIEWER && role != PWS_ROLE_EDITOR))
		fail_note(&r->f, "a1 in single: rc %d role %d partner %d", rc, role, partner);
	rc = pws_workspace_get(p, &vis, &mode, &model, &lc, "multi");
	r->calls++;
	if (rc != PWS_OK || vis != PWS_VIS_PARTNER || mode != PWS_MODE_MULTI ||
	    model != PWS_MODEL_TEAM_TO_TEAM || lc != PWS_LC_ACTIVE)
		fail_note(&r->f, "multi: rc %d vis %d mode %d model %d lc %d", rc, vis, mode,
		          model, lc);

	/* "late-N" goes from absent to single to multi, never back. */
	rc = pws_workspace_get(p, &vis, &mode, &model, &lc, late);
	r->calls++;
	RC_OK_OR_NOTFOUND(&r->f, rc, "pws_workspace_get(late)");
	if (rc == PWS_ENOTFOUND && r->late_multi[j])
		fail_note(&r->f, "%s vanished", late);
	if (rc == PWS_OK) {
		if (vis != PWS_VIS_PARTNER || lc != PWS_LC_ACTIVE ||
		    (mode != PWS_MODE_SINGLE && mode != PWS_MODE_MULTI))
			fail_note(&r->f, "%s: vis %d mode %d lc %d", late, vis, mode, lc);
		if (mode == PWS_MODE_SINGLE && r->late_multi[j])
			fail_note(&r->f, "%s went back to single-partner mode", late);
		if (mode == PWS_MODE_MULTI)
			r->late_multi[j] = 1;
	}
	if (r->late_multi[j]) {
		inv_isolation(r, late, "a1", "g1");
		inv_isolation(r, late, "g1", "a1");
		rc = pws_check(p, &allowed, &rule, "g1", PWS_ACT_EDIT, late, NULL);
		r->calls++;
		if (rc != PWS_OK || allowed || rule != PWS_RULE_ED1)
			fail_note(&r->f, "g1 edit %s after multi: rc %d allowed %d rule %s", late,
			          rc, allowed, pws_rule_id(rule));
		rc = pws_member_get(p, &role, NULL, NULL, late, "a1");
		r->calls++;
		if (rc != PWS_OK || role != PWS_ROLE_VIEWER)
			fail_note(&r->f, "a1 in %s after multi: rc %d role %d", late, rc, role);
	}

	if (i % 16 == 0) {
		rc = pws_policy_digest(p, &digest);
		r->calls++;
		if (rc != PWS_OK)
			fail_note(&r->f, "pws_policy_digest -> %d", rc);
	}
}

static void *reader_main(void *arg)
{
	reader_ctx *r = arg;
	long i;

	for (i = 0; i < r->iters; i++) {
		/* Spread the iterations over the writer's run: the default
		 * rwlock of glibc prefers readers, and four busy readers would
		 * otherwise finish before the writer gets the lock at all. */
		while (i * ROUNDS / r->iters >
		       atomic_load_explicit(&r->w->round, memory_order_acquire) &&
		       !atomic_load_explicit(&r->w->done, memory_order_acquire))
			sched_yield();
		reader_iteration(r, i);
	}
	return NULL;
}

START_TEST(concurrency_readers_and_writer)
{
	static writer_ctx w, wseq; /* large: kept off the stack */
	static reader_ctx rd[N_READERS];
	pthread_t wt, rt[N_READERS];
	pws_policy *p, *q;
	uint64_t d1 = 0, d2 = 0;
	long iters = env_long("PWS_CONCURRENCY_ITERS", DEFAULT_ITERS), calls = 0;
	size_t n;
	int i;

	p = new_world();

	memset(&w, 0, sizeof w);
	w.p = p;
	atomic_init(&w.round, 0);
	atomic_init(&w.done, 0);
	for (i = 0; i < N_READERS; i++) {
		memset(&rd[i], 0, sizeof rd[i]);
		rd[i].p = p;
		rd[i].w = &w;
		rd[i].iters = iters;
		rd[i].id = i;
	}
	/* Readers first, so the writer starts into a busy handle. */
	for (i = 0; i < N_READERS; i++)
		ck_assert_int_eq(pthread_create(&rt[i], NULL, reader_main, &rd[i]), 0);
	ck_assert_int_eq(pthread_create(&wt, NULL, writer_main, &w), 0);
	ck_assert_int_eq(pthread_join(wt, NULL), 0);
	for (i = 0; i < N_READERS; i++)
		ck_assert_int_eq(pthread_join(rt[i], NULL), 0);

	ck_assert_msg(w.f.count == 0, "writer: %ld failures; first: %s", w.f.count, w.f.first);
	for (i = 0; i < N_READERS; i++) {
		ck_assert_msg(rd[i].f.count == 0, "reader %d: %ld failures; first: %s", i,
		              rd[i].f.count, rd[i].f.first);
		calls += rd[i].calls;
	}
	ck_assert_int_le(w.nops, MAX_OPS);
	ck_assert_int_gt(calls, 0);

	/* Readers change nothing: the same script run alone on a fresh world
	 * gives the same statuses and the same final state. */
	q = new_world();
	memset(&wseq, 0, sizeof wseq);
	wseq.p = q;
	atomic_init(&wseq.round, 0);
	atomic_init(&wseq.done, 0);
	writer_script(&wseq);
	ck_assert_msg(wseq.f.count == 0, "sequential writer: %s", wseq.f.first);
	ck_assert_int_eq(wseq.nops, w.nops);
	for (n = 0; n < w.nops; n++)
		ck_assert_msg(w.rcs[n] == wseq.rcs[n], "op %zu: %d concurrently, %d alone", n,
		              w.rcs[n], wseq.rcs[n]);
	ck_assert_int_eq(pws_policy_digest(p, &d1), PWS_OK);
	ck_assert_int_eq(pws_policy_digest(q, &d2), PWS_OK);
	ck_assert_msg(d1 == d2, "final digests differ: %#llx vs %#llx",
	              (unsigned long long)d1, (unsigned long long)d2);
	pws_policy_free(q);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Running a call with a deadline (a deadlock fails, never hangs)      */
/* ------------------------------------------------------------------ */

typedef struct deadline_run {
	void (*fn)(void *);
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
} deadline_run;

static void *deadline_main(void *arg)
{
	deadline_run *d = arg;

	d->fn(d->arg);
	pthread_mutex_lock(&d->mu);
	d->done = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* Runs fn(arg) on a helper thread; returns 1 if it finished within
 * seconds, 0 if not (the thread is then abandoned, stuck, with its state
 * leaked on purpose). Check's own timeout covers fork mode; this covers
 * CK_FORK=no. */
static int run_with_deadline(void (*fn)(void *), void *arg, int seconds)
{
	deadline_run *d = calloc(1, sizeof *d);
	struct timespec ts;
	pthread_t t;
	int done, err = 0;

	ck_assert_ptr_nonnull(d);
	d->fn = fn;
	d->arg = arg;
	ck_assert_int_eq(pthread_mutex_init(&d->mu, NULL), 0);
	ck_assert_int_eq(pthread_cond_init(&d->cv, NULL), 0);
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts), 0);
	ts.tv_sec += seconds;
	ck_assert_int_eq(pthread_create(&t, NULL, deadline_main, d), 0);
	pthread_mutex_lock(&d->mu);
	while (!d->done && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&d->cv, &d->mu, &ts);
	done = d->done;
	pthread_mutex_unlock(&d->mu);
	if (!done) {
		pthread_detach(t);
		return 0;
	}
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Event callbacks may call back into the handle                       */
/* ------------------------------------------------------------------ */

typedef struct reenter_ev {
	pws_policy *p;
	int events;
	int checks, check_fail;
	int multi_seen;       /* PWS_EV_MULTI_PARTNER_ENABLED delivered */
	int multi_committed;  /* ... and the callback saw its effect */
	int nested_rc;        /* a mutation made from inside a callback */
	int nested_done;
} reenter_ev;

static void ev_reenter(const pws_event *e, void *payload)
{
	reenter_ev *s = payload;
	int allowed = -1, rule = -1, rc, mode = 0;

	s->events++;
	rc = pws_check(s->p, &allowed, &rule, "pm", PWS_ACT_VIEW, "pw", NULL);
	s->checks++;
	if (rc != PWS_OK || allowed != 1)
		s->check_fail++;
	if (pws_event_kind_of(e) == PWS_EV_MULTI_PARTNER_ENABLED) {
		s->multi_seen = 1;
		/* The change is committed before its event goes out. */
		rc = pws_check(s->p, &allowed, &rule, "a1", PWS_ACT_EDIT, "pw", NULL);
		if (rc == PWS_OK && !allowed && rule == PWS_RULE_ED1 &&
		    pws_workspace_get(s->p, NULL, &mode, NULL, NULL, "pw") == PWS_OK &&
		    mode == PWS_MODE_MULTI)
			s->multi_committed = 1;
	}
	if (pws_event_kind_of(e) == PWS_EV_UPDATE_POSTED && !s->nested_done) {
		/* Even a mutation may be made from the callback (once). */
		s->nested_done = 1;
		s->nested_rc = pws_update_post(s->p, "dev", "pw", "up-nested", "again", NOW, NULL);
	}
}

static void events_reenter_body(void *arg)
{
	reenter_ev *s = arg;
	pws_policy *p = s->p;
	pws_result r = PWS_RESULT_INIT;
	int rc[8], i;

	rc[0] = pws_workspace_create(p, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, &r);
	rc[1] = pws_invite(p, "pm", "pw", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0, &r);
	rc[2] = pws_invite_accept(p, "dev", "pw", NULL, &r);
	rc[3] = pws_invite(p, "pm", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, &r);
	rc[4] = pws_invite_accept(p, "a1", "pw", NULL, &r);
	rc[5] = pws_update_post(p, "dev", "pw", "up-1", "hello", NOW, &r);
	rc[6] = pws_workspace_enable_multi_partner(p, "pm", "pw", &r);
	rc[7] = pws_invite(p, "pm", "pw", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, &r);
	for (i = 0; i < 8; i++)
		if (rc[i] != PWS_OK)
			s->check_fail += 1000; /* reported by the main thread */
}

START_TEST(concurrency_events_may_reenter)
{
	static reenter_ev s;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL;
	int allowed = -1;

	memset(&s, 0, sizeof s);
	o.on_event = ev_reenter;
	o.event_payload = &s;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	s.p = p;
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "acme", "acme.com", RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_team_add_domain(p, "globex", "globex.com", RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));

	ck_assert_msg(run_with_deadline(events_reenter_body, &s, 20),
	              "deadlock: an event callback calling back into the handle hung");
	ck_assert_msg(s.check_fail == 0, "callback checks failed (%d; >= 1000: a mutation failed)",
	              s.check_fail);
	ck_assert_int_gt(s.events, 0);
	ck_assert_int_eq(s.checks, s.events);
	ck_assert_msg(s.multi_seen && s.multi_committed,
	              "multi-partner event %d, committed state seen %d", s.multi_seen,
	              s.multi_committed);
	ck_assert_int_eq(s.nested_done, 1);
	ck_assert_int_eq(s.nested_rc, PWS_OK);
	/* The handle is unlocked and usable afterwards. */
	ck_assert_int_eq(pws_check(p, &allowed, NULL, "dev", PWS_ACT_VIEW, "pw", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* An allocator calling back into the handle is misuse                 */
/* ------------------------------------------------------------------ */

static pws_policy *g_reenter_policy;   /* the handle the allocator serves */
static atomic_int g_reenter_armed;     /* one-shot: re-enter on next malloc */
static int g_reenter_calls;            /* re-entries made */
static int g_reenter_check_rc = 1;     /* what pws_check answered */
static int g_reenter_digest_rc = 1;    /* what pws_policy_digest answered */
static int g_reenter_mutate_rc = 1;    /* what a mutation answered */

static void *re_malloc(void *ctx, size_t size)
{
	(void)ctx;
	if (atomic_exchange(&g_reenter_armed, 0)) {
		int allowed = -1;
		uint64_t d;
		pws_result r = PWS_RESULT_INIT;

		g_reenter_calls++;
		g_reenter_check_rc = pws_check(g_reenter_policy, &allowed, NULL, "pm",
		                               PWS_ACT_VIEW, "pw", NULL);
		g_reenter_digest_rc = pws_policy_digest(g_reenter_policy, &d);
		g_reenter_mutate_rc = pws_team_add(g_reenter_policy, "nested", "N",
		                                   PWS_PLAN_FREE, 0, &r);
	}
	return malloc(size);
}

static void *re_realloc(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	return realloc(ptr, size);
}

static void re_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

static int g_outer_rc = 1;

static void alloc_reenter_body(void *arg)
{
	pws_result r = PWS_RESULT_INIT;

	(void)arg;
	/* A mutation allocates under the write lock (new ids are interned). */
	atomic_store(&g_reenter_armed, 1);
	g_outer_rc = pws_team_add(g_reenter_policy, "brand-new-team", "B", PWS_PLAN_BASIC, 0, &r);
	atomic_store(&g_reenter_armed, 0);
}

START_TEST(concurrency_allocator_reentry_is_misuse)
{
	pws_allocator a = PWS_ALLOCATOR_INIT;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p = NULL;
	int allowed = -1, rule = -1;

	a.malloc_fn = re_malloc;
	a.realloc_fn = re_realloc;
	a.free_fn = re_free;
	o.allocator = &a;
	atomic_store(&g_reenter_armed, 0);
	g_reenter_calls = 0;
	g_reenter_check_rc = g_reenter_digest_rc = g_reenter_mutate_rc = g_outer_rc = 1;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	g_reenter_policy = p;
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_workspace_create(p, "pm", "pw", "PW", PWS_VIS_PARTNER, NULL, RES));

	ck_assert_msg(run_with_deadline(alloc_reenter_body, NULL, 20),
	              "deadlock: an allocator calling back into the handle hung");
	ck_assert_msg(g_reenter_calls == 1, "the allocator was not called under the lock (%d)",
	              g_reenter_calls);
	ck_assert_int_eq(g_reenter_check_rc, PWS_EMISUSE);
	ck_assert_int_eq(g_reenter_digest_rc, PWS_EMISUSE);
	ck_assert_int_eq(g_reenter_mutate_rc, PWS_EMISUSE);
	ck_assert_int_eq(g_outer_rc, PWS_OK);

	/* Afterwards the handle works normally, from any thread. */
	ck_assert_int_eq(pws_check(p, &allowed, &rule, "pm", PWS_ACT_VIEW, "pw", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 1);
	FAILS(pws_team_add(p, "nested", "N", PWS_PLAN_FREE, 0, RES), PWS_OK);
	FAILS(pws_team_add(p, "brand-new-team", "B", PWS_PLAN_FREE, 0, RES), PWS_EEXISTS);
	g_reenter_policy = NULL;
	pws_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Change sets seen whole: readers on one handle check that every read */
/* answers from a state some prefix of the writer's calls built         */
/* ------------------------------------------------------------------ */

/*
 * A writer runs a script of calls that each change several things at once
 * (an invite accepted: the invite goes and a membership comes; an element
 * moved out of one workspace into another; a bulk invite of two people;
 * multi-partner mode enabled; a partner's team changed; the Partner Lead
 * flag given with a role). Before the threads start, the same script runs
 * on a reference handle, and for every state k (after call k) each kind of
 * read below is recorded as a hash. Readers then read the shared handle in
 * one call each and hash the answer: between the calls the writer had
 * finished before the read (done) and the calls it had begun after it
 * (started), the answer must be that of one of the states done .. started.
 * A call applied in part, or a state seen out of order, answers with a hash
 * of no state in that window. So a read lock that does not exclude the
 * writer fails here (in make check), not only under ThreadSanitizer. Uses
 * the public API only; no assertion on time. PWS_ATOMIC_CYCLES sets the
 * script's length (cycles of ATOMIC_PER_CYCLE calls), PWS_ATOMIC_ROUNDS how
 * many times it runs under the readers (each on a fresh handle). With the
 * read lock made a no-op (pws__read_begin returning at once), this test
 * failed in 52 runs of 55 with 6 to 8 rounds (in round 0 about half the
 * time), and so did make check, on a 2-core machine at load 15 to 25,
 * where reader and writer seldom run at the same moment.
 */

#define ATOMIC_READERS 3
#define ATOMIC_CYCLES 10
#define ATOMIC_ROUNDS 8
#define ATOMIC_PER_CYCLE 19
#define ATOMIC_BULK 12
#define ATOMIC_KINDS 8

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Every column of every row of a listing (absent columns hash their
 * error), and the listing's own status. */
static uint64_t hash_iter(int rc, pws_iter **itp)
{
	pws_iter *it = *itp; /* read after the listing's call set it */
	uint64_t h = fnv(0xcbf29ce484222325ull, &rc, sizeof rc);
	int col;

	if (rc != PWS_OK)
		return h;
	while (pws_iter_next(it) == PWS_OK)
		for (col = PWS_COL_ID; col <= PWS_COL_PARENT; col++) {
			const char *s = pws_iter_str(it, col);
			int64_t v = 0;
			int r = pws_iter_int2(it, col, &v);

			h = s ? fnv(h, s, strlen(s) + 1) : fnv(h, "-", 1);
			h = fnv(h, &r, sizeof r);
			h = fnv(h, &v, sizeof v);
		}
	pws_iter_free(it);
	return h;
}

/* Read kind k of p, in one library call; *rc its status. */
static uint64_t atomic_read(const pws_policy *p, int k, int *rc)
{
	static const char *const actors[] = { "pm", "dev", "a1", "a3", "g1", "i1", "solo",
	                                      "a2", "g2", "dev2" };
	enum { NA = sizeof actors / sizeof actors[0] };
	pws_iter *it = NULL;
	uint64_t h = 0;
	int r = 0;

	*rc = PWS_OK;
	switch (k) {
	case 0:
		*rc = pws_policy_digest(p, &h);
		return h;
	case 1: {
		char *json = NULL;
		size_t len = 0;

		*rc = pws_snapshot_export(p, &json, &len);
		if (*rc != PWS_OK)
			return 0;
		h = fnv(0xcbf29ce484222325ull, json, len);
		pws_snapshot_free(p, json);
		return h;
	}
	case 2: return hash_iter(pws_list_members(&it, p, "pm", "single"), &it);
	case 3: return hash_iter(pws_list_invites(&it, &r, p, "pm", "single"), &it);
	case 4: return hash_iter(pws_list_elements(&it, p, "pm", "single"), &it);
	case 5: return hash_iter(pws_list_workspaces(&it, p, "a2"), &it);
	case 6: return hash_iter(pws_list_seats(&it, p, "pub"), &it);
	default: {
		/* every action of every actor on both workspaces and elements */
		const char *ac[NA * 4 * 3], *ws[NA * 4 * 3], *el[NA * 4 * 3];
		int act[NA * 4 * 3], allowed[NA * 4 * 3], rules[NA * 4 * 3], codes[NA * 4 * 3];
		size_t n = 0, i;

		for (i = 0; i < NA; i++) {
			static const int acts[] = { PWS_ACT_VIEW, PWS_ACT_EDIT, PWS_ACT_MANAGE_MEMBERS,
			                            PWS_ACT_INVITE_PARTNER };
			static const char *const wss[] = { "multi", "single", NULL };
			static const char *const els[] = { NULL, NULL, "m-col" };
			size_t a, t;

			for (a = 0; a < 4; a++)
				for (t = 0; t < 3; t++) {
					ac[n] = actors[i];
					act[n] = acts[a];
					ws[n] = wss[t];
					el[n] = els[t];
					n++;
				}
		}
		*rc = pws_check_batch(p, allowed, rules, codes, n, ac, act, ws, el);
		h = fnv(0xcbf29ce484222325ull, allowed, n * sizeof(int));
		h = fnv(h, rules, n * sizeof(int));
		return fnv(h, codes, n * sizeof(int));
	}
	}
}

/* Call i of the script (0-based): every call succeeds, and no two states
 * are equal (fresh ids each cycle). */
static int atomic_call(pws_policy *p, int i, pws_result *res)
{
	int c = i / ATOMIC_PER_CYCLE, j;
	char x[32], xe[48], el[32], up[32], bulk[ATOMIC_BULK * 48 + 16], ye[48], ze[48], ws[32];
	size_t len;

	snprintf(x, sizeof x, "x%d", c);
	snprintf(xe, sizeof xe, "x%d@acme.com", c);
	snprintf(el, sizeof el, "e%d", c);
	snprintf(up, sizeof up, "u%d", c);
	snprintf(ye, sizeof ye, "y%d@acme.com", c);
	snprintf(ze, sizeof ze, "z%d@acme.com", c);
	switch (i % ATOMIC_PER_CYCLE) {
	case 0: return pws_user_add(p, x, xe, "acme", PWS_TEAM_MEMBER, 0, res);
	case 1: return pws_invite(p, "pm", "single", xe, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, res);
	/* the invite goes, the membership comes */
	case 2: return pws_invite_accept(p, x, "single", "acme", res);
	/* role and Partner Lead flag */
	case 3: return pws_member_set_role(p, "pm", "single", x, PWS_ROLE_EDITOR, res);
	case 4: return pws_member_set_lead(p, "pm", "single", x, 1, res);
	/* an element leaves "multi" for "single" */
	case 5: return pws_element_add(p, "dev", "multi", el, PWS_EL_COLLECTION, 10, NULL, res);
	case 6: return pws_element_move(p, "dev", el, "single", res);
	case 7: return pws_update_post(p, "pm", "single", up, "news", NOW + i, res);
	/* two invites at once, withdrawn one by one */
	case 8:
		snprintf(bulk, sizeof bulk, "email\n%s\n%s\n", ye, ze);
		return pws_invite_bulk(p, NULL, "pm", "single", bulk, strlen(bulk), PWS_BULK_CSV,
		                       PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
		                       res);
	case 9: return pws_invite_withdraw(p, "pm", "single", ye, res);
	case 10: return pws_invite_withdraw(p, "pm", "single", ze, res);
	/* a partner workspace with two organizations, then multi-partner mode */
	case 11:
		snprintf(ws, sizeof ws, "mp%d", c);
		return pws_workspace_create(p, "pm", ws, "MP", PWS_VIS_PARTNER, NULL, res);
	case 12:
		snprintf(ws, sizeof ws, "mp%d", c);
		return pws_invite(p, "pm", ws, "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 1, res);
	case 13:
		snprintf(ws, sizeof ws, "mp%d", c);
		return pws_invite_accept(p, "a2", ws, "acme", res);
	case 14:
		snprintf(ws, sizeof ws, "mp%d", c);
		return pws_workspace_enable_multi_partner(p, "pm", ws, res);
	/* many invites at once; a partner's access to the team's workspaces
	 * ended at once */
	case 15:
		snprintf(ws, sizeof ws, "b%d", c);
		return pws_workspace_create(p, "pm", ws, "Bulk", PWS_VIS_PARTNER, NULL, res);
	case 16:
		snprintf(ws, sizeof ws, "b%d", c);
		len = (size_t)snprintf(bulk, sizeof bulk, "email\n");
		for (j = 0; j < ATOMIC_BULK; j++)
			len += (size_t)snprintf(bulk + len, sizeof bulk - len, "b%d-%d@acme.com\n", c, j);
		return pws_invite_bulk(p, NULL, "pm", ws, bulk, len, PWS_BULK_CSV,
		                       PWS_BULK_ALL_OR_NOTHING, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
		                       res);
	case 17: return pws_partner_end(p, "pm", "pub", "a2", res);
	/* the member leaves: membership, lead flag and seat go at once */
	default: return pws_member_remove(p, "pm", "single", x, res);
	}
}

typedef struct atomic_run {
	pws_policy *p;
	int ncalls;
	uint64_t *vals[ATOMIC_KINDS]; /* [k][state 0 .. ncalls] */
	atomic_int started, done, finished;
	failures wf;
	struct atomic_reader {
		struct atomic_run *run;
		int id;
		atomic_int seen;  /* calls done before its last read began */
		atomic_int gone;  /* the reader has stopped */
		long reads, overlapped;
		failures f;
	} rd[ATOMIC_READERS];
} atomic_run;

/* The writer starts each call once every reader has read the state after
 * the one before: the readers, reading back to back, are then likely in
 * the middle of a read as the call begins (a long one: a snapshot or a
 * digest walks the whole state). With a lock that holds the writer off,
 * one waits for the other; with a broken one they overlap. */
static void *atomic_writer(void *arg)
{
	atomic_run *a = arg;
	int i;

	for (i = 0; i < a->ncalls; i++) {
		pws_result res = PWS_RESULT_INIT;
		int rc, j;

		for (j = 0; j < ATOMIC_READERS; j++)
			while (atomic_load(&a->rd[j].seen) < i && !atomic_load(&a->rd[j].gone))
				sched_yield();
		atomic_store(&a->started, i + 1);
		rc = atomic_call(a->p, i, &res);
		atomic_store(&a->done, i + 1);
		if (rc != PWS_OK)
			fail_note(&a->wf, "writer call %d -> %s: %s", i, pws_strerror(rc), res.message);
	}
	atomic_store(&a->finished, 1);
	return NULL;
}

static void *atomic_reader(void *arg)
{
	struct atomic_reader *r = arg;
	atomic_run *a = r->run;
	int last_done = -1, same = 0, n = r->id;

	while (!atomic_load(&a->finished)) {
		int d0, s1, rc, j, seen = 0;
		/* mostly the long reads, a snapshot and a digest; every fourth
		 * read one of the others */
		int k = n % 4 == 3 ? 2 + (n / 4) % (ATOMIC_KINDS - 2) : n % 2;
		uint64_t v;

		n++;
		d0 = atomic_load(&a->done);
		v = atomic_read(a->p, k, &rc);
		s1 = atomic_load(&a->started);
		atomic_store(&r->seen, d0);
		r->reads++;
		r->overlapped += s1 > d0;
		if (rc != PWS_OK) {
			fail_note(&r->f, "read kind %d -> %s", k, pws_strerror(rc));
			continue;
		}
		for (j = d0; j <= s1 && !seen; j++)
			seen = a->vals[k][j] == v;
		if (!seen)
			fail_note(&r->f, "read kind %d, made after call %d was done and before call %d "
			          "began, answers from no state in between: a change seen in part",
			          k, d0, s1 + 1);
		/* a few reads per call, so that the writer is not starved
		 * (glibc's rwlock favours readers) */
		if (d0 != last_done) {
			last_done = d0;
			same = 0;
		} else if (++same >= 4) {
			while (atomic_load(&a->done) == d0 && !atomic_load(&a->finished))
				sched_yield();
		}
	}
	atomic_store(&r->gone, 1);
	return NULL;
}

START_TEST(concurrency_changes_seen_whole)
{
	static atomic_run a; /* large: kept off the stack */
	pthread_t wt, rt[ATOMIC_READERS];
	pws_policy *ref;
	long reads = 0, overlapped = 0, rounds = env_long("PWS_ATOMIC_ROUNDS", ATOMIC_ROUNDS);
	int i, k, rc, round;

	memset(&a, 0, sizeof a);
	a.ncalls = (int)env_long("PWS_ATOMIC_CYCLES", ATOMIC_CYCLES) * ATOMIC_PER_CYCLE;
	for (k = 0; k < ATOMIC_KINDS; k++) {
		a.vals[k] = calloc((size_t)a.ncalls + 1, sizeof(uint64_t));
		ck_assert_ptr_nonnull(a.vals[k]);
	}
	/* the states of the script, on a reference handle */
	ref = new_world();
	for (i = 0; i <= a.ncalls; i++) {
		if (i > 0) {
			rc = atomic_call(ref, i - 1, RES);
			ck_assert_msg(rc == PWS_OK, "script call %d -> %s: %s", i - 1, pws_strerror(rc),
			              tw_res.message);
		}
		for (k = 0; k < ATOMIC_KINDS; k++) {
			a.vals[k][i] = atomic_read(ref, k, &rc);
			ck_assert_int_eq(rc, PWS_OK);
		}
		/* every call changes the state: no state repeats */
		if (i > 0)
			ck_assert_msg(a.vals[0][i] != a.vals[0][i - 1], "call %d changed nothing", i - 1);
	}
	/* the script again on a shared handle, under the readers; several
	 * rounds, each on a fresh handle */
	for (round = 0; round < rounds; round++) {
		a.p = new_world();
		ck_assert(tw_digest(a.p) == a.vals[0][0]);
		atomic_init(&a.started, 0);
		atomic_init(&a.done, 0);
		atomic_init(&a.finished, 0);
		for (i = 0; i < ATOMIC_READERS; i++) {
			a.rd[i].run = &a;
			a.rd[i].id = i;
			atomic_init(&a.rd[i].seen, -1);
			atomic_init(&a.rd[i].gone, 0);
			ck_assert_int_eq(pthread_create(&rt[i], NULL, atomic_reader, &a.rd[i]), 0);
		}
		ck_assert_int_eq(pthread_create(&wt, NULL, atomic_writer, &a), 0);
		ck_assert_int_eq(pthread_join(wt, NULL), 0);
		for (i = 0; i < ATOMIC_READERS; i++)
			ck_assert_int_eq(pthread_join(rt[i], NULL), 0);
		ck_assert_msg(a.wf.count == 0, "round %d, writer: %ld failures, first: %s", round,
		              a.wf.count, a.wf.first);
		for (i = 0; i < ATOMIC_READERS; i++)
			ck_assert_msg(a.rd[i].f.count == 0, "round %d, reader %d: %ld of %ld reads wrong, "
			              "first: %s", round, i, a.rd[i].f.count, a.rd[i].reads,
			              a.rd[i].f.first);
		ck_assert(tw_digest(a.p) == a.vals[0][a.ncalls]);
		pws_policy_free(a.p);
	}
	for (i = 0; i < ATOMIC_READERS; i++) {
		reads += a.rd[i].reads;
		overlapped += a.rd[i].overlapped;
	}
	printf("changes seen whole: %ld rounds of %d calls, %ld reads (%ld while a call was under "
	       "way), each from a whole state\n", rounds, a.ncalls, reads, overlapped);
	ck_assert_int_gt(reads, 0);
	pws_policy_free(ref);
	for (k = 0; k < ATOMIC_KINDS; k++)
		free(a.vals[k]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* More reader threads than reader slots (core.h: PWS__READERS)        */
/* ------------------------------------------------------------------ */

#define MANY_READERS 72 /* > 64 slots: some threads share one */
#define MANY_ROUNDS 100

typedef struct many_ctx {
	pws_policy *p;
	atomic_int *done;
	long calls, disagree, errors;
} many_ctx;

/* Reads until the writer is done (a starved writer hangs the test into
 * its timeout): two identical checks in one batch run under one read
 * lock, so they must agree whatever the writer is doing. */
static void *many_reader(void *arg)
{
	many_ctx *c = arg;
	const char *actors[2] = {"x", "x"}, *wss[2] = {"w", "w"};
	int actions[2] = {PWS_ACT_VIEW, PWS_ACT_VIEW}, allowed[2], codes[2];

	do {
		if (pws_check_batch(c->p, allowed, NULL, codes, 2, actors, actions, wss, NULL) !=
		        PWS_OK ||
		    codes[0] != PWS_OK || codes[1] != PWS_OK)
			c->errors++;
		else if (allowed[0] != allowed[1])
			c->disagree++;
		c->calls++;
		sched_yield();
	} while (!atomic_load(c->done));
	return NULL;
}

START_TEST(concurrency_more_threads_than_reader_slots)
{
	static many_ctx c[MANY_READERS];
	pthread_t t[MANY_READERS];
	atomic_int done;
	pws_policy *p = NULL;
	int i, allowed = 0;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_team_add_domain(p, "pub", "pub.com", RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "x", "x@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_create(p, "pm", "w", "W", PWS_VIS_PARTNER, NULL, RES));
	atomic_init(&done, 0);
	for (i = 0; i < MANY_READERS; i++) {
		memset(&c[i], 0, sizeof c[i]);
		c[i].p = p;
		c[i].done = &done;
		ck_assert_int_eq(pthread_create(&t[i], NULL, many_reader, &c[i]), 0);
	}
	for (i = 0; i < MANY_ROUNDS; i++) {
		OK(pws_invite(p, "pm", "w", "x@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
		OK(pws_invite_accept(p, "x", "w", NULL, RES));
		OK(pws_member_remove(p, "pm", "w", "x", RES));
	}
	atomic_store(&done, 1);
	for (i = 0; i < MANY_READERS; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_msg(c[i].errors == 0 && c[i].disagree == 0,
		              "reader %d: %ld errors, %ld disagreements in %ld calls", i, c[i].errors,
		              c[i].disagree, c[i].calls);
		ck_assert_int_gt(c[i].calls, 0);
	}
	ck_assert_int_eq(pws_check(p, &allowed, NULL, "x", PWS_ACT_VIEW, "w", NULL), PWS_OK);
	ck_assert_int_eq(allowed, 0);
	pws_policy_free(p);
}
END_TEST

Suite *pws_concurrency_suite(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc;

	tc = tcase_create("readers_and_writer");
	/* Seconds natively; minutes under ThreadSanitizer or valgrind. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, concurrency_readers_and_writer);
	tcase_add_test(tc, concurrency_more_threads_than_reader_slots);
	suite_add_tcase(s, tc);

	tc = tcase_create("changes_seen_whole");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, concurrency_changes_seen_whole);
	suite_add_tcase(s, tc);

	tc = tcase_create("reentry");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, concurrency_events_may_reenter);
	tcase_add_test(tc, concurrency_allocator_reentry_is_misuse);
	suite_add_tcase(s, tc);
	return s;
}
