/*
 * POLICY.md §7 as a table: for every kind of actor (team member by team
 * role and workspace role, partner by workspace role and team plan, the
 * non-member Partner Manager) and every mode, a fresh world is built and
 * every pws_action is checked against expected(), written independently
 * from POLICY.md §7 and doc/DECISIONS.md. pws_allowed_actions() and
 * pws_check_batch() must agree with the per-action checks. Every mismatch
 * is collected and printed before the test fails.
 * SPDX-License-Identifier: MIT
 */
#include "test-world.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Mismatch collection                                                 */
/* ------------------------------------------------------------------ */

#define MIS_BUF (256 * 1024)

static char mis_buf[MIS_BUF];
static size_t mis_len;
static size_t mis_count;

static void mis_reset(void)
{
	mis_buf[0] = '\0';
	mis_len = 0;
	mis_count = 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void mis_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	mis_count++;
	if (mis_len + 2 >= MIS_BUF)
		return;
	va_start(ap, fmt);
	n = vsnprintf(mis_buf + mis_len, MIS_BUF - mis_len - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	mis_len += (size_t)n < MIS_BUF - mis_len - 1 ? (size_t)n : MIS_BUF - mis_len - 2;
	mis_buf[mis_len++] = '\n';
	mis_buf[mis_len] = '\0';
}

/* ------------------------------------------------------------------ */
/* The actor combinations                                              */
/* ------------------------------------------------------------------ */

enum actor_kind {
	K_TEAM = 1,   /* a member of pw from the publisher team "pub" */
	K_PARTNER = 2, /* a member of pw from a partner team */
	K_PM = 3      /* an effective Partner Manager of "pub", not a member */
};

typedef struct combo {
	int kind;
	int team_role; /* K_TEAM: pws_team_role */
	int ws_role;   /* K_TEAM, K_PARTNER: pws_ws_role */
	int mode;      /* pws_mode of pw */
	int paid;      /* K_PARTNER: 1 = acme (professional), 0 = globex (free) */
} combo;

static const char *role_name(int r)
{
	switch (r) {
	case PWS_ROLE_VIEWER: return "viewer";
	case PWS_ROLE_EDITOR: return "editor";
	case PWS_ROLE_ADMIN: return "admin";
	default: return "?";
	}
}

static const char *team_role_name(int r)
{
	switch (r) {
	case PWS_TEAM_MEMBER: return "member";
	case PWS_TEAM_ADMIN: return "admin";
	case PWS_TEAM_SUPER_ADMIN: return "super_admin";
	default: return "?";
	}
}

static void combo_label(char *buf, size_t size, const combo *c)
{
	const char *mode = c->mode == PWS_MODE_MULTI ? "multi" : "single";

	switch (c->kind) {
	case K_TEAM:
		snprintf(buf, size, "team %s, ws %s, %s", team_role_name(c->team_role),
		         role_name(c->ws_role), mode);
		break;
	case K_PARTNER:
		snprintf(buf, size, "partner %s (%s), ws %s, %s", c->paid ? "acme" : "globex",
		         c->paid ? "paid" : "free", role_name(c->ws_role), mode);
		break;
	default:
		snprintf(buf, size, "Partner Manager non-member, %s", mode);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* expected(): POLICY.md §7 and DECISIONS.md, written independently    */
/* ------------------------------------------------------------------ */

/* allowed: 1 allow, 0 deny, -1 the documents do not settle it (only the
 * rule is compared). rules: the acceptable deciding rules (0-terminated). */
typedef struct expect {
	int allowed;
	int rules[4];
} expect;

static expect mk(int allowed, int r1, int r2)
{
	expect e;

	memset(&e, 0, sizeof e);
	e.allowed = allowed;
	e.rules[0] = r1;
	e.rules[1] = r2;
	return e;
}

static int is_element_action(int action)
{
	switch (action) {
	case PWS_ACT_VIEW:
	case PWS_ACT_SEND_REQUEST:
	case PWS_ACT_RUN:
	case PWS_ACT_GENERATE_CODE:
	case PWS_ACT_EXPORT:
	case PWS_ACT_EDIT:
	case PWS_ACT_MOVE:
	case PWS_ACT_DELETE_ELEMENT:
	case PWS_ACT_FORK:
	case PWS_ACT_COMMENT:
		return 1;
	default:
		return 0;
	}
}

/*
 * Membership comes first: a non-member (here only the PM) asking for
 * anything beyond VIEW, VIEW_MEMBERS and the PM's management powers is
 * denied by WS1 whatever the action (DECISIONS, "Reaching a workspace").
 * Partners in multi-partner mode are denied moves and deletes by ED1.
 *
 * The world: "pw" is an active partner workspace of "pub" (enterprise),
 * team-to-team, with partners a1 and g1 in it (so DL1 cannot happen), no
 * pending request. The element is a collection in pw; @p elem_editor says
 * whether the actor is an Editor on that element.
 */
static expect expected(const combo *c, int action, int elem_editor)
{
	const int member = c->kind != K_PM;
	const int partner = c->kind == K_PARTNER;
	const int pm = c->kind == K_PM; /* effective PM, owning team (WS1, DECISIONS) */
	const int multi = c->mode == PWS_MODE_MULTI;
	const int super = c->kind == K_TEAM && c->team_role == PWS_TEAM_SUPER_ADMIN;
	const int ws_admin = member && c->ws_role == PWS_ROLE_ADMIN;
	const int editor_plus = member && c->ws_role >= PWS_ROLE_EDITOR;
	const int manager = ws_admin || pm;

	switch (action) {
	/* AC1: every member; a non-member PM may only VIEW (WS1). */
	case PWS_ACT_VIEW:
		if (member)
			return mk(1, PWS_RULE_AC1, 0);
		return mk(pm, PWS_RULE_WS1, 0);
	case PWS_ACT_SEND_REQUEST:
	case PWS_ACT_RUN:
	case PWS_ACT_GENERATE_CODE:
	case PWS_ACT_EXPORT:
		if (member)
			return mk(1, PWS_RULE_AC1, 0);
		return mk(0, PWS_RULE_WS1, 0);

	/* ED1: Editor or Admin; never partners in multi; needs membership. */
	case PWS_ACT_EDIT:
	case PWS_ACT_IMPORT:
		if (!member)
			return mk(0, PWS_RULE_WS1, 0);
		if (partner && multi)
			return mk(0, PWS_RULE_ED1, 0);
		return mk(editor_plus, PWS_RULE_ED1, 0);

	/* MV1/RM1: element Editor, Workspace Admin, super_admin who reaches it;
	 * never partners in multi (ED1); the PM's powers do not include it. */
	case PWS_ACT_MOVE:
	case PWS_ACT_DELETE_ELEMENT: {
		int rr = action == PWS_ACT_MOVE ? PWS_RULE_MV1 : PWS_RULE_RM1;

		if (!member)
			return mk(0, PWS_RULE_WS1, 0);
		if (partner && multi)
			return mk(0, PWS_RULE_ED1, 0);
		return mk(elem_editor || ws_admin || super, rr, 0);
	}

	/* FK1: partners: paid team, or Editor on a free team; team members:
	 * any member. */
	case PWS_ACT_FORK:
		if (!member)
			return mk(0, PWS_RULE_WS1, 0);
		if (partner)
			return mk(c->paid || c->ws_role >= PWS_ROLE_EDITOR, PWS_RULE_FK1, 0);
		return mk(1, PWS_RULE_FK1, 0);

	/* CM1: members; nobody in multi. */
	case PWS_ACT_COMMENT:
		if (!member)
			return mk(0, PWS_RULE_WS1, 0);
		return mk(!multi, PWS_RULE_CM1, 0);

	/* UP1: team members with Editor/Admin. */
	case PWS_ACT_POST_UPDATE:
		if (!member)
			return mk(0, PWS_RULE_WS1, 0);
		return mk(!partner && editor_plus, PWS_RULE_UP1, 0);

	/* UP2: members in single mode; nobody in multi. */
	case PWS_ACT_REPLY:
		if (!member)
			return mk(0, PWS_RULE_WS1, 0);
		return mk(!multi, PWS_RULE_UP2, 0);

	/* DT1: Workspace Admin, PM. */
	case PWS_ACT_EDIT_DETAILS:
		return mk(manager, PWS_RULE_DT1, 0);

	/* MP1: Workspace Admin, PM; once. */
	case PWS_ACT_ENABLE_MULTI:
		return mk(manager && !multi, PWS_RULE_MP1, 0);

	/* INT1: never in a partner workspace, whoever asks. */
	case PWS_ACT_INTEGRATION:
		return mk(0, PWS_RULE_INT1, 0);

	/* DL1: partners a1 and g1 are still in pw: nobody, yet. */
	case PWS_ACT_CHANGE_VISIBILITY:
		return mk(0, PWS_RULE_DL1, 0);

	/* DL2: a partner-visibility workspace cannot be deleted. */
	case PWS_ACT_DELETE_WORKSPACE:
		return mk(0, PWS_RULE_DL2, 0);

	/* CR3: PMs and super_admins review; pw has no pending request, so
	 * whether they are allowed is not settled; everyone else is denied. */
	case PWS_ACT_REVIEW_REQUEST:
		if (pm || super)
			return mk(-1, PWS_RULE_CR3, 0);
		return mk(0, PWS_RULE_CR3, 0);

	/* IN1 / IN2: Workspace Admin, PM (no Partner Lead in the table). */
	case PWS_ACT_INVITE_PARTNER:
		return mk(manager, PWS_RULE_IN1, 0);
	case PWS_ACT_INVITE_MEMBER:
		return mk(manager, PWS_RULE_IN2, 0);

	/* RO4 / RO3: Workspace Admin, PM. */
	case PWS_ACT_MANAGE_MEMBERS:
		return mk(manager, PWS_RULE_RO4, 0);
	case PWS_ACT_SET_PARTNER_LEAD:
		return mk(manager, PWS_RULE_RO3, 0);

	/* Member list: team members see all (VI1); partners see by mode
	 * (VI3 single, VI2 multi); the non-member PM by WS1. */
	case PWS_ACT_VIEW_MEMBERS:
		if (pm)
			return mk(1, PWS_RULE_WS1, 0);
		if (partner)
			return mk(1, multi ? PWS_RULE_VI2 : PWS_RULE_VI3, 0);
		return mk(1, PWS_RULE_VI1, 0);

	/* CR2: pw is already a partner workspace: only its Admin or a PM could
	 * ever ask; what they get on an already-converted one is not settled. */
	case PWS_ACT_CONVERT:
		if (manager)
			return mk(-1, PWS_RULE_CR2, 0);
		return mk(0, PWS_RULE_CR2, 0);

	default:
		return mk(0, 0, 0);
	}
}

static int rule_ok(const expect *e, int rule)
{
	size_t i;

	for (i = 0; i < 4 && e->rules[i]; i++)
		if (e->rules[i] == rule)
			return 1;
	return 0;
}

static void rules_str(char *buf, size_t size, const expect *e)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < 4 && e->rules[i]; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? "|" : "",
		                 pws_rule_id(e->rules[i]));
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
}

/* ------------------------------------------------------------------ */
/* Building one world                                                  */
/* ------------------------------------------------------------------ */

#define SETUP(call) do { int rc_ = (call); if (rc_ != PWS_OK) { \
	mis_add("[%s] setup %s -> %s (rule %s): %s", label, #call, pws_strerror(rc_), \
	        pws_rule_id(tw_res.rule), tw_res.message); \
	return 0; } } while (0)

