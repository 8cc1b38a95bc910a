/*
 * Members: invites (IN1-IN6, PL4), roles and the Partner Lead flag
 * (RO1-RO6), removal and the end of a partner relation (RM2).
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide-ops.h"
#include "email.h"
#include "bulk.h"

#include <string.h>

static int valid_role(int r)
{
	return r >= PWS_ROLE_VIEWER && r <= PWS_ROLE_ADMIN;
}

/* Asks the policy about one invite (shared by single and bulk invites);
 * on success *role_out is the role to record (PL4 may lower it) and, when
 * atom is not NULL, *atom the address's atom if it has one already
 * (PWS__NONE if not: the caller interns it). */
static int ask_invite(pws__op *op, const pws__who *c, const char *email, int kind, int role,
                      int lead, int *role_out, uint32_t *atom)
{
	pws__verdict v = PWS__VERDICT_INIT;
	pws__invitee iv;
	int rc;

	pws__invitee_of(op->m, email, &iv);
	if (atom)
		*atom = iv.email;
	rc = pws__decide_invite(c, &iv, kind, role, lead, &v);
	if (rc)
		return pws__refuse(op, rc, &v);
	*role_out = v.role;
	op->flags |= v.flags;
	if (v.why)
		pws__fail(op, PWS_OK, v.rule, "%s (%s)", v.why, pws_rule_id(v.rule));
	else
		op->rule = v.rule;
	return PWS_OK;
}

/* IN5: an actor who may invite nobody of this kind to the workspace (IN1,
 * IN2; WS2, LC1) has the whole bulk call refused, in both modes. */
static int ask_may_invite(pws__op *op, const pws__who *c, int kind)
{
	pws__verdict v = PWS__VERDICT_INIT;
	int rc = pws__decide_may_invite(c, kind, &v);

	return rc ? pws__refuse(op, rc, &v) : PWS_OK;
}

/* Records (or replaces) the open invite; room must be reserved. */
static void put_invite(pws__model *m, uint32_t w, uint32_t ea, uint32_t inviter, int kind,
                       int role, int lead)
{
	uint32_t i = pws__umap_get(&m->invite_of, pws__pair(w, ea));
	pws__invite *v;

	if (i == PWS__NONE) { /* the table holds open invites only: closed ones are dropped */
		i = m->invites.n++;
		pws__umap_put(&m->invite_of, pws__pair(w, ea), i);
	} else if (INVITE(m, i)->kind == PWS_INVITE_PARTNER) {
		WS(m, w)->n_pinv--;
	}
	v = INVITE(m, i);
	v->ws = w;
	v->email = ea;
	v->inviter = inviter;
	v->kind = (uint8_t)kind;
	v->role = (uint8_t)role;
	v->lead = lead != 0;
	v->status = PWS__INV_OPEN;
	if (kind == PWS_INVITE_PARTNER)
		WS(m, w)->n_pinv++;
}

static int invite_reserve(pws__op *op, uint32_t n)
{
	if (pws__vec_reserve(op->mem, &op->m->invites, sizeof(pws__invite), n) ||
	    pws__umap_reserve(op->mem, &op->m->invite_of, n))
		return PWS_ENOMEM;
	return PWS_OK;
}

static int invited_event(pws__op *op, uint32_t w, uint32_t u, const char *email)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_INVITED, PWS_RULE_TT3,
	                                  PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL,
	                                  WS(op->m, w)->team, u, email);

	if (!e || pws__ev_ws(op, e, w) || pws__ev_str(op, e, email))
		return PWS_ENOMEM;
	return PWS_OK;
}

static int check_invite_args(pws__op *op, int kind, int role)
{
	if (kind != PWS_INVITE_PARTNER && kind != PWS_INVITE_MEMBER)
		return pws__fail(op, PWS_EINVALID, 0, "unknown invite kind %d", kind);
	if (!valid_role(role))
		return pws__fail(op, PWS_EINVALID, 0, "unknown role %d", role);
	return PWS_OK;
}

static int norm(pws__op *op, const char *email, char out[PWS__EMAIL_MAX + 1])
{
	const char *why = "invalid"; /* the parser names a reason; this if not */

	if (!email)
		return pws__fail(op, PWS_EINVALID, PWS_RULE_IN3, "email is NULL");
	if (pws__op_email_key(op, out, email, &why))
		return pws__fail(op, PWS_EINVALID, PWS_RULE_IN3, "malformed email: %s",
		                 why);
	return PWS_OK;
}

