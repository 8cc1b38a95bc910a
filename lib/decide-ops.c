/*
 * The policy layer, for operations (decide-ops.h): each function is the
 * one place that decides its rules. Pure functions of the model.
 * SPDX-License-Identifier: MIT
 */
#include "decide-ops.h"
#include "email.h"

static int ok(pws__verdict *v, int rule)
{
	v->rule = rule;
	return PWS_OK;
}

static int no(pws__verdict *v, int rule, const char *why)
{
	v->rule = rule;
	v->why = why;
	return PWS_EDENIED;
}

/* A refusal that is not a policy answer (the state or the arguments). */
static int fail(pws__verdict *v, int code, const char *why)
{
	v->rule = PWS_RULE_NONE;
	v->why = why;
	return code;
}

static int boss(const pws__who *c)
{
	return c->role == PWS_ROLE_ADMIN || c->pm;
}

int pws__decide_action(const pws__who *c, int action, uint32_t el, pws__verdict *v)
{
	int rule;

	if (!pws__decide(c, action, el, &rule))
		return no(v, rule, NULL);
	return ok(v, rule);
}

/* --- members ---------------------------------------------------------------- */

void pws__invitee_of(const pws__model *m, const char *email_key, pws__invitee *iv)
{
	iv->email = pws__atom_find(m, email_key);
	iv->user = pws__user_of_atom(m, iv->email);
	iv->domain = pws__dom_find(m, pws__email_domain(email_key));
	iv->dom_team = iv->domain == PWS__NONE ? PWS__NONE
	                                       : pws__umap_get(&m->team_by_domain, iv->domain);
}

/* IN3: whether the invitee belongs to the Partner Lead's own organization
 * (their team in team-to-team, their email domain in legacy). */
static int lead_org_has(const pws__who *c, const pws__invitee *iv)
{
	const pws__model *m = c->m;

	if (c->model == PWS_MODEL_LEGACY)
		return iv->domain != PWS__NONE && iv->domain == USER(m, c->u)->domain;
	if (iv->user != PWS__NONE)
		return USER(m, iv->user)->team == c->uteam;
	return iv->dom_team != PWS__NONE && iv->dom_team == c->uteam;
}

/* PL4: whether partner x (PWS__NONE: not yet a user) would need a new seat
 * of the owning team, none being free. */
static int no_seat(const pws__who *c, uint32_t x)
{
	const pws__model *m = c->m;

	return !(x != PWS__NONE && pws__holds_seat(m, x, c->wteam)) &&
	       pws__seats_used(m, c->wteam) >= TEAM(m, c->wteam)->seats;
}

int pws__decide_may_invite(const pws__who *c, int kind, pws__verdict *v)
{
	int rule;

	if (!pws__decide(c, kind == PWS_INVITE_MEMBER ? PWS_ACT_INVITE_MEMBER : PWS_ACT_INVITE_PARTNER,
	                 PWS__NONE, &rule))
		return no(v, rule, NULL);
	return ok(v, rule);
}

int pws__decide_invite(const pws__who *c, const pws__invitee *iv, int kind, int role, int lead,
                       pws__verdict *v)
{
	const pws__model *m = c->m;

	v->role = role;
	if (pws__decide_may_invite(c, kind, v))
		return PWS_EDENIED;
	if (kind == PWS_INVITE_MEMBER) {
		/* IN2/IN7 (rev12): a team-member invite names a user of the
		 * owning team */
		if (iv->user == PWS__NONE || USER(m, iv->user)->team != c->wteam)
			return no(v, PWS_RULE_IN2, "a team-member invite needs a user of the owning team");
		if (lead)
			return no(v, PWS_RULE_RO3, "only partners can be Partner Leads");
		v->rule = PWS_RULE_IN2;
	} else {
		if ((iv->user != PWS__NONE && USER(m, iv->user)->team == c->wteam) ||
		    (iv->dom_team != PWS__NONE && iv->dom_team == c->wteam))
			return no(v, PWS_RULE_IN4, "the address belongs to the publisher team");
		if (role == PWS_ROLE_ADMIN)
			return no(v, PWS_RULE_RO1, NULL);
		if (role == PWS_ROLE_EDITOR && c->mode == PWS_MODE_MULTI)
			return no(v, PWS_RULE_RO2, NULL);
		if (!boss(c)) {
			/* a Partner Lead: own organization only, never the flag */
			if (lead)
				return no(v, PWS_RULE_RO3, "a Partner Lead cannot grant the Partner Lead flag");
			if (!lead_org_has(c, iv))
				return no(v, PWS_RULE_IN3, "the invitee is not of the Partner Lead's organization");
		}
		v->rule = PWS_RULE_IN1;
		if (role == PWS_ROLE_EDITOR && no_seat(c, iv->user)) {
			v->role = PWS_ROLE_VIEWER;
			v->flags |= PWS_RESULT_DOWNGRADED;
			v->rule = PWS_RULE_PL4;
			v->why = "no Partner Editor seat is free: invited as Viewer instead of Editor";
		}
	}
	if (iv->user != PWS__NONE && pws__member_eff(m, c->w, iv->user) != PWS__NONE)
		return fail(v, PWS_EEXISTS, "the invitee is already a member");
	return PWS_OK;
}

