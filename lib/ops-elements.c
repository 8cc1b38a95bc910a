/*
 * Elements (ED1, MV1, MV2, RM1, FK1, PL3) and collaboration (UP1, UP2,
 * VI4, VI6, CM1, INT1).
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide-ops.h"

#include <string.h>

/* Resolves actor and element and asks the policy about the element. */
static int ask_el(pws__op *op, const char *actor, const char *el, int action, uint32_t *u,
                  uint32_t *e, pws__who *c)
{
	pws__verdict v = PWS__VERDICT_INIT;
	int rc = pws__need_user(op, actor, u);

	if (!rc)
		rc = pws__need_el(op, el, e);
	if (rc)
		return rc;
	pws__who_init(c, op->m, *u, ELEM(op->m, *e)->ws);
	if ((rc = pws__answer(op, pws__decide_action(c, action, *e, &v), &v)))
		return rc;
	op->rule = v.rule;
	return PWS_OK;
}

static int ask_ws(pws__op *op, const char *actor, const char *ws, int action, uint32_t *u,
                  uint32_t *w, pws__who *c)
{
	pws__verdict v = PWS__VERDICT_INIT;
	int rc = pws__need_user(op, actor, u);

	if (!rc)
		rc = pws__need_ws(op, ws, w);
	if (rc)
		return rc;
	pws__who_init(c, op->m, *u, *w);
	if ((rc = pws__answer(op, pws__decide_action(c, action, PWS__NONE, &v), &v)))
		return rc;
	op->rule = v.rule;
	return PWS_OK;
}

static int valid_kind(int k)
{
	return k >= PWS_EL_COLLECTION && k <= PWS_EL_MOCK_SERVER;
}

/* Creates element `id` in w (reserve and apply in one: on ENOMEM nothing
 * is left behind). */
static int new_element(pws__op *op, uint32_t w, const char *id, int kind, uint64_t size,
                       uint32_t parent, uint32_t editor, uint32_t *out)
{
	pws__model *m = op->m;
	pws__ids eds = { 0 };
	char *cid = NULL;
	pws__element *E;
	uint32_t e = m->elements.n;

	if (pws__vec_reserve(op->mem, &m->elements, sizeof(pws__element), 1) ||
	    pws__smap_reserve(op->mem, &m->el_ids, 1) ||
	    pws__ids_reserve(op->mem, &WS(m, w)->elements, 1) ||
	    pws__ids_reserve(op->mem, &eds, 1) || !(cid = pws__dup(op, id)) ||
	    pws__op_persist(op)) {
		pws__ids_free(op->mem, &eds);
		pws__free(op->mem, cid);
		return PWS_ENOMEM;
	}
	E = ELEM(m, m->elements.n++);
	memset(E, 0, sizeof(*E));
	E->id = cid;
	E->ws = w;
	E->kind = (uint8_t)kind;
	E->size = size;
	E->parent = parent;
	E->state = PWS__EL_LIVE;
	E->editors = eds;
	pws__ids_push(&E->editors, editor);
	E->ws_pos = pws__ids_push(&WS(m, w)->elements, e);
	pws__smap_put(&m->el_ids, cid, e);
	*out = e;
	return PWS_OK;
}

