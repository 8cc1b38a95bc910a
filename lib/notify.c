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
typedef int (*pick_fn)(const pws__model *m, uint32_t w, uint32_t mi, uint32_t except);

static int pick_member(const pws__model *m, uint32_t w, uint32_t mi, uint32_t except)
{
	(void)w;
	return MEMB(m, mi)->user != except && pws__member_effective(m, mi);
}

/* RO2: the partners whose Editor role turns into Viewer. Suspended
 * memberships are downgraded too but not told: they reach nothing. */
static int pick_downgraded(const pws__model *m, uint32_t w, uint32_t mi, uint32_t except)
{
	const pws__member *x = MEMB(m, mi);

	(void)except;
	return x->role == PWS_ROLE_EDITOR && pws__is_partner(m, w, x->user) &&
	       pws__member_effective(m, mi);
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
 * one unless it exists. */
static int add_group(pws__op *op, const notice *n, uint32_t w, uint32_t gi, pick_fn pick,
                     uint32_t except, struct pws_event **e)
{
	const pws__group *G = GROUP(op->m, gi);
	uint32_t k;

	for (k = 0; k < G->list.n; k++) {
		uint32_t mi = G->list.v[k];

		if (!pick(op->m, w, mi, except))
			continue;
		if (!*e && !(*e = notice_new(op, n, w)))
			return PWS_ENOMEM;
		if (pws__ev_user_new(op, *e, MEMB(op->m, mi)->user))
			return PWS_ENOMEM;
	}
	return PWS_OK;
}

/* One notice (always_one: even with nobody picked) for the whole
 * workspace, or, split, one for the publisher side (always_one: even when
 * empty) and one per partner organization with somebody picked. */
static int notify(pws__op *op, const notice *n, uint32_t w, pick_fn pick, uint32_t except,
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

	return notify(op, &n, w, pick_member, except, split || pws__ws_multi(op->m, w), 1);
}

int pws__notify_downgraded(pws__op *op, uint32_t w, uint32_t actor)
{
	notice n = { PWS_EV_ROLES_DOWNGRADED, PWS_RULE_RO2,
	             PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, WS(op->m, w)->team, actor, NULL };

	/* RO2 is what makes the workspace multi-partner: always split */
	return notify(op, &n, w, pick_downgraded, PWS__NONE, 1, 0);
}
