/*
 * Workspace lifecycle: create (CR1, CR5-CR8, PL1), convert (CR2, CR4),
 * review (CR3, LC1), details (DT1), visibility (DL1), delete (DL2),
 * multi-partner mode (MP1, RO2), migration (TT2, TT3).
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide-ops.h"

#include <string.h>

static int valid_vis(int v)
{
	return v >= PWS_VIS_PERSONAL && v <= PWS_VIS_PUBLIC;
}

static int cr8_prepare(pws__op *op, uint32_t team, uint32_t actor)
{
	const pws__team *t = TEAM(op->m, team);
	struct pws_event *e;
	uint32_t i;

	e = pws__ev_new(op, PWS_EV_PARTNER_MANAGER_ASSIGNED, PWS_RULE_CR8,
	                PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, team, actor, NULL);
	if (!e)
		return PWS_ENOMEM;
	for (i = 0; i < t->users.n; i++)
		if (USER(op->m, t->users.v[i])->team_role == PWS_TEAM_ADMIN &&
		    pws__ev_user(op, e, t->users.v[i]))
			return PWS_ENOMEM;
	return PWS_OK;
}

static void cr8_apply(pws__model *m, uint32_t team)
{
	const pws__team *t = TEAM(m, team);
	uint32_t i;

	for (i = 0; i < t->users.n; i++)
		if (USER(m, t->users.v[i])->team_role == PWS_TEAM_ADMIN) {
			USER(m, t->users.v[i])->pm = 1;
			pws__hot_user(m, t->users.v[i]);
		}
}

static void make_partner(pws__ws *w)
{
	w->integration = 0;               /* INT1 (rev12): off in partner ones */
	w->vis = PWS_VIS_PARTNER;
	w->mode = PWS_MODE_SINGLE;        /* CR5 */
	w->model = PWS_MODEL_TEAM_TO_TEAM;
	w->was_partner = 1;
}

/* INT1 (rev12): converting to partner visibility turns the workspace's
 * integration off; its Workspace Admins are told (no event if none was on). */
static int integration_off_event(pws__op *op, uint32_t w, uint32_t actor)
{
	const pws__ws *W = WS(op->m, w);
	struct pws_event *e;
	uint32_t g, k, x;

	if (!W->integration)
		return PWS_OK;
	e = pws__ev_new(op, PWS_EV_INTEGRATION_DISABLED, PWS_RULE_INT1, PWS_CHANNEL_IN_APP,
	                W->team, actor, NULL);
	if (!e || pws__ev_ws(op, e, w))
		return PWS_ENOMEM;
	PWS__EACH_MEMBER(op->m, W, g, k, x) {
		if (pws__mrole(op->m, w, x) == PWS_ROLE_ADMIN &&
		    GROUP(op->m, W->groups.v[g])->key == PWS__GRP_TEAM &&
		    pws__member_effective(op->m, w, x) && pws__ev_user(op, e, x))
			return PWS_ENOMEM;
	}
	return PWS_OK;
}

static int request_event(pws__op *op, uint32_t team, uint32_t actor, uint32_t w, int cr8)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_REQUEST_CREATED, PWS_RULE_TT3,
	                                  PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, team,
	                                  actor, NULL);

	if (!e || pws__ev_ws(op, e, w) || pws__ev_managers(op, e, team, cr8))
		return PWS_ENOMEM;
	return PWS_OK;
}

/* Undoes the reservations made in a workspace slot that never became live. */
static void discard_slot(pws__op *op, uint32_t w, uint32_t groups_before)
{
	if (w >= op->m->wss.cap)
		return;
	pws__groups_rollback(op->mem, op->m, groups_before);
	WS(op->m, w)->groups.n = 0;
	pws__ids_free(op->mem, &WS(op->m, w)->groups);
}

/* A new workspace's id and name go into the string arena (they cost their
 * bytes: no allocator chunk of 32 bytes or more for a short name), with
 * room reserved for both at once so that copying them cannot fail. */
static int arena_reserve(const pws__mem *mem, pws__model *m, const char *id, const char *name)
{
	return pws__model_strs_reserve(mem, m, strlen(id) + strlen(name) + 2);
}