static int resolve(pws__op *op, const char *actor, const char *ws, pws__who *c)
{
	uint32_t u, w;
	int rc = pws__need_actor(op, actor, &u);

	if (!rc)
		rc = pws__need_ws(op, ws, &w);
	if (!rc)
		pws__who_init(c, op->m, u, w);
	return rc;
}

/* The invitee's lookups (pws__invitee_of: the address's atom slot, its
 * stored key, then the user of the atom, then their membership slot) are
 * a chain of dependent misses in a large directory. pws_invite starts the
 * slot's load before resolving the actor and the workspace, then this
 * starts the key's pointer's and the atom's user's loads together, for the
 * atom the home slot holds when its tag matches (a hint: a wrong guess
 * costs a wasted load, never a wrong answer). Called once the actor is
 * resolved. */
static void invitee_prefetch(const pws__model *m, const pws__skey *ke)
{
	const pws__smap *a = &m->atoms; /* not empty: the actor's address is in it */
	uint32_t j = (uint32_t)ke->hash & a->mask;
	const pws__smap_slot *s = pws__smap_at(a, j);

	if (s->val != PWS__NONE && s->hash == pws__skey_tag(ke)) {
		/* the key is read through atom_str (pws__smap_keys_by_val) */
		__builtin_prefetch(&((const char *const *)m->atom_str.v)[s->val]);
		if (s->val < m->user_of_atom.n)
			__builtin_prefetch(&m->user_of_atom.v[s->val]);
	}
}

PWS_EXTERN int pws_invite(pws_policy *p, const char *actor, const char *workspace_id,
                          const char *email, int kind, int role, int partner_lead,
                          pws_result *res)
{
	pws__op op;
	pws__who c;
	char e[PWS__EMAIL_MAX + 1];
	uint32_t ea;
	int r, rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_INVITE, "sssddd", actor, workspace_id, email, kind, role, partner_lead);
	rc = check_invite_args(&op, kind, role);
	if (!rc)
		rc = norm(&op, email, e);
	if (!rc) {
		pws__skey ke = pws__skey_of(&op.m->atoms, e);

		pws__smap_prefetch(&op.m->atoms, &ke);
		rc = resolve(&op, actor, workspace_id, &c);
		if (!rc)
			invitee_prefetch(op.m, &ke);
	}
	if (!rc)
		rc = ask_invite(&op, &c, e, kind, role, partner_lead, &r, &ea);
	if (rc)
		return pws__op_end(&op, rc);
	/* an address interned already (a user's, an earlier invite's) is not
	 * looked up a second time */
	if (ea == PWS__NONE)
		ea = pws__atom_intern(op.mem, op.m, e);
	if (ea == PWS__NONE || invite_reserve(&op, 1) || invited_event(&op, c.w, c.u, e) ||
	    pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	put_invite(op.m, c.w, ea, c.u, kind, r, partner_lead);
	return pws__op_end(&op, PWS_OK);
}

/* --- bulk (IN5) ------------------------------------------------------------- */

typedef struct bulk_err {
	uint32_t line;
	int code, rule;
	char msg[160];
} bulk_err;

struct pws_bulk_report {
	pws__mem mem;
	bulk_err *v;
	size_t n, invited;
};

static int report_add(pws_bulk_report *r, uint32_t line, int code, int rule, const char *msg)
{
	bulk_err *nv = pws__realloc(&r->mem, r->v, (r->n + 1) * sizeof(*nv));
	size_t k;

	if (!nv)
		return PWS_ENOMEM;
	r->v = nv;
	nv[r->n].line = line;
	nv[r->n].code = code;
	nv[r->n].rule = rule;
	for (k = 0; msg[k] && k < sizeof(nv->msg) - 1; k++)
		nv[r->n].msg[k] = msg[k];
	nv[r->n].msg[k] = 0;
	r->n++;
	return PWS_OK;
}

