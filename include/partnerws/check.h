/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/check.h
 * @brief Decisions: may this actor do this action on this target?
 * @defgroup check Decisions
 *
 * A check answers allow or deny together with the rule that decided. It
 * takes the handle's lock shared, allocates nothing, and runs concurrently
 * with other checks from any number of threads.
 * @{
 */
#ifndef PARTNERWS_CHECK_H
#define PARTNERWS_CHECK_H

#include "common.h"
#include "policy.h"
#include "rules.h"

PWS_BEGIN_DECL

/** Actions a check can be asked about. Values are ABI (bit positions of
 *  pws_allowed_actions()). */
typedef enum pws_action {
	PWS_ACT_VIEW = 1,              /**< View content (AC1). */
	PWS_ACT_SEND_REQUEST = 2,      /**< Send API requests (AC1). */
	PWS_ACT_RUN = 3,               /**< Run collections (AC1). */
	PWS_ACT_GENERATE_CODE = 4,     /**< Generate code snippets (AC1). */
	PWS_ACT_EXPORT = 5,            /**< Export (AC1). */
	PWS_ACT_EDIT = 6,              /**< Edit elements (ED1). */
	PWS_ACT_IMPORT = 7,            /**< Import into the workspace (ED1). */
	PWS_ACT_MOVE = 8,              /**< Move an element out (MV1). */
	PWS_ACT_DELETE_ELEMENT = 9,    /**< Remove or delete an element (RM1). */
	PWS_ACT_FORK = 10,             /**< Fork an element out (FK1). */
	PWS_ACT_COMMENT = 11,          /**< Comment on elements (CM1). */
	PWS_ACT_POST_UPDATE = 12,      /**< Post a workspace update (UP1). */
	PWS_ACT_REPLY = 13,            /**< Reply to an update (UP2). */
	PWS_ACT_EDIT_DETAILS = 14,     /**< Edit name, summary, description (DT1). */
	PWS_ACT_ENABLE_MULTI = 15,     /**< Enable multi-partner mode (MP1). */
	PWS_ACT_INTEGRATION = 16,      /**< Turn on Slack/Teams (INT1). */
	PWS_ACT_CHANGE_VISIBILITY = 17,/**< Change visibility away from partner (DL1). */
	PWS_ACT_DELETE_WORKSPACE = 18, /**< Delete the workspace (DL2). */
	PWS_ACT_REVIEW_REQUEST = 19,   /**< Approve or deny its request (CR3). */
	PWS_ACT_INVITE_PARTNER = 20,   /**< Invite partners (IN1). */
	PWS_ACT_INVITE_MEMBER = 21,    /**< Invite team members (IN2). */
	PWS_ACT_MANAGE_MEMBERS = 22,   /**< Manage members and roles (RO4). */
	PWS_ACT_SET_PARTNER_LEAD = 23, /**< Give or take Partner Lead (RO3). */
	PWS_ACT_VIEW_MEMBERS = 24,     /**< See the member list (WS1, VI1-VI3). */
	PWS_ACT_CONVERT = 25,          /**< Convert to a partner workspace (CR2). */
	PWS_ACT_COUNT = 26             /**< One past the last action; not an action. */
} pws_action;

/**
 * @brief The name of an action ("view", "edit", ...).
 * @param action a ::pws_action.
 * @return a static string; "" for unknown values.
 * @since 0.1
 */
PWS_EXTERN const char *pws_action_name(int action);

/**
 * @brief Decides whether @p actor may take @p action on a workspace or an
 *        element.
 *
 * Unknown actors, workspaces and elements are reported as ::PWS_ENOTFOUND
 * (a host passing a wrong id learns so), never silently allowed. A
 * malformed id (NULL, empty, over 255 bytes, control bytes, not UTF-8) is
 * ::PWS_EINVALID here as in every call of the library.
 * @param policy the policy handle.
 * @param[out] allowed receives 1 (allow) or 0 (deny).
 * @param[out] rule receives the deciding ::pws_rule (may be NULL).
 * @param actor the user id.
 * @param action a ::pws_action.
 * @param workspace_id the workspace; may be NULL when @p element_id is given.
 * @param element_id the element, or NULL for a workspace-level action.
 * @return ::PWS_OK when a decision was made; ::PWS_EINVALID;
 *         ::PWS_ENOTFOUND; ::PWS_EMISUSE if called from a storage callback
 *         on the same handle.
 * @par Example
 * @code
 * int allowed = 0, rule = 0;
 * int rc = pws_check(p, &allowed, &rule, "alice", PWS_ACT_EDIT, NULL, "payments-api");
 *
 * if (rc != PWS_OK)
 *	fprintf(stderr, "cannot decide: %s\n", pws_strerror(rc));
 * else if (!allowed)
 *	printf("alice may not edit payments-api (%s)\n", pws_rule_id(rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_check(const pws_policy *policy, int *allowed, int *rule,
                         const char *actor, int action, const char *workspace_id,
                         const char *element_id);

/**
 * @brief A resolved reference to a user, workspace or element of one
 *        handle: the id looked up once, for hot paths and FFI callers.
 *
 * A reference keeps naming the same entity for the life of the handle; it
 * is refused with ::PWS_ENOTFOUND once that entity is removed (a user or
 * element re-added under the same id gets a new reference) and after
 * pws_snapshot_import() replaced the whole state. 0 is ::PWS_REF_NONE.
 * Its bits are the library's own (they may change between releases) and
 * use all 64: keep it as an unsigned 64-bit value (in JavaScript a
 * BigInt), never as a double.
 */
typedef uint64_t pws_ref;

/** No reference (for example: no element). */
#define PWS_REF_NONE ((pws_ref)0)

/**
 * @brief Resolves a user id to a reference.
 * @param policy the policy handle.
 * @param[out] ref receives the reference.
 * @param user_id the user.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_ref_user(const pws_policy *policy, pws_ref *ref, const char *user_id);

/**
 * @brief Resolves a workspace id to a reference.
 * @param policy the policy handle.
 * @param[out] ref receives the reference.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_ref_workspace(const pws_policy *policy, pws_ref *ref,
                                 const char *workspace_id);

/**
 * @brief Resolves an element id to a reference.
 * @param policy the policy handle.
 * @param[out] ref receives the reference.
 * @param element_id the element.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_ref_element(const pws_policy *policy, pws_ref *ref, const char *element_id);

/**
 * @brief pws_check() on resolved references: the same decision, without
 *        looking the ids up again.
 * @param policy the policy handle.
 * @param[out] allowed receives 1 (allow) or 0 (deny).
 * @param[out] rule receives the deciding ::pws_rule (may be NULL).
 * @param actor a user reference.
 * @param action a ::pws_action.
 * @param workspace a workspace reference; may be ::PWS_REF_NONE when
 *        @p element is given.
 * @param element an element reference, or ::PWS_REF_NONE.
 * @return ::PWS_OK; ::PWS_EINVALID (a reference of the wrong kind, an
 *         element not in that workspace, a bad action); ::PWS_ENOTFOUND
 *         (a stale reference).
 * @par Example
 * @code
 * pws_ref alice, ws, el;
 * int allowed = 0;
 *
 * // Resolve the ids once, then decide on the hot path without look-ups.
 * if (pws_ref_user(p, &alice, "alice") != PWS_OK ||
 *     pws_ref_workspace(p, &ws, "api-hub") != PWS_OK ||
 *     pws_ref_element(p, &el, "payments-api") != PWS_OK)
 *	return -1;
 * if (pws_check_ref(p, &allowed, NULL, alice, PWS_ACT_RUN, ws, el) == PWS_OK && allowed)
 *	printf("alice may run payments-api\n");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_check_ref(const pws_policy *policy, int *allowed, int *rule, pws_ref actor,
                             int action, pws_ref workspace, pws_ref element);

/**
 * @brief Decides many (actor, action, target) triples under one lock.
 *
 * Item i uses @p actors[i], @p actions[i], @p workspaces[i] and, when
 * @p elements is not NULL, @p elements[i] (which may be NULL).
 * @param policy the policy handle.
 * @param[out] allowed n results, 1 or 0.
 * @param[out] rules n deciding rules (may be NULL).
 * @param[out] codes n per-item status codes as pws_check() would return
 *             (may be NULL); a bad item is denied with ::PWS_RULE_NONE.
 * @param n the number of items.
 * @param actors n user ids.
 * @param actions n ::pws_action values.
 * @param workspaces n workspace ids (entries may be NULL when the element is given).
 * @param elements n element ids or NULL entries, or NULL altogether.
 * @return ::PWS_OK; ::PWS_EINVALID if a mandatory array is NULL.
 * @par Example
 * @code
 * const char *actors[] = {"alice", "gina", "dev"};
 * const int actions[] = {PWS_ACT_VIEW, PWS_ACT_COMMENT, PWS_ACT_EDIT};
 * const char *workspaces[] = {"api-hub", "api-hub", "api-hub"};
 * int allowed[3], rules[3];
 * size_t i;
 *
 * if (pws_check_batch(p, allowed, rules, NULL, 3, actors, actions, workspaces, NULL) != PWS_OK)
 *	return -1;
 * for (i = 0; i < 3; i++)
 *	printf("%s %s: %s %s\n", actors[i], pws_action_name(actions[i]),
 *	       allowed[i] ? "yes" : "no", pws_rule_id(rules[i]));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_check_batch(const pws_policy *policy, int *allowed, int *rules,
                               int *codes, size_t n, const char *const *actors,
                               const int *actions, const char *const *workspaces,
                               const char *const *elements);

/**
 * @brief pws_check_ref() on many items under one lock: the batch of
 *        resolved references.
 *
 * Item i uses @p actors[i], @p actions[i], @p workspaces[i] and, when
 * @p elements is not NULL, @p elements[i] (which may be ::PWS_REF_NONE).
 * Each item is decided as pws_check_ref() decides it; the memory loads of
 * the items ahead are started while an item is decided, so that a large
 * batch runs several times faster than as many pws_check_ref() calls.
 * @param policy the policy handle.
 * @param[out] allowed n results, 1 or 0.
 * @param[out] rules n deciding rules (may be NULL).
 * @param[out] codes n per-item status codes as pws_check_ref() would
 *             return (may be NULL): ::PWS_OK, ::PWS_EINVALID (a reference
 *             of the wrong kind, an element not in that workspace, a bad
 *             action), ::PWS_ENOTFOUND (a stale reference); a bad item is
 *             denied with ::PWS_RULE_NONE.
 * @param n the number of items.
 * @param actors n user references.
 * @param actions n ::pws_action values.
 * @param workspaces n workspace references (entries may be ::PWS_REF_NONE
 *        when the element is given).
 * @param elements n element references or ::PWS_REF_NONE entries, or NULL
 *        altogether.
 * @return ::PWS_OK; ::PWS_EINVALID if @p policy or a mandatory array is
 *         NULL (with n > 0); ::PWS_EMISUSE if called from a storage
 *         callback on the same handle.
 * @par Example
 * @code
 * const char *ids[] = {"alice", "gina", "dev"};
 * const int actions[] = {PWS_ACT_VIEW, PWS_ACT_COMMENT, PWS_ACT_EDIT};
 * pws_ref actors[3], workspaces[3];
 * int allowed[3], codes[3];
 * size_t i;
 *
 * // Resolve the ids once (for example when a session starts) ...
 * for (i = 0; i < 3; i++)
 *	if (pws_ref_user(p, &actors[i], ids[i]) != PWS_OK ||
 *	    pws_ref_workspace(p, &workspaces[i], "api-hub") != PWS_OK)
 *		return -1;
 * // ... then decide many requests at a time.
 * if (pws_check_batch_ref(p, allowed, NULL, codes, 3, actors, actions, workspaces, NULL) != PWS_OK)
 *	return -1;
 * for (i = 0; i < 3; i++)
 *	printf("%s %s: %s\n", ids[i], pws_action_name(actions[i]),
 *	       codes[i] != PWS_OK ? pws_strerror(codes[i]) : allowed[i] ? "yes" : "no");
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_check_batch_ref(const pws_policy *policy, int *allowed, int *rules,
                                   int *codes, size_t n, const pws_ref *actors,
                                   const int *actions, const pws_ref *workspaces,
                                   const pws_ref *elements);

/**
 * @brief Every action @p actor may take on a target, as a bit mask.
 *
 * Bit (1 << action) is set for each allowed ::pws_action; what a UI greys
 * out is the complement.
 * @param policy the policy handle.
 * @param[out] mask receives the mask.
 * @param actor the user id.
 * @param workspace_id the workspace; may be NULL when @p element_id is given.
 * @param element_id the element, or NULL.
 * @return as pws_check().
 * @par Example
 * @code
 * uint64_t mask = 0;
 * int a;
 *
 * if (pws_allowed_actions(p, &mask, "alice", "api-hub", NULL) != PWS_OK)
 *	return -1;
 * for (a = 1; a < PWS_ACT_COUNT; a++)	// grey out what is not allowed
 *	printf("%-16s %s\n", pws_action_name(a),
 *	       (mask & ((uint64_t)1 << a)) ? "enabled" : "greyed out");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_allowed_actions(const pws_policy *policy, uint64_t *mask,
                                   const char *actor, const char *workspace_id,
                                   const char *element_id);

/**
 * @brief Whether @p viewer sees @p member of a workspace (VI1-VI3, VI7).
 *
 * The predicate every member listing uses: publisher team members (and the
 * team's Partner Managers) see every member (VI1); in single-partner mode
 * every member sees every member (VI3); in multi-partner mode a partner
 * sees the publisher's members and their own organization only (VI2).
 * Non-members see nothing (WS1). A suspended membership (WS4, see
 * pws_member_status()) is answered too: the publisher side sees it, a
 * partner never does (VI1).
 * @param policy the policy handle.
 * @param[out] visible receives 1 or 0.
 * @param[out] rule receives the deciding ::pws_rule (may be NULL).
 * @param viewer the viewing user.
 * @param workspace_id the workspace.
 * @param member the member looked at.
 * @return ::PWS_OK; ::PWS_ENOTFOUND (unknown ids, or @p member holds no
 *         membership, counting or suspended); ::PWS_EINVALID.
 * @par Example
 * @code
 * int visible = 0, rule = 0;
 *
 * if (pws_can_see_member(p, &visible, &rule, "alice", "api-hub", "gina") == PWS_OK &&
 *     !visible)
 *	printf("alice does not see gina (%s)\n", pws_rule_id(rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_can_see_member(const pws_policy *policy, int *visible, int *rule,
                                  const char *viewer, const char *workspace_id,
                                  const char *member);

/**
 * @brief Whether a partner organization, as such, sees a member (VI8).
 *
 * Equals what any partner of that organization with no role beyond
 * Viewer sees: the organization is a team id in the team-to-team model and
 * an email domain in the legacy model.
 * A suspended membership (WS4) is never visible to it (VI1).
 * @param policy the policy handle.
 * @param[out] visible receives 1 or 0.
 * @param[out] rule receives the deciding ::pws_rule (may be NULL).
 * @param organization the partner organization (team id or domain).
 * @param workspace_id the workspace.
 * @param member the member looked at.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * int visible = 0;
 *
 * if (pws_org_can_see_member(p, &visible, NULL, "acme", "api-hub", "gina") == PWS_OK)
 *	printf("acme %s gina\n", visible ? "sees" : "does not see");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_org_can_see_member(const pws_policy *policy, int *visible, int *rule,
                                      const char *organization, const char *workspace_id,
                                      const char *member);

/**
 * @brief Whether @p viewer sees a history entry: only their own (VI4).
 * @param policy the policy handle.
 * @param[out] visible receives 1 or 0.
 * @param[out] rule receives the deciding ::pws_rule (may be NULL).
 * @param viewer the viewing user.
 * @param entry_id the history entry.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * int visible = 0, rule = 0;
 *
 * // Only the author sees a history entry (VI4).
 * if (pws_can_see_history(p, &visible, &rule, "dev", "h1") == PWS_OK && !visible)
 *	printf("hidden by %s\n", pws_rule_id(rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_can_see_history(const pws_policy *policy, int *visible, int *rule,
                                   const char *viewer, const char *entry_id);

/**
 * @brief Whether @p viewer sees a reply to an update (VI5, VI2).
 * @param policy the policy handle.
 * @param[out] visible receives 1 or 0.
 * @param[out] rule receives the deciding ::pws_rule (may be NULL).
 * @param viewer the viewing user.
 * @param reply_id the reply.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * int visible = 0;
 *
 * if (pws_can_see_reply(p, &visible, NULL, "alice", "r7") == PWS_OK && visible)
 *	printf("show reply r7 to alice\n");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_can_see_reply(const pws_policy *policy, int *visible, int *rule,
                                 const char *viewer, const char *reply_id);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_CHECK_H */