int pws__decide_accept(const pws__model *m, uint32_t u, uint32_t i, uint32_t t,
                       pws__verdict *v)
{
	const pws__invite *in = INVITE(m, i);
	const pws__ws *W = WS(m, in->ws);
	const pws__user *U = USER(m, u);
	int partner = U->team != W->team;
	uint32_t mi;

	v->role = in->role;
	if (W->lc != PWS_LC_ACTIVE)
		return no(v, PWS_RULE_LC1, NULL);
	if (in->kind == PWS_INVITE_PARTNER && !partner)
		return no(v, PWS_RULE_IN4, "a member of the publisher team cannot accept a partner invite");
	if (in->kind == PWS_INVITE_MEMBER && partner)
		return no(v, PWS_RULE_IN2, "a team-member invite is accepted only by a user of the owning team");
	if (!partner) {
		v->org = PWS__GRP_TEAM;
		v->rule = PWS_RULE_IN2;
	} else if (W->model == PWS_MODEL_TEAM_TO_TEAM) {
		if (U->team == PWS__NONE)
			return no(v, PWS_RULE_IN6, "a partner without a team cannot accept a team-to-team invite");
		if (t != PWS__NONE && t != U->team)
			return no(v, PWS_RULE_WS3, "a partner accepts on behalf of their own team");
		v->org = U->team;
		v->rule = PWS_RULE_IN6;
	} else {
		v->org = U->domain;
		v->rule = PWS_RULE_IN1;
	}
	mi = pws__member_rec(m, in->ws, u);
	if (mi != PWS__NONE && pws__member_effective(m, in->ws, u))
		return fail(v, PWS_EEXISTS, "already a member");
	if (partner && in->role == PWS_ROLE_EDITOR && !pws__holds_seat(m, u, W->team) &&
	    pws__seats_used(m, W->team) >= TEAM(m, W->team)->seats) {
		v->role = PWS_ROLE_VIEWER; /* PL4: no seat left since the invite */
		v->flags |= PWS_RESULT_DOWNGRADED;
		v->rule = PWS_RULE_PL4;
		v->why = "no Partner Editor seat is free any more: joined as Viewer instead of Editor";
	}
	return PWS_OK;
}

int pws__decide_withdraw(const pws__who *c, uint32_t i, pws__verdict *v)
{
	const pws__model *m = c->m;
	const pws__invite *in = INVITE(m, i);
	pws__invitee iv;

	if (c->lc != PWS_LC_ACTIVE)
		return no(v, PWS_RULE_LC1, NULL);
	if (boss(c))
		return ok(v, PWS_RULE_IN7);
	/* c->lead: an effective partner membership (RO3) of this partner
	 * workspace */
	if (c->lead && in->kind == PWS_INVITE_PARTNER) {
		pws__invitee_of(m, pws__atom(m, in->email), &iv);
		if (lead_org_has(c, &iv))
			return ok(v, PWS_RULE_IN7);
		return no(v, PWS_RULE_IN7, "a Partner Lead withdraws only invites to their own organization");
	}
	return no(v, PWS_RULE_IN7, NULL);
}

