/*
 * The policy layer: every allow/deny of POLICY.md, each with its rule id.
 * Pure functions of the model: no allocation, no locks, no I/O.
 * SPDX-License-Identifier: MIT
 */
#include "decide.h"

void pws__who_init(pws__who *c, const pws__model *m, uint32_t u, uint32_t w)
{
	uint64_t hx = pws__member_hx(m, w, u);

	/* the membership slot is the one likely cache miss: start it first so
	 * that reading the user and the workspace overlaps it */
	pws__mtab_prefetch_h(&m->member_of, hx);
	pws__who_init_h(c, m, u, w, hx);
}

/* pws__is_pm for the actor and the workspace's team, from the hot fields
 * (a workspace always has a team, never PWS__NONE: CR6, snapshot S-refs). */
static int who_is_pm(const pws__who *c)
{
	return c->upm && c->uteam == c->wteam &&
	       TEAM(c->m, c->wteam)->plan == PWS_PLAN_ENTERPRISE;
}

/* Everything else from the hot fields and the membership's slot (one
 * cache miss), which is the membership itself (pws__memb). */
static void who_fill(pws__who *c, const pws__model *m, uint32_t u, uint32_t w, uint64_t hx,
                     const pws__ws *W)
{
	const pws__memb *s = pws__mtab_find_h(&m->member_of, w, u, hx);
	uint32_t aux = s ? s->aux : 0;
	int eff;

	c->m = m;
	c->u = u;
	c->w = w;
	c->W = W; /* an address only: not read on the check path */
	c->rec = s ? 0 : PWS__NONE; /* a presence value, not an index */
	c->partner = c->uteam != c->wteam;
	/* WS4: a team membership counts while its user is on the owning team;
	 * a partner membership never counts for a user on the owning team
	 * (rev12), and in team-to-team only while the user is on the team it
	 * was granted through (pws__member_effective, from the slot alone).
	 * A team membership exists only while its user is on the owning team
	 * (leaving the team ends it; snapshot S9), and a partner membership
	 * only in a partner workspace (DL1 waits for the last one; S9): neither
	 * is asked again here. */
	eff = c->rec != PWS__NONE &&
	      (pws__aux_org(aux) == PWS__AUX_ORG_MAX ||
	       (c->partner && (c->model != PWS_MODEL_TEAM_TO_TEAM ||
	                       c->uteam == pws__aux_org(aux))));
	c->mi = eff ? c->rec : PWS__NONE;
	c->role = eff ? (int)pws__aux_role(aux) : 0;
	c->lead = eff ? (int)pws__aux_lead(aux) : 0;
	c->pws = c->vis == PWS_VIS_PARTNER;
	c->pm = c->pws && who_is_pm(c); /* CR7 */
	c->super = !c->partner && c->team_role == PWS_TEAM_SUPER_ADMIN;
	c->multi = c->pws && c->mode == PWS_MODE_MULTI;
}

void pws__who_init_h(pws__who *c, const pws__model *m, uint32_t u, uint32_t w, uint64_t hx)
{
	const pws__user *U = USER(m, u);
	const pws__ws *W = WS(m, w);

	c->uteam = U->team;
	c->team_role = U->team_role;
	c->upm = U->pm;
	c->wteam = W->team;
	c->vis = W->vis;
	c->mode = W->mode;
	c->model = W->model;
	c->lc = W->lc;
	c->request = W->request;
	c->was_partner = W->was_partner;
	who_fill(c, m, u, w, hx, W);
}

void pws__who_init_hot(pws__who *c, const pws__model *m, uint32_t u, uint32_t w, uint64_t hx,
                       uint64_t uhot, uint64_t whot)
{
	/* the layout of pws__uhot_of / pws__whot_of */
	c->uteam = (uint32_t)uhot;
	c->team_role = (int)(uhot >> 32) & 0xff;
	c->upm = (int)(uhot >> 40) & 0xff;
	c->wteam = (uint32_t)whot;
	c->vis = (int)(whot >> 32) & 7;
	c->mode = (int)(whot >> 35) & 3;
	c->model = (int)(whot >> 37) & 3;
	c->lc = (int)(whot >> 39) & 3;
	c->request = (int)(whot >> 41) & 3;
	c->was_partner = (int)(whot >> 43) & 1;
	who_fill(c, m, u, w, hx, WS(m, w));
}

