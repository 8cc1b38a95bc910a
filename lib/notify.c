/*
 * Notices addressed to the members of a workspace, split so that one
 * notice never names partners of two organizations of a multi-partner
 * workspace (EV1).
 *
 * A workspace's member groups are already per organization: the owning
 * team's members, then one group per partner organization (the team a
 * membership was granted through, or the email domain in the legacy
 * model). Every effective membership of a group belongs to that group's
 * organization (WS4: a team-to-team membership counts only while its user
 * is on the team it was granted through), so one notice per group is one
 * notice per organization. Each user has one membership per workspace, so
 * no recipient can occur twice and the lists are built without a
 * duplicate check: building costs what it returns.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"

int pws__ws_multi(const pws__model *m, uint32_t w)
{
	const pws__ws *W = WS(m, w);

	return W->vis == PWS_VIS_PARTNER && W->mode == PWS_MODE_MULTI;
}

/* Which members of a group a notice is for. */
enum { PICK_MEMBERS = 0, PICK_DOWNGRADED = 1 };

/* pws__member_effective() for a member of a group whose key and
 * workspace the caller holds: reads only the user, so the walk over
 * 100,000 members stays one read per member. */
static int effective_in(const pws__ws *W, uint32_t key, const pws__user *U)
{
	if (key == PWS__GRP_TEAM)
		return U->team == W->team;
	if (U->team == W->team)
		return 0; /* WS4 rev12: a partner membership on the owning team */
	if (W->vis == PWS_VIS_PARTNER && W->model == PWS_MODEL_TEAM_TO_TEAM) /* GCOVR_EXCL_BR_LINE: S9: a partner group exists only in a partner workspace (imports refuse others, no call un-partners one) */
		return U->team == key; /* WS4 */
	return 1;
}

typedef struct notice {
	int kind, rule;
	uint32_t channels, team, actor;
	const char *subject;
} notice;

static struct pws_event *notice_new(pws__op *op, const notice *n, uint32_t w)
{
	struct pws_event *e = pws__ev_new(op, n->kind, n->rule, n->channels, n->team, n->actor,
	                                  n->subject);

	if (!e || pws__ev_ws(op, e, w))
		return NULL;
	return e;
}

/* Adds the picked members of group gi to *e, creating it on the first
 * one unless it exists. PICK_DOWNGRADED (RO2): the partners whose Editor
 * role turns into Viewer; suspended memberships are downgraded too but
 * not told, as they reach nothing. */
static int add_group(pws__op *op, const notice *n, uint32_t w, uint32_t gi, int pick,
                     uint32_t except, struct pws_event **e)
{
	const pws__model *m = op->m;
	const pws__ws *W = WS(m, w);
	const pws__group *G = GROUP(m, gi);
	uint32_t k;

	for (k = 0; k < G->list.n; k++) {
		uint32_t x = pws__ge_user(G->list.v[k]);
		const pws__user *U = USER(m, x);

		if (x == except || !effective_in(W, G->key, U) ||
		    (pick == PICK_DOWNGRADED &&
		     (G->key == PWS__GRP_TEAM ||
		      pws__aux_role(pws__ge_aux(G->list.v[k])) != PWS_ROLE_EDITOR)))
			continue;
		if (!*e && !(*e = notice_new(op, n, w)))
			return PWS_ENOMEM;
		if (pws__ev_user_new(op, *e, x))
			return PWS_ENOMEM;
	}
	return PWS_OK;
}

/* One notice (always_one: even with nobody picked) for the whole
 * workspace, or, split, one for the publisher side (always_one: even when
 * empty) and one per partner organization with somebody picked. */
static int notify(pws__op *op, const notice *n, uint32_t w, int pick, uint32_t except,
                  int split, int always_one)
{
	const pws__ws *W = WS(op->m, w);
	struct pws_event *all = NULL, *pub = NULL;
	uint32_t g;

	if (!op->p->on_event || op->p->replaying)
		return PWS_OK; /* nobody listens: no notice, no walk */
	if (always_one && !(all = pub = notice_new(op, n, w)))
		return PWS_ENOMEM;
	for (g = 0; g < W->groups.n; g++) {
		uint32_t gi = W->groups.v[g];
		struct pws_event *org = NULL, **e;

		if (!split)
			e = &all;
		else if (GROUP(op->m, gi)->key == PWS__GRP_TEAM)
			e = &pub;
		else
			e = &org; /* EV1: a notice of its own per organization */
		if (add_group(op, n, w, gi, pick, except, e))
			return PWS_ENOMEM;
	}
	return PWS_OK;
}

int pws__notify_members(pws__op *op, int kind, int rule, uint32_t channels, uint32_t w,
                        uint32_t actor, const char *subject, uint32_t except, int split)
{
	notice n = { kind, rule, channels, WS(op->m, w)->team, actor, subject };

	return notify(op, &n, w, PICK_MEMBERS, except, split || pws__ws_multi(op->m, w), 1);
}

int pws__notify_downgraded(pws__op *op, uint32_t w, uint32_t actor)
{
	notice n = { PWS_EV_ROLES_DOWNGRADED, PWS_RULE_RO2,
	             PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, WS(op->m, w)->team, actor, NULL };

	/* RO2 is what makes the workspace multi-partner: always split */
	return notify(op, &n, w, PICK_DOWNGRADED, PWS__NONE, 1, 0);
}
