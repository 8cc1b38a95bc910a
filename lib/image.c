/*
 * Compaction: the whole state written as one record (a state image) that
 * replaces every stored record before it, so that loading costs what the
 * state holds rather than the history that built it.
 * SPDX-License-Identifier: MIT
 */
#include "image.h"
#include "image-pack.h"
#include "record.h"

#include <string.h>

/* A growable byte buffer; oom sticks. */
typedef struct wbuf {
	const pws__mem *mem;
	unsigned char *b;
	size_t n, cap;
	int oom;
} wbuf;

static wbuf w_new(const pws__mem *mem)
{
	wbuf w;

	memset(&w, 0, sizeof w);
	w.mem = mem;
	return w;
}

static unsigned char *w_room(wbuf *w, size_t k)
{
	if (w->oom)
		return NULL;
	if (w->cap - w->n < k) {
		size_t cap = w->cap ? w->cap : 4096;
		unsigned char *nb;

		while (cap - w->n < k)
			cap += cap / 2;
		nb = pws__realloc(w->mem, w->b, cap);
		if (!nb) {
			w->oom = 1;
			return NULL;
		}
		w->b = nb;
		w->cap = cap;
	}
	w->n += k;
	return w->b + w->n - k;
}

static void le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void w_u32(wbuf *w, uint32_t v)
{
	unsigned char *p = w_room(w, 4);

	if (p)
		le32(p, v);
}

static void w_str(wbuf *w, const char *s)
{
	size_t l = strlen(s);
	unsigned char *p = w_room(w, 4 + l);

	if (p) {
		le32(p, (uint32_t)l);
		memcpy(p + 4, s, l);
	}
}

/* A counted part: its count, then its bytes. */
static void w_part(wbuf *w, uint32_t count, const wbuf *part)
{
	unsigned char *p;

	w_u32(w, count);
	p = w_room(w, part->n);
	if (p && part->n)
		memcpy(p, part->b, part->n);
}

static void w_u8(wbuf *w, unsigned v)
{
	unsigned char *p = w_room(w, 1);

	if (p)
		*p = (unsigned char)v;
}

/* An optional string: NULL is written as the length 0xffffffff. */
static void w_ostr(wbuf *w, const char *s)
{
	if (s)
		w_str(w, s);
	else
		w_u32(w, UINT32_MAX);
}

/* Position of entity i in a string table, appending its id when new. */
static uint32_t ord_of(wbuf *tab, uint32_t *n, uint32_t *ord, uint32_t i, const char *id)
{
	if (ord[i] == PWS__NONE) {
		ord[i] = (*n)++;
		w_str(tab, id);
	}
	return ord[i];
}

static const char *team_id(const pws__model *m, uint32_t t)
{
	return TEAM(m, t)->alive ? TEAM(m, t)->id : "";
}

/* Users (the live ones, in index order), packed (image-pack.h); uo[u]
 * receives each position. */
static void enc_users(wbuf *w, const pws__model *m, uint32_t *uo)
{
	pws__packer k;
	uint32_t u, n = 0;

	pws__packer_init(&k);
	for (u = 0; u < m->users.n; u++)
		n += USER(m, u)->alive;
	w_u32(w, n);
	for (u = 0, n = 0; u < m->users.n; u++) {
		const pws__user *U = USER(m, u);
		const char *email, *team;
		size_t idl, el, tl, max;
		unsigned char *p0, *p;

		if (!U->alive)
			continue;
		uo[u] = n++;
		email = pws__atom(m, U->email);
		team = U->team == PWS__NONE ? NULL : team_id(m, U->team);
		idl = strlen(U->id);
		el = strlen(email);
		tl = team ? strlen(team) : 0;
		max = PWS__PACK_USER_MAX(idl, el, tl);
		p0 = w_room(w, max);
		if (!p0)
			return;
		p = pws__pack_user(&k, p0, U->id, idl, email, el, team, tl, team ? U->team_role : 0,
		                   team ? U->pm : 0);
		w->n -= max - (size_t)(p - p0);
	}
}

/* Workspaces, every one, in index order (a position is the index). */
static void enc_workspaces(wbuf *w, const pws__model *m)
{
	uint32_t i;

	w_u32(w, m->wss.n);
	for (i = 0; i < m->wss.n; i++) {
		const pws__ws *W = WS(m, i);

		w_str(w, W->id);
		w_str(w, W->name);
		w_ostr(w, W->summary);
		w_ostr(w, W->description);
		w_ostr(w, W->note);
		w_str(w, team_id(m, W->team));
		w_ostr(w, !W->request || W->requester == PWS__NONE ? NULL
		          : USER(m, W->requester)->alive ? USER(m, W->requester)->id : "");
		w_u8(w, W->vis);
		w_u8(w, W->mode);
		w_u8(w, W->model);
		w_u8(w, W->lc);
		w_u8(w, W->was_partner);
		w_u8(w, W->request);
		w_u8(w, W->integration);
		w_u8(w, 0);
		w_u32(w, W->n_updates);
	}
}

/* The organizations (to) and the rows, packed, in the order of the JSON
 * snapshot: workspace by workspace, group by group, so the load rebuilds
 * the same groups in the same order. */
