/*
 * Bulk loading (pws_load_state): a host's whole state from arrays, checked
 * and built by the import of a state image (image.h) reading the arrays in
 * place, so it is validated by the same code as a snapshot (S1-S17), and
 * swapped in all or nothing; written through as one record holding the
 * arrays' image, which the replay imports.
 * SPDX-License-Identifier: MIT
 */
#include "image.h"
#include "image-pack.h"
#include "orgtab.h"

#include <stdio.h>
#include <string.h>

static void put32(unsigned char **q, uint32_t v)
{
	unsigned char *p = *q;

	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
	*q = p + 4;
}

static void put_str(unsigned char **q, const char *s, size_t l)
{
	put32(q, (uint32_t)l);
	memcpy(*q, s, l);
	*q += l;
}

/* An optional string (NULL: the length 0xffffffff). */
static void put_ostr(unsigned char **q, const char *s)
{
	if (s)
		put_str(q, s, strlen(s));
	else
		put32(q, UINT32_MAX);
}

static void put8(unsigned char **q, int v)
{
	*(*q)++ = (unsigned char)v;
}

/* A byte field: 0..255, else the whole load is refused. */
static int byte_ok(int v)
{
	return v >= 0 && v <= 255;
}

#define BAD(...) (snprintf(msg, msz, __VA_ARGS__), PWS_EINVALID)

/* The counts and arrays, checked before anything is allocated for them
 * (a hostile count must not size an allocation). */
static int counts_ok(const pws_load *l, char *msg, size_t msz)
{
	if (l->n_users >= UINT32_MAX || l->n_workspaces >= UINT32_MAX ||
	    l->n_memberships >= UINT32_MAX)
		return BAD("more than 4294967294 users, workspaces or memberships");
	/* a user index has 29 bits (model.h): told before any array is read */
	if (l->n_users > PWS__USERS_MAX)
		return BAD("users: %zu users, over the limit of %u a handle holds", l->n_users,
		           PWS__USERS_MAX);
	if ((l->n_users && !l->users) || (l->n_workspaces && !l->workspaces) ||
	    (l->n_memberships && !l->memberships))
		return BAD("an array is NULL but its count is not 0");
	return PWS_OK;
}

/* Checks what the image cannot carry (NULL strings, positions, counts,
 * values beyond a byte) and sizes the image; the importer checks the rest. */
static int measure(const pws_load *l, pws__orgtab *ot, uint32_t *orgs, size_t *size,
                   size_t *str_bytes, char *msg, size_t msz)
{
	/* magic and version; the counts of users, workspaces, organizations
	 * and rows, and the length of the workspaces and organizations */
	size_t i, n = 8 + 4 + 4 + 4 + 4 + 4, sb = 0;

	for (i = 0; i < l->n_users; i++) {
		const pws_load_user *u = &l->users[i];

		if (!u->id || !u->email)
			return BAD("users[%zu]: id and email must not be NULL", i);
		if (!byte_ok(u->team_role) || !byte_ok(u->partner_manager))
			return BAD("users[%zu]: team_role or partner_manager out of range", i);
		{
			size_t li = strlen(u->id), le = strlen(u->email);

			n += PWS__PACK_USER_MAX(li, le, u->team_id ? strlen(u->team_id) : 0);
			sb += li + 1 + le + 1; /* the model's copies */
		}
	}
	for (i = 0; i < l->n_workspaces; i++) {
		const pws_load_workspace *w = &l->workspaces[i];

		if (!w->id || !w->name || !w->team_id)
			return BAD("workspaces[%zu]: id, name and team_id must not be NULL", i);
		if (!byte_ok(w->visibility) || !byte_ok(w->mode) || !byte_ok(w->model))
			return BAD("workspaces[%zu]: visibility, mode or model out of range", i);
		n += 4 + strlen(w->id) + 4 + strlen(w->name) + 4 * 3 + 4 + strlen(w->team_id) + 4 +
		     8 + 4;
	}
	for (i = 0; i < l->n_memberships; i++) {
		const pws_load_membership *m = &l->memberships[i];

		if (m->workspace >= l->n_workspaces)
			return BAD("memberships[%zu].workspace: %u is not a position in workspaces "
			           "(%zu)", i, m->workspace, l->n_workspaces);
		if (m->user >= l->n_users)
			return BAD("memberships[%zu].user: %u is not a position in users (%zu)", i,
			           m->user, l->n_users);
		if (!byte_ok(m->role) || !byte_ok(m->lead))
			return BAD("memberships[%zu]: role or lead out of range", i);
		orgs[i] = UINT32_MAX;
		if (m->org) {
			/* consecutive memberships often share their organization */
			if (i && l->memberships[i - 1].org == m->org)
				orgs[i] = orgs[i - 1];
			else if ((orgs[i] = pws__orgtab_pos(ot, m->org)) == UINT32_MAX)
				return PWS_ENOMEM;
		}
	}
	n += ot->bytes + (size_t)l->n_memberships * PWS__PACK_ROW_MAX;
	*size = n;
	*str_bytes = sb;
	return PWS_OK;
}

