/*
 * Whole-state JSON snapshots (format: doc/SNAPSHOT.md).
 *
 * Export walks the model under the read lock and writes every piece of
 * logical state (what pws__model_digest covers) by id, never by index.
 * Import parses with jansson, then validates and builds a brand-new model
 * in one pass through the model's own reserve/apply helpers; the handle is
 * touched only at the end, when the new model is swapped in under the
 * write lock. Any failure frees the new model and leaves the handle as it
 * was.
 *
 * Removed entities: a removed team or user, or an element deleted for
 * good, keeps its slot with the id "" (see ops-directory.c, ops-elements.c)
 * and records may still point at it (a workspace of a removed team, a post
 * of a removed user, the monitor of a collection deleted for good...). The
 * snapshot writes such a reference as "", and import points it at one
 * "removed" slot per kind, exactly like the ones the API leaves behind.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "email.h"
#include "image.h"
#include "image-pack.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* --- enum names (index + 1 is the C value; 0 is written as null) ------------ */

static const char *const PLAN_NAMES[] = { "free", "basic", "professional", "enterprise", NULL };
static const char *const TEAM_ROLE_NAMES[] = { "member", "admin", "super_admin", NULL };
static const char *const VIS_NAMES[] = { "personal", "private", "team", "partner", "public",
                                         NULL };
static const char *const MODE_NAMES[] = { "single", "multi", NULL };
static const char *const MODEL_NAMES[] = { "team_to_team", "legacy", NULL };
static const char *const LC_NAMES[] = { "pending_approval", "active", "deleted", NULL };
static const char *const REQ_NAMES[] = { "create", "convert", NULL };
static const char *const ROLE_NAMES[] = { "viewer", "editor", "admin", NULL };
static const char *const INV_KIND_NAMES[] = { "partner", "member", NULL };
static const char *const EL_KIND_NAMES[] = { "collection", "environment", "api", "monitor",
                                             "mock_server", NULL };
static const char *const EL_STATE_NAMES[] = { "live", "trash", NULL };

/* jansson's json_is_* without their test for NULL, for values known to be
 * there (a member found, an element within its array's size): that test
 * could never fail, so it is left out. */
static int jis(const json_t *v, json_type t)
{
	return json_typeof(v) == t;
}

static unsigned names_count(const char *const *names)
{
	unsigned n = 0;

	while (names[n])
		n++;
	return n;
}

/* ============================================================================
 * Export
 * ========================================================================== */

typedef struct exporter {
	const pws__model *m;
	int rc;                /* first failure: PWS_ENOMEM or PWS_EINVALID */
	int members;           /* 0: memberships go to an image's binary section */
} exporter;

static void x_fail(exporter *x, int rc)
{
	if (!x->rc)
		x->rc = rc;
}

/* Every builder below accepts NULL (a failed allocation further down) and
 * then only records the failure, so records are built completely and
 * attached last, and no pointer is used after it was handed over. */

static json_t *x_str(exporter *x, const char *s)
{
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	/* Every stored string was checked as UTF-8 when it came in (ids,
	 * names, texts, addresses), so jansson can only fail for memory. (A
	 * probe with json_string_nocheck told ENOMEM for EINVALID whenever
	 * only the first allocation failed.) */
	if (!v)
		x_fail(x, PWS_ENOMEM);
	return v;
}

static json_t *x_u64(uint64_t v)
{
	char buf[24];

	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	/* JSON integers are read as signed 64-bit: larger values are strings */
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_string(buf);
}

static json_t *x_enum(exporter *x, const char *const *names, unsigned v)
{
	if (v == 0)
		return json_null();
	/* the model holds only values read from these names: never taken */
	if (v > names_count(names)) { /* GCOVR_EXCL_BR_LINE */
		x_fail(x, PWS_EINVALID); /* corrupt model: never write a value we cannot read */
		return NULL;
	}
	return json_string(names[v - 1]);
}

static void x_put(exporter *x, json_t *obj, const char *key, json_t *v)
{
	if (!v) {
		x_fail(x, PWS_ENOMEM);
		return;
	}
	/* An image is read back only by this library: it leaves out what
	 * reads back the same when absent (null, and false, which every
	 * boolean defaults to), to parse faster. */
	if (!x->members && (jis(v, JSON_NULL) || jis(v, JSON_FALSE))) {
		json_decref(v);
		return;
	}
	if (json_object_set_new(obj, key, v))
		x_fail(x, PWS_ENOMEM);
}

static void x_push(exporter *x, json_t *arr, json_t *v)
{
	if (json_array_append_new(arr, v))
		x_fail(x, PWS_ENOMEM);
}

/* References: the id, "" for a removed entity, null for none. */
static json_t *x_team(exporter *x, uint32_t t)
{
	if (t == PWS__NONE)
		return json_null();
	return x_str(x, TEAM(x->m, t)->alive ? TEAM(x->m, t)->id : "");
}

static json_t *x_user(exporter *x, uint32_t u)
{
	if (u == PWS__NONE)
		return json_null();
	return x_str(x, USER(x->m, u)->alive ? USER(x->m, u)->id : "");
}

static json_t *x_elem(exporter *x, uint32_t e)
{
	if (e == PWS__NONE)
		return json_null();
	return x_str(x, ELEM(x->m, e)->state == PWS__EL_GONE ? "" : ELEM(x->m, e)->id);
}

static json_t *x_teams(exporter *x)
{
	const pws__model *m = x->m;
	json_t *arr = json_array();
	uint32_t i, j;

	for (i = 0; i < m->teams.n; i++) {
		const pws__team *t = TEAM(m, i);
		json_t *o, *doms;

		if (!t->alive)
			continue;
		o = json_object();
		doms = json_array();
		for (j = 0; j < t->domains.n; j++)
			x_push(x, doms, x_str(x, pws__atom(m, t->domains.v[j])));
		x_put(x, o, "id", x_str(x, t->id));
		x_put(x, o, "name", x_str(x, t->name));
		x_put(x, o, "plan", x_enum(x, PLAN_NAMES, t->plan));
		x_put(x, o, "sso", json_boolean(t->sso));
		x_put(x, o, "seats", json_integer(t->seats));
		x_put(x, o, "domains", doms);
		x_push(x, arr, o);
	}
	return arr;
}

static json_t *x_users(exporter *x)
{
	const pws__model *m = x->m;
	json_t *arr = json_array();
	uint32_t i;

	for (i = 0; i < m->users.n; i++) {
		const pws__user *u = USER(m, i);
		json_t *o;

		if (!u->alive)
			continue;
		o = json_object();
		x_put(x, o, "id", x_str(x, u->id));
		x_put(x, o, "email", x_str(x, pws__atom(m, u->email)));
		x_put(x, o, "team", x_team(x, u->team));
		x_put(x, o, "team_role", u->team == PWS__NONE ? json_null()
		                         : x_enum(x, TEAM_ROLE_NAMES, u->team_role));
		x_put(x, o, "partner_manager", json_boolean(u->pm));
		x_push(x, arr, o);
	}
	return arr;
}

static json_t *x_workspaces(exporter *x)
{
	const pws__model *m = x->m;
	json_t *arr = json_array();
	uint32_t i;

	for (i = 0; i < m->wss.n; i++) {
		const pws__ws *w = WS(m, i);
		json_t *o = json_object();

		x_put(x, o, "id", x_str(x, w->id));
		x_put(x, o, "name", x_str(x, w->name));
		x_put(x, o, "summary", x_str(x, w->summary));
		x_put(x, o, "description", x_str(x, w->description));
		x_put(x, o, "note", x_str(x, w->note));
		x_put(x, o, "team", x_team(x, w->team));
		x_put(x, o, "visibility", x_enum(x, VIS_NAMES, w->vis));
		x_put(x, o, "mode", x_enum(x, MODE_NAMES, w->mode));
		x_put(x, o, "model", x_enum(x, MODEL_NAMES, w->model));
		x_put(x, o, "lifecycle", x_enum(x, LC_NAMES, w->lc));
		x_put(x, o, "was_partner", json_boolean(w->was_partner));
		x_put(x, o, "request", x_enum(x, REQ_NAMES, w->request));
		x_put(x, o, "requester", x_user(x, w->requester));
		x_put(x, o, "integration", json_boolean(w->integration));
		x_put(x, o, "n_updates", json_integer(w->n_updates));
		x_push(x, arr, o);
	}
	return arr;
}

/* Workspace by workspace, group by group: importing in this order rebuilds
 * the same groups in the same order (team members first, VI1). */
static json_t *x_memberships(exporter *x)
{
	const pws__model *m = x->m;
	json_t *arr = json_array();
	uint32_t i, g, k, u;

	for (i = 0; i < m->wss.n; i++) {
		const pws__ws *w = WS(m, i);

		PWS__EACH_MEMBER(m, w, g, k, u) {
			uint32_t org = GROUP(m, w->groups.v[g])->key;
			uint32_t aux = pws__mslot(m, i, u)->aux;
			json_t *o, *jorg;

			if (org == PWS__GRP_TEAM)
				jorg = json_null();
			else if (w->model == PWS_MODEL_LEGACY)
				jorg = x_str(x, pws__atom(m, org));
			else
				jorg = x_team(x, org);
			o = json_object();
			x_put(x, o, "workspace", x_str(x, w->id));
			x_put(x, o, "user", x_user(x, u));
			x_put(x, o, "role", x_enum(x, ROLE_NAMES, pws__aux_role(aux)));
			x_put(x, o, "lead", json_boolean(pws__aux_lead(aux)));
			x_put(x, o, "organization", jorg);
			x_put(x, o, "seen", json_integer(pws__seen(m, i, u)));
			x_push(x, arr, o);
		}
	}
	return arr;
}

static json_t *x_invites(exporter *x)
{
	const pws__model *m = x->m;
	json_t *arr = json_array();
	uint32_t i;

	for (i = 0; i < m->invites.n; i++) {
		const pws__invite *v = INVITE(m, i);
		json_t *o;

		/* never taken: no call sets another status (a closed invite
		 * leaves the table) */
		if (v->status != PWS__INV_OPEN) /* GCOVR_EXCL_BR_LINE */
			continue;
		o = json_object();
		x_put(x, o, "workspace", x_str(x, WS(m, v->ws)->id));
		x_put(x, o, "email", x_str(x, pws__atom(m, v->email)));
		x_put(x, o, "inviter", x_user(x, v->inviter));
		x_put(x, o, "kind", x_enum(x, INV_KIND_NAMES, v->kind));
		x_put(x, o, "role", x_enum(x, ROLE_NAMES, v->role));
		x_put(x, o, "lead", json_boolean(v->lead));
		x_push(x, arr, o);
	}
	return arr;
}

/* In index order, which is creation order: a parent comes before its
 * children. */
static json_t *x_elements(exporter *x)
{
	const pws__model *m = x->m;
	json_t *arr = json_array();
	uint32_t i, j;

	for (i = 0; i < m->elements.n; i++) {
		const pws__element *e = ELEM(m, i);
		json_t *o, *eds;

		if (e->state == PWS__EL_GONE)
			continue;
		eds = json_array();
		for (j = 0; j < e->editors.n; j++)
			x_push(x, eds, x_user(x, e->editors.v[j]));
		o = json_object();
		x_put(x, o, "id", x_str(x, e->id));
		x_put(x, o, "workspace", x_str(x, WS(m, e->ws)->id));
		x_put(x, o, "kind", x_enum(x, EL_KIND_NAMES, e->kind));
		x_put(x, o, "size", x_u64(e->size));
		x_put(x, o, "parent", x_elem(x, e->parent));
		x_put(x, o, "state", x_enum(x, EL_STATE_NAMES, e->state));
		x_put(x, o, "deleted_at", json_integer((json_int_t)e->deleted_at));
		x_put(x, o, "editors", eds);
		x_push(x, arr, o);
	}
	return arr;
}

enum { POST_UPDATE, POST_REPLY, POST_HISTORY, POST_COMMENT };

static json_t *x_posts(exporter *x, const pws__vec *v, int kind)
{
	const pws__model *m = x->m;
	json_t *arr = json_array();
	uint32_t i;

	for (i = 0; i < v->n; i++) {
		const pws__post *p = PWS__AT(*v, pws__post, i);
		json_t *o;

		if (!p->id) /* GCOVR_EXCL_BR_LINE: never taken, posts are not removed */
			continue;
		o = json_object();
		x_put(x, o, "id", x_str(x, p->id));
		x_put(x, o, "workspace", x_str(x, WS(m, p->ws)->id));
		x_put(x, o, "author", x_user(x, p->author));
		x_put(x, o, "text", x_str(x, p->text));
		x_put(x, o, "at", json_integer((json_int_t)p->at));
		if (kind == POST_REPLY)
			x_put(x, o, "update", x_str(x, UPDATE(m, p->parent)->id));
		else if (kind == POST_COMMENT)
			x_put(x, o, "element", x_elem(x, p->parent));
		x_push(x, arr, o);
	}
	return arr;
}

static json_t *x_retention(exporter *x)
{
	const pws__model *m = x->m;
	json_t *obj = json_object();
	unsigned i;

	for (i = 1; i <= names_count(PLAN_NAMES); i++) {
		json_t *o = json_object();

		x_put(x, o, "days", json_integer(m->retention_days[i]));
		x_put(x, o, "bytes", x_u64(m->retention_bytes[i]));
		x_put(x, obj, PLAN_NAMES[i - 1], o);
	}
	return obj;
}

static json_t *x_root(exporter *x)
{
	json_t *root = json_object();

	x_put(x, root, "format", json_integer(PWS_SNAPSHOT_FORMAT));
	x_put(x, root, "teams", x_teams(x));
	x_put(x, root, "users", x->members ? x_users(x) : json_array());
	x_put(x, root, "workspaces", x->members ? x_workspaces(x) : json_array());
	x_put(x, root, "memberships", x->members ? x_memberships(x) : json_array());
	x_put(x, root, "invites", x_invites(x));
	x_put(x, root, "elements", x_elements(x));
	x_put(x, root, "updates", x_posts(x, &x->m->updates, POST_UPDATE));
	x_put(x, root, "replies", x_posts(x, &x->m->replies, POST_REPLY));
	x_put(x, root, "history", x_posts(x, &x->m->history, POST_HISTORY));
	x_put(x, root, "comments", x_posts(x, &x->m->comments, POST_COMMENT));
	x_put(x, root, "retention", x_retention(x));
	if (!root)
		x_fail(x, PWS_ENOMEM);
	return root;
}

