/*
 * partnerws test: scenario files (doc/SCENARIOS.md). A file is read whole
 * with libyaml's document loader, so every node keeps its line; it is then
 * walked twice: once dry, to refuse a bad file (unknown key, unknown call or
 * action, wrong type) before anything runs or prints, then for real. A bad
 * file jumps out (longjmp) with a message naming its line: nothing the walk
 * owns is allocated between the jump's setjmp and longjmp but the event
 * copies, which live in the run state and are freed by its owner.
 */
#include "cli.h"

#include <yaml.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 256   /* items of one list in a scenario (members, recipients) */
#define MAX_EVENTS 256 /* events kept from one call */

struct ev {
	int kind;
	int rule;
	size_t n;
	char **recipients;
};

struct sc {
	const char *file;
	yaml_document_t doc;
	pws_policy *p;
	int dry;             /* validating: parse everything, call nothing */
	jmp_buf bad;         /* where a bad file jumps to */
	char msg[512];       /* why it is bad, "line L: ..." */
	struct ev ev[MAX_EVENTS];
	size_t nev;
	int ev_lost;         /* events past MAX_EVENTS or copies that failed */
	unsigned *testno;    /* the TAP counter, across files */
	int failed;          /* an assertion failed in this file */
	int world_only;      /* build the world, check nothing (snapshot world) */
	int version;         /* the file's format version (1 or 2) */
	pws_bulk_report *bulk; /* the report of the last invite_bulk call */
	scen_hooks *hooks;   /* fault-injection sweeps (tests/check_scenario_sweep.c) */
	uint64_t d0;         /* the digest before the current library call */
	int have0;
	int retrying;        /* a failed call made again, injection paused */
	size_t skip, done;   /* sub-calls of a step: to skip on a retry, done */
	int quiet;           /* no TAP output */
};

/* ---- events -------------------------------------------------------------- */

static void ev_clear(struct sc *s)
{
	for (size_t i = 0; i < s->nev; i++) {
		for (size_t j = 0; j < s->ev[i].n; j++)
			free(s->ev[i].recipients[j]);
		free(s->ev[i].recipients);
	}
	s->nev = 0;
	s->ev_lost = 0;
	pws_bulk_report_free(s->bulk);
	s->bulk = NULL;
}

static void on_event(const pws_event *e, void *payload)
{
	struct sc *s = payload;
	if (s->nev == MAX_EVENTS) {
		s->ev_lost = 1;
		return;
	}
	struct ev *v = &s->ev[s->nev];
	size_t n = pws_event_recipient_count(e);
	v->kind = pws_event_kind_of(e);
	v->rule = pws_event_rule(e);
	v->n = 0;
	v->recipients = n ? calloc(n, sizeof *v->recipients) : NULL;
	if (n && !v->recipients) {
		s->ev_lost = 1;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *r = pws_event_recipient(e, i);
		if (!(v->recipients[i] = strdup(r ? r : "")))
			s->ev_lost = 1;
		else
			v->n++;
	}
	s->nev++;
}

/* ---- YAML access ----------------------------------------------------------- */

static unsigned long line_of(const yaml_node_t *n)
{
	return n ? (unsigned long)n->start_mark.line + 1 : 1;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static _Noreturn void bad(struct sc *s, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(s->msg, sizeof s->msg, "line %lu: ", line_of(n));
	va_start(ap, fmt);
	vsnprintf(s->msg + k, sizeof s->msg - (size_t)k, fmt, ap);
	va_end(ap);
	longjmp(s->bad, 1);
}

static yaml_node_t *node(struct sc *s, int index)
{
	return yaml_document_get_node(&s->doc, index);
}

static int is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *v = (const char *)n->data.scalar.value;
	return !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "");
}

static const char *scalar(struct sc *s, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE)
		bad(s, n, "%s must be a scalar", what);
	/* "a\0b" would silently be "a" for every C string that follows */
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		bad(s, n, "%s holds a NUL byte", what);
	return (const char *)n->data.scalar.value;
}

/* Refuses a non-mapping, a non-scalar or duplicate key, and any key not in
 * @p allowed (NULL-terminated). */
static void check_keys(struct sc *s, yaml_node_t *map, const char *what,
                       const char *const *allowed)
{
	if (map->type != YAML_MAPPING_NODE)
		bad(s, map, "%s must be a mapping", what);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(s, p->key);
		const char *key = scalar(s, k, "a key");
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], key))
				break;
		if (!allowed[i])
			bad(s, k, "unknown key '%s' in %s", key, what);
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
			if (!strcmp((const char *)node(s, q->key)->data.scalar.value, key))
				bad(s, k, "duplicate key '%s' in %s", key, what);
	}
}

static yaml_node_t *get(struct sc *s, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(s, p->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
			return node(s, p->value);
	}
	return NULL;
}

static const char *opt_str(struct sc *s, yaml_node_t *map, const char *key)
{
	yaml_node_t *v = get(s, map, key);
	if (!v || is_null(v))
		return NULL;
	return scalar(s, v, key);
}

static const char *req_str(struct sc *s, yaml_node_t *map, const char *key)
{
	yaml_node_t *v = get(s, map, key);
	if (!v)
		bad(s, map, "missing key '%s'", key);
	if (is_null(v))
		bad(s, v, "'%s' must not be empty", key);
	return scalar(s, v, key);
}

static int opt_bool(struct sc *s, yaml_node_t *map, const char *key, int def)
{
	yaml_node_t *v = get(s, map, key);
	if (!v)
		return def;
	const char *t = scalar(s, v, key);
	if (!strcmp(t, "true") || !strcmp(t, "yes"))
		return 1;
	if (!strcmp(t, "false") || !strcmp(t, "no"))
		return 0;
	bad(s, v, "'%s' must be true or false, not '%s'", key, t);
}

static long long opt_int(struct sc *s, yaml_node_t *map, const char *key, long long def)
{
	yaml_node_t *v = get(s, map, key);
	if (!v)
		return def;
	const char *t = scalar(s, v, key);
	char *end;
	long long x = strtoll(t, &end, 10);
	if (!*t || *end)
		bad(s, v, "'%s' must be an integer, not '%s'", key, t);
	return x;
}

typedef int (*from_name_fn)(const char *name);

/* An enum argument spelled by name; @p def when absent (0: required). */
static int opt_enum(struct sc *s, yaml_node_t *map, const char *key, from_name_fn fn,
                    int def)
{
	yaml_node_t *v = get(s, map, key);
	if (!v) {
		if (!def)
			bad(s, map, "missing key '%s'", key);
		return def;
	}
	const char *t = scalar(s, v, key);
	int x = fn(t);
	if (!x)
		bad(s, v, "unknown %s '%s'", key, t);
	return x;
}

/* The one key of a single-key mapping, and its value in *value. */
static const char *single(struct sc *s, yaml_node_t *n, const char *what, yaml_node_t **value)
{
	if (n->type != YAML_MAPPING_NODE ||
	    n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
		bad(s, n, "%s must be a mapping with exactly one key", what);
	yaml_node_pair_t *p = n->data.mapping.pairs.start;
	*value = node(s, p->value);
	return scalar(s, node(s, p->key), "a key");
}

/* A sequence of scalars (or one scalar) into @p out; returns the count. */
static size_t str_list(struct sc *s, yaml_node_t *n, const char *what, const char **out)
{
	if (n->type == YAML_SCALAR_NODE && !is_null(n)) {
		out[0] = scalar(s, n, what);
		return 1;
	}
	if (n->type == YAML_SCALAR_NODE)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		bad(s, n, "%s must be a list", what);
	size_t k = 0;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		if (k == MAX_LIST)
			bad(s, n, "%s has more than %d items", what, MAX_LIST);
		out[k++] = scalar(s, node(s, *i), what);
	}
	return k;
}

/* ---- calls ------------------------------------------------------------------ */

/* Every handler parses all its arguments first (refusing a bad file), then
 * returns 0 when dry, else makes the call and returns its status. */
typedef int (*call_fn)(struct sc *s, yaml_node_t *a, pws_result *r);

#define KEYS(...) static const char *const keys_[] = {__VA_ARGS__, NULL}; \
	check_keys(s, a, "the call's arguments", keys_)
#define S(k) req_str(s, a, k)
#define O(k) opt_str(s, a, k)
#define NOW opt_int(s, a, "now", 1000)

/* Under fault injection (scen_hooks): the state before the library call
 * about to be made, to which a failed call must leave it. A step made of
 * several calls (team with domains and seats) rebases before each. */
static void rebase(struct sc *s)
{
	scen_hooks *h = s->dry ? NULL : s->hooks;
	if (!h)
		return;
	if (h->pause)
		h->pause(h->ctx, 1);
	s->have0 = pws_policy_digest(s->p, &s->d0) == PWS_OK;
	if (h->before_call)
		h->before_call(h->ctx);
	if (h->pause && !s->retrying)
		h->pause(h->ctx, 0);
}

static int c_team_add(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("id", "name", "plan", "sso", "domains", "seats");
	const char *id = S("id"), *name = O("name");
	int plan = opt_enum(s, a, "plan", cli_plan_from_name, PWS_PLAN_ENTERPRISE);
	int sso = opt_bool(s, a, "sso", 0);
	long long seats = opt_int(s, a, "seats", -1);
	const char *dom[MAX_LIST];
	yaml_node_t *d = get(s, a, "domains");
	size_t nd = d ? str_list(s, d, "domains", dom) : 0;
	if (s->dry)
		return 0;
	/* One step of the scenario, several calls: the first failure is its result. */
	/* Sub-calls done before an injected failure are not made again by the
	 * retry (s->skip). */
	int rc = PWS_OK;
	size_t k = 0;
	if (k++ >= s->skip && (rc = pws_team_add(s->p, id, name ? name : id, plan, sso, r)) == PWS_OK)
		s->done = k;
	for (size_t i = 0; rc == PWS_OK && i < nd; i++)
		if (k++ >= s->skip) {
			rebase(s);
			if ((rc = pws_team_add_domain(s->p, id, dom[i], r)) == PWS_OK)
				s->done = k;
		}
	if (rc == PWS_OK && seats >= 0 && k++ >= s->skip) {
		rebase(s);
		rc = pws_team_set_editor_seats(s->p, id, (uint32_t)seats, r);
	}
	return rc;
}

static int c_team_set_plan(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("team", "plan");
	const char *t = S("team");
	int plan = opt_enum(s, a, "plan", cli_plan_from_name, 0);
	return s->dry ? 0 : pws_team_set_plan(s->p, t, plan, r);
}

