/*
 * Fuzz target: sequences of public calls. The bytes decode into calls over
 * small id alphabets (fuzz-world.h): the directory (users, teams, moves,
 * leaving teams), workspaces, invites, roles, elements, modes, compaction,
 * with storage and allocation failures injected and calls asked first
 * (PWS_REQUEST_ASK). Each step takes three bytes (the call, a mode, a
 * failure count) and then as many as its arguments need.
 *
 * After every call it checks the promises:
 *  - a failed call, or an asked one, changes neither the digest nor the
 *    store and emits no event; an asked call then made answers the same;
 *  - no partner of a multi-partner workspace sees, in any listing, check,
 *    predicate or event, a member of another organization (VI2, EV1), the
 *    organization computed from the directory (the user's team in the
 *    team-to-team model, their address's domain in the legacy one), not
 *    from what the library reports;
 *  - pws_check, the asked answers, the listings' actions column and
 *    pws_allowed_actions agree;
 * and at the end the store reloads and the snapshot re-imports to the
 * same digest.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-world.h"

#include <inttypes.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- events, copied as they come ------------------------------------------ */

#define MAXEV 64
#define MAXRC 32
#define IDL 48

typedef struct fev {
	int kind;
	size_t nws, nrc;
	char ws[4][IDL];
	char actor[IDL], subject[IDL];
	char rc[MAXRC][IDL];
	int rck[MAXRC];
} fev;

static fev evs[MAXEV];
static size_t nev;

static void cp(char *dst, const char *s)
{
	snprintf(dst, IDL, "%s", s ? s : "");
}

static void on_event(const pws_event *e, void *payload)
{
	fev *v;
	size_t i;

	(void)payload;
	if (nev == MAXEV) {
		nev++; /* counted, not kept */
		return;
	}
	if (nev > MAXEV)
		return;
	v = &evs[nev++];
	memset(v, 0, sizeof *v);
	v->kind = pws_event_kind_of(e);
	cp(v->actor, pws_event_actor(e));
	cp(v->subject, pws_event_subject(e));
	v->nws = pws_event_workspace_count(e);
	for (i = 0; i < v->nws && i < 4; i++)
		cp(v->ws[i], pws_event_workspace(e, i));
	v->nrc = pws_event_recipient_count(e);
	for (i = 0; i < v->nrc && i < MAXRC; i++) {
		cp(v->rc[i], pws_event_recipient(e, i));
		v->rck[i] = pws_event_recipient_kind(e, i);
	}
}

/* --- the calls -------------------------------------------------------------- */

typedef struct args {
	const char *actor, *ws, *ws2, *user, *email, *team, *el, *id;
	int role, kind, lead, vis, flag, ekind;
	int64_t now;
} args;

static pws_policy *P;
static mem_store ST;
static int64_t now;

static void draw(fz_in *in, args *a)
{
	static const char *const actors[] = {"pm", "sa", "ad", "a1", "dv"};
	/* the partner workspaces more often than the others */
	static const char *const wss[] = {"pw", "pw2", "lw", "pw", "lw", "pw", "tw", "pv",
	                                  "nope", "n0", "n1", "pw2"};
	unsigned u;

	memset(a, 0, sizeof *a);
	/* half the time one of those who may do most (the Partner Manager,
	 * the Super Admin, an Admin, a Partner Lead, a Workspace Admin) */
	u = fz_u8(in);
	a->actor = u & 1 ? actors[(u >> 1) % FZ_N(actors)] : FZ_USERS[(u >> 1) % FZ_N(FZ_USERS)];
	a->ws = FZ_PICK(in, wss);
	a->ws2 = FZ_PICK(in, wss);
	a->email = FZ_PICK(in, FZ_EMAILS);
	/* half the time the user whose address was drawn (invite, accept) */
	u = fz_u8(in);
	a->user = FZ_USERS[(u >> 1) % FZ_N(FZ_USERS)];
	if (u & 1) {
		size_t k;

		for (k = 0; k < FZ_N(FZ_USERS); k++)
			if (strcasecmp(FZ_USER_EMAIL[k], a->email) == 0)
				a->user = FZ_USERS[k];
	}
	a->team = FZ_PICK(in, FZ_TEAMS);
	a->el = FZ_PICK(in, FZ_ELS);
	a->id = FZ_PICK(in, FZ_IDS);
	u = fz_u8(in);
	a->role = u % 8 != 7 ? 1 + (int)(u % 3) : 0; /* 0: a bad role, now and then */
	a->kind = 1 + (int)fz_pick(in, 2);
	a->lead = (int)fz_pick(in, 2);
	a->vis = 1 + (int)fz_pick(in, 5);
	a->flag = (int)fz_pick(in, 2);
	a->ekind = 1 + (int)fz_pick(in, 5);
	now += 1 + (int64_t)fz_pick(in, 200) * 3600;
	a->now = now;
}