/* RO4/RO5: may c manage member x at all? */
static int may_manage(const pws__who *c, uint32_t x, uint32_t rec, pws__verdict *v)
{
	const pws__model *m = c->m;
	int rule;

	if (!pws__decide(c, PWS_ACT_MANAGE_MEMBERS, PWS__NONE, &rule))
		return no(v, rule, NULL);
	/* a membership in member_of is alive (pws__member_unlink takes it out) */
	if (rec == PWS__NONE)
		return fail(v, PWS_ENOTFOUND, "the user is not a member of the workspace");
	if (!boss(c)) {
		/* a Partner Lead: counting partners of their own organization */
		if (!pws__member_effective(m, c->w, x) || !pws__is_partner(m, c->w, x) ||
		    pws__morg(m, c->w, x) != pws__morg(m, c->w, c->u))
			return no(v, PWS_RULE_RO4, "a Partner Lead manages only partners of their own organization");
	}
	return PWS_OK;
}

int pws__decide_set_role(const pws__who *c, uint32_t x, uint32_t rec, int role,
                         pws__verdict *v)
{
	const pws__model *m = c->m;
	uint32_t xrole;
	int rc, partner;

	if (x == c->u)
		return no(v, PWS_RULE_RO5, NULL);
	rc = may_manage(c, x, rec, v);
	if (rc)
		return rc;
	xrole = pws__mrole(m, c->w, x);
	partner = pws__morg(m, c->w, x) != PWS__GRP_TEAM;
	/* a Partner Lead manages partners only (may_manage): RO1 is their
	 * answer to admin too */
	if (partner && role == PWS_ROLE_ADMIN)
		return no(v, PWS_RULE_RO1, NULL);
	if (partner && role == PWS_ROLE_EDITOR && c->multi)
		return no(v, PWS_RULE_RO2, NULL);
	if (!partner && xrole == PWS_ROLE_ADMIN && role != PWS_ROLE_ADMIN &&
	    pws__group_admins(m, c->w, x) <= 1)
		return no(v, PWS_RULE_RO6, "this is the last Admin from the owning team");
	if (partner && role == PWS_ROLE_EDITOR && xrole != PWS_ROLE_EDITOR && no_seat(c, x))
		return no(v, PWS_RULE_PL4, "no Partner Editor seat is free");
	v->role = role;
	return ok(v, PWS_RULE_RO4);
}

int pws__decide_set_lead(const pws__who *c, uint32_t x, uint32_t rec, int lead,
                         pws__verdict *v)
{
	const pws__model *m = c->m;
	int rule;

	(void)lead;
	if (x == c->u)
		return no(v, PWS_RULE_RO5, NULL);
	if (!pws__decide(c, PWS_ACT_SET_PARTNER_LEAD, PWS__NONE, &rule))
		return no(v, rule, NULL);
	/* a membership in member_of is alive (pws__member_unlink takes it out) */
	if (rec == PWS__NONE)
		return fail(v, PWS_ENOTFOUND, "the user is not a member of the workspace");
	if (pws__morg(m, c->w, x) == PWS__GRP_TEAM)
		return no(v, PWS_RULE_RO3, "only partners can be Partner Leads");
	return ok(v, PWS_RULE_RO3);
}

int pws__decide_remove(const pws__who *c, uint32_t x, uint32_t rec, pws__verdict *v)
{
	const pws__model *m = c->m;
	int rc = may_manage(c, x, rec, v);

	if (rc)
		return rc;
	if (pws__morg(m, c->w, x) == PWS__GRP_TEAM && pws__mrole(m, c->w, x) == PWS_ROLE_ADMIN &&
	    pws__group_admins(m, c->w, x) <= 1)
		return no(v, PWS_RULE_RO6, "this is the last Admin from the owning team");
	return ok(v, PWS_RULE_RO4);
}

int pws__decide_partner_end(const pws__model *m, uint32_t a, uint32_t t, uint32_t x,
                            pws__verdict *v)
{
	const pws__user *X = USER(m, x);
	uint32_t i;

	if (!pws__is_pm(m, a, t) &&
	    !(USER(m, a)->team == t && USER(m, a)->team_role == PWS_TEAM_SUPER_ADMIN))
		return no(v, PWS_RULE_RM2, "only the team's Partner Managers and super admins end a partner relation");
	/* a membership of a team-t workspace held by a user not on t is a
	 * partner one, so of a partner workspace (S9) */
	if (X->team != t)
		for (i = 0; i < X->members.n; i++)
			if (WS(m, X->members.v[i])->team == t)
				return ok(v, PWS_RULE_RM2);
	return fail(v, PWS_ENOTFOUND, "the user is not a partner of the team");
}