PWS_EXTERN int pws_element_add(pws_policy *p, const char *actor, const char *workspace_id,
                               const char *element_id, int kind, uint64_t size_bytes,
                               const char *parent_id, pws_result *res)
{
	pws__op op;
	pws__who c;
	uint32_t u, w, e, parent = PWS__NONE;
	int served, rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_ELEMENT_ADD, "sssdUs", actor, workspace_id, element_id, kind, size_bytes, parent_id);
	if (!valid_kind(kind))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0, "unknown element kind %d", kind));
	rc = pws__need_new_id(&op, &op.m->el_ids, element_id, "element");
	if (!rc)
		rc = ask_ws(&op, actor, workspace_id, PWS_ACT_IMPORT, &u, &w, &c);
	if (rc)
		return pws__op_end(&op, rc);
	served = kind == PWS_EL_MONITOR || kind == PWS_EL_MOCK_SERVER;
	if (served != (parent_id != NULL))
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0,
		        "monitors and mock servers (and only they) name the collection they serve"));
	if (parent_id) {
		rc = pws__need_el(&op, parent_id, &parent);
		if (!rc && (ELEM(op.m, parent)->kind != PWS_EL_COLLECTION ||
		            ELEM(op.m, parent)->ws != w))
			rc = pws__fail(&op, PWS_EINVALID, 0,
			               "'%s' is not a collection of this workspace", parent_id);
		if (rc)
			return pws__op_end(&op, rc);
	}
	rc = new_element(&op, w, element_id, kind, size_bytes, parent, u, &e);
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_element_add_editor(pws_policy *p, const char *actor, const char *element_id,
                                      const char *user_id, pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, e, x, i;
	pws__element *E;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_ELEMENT_ADD_EDITOR, "sss", actor, element_id, user_id);
	rc = pws__need_user(&op, user_id, &x);
	if (!rc)
		rc = pws__need_user(&op, actor, &u);
	if (!rc)
		rc = pws__need_el(&op, element_id, &e);
	if (!rc) {
		pws__who_init(&c, op.m, u, ELEM(op.m, e)->ws);
		rc = pws__answer(&op, pws__decide_add_editor(&c, e, x, &v), &v);
	}
	if (rc)
		return pws__op_end(&op, rc);
	op.rule = v.rule;
	E = ELEM(op.m, e);
	for (i = 0; i < E->editors.n; i++)
		if (E->editors.v[i] == x)
			return pws__op_end(&op, PWS_OK);
	if (pws__ids_reserve(op.mem, &E->editors, 1) || pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	pws__ids_push(&E->editors, x);
	return pws__op_end(&op, PWS_OK);
}

/* Takes an element out of its workspace's list; never fails. */
static void unlist(pws__model *m, uint32_t e)
{
	pws__element *E = ELEM(m, e);
	uint32_t moved = pws__ids_swap_remove(&WS(m, E->ws)->elements, E->ws_pos);

	if (moved != PWS__NONE)
		ELEM(m, moved)->ws_pos = E->ws_pos;
}

PWS_EXTERN int pws_element_move(pws_policy *p, const char *actor, const char *element_id,
                                const char *target_workspace_id, pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, e, t;
	pws__element *E;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_ELEMENT_MOVE, "sss", actor, element_id, target_workspace_id);
	rc = pws__need_user(&op, actor, &u);
	if (!rc)
		rc = pws__need_el(&op, element_id, &e);
	if (!rc)
		rc = pws__need_ws(&op, target_workspace_id, &t);
	if (!rc) {
		pws__who_init(&c, op.m, u, ELEM(op.m, e)->ws);
		rc = pws__answer(&op, pws__decide_move_to(&c, e, t, &v), &v);
	}
	if (rc)
		return pws__op_end(&op, rc);
	if (pws__ids_reserve(op.mem, &WS(op.m, t)->elements, 1) || pws__op_persist(&op))
		return pws__op_end(&op, PWS_ENOMEM);
	/* MV2: monitors and mock servers stay; they are separate elements that
	 * keep their workspace, so nothing else moves. */
	unlist(op.m, e);
	E = ELEM(op.m, e);
	E->ws = t;
	E->ws_pos = pws__ids_push(&WS(op.m, t)->elements, e);
	op.rule = v.rule;
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_element_fork(pws_policy *p, const char *actor, const char *element_id,
                                 const char *new_element_id, const char *target_workspace_id,
                                 pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, e, t, f;
	const pws__element *E;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_ELEMENT_FORK, "ssss", actor, element_id, new_element_id, target_workspace_id);
	rc = pws__need_new_id(&op, &op.m->el_ids, new_element_id, "element");
	if (!rc)
		rc = pws__need_user(&op, actor, &u);
	if (!rc)
		rc = pws__need_el(&op, element_id, &e);
	if (!rc)
		rc = pws__need_ws(&op, target_workspace_id, &t);
	if (!rc) {
		pws__who_init(&c, op.m, u, ELEM(op.m, e)->ws);
		rc = pws__answer(&op, pws__decide_fork_to(&c, e, t, &v), &v);
	}
	if (rc)
		return pws__op_end(&op, rc);
	E = ELEM(op.m, e);
	rc = new_element(&op, t, new_element_id, E->kind, E->size, e, u, &f);
	op.rule = v.rule;
	return pws__op_end(&op, rc);
}

