/*
 * The policy layer: every allow/deny of POLICY.md, each with its rule id.
 * Pure functions of the model: no allocation, no locks, no I/O.
 * SPDX-License-Identifier: MIT
 */
#include "decide.h"

_Static_assert(PWS_RULE_COUNT <= PWS__DW_RULE_MASK + 1, "a rule fits pws__decide_ws's result");

void pws__who_init(pws__who *c, const pws__model *m, uint32_t u, uint32_t w)
{
	uint64_t hx = pws__member_hx(m, w, u);

	/* the membership slot is the one likely cache miss: start it first so
	 * that reading the user and the workspace overlaps it */
	pws__mtab_prefetch_h(&m->member_of, hx);
	pws__who_init_h(c, m, u, w, hx);
}

/* --- the facts a decision reads ------------------------------------------
 * Every decision below reads (actor, workspace) through the accessors v_*,
 * of one of two sources: a filled pws__who (k == 0), or (k == 1) the two
 * hot words (pws__uhot_of / pws__whot_of), the membership slot's presence
 * and payload and the model, read lazily, where a check by id, by
 * reference or in a batch has them, so that it never stores and reloads a
 * context. The functions are always inline: each source gets its own copy
 * of the one text of the rules, with the accessors of the other folded
 * away (k is a constant). A build without optimization (the coverage
 * build, -O0) keeps them as functions that both sources call, testing k
 * at run time: each rule's branches are counted once there, taken by the
 * two sources together (the accessors' own test of k is no decision and
 * is left out of the branch count). */
typedef struct hotv {
	const pws__model *m;
	uint32_t w;
	uint64_t uhot, whot; /* the layout of pws__uhot_of / pws__whot_of */
	int rec;             /* a membership slot of (u, w) exists */
	int eff;             /* and it counts (WS4, memb_counts) */
	uint32_t aux;        /* its payload when it counts, else 0 */
} hotv;

#define VP int k, const pws__who *c, const hotv *h
#define VA k, c, h
#ifdef __OPTIMIZE__
#define V_INLINE static PWS__ALWAYS_INLINE
#else
#define V_INLINE static
#endif

/* GCOVR_EXCL_BR_START: k selects the source (see above) */

V_INLINE const pws__model *v_m(VP) { return k ? h->m : c->m; }
V_INLINE uint32_t v_w(VP) { return k ? h->w : c->w; }
V_INLINE uint32_t v_u(VP) { (void)h; return k ? PWS__NONE : c->u; } /* elements only */
V_INLINE uint32_t v_uteam(VP) { return k ? (uint32_t)h->uhot : c->uteam; }
V_INLINE uint32_t v_wteam(VP) { return k ? (uint32_t)h->whot : c->wteam; }
V_INLINE int v_team_role(VP) { return k ? (int)(h->uhot >> 32) & 0xff : c->team_role; }
V_INLINE int v_upm(VP) { return k ? (int)(h->uhot >> 40) & 0xff : c->upm; }
V_INLINE int v_vis(VP) { return k ? (int)(h->whot >> 32) & 7 : c->vis; }
V_INLINE int v_mode(VP) { return k ? (int)(h->whot >> 35) & 3 : c->mode; }
V_INLINE int v_lc(VP) { return k ? (int)(h->whot >> 39) & 3 : c->lc; }
V_INLINE int v_request(VP) { return k ? (int)(h->whot >> 41) & 3 : c->request; }
V_INLINE int v_was_partner(VP) { return k ? (int)(h->whot >> 43) & 1 : c->was_partner; }
/* actor not on the owning team */
V_INLINE int v_partner(VP) { return k ? v_uteam(VA) != v_wteam(VA) : c->partner; }
/* an effective membership (c->mi), a membership at all (c->rec) */
V_INLINE int v_member(VP) { return k ? h->eff : c->mi != PWS__NONE; }
V_INLINE int v_rec(VP) { return k ? h->rec : c->rec != PWS__NONE; }
V_INLINE int v_role(VP) { return k ? (int)pws__aux_role(h->aux) : c->role; }
V_INLINE int v_lead(VP) { return k ? (int)pws__aux_lead(h->aux) : c->lead; }
V_INLINE int v_pws(VP) { return k ? v_vis(VA) == PWS_VIS_PARTNER : c->pws; }
V_INLINE int v_multi(VP) { return k ? v_pws(VA) && v_mode(VA) == PWS_MODE_MULTI : c->multi; }
V_INLINE int v_super(VP)
{
	return k ? !v_partner(VA) && v_team_role(VA) == PWS_TEAM_SUPER_ADMIN : c->super;
}
/* GCOVR_EXCL_BR_STOP */

