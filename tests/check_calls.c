/*
 * The calls a host asks for (0.2): open invites (IN7, IN3, VI2), the
 * pending request (CR3), the integration state and turning it off (INT1),
 * multi-workspace migration (TT2, TT3), the directory listings, what each
 * event recipient is, getters that say the size they need, and releasing
 * a snapshot without the handle. Bad input changes nothing (digest).
 * SPDX-License-Identifier: MIT
 */
#include "test-events.h"

#include <stdlib.h>
#include <string.h>

#define NOW ((int64_t)1700000000)

/* --- helpers ----------------------------------------------------------------- */

/* The EMAIL column of an invite listing, space-separated, in order. */
static void invite_emails(pws_iter *it, char *buf, size_t size)
{
	buf[0] = '\0';
	while (pws_iter_next(it) == PWS_OK) {
		if (buf[0])
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, pws_iter_str(it, PWS_COL_EMAIL), size - strlen(buf) - 1);
	}
}

/* Lists the open invites of ws as viewer: the addresses, or the code. */
static int invites_of(pws_policy *p, const char *viewer, const char *ws, char *buf, size_t size,
                      int *rule)
{
	pws_iter *it = NULL;
	int rc = pws_list_invites(&it, rule, p, viewer, ws);

	buf[0] = '\0';
	if (rc == PWS_OK)
		invite_emails(it, buf, size);
	else
		ck_assert_ptr_null(it);
	pws_iter_free(it);
	return rc;
}

/* The standard world with open invites to "pw": two partners of acme
 * (a2, a3), one of initech (i1), a team member (dev2). */
static pws_policy *invite_world(void)
{
	pws_policy *p = tw_world();

	OK(pws_invite(p, "pm", "pw", "a2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite(p, "a1", "pw", "a3@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite(p, "pm", "pw", "i1@initech.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0,
	              RES));
	OK(pws_invite(p, "pm", "pw", "dev2@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_ADMIN, 0, RES));
	return p;
}

/* --- pws_list_invites ------------------------------------------------------- */

START_TEST(IN7_list_invites_admins_and_partner_managers_see_all)
{
	pws_policy *p = invite_world();
	char buf[256];
	int rule;

	/* "pm" is the Workspace Admin; "owner" a super_admin without a
	 * membership (not a Partner Manager: refused, WS1) */
	ck_assert_int_eq(invites_of(p, "pm", "pw", buf, sizeof buf, &rule), PWS_OK);
	ck_assert_str_eq(buf, "a2@acme.com a3@acme.com dev2@pub.com i1@initech.com");
	ck_assert_int_eq(rule, PWS_RULE_IN7);
	/* a Partner Manager without a membership (WS1) sees them too */
	OK(pws_user_add(p, "pm2", "pm2@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	ck_assert_int_eq(invites_of(p, "pm2", "pw", buf, sizeof buf, &rule), PWS_OK);
	ck_assert_str_eq(buf, "a2@acme.com a3@acme.com dev2@pub.com i1@initech.com");
	pws_policy_free(p);
}
END_TEST

START_TEST(IN7_list_invites_columns)
{
	pws_policy *p = invite_world();
	pws_iter *it = NULL;
	int64_t v;

	OK(pws_list_invites(&it, NULL, p, "pm", "pw"));
	ck_assert_uint_eq(pws_iter_count(it), 4);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK); /* a2 */
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_EMAIL), "a2@acme.com");
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_INVITER), "pm");
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_KIND, &v), PWS_OK);
	ck_assert_int_eq(v, PWS_INVITE_PARTNER);
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_ROLE, &v), PWS_OK);
	ck_assert_int_eq(v, PWS_ROLE_VIEWER);
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_LEAD, &v), PWS_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK); /* a3, invited by the lead */
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_INVITER), "a1");
	ck_assert_int_eq(pws_iter_next(it), PWS_OK); /* dev2 */
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_KIND), PWS_INVITE_MEMBER);
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_ROLE), PWS_ROLE_ADMIN);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK); /* i1 */
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_ROLE), PWS_ROLE_EDITOR);
	ck_assert_int_eq(pws_iter_next(it), PWS_ITEROVER);
	/* no such column in this listing */
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_ACTIONS, &v), PWS_EINVALID);
	pws_iter_free(it);
	/* withdrawn, accepted and declined invites are not open */
	OK(pws_invite_withdraw(p, "pm", "pw", "i1@initech.com", RES));
	OK(pws_invite_accept(p, "a2", "pw", NULL, RES));
	OK(pws_invite_decline(p, "a3", "pw", RES));
	OK(pws_list_invites(&it, NULL, p, "pm", "pw"));
	ck_assert_uint_eq(pws_iter_count(it), 1);
	pws_iter_free(it);
	/* other workspaces' invites are not listed */
	OK(pws_list_invites(&it, NULL, p, "dev2", "team-ws"));
	ck_assert_uint_eq(pws_iter_count(it), 0);
	pws_iter_free(it);
	pws_policy_free(p);
}
END_TEST

START_TEST(IN3_list_invites_partner_lead_sees_own_organization_only)
{
	pws_policy *p = invite_world();
	char buf[256];
	int rule;

	/* a1 is acme's Partner Lead: acme's partner invites, whoever sent
	 * them; never initech's, never a team-member invite */
	ck_assert_int_eq(invites_of(p, "a1", "pw", buf, sizeof buf, &rule), PWS_OK);
	ck_assert_str_eq(buf, "a2@acme.com a3@acme.com");
	ck_assert_int_eq(rule, PWS_RULE_IN7);
	pws_policy_free(p);
}
END_TEST