/* --- elements ----------------------------------------------------------------- */

int pws__decide_move_to(const pws__who *c, uint32_t el, uint32_t t, pws__verdict *v)
{
	pws__who ct;
	int rule;

	if (!pws__decide(c, PWS_ACT_MOVE, el, &rule))
		return no(v, rule, NULL);
	if (t == c->w)
		return fail(v, PWS_EINVALID, "the element is already in the target workspace");
	pws__who_init(&ct, c->m, c->u, t);
	/* MV1: only into another workspace the mover reaches */
	if (ct.lc != PWS_LC_ACTIVE || !pws__decide(&ct, PWS_ACT_VIEW, PWS__NONE, &rule))
		return no(v, PWS_RULE_MV1, "the mover does not reach the target workspace");
	/* ED1 (rev12): a partner of a multi-partner workspace moves nothing
	 * into it either */
	if (ct.mi != PWS__NONE && ct.partner && ct.multi)
		return no(v, PWS_RULE_ED1, "partners of a multi-partner workspace cannot move elements into it");
	return ok(v, PWS_RULE_MV1);
}

int pws__decide_fork_to(const pws__who *c, uint32_t el, uint32_t t, pws__verdict *v)
{
	pws__who ct;
	int rule;

	if (!pws__decide(c, PWS_ACT_FORK, el, &rule))
		return no(v, rule, NULL);
	pws__who_init(&ct, c->m, c->u, t);
	if (ct.mi == PWS__NONE || ct.role < PWS_ROLE_EDITOR || ct.lc != PWS_LC_ACTIVE)
		return no(v, PWS_RULE_FK1, "the target must be a workspace where the forker is Editor or Admin");
	if (c->partner && ct.wteam != c->uteam)
		return no(v, PWS_RULE_FK1, "a partner forks only into their own team");
	return ok(v, PWS_RULE_FK1);
}

int pws__decide_add_editor(const pws__who *c, uint32_t el, uint32_t x, pws__verdict *v)
{
	int rule;

	if (!pws__decide(c, PWS_ACT_EDIT, el, &rule))
		return no(v, rule, NULL);
	if (c->role != PWS_ROLE_ADMIN)
		return no(v, PWS_RULE_MV1, "only the workspace's Admin names an element's Editors");
	if (pws__member_eff(c->m, c->w, x) == PWS__NONE)
		return fail(v, PWS_ENOTFOUND, "the user is not a member of the workspace");
	return ok(v, rule);
}

int pws__decide_restore(const pws__who *c, uint32_t el, int64_t now, pws__verdict *v)
{
	const pws__model *m = c->m;
	const pws__element *E = ELEM(m, el);
	int rule, plan;

	if (E->state != PWS__EL_TRASH)
		return fail(v, PWS_ESTATE, "the element is not in the trash");
	/* the same permission as its deletion (RM1) */
	if (!pws__decide_live(c, PWS_ACT_DELETE_ELEMENT, el, &rule))
		return no(v, rule, NULL);
	plan = TEAM(m, c->wteam)->plan;
	if (now < E->deleted_at ||
	    (uint64_t)(now - E->deleted_at) > (uint64_t)m->retention_days[plan] * 86400u)
		return no(v, PWS_RULE_PL3, "the retention period is over");
	return ok(v, PWS_RULE_PL3);
}

int pws__decide_visit(const pws__who *c, pws__verdict *v)
{
	int rule;

	if (!pws__decide(c, PWS_ACT_VIEW, PWS__NONE, &rule))
		return no(v, rule, NULL);
	if (c->mi == PWS__NONE)
		return no(v, c->pws ? PWS_RULE_WS1 : PWS_RULE_WS2, "only members have unread updates");
	return ok(v, PWS_RULE_VI6);
}