int pws__snapshot_json(const pws__mem *mem, const pws__model *m, int with_members, char **json,
                       size_t *len)
{
	exporter x;
	json_t *root;
	size_t n = 0;
	char *buf = NULL;

	x.m = m;
	x.rc = PWS_OK;
	x.members = with_members;
	root = x_root(&x);
	if (!x.rc) {
		n = json_dumpb(root, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
		if (n == 0)
			x.rc = PWS_ENOMEM;
	}
	if (!x.rc) {
		buf = pws__malloc(mem, n + 1);
		if (!buf)
			x.rc = PWS_ENOMEM;
		else if (json_dumpb(root, buf, n, JSON_COMPACT | JSON_SORT_KEYS) != n)
			x.rc = PWS_ENOMEM;
	}
	json_decref(root);
	if (x.rc) {
		pws__free(mem, buf);
		return x.rc;
	}
	buf[n] = '\0';
	*json = buf;
	*len = n;
	return PWS_OK;
}

/* The exported text is preceded by a hidden header holding the allocator
 * that made it, so pws_snapshot_release() frees it without the handle. */
#define SNAP_HDR ((sizeof(pws__mem) + 15) / 16 * 16)

PWS_EXTERN int pws_snapshot_export(const pws_policy *p, char **json, size_t *len)
{
	size_t n = 0;
	char *text = NULL, *blk;
	int rc;

	if (json)
		*json = NULL;
	if (len)
		*len = 0;
	if (!p || !json)
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	rc = pws__snapshot_json(&p->mem, &p->m, 1, &text, &n);
	pws__read_end(p);
	if (rc)
		return rc;
	/* room for the header in front: grown in place when it can be (n + 1
	 * bytes are allocated, so n + 1 + SNAP_HDR does not wrap) */
	blk = pws__realloc(&p->mem, text, SNAP_HDR + n + 1);
	if (!blk) {
		pws__free(&p->mem, text);
		return PWS_ENOMEM;
	}
	memmove(blk + SNAP_HDR, blk, n + 1);
	memcpy(blk, &p->mem, sizeof(pws__mem));
	*json = blk + SNAP_HDR;
	if (len)
		*len = n;
	return PWS_OK;
}

PWS_EXTERN void pws_snapshot_release(char *json)
{
	pws__mem mem;

	if (!json)
		return;
	memcpy(&mem, json - SNAP_HDR, sizeof(mem));
	pws__free(&mem, json - SNAP_HDR);
}

PWS_EXTERN void pws_snapshot_free(const pws_policy *p, char *json)
{
	if (p)
		pws_snapshot_release(json); /* the text knows its allocator */
}

/* ============================================================================
 * Import
 * ========================================================================== */

typedef struct importer {
	const pws__mem *mem;
	pws__model *m;
	char msg[PWS_RESULT_MESSAGE_SIZE];
	/* the one "removed" slot per kind that "" references point at */
	uint32_t gone_team, gone_user, gone_el;
	/* duplicate editors: mark[u] = 1 + the element that last listed u */
	uint32_t *mark;
	/* a state image: memberships come from this binary section */
	const unsigned char *bin;
	size_t bin_len;
	/* a bulk load's arrays: users, workspaces and memberships come from
	 * them (i_load_arrays) */
	const pws__load_src *src;
	/* the domain of the last address check_email found to be an identity
	 * key (key_dom_len 0: none yet) */
	char key_dom[PWS__EMAIL_MAX + 1];
	size_t key_dom_len;
	/* key_dom's atom (PWS__NONE: not interned since key_dom was set): a
	 * run of users of one domain (a snapshot's, an image's, a bulk
	 * load's) interns it once, and takes no domain of an address apart
	 * (its check found it) */
	uint32_t key_dom_atom;
} importer;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int bad(importer *im, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(im->msg, sizeof(im->msg), fmt, ap);
	va_end(ap);
	return PWS_EINVALID;
}

/* Quoted user input in messages is cut to keep the path readable. */
#define Q "%.48s"

static const char *jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* Members beginning with "x-" are ignored everywhere; any other unknown
 * member is an error (a typo must not silently become a default). */
static int check_keys(importer *im, const json_t *obj, const char *path,
                      const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		size_t i;
		int ok = strncmp(key, "x-", 2) == 0;

		for (i = 0; !ok && allowed[i]; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok)
			return bad(im, "%s: unknown member '" Q "'", path, key);
	}
	return PWS_OK;
}

enum { OPT = 0, REQ = 1 };

/* An optional member: NULL when absent or null (which mean the same). */
static json_t *opt_member(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v && !jis(v, JSON_NULL) ? v : NULL;
}

/* The member (opt_member); an absent required member is an error. */
static int member(importer *im, const json_t *obj, const char *path, const char *key,
                  int flags, json_t **out)
{
	*out = opt_member(obj, key);
	if (!*out && (flags & REQ))
		return bad(im, "%s.%s: missing", path, key);
	return PWS_OK;
}

static int get_str(importer *im, const json_t *obj, const char *path, const char *key,
                   int flags, const char **out)
{
	json_t *v;
	int rc = member(im, obj, path, key, flags, &v);

	*out = NULL;
	if (rc || !v)
		return rc;
	if (!jis(v, JSON_STRING))
		return bad(im, "%s.%s: expected a string, got %s", path, key, jtype(v));
	*out = json_string_value(v);
	return PWS_OK;
}

/* A string of at most 1 MiB (pws__valid_text). */
static int get_text(importer *im, const json_t *obj, const char *path, const char *key,
                    int flags, const char **out)
{
	int rc = get_str(im, obj, path, key, flags, out);

	if (!rc && *out && !pws__valid_text(*out))
		return bad(im, "%s.%s: text longer than 1 MiB", path, key);
	return rc;
}

/* A well-formed id (pws__valid_id); "" too when removed_ok. */
static int get_id(importer *im, const json_t *obj, const char *path, const char *key,
                  int flags, int removed_ok, const char **out)
{
	int rc = get_str(im, obj, path, key, flags, out);

	if (rc || !*out)
		return rc;
	if (removed_ok && !(*out)[0])
		return PWS_OK;
	if (!pws__valid_id(*out))
		return bad(im, "%s.%s: malformed id '" Q "'", path, key, *out);
	return PWS_OK;
}

static int get_enum(importer *im, const json_t *obj, const char *path, const char *key,
                    int flags, const char *const *names, int *out)
{
	const char *s;
	unsigned i;
	int rc = get_str(im, obj, path, key, flags, &s);

	*out = 0;
	if (rc || !s)
		return rc;
	for (i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i + 1;
			return PWS_OK;
		}
	return bad(im, "%s.%s: unknown value '" Q "'", path, key, s);
}

static int get_bool(importer *im, const json_t *obj, const char *path, const char *key,
                    int *out)
{
	json_t *v = opt_member(obj, key);

	*out = 0;
	if (!v)
		return PWS_OK;
	if (!(jis(v, JSON_TRUE) || jis(v, JSON_FALSE)))
		return bad(im, "%s.%s: expected a boolean, got %s", path, key, jtype(v));
	*out = jis(v, JSON_TRUE);
	return PWS_OK;
}

/* An integer in [0, max]; for 64-bit fields also a string of decimal
 * digits (how values above 2^63 - 1 are written). Default 0. */
static int get_uint(importer *im, const json_t *obj, const char *path, const char *key,
                    int flags, uint64_t max, uint64_t *out)
{
	json_t *v;
	int rc = member(im, obj, path, key, flags, &v);

	*out = 0;
	if (rc || !v)
		return rc;
	if (jis(v, JSON_INTEGER)) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || (uint64_t)i > max)
			return bad(im, "%s.%s: %lld is out of range (0 to %llu)", path, key,
			           (long long)i, (unsigned long long)max);
		*out = (uint64_t)i;
		return PWS_OK;
	}
	if (jis(v, JSON_STRING) && max == UINT64_MAX) {
		const char *s = json_string_value(v);
		uint64_t x = 0;
		size_t k;

		for (k = 0; s[k]; k++) {
			unsigned d = (unsigned)(s[k] - '0');

			if (s[k] < '0' || s[k] > '9' || (k == 1 && s[0] == '0') ||
			    x > (UINT64_MAX - d) / 10)
				return bad(im, "%s.%s: '" Q "' is not an integer from 0 to %llu", path,
				           key, s, (unsigned long long)UINT64_MAX);
			x = x * 10 + d;
		}
		if (k == 0)
			return bad(im, "%s.%s: empty string is not an integer", path, key);
		*out = x;
		return PWS_OK;
	}
	return bad(im, "%s.%s: expected an integer, got %s", path, key, jtype(v));
}

static int get_u32(importer *im, const json_t *obj, const char *path, const char *key,
                   int flags, uint32_t *out)
{
	uint64_t x;
	int rc = get_uint(im, obj, path, key, flags, UINT32_MAX, &x);

	*out = (uint32_t)x;
	return rc;
}

/* Optional; default 0. */
static int get_i64(importer *im, const json_t *obj, const char *path, const char *key,
                   int64_t *out)
{
	json_t *v = opt_member(obj, key);

	*out = 0;
	if (!v)
		return PWS_OK;
	if (!jis(v, JSON_INTEGER))
		return bad(im, "%s.%s: expected an integer, got %s", path, key, jtype(v));
	*out = (int64_t)json_integer_value(v);
	return PWS_OK;
}

/* --- "removed" slots ---------------------------------------------------------- */

static uint32_t gone_team(importer *im)
{
	pws__model *m = im->m;
	pws__team *t;

	if (im->gone_team != PWS__NONE)
		return im->gone_team;
	if (pws__vec_reserve(im->mem, &m->teams, sizeof(pws__team), 1))
		return PWS__NONE;
	t = TEAM(m, m->teams.n);
	memset(t, 0, sizeof(*t));
	t->id = ""; /* as pws_team_remove leaves it */
	return im->gone_team = m->teams.n++;
}

static uint32_t gone_user(importer *im)
{
	pws__model *m = im->m;
	pws__user *u;

	if (im->gone_user != PWS__NONE)
		return im->gone_user;
	if (!PWS__USERS_ROOM(m, 1) || /* GCOVR_EXCL_BR_LINE: 2^29 - 1 users */
	    pws__vec_reserve(im->mem, &m->users, sizeof(pws__user), 1) ||
	    pws__vec_reserve(im->mem, &m->uhot, sizeof(uint32_t), 1) ||
	    pws__ids_reserve(im->mem, &m->user_h, 1))
		return PWS__NONE;
	pws__idh_push(&m->user_ids, &m->user_h, "");
	((uint32_t *)m->uhot.v)[m->uhot.n++] = 0; /* no user: no hot word */
	u = USER(m, m->users.n);
	memset(u, 0, sizeof(*u));
	u->id = ""; /* as pws_user_remove leaves it */
	u->email = u->domain = PWS__NONE;
	u->team = PWS__NONE;
	return im->gone_user = m->users.n++;
}

static uint32_t gone_el(importer *im, uint32_t ws)
{
	pws__model *m = im->m;
	pws__element *e;

	if (im->gone_el != PWS__NONE)
		return im->gone_el;
	if (pws__vec_reserve(im->mem, &m->elements, sizeof(pws__element), 1))
		return PWS__NONE;
	e = ELEM(m, m->elements.n);
	memset(e, 0, sizeof(*e));
	e->id = ""; /* as pws_element_delete leaves it */
	e->ws = ws;  /* any valid workspace; nothing reads it */
	e->parent = PWS__NONE;
	e->state = PWS__EL_GONE;
	return im->gone_el = m->elements.n++;
}

/* --- references ------------------------------------------------------------------ */

/* A team named by a well-formed id ("" only where removed_ok). */
static int team_ref(importer *im, const char *s, const char *path, const char *key,
                    uint32_t *t)
{
	if (!s[0])
		return (*t = gone_team(im)) == PWS__NONE ? PWS_ENOMEM : PWS_OK;
	*t = pws__team_find(im->m, s);
	if (*t == PWS__NONE)
		return bad(im, "%s.%s: breaks S2: unknown team '" Q "'", path, key, s);
	return PWS_OK;
}

static int ref_team(importer *im, const json_t *obj, const char *path, const char *key,
                    int flags, int removed_ok, uint32_t *t)
{
	const char *s;
	int rc = get_id(im, obj, path, key, flags, removed_ok, &s);

	*t = PWS__NONE;
	if (rc || !s)
		return rc;
	return team_ref(im, s, path, key, t);
}

static int user_ref(importer *im, const char *s, const char *path, const char *key,
                    int removed_ok, uint32_t *u)
{
	if (removed_ok && !s[0])
		return (*u = gone_user(im)) == PWS__NONE ? PWS_ENOMEM : PWS_OK;
	*u = pws__user_find(im->m, s);
	if (*u == PWS__NONE)
		return bad(im, "%s.%s: breaks S2: unknown user '" Q "'", path, key, s);
	return PWS_OK;
}

static int ref_user(importer *im, const json_t *obj, const char *path, const char *key,
                    int flags, int removed_ok, uint32_t *u)
{
	const char *s;
	int rc = get_id(im, obj, path, key, flags, removed_ok, &s);

	*u = PWS__NONE;
	if (rc || !s)
		return rc;
	return user_ref(im, s, path, key, removed_ok, u);
}

static int ref_ws(importer *im, const json_t *obj, const char *path, const char *key,
                  uint32_t *w)
{
	const char *s;
	int rc = get_id(im, obj, path, key, REQ, 0, &s);

	*w = PWS__NONE;
	if (rc)
		return rc;
	*w = pws__ws_find(im->m, s);
	if (*w == PWS__NONE)
		return bad(im, "%s.%s: breaks S2: unknown workspace '" Q "'", path, key, s);
	return PWS_OK;
}

/* An element listed before (so parents never form a cycle), or "" for
 * one deleted for good; ws is the workspace of the referring record. */
static int ref_el(importer *im, const json_t *obj, const char *path, const char *key,
                  int flags, uint32_t ws, uint32_t *e)
{
	const char *s;
	int rc = get_id(im, obj, path, key, flags, 1, &s);

	*e = PWS__NONE;
	if (rc || !s)
		return rc;
	if (!s[0])
		return (*e = gone_el(im, ws)) == PWS__NONE ? PWS_ENOMEM : PWS_OK;
	*e = pws__el_find(im->m, s);
	if (*e == PWS__NONE)
		return bad(im, "%s.%s: breaks S2: unknown element '" Q "' (or listed after this one)", path,
		           key, s);
	return PWS_OK;
}