/* After arena_reserve: neither copy can fail (they fit the current block). */
static void arena_id_name(const pws__mem *mem, pws__model *m, pws__ws *W, const char *id,
                          const char *name)
{
	W->id = pws__model_strdup(mem, m, id, strlen(id));
	W->name = pws__model_strdup(mem, m, name, strlen(name));
	W->name_strs = 1;
}

PWS_EXTERN int pws_workspace_create(pws_policy *p, const char *actor, const char *workspace_id,
                                    const char *name, int visibility, const char *note,
                                    pws_result *res)
{
	pws__op op;
	pws__model *m;
	uint32_t u, team, w;
	uint32_t groups_before;
	char *id = NULL, *nm = NULL, *nt = NULL;
	pws__verdict v = PWS__VERDICT_INIT;
	int cr8, direct, rule, rc = pws__op_begin(&op, p, res);
	pws__ws *W;

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_CREATE, "sssds", actor, workspace_id, name, visibility, note);
	m = op.m;
	rc = pws__need_user(&op, actor, &u);
	if (!rc)
		rc = pws__need_new_id(&op, &m->ws_ids, workspace_id, "workspace");
	if (!rc)
		rc = pws__need_name(&op, name, "name");
	if (!rc && !valid_vis(visibility))
		rc = pws__fail(&op, PWS_EINVALID, 0, "unknown visibility %d", visibility);
	if (!rc && note)
		rc = pws__need_text(&op, note, "note");
	if (rc)
		return pws__op_end(&op, rc);
	if ((rc = pws__answer(&op, pws__decide_create(m, u, visibility, &v), &v)))
		return pws__op_end(&op, rc);
	team = USER(m, u)->team;
	cr8 = v.cr8;
	direct = v.direct;
	rule = v.rule;
	w = m->wss.n;
	groups_before = m->groups.n;
	/* reserve everything, then apply; the new slot is initialized first
	 * so the membership can be reserved in it, but counts only at the end */
	if (pws__vec_reserve(op.mem, &m->wss, sizeof(pws__ws), 1)) {
		rc = PWS_ENOMEM;
		goto fail;
	}
	W = WS(m, w);
	memset(W, 0, sizeof(*W));
	W->team = team;
	W->vis = (uint8_t)visibility;
	W->lc = PWS_LC_ACTIVE;
	W->requester = PWS__NONE;
	W->vis = 0;
	if (pws__smap_reserve(op.mem, &m->ws_ids, 1) || pws__ids_reserve(op.mem, &m->ws_h, 1) ||
	    pws__ids_reserve(op.mem, &TEAM(m, team)->workspaces, 1) ||
	    pws__member_reserve(op.mem, m, w, u, PWS__GRP_TEAM) ||
	    pws__public_reserve(op.mem, m, w, visibility) ||
	    arena_reserve(op.mem, m, workspace_id, name) ||
	    (!direct && note && !(nt = pws__dup(&op, note))) ||
	    (cr8 && cr8_prepare(&op, team, u))) {
		rc = PWS_ENOMEM;
		goto fail;
	}
	arena_id_name(op.mem, m, W, workspace_id, name);
	id = (char *)W->id;
	nm = W->name;
	/* said before the commit point (asked calls too) */
	if (!direct) {
		op.flags |= PWS_RESULT_PENDING;
		pws__fail(&op, PWS_OK, rule, "request created; a Partner Manager must approve it (CR1)");
	}
	/* the notice names the workspace: build it once the slot has an id */
	if ((!direct && request_event(&op, team, u, w, cr8)) || pws__op_persist(&op)) {
		rc = PWS_ENOMEM;
		goto fail;
	}
	if (visibility == PWS_VIS_PARTNER)
		make_partner(W);
	else
		pws__set_vis(m, w, visibility);
	m->wss.n++;
	pws__idh_push(&m->ws_ids, &m->ws_h, id);
	if (cr8)
		cr8_apply(m, team);
	if (!direct) {
		W->lc = PWS_LC_PENDING_APPROVAL;
		W->request = PWS__REQ_CREATE;
		W->requester = u;
		W->note = nt;
	}
	pws__smap_put(&m->ws_ids, id, w);
	pws__hot_ws(m, w);
	pws__ids_push(&TEAM(m, team)->workspaces, w);
	pws__member_link(m, w, u, PWS_ROLE_ADMIN, 0, PWS__GRP_TEAM);
	return pws__op_end(&op, PWS_OK);
