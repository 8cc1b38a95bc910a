/*
 * Helpers for building policy worlds in tests and asserting outcomes.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_TEST_WORLD_H
#define PWS_TEST_WORLD_H

#include "test-common.h"

/* Asserts that a mutating call taking a trailing pws_result* succeeds.
 * Usage: OK(pws_team_add(p, "t", "T", PWS_PLAN_ENTERPRISE, 0, RES)); */
#define RES (tw_res_reset())
#define OK(call) do { int rc_ = (call); \
	ck_assert_msg(rc_ == PWS_OK, "%s -> %d (%s) rule %s: %s", #call, rc_, \
	              pws_strerror(rc_), pws_rule_id(tw_res.rule), tw_res.message); } while (0)
/* Asserts a denial by the given rule (a PWS_RULE_* value). */
#define DENY(call, r) do { int rc_ = (call); \
	ck_assert_msg(rc_ == PWS_EDENIED && tw_res.rule == (r), \
	              "%s -> %d (%s) rule %s, expected denial by %s: %s", #call, rc_, \
	              pws_strerror(rc_), pws_rule_id(tw_res.rule), pws_rule_id(r), \
	              tw_res.message); } while (0)
/* Asserts a given status code. */
#define FAILS(call, code) do { int rc_ = (call); \
	ck_assert_msg(rc_ == (code), "%s -> %d (%s), expected %d: %s", #call, rc_, \
	              pws_strerror(rc_), (code), tw_res.message); } while (0)

extern pws_result tw_res;
pws_result *tw_res_reset(void);

/* Decides a check; returns 1/0 and stores the rule in *rule (may be NULL).
 * Fails the test if the check itself errors. */
int tw_can(pws_policy *p, const char *actor, int action, const char *ws,
           const char *el, int *rule);
/* Asserts a check result and its rule. */
#define CAN(p, actor, action, ws, el, r) do { int rr_; \
	ck_assert_msg(tw_can(p, actor, action, ws, el, &rr_) == 1 && rr_ == (r), \
	              "%s may not %s on %s/%s (rule %s, expected allow by %s)", actor, \
	              pws_action_name(action), ws ? ws : "-", el ? el : "-", \
	              pws_rule_id(rr_), pws_rule_id(r)); } while (0)
#define CANNOT(p, actor, action, ws, el, r) do { int rr_; \
	ck_assert_msg(tw_can(p, actor, action, ws, el, &rr_) == 0 && rr_ == (r), \
	              "%s may %s on %s/%s or wrong rule (rule %s, expected deny by %s)", \
	              actor, pws_action_name(action), ws ? ws : "-", el ? el : "-", \
	              pws_rule_id(rr_), pws_rule_id(r)); } while (0)

/* A digest of the whole state, for "nothing changed" assertions. */
uint64_t tw_digest(pws_policy *p);

/*
 * The standard world most rule tests start from (all ids are literal):
 *   team "pub"  (enterprise, domain pub.com): users
 *       "owner"  owner@pub.com   super_admin
 *       "admin"  admin@pub.com   admin
 *       "pm"     pm@pub.com      member + Partner Manager
 *       "dev"    dev@pub.com     member
 *       "dev2"   dev2@pub.com    member
 *   team "acme" (professional, domain acme.com, sso): "a1" a1@acme.com,
 *       "a2" a2@acme.com, "a3" a3@acme.com (members)
 *   team "globex" (free, domain globex.com): "g1" g1@globex.com,
 *       "g2" g2@globex.com
 *   team "initech" (professional, domain initech.com): "i1" i1@initech.com
 *   user "solo" solo@gmail.com with no team
 *   workspace "pw": partner, team-to-team, single mode, created by "pm"
 *       (so "pm" is its Admin); members: "dev" editor, "a1" partner editor
 *       + Partner Lead (acme), "g1" partner viewer (globex)
 *   element "col" (collection, 1000 bytes) in "pw", added by "dev"
 *   workspace "team-ws": team visibility, created by "dev2" (its Admin)
 */
pws_policy *tw_world(void);
/* The same world on a handle made with options o (e.g. with a listener). */
pws_policy *tw_world_with(const pws_policy_options *o);

/* The exported snapshot of a handle as a NUL-terminated copy the caller
 * frees with free() (to compare two states in full). */
char *tw_snapshot_text(pws_policy *p);

/* Assertions on state: a member with role/lead/partner flags, no member,
 * an open invite with kind/role/lead, no open invite. */
void expect_member(pws_policy *p, const char *ws, const char *user, int role, int lead,
                   int partner);
void expect_not_member(pws_policy *p, const char *ws, const char *user);
/* A suspended membership (WS4): it does not count (pws_member_get says
 * PWS_ESTATE), and pws_member_status reads it as suspended, external. */
void expect_suspended(pws_policy *p, const char *ws, const char *user, int role, int lead);
void expect_invite(pws_policy *p, const char *ws, const char *email, int kind, int role,
                   int lead);
void expect_no_invite(pws_policy *p, const char *ws, const char *email);

#endif