/* An address already in identity-key form (what the library stores). */
static int check_email(importer *im, const char *const *out, const char *path,
                       const char *key)
{
	char k[PWS__EMAIL_MAX + 1];
	const char *why = NULL;
	size_t len = strlen(*out);

	/* the domain of the last address found in identity-key form: then
	 * only the local part is checked (users come in runs of one domain) */
	if (im->key_dom_len && pws__email_is_key_at(*out, len, im->key_dom, im->key_dom_len))
		return PWS_OK;
	if (pws__email_key(k, *out, len, &why) != PWS_OK)
		return bad(im, "%s.%s: malformed address '" Q "': %s", path, key, *out,
		           why ? why : "invalid");
	if (strcmp(k, *out) != 0)
		return bad(im, "%s.%s: '" Q "' is not normalized (expected '" Q "')", path, key,
		           *out, k);
	im->key_dom_len = strlen(pws__email_domain(k));
	memcpy(im->key_dom, pws__email_domain(k), im->key_dom_len);
	im->key_dom_atom = PWS__NONE;
	return PWS_OK;
}

/* The domain atom of an address of len bytes that check_email has just
 * found good (PWS__NONE: out of memory): its domain is key_dom, its last
 * key_dom_len bytes, interned once for a run of one domain. */
static uint32_t key_dom_atom(importer *im, const char *email, size_t len)
{
	if (im->key_dom_atom == PWS__NONE)
		im->key_dom_atom = pws__atom_intern(im->mem, im->m, email + len - im->key_dom_len);
	return im->key_dom_atom;
}

static int get_email(importer *im, const json_t *obj, const char *path, const char *key,
                     const char **out)
{
	int rc = get_str(im, obj, path, key, REQ, out);

	return rc ? rc : check_email(im, out, path, key);
}

static int check_domain(importer *im, const char *s, const char *path, const char *key)
{
	char d[PWS__EMAIL_MAX + 1];
	const char *why = NULL;

	if (pws__domain_norm(d, s, strlen(s), &why) != PWS_OK)
		return bad(im, "%s.%s: malformed domain '" Q "': %s", path, key, s,
		           why ? why : "invalid");
	if (strcmp(d, s) != 0)
		return bad(im, "%s.%s: '" Q "' is not normalized (expected '" Q "')", path, key, s,
		           d);
	return PWS_OK;
}

/* Copies a string with the handle's allocator; NULL stays NULL. */
static int dup_opt(importer *im, const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return PWS_OK;
	*out = pws__strdup(im->mem, s);
	return *out ? PWS_OK : PWS_ENOMEM;
}

/* Registers a new id in map (room reserved here); the copy is owned by the
 * map from then on, as in the API. */
static int put_id(importer *im, pws__smap *map, const char *s, uint32_t val, const char **out)
{
	char *c;

	/* workspace ids live in the model's string arena (model.h) */
	if (pws__smap_reserve(im->mem, map, 1) ||
	    !(c = map == &im->m->ws_ids ? pws__model_strdup(im->mem, im->m, s, strlen(s))
	                                : pws__strdup(im->mem, s)))
		return PWS_ENOMEM;
	pws__smap_put(map, c, val);
	*out = c;
	return PWS_OK;
}

/* The array `key` of the top level (absent or null: empty). */
static int top_array(importer *im, const json_t *root, const char *key, json_t **out)
{
	*out = opt_member(root, key);
	if (*out && !jis(*out, JSON_ARRAY))
		return bad(im, "%s: expected an array, got %s", key, jtype(*out));
	return PWS_OK;
}

/* Starts record i of array `name`: an object with only known members. */
static int record(importer *im, const json_t *arr, const char *name, size_t i, char *path,
                  size_t size, const char *const *allowed, json_t **out)
{
	*out = json_array_get(arr, i);
	snprintf(path, size, "%s[%zu]", name, i);
	if (!jis(*out, JSON_OBJECT))
		return bad(im, "%s: expected an object, got %s", path, jtype(*out));
	return check_keys(im, *out, path, allowed);
}

#define PATH_SIZE 48

/* path = prefix "[" i "]": the name of the i-th record of an image
 * section, written for every record (it names the record in any error
 * message), so without snprintf, which cost more than reading the
 * record. prefix is a literal well under PATH_SIZE - 12 bytes. */
static void path_idx(char path[PATH_SIZE], const char *prefix, uint32_t i)
{
	char digits[10];
	size_t n = strlen(prefix), k = 0;

	memcpy(path, prefix, n);
	path[n++] = '[';
	do
		digits[k++] = (char)('0' + i % 10);
	while ((i /= 10) != 0);
	while (k)
		path[n++] = digits[--k];
	path[n++] = ']';
	path[n] = '\0';
}

/* --- the sections ------------------------------------------------------------------ */

static int i_teams(importer *im, const json_t *arr)
{
	static const char *const keys[] = { "id", "name", "plan", "sso", "seats", "domains", NULL };
	pws__model *m = im->m;
	char path[PATH_SIZE];
	size_t i, j;

	for (i = 0; arr && i < json_array_size(arr); i++) {
		json_t *o, *doms;
		const char *id, *name;
		int plan, sso, rc;
		uint32_t seats, t;
		pws__team *T;

		rc = record(im, arr, "teams", i, path, sizeof(path), keys, &o);
		if (!rc)
			rc = get_id(im, o, path, "id", REQ, 0, &id);
		if (!rc && pws__team_find(m, id) != PWS__NONE)
			rc = bad(im, "%s.id: breaks S1: duplicate team '" Q "'", path, id);
		if (!rc)
			rc = get_text(im, o, path, "name", REQ, &name);
		if (!rc)
			rc = get_enum(im, o, path, "plan", REQ, PLAN_NAMES, &plan);
		if (!rc)
			rc = get_bool(im, o, path, "sso", &sso);
		seats = PWS__DEFAULT_SEATS;
		if (!rc && json_object_get(o, "seats") && !jis(json_object_get(o, "seats"), JSON_NULL))
			rc = get_u32(im, o, path, "seats", OPT, &seats);
		if (!rc)
			rc = member(im, o, path, "domains", OPT, &doms);
		if (!rc && doms && !jis(doms, JSON_ARRAY))
			rc = bad(im, "%s.domains: expected an array, got %s", path, jtype(doms));
		if (rc)
			return rc;
		if (pws__vec_reserve(im->mem, &m->teams, sizeof(pws__team), 1))
			return PWS_ENOMEM;
		t = m->teams.n++;
		T = TEAM(m, t);
		memset(T, 0, sizeof(*T));
		T->plan = (uint8_t)plan;
		T->sso = (uint8_t)sso;
		T->seats = seats;
		T->alive = 1;
		if (put_id(im, &m->team_ids, id, t, &T->id) || dup_opt(im, name, &T->name))
			return PWS_ENOMEM;
		for (j = 0; doms && j < json_array_size(doms); j++) {
			const json_t *d = json_array_get(doms, j);
			char key[32];
			uint32_t a;

			snprintf(key, sizeof(key), "domains[%zu]", j);
			if (!jis(d, JSON_STRING))
				return bad(im, "%s.%s: expected a string, got %s", path, key, jtype(d));
			rc = check_domain(im, json_string_value(d), path, key);
			if (rc)
				return rc;
			a = pws__atom_find(m, json_string_value(d));
			/* teams come first: every atom is a team's domain yet, so
			 * the second test is never false */
			if (a != PWS__NONE && pws__umap_get(&m->team_by_domain, a) != PWS__NONE) /* GCOVR_EXCL_BR_LINE */
				return bad(im, "%s.%s: breaks S3: domain '" Q "' already belongs to a team", path, key,
				           json_string_value(d));
			a = pws__atom_intern(im->mem, m, json_string_value(d));
			if (a == PWS__NONE || pws__umap_reserve(im->mem, &m->team_by_domain, 1) ||
			    pws__ids_reserve(im->mem, &TEAM(m, t)->domains, 1))
				return PWS_ENOMEM;
			pws__umap_put(&m->team_by_domain, a, t);
			pws__ids_push(&TEAM(m, t)->domains, a);
		}
	}
	return PWS_OK;
}

/* Adds a user whose fields are well formed (read from JSON or from an
 * image); checks what depends on the rest of the state. Returns PWS_OK,
 * PWS_EINVALID (im->msg) or PWS_ENOMEM; *out receives the index. */
static int user_add(importer *im, const char *path, const char *id, const char *email,
                    uint32_t t, int role, int pm, uint32_t *out)
{
	pws__model *m = im->m;
	/* one pass over each string: the id's and the email's hashes serve
	 * the duplicate checks, the insertions and the id hash (a host's
	 * first load adds a million users here) */
	pws__skey ki = pws__skey_of(&m->user_ids, id), ke = pws__skey_of(&m->atoms, email);
	uint32_t ea, da, u, j;
	char *idc;

	/* a user index has 29 bits (a group's entry, model.h pws__ge_*) */
	if (!PWS__USERS_ROOM(m, 1)) /* GCOVR_EXCL_BR_LINE: 2^29 - 1 users */
		return bad(im, "%s: over the limit of %u users a handle holds", path, /* GCOVR_EXCL_LINE */
		           PWS__USERS_MAX);
	if (pws__smap_find(&m->user_ids, id, &ki) != PWS__NONE)
		return bad(im, "%s.id: breaks S1: duplicate user '" Q "'", path, id);
	j = pws__smap_find(&m->atoms, email, &ke);
	ea = j == PWS__NONE ? PWS__NONE : pws__smap_at(&m->atoms, j)->val;
	/* the atoms yet are domains (no '@') and users' addresses: an
	 * address found is a user's, the second test is never false */
	if (pws__user_of_atom(m, ea) != PWS__NONE) /* GCOVR_EXCL_BR_LINE */
		return bad(im, "%s.email: breaks S3: '" Q "' belongs to another user", path, email);
	if (t == PWS__NONE && role)
		return bad(im, "%s.team_role: breaks S4: a user with no team has no team role", path);
	if (t == PWS__NONE && pm)
		return bad(im, "%s.partner_manager: breaks S4: a user with no team is no Partner Manager", path);
	if (t != PWS__NONE && !role)
		return bad(im, "%s.team_role: breaks S4: missing (the user has a team)", path);
	ea = pws__atom_intern_k(im->mem, m, email, &ke);
	da = ea == PWS__NONE ? PWS__NONE : key_dom_atom(im, email, ke.len);
	if (da == PWS__NONE || pws__vec_reserve(im->mem, &m->users, sizeof(pws__user), 1) ||
	    pws__vec_reserve(im->mem, &m->uhot, sizeof(uint32_t), 1) ||
	    pws__ids_reserve(im->mem, &m->user_h, 1) ||
	    pws__user_of_atom_reserve(im->mem, m, ea) ||
	    (t != PWS__NONE && pws__ids_reserve(im->mem, &TEAM(m, t)->users, 1)) ||
	    pws__smap_reserve(im->mem, &m->user_ids, 1) ||
	    !(idc = pws__model_strdup(im->mem, m, id, ki.len)))
		return PWS_ENOMEM;
	u = pws__user_append(m, &ki, idc, ea, da, t, role, pm);
	pws__user_of_atom_set(m, ea, u);
	j = pws__smap_put_k(&m->user_ids, idc, &ki, u);
	*pws__smap_auxp(&m->user_ids, j) = pws__uhot_of(USER(m, u)); /* pws__hot_user, slot at hand */
	*out = u;
	return PWS_OK;
}

static int i_users(importer *im, const json_t *arr)
{
	static const char *const keys[] = { "id", "email", "team", "team_role", "partner_manager",
	                                    NULL };
	char path[PATH_SIZE];
	size_t i;

	for (i = 0; arr && i < json_array_size(arr); i++) {
		json_t *o;
		const char *id, *email;
		int role, pm, rc;
		uint32_t t, u;

		rc = record(im, arr, "users", i, path, sizeof(path), keys, &o);
		if (!rc)
			rc = get_id(im, o, path, "id", REQ, 0, &id);
		if (!rc)
			rc = get_email(im, o, path, "email", &email);
		if (!rc)
			rc = ref_team(im, o, path, "team", OPT, 0, &t);
		if (!rc)
			rc = get_enum(im, o, path, "team_role", t != PWS__NONE ? REQ : OPT,
			              TEAM_ROLE_NAMES, &role);
		if (!rc)
			rc = get_bool(im, o, path, "partner_manager", &pm);
		if (!rc)
			rc = user_add(im, path, id, email, t, role, pm, &u);
		if (rc)
			return rc;
	}
	return PWS_OK;
}

/* A workspace's fields, well formed (read from JSON or from an image). */
typedef struct ws_fields {
	const char *id, *name, *summary, *desc, *note;
	const char *team, *requester;   /* ids; "" a removed one; requester NULL: none */
	int vis, mode, model, lc, was, integ, req;
	uint32_t n_upd;
} ws_fields;

/* S5-S7 (doc/SNAPSHOT.md): what the operations keep between a workspace's
 * own fields. Only pws_workspace_create and pws_workspace_add_legacy give
 * a workspace partner visibility, a mode or a model, and they set
 * was_partner with them; only a create request leaves it pending, and
 * its review ends both; a conversion is requested only for a workspace
 * that is not a partner one; a team is removed only once all its
 * workspaces are deleted. */
static int ws_invariants(importer *im, const char *path, const ws_fields *f)
{
	if (!f->team[0] && f->lc != PWS_LC_DELETED)
		return bad(im, "%s.lifecycle: breaks S5: a workspace of a removed team is deleted",
		           path);
	if (!f->was && (f->vis == PWS_VIS_PARTNER || f->mode || f->model))
		return bad(im, "%s.was_partner: breaks S6: false, but the workspace has %s", path,
		           f->vis == PWS_VIS_PARTNER ? "partner visibility"
		           : f->mode ? "a mode" : "a model");
	if ((f->lc == PWS_LC_PENDING_APPROVAL) != (f->req == PWS__REQ_CREATE))
		return bad(im, "%s.%s: breaks S7: a workspace is pending_approval exactly while "
		           "it has a create request", path,
		           f->lc == PWS_LC_PENDING_APPROVAL ? "request" : "lifecycle");
	if (f->lc == PWS_LC_PENDING_APPROVAL && f->vis != PWS_VIS_PARTNER)
		return bad(im, "%s.visibility: breaks S7: a pending_approval workspace is a "
		           "requested partner workspace", path);
	if (f->req == PWS__REQ_CONVERT && f->vis == PWS_VIS_PARTNER)
		return bad(im, "%s.request: breaks S7: a partner workspace has no convert request",
		           path);
	return PWS_OK;
}