int pws__decide_history(const pws__who *c, pws__verdict *v)
{
	int rule;

	/* history is a member's own activity (AC1): whatever refuses the
	 * sending of a request, but the lifecycle, says AC1 */
	if (!pws__decide(c, PWS_ACT_SEND_REQUEST, PWS__NONE, &rule))
		return no(v, rule == PWS_RULE_LC1 ? PWS_RULE_LC1 : PWS_RULE_AC1, NULL);
	return ok(v, PWS_RULE_VI4);
}

/* --- workspaces ----------------------------------------------------------------- */

/* CR8: on enterprise with no effective Partner Manager, Admins become ones. */
static int cr8_applies(const pws__model *m, uint32_t team)
{
	const pws__team *t = TEAM(m, team);
	uint32_t i;

	if (t->plan != PWS_PLAN_ENTERPRISE)
		return 0;
	for (i = 0; i < t->users.n; i++)
		if (pws__is_pm(m, t->users.v[i], team))
			return 0;
	return 1;
}

/* CR1/CR7/CR8: whether the actor's partner workspace is created at once. */
static void direct_partner(const pws__model *m, uint32_t u, uint32_t team, pws__verdict *v)
{
	const pws__user *U = USER(m, u);

	v->cr8 = cr8_applies(m, team);
	v->rule = PWS_RULE_CR1;
	if (U->team_role == PWS_TEAM_SUPER_ADMIN || pws__is_pm(m, u, team) ||
	    (v->cr8 && U->team_role == PWS_TEAM_ADMIN)) {
		v->direct = 1;
	} else if (TEAM(m, team)->plan == PWS_PLAN_PROFESSIONAL) {
		v->direct = 1;
		v->rule = PWS_RULE_CR7;
	} else {
		v->direct = 0;
		v->flags |= PWS_RESULT_PENDING;
	}
}

int pws__decide_create(const pws__model *m, uint32_t u, int vis, pws__verdict *v)
{
	uint32_t team = USER(m, u)->team;

	v->direct = 1;
	if (team == PWS__NONE)
		return no(v, PWS_RULE_CR6, "a user without a team creates no workspace");
	if (vis != PWS_VIS_PARTNER)
		return ok(v, PWS_RULE_NONE);
	if (TEAM(m, team)->plan < PWS_PLAN_PROFESSIONAL)
		return no(v, PWS_RULE_PL1, NULL);
	direct_partner(m, u, team, v);
	return PWS_OK;
}

int pws__decide_convert(const pws__who *c, pws__verdict *v)
{
	int rule;

	if (c->lc == PWS_LC_ACTIVE && (c->pws || c->request != PWS__REQ_NONE))
		return fail(v, PWS_ESTATE, "already a partner workspace or has a pending request");
	if (!pws__decide(c, PWS_ACT_CONVERT, PWS__NONE, &rule))
		return no(v, rule, NULL);
	direct_partner(c->m, c->u, c->wteam, v);
	v->rule = PWS_RULE_CR2;
	return PWS_OK;
}

int pws__decide_review(const pws__who *c, pws__verdict *v)
{
	int rule;

	if (c->lc != PWS_LC_DELETED && c->request == PWS__REQ_NONE)
		return fail(v, PWS_ESTATE, "the workspace has no pending request");
	if (!pws__decide(c, PWS_ACT_REVIEW_REQUEST, PWS__NONE, &rule))
		return no(v, rule, NULL);
	return ok(v, PWS_RULE_CR3);
}

int pws__decide_set_visibility(const pws__who *c, pws__verdict *v)
{
	int rule;

	if (!pws__decide(c, PWS_ACT_CHANGE_VISIBILITY, PWS__NONE, &rule)) {
		if (rule == PWS_RULE_DL1 && c->pws &&
		    pws__partners_left(c->m, c->w) == c->W->n_pinv && c->W->n_pinv > 0)
			return no(v, rule, "no partner is left but open partner invites still count: withdraw them first (IN7)");
		if (rule == PWS_RULE_DL1 && c->pws && pws__partners_left(c->m, c->w) > 0)
			return no(v, rule, "partners (or open partner invites) are left in the workspace");
		return no(v, rule, NULL);
	}
	return ok(v, rule);
}

