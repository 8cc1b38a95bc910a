/*
 * libpartnerws demo: a publisher team shares a multi-partner workspace with
 * partners from several organizations; the demo prints, for a person to
 * read, what the publisher, a Partner Manager, each partner and each
 * partner organization sees and may do -- with the rule ids behind every
 * denial (see POLICY.md).
 *
 * Build: cc demo.c $(pkg-config --cflags --libs partnerws)
 * SPDX-License-Identifier: MIT
 */
#include <partnerws.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pws_policy *P;
static pws_result R = PWS_RESULT_INIT;

/* Runs a setup call; on failure says why and exits. */
static void must(int rc, const char *what)
{
	if (rc != PWS_OK) {
		fprintf(stderr, "demo: %s failed: %s (%s %s)\n", what, pws_strerror(rc),
		        pws_rule_id(R.rule), R.message);
		exit(1);
	}
}

static void team(const char *id, const char *name, int plan, int sso, const char *domain)
{
	must(pws_team_add(P, id, name, plan, sso, &R), "pws_team_add");
	must(pws_team_add_domain(P, id, domain, &R), "pws_team_add_domain");
}

static void user(const char *id, const char *email, const char *t, int role, int pm)
{
	must(pws_user_add(P, id, email, t, role, pm, &R), "pws_user_add");
}

static void join(const char *inviter, const char *ws, const char *uid, const char *email,
                 int kind, int role, int lead)
{
	must(pws_invite(P, inviter, ws, email, kind, role, lead, &R), "pws_invite");
	must(pws_invite_accept(P, uid, ws, NULL, &R), "pws_invite_accept");
}

static const char *role_name(int64_t r)
{
	return r == PWS_ROLE_ADMIN ? "admin" : r == PWS_ROLE_EDITOR ? "editor" : "viewer";
}

static void print_members(pws_iter *it)
{
	const char *org = NULL;

	while (pws_iter_next(it) == PWS_OK) {
		const char *o = pws_iter_str(it, PWS_COL_ORG);

		if (!org || strcmp(org, o) != 0)
			printf("      %s\n", o[0] ? o : "publisher team");
		org = o;
		printf("        %-8s %-22s %-6s%s%s\n", pws_iter_str(it, PWS_COL_ID),
		       pws_iter_str(it, PWS_COL_EMAIL), role_name(pws_iter_int(it, PWS_COL_ROLE)),
		       pws_iter_int(it, PWS_COL_LEAD) ? " lead" : "",
		       pws_iter_int(it, PWS_COL_EXTERNAL) ? " [external]" : "");
	}
}

static const int acts[] = {
	PWS_ACT_VIEW, PWS_ACT_RUN, PWS_ACT_EDIT, PWS_ACT_FORK, PWS_ACT_COMMENT,
	PWS_ACT_POST_UPDATE, PWS_ACT_REPLY, PWS_ACT_INVITE_PARTNER, PWS_ACT_EDIT_DETAILS,
	PWS_ACT_DELETE_WORKSPACE
};

static void print_decisions(const char *who, const char *ws, const char *el)
{
	size_t i;

	printf("    may do:");
	for (i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		int allowed = 0, rule = 0;
		int rc = pws_check(P, &allowed, &rule, who, acts[i], el ? NULL : ws, el);

		if (rc == PWS_OK && allowed)
			printf(" %s", pws_action_name(acts[i]));
	}
	printf("\n    may not:");
	for (i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		int allowed = 0, rule = 0;
		int rc = pws_check(P, &allowed, &rule, who, acts[i], el ? NULL : ws, el);

		if (rc == PWS_OK && !allowed)
			printf(" %s(%s)", pws_action_name(acts[i]), pws_rule_id(rule));
	}
	printf("\n");
}

static void show_user(const char *who, const char *title)
{
	pws_iter *it = NULL;
	int rc;

	printf("\n  %s -- %s\n", who, title);
	rc = pws_list_members(&it, P, who, "api-hub");
	if (rc == PWS_OK) {
		printf("    sees %zu member(s):\n", pws_iter_count(it));
		print_members(it);
	} else {
		printf("    sees no member list: %s\n", pws_strerror(rc));
	}
	pws_iter_free(it);
	print_decisions(who, "api-hub", "payments-api");
}

static void show_org(const char *org)
{
	pws_iter *it = NULL;

	printf("\n  organization %s, as such (VI8):\n", org);
	must(pws_list_members_as_org(&it, P, org, "api-hub"), "pws_list_members_as_org");
	printf("    sees %zu member(s):\n", pws_iter_count(it));
	print_members(it);
	pws_iter_free(it);
	must(pws_list_elements_as_org(&it, P, org, "api-hub"), "pws_list_elements_as_org");
	printf("    sees element(s):");
	while (pws_iter_next(it) == PWS_OK)
		printf(" %s", pws_iter_str(it, PWS_COL_ID));
	printf("\n");
	pws_iter_free(it);
}

static void try_call(const char *what, int rc)
{
	printf("  %-58s -> %s", what, rc == PWS_OK ? "ok" : pws_strerror(rc));
	if (rc != PWS_OK)
		printf(" [%s] %s", pws_rule_id(R.rule), R.message);
	else if (R.flags & PWS_RESULT_DOWNGRADED)
		printf(" (downgraded: %s)", R.message);
	printf("\n");
}

