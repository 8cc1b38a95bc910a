/*
 * State images, version 2 (image-pack.h): packing a user and a row, and
 * unpacking a section into the version 1 one it packs.
 * SPDX-License-Identifier: MIT
 */
#include "image-pack.h"
#include "image.h"

#include <stdio.h>
#include <string.h>

/* --- packing ------------------------------------------------------------ */

static unsigned char *put_var(unsigned char *q, uint32_t v)
{
	while (v >= 0x80) {
		*q++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*q++ = (unsigned char)v;
	return q;
}

static uint32_t zigzag(uint32_t d)
{
	return d << 1 ^ (uint32_t)-(int32_t)(d >> 31);
}

/* s against prev: the shared prefix (at most PWS__PACK_REF_MAX), then the rest */
static unsigned char *put_front(unsigned char *q, const char *prev, size_t prevl, const char *s,
                                size_t l)
{
	size_t p = 0, lim = prevl < l ? prevl : l;

	if (lim > PWS__PACK_REF_MAX)
		lim = PWS__PACK_REF_MAX;
	while (p < lim && prev[p] == s[p])
		p++;
	q = put_var(q, (uint32_t)p);
	q = put_var(q, (uint32_t)(l - p));
	memcpy(q, s + p, l - p);
	return q + (l - p);
}

static int repeats(int has, const char *prev, size_t prevl, const char *s, size_t l)
{
	return has && prevl == l && l <= PWS__PACK_REF_MAX && memcmp(prev, s, l) == 0;
}

void pws__packer_init(pws__packer *k)
{
	memset(k, 0, sizeof *k);
	k->id = k->loc = k->dom = k->team = "";
}

unsigned char *pws__pack_user(pws__packer *k, unsigned char *q, const char *id, size_t idl,
                              const char *email, size_t eml, const char *team, size_t teaml,
                              unsigned role, unsigned pm)
{
	size_t at = eml;

	q = put_front(q, k->id, k->idl, id, idl);
	k->id = id;
	k->idl = idl;
	while (at && email[at - 1] != '@')
		at--;
	if (!at) { /* no '@' */
		q = put_front(q, k->loc, k->locl, email, eml);
		q = put_var(q, 1);
		k->loc = email;
		k->locl = eml;
		k->has_dom = 0;
	} else {
		const char *dom = email + at;
		size_t doml = eml - at;

		q = put_front(q, k->loc, k->locl, email, at - 1);
		k->loc = email;
		k->locl = at - 1;
		if (repeats(k->has_dom, k->dom, k->doml, dom, doml)) {
			*q++ = 0;
		} else {
			q = put_var(q, (uint32_t)doml + 2);
			memcpy(q, dom, doml);
			q += doml;
		}
		k->dom = dom;
		k->doml = doml;
		k->has_dom = 1;
	}
	if (!team) {
		*q++ = 0;
	} else if (repeats(k->has_team, k->team, k->teaml, team, teaml)) {
		*q++ = 1;
	} else {
		q = put_var(q, (uint32_t)teaml + 2);
		memcpy(q, team, teaml);
		q += teaml;
	}
	k->team = team ? team : "";
	k->teaml = team ? teaml : 0;
	k->has_team = team != NULL;
	*q++ = (unsigned char)role;
	*q++ = (unsigned char)pm;
	return q;
}

unsigned char *pws__pack_row(pws__packer *k, unsigned char *q, uint32_t ws, uint32_t user,
                             uint32_t org, uint32_t seen, unsigned role, unsigned lead)
{
	q = put_var(q, zigzag(ws - k->ws));
	q = put_var(q, zigzag(user - k->user));
	q = put_var(q, org + 1u);
	q = put_var(q, seen);
	*q++ = (unsigned char)role;
	*q++ = (unsigned char)lead;
	k->ws = ws;
	k->user = user;
	return q;
}

/* --- unpacking ------------------------------------------------------------
 * Two passes over the section: the first (o NULL) checks its framing and
 * counts the bytes of the version 1 section, the second writes them. The
 * previous user's strings are read back from what the second pass wrote. */

typedef struct unp {
	const unsigned char *p, *end;
	unsigned char *o; /* NULL: counting */
	size_t n;         /* bytes out so far */
	char *msg;
	size_t msz;
} unp;

#define BAD(...) (snprintf(u->msg, u->msz, __VA_ARGS__), PWS_EINVALID)

static int get_var(unp *u, uint32_t *v)
{
	uint32_t x = 0;
	int i;

	for (i = 0; i < 5; i++) {
		unsigned b;

		if (u->p == u->end)
			return -1;
		b = *u->p++;
		if (i == 4 && b > 0x0f)
			return -1; /* past 32 bits */
		x |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1; /* GCOVR_EXCL_LINE: the fifth byte's test above returns first */
}

static int get_u32(unp *u, uint32_t *v)
{
	if (u->end - u->p < 4)
		return -1;
	*v = (uint32_t)u->p[0] | (uint32_t)u->p[1] << 8 | (uint32_t)u->p[2] << 16 |
	     (uint32_t)u->p[3] << 24;
	u->p += 4;
	return 0;
}

static void le32_at(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

static void out(unp *u, const void *b, size_t l)
{
	if (u->o && l)
		memcpy(u->o + u->n, b, l);
	u->n += l;
}

static void out_u32(unp *u, uint32_t v)
{
	unsigned char b[4];

	le32_at(b, v);
	out(u, b, 4);
}

/* A string's length and its place in the output (the previous one's, for
 * the next back-reference). */
typedef struct prev {
	size_t at, l;
	int has;
} prev;

/* Copies n input bytes to the output; -1 when fewer are left. */
static int copy_in(unp *u, size_t n)
{
	if ((size_t)(u->end - u->p) < n)
		return -1;
	out(u, u->p, n);
	u->p += n;
	return 0;
}

/* A front-coded string (its bytes only; *pv becomes it). */
static int front(unp *u, prev *pv)
{
	uint32_t p, s;
	size_t at = u->n;

	if (get_var(u, &p) || p > pv->l || p > PWS__PACK_REF_MAX || get_var(u, &s))
		return -1;
	if (u->o)
		memmove(u->o + u->n, u->o + pv->at, p);
	u->n += p;
	if (copy_in(u, s))
		return -1;
	pv->at = at;
	pv->l = (size_t)p + s;
	return 0;
}

/* A back-referenced part (domain, team): v 0 (domain) or 1 (team) repeats
 * *pv, v >= 2 holds v - 2 bytes. */
static int part(unp *u, prev *pv, uint32_t v)
{
	size_t at = u->n;

	if (v < 2) {
		if (!pv->has || pv->l > PWS__PACK_REF_MAX)
			return -1;
		if (u->o)
			memmove(u->o + u->n, u->o + pv->at, pv->l);
		u->n += pv->l;
		pv->at = at;
		return 0;
	}
	if (copy_in(u, v - 2))
		return -1;
	pv->at = at;
	pv->l = v - 2;
	pv->has = 1;
	return 0;
}

static int un_users(unp *u, uint32_t n)
{
	prev id = { 0, 0, 1 }, loc = { 0, 0, 1 }, dom = { 0, 0, 0 }, team = { 0, 0, 0 };
	uint32_t i, d, t;

	out_u32(u, n);
	for (i = 0; i < n; i++) {
		size_t len_at;

		/* id: its u32 length, then its bytes */
		len_at = u->n;
		out_u32(u, 0);
		if (front(u, &id))
			return BAD("image.users[%u].id: truncated or malformed (version 2)", i);
		if (u->o)
			le32_at(u->o + len_at, (uint32_t)id.l);
		/* email: the local part, '@' and the domain */
		len_at = u->n;
		out_u32(u, 0);
		if (front(u, &loc) || get_var(u, &d))
			return BAD("image.users[%u].email: truncated or malformed (version 2)", i);
		if (d != 1) {
			out(u, "@", 1);
			if (part(u, &dom, d))
				return BAD("image.users[%u].email: truncated or malformed (version 2)", i);
		} else {
			dom.has = 0;
		}
		if (u->o)
			le32_at(u->o + len_at, (uint32_t)(u->n - len_at - 4));
		/* team: absent, or its length and bytes */
		if (get_var(u, &t))
			return BAD("image.users[%u].team: truncated or malformed (version 2)", i);
		if (!t) {
			out_u32(u, UINT32_MAX);
			team.has = 0;
		} else {
			len_at = u->n;
			out_u32(u, 0);
			if (part(u, &team, t == 1 ? 0 : t))
				return BAD("image.users[%u].team: truncated or malformed (version 2)", i);
			if (u->o)
				le32_at(u->o + len_at, (uint32_t)team.l);
		}
		if (copy_in(u, 2))
			return BAD("image.users[%u]: truncated (version 2)", i);
	}
	return PWS_OK;
}

static int un_rows(unp *u, uint32_t n)
{
	uint32_t i, ws = 0, user = 0, d, org, seen;

	out_u32(u, n);
	for (i = 0; i < n; i++) {
		if (get_var(u, &d))
			return BAD("image.rows[%u]: truncated or malformed (version 2)", i);
		ws += d >> 1 ^ (uint32_t)-(int32_t)(d & 1);
		if (get_var(u, &d) || get_var(u, &org) || get_var(u, &seen) || u->end - u->p < 2)
			return BAD("image.rows[%u]: truncated or malformed (version 2)", i);
		user += d >> 1 ^ (uint32_t)-(int32_t)(d & 1);
		out_u32(u, ws);
		out_u32(u, user);
		out_u32(u, org - 1u);
		out_u32(u, seen);
		out(u, u->p, 2);
		out(u, "\0\0", 2);
		u->p += 2;
	}
	return PWS_OK;
}

static int walk(unp *u)
{
	uint32_t n, l;
	int rc;

	u->n = 0;
	out(u, PWS__IMAGE_MAGIC, 4);
	out_u32(u, PWS__IMAGE_VERSION);
	u->p += 8; /* checked by the caller */
	if (get_u32(u, &n))
		return BAD("image.users: truncated");
	/* a user packs into 7 bytes at least */
	if (n > (size_t)(u->end - u->p) / 7)
		return BAD("image.users: truncated");
	rc = un_users(u, n);
	if (rc)
		return rc;
	if (get_u32(u, &l) || copy_in(u, l))
		return BAD("image.workspaces: truncated (version 2)");
	if (get_u32(u, &n) || n > (size_t)(u->end - u->p) / 6)
		return BAD("image.rows: truncated");
	rc = un_rows(u, n);
	if (!rc && u->p != u->end)
		rc = BAD("image.rows: %zu bytes after the last row", (size_t)(u->end - u->p));
	return rc;
}

int pws__image_unpack(const pws__mem *mem, const unsigned char *bin, size_t len,
                      unsigned char **out_b, size_t *out_len, char *msg, size_t msz)
{
	unp u;
	int rc;

	memset(&u, 0, sizeof u);
	u.p = bin;
	u.end = bin + len;
	u.msg = msg;
	u.msz = msz;
	rc = walk(&u);
	if (rc)
		return rc;
	*out_len = u.n;
	u.o = pws__temp_table_alloc(mem, u.n);
	if (!u.o)
		return PWS_ENOMEM;
	u.p = bin;
	rc = walk(&u);
	/* the same bytes walk the same way */
	if (rc) { /* GCOVR_EXCL_BR_LINE */
		pws__temp_table_free(mem, u.o, *out_len); /* GCOVR_EXCL_LINE */
		return rc;                                  /* GCOVR_EXCL_LINE */
	}
	*out_b = u.o;
	return PWS_OK;
}

void pws__image_unpacked_free(const pws__mem *mem, unsigned char *b, size_t len)
{
	pws__temp_table_free(mem, b, len);
}
