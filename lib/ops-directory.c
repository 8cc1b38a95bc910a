/*
 * The host directory: teams and users. The host is the authority here, so
 * these calls are not actor-checked; they still validate everything and
 * change nothing when they fail.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide-ops.h"
#include "decide.h"
#include "email.h"

#include <string.h>

static int valid_plan(int plan)
{
	return plan >= PWS_PLAN_FREE && plan <= PWS_PLAN_ENTERPRISE;
}

static int valid_team_role(int r)
{
	return r >= PWS_TEAM_MEMBER && r <= PWS_TEAM_SUPER_ADMIN;
}

PWS_EXTERN int pws_team_add(pws_policy *p, const char *team_id, const char *name, int plan,
                            int sso, pws_result *res)
{
	pws__op op;
	pws__model *m;
	char *id = NULL, *nm = NULL;
	pws__team *t;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_TEAM_ADD, "ssdd", team_id, name, plan, sso);
	m = op.m;
	if (!pws__valid_id(team_id))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0, "team id is NULL, empty or malformed"));
	if (pws__need_name(&op, name, "team name"))
		return pws__op_end(&op, PWS_EINVALID);
	if (!valid_plan(plan))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0, "unknown plan %d", plan));
	if (pws__team_find(m, team_id) != PWS__NONE)
		return pws__op_end(&op, pws__fail(&op, PWS_EEXISTS, 0, "team '%s' exists", team_id));
	if (pws__vec_reserve(op.mem, &m->teams, sizeof(pws__team), 1) ||
	    pws__smap_reserve(op.mem, &m->team_ids, 1) ||
	    !(id = pws__strdup(op.mem, team_id)) || !(nm = pws__strdup(op.mem, name)) ||
	    pws__op_persist(&op)) {
		pws__free(op.mem, id);
		pws__free(op.mem, nm);
		return pws__op_end(&op, PWS_ENOMEM);
	}
	t = TEAM(m, m->teams.n);
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->name = nm;
	t->plan = (uint8_t)plan;
	t->sso = sso != 0;
	t->alive = 1;
	t->seats = PWS__DEFAULT_SEATS;
	pws__smap_put(&m->team_ids, id, m->teams.n++);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_team_set_plan(pws_policy *p, const char *team_id, int plan,
                                 pws_result *res)
{
	pws__op op;
	uint32_t t;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_TEAM_SET_PLAN, "sd", team_id, plan);
	rc = pws__need_team(&op, team_id, &t);
	if (!rc && !valid_plan(plan))
		rc = pws__fail(&op, PWS_EINVALID, 0, "unknown plan %d", plan);
	if (!rc)
		rc = pws__op_persist(&op);
	if (!rc)
		TEAM(op.m, t)->plan = (uint8_t)plan;
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_team_set_sso(pws_policy *p, const char *team_id, int sso, pws_result *res)
{
	pws__op op;
	uint32_t t;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_TEAM_SET_SSO, "sd", team_id, sso);
	rc = pws__need_team(&op, team_id, &t);
	if (!rc)
		rc = pws__op_persist(&op);
	if (!rc)
		TEAM(op.m, t)->sso = sso != 0;
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_team_set_editor_seats(pws_policy *p, const char *team_id, uint32_t seats,
                                         pws_result *res)
{
	pws__op op;
	uint32_t t;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_TEAM_SET_SEATS, "su", team_id, seats);
	rc = pws__need_team(&op, team_id, &t);
	if (!rc)
		rc = pws__op_persist(&op);
	if (!rc)
		TEAM(op.m, t)->seats = seats;
	return pws__op_end(&op, rc);
}

static int norm_domain(pws__op *op, const char *domain, char out[PWS__EMAIL_MAX + 1])
{
	const char *why = "invalid"; /* the parser names a reason; this if not */

	if (!domain)
		return pws__fail(op, PWS_EINVALID, PWS_RULE_IN3, "domain is NULL");
	if (pws__domain_norm(out, domain, strlen(domain), &why) != PWS_OK)
		return pws__fail(op, PWS_EINVALID, PWS_RULE_IN3, "malformed domain: %s",
		                 why);
	return PWS_OK;
}