typedef int (*call_fn)(const args *a, pws_result *r);

static int c_invite(const args *a, pws_result *r)
{ return pws_invite(P, a->actor, a->ws, a->email, a->kind, a->role, a->lead, r); }
/* an invite and its acceptance by the invitee (made, not asked: an asked
 * invite leaves nothing to accept); the acceptance's answer counts */
static int compound_changed; /* the invite of invite+accept went through */

static int c_invite_accept(const args *a, pws_result *r)
{
	pws_result r0 = PWS_RESULT_INIT;
	int rc;

	if (r->request & PWS_REQUEST_ASK)
		return c_invite(a, r);
	rc = pws_invite(P, a->actor, a->ws, a->email, a->kind, a->role, a->lead, &r0);
	if (rc != PWS_OK) {
		*r = r0;
		return rc;
	}
	compound_changed = 1;
	return pws_invite_accept(P, a->user, a->ws, a->flag ? a->team : NULL, r);
}
static int c_bulk(const args *a, pws_result *r)
{
	char text[160];

	if (a->ekind & 1)
		snprintf(text, sizeof text, "email,name\n%s,x\n%s,y\n", a->email, a->user);
	else
		snprintf(text, sizeof text, "%s\n%s@acme.com\n", a->email, a->user);
	return pws_invite_bulk(P, NULL, a->actor, a->ws, text, strlen(text),
	                       a->ekind & 1 ? PWS_BULK_CSV : PWS_BULK_TXT,
	                       a->flag ? PWS_BULK_BEST_EFFORT : PWS_BULK_ALL_OR_NOTHING, a->kind,
	                       a->role, a->lead, r);
}
static int c_accept(const args *a, pws_result *r)
{ return pws_invite_accept(P, a->user, a->ws, a->flag ? a->team : NULL, r); }
static int c_decline(const args *a, pws_result *r)
{ return pws_invite_decline(P, a->user, a->ws, r); }
static int c_withdraw(const args *a, pws_result *r)
{ return pws_invite_withdraw(P, a->actor, a->ws, a->email, r); }
static int c_set_role(const args *a, pws_result *r)
{ return pws_member_set_role(P, a->actor, a->ws, a->user, a->role, r); }
static int c_set_lead(const args *a, pws_result *r)
{ return pws_member_set_lead(P, a->actor, a->ws, a->user, a->lead, r); }
static int c_remove(const args *a, pws_result *r)
{ return pws_member_remove(P, a->actor, a->ws, a->user, r); }
static int c_partner_end(const args *a, pws_result *r)
{ return pws_partner_end(P, a->actor, a->team, a->user, r); }
static int c_create(const args *a, pws_result *r)
{ return pws_workspace_create(P, a->actor, a->ws, "N", a->vis, a->flag ? "note" : NULL, r); }
static int c_convert(const args *a, pws_result *r)
{ return pws_workspace_convert(P, a->actor, a->ws, a->flag ? "note" : NULL, r); }
static int c_review(const args *a, pws_result *r)
{ return pws_request_review(P, a->actor, a->ws, a->flag, r); }
static int c_details(const args *a, pws_result *r)
{ return pws_workspace_set_details(P, a->actor, a->ws, a->flag ? "N2" : NULL, "s", "d", r); }
static int c_visibility(const args *a, pws_result *r)
{ return pws_workspace_set_visibility(P, a->actor, a->ws, a->vis, r); }
static int c_delete_ws(const args *a, pws_result *r)
{ return pws_workspace_delete(P, a->actor, a->ws, r); }
static int c_multi(const args *a, pws_result *r)
{ return pws_workspace_enable_multi_partner(P, a->actor, a->ws, r); }
static int c_migrate(const args *a, pws_result *r)
{ return pws_workspace_migrate(P, a->actor, a->ws, r); }
static int c_migrate_many(const args *a, pws_result *r)
{
	const char *ids[2] = {a->ws, a->ws2};

	return pws_workspace_migrate_many(P, a->actor, ids, a->flag ? 2 : 1, r);
}
static int c_el_add(const args *a, pws_result *r)
{
	return pws_element_add(P, a->actor, a->ws, a->el, a->ekind, 10 + (uint64_t)a->role * 40000000,
	                       a->ekind >= PWS_EL_MONITOR ? "col" : NULL, r);
}
static int c_el_editor(const args *a, pws_result *r)
{ return pws_element_add_editor(P, a->actor, a->el, a->user, r); }
static int c_el_move(const args *a, pws_result *r)
{ return pws_element_move(P, a->actor, a->el, a->ws2, r); }
static int c_el_fork(const args *a, pws_result *r)
{ return pws_element_fork(P, a->actor, a->el, a->id, a->ws2, r); }
static int c_el_delete(const args *a, pws_result *r)
{ return pws_element_delete(P, a->actor, a->el, a->now, r); }
static int c_el_restore(const args *a, pws_result *r)
{ return pws_element_restore(P, a->actor, a->el, a->now, r); }
static int c_update(const args *a, pws_result *r)
{ return pws_update_post(P, a->actor, a->ws, a->id, "news", a->now, r); }
static int c_reply(const args *a, pws_result *r)
{ return pws_update_reply(P, a->actor, a->flag ? "up0" : a->ws2, a->id, "re", a->now, r); }
static int c_visit(const args *a, pws_result *r)
{ return pws_workspace_visit(P, a->actor, a->ws, r); }
static int c_history(const args *a, pws_result *r)
{ return pws_history_add(P, a->actor, a->ws, a->id, "ran", a->now, r); }
static int c_comment(const args *a, pws_result *r)
{ return pws_comment_add(P, a->actor, a->el, a->id, "c", r); }
static int c_integration(const args *a, pws_result *r)
{ return pws_integration_enable(P, a->actor, a->ws, r); }
static int c_integration_off(const args *a, pws_result *r)
{ return pws_integration_disable(P, a->actor, a->ws, r); }
static int c_set_team(const args *a, pws_result *r)
{ return pws_user_set_team(P, a->user, a->flag ? a->team : NULL, a->role, r); }
static int c_team_role(const args *a, pws_result *r)
{ return pws_user_set_team_role(P, a->user, a->role, r); }
static int c_pm_flag(const args *a, pws_result *r)
{ return pws_user_set_partner_manager(P, a->user, a->flag, r); }
static int c_user_add(const args *a, pws_result *r)
{
	size_t u;

	for (u = 0; u < FZ_N(FZ_USERS); u++)
		if (strcmp(FZ_USERS[u], a->user) == 0)
			break;
	/* a user comes back with the address of the alphabet (the directory) */
	return pws_user_add(P, a->user, FZ_USER_EMAIL[u][0] ? FZ_USER_EMAIL[u] : "nob@ody.org",
	                    a->flag ? a->team : NULL, a->flag ? a->role : 0, a->lead, r);
}
/* removals undo the world: three times in five they name nobody */
static int c_user_remove(const args *a, pws_result *r)
{ return pws_user_remove(P, a->ekind > 2 ? "n1" : a->user, r); }
static int c_team_plan(const args *a, pws_result *r)
{ return pws_team_set_plan(P, a->team, 1 + a->role, r); }
static int c_team_remove(const args *a, pws_result *r)
{ return pws_team_remove(P, a->ekind > 2 ? "nope" : a->team, r); }
static int c_team_domain(const args *a, pws_result *r)
{
	return a->flag ? pws_team_add_domain(P, a->team, "acme.com", r)
	               : pws_team_remove_domain(P, a->team, "acme.com", r);
}
static int c_seats(const args *a, pws_result *r)
{ return pws_team_set_editor_seats(P, a->team, (uint32_t)a->role, r); }
static int c_compact(const args *a, pws_result *r)
{
	(void)a;
	return pws_compact(P, r);
}