PWS_EXTERN int pws_invite_bulk(pws_policy *p, pws_bulk_report **report, const char *actor,
                               const char *workspace_id, const char *text, size_t len,
                               int format, int mode, int kind, int role, int partner_lead,
                               pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__bulk_list l = { 0 };
	pws_bulk_report *r = NULL;
	uint32_t *atoms = NULL, *roles = NULL;
	size_t i, good = 0;
	int first_bad = PWS_OK, first_rule = 0, rc;

	if (report)
		*report = NULL;
	rc = pws__op_begin(&op, p, res);
	if (rc)
		return rc;
	op.no_retry = 1; /* the report cannot ride along a retry */
	pws__op_log(&op, PWS__OP_INVITE_BULK, "ssbddddd", actor, workspace_id, text, len, format, mode, kind, role, partner_lead);
	if (!text || (format != PWS_BULK_TXT && format != PWS_BULK_CSV) ||
	    (mode != PWS_BULK_ALL_OR_NOTHING && mode != PWS_BULK_BEST_EFFORT))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, PWS_RULE_IN5,
		                                  "text is NULL or format/mode unknown"));
	rc = check_invite_args(&op, kind, role);
	if (!rc)
		rc = resolve(&op, actor, workspace_id, &c);
	if (!rc)
		rc = ask_may_invite(&op, &c, kind);
	if (rc)
		return pws__op_end(&op, rc);
	r = pws__calloc(op.mem, 1, sizeof(*r));
	if (!r)
		return pws__op_end(&op, PWS_ENOMEM);
	r->mem = p->mem;
	rc = pws__bulk_parse(op.mem, text, len, format, &l);
	if (!rc && l.n) {
		atoms = pws__calloc(op.mem, l.n, sizeof(*atoms));
		roles = pws__calloc(op.mem, l.n, sizeof(*roles));
		if (!atoms || !roles)
			rc = PWS_ENOMEM;
	}
	/* decide every line against the state before the call */
	for (i = 0; !rc && i < l.n; i++) {
		pws__bulk_entry *be = &l.v[i];
		int line_rc = be->code, rr = 0;

		atoms[i] = PWS__NONE;
		if (line_rc == PWS_OK) {
			op.msg[0] = 0;
			line_rc = ask_invite(&op, &c, be->email, kind, role, partner_lead, &rr, NULL);
			roles[i] = (uint32_t)rr;
		} else {
			pws__fail(&op, line_rc, PWS_RULE_IN5, "%s", be->error ? be->error : "bad line");
		}
		if (line_rc != PWS_OK) {
			if (first_bad == PWS_OK) {
				first_bad = line_rc;
				first_rule = op.rule;
			}
			rc = report_add(r, be->line, line_rc, op.rule, op.msg);
			continue;
		}
		atoms[i] = pws__atom_intern(op.mem, op.m, be->email);
		if (atoms[i] == PWS__NONE)
			rc = PWS_ENOMEM;
		good++;
	}
	if (!rc && (first_bad == PWS_OK || mode == PWS_BULK_BEST_EFFORT)) {
		rc = invite_reserve(&op, (uint32_t)good);
		for (i = 0; !rc && i < l.n; i++)
			if (atoms[i] != PWS__NONE)
				rc = invited_event(&op, c.w, c.u, l.v[i].email);
		if (!rc && good && pws__op_persist(&op) && !op.ask)
			rc = PWS_ESTORAGE;
		for (i = 0; !rc && i < l.n; i++)
			if (atoms[i] != PWS__NONE) {
				/* asked (PWS_REQUEST_ASK): the report says what would be */
				if (!op.ask)
					put_invite(op.m, c.w, atoms[i], c.u, kind, (int)roles[i],
					           partner_lead);
				r->invited++;
			}
	}
	pws__free(op.mem, atoms);
	pws__free(op.mem, roles);
	pws__bulk_list_free(op.mem, &l);
	if (rc) {
		pws_bulk_report_free(r);
		return pws__op_end(&op, rc);
	}
	if (first_bad != PWS_OK && mode == PWS_BULK_ALL_OR_NOTHING) {
		pws__fail(&op, first_bad, first_rule,
		          "%zu bad line(s), first on line %u; nothing was invited (IN5)", r->n,
		          r->v[0].line);
		rc = first_bad;
	} else if (r->n) {
		pws__fail(&op, PWS_OK, PWS_RULE_IN5, "%zu invited, %zu bad line(s) (IN5)",
		          r->invited, r->n);
	} else {
		op.rule = PWS_RULE_IN5;
		op.msg[0] = 0;
	}
	if (report)
		*report = r;
	else
		pws_bulk_report_free(r);
	return pws__op_end(&op, rc);
}

PWS_EXTERN size_t pws_bulk_report_errors(const pws_bulk_report *r)
{
	return r ? r->n : 0;
}

PWS_EXTERN size_t pws_bulk_report_invited(const pws_bulk_report *r)
{
	return r ? r->invited : 0;
}