int main(void)
{
	int rc = pws_policy_new(&P, NULL);

	if (rc != PWS_OK) {
		fprintf(stderr, "pws_policy_new: %s\n", pws_strerror(rc));
		return 1;
	}
	printf("libpartnerws %s -- Partner Workspaces policy demo\n", pws_version_string());

	team("stripe", "Publisher Inc.", PWS_PLAN_ENTERPRISE, 1, "publisher.io");
	user("ada", "ada@publisher.io", "stripe", PWS_TEAM_SUPER_ADMIN, 0);
	user("pam", "pam@publisher.io", "stripe", PWS_TEAM_MEMBER, 1);
	user("dev", "dev@publisher.io", "stripe", PWS_TEAM_MEMBER, 0);
	team("acme", "Acme Corp", PWS_PLAN_PROFESSIONAL, 1, "acme.com");
	user("alice", "alice@acme.com", "acme", PWS_TEAM_MEMBER, 0);
	user("aaron", "aaron@acme.com", "acme", PWS_TEAM_MEMBER, 0);
	team("globex", "Globex", PWS_PLAN_FREE, 0, "globex.com");
	user("gina", "gina@globex.com", "globex", PWS_TEAM_MEMBER, 0);
	team("initech", "Initech", PWS_PLAN_BASIC, 0, "initech.io");
	user("ivan", "ivan@initech.io", "initech", PWS_TEAM_MEMBER, 0);

	must(pws_workspace_create(P, "pam", "api-hub", "Public API hub", PWS_VIS_PARTNER, NULL, &R),
	     "pws_workspace_create");
	join("pam", "api-hub", "dev", "dev@publisher.io", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0);
	must(pws_element_add(P, "dev", "api-hub", "payments-api", PWS_EL_COLLECTION, 4096, NULL, &R),
	     "pws_element_add");
	must(pws_element_add(P, "dev", "api-hub", "sandbox-env", PWS_EL_ENVIRONMENT, 512, NULL, &R),
	     "pws_element_add");
	join("pam", "api-hub", "alice", "alice@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 1);
	join("alice", "api-hub", "aaron", "aaron@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join("pam", "api-hub", "gina", "gina@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	join("pam", "api-hub", "ivan", "ivan@initech.io", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0);
	must(pws_workspace_enable_multi_partner(P, "pam", "api-hub", &R), "enable multi-partner");
	must(pws_update_post(P, "dev", "api-hub", "u1", "v2 of the payments API is live", 1700000000, &R),
	     "pws_update_post");

	printf("\nWorkspace api-hub of team stripe: partner visibility, multi-partner mode,\n"
	       "partners from acme.com (alice is their Partner Lead), globex.com and initech.io.\n");
	printf("\n== What each person sees and may do (on api-hub / element payments-api)\n");
	show_user("ada", "publisher super admin, not a member");
	show_user("pam", "publisher Partner Manager, workspace admin");
	show_user("dev", "publisher member, editor");
	show_user("alice", "acme partner, Partner Lead");
	show_user("aaron", "acme partner");
	show_user("gina", "globex partner");
	show_user("ivan", "initech partner");

	printf("\n== What each partner organization sees\n");
	show_org("acme");
	show_org("globex");
	show_org("initech");

	printf("\n== A few attempts, and the rule that decided\n");
	R.rule = 0;
	try_call("alice (acme lead) invites bob@globex.com",
	         pws_invite(P, "alice", "api-hub", "bob@globex.com", PWS_INVITE_PARTNER,
	                    PWS_ROLE_VIEWER, 0, &R));
	try_call("alice (acme lead) invites carol@acme.com.evil.com",
	         pws_invite(P, "alice", "api-hub", "carol@acme.com.evil.com", PWS_INVITE_PARTNER,
	                    PWS_ROLE_VIEWER, 0, &R));
	try_call("pam invites eve@publisher.io as a partner",
	         pws_invite(P, "pam", "api-hub", "eve@publisher.io", PWS_INVITE_PARTNER,
	                    PWS_ROLE_VIEWER, 0, &R));
	try_call("pam invites zed@initech.io as an editor",
	         pws_invite(P, "pam", "api-hub", "zed@initech.io", PWS_INVITE_PARTNER,
	                    PWS_ROLE_EDITOR, 0, &R));
	try_call("gina comments on payments-api",
	         pws_comment_add(P, "gina", "payments-api", "c1", "hello?", &R));
	try_call("gina forks payments-api into api-hub",
	         pws_element_fork(P, "gina", "payments-api", "gina-copy", "api-hub", &R));
	try_call("pam turns multi-partner mode off (enables it again)",
	         pws_workspace_enable_multi_partner(P, "pam", "api-hub", &R));
	try_call("pam deletes api-hub while partners are in it",
	         pws_workspace_delete(P, "pam", "api-hub", &R));
	try_call("alice leaves acme; then alice views api-hub",
	         pws_user_set_team(P, "alice", NULL, 0, &R));
	{
		int allowed = 0, rule = 0;

		pws_check(P, &allowed, &rule, "alice", PWS_ACT_VIEW, "api-hub", NULL);
		printf("  %-58s -> %s [%s]\n", "  alice may view api-hub?", allowed ? "yes" : "no",
		       pws_rule_id(rule));
	}
	pws_policy_free(P);
	printf("\nEvery decision above came from pws_check()/the listings; see man partnerws(7).\n");
	return 0;
}