static int allow(int *rule, int r)
{
	*rule = r;
	return 1;
}

static int deny(int *rule, int r)
{
	*rule = r;
	return 0;
}

uint32_t pws__partners_left(const pws__model *m, uint32_t w)
{
	const pws__ws *W = WS(m, w);
	uint32_t g, n = 0;

	/* every group but the owning team's holds partners */
	for (g = 0; g < W->groups.n; g++)
		if (GROUP(m, W->groups.v[g])->key != PWS__GRP_TEAM)
			n += GROUP(m, W->groups.v[g])->list.n;
	n += W->n_pinv;
	return n;
}

uint32_t pws__group_admins(const pws__model *m, uint32_t ws, uint32_t user)
{
	const pws__group *G = GROUP(m, pws__umap_get(&m->group_of,
	                                              pws__pair(ws, pws__morg(m, ws, user))));
	uint32_t k, n = 0;

	/* a decision reads the role in the slot (authoritative) */
	for (k = 0; k < G->list.n; k++)
		if (pws__mrole(m, ws, pws__ge_user(G->list.v[k])) == PWS_ROLE_ADMIN)
			n++;
	return n;
}

static int is_el_editor(const pws__model *m, uint32_t el, uint32_t u)
{
	const pws__element *e = ELEM(m, el);
	uint32_t i;

	for (i = 0; i < e->editors.n; i++)
		if (e->editors.v[i] == u)
			return 1;
	return 0;
}

/* WS2: a non-member reaches a non-partner workspace by its visibility
 * (not a partner: on the workspace's team, which is never PWS__NONE). */
static int visible_by_visibility(const pws__who *c)
{
	if (c->vis == PWS_VIS_PUBLIC)
		return 1;
	return c->vis == PWS_VIS_TEAM && !c->partner;
}

/* The review of a pending request (CR3), allowed even while pending (LC1). */
static int decide_review(const pws__who *c, int *rule)
{
	if (c->request == PWS__REQ_NONE)
		return deny(rule, PWS_RULE_CR3);
	if (who_is_pm(c) || c->super)
		return allow(rule, PWS_RULE_CR3);
	return deny(rule, PWS_RULE_CR3);
}

/* Move and delete of elements (MV1, RM1; ED1 for partners in multi). */
static int decide_move(const pws__who *c, int action, uint32_t el, int reaches, int *rule)
{
	int r = action == PWS_ACT_MOVE ? PWS_RULE_MV1 : PWS_RULE_RM1;

	if (c->mi != PWS__NONE && c->partner && c->multi)
		return deny(rule, PWS_RULE_ED1);
	if (el != PWS__NONE && action == PWS_ACT_MOVE) {
		int k = ELEM(c->m, el)->kind;

		if (k == PWS_EL_MONITOR || k == PWS_EL_MOCK_SERVER)
			return deny(rule, PWS_RULE_MV2);
	}
	if (c->super && reaches)
		return allow(rule, r);
	if (c->mi == PWS__NONE)
		return deny(rule, c->pws ? PWS_RULE_WS1 : PWS_RULE_WS2);
	if (c->role == PWS_ROLE_ADMIN)
		return allow(rule, r);
	if (el != PWS__NONE && is_el_editor(c->m, el, c->u))
		return allow(rule, r);
	return deny(rule, r);
}

/* FK1, the source side: whether this member may fork out. */
static int decide_fork(const pws__who *c, int *rule)
{
	const pws__model *m = c->m;

	if (!c->partner)
		return allow(rule, PWS_RULE_FK1);
	if (c->uteam == PWS__NONE)
		return deny(rule, PWS_RULE_FK1);
	if (TEAM(m, c->uteam)->plan != PWS_PLAN_FREE)
		return allow(rule, PWS_RULE_FK1);
	return c->role >= PWS_ROLE_EDITOR ? allow(rule, PWS_RULE_FK1)
	                                  : deny(rule, PWS_RULE_FK1);
}