PWS_EXTERN int pws_team_add_domain(pws_policy *p, const char *team_id, const char *domain,
                                   pws_result *res)
{
	pws__op op;
	char d[PWS__EMAIL_MAX + 1];
	uint32_t t, a;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_TEAM_ADD_DOMAIN, "ss", team_id, domain);
	rc = pws__need_team(&op, team_id, &t);
	if (!rc)
		rc = norm_domain(&op, domain, d);
	if (rc)
		return pws__op_end(&op, rc);
	a = pws__atom_find(op.m, d);
	if (a != PWS__NONE && pws__umap_get(&op.m->team_by_domain, a) != PWS__NONE)
		return pws__op_end(&op, pws__fail(&op, PWS_EEXISTS, 0,
		                                  "domain '%s' already belongs to a team", d));
	a = pws__atom_intern(op.mem, op.m, d);
	if (a == PWS__NONE || pws__umap_reserve(op.mem, &op.m->team_by_domain, 1) ||
	    pws__ids_reserve(op.mem, &TEAM(op.m, t)->domains, 1) || pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	pws__umap_put(&op.m->team_by_domain, a, t);
	pws__ids_push(&TEAM(op.m, t)->domains, a);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_team_remove_domain(pws_policy *p, const char *team_id, const char *domain,
                                      pws_result *res)
{
	pws__op op;
	char d[PWS__EMAIL_MAX + 1];
	uint32_t t, a, i;
	pws__team *T;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_TEAM_REMOVE_DOMAIN, "ss", team_id, domain);
	rc = pws__need_team(&op, team_id, &t);
	if (!rc)
		rc = norm_domain(&op, domain, d);
	if (rc)
		return pws__op_end(&op, rc);
	a = pws__atom_find(op.m, d);
	if (a == PWS__NONE || pws__umap_get(&op.m->team_by_domain, a) != t)
		return pws__op_end(&op, pws__fail(&op, PWS_ENOTFOUND, 0,
		                                  "team '%s' has no domain '%s'", team_id, d));
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	pws__umap_del(&op.m->team_by_domain, a);
	T = TEAM(op.m, t);
	for (i = 0; i < T->domains.n; i++) /* GCOVR_EXCL_BR_LINE: a is there (team_by_domain) */
		if (T->domains.v[i] == a) {
			pws__ids_swap_remove(&T->domains, i);
			break;
		}
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_team_editor_seats(const pws_policy *p, uint32_t *used, uint32_t *included,
                                     const char *team_id)
{
	uint32_t t;
	int rc;

	if (!p || !used || !pws__valid_id(team_id))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	t = pws__team_find(&p->m, team_id);
	if (t == PWS__NONE) {
		rc = PWS_ENOTFOUND;
	} else {
		*used = pws__seats_used(&p->m, t);
		if (included)
			*included = TEAM(&p->m, t)->seats;
	}
	pws__read_end(p);
	return rc;
}

/* Takes a user out of their home team (WS4): memberships of the team's own
 * workspaces end; partner memberships stay but stop counting. Never fails. */
static void leave_team(pws__model *m, uint32_t u)
{
	pws__user *U = USER(m, u);
	pws__team *T;
	uint32_t i, moved;

	if (U->team == PWS__NONE)
		return;
	for (i = U->members.n; i-- > 0;) {
		uint32_t w = U->members.v[i];

		/* WS4 (rev12): only team memberships end; a partner membership
		 * granted through another team (suspended while the user is on
		 * the owning team) counts again once they are back there */
		if (WS(m, w)->team == U->team && pws__morg(m, w, u) == PWS__GRP_TEAM)
			pws__member_unlink(m, w, u);
	}
	T = TEAM(m, U->team);
	moved = pws__ids_swap_remove(&T->users, U->team_pos);
	if (moved != PWS__NONE)
		USER(m, moved)->team_pos = U->team_pos;
	U->team = PWS__NONE;
	U->team_role = 0;
	U->pm = 0;
	pws__hot_user(m, u);
}

PWS_EXTERN int pws_team_remove(pws_policy *p, const char *team_id, pws_result *res)
{
	pws__op op;
	uint32_t t, i;
	pws__team *T;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_TEAM_REMOVE, "s", team_id);
	rc = pws__need_team(&op, team_id, &t);
	if (rc)
		return pws__op_end(&op, rc);
	T = TEAM(op.m, t);
	for (i = 0; i < T->workspaces.n; i++)
		if (WS(op.m, T->workspaces.v[i])->lc != PWS_LC_DELETED)
			return pws__op_end(&op, pws__fail(&op, PWS_ESTATE, 0,
			        "team '%s' still owns workspace '%s'", team_id,
			        WS(op.m, T->workspaces.v[i])->id));
	{
		uint32_t more = 0;

		for (i = 0; i < T->users.n; i++)
			more += USER(op.m, T->users.v[i])->members.n;
		if (pws__umap_reserve(op.mem, &op.m->seat_of, more) || pws__op_persist(&op))
			return pws__op_end(&op, PWS_ENOMEM);
	}
	while (T->users.n) {
		uint32_t u = T->users.v[T->users.n - 1];

		pws__user_seats(op.m, u, -1);
		leave_team(op.m, u);
		pws__user_seats(op.m, u, +1);
	}
	for (i = 0; i < T->domains.n; i++)
		pws__umap_del(&op.m->team_by_domain, T->domains.v[i]);
	T->domains.n = 0;
	T->alive = 0;
	pws__free(op.mem, (void *)pws__smap_del(&op.m->team_ids, team_id));
	/* The slot keeps a readable id for events and digests of old records. */
	T->id = "";
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_plan_set_retention(pws_policy *p, int plan, uint32_t days,
                                      uint64_t max_bytes, pws_result *res)
{
	pws__op op;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_PLAN_SET_RETENTION, "duU", plan, days, max_bytes);
	if (!valid_plan(plan))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0, "unknown plan %d", plan));
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	op.m->retention_days[plan] = days;
	op.m->retention_bytes[plan] = max_bytes;
	return pws__op_end(&op, PWS_OK);
}

