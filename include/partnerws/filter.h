/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/filter.h
 * @brief The visibility filter: what each user and each partner
 *        organization can see, as complete listings.
 * @defgroup filter Visibility filter
 *
 * Every listing is computed under the handle's shared lock when it is
 * created, from the same predicates as the checks (so a listing never
 * disagrees with pws_check()), and returned as an iterator that owns a copy
 * of its rows: it stays valid whatever happens to the handle afterwards.
 * Listings are complete, never capped or truncated, and cost in proportion
 * to what they return.
 *
 * Iterate with pws_iter_next(), read the current row's columns with
 * pws_iter_str() and pws_iter_int2() (the @c PWS_COL_* constants each
 * listing documents), release with pws_iter_free(). Asking for a column
 * the listing does not have is an error the caller sees: pws_iter_str()
 * returns NULL and pws_iter_int2() ::PWS_EINVALID.
 *
 * Every row that names a user (a member, an author) carries
 * ::PWS_COL_EXTERNAL, 1 when that user is a partner of the workspace
 * (VI7), decided as pws_member_get() decides @c is_partner.
 * @{
 */
#ifndef PARTNERWS_FILTER_H
#define PARTNERWS_FILTER_H

#include "common.h"
#include "policy.h"

PWS_BEGIN_DECL

/** An iterator over the rows of a listing. */
typedef struct pws_iter pws_iter;

/** Columns of listing rows. Values are ABI. */
typedef enum pws_column {
	PWS_COL_ID = 1,         /**< The row's id (user, workspace, element, entry...). */
	PWS_COL_EMAIL = 2,      /**< A member's email identity key. */
	PWS_COL_ROLE = 3,       /**< A ::pws_ws_role (int). */
	PWS_COL_LEAD = 4,       /**< 1 for a Partner Lead (int). */
	PWS_COL_EXTERNAL = 5,   /**< 1 for a partner / an external workspace (int, VI7, WS3). */
	PWS_COL_ORG = 6,        /**< The partner organization: team id or email domain (string, "" for team members). */
	PWS_COL_KIND = 7,       /**< A ::pws_element_kind (int). */
	PWS_COL_ACTIONS = 8,    /**< Allowed ::pws_action bits, as pws_allowed_actions() (int). */
	PWS_COL_TEXT = 9,       /**< Text of an update, reply, history entry or comment. */
	PWS_COL_AUTHOR = 10,    /**< User id of the author. */
	PWS_COL_AT = 11,        /**< Time, seconds since the Unix epoch (int). */
	PWS_COL_WORKSPACE = 12, /**< A workspace id. */
	PWS_COL_TEAM = 13,      /**< A team id. */
	PWS_COL_SSO = 14,       /**< 1 if the team uses SSO (int). */
	PWS_COL_VISIBILITY = 15,/**< A ::pws_visibility (int). */
	PWS_COL_MODE = 16,      /**< A ::pws_mode, 0 if not partner (int). */
	PWS_COL_ELEMENT = 17,   /**< An element id, "" for workspace rows. */
	PWS_COL_UNREAD = 18,    /**< Unread updates of the viewer (int, VI6). */
	PWS_COL_PARENT = 19,    /**< The update a reply answers, the element a comment is on. */
	PWS_COL_SUSPENDED = 20, /**< 1 for a suspended membership (int, WS4, VI1; @since 0.2). */
	PWS_COL_INVITER = 21,   /**< User id of who invited, "" for the host or a removed user (@since 0.2). */
	PWS_COL_NAME = 22,      /**< A team's name (@since 0.2). */
	PWS_COL_PLAN = 23,      /**< A ::pws_plan (int, @since 0.2). */
	PWS_COL_SEATS = 24,     /**< Included Partner Editor seats of a team (int, PL4, @since 0.2). */
	PWS_COL_TEAM_ROLE = 25, /**< A ::pws_team_role, 0 without a team (int, @since 0.2). */
	PWS_COL_PARTNER_MANAGER = 26 /**< 1 for an effective Partner Manager (int, CR7, @since 0.2). */
} pws_column;

/**
 * @brief The members of a workspace as @p viewer sees them (VI1-VI3, VI7).
 *
 * Rows: ID (user), EMAIL, ROLE, LEAD, EXTERNAL, ORG, SUSPENDED. Team
 * members come first, then partners grouped by organization; within a
 * group by user id. A viewer who may not see the members gets
 * ::PWS_EDENIED.
 *
 * The publisher side (viewers on the owning team: Workspace Admins,
 * Partner Managers, team members) also gets the suspended memberships
 * (WS4: a team-to-team partner membership whose user's home team is no
 * longer the team it was granted through), with SUSPENDED 1, EXTERNAL 1
 * and ORG the organization it was granted through, so that an Admin can
 * remove them (VI1). Partners never get a suspended membership.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param viewer the viewing user.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_members(&it, p, "alice", "api-hub") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("%s %s%s\n", pws_iter_str(it, PWS_COL_ID), pws_iter_str(it, PWS_COL_EMAIL),
 *	       pws_iter_int(it, PWS_COL_EXTERNAL) ? " (external)" : "");
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_members(pws_iter **out, const pws_policy *policy,
                                const char *viewer, const char *workspace_id);

/**
 * @brief The members of a workspace as a partner organization sees them (VI8).
 *
 * Equal to the listing of any Viewer partner of that organization: the
 * same columns, and never a suspended membership (VI1).
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param organization a team id (team-to-team) or an email domain (legacy).
 * @param workspace_id the workspace.
 * @return as pws_list_members().
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * // "View as": what Globex, as an organization, sees of the member list.
 * if (pws_list_members_as_org(&it, p, "globex", "api-hub") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("%s (%s)\n", pws_iter_str(it, PWS_COL_ID), pws_iter_str(it, PWS_COL_ORG));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_members_as_org(pws_iter **out, const pws_policy *policy,
                                       const char *organization, const char *workspace_id);

/**
 * @brief The workspaces a user reaches (WS1-WS3).
 *
 * Rows: ID (workspace), TEAM (owner), ROLE (0 when reached without a
 * membership), EXTERNAL (1 when owned by another team: partner workspaces
 * of the team-to-team model appear in the partner's team as external),
 * VISIBILITY, MODE, UNREAD. Sorted by workspace id.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param user_id the user.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_workspaces(&it, p, "alice") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("%s%s\n", pws_iter_str(it, PWS_COL_ID),
 *	       pws_iter_int(it, PWS_COL_EXTERNAL) ? " (external)" : "");
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_workspaces(pws_iter **out, const pws_policy *policy,
                                   const char *user_id);

/**
 * @brief The elements of a workspace a viewer sees, with the actions
 *        allowed on each.
 *
 * Rows: ID (element), KIND, ACTIONS (as pws_allowed_actions()), PARENT
 * (for monitors and mock servers, the collection they serve), in the
 * workspace's own order (not sorted: sorting would cost more than the
 * listing; sort on the host if needed). Trashed elements are not listed.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param viewer the viewing user.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_EDENIED (may not view); ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_elements(&it, p, "alice", "api-hub") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK) {
 *	uint64_t acts = (uint64_t)pws_iter_int(it, PWS_COL_ACTIONS);
 *
 *	printf("%s%s\n", pws_iter_str(it, PWS_COL_ID),
 *	       (acts & ((uint64_t)1 << PWS_ACT_EDIT)) ? "" : " (read-only)");
 * }
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_elements(pws_iter **out, const pws_policy *policy,
                                 const char *viewer, const char *workspace_id);

/**
 * @brief The elements as a partner organization sees them (VI8): the
 *        actions are those of a Viewer partner of that organization.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param organization a team id (team-to-team) or an email domain (legacy).
 * @param workspace_id the workspace.
 * @return as pws_list_elements().
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_elements_as_org(&it, p, "acme", "api-hub") != PWS_OK)
 *	return -1;
 * printf("acme sees %zu element(s)\n", pws_iter_count(it));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_elements_as_org(pws_iter **out, const pws_policy *policy,
                                        const char *organization, const char *workspace_id);

/**
 * @brief The viewer's own history entries in a workspace (VI4).
 *
 * Rows: ID, TEXT, AT, AUTHOR (always the viewer), EXTERNAL (of the
 * author, VI7). In the order added.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param viewer the viewing user.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_history(&it, p, "alice", "api-hub") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)	// only alice's own entries (VI4)
 *	printf("%lld %s\n", (long long)pws_iter_int(it, PWS_COL_AT),
 *	       pws_iter_str(it, PWS_COL_TEXT));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_history(pws_iter **out, const pws_policy *policy,
                                const char *viewer, const char *workspace_id);

/**
 * @brief The updates of a workspace (VI5), oldest first.
 *
 * Rows: ID, TEXT, AT, AUTHOR, UNREAD (1 if posted since the viewer's last
 * visit, VI6), EXTERNAL (of the author, VI7). Every member sees every
 * update.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param viewer the viewing user.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_EDENIED (may not view); ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_updates(&it, p, "alice", "api-hub") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("%s: %s\n", pws_iter_str(it, PWS_COL_AUTHOR), pws_iter_str(it, PWS_COL_TEXT));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_updates(pws_iter **out, const pws_policy *policy,
                                const char *viewer, const char *workspace_id);

/**
 * @brief The replies to an update the viewer sees (VI5, VI2), oldest first.
 *
 * Rows: ID, TEXT, AT, AUTHOR, PARENT (the update), EXTERNAL (of the
 * author, VI7).
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param viewer the viewing user.
 * @param update_id the update.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * // In multi-partner mode alice does not see the other partners' replies.
 * if (pws_list_replies(&it, p, "alice", "u1") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("  %s: %s\n", pws_iter_str(it, PWS_COL_AUTHOR), pws_iter_str(it, PWS_COL_TEXT));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_replies(pws_iter **out, const pws_policy *policy,
                                const char *viewer, const char *update_id);

/**
 * @brief The activity of a workspace the viewer sees: comments on its
 *        elements and replies to its updates, oldest first (VI2).
 *
 * Rows: ID, TEXT, AT, AUTHOR, PARENT (element or update), KIND (0 for a
 * reply, the element's kind for a comment), EXTERNAL (of the author, VI7).
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param viewer the viewing user.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_activity(&it, p, "dev", "api-hub") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("%s on %s: %s\n", pws_iter_str(it, PWS_COL_AUTHOR),
 *	       pws_iter_str(it, PWS_COL_PARENT), pws_iter_str(it, PWS_COL_TEXT));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_activity(pws_iter **out, const pws_policy *policy,
                                 const char *viewer, const char *workspace_id);

/**
 * @brief The partnerships page of a publisher team (TT1).
 *
 * One row per (partner organization, partner workspace it reaches):
 * TEAM (the partner team id, or the email domain of legacy partners),
 * SSO, WORKSPACE. Sorted by organization then workspace.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param actor a Partner Manager or admin of the team.
 * @param team_id the publisher team.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_partnerships(&it, p, "pam", "publisher") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("%s%s reaches %s\n", pws_iter_str(it, PWS_COL_TEAM),
 *	       pws_iter_int(it, PWS_COL_SSO) ? " (SSO)" : "",
 *	       pws_iter_str(it, PWS_COL_WORKSPACE));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_partnerships(pws_iter **out, const pws_policy *policy,
                                     const char *actor, const char *team_id);

/**
 * @brief The partners holding a Partner Editor seat of a team (PL2, PL4).
 *
 * Rows: ID (user), ORG, EXTERNAL (VI7: 1, seat holders are partners).
 * Sorted by user id.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param team_id the publisher team.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_seats(&it, p, "publisher") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("seat: %s of %s\n", pws_iter_str(it, PWS_COL_ID), pws_iter_str(it, PWS_COL_ORG));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_seats(pws_iter **out, const pws_policy *policy, const char *team_id);

/**
 * @brief What one partner reaches across a team's partner workspaces (VI9).
 *
 * One row per workspace (ELEMENT "") followed by one row per element of it:
 * WORKSPACE, ELEMENT, ROLE, ACTIONS.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param actor a Partner Manager of the team.
 * @param team_id the publisher team.
 * @param partner the partner user.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_partner_reach(&it, p, "pam", "publisher", "alice") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	printf("%s %s %s\n", pws_iter_str(it, PWS_COL_WORKSPACE),
 *	       pws_iter_str(it, PWS_COL_ELEMENT),
 *	       pws_ws_role_name((int)pws_iter_int(it, PWS_COL_ROLE)));
 * pws_iter_free(it);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_list_partner_reach(pws_iter **out, const pws_policy *policy,
                                      const char *actor, const char *team_id,
                                      const char *partner);

/**
 * @brief The open invites of a workspace (IN7), for those who manage its
 *        members.
 *
 * Rows: EMAIL (the invitee's address key), KIND (a ::pws_invite_kind),
 * ROLE, LEAD, INVITER. Sorted by address. Workspace Admins and Partner
 * Managers get every open invite; a Partner Lead only the partner invites
 * to their own organization (IN3, IN7): in multi-partner mode never an
 * invite of another organization (VI2). Anyone else is refused with the
 * rule of managing members (RO4; WS1 for a non-member; LC1).
 *
 * Open invites of all workspaces are kept together: the listing reads
 * them all once, so it costs in proportion to the open invites of the
 * handle, not only of this workspace.
 * @param[out] out receives the iterator.
 * @param[out] rule receives the deciding rule, allowed or refused; 0 when
 *             not decided (may be NULL).
 * @param policy the policy handle.
 * @param viewer the user asking.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 * int rule = 0;
 *
 * if (pws_list_invites(&it, &rule, p, "pam", "api-hub") == PWS_OK) {
 * 	while (pws_iter_next(it) == PWS_OK)
 * 		printf("%s invited by %s\n", pws_iter_str(it, PWS_COL_EMAIL),
 * 		       pws_iter_str(it, PWS_COL_INVITER));
 * 	pws_iter_free(it);
 * } else {
 * 	printf("refused by %s\n", pws_rule_id(rule));
 * }
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_list_invites(pws_iter **out, int *rule, const pws_policy *policy,
                                const char *viewer, const char *workspace_id);

/**
 * @brief The teams of the directory (host level, not actor-checked).
 *
 * Rows: ID, NAME, PLAN, SSO, SEATS. Sorted by id.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @return ::PWS_OK; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_teams(&it, p) == PWS_OK) {
 * 	while (pws_iter_next(it) == PWS_OK)
 * 		printf("%s (%s)\n", pws_iter_str(it, PWS_COL_ID), pws_iter_str(it, PWS_COL_NAME));
 * 	pws_iter_free(it);
 * }
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_list_teams(pws_iter **out, const pws_policy *policy);

/**
 * @brief The users of the directory, or of one team (host level, not
 *        actor-checked).
 *
 * Rows: ID, EMAIL, TEAM ("" without a team), TEAM_ROLE, PARTNER_MANAGER
 * (effective, CR7). Sorted by id.
 * @param[out] out receives the iterator.
 * @param policy the policy handle.
 * @param team_id a team, whose members (home team) are listed; NULL for
 *                every user.
 * @return ::PWS_OK; ::PWS_ENOTFOUND (no such team); ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 *
 * if (pws_list_users(&it, p, "pub") == PWS_OK) {
 * 	while (pws_iter_next(it) == PWS_OK)
 * 		printf("%s <%s>\n", pws_iter_str(it, PWS_COL_ID), pws_iter_str(it, PWS_COL_EMAIL));
 * 	pws_iter_free(it);
 * }
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_list_users(pws_iter **out, const pws_policy *policy, const char *team_id);

/**
 * @brief Advances to the next row.
 * @param it the iterator.
 * @return ::PWS_OK when a row is current; ::PWS_ITEROVER at the end;
 *         ::PWS_EINVALID for NULL.
 * @par Example
 * @code
 * pws_iter *it = NULL;
 * int rc = pws_list_members(&it, p, "dev", "api-hub");
 *
 * if (rc != PWS_OK)
 *	return rc;
 * printf("%zu member(s)\n", pws_iter_count(it));
 * while ((rc = pws_iter_next(it)) == PWS_OK)
 *	printf("%s %s\n", pws_iter_str(it, PWS_COL_ID),
 *	       pws_ws_role_name((int)pws_iter_int(it, PWS_COL_ROLE)));
 * pws_iter_free(it);
 * return rc == PWS_ITEROVER ? PWS_OK : rc;
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_iter_next(pws_iter *it);

/**
 * @brief A string column of the current row.
 * @param it the iterator.
 * @param column a ::pws_column.
 * @return a string borrowed until pws_iter_free(); NULL for a column the
 *         listing does not have as a string (unknown, absent, or an
 *         integer column), and before the first or after the last row.
 * @since 0.1
 */
PWS_EXTERN const char *pws_iter_str(const pws_iter *it, int column);

/**
 * @brief An integer column of the current row.
 *
 * Cannot tell a 0 from a missing column: prefer pws_iter_int2().
 * @param it the iterator.
 * @param column a ::pws_column.
 * @return the value; 0 for a column the listing does not have or when no
 *         row is current.
 * @since 0.1
 */
PWS_EXTERN int64_t pws_iter_int(const pws_iter *it, int column);

/**
 * @brief An integer column of the current row, with an error for a column
 *        the listing does not have.
 * @param it the iterator.
 * @param column a ::pws_column.
 * @param[out] out receives the value; 0 on any error.
 * @return ::PWS_OK; ::PWS_EINVALID (NULL @p it or @p out, or @p column is
 *         not an integer column of this listing: unknown, absent, or a
 *         string column); ::PWS_ESTATE (no row is current: before the
 *         first pws_iter_next() or after the last).
 * @par Example
 * @code
 * pws_iter *it = NULL;
 * int64_t unread;
 *
 * if (pws_list_workspaces(&it, p, "alice") != PWS_OK)
 *	return -1;
 * while (pws_iter_next(it) == PWS_OK)
 *	if (pws_iter_int2(it, PWS_COL_UNREAD, &unread) == PWS_OK && unread > 0)
 *		printf("%s: %lld unread\n", pws_iter_str(it, PWS_COL_ID), (long long)unread);
 * pws_iter_free(it);
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_iter_int2(const pws_iter *it, int column, int64_t *out);

/**
 * @brief The number of rows of the listing (complete, never capped).
 * @param it the iterator.
 * @return the count, 0 for NULL.
 * @since 0.1
 */
PWS_EXTERN size_t pws_iter_count(const pws_iter *it);

/**
 * @brief Frees an iterator. Accepts NULL.
 * @param it the iterator.
 * @since 0.1
 */
PWS_EXTERN void pws_iter_free(pws_iter *it);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_FILTER_H */