/* pws__is_pm for the actor and the workspace's team, from the hot fields
 * (a workspace always has a team, never PWS__NONE: CR6, snapshot S-refs). */
V_INLINE int who_is_pm(VP)
{
	return v_upm(VA) && v_uteam(VA) == v_wteam(VA) &&
	       TEAM(v_m(VA), v_wteam(VA))->plan == PWS_PLAN_ENTERPRISE;
}
V_INLINE int v_pm(VP) { return k ? v_pws(VA) && who_is_pm(VA) : c->pm; } /* CR7; GCOVR_EXCL_BR_LINE: k */

/* WS4: a team membership counts while its user is on the owning team;
 * a partner membership never counts for a user on the owning team
 * (rev12), and in team-to-team only while the user is on the team it
 * was granted through (pws__member_effective, from the slot alone).
 * A team membership exists only while its user is on the owning team
 * (leaving the team ends it; snapshot S9), and a partner membership
 * only in a partner workspace (DL1 waits for the last one; S9): neither
 * is asked again here. aux: the payload of an existing slot. */
V_INLINE int memb_counts(uint32_t aux, int partner, int model, uint32_t uteam)
{
	return pws__aux_org(aux) == PWS__AUX_ORG_MAX ||
	       (partner && (model != PWS_MODEL_TEAM_TO_TEAM || uteam == pws__aux_org(aux)));
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
	eff = c->rec != PWS__NONE && memb_counts(aux, c->partner, c->model, c->uteam);
	c->mi = eff ? c->rec : PWS__NONE;
	c->role = eff ? (int)pws__aux_role(aux) : 0;
	c->lead = eff ? (int)pws__aux_lead(aux) : 0;
	c->pws = c->vis == PWS_VIS_PARTNER;
	c->pm = c->pws && who_is_pm(0, c, NULL); /* CR7 */
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

static inline int allow(int *rule, int r)
{
	*rule = r;
	return 1;
}

static inline int deny(int *rule, int r)
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
V_INLINE int visible_by_visibility(VP)
{
	if (v_vis(VA) == PWS_VIS_PUBLIC)
		return 1;
	return v_vis(VA) == PWS_VIS_TEAM && !v_partner(VA);
}

/* The review of a pending request (CR3), allowed even while pending (LC1). */
V_INLINE int decide_review(VP, int *rule)
{
	if (v_request(VA) == PWS__REQ_NONE)
		return deny(rule, PWS_RULE_CR3);
	if (who_is_pm(VA) || v_super(VA))
		return allow(rule, PWS_RULE_CR3);
	return deny(rule, PWS_RULE_CR3);
}

/* Move and delete of elements (MV1, RM1; ED1 for partners in multi). */
V_INLINE int decide_move(VP, int action, uint32_t el, int reaches, int *rule)
{
	int r = action == PWS_ACT_MOVE ? PWS_RULE_MV1 : PWS_RULE_RM1;

	if (v_member(VA) && v_partner(VA) && v_multi(VA))
		return deny(rule, PWS_RULE_ED1);
	if (el != PWS__NONE && action == PWS_ACT_MOVE) {
		int kind = ELEM(v_m(VA), el)->kind;

		if (kind == PWS_EL_MONITOR || kind == PWS_EL_MOCK_SERVER)
			return deny(rule, PWS_RULE_MV2);
	}
	if (v_super(VA) && reaches)
		return allow(rule, r);
	if (!v_member(VA))
		return deny(rule, v_pws(VA) ? PWS_RULE_WS1 : PWS_RULE_WS2);
	if (v_role(VA) == PWS_ROLE_ADMIN)
		return allow(rule, r);
	if (el != PWS__NONE && is_el_editor(v_m(VA), el, v_u(VA)))
		return allow(rule, r);
	return deny(rule, r);
}

/* FK1, the source side: whether this member may fork out. */
V_INLINE int decide_fork(VP, int *rule)
{
	const pws__model *m = v_m(VA);

	if (!v_partner(VA))
		return allow(rule, PWS_RULE_FK1);
	if (v_uteam(VA) == PWS__NONE)
		return deny(rule, PWS_RULE_FK1);
	if (TEAM(m, v_uteam(VA))->plan != PWS_PLAN_FREE)
		return allow(rule, PWS_RULE_FK1);
	return v_role(VA) >= PWS_ROLE_EDITOR ? allow(rule, PWS_RULE_FK1)
	                                     : deny(rule, PWS_RULE_FK1);
}

/* Settings a Workspace Admin or (in partner workspaces) a Partner Manager
 * controls, member or not (WS1 decision). Called for the actions of
 * is_manage_action() only. */
V_INLINE int decide_manage(VP, int action, int *rule)
{
	int admin = v_role(VA) == PWS_ROLE_ADMIN;
	int boss = admin || v_pm(VA);

	/* the default cannot be taken: the callers pass the actions of
	 * is_manage_action() only (and the api layer refuses an unknown one);
	 * it stays, denying, so that no action is ever allowed by mistake */
	switch (action) { /* GCOVR_EXCL_BR_LINE */
	case PWS_ACT_EDIT_DETAILS:
		return boss ? allow(rule, PWS_RULE_DT1) : deny(rule, PWS_RULE_DT1);
	case PWS_ACT_ENABLE_MULTI:
		if (!v_pws(VA) || v_multi(VA) || !boss)
			return deny(rule, PWS_RULE_MP1);
		return allow(rule, PWS_RULE_MP1);
	case PWS_ACT_CHANGE_VISIBILITY:
		if (!boss)
			return deny(rule, PWS_RULE_DL1);
		if (v_pws(VA) && pws__partners_left(v_m(VA), v_w(VA)) > 0)
			return deny(rule, PWS_RULE_DL1);
		return allow(rule, PWS_RULE_DL1);
	case PWS_ACT_DELETE_WORKSPACE:
		if (v_pws(VA))
			return deny(rule, PWS_RULE_DL2);
		if (admin || (v_was_partner(VA) && who_is_pm(VA)))
			return allow(rule, PWS_RULE_DL2);
		return deny(rule, PWS_RULE_DL2);
	case PWS_ACT_INVITE_PARTNER:
		if (!v_pws(VA))
			return deny(rule, PWS_RULE_WS2);
		/* v_lead(VA): an effective partner membership (RO3), so a partner */
		if (boss || v_lead(VA))
			return allow(rule, PWS_RULE_IN1);
		return deny(rule, PWS_RULE_IN1);
	case PWS_ACT_INVITE_MEMBER:
		return boss ? allow(rule, PWS_RULE_IN2) : deny(rule, PWS_RULE_IN2);
	case PWS_ACT_MANAGE_MEMBERS:
		/* v_lead(VA): a partner membership (RO3), of a partner workspace */
		if (boss || v_lead(VA))
			return allow(rule, PWS_RULE_RO4);
		return deny(rule, PWS_RULE_RO4);
	case PWS_ACT_SET_PARTNER_LEAD:
		if (v_pws(VA) && boss)
			return allow(rule, PWS_RULE_RO3);
		return deny(rule, PWS_RULE_RO3);
	case PWS_ACT_CONVERT:
		if (v_pws(VA) || v_request(VA) != PWS__REQ_NONE)
			return deny(rule, PWS_RULE_CR2);
		if (TEAM(v_m(VA), v_wteam(VA))->plan < PWS_PLAN_PROFESSIONAL)
			return deny(rule, PWS_RULE_PL1);
		if (admin || who_is_pm(VA))
			return allow(rule, PWS_RULE_CR2);
		return deny(rule, PWS_RULE_CR2);
	default:
		return deny(rule, PWS_RULE_NONE);
	}
}

V_INLINE int is_manage_action(int action)
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
V_INLINE int not_member_rule(VP)
{
	if (v_rec(VA))
		return PWS_RULE_WS4; /* a record that does not count: WS4 */
	return v_pws(VA) ? PWS_RULE_WS1 : PWS_RULE_WS2;
}

V_INLINE int decide_live_v(VP, int action, uint32_t el, int *rule)
{
	int member = v_member(VA);
	int reaches;

	if (v_lc(VA) == PWS_LC_DELETED)
		return deny(rule, PWS_RULE_LC1);
	if (action == PWS_ACT_REVIEW_REQUEST)
		return decide_review(VA, rule);
	if (v_lc(VA) == PWS_LC_PENDING_APPROVAL)
		return deny(rule, PWS_RULE_LC1);
	if (action == PWS_ACT_INTEGRATION && v_pws(VA))
		return deny(rule, PWS_RULE_INT1);

	reaches = member || (v_pws(VA) ? v_pm(VA) : visible_by_visibility(VA));
	if (!member) {
		if (action == PWS_ACT_VIEW || action == PWS_ACT_VIEW_MEMBERS) {
			if (v_pws(VA) && v_pm(VA))
				return allow(rule, PWS_RULE_WS1);
			if (!v_pws(VA) && reaches)
				return allow(rule, PWS_RULE_WS2);
			return deny(rule, not_member_rule(VA));
		}
		/* Partner Managers manage their team's partner workspaces without
		 * a membership (WS1), convert its workspaces (CR2) and delete
		 * former partner ones (DL2). */
		if (is_manage_action(action) &&
		    (v_pm(VA) || (who_is_pm(VA) &&
		                  (action == PWS_ACT_CONVERT ||
		                   (v_was_partner(VA) && action == PWS_ACT_DELETE_WORKSPACE)))))
			return decide_manage(VA, action, rule);
		if ((action == PWS_ACT_MOVE || action == PWS_ACT_DELETE_ELEMENT) && v_super(VA))
			return decide_move(VA, action, el, reaches, rule);
		return deny(rule, not_member_rule(VA));
	}

	switch (action) {
	case PWS_ACT_VIEW: case PWS_ACT_SEND_REQUEST: case PWS_ACT_RUN:
	case PWS_ACT_GENERATE_CODE: case PWS_ACT_EXPORT:
		return allow(rule, PWS_RULE_AC1);
	case PWS_ACT_VIEW_MEMBERS:
		/* a Partner Manager is on the owning team: not a partner (VI1) */
		if (!v_partner(VA))
			return allow(rule, PWS_RULE_VI1);
		return allow(rule, v_multi(VA) ? PWS_RULE_VI2 : PWS_RULE_VI3);
	case PWS_ACT_EDIT: case PWS_ACT_IMPORT:
		if (v_partner(VA) && v_multi(VA))
			return deny(rule, PWS_RULE_ED1);
		return v_role(VA) >= PWS_ROLE_EDITOR ? allow(rule, PWS_RULE_ED1)
		                                     : deny(rule, PWS_RULE_ED1);
	case PWS_ACT_MOVE: case PWS_ACT_DELETE_ELEMENT:
		return decide_move(VA, action, el, reaches, rule);
	case PWS_ACT_FORK:
		return decide_fork(VA, rule);
	case PWS_ACT_COMMENT:
		return v_multi(VA) ? deny(rule, PWS_RULE_CM1) : allow(rule, PWS_RULE_CM1);
	case PWS_ACT_POST_UPDATE:
		if (v_partner(VA) || v_role(VA) < PWS_ROLE_EDITOR)
			return deny(rule, PWS_RULE_UP1);
		return allow(rule, PWS_RULE_UP1);
	case PWS_ACT_REPLY:
		return v_multi(VA) ? deny(rule, PWS_RULE_UP2) : allow(rule, PWS_RULE_UP2);
	case PWS_ACT_INTEGRATION:
		return v_role(VA) == PWS_ROLE_ADMIN ? allow(rule, PWS_RULE_INT1)
		                                    : deny(rule, PWS_RULE_INT1);
	default:
		/* the actions left are those of is_manage_action(): the api
		 * layer refuses any other (PWS_EINVALID), and decide_manage
		 * denies it all the same */
		return decide_manage(VA, action, rule);
	}
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
	return decide_live_v(0, c, NULL, action, el, rule);
}

int pws__decide_ws(const pws__model *m, uint64_t wu, pws__mhome home, uint64_t uhot,
                   uint64_t whot, int action)
{
	uint32_t w = (uint32_t)wu, u = (uint32_t)(wu >> 32);
	const pws__memb *s = pws__mtab_find_at(&m->member_of, w, u, home);
	hotv h;
	int r, a;

	h.m = m;
	h.w = w;
	h.uhot = uhot;
	h.whot = whot;
	h.rec = s != NULL;
	h.eff = s && memb_counts(s->aux, (uint32_t)uhot != (uint32_t)whot,
	                         (int)(whot >> 37) & 3, (uint32_t)uhot);
	h.aux = h.eff ? s->aux : 0;
	/* no element: pws__decide is pws__decide_live */
	a = decide_live_v(1, NULL, &h, action, PWS__NONE, &r);
	return a | r << PWS__DW_RULE_SHIFT | (s ? 0 : PWS__DW_NOREC);
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
