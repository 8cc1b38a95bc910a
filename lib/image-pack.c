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
 * One pass over the section, writing the version 1 section into a table
 * that grows as it fills (a kernel mapping moved by mremap when large).
 * The previous user's strings are read back from what was written, by
 * their offsets. */

typedef struct unp {
	const unsigned char *p, *end;
	const pws__mem *mem;
	unsigned char *o;
	size_t n, cap; /* bytes out so far, the table's size */
	int oom;
	char *msg;
	size_t msz;
} unp;

#define BAD(...) (snprintf(u->msg, u->msz, __VA_ARGS__), PWS_EINVALID)

/* Room for k more bytes out: 0, or -1 (u->oom) when memory ran out. */
static int grow(unp *u, size_t k)
{
	size_t cap = u->cap;
	unsigned char *o;

	while (cap - u->n < k)
		cap *= 2;
	o = pws__table_realloc(u->mem, u->o, u->cap, cap);
	if (!o) {
		u->oom = 1;
		return -1;
	}
	u->o = o;
	u->cap = cap;
	return 0;
}

static PWS__ALWAYS_INLINE int room(unp *u, size_t k)
{
	return u->cap - u->n >= k ? 0 : grow(u, k);
}

static int get_var_long(unp *u, uint32_t *v)
{
	uint32_t x = 0;
	int i;

	for (i = 0;; i++) {
		unsigned b;

		if (u->p == u->end)
			return -1;
		b = *u->p++;
		if (i == 4 && b > 0x0f)
			return -1; /* past 32 bits (and a fifth byte with 0x80 set) */
		x |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
}

/* A varint; one byte, the common case, inline */
static PWS__ALWAYS_INLINE int get_var(unp *u, uint32_t *v)
{
	if (u->p != u->end && *u->p < 0x80) {
		*v = *u->p++;
		return 0;
	}
	return get_var_long(u, v);
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

static PWS__ALWAYS_INLINE void le32_at(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

/* 4 bytes out (room made by the caller) */
static PWS__ALWAYS_INLINE void out_u32(unp *u, uint32_t v)
{
	le32_at(u->o + u->n, v);
	u->n += 4;
}

/* A string's length and its place in the output (the previous one's, for
 * the next back-reference). */
typedef struct prev {
	size_t at, l;
	int has;
} prev;

/* 16 bytes from s to d, loaded before stored (the two may overlap) */
static PWS__ALWAYS_INLINE void copy16(unsigned char *d, const unsigned char *s)
{
	uint64_t a, b;

	memcpy(&a, s, 8);
	memcpy(&b, s + 8, 8);
	memcpy(d, &a, 8);
	memcpy(d + 8, &b, 8);
}

/* Copies n input bytes out (room made by reserve_left); -1 when fewer are
 * left. The short strings of a user, the common case, by one 16-byte copy
 * where 16 bytes can be read (the bytes past n are written over next). */
static PWS__ALWAYS_INLINE int copy_in(unp *u, size_t n)
{
	if (n <= 16 && u->end - u->p >= 16) {
		copy16(u->o + u->n, u->p);
	} else {
		if ((size_t)(u->end - u->p) < n)
			return -1;
		memcpy(u->o + u->n, u->p, n);
	}
	u->n += n;
	u->p += n;
	return 0;
}

/* k bytes (at most PWS__PACK_REF_MAX) out from the output's offset at, an
 * earlier string (room made by reserve_left) */
static PWS__ALWAYS_INLINE void copy_back(unp *u, size_t at, size_t k)
{
	if (k <= 16)
		copy16(u->o + u->n, u->o + at);
	else
		memcpy(u->o + u->n, u->o + at, k);
	u->n += k;
}

/* Room for whatever a user, or the workspaces part, can write: every byte
 * left in the input, four back-references, the lengths and '@', and 16
 * for a short copy's overrun. 0, or -1 when memory ran out. */
static PWS__ALWAYS_INLINE int reserve_left(unp *u)
{
	return room(u, (size_t)(u->end - u->p) + 4 * PWS__PACK_REF_MAX + 32);
}

/* A front-coded string (its bytes only; *pv becomes it). */
static int front(unp *u, prev *pv)
{
	uint32_t p, s;
	size_t at = u->n;

	if (get_var(u, &p) || p > pv->l || p > PWS__PACK_REF_MAX || get_var(u, &s))
		return -1;
	copy_back(u, pv->at, p);
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
		copy_back(u, pv->at, pv->l);
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

#define USER_BAD(field) BAD("image.users[%u]%s: truncated or malformed (version 2)", i, field)

static int un_users(unp *u, uint32_t n)
{
	prev id = { 0, 0, 1 }, loc = { 0, 0, 1 }, dom = { 0, 0, 0 }, team = { 0, 0, 0 };
	uint32_t i, d, t;

	out_u32(u, n); /* the table holds 4096 bytes and more: room for the header and this */
	for (i = 0; i < n; i++) {
		size_t len_at;

		if (reserve_left(u))
			return PWS_ENOMEM;
		/* id: its u32 length, then its bytes */
		len_at = u->n;
		u->n += 4;
		if (front(u, &id))
			return USER_BAD(".id");
		le32_at(u->o + len_at, (uint32_t)id.l);
		/* email: the local part, '@' and the domain */
		len_at = u->n;
		u->n += 4;
		if (front(u, &loc) || get_var(u, &d))
			return USER_BAD(".email");
		if (d != 1) {
			u->o[u->n++] = '@';
			if (part(u, &dom, d))
				return USER_BAD(".email");
		} else {
			dom.has = 0;
		}
		le32_at(u->o + len_at, (uint32_t)(u->n - len_at - 4));
		/* team: absent, or its length and bytes */
		if (get_var(u, &t))
			return USER_BAD(".team");
		len_at = u->n;
		u->n += 4;
		if (!t) {
			le32_at(u->o + len_at, UINT32_MAX);
			team.has = 0;
		} else {
			if (part(u, &team, t == 1 ? 0 : t))
				return USER_BAD(".team");
			le32_at(u->o + len_at, (uint32_t)team.l);
		}
		if (copy_in(u, 2))
			return USER_BAD("");
	}
	return PWS_OK;
}

static int un_rows(unp *u, uint32_t n)
{
	uint32_t i, ws = 0, user = 0, d, org, seen;

	/* n <= what is left / 6 (walk): 20 bytes a row out, made room for once */
	if (room(u, 4 + (size_t)n * 20))
		return PWS_ENOMEM;
	out_u32(u, n);
	for (i = 0; i < n; i++) {
		unsigned char *o;

		if (get_var(u, &d))
			return BAD("image.rows[%u]: truncated or malformed (version 2)", i);
		ws += d >> 1 ^ (uint32_t)-(int32_t)(d & 1);
		if (get_var(u, &d) || get_var(u, &org) || get_var(u, &seen) || u->end - u->p < 2)
			return BAD("image.rows[%u]: truncated or malformed (version 2)", i);
		user += d >> 1 ^ (uint32_t)-(int32_t)(d & 1);
		o = u->o + u->n;
		le32_at(o, ws);
		le32_at(o + 4, user);
		le32_at(o + 8, org - 1u);
		le32_at(o + 12, seen);
		o[16] = u->p[0];
		o[17] = u->p[1];
		o[18] = o[19] = 0;
		u->n += 20;
		u->p += 2;
	}
	return PWS_OK;
}

static int walk(unp *u)
{
	uint32_t n, l;
	int rc;

	memcpy(u->o, PWS__IMAGE_MAGIC, 4);
	le32_at(u->o + 4, PWS__IMAGE_VERSION);
	u->n = 8;
	u->p += 8; /* checked by the caller */
	if (get_u32(u, &n))
		return BAD("image.users: truncated");
	/* a user packs into 8 bytes at least */
	if (n > (size_t)(u->end - u->p) / 8)
		return BAD("image.users: truncated");
	rc = un_users(u, n);
	if (rc)
		return rc;
	if (reserve_left(u))
		return PWS_ENOMEM;
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
                      pws__unpacked *out, char *msg, size_t msz)
{
	unp u;
	int rc;

	memset(&u, 0, sizeof u);
	u.p = bin;
	u.end = bin + len;
	u.mem = mem;
	u.msg = msg;
	u.msz = msz;
	/* version 1 takes about three times the bytes of version 2 */
	u.cap = 3 * len + 4096;
	u.o = pws__table_alloc(mem, u.cap);
	if (!u.o)
		return PWS_ENOMEM;
	rc = walk(&u);
	if (rc) {
		pws__table_free(mem, u.o, u.cap);
		return rc;
	}
	out->b = u.o;
	out->len = u.n;
	out->cap = u.cap;
	return PWS_OK;
}

void pws__image_unpacked_free(const pws__mem *mem, pws__unpacked *out)
{
	pws__table_free(mem, out->b, out->cap);
	memset(out, 0, sizeof *out);
}