/* Adds a workspace; checks what depends on other fields or on the state. */
static int ws_add(importer *im, const char *path, const ws_fields *f)
{
	pws__model *m = im->m;
	uint32_t t, requester = PWS__NONE, w;
	pws__ws *W;
	int rc;

	if (pws__ws_find(m, f->id) != PWS__NONE)
		return bad(im, "%s.id: breaks S1: duplicate workspace '" Q "'", path, f->id);
	if (f->vis == PWS_VIS_PARTNER && (!f->mode || !f->model))
		return bad(im, "%s.%s: breaks S6: missing (a partner workspace has a mode and a model)", path,
		           f->mode ? "model" : "mode");
	if (f->req && !f->requester)
		return bad(im, "%s.requester: breaks S7: missing (the workspace has a request)", path);
	if (!f->req && f->requester)
		return bad(im, "%s.requester: breaks S7: set but the workspace has no request", path);
	rc = ws_invariants(im, path, f);
	if (rc)
		return rc;
	/* last: these may create a "removed" slot */
	rc = team_ref(im, f->team, path, "team", &t);
	if (!rc && f->req)
		rc = user_ref(im, f->requester, path, "requester", 1, &requester);
	if (rc)
		return rc;
	if (pws__vec_reserve(im->mem, &m->wss, sizeof(pws__ws), 1) ||
	    pws__ids_reserve(im->mem, &m->ws_h, 1) ||
	    pws__ids_reserve(im->mem, &TEAM(m, t)->workspaces, 1))
		return PWS_ENOMEM;
	w = m->wss.n++;
	pws__idh_push(&m->ws_ids, &m->ws_h, f->id);
	W = WS(m, w);
	memset(W, 0, sizeof(*W));
	W->team = t;
	W->mode = (uint8_t)f->mode;
	W->model = (uint8_t)f->model;
	W->lc = (uint8_t)f->lc;
	W->was_partner = (uint8_t)f->was;
	W->request = (uint8_t)f->req;
	W->requester = requester;
	W->integration = (uint8_t)f->integ;
	W->n_updates = f->n_upd;
	pws__ids_push(&TEAM(m, t)->workspaces, w);
	if (dup_opt(im, f->name, &W->name) || dup_opt(im, f->summary, &W->summary) ||
	    dup_opt(im, f->desc, &W->description) || dup_opt(im, f->note, &W->note) ||
	    pws__public_reserve(im->mem, m, w, f->vis) || put_id(im, &m->ws_ids, f->id, w, &W->id))
		return PWS_ENOMEM;
	pws__set_vis(m, w, f->vis); /* and its hot word */
	return PWS_OK;
}

static int i_workspaces(importer *im, const json_t *arr)
{
	static const char *const keys[] = { "id", "name", "summary", "description", "note", "team",
	                                    "visibility", "mode", "model", "lifecycle",
	                                    "was_partner", "request", "requester", "integration",
	                                    "n_updates", NULL };
	char path[PATH_SIZE];
	size_t i;

	for (i = 0; arr && i < json_array_size(arr); i++) {
		json_t *o;
		ws_fields f;
		int rc;

		memset(&f, 0, sizeof f);
		rc = record(im, arr, "workspaces", i, path, sizeof(path), keys, &o);
		if (!rc)
			rc = get_id(im, o, path, "id", REQ, 0, &f.id);
		if (!rc)
			rc = get_text(im, o, path, "name", REQ, &f.name);
		if (!rc)
			rc = get_text(im, o, path, "summary", OPT, &f.summary);
		if (!rc)
			rc = get_text(im, o, path, "description", OPT, &f.desc);
		if (!rc)
			rc = get_text(im, o, path, "note", OPT, &f.note);
		if (!rc)
			rc = get_enum(im, o, path, "visibility", REQ, VIS_NAMES, &f.vis);
		if (!rc)
			rc = get_enum(im, o, path, "mode", OPT, MODE_NAMES, &f.mode);
		if (!rc)
			rc = get_enum(im, o, path, "model", OPT, MODEL_NAMES, &f.model);
		if (!rc)
			rc = get_enum(im, o, path, "lifecycle", REQ, LC_NAMES, &f.lc);
		if (!rc)
			rc = get_bool(im, o, path, "was_partner", &f.was);
		if (!rc)
			rc = get_bool(im, o, path, "integration", &f.integ);
		if (!rc)
			rc = get_enum(im, o, path, "request", OPT, REQ_NAMES, &f.req);
		if (!rc)
			rc = get_id(im, o, path, "requester", OPT, 1, &f.requester);
		if (!rc)
			rc = get_u32(im, o, path, "n_updates", OPT, &f.n_upd);
		if (!rc)
			rc = get_id(im, o, path, "team", REQ, 1, &f.team);
		if (!rc)
			rc = ws_add(im, path, &f);
		if (rc)
			return rc;
	}
	return PWS_OK;
}

/* S10: a partner membership of a workspace not in the legacy model
 * records the team it was granted through, which is the partner's home
 * team then, never the owning team: pws_invite_accept grants through the
 * accepting partner's own team, pws_workspace_migrate maps to it, and a
 * member leaving the owning team loses the memberships of its workspaces
 * (WS4, rev12). Such a record would be a team membership held by someone
 * no longer on the team, and would grant access outside the workspace's
 * partner visibility. Both removed ("") do not compare: a deleted
 * workspace of a removed team keeps the memberships granted through
 * other teams that were removed since. */
static int partner_invariants(importer *im, const char *path, const char *key, uint32_t w,
                              uint32_t org)
{
	const pws__ws *W = WS(im->m, w);

	if (org == W->team && org != im->gone_team)
		return bad(im, "%s%s: breaks S10: a partner membership is never granted through "
		           "the owning team '" Q "' (a team membership has organization null)",
		           path, key, TEAM(im->m, org)->id);
	return PWS_OK;
}

/* S17: what the operations keep of roles (RO1, RO2, RO3): a partner
 * membership is never Admin, nor Editor in multi-partner mode; a team
 * membership never holds the Partner Lead flag. */
static int role_invariants(importer *im, const char *path, const pws__ws *W, uint32_t org,
                           int role, int lead)
{
	if (org != PWS__GRP_TEAM && role == PWS_ROLE_ADMIN)
		return bad(im, "%s.role: breaks S17: a partner membership is never admin (RO1)", path);
	if (org != PWS__GRP_TEAM && role == PWS_ROLE_EDITOR && W->mode == PWS_MODE_MULTI)
		return bad(im, "%s.role: breaks S17: a partner membership is never editor in a "
		           "multi-partner workspace (RO2)", path);
	if (org == PWS__GRP_TEAM && lead)
		return bad(im, "%s.lead: breaks S17: only partner memberships hold the Partner "
		           "Lead flag (RO3)", path);
	return PWS_OK;
}

static int i_memberships(importer *im, const json_t *arr)
{
	static const char *const keys[] = { "workspace", "user", "role", "lead", "organization",
	                                    "seen", NULL };
	pws__model *m = im->m;
	char path[PATH_SIZE];
	size_t i;

	for (i = 0; arr && i < json_array_size(arr); i++) {
		json_t *o, *jo;
		int role, lead, rc;
		uint32_t w, u, seen, org;
		const pws__ws *W;

		rc = record(im, arr, "memberships", i, path, sizeof(path), keys, &o);
		if (!rc)
			rc = ref_ws(im, o, path, "workspace", &w);
		if (!rc)
			rc = ref_user(im, o, path, "user", REQ, 0, &u);
		if (!rc && pws__member_rec(m, w, u) != PWS__NONE)
			rc = bad(im, "%s: breaks S8: duplicate membership of '" Q "' in '" Q "'", path,
			         USER(m, u)->id, WS(m, w)->id);
		if (!rc)
			rc = get_enum(im, o, path, "role", REQ, ROLE_NAMES, &role);
		if (!rc)
			rc = get_bool(im, o, path, "lead", &lead);
		if (!rc)
			rc = get_u32(im, o, path, "seen", OPT, &seen);
		if (!rc && seen > WS(m, w)->n_updates)
			rc = bad(im, "%s.seen: breaks S11: %u is more than the workspace's n_updates (%u)", path,
			         seen, WS(m, w)->n_updates);
		if (!rc)
			rc = member(im, o, path, "organization", OPT, &jo);
		if (rc)
			return rc;
		W = WS(m, w);
		org = PWS__GRP_TEAM;
		if (!jo) { /* absent or null (member()) */
			/* WS4: a team membership needs its user on the owning team */
			if (USER(m, u)->team != W->team)
				return bad(im, "%s.organization: breaks S9: missing (the user is not on the "
				           "owning team, so this is a partner membership)", path);
		} else if (W->vis != PWS_VIS_PARTNER) {
			return bad(im, "%s.organization: breaks S9: a partner membership in a "
			           "workspace that is not a partner one", path);
		} else if (W->model == PWS_MODEL_LEGACY) {
			if (!jis(jo, JSON_STRING))
				return bad(im, "%s.organization: expected a string, got %s", path,
				           jtype(jo));
			rc = check_domain(im, json_string_value(jo), path, "organization");
			if (rc)
				return rc;
			org = pws__atom_intern(im->mem, m, json_string_value(jo));
			if (org == PWS__NONE)
				return PWS_ENOMEM;
		} else {
			rc = ref_team(im, o, path, "organization", REQ, 1, &org);
			if (!rc)
				rc = partner_invariants(im, path, ".organization", w, org);
			if (rc)
				return rc;
		}
		if (USER(m, u)->team != W->team && W->lc == PWS_LC_PENDING_APPROVAL)
			return bad(im, "%s.user: breaks S7: a pending_approval workspace has no "
			           "partner members", path);
		rc = role_invariants(im, path, W, org, role, lead);
		if (rc)
			return rc;
		if (pws__member_reserve(im->mem, m, w, u, org) ||
		    (seen && pws__umap_reserve(im->mem, &m->seen_of, 1)))
			return PWS_ENOMEM;
		pws__member_link(m, w, u, role, lead, org);
		if (seen)
			pws__set_seen(m, w, u, seen);
	}
	return PWS_OK;
}

/* S13, S14: invites are made only in an active workspace, partner ones
 * only in a partner workspace, which cannot leave partner visibility nor
 * be deleted while one is open (DL1, DL2); pws_invite refuses a partner
 * Admin (RO1), a partner Editor in multi-partner mode (RO2, and enabling
 * the mode downgrades open ones) and a lead flag on a member invite (RO3).
 * A member invite stays open when its workspace is deleted. */
static int invite_invariants(importer *im, const char *path, const pws__ws *W, int kind,
                             int role, int lead)
{
	if (W->lc == PWS_LC_PENDING_APPROVAL)
		return bad(im, "%s.workspace: breaks S13: a pending_approval workspace has no "
		           "invites", path);
	if (kind == PWS_INVITE_PARTNER && (W->lc != PWS_LC_ACTIVE || W->vis != PWS_VIS_PARTNER))
		return bad(im, "%s.kind: breaks S13: a partner invite is open only in an active "
		           "partner workspace", path);
	if (kind == PWS_INVITE_PARTNER && role == PWS_ROLE_ADMIN)
		return bad(im, "%s.role: breaks S14: a partner is never invited as Admin (RO1)",
		           path);
	if (kind == PWS_INVITE_PARTNER && role == PWS_ROLE_EDITOR && W->mode == PWS_MODE_MULTI)
		return bad(im, "%s.role: breaks S14: partners in multi-partner mode are invited as "
		           "Viewers only (RO2)", path);
	if (kind == PWS_INVITE_MEMBER && lead)
		return bad(im, "%s.lead: breaks S14: only partners are invited as Partner Leads "
		           "(RO3)", path);
	return PWS_OK;
}

static int i_invites(importer *im, const json_t *arr)
{
	static const char *const keys[] = { "workspace", "email", "inviter", "kind", "role", "lead",
	                                    NULL };
	pws__model *m = im->m;
	char path[PATH_SIZE];
	size_t i;

	for (i = 0; arr && i < json_array_size(arr); i++) {
		json_t *o;
		const char *email;
		int kind, role, lead, rc;
		uint32_t w, ea, inviter;
		pws__invite *v;

		rc = record(im, arr, "invites", i, path, sizeof(path), keys, &o);
		if (!rc)
			rc = ref_ws(im, o, path, "workspace", &w);
		if (!rc)
			rc = get_email(im, o, path, "email", &email);
		if (!rc) {
			ea = pws__atom_find(m, email);
			if (ea != PWS__NONE && pws__umap_get(&m->invite_of, pws__pair(w, ea)) != PWS__NONE)
				rc = bad(im, "%s: breaks S12: duplicate invite of '" Q "' to '" Q "'", path, email,
				         WS(m, w)->id);
		}
		if (!rc)
			rc = get_enum(im, o, path, "kind", REQ, INV_KIND_NAMES, &kind);
		if (!rc)
			rc = get_enum(im, o, path, "role", REQ, ROLE_NAMES, &role);
		if (!rc)
			rc = get_bool(im, o, path, "lead", &lead);
		if (!rc)
			rc = ref_user(im, o, path, "inviter", REQ, 1, &inviter);
		if (!rc)
			rc = invite_invariants(im, path, WS(m, w), kind, role, lead);
		if (rc)
			return rc;
		ea = pws__atom_intern(im->mem, m, email);
		if (ea == PWS__NONE ||
		    pws__vec_reserve(im->mem, &m->invites, sizeof(pws__invite), 1) ||
		    pws__umap_reserve(im->mem, &m->invite_of, 1))
			return PWS_ENOMEM;
		pws__umap_put(&m->invite_of, pws__pair(w, ea), m->invites.n);
		v = INVITE(m, m->invites.n++);
		memset(v, 0, sizeof(*v));
		v->ws = w;
		v->email = ea;
		v->inviter = inviter;
		v->kind = (uint8_t)kind;
		v->role = (uint8_t)role;
		v->lead = (uint8_t)lead;
		v->status = PWS__INV_OPEN;
		if (kind == PWS_INVITE_PARTNER)
			WS(m, w)->n_pinv++;
	}
	return PWS_OK;
}