fail:
	/* the arena's strings in reverse order (only the last is given back) */
	pws__model_str_free(m, nm);
	pws__model_str_free(m, id);
	pws__free(op.mem, nt);
	discard_slot(&op, w, groups_before);
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_workspace_add_legacy(pws_policy *p, const char *team_id,
                                        const char *workspace_id, const char *name,
                                        const char *admin_user, pws_result *res)
{
	pws__op op;
	pws__model *m;
	uint32_t u, team, w, groups_before;
	const char *id;
	pws__ws *W;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_ADD_LEGACY, "ssss", team_id, workspace_id, name, admin_user);
	m = op.m;
	rc = pws__need_team(&op, team_id, &team);
	if (!rc)
		rc = pws__need_user(&op, admin_user, &u);
	if (!rc)
		rc = pws__need_new_id(&op, &m->ws_ids, workspace_id, "workspace");
	if (!rc)
		rc = pws__need_name(&op, name, "name");
	if (!rc && USER(m, u)->team != team)
		rc = pws__fail(&op, PWS_EINVALID, 0, "'%s' is not on team '%s'", admin_user, team_id);
	if (rc)
		return pws__op_end(&op, rc);
	w = m->wss.n;
	groups_before = m->groups.n;
	if (pws__vec_reserve(op.mem, &m->wss, sizeof(pws__ws), 1))
		return pws__op_end(&op, PWS_ENOMEM);
	W = WS(m, w);
	memset(W, 0, sizeof(*W));
	W->team = team;
	W->lc = PWS_LC_ACTIVE;
	W->requester = PWS__NONE;
	rc = pws__smap_reserve(op.mem, &m->ws_ids, 1) || pws__ids_reserve(op.mem, &m->ws_h, 1) ||
	             pws__ids_reserve(op.mem, &TEAM(m, team)->workspaces, 1) ||
	             pws__member_reserve(op.mem, m, w, u, PWS__GRP_TEAM) ||
	             arena_reserve(op.mem, m, workspace_id, name)
	         ? PWS_ENOMEM
	         : PWS_OK;
	if (!rc) {
		arena_id_name(op.mem, m, W, workspace_id, name);
		if (pws__op_persist(&op))
			rc = PWS_ENOMEM;
	}
	if (rc) {
		/* the arena's strings in reverse order (only the last is given back) */
		pws__model_str_free(m, W->name);
		pws__model_str_free(m, W->id);
		discard_slot(&op, w, groups_before);
		return pws__op_end(&op, PWS_ENOMEM);
	}
	id = W->id;
	m->wss.n++;
	pws__idh_push(&m->ws_ids, &m->ws_h, id);
	make_partner(W);
	W->model = PWS_MODEL_LEGACY;
	pws__smap_put(&m->ws_ids, id, w);
	pws__hot_ws(m, w);
	pws__ids_push(&TEAM(m, team)->workspaces, w);
	pws__member_link(m, w, u, PWS_ROLE_ADMIN, 0, PWS__GRP_TEAM);
	return pws__op_end(&op, PWS_OK);
}

/* Resolves actor and workspace and asks the policy; fills op on denial. */
static int ask(pws__op *op, const char *actor, const char *ws, int action,
               uint32_t *u, uint32_t *w)
{
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	int rc = pws__need_user(op, actor, u);

	if (!rc)
		rc = pws__need_ws(op, ws, w);
	if (rc)
		return rc;
	pws__who_init(&c, op->m, *u, *w);
	if ((rc = pws__answer(op, pws__decide_action(&c, action, PWS__NONE, &v), &v)))
		return rc;
	op->rule = v.rule;
	return PWS_OK;
}

static int converted_event(pws__op *op, uint32_t w, uint32_t actor)
{
	return pws__notify_members(op, PWS_EV_WORKSPACE_CONVERTED, PWS_RULE_CR4,
	                           PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, w, actor, NULL,
	                           PWS__NONE, 0);
}