static const struct {
	const char *name;
	call_fn fn;
	int action; /* the pws_check action it stands for (check_ask.c's SAME), 0 */
	int on_el;
} CALLS[] = {
	{"invite", c_invite, 0, 0}, {"invite_bulk", c_bulk, 0, 0},
	{"invite+accept", c_invite_accept, 0, 0}, {"invite+accept", c_invite_accept, 0, 0},
	{"invite+accept", c_invite_accept, 0, 0},
	{"invite_accept", c_accept, 0, 0}, {"invite_decline", c_decline, 0, 0},
	{"invite_withdraw", c_withdraw, 0, 0}, {"member_set_role", c_set_role, 0, 0},
	{"member_set_lead", c_set_lead, 0, 0}, {"member_remove", c_remove, 0, 0},
	{"partner_end", c_partner_end, 0, 0}, {"workspace_create", c_create, 0, 0},
	{"workspace_convert", c_convert, 0, 0}, {"request_review", c_review, 0, 0},
	{"workspace_set_details", c_details, PWS_ACT_EDIT_DETAILS, 0},
	{"workspace_set_visibility", c_visibility, 0, 0},
	{"workspace_delete", c_delete_ws, PWS_ACT_DELETE_WORKSPACE, 0},
	{"enable_multi_partner", c_multi, PWS_ACT_ENABLE_MULTI, 0},
	{"workspace_migrate", c_migrate, 0, 0}, {"workspace_migrate_many", c_migrate_many, 0, 0},
	{"element_add", c_el_add, 0, 0}, {"element_add_editor", c_el_editor, 0, 0},
	{"element_move", c_el_move, 0, 0}, {"element_fork", c_el_fork, 0, 0},
	{"element_delete", c_el_delete, PWS_ACT_DELETE_ELEMENT, 1},
	{"element_restore", c_el_restore, 0, 0},
	{"update_post", c_update, PWS_ACT_POST_UPDATE, 0}, {"update_reply", c_reply, 0, 0},
	{"workspace_visit", c_visit, 0, 0}, {"history_add", c_history, 0, 0},
	{"comment_add", c_comment, PWS_ACT_COMMENT, 1},
	{"integration_enable", c_integration, PWS_ACT_INTEGRATION, 0},
	{"integration_disable", c_integration_off, 0, 0}, {"user_set_team", c_set_team, 0, 0},
	{"user_set_team_role", c_team_role, 0, 0},
	{"user_set_partner_manager", c_pm_flag, 0, 0}, {"user_add", c_user_add, 0, 0},
	{"user_remove", c_user_remove, 0, 0}, {"team_set_plan", c_team_plan, 0, 0},
	{"team_remove", c_team_remove, 0, 0}, {"team_domain", c_team_domain, 0, 0},
	{"team_set_editor_seats", c_seats, 0, 0}, {"compact", c_compact, 0, 0},
};
#define NCALLS FZ_N(CALLS)