PWS_EXTERN int pws_bulk_report_get(const pws_bulk_report *r, size_t index, uint32_t *line,
                                   int *code, int *rule, const char **message)
{
	if (!r || index >= r->n)
		return PWS_EINVALID;
	if (line)
		*line = r->v[index].line;
	if (code)
		*code = r->v[index].code;
	if (rule)
		*rule = r->v[index].rule;
	if (message)
		*message = r->v[index].msg;
	return PWS_OK;
}

PWS_EXTERN void pws_bulk_report_free(pws_bulk_report *r)
{
	pws__mem mem;

	if (!r)
		return;
	mem = r->mem;
	pws__free(&mem, r->v);
	pws__free(&mem, r);
}

/* --- accept / decline ------------------------------------------------------- */

/* Forgets an answered invite: only open invites are state. Never fails. */
static void invite_drop(pws__model *m, uint32_t i)
{
	pws__invite *v = INVITE(m, i);
	uint32_t last = m->invites.n - 1;

	pws__umap_del(&m->invite_of, pws__pair(v->ws, v->email));
	if (i != last) {
		*v = *INVITE(m, last);
		pws__umap_put(&m->invite_of, pws__pair(v->ws, v->email), i);
	}
	m->invites.n--;
}

static int find_invite(pws__op *op, const char *user_id, const char *ws, uint32_t *u,
                       uint32_t *w, uint32_t *inv)
{
	int rc = pws__need_user(op, user_id, u);

	if (!rc)
		rc = pws__need_ws(op, ws, w);
	if (rc)
		return rc;
	/* the membership's slot (read by the decision, then written) loads
	 * beside the user's record */
	pws__member_prefetch(op->m, *w, *u);
	*inv = pws__umap_get(&op->m->invite_of, pws__pair(*w, USER(op->m, *u)->email));
	if (*inv == PWS__NONE) /* only open invites are kept (put_invite, invite_drop) */
		return pws__fail(op, PWS_ENOTFOUND, 0, "no open invite of '%s' to '%s'", user_id, ws);
	return PWS_OK;
}

PWS_EXTERN int pws_invite_accept(pws_policy *p, const char *user_id, const char *workspace_id,
                                 const char *team_id, pws_result *res)
{
	pws__op op;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, w, inv, t = PWS__NONE, mi;
	pws__invite *in;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_INVITE_ACCEPT, "sss", user_id, workspace_id, team_id);
	rc = find_invite(&op, user_id, workspace_id, &u, &w, &inv);
	if (!rc && team_id)
		rc = pws__need_team(&op, team_id, &t);
	if (!rc)
		rc = pws__answer(&op, pws__decide_accept(op.m, u, inv, t, &v), &v);
	if (rc)
		return pws__op_end(&op, rc);
	mi = pws__member_rec(op.m, w, u);
	if (mi == PWS__NONE && pws__member_reserve(op.mem, op.m, w, u, v.org))
		return pws__op_end(&op, PWS_ENOMEM);
	if (mi != PWS__NONE && (pws__umap_reserve(op.mem, &op.m->seat_of, 1) ||
	                        pws__group_prepare(op.mem, op.m, w, v.org) == PWS__NONE))
		return pws__op_end(&op, PWS_ENOMEM);
	if (v.why) /* PL4: said before the commit point (asked calls too) */
		pws__fail(&op, PWS_OK, v.rule, "%s (%s)", v.why, pws_rule_id(v.rule));
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	in = INVITE(op.m, inv);
	if (mi != PWS__NONE) {
		/* a suspended membership (WS4) is replaced by the new grant */
		pws__seat_count(op.m, w, u, -1);
		pws__member_set(op.m, w, u, v.role, in->lead);
		pws__member_regroup(op.m, w, u, v.org);
		pws__seat_count(op.m, w, u, +1);
	} else {
		pws__member_link(op.m, w, u, v.role, in->lead, v.org);
	}
	if (in->kind == PWS_INVITE_PARTNER)
		WS(op.m, w)->n_pinv--;
	invite_drop(op.m, inv);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_invite_decline(pws_policy *p, const char *user_id, const char *workspace_id,
                                  pws_result *res)
{
	pws__op op;
	uint32_t u, w, inv;
	pws__invite *v;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_INVITE_DECLINE, "ss", user_id, workspace_id);
	rc = find_invite(&op, user_id, workspace_id, &u, &w, &inv);
	if (rc)
		return pws__op_end(&op, rc);
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	v = INVITE(op.m, inv);
	if (v->kind == PWS_INVITE_PARTNER)
		WS(op.m, w)->n_pinv--;
	invite_drop(op.m, inv);
	return pws__op_end(&op, PWS_OK);
}