static uint32_t enc_members(const pws__model *m, const uint32_t *uo, uint32_t *teamo,
                            uint32_t *atomo, wbuf *to, uint32_t *no, wbuf *rows)
{
	pws__packer k;
	uint32_t nrows = 0, i, g, j, x;

	pws__packer_init(&k);
	for (i = 0; i < m->wss.n; i++) {
		const pws__ws *W = WS(m, i);

		PWS__EACH_MEMBER(m, W, g, j, x) {
			uint32_t org = GROUP(m, W->groups.v[g])->key, o;
			uint32_t aux = pws__mslot(m, i, x)->aux;
			unsigned char *p0, *p;

			if (org == PWS__GRP_TEAM)
				o = PWS__NONE;
			else if (W->model == PWS_MODEL_LEGACY)
				o = ord_of(to, no, atomo, org, pws__atom(m, org));
			else
				o = ord_of(to, no, teamo, org, team_id(m, org));
			p0 = w_room(rows, PWS__PACK_ROW_MAX);
			if (!p0)
				continue;
			p = pws__pack_row(&k, p0, i, uo[x], o, pws__seen(m, i, x),
			                  (unsigned)pws__aux_role(aux), (unsigned)pws__aux_lead(aux));
			rows->n -= PWS__PACK_ROW_MAX - (size_t)(p - p0);
			nrows++;
		}
	}
	return nrows;
}

int pws__image_encode(const pws__mem *mem, const pws__model *m, unsigned char **out,
                      size_t *len)
{
	wbuf all;
	uint32_t *uo, *teamo, *atomo;
	unsigned char *p;
	int rc = PWS_OK;

	all = w_new(mem);
	uo = pws__malloc(mem, ((size_t)m->users.n + 1) * sizeof(uint32_t));
	teamo = pws__malloc(mem, ((size_t)m->teams.n + 1) * sizeof(uint32_t));
	atomo = pws__malloc(mem, ((size_t)m->atom_str.n + 1) * sizeof(uint32_t));
	if (!uo || !teamo || !atomo) {
		rc = PWS_ENOMEM;
		goto out;
	}
	memset(uo, 0xff, ((size_t)m->users.n + 1) * sizeof(uint32_t));
	memset(teamo, 0xff, ((size_t)m->teams.n + 1) * sizeof(uint32_t));
	memset(atomo, 0xff, ((size_t)m->atom_str.n + 1) * sizeof(uint32_t));
	p = w_room(&all, 4);
	if (p)
		memcpy(p, PWS__IMAGE_MAGIC, 4);
	w_u32(&all, PWS__IMAGE_VERSION_PACKED);
	enc_users(&all, m, uo);
	{
		/* the workspaces and organizations as in version 1, after their
		 * length */
		wbuf to = w_new(mem), rows = w_new(mem);
		uint32_t no = 0, nrows = enc_members(m, uo, teamo, atomo, &to, &no, &rows);
		size_t at = all.n;

		w_u32(&all, 0);
		enc_workspaces(&all, m);
		w_part(&all, no, &to);
		if (!all.oom)
			le32(all.b + at, (uint32_t)(all.n - at - 4));
		w_part(&all, nrows, &rows);
		if (to.oom || rows.oom)
			all.oom = 1;
		pws__free(mem, to.b);
		pws__free(mem, rows.b);
	}
	if (all.oom)
		rc = PWS_ENOMEM;
out:
	pws__free(mem, uo);
	pws__free(mem, teamo);
	pws__free(mem, atomo);
	if (rc) {
		pws__free(mem, all.b);
		return rc;
	}
	*out = all.b;
	*len = all.n;
	return PWS_OK;
}

static int compact_once(pws_policy *p, pws_result *res);

PWS_EXTERN int pws_compact(pws_policy *p, pws_result *res)
{
	uint64_t applied;
	int i, rc = compact_once(p, res);

	/* another writer appended first: the image must hold its change too,
	 * so catch up and build it again */
	for (i = 0; rc == PWS_ECONFLICT && i < 8; i++) {
		rc = pws__catch_up(p, &applied, NULL, 0);
		if (rc == PWS_OK)
			rc = compact_once(p, res);
	}
	return rc;
}

static int compact_once(pws_policy *p, pws_result *res)
{
	pws__op op;
	char *json = NULL;
	unsigned char *bin = NULL;
	size_t jlen = 0, blen = 0;
	int rc;

	rc = pws__op_begin(&op, p, res);
	if (rc)
		return rc;
	op.no_retry = 1; /* retried whole by pws_compact() */
	if (!p->has_storage || p->seq == 0)
		return pws__op_end(&op, PWS_OK); /* nothing stored: nothing to compact */
	if (!p->storage.del)
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0,
		                                  "the storage table has no del method, which "
		                                  "compaction needs"));
	rc = pws__snapshot_json(op.mem, &p->m, 0, &json, &jlen);
	if (!rc)
		rc = pws__image_encode(op.mem, &p->m, &bin, &blen);
	if (rc) {
		pws__free(op.mem, json);
		pws__free(op.mem, bin);
		/* never taken: EINVALID only for an enum value out of its
		 * names (a corrupt model; x_enum in snapshot.c) */
		if (rc == PWS_EINVALID) /* GCOVR_EXCL_BR_LINE */
			pws__fail(&op, rc, 0, "the state holds a text that is not valid UTF-8, "
			          "which an image (JSON) cannot carry");
		return pws__op_end(&op, rc);
	}
	pws__op_log(&op, PWS__OP_STATE_IMAGE, "bb", json, jlen, (const char *)bin, blen);
	pws__free(op.mem, json);
	pws__free(op.mem, bin);
	if (pws__op_persist_replacing(&op))
		return pws__op_end(&op, PWS_ESTORAGE);
	return pws__op_end(&op, PWS_OK);
}