PWS_EXTERN int pws_workspace_convert(pws_policy *p, const char *actor, const char *workspace_id,
                                     const char *note, pws_result *res)
{
	pws__op op;
	uint32_t u, w, team;
	char *nt = NULL;
	pws__verdict v = PWS__VERDICT_INIT;
	int cr8, direct, rc = pws__op_begin(&op, p, res);
	pws__ws *W;

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_CONVERT, "sss", actor, workspace_id, note);
	if (note && pws__need_text(&op, note, "note"))
		return pws__op_end(&op, PWS_EINVALID);
	rc = pws__ask_ws(&op, actor, workspace_id, pws__decide_convert, &u, &w, &v);
	if (rc)
		return pws__op_end(&op, rc);
	W = WS(op.m, w);
	team = W->team;
	cr8 = v.cr8;
	direct = v.direct;
	if (!direct) /* said before the commit point (asked calls too) */
		pws__fail(&op, PWS_OK, v.rule,
		          "conversion requested; a Partner Manager must approve it (CR2)");
	if ((cr8 && cr8_prepare(&op, team, u)) ||
	    (direct ? converted_event(&op, w, u) || integration_off_event(&op, w, u)
	            : request_event(&op, team, u, w, cr8)) ||
	    (!direct && note && !(nt = pws__dup(&op, note))) || pws__op_persist(&op)) {
		pws__free(op.mem, nt);
		return pws__op_end(&op, PWS_ENOMEM);
	}
	if (cr8)
		cr8_apply(op.m, team);
	if (direct) {
		make_partner(W);
	} else {
		W->request = PWS__REQ_CONVERT;
		W->requester = u;
		pws__free(op.mem, W->note);
		W->note = nt;
	}
	pws__hot_ws(op.m, w);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_request_review(pws_policy *p, const char *actor, const char *workspace_id,
                                  int approve, pws_result *res)
{
	pws__op op;
	uint32_t u, w;
	pws__ws *W;
	struct pws_event *e;
	pws__verdict v = PWS__VERDICT_INIT;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_REQUEST_REVIEW, "ssd", actor, workspace_id, approve);
	rc = pws__ask_ws(&op, actor, workspace_id, pws__decide_review, &u, &w, &v);
	if (rc)
		return pws__op_end(&op, rc);
	W = WS(op.m, w);
	e = pws__ev_new(&op, PWS_EV_REQUEST_REVIEWED, PWS_RULE_CR3,
	                PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, W->team, u,
	                approve ? "approved" : "denied");
	if (!e || pws__ev_ws(&op, e, w) ||
	    (W->requester != PWS__NONE && USER(op.m, W->requester)->alive &&
	     pws__ev_user(&op, e, W->requester)) ||
	    (approve && W->request == PWS__REQ_CONVERT &&
	     (converted_event(&op, w, u) || integration_off_event(&op, w, u))) ||
	    pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	if (W->request == PWS__REQ_CREATE)
		W->lc = approve ? PWS_LC_ACTIVE : PWS_LC_DELETED;
	else if (approve)
		make_partner(W);
	W->request = PWS__REQ_NONE;
	W->requester = PWS__NONE;
	pws__hot_ws(op.m, w);
	pws__free(op.mem, W->note);
	W->note = NULL;
	op.rule = v.rule;
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_workspace_set_details(pws_policy *p, const char *actor,
                                         const char *workspace_id, const char *name,
                                         const char *summary, const char *description,
                                         pws_result *res)
{
	pws__op op;
	uint32_t u, w;
	char *s[3] = { NULL, NULL, NULL };
	const char *in[3] = { name, summary, description };
	char **dst[3];
	pws__ws *W;
	int i, rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_SET_DETAILS, "sssss", actor, workspace_id, name, summary, description);
	for (i = 0; i < 3; i++)
		if (in[i] && (i == 0 ? pws__need_name(&op, in[i], "name")
		                     : pws__need_text(&op, in[i], i == 1 ? "summary" : "description")))
			return pws__op_end(&op, PWS_EINVALID);
	rc = ask(&op, actor, workspace_id, PWS_ACT_EDIT_DETAILS, &u, &w);
	if (rc)
		return pws__op_end(&op, rc);
	for (i = 0; i < 3; i++)
		if (in[i] && !(s[i] = pws__dup(&op, in[i]))) {
			while (i-- > 0)
				pws__free(op.mem, s[i]);
			return pws__op_end(&op, PWS_ENOMEM);
		}
	if (pws__op_persist(&op)) {
		for (i = 0; i < 3; i++)
			pws__free(op.mem, s[i]);
		return pws__op_end(&op, PWS_ESTORAGE);
	}
	W = WS(op.m, w);
	dst[0] = &W->name;
	dst[1] = &W->summary;
	dst[2] = &W->description;
	for (i = 0; i < 3; i++)
		if (in[i]) {
			/* a name in the string arena stays there (its bytes go with
			 * the model); the new one is an allocation of its own */
			if (i || !W->name_strs)
				pws__free(op.mem, *dst[i]);
			*dst[i] = s[i];
		}
	if (in[0])
		W->name_strs = 0;
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_workspace_set_visibility(pws_policy *p, const char *actor,
                                            const char *workspace_id, int visibility,
                                            pws_result *res)
{
	pws__op op;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, w;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_SET_VISIBILITY, "ssd", actor, workspace_id, visibility);
	if (!valid_vis(visibility) || visibility == PWS_VIS_PARTNER)
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0,
		        "visibility %d is not allowed here (use pws_workspace_convert for partner)",
		        visibility));
	rc = pws__ask_ws(&op, actor, workspace_id, pws__decide_set_visibility, &u, &w, &v);
	if (rc)
		return pws__op_end(&op, rc);
	if (pws__public_reserve(op.mem, op.m, w, visibility) || pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	pws__set_vis(op.m, w, visibility);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_workspace_delete(pws_policy *p, const char *actor, const char *workspace_id,
                                    pws_result *res)
{
	pws__op op;
	uint32_t u, w;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_DELETE, "ss", actor, workspace_id);
	rc = ask(&op, actor, workspace_id, PWS_ACT_DELETE_WORKSPACE, &u, &w);
	if (rc)
		return pws__op_end(&op, rc);
	if (pws__notify_members(&op, PWS_EV_WORKSPACE_DELETED, PWS_RULE_DL2,
	                        PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, w, u, NULL, PWS__NONE, 0) ||
	    pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	WS(op.m, w)->lc = PWS_LC_DELETED;
	pws__hot_ws(op.m, w);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_workspace_enable_multi_partner(pws_policy *p, const char *actor,
                                                  const char *workspace_id, pws_result *res)
{
	pws__op op;
	uint32_t u, w, i, g, k, mi;
	pws__ws *W;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_ENABLE_MULTI, "ss", actor, workspace_id);
	rc = ask(&op, actor, workspace_id, PWS_ACT_ENABLE_MULTI, &u, &w);
	if (rc)
		return pws__op_end(&op, rc);
	W = WS(op.m, w);
	/* EV1: the workspace becomes multi-partner, so notices are split */
	if (pws__notify_members(&op, PWS_EV_MULTI_PARTNER_ENABLED, PWS_RULE_MP1,
	                        PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, w, u, NULL, PWS__NONE, 1) ||
	    pws__notify_downgraded(&op, w, u))
		return pws__op_end(&op, PWS_ENOMEM);
	PWS__EACH_MEMBER(op.m, W, g, k, mi) /* RO2, said before the commit point */
		if (GROUP(op.m, W->groups.v[g])->key != PWS__GRP_TEAM &&
		    pws__mrole(op.m, w, mi) == PWS_ROLE_EDITOR)
			op.flags |= PWS_RESULT_DOWNGRADED;
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	W->mode = PWS_MODE_MULTI;
	pws__hot_ws(op.m, w);
	PWS__EACH_MEMBER(op.m, W, g, k, mi) {
		if (GROUP(op.m, W->groups.v[g])->key != PWS__GRP_TEAM &&
		    pws__mrole(op.m, w, mi) == PWS_ROLE_EDITOR) {
			pws__seat_count(op.m, w, mi, -1);
			pws__member_set_at(op.m, W->groups.v[g], k, PWS_ROLE_VIEWER, /* RO2 */
			                   (int)pws__mlead(op.m, w, mi));
		}
	}
	for (i = 0; i < op.m->invites.n; i++) {
		pws__invite *v = INVITE(op.m, i);

		if (v->ws == w && v->kind == PWS_INVITE_PARTNER && /* all open (closed: dropped) */
		    v->role == PWS_ROLE_EDITOR)
			v->role = PWS_ROLE_VIEWER;
	}
	return pws__op_end(&op, PWS_OK);
}

/* TT3: the notices of migrating w: the workspace and its Admins on the
 * team notice `team_notice` (one per team), and one PARTNER_UPGRADED per
 * partner of w. *n receives the number of memberships of w. */
static int migrate_notices(pws__op *op, uint32_t w, uint32_t u, struct pws_event *team_notice,
                           uint32_t *n)
{
	pws__model *m = op->m;
	const pws__ws *W = WS(m, w);
	uint32_t g, k, x;

	if (pws__ev_ws(op, team_notice, w))
		return PWS_ENOMEM;
	*n = 0;
	PWS__EACH_MEMBER(m, W, g, k, x) {
		struct pws_event *pe;

		(*n)++;
		if (!pws__is_partner(m, w, x) && pws__mrole(m, w, x) == PWS_ROLE_ADMIN &&
		    pws__ev_user(op, team_notice, x))
			return PWS_ENOMEM;
		if (!pws__is_partner(m, w, x) || USER(m, x)->team == PWS__NONE)
			continue;
		pe = pws__ev_new(op, PWS_EV_PARTNER_UPGRADED, PWS_RULE_TT3, PWS_CHANNEL_EMAIL,
		                 W->team, u, NULL);
		if (!pe || pws__ev_ws(op, pe, w) || pws__ev_user(op, pe, x))
			return PWS_ENOMEM;
	}
	return PWS_OK;
}

/* Everything migrating w needs, reserved before the commit point: a copy
 * of its n members' user indexes (regrouping moves them between groups) in *mis
 * (freed by the caller, also on failure) and the groups of the home
 * teams, each with room for every member it will receive (TT2). */
static int migrate_prepare(pws__op *op, uint32_t w, uint32_t n, uint32_t **mis)
{
	pws__model *m = op->m;
	const pws__ws *W = WS(m, w);
	uint32_t g, k, mi, i = 0, *per_team;
	int rc = PWS_OK;

	*mis = pws__calloc(op->mem, n ? n : 1, sizeof(**mis));
	/* the members each home team's group receives, counted as they come */
	per_team = pws__calloc(op->mem, m->teams.n, sizeof(*per_team)); /* >= 1: w's team */
	if (!*mis || !per_team)
		rc = PWS_ENOMEM;
	PWS__EACH_MEMBER(m, W, g, k, mi) {
		uint32_t home = USER(m, mi)->team, hg;

		if (rc)
			continue; /* (a nested loop) */
		(*mis)[i++] = mi;
		if (home == W->team || home == PWS__NONE)
			continue;
		hg = pws__group_prepare(op->mem, m, w, home);
		if (hg == PWS__NONE ||
		    pws__ids_reserve(op->mem, &GROUP(m, hg)->list, ++per_team[home]))
			rc = PWS_ENOMEM;
	}
	pws__free(op->mem, per_team);
	if (!rc && pws__umap_reserve(op->mem, &m->seat_of, n))
		rc = PWS_ENOMEM;
	return rc;
}

/* TT2: applies the migration of w (after the commit point; never fails). */
static void migrate_apply(pws__model *m, uint32_t w, const uint32_t *mis, uint32_t n,
                          pws__umap *gp)
{
	pws__ws *W = WS(m, w);
	uint32_t i;

	/* the moves read the group positions from gp (no scan of big groups) */
	pws__member_track(m, gp, w);
	for (i = 0; i < n; i++)
		pws__seat_count(m, w, mis[i], -1);
	W->model = PWS_MODEL_TEAM_TO_TEAM;
	pws__hot_ws(m, w);
	for (i = 0; i < n; i++) {
		uint32_t x = mis[i];
		uint32_t home = USER(m, x)->team;

		if (pws__morg(m, w, x) == PWS__GRP_TEAM)
			continue;
		/* a partner with no team, or one now on the owning team (a
		 * suspended membership, WS4), has no partner team to map to */
		if (home == PWS__NONE || home == W->team)
			pws__member_unlink(m, w, x);
		else /* TT2: mapped to the home team, role kept */
			pws__member_regroup(m, w, x, home);
	}
	for (i = 0; i < n; i++)
		if (pws__member_rec(m, w, mis[i]) != PWS__NONE)
			pws__seat_count(m, w, mis[i], +1);
	m->member_of.gpos = NULL;
}

/* TT3: the team notice of a migration ("your partner workspaces have been
 * migrated"): the team's managers and admins; workspace admins are added
 * per workspace (migrate_notices). */
static struct pws_event *migrated_notice(pws__op *op, uint32_t team, uint32_t u)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_MIGRATED, PWS_RULE_TT3, PWS_CHANNEL_EMAIL,
	                                  team, u, NULL);

	return !e || pws__ev_managers(op, e, team, 0) ? NULL : e;
}