/* Settings a Workspace Admin or (in partner workspaces) a Partner Manager
 * controls, member or not (WS1 decision). Called for the actions of
 * is_manage_action() only. */
static int decide_manage(const pws__who *c, int action, int *rule)
{
	int admin = c->role == PWS_ROLE_ADMIN;
	int boss = admin || c->pm;

	/* the default cannot be taken: the callers pass the actions of
	 * is_manage_action() only (and the api layer refuses an unknown one);
	 * it stays, denying, so that no action is ever allowed by mistake */
	switch (action) { /* GCOVR_EXCL_BR_LINE */
	case PWS_ACT_EDIT_DETAILS:
		return boss ? allow(rule, PWS_RULE_DT1) : deny(rule, PWS_RULE_DT1);
	case PWS_ACT_ENABLE_MULTI:
		if (!c->pws || c->multi || !boss)
			return deny(rule, PWS_RULE_MP1);
		return allow(rule, PWS_RULE_MP1);
	case PWS_ACT_CHANGE_VISIBILITY:
		if (!boss)
			return deny(rule, PWS_RULE_DL1);
		if (c->pws && pws__partners_left(c->m, c->w) > 0)
			return deny(rule, PWS_RULE_DL1);
		return allow(rule, PWS_RULE_DL1);
	case PWS_ACT_DELETE_WORKSPACE:
		if (c->pws)
			return deny(rule, PWS_RULE_DL2);
		if (admin || (c->was_partner && who_is_pm(c)))
			return allow(rule, PWS_RULE_DL2);
		return deny(rule, PWS_RULE_DL2);
	case PWS_ACT_INVITE_PARTNER:
		if (!c->pws)
			return deny(rule, PWS_RULE_WS2);
		/* c->lead: an effective partner membership (RO3), so a partner */
		if (boss || c->lead)
			return allow(rule, PWS_RULE_IN1);
		return deny(rule, PWS_RULE_IN1);
	case PWS_ACT_INVITE_MEMBER:
		return boss ? allow(rule, PWS_RULE_IN2) : deny(rule, PWS_RULE_IN2);
	case PWS_ACT_MANAGE_MEMBERS:
		/* c->lead: a partner membership (RO3), of a partner workspace */
		if (boss || c->lead)
			return allow(rule, PWS_RULE_RO4);
		return deny(rule, PWS_RULE_RO4);
	case PWS_ACT_SET_PARTNER_LEAD:
		if (c->pws && boss)
			return allow(rule, PWS_RULE_RO3);
		return deny(rule, PWS_RULE_RO3);
	case PWS_ACT_CONVERT:
		if (c->pws || c->request != PWS__REQ_NONE)
			return deny(rule, PWS_RULE_CR2);
		if (TEAM(c->m, c->wteam)->plan < PWS_PLAN_PROFESSIONAL)
			return deny(rule, PWS_RULE_PL1);
		if (admin || who_is_pm(c))
			return allow(rule, PWS_RULE_CR2);
		return deny(rule, PWS_RULE_CR2);
	default:
		return deny(rule, PWS_RULE_NONE);
	}
}

static int is_manage_action(int action)
{
	switch (action) {
	case PWS_ACT_EDIT_DETAILS: case PWS_ACT_ENABLE_MULTI:
	case PWS_ACT_CHANGE_VISIBILITY: case PWS_ACT_DELETE_WORKSPACE:
	case PWS_ACT_INVITE_PARTNER: case PWS_ACT_INVITE_MEMBER:
	case PWS_ACT_MANAGE_MEMBERS: case PWS_ACT_SET_PARTNER_LEAD:
	case PWS_ACT_CONVERT:
		return 1;
	default:
		return 0;
	}
}