/* The arrays' image (version 2, image-pack.h) at q, in the room measure
 * counted; returns its end. */
static unsigned char *encode(const pws_load *l, const pws__orgtab *ot, const uint32_t *orgs,
                             unsigned char *q)
{
	pws__packer k;
	unsigned char *part;
	size_t i;

	memcpy(q, PWS__IMAGE_MAGIC, 4);
	q += 4;
	put32(&q, PWS__IMAGE_VERSION_PACKED);
	put32(&q, (uint32_t)l->n_users);
	pws__packer_init(&k);
	for (i = 0; i < l->n_users; i++) {
		const pws_load_user *u = &l->users[i];

		q = pws__pack_user(&k, q, u->id, strlen(u->id), u->email, strlen(u->email), u->team_id,
		                   u->team_id ? strlen(u->team_id) : 0, (unsigned)u->team_role,
		                   (unsigned)u->partner_manager);
	}
	/* the workspaces and organizations as in version 1, after their length */
	part = q;
	q += 4;
	put32(&q, (uint32_t)l->n_workspaces);
	for (i = 0; i < l->n_workspaces; i++) {
		const pws_load_workspace *w = &l->workspaces[i];
		int partner = w->visibility == PWS_VIS_PARTNER;

		put_str(&q, w->id, strlen(w->id));
		put_str(&q, w->name, strlen(w->name));
		put_ostr(&q, NULL); /* summary */
		put_ostr(&q, NULL); /* description */
		put_ostr(&q, NULL); /* note */
		put_str(&q, w->team_id, strlen(w->team_id));
		put_ostr(&q, NULL); /* requester */
		put8(&q, w->visibility);
		put8(&q, w->mode ? w->mode : partner ? PWS_MODE_SINGLE : 0);
		put8(&q, w->model ? w->model : partner ? PWS_MODEL_TEAM_TO_TEAM : 0);
		put8(&q, PWS_LC_ACTIVE);
		put8(&q, partner);
		put8(&q, 0); /* request */
		put8(&q, 0); /* integration */
		put8(&q, 0);
		put32(&q, 0); /* n_updates */
	}
	put32(&q, ot->n);
	for (i = 0; i < ot->n; i++)
		put_str(&q, ot->str[i], strlen(ot->str[i]));
	put32(&part, (uint32_t)(q - part - 4));
	put32(&q, (uint32_t)l->n_memberships);
	pws__packer_init(&k);
	for (i = 0; i < l->n_memberships; i++) {
		const pws_load_membership *m = &l->memberships[i];

		q = pws__pack_row(&k, q, m->workspace, m->user, orgs[i], 0, (unsigned)m->role,
		                  (unsigned)m->lead);
	}
	return q;
}

/* pws_load_state, or (via_image, tests only) the load as sessions before
 * the arrays were read in place made it: the arrays' image encoded, then
 * imported as an image. */
