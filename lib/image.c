/*
 * Compaction: the whole state written as one record (a state image) that
 * replaces every stored record before it, so that loading costs what the
 * state holds rather than the history that built it.
 * SPDX-License-Identifier: MIT
 */
#include "image.h"
#include "record.h"

#include <string.h>

/* A growable byte buffer; oom sticks. */
typedef struct wbuf {
	const pws__mem *mem;
	unsigned char *b;
	size_t n, cap;
	int oom;
} wbuf;

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

/* Position of entity i in a string table, appending its id when new. */
static uint32_t ord_of(wbuf *tab, uint32_t *n, uint32_t *ord, uint32_t i, const char *id)
{
	if (ord[i] == PWS__NONE) {
		ord[i] = (*n)++;
		w_str(tab, id);
	}
	return ord[i];
}

int pws__image_members_encode(const pws__mem *mem, const pws__model *m, unsigned char **out,
                              size_t *len)
{
	wbuf tw, tu, to, rows, all;
	uint32_t *wo, *uo, *teamo, *atomo;
	uint32_t nw = 0, nu = 0, no = 0, nrows = 0, i, g, k, mi;
	int rc = PWS_OK;

	memset(&tw, 0, sizeof tw);
	tw.mem = mem;
	tu = to = rows = all = tw;
	wo = pws__malloc(mem, ((size_t)m->wss.n + 1) * sizeof(uint32_t));
	uo = pws__malloc(mem, ((size_t)m->users.n + 1) * sizeof(uint32_t));
	teamo = pws__malloc(mem, ((size_t)m->teams.n + 1) * sizeof(uint32_t));
	atomo = pws__malloc(mem, ((size_t)m->atom_str.n + 1) * sizeof(uint32_t));
	if (!wo || !uo || !teamo || !atomo) {
		rc = PWS_ENOMEM;
		goto out;
	}
	memset(wo, 0xff, ((size_t)m->wss.n + 1) * sizeof(uint32_t));
	memset(uo, 0xff, ((size_t)m->users.n + 1) * sizeof(uint32_t));
	memset(teamo, 0xff, ((size_t)m->teams.n + 1) * sizeof(uint32_t));
	memset(atomo, 0xff, ((size_t)m->atom_str.n + 1) * sizeof(uint32_t));
	/* the order of the JSON snapshot: workspace by workspace, group by
	 * group, so the import rebuilds the same groups in the same order */
	for (i = 0; i < m->wss.n; i++) {
		const pws__ws *W = WS(m, i);

		PWS__EACH_MEMBER(m, W, g, k, mi) {
			const pws__member *x = MEMB(m, mi);
			uint32_t org = pws__morg(m, mi), o;
			unsigned char *p;

			if (!x->alive)
				continue;
			if (org == PWS__GRP_TEAM)
				o = PWS__NONE;
			else if (W->model == PWS_MODEL_LEGACY)
				o = ord_of(&to, &no, atomo, org, pws__atom(m, org));
			else
				o = ord_of(&to, &no, teamo, org, TEAM(m, org)->alive ? TEAM(m, org)->id : "");
			p = w_room(&rows, PWS__IMAGE_ROW);
			if (!p)
				continue;
			le32(p, ord_of(&tw, &nw, wo, i, W->id));
			le32(p + 4, ord_of(&tu, &nu, uo, x->user, USER(m, x->user)->id));
			le32(p + 8, o);
			le32(p + 12, pws__seen(m, i, x->user));
			p[16] = x->role;
			p[17] = x->lead;
			p[18] = p[19] = 0;
			nrows++;
		}
	}
	{
		unsigned char *p = w_room(&all, 4);

		if (p)
			memcpy(p, PWS__IMAGE_MAGIC, 4);
	}
	w_u32(&all, PWS__IMAGE_VERSION);
	w_part(&all, nw, &tw);
	w_part(&all, nu, &tu);
	w_part(&all, no, &to);
	w_part(&all, nrows, &rows);
	if (tw.oom || tu.oom || to.oom || rows.oom || all.oom)
		rc = PWS_ENOMEM;
out:
	pws__free(mem, wo);
	pws__free(mem, uo);
	pws__free(mem, teamo);
	pws__free(mem, atomo);
	pws__free(mem, tw.b);
	pws__free(mem, tu.b);
	pws__free(mem, to.b);
	pws__free(mem, rows.b);
	if (rc) {
		pws__free(mem, all.b);
		return rc;
	}
	*out = all.b;
	*len = all.n;
	return PWS_OK;
}

PWS_EXTERN int pws_compact(pws_policy *p, pws_result *res)
{
	pws__op op;
	char *json = NULL;
	unsigned char *bin = NULL;
	size_t jlen = 0, blen = 0;
	int rc;

	rc = pws__op_begin(&op, p, res);
	if (rc)
		return rc;
	if (!p->has_storage || p->seq == 0)
		return pws__op_end(&op, PWS_OK); /* nothing stored: nothing to compact */
	if (!p->storage.del)
		return pws__op_end(&op, pws__fail(&op, PWS_EINVALID, 0,
		                                  "the storage table has no del method, which "
		                                  "compaction needs"));
	rc = pws__snapshot_json(op.mem, &p->m, 0, &json, &jlen);
	if (!rc)
		rc = pws__image_members_encode(op.mem, &p->m, &bin, &blen);
	if (rc) {
		pws__free(op.mem, json);
		pws__free(op.mem, bin);
		if (rc == PWS_EINVALID) /* a text that is not UTF-8 (see snapshots) */
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