/* Why a non-member is refused: a suspended team-to-team membership says
 * WS4, a partner workspace WS1, any other WS2. */
static int not_member_rule(const pws__who *c)
{
	if (c->rec != PWS__NONE)
		return PWS_RULE_WS4; /* a record that does not count: WS4 */
	return c->pws ? PWS_RULE_WS1 : PWS_RULE_WS2;
}

int pws__decide(const pws__who *c, int action, uint32_t el, int *rule)
{
	/* an element in the trash allows nothing (PL3), once the lifecycle
	 * (LC1) and the review of a request have had their say */
	if (el != PWS__NONE && c->lc == PWS_LC_ACTIVE && action != PWS_ACT_REVIEW_REQUEST &&
	    ELEM(c->m, el)->state != PWS__EL_LIVE)
		return deny(rule, PWS_RULE_PL3);
	return pws__decide_live(c, action, el, rule);
}

int pws__decide_live(const pws__who *c, int action, uint32_t el, int *rule)
{
	int member = c->mi != PWS__NONE;
	int reaches;

	if (c->lc == PWS_LC_DELETED)
		return deny(rule, PWS_RULE_LC1);
	if (action == PWS_ACT_REVIEW_REQUEST)
		return decide_review(c, rule);
	if (c->lc == PWS_LC_PENDING_APPROVAL)
		return deny(rule, PWS_RULE_LC1);
	if (action == PWS_ACT_INTEGRATION && c->pws)
		return deny(rule, PWS_RULE_INT1);

	reaches = member || (c->pws ? c->pm : visible_by_visibility(c));
	if (!member) {
		if (action == PWS_ACT_VIEW || action == PWS_ACT_VIEW_MEMBERS) {
			if (c->pws && c->pm)
				return allow(rule, PWS_RULE_WS1);
			if (!c->pws && reaches)
				return allow(rule, PWS_RULE_WS2);
			return deny(rule, not_member_rule(c));
		}
		/* Partner Managers manage their team's partner workspaces without
		 * a membership (WS1), convert its workspaces (CR2) and delete
		 * former partner ones (DL2). */
		if (is_manage_action(action) &&
		    (c->pm || (who_is_pm(c) &&
		               (action == PWS_ACT_CONVERT ||
		                (c->was_partner && action == PWS_ACT_DELETE_WORKSPACE)))))
			return decide_manage(c, action, rule);
		if ((action == PWS_ACT_MOVE || action == PWS_ACT_DELETE_ELEMENT) && c->super)
			return decide_move(c, action, el, reaches, rule);
		return deny(rule, not_member_rule(c));
	}

	switch (action) {
	case PWS_ACT_VIEW: case PWS_ACT_SEND_REQUEST: case PWS_ACT_RUN:
	case PWS_ACT_GENERATE_CODE: case PWS_ACT_EXPORT:
		return allow(rule, PWS_RULE_AC1);
	case PWS_ACT_VIEW_MEMBERS:
		/* a Partner Manager is on the owning team: not a partner (VI1) */
		if (!c->partner)
			return allow(rule, PWS_RULE_VI1);
		return allow(rule, c->multi ? PWS_RULE_VI2 : PWS_RULE_VI3);
	case PWS_ACT_EDIT: case PWS_ACT_IMPORT:
		if (c->partner && c->multi)
			return deny(rule, PWS_RULE_ED1);
		return c->role >= PWS_ROLE_EDITOR ? allow(rule, PWS_RULE_ED1)
		                                  : deny(rule, PWS_RULE_ED1);
	case PWS_ACT_MOVE: case PWS_ACT_DELETE_ELEMENT:
		return decide_move(c, action, el, reaches, rule);
	case PWS_ACT_FORK:
		return decide_fork(c, rule);
	case PWS_ACT_COMMENT:
		return c->multi ? deny(rule, PWS_RULE_CM1) : allow(rule, PWS_RULE_CM1);
	case PWS_ACT_POST_UPDATE:
		if (c->partner || c->role < PWS_ROLE_EDITOR)
			return deny(rule, PWS_RULE_UP1);
		return allow(rule, PWS_RULE_UP1);
	case PWS_ACT_REPLY:
		return c->multi ? deny(rule, PWS_RULE_UP2) : allow(rule, PWS_RULE_UP2);
	case PWS_ACT_INTEGRATION:
		return c->role == PWS_ROLE_ADMIN ? allow(rule, PWS_RULE_INT1)
		                                 : deny(rule, PWS_RULE_INT1);
	default:
		/* the actions left are those of is_manage_action(): the api
		 * layer refuses any other (PWS_EINVALID), and decide_manage
		 * denies it all the same */
		return decide_manage(c, action, rule);
	}
}