/* --- the promises ------------------------------------------------------------ */

static unsigned long stat_partners, stat_events_multi; /* FZ_STATS */

static char trail[8192]; /* the calls made so far, printed with a finding */
static size_t trail_len;

#define PROMISE(cond, ...) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_api: calls so far:\n%s", trail); \
	FZ_ASSERT(cond, __VA_ARGS__); } } while (0)

static void note_call(const char *name, const args *a, int mode, int rc, const pws_result *r)
{
	int k;

	if (trail_len >= sizeof trail - 1)
		return;
	k = snprintf(trail + trail_len, sizeof trail - trail_len,
	             "  %s(actor %s ws %s ws2 %s user %s email %s team %s el %s id %s role %d "
	             "kind %d lead %d vis %d flag %d ekind %d) mode %d -> %d %s %s\n",
	             name, a->actor, a->ws, a->ws2, a->user, a->email, a->team, a->el, a->id,
	             a->role, a->kind, a->lead, a->vis, a->flag, a->ekind, mode, rc,
	             pws_rule_id(r->rule), r->message);
	if (k > 0 && getenv("FZ_TRACE"))
		fputs(trail + trail_len, stderr);
	if (k > 0)
		trail_len += (size_t)k < sizeof trail - trail_len ? (size_t)k
		                                                     : sizeof trail - trail_len - 1;
}

/* The directory's answer: a user's home team ("" none), or NULL: no user. */
static const char *home_team(const char *user, char *buf, size_t size)
{
	if (pws_user_get(P, NULL, NULL, buf, size, user) != PWS_OK)
		return NULL;
	return buf;
}

/* The email domain of a user of the alphabet (their address never
 * changes: the directory's). */
static const char *domain_of(const char *user)
{
	size_t u;

	for (u = 0; u < FZ_N(FZ_USERS); u++)
		if (strcmp(FZ_USERS[u], user) == 0) {
			const char *at = strchr(FZ_USER_EMAIL[u], '@');

			return at ? at + 1 : "ody.org";
		}
	return "?";
}

typedef struct wsinfo {
	int exists, mode, model, lifecycle;
	char owner[IDL];
} wsinfo;

static int ws_info(const char *ws, wsinfo *w)
{
	memset(w, 0, sizeof *w);
	if (pws_workspace_get(P, NULL, &w->mode, &w->model, &w->lifecycle, ws) != PWS_OK)
		return 0;
	w->exists = 1;
	return 1;
}

/* A user's organization in a workspace of the model (VI2, from the
 * directory): their home team in team-to-team, their domain in legacy. */
static const char *org_of(const char *user, int model, char *buf, size_t size)
{
	if (model == PWS_MODEL_LEGACY)
		return domain_of(user);
	return home_team(user, buf, size);
}

/* An effective partner member of ws. */
static int is_partner(const char *ws, const char *user)
{
	int partner = 0;

	return pws_member_get(P, NULL, NULL, &partner, ws, user) == PWS_OK && partner;
}