static int c_team_add_domain(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("team", "domain");
	const char *t = S("team"), *d = S("domain");
	return s->dry ? 0 : pws_team_add_domain(s->p, t, d, r);
}

static int c_team_remove_domain(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("team", "domain");
	const char *t = S("team"), *d = S("domain");
	return s->dry ? 0 : pws_team_remove_domain(s->p, t, d, r);
}

static int c_team_set_editor_seats(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("team", "seats");
	const char *t = S("team");
	long long n = opt_int(s, a, "seats", -1);
	if (n < 0)
		bad(s, a, "'seats' must be given, 0 or more");
	return s->dry ? 0 : pws_team_set_editor_seats(s->p, t, (uint32_t)n, r);
}

static int c_team_remove(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("team");
	const char *t = S("team");
	return s->dry ? 0 : pws_team_remove(s->p, t, r);
}

static int c_user_add(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("id", "email", "team", "team_role", "partner_manager");
	const char *id = S("id"), *email = S("email"), *team = O("team");
	int role = opt_enum(s, a, "team_role", cli_team_role_from_name, PWS_TEAM_MEMBER);
	int pm = opt_bool(s, a, "partner_manager", 0);
	return s->dry ? 0 : pws_user_add(s->p, id, email, team, team ? role : 0, pm, r);
}

static int c_user_set_team(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user", "team", "team_role");
	const char *u = S("user"), *team = O("team");
	int role = opt_enum(s, a, "team_role", cli_team_role_from_name, PWS_TEAM_MEMBER);
	return s->dry ? 0 : pws_user_set_team(s->p, u, team, team ? role : 0, r);
}

static int c_user_set_team_role(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user", "team_role");
	const char *u = S("user");
	int role = opt_enum(s, a, "team_role", cli_team_role_from_name, 0);
	return s->dry ? 0 : pws_user_set_team_role(s->p, u, role, r);
}

static int c_user_set_partner_manager(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user", "partner_manager");
	const char *u = S("user");
	int pm = opt_bool(s, a, "partner_manager", 1);
	return s->dry ? 0 : pws_user_set_partner_manager(s->p, u, pm, r);
}

static int c_user_remove(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user");
	const char *u = S("user");
	return s->dry ? 0 : pws_user_remove(s->p, u, r);
}

static int c_workspace_create(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "id", "name", "visibility", "note");
	const char *actor = S("actor"), *id = S("id"), *name = O("name"), *note = O("note");
	int vis = opt_enum(s, a, "visibility", cli_visibility_from_name, PWS_VIS_PARTNER);
	return s->dry ? 0 : pws_workspace_create(s->p, actor, id, name ? name : id, vis, note, r);
}

static int c_workspace_add_legacy(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("team", "id", "name", "admin");
	const char *team = S("team"), *id = S("id"), *name = O("name"), *admin = S("admin");
	return s->dry ? 0 : pws_workspace_add_legacy(s->p, team, id, name ? name : id, admin, r);
}

static int c_workspace_convert(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "note");
	const char *actor = S("actor"), *ws = S("workspace"), *note = O("note");
	return s->dry ? 0 : pws_workspace_convert(s->p, actor, ws, note, r);
}

static int c_request_review(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "approve");
	const char *actor = S("actor"), *ws = S("workspace");
	int approve = opt_bool(s, a, "approve", 1);
	return s->dry ? 0 : pws_request_review(s->p, actor, ws, approve, r);
}

static int c_workspace_set_details(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "name", "summary", "description");
	const char *actor = S("actor"), *ws = S("workspace");
	const char *name = O("name"), *sum = O("summary"), *desc = O("description");
	return s->dry ? 0 : pws_workspace_set_details(s->p, actor, ws, name, sum, desc, r);
}

static int c_workspace_set_visibility(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "visibility");
	const char *actor = S("actor"), *ws = S("workspace");
	int vis = opt_enum(s, a, "visibility", cli_visibility_from_name, 0);
	return s->dry ? 0 : pws_workspace_set_visibility(s->p, actor, ws, vis, r);
}

#define WS_CALL(name, fn) \
	static int name(struct sc *s, yaml_node_t *a, pws_result *r) \
	{ \
		KEYS("actor", "workspace"); \
		const char *actor = S("actor"), *ws = S("workspace"); \
		return s->dry ? 0 : fn(s->p, actor, ws, r); \
	}
WS_CALL(c_workspace_delete, pws_workspace_delete)
WS_CALL(c_workspace_enable_multi, pws_workspace_enable_multi_partner)
WS_CALL(c_workspace_migrate, pws_workspace_migrate)
WS_CALL(c_integration_enable, pws_integration_enable)
WS_CALL(c_integration_disable, pws_integration_disable)

static int invite_kind(const char *name)
{
	return !strcmp(name, "partner") ? PWS_INVITE_PARTNER
	       : !strcmp(name, "member") ? PWS_INVITE_MEMBER : 0;
}

static int c_invite(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "email", "kind", "role", "lead");
	const char *actor = S("actor"), *ws = S("workspace"), *email = S("email");
	int kind = opt_enum(s, a, "kind", invite_kind, PWS_INVITE_PARTNER);
	int role = opt_enum(s, a, "role", cli_role_from_name, PWS_ROLE_VIEWER);
	int lead = opt_bool(s, a, "lead", 0);
	return s->dry ? 0 : pws_invite(s->p, actor, ws, email, kind, role, lead, r);
}

static int bulk_format(const char *name)
{
	return !strcmp(name, "csv") ? PWS_BULK_CSV : !strcmp(name, "txt") ? PWS_BULK_TXT : 0;
}

static int bulk_mode(const char *name)
{
	return !strcmp(name, "all_or_nothing") ? PWS_BULK_ALL_OR_NOTHING
	       : !strcmp(name, "best_effort") ? PWS_BULK_BEST_EFFORT : 0;
}

static void need_v2(struct sc *s, yaml_node_t *at, const char *what);

/* IN5: the text of a CSV or TXT file of contacts, invited in one call; the
 * report is kept for the expectation that made the call. */
static int c_invite_bulk(struct sc *s, yaml_node_t *a, pws_result *r)
{
	need_v2(s, a, "invite_bulk");
	KEYS("actor", "workspace", "format", "mode", "text", "kind", "role", "lead");
	const char *actor = S("actor"), *ws = S("workspace");
	int format = opt_enum(s, a, "format", bulk_format, 0);
	int mode = opt_enum(s, a, "mode", bulk_mode, 0);
	yaml_node_t *t = get(s, a, "text");
	if (!t)
		bad(s, a, "missing key 'text'");
	const char *text = scalar(s, t, "text");
	size_t len = t->data.scalar.length;
	int kind = opt_enum(s, a, "kind", invite_kind, PWS_INVITE_PARTNER);
	int role = opt_enum(s, a, "role", cli_role_from_name, PWS_ROLE_VIEWER);
	int lead = opt_bool(s, a, "lead", 0);
	if (s->dry)
		return 0;
	return pws_invite_bulk(s->p, &s->bulk, actor, ws, text, len, format, mode, kind, role,
	                       lead, r);
}

static int c_invite_accept(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user", "workspace", "team");
	const char *u = S("user"), *ws = S("workspace"), *team = O("team");
	return s->dry ? 0 : pws_invite_accept(s->p, u, ws, team, r);
}

static int c_invite_decline(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user", "workspace");
	const char *u = S("user"), *ws = S("workspace");
	return s->dry ? 0 : pws_invite_decline(s->p, u, ws, r);
}

static int c_invite_withdraw(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "email");
	const char *actor = S("actor"), *ws = S("workspace"), *email = S("email");
	return s->dry ? 0 : pws_invite_withdraw(s->p, actor, ws, email, r);
}

static int c_member_set_role(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "user", "role");
	const char *actor = S("actor"), *ws = S("workspace"), *u = S("user");
	int role = opt_enum(s, a, "role", cli_role_from_name, 0);
	return s->dry ? 0 : pws_member_set_role(s->p, actor, ws, u, role, r);
}

static int c_member_set_lead(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "user", "lead");
	const char *actor = S("actor"), *ws = S("workspace"), *u = S("user");
	int lead = opt_bool(s, a, "lead", 1);
	return s->dry ? 0 : pws_member_set_lead(s->p, actor, ws, u, lead, r);
}

static int c_member_remove(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "user");
	const char *actor = S("actor"), *ws = S("workspace"), *u = S("user");
	return s->dry ? 0 : pws_member_remove(s->p, actor, ws, u, r);
}

static int c_partner_end(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "team", "user");
	const char *actor = S("actor"), *team = S("team"), *u = S("user");
	return s->dry ? 0 : pws_partner_end(s->p, actor, team, u, r);
}

static int c_element_add(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "id", "kind", "size", "parent");
	const char *actor = S("actor"), *ws = S("workspace"), *id = S("id"), *parent = O("parent");
	int kind = opt_enum(s, a, "kind", cli_element_kind_from_name, PWS_EL_COLLECTION);
	long long size = opt_int(s, a, "size", 0);
	if (size < 0)
		bad(s, a, "'size' must not be negative");
	return s->dry ? 0 : pws_element_add(s->p, actor, ws, id, kind, (uint64_t)size, parent, r);
}

static int c_element_add_editor(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "element", "user");
	const char *actor = S("actor"), *el = S("element"), *u = S("user");
	return s->dry ? 0 : pws_element_add_editor(s->p, actor, el, u, r);
}

static int c_element_move(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "element", "to");
	const char *actor = S("actor"), *el = S("element"), *to = S("to");
	return s->dry ? 0 : pws_element_move(s->p, actor, el, to, r);
}

static int c_element_fork(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "element", "id", "to");
	const char *actor = S("actor"), *el = S("element"), *id = S("id"), *to = S("to");
	return s->dry ? 0 : pws_element_fork(s->p, actor, el, id, to, r);
}

static int c_element_delete(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "element", "now");
	const char *actor = S("actor"), *el = S("element");
	long long now = NOW;
	return s->dry ? 0 : pws_element_delete(s->p, actor, el, now, r);
}

static int c_element_restore(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "element", "now");
	const char *actor = S("actor"), *el = S("element");
	long long now = NOW;
	return s->dry ? 0 : pws_element_restore(s->p, actor, el, now, r);
}