PWS_EXTERN int pws_workspace_migrate(pws_policy *p, const char *actor, const char *workspace_id,
                                     pws_result *res)
{
	pws__op op;
	uint32_t u = PWS__NONE, w, n, *mis = NULL;
	struct pws_event *e;
	pws__umap gp;
	pws__verdict v = PWS__VERDICT_INIT;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_MIGRATE, "ss", actor, workspace_id);
	if (actor)
		rc = pws__need_user(&op, actor, &u);
	if (!rc)
		rc = pws__need_ws(&op, workspace_id, &w);
	if (rc)
		return pws__op_end(&op, rc);
	if ((rc = pws__answer(&op, pws__decide_migrate(op.m, u, w, &v), &v)))
		return pws__op_end(&op, rc);
	/* TT3: one notice for the team's managers, admins and workspace admins;
	 * one per workspace for each partner. */
	e = migrated_notice(&op, WS(op.m, w)->team, u);
	memset(&gp, 0, sizeof(gp));
	if (!e || migrate_notices(&op, w, u, e, &n) || migrate_prepare(&op, w, n, &mis) ||
	    pws__member_track_reserve(op.mem, op.m, &gp, n) || pws__op_persist(&op)) {
		pws__free(op.mem, mis);
		pws__umap_free(op.mem, &gp);
		return pws__op_end(&op, PWS_ENOMEM);
	}
	migrate_apply(op.m, w, mis, n, &gp);
	pws__free(op.mem, mis);
	pws__umap_free(op.mem, &gp);
	op.rule = v.rule;
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_workspace_get(const pws_policy *p, int *visibility, int *mode, int *model,
                                 int *lifecycle, const char *workspace_id)
{
	uint32_t w;
	const pws__ws *W;
	int rc;

	if (!p || !pws__valid_id(workspace_id))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	w = pws__ws_find(&p->m, workspace_id);
	if (w == PWS__NONE) {
		pws__read_end(p);
		return PWS_ENOTFOUND;
	}
	W = WS(&p->m, w);
	if (visibility)
		*visibility = W->vis;
	if (mode)
		*mode = W->vis == PWS_VIS_PARTNER ? W->mode : 0;
	if (model)
		*model = W->vis == PWS_VIS_PARTNER ? W->model : 0;
	if (lifecycle)
		*lifecycle = W->lc;
	pws__read_end(p);
	return PWS_OK;
}