/* Whether partner V (of organization org) of ws may learn of x. */
static int may_see(const char *ws, const char *owner, int model, const char *V, const char *org,
                   const char *x)
{
	char t[IDL], b[IDL];
	const char *ht, *ox;

	if (strcmp(x, V) == 0)
		return 1;
	ht = home_team(x, t, sizeof t);
	if (ht && owner[0] && strcmp(ht, owner) == 0)
		return 1; /* the publisher's team members */
	if (!is_partner(ws, x))
		return 0;
	ox = org_of(x, model, b, sizeof b);
	return ox && strcmp(ox, org) == 0;
}

static void rows_allowed(pws_iter *it, int col, const char *ws, const char *owner, int model,
                         const char *V, const char *org, const char *what)
{
	while (pws_iter_next(it) == PWS_OK) {
		const char *x = pws_iter_str(it, col);

		PROMISE(x, "%s: a row without column %d", what, col);
		PROMISE(may_see(ws, owner, model, V, org, x),
		        "VI2 leak: %s as %s (organization %s) in %s shows %s", what, V, org, ws, x);
	}
	pws_iter_free(it);
}

static void isolation(const char *ws, const char *owner, int model)
{
	size_t v, x, k;

	for (v = 0; v < FZ_N(FZ_USERS); v++) {
		const char *V = FZ_USERS[v], *org;
		char ob[IDL];
		pws_iter *it = NULL;

		if (!is_partner(ws, V))
			continue;
		org = org_of(V, model, ob, sizeof ob);
		PROMISE(org, "partner %s of %s is no user", V, ws);
		stat_partners++;
		if (pws_list_members(&it, P, V, ws) == PWS_OK)
			rows_allowed(it, PWS_COL_ID, ws, owner, model, V, org, "pws_list_members");
		it = NULL;
		if (pws_list_members_as_org(&it, P, org, ws) == PWS_OK)
			rows_allowed(it, PWS_COL_ID, ws, owner, model, V, org, "pws_list_members_as_org");
		it = NULL;
		if (pws_list_activity(&it, P, V, ws) == PWS_OK)
			rows_allowed(it, PWS_COL_AUTHOR, ws, owner, model, V, org, "pws_list_activity");
		for (k = 0; k < FZ_N(FZ_IDS); k++) {
			it = NULL;
			if (pws_list_replies(&it, P, V, FZ_IDS[k]) == PWS_OK)
				rows_allowed(it, PWS_COL_AUTHOR, ws, owner, model, V, org,
				             "pws_list_replies");
		}
		for (x = 0; x < FZ_N(FZ_USERS); x++) {
			int vis = 0;

			if (may_see(ws, owner, model, V, org, FZ_USERS[x]))
				continue;
			if (pws_can_see_member(P, &vis, NULL, V, ws, FZ_USERS[x]) == PWS_OK)
				PROMISE(!vis, "VI2 leak: pws_can_see_member(%s, %s, %s)", V, ws,
				        FZ_USERS[x]);
			vis = 0;
			if (pws_org_can_see_member(P, &vis, NULL, org, ws, FZ_USERS[x]) == PWS_OK)
				PROMISE(!vis, "VI2 leak: pws_org_can_see_member(%s, %s, %s)", org, ws,
				        FZ_USERS[x]);
		}
	}
}

/* The owner team of ws as the Super Admin's listing gives it ("" unknown). */
static void owner_of(const char *ws, char *out)
{
	pws_iter *it = NULL;
	size_t u;

	out[0] = '\0';
	for (u = 0; u < FZ_N(FZ_USERS) && !out[0]; u++) {
		it = NULL;
		if (pws_list_workspaces(&it, P, FZ_USERS[u]) != PWS_OK)
			continue;
		while (pws_iter_next(it) == PWS_OK)
			if (strcmp(pws_iter_str(it, PWS_COL_ID), ws) == 0) {
				cp(out, pws_iter_str(it, PWS_COL_TEAM));
				break;
			}
		pws_iter_free(it);
	}
}

static void check_isolation_all(void)
{
	size_t w;

	for (w = 0; w < FZ_N(FZ_WSS); w++) {
		wsinfo wi;
		char owner[IDL];

		if (!ws_info(FZ_WSS[w], &wi) || wi.mode != PWS_MODE_MULTI)
			continue;
		owner_of(FZ_WSS[w], owner);
		isolation(FZ_WSS[w], owner, wi.model);
	}
}

/* A name that is only a user's in the alphabets (the subject of an event
 * may be a workspace, an element, an address...). */
