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
	int rc = pws_team_add(s->p, id, name ? name : id, plan, sso, r);
	for (size_t i = 0; rc == PWS_OK && i < nd; i++)
		rc = pws_team_add_domain(s->p, id, dom[i], r);
	if (rc == PWS_OK && seats >= 0)
		rc = pws_team_set_editor_seats(s->p, id, (uint32_t)seats, r);
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
	return calls[i].fn(s, args, r);
}

/* ---- TAP ---------------------------------------------------------------------- */

static void tap(struct sc *s, int ok, const char *desc, const yaml_node_t *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

static void tap(struct sc *s, int ok, const char *desc, const yaml_node_t *at, const char *fmt, ...)
{
	unsigned n = ++*s->testno;
	printf("%s %u - %s: %s\n", ok ? "ok" : "not ok", n, s->file, desc);
	if (!ok) {
		va_list ap;
		printf("# line %lu: ", line_of(at));
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
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

/* succeeds / refused / fails: a call, made or only asked. */
static void ex_call(struct sc *s, yaml_node_t *a, const char *what)
{
	static const char *const keys[] = {"call", "ask", "rule", "code", "desc", NULL};
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
	tap(s, ok, d, a, "expected %s%s%s, got %s", cli_code_name(want), rule >= 0 ? " " : "",
	    rule >= 0 ? rule_name(rule) : "", got);
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

/* Compares the ids @p got against equals / includes / excludes of @p a. */
static void compare_list(struct sc *s, yaml_node_t *a, const char *d, const char **got,
                         size_t ng, const char **eq, size_t ne, int has_eq, const char **in,
                         size_t ni, const char **ex, size_t nx)
{
	char gs[2048], ws[2048];
	qsort(got, ng, sizeof *got, cmp_str);
	join(gs, sizeof gs, got, ng);
	if (has_eq) {
		qsort(eq, ne, sizeof *eq, cmp_str);
		int ok = ne == ng;
		for (size_t i = 0; ok && i < ne; i++)
			ok = !strcmp(eq[i], got[i]);
		join(ws, sizeof ws, eq, ne);
		if (!ok) {
			tap(s, 0, d, a, "expected %s, got %s", ws, gs);
			return;
		}
	}
	for (size_t i = 0; i < ni; i++)
		if (!contains(got, ng, in[i])) {
			tap(s, 0, d, a, "expected to include %s, got %s", in[i], gs);
			return;
		}
	for (size_t i = 0; i < nx; i++)
		if (contains(got, ng, ex[i])) {
			tap(s, 0, d, a, "expected to exclude %s, got %s", ex[i], gs);
			return;
		}
	tap(s, 1, d, a, "%s", "");
}

/* members / elements / workspaces: a listing, as one viewer sees it. */
static void ex_list(struct sc *s, yaml_node_t *a, const char *what)
{
	int ws_list = !strcmp(what, "workspaces");
	static const char *const k1[] = {"viewer", "workspace", "equals", "includes", "excludes",
	                                 "desc", NULL};
	static const char *const k2[] = {"user", "equals", "includes", "excludes", "desc", NULL};
	check_keys(s, a, what, ws_list ? k2 : k1);
	const char *viewer = req_str(s, a, ws_list ? "user" : "viewer");
	const char *ws = ws_list ? NULL : req_str(s, a, "workspace");
	const char *desc = opt_str(s, a, "desc");
	static const char *eq[MAX_LIST], *in[MAX_LIST], *ex[MAX_LIST], *got[4096];
	yaml_node_t *e = get(s, a, "equals"), *i = get(s, a, "includes"), *x = get(s, a, "excludes");
	size_t ne = e ? str_list(s, e, "equals", eq) : 0;
	size_t ni = i ? str_list(s, i, "includes", in) : 0;
	size_t nx = x ? str_list(s, x, "excludes", ex) : 0;
	if (!e && !i && !x)
		bad(s, a, "%s needs 'equals', 'includes' or 'excludes'", what);
	if (s->dry)
		return;
	char d[400];
	if (desc)
		snprintf(d, sizeof d, "%s", desc);
	else if (ws_list)
		snprintf(d, sizeof d, "workspaces of %s", viewer);
	else
		snprintf(d, sizeof d, "%s of %s seen by %s", what, ws, viewer);
	pws_iter *it = NULL;
	int rc = ws_list ? pws_list_workspaces(&it, s->p, viewer)
	         : !strcmp(what, "members") ? pws_list_members(&it, s->p, viewer, ws)
	         : pws_list_elements(&it, s->p, viewer, ws);
	if (rc != PWS_OK) {
		tap(s, 0, d, a, "listing failed: %s", cli_code_name(rc));
		return;
	}
	size_t ng = 0;
	while (ng < sizeof got / sizeof got[0] && pws_iter_next(it) == PWS_OK) {
		const char *id = pws_iter_str(it, PWS_COL_ID);
		got[ng++] = id ? strdup(id) : NULL;
		if (!got[ng - 1])
			ng--;
	}
	pws_iter_free(it);
	compare_list(s, a, d, got, ng, eq, ne, e != NULL, in, ni, ex, nx);
	for (size_t k = 0; k < ng; k++)
		free((void *)got[k]);
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
	else if (!strcmp(kind, "members") || !strcmp(kind, "elements") ||
	         !strcmp(kind, "workspaces"))
		ex_list(s, a, kind);
	else if (!strcmp(kind, "member"))
		ex_member(s, a);
	else if (!strcmp(kind, "events"))
		ex_events(s, a);
	else
		bad(s, n, "unknown expectation '%s' (allow, deny, succeeds, refused, fails, "
		    "members, elements, workspaces, member, events)", kind);
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
	if (strcmp(scalar(s, v, "version"), "1"))
		bad(s, v, "unsupported version '%s' (this program reads 1)",
		    (const char *)v->data.scalar.value);
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

static int load(struct sc *s, FILE *f)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(s->msg, sizeof s->msg, "out of memory");
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	int ok = yaml_parser_load(&parser, &s->doc);
	if (!ok)
		snprintf(s->msg, sizeof s->msg, "line %lu: syntax error: %s%s%s",
		         (unsigned long)parser.problem_mark.line + 1,
		         parser.problem ? parser.problem : "unknown",
		         parser.context ? " " : "", parser.context ? parser.context : "");
	yaml_parser_delete(&parser);
	return ok ? 0 : -1;
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
	int status = CLI_OK;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(s->msg, sizeof s->msg, "cannot open: %s", strerror(errno));
		goto bad_file;
	}
	int loaded = load(s, f) == 0;
	fclose(f);
	if (!loaded)
		goto bad_file;
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
	printf("not ok %u - %s: bad scenario file\n# %s: %s\n", ++*testno, path, path, s->msg);
	fprintf(stderr, "partnerws: %s: %s\n", path, s->msg);
	free(s);
	return CLI_BAD;
}

static int run_file(const char *path, unsigned *testno)
{
	return run_file2(path, testno, NULL, NULL);
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