static int c_update_post(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "workspace", "id", "text", "now");
	const char *actor = S("actor"), *ws = S("workspace"), *id = S("id"), *text = O("text");
	long long now = NOW;
	return s->dry ? 0 : pws_update_post(s->p, actor, ws, id, text ? text : "update", now, r);
}

static int c_update_reply(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "update", "id", "text", "now");
	const char *actor = S("actor"), *up = S("update"), *id = S("id"), *text = O("text");
	long long now = NOW;
	return s->dry ? 0 : pws_update_reply(s->p, actor, up, id, text ? text : "reply", now, r);
}

static int c_workspace_visit(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user", "workspace");
	const char *u = S("user"), *ws = S("workspace");
	return s->dry ? 0 : pws_workspace_visit(s->p, u, ws, r);
}

static int c_history_add(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("user", "workspace", "id", "text", "now");
	const char *u = S("user"), *ws = S("workspace"), *id = S("id"), *text = O("text");
	long long now = NOW;
	return s->dry ? 0 : pws_history_add(s->p, u, ws, id, text ? text : "entry", now, r);
}

static int c_comment_add(struct sc *s, yaml_node_t *a, pws_result *r)
{
	KEYS("actor", "element", "id", "text");
	const char *actor = S("actor"), *el = S("element"), *id = S("id"), *text = O("text");
	return s->dry ? 0 : pws_comment_add(s->p, actor, el, id, text ? text : "comment", r);
}

/* Canonical names are the C functions' without "pws_"; the short ones read
 * better in a world. */
static const struct {
	const char *name;
	call_fn fn;
} calls[] = {
	{"team_add", c_team_add}, {"team", c_team_add},
	{"team_set_plan", c_team_set_plan},
	{"team_add_domain", c_team_add_domain},
	{"team_remove_domain", c_team_remove_domain},
	{"team_set_editor_seats", c_team_set_editor_seats},
	{"team_remove", c_team_remove},
	{"user_add", c_user_add}, {"user", c_user_add},
	{"user_set_team", c_user_set_team}, {"user_move", c_user_set_team},
	{"user_set_team_role", c_user_set_team_role},
	{"user_set_partner_manager", c_user_set_partner_manager},
	{"user_remove", c_user_remove},
	{"workspace_create", c_workspace_create}, {"workspace", c_workspace_create},
	{"workspace_add_legacy", c_workspace_add_legacy},
	{"workspace_convert", c_workspace_convert}, {"convert", c_workspace_convert},
	{"request_review", c_request_review}, {"review", c_request_review},
	{"workspace_set_details", c_workspace_set_details},
	{"workspace_set_visibility", c_workspace_set_visibility},
	{"workspace_delete", c_workspace_delete},
	{"workspace_enable_multi_partner", c_workspace_enable_multi},
	{"enable_multi_partner", c_workspace_enable_multi},
	{"workspace_migrate", c_workspace_migrate}, {"migrate", c_workspace_migrate},
	{"integration_enable", c_integration_enable},
	{"integration_disable", c_integration_disable},
	{"invite", c_invite},
	{"invite_bulk", c_invite_bulk},
	{"invite_accept", c_invite_accept}, {"accept", c_invite_accept},
	{"invite_decline", c_invite_decline}, {"decline", c_invite_decline},
	{"invite_withdraw", c_invite_withdraw}, {"withdraw", c_invite_withdraw},
	{"member_set_role", c_member_set_role},
	{"member_set_lead", c_member_set_lead},
	{"member_remove", c_member_remove},
	{"partner_end", c_partner_end},
	{"element_add", c_element_add}, {"element", c_element_add},
	{"element_add_editor", c_element_add_editor},
	{"element_move", c_element_move},
	{"element_fork", c_element_fork},
	{"element_delete", c_element_delete},
	{"element_restore", c_element_restore},
	{"update_post", c_update_post},
	{"update_reply", c_update_reply},
	{"workspace_visit", c_workspace_visit},
	{"history_add", c_history_add},
	{"comment_add", c_comment_add}, {"comment", c_comment_add},
};