/* PL3: whether the owning team's plan keeps this element in the trash. */
static int retained(const pws__model *m, const pws__element *E)
{
	int plan = TEAM(m, WS(m, E->ws)->team)->plan;

	return E->kind == PWS_EL_COLLECTION && m->retention_days[plan] > 0 &&
	       E->size < m->retention_bytes[plan];
}

PWS_EXTERN int pws_element_delete(pws_policy *p, const char *actor, const char *element_id,
                                  int64_t now, pws_result *res)
{
	pws__op op;
	pws__who c;
	uint32_t u, e;
	pws__element *E;
	int trash, rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_ELEMENT_DELETE, "ssI", actor, element_id, now);
	rc = ask_el(&op, actor, element_id, PWS_ACT_DELETE_ELEMENT, &u, &e, &c);
	if (rc)
		return pws__op_end(&op, rc);
	E = ELEM(op.m, e);
	trash = retained(op.m, E);
	/* what happens is said before the commit point (asked calls too) */
	if (trash) {
		op.flags |= PWS_RESULT_TRASHED;
		pws__fail(&op, PWS_OK, PWS_RULE_PL3, "moved to the trash; recoverable (PL3)");
	} else {
		pws__fail(&op, PWS_OK, PWS_RULE_PL3, "deleted for good; not recoverable (PL3)");
	}
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	if (trash) {
		E->state = PWS__EL_TRASH;
		E->deleted_at = now;
		return pws__op_end(&op, PWS_OK);
	}
	unlist(op.m, e);
	E->state = PWS__EL_GONE;
	pws__ids_free(op.mem, &E->editors);
	pws__free(op.mem, (void *)pws__smap_del(&op.m->el_ids, element_id));
	E->id = "";
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_element_restore(pws_policy *p, const char *actor, const char *element_id,
                                   int64_t now, pws_result *res)
{
	pws__op op;
	pws__who c;
	uint32_t u, e;
	pws__verdict v = PWS__VERDICT_INIT;
	pws__element *E;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_ELEMENT_RESTORE, "ssI", actor, element_id, now);
	rc = pws__need_user(&op, actor, &u);
	if (!rc)
		rc = pws__need_el(&op, element_id, &e);
	if (rc)
		return pws__op_end(&op, rc);
	pws__who_init(&c, op.m, u, ELEM(op.m, e)->ws);
	if ((rc = pws__answer(&op, pws__decide_restore(&c, e, now, &v), &v)))
		return pws__op_end(&op, rc);
	E = ELEM(op.m, e);
	if (pws__op_persist(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	E->state = PWS__EL_LIVE;
	E->deleted_at = 0;
	op.rule = v.rule;
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_element_get(const pws_policy *p, int *kind, int *trashed, char *ws_buf,
                               size_t ws_size, const char *element_id)
{
	uint32_t e;
	int rc;

	if (!p || !pws__valid_id(element_id) || (ws_buf && ws_size == 0))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	e = pws__el_find(&p->m, element_id);
	if (e == PWS__NONE) {
		rc = PWS_ENOTFOUND;
	} else {
		const pws__element *E = ELEM(&p->m, e);
		const char *w = WS(&p->m, E->ws)->id;

		if (ws_buf && strlen(w) >= ws_size) {
			rc = PWS_EINVALID;
		} else {
			if (ws_buf)
				memcpy(ws_buf, w, strlen(w) + 1);
			if (kind)
				*kind = E->kind;
			if (trashed)
				*trashed = E->state == PWS__EL_TRASH;
		}
	}
	pws__read_end(p);
	return rc;
}

/* --- collaboration ----------------------------------------------------------- */

/* Appends a post to vec/ids; reserve and apply in one. */
static int new_post(pws__op *op, pws__vec *v, pws__smap *ids, const char *id, const char *text,
                    uint32_t ws, uint32_t author, uint32_t parent, int64_t at, pws__ids *list)
{
	char *cid = NULL, *ct = NULL;
	pws__post *P;

	if (pws__vec_reserve(op->mem, v, sizeof(pws__post), 1) ||
	    pws__ids_reserve(op->mem, list, 1) ||
	    pws__smap_reserve(op->mem, ids, 1) || !(cid = pws__dup(op, id)) ||
	    !(ct = pws__dup(op, text)) || pws__op_persist(op)) {
		pws__free(op->mem, cid);
		pws__free(op->mem, ct);
		return PWS_ENOMEM;
	}
	P = PWS__AT(*v, pws__post, v->n);
	P->id = cid;
	P->text = ct;
	P->ws = ws;
	P->author = author;
	P->parent = parent;
	P->at = at;
	memset(&P->kids, 0, sizeof(P->kids));
	pws__ids_push(list, v->n);
	pws__smap_put(ids, cid, v->n++);
	return PWS_OK;
}

static int check_text(pws__op *op, const char *text)
{
	return pws__need_text(op, text, "text");
}

PWS_EXTERN int pws_update_post(pws_policy *p, const char *actor, const char *workspace_id,
                               const char *update_id, const char *text, int64_t now,
                               pws_result *res)
{
	pws__op op;
	pws__who c;
	uint32_t u, w;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_UPDATE_POST, "ssssI", actor, workspace_id, update_id, text, now);
	rc = check_text(&op, text);
	if (!rc)
		rc = pws__need_new_id(&op, &op.m->upd_ids, update_id, "update");
	if (!rc)
		rc = ask_ws(&op, actor, workspace_id, PWS_ACT_POST_UPDATE, &u, &w, &c);
	if (rc)
		return pws__op_end(&op, rc);
	/* VI5: broadcast to every member but the author */
	if (pws__notify_members(&op, PWS_EV_UPDATE_POSTED, PWS_RULE_VI5, PWS_CHANNEL_IN_APP, w, u,
	                        update_id, u, 0))
		return pws__op_end(&op, PWS_ENOMEM);
	if (WS(op.m, w)->n_updates >= UINT32_MAX - 1) /* GCOVR_EXCL_BR_LINE: 4e9 updates */
		return pws__op_end(&op, pws__fail(&op, PWS_ESTATE, 0, "too many updates"));
	if (pws__umap_reserve(op.mem, &op.m->seen_of, 1))
		return pws__op_end(&op, PWS_ENOMEM);
	rc = new_post(&op, &op.m->updates, &op.m->upd_ids, update_id, text, w, u, PWS__NONE, now,
	              &WS(op.m, w)->updates);
	if (!rc) {
		WS(op.m, w)->n_updates++;
		/* the author has read their own update */
		pws__set_seen(op.m, w, u, WS(op.m, w)->n_updates);
	}
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_update_reply(pws_policy *p, const char *actor, const char *update_id,
                                const char *reply_id, const char *text, int64_t now,
                                pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, up;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_UPDATE_REPLY, "ssssI", actor, update_id, reply_id, text, now);
	rc = check_text(&op, text);
	if (!rc)
		rc = pws__need_new_id(&op, &op.m->reply_ids, reply_id, "reply");
	if (!rc)
		rc = pws__need_user(&op, actor, &u);
	if (!rc && !pws__valid_id(update_id))
		rc = pws__fail(&op, PWS_EINVALID, 0, "update id is NULL or empty");
	if (!rc && (up = pws__smap_get(&op.m->upd_ids, update_id)) == PWS__NONE)
		rc = pws__fail(&op, PWS_ENOTFOUND, 0, "unknown update '%s'", update_id);
	if (rc)
		return pws__op_end(&op, rc);
	pws__who_init(&c, op.m, u, UPDATE(op.m, up)->ws);
	if ((rc = pws__answer(&op, pws__decide_action(&c, PWS_ACT_REPLY, PWS__NONE, &v), &v)))
		return pws__op_end(&op, rc);
	rc = new_post(&op, &op.m->replies, &op.m->reply_ids, reply_id, text, c.w, u, up, now,
	              &UPDATE(op.m, up)->kids);
	op.rule = v.rule;
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_workspace_visit(pws_policy *p, const char *user_id, const char *workspace_id,
                                   pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, w;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_WS_VISIT, "ss", user_id, workspace_id);
	rc = pws__need_user(&op, user_id, &u);
	if (!rc)
		rc = pws__need_ws(&op, workspace_id, &w);
	if (!rc) {
		pws__who_init(&c, op.m, u, w);
		rc = pws__answer(&op, pws__decide_visit(&c, &v), &v);
	}
	if (!rc && pws__umap_reserve(op.mem, &op.m->seen_of, 1))
		rc = PWS_ENOMEM;
	if (!rc)
		rc = pws__op_persist(&op);
	if (!rc) {
		pws__set_seen(op.m, w, u, c.W->n_updates);
		op.rule = v.rule;
	}
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_workspace_unread(const pws_policy *p, uint32_t *unread, const char *user_id,
                                    const char *workspace_id)
{
	uint32_t u, w, mi;
	int rc;

	if (!p || !unread || !pws__valid_id(user_id) || !pws__valid_id(workspace_id))
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	u = pws__user_find(&p->m, user_id);
	w = pws__ws_find(&p->m, workspace_id);
	if (u == PWS__NONE || w == PWS__NONE) {
		rc = PWS_ENOTFOUND;
	} else {
		mi = pws__member_eff(&p->m, w, u);
		if (mi == PWS__NONE)
			rc = PWS_EDENIED;
		else
			*unread = WS(&p->m, w)->n_updates - pws__seen(&p->m, w, u);
	}
	pws__read_end(p);
	return rc;
}

PWS_EXTERN int pws_history_add(pws_policy *p, const char *user_id, const char *workspace_id,
                               const char *entry_id, const char *text, int64_t now,
                               pws_result *res)
{
	pws__op op;
	pws__who c;
	pws__verdict v = PWS__VERDICT_INIT;
	uint32_t u, w;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_HISTORY_ADD, "ssssI", user_id, workspace_id, entry_id, text, now);
	rc = check_text(&op, text);
	if (!rc)
		rc = pws__need_new_id(&op, &op.m->hist_ids, entry_id, "history entry");
	if (!rc)
		rc = pws__need_user(&op, user_id, &u);
	if (!rc)
		rc = pws__need_ws(&op, workspace_id, &w);
	if (!rc) {
		pws__who_init(&c, op.m, u, w);
		rc = pws__answer(&op, pws__decide_history(&c, &v), &v);
	}
	if (!rc) {
		/* the user's list lives beside the record (pws__user_history); a
		 * list made for this entry goes again if the add fails */
		pws__ids *list = pws__user_history_list(op.mem, op.m, u);

		rc = list ? new_post(&op, &op.m->history, &op.m->hist_ids, entry_id, text, w, u,
		                     PWS__NONE, now, list)
		          : PWS_ENOMEM;
		if (rc)
			pws__user_history_trim(op.mem, op.m, u);
	}
	if (!rc)
		op.rule = v.rule;
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_comment_add(pws_policy *p, const char *actor, const char *element_id,
                               const char *comment_id, const char *text, pws_result *res)
{
	pws__op op;
	pws__who c;
	uint32_t u, e;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_COMMENT_ADD, "ssss", actor, element_id, comment_id, text);
	rc = check_text(&op, text);
	if (!rc)
		rc = pws__need_new_id(&op, &op.m->comment_ids, comment_id, "comment");
	if (!rc)
		rc = ask_el(&op, actor, element_id, PWS_ACT_COMMENT, &u, &e, &c);
	if (!rc)
		rc = new_post(&op, &op.m->comments, &op.m->comment_ids, comment_id, text, c.w, u, e, 0,
		              &ELEM(op.m, e)->comments);
	return pws__op_end(&op, rc);
}

PWS_EXTERN int pws_integration_enable(pws_policy *p, const char *actor, const char *workspace_id,
                                      pws_result *res)
{
	pws__op op;
	pws__who c;
	uint32_t u, w;
	int rc = pws__op_begin(&op, p, res);

	if (rc)
		return rc;
	pws__op_log(&op, PWS__OP_INTEGRATION_ENABLE, "ss", actor, workspace_id);
	rc = ask_ws(&op, actor, workspace_id, PWS_ACT_INTEGRATION, &u, &w, &c);
	if (!rc)
		rc = pws__op_persist(&op);
	if (!rc)
		WS(op.m, w)->integration = 1;
	return pws__op_end(&op, rc);
}