int pws__decide_list_partnerships(const pws__model *m, uint32_t a, uint32_t t, pws__verdict *v)
{
	const pws__user *A = USER(m, a);

	if (A->team == t && (pws__is_pm(m, a, t) || A->team_role >= PWS_TEAM_ADMIN))
		return ok(v, PWS_RULE_TT1);
	return no(v, PWS_RULE_TT1, "only the team's Partner Managers and admins see its partnerships");
}

int pws__decide_partner_reach(const pws__model *m, uint32_t a, uint32_t t, pws__verdict *v)
{
	const pws__user *A = USER(m, a);

	if (pws__is_pm(m, a, t) || (A->team == t && A->team_role == PWS_TEAM_SUPER_ADMIN))
		return ok(v, PWS_RULE_VI9);
	return no(v, PWS_RULE_VI9, "only the team's Partner Managers and super admins list a partner's reach");
}

int pws__decide_migrate(const pws__model *m, uint32_t u, uint32_t w, pws__verdict *v)
{
	const pws__ws *W = WS(m, w);

	if (W->lc == PWS_LC_DELETED)
		return no(v, PWS_RULE_LC1, NULL);
	if (W->vis != PWS_VIS_PARTNER || W->model != PWS_MODEL_LEGACY)
		return fail(v, PWS_ESTATE, "not a legacy partner workspace");
	if (u != PWS__NONE && !pws__is_pm(m, u, W->team) &&
	    !(USER(m, u)->team == W->team && USER(m, u)->team_role == PWS_TEAM_SUPER_ADMIN))
		return no(v, PWS_RULE_TT2, "only Partner Managers and super admins migrate");
	return ok(v, PWS_RULE_TT2);
}

int pws__decide_pm_flag(const pws__model *m, uint32_t t, int pm, pws__verdict *v)
{
	if (pm && (t == PWS__NONE || TEAM(m, t)->plan != PWS_PLAN_ENTERPRISE))
		return no(v, PWS_RULE_CR7, "the Partner Manager role exists on enterprise only");
	return ok(v, pm ? PWS_RULE_CR7 : PWS_RULE_NONE);
}

/* --- queries and calls of 0.2 ------------------------------------------------ */

int pws__decide_list_invites(const pws__who *c, pws__verdict *v)
{
	int rule;

	/* who manages members sees the invites (RO4): Workspace Admins,
	 * Partner Managers, Partner Leads (theirs only, pws__sees_invite) */
	if (!pws__decide(c, PWS_ACT_MANAGE_MEMBERS, PWS__NONE, &rule))
		return no(v, rule, "only those who manage members see the open invites");
	return ok(v, PWS_RULE_IN7);
}

int pws__sees_invite(const pws__who *c, uint32_t i)
{
	const pws__invite *in = INVITE(c->m, i);
	pws__invitee iv;

	if (boss(c))
		return 1;
	/* IN3, IN7, VI2: a Partner Lead (allowed by pws__decide_list_invites
	 * and not a boss), partner invites to their own organization only
	 * (never another organization's, in any mode) */
	if (in->kind != PWS_INVITE_PARTNER)
		return 0;
	pws__invitee_of(c->m, pws__atom(c->m, in->email), &iv);
	return lead_org_has(c, &iv);
}

int pws__decide_read_request(const pws__who *c, pws__verdict *v)
{
	if (c->lc == PWS_LC_DELETED)
		return no(v, PWS_RULE_LC1, NULL);
	/* who is neither a reviewer nor the requester is refused whether or
	 * not a request is pending: the answer must not tell them */
	if (!pws__is_pm(c->m, c->u, c->wteam) && !c->super &&
	    (c->request == PWS__REQ_NONE || c->u != c->W->requester))
		return no(v, PWS_RULE_CR3, "only the requester, Partner Managers and super admins read a request");
	if (c->request == PWS__REQ_NONE)
		return fail(v, PWS_ENOTFOUND, "the workspace has no pending request");
	return ok(v, PWS_RULE_CR3);
}

int pws__decide_integration_off(const pws__who *c, pws__verdict *v)
{
	if (c->lc != PWS_LC_ACTIVE)
		return no(v, PWS_RULE_LC1, NULL);
	if (c->mi != PWS__NONE && c->role == PWS_ROLE_ADMIN)
		return ok(v, PWS_RULE_INT1);
	return no(v, PWS_RULE_INT1, "only Workspace Admins turn an integration off");
}