/* --- migrating several workspaces at once (TT2, TT3) -------------------------- */

/* The ids of a multi-workspace migration as one record argument: joined
 * with '\n', which no id can hold (ids have no control characters). */
static char *join_ids(pws__op *op, const char *const *ids, size_t n)
{
	size_t i, len = 1;
	char *s, *d;

	for (i = 0; i < n; i++)
		len += strlen(ids[i]) + 1;
	s = d = pws__malloc(op->mem, len);
	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t k = strlen(ids[i]);

		memcpy(d, ids[i], k);
		d += k;
		if (i + 1 < n)
			*d++ = '\n';
	}
	*d = '\0';
	return s;
}

/* The arguments of pws_workspace_migrate_many: every id well formed,
 * none twice (a workspace is migrated once). */
static int migrate_many_args(pws__op *op, const char *const *ids, size_t n)
{
	size_t i, j;

	if (!ids || n == 0)
		return pws__fail(op, PWS_EINVALID, 0, "no workspace to migrate");
	if (n > UINT32_MAX / 2)
		return pws__fail(op, PWS_EINVALID, 0, "too many workspaces");
	for (i = 0; i < n; i++)
		if (!pws__valid_id(ids[i]))
			return pws__fail(op, PWS_EINVALID, 0,
			                 "workspace id %zu is NULL, empty or malformed", i);
	/* quadratic, but a host migrates a team's handful of workspaces */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(ids[i], ids[j]) == 0)
				return pws__fail(op, PWS_EINVALID, 0, "workspace '%s' is named twice",
				                 ids[i]);
	return PWS_OK;
}