/* Runs (or, dry, parses) the call @p n, a one-key mapping; its name in *name. */
static int do_call(struct sc *s, yaml_node_t *n, int ask, pws_result *r, const char **name)
{
	yaml_node_t *args;
	const char *cname = single(s, n, "a call", &args);
	size_t i;
	for (i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (!strcmp(calls[i].name, cname))
			break;
	if (i == sizeof calls / sizeof calls[0])
		bad(s, n, "unknown call '%s'", cname);
	*name = cname;
	pws_result_init(r, PWS_RESULT_VERSION);
	r->request = ask ? PWS_REQUEST_ASK : 0;
	ev_clear(s);
	scen_hooks *h = s->dry ? NULL : s->hooks;
	if (!h)
		return calls[i].fn(s, args, r);
	/* Under fault injection: a call that fails for lack of memory or of
	 * storage must change nothing and tell nothing (the digest and the
	 * events are taken with the injection paused). */
	uint64_t d1 = 0;
	s->skip = s->done = 0;
	rebase(s);
	int rc = calls[i].fn(s, args, r);
	if (h->pause)
		h->pause(h->ctx, 1);
	if (rc == PWS_ENOMEM || rc == PWS_ESTORAGE) {
		h->failed_calls++;
		if (s->have0 && pws_policy_digest(s->p, &d1) == PWS_OK && d1 != s->d0) {
			h->violations++;
			fprintf(stderr, "%s: line %lu: %s failed (%s) and changed the state\n", s->file,
			        line_of(n), cname, cli_code_name(rc));
		}
		if (s->nev) {
			h->violations++;
			fprintf(stderr, "%s: line %lu: %s failed (%s) and sent %zu event(s)\n", s->file,
			        line_of(n), cname, cli_code_name(rc), s->nev);
		}
	}
	if (h->after_call && h->after_call(h->ctx, rc)) {
		h->violations++;
		fprintf(stderr, "%s: line %lu: %s (%s): the store disagrees\n", s->file, line_of(n),
		        cname, cli_code_name(rc));
	}
	if (rc == PWS_ENOMEM || rc == PWS_ESTORAGE) {
		/* the failure was injected: the same call again, injection paused,
		 * must do what the file says (so the file still holds) */
		pws_result_init(r, PWS_RESULT_VERSION);
		r->request = ask ? PWS_REQUEST_ASK : 0;
		ev_clear(s);
		s->skip = s->done;
		s->retrying = 1;
		rebase(s);
		rc = calls[i].fn(s, args, r);
		s->retrying = 0;
		if (h->after_call && h->after_call(h->ctx, rc)) {
			h->violations++;
			fprintf(stderr, "%s: line %lu: %s retried (%s): the store disagrees\n", s->file,
			        line_of(n), cname, cli_code_name(rc));
		}
	}
	return rc; /* injection stays paused until the next call */
}

/* ---- TAP ---------------------------------------------------------------------- */

static void tap(struct sc *s, int ok, const char *desc, const yaml_node_t *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* Prints @p t as one line of a TAP description: a '#' would start a
 * directive, so it is written "\\#"; a backslash is doubled; a newline or
 * another control character never reaches the output raw ("\\n", "\\xHH"). */
static void tap_escaped(const char *t, int in_desc)
{
	for (; *t; t++) {
		unsigned char c = (unsigned char)*t;
		if (c == '#' && in_desc)
			fputs("\\#", stdout);
		else if (c == '\\' && in_desc)
			fputs("\\\\", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void tap(struct sc *s, int ok, const char *desc, const yaml_node_t *at, const char *fmt, ...)
{
	unsigned n = ++*s->testno;
	if (s->quiet) {
		s->failed |= !ok;
		return;
	}
	printf("%s %u - ", ok ? "ok" : "not ok", n);
	tap_escaped(s->file, 1);
	fputs(": ", stdout);
	tap_escaped(desc, 1);
	putchar('\n');
	if (!ok) {
		char diag[4096];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(diag, sizeof diag, fmt, ap);
		va_end(ap);
		printf("# line %lu: ", line_of(at));
		tap_escaped(diag, 0);
		putchar('\n');
		s->failed = 1;
	}
}

static const char *rule_name(int rule)
{
	return rule ? pws_rule_id(rule) : "none";
}

/* "denied (RO5): message" for a diagnostic. */
static void outcome(char *buf, size_t size, int rc, const pws_result *r)
{
	snprintf(buf, size, "%s (%s)%s%s", cli_code_name(rc), rule_name(r->rule),
	         r->message[0] ? ": " : "", r->message);
}

static int opt_rule(struct sc *s, yaml_node_t *map)
{
	const char *id = opt_str(s, map, "rule");
	if (!id)
		return -1;
	int rule = pws_rule_from_id(id);
	if (rule <= 0 && strcmp(id, "none"))
		bad(s, get(s, map, "rule"), "unknown rule '%s'", id);
	return rule < 0 ? 0 : rule;
}

/* ---- expectations --------------------------------------------------------------- */

static void ex_check(struct sc *s, yaml_node_t *a, int want, const char *what)
{
	static const char *const keys[] = {"actor", "action", "workspace", "element", "rule",
	                                   "desc", NULL};
	check_keys(s, a, what, keys);
	const char *actor = req_str(s, a, "actor"), *ws = req_str(s, a, "workspace");
	const char *el = opt_str(s, a, "element"), *desc = opt_str(s, a, "desc");
	int action = opt_enum(s, a, "action", cli_action_from_name, 0);
	int rule = opt_rule(s, a);
	if (s->dry)
		return;
	char d[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else
		snprintf(d, sizeof d, "%s %s %s %s%s%s%s%s", what, actor, pws_action_name(action), ws,
		         el ? " " : "", el ? el : "", rule >= 0 ? " " : "",
		         rule >= 0 ? rule_name(rule) : "");
	int allowed = 0, got = 0;
	int rc = pws_check(s->p, &allowed, &got, actor, action, ws, el);
	if (rc != PWS_OK) {
		tap(s, 0, d, a, "expected %s, got error %s", what, cli_code_name(rc));
		return;
	}
	int ok = allowed == want && (rule < 0 || rule == got);
	tap(s, ok, d, a, "expected %s%s%s, got %s (%s)", what, rule >= 0 ? " " : "",
	    rule >= 0 ? rule_name(rule) : "", allowed ? "allow" : "deny", rule_name(got));
}

static const struct {
	const char *name;
	uint32_t bit;
} result_flags[] = {
	{"pending", PWS_RESULT_PENDING},
	{"downgraded", PWS_RESULT_DOWNGRADED},
	{"trashed", PWS_RESULT_TRASHED},
	{"relation_ended", PWS_RESULT_RELATION_ENDED},
};

/* flags: what the caller is told besides the status (pws_result flags). */
static int parse_flags(struct sc *s, yaml_node_t *n, uint32_t *out)
{
	const char *v[MAX_LIST];
	size_t k = str_list(s, n, "flags", v);
	*out = 0;
	for (size_t i = 0; i < k; i++) {
		size_t j;
		for (j = 0; j < sizeof result_flags / sizeof result_flags[0]; j++)
			if (!strcmp(result_flags[j].name, v[i]))
				break;
		if (j == sizeof result_flags / sizeof result_flags[0])
			bad(s, n, "unknown flag '%s' (pending, downgraded, trashed, relation_ended)",
			    v[i]);
		*out |= result_flags[j].bit;
	}
	return 1;
}

static void flags_text(char *buf, size_t size, uint32_t f)
{
	size_t k = (size_t)snprintf(buf, size, "[");
	for (size_t j = 0; j < sizeof result_flags / sizeof result_flags[0] && k < size; j++)
		if (f & result_flags[j].bit)
			k += (size_t)snprintf(buf + k, size - k, "%s%s", k > 1 ? ", " : "",
			                      result_flags[j].name);
	if (k < size)
		snprintf(buf + k, size - k, "]");
}

/* One expected bad line of a bulk invite: {line, code, rule}. */
struct bad_line {
	long long line;
	int code; /* 1: any */
	int rule; /* -1: any */
	const yaml_node_t *at;
};

static size_t parse_bad_lines(struct sc *s, yaml_node_t *n, struct bad_line *out)
{
	if (n->type == YAML_SCALAR_NODE && is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		bad(s, n, "%s", "'bad_lines' must be a list of {line, code, rule}");
	size_t k = 0;
	static const char *const keys[] = {"line", "code", "rule", NULL};
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *m = node(s, *i);
		if (k == MAX_LIST)
			bad(s, n, "bad_lines has more than %d items", MAX_LIST);
		check_keys(s, m, "a bad line", keys);
		out[k].at = m;
		out[k].line = opt_int(s, m, "line", -1);
		if (out[k].line < 1)
			bad(s, m, "%s", "a bad line needs 'line', 1 or more");
		const char *c = opt_str(s, m, "code");
		out[k].code = c ? cli_code_from_name(c) : 1;
		if (c && out[k].code == 1)
			bad(s, get(s, m, "code"), "unknown code '%s'", c);
		out[k].rule = opt_rule(s, m);
		k++;
	}
	return k;
}

/* Compares a bulk report with invited / bad_lines; prints a failed test. */
static int check_bulk(struct sc *s, yaml_node_t *a, const char *d, long long invited,
                      const struct bad_line *want, size_t nw, int has_lines)
{
	const pws_bulk_report *rep = s->bulk;
	if (!rep) {
		tap(s, 0, d, a, "%s", "the call gave no report");
		return 0;
	}
	if (invited >= 0 && pws_bulk_report_invited(rep) != (size_t)invited) {
		tap(s, 0, d, a, "expected %lld invited, got %zu", invited, pws_bulk_report_invited(rep));
		return 0;
	}
	if (!has_lines)
		return 1;
	size_t ng = pws_bulk_report_errors(rep);
	char got[2048];
	size_t k = 0;
	got[0] = 0;
	for (size_t i = 0; i < ng && k < sizeof got; i++) {
		uint32_t line = 0;
		int code = 0, rule = 0;
		pws_bulk_report_get(rep, i, &line, &code, &rule, NULL);
		k += (size_t)snprintf(got + k, sizeof got - k, "%sline %u %s (%s)", i ? ", " : "",
		                      (unsigned)line, cli_code_name(code), rule_name(rule));
	}
	if (ng != nw) {
		tap(s, 0, d, a, "expected %zu bad line(s), got %zu: [%s]", nw, ng, got);
		return 0;
	}
	for (size_t j = 0; j < nw; j++) {
		size_t i;
		for (i = 0; i < ng; i++) {
			uint32_t line = 0;
			int code = 0, rule = 0;
			pws_bulk_report_get(rep, i, &line, &code, &rule, NULL);
			if (line == want[j].line && (want[j].code == 1 || code == want[j].code) &&
			    (want[j].rule < 0 || rule == want[j].rule))
				break;
		}
		if (i == ng) {
			tap(s, 0, d, want[j].at,
			    "expected bad line %lld%s%s%s%s, got [%s]", want[j].line,
			    want[j].code != 1 ? " " : "", want[j].code != 1 ? cli_code_name(want[j].code) : "",
			    want[j].rule >= 0 ? " " : "", want[j].rule >= 0 ? rule_name(want[j].rule) : "",
			    got);
			return 0;
		}
	}
	return 1;
}

/* succeeds / refused / fails: a call, made or only asked. */
static void ex_call(struct sc *s, yaml_node_t *a, const char *what)
{
	static const char *const keys[] = {"call", "ask", "rule", "code", "desc", "flags",
	                                   "invited", "bad_lines", NULL};
	check_keys(s, a, what, keys);
	yaml_node_t *c = get(s, a, "call");
	if (!c)
		bad(s, a, "missing key 'call'");
	int ask = opt_bool(s, a, "ask", 0), rule = opt_rule(s, a);
	const char *desc = opt_str(s, a, "desc"), *code_name = opt_str(s, a, "code");
	int want = !strcmp(what, "succeeds") ? PWS_OK
	           : !strcmp(what, "refused") ? PWS_EDENIED : 1;
	if (code_name) {
		int code = cli_code_from_name(code_name);
		if (code == 1)
			bad(s, get(s, a, "code"), "unknown code '%s'", code_name);
		if (want != 1 && code != want)
			bad(s, get(s, a, "code"), "'code' contradicts '%s'", what);
		want = code;
	}
	if (want == 1)
		bad(s, a, "'fails' needs a 'code' (denied, notfound, exists, state, invalid...)");
	yaml_node_t *fl = get(s, a, "flags"), *bl = get(s, a, "bad_lines");
	uint32_t want_flags = 0;
	if (fl) {
		need_v2(s, fl, "'flags'");
		parse_flags(s, fl, &want_flags);
	}
	long long invited = opt_int(s, a, "invited", -1);
	static struct bad_line lines[MAX_LIST];
	size_t nl = bl ? parse_bad_lines(s, bl, lines) : 0;
	int is_bulk = 0;
	if (bl || get(s, a, "invited")) {
		yaml_node_t *args;
		is_bulk = !strcmp(single(s, c, "a call", &args), "invite_bulk");
		if (!is_bulk)
			bad(s, bl ? bl : get(s, a, "invited"), "%s",
			    "'invited' and 'bad_lines' go with an invite_bulk call");
		if (ask)
			bad(s, a, "%s", "'invited' and 'bad_lines' need the call made, not asked");
	}
	pws_result r;
	const char *name;
	int rc = do_call(s, c, ask, &r, &name);
	if (s->dry)
		return;
	char d[400], got[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else
		snprintf(d, sizeof d, "%s%s %s%s%s", ask ? "asked: " : "", name, what,
		         rule >= 0 ? " " : "", rule >= 0 ? rule_name(rule) : "");
	outcome(got, sizeof got, rc, &r);
	int ok = rc == want && (rule < 0 || r.rule == rule);
	if (!ok) {
		tap(s, 0, d, a, "expected %s%s%s, got %s", cli_code_name(want), rule >= 0 ? " " : "",
		    rule >= 0 ? rule_name(rule) : "", got);
		return;
	}
	uint32_t got_flags = r.flags & ~(uint32_t)PWS_RESULT_ASKED;
	if (fl && got_flags != want_flags) {
		char wf[200], gf[200];
		flags_text(wf, sizeof wf, want_flags);
		flags_text(gf, sizeof gf, got_flags);
		tap(s, 0, d, a, "expected flags %s, got %s", wf, gf);
		return;
	}
	if (is_bulk && !check_bulk(s, a, d, invited, lines, nl, bl != NULL))
		return;
	tap(s, 1, d, a, "%s", "");
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void join(char *buf, size_t size, const char **v, size_t n)
{
	size_t k = (size_t)snprintf(buf, size, "[");
	for (size_t i = 0; i < n && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%s", i ? ", " : "", v[i]);
	if (k < size)
		snprintf(buf + k, size - k, "]");
}

static int contains(const char **v, size_t n, const char *x)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], x))
			return 1;
	return 0;
}

/* Compares the rows @p got against equals / includes / excludes of @p a;
 * on a difference prints the failed test and returns 0. @p mark names the
 * mark compared (NULL: the rows themselves). */
static int compare_list(struct sc *s, yaml_node_t *a, const char *d, const char **got,
                        size_t ng, const char **eq, size_t ne, int has_eq, const char **in,
                        size_t ni, const char **ex, size_t nx, const char *mark)
{
	char gs[2048], ws[2048];
	qsort(got, ng, sizeof *got, cmp_str);
	join(gs, sizeof gs, got, ng);
	const char *m1 = mark ? "rows marked " : "", *m2 = mark ? mark : "", *m3 = mark ? " " : "";
	if (has_eq) {
		const char *w[MAX_LIST];
		size_t nw = 0;
		for (size_t i = 0; i < ne; i++) /* as sets: a row written twice counts once */
			if (!contains(w, nw, eq[i]))
				w[nw++] = eq[i];
		qsort(w, nw, sizeof *w, cmp_str);
		int ok = nw == ng;
		for (size_t i = 0; ok && i < nw; i++)
			ok = !strcmp(w[i], got[i]);
		join(ws, sizeof ws, w, nw);
		if (!ok) {
			tap(s, 0, d, a, "expected %s%s%s%s, got %s", m1, m2, m3, ws, gs);
			return 0;
		}
	}
	for (size_t i = 0; i < ni; i++)
		if (!contains(got, ng, in[i])) {
			tap(s, 0, d, a, "expected to include %s, got %s", in[i], gs);
			return 0;
		}
	for (size_t i = 0; i < nx; i++)
		if (contains(got, ng, ex[i])) {
			tap(s, 0, d, a, "expected to exclude %s, got %s", ex[i], gs);
			return 0;
		}
	return 1;
}

/* ---- listings ---------------------------------------------------------------- */

enum { L_MEMBERS, L_ELEMENTS, L_WORKSPACES, L_HISTORY, L_UPDATES, L_REPLIES, L_ACTIVITY,
       L_INVITES, L_SEATS, L_PARTNERSHIPS, L_REACH };

/* One listing: the keys naming what is listed, how a row is named, and the
 * marks (flag columns) a file may assert. A row is named by one column
 * (id_col) or, for listings of pairs, by its fields ("team=acme
 * workspace=hub"), which a file writes as mappings. */
static const struct listing {
	const char *name;
	int v2;                    /* needs version: 2 */
	const char *keys[4];       /* the listing's arguments, in call order */
	int org;                   /* "organization" may replace "viewer" (VI8) */
	int id_col;                /* names a row; 0: the fields do */
	const char *fields[3];     /* the fields of a pair row */
	int field_cols[3];
	const char *flags[3];      /* marks: the rows (named by flag_col) with a non-zero column */
	int flag_cols[3];
	int flag_col;
} listings[] = {
	{"members", 0, {"viewer", "workspace"}, 1, PWS_COL_ID, {0}, {0},
	 {"external", "lead", "suspended"}, {PWS_COL_EXTERNAL, PWS_COL_LEAD, PWS_COL_SUSPENDED}, PWS_COL_ID},
	{"elements", 0, {"viewer", "workspace"}, 1, PWS_COL_ID, {0}, {0}, {0}, {0}, PWS_COL_ID},
	{"workspaces", 0, {"user"}, 0, PWS_COL_ID, {0}, {0},
	 {"external"}, {PWS_COL_EXTERNAL}, PWS_COL_ID},
	{"history", 1, {"viewer", "workspace"}, 0, PWS_COL_ID, {0}, {0},
	 {"external"}, {PWS_COL_EXTERNAL}, PWS_COL_ID},
	{"updates", 1, {"viewer", "workspace"}, 0, PWS_COL_ID, {0}, {0},
	 {"external", "unread"}, {PWS_COL_EXTERNAL, PWS_COL_UNREAD}, PWS_COL_ID},
	{"replies", 1, {"viewer", "update"}, 0, PWS_COL_ID, {0}, {0},
	 {"external"}, {PWS_COL_EXTERNAL}, PWS_COL_ID},
	{"activity", 1, {"viewer", "workspace"}, 0, PWS_COL_ID, {0}, {0},
	 {"external"}, {PWS_COL_EXTERNAL}, PWS_COL_ID},
	{"invites", 1, {"viewer", "workspace"}, 0, PWS_COL_EMAIL, {0}, {0},
	 {"lead"}, {PWS_COL_LEAD}, PWS_COL_EMAIL},
	{"seats", 1, {"team"}, 0, PWS_COL_ID, {0}, {0},
	 {"external"}, {PWS_COL_EXTERNAL}, PWS_COL_ID},
	{"partnerships", 1, {"actor", "team"}, 0, 0, {"team", "workspace"},
	 {PWS_COL_TEAM, PWS_COL_WORKSPACE}, {"sso"}, {PWS_COL_SSO}, PWS_COL_TEAM},
	{"reach", 1, {"actor", "team", "partner"}, 0, 0, {"workspace", "element", "role"},
	 {PWS_COL_WORKSPACE, PWS_COL_ELEMENT, PWS_COL_ROLE}, {0}, {0}, 0},
};

static const struct listing *listing_find(const char *name)
{
	for (size_t i = 0; i < sizeof listings / sizeof listings[0]; i++)
		if (!strcmp(listings[i].name, name))
			return &listings[i];
	return NULL;
}

static void need_v2(struct sc *s, yaml_node_t *at, const char *what)
{
	if (s->version < 2)
		bad(s, at, "%s needs 'version: 2'", what);
}

/* A string that lives as long as the run: the listing's and the file's
 * names of rows are built in one arena, freed after each expectation. */
struct names {
	char *v[4096];
	size_t n;
	int lost;
};

static const char *keep(struct names *nm, const char *t)
{
	if (nm->n == sizeof nm->v / sizeof nm->v[0] || !(nm->v[nm->n] = strdup(t))) {
		nm->lost = 1;
		return NULL;
	}
	return nm->v[nm->n++];
}

static void names_free(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	nm->n = 0;
}

/* A pair row as written in a file: a mapping of the listing's fields. */
static const char *pair_name(struct sc *s, const struct listing *L, yaml_node_t *n,
                             struct names *nm)
{
	if (n->type != YAML_MAPPING_NODE)
		bad(s, n, "a row of %s is a mapping of %s%s%s%s%s", L->name, L->fields[0],
		    L->fields[1] ? ", " : "", L->fields[1] ? L->fields[1] : "",
		    L->fields[2] ? ", " : "", L->fields[2] ? L->fields[2] : "");
	const char *allowed[4] = {L->fields[0], L->fields[1], L->fields[2], NULL};
	check_keys(s, n, L->name, allowed);
	char buf[1024];
	size_t k = 0;
	for (int i = 0; i < 3 && L->fields[i]; i++) {
		const char *v = L->field_cols[i] == PWS_COL_ELEMENT ? opt_str(s, n, L->fields[i])
		                                                     : req_str(s, n, L->fields[i]);
		if (L->field_cols[i] == PWS_COL_ROLE && !cli_role_from_name(v))
			bad(s, get(s, n, L->fields[i]), "unknown role '%s'", v);
		if (v && k < sizeof buf)
			k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s=%s", k ? " " : "",
			                      L->fields[i], v);
	}
	if (k >= sizeof buf)
		bad(s, n, "%s", "row too long");
	return s->dry ? "" : keep(nm, buf);
}

/* The rows written in the file under @p key (scalars, or pair mappings). */
static size_t row_list(struct sc *s, const struct listing *L, yaml_node_t *n, const char *key,
                       int pairs, const char **out, struct names *nm)
{
	if (!pairs)
		return str_list(s, n, key, out);
	if (n->type == YAML_SCALAR_NODE && is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		bad(s, n, "%s must be a list", key);
	size_t k = 0;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		if (k == MAX_LIST)
			bad(s, n, "%s has more than %d items", key, MAX_LIST);
		out[k++] = pair_name(s, L, node(s, *i), nm);
	}
	return k;
}

/* The name of the current row of @p it (as pair_name() writes it). */
static const char *row_name(const struct listing *L, pws_iter *it, struct names *nm)
{
	if (L->id_col) {
		const char *id = pws_iter_str(it, L->id_col);
		return keep(nm, id ? id : "");
	}
	char buf[1024];
	size_t k = 0;
	for (int i = 0; i < 3 && L->fields[i]; i++) {
		char num[32];
		const char *v;
		if (L->field_cols[i] == PWS_COL_ROLE) {
			v = pws_ws_role_name((int)pws_iter_int(it, PWS_COL_ROLE));
		} else if (L->field_cols[i] == PWS_COL_SSO) {
			snprintf(num, sizeof num, "%lld", (long long)pws_iter_int(it, L->field_cols[i]));
			v = num;
		} else {
			v = pws_iter_str(it, L->field_cols[i]);
		}
		if (!v || (!*v && L->field_cols[i] == PWS_COL_ELEMENT))
			continue;
		if (k < sizeof buf)
			k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s=%s", k ? " " : "",
			                      L->fields[i], v);
	}
	return keep(nm, buf);
}

static int open_listing(struct sc *s, const struct listing *L, pws_iter **it, const char **arg,
                        int as_org, int *rule)
{
	*rule = -1;
	switch ((int)(L - listings)) {
	case L_MEMBERS:
		return as_org ? pws_list_members_as_org(it, s->p, arg[0], arg[1])
		              : pws_list_members(it, s->p, arg[0], arg[1]);
	case L_ELEMENTS:
		return as_org ? pws_list_elements_as_org(it, s->p, arg[0], arg[1])
		              : pws_list_elements(it, s->p, arg[0], arg[1]);
	case L_WORKSPACES: return pws_list_workspaces(it, s->p, arg[0]);
	case L_HISTORY: return pws_list_history(it, s->p, arg[0], arg[1]);
	case L_UPDATES: return pws_list_updates(it, s->p, arg[0], arg[1]);
	case L_REPLIES: return pws_list_replies(it, s->p, arg[0], arg[1]);
	case L_ACTIVITY: return pws_list_activity(it, s->p, arg[0], arg[1]);
	case L_INVITES: return pws_list_invites(it, rule, s->p, arg[0], arg[1]);
	case L_SEATS: return pws_list_seats(it, s->p, arg[0]);
	case L_PARTNERSHIPS: return pws_list_partnerships(it, s->p, arg[0], arg[1]);
	default: return pws_list_partner_reach(it, s->p, arg[0], arg[1], arg[2]);
	}
}

/* A listing, as one viewer (or one partner organization) gets it: its rows
 * (equals / includes / excludes), its marks (external, lead, unread...),
 * or its refusal (code, rule). */
static void ex_list(struct sc *s, yaml_node_t *a, const struct listing *L)
{
	if (L->v2)
		need_v2(s, a, L->name);
	const char *keys[24];
	size_t nk = 0;
	for (int i = 0; i < 4 && L->keys[i]; i++)
		keys[nk++] = L->keys[i];
	if (L->org)
		keys[nk++] = "organization";
	static const char *const common[] = {"equals", "includes", "excludes", "code", "rule", "desc"};
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		keys[nk++] = common[i];
	for (int i = 0; i < 3 && L->flags[i]; i++)
		keys[nk++] = L->flags[i];
	if (L - listings == L_SEATS) {
		keys[nk++] = "used";
		keys[nk++] = "included";
	}
	keys[nk] = NULL;
	check_keys(s, a, L->name, keys);

	/* the arguments; "organization" instead of "viewer" asks the VI8 view */
	int as_org = L->org && get(s, a, "organization") != NULL;
	if (as_org) {
		need_v2(s, get(s, a, "organization"), "'organization'");
		if (get(s, a, "viewer"))
			bad(s, a, "%s takes 'viewer' or 'organization', not both", L->name);
	}
	const char *arg[4] = {0};
	for (int i = 0; i < 4 && L->keys[i]; i++)
		arg[i] = req_str(s, a, i == 0 && as_org ? "organization" : L->keys[i]);
	const char *desc = opt_str(s, a, "desc"), *code_name = opt_str(s, a, "code");
	int code = PWS_OK, rule = opt_rule(s, a);
	if (code_name && (code = cli_code_from_name(code_name)) == 1)
		bad(s, get(s, a, "code"), "unknown code '%s'", code_name);
	if (code_name || rule >= 0)
		need_v2(s, a, "a listing's 'code' or 'rule'");
	if (rule >= 0 && L - listings != L_INVITES)
		bad(s, get(s, a, "rule"), "%s reports no rule: give 'code' only", L->name);
	if (rule >= 0 && code == PWS_OK)
		bad(s, get(s, a, "rule"), "%s", "'rule' goes with 'code' (denied)");

	struct names nm = {.n = 0};
	static const char *eq[MAX_LIST], *in[MAX_LIST], *ex[MAX_LIST], *fl[3][MAX_LIST];
	size_t nfl[3] = {0};
	int pairs = L->id_col == 0, asserted = 0;
	yaml_node_t *e = get(s, a, "equals"), *i = get(s, a, "includes"), *x = get(s, a, "excludes");
	size_t ne = e ? row_list(s, L, e, "equals", pairs, eq, &nm) : 0;
	size_t ni = i ? row_list(s, L, i, "includes", pairs, in, &nm) : 0;
	size_t nx = x ? row_list(s, L, x, "excludes", pairs, ex, &nm) : 0;
	asserted = e || i || x;
	for (int f = 0; f < 3 && L->flags[f]; f++) {
		yaml_node_t *fn = get(s, a, L->flags[f]);
		if (!fn)
			continue;
		need_v2(s, fn, "a listing's marks");
		nfl[f] = str_list(s, fn, L->flags[f], fl[f]);
		asserted = 1;
	}
	long long used = -1, included = -1;
	if (L - listings == L_SEATS) {
		used = opt_int(s, a, "used", -1);
		included = opt_int(s, a, "included", -1);
		asserted |= used >= 0 || included >= 0;
	}
	if (code != PWS_OK && asserted)
		bad(s, a, "a refused %s listing has no rows to compare", L->name);
	if (code == PWS_OK && !asserted)
		bad(s, a, "%s needs 'equals', 'includes', 'excludes', a mark or 'code'", L->name);
	if (s->dry) {
		names_free(&nm);
		return;
	}

	char d[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else
		snprintf(d, sizeof d, "%s%s%s%s%s%s%s%s", L->name, arg[1] ? " of " : "",
		         arg[1] ? arg[1] : "", as_org ? " as organization " : " seen by ", arg[0],
		         arg[2] ? " for " : "", arg[2] ? arg[2] : "",
		         code != PWS_OK ? (code == PWS_EDENIED ? " refused" : " fails") : "");
	pws_iter *it = NULL;
	int got_rule = -1;
	int rc = open_listing(s, L, &it, arg, as_org, &got_rule);
	if (code != PWS_OK || rc != PWS_OK) {
		if (rc == PWS_OK)
			pws_iter_free(it);
		int ok = rc == code && (rule < 0 || got_rule == rule);
		tap(s, ok, d, a, "expected %s%s%s, got %s%s%s", cli_code_name(code),
		    rule >= 0 ? " " : "", rule >= 0 ? rule_name(rule) : "", cli_code_name(rc),
		    got_rule >= 0 ? " " : "", got_rule >= 0 ? rule_name(got_rule) : "");
		names_free(&nm);
		return;
	}
	static const char *got[4096], *marked[3][4096];
	size_t ng = 0, nmk[3] = {0};
	while (pws_iter_next(it) == PWS_OK) {
		if (ng == sizeof got / sizeof got[0]) {
			nm.lost = 1;
			break;
		}
		const char *r = row_name(L, it, &nm);
		if (!r)
			break;
		got[ng++] = r;
		for (int f = 0; f < 3 && L->flags[f]; f++) {
			if (!pws_iter_int(it, L->flag_cols[f]))
				continue;
			const char *id = pws_iter_str(it, L->flag_col);
			const char *k = id && !contains(marked[f], nmk[f], id) && nmk[f] < 4096
			                ? keep(&nm, id) : NULL;
			if (k)
				marked[f][nmk[f]++] = k;
		}
	}
	pws_iter_free(it);
	if (nm.lost) {
		tap(s, 0, d, a, "%s", "the listing is too long to compare");
		names_free(&nm);
		return;
	}
	if (!compare_list(s, a, d, got, ng, eq, ne, e != NULL, in, ni, ex, nx, NULL)) {
		names_free(&nm);
		return;
	}
	for (int f = 0; f < 3 && L->flags[f]; f++) {
		if (!get(s, a, L->flags[f]))
			continue;
		if (!compare_list(s, a, d, marked[f], nmk[f], fl[f], nfl[f], 1, NULL, 0, NULL, 0,
		                  L->flags[f])) {
			names_free(&nm);
			return;
		}
	}
	if (used >= 0 || included >= 0) {
		uint32_t u = 0, inc = 0;
		int r2 = pws_team_editor_seats(s->p, &u, &inc, arg[0]);
		if (r2 != PWS_OK || (used >= 0 && u != used) || (included >= 0 && inc != included)) {
			tap(s, 0, d, a, "expected %lld seat(s) used of %lld, got %u of %u (%s)", used,
			    included, (unsigned)u, (unsigned)inc, cli_code_name(r2));
			names_free(&nm);
			return;
		}
		if (u != ng) {
			tap(s, 0, d, a, "the seat count (%u) and the seat holders listed (%zu) differ",
			    (unsigned)u, ng);
			names_free(&nm);
			return;
		}
	}
	tap(s, 1, d, a, "%s", "");
	names_free(&nm);
}

/* member: one membership's role and lead flag ("none": not a member). */
static void ex_member(struct sc *s, yaml_node_t *a)
{
	static const char *const keys[] = {"workspace", "user", "role", "lead", "desc", NULL};
	check_keys(s, a, "member", keys);
	const char *ws = req_str(s, a, "workspace"), *u = req_str(s, a, "user");
	const char *rn = req_str(s, a, "role"), *desc = opt_str(s, a, "desc");
	int want = strcmp(rn, "none") ? cli_role_from_name(rn) : 0;
	if (!want && strcmp(rn, "none"))
		bad(s, get(s, a, "role"), "unknown role '%s'", rn);
	int lead = opt_bool(s, a, "lead", -1);
	if (s->dry)
		return;
	char d[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else
		snprintf(d, sizeof d, "%s in %s is %s", u, ws, rn);
	int role = 0, got_lead = 0, partner = 0;
	int rc = pws_member_get(s->p, &role, &got_lead, &partner, ws, u);
	if (rc == PWS_ENOTFOUND)
		role = 0;
	else if (rc != PWS_OK) {
		tap(s, 0, d, a, "lookup failed: %s", cli_code_name(rc));
		return;
	}
	int ok = role == want && (lead < 0 || !role || lead == got_lead);
	tap(s, ok, d, a, "expected %s%s, got %s%s", rn, lead == 1 ? " (lead)" : "",
	    role ? pws_ws_role_name(role) : "none", got_lead && role ? " (lead)" : "");
}

/* events: a call made, and the notices it sent. */
static void ex_events(struct sc *s, yaml_node_t *a)
{
	static const char *const keys[] = {"after", "kind", "recipients", "count", "desc", NULL};
	check_keys(s, a, "events", keys);
	yaml_node_t *c = get(s, a, "after"), *rn = get(s, a, "recipients");
	if (!c)
		bad(s, a, "missing key 'after'");
	int kind = opt_enum(s, a, "kind", cli_event_kind_from_name, 0);
	long long count = opt_int(s, a, "count", -1);
	const char *desc = opt_str(s, a, "desc");
	static const char *want[MAX_LIST];
	size_t nw = rn ? str_list(s, rn, "recipients", want) : 0;
	pws_result r;
	const char *name;
	int rc = do_call(s, c, 0, &r, &name);
	if (s->dry)
		return;
	char d[400], got[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else
		snprintf(d, sizeof d, "%s notifies %s", name, pws_event_kind_name(kind));
	if (rc != PWS_OK) {
		outcome(got, sizeof got, rc, &r);
		tap(s, 0, d, a, "expected the call to succeed, got %s", got);
		return;
	}
	if (s->ev_lost) {
		tap(s, 0, d, a, "%s", "too many events to compare");
		return;
	}
	long long n = 0;
	int match = !rn;
	for (size_t i = 0; i < s->nev; i++) {
		if (s->ev[i].kind != kind)
			continue;
		n++;
		if (rn && s->ev[i].n == nw) {
			const char **have = (const char **)s->ev[i].recipients;
			int all = 1;
			for (size_t j = 0; all && j < nw; j++)
				all = contains(have, s->ev[i].n, want[j]);
			match |= all;
		}
	}
	if (count >= 0 && n != count) {
		tap(s, 0, d, a, "expected %lld %s event(s), got %lld", count,
		    pws_event_kind_name(kind), n);
		return;
	}
	if (count != 0 && !n) {
		tap(s, 0, d, a, "expected a %s event, got none (%zu other events)",
		    pws_event_kind_name(kind), s->nev);
		return;
	}
	if (!match) {
		char ws[2048], gs[2048] = "";
		join(ws, sizeof ws, want, nw);
		for (size_t i = 0, k = 0; i < s->nev && k < sizeof gs; i++)
			if (s->ev[i].kind == kind) {
				char one[1024];
				join(one, sizeof one, (const char **)s->ev[i].recipients, s->ev[i].n);
				k += (size_t)snprintf(gs + k, sizeof gs - k, "%s%s", k ? " " : "", one);
			}
		tap(s, 0, d, a, "expected recipients %s, got %s", ws, gs);
		return;
	}
	tap(s, 1, d, a, "%s", "");
}

/* unread: a member's unread-updates count (VI6), the same in the count
 * and in the workspace listing. */
static void ex_unread(struct sc *s, yaml_node_t *a)
{
	need_v2(s, a, "unread");
	static const char *const keys[] = {"user", "workspace", "count", "code", "desc", NULL};
	check_keys(s, a, "unread", keys);
	const char *u = req_str(s, a, "user"), *ws = req_str(s, a, "workspace");
	const char *desc = opt_str(s, a, "desc"), *code_name = opt_str(s, a, "code");
	long long count = opt_int(s, a, "count", -1);
	int code = PWS_OK;
	if (code_name && (code = cli_code_from_name(code_name)) == 1)
		bad(s, get(s, a, "code"), "unknown code '%s'", code_name);
	if ((count < 0) == (code == PWS_OK))
		bad(s, a, "%s", "unread needs 'count' (0 or more) or, for a refusal, 'code'");
	if (s->dry)
		return;
	char d[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else if (code == PWS_OK)
		snprintf(d, sizeof d, "%s has %lld unread update(s) in %s", u, count, ws);
	else
		snprintf(d, sizeof d, "unread count of %s in %s: %s", u, ws, cli_code_name(code));
	uint32_t n = 0;
	int rc = pws_workspace_unread(s->p, &n, u, ws);
	if (rc != code || (code == PWS_OK && n != count)) {
		if (code == PWS_OK && rc == PWS_OK)
			tap(s, 0, d, a, "expected %lld, got %u", count, (unsigned)n);
		else
			tap(s, 0, d, a, "expected %s, got %s", code == PWS_OK ? "a count" :
			    cli_code_name(code), rc == PWS_OK ? "a count" : cli_code_name(rc));
		return;
	}
	if (code == PWS_OK) { /* the workspace listing says the same */
		pws_iter *it = NULL;
		long long listed = -1;
		if (pws_list_workspaces(&it, s->p, u) == PWS_OK) {
			while (pws_iter_next(it) == PWS_OK)
				if (!strcmp(pws_iter_str(it, PWS_COL_ID), ws))
					listed = pws_iter_int(it, PWS_COL_UNREAD);
			pws_iter_free(it);
		}
		if (listed != count) {
			tap(s, 0, d, a, "the count is %lld, the workspace listing says %lld", count, listed);
			return;
		}
	}
	tap(s, 1, d, a, "%s", "");
}

/* sees: whether a viewer (or a partner organization) sees one member, or a
 * viewer one history entry. */
static void ex_sees(struct sc *s, yaml_node_t *a)
{
	need_v2(s, a, "sees");
	static const char *const keys[] = {"viewer", "organization", "workspace", "member",
	                                   "history", "visible", "rule", "desc", NULL};
	check_keys(s, a, "sees", keys);
	int as_org = get(s, a, "organization") != NULL, hist = get(s, a, "history") != NULL;
	if (as_org == (get(s, a, "viewer") != NULL))
		bad(s, a, "%s", "sees takes 'viewer' or 'organization'");
	if (hist == (get(s, a, "member") != NULL))
		bad(s, a, "%s", "sees takes 'member' (with 'workspace') or 'history' (an entry)");
	if (hist && as_org)
		bad(s, a, "%s", "a history entry is seen by a viewer, not an organization");
	const char *who = req_str(s, a, as_org ? "organization" : "viewer");
	const char *ws = hist ? NULL : req_str(s, a, "workspace");
	if (hist && get(s, a, "workspace"))
		bad(s, get(s, a, "workspace"), "%s", "a history entry names its workspace itself");
	const char *what = req_str(s, a, hist ? "history" : "member");
	if (!get(s, a, "visible"))
		bad(s, a, "%s", "missing key 'visible'");
	int want = opt_bool(s, a, "visible", 0), rule = opt_rule(s, a);
	const char *desc = opt_str(s, a, "desc");
	if (s->dry)
		return;
	char d[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else
		snprintf(d, sizeof d, "%s%s %s %s%s%s%s%s", as_org ? "organization " : "", who,
		         want ? "sees" : "does not see", hist ? "history entry " : "", what,
		         ws ? " in " : "", ws ? ws : "", "");
	int visible = 0, got = 0;
	int rc = hist ? pws_can_see_history(s->p, &visible, &got, who, what)
	         : as_org ? pws_org_can_see_member(s->p, &visible, &got, who, ws, what)
	                  : pws_can_see_member(s->p, &visible, &got, who, ws, what);
	if (rc != PWS_OK) {
		tap(s, 0, d, a, "the question failed: %s", cli_code_name(rc));
		return;
	}
	int ok = !visible == !want && (rule < 0 || got == rule);
	tap(s, ok, d, a, "expected %s%s%s, got %s (%s)", want ? "visible" : "hidden",
	    rule >= 0 ? " " : "", rule >= 0 ? rule_name(rule) : "", visible ? "visible" : "hidden",
	    rule_name(got));
}

/* One listing's rows, every column, as text lines (sorted), for same_view. */
static int view_text(pws_iter *it, const int *cols, size_t ncols, char **out)
{
	size_t cap = 256, len = 0, nrows = 0;
	char **rows = NULL;
	int rc = PWS_OK;
	while (pws_iter_next(it) == PWS_OK) {
		char line[1024];
		size_t k = 0;
		for (size_t c = 0; c < ncols && k < sizeof line; c++) {
			const char *v = pws_iter_str(it, cols[c]);
			if (v)
				k += (size_t)snprintf(line + k, sizeof line - k, "%s%s", c ? " " : "", v);
			else
				k += (size_t)snprintf(line + k, sizeof line - k, "%s%lld", c ? " " : "",
				                      (long long)pws_iter_int(it, cols[c]));
		}
		char **nr = realloc(rows, (nrows + 1) * sizeof *rows);
		if (!nr || !(nr[nrows] = strdup(line))) {
			rows = nr ? nr : rows;
			rc = PWS_ENOMEM;
			break;
		}
		rows = nr;
		nrows++;
	}
	if (nrows) /* rows is NULL when the view is empty: qsort wants an array */
		qsort(rows, nrows, sizeof *rows, cmp_str);
	char *t = malloc(cap);
	for (size_t i = 0; t && i < nrows; i++) {
		size_t l = strlen(rows[i]);
		while (t && len + l + 3 > cap) {
			char *nt = realloc(t, cap *= 2);
			if (!nt)
				free(t);
			t = nt;
		}
		if (t) {
			memcpy(t + len, rows[i], l);
			len += l;
			memcpy(t + len, "; ", 2);
			len += 2;
		}
	}
	if (t)
		t[len] = 0;
	for (size_t i = 0; i < nrows; i++)
		free(rows[i]);
	free(rows);
	*out = t;
	return t ? rc : PWS_ENOMEM;
}

/* same_view (VI8): the view "as partner organization D" of a workspace (its
 * members and its elements, every column) equals that of one partner of D. */
static void ex_same_view(struct sc *s, yaml_node_t *a)
{
	need_v2(s, a, "same_view");
	static const char *const keys[] = {"organization", "workspace", "as", "desc", NULL};
	check_keys(s, a, "same_view", keys);
	const char *org = req_str(s, a, "organization"), *ws = req_str(s, a, "workspace");
	const char *as = req_str(s, a, "as"), *desc = opt_str(s, a, "desc");
	if (s->dry)
		return;
	char d[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else
		snprintf(d, sizeof d, "%s as organization %s is what %s sees", ws, org, as);
	static const int mcols[] = {PWS_COL_ID, PWS_COL_EMAIL, PWS_COL_ROLE, PWS_COL_LEAD,
	                            PWS_COL_EXTERNAL, PWS_COL_ORG, PWS_COL_SUSPENDED};
	static const int ecols[] = {PWS_COL_ID, PWS_COL_KIND, PWS_COL_ACTIONS, PWS_COL_PARENT};
	for (int part = 0; part < 2; part++) {
		pws_iter *i1 = NULL, *i2 = NULL;
		int r1 = part ? pws_list_elements_as_org(&i1, s->p, org, ws)
		              : pws_list_members_as_org(&i1, s->p, org, ws);
		int r2 = part ? pws_list_elements(&i2, s->p, as, ws)
		              : pws_list_members(&i2, s->p, as, ws);
		char *t1 = NULL, *t2 = NULL;
		if (r1 == PWS_OK)
			r1 = view_text(i1, part ? ecols : mcols, part ? 4 : 7, &t1);
		if (r2 == PWS_OK)
			r2 = view_text(i2, part ? ecols : mcols, part ? 4 : 7, &t2);
		pws_iter_free(i1);
		pws_iter_free(i2);
		int ok = r1 == PWS_OK && r2 == PWS_OK && !strcmp(t1, t2);
		if (!ok)
			tap(s, 0, d, a, "%s differ: as organization %s [%s], as %s %s [%s]",
			    part ? "elements" : "members", r1 == PWS_OK ? "" : cli_code_name(r1),
			    t1 ? t1 : "", as, r2 == PWS_OK ? "" : cli_code_name(r2), t2 ? t2 : "");
		free(t1);
		free(t2);
		if (!ok)
			return;
	}
	tap(s, 1, d, a, "%s", "");
}

static void expectation(struct sc *s, yaml_node_t *n)
{
	yaml_node_t *a;
	const char *kind = single(s, n, "an expectation", &a);
	if (!strcmp(kind, "allow"))
		ex_check(s, a, 1, kind);
	else if (!strcmp(kind, "deny"))
		ex_check(s, a, 0, kind);
	else if (!strcmp(kind, "succeeds") || !strcmp(kind, "refused") || !strcmp(kind, "fails"))
		ex_call(s, a, kind);
	else if (listing_find(kind))
		ex_list(s, a, listing_find(kind));
	else if (!strcmp(kind, "member"))
		ex_member(s, a);
	else if (!strcmp(kind, "events"))
		ex_events(s, a);
	else if (!strcmp(kind, "unread"))
		ex_unread(s, a);
	else if (!strcmp(kind, "sees"))
		ex_sees(s, a);
	else if (!strcmp(kind, "same_view"))
		ex_same_view(s, a);
	else
		bad(s, n, "unknown expectation '%s' (allow, deny, succeeds, refused, fails, "
		    "members, elements, workspaces, member, events; version 2: history, updates, "
		    "replies, activity, invites, seats, partnerships, reach, unread, sees, same_view)",
		    kind);
}

/* ---- a file ----------------------------------------------------------------------- */

static void world_step(struct sc *s, yaml_node_t *n)
{
	pws_result r;
	const char *name;
	int rc = do_call(s, n, 0, &r, &name);
	if (s->dry || rc == PWS_OK)
		return;
	char got[400], d[400];
	outcome(got, sizeof got, rc, &r);
	snprintf(d, sizeof d, "world: %s", name);
	tap(s, 0, d, n, "expected the world's call to succeed, got %s", got);
}

static void walk(struct sc *s)
{
	yaml_node_t *root = yaml_document_get_root_node(&s->doc);
	if (!root)
		bad(s, NULL, "%s", "empty file");
	static const char *const keys[] = {"version", "title", "description", "world", "expect",
	                                   NULL};
	check_keys(s, root, "the scenario", keys);
	yaml_node_t *v = get(s, root, "version");
	if (!v)
		bad(s, root, "%s", "missing 'version: 1'");
	const char *vt = scalar(s, v, "version");
	if (strcmp(vt, "1") && strcmp(vt, "2"))
		bad(s, v, "unsupported version '%s' (this program reads 1 and 2)", vt);
	s->version = vt[0] - '0';
	yaml_node_t *w = get(s, root, "world"), *e = get(s, root, "expect");
	if (w && w->type != YAML_SEQUENCE_NODE && !is_null(w))
		bad(s, w, "%s", "'world' must be a list of calls");
	if (!e || e->type != YAML_SEQUENCE_NODE)
		bad(s, e ? e : root, "%s", "'expect' must be a list of expectations");
	if (w && w->type == YAML_SEQUENCE_NODE)
		for (yaml_node_item_t *i = w->data.sequence.items.start; i < w->data.sequence.items.top; i++) {
			unsigned before = *s->testno;
			world_step(s, node(s, *i));
			if (*s->testno != before)
				return; /* the world is not as written: expectations mean nothing */
		}
	if (s->world_only)
		return;
	for (yaml_node_item_t *i = e->data.sequence.items.start; i < e->data.sequence.items.top; i++)
		expectation(s, node(s, *i));
}

/* A scenario file is small: a bigger one is refused before it is parsed. */
#define MAX_FILE (4u << 20)

/* A scenario nests a few levels (file, expectation, call, arguments, a
 * list); libyaml's scanner slows down quadratically with the depth of flow
 * collections, so a deeper file is refused on the way down, before the
 * document is built. */
#define MAX_DEPTH 32

static void syntax_error(struct sc *s, const yaml_parser_t *parser, const char *buf, size_t len)
{
	unsigned long line = (unsigned long)parser->problem_mark.line + 1;
	if (parser->error == YAML_READER_ERROR) { /* bad encoding: an offset, no mark */
		line = 1;
		for (size_t i = 0; i < parser->problem_offset && i < len; i++)
			line += buf[i] == '\n';
	}
	if (parser->error == YAML_MEMORY_ERROR)
		snprintf(s->msg, sizeof s->msg, "line %lu: out of memory", line);
	else
		snprintf(s->msg, sizeof s->msg, "line %lu: syntax error: %s%s%s", line,
		         parser->problem ? parser->problem : "unknown",
		         parser->context ? " " : "", parser->context ? parser->context : "");
}

/* The events of the first document, for their depth only. */
static int prescan(struct sc *s, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t e;
	int depth = 0, rc = 0;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(s->msg, sizeof s->msg, "line 1: out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &e)) {
			syntax_error(s, &parser, buf, len);
			rc = -1;
			break;
		}
		yaml_event_type_t t = e.type;
		unsigned long line = (unsigned long)e.start_mark.line + 1;
		yaml_event_delete(&e);
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
			if (++depth > MAX_DEPTH) {
				snprintf(s->msg, sizeof s->msg, "line %lu: nested deeper than %d levels",
				         line, MAX_DEPTH);
				rc = -1;
				break;
			}
		} else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (t == YAML_DOCUMENT_END_EVENT || t == YAML_STREAM_END_EVENT) {
			break;
		}
	}
	yaml_parser_delete(&parser);
	return rc;
}

static int load_buffer(struct sc *s, const char *buf, size_t len)
{
	yaml_parser_t parser;
	if (len > MAX_FILE) {
		snprintf(s->msg, sizeof s->msg, "line 1: file too large (%zu bytes, at most %u)",
		         len, MAX_FILE);
		return -1;
	}
	if (prescan(s, buf, len))
		return -1;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(s->msg, sizeof s->msg, "line 1: out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	int ok = yaml_parser_load(&parser, &s->doc);
	if (!ok)
		syntax_error(s, &parser, buf, len);
	yaml_parser_delete(&parser);
	return ok ? 0 : -1;
}

/* Reads the whole file (at most MAX_FILE + 1 bytes: enough to refuse it). */
static int load(struct sc *s, FILE *f)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		snprintf(s->msg, sizeof s->msg, "line 1: out of memory");
		return -1;
	}
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > MAX_FILE || (n == 0 && (feof(f) || ferror(f))))
			break;
		if (len == cap) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				snprintf(s->msg, sizeof s->msg, "line 1: out of memory");
				return -1;
			}
			buf = b;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		snprintf(s->msg, sizeof s->msg, "line 1: read error");
		return -1;
	}
	int rc = load_buffer(s, buf, len);
	free(buf);
	return rc;
}

static int export_to(pws_policy *p, const char *out)
{
	char *json = NULL;
	size_t len = 0;
	int rc = pws_snapshot_export(p, &json, &len);
	if (rc != PWS_OK) {
		fprintf(stderr, "partnerws: export: %s\n", pws_strerror(rc));
		return CLI_BAD;
	}
	FILE *f = out ? fopen(out, "wb") : stdout;
	int ok = f && fwrite(json, 1, len, f) == len;
	if (f && f != stdout)
		ok = fclose(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "partnerws: %s: cannot write\n", out ? out : "stdout");
	pws_snapshot_free(p, json);
	return ok ? CLI_OK : CLI_BAD;
}

static int run_loaded(struct sc *s, const char *snapshot_out, const char *store);

/* Reports a file that could not be run (a TAP "not ok" naming it and the
 * reason, unless quiet), frees @p s, and gives the bad-file status. */
static int bad_file(struct sc *s)
{
	++*s->testno;
	if (!s->quiet) {
		printf("not ok %u - ", *s->testno);
		tap_escaped(s->file, 1);
		fputs(": bad scenario file\n# ", stdout);
		tap_escaped(s->file, 0);
		fputs(": ", stdout);
		tap_escaped(s->msg, 0);
		putchar('\n');
		fprintf(stderr, "partnerws: %s: %s\n", s->file, s->msg);
	}
	free(s);
	return CLI_BAD;
}

/* Runs one file: 0 all held, 1 an assertion failed, 2 a bad file. With
 * @p snapshot_out (or "-"), only its world is built and exported as JSON. */
static int run_file2(const char *path, unsigned *testno, const char *snapshot_out,
                     const char *store)
{
	struct sc *s = calloc(1, sizeof *s);
	if (!s) {
		fprintf(stderr, "partnerws: out of memory\n");
		return CLI_BAD;
	}
	s->file = path;
	s->testno = testno;
	s->world_only = snapshot_out != NULL || store != NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(s->msg, sizeof s->msg, "cannot open: %s", strerror(errno));
		goto bad_file;
	}
	int loaded = load(s, f) == 0;
	fclose(f);
	if (!loaded)
		goto bad_file;
	return run_loaded(s, snapshot_out, store);

bad_file:
	return bad_file(s);
}

/* Runs the loaded document of @p s (and frees @p s). */
static int run_loaded(struct sc *s, const char *snapshot_out, const char *store)
{
	int status = CLI_OK;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	o.on_event = on_event;
	o.event_payload = s;
	if (store && cli_open_ops(&ops, store, 0) != PWS_OK) {
		yaml_document_delete(&s->doc);
		free(s);
		return CLI_BAD;
	}
	o.storage = store ? &ops : NULL;
	if (s->hooks) {
		o.allocator = s->hooks->allocator;
		if (s->hooks->storage)
			o.storage = s->hooks->storage;
	}
	if (pws_policy_new(&s->p, &o) != PWS_OK) {
		if (store)
			ops.close(ops.ctx); /* not closed by a failed pws_policy_new */
		snprintf(s->msg, sizeof s->msg, "cannot create a policy handle%s%s",
		         store ? " on " : "", store ? store : "");
		yaml_document_delete(&s->doc);
		goto bad_file;
	}
	if (setjmp(s->bad)) {
		ev_clear(s);
		pws_policy_free(s->p);
		yaml_document_delete(&s->doc);
		goto bad_file;
	}
	s->dry = 1;
	walk(s);
	s->dry = 0;
	walk(s);
	ev_clear(s);
	status = s->failed ? CLI_FAILED : CLI_OK;
	if (snapshot_out && status == CLI_OK)
		status = export_to(s->p, strcmp(snapshot_out, "-") ? snapshot_out : NULL);
	pws_policy_free(s->p);
	yaml_document_delete(&s->doc);
	free(s);
	return status;

bad_file:
	return bad_file(s);
}

static int run_file(const char *path, unsigned *testno)
{
	return run_file2(path, testno, NULL, NULL);
}

int scen_parse_buffer(const char *buf, size_t len, char *msg, size_t msgsize)
{
	struct sc *s = calloc(1, sizeof *s);
	unsigned testno = 0;
	volatile int status = CLI_BAD;
	if (!s) {
		if (msg && msgsize)
			snprintf(msg, msgsize, "line 1: out of memory");
		return CLI_BAD;
	}
	s->file = "buffer";
	s->testno = &testno;
	s->dry = 1;
	if (load_buffer(s, buf, len) == 0) {
		if (!setjmp(s->bad)) {
			walk(s);
			status = CLI_OK;
			s->msg[0] = 0;
		}
		ev_clear(s);
		yaml_document_delete(&s->doc);
	}
	if (msg && msgsize)
		snprintf(msg, msgsize, "%s", s->msg);
	free(s);
	return status;
}

int scen_run_buffer(const char *buf, size_t len, const char *name, scen_hooks *hooks)
{
	static unsigned testno;
	struct sc *s = calloc(1, sizeof *s);
	if (!s)
		return CLI_BAD;
	s->file = name;
	s->testno = &testno;
	s->hooks = hooks;
	s->quiet = hooks && hooks->quiet;
	if (load_buffer(s, buf, len)) {
		if (!s->quiet)
			fprintf(stderr, "partnerws: %s: %s\n", name, s->msg);
		free(s);
		return CLI_BAD;
	}
	return run_loaded(s, NULL, NULL);
}

int cli_world_snapshot(const char *path, const char *out)
{
	unsigned testno = 0;
	int rc = run_file2(path, &testno, out ? out : "-", NULL);
	if (rc != CLI_OK)
		fprintf(stderr, "partnerws: %s: the world was not built\n", path);
	return rc;
}

int cli_world_store(const char *spec, const char *path)
{
	unsigned testno = 0;
	int rc = run_file2(path, &testno, NULL, spec);
	if (rc != CLI_OK)
		fprintf(stderr, "partnerws: %s: the world was not built\n", path);
	return rc;
}

int cli_test(int argc, char **argv)
{
	unsigned testno = 0;
	int status = CLI_OK;
	if (argc < 1) {
		fprintf(stderr, "usage: partnerws test FILE...\n");
		return CLI_BAD;
	}
	for (int i = 0; i < argc; i++) {
		int rc = run_file(argv[i], &testno);
		if (rc > status)
			status = rc;
	}
	printf("1..%u\n", testno);
	return status;
}