static int only_user(const char *s)
{
	size_t k;
	int user = 0;

	for (k = 0; k < FZ_N(FZ_USERS); k++)
		user |= strcmp(s, FZ_USERS[k]) == 0;
	for (k = 0; k < FZ_N(FZ_WSS); k++)
		user &= strcmp(s, FZ_WSS[k]) != 0;
	for (k = 0; k < FZ_N(FZ_ELS); k++)
		user &= strcmp(s, FZ_ELS[k]) != 0;
	for (k = 0; k < FZ_N(FZ_IDS); k++)
		user &= strcmp(s, FZ_IDS[k]) != 0;
	return user;
}

/* EV1, VI2: an event about a multi-partner workspace never addresses
 * partners of two organizations (recipients off the owning team,
 * organization from the directory), and never tells a partner of one
 * organization about a partner of another (its actor, its subject). */
static void check_events(const char *call)
{
	size_t e, i, k, j;

	for (e = 0; e < nev && e < MAXEV; e++) {
		const fev *v = &evs[e];

		for (k = 0; k < v->nws && k < 4; k++) {
			wsinfo wi;
			char owner[IDL], first[IDL] = "", firstu[IDL] = "";
			const char *about[2];

			if (!ws_info(v->ws[k], &wi) || wi.mode != PWS_MODE_MULTI)
				continue;
			owner_of(v->ws[k], owner);
			stat_events_multi++;
			about[0] = v->actor;
			about[1] = v->subject;
			for (i = 0; i < v->nrc && i < MAXRC; i++) {
				char t[IDL], ob[IDL];
				const char *ht, *org;

				if (v->rck[i] != PWS_RECIPIENT_USER)
					continue;
				ht = home_team(v->rc[i], t, sizeof t);
				if (!ht || (owner[0] && strcmp(ht, owner) == 0))
					continue;
				org = org_of(v->rc[i], wi.model, ob, sizeof ob);
				if (!org)
					continue;
				if (!firstu[0]) {
					cp(first, org);
					cp(firstu, v->rc[i]);
				} else {
					PROMISE(strcmp(first, org) == 0,
					        "EV1: %s: event %s about %s addresses %s (%s) and %s (%s)", call,
					        pws_event_kind_name(v->kind), v->ws[k], firstu, first,
					        v->rc[i], org);
				}
				for (j = 0; j < 2; j++) {
					char t2[IDL], ob2[IDL];
					const char *ht2, *org2;

					if (!about[j][0] || !only_user(about[j]) ||
					    strcmp(about[j], v->rc[i]) == 0 || !is_partner(v->ws[k], about[j]))
						continue;
					ht2 = home_team(about[j], t2, sizeof t2);
					if (!ht2 || (owner[0] && strcmp(ht2, owner) == 0))
						continue;
					org2 = org_of(about[j], wi.model, ob2, sizeof ob2);
					PROMISE(org2 && strcmp(org2, org) == 0,
					        "VI2/EV1: %s: event %s about %s tells %s (%s) of its %s %s (%s)",
					        call, pws_event_kind_name(v->kind), v->ws[k], v->rc[i], org,
					        j ? "subject" : "actor", about[j], org2 ? org2 : "?");
				}
			}
		}
	}
}

/* pws_check, pws_allowed_actions, the member listing (refused when
 * view_members is) and the element listing's actions column agree. */
static void check_agreement(const char *actor, const char *ws, const char *el)
{
	uint64_t mask = 0, emask = 0;
	int a, rc, erc;
	pws_iter *it = NULL;

	rc = pws_allowed_actions(P, &mask, actor, ws, NULL);
	erc = el ? pws_allowed_actions(P, &emask, actor, NULL, el) : -1;
	for (a = 1; a < PWS_ACT_COUNT; a++) {
		int allowed = -1, rule = -1, crc;

		crc = pws_check(P, &allowed, &rule, actor, a, ws, NULL);
		if (rc == PWS_OK && crc == PWS_OK)
			PROMISE(!!allowed == !!(mask >> a & 1),
			        "pws_check(%s, %s, %s) says %d, pws_allowed_actions bit %d", actor,
			        pws_action_name(a), ws, allowed, (int)(mask >> a & 1));
		if (rc == PWS_OK)
			PROMISE(crc == PWS_OK, "pws_allowed_actions(%s, %s) OK but pws_check %s -> %d",
			        actor, ws, pws_action_name(a), crc);
		if (erc == PWS_OK) {
			crc = pws_check(P, &allowed, &rule, actor, a, NULL, el);
			if (crc == PWS_OK)
				PROMISE(!!allowed == !!(emask >> a & 1),
				        "pws_check(%s, %s, element %s) says %d, pws_allowed_actions bit %d",
				        actor, pws_action_name(a), el, allowed, (int)(emask >> a & 1));
		}
	}
	if (rc == PWS_OK) {
		int lrc = pws_list_members(&it, P, actor, ws);

		PROMISE((lrc == PWS_OK) == !!(mask >> PWS_ACT_VIEW_MEMBERS & 1),
		        "pws_list_members(%s, %s) -> %d, view_members bit %d", actor, ws, lrc,
		        (int)(mask >> PWS_ACT_VIEW_MEMBERS & 1));
		pws_iter_free(it);
	}
	it = NULL;
	if (pws_list_elements(&it, P, actor, ws) == PWS_OK) {
		while (pws_iter_next(it) == PWS_OK) {
			const char *e = pws_iter_str(it, PWS_COL_ID);
			uint64_t m = 0;

			if (pws_allowed_actions(P, &m, actor, ws, e) == PWS_OK)
				PROMISE((int64_t)m == pws_iter_int(it, PWS_COL_ACTIONS),
				        "pws_list_elements(%s, %s) row %s: actions %" PRId64
				        ", allowed_actions %" PRIu64, actor, ws, e,
				        pws_iter_int(it, PWS_COL_ACTIONS), m);
		}
		pws_iter_free(it);
	}
}