/* The team notice of team t among those built so far (one per team, TT3). */
static struct pws_event *team_notice(pws__op *op, struct pws_event **notices, uint32_t *teams,
                                     size_t *nt, uint32_t t, uint32_t u)
{
	size_t i;

	for (i = 0; i < *nt; i++)
		if (teams[i] == t)
			return notices[i];
	notices[*nt] = migrated_notice(op, t, u);
	teams[*nt] = t;
	return notices[(*nt)++];
}

/* Decides, notifies and reserves every workspace of a multi-workspace
 * migration; all before the commit point. */
static int migrate_many_prepare(pws__op *op, uint32_t u, const char *const *ids, size_t n,
                                uint32_t *ws, uint32_t *cnt, uint32_t **mis, int *rule)
{
	struct pws_event **notices;
	uint32_t *teams;
	size_t i, nt = 0;
	int rc = PWS_OK;

	for (i = 0; i < n && !rc; i++) {
		pws__verdict v = PWS__VERDICT_INIT;

		rc = pws__need_ws(op, ids[i], &ws[i]);
		if (!rc && (rc = pws__answer(op, pws__decide_migrate(op->m, u, ws[i], &v), &v)))
			return rc; /* one refusal refuses all */
		*rule = v.rule;
	}
	if (rc)
		return rc;
	notices = pws__calloc(op->mem, n, sizeof(*notices));
	teams = pws__calloc(op->mem, n, sizeof(*teams));
	if (!notices || !teams)
		rc = PWS_ENOMEM;
	for (i = 0; i < n && !rc; i++) {
		struct pws_event *e = team_notice(op, notices, teams, &nt, WS(op->m, ws[i])->team, u);

		if (!e || migrate_notices(op, ws[i], u, e, &cnt[i]) ||
		    migrate_prepare(op, ws[i], cnt[i], &mis[i]))
			rc = PWS_ENOMEM;
	}
	pws__free(op->mem, notices);
	pws__free(op->mem, teams);
	return rc;
}