static int withdrawn_event(pws__op *op, uint32_t w, uint32_t actor, const char *email)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_INVITE_WITHDRAWN, PWS_RULE_IN7,
	                                  PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL,
	                                  WS(op->m, w)->team, actor, email);

	if (!e || pws__ev_ws(op, e, w) || pws__ev_str(op, e, email))
		return PWS_ENOMEM;
	return PWS_OK;
}

PWS_EXTERN int pws_invite_withdraw(pws_policy *p, const char *actor, const char *workspace_id,
                                   const char *email, pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	char e[PWS__EMAIL_MAX + 1];
	uint32_t ea, inv = PWS__NONE;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_INVITE_WITHDRAW, "sss", actor, workspace_id, email);
	rc = norm(&op, email, e);
	if (!rc)
		rc = resolve(&op, actor, workspace_id, &c);
	if (!rc) {
		ea = pws__atom_find(op.m, e);
		if (ea != PWS__NONE)
			inv = pws__umap_get(&op.m->invite_of, pws__pair(c.w, ea));
		if (inv == PWS__NONE) /* only open invites are kept (put_invite) */
			rc = pws__fail(&op, PWS_ENOTFOUND, 0, "no open invite of '%s' to '%s'", e,
			               workspace_id);
	}
	if (!rc)
		rc = pws__answer(&op, pws__decide_withdraw(&c, inv, &v), &v);
	if (!rc && (withdrawn_event(&op, c.w, c.u, e) || pws__op_persist(&op)))
		rc = PWS_ENOMEM;
	if (rc)
		return pws__op_end(&op, rc);
	if (INVITE(op.m, inv)->kind == PWS_INVITE_PARTNER)
		WS(op.m, c.w)->n_pinv--;
	invite_drop(op.m, inv);
	op.rule = v.rule;
	return pws__op_end(&op, PWS_OK);
}

/* --- roles, lead flag, removal ------------------------------------------------ */

/* Resolves actor, workspace and member; *rec says whether the member has
 * a membership (pws__member_rec). */
static int resolve_member(pws__op *op, const char *actor, const char *ws, const char *user_id,
                          pws__who *c, uint32_t *x, uint32_t *rec)
{
	int rc = resolve(op, actor, ws, c);

	if (!rc)
		rc = pws__need_user(op, user_id, x);
	if (!rc)
		*rec = pws__member_rec(op->m, c->w, *x);
	return rc;
}

PWS_EXTERN int pws_member_set_role(pws_policy *p, const char *actor, const char *workspace_id,
                                   const char *user_id, int role, pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t x, mi;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_MEMBER_SET_ROLE, "sssd", actor, workspace_id, user_id, role);
	if (!valid_role(role))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0, "unknown role %d", role));
	rc = resolve_member(&op, actor, workspace_id, user_id, &c, &x, &mi);
	if (!rc)
		rc = pws__answer(&op, pws__decide_set_role(&c, x, mi, role, &v), &v);
	if (rc)
		return pws__op_end(&op, rc);
	if (pws__umap_reserve(op.mem, &op.m->seat_of, 1) || pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	pws__seat_count(op.m, c.w, x, -1);
	pws__member_set(op.m, c.w, x, role, (int)pws__mlead(op.m, c.w, x));
	pws__seat_count(op.m, c.w, x, +1);
	op.rule = v.rule;
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_member_set_lead(pws_policy *p, const char *actor, const char *workspace_id,
                                   const char *user_id, int partner_lead, pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t x, mi;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_MEMBER_SET_LEAD, "sssd", actor, workspace_id, user_id, partner_lead);
	rc = resolve_member(&op, actor, workspace_id, user_id, &c, &x, &mi);
	if (!rc)
		rc = pws__answer(&op, pws__decide_set_lead(&c, x, mi, partner_lead, &v), &v);
	if (rc)
		return pws__op_end(&op, rc);
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	pws__member_set(op.m, c.w, x, (int)pws__mrole(op.m, c.w, x), partner_lead != 0);
	op.rule = v.rule;
	return pws__op_end(&op, PWS_OK);
}

/* RM2: whether removing the membership of (ws, x) ends the partner's
 * relation. */