int pws__reaches(const pws__model *m, uint32_t u, uint32_t w)
{
	pws__who c;
	int rule;

	pws__who_init(&c, m, u, w);
	return pws__decide(&c, PWS_ACT_VIEW, PWS__NONE, &rule);
}

/* VI2: same partner organization; x is a member of w (the callers of
 * pws__sees_member and pws__org_sees_member pass effective members only). */
static int same_org(const pws__model *m, uint32_t w, uint32_t org, uint32_t x)
{
	return pws__morg(m, w, x) == org;
}

int pws__sees_member(const pws__model *m, uint32_t u, uint32_t w, uint32_t x, int *rule)
{
	pws__who c;
	uint32_t vi;

	pws__who_init(&c, m, u, w);
	if (!pws__decide(&c, PWS_ACT_VIEW_MEMBERS, PWS__NONE, rule))
		return 0;
	if (!c.partner) /* a Partner Manager is on the owning team (VI1) */
		return allow(rule, PWS_RULE_VI1);
	if (!c.multi)
		return allow(rule, PWS_RULE_VI3);
	if (!pws__is_partner(m, w, x))
		return allow(rule, PWS_RULE_VI2);
	vi = pws__morg(m, w, u);
	return same_org(m, w, vi, x) ? allow(rule, PWS_RULE_VI2) : deny(rule, PWS_RULE_VI2);
}

/* One's own post, every post for the publisher side (a Partner Manager is
 * on it) and in a single-partner workspace, a post of the team in every
 * mode; a partner of a multi-partner workspace sees the posts of their own
 * organization's members only (VI2: never another organization's
 * activity), and not the post of a partner who has left, whose
 * organization is unknown now. */
int pws__sees_author(const pws__who *c, uint32_t author, int *rule)
{
	const pws__model *m = c->m;

	if (author == c->u || !c->partner || !c->multi || !pws__is_partner(m, c->w, author))
		return allow(rule, PWS_RULE_VI5);
	if (pws__member_eff(m, c->w, author) == PWS__NONE)
		return deny(rule, PWS_RULE_VI2);
	return pws__sees_member(m, c->u, c->w, author, rule) ? allow(rule, PWS_RULE_VI5)
	                                                     : deny(rule, PWS_RULE_VI2);
}

int pws__org_sees_member(const pws__model *m, uint32_t org, uint32_t w, uint32_t x,
                         int *rule)
{
	const pws__ws *W = WS(m, w);

	if (W->lc != PWS_LC_ACTIVE)
		return deny(rule, PWS_RULE_LC1);
	if (W->vis != PWS_VIS_PARTNER || W->mode != PWS_MODE_MULTI)
		return allow(rule, PWS_RULE_VI3);
	if (!pws__is_partner(m, w, x))
		return allow(rule, PWS_RULE_VI2);
	return same_org(m, w, org, x) ? allow(rule, PWS_RULE_VI2) : deny(rule, PWS_RULE_VI2);
}

int pws__holds_seat(const pws__model *m, uint32_t user, uint32_t team)
{
	return pws__umap_get(&m->seat_of, pws__pair(team, user)) != PWS__NONE;
}

uint32_t pws__seats_used(const pws__model *m, uint32_t team)
{
	return TEAM(m, team)->seats_used;
}