static int i_elements(importer *im, const json_t *arr)
{
	static const char *const keys[] = { "id", "workspace", "kind", "size", "parent", "state",
	                                    "deleted_at", "editors", NULL };
	pws__model *m = im->m;
	char path[PATH_SIZE];
	size_t i, j;

	if (arr && json_array_size(arr)) {
		im->mark = pws__calloc(im->mem, m->users.n ? m->users.n : 1, sizeof(uint32_t));
		if (!im->mark)
			return PWS_ENOMEM;
	}
	for (i = 0; arr && i < json_array_size(arr); i++) {
		json_t *o, *eds;
		const char *id;
		int kind, state, rc;
		uint64_t size;
		int64_t del;
		uint32_t w, parent, e;
		pws__element *E;

		rc = record(im, arr, "elements", i, path, sizeof(path), keys, &o);
		if (!rc)
			rc = get_id(im, o, path, "id", REQ, 0, &id);
		if (!rc && pws__el_find(m, id) != PWS__NONE)
			rc = bad(im, "%s.id: breaks S1: duplicate element '" Q "'", path, id);
		if (!rc)
			rc = ref_ws(im, o, path, "workspace", &w);
		if (!rc)
			rc = get_enum(im, o, path, "kind", REQ, EL_KIND_NAMES, &kind);
		if (!rc)
			rc = get_uint(im, o, path, "size", OPT, UINT64_MAX, &size);
		if (!rc)
			rc = get_enum(im, o, path, "state", OPT, EL_STATE_NAMES, &state);
		if (!rc && !state)
			state = PWS__EL_LIVE;
		if (!rc)
			rc = get_i64(im, o, path, "deleted_at", &del);
		if (!rc && state == PWS__EL_LIVE && del != 0)
			rc = bad(im, "%s.deleted_at: breaks S15: must be 0 for a live element", path);
		if (!rc)
			rc = member(im, o, path, "editors", OPT, &eds);
		if (!rc && eds && !jis(eds, JSON_ARRAY))
			rc = bad(im, "%s.editors: expected an array, got %s", path, jtype(eds));
		if (!rc)
			rc = ref_el(im, o, path, "parent", OPT, w, &parent);
		if (rc)
			return rc;
		if (pws__vec_reserve(im->mem, &m->elements, sizeof(pws__element), 1) ||
		    pws__ids_reserve(im->mem, &WS(m, w)->elements, 1))
			return PWS_ENOMEM;
		e = m->elements.n++;
		E = ELEM(m, e);
		memset(E, 0, sizeof(*E));
		E->ws = w;
		E->parent = parent;
		E->size = size;
		E->deleted_at = state == PWS__EL_TRASH ? del : 0;
		E->kind = (uint8_t)kind;
		E->state = (uint8_t)state;
		E->ws_pos = pws__ids_push(&WS(m, w)->elements, e);
		if (put_id(im, &m->el_ids, id, e, &E->id))
			return PWS_ENOMEM;
		for (j = 0; eds && j < json_array_size(eds); j++) {
			const json_t *d = json_array_get(eds, j);
			char key[32];
			uint32_t u;

			snprintf(key, sizeof(key), "editors[%zu]", j);
			if (!jis(d, JSON_STRING))
				return bad(im, "%s.%s: expected a string, got %s", path, key, jtype(d));
			if (json_string_value(d)[0] && !pws__valid_id(json_string_value(d)))
				return bad(im, "%s.%s: malformed id '" Q "'", path, key,
				           json_string_value(d));
			rc = user_ref(im, json_string_value(d), path, key, 1, &u);
			if (rc)
				return rc;
			if (u != im->gone_user) {
				if (im->mark[u] == e + 1)
					return bad(im, "%s.%s: breaks S15: duplicate editor '" Q "'", path, key,
					           json_string_value(d));
				im->mark[u] = e + 1;
			}
			if (pws__ids_reserve(im->mem, &ELEM(m, e)->editors, 1))
				return PWS_ENOMEM;
			pws__ids_push(&ELEM(m, e)->editors, u);
		}
	}
	return PWS_OK;
}

/* Updates, replies, history entries and comments. */
static int i_posts(importer *im, const json_t *arr, int kind)
{
	static const char *const k_update[] = { "id", "workspace", "author", "text", "at", NULL };
	static const char *const k_reply[] = { "id", "workspace", "author", "text", "at", "update",
	                                       NULL };
	static const char *const k_comment[] = { "id", "workspace", "author", "text", "at",
	                                         "element", NULL };
	static const char *const names[] = { "updates", "replies", "history", "comments" };
	pws__model *m = im->m;
	pws__vec *vec = kind == POST_UPDATE ? &m->updates : kind == POST_REPLY ? &m->replies
	              : kind == POST_HISTORY ? &m->history : &m->comments;
	pws__smap *ids = kind == POST_UPDATE ? &m->upd_ids : kind == POST_REPLY ? &m->reply_ids
	               : kind == POST_HISTORY ? &m->hist_ids : &m->comment_ids;
	const char *const *keys = kind == POST_REPLY ? k_reply
	                        : kind == POST_COMMENT ? k_comment : k_update;
	char path[PATH_SIZE];
	size_t i;

	for (i = 0; arr && i < json_array_size(arr); i++) {
		json_t *o;
		const char *id, *text, *up_id;
		int64_t at;
		uint32_t w, author, parent = PWS__NONE, n;
		pws__ids *list;
		pws__post *P;
		int rc;

		rc = record(im, arr, names[kind], i, path, sizeof(path), keys, &o);
		if (!rc)
			rc = get_id(im, o, path, "id", REQ, 0, &id);
		if (!rc && pws__smap_get(ids, id) != PWS__NONE)
			rc = bad(im, "%s.id: breaks S1: duplicate id '" Q "'", path, id);
		if (!rc)
			rc = ref_ws(im, o, path, "workspace", &w);
		if (!rc)
			rc = get_text(im, o, path, "text", REQ, &text);
		if (!rc)
			rc = get_i64(im, o, path, "at", &at);
		if (!rc && kind == POST_REPLY) {
			rc = get_id(im, o, path, "update", REQ, 0, &up_id);
			if (!rc && (parent = pws__smap_get(&m->upd_ids, up_id)) == PWS__NONE)
				rc = bad(im, "%s.update: breaks S2: unknown update '" Q "'", path, up_id);
			if (!rc && UPDATE(m, parent)->ws != w)
				rc = bad(im, "%s.workspace: breaks S16: not the workspace of update '" Q "'", path,
				         up_id);
		}
		if (!rc)
			rc = ref_user(im, o, path, "author", REQ, 1, &author);
		if (!rc && kind == POST_COMMENT)
			rc = ref_el(im, o, path, "element", REQ, w, &parent);
		if (rc)
			return rc;
		list = kind == POST_UPDATE ? &WS(m, w)->updates
		     : kind == POST_REPLY ? &UPDATE(m, parent)->kids
		     : kind == POST_HISTORY ? pws__user_history_list(im->mem, m, author)
		     : &ELEM(m, parent)->comments;
		/* a failed import discards the model, an empty history list with it */
		if (!list || pws__vec_reserve(im->mem, vec, sizeof(pws__post), 1) ||
		    pws__ids_reserve(im->mem, list, 1))
			return PWS_ENOMEM;
		n = vec->n++;
		P = PWS__AT(*vec, pws__post, n);
		memset(P, 0, sizeof(*P));
		P->ws = w;
		P->author = author;
		P->parent = parent;
		P->at = at;
		pws__ids_push(list, n);
		if (dup_opt(im, text, &P->text) || put_id(im, ids, id, n, &P->id))
			return PWS_ENOMEM;
	}
	return PWS_OK;
}

static int i_retention(importer *im, const json_t *root)
{
	json_t *r = opt_member(root, "retention");
	unsigned i;
	int rc;

	if (!r)
		return PWS_OK;
	if (!jis(r, JSON_OBJECT))
		return bad(im, "retention: expected an object, got %s", jtype(r));
	rc = check_keys(im, r, "retention", PLAN_NAMES);
	for (i = 0; !rc && PLAN_NAMES[i]; i++) {
		static const char *const keys[] = { "days", "bytes", NULL };
		const json_t *o = json_object_get(r, PLAN_NAMES[i]);
		char path[PATH_SIZE];
		uint32_t days;
		uint64_t bytes;

		if (!o || jis(o, JSON_NULL))
			continue;
		snprintf(path, sizeof(path), "retention.%s", PLAN_NAMES[i]);
		if (!jis(o, JSON_OBJECT))
			return bad(im, "%s: expected an object, got %s", path, jtype(o));
		rc = check_keys(im, o, path, keys);
		if (!rc)
			rc = get_u32(im, o, path, "days", REQ, &days);
		if (!rc)
			rc = get_uint(im, o, path, "bytes", REQ, UINT64_MAX, &bytes);
		if (!rc) {
			im->m->retention_days[i + 1] = days;
			im->m->retention_bytes[i + 1] = bytes;
		}
	}
	return rc;
}

/* --- the binary section of a state image (see image.h) ---------------------------- */

typedef struct binrd {
	const unsigned char *p, *end;
	char *scratch;      /* NUL-terminated copies of the strings of one record */
	size_t used, cap;
} binrd;

static uint32_t rd_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int rd_u32(binrd *r, uint32_t *v)
{
	if (r->end - r->p < 4)
		return -1;
	*v = rd_le32(r->p);
	r->p += 4;
	return 0;
}

static int rd_u8(binrd *r, int *v)
{
	if (r->end - r->p < 1)
		return -1;
	*v = *r->p++;
	return 0;
}

/* A string (optional: length 0xffffffff for none, *out NULL), copied
 * NUL-terminated into the record's scratch space; PWS_EINVALID when
 * truncated, holding a NUL byte, or longer than any valid field. */
static int rd_str(binrd *r, int optional, const char **out)
{
	uint32_t l;

	*out = NULL;
	if (rd_u32(r, &l))
		return PWS_EINVALID;
	if (l == UINT32_MAX && optional)
		return PWS_OK;
	if ((size_t)(r->end - r->p) < l || memchr(r->p, 0, l))
		return PWS_EINVALID;
	if (r->cap - r->used < (size_t)l + 1)
		return PWS_EINVALID; /* longer than any valid field can be */
	memcpy(r->scratch + r->used, r->p, l);
	r->scratch[r->used + l] = '\0';
	*out = r->scratch + r->used;
	r->used += (size_t)l + 1;
	r->p += l;
	return PWS_OK;
}

/* Room for every string of one record, which valid fields bound: four
 * texts of at most 1 MiB, ids and an address of at most 255 bytes each.
 * The space is allocated once and never moves while a record is read. */
#define BIN_SCRATCH (((size_t)4 << 20) + 8 * 256)

static int rd_record(importer *im, binrd *r)
{
	size_t need = (size_t)(r->end - r->p) + 8;

	r->used = 0;
	if (need > BIN_SCRATCH)
		need = BIN_SCRATCH;
	if (r->cap < need) {
		char *n = pws__realloc(im->mem, r->scratch, need);

		if (!n)
			return PWS_ENOMEM;
		r->scratch = n;
		r->cap = need;
	}
	return PWS_OK;
}

/* The checks of a field's value, read from an image or from a bulk
 * load's arrays: an id (NULL: none; "" where removed_ok) */
static int id_ok(importer *im, const char *path, const char *key, int removed_ok, const char *s)
{
	if (!s || (removed_ok && !s[0]))
		return PWS_OK;
	if (!pws__valid_id(s))
		return bad(im, "%s.%s: malformed id '" Q "'", path, key, s);
	return PWS_OK;
}

static int text_ok(importer *im, const char *path, const char *key, const char *s)
{
	if (s && !pws__valid_text(s))
		return bad(im, "%s.%s: text longer than 1 MiB", path, key);
	return PWS_OK;
}

/* The highest value of an enum whose names (NULL-terminated) are the
 * array a: counted by the compiler, not by a walk at each value checked. */
#define NAMES_MAX(a) ((unsigned)(sizeof(a) / sizeof((a)[0]) - 1))

/* An enum: 0 (none, where allowed) to max, its number of names. */
static int enum_ok(importer *im, const char *path, const char *key, int required,
                   unsigned max, int v)
{
	if ((unsigned)v > max || (required && !v))
		return bad(im, "%s.%s: bad value %d", path, key, v);
	return PWS_OK;
}

static int rd_id(importer *im, binrd *r, const char *path, const char *key, int optional,
                 int removed_ok, const char **out)
{
	int rc = rd_str(r, optional, out);

	if (rc) /* rd_str fails only with PWS_EINVALID */
		return bad(im, "%s.%s: truncated or malformed", path, key);
	return id_ok(im, path, key, removed_ok, *out);
}

static int rd_text(importer *im, binrd *r, const char *path, const char *key, int optional,
                   const char **out)
{
	int rc = rd_str(r, optional, out);

	if (rc) /* rd_str fails only with PWS_EINVALID */
		return bad(im, "%s.%s: truncated or malformed", path, key);
	return text_ok(im, path, key, *out);
}

static int rd_enum(importer *im, binrd *r, const char *path, const char *key, int required,
                   unsigned max, int *out)
{
	if (rd_u8(r, out))
		return bad(im, "%s.%s: truncated", path, key);
	return enum_ok(im, path, key, required, max, *out);
}

static int rd_flag(importer *im, binrd *r, const char *path, const char *key, int *out)
{
	if (rd_u8(r, out) || *out > 1)
		return bad(im, "%s.%s: truncated or not 0/1", path, key);
	return PWS_OK;
}

/* path_idx's text for i + 1 from the one for i, written in place: the
 * prefix stays, the digits count up (a bulk load reads a million users;
 * formatting each path anew cost more than checking the record). path
 * holds "<prefix>[<digits>]", pre is the prefix's length and end the
 * position of the ']' (kept by the caller: no strlen a record); returns
 * the position of the new ']'. */
static size_t path_next(char path[PATH_SIZE], size_t pre, size_t end)
{
	size_t k = end; /* at ']' */

	while (k > pre + 1 && path[k - 1] == '9')
		path[--k] = '0';
	if (k > pre + 1) {
		path[k - 1]++;
		return end;
	}
	/* all nines: one digit more ("[99]" -> "[100]") */
	path[pre + 1] = '1';
	path[end] = '0';
	path[end + 1] = ']';
	path[end + 2] = '\0';
	return end + 1;
}

/* Whether the l bytes at p are all printable ASCII (0x20..0x7e): then an
 * id made of them holds no NUL, no control byte and no bad UTF-8, and is
 * valid when 1 to 255 bytes long (pws__valid_id decides every other one).
 * Eight bytes a step, and the last bytes in one word that may overlap
 * the previous step's (two 4-byte words for 4 to 7 bytes): an id of a
 * bulk load is often under 8 bytes, which a loop a byte a step checked
 * at about 6 instructions a byte (session 20). */
static int printable_word(uint64_t w, uint64_t ones)
{
	/* a byte < 0x20, a byte >= 0x80, or a byte 0x7f (exact when no byte
	 * is below 0x20: no borrow crosses a byte then) */
	return !(((w - ones * 0x20) | w | ((w ^ (ones * 0x7f)) - ones)) & (ones * 0x80));
}