static int last_partner_ws(const pws__model *m, uint32_t ws, uint32_t x)
{
	const pws__user *U = USER(m, x);
	uint32_t team = WS(m, ws)->team, i;

	if (!pws__is_partner(m, ws, x))
		return 0;
	for (i = 0; i < U->members.n; i++) {
		const pws__ws *W = WS(m, U->members.v[i]);

		if (U->members.v[i] != ws && W->team == team && W->vis == PWS_VIS_PARTNER &&
		    W->lc != PWS_LC_DELETED)
			return 0;
	}
	return 1;
}

static int access_ended_event(pws__op *op, uint32_t team, uint32_t actor, uint32_t user)
{
	struct pws_event *e = pws__ev_new(op, PWS_EV_ACCESS_ENDED, PWS_RULE_RM2,
	                                  PWS_CHANNEL_IN_APP | PWS_CHANNEL_EMAIL, team, actor,
	                                  USER(op->m, user)->id);

	if (!e || pws__ev_user(op, e, user))
		return PWS_ENOMEM;
	return PWS_OK;
}

PWS_EXTERN int pws_member_remove(pws_policy *p, const char *actor, const char *workspace_id,
                                 const char *user_id, pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t x, mi;
	int ends, rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_MEMBER_REMOVE, "sss", actor, workspace_id, user_id);
	rc = resolve_member(&op, actor, workspace_id, user_id, &c, &x, &mi);
	if (!rc)
		rc = pws__answer(&op, pws__decide_remove(&c, x, mi, &v), &v);
	if (rc)
		return pws__op_end(&op, rc);
	ends = c.pws && last_partner_ws(op.m, c.w, x);
	if (ends) {
		op.flags |= PWS_RESULT_RELATION_ENDED;
		op.rule = PWS_RULE_RM2;
	}
	if ((ends && access_ended_event(&op, c.W->team, c.u, x)) || pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	pws__member_unlink(op.m, c.w, x);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_partner_end(pws_policy *p, const char *actor, const char *team_id,
                               const char *user_id, pws_result *res)
{
	pws__op op;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t a, t, x, i;
	pws__user *X;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_PARTNER_END, "sss", actor, team_id, user_id);
	rc = pws__need_user(&op, actor, &a);
	if (!rc)
		rc = pws__need_team(&op, team_id, &t);
	if (!rc)
		rc = pws__need_user(&op, user_id, &x);
	if (rc)
		return pws__op_end(&op, rc);
	if ((rc = pws__answer(&op, pws__decide_partner_end(op.m, a, t, x, &v), &v)))
		return pws__op_end(&op, rc);
	X = USER(op.m, x);
	op.flags |= PWS_RESULT_RELATION_ENDED;
	if (access_ended_event(&op, t, a, x) || pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	for (i = X->members.n; i-- > 0;) {
		uint32_t w = X->members.v[i];
		const pws__ws *W = WS(op.m, w);

		if (W->team == t && W->vis == PWS_VIS_PARTNER)
			pws__member_unlink(op.m, w, x);
	}
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_member_get(const pws_policy *p, int *role, int *partner_lead, int *is_partner,
                              const char *workspace_id, const char *user_id)
{
	int suspended = 0;
	int rc = pws_member_status(p, role, partner_lead, is_partner, &suspended, workspace_id,
	                           user_id);

	/* a suspended membership answers (VI1) but does not count (WS4) */
	return rc == PWS_OK && suspended ? PWS_ESTATE : rc;
}

PWS_EXTERN int pws_invite_get(const pws_policy *p, int *kind, int *role, int *partner_lead,
                              const char *workspace_id, const char *email)
{
	char e[PWS__EMAIL_MAX + 1];
	uint32_t w, ea, inv = PWS__NONE;
	int rc;

	if (!p || !pws__valid_id(workspace_id) || !email ||
	    pws__email_key(e, email, strlen(email), NULL))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	w = pws__ws_find(&p->m, workspace_id);
	ea = pws__atom_find(&p->m, e);
	if (w != PWS__NONE && ea != PWS__NONE)
		inv = pws__umap_get(&p->m.invite_of, pws__pair(w, ea));
	if (inv == PWS__NONE) { /* only open invites are kept (put_invite) */
		rc = PWS_ENOTFOUND;
	} else {
		const pws__invite *v = INVITE(&p->m, inv);

		if (kind)
			*kind = v->kind;
		if (role)
			*role = v->role;
		if (partner_lead)
			*partner_lead = v->lead;
	}
	pws__read_end(p);
	return rc;
}