/* --- one run ---------------------------------------------------------------- */

enum { M_DO, M_ASK, M_STORE_FAIL, M_ALLOC_FAIL };

/* FZ_STATS=1: at exit, how often each call was made and allowed */
static unsigned long stat_calls[64][2];

static void print_stats(void)
{
	size_t c;

	fprintf(stderr, "partners of multi-partner workspaces checked: %lu; events about "
	        "multi-partner workspaces checked: %lu\n", stat_partners, stat_events_multi);
	for (c = 0; c < NCALLS; c++)
		fprintf(stderr, "%-26s %8lu made %8lu OK\n", CALLS[c].name,
		        stat_calls[c][0] + stat_calls[c][1], stat_calls[c][1]);
}

static char *export_state(size_t *len)
{
	char *json = NULL;
	int rc = pws_snapshot_export(P, &json, len);

	FZ_ASSERT(rc == PWS_OK, "pws_snapshot_export -> %d", rc);
	return json;
}

static void step(fz_in *in)
{
	char *snap0;
	size_t snap0_len = 0;
	size_t c = fz_pick(in, (unsigned)NCALLS);
	unsigned mb = fz_u8(in), fail = 1 + fz_u8(in) % 48;
	int mode = (int)(mb % 4), rc, rc2, allowed = -1, crule = 0, crc = -1;
	pws_result r = PWS_RESULT_INIT, r2 = PWS_RESULT_INIT;
	uint64_t d0, h0;
	args a;

	draw(in, &a);
	if (CALLS[c].fn == c_invite_accept && mode == M_ASK)
		mode = M_DO; /* two calls: asked, the second would answer on no invite */
	compound_changed = 0;
	snap0 = export_state(&snap0_len);
	d0 = fz_digest(P);
	h0 = mem_store_hash(&ST);
	if (mode == M_ASK && CALLS[c].action)
		crc = pws_check(P, &allowed, &crule, a.actor, CALLS[c].action,
		                CALLS[c].on_el ? NULL : a.ws, CALLS[c].on_el ? a.el : NULL);
	nev = 0;
	if (mode == M_ASK)
		r.request = PWS_REQUEST_ASK;
	else if (mode == M_STORE_FAIL)
		mem_store_arm(&ST, fail % 6 + 1);
	else if (mode == M_ALLOC_FAIL)
		fz_alloc_arm(fail);
	rc = CALLS[c].fn(&a, &r);
	mem_store_arm(&ST, 0);
	fz_alloc_arm(0);
	note_call(CALLS[c].name, &a, mode, rc, &r);
	stat_calls[c][rc == PWS_OK]++;
	PROMISE(rc == r.code || CALLS[c].fn == c_compact, "%s returned %d, result code %d",
	        CALLS[c].name, rc, r.code);
	PROMISE(!ST.open, "%s -> %d left a change set open", CALLS[c].name, rc);
	if ((rc != PWS_OK || mode == M_ASK) && !compound_changed) {
		PROMISE(fz_digest(P) == d0, "%s -> %d (mode %d) changed the digest [%s]",
		        CALLS[c].name, rc, mode, r.message);
		PROMISE(mem_store_hash(&ST) == h0, "%s -> %d (mode %d) changed the store",
		        CALLS[c].name, rc, mode);
		PROMISE(nev == 0, "%s -> %d (mode %d) emitted %zu events", CALLS[c].name, rc, mode,
		        nev);
		/* the whole state, not only its digest: the snapshot is the same text */
		{
			size_t n1 = 0;
			char *snap1 = export_state(&n1);

			PROMISE(n1 == snap0_len && memcmp(snap0, snap1, n1) == 0,
			        "%s -> %d (mode %d) changed the snapshot (the digest did not)",
			        CALLS[c].name, rc, mode);
			pws_snapshot_release(snap1);
		}
	}
	pws_snapshot_release(snap0);
	if (rc != PWS_OK && mode != M_DO && mode != M_ASK)
		PROMISE(rc == PWS_ESTORAGE || rc == PWS_ENOMEM || rc == PWS_EDENIED ||
		        rc == PWS_EINVALID || rc == PWS_ENOTFOUND || rc == PWS_EEXISTS ||
		        rc == PWS_ESTATE, "%s with a failure injected -> %d", CALLS[c].name, rc);
	if (mode == M_ASK && CALLS[c].fn != c_compact) {
		if (rc == PWS_OK)
			PROMISE(r.flags & PWS_RESULT_ASKED, "asked %s: OK without PWS_RESULT_ASKED",
			        CALLS[c].name);
		if (crc == PWS_OK && allowed)
			PROMISE(rc != PWS_EDENIED, "%s allowed by pws_check but asking %s: denied %s [%s]",
			        pws_action_name(CALLS[c].action), CALLS[c].name, pws_rule_id(r.rule),
			        r.message);
		if (crc == PWS_OK && !allowed)
			PROMISE(rc != PWS_OK && (rc != PWS_EDENIED || r.rule == crule),
			        "%s denied by pws_check (%s) but asking %s -> %d %s [%s]",
			        pws_action_name(CALLS[c].action), pws_rule_id(crule), CALLS[c].name, rc,
			        pws_rule_id(r.rule), r.message);
		/* now made: the same answer */
		d0 = fz_digest(P);
		h0 = mem_store_hash(&ST);
		nev = 0;
		rc2 = CALLS[c].fn(&a, &r2);
		note_call(CALLS[c].name, &a, M_DO, rc2, &r2);
		PROMISE(rc2 == rc && r2.rule == r.rule &&
		        (r.flags & ~(uint32_t)PWS_RESULT_ASKED) == r2.flags,
		        "%s: asked -> %d %s flags %x [%s], made -> %d %s flags %x [%s]", CALLS[c].name,
		        rc, pws_rule_id(r.rule), r.flags, r.message, rc2, pws_rule_id(r2.rule),
		        r2.flags, r2.message);
		if (rc2 != PWS_OK)
			PROMISE(fz_digest(P) == d0 && mem_store_hash(&ST) == h0 && nev == 0,
			        "%s -> %d changed something", CALLS[c].name, rc2);
		rc = rc2;
	}
	if (rc == PWS_OK)
		check_events(CALLS[c].name);
	check_isolation_all();
	check_agreement(a.actor, a.ws, a.el);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = {data, size};
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *q = NULL;
	int steps = 0, rc;
	static int stats_on;

	if (size > 4096)
		return 0;
	if (!stats_on) {
		stats_on = getenv("FZ_STATS") ? 1 : -1;
		if (stats_on > 0)
			atexit(print_stats);
	}
	memset(&ST, 0, sizeof ST);
	ops = fz_store_ops(&ST);
	o.storage = &ops;
	o.allocator = &fz_allocator;
	o.on_event = on_event;
	trail_len = 0;
	trail[0] = '\0';
	now = FZ_NOW;
	FZ_ASSERT(pws_policy_new(&P, &o) == PWS_OK, "pws_policy_new");
	rc = (int)fz_u8(&in);
	fz_world(P, (unsigned)rc);
	/* most runs start with partner workspaces in multi-partner mode, so
	 * that isolation is at stake from the first call */
	if (rc % 4 != 3)
		FZ_OK(pws_workspace_enable_multi_partner(P, "pm", "pw", &r_));
	if (rc % 3 == 0)
		FZ_OK(pws_workspace_enable_multi_partner(P, "ad", "lw", &r_));
	if (rc % 5 == 0)
		FZ_OK(pws_workspace_enable_multi_partner(P, "sa", "pw2", &r_));
	nev = 0;
	while (in.n && steps++ < 48)
		step(&in);
	/* the store reloads and the snapshot re-imports to the same digest */
	o.on_event = NULL;
	o.allocator = NULL;
	rc = pws_policy_new(&q, &o);
	PROMISE(rc == PWS_OK, "the store does not reload: %d", rc);
	PROMISE(fz_digest(q) == fz_digest(P), "the store reloads to another digest");
	pws_policy_free(q);
	fz_check_reimport(P);
	pws_policy_free(P);
	P = NULL;
	mem_store_clear(&ST);
	return 0;
}