static int printable_ascii(const unsigned char *p, size_t l)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t w;
	uint32_t a, b;

	if (l >= 8) {
		for (; l > 8; l -= 8, p += 8) {
			memcpy(&w, p, 8);
			if (!printable_word(w, ones))
				return 0;
		}
		memcpy(&w, p + l - 8, 8);
		return printable_word(w, ones);
	}
	if (l >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + l - 4, 4);
		return printable_word((uint64_t)a << 32 | b, ones);
	}
	for (; l; l--, p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/* rd_id for a required id of a user record, the printable ASCII ids of
 * a host's directory checked in one pass over their bytes. */
static int rd_user_id(importer *im, binrd *r, const char *path, const char **out)
{
	uint32_t l;

	if (r->end - r->p >= 4 && (l = rd_le32(r->p)) >= 1 && l <= 255 &&
	    (size_t)(r->end - r->p - 4) >= l && printable_ascii(r->p + 4, l)) {
		/* the id is a record's first string: rd_record left room for
		 * the rest of the image, or 4 MiB */
		if (r->cap - r->used < (size_t)l + 1) /* GCOVR_EXCL_BR_LINE: see above */
			return rd_id(im, r, path, "id", 0, 0, out);
		memcpy(r->scratch + r->used, r->p + 4, l);
		r->scratch[r->used + l] = '\0';
		*out = r->scratch + r->used;
		r->used += (size_t)l + 1;
		r->p += 4 + (size_t)l;
		return PWS_OK;
	}
	return rd_id(im, r, path, "id", 0, 0, out);
}

/* The bytes the ids and addresses of n user records from p take as C
 * strings, for the model's string block (one allocation instead of two a
 * user). Stops at the first record that does not parse: the reading
 * reports it. */
static size_t users_str_bytes(const unsigned char *p, const unsigned char *end, uint32_t n)
{
	size_t sum = 0;
	uint32_t i, k, l;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 3; k++) { /* id, email, team */
			if (end - p < 4)
				return sum;
			l = rd_le32(p);
			p += 4;
			if (k == 2 && l == UINT32_MAX)
				break;
			if ((size_t)(end - p) < l)
				return sum;
			p += l;
			if (k < 2)
				sum += (size_t)l + 1;
		}
		if (end - p < 2)
			return sum;
		p += 2;
	}
	return sum;
}

/* --- the users of an image, their table inserts pipelined -------------------------
 * A bulk load adds a million users whose three table inserts (the id
 * table, the atoms, the address map) each miss the cache at random. The
 * users are read, checked and recorded in order (stage A, everything
 * user_add does but the duplicate checks and the inserts), their home
 * slots start loading, and the inserts of a user are made USERS_AHEAD
 * users later (stage B, in order: the duplicate found first is the one
 * user_add finds). A user's S4 errors come after its duplicate checks,
 * its reading errors before them, so an error in stage A drains the
 * pending users first, as user_add would have met their errors first.
 * Until its stage B a user's id and address are in no table; they are
 * freed if the load stops before it (the tables own what they hold). */
#define USERS_AHEAD 8

typedef struct upend {
	uint32_t i, u, ea;     /* image position, user, address atom */
	const char *id, *email; /* the model's copies */
	pws__skey ki, ke;
} upend;

typedef struct upipe {
	upend v[USERS_AHEAD];
	uint32_t head, n;      /* the oldest pending one, how many */
} upipe;

/* Starts loading the slots an insert of k into map writes: the slot, its
 * payload and its key pointer (a key's tail is written, not read, and a
 * store does not wait for its line). Always inline: GCC 12 at -O2 found a
 * static function of prefetches alone free of effects and dropped the
 * calls. */
static PWS__ALWAYS_INLINE void smap_prefetch_put(const pws__smap *map, const pws__skey *k)
{
	uint32_t j = (uint32_t)k->hash & map->mask;

	__builtin_prefetch(pws__smap_at(map, j));
	__builtin_prefetch(pws__smap_auxp(map, j));
	__builtin_prefetch(&map->keys[j]);
}

/* The duplicate checks of user_add (S1, then S3), which leave in *jid
 * and *jat the free slots the user's id and address take (nothing is put
 * into the two maps between the probes and the puts). */
static int user_dups(importer *im, uint32_t i, const char *id, const pws__skey *ki,
                     const char *email, const pws__skey *ke, uint32_t *jid, uint32_t *jat)
{
	pws__model *m = im->m;
	char path[PATH_SIZE];
	int found;

	/* both maps have cells: users_reserve made room for the users */
	*jid = pws__smap_probe_s(&m->user_ids, id, ki, m->user_ids.shift, &found);
	if (found) {
		path_idx(path, "image.users", i);
		return bad(im, "%s.id: breaks S1: duplicate user '" Q "'", path, id);
	}
	/* the atoms are domains (no '@') and users' addresses: an address
	 * found is a user's */
	*jat = pws__smap_probe_s(&m->atoms, email, ke, m->atoms.shift, &found);
	if (found) {
		path_idx(path, "image.users", i);
		return bad(im, "%s.email: breaks S3: '" Q "' belongs to another user", path, email);
	}
	return PWS_OK;
}

/* Stage B of the oldest pending user. */
static int upipe_insert(importer *im, upipe *q)
{
	pws__model *m = im->m;
	upend *e = &q->v[q->head];
	uint32_t jid, jat;
	int rc = user_dups(im, e->i, e->id, &e->ki, e->email, &e->ke, &jid, &jat);

	if (rc)
		return rc;
	pws__smap_put_at(&m->atoms, jat, e->email, &e->ke, e->ea);
	pws__user_of_atom_set(m, e->ea, e->u);
	pws__smap_put_at(&m->user_ids, jid, e->id, &e->ki, e->u);
	*pws__smap_auxp(&m->user_ids, jid) = pws__uhot_of(USER(m, e->u)); /* pws__hot_user, slot at hand */
	q->head = (q->head + 1) % USERS_AHEAD;
	q->n--;
	return PWS_OK;
}

/* Stage B of every pending user; on an error, the strings of the users
 * not inserted are freed. */
static int upipe_drain(importer *im, upipe *q)
{
	int rc = PWS_OK;

	while (q->n && !(rc = upipe_insert(im, q)))
		;
	for (; q->n; q->n--, q->head = (q->head + 1) % USERS_AHEAD) {
		pws__model_str_free(im->m, q->v[q->head].id);
		pws__model_str_free(im->m, q->v[q->head].email);
	}
	return rc;
}

/* Stage A of user_add for image position i (q has room for one more). */
static int user_add_a(importer *im, upipe *q, uint32_t i, const char *path, const char *id,
                      const char *email, uint32_t t, int role, int pm)
{
	pws__model *m = im->m;
	pws__skey ki = pws__skey_of(&m->user_ids, id), ke = pws__skey_of(&m->atoms, email);
	const char *s4 = NULL;
	uint32_t ea, da, u, npend = q->n + 1;
	char *idc, *ec;
	upend *e;
	int rc;

	if (t == PWS__NONE && role)
		s4 = "team_role: breaks S4: a user with no team has no team role";
	else if (t == PWS__NONE && pm)
		s4 = "partner_manager: breaks S4: a user with no team is no Partner Manager";
	else if (t != PWS__NONE && !role)
		s4 = "team_role: breaks S4: missing (the user has a team)";
	if (s4) {
		/* after the checks user_add makes before it */
		uint32_t jid, jat;

		rc = upipe_drain(im, q);
		if (!rc)
			rc = user_dups(im, i, id, &ki, email, &ke, &jid, &jat);
		return rc ? rc : bad(im, "%s.%s", path, s4);
	}
	if (pws__vec_reserve(im->mem, &m->atom_str, sizeof(char *), 1) ||
	    !(ec = pws__model_strdup(im->mem, m, email, ke.len)))
		return PWS_ENOMEM;
	ea = m->atom_str.n++;
	((const char **)m->atom_str.v)[ea] = ec;
	da = key_dom_atom(im, ec, ke.len);
	/* users, user_h and user_ids were sized for all of the image's users
	 * at once (bin_users); the atoms and their users for one address and
	 * one domain in eight a user, and a run of new domains can pass that.
	 * The pending ones are not counted in the tables yet: room for them. */
	if (da == PWS__NONE ||
	    (t != PWS__NONE && pws__ids_reserve(im->mem, &TEAM(m, t)->users, 1)) ||
	    pws__smap_reserve(im->mem, &m->atoms, npend) ||
	    pws__user_of_atom_reserve(im->mem, m, ea) ||
	    !(idc = pws__model_strdup(im->mem, m, id, ki.len))) {
		pws__model_str_free(m, ec);
		return PWS_ENOMEM;
	}
	u = pws__user_append(m, &ki, idc, ea, da, t, role, pm);
	smap_prefetch_put(&m->user_ids, &ki);
	smap_prefetch_put(&m->atoms, &ke);
	e = &q->v[(q->head + q->n) % USERS_AHEAD];
	e->i = i;
	e->u = u;
	e->ea = ea;
	e->id = idc;
	e->email = ec;
	e->ki = ki;
	e->ke = ke;
	q->n++;
	return PWS_OK;
}

/* The tables of n users more, sized at once, not grown user by user;
 * str_bytes: their ids and addresses as C strings. */
static int users_reserve(importer *im, uint32_t n, size_t str_bytes)
{
	pws__model *m = im->m;

	if (pws__vec_reserve(im->mem, &m->users, sizeof(pws__user), n) ||
	    pws__vec_reserve(im->mem, &m->uhot, sizeof(uint32_t), n) ||
	    pws__ids_reserve(im->mem, &m->user_h, n) || pws__smap_reserve(im->mem, &m->user_ids, n) ||
	    pws__ids_reserve(im->mem, &m->user_of_atom,
	                     m->atom_str.n - m->user_of_atom.n + n + n / 8) ||
	    pws__smap_reserve(im->mem, &m->atoms, n + n / 8) ||
	    pws__vec_reserve(im->mem, &m->atom_str, sizeof(char *), n + n / 8) ||
	    pws__model_strs_reserve(im->mem, m, str_bytes))
		return PWS_ENOMEM;
	return PWS_OK;
}

/* A user read (rc: its reading's error, if any): stage B of the oldest
 * pending one if the pipeline is full, then its stage A. On an error the
 * pending users come first (a no-op when an insert failed). */
static int user_next(importer *im, upipe *q, uint32_t i, const char *path, const char *id,
                     const char *email, uint32_t t, int role, int pm, int rc)
{
	int rc2;

	if (!rc && q->n == USERS_AHEAD)
		rc = upipe_insert(im, q);
	if (!rc)
		rc = user_add_a(im, q, i, path, id, email, t, role, pm);
	if (rc) {
		rc2 = upipe_drain(im, q);
		return rc2 ? rc2 : rc;
	}
	return PWS_OK;
}

/* Whether the string at r is the l bytes of s; then r moves past it. */
static int rd_same_str(binrd *r, const char *s, size_t l)
{
	if ((size_t)(r->end - r->p) < 4 + l || rd_le32(r->p) != l || memcmp(r->p + 4, s, l) != 0)
		return 0;
	r->p += 4 + l;
	return 1;
}

/* The image's users, appended to the model's in their order: image
 * position i is model index *first + i. */
static int bin_users(importer *im, binrd *r, uint32_t *n, uint32_t *first)
{
	static const char prefix[] = "image.users";
	char path[PATH_SIZE], last_team[256];
	uint32_t i, last_t = PWS__NONE;
	size_t last_len = 0, pend = 0;
	upipe q;
	int rc;

	if (rd_u32(r, n))
		return bad(im, "image.users: truncated");
	/* a user index has 29 bits (a group's entry, model.h pws__ge_*) */
	if (!PWS__USERS_ROOM(im->m, *n))
		return bad(im, "image.users: %u users, over the limit of %u a handle holds", *n,
		           PWS__USERS_MAX);
	if (*n > (size_t)(r->end - r->p) / 14)
		return bad(im, "image.users: truncated");
	memset(&q, 0, sizeof q);
	*first = im->m->users.n;
	if (users_reserve(im, *n, users_str_bytes(r->p, r->end, *n)))
		return PWS_ENOMEM;
	for (i = 0; i < *n; i++) {
		const char *id, *email, *team = NULL;
		uint32_t t = PWS__NONE;
		int role = 0, pm = 0, same_team = 0;

		if (i == 0) {
			path_idx(path, prefix, 0);
			pend = strlen(path) - 1;
		} else {
			pend = path_next(path, sizeof prefix - 1, pend);
		}
		rc = rd_record(im, r);
		if (!rc)
			rc = rd_user_id(im, r, path, &id);
		if (!rc && (rc = rd_str(r, 0, &email)) == PWS_EINVALID)
			rc = bad(im, "%s.email: truncated or malformed", path);
		if (!rc)
			rc = check_email(im, &email, path, "email");
		/* users come in runs of one team: the bytes of the last team id
		 * read are that team (checked and looked up then), not read,
		 * checked and looked up again */
		if (!rc && last_t != PWS__NONE && rd_same_str(r, last_team, last_len))
			same_team = 1;
		else if (!rc)
			rc = rd_id(im, r, path, "team", 1, 0, &team);
		if (!rc)
			rc = rd_enum(im, r, path, "team_role", 0, NAMES_MAX(TEAM_ROLE_NAMES), &role);
		if (!rc)
			rc = rd_flag(im, r, path, "partner_manager", &pm);
		if (!rc && same_team) {
			t = last_t;
		} else if (!rc && team) {
			rc = team_ref(im, team, path, "team", &t);
			if (!rc) { /* a valid id: at most 255 bytes */
				last_len = strlen(team);
				memcpy(last_team, team, last_len);
				last_t = t;
			}
		}
		/* appends user i as *first + i */
		rc = user_next(im, &q, i, path, id, email, t, role, pm, rc);
		if (rc)
			return rc;
	}
	return upipe_drain(im, &q);
}

/* The image's workspaces, appended in their order: position i is model
 * index *first + i. */