static int norm_email(pws__op *op, const char *email, char out[PWS__EMAIL_MAX + 1])
{
	const char *why = "invalid"; /* the parser names a reason; this if not */

	if (!email)
		return pws__fail(op, PWS_EINVALID, PWS_RULE_IN3, "email is NULL");
	if (pws__op_email_key(op, out, email, &why) != PWS_OK)
		return pws__fail(op, PWS_EINVALID, PWS_RULE_IN3, "malformed email: %s",
		                 why);
	return PWS_OK;
}

PWS_EXTERN int pws_user_add(pws_policy *p, const char *user_id, const char *email,
                            const char *team_id, int team_role, int partner_manager,
                            pws_result *res)
{
	pws__op op;
	pws__verdict v = PWS__VERDICT_INIT;
	pws__model *m;
	char e[PWS__EMAIL_MAX + 1];
	uint32_t t = PWS__NONE, ea = PWS__NONE, da, u;
	pws__skey ki, ke;
	char *id;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_USER_ADD, "sssdd", user_id, email, team_id, team_role, partner_manager);
	m = op.m;
	if (!pws__valid_id(user_id))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0, "user id is NULL, empty or malformed"));
	rc = norm_email(&op, email, e);
	if (!rc && team_id)
		rc = pws__need_team(&op, team_id, &t);
	if (!rc && t != PWS__NONE && !valid_team_role(team_role))
		rc = pws__fail(&op, PWS_EINVALID, 0, "unknown team role %d", team_role);
	/* a user index has 29 bits (a group's entry, model.h pws__ge_*) */
	if (!rc && !PWS__USERS_ROOM(m, 1))
		rc = pws__fail(&op, PWS_ENOMEM, 0,
		               "a handle holds at most %u users (removed ones included)",
		               PWS__USERS_MAX);
	if (rc)
		return pws__op_end(&op, rc);
	/* one pass over the id and the address: their hashes serve the
	 * lookups, the insertions, the id hash and the hot word */
	ki = pws__skey_of(&m->user_ids, user_id);
	ke = pws__skey_of(&m->atoms, e);
	/* two slots of large maps, independent of each other: the id's and
	 * the address's start loading together (hints: a wrong guess costs a
	 * wasted load) */
	pws__smap_prefetch(&m->user_ids, &ki);
	pws__smap_prefetch(&m->atoms, &ke);
	if (pws__smap_find(&m->user_ids, user_id, &ki) != PWS__NONE)
		rc = pws__fail(&op, PWS_EEXISTS, 0, "user '%s' exists", user_id);
	if (!rc) {
		uint32_t j = pws__smap_find(&m->atoms, e, &ke);

		ea = j == PWS__NONE ? PWS__NONE : pws__smap_at(&m->atoms, j)->val;
		if (pws__user_of_atom(m, ea) != PWS__NONE)
			rc = pws__fail(&op, PWS_EEXISTS, 0, "email '%s' belongs to another user", e);
	}
	if (!rc)
		rc = pws__answer(&op, pws__decide_pm_flag(m, t, partner_manager, &v), &v);
	if (rc)
		return pws__op_end(&op, rc);
	ea = pws__atom_intern_k(op.mem, m, e, &ke);
	da = ea == PWS__NONE ? PWS__NONE : pws__dom_intern(op.mem, m, pws__email_domain(e));
	if (da == PWS__NONE || pws__vec_reserve(op.mem, &m->users, sizeof(pws__user), 1) ||
	    pws__vec_reserve(op.mem, &m->uhot, sizeof(uint32_t), 1) ||
	    pws__ids_reserve(op.mem, &m->user_h, 1) || pws__smap_reserve(op.mem, &m->user_ids, 1) ||
	    pws__user_of_atom_reserve(op.mem, m, ea) ||
	    (t != PWS__NONE && pws__ids_reserve(op.mem, &TEAM(m, t)->users, 1)) ||
	    !(id = pws__model_strdup(op.mem, m, user_id, ki.len)))
		return pws__op_end(&op, PWS_ENOMEM);
	if (pws__op_persist(&op)) {
		pws__model_str_free(m, id);
		return pws__op_end(&op, PWS_ESTORAGE);
	}
	u = pws__user_append(m, &ki, id, ea, da, t, team_role, partner_manager);
	pws__user_of_atom_set(m, ea, u);
	/* pws__hot_user, slot at hand */
	*pws__smap_auxp(&m->user_ids, pws__smap_put_k(&m->user_ids, id, &ki, u)) =
	        pws__uhot_of(USER(m, u));
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_user_set_team(pws_policy *p, const char *user_id, const char *team_id,
                                 int team_role, pws_result *res)
{
	pws__op op;
	uint32_t u, t = PWS__NONE;
	pws__user *U;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_USER_SET_TEAM, "ssd", user_id, team_id, team_role);
	rc = pws__need_user(&op, user_id, &u);
	if (!rc && team_id)
		rc = pws__need_team(&op, team_id, &t);
	if (!rc && t != PWS__NONE && !valid_team_role(team_role))
		rc = pws__fail(&op, PWS_EINVALID, 0, "unknown team role %d", team_role);
	if (!rc && t != PWS__NONE && t != USER(op.m, u)->team &&
	    pws__ids_reserve(op.mem, &TEAM(op.m, t)->users, 1))
		rc = PWS_ENOMEM;
	if (!rc && pws__umap_reserve(op.mem, &op.m->seat_of, USER(op.m, u)->members.n))
		rc = PWS_ENOMEM;
	if (!rc)
		rc = pws__op_persist(&op);
	if (rc)
		return pws__op_end(&op, rc);
	U = USER(op.m, u);
	if (U->team == t) {
		U->team_role = t == PWS__NONE ? 0 : (uint8_t)team_role;
		pws__hot_user(op.m, u);
		return pws__op_end(&op, PWS_OK);
	}
	/* WS4: partner seats follow the memberships that count */
	pws__user_seats(op.m, u, -1);
	leave_team(op.m, u);
	if (t != PWS__NONE) {
		/* WS4 (rev12): partner memberships keep the organization they
		 * were granted through; in t's own workspaces they are suspended,
		 * never turned into team memberships */
		U->team = t;
		U->team_role = (uint8_t)team_role;
		U->team_pos = pws__ids_push(&TEAM(op.m, t)->users, u);
	}
	pws__hot_user(op.m, u);
	pws__user_seats(op.m, u, +1);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_user_set_team_role(pws_policy *p, const char *user_id, int team_role,
                                      pws_result *res)
{
	pws__op op;
	uint32_t u;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_USER_SET_TEAM_ROLE, "sd", user_id, team_role);
	rc = pws__need_user(&op, user_id, &u);
	if (!rc && !valid_team_role(team_role))
		rc = pws__fail(&op, PWS_EINVALID, 0, "unknown team role %d", team_role);
	if (!rc && USER(op.m, u)->team == PWS__NONE)
		rc = pws__fail(&op, PWS_ESTATE, 0, "user '%s' has no team", user_id);
	if (!rc)
		rc = pws__op_persist(&op);
	if (!rc) {
		USER(op.m, u)->team_role = (uint8_t)team_role;
		pws__hot_user(op.m, u);
	}
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_user_set_partner_manager(pws_policy *p, const char *user_id,
                                            int partner_manager, pws_result *res)
{
	pws__op op;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u;
	pws__user *U;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_USER_SET_PM, "sd", user_id, partner_manager);
	rc = pws__need_user(&op, user_id, &u);
	if (rc)
		return pws__op_end(&op, rc);
	U = USER(op.m, u);
	if (U->team == PWS__NONE)
		return pws__op_end(&op, pws__fail(&op, PWS_ESTATE, 0, "user '%s' has no team", user_id));
	if ((rc = pws__answer(&op, pws__decide_pm_flag(op.m, U->team, partner_manager, &v), &v)))
		return pws__op_end(&op, rc);
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	U->pm = partner_manager != 0;
	pws__hot_user(op.m, u);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_user_remove(pws_policy *p, const char *user_id, pws_result *res)
{
	pws__op op;
	uint32_t u;
	pws__user *U;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_USER_REMOVE, "s", user_id);
	rc = pws__need_user(&op, user_id, &u);
	if (rc)
		return pws__op_end(&op, rc);
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	leave_team(op.m, u);
	U = USER(op.m, u);
	while (U->members.n)
		pws__member_unlink(op.m, U->members.v[U->members.n - 1], u);
	pws__user_of_atom_set(op.m, U->email, PWS__NONE);
	U->alive = 0;
	((uint32_t *)op.m->uhot.v)[u] = 0; /* pws__hot_user's dense copy: removed */
	pws__model_str_free(op.m, pws__smap_del(&op.m->user_ids, user_id));
	U->id = "";
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_user_get(const pws_policy *p, int *team_role, int *partner_manager,
                            char *team_buf, size_t team_size, const char *user_id)
{
	uint32_t u;
	const pws__user *U;
	int rc;

	if (!p || !pws__valid_id(user_id) || (team_buf && team_size == 0))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	u = pws__user_find(&p->m, user_id);
	if (u == PWS__NONE) {
		pws__read_end(p);
		return PWS_ENOTFOUND;
	}
	U = USER(&p->m, u);
	if (team_buf) {
		const char *t = U->team == PWS__NONE ? "" : TEAM(&p->m, U->team)->id;

		if (strlen(t) >= team_size)
			rc = PWS_EINVALID;
		else
			memcpy(team_buf, t, strlen(t) + 1);
	}
	if (!rc && team_role)
		*team_role = U->team_role;
	if (!rc && partner_manager)
		*partner_manager = U->team != PWS__NONE && pws__is_pm(&p->m, u, U->team);
	pws__read_end(p);
	return rc;
}