PWS_EXTERN int pws_workspace_migrate_many(pws_policy *p, const char *actor,
                                          const char *const *workspace_ids, size_t n,
                                          pws_result *res)
{
	pws__op op;
	uint32_t u = PWS__NONE, *ws = NULL, *cnt = NULL, **mis = NULL, most = 0;
	char *joined = NULL;
	pws__umap gp;
	size_t i;
	int rule = 0, rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	rc = migrate_many_args(&op, workspace_ids, n);
	if (!rc && !(joined = join_ids(&op, workspace_ids, n)))
		rc = PWS_ENOMEM;
	if (rc)
		return pws__op_end(&op, rc);
	/* one record for the whole call: replayed, it migrates all again */
	pws__op_log(&op, PWS__OP_WS_MIGRATE_MANY, "ss", actor, joined);
	pws__free(op.mem, joined);
	if (actor)
		rc = pws__need_user(&op, actor, &u);
	if (rc)
		return pws__op_end(&op, rc);
	ws = pws__calloc(op.mem, n, sizeof(*ws));
	cnt = pws__calloc(op.mem, n, sizeof(*cnt));
	mis = pws__calloc(op.mem, n, sizeof(*mis));
	if (!ws || !cnt || !mis)
		rc = PWS_ENOMEM;
	if (!rc)
		rc = migrate_many_prepare(&op, u, workspace_ids, n, ws, cnt, mis, &rule);
	if (!rc)
		op.rule = rule;
	for (i = 0; !rc && i < n; i++)
		most = cnt[i] > most ? cnt[i] : most;
	memset(&gp, 0, sizeof(gp));
	if (!rc && (pws__member_track_reserve(op.mem, op.m, &gp, most) || pws__op_persist(&op)))
		rc = PWS_ENOMEM;
	if (!rc)
		for (i = 0; i < n; i++)
			migrate_apply(op.m, ws[i], mis[i], cnt[i], &gp);
	pws__umap_free(op.mem, &gp);
	for (i = 0; mis && i < n; i++)
		pws__free(op.mem, mis[i]);
	pws__free(op.mem, mis);
	pws__free(op.mem, cnt);
	pws__free(op.mem, ws);
	return pws__op_end(&op, rc);
}