/* Adds actor "x" to a fresh standard world as @p c says. Returns 1 and sets
 * *has_xel when "x" also added (and so is Editor on) element "xel". */
static int build(pws_policy *p, const combo *c, const char *label, int *has_xel)
{
	*has_xel = 0;
	switch (c->kind) {
	case K_TEAM:
		SETUP(pws_user_add(p, "x", "x@pub.com", "pub", c->team_role, 0, RES));
		SETUP(pws_invite(p, "pm", "pw", "x@pub.com", PWS_INVITE_MEMBER, c->ws_role, 0, RES));
		SETUP(pws_invite_accept(p, "x", "pw", NULL, RES));
		break;
	case K_PARTNER:
		if (c->paid)
			SETUP(pws_user_add(p, "x", "x@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
		else
			SETUP(pws_user_add(p, "x", "x@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
		SETUP(pws_invite(p, "pm", "pw", c->paid ? "x@acme.com" : "x@globex.com",
		                 PWS_INVITE_PARTNER, c->ws_role, 0, RES));
		SETUP(pws_invite_accept(p, "x", "pw", NULL, RES));
		break;
	default:
		SETUP(pws_user_add(p, "x", "x@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
		break;
	}
	if (c->kind != K_PM && c->ws_role >= PWS_ROLE_EDITOR) {
		SETUP(pws_element_add(p, "x", "pw", "xel", PWS_EL_COLLECTION, 10, NULL, RES));
		*has_xel = 1;
	}
	if (c->mode == PWS_MODE_MULTI)
		SETUP(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	return 1;
}

/* ------------------------------------------------------------------ */
/* Checking one world                                                  */
/* ------------------------------------------------------------------ */

#define N_ACT (PWS_ACT_COUNT - 1)
#define MAX_TARGETS 3

typedef struct target {
	const char *ws;
	const char *el;
	int elem_editor;
} target;

/* Per-action check results of one target, indexed by action. */
typedef struct checked {
	int rc[PWS_ACT_COUNT];
	int allowed[PWS_ACT_COUNT];
	int rule[PWS_ACT_COUNT];
} checked;

static void run_checks(pws_policy *p, const target *t, checked *out)
{
	int a;

	for (a = 1; a < PWS_ACT_COUNT; a++) {
		out->allowed[a] = -1;
		out->rule[a] = -1;
		out->rc[a] = pws_check(p, &out->allowed[a], &out->rule[a], "x", a, t->ws, t->el);
	}
}

static void compare_expected(const combo *c, const char *label, const target *t,
                             const checked *got)
{
	int a;

	for (a = 1; a < PWS_ACT_COUNT; a++) {
		expect e;
		char rs[64];

		/* element-level actions are asked on an element, the others on
		 * the workspace alone */
		if (is_element_action(a) != (t->el != NULL))
			continue;
		e = expected(c, a, t->elem_editor);
		rules_str(rs, sizeof rs, &e);
		if (got->rc[a] != PWS_OK) {
			mis_add("[%s] %s on %s/%s: pws_check -> %s (expected %s by %s)", label,
			        pws_action_name(a), t->ws, t->el ? t->el : "-",
			        pws_strerror(got->rc[a]),
			        e.allowed < 0 ? "a decision" : e.allowed ? "allow" : "deny", rs);
			continue;
		}
		if ((e.allowed >= 0 && got->allowed[a] != e.allowed) ||
		    !rule_ok(&e, got->rule[a])) {
			mis_add("[%s] %s on %s/%s: got %s by %s, expected %s by %s", label,
			        pws_action_name(a), t->ws, t->el ? t->el : "-",
			        got->allowed[a] ? "allow" : "deny", pws_rule_id(got->rule[a]),
			        e.allowed < 0 ? "either" : e.allowed ? "allow" : "deny", rs);
		}
	}
}

static void compare_mask(pws_policy *p, const char *label, const target *t,
                         const checked *got)
{
	uint64_t mask = 0;
	int rc, a;

	rc = pws_allowed_actions(p, &mask, "x", t->ws, t->el);
	if (rc != PWS_OK) {
		mis_add("[%s] pws_allowed_actions(%s/%s) -> %s", label, t->ws,
		        t->el ? t->el : "-", pws_strerror(rc));
		return;
	}
	for (a = 1; a < PWS_ACT_COUNT; a++) {
		int bit = (mask >> a) & 1u;
		int one = got->rc[a] == PWS_OK && got->allowed[a] == 1;

		if (bit != one)
			mis_add("[%s] %s on %s/%s: pws_allowed_actions bit %d, pws_check %d",
			        label, pws_action_name(a), t->ws, t->el ? t->el : "-", bit, one);
	}
	if (mask & ~(((uint64_t)1 << PWS_ACT_COUNT) - 2))
		mis_add("[%s] pws_allowed_actions(%s/%s) sets bits outside the actions: %#llx",
		        label, t->ws, t->el ? t->el : "-", (unsigned long long)mask);
}

static void compare_batch(pws_policy *p, const char *label, const target *targets,
                          size_t nt, const checked *got)
{
	const char *actors[N_ACT * MAX_TARGETS];
	const char *wss[N_ACT * MAX_TARGETS];
	const char *els[N_ACT * MAX_TARGETS];
	int actions[N_ACT * MAX_TARGETS];
	int allowed[N_ACT * MAX_TARGETS], rules[N_ACT * MAX_TARGETS];
	int codes[N_ACT * MAX_TARGETS];
	size_t i, n = 0, ti;
	int a, rc;

	for (ti = 0; ti < nt; ti++)
		for (a = 1; a < PWS_ACT_COUNT; a++) {
			actors[n] = "x";
			actions[n] = a;
			wss[n] = targets[ti].ws;
			els[n] = targets[ti].el;
			allowed[n] = rules[n] = codes[n] = -99;
			n++;
		}
	rc = pws_check_batch(p, allowed, rules, codes, n, actors, actions, wss, els);
	if (rc != PWS_OK) {
		mis_add("[%s] pws_check_batch -> %s", label, pws_strerror(rc));
		return;
	}
	for (i = 0; i < n; i++) {
		const checked *g = &got[i / N_ACT];
		const target *t = &targets[i / N_ACT];

		a = actions[i];
		if (codes[i] != g->rc[a] ||
		    (g->rc[a] == PWS_OK && (allowed[i] != g->allowed[a] || rules[i] != g->rule[a])) ||
		    (g->rc[a] != PWS_OK && allowed[i] != 0)) {
			mis_add("[%s] %s on %s/%s: pws_check_batch %s/%d by %s, pws_check %s/%d by %s",
			        label, pws_action_name(a), t->ws, t->el ? t->el : "-",
			        pws_strerror(codes[i]), allowed[i], pws_rule_id(rules[i]),
			        pws_strerror(g->rc[a]), g->allowed[a], pws_rule_id(g->rule[a]));
		}
	}
}

static void check_combo(const combo *c)
{
	char label[96];
	pws_policy *p;
	target targets[MAX_TARGETS];
	checked got[MAX_TARGETS];
	size_t nt = 0, i;
	int has_xel = 0;

	combo_label(label, sizeof label, c);
	p = tw_world();
	if (!build(p, c, label, &has_xel)) {
		pws_policy_free(p);
		return;
	}
	targets[nt].ws = "pw";
	targets[nt].el = NULL;
	targets[nt++].elem_editor = 0;
	targets[nt].ws = "pw";
	targets[nt].el = "col"; /* added by dev: x is not an Editor on it */
	targets[nt++].elem_editor = 0;
	if (has_xel) {
		targets[nt].ws = "pw";
		targets[nt].el = "xel"; /* added by x: x is an Editor on it */
		targets[nt++].elem_editor = 1;
	}
	for (i = 0; i < nt; i++) {
		run_checks(p, &targets[i], &got[i]);
		compare_expected(c, label, &targets[i], &got[i]);
		compare_mask(p, label, &targets[i], &got[i]);
	}
	compare_batch(p, label, targets, nt, got);
	pws_policy_free(p);
}

/* ------------------------------------------------------------------ */

START_TEST(table_section7_matrix)
{
	static const int team_roles[] = {PWS_TEAM_MEMBER, PWS_TEAM_ADMIN, PWS_TEAM_SUPER_ADMIN};
	static const int ws_roles[] = {PWS_ROLE_VIEWER, PWS_ROLE_EDITOR, PWS_ROLE_ADMIN};
	static const int modes[] = {PWS_MODE_SINGLE, PWS_MODE_MULTI};
	size_t ti, ri, mi, pi, combos = 0;
	combo c;

	mis_reset();
	for (mi = 0; mi < 2; mi++) {
		/* team-member actors */
		for (ti = 0; ti < 3; ti++)
			for (ri = 0; ri < 3; ri++) {
				memset(&c, 0, sizeof c);
				c.kind = K_TEAM;
				c.team_role = team_roles[ti];
				c.ws_role = ws_roles[ri];
				c.mode = modes[mi];
				check_combo(&c);
				combos++;
			}
		/* partners: viewer or editor (never admin, RO1); in multi
		 * viewers only (RO2); on a paid and on a free team (FK1) */
		for (pi = 0; pi < 2; pi++)
			for (ri = 0; ri < 2; ri++) {
				if (modes[mi] == PWS_MODE_MULTI && ws_roles[ri] == PWS_ROLE_EDITOR)
					continue;
				memset(&c, 0, sizeof c);
				c.kind = K_PARTNER;
				c.ws_role = ws_roles[ri];
				c.mode = modes[mi];
				c.paid = pi == 0;
				check_combo(&c);
				combos++;
			}
		/* the Partner Manager who is not a member */
		memset(&c, 0, sizeof c);
		c.kind = K_PM;
		c.mode = modes[mi];
		check_combo(&c);
		combos++;
	}
	ck_assert_uint_eq(combos, 2 * 9 + 6 + 2);
	if (mis_count)
		fprintf(stderr, "table_section7_matrix: %zu mismatch(es):\n%s", mis_count, mis_buf);
	ck_assert_msg(mis_count == 0, "%zu mismatch(es) with POLICY.md §7, first ones:\n%.3000s",
	              mis_count, mis_buf);
}
END_TEST

Suite *pws_table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("section7");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, table_section7_matrix);
	suite_add_tcase(s, tc);
	return s;
}