START_TEST(VI2_list_invites_lead_never_sees_another_organization_multi)
{
	pws_policy *p = invite_world();
	char buf[256];

	OK(pws_workspace_enable_multi_partner(p, "pm", "pw", RES));
	OK(pws_invite(p, "pm", "pw", "g2@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	              RES));
	ck_assert_int_eq(invites_of(p, "a1", "pw", buf, sizeof buf, NULL), PWS_OK);
	ck_assert_str_eq(buf, "a2@acme.com a3@acme.com");
	/* a Partner Lead of globex sees globex's invite only */
	OK(pws_member_set_lead(p, "pm", "pw", "g1", 1, RES));
	ck_assert_int_eq(invites_of(p, "g1", "pw", buf, sizeof buf, NULL), PWS_OK);
	ck_assert_str_eq(buf, "g2@globex.com");
	/* the publisher side sees all */
	ck_assert_int_eq(invites_of(p, "pm", "pw", buf, sizeof buf, NULL), PWS_OK);
	ck_assert_str_eq(buf, "a2@acme.com a3@acme.com dev2@pub.com g2@globex.com i1@initech.com");
	pws_policy_free(p);
}
END_TEST

START_TEST(IN3_list_invites_legacy_lead_by_domain)
{
	pws_policy *p = tw_world();
	char buf[256];

	OK(pws_workspace_add_legacy(p, "pub", "leg", "Legacy", "pm", RES));
	OK(pws_invite(p, "pm", "leg", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 1, RES));
	OK(pws_invite_accept(p, "g1", "leg", NULL, RES));
	OK(pws_invite(p, "pm", "leg", "x@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite(p, "pm", "leg", "y@other.org", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	ck_assert_int_eq(invites_of(p, "g1", "leg", buf, sizeof buf, NULL), PWS_OK);
	ck_assert_str_eq(buf, "x@globex.com");
	pws_policy_free(p);
}
END_TEST

START_TEST(RO4_list_invites_others_refused_with_the_rule)
{
	pws_policy *p = invite_world();
	uint64_t d = tw_digest(p);
	char buf[256];
	int rule;

	/* a team Editor, a partner Viewer: members who do not manage members */
	ck_assert_int_eq(invites_of(p, "dev", "pw", buf, sizeof buf, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_RO4);
	ck_assert_int_eq(invites_of(p, "g1", "pw", buf, sizeof buf, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_RO4);
	/* not members of the partner workspace */
	ck_assert_int_eq(invites_of(p, "owner", "pw", buf, sizeof buf, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_WS1);
	ck_assert_int_eq(invites_of(p, "i1", "pw", buf, sizeof buf, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_WS1);
	/* a deleted workspace: nobody */
	OK(pws_workspace_create(p, "dev", "gone", "Gone", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_workspace_delete(p, "dev", "gone", RES));
	d = tw_digest(p);
	ck_assert_int_eq(invites_of(p, "dev", "gone", buf, sizeof buf, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_LC1);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

START_TEST(list_invites_bad_input)
{
	pws_policy *p = invite_world();
	uint64_t d = tw_digest(p);
	pws_iter *it = (pws_iter *)&d;
	int rule = 99;

	ck_assert_int_eq(pws_list_invites(NULL, &rule, p, "pm", "pw"), PWS_EINVALID);
	ck_assert_int_eq(pws_list_invites(&it, &rule, NULL, "pm", "pw"), PWS_EINVALID);
	ck_assert_ptr_null(it);
	ck_assert_int_eq(rule, 0);
	ck_assert_int_eq(pws_list_invites(&it, &rule, p, NULL, "pw"), PWS_EINVALID);
	ck_assert_int_eq(pws_list_invites(&it, &rule, p, "pm", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_list_invites(&it, &rule, p, "", "pw"), PWS_EINVALID);
	ck_assert_int_eq(pws_list_invites(&it, &rule, p, "pm", "bad\nid"), PWS_EINVALID);
	ck_assert_int_eq(pws_list_invites(&it, &rule, p, "nobody", "pw"), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_list_invites(&it, &rule, p, "pm", "nows"), PWS_ENOTFOUND);
	ck_assert_ptr_null(it);
	ck_assert_int_eq(rule, 0);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

/* --- pws_request_get ----------------------------------------------------------- */

static int request_of(pws_policy *p, const char *viewer, const char *ws, int *kind,
                      char *who, char *note, int *rule)
{
	char *rq = NULL, *nt = NULL;
	int rc = pws_request_get(p, kind, &rq, &nt, rule, viewer, ws);

	who[0] = note[0] = '\0';
	if (rc == PWS_OK) {
		ck_assert_ptr_nonnull(rq);
		ck_assert_ptr_nonnull(nt);
		strcpy(who, rq);
		strcpy(note, nt);
	} else {
		ck_assert_ptr_null(rq);
		ck_assert_ptr_null(nt);
	}
	pws_string_free(rq);
	pws_string_free(nt);
	return rc;
}

START_TEST(CR3_request_get_requester_partner_managers_super_admins)
{
	pws_policy *p = tw_world();
	char who[64], note[64];
	int kind, rule;

	/* "dev" is no Partner Manager on an enterprise team: a request (CR1) */
	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, "for acme", RES));
	ck_assert_int_eq(request_of(p, "dev", "req", &kind, who, note, &rule), PWS_OK);
	ck_assert_int_eq(kind, PWS_REQUEST_CREATE);
	ck_assert_str_eq(who, "dev");
	ck_assert_str_eq(note, "for acme");
	ck_assert_int_eq(rule, PWS_RULE_CR3);
	ck_assert_int_eq(request_of(p, "pm", "req", &kind, who, note, &rule), PWS_OK);
	ck_assert_str_eq(who, "dev");
	ck_assert_int_eq(request_of(p, "owner", "req", &kind, who, note, &rule), PWS_OK);
	/* a team admin who is no Partner Manager, a team member, a partner */
	ck_assert_int_eq(request_of(p, "admin", "req", &kind, who, note, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_CR3);
	ck_assert_int_eq(kind, 0);
	ck_assert_int_eq(request_of(p, "dev2", "req", &kind, who, note, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_CR3);
	ck_assert_int_eq(request_of(p, "a1", "req", &kind, who, note, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_CR3);
	/* reviewed: no pending request any more; only reviewers are told */
	OK(pws_request_review(p, "pm", "req", 1, RES));
	ck_assert_int_eq(request_of(p, "pm", "req", &kind, who, note, &rule), PWS_ENOTFOUND);
	ck_assert_int_eq(request_of(p, "owner", "req", &kind, who, note, &rule), PWS_ENOTFOUND);
	ck_assert_int_eq(request_of(p, "dev", "req", &kind, who, note, &rule), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_CR3);
	pws_policy_free(p);
}
END_TEST

START_TEST(CR3_request_get_conversion_and_no_note)
{
	pws_policy *p = tw_world();
	char who[64], note[64];
	int kind;

	/* dev2 is the Admin of team-ws, no Partner Manager: a request (CR2) */
	OK(pws_workspace_convert(p, "dev2", "team-ws", NULL, RES));
	ck_assert_int_eq(request_of(p, "dev2", "team-ws", &kind, who, note, NULL), PWS_OK);
	ck_assert_int_eq(kind, PWS_REQUEST_CONVERT);
	ck_assert_str_eq(who, "dev2");
	ck_assert_str_eq(note, "");
	/* outputs may be NULL */
	OK(pws_request_get(p, NULL, NULL, NULL, NULL, "pm", "team-ws"));
	/* a workspace with no pending request: reviewers are told, others
	 * refused as when one is pending (they learn nothing) */
	ck_assert_int_eq(request_of(p, "pm", "pw", &kind, who, note, NULL), PWS_ENOTFOUND);
	ck_assert_int_eq(request_of(p, "a1", "pw", &kind, who, note, NULL), PWS_EDENIED);
	ck_assert_int_eq(request_of(p, "dev", "team-ws", &kind, who, note, NULL), PWS_EDENIED);
	pws_policy_free(p);
}
END_TEST

START_TEST(request_get_bad_input)
{
	pws_policy *p = tw_world();
	uint64_t d;
	char *rq = (char *)"x", *nt = (char *)"y";
	int kind = 7, rule = 7;

	OK(pws_workspace_create(p, "dev", "req", "Requested", PWS_VIS_PARTNER, "n", RES));
	d = tw_digest(p);
	ck_assert_int_eq(pws_request_get(NULL, &kind, &rq, &nt, &rule, "dev", "req"), PWS_EINVALID);
	ck_assert_ptr_null(rq);
	ck_assert_ptr_null(nt);
	ck_assert_int_eq(kind, 0);
	ck_assert_int_eq(rule, 0);
	ck_assert_int_eq(pws_request_get(p, &kind, &rq, &nt, &rule, NULL, "req"), PWS_EINVALID);
	ck_assert_int_eq(pws_request_get(p, &kind, &rq, &nt, &rule, "dev", ""), PWS_EINVALID);
	ck_assert_int_eq(pws_request_get(p, &kind, &rq, &nt, &rule, "nobody", "req"),
	                 PWS_ENOTFOUND);
	ck_assert_int_eq(pws_request_get(p, &kind, &rq, &nt, &rule, "dev", "nows"), PWS_ENOTFOUND);
	ck_assert_int_eq(pws_request_get(p, &kind, &rq, &nt, &rule, "dev", "pw"), PWS_EDENIED);
	ck_assert_int_eq(rule, PWS_RULE_CR3);
	ck_assert_ptr_null(rq);
	ck_assert_ptr_null(nt);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_string_free(NULL);
	pws_policy_free(p);
}
END_TEST

/* --- integration (INT1) ---------------------------------------------------------- */

static int integ(pws_policy *p, const char *ws)
{
	int on = -1;

	OK(pws_integration_get(p, &on, ws));
	return on;
}

START_TEST(INT1_integration_disable_by_workspace_admin)
{
	pws_policy *p = tw_world();
	uint64_t d;

	ck_assert_int_eq(integ(p, "team-ws"), 0);
	OK(pws_integration_enable(p, "dev2", "team-ws", RES));
	ck_assert_int_eq(integ(p, "team-ws"), 1);
	d = tw_digest(p);
	/* not its Admin: a team member, a super_admin without a membership */
	DENY(pws_integration_disable(p, "dev", "team-ws", RES), PWS_RULE_INT1);
	DENY(pws_integration_disable(p, "owner", "team-ws", RES), PWS_RULE_INT1);
	OK(pws_invite(p, "dev2", "team-ws", "dev@pub.com", PWS_INVITE_MEMBER, PWS_ROLE_EDITOR, 0,
	              RES));
	OK(pws_invite_accept(p, "dev", "team-ws", NULL, RES));
	d = tw_digest(p);
	DENY(pws_integration_disable(p, "dev", "team-ws", RES), PWS_RULE_INT1);
	ck_assert_uint_eq(tw_digest(p), d);
	ck_assert_int_eq(integ(p, "team-ws"), 1);
	OK(pws_integration_disable(p, "dev2", "team-ws", RES));
	ck_assert_int_eq(tw_res.rule, PWS_RULE_INT1);
	ck_assert_int_eq(integ(p, "team-ws"), 0);
	/* off already: a no-op */
	OK(pws_integration_disable(p, "dev2", "team-ws", RES));
	ck_assert_int_eq(integ(p, "team-ws"), 0);
	pws_policy_free(p);
}
END_TEST

START_TEST(INT1_integration_disable_partner_workspace_is_a_no_op_for_admins)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);

	ck_assert_int_eq(integ(p, "pw"), 0);
	OK(pws_integration_disable(p, "pm", "pw", RES));
	ck_assert_int_eq(integ(p, "pw"), 0);
	ck_assert_uint_eq(tw_digest(p), d);
	DENY(pws_integration_disable(p, "dev", "pw", RES), PWS_RULE_INT1);
	DENY(pws_integration_disable(p, "a1", "pw", RES), PWS_RULE_INT1);
	/* a deleted workspace: LC1 */
	OK(pws_workspace_create(p, "dev", "gone", "Gone", PWS_VIS_PRIVATE, NULL, RES));
	OK(pws_workspace_delete(p, "dev", "gone", RES));
	DENY(pws_integration_disable(p, "dev", "gone", RES), PWS_RULE_LC1);
	pws_policy_free(p);
}
END_TEST

START_TEST(integration_bad_input)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	int on = 5;

	ck_assert_int_eq(pws_integration_get(NULL, &on, "pw"), PWS_EINVALID);
	ck_assert_int_eq(on, 0);
	ck_assert_int_eq(pws_integration_get(p, NULL, "pw"), PWS_EINVALID);
	ck_assert_int_eq(pws_integration_get(p, &on, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_integration_get(p, &on, ""), PWS_EINVALID);
	ck_assert_int_eq(pws_integration_get(p, &on, "nows"), PWS_ENOTFOUND);
	FAILS(pws_integration_disable(NULL, "pm", "pw", RES), PWS_EINVALID);
	FAILS(pws_integration_disable(p, NULL, "pw", RES), PWS_EINVALID);
	FAILS(pws_integration_disable(p, "pm", "", RES), PWS_EINVALID);
	FAILS(pws_integration_disable(p, "nobody", "pw", RES), PWS_ENOTFOUND);
	FAILS(pws_integration_disable(p, "pm", "nows", RES), PWS_ENOTFOUND);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

/* --- multi-workspace migration (TT2, TT3) ------------------------------------------ */

/* Three legacy partner workspaces of "pub": l1 (partners a1, g1; Admin
 * "pm"), l2 (partner a1; Admin "dev2"), l3 (no partner; Admin "pm"). */
static pws_policy *legacy_world(void)
{
	pws_policy *p = ev_world();

	OK(pws_workspace_add_legacy(p, "pub", "l1", "L1", "pm", RES));
	OK(pws_workspace_add_legacy(p, "pub", "l2", "L2", "dev2", RES));
	OK(pws_workspace_add_legacy(p, "pub", "l3", "L3", "pm", RES));
	OK(pws_invite(p, "pm", "l1", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "a1", "l1", NULL, RES));
	OK(pws_invite(p, "pm", "l1", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "g1", "l1", NULL, RES));
	OK(pws_invite(p, "dev2", "l2", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a1", "l2", NULL, RES));
	ev_count = 0;
	return p;
}

static size_t count_kind(int kind)
{
	size_t i, n = 0;

	for (i = 0; i < ev_count; i++)
		n += ev_log[i].kind == kind;
	return n;
}

static int model_of(pws_policy *p, const char *ws)
{
	int model = 0;

	OK(pws_workspace_get(p, NULL, NULL, &model, NULL, ws));
	return model;
}

/* Collects the workspaces of the MIGRATED events (the recorder keeps
 * recipients only). */
static char migrated_ws[8][64];
static size_t n_migrated, n_migrated_ws;

static void migrated_cb(const pws_event *e, void *payload)
{
	size_t i;

	on_event(e, payload);
	if (pws_event_kind_of(e) != PWS_EV_MIGRATED)
		return;
	n_migrated++;
	for (i = 0; i < pws_event_workspace_count(e) && n_migrated_ws < 8; i++)
		strcpy(migrated_ws[n_migrated_ws++], pws_event_workspace(e, i));
}

START_TEST(TT3_migrate_many_one_notice_per_team)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	static const char *const ids[] = { "l1", "l2", "l3" };
	const ev_rec *r;

	/* the legacy world on a handle that also keeps the workspaces */
	o.on_event = migrated_cb;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "admin", "admin@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, 1, RES));
	OK(pws_user_add(p, "dev2", "dev2@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 1, RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "globex", "Globex", PWS_PLAN_FREE, 0, RES));
	OK(pws_user_add(p, "g1", "g1@globex.com", "globex", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_workspace_add_legacy(p, "pub", "l1", "L1", "pm", RES));
	OK(pws_workspace_add_legacy(p, "pub", "l2", "L2", "dev2", RES));
	OK(pws_workspace_add_legacy(p, "pub", "l3", "L3", "pm", RES));
	OK(pws_invite(p, "pm", "l1", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "a1", "l1", NULL, RES));
	OK(pws_invite(p, "pm", "l1", "g1@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "g1", "l1", NULL, RES));
	OK(pws_invite(p, "dev2", "l2", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a1", "l2", NULL, RES));
	ev_count = 0;
	n_migrated = n_migrated_ws = 0;

	OK(pws_workspace_migrate_many(p, "pm", ids, 3, RES));
	ck_assert_int_eq(tw_res.rule, PWS_RULE_TT2);
	/* one MIGRATED for the team, covering all three workspaces, for the
	 * Partner Manager, the team's admins and every workspace's Admins */
	ck_assert_uint_eq(count_kind(PWS_EV_MIGRATED), 1);
	ck_assert_uint_eq(n_migrated, 1);
	ck_assert_uint_eq(n_migrated_ws, 3);
	ck_assert_str_eq(migrated_ws[0], "l1");
	ck_assert_str_eq(migrated_ws[1], "l2");
	ck_assert_str_eq(migrated_ws[2], "l3");
	r = ev_find(PWS_EV_MIGRATED);
	ck_assert_int_eq(r->rule, PWS_RULE_TT3);
	ck_assert(ev_has_rcpt(r, "pm"));
	ck_assert(ev_has_rcpt(r, "owner"));
	ck_assert(ev_has_rcpt(r, "admin"));
	ck_assert(ev_has_rcpt(r, "dev2")); /* Admin of l2 */
	ck_assert(!ev_has_rcpt(r, "a1"));
	ck_assert(!ev_has_rcpt(r, "g1"));
	/* one PARTNER_UPGRADED per workspace per partner: a1 twice, g1 once */
	ck_assert_uint_eq(count_kind(PWS_EV_PARTNER_UPGRADED), 3);
	/* all migrated, partners mapped to their home teams, roles kept */
	ck_assert_int_eq(model_of(p, "l1"), PWS_MODEL_TEAM_TO_TEAM);
	ck_assert_int_eq(model_of(p, "l2"), PWS_MODEL_TEAM_TO_TEAM);
	ck_assert_int_eq(model_of(p, "l3"), PWS_MODEL_TEAM_TO_TEAM);
	expect_member(p, "l1", "a1", PWS_ROLE_EDITOR, 0, 1);
	expect_member(p, "l1", "g1", PWS_ROLE_VIEWER, 0, 1);
	expect_member(p, "l2", "a1", PWS_ROLE_VIEWER, 0, 1);
	pws_policy_free(p);
}
END_TEST

START_TEST(TT3_migrate_many_equals_migrating_one_by_one)
{
	pws_policy *p = legacy_world(), *q = legacy_world();
	static const char *const ids[] = { "l2", "l1", "l3" };

	OK(pws_workspace_migrate_many(p, "pm", ids, 3, RES));
	OK(pws_workspace_migrate(q, "pm", "l2", RES));
	OK(pws_workspace_migrate(q, "pm", "l1", RES));
	OK(pws_workspace_migrate(q, "pm", "l3", RES));
	ck_assert_uint_eq(tw_digest(p), tw_digest(q));
	pws_policy_free(p);
	pws_policy_free(q);
}
END_TEST

START_TEST(TT2_migrate_many_all_or_nothing)
{
	pws_policy *p = legacy_world();
	static const char *const with_pw[] = { "l1", "pw", "l2" };
	static const char *const ok_ids[] = { "l1", "l2" };
	static const char *const unknown[] = { "l1", "nows" };
	uint64_t d = tw_digest(p);

	/* "pw" is not a legacy workspace: nothing migrates */
	FAILS(pws_workspace_migrate_many(p, "pm", with_pw, 3, RES), PWS_ESTATE);
	ck_assert_uint_eq(tw_digest(p), d);
	ck_assert_uint_eq(ev_count, 0);
	ck_assert_int_eq(model_of(p, "l1"), PWS_MODEL_LEGACY);
	/* not a Partner Manager or super_admin: TT2 */
	DENY(pws_workspace_migrate_many(p, "dev", ok_ids, 2, RES), PWS_RULE_TT2);
	DENY(pws_workspace_migrate_many(p, "a1", ok_ids, 2, RES), PWS_RULE_TT2);
	FAILS(pws_workspace_migrate_many(p, "pm", unknown, 2, RES), PWS_ENOTFOUND);
	/* one already migrated: the rest is refused with it */
	OK(pws_workspace_migrate(p, "pm", "l2", RES));
	d = tw_digest(p);
	ev_count = 0;
	FAILS(pws_workspace_migrate_many(p, "pm", ok_ids, 2, RES), PWS_ESTATE);
	ck_assert_uint_eq(tw_digest(p), d);
	ck_assert_uint_eq(ev_count, 0);
	ck_assert_int_eq(model_of(p, "l1"), PWS_MODEL_LEGACY);
	/* the host (NULL actor) may */
	OK(pws_workspace_migrate_many(p, NULL, ok_ids, 1, RES));
	ck_assert_int_eq(model_of(p, "l1"), PWS_MODEL_TEAM_TO_TEAM);
	pws_policy_free(p);
}
END_TEST

START_TEST(migrate_many_bad_input)
{
	pws_policy *p = legacy_world();
	static const char *const dup[] = { "l1", "l2", "l1" };
	static const char *const with_null[] = { "l1", NULL };
	static const char *const with_empty[] = { "l1", "" };
	static const char *const with_ctl[] = { "l1", "l\n2" };
	static const char *const ok_ids[] = { "l1" };
	uint64_t d = tw_digest(p);

	FAILS(pws_workspace_migrate_many(NULL, "pm", ok_ids, 1, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "pm", NULL, 1, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "pm", ok_ids, 0, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "pm", dup, 3, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "pm", with_null, 2, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "pm", with_empty, 2, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "pm", with_ctl, 2, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "", ok_ids, 1, RES), PWS_EINVALID);
	FAILS(pws_workspace_migrate_many(p, "nobody", ok_ids, 1, RES), PWS_ENOTFOUND);
	ck_assert_uint_eq(tw_digest(p), d);
	ck_assert_uint_eq(ev_count, 0);
	pws_policy_free(p);
}
END_TEST

/* Every allocation of a migration made to fail in turn: the call fails
 * whole, nothing changed, no event. */
START_TEST(migrate_many_out_of_memory)
{
	static const char *const ids[] = { "l1", "l2", "l3" };
	size_t n;
	int done = 0;

	for (n = 1; !done && n < 500; n++) {
		pws_policy *p = legacy_world();
		uint64_t d = tw_digest(p);
		int rc;

		tc_alloc_fail_at(n, 0);
		rc = pws_workspace_migrate_many(p, "pm", ids, 3, RES);
		tc_alloc_fail_at(0, 0);
		if (rc == PWS_OK) {
			done = 1;
		} else {
			ck_assert_int_eq(rc, PWS_ENOMEM);
			ck_assert_uint_eq(tw_digest(p), d);
			ck_assert_uint_eq(ev_count, 0);
		}
		pws_policy_free(p);
	}
	ck_assert_msg(done, "never succeeded");
}
END_TEST

/* --- directory listings ------------------------------------------------------------ */

START_TEST(list_teams_rows)
{
	pws_policy *p = tw_world();
	pws_iter *it = NULL;
	uint64_t d = tw_digest(p);
	int64_t v;

	OK(pws_list_teams(&it, p));
	ck_assert_uint_eq(pws_iter_count(it), 4);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "acme");
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_NAME), "Acme");
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_PLAN, &v), PWS_OK);
	ck_assert_int_eq(v, PWS_PLAN_PROFESSIONAL);
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_SSO, &v), PWS_OK);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_SEATS, &v), PWS_OK);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "globex");
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_SSO), 0);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "initech");
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "pub");
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_PLAN), PWS_PLAN_ENTERPRISE);
	ck_assert_int_eq(pws_iter_next(it), PWS_ITEROVER);
	pws_iter_free(it);
	/* a removed team is not listed */
	OK(pws_team_add(p, "tmp", "Tmp", PWS_PLAN_FREE, 0, RES));
	OK(pws_team_remove(p, "tmp", RES));
	d = tw_digest(p);
	OK(pws_list_teams(&it, p));
	ck_assert_uint_eq(pws_iter_count(it), 4);
	pws_iter_free(it);
	ck_assert_int_eq(pws_list_teams(NULL, p), PWS_EINVALID);
	ck_assert_int_eq(pws_list_teams(&it, NULL), PWS_EINVALID);
	ck_assert_ptr_null(it);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

START_TEST(list_users_rows_and_team_filter)
{
	pws_policy *p = tw_world();
	pws_iter *it = NULL;
	uint64_t d = tw_digest(p);
	int64_t v;

	OK(pws_list_users(&it, p, NULL));
	ck_assert_uint_eq(pws_iter_count(it), 12);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "a1");
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_EMAIL), "a1@acme.com");
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_TEAM), "acme");
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_TEAM_ROLE, &v), PWS_OK);
	ck_assert_int_eq(v, PWS_TEAM_MEMBER);
	ck_assert_int_eq(pws_iter_int2(it, PWS_COL_PARTNER_MANAGER, &v), PWS_OK);
	ck_assert_int_eq(v, 0);
	while (pws_iter_next(it) == PWS_OK)
		if (strcmp(pws_iter_str(it, PWS_COL_ID), "solo") == 0) {
			ck_assert_str_eq(pws_iter_str(it, PWS_COL_TEAM), "");
			ck_assert_int_eq(pws_iter_int(it, PWS_COL_TEAM_ROLE), 0);
		}
	pws_iter_free(it);

	OK(pws_list_users(&it, p, "pub"));
	ck_assert_uint_eq(pws_iter_count(it), 5);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "admin");
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_TEAM_ROLE), PWS_TEAM_ADMIN);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "dev");
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "dev2");
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "owner");
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_TEAM_ROLE), PWS_TEAM_SUPER_ADMIN);
	ck_assert_int_eq(pws_iter_next(it), PWS_OK);
	ck_assert_str_eq(pws_iter_str(it, PWS_COL_ID), "pm");
	ck_assert_int_eq(pws_iter_int(it, PWS_COL_PARTNER_MANAGER), 1);
	pws_iter_free(it);

	OK(pws_list_users(&it, p, "acme"));
	ck_assert_uint_eq(pws_iter_count(it), 3);
	pws_iter_free(it);

	ck_assert_int_eq(pws_list_users(NULL, p, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_list_users(&it, NULL, NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_list_users(&it, p, ""), PWS_EINVALID);
	ck_assert_int_eq(pws_list_users(&it, p, "no\tteam"), PWS_EINVALID);
	ck_assert_int_eq(pws_list_users(&it, p, "noteam"), PWS_ENOTFOUND);
	ck_assert_ptr_null(it);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

/* --- what each recipient is ------------------------------------------------------ */

static unsigned kinds_seen[32];
static int kind_wrong;

static void kinds_cb(const pws_event *e, void *payload)
{
	int k = pws_event_kind_of(e);
	size_t i, n = pws_event_recipient_count(e);

	(void)payload;
	if (k > 0 && k < 32)
		kinds_seen[k]++;
	for (i = 0; i < n; i++)
		if (pws_event_recipient_kind(e, i) != ev_recipient_kind_of(k))
			kind_wrong = k;
	if (pws_event_recipient_kind(e, n) != 0 || pws_event_recipient_kind(e, (size_t)-1) != 0)
		kind_wrong = 100 + k;
}

START_TEST(EV_recipient_kind_of_every_event_kind)
{
	pws_policy *p = NULL;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	int k;

	memset(kinds_seen, 0, sizeof kinds_seen);
	kind_wrong = 0;
	o.on_event = kinds_cb;
	ck_assert_int_eq(pws_policy_new(&p, &o), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	OK(pws_user_add(p, "admin", "admin@pub.com", "pub", PWS_TEAM_ADMIN, 0, RES));
	OK(pws_user_add(p, "dev", "dev@pub.com", "pub", PWS_TEAM_MEMBER, 0, RES));
	OK(pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, RES));
	OK(pws_user_add(p, "a1", "a1@acme.com", "acme", PWS_TEAM_MEMBER, 0, RES));
	/* CR8: the first partner workspace makes the admin a Partner Manager */
	OK(pws_workspace_create(p, "admin", "pw", "P", PWS_VIS_PARTNER, NULL, RES));
	/* CR1: a request, then its review */
	OK(pws_workspace_create(p, "dev", "req", "R", PWS_VIS_PARTNER, "n", RES));
	OK(pws_request_review(p, "admin", "req", 1, RES));
	/* an invite to an address that is no user yet, then to a user */
	OK(pws_invite(p, "admin", "pw", "new@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0,
	              RES));
	OK(pws_invite_withdraw(p, "admin", "pw", "new@acme.com", RES));
	OK(pws_invite(p, "admin", "pw", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_EDITOR, 0, RES));
	OK(pws_invite_accept(p, "a1", "pw", NULL, RES));
	OK(pws_update_post(p, "admin", "pw", "u1", "hello", NOW, RES));
	OK(pws_workspace_enable_multi_partner(p, "admin", "pw", RES)); /* and RO2 */
	/* INT1 (rev12): converting turns the integration off */
	OK(pws_workspace_create(p, "owner", "tw", "T", PWS_VIS_TEAM, NULL, RES));
	OK(pws_integration_enable(p, "owner", "tw", RES));
	OK(pws_workspace_convert(p, "owner", "tw", NULL, RES));
	OK(pws_workspace_set_visibility(p, "owner", "tw", PWS_VIS_PRIVATE, RES));
	OK(pws_workspace_delete(p, "owner", "tw", RES));
	/* TT3 */
	OK(pws_workspace_add_legacy(p, "pub", "leg", "L", "admin", RES));
	OK(pws_invite(p, "admin", "leg", "a1@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, RES));
	OK(pws_invite_accept(p, "a1", "leg", NULL, RES));
	OK(pws_workspace_migrate(p, "admin", "leg", RES));
	/* RM2 */
	OK(pws_partner_end(p, "admin", "pub", "a1", RES));
	pws_policy_free(p);

	for (k = PWS_EV_REQUEST_CREATED; k <= PWS_EV_INTEGRATION_DISABLED; k++)
		ck_assert_msg(kinds_seen[k] > 0, "no event of kind %s", pws_event_kind_name(k));
	ck_assert_msg(kind_wrong == 0, "wrong recipient kind in an event of kind %d", kind_wrong);
	ck_assert_int_eq(pws_event_recipient_kind(NULL, 0), 0);
}
END_TEST

/* --- getters that say the size they need --------------------------------------------- */

START_TEST(user_get_team_reports_the_size_it_needs)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	char buf[16];
	size_t need = 99;

	/* ask for the size, then read */
	ck_assert_int_eq(pws_user_get_team(p, NULL, 0, "a1", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 5); /* "acme" + NUL */
	ck_assert_int_eq(pws_user_get_team(p, buf, 4, "a1", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 5);
	ck_assert_int_eq(pws_user_get_team(p, buf, 5, "a1", &need), PWS_OK);
	ck_assert_str_eq(buf, "acme");
	ck_assert_uint_eq(need, 5);
	ck_assert_int_eq(pws_user_get_team(p, buf, sizeof buf, "solo", &need), PWS_OK);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(need, 1);
	/* errors other than a small buffer say 0 */
	ck_assert_int_eq(pws_user_get_team(p, buf, sizeof buf, "nobody", &need), PWS_ENOTFOUND);
	ck_assert_uint_eq(need, 0);
	need = 9;
	ck_assert_int_eq(pws_user_get_team(p, buf, sizeof buf, "", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 0);
	ck_assert_int_eq(pws_user_get_team(p, buf, sizeof buf, NULL, &need), PWS_EINVALID);
	ck_assert_int_eq(pws_user_get_team(NULL, buf, sizeof buf, "a1", &need), PWS_EINVALID);
	ck_assert_int_eq(pws_user_get_team(p, buf, sizeof buf, "a1", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_user_get_team(p, NULL, 8, "a1", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 0);
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

START_TEST(element_get_workspace_reports_the_size_it_needs)
{
	pws_policy *p = tw_world();
	uint64_t d = tw_digest(p);
	char buf[8];
	size_t need = 99;

	ck_assert_int_eq(pws_element_get_workspace(p, NULL, 0, "col", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 3); /* "pw" + NUL */
	ck_assert_int_eq(pws_element_get_workspace(p, buf, 2, "col", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 3);
	ck_assert_int_eq(pws_element_get_workspace(p, buf, 3, "col", &need), PWS_OK);
	ck_assert_str_eq(buf, "pw");
	ck_assert_int_eq(pws_element_get_workspace(p, buf, sizeof buf, "nope", &need),
	                 PWS_ENOTFOUND);
	ck_assert_uint_eq(need, 0);
	ck_assert_int_eq(pws_element_get_workspace(p, buf, sizeof buf, "", &need), PWS_EINVALID);
	ck_assert_int_eq(pws_element_get_workspace(p, buf, sizeof buf, NULL, &need), PWS_EINVALID);
	ck_assert_int_eq(pws_element_get_workspace(NULL, buf, sizeof buf, "col", &need),
	                 PWS_EINVALID);
	ck_assert_int_eq(pws_element_get_workspace(p, buf, sizeof buf, "col", NULL), PWS_EINVALID);
	ck_assert_int_eq(pws_element_get_workspace(p, NULL, 4, "col", &need), PWS_EINVALID);
	ck_assert_uint_eq(need, 0);
	ck_assert_uint_eq(tw_digest(p), d);
	/* a trashed element still has its workspace */
	OK(pws_element_delete(p, "dev", "col", NOW, RES));
	ck_assert_int_eq(pws_element_get_workspace(p, buf, sizeof buf, "col", &need), PWS_OK);
	ck_assert_str_eq(buf, "pw");
	ck_assert_uint_ne(tw_digest(p), d);
	pws_policy_free(p);
}
END_TEST

/* --- releasing a snapshot without the handle ----------------------------------------- */

START_TEST(snapshot_release_after_the_handle_is_gone)
{
	pws_policy *p = NULL, *q = NULL;
	char *json = NULL, *json2 = NULL;
	size_t len = 0;
	uint64_t d;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	OK(pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, RES));
	OK(pws_user_add(p, "owner", "owner@pub.com", "pub", PWS_TEAM_SUPER_ADMIN, 0, RES));
	d = tw_digest(p);
	OK(pws_snapshot_export(p, &json, &len));
	ck_assert_uint_eq(strlen(json), len);
	OK(pws_snapshot_export(p, &json2, NULL));
	ck_assert_str_eq(json, json2);
	pws_snapshot_free(p, json2); /* the old way still works */
	ck_assert_uint_eq(tw_digest(p), d);
	pws_policy_free(p);
	/* the text is still readable and imports */
	ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
	OK(pws_snapshot_import(q, json, len, RES));
	ck_assert_uint_eq(tw_digest(q), d);
	pws_policy_free(q);
	pws_snapshot_release(json);
	pws_snapshot_release(NULL);
	/* everything the allocator gave was given back */
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

Suite *pws_calls_suite(void)
{
	Suite *s = suite_create("calls");
	TCase *tc = tcase_create("invites");

	tcase_add_test(tc, IN7_list_invites_admins_and_partner_managers_see_all);
	tcase_add_test(tc, IN7_list_invites_columns);
	tcase_add_test(tc, IN3_list_invites_partner_lead_sees_own_organization_only);
	tcase_add_test(tc, VI2_list_invites_lead_never_sees_another_organization_multi);
	tcase_add_test(tc, IN3_list_invites_legacy_lead_by_domain);
	tcase_add_test(tc, RO4_list_invites_others_refused_with_the_rule);
	tcase_add_test(tc, list_invites_bad_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("request");
	tcase_add_test(tc, CR3_request_get_requester_partner_managers_super_admins);
	tcase_add_test(tc, CR3_request_get_conversion_and_no_note);
	tcase_add_test(tc, request_get_bad_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("integration");
	tcase_add_test(tc, INT1_integration_disable_by_workspace_admin);
	tcase_add_test(tc, INT1_integration_disable_partner_workspace_is_a_no_op_for_admins);
	tcase_add_test(tc, integration_bad_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("migrate_many");
	tcase_add_test(tc, TT3_migrate_many_one_notice_per_team);
	tcase_add_test(tc, TT3_migrate_many_equals_migrating_one_by_one);
	tcase_add_test(tc, TT2_migrate_many_all_or_nothing);
	tcase_add_test(tc, migrate_many_bad_input);
	tcase_add_test(tc, migrate_many_out_of_memory);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("directory");
	tcase_add_test(tc, list_teams_rows);
	tcase_add_test(tc, list_users_rows_and_team_filter);
	suite_add_tcase(s, tc);
	tc = tcase_create("events");
	tcase_add_test(tc, EV_recipient_kind_of_every_event_kind);
	suite_add_tcase(s, tc);
	tc = tcase_create("getters");
	tcase_add_test(tc, user_get_team_reports_the_size_it_needs);
	tcase_add_test(tc, element_get_workspace_reports_the_size_it_needs);
	tcase_add_test(tc, snapshot_release_after_the_handle_is_gone);
	suite_add_tcase(s, tc);
	return s;
}