static int load_state(pws_policy *p, const pws_load *l, int via_image, pws_result *res)
{
	static const char no_json[] = "{\"format\": 1}";
	char msg[PWS_RESULT_MESSAGE_SIZE];
	pws__orgtab ot;
	pws__load_src src;
	uint32_t *orgs = NULL;
	unsigned char *bin = NULL;
	size_t size = 0, bin_len = 0, str_bytes = 0;
	pws__rec rec;
	/* written through: the image is encoded into its record, not copied */
	int in_rec;
	const char *json;
	size_t jlen;
	int rc;

	if (res && (res->version == 0 || res->version > PWS_RESULT_VERSION))
		return PWS_EINVALID;
	if (!p)
		return pws__result_simple(res, PWS_EINVALID, "policy handle is NULL");
	if (!l || l->version != PWS_LOAD_VERSION)
		return pws__result_simple(res, PWS_EINVALID,
		                          "load is NULL or its version is not PWS_LOAD_VERSION");
	if (!l->json && l->json_len)
		return pws__result_simple(res, PWS_EINVALID, "json is NULL but json_len is not 0");
	json = l->json ? l->json : no_json;
	jlen = l->json ? l->json_len : sizeof no_json - 1;
	/* a host's call never runs while its handle replays the store (the
	 * handle is not the host's until the replay is over) */
	in_rec = p->has_storage && !p->replaying && !via_image; /* GCOVR_EXCL_BR_LINE: replaying, see above */
	memset(&rec, 0, sizeof rec);
	/* the host's strings: placed by the handle's keyed hash */
	pws__orgtab_init(&ot, &p->mem, p->m.seed);
	msg[0] = 0;
	rc = counts_ok(l, msg, sizeof msg);
	if (!rc && !(orgs = pws__temp_table_alloc(&p->mem, (l->n_memberships + 1) * sizeof *orgs)))
		rc = PWS_ENOMEM;
	if (!rc)
		rc = measure(l, &ot, orgs, &size, &str_bytes, msg, sizeof msg);
	if (!rc && in_rec) {
		pws__rec_start(&p->mem, &rec, PWS__OP_STATE_IMAGE);
		/* header, two bytes arguments ('s', length, bytes), checksum */
		pws__rec_reserve(&p->mem, &rec, 6 + 5 + jlen + 5 + size + PWS__REC_CRC_LEN);
		pws__rec_bytes(&p->mem, &rec, json, jlen);
		if (!(bin = pws__rec_bytes_room(&p->mem, &rec, size)))
			rc = PWS_ENOMEM;
	} else if (!rc && via_image && !(bin = pws__table_alloc(&p->mem, size))) { /* GCOVR_EXCL_BR_LINE: the tests' comparison, run with memory */
		rc = PWS_ENOMEM;
	}
	if (!rc) {
		/* in memory, the arrays are all there is: no image */
		if (bin) {
			size_t used = (size_t)(encode(l, &ot, orgs, bin) - bin);

			if (in_rec)
				pws__rec_bytes_trim(&rec, bin, used);
			else
				bin_len = used;
		}
		src.l = l;
		src.orgs = ot.str;
		src.n_orgs = ot.n;
		src.org_of = orgs;
		src.str_bytes = str_bytes;
		rc = via_image ? pws__image_load(p, json, jlen, bin, bin_len, res)
		               : pws__arrays_load(p, json, jlen, &src, in_rec ? &rec : NULL, res);
		/* the image's positions are the arrays' ones: name the arrays */
		if (rc && res && strncmp(res->message, "image.", 6) == 0)
			memmove(res->message, res->message + 6, strlen(res->message + 6) + 1);
		if (rc && res && strncmp(res->message, "rows[", 5) == 0) {
			char t[PWS_RESULT_MESSAGE_SIZE];

			snprintf(t, sizeof t, "memberships%s", res->message + 4);
			memcpy(res->message, t, sizeof t);
		}
	} else {
		rc = pws__result_simple(res, rc, rc == PWS_ENOMEM ? "out of memory" : msg);
	}
	if (in_rec)
		pws__rec_free(&p->mem, &rec);
	else if (bin)
		pws__table_free(&p->mem, bin, size);
	if (orgs)
		pws__temp_table_free(&p->mem, orgs, (l->n_memberships + 1) * sizeof *orgs);
	pws__orgtab_free(&ot);
	return rc;
}

PWS_EXTERN int pws_load_state(pws_policy *p, const pws_load *l, pws_result *res)
{
	return load_state(p, l, 0, res);
}

int pws__load_state_via_image(pws_policy *p, const pws_load *l, pws_result *res)
{
	return load_state(p, l, 1, res);
}