static int bin_workspaces(importer *im, binrd *r, uint32_t *n, uint32_t *first)
{
	char path[PATH_SIZE];
	uint32_t i;
	int rc, zero;

	if (rd_u32(r, n) || *n > (size_t)(r->end - r->p) / 36)
		return bad(im, "image.workspaces: truncated");
	*first = im->m->wss.n;
	if (pws__vec_reserve(im->mem, &im->m->wss, sizeof(pws__ws), *n) ||
	    pws__ids_reserve(im->mem, &im->m->ws_h, *n) ||
	    pws__smap_reserve(im->mem, &im->m->ws_ids, *n))
		return PWS_ENOMEM;
	for (i = 0; i < *n; i++) {
		ws_fields f;

		memset(&f, 0, sizeof f);
		path_idx(path, "image.workspaces", i);
		rc = rd_record(im, r);
		if (!rc)
			rc = rd_id(im, r, path, "id", 0, 0, &f.id);
		if (!rc)
			rc = rd_text(im, r, path, "name", 0, &f.name);
		if (!rc)
			rc = rd_text(im, r, path, "summary", 1, &f.summary);
		if (!rc)
			rc = rd_text(im, r, path, "description", 1, &f.desc);
		if (!rc)
			rc = rd_text(im, r, path, "note", 1, &f.note);
		if (!rc)
			rc = rd_id(im, r, path, "team", 0, 1, &f.team);
		if (!rc)
			rc = rd_id(im, r, path, "requester", 1, 1, &f.requester);
		if (!rc)
			rc = rd_enum(im, r, path, "visibility", 1, NAMES_MAX(VIS_NAMES), &f.vis);
		if (!rc)
			rc = rd_enum(im, r, path, "mode", 0, NAMES_MAX(MODE_NAMES), &f.mode);
		if (!rc)
			rc = rd_enum(im, r, path, "model", 0, NAMES_MAX(MODEL_NAMES), &f.model);
		if (!rc)
			rc = rd_enum(im, r, path, "lifecycle", 1, NAMES_MAX(LC_NAMES), &f.lc);
		if (!rc)
			rc = rd_flag(im, r, path, "was_partner", &f.was);
		if (!rc)
			rc = rd_enum(im, r, path, "request", 0, NAMES_MAX(REQ_NAMES), &f.req);
		if (!rc)
			rc = rd_flag(im, r, path, "integration", &f.integ);
		if (!rc && (rd_u8(r, &zero) || zero))
			rc = bad(im, "%s: bad padding", path);
		if (!rc && rd_u32(r, &f.n_upd))
			rc = bad(im, "%s.n_updates: truncated", path);
		if (!rc) /* appends workspace i as *first + i */
			rc = ws_add(im, path, &f);
		if (rc)
			return rc;
	}
	return PWS_OK;
}

/* The organizations table: strings, resolved when a row uses them. */
static int bin_orgs(importer *im, binrd *r, uint32_t *n, char ***tab, char **buf)
{
	const unsigned char *start;
	size_t total = 0, off = 0;
	uint32_t i, l = 0;

	*tab = NULL;
	*buf = NULL;
	if (rd_u32(r, n) || *n > (size_t)(r->end - r->p) / 4)
		return bad(im, "image.organizations: truncated");
	start = r->p;
	for (i = 0; i < *n; i++) {
		if (rd_u32(r, &l) || (size_t)(r->end - r->p) < l)
			return bad(im, "image.organizations[%u]: truncated", i);
		if (memchr(r->p, 0, l))
			return bad(im, "image.organizations[%u]: holds a NUL byte", i);
		r->p += l;
		total += (size_t)l + 1;
	}
	*tab = pws__malloc(im->mem, (size_t)(*n ? *n : 1) * sizeof(char *));
	*buf = pws__malloc(im->mem, total ? total : 1);
	if (!*tab || !*buf)
		return PWS_ENOMEM;
	r->p = start;
	for (i = 0; i < *n; i++) {
		(void)rd_u32(r, &l);
		memcpy(*buf + off, r->p, l);
		(*buf)[off + l] = '\0';
		(*tab)[i] = *buf + off;
		off += (size_t)l + 1;
		r->p += l;
	}
	return PWS_OK;
}

typedef struct binrow {
	uint32_t ws, user, org, seen;
	int role, lead;
} binrow;

static PWS__ALWAYS_INLINE void row_at(const unsigned char *b, binrow *x)
{
	x->ws = rd_le32(b);
	x->user = rd_le32(b + 4);
	x->org = rd_le32(b + 8);
	x->seen = rd_le32(b + 12);
	x->role = b[16];
	x->lead = b[17];
}

/* Where the rows come from: an image's 20-byte rows, or a bulk load's
 * memberships (lm set) with their organizations' positions (org_of) */
typedef struct rowsrc {
	const unsigned char *rows;
	const pws_load_membership *lm;
	const uint32_t *org_of;
} rowsrc;

static PWS__ALWAYS_INLINE void row_get(const rowsrc *s, int arrays, uint32_t i, binrow *x)
{
	if (arrays) {
		const pws_load_membership *lm = &s->lm[i];

		x->ws = lm->workspace;
		x->user = lm->user;
		x->org = s->org_of[i];
		x->seen = 0;
		x->role = lm->role;
		x->lead = lm->lead;
	} else {
		row_at(s->rows + (size_t)i * PWS__IMAGE_ROW, x);
	}
}

/* Whether row i has padding other than zero (an image's only) */
static PWS__ALWAYS_INLINE int row_padded(const rowsrc *s, int arrays, uint32_t i)
{
	const unsigned char *b;

	if (arrays) /* (no rows: nothing to point into) */
		return 0;
	b = s->rows + (size_t)i * PWS__IMAGE_ROW;
	return b[18] || b[19];
}

/* The organization of a partner row in workspace w (cached per table
 * entry and per kind): a team in team-to-team, a domain atom in legacy. */
static int bin_org(importer *im, const pws__ws *W, uint32_t o, const char *const *orgs,
                   uint32_t *team_of, uint32_t *atom_of, uint32_t row, uint32_t *org)
{
	pws__model *m = im->m;
	char path[PATH_SIZE];
	int rc;

	if (W->model == PWS_MODEL_LEGACY) {
		if (atom_of[o] == PWS__NONE) {
			snprintf(path, sizeof path, "image.rows[%u]", row);
			rc = check_domain(im, orgs[o], path, "organization");
			if (rc)
				return rc;
			atom_of[o] = pws__atom_intern(im->mem, m, orgs[o]);
			if (atom_of[o] == PWS__NONE)
				return PWS_ENOMEM;
		}
		*org = atom_of[o];
		return PWS_OK;
	}
	if (team_of[o] == PWS__NONE) {
		if (!orgs[o][0])
			team_of[o] = gone_team(im);
		else if ((team_of[o] = pws__team_find(m, orgs[o])) == PWS__NONE)
			return bad(im, "image.rows[%u].organization: unknown team '" Q "'", row,
			           orgs[o]);
		if (team_of[o] == PWS__NONE)
			return PWS_ENOMEM;
	}
	*org = team_of[o];
	return PWS_OK;
}

#define BIN_AHEAD 16 /* rows whose membership slot is loading ahead of use */

/* The rows: checked, then linked with the membership slots of later rows
 * loading and each group's list sized once per run of its rows. The
 * rows' positions name the image's workspaces (model index w0 +
 * position) and users (u0 + position); their organizations are the no
 * strings of orgs. Inline, arrays a constant: one copy for each source,
 * without a test of it a row. */
static PWS__ALWAYS_INLINE int members_link(importer *im, const rowsrc *src, int arrays,
                                           uint32_t nrows, const char *const *orgs, uint32_t no,
                                           uint32_t nw, uint32_t w0, uint32_t nu, uint32_t u0)
{
	pws__model *m = im->m;
	uint32_t i;
	uint32_t *team_of = NULL, *atom_of = NULL, *per_user = NULL;
	uint32_t n_seats = 0, n_seen = 0, cur_w = PWS__NONE, cur_key = PWS__NONE, cur_g = PWS__NONE;
	int rc = PWS_OK;

	team_of = pws__malloc(im->mem, ((size_t)no + 1) * sizeof(uint32_t));
	atom_of = pws__malloc(im->mem, ((size_t)no + 1) * sizeof(uint32_t));
	per_user = pws__temp_table_alloc(im->mem, ((size_t)nu + 1) * sizeof(uint32_t));
	if (!team_of || !atom_of || !per_user)
		rc = PWS_ENOMEM;
	for (i = 0; !rc && i < no; i++)
		team_of[i] = atom_of[i] = PWS__NONE;
	/* pass 1: the checks of a row alone, and what to reserve at once */
	for (i = 0; !rc && i < nrows; i++) {
		binrow x;

		row_get(src, arrays, i, &x);
		if (x.ws >= nw || x.user >= nu || (x.org != PWS__NONE && x.org >= no))
			rc = bad(im, "image.rows[%u]: a position is out of its table", i);
		else if (x.role < PWS_ROLE_VIEWER || x.role > PWS_ROLE_ADMIN || x.lead > 1 ||
		         row_padded(src, arrays, i))
			rc = bad(im, "image.rows[%u]: bad role, lead or padding", i);
		else if (x.seen > WS(m, (w0 + x.ws))->n_updates)
			rc = bad(im, "image.rows[%u].seen: %u is more than the workspace's n_updates "
			         "(%u)", i, x.seen, WS(m, (w0 + x.ws))->n_updates);
		else
			per_user[x.user]++;
		n_seats += x.role == PWS_ROLE_EDITOR && x.org != PWS__NONE;
		n_seen += x.seen != 0;
	}
	/* each user's list of memberships is sized once, not grown row by row */
	for (i = 0; !rc && i < nu; i++)
		if (per_user[i] > PWS__USER_MEMB_MAX - USER(m, u0 + i)->members.n)
			rc = PWS_ENOMEM;
	if (!rc && pws__user_lists_import(im->mem, m, u0, per_user, nu))
		rc = PWS_ENOMEM;
	if (!rc && (pws__mtab_reserve(im->mem, m, nrows) ||
	            pws__umap_reserve(im->mem, &m->seat_of, n_seats) ||
	            pws__umap_reserve(im->mem, &m->seen_of, n_seen)))
		rc = PWS_ENOMEM;
	/* pass 2: link */
	for (i = 0; !rc && i < nrows; i++) {
		binrow x;
		const pws__ws *W;
		uint32_t w, u, org, key;

		if (i + BIN_AHEAD < nrows) {
			binrow y;

			row_get(src, arrays, i + BIN_AHEAD, &y);
			/* pws__member_prefetch, spelled out: GCC 12 -O2 did not
			 * inline it here and dropped the call (a function of a
			 * prefetch alone has no effect it knows of) */
			__builtin_prefetch(&m->member_of.s[pws__mtab_home(
				&m->member_of, pws__member_hx(m, (w0 + y.ws), (u0 + y.user)),
				m->member_of.cap)]);
			__builtin_prefetch(USER(m, (u0 + y.user)));
		}
		if (i + BIN_AHEAD / 2 < nrows) {
			/* its user record has arrived: the end of its list next */
			binrow y;
			const pws__user *Y;

			row_get(src, arrays, i + BIN_AHEAD / 2, &y);
			Y = USER(m, u0 + y.user);
			__builtin_prefetch(Y->members.v + Y->members.n);
		}
		row_get(src, arrays, i, &x);
		w = (w0 + x.ws);
		u = (u0 + x.user);
		W = WS(m, w);
		org = PWS__GRP_TEAM;
		if (x.org == PWS__NONE) {
			/* WS4: a team membership needs its user on the owning team */
			if (USER(m, u)->team != W->team)
				rc = bad(im, "image.rows[%u].organization: breaks S9: missing (the user is not on "
				         "the owning team, so this is a partner membership)", i);
		} else if (W->vis != PWS_VIS_PARTNER) {
			rc = bad(im, "image.rows[%u].organization: breaks S9: a partner membership in a "
			         "workspace that is not a partner one", i);
		} else {
			rc = bin_org(im, W, x.org, orgs, team_of, atom_of, i, &org);
			/* the row's path is formatted only for a message: checked
			 * without it, a failure is checked again with it */
			if (!rc && W->model != PWS_MODEL_LEGACY &&
			    partner_invariants(im, "", ".organization", w, org)) {
				char rp[PATH_SIZE];

				snprintf(rp, sizeof(rp), "image.rows[%u]", i);
				rc = partner_invariants(im, rp, ".organization", w, org);
			}
		}
		if (!rc && role_invariants(im, "", W, org, x.role, x.lead)) {
			char rp[PATH_SIZE];

			snprintf(rp, sizeof(rp), "image.rows[%u]", i);
			rc = role_invariants(im, rp, W, org, x.role, x.lead);
		}
		if (rc)
			break;
		key = org;
		if (w != cur_w || key != cur_key) {
			/* a new run of one group: its rows share the workspace and
			 * the organization field; the list is sized once for all */
			uint32_t run = 1;
			binrow z;

			while (i + run < nrows &&
			       (row_get(src, arrays, i + run, &z), z.ws == x.ws && z.org == x.org))
				run++;
			cur_g = pws__group_prepare(im->mem, m, w, key);
			cur_w = w;
			cur_key = key;
			if (cur_g != PWS__NONE && pws__ids_reserve(im->mem, &GROUP(m, cur_g)->list, run))
				cur_g = PWS__NONE;
		}
		if (cur_g == PWS__NONE || pws__ids_reserve(im->mem, &GROUP(m, cur_g)->list, 1)) {
			rc = PWS_ENOMEM;
			break;
		}
		if (pws__member_link_bulk(m, cur_g, w, u, x.role, x.lead)) {
			rc = bad(im, "image.rows[%u]: duplicate membership of '" Q "' in '" Q "'", i,
			         USER(m, u)->id, W->id);
			break;
		}
		if (x.seen)
			pws__set_seen(m, w, u, x.seen);
	}
	pws__free(im->mem, team_of);
	pws__free(im->mem, atom_of);
	pws__temp_table_free(im->mem, per_user, ((size_t)nu + 1) * sizeof(uint32_t));
	return rc;
}

/* An image's organizations and rows, linked */
static int bin_members(importer *im, binrd *r, uint32_t nw, uint32_t w0, uint32_t nu, uint32_t u0)
{
	char **orgs = NULL, *obuf = NULL;
	uint32_t no = 0, nrows = 0;
	rowsrc src;
	int rc;

	rc = bin_orgs(im, r, &no, &orgs, &obuf);
	if (!rc && rd_u32(r, &nrows))
		rc = bad(im, "image.rows: truncated");
	if (!rc && (size_t)(r->end - r->p) != (size_t)nrows * PWS__IMAGE_ROW)
		rc = bad(im, "image.rows: %u rows need %zu bytes, %zu are left", nrows,
		         (size_t)nrows * PWS__IMAGE_ROW, (size_t)(r->end - r->p));
	memset(&src, 0, sizeof src);
	src.rows = r->p;
	if (!rc)
		rc = members_link(im, &src, 0, nrows, (const char *const *)orgs, no, nw, w0, nu, u0);
	pws__free(im->mem, orgs);
	pws__free(im->mem, obuf);
	return rc;
}

/* --- a bulk load's arrays, read in place ----------------------------------------
 * pws_load_state's users, workspaces and memberships are checked and added
 * as the image they are written through as would be (load.c encodes it
 * for the record): the same checks in the same order, the same paths in
 * the messages, from the host's strings, without the image's encoding
 * and reading. The replay reads the record's image (i_image_bin): both
 * must build one state, which tests/check_load.c compares. */

/* rd_user_id's checks of a user's id */
static int user_id_ok(importer *im, const char *path, const char *id)
{
	size_t l = strlen(id);

	if (l >= 1 && l <= 255 && printable_ascii((const unsigned char *)id, l))
		return PWS_OK;
	return id_ok(im, path, "id", 0, id);
}

static int users_arrays(importer *im, const pws__load_src *src, uint32_t *first)
{
	static const char prefix[] = "image.users";
	const pws_load *l = src->l;
	char path[PATH_SIZE];
	const char *last_team = NULL;
	uint32_t i, n = (uint32_t)l->n_users, last_t = PWS__NONE;
	size_t pend = 0;
	upipe q;
	int rc;

	/* a user index has 29 bits (a group's entry, model.h pws__ge_*):
	 * load.c refused more, and the new model holds none yet */
	if (!PWS__USERS_ROOM(im->m, n)) /* GCOVR_EXCL_BR_LINE: see above */
		return bad(im, "image.users: %u users, over the limit of %u a handle holds", n,
		           PWS__USERS_MAX);
	memset(&q, 0, sizeof q);
	*first = im->m->users.n;
	if (users_reserve(im, n, src->str_bytes))
		return PWS_ENOMEM;
	for (i = 0; i < n; i++) {
		const pws_load_user *u = &l->users[i];
		const char *team = u->team_id;
		uint32_t t = PWS__NONE;
		int role = u->team_role, pm = u->partner_manager;
		/* users come in runs of one team: a team id that is the last
		 * one's (its pointer, or its bytes) is that team */
		int same_team = team && last_t != PWS__NONE &&
		                (team == last_team || strcmp(team, last_team) == 0);

		if (i == 0) {
			path_idx(path, prefix, 0);
			pend = strlen(path) - 1;
		} else {
			pend = path_next(path, sizeof prefix - 1, pend);
		}
		rc = user_id_ok(im, path, u->id);
		if (!rc)
			rc = check_email(im, &u->email, path, "email");
		if (!rc && !same_team)
			rc = id_ok(im, path, "team", 0, team);
		if (!rc)
			rc = enum_ok(im, path, "team_role", 0, NAMES_MAX(TEAM_ROLE_NAMES), role);
		if (!rc && pm > 1)
			rc = bad(im, "%s.%s: truncated or not 0/1", path, "partner_manager");
		if (!rc && same_team) {
			t = last_t;
		} else if (!rc && team) {
			rc = team_ref(im, team, path, "team", &t);
			if (!rc) {
				last_team = team;
				last_t = t;
			}
		}
		/* appends user i as *first + i */
		rc = user_next(im, &q, i, path, u->id, u->email, t, role, pm, rc);
		if (rc)
			return rc;
	}
	return upipe_drain(im, &q);
}

/* The workspaces, with what pws_load_state's image gives each: no
 * summary, description, note or request; active; single mode and
 * team-to-team model for a partner workspace that names none. */
static int workspaces_arrays(importer *im, const pws__load_src *src, uint32_t *first)
{
	const pws_load *l = src->l;
	char path[PATH_SIZE];
	uint32_t i, n = (uint32_t)l->n_workspaces;
	int rc;

	*first = im->m->wss.n;
	if (pws__vec_reserve(im->mem, &im->m->wss, sizeof(pws__ws), n) ||
	    pws__ids_reserve(im->mem, &im->m->ws_h, n) || pws__smap_reserve(im->mem, &im->m->ws_ids, n))
		return PWS_ENOMEM;
	for (i = 0; i < n; i++) {
		const pws_load_workspace *lw = &l->workspaces[i];
		int partner = lw->visibility == PWS_VIS_PARTNER;
		ws_fields f;

		memset(&f, 0, sizeof f);
		path_idx(path, "image.workspaces", i);
		f.id = lw->id;
		f.name = lw->name;
		f.team = lw->team_id;
		f.vis = lw->visibility;
		f.mode = lw->mode ? lw->mode : partner ? PWS_MODE_SINGLE : 0;
		f.model = lw->model ? lw->model : partner ? PWS_MODEL_TEAM_TO_TEAM : 0;
		f.lc = PWS_LC_ACTIVE;
		f.was = partner;
		rc = id_ok(im, path, "id", 0, f.id);
		if (!rc)
			rc = text_ok(im, path, "name", f.name);
		if (!rc)
			rc = id_ok(im, path, "team", 1, f.team);
		if (!rc)
			rc = enum_ok(im, path, "visibility", 1, NAMES_MAX(VIS_NAMES), f.vis);
		if (!rc)
			rc = enum_ok(im, path, "mode", 0, NAMES_MAX(MODE_NAMES), f.mode);
		if (!rc)
			rc = enum_ok(im, path, "model", 0, NAMES_MAX(MODEL_NAMES), f.model);
		if (!rc) /* appends workspace i as *first + i */
			rc = ws_add(im, path, &f);
		if (rc)
			return rc;
	}
	return PWS_OK;
}

static int i_load_arrays(importer *im)
{
	const pws__load_src *src = im->src;
	uint32_t u0 = 0, w0 = 0;
	rowsrc rs;
	int rc;

	rc = users_arrays(im, src, &u0);
	if (!rc)
		rc = workspaces_arrays(im, src, &w0);
	memset(&rs, 0, sizeof rs);
	rs.lm = src->l->memberships;
	rs.org_of = src->org_of;
	if (!rc)
		rc = members_link(im, &rs, 1, (uint32_t)src->l->n_memberships, src->orgs, src->n_orgs,
		                  (uint32_t)src->l->n_workspaces, w0, (uint32_t)src->l->n_users, u0);
	return rc;
}

/* Users, workspaces and memberships of a state image, in place of the
 * JSON sections (which must be empty). */
static int i_image_bin(importer *im)
{
	binrd r;
	uint32_t ver = 0, nu = 0, nw = 0, u0 = 0, w0 = 0;
	pws__unpacked v1 = { NULL, 0, 0 };
	int rc;

	memset(&r, 0, sizeof r);
	r.p = im->bin;
	r.end = im->bin + im->bin_len;
	if (im->bin_len < 8 || memcmp(r.p, PWS__IMAGE_MAGIC, 4) != 0)
		return bad(im, "image: not a state image section");
	r.p += 4;
	(void)rd_u32(&r, &ver);
	if (ver != PWS__IMAGE_VERSION && ver != PWS__IMAGE_VERSION_PACKED)
		return bad(im, "image: unsupported section version %u", ver);
	if (ver == PWS__IMAGE_VERSION_PACKED) {
		/* read as the version 1 section it packs: one reader, one set
		 * of checks for both */
		char msg[PWS_RESULT_MESSAGE_SIZE];

		rc = pws__image_unpack(im->mem, im->bin, im->bin_len, &v1, msg, sizeof msg);
		if (rc == PWS_EINVALID)
			return bad(im, "%s", msg);
		if (rc)
			return rc;
		r.p = v1.b + 8;
		r.end = v1.b + v1.len;
	}
	rc = bin_users(im, &r, &nu, &u0);
	if (!rc)
		rc = bin_workspaces(im, &r, &nw, &w0);
	if (!rc)
		rc = bin_members(im, &r, nw, w0, nu, u0);
	pws__free(im->mem, r.scratch);
	if (v1.b)
		pws__image_unpacked_free(im->mem, &v1);
	return rc;
}

static int build(importer *im, const json_t *root)
{
	static const char *const keys[] = { "format", "teams", "users", "workspaces",
	                                    "memberships", "invites", "elements", "updates",
	                                    "replies", "history", "comments", "retention", NULL };
	json_t *a[10];
	const json_t *f;
	int rc, i;

	if (!jis(root, JSON_OBJECT))
		return bad(im, "top level: expected an object, got %s", jtype(root));
	/* the version first: a newer snapshot is refused as such, not for
	 * members this version does not know */
	f = json_object_get(root, "format");
	if (!f)
		return bad(im, "format: missing (this library reads format %d)",
		           PWS_SNAPSHOT_FORMAT);
	if (!jis(f, JSON_INTEGER))
		return bad(im, "format: expected an integer, got %s", jtype(f));
	if (json_integer_value(f) != PWS_SNAPSHOT_FORMAT)
		return bad(im, "format: unsupported version %lld (this library reads %d)",
		           (long long)json_integer_value(f), PWS_SNAPSHOT_FORMAT);
	rc = check_keys(im, root, "top level", keys);
	for (i = 0; !rc && i < 10; i++)
		rc = top_array(im, root, keys[i + 1], &a[i]);
	if (!rc)
		rc = i_teams(im, a[0]);
	if (!rc && (im->bin || im->src) &&
	    (json_array_size(a[1]) || json_array_size(a[2]) || json_array_size(a[3])))
		rc = bad(im, "users, workspaces, memberships: an image keeps them in its binary "
		         "section");
	if (!rc && im->src) {
		rc = i_load_arrays(im);
	} else if (!rc && im->bin) {
		rc = i_image_bin(im);
	} else {
		if (!rc)
			rc = i_users(im, a[1]);
		if (!rc)
			rc = i_workspaces(im, a[2]);
		if (!rc)
			rc = i_memberships(im, a[3]);
	}
	if (!rc)
		rc = i_invites(im, a[4]);
	if (!rc)
		rc = i_elements(im, a[5]);
	if (!rc)
		rc = i_posts(im, a[6], POST_UPDATE);
	if (!rc)
		rc = i_posts(im, a[7], POST_REPLY);
	if (!rc)
		rc = i_posts(im, a[8], POST_HISTORY);
	if (!rc)
		rc = i_posts(im, a[9], POST_COMMENT);
	if (!rc)
		rc = i_retention(im, root);
	return rc;
}

/* JSON text holds no NUL byte, not even between tokens or at the end,
 * where the parser would skip it: the first one is a syntax error at its
 * position (line and column counted as the parser counts them: columns
 * in characters, from 1; the byte offset from 0). */
static int nul_byte(importer *im, const char *json, size_t len)
{
	const char *z = memchr(json, '\0', len);
	size_t off = (size_t)(z - json), i, line = 1, col = 1;

	for (i = 0; i < off; i++) {
		if (json[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)json[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	return bad(im, "JSON syntax error at line %zu, column %zu, byte %zu: NUL byte", line, col,
	           off);
}

/* A snapshot (bin and src NULL), a state image (bin set: the replay's, or
 * a hand-built one's of the tests when log_image) or a bulk load's arrays
 * (src set; written through as pre, the state image record load.c
 * encoded, when there is storage). */
static int import_state(pws_policy *p, const char *json, size_t len, const unsigned char *bin,
                        size_t bin_len, const pws__load_src *src, int log_image, pws__rec *pre,
                        pws_result *res)
{
	importer im;
	pws__model nm, old;
	pws__op op;
	json_error_t err;
	json_t *root;
	int rc, brc;

	/* (1) parse, validate and build a new model; the handle is untouched
	 * and unlocked meanwhile (the allocator is immutable). */
	memset(&im, 0, sizeof(im));
	pws__model_init(&nm);
	im.mem = &p->mem;
	im.m = &nm;
	im.gone_team = im.gone_user = im.gone_el = PWS__NONE;
	im.key_dom_atom = PWS__NONE;
	im.bin = bin;
	im.bin_len = bin_len;
	im.src = src;
	if (!json && len) {
		brc = bad(&im, "json is NULL");
	} else if (json && memchr(json, '\0', len)) {
		brc = nul_byte(&im, json, len);
	} else {
		/* jansson leaves err unwritten on some of its allocation
		 * failures: read as "no error text" below, never as garbage */
		memset(&err, 0, sizeof(err));
		root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &err);
		/* not the text's fault: out of memory, or jansson's lexer could
		 * not even start (its one failure that leaves no error text) */
		if (!root && (json_error_code(&err) == json_error_out_of_memory || !err.text[0])) {
			brc = PWS_ENOMEM;
		} else if (!root) {
			brc = bad(&im, "JSON syntax error at line %d, column %d, byte %d: %s", err.line,
			          err.column, err.position, err.text);
		} else {
			brc = build(&im, root);
			json_decref(root);
		}
	}
	pws__free(im.mem, im.mark);

	rc = pws__op_begin(&op, p, res);
	if (rc) {
		pws__model_free(&p->mem, &nm);
		return rc;
	}
	if (brc) {
		pws__model_free(&p->mem, &nm);
		if (brc != PWS_ENOMEM)
			pws__fail(&op, brc, 0, "%s", im.msg);
		return pws__op_end(&op, brc);
	}

	/* (2) the new state is complete and valid and the write lock is held:
	 * write the import through (it replays as one record), or give up */
	if (!bin && !src) /* json is set: NULL (length 0) reads as "", which is refused */
		pws__op_log(&op, PWS__OP_SNAPSHOT_IMPORT, "b", json, len);
	else if (log_image && pre && p->has_storage) {
		/* the record the image was encoded into: sealed, not copied */
		op.rec = *pre;
		memset(pre, 0, sizeof *pre);
		pws__rec_seal(op.mem, &op.rec);
	} else if (log_image && bin)
		pws__op_log(&op, PWS__OP_STATE_IMAGE, "bb", json, len, (const char *)bin, bin_len);
	if (pws__op_persist(&op)) {
		pws__model_free(&p->mem, &nm);
		return pws__op_end(&op, PWS_ESTORAGE);
	}

	/* (3) swap: never fails */
	old = p->m;
	p->m = nm;
	pws__model_bind(&p->m); /* member_of pointed into nm */
	p->gen++; /* references into the old model are void */
	pws__model_free(&p->mem, &old);
	return pws__op_end(&op, PWS_OK);
}

PWS_EXTERN int pws_snapshot_import(pws_policy *p, const char *json, size_t len, pws_result *res)
{
	if (res && (res->version == 0 || res->version > PWS_RESULT_VERSION))
		return PWS_EINVALID;
	if (!p)
		return pws__result_simple(res, PWS_EINVALID, "policy handle is NULL");
	return import_state(p, json, len, NULL, 0, NULL, 0, NULL, res);
}

int pws__image_import(pws_policy *p, const char *json, size_t jlen, const unsigned char *bin,
                      size_t blen, pws_result *res)
{
	/* an image is written by pws_compact() and read only by the replay,
	 * which writes nothing */
	if (!p->replaying)
		return PWS_EMISUSE;
	return import_state(p, json, jlen, bin, blen, NULL, 0, NULL, res);
}

int pws__image_load(pws_policy *p, const char *json, size_t jlen, const unsigned char *bin,
                    size_t blen, pws_result *res)
{
	return import_state(p, json, jlen, bin, blen, NULL, !p->replaying, NULL, res);
}

int pws__arrays_load(pws_policy *p, const char *json, size_t jlen, const pws__load_src *src,
                     pws__rec *rec, pws_result *res)
{
	return import_state(p, json, jlen, NULL, 0, src, !p->replaying, rec, res);
}
