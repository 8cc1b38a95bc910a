/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/workspace.h
 * @brief Actor-checked operations on workspaces, members and elements.
 * @defgroup workspace Workspaces, members, elements
 *
 * Every function here names its @p actor (a user id). The policy is asked
 * first; when it refuses, the call returns ::PWS_EDENIED with the deciding
 * rule in the ::pws_result and changes nothing. Any other failure also
 * changes nothing, in memory and in storage.
 * @{
 */
#ifndef PARTNERWS_WORKSPACE_H
#define PARTNERWS_WORKSPACE_H

#include "common.h"
#include "policy.h"
#include "rules.h"

PWS_BEGIN_DECL

/** Workspace visibility. Values are ABI. */
typedef enum pws_visibility {
	PWS_VIS_PERSONAL = 1, /**< Personal. */
	PWS_VIS_PRIVATE = 2,  /**< Private. */
	PWS_VIS_TEAM = 3,     /**< Team. */
	PWS_VIS_PARTNER = 4,  /**< Partner. */
	PWS_VIS_PUBLIC = 5    /**< Public. */
} pws_visibility;

/** Partner workspace mode. Values are ABI. */
typedef enum pws_mode {
	PWS_MODE_SINGLE = 1, /**< Single-partner mode. */
	PWS_MODE_MULTI = 2   /**< Multi-partner mode (MP1, RO2, VI2). */
} pws_mode;

/** Partner workspace model. Values are ABI. */
typedef enum pws_model {
	PWS_MODEL_TEAM_TO_TEAM = 1, /**< Team-to-team (CR5, WS3). */
	PWS_MODEL_LEGACY = 2        /**< Legacy, individual partners. */
} pws_model;

/** Workspace lifecycle. Values are ABI. */
typedef enum pws_lifecycle {
	PWS_LC_PENDING_APPROVAL = 1, /**< Awaiting review of its request. */
	PWS_LC_ACTIVE = 2,           /**< Active. */
	PWS_LC_DELETED = 3           /**< Deleted. */
} pws_lifecycle;

/** Workspace role. Values are ABI. */
typedef enum pws_ws_role {
	PWS_ROLE_VIEWER = 1, /**< Viewer. */
	PWS_ROLE_EDITOR = 2, /**< Editor. */
	PWS_ROLE_ADMIN = 3   /**< Admin. */
} pws_ws_role;

/** Element kinds. Values are ABI. */
typedef enum pws_element_kind {
	PWS_EL_COLLECTION = 1,  /**< Collection. */
	PWS_EL_ENVIRONMENT = 2, /**< Environment. */
	PWS_EL_API = 3,         /**< API. */
	PWS_EL_MONITOR = 4,     /**< Monitor (of a collection). */
	PWS_EL_MOCK_SERVER = 5  /**< Mock server (of a collection). */
} pws_element_kind;

/** Invite kinds. Values are ABI. */
typedef enum pws_invite_kind {
	PWS_INVITE_PARTNER = 1, /**< An external partner (IN1, IN3, IN4). */
	PWS_INVITE_MEMBER = 2   /**< A member of the owning team (IN2). */
} pws_invite_kind;

/**
 * @brief Creates a workspace in the actor's team.
 *
 * Non-partner visibilities are created at once with the actor as Admin.
 * For ::PWS_VIS_PARTNER: the team must be on professional or enterprise
 * (PL1); a super admin or Partner Manager, or anyone on professional
 * (CR7), creates it at once; anyone else creates a request
 * (::PWS_RESULT_PENDING, lifecycle ::PWS_LC_PENDING_APPROVAL) that a
 * Partner Manager reviews (CR1, CR3). New partner workspaces are
 * team-to-team, single-partner (CR5). Users without a team cannot create
 * workspaces (CR6). On enterprise, if the team has no Partner Manager, its
 * Admins become Partner Managers (CR8).
 * @param policy the policy handle.
 * @param actor the creating user.
 * @param workspace_id the new workspace's id.
 * @param name the name (may be empty, not NULL).
 * @param visibility a ::pws_visibility.
 * @param note an optional note for the request, or NULL.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_EEXISTS; ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * if (pws_workspace_create(p, "pam", "api-hub", "Public API hub", PWS_VIS_PARTNER, NULL,
 *                          &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * else if (res.flags & PWS_RESULT_PENDING)
 *	printf("api-hub awaits a Partner Manager's approval\n");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_create(pws_policy *policy, const char *actor,
                                    const char *workspace_id, const char *name,
                                    int visibility, const char *note, pws_result *res);

/**
 * @brief Adds a pre-existing legacy partner workspace (host call, no actor).
 *
 * For hosts bringing workspaces created before team-to-team existed. The
 * @p admin_user, on @p team_id, becomes its Admin.
 * @param policy the policy handle.
 * @param team_id the owning (publisher) team.
 * @param workspace_id the workspace id.
 * @param name the name.
 * @param admin_user the first Workspace Admin, a member of @p team_id.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EEXISTS; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_add_legacy(pws_policy *policy, const char *team_id,
                                        const char *workspace_id, const char *name,
                                        const char *admin_user, pws_result *res);

/**
 * @brief Converts a workspace to partner visibility (CR2, CR4).
 *
 * Asked by its Workspace Admin; done at once or as a request as CR1 says.
 * On conversion every member is notified (CR4).
 * @param policy the policy handle.
 * @param actor the user asking.
 * @param workspace_id the workspace.
 * @param note an optional note for the request, or NULL.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ESTATE (already partner, or a
 *         request is pending); ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_convert(pws_policy *policy, const char *actor,
                                     const char *workspace_id, const char *note,
                                     pws_result *res);

/**
 * @brief Approves or denies the pending request of a workspace (CR3, LC1).
 *
 * Approving a creation activates the workspace; denying it deletes it.
 * Approving a conversion makes the workspace a partner one; denying it
 * leaves it as it was. The requester is notified.
 * @param policy the policy handle.
 * @param actor a Partner Manager or super admin of the owning team.
 * @param workspace_id the workspace whose request is reviewed.
 * @param approve non-zero to approve, zero to deny.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ESTATE (no pending request);
 *         ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * // dev asks for a partner workspace; pam, a Partner Manager, approves.
 * if (pws_workspace_convert(p, "dev", "team-ws", "for the Acme launch", &res) != PWS_OK)
 *	return -1;
 * if ((res.flags & PWS_RESULT_PENDING) &&
 *     pws_request_review(p, "pam", "team-ws", 1, &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_request_review(pws_policy *policy, const char *actor,
                                  const char *workspace_id, int approve, pws_result *res);

/**
 * @brief Edits a workspace's name, summary and description (DT1).
 * @param policy the policy handle.
 * @param actor the user editing.
 * @param workspace_id the workspace.
 * @param name the new name, or NULL to keep it.
 * @param summary the new summary, or NULL to keep it.
 * @param description the new Markdown description, or NULL to keep it.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * if (pws_workspace_set_details(p, "pam", "api-hub", "Payments API hub",
 *                               "Payments for partners", "Collections and environments "
 *                               "for the payments API.", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_set_details(pws_policy *policy, const char *actor,
                                         const char *workspace_id, const char *name,
                                         const char *summary, const char *description,
                                         pws_result *res);

/**
 * @brief Changes a workspace's visibility (DL1).
 *
 * Away from partner: Workspace Admins and Partner Managers, only when no
 * partner member is left. To partner: use pws_workspace_convert(). Other
 * changes: the Workspace Admin.
 * @param policy the policy handle.
 * @param actor the user asking.
 * @param workspace_id the workspace.
 * @param visibility the new ::pws_visibility (not ::PWS_VIS_PARTNER).
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * // Refused with DL1 while a partner is still a member.
 * if (pws_workspace_set_visibility(p, "pam", "api-hub", PWS_VIS_TEAM, &res) == PWS_EDENIED)
 *	printf("%s: %s\n", pws_rule_id(res.rule), res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_set_visibility(pws_policy *policy, const char *actor,
                                            const char *workspace_id, int visibility,
                                            pws_result *res);

/**
 * @brief Deletes a workspace (DL2); every member is notified.
 *
 * A partner workspace must first be made non-partner (DL1).
 * @param policy the policy handle.
 * @param actor a Workspace Admin or Partner Manager.
 * @param workspace_id the workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * if (pws_workspace_delete(p, "pam", "api-hub", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_delete(pws_policy *policy, const char *actor,
                                    const char *workspace_id, pws_result *res);

/**
 * @brief Turns on multi-partner mode, for good (MP1, RO2).
 *
 * Existing partner Editors become Viewers (reported in an event and by
 * ::PWS_RESULT_DOWNGRADED).
 * @param policy the policy handle.
 * @param actor a Workspace Admin or Partner Manager.
 * @param workspace_id a partner workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED (also when already on); ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * // For good: partners become Viewers and stop seeing each other.
 * if (pws_workspace_enable_multi_partner(p, "pam", "api-hub", &res) == PWS_OK &&
 *     (res.flags & PWS_RESULT_DOWNGRADED))
 *	printf("%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_enable_multi_partner(pws_policy *policy, const char *actor,
                                                  const char *workspace_id,
                                                  pws_result *res);

/**
 * @brief Migrates a legacy partner workspace to team-to-team (TT2, TT3).
 *
 * Each partner is mapped to their home team (partners without a team lose
 * the membership); members keep their roles.
 * @param policy the policy handle.
 * @param actor a Partner Manager or super admin of the owning team, or
 *        NULL for the host itself.
 * @param workspace_id a legacy partner workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ESTATE (not legacy);
 *         ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * // A workspace from before team-to-team, then its migration (TT2).
 * if (pws_workspace_add_legacy(p, "publisher", "old-hub", "Old hub", "pam", &res) != PWS_OK ||
 *     pws_workspace_migrate(p, "pam", "old-hub", &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_migrate(pws_policy *policy, const char *actor,
                                     const char *workspace_id, pws_result *res);

/**
 * @brief Migrates several legacy partner workspaces at once, with
 *        coalesced notices (TT2, TT3).
 *
 * All or nothing: every workspace is decided as pws_workspace_migrate()
 * decides it (TT2, LC1); one refusal refuses the whole call and nothing
 * changes. On success every workspace is migrated and the notices are
 * coalesced: one ::PWS_EV_MIGRATED per owning team, for its Partner
 * Managers, team admins and the Workspace Admins of the migrated
 * workspaces, listing all of that team's migrated workspaces; one
 * ::PWS_EV_PARTNER_UPGRADED per workspace per partner. Written through as
 * one record.
 * @param policy the policy handle.
 * @param actor a Partner Manager or super_admin of each owning team, or
 *              NULL for the host.
 * @param workspace_ids the workspaces (each named once).
 * @param n their number (at least 1).
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED (TT2, LC1); ::PWS_ESTATE (one is not a
 *         legacy partner workspace); ::PWS_ENOTFOUND; ::PWS_EINVALID (no
 *         ids, a NULL or malformed id, an id named twice); ::PWS_ENOMEM;
 *         ::PWS_ESTORAGE.
 * @par Example
 * @code
 * const char *legacy[] = { "old-1", "old-2" };
 *
 * // one "your partner workspaces have been migrated" notice per team (TT3)
 * if (pws_workspace_migrate_many(p, "pam", legacy, 2, &res) != PWS_OK)
 * 	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_workspace_migrate_many(pws_policy *policy, const char *actor,
                                          const char *const *workspace_ids, size_t n,
                                          pws_result *res);

/** Kinds of a pending request (pws_request_get()). Values are ABI. @since 0.2 */
typedef enum pws_request_kind {
	PWS_REQUEST_CREATE = 1, /**< Creating a partner workspace (CR1). */
	PWS_REQUEST_CONVERT = 2 /**< Converting a workspace to partner (CR2). */
} pws_request_kind;

/**
 * @brief Reads the pending request of a workspace and its note (CR3).
 *
 * Who may: the requester, the owning team's Partner Managers and
 * super_admins; anyone else is refused with ::PWS_RULE_CR3, whether or
 * not a request is pending (the answer does not tell them). So when none
 * is pending, Partner Managers and super_admins get ::PWS_ENOTFOUND and
 * everyone else, the former requester included, ::PWS_EDENIED.
 * @param policy the policy handle.
 * @param[out] kind receives the ::pws_request_kind (may be NULL).
 * @param[out] requester receives the requester's user id, "" if that user
 *             was removed, as a string owned by the caller: allocated with
 *             plain malloc(), free it with pws_string_free() (may be NULL).
 * @param[out] note receives the request's note, "" without one, owned
 *             like @p requester (may be NULL).
 * @param[out] rule receives the deciding rule (CR3, LC1), 0 when not
 *             decided (may be NULL).
 * @param viewer the user asking.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_EDENIED (CR3; LC1 for a deleted workspace);
 *         ::PWS_ENOTFOUND (no such viewer or workspace, or no pending
 *         request, for reviewers); ::PWS_EINVALID; ::PWS_ENOMEM. On any error the
 *         outputs are 0 / NULL.
 * @par Example
 * @code
 * int kind = 0, rule = 0;
 * char *requester = NULL, *note = NULL;
 *
 * if (pws_request_get(p, &kind, &requester, &note, &rule, "pam", "team-ws") == PWS_OK) {
 * 	printf("%s asks: %s\n", requester, note ? note : "(no note)");
 * 	pws_string_free(requester);
 * 	pws_string_free(note);
 * }
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_request_get(const pws_policy *policy, int *kind, char **requester,
                               char **note, int *rule, const char *viewer,
                               const char *workspace_id);

/**
 * @brief Invites one person to a workspace (IN1-IN4, RO1-RO4, PL4).
 *
 * A partner invite of an Editor when no Partner Editor seat is free is
 * turned into a Viewer invite (::PWS_RESULT_DOWNGRADED, PL4). Inviting
 * the same address again replaces the open invite.
 * @param policy the policy handle.
 * @param actor the inviting user.
 * @param workspace_id the workspace.
 * @param email the invitee's email (normalized per IN3).
 * @param kind a ::pws_invite_kind.
 * @param role a ::pws_ws_role.
 * @param partner_lead non-zero to make the invitee a Partner Lead.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_EEXISTS (already a member);
 *         ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * // pam invites alice of Acme as Partner Lead; alice accepts for Acme.
 * if (pws_invite(p, "pam", "api-hub", "alice@acme.com", PWS_INVITE_PARTNER,
 *                PWS_ROLE_VIEWER, 1, &res) != PWS_OK ||
 *     pws_invite_accept(p, "alice", "api-hub", NULL, &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_invite(pws_policy *policy, const char *actor, const char *workspace_id,
                          const char *email, int kind, int role, int partner_lead,
                          pws_result *res);

/** Bulk invite modes (IN5). */
typedef enum pws_bulk_mode {
	PWS_BULK_ALL_OR_NOTHING = 1, /**< Any bad line: nothing is invited. */
	PWS_BULK_BEST_EFFORT = 2     /**< Good lines are invited, bad ones reported. */
} pws_bulk_mode;

/** Bulk invite text formats (IN5). */
typedef enum pws_bulk_format {
	PWS_BULK_TXT = 1, /**< One address per line. */
	PWS_BULK_CSV = 2  /**< CSV with an "email" column (header row). */
} pws_bulk_format;

/**
 * @brief The per-line report of a bulk invite; free with
 *        pws_bulk_report_free().
 */
typedef struct pws_bulk_report pws_bulk_report;

/**
 * @brief Invites everyone listed in a CSV or TXT text (IN5).
 *
 * Every address is invited as pws_invite() would, with @p kind, @p role
 * and @p partner_lead. Every bad line (malformed, refused by the policy,
 * duplicate) is reported with its 1-based line number. An actor who may
 * invite nobody of @p kind to the workspace (IN1, IN2; LC1, WS2) has the
 * whole call refused with ::PWS_EDENIED and that rule, in both modes, with
 * no report.
 * @param policy the policy handle.
 * @param[out] report receives the report (may be NULL when not wanted);
 *             set even when the call fails with ::PWS_EDENIED or
 *             ::PWS_EINVALID because of bad lines.
 * @param actor the inviting user.
 * @param workspace_id the workspace.
 * @param text the file's bytes (need not be NUL-terminated).
 * @param len the number of bytes of @p text.
 * @param format a ::pws_bulk_format.
 * @param mode a ::pws_bulk_mode.
 * @param kind a ::pws_invite_kind.
 * @param role a ::pws_ws_role.
 * @param partner_lead non-zero for Partner Lead invites.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK if every line was good; in best-effort mode also
 *         ::PWS_OK when some lines were bad (see the report); in
 *         all-or-nothing mode the first bad line's code and nothing
 *         invited; ::PWS_EDENIED when the actor may invite nobody;
 *         ::PWS_ENOMEM; ::PWS_ENOTFOUND.
 * @par Example
 * @code
 * static const char csv[] = "name,email\nBob,bob@acme.com\nEve,eve@\n";
 * pws_bulk_report *rep = NULL;
 * size_t i;
 *
 * pws_invite_bulk(p, &rep, "pam", "api-hub", csv, strlen(csv), PWS_BULK_CSV,
 *                 PWS_BULK_BEST_EFFORT, PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, &res);
 * printf("%zu invited, %zu bad line(s)\n", pws_bulk_report_invited(rep),
 *        pws_bulk_report_errors(rep));
 * for (i = 0; i < pws_bulk_report_errors(rep); i++) {
 *	uint32_t line;
 *	const char *msg;
 *
 *	if (pws_bulk_report_get(rep, i, &line, NULL, NULL, &msg) == PWS_OK)
 *		printf("line %u: %s\n", (unsigned)line, msg);
 * }
 * pws_bulk_report_free(rep);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_invite_bulk(pws_policy *policy, pws_bulk_report **report,
                               const char *actor, const char *workspace_id,
                               const char *text, size_t len, int format, int mode,
                               int kind, int role, int partner_lead, pws_result *res);

/**
 * @brief Number of lines reported as bad.
 * @param report a report, or NULL (0).
 * @return the count.
 * @since 0.1
 */
PWS_EXTERN size_t pws_bulk_report_errors(const pws_bulk_report *report);

/**
 * @brief Number of addresses invited.
 * @param report a report, or NULL (0).
 * @return the count.
 * @since 0.1
 */
PWS_EXTERN size_t pws_bulk_report_invited(const pws_bulk_report *report);

/**
 * @brief One bad line of a report.
 * @param report the report.
 * @param index 0 to pws_bulk_report_errors() - 1.
 * @param[out] line receives the 1-based line number (may be NULL).
 * @param[out] code receives the ::pws_status_code (may be NULL).
 * @param[out] rule receives the ::pws_rule (may be NULL).
 * @param[out] message receives a borrowed message, valid until the report
 *             is freed (may be NULL).
 * @return ::PWS_OK; ::PWS_EINVALID for a NULL report or a bad index.
 * @since 0.1
 */
PWS_EXTERN int pws_bulk_report_get(const pws_bulk_report *report, size_t index,
                                   uint32_t *line, int *code, int *rule,
                                   const char **message);

/**
 * @brief Frees a bulk report. Accepts NULL.
 * @param report the report.
 * @since 0.1
 */
PWS_EXTERN void pws_bulk_report_free(pws_bulk_report *report);

/**
 * @brief Accepts the open invite of a workspace addressed to the user (IN6).
 *
 * In the team-to-team model a partner accepts on behalf of a team, which
 * must be their home team (NULL means the home team); a partner without a
 * team cannot accept a team-to-team invite.
 * @param policy the policy handle.
 * @param user_id the accepting user (their email must match the invite).
 * @param workspace_id the workspace.
 * @param team_id the chosen team, or NULL.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND (no open invite);
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @since 0.1
 */
PWS_EXTERN int pws_invite_accept(pws_policy *policy, const char *user_id,
                                 const char *workspace_id, const char *team_id,
                                 pws_result *res);

/**
 * @brief Withdraws an open invite (IN7), actor-checked.
 *
 * Workspace Admins and Partner Managers withdraw any open invite of the
 * workspace; a Partner Lead withdraws invites to their own partner
 * organization only. A withdrawn invite is gone: it no longer counts as a
 * partner left (DL1). The invitee is told through a
 * ::PWS_EV_INVITE_WITHDRAWN event addressed to their email.
 * @param policy the policy handle.
 * @param actor the user withdrawing the invite.
 * @param workspace_id the workspace.
 * @param email the invitee's address (compared by its identity key).
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED with the deciding rule (IN7, LC1, ...);
 *         ::PWS_ENOTFOUND (unknown actor or workspace, or no open invite of
 *         that address); ::PWS_EINVALID (malformed argument); ::PWS_ENOMEM;
 *         ::PWS_ESTORAGE.
 * @par Example
 * @code
 * if (pws_invite_withdraw(p, "pam", "api-hub", "bob@acme.com", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_invite_withdraw(pws_policy *policy, const char *actor,
                                   const char *workspace_id, const char *email,
                                   pws_result *res);

/**
 * @brief Declines the open invite of a workspace addressed to the user.
 * @param policy the policy handle.
 * @param user_id the declining user.
 * @param workspace_id the workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * if (pws_invite_decline(p, "bob", "api-hub", &res) == PWS_ENOTFOUND)
 *	printf("bob has no open invite to api-hub\n");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_invite_decline(pws_policy *policy, const char *user_id,
                                  const char *workspace_id, pws_result *res);

/**
 * @brief Changes a member's workspace role (RO1, RO2, RO4, RO5, RO6, PL4).
 * @param policy the policy handle.
 * @param actor the user asking.
 * @param workspace_id the workspace.
 * @param user_id the member.
 * @param role the new ::pws_ws_role.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * int rc = pws_member_set_role(p, "pam", "api-hub", "alice", PWS_ROLE_EDITOR, &res);
 *
 * if (rc == PWS_EDENIED)	// RO2 in multi-partner mode, PL4 without a seat...
 *	printf("refused by %s: %s\n", pws_rule_id(res.rule), res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_member_set_role(pws_policy *policy, const char *actor,
                                   const char *workspace_id, const char *user_id,
                                   int role, pws_result *res);

/**
 * @brief Gives or takes the Partner Lead flag (RO3, RO5).
 * @param policy the policy handle.
 * @param actor a Workspace Admin or Partner Manager.
 * @param workspace_id the workspace.
 * @param user_id a partner member.
 * @param partner_lead non-zero to give, zero to take.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * if (pws_member_set_lead(p, "pam", "api-hub", "aaron", 1, &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_member_set_lead(pws_policy *policy, const char *actor,
                                   const char *workspace_id, const char *user_id,
                                   int partner_lead, pws_result *res);

/**
 * @brief Removes a member from a workspace (RO4, RO6, RM2).
 *
 * Removing a partner from their last partner workspace of the team ends
 * their partner relation (::PWS_RESULT_RELATION_ENDED).
 * @param policy the policy handle.
 * @param actor the user asking.
 * @param workspace_id the workspace.
 * @param user_id the member.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * if (pws_member_remove(p, "pam", "api-hub", "gina", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_member_remove(pws_policy *policy, const char *actor,
                                 const char *workspace_id, const char *user_id,
                                 pws_result *res);

/**
 * @brief Ends a partner's relation with a team (RM2): removes them from
 *        every partner workspace of the team.
 * @param policy the policy handle.
 * @param actor a Partner Manager or super admin of the team.
 * @param team_id the publisher team.
 * @param user_id the partner.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * // Gina leaves every workspace of the publisher team at once (RM2).
 * if (pws_partner_end(p, "pam", "publisher", "gina", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_partner_end(pws_policy *policy, const char *actor, const char *team_id,
                               const char *user_id, pws_result *res);

/**
 * @brief Adds an element to a workspace (ED1: editing and importing).
 *
 * The actor becomes an Editor on the element. A monitor or mock server
 * names the collection it serves as @p parent_id.
 * @param policy the policy handle.
 * @param actor the user adding.
 * @param workspace_id the workspace.
 * @param element_id the new element's id.
 * @param kind a ::pws_element_kind.
 * @param size_bytes its size (PL3 uses it).
 * @param parent_id for a monitor or mock server, the collection it
 *        serves (required); otherwise NULL.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_EEXISTS; ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * if (pws_element_add(p, "dev", "api-hub", "payments-api", PWS_EL_COLLECTION, 4096, NULL,
 *                     &res) != PWS_OK ||
 *     pws_element_add(p, "dev", "api-hub", "payments-mock", PWS_EL_MOCK_SERVER, 0,
 *                     "payments-api", &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_element_add(pws_policy *policy, const char *actor,
                               const char *workspace_id, const char *element_id,
                               int kind, uint64_t size_bytes, const char *parent_id,
                               pws_result *res);

/**
 * @brief Makes a member an Editor on an element (used by MV1 and RM1).
 * @param policy the policy handle.
 * @param actor a Workspace Admin of the element's workspace.
 * @param element_id the element.
 * @param user_id a member of the element's workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM.
 * @par Example
 * @code
 * if (pws_element_add_editor(p, "dev", "payments-api", "alice", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_element_add_editor(pws_policy *policy, const char *actor,
                                      const char *element_id, const char *user_id,
                                      pws_result *res);

/**
 * @brief Moves an element to another workspace (MV1, MV2).
 *
 * Its monitors and mock servers stay where they are; monitors and mock
 * servers themselves cannot be moved.
 * @param policy the policy handle.
 * @param actor the user moving.
 * @param element_id the element.
 * @param target_workspace_id the destination, a workspace the actor reaches.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * // Monitors and mock servers of the collection stay behind (MV2).
 * if (pws_element_move(p, "dev", "payments-api", "internal", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_element_move(pws_policy *policy, const char *actor,
                                const char *element_id, const char *target_workspace_id,
                                pws_result *res);

/**
 * @brief Forks an element into another workspace (FK1).
 * @param policy the policy handle.
 * @param actor the user forking.
 * @param element_id the source element.
 * @param new_element_id the fork's id.
 * @param target_workspace_id the destination, where the actor is Editor
 *        or Admin.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_EEXISTS; ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * if (pws_element_fork(p, "alice", "payments-api", "acme-payments", "acme-ws", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_element_fork(pws_policy *policy, const char *actor,
                                 const char *element_id, const char *new_element_id,
                                 const char *target_workspace_id, pws_result *res);

/**
 * @brief Deletes an element (RM1, PL3).
 *
 * A collection goes to the trash (::PWS_RESULT_TRASHED) when the owning
 * team's plan retains it; anything else is gone for good.
 * @param policy the policy handle.
 * @param actor the user deleting.
 * @param element_id the element.
 * @param now the current time, in seconds since the Unix epoch.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * int64_t now = (int64_t)time(NULL);
 *
 * if (pws_element_delete(p, "dev", "payments-api", now, &res) == PWS_OK &&
 *     (res.flags & PWS_RESULT_TRASHED))
 *	// changed one's mind: back from the trash
 *	pws_element_restore(p, "dev", "payments-api", now + 60, &res);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_element_delete(pws_policy *policy, const char *actor,
                                  const char *element_id, int64_t now, pws_result *res);

/**
 * @brief Restores a collection from the trash (PL3).
 * @param policy the policy handle.
 * @param actor the user restoring (as RM1 allows on the workspace).
 * @param element_id the trashed element.
 * @param now the current time, in seconds since the Unix epoch.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED (not recoverable, or expired);
 *         ::PWS_ENOTFOUND; ::PWS_ESTATE (not in the trash); ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_element_restore(pws_policy *policy, const char *actor,
                                   const char *element_id, int64_t now, pws_result *res);

/**
 * @brief Posts a workspace update (UP1); every member is notified.
 * @param policy the policy handle.
 * @param actor a team member with Editor or Admin.
 * @param workspace_id the workspace.
 * @param update_id the new update's id.
 * @param text the update's text.
 * @param now the time, in seconds since the Unix epoch.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_EEXISTS; ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * int64_t now = (int64_t)time(NULL);
 *
 * if (pws_update_post(p, "dev", "api-hub", "u1", "v2 of the payments API is live", now,
 *                     &res) != PWS_OK ||
 *     pws_update_reply(p, "alice", "u1", "r1", "Thanks!", now + 5, &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_update_post(pws_policy *policy, const char *actor,
                               const char *workspace_id, const char *update_id,
                               const char *text, int64_t now, pws_result *res);

/**
 * @brief Replies to a workspace update (UP2).
 * @param policy the policy handle.
 * @param actor a member (never in multi-partner mode).
 * @param update_id the update.
 * @param reply_id the new reply's id.
 * @param text the reply.
 * @param now the time, in seconds since the Unix epoch.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_EEXISTS; ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @since 0.1
 */
PWS_EXTERN int pws_update_reply(pws_policy *policy, const char *actor,
                                const char *update_id, const char *reply_id,
                                const char *text, int64_t now, pws_result *res);

/**
 * @brief Records a member's visit: their unread-updates count drops to 0 (VI6).
 * @param policy the policy handle.
 * @param user_id the member.
 * @param workspace_id the workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED (not a member); ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID.
 * @par Example
 * @code
 * uint32_t unread = 0;
 *
 * if (pws_workspace_unread(p, &unread, "alice", "api-hub") == PWS_OK && unread > 0) {
 *	printf("%u new update(s)\n", (unsigned)unread);
 *	pws_workspace_visit(p, "alice", "api-hub", &res);	// back to 0
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_visit(pws_policy *policy, const char *user_id,
                                   const char *workspace_id, pws_result *res);

/**
 * @brief A member's number of updates posted since their last visit (VI6).
 *
 * A member who never visited has every update unread; posting an update
 * counts as a visit of its author.
 * @param policy the policy handle.
 * @param[out] unread receives the count.
 * @param user_id the member.
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_EDENIED (not a member); ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_unread(const pws_policy *policy, uint32_t *unread,
                                    const char *user_id, const char *workspace_id);

/**
 * @brief Appends one of the user's own history entries (VI4).
 * @param policy the policy handle.
 * @param user_id the member whose activity it is.
 * @param workspace_id the workspace.
 * @param entry_id the new entry's id.
 * @param text what happened (a request sent, a collection run).
 * @param now the time, in seconds since the Unix epoch.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED (AC1: not a member); ::PWS_EEXISTS;
 *         ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * if (pws_history_add(p, "alice", "api-hub", "h1", "ran payments-api", (int64_t)time(NULL),
 *                     &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_history_add(pws_policy *policy, const char *user_id,
                               const char *workspace_id, const char *entry_id,
                               const char *text, int64_t now, pws_result *res);

/**
 * @brief Comments on an element (CM1).
 * @param policy the policy handle.
 * @param actor a member (never in multi-partner mode).
 * @param element_id the element.
 * @param comment_id the new comment's id.
 * @param text the comment.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_EEXISTS; ::PWS_ENOTFOUND;
 *         ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * // Refused with CM1 in multi-partner mode.
 * if (pws_comment_add(p, "alice", "payments-api", "c1", "Is v1 deprecated?", &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_comment_add(pws_policy *policy, const char *actor,
                               const char *element_id, const char *comment_id,
                               const char *text, pws_result *res);

/**
 * @brief Turns on a Slack or Teams integration (INT1).
 *
 * Never in a partner workspace; elsewhere the Workspace Admin may.
 * @param policy the policy handle.
 * @param actor the user asking.
 * @param workspace_id the workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * // Refused with INT1 in a partner workspace.
 * if (pws_integration_enable(p, "pam", "api-hub", &res) == PWS_EDENIED)
 *	printf("%s: %s\n", pws_rule_id(res.rule), res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_integration_enable(pws_policy *policy, const char *actor,
                                      const char *workspace_id, pws_result *res);

/**
 * @brief Turns a workspace's Slack or Teams integration off (INT1).
 *
 * Who may turn it on may turn it off: its Workspace Admins. In a partner
 * workspace it is off already (INT1): its Admins may still call this, a
 * no-op. Others are refused with ::PWS_RULE_INT1; a pending or deleted
 * workspace with ::PWS_RULE_LC1.
 * @param policy the policy handle.
 * @param actor the user asking.
 * @param workspace_id the workspace.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EDENIED; ::PWS_ENOTFOUND; ::PWS_EINVALID;
 *         ::PWS_ENOMEM; ::PWS_ESTORAGE.
 * @par Example
 * @code
 * int on = 0;
 *
 * if (pws_integration_get(p, &on, "team-ws") == PWS_OK && on &&
 *     pws_integration_disable(p, "dev", "team-ws", &res) != PWS_OK)
 * 	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_integration_disable(pws_policy *policy, const char *actor,
                                       const char *workspace_id, pws_result *res);

/**
 * @brief Reads whether a workspace's integration is on (INT1).
 * @param policy the policy handle.
 * @param[out] enabled receives 1 when on, 0 when off (0 on any error).
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID (NULL @p policy or
 *         @p enabled, malformed id).
 * @par Example
 * @code
 * int on = 0;
 *
 * if (pws_integration_get(p, &on, "team-ws") == PWS_OK)
 * 	printf("integration %s\n", on ? "on" : "off");
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_integration_get(const pws_policy *policy, int *enabled,
                                   const char *workspace_id);

/**
 * @brief Reads a workspace's state.
 * @param policy the policy handle.
 * @param[out] visibility receives the ::pws_visibility (may be NULL).
 * @param[out] mode receives the ::pws_mode, 0 if not a partner workspace (may be NULL).
 * @param[out] model receives the ::pws_model, 0 if not a partner workspace (may be NULL).
 * @param[out] lifecycle receives the ::pws_lifecycle (may be NULL).
 * @param workspace_id the workspace.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * int vis, mode, model, lc;
 *
 * if (pws_workspace_get(p, &vis, &mode, &model, &lc, "api-hub") == PWS_OK)
 *	printf("api-hub: %s%s%s\n", pws_visibility_name(vis),
 *	       mode == PWS_MODE_MULTI ? ", multi-partner" : "",
 *	       lc == PWS_LC_PENDING_APPROVAL ? ", awaiting approval" : "");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_workspace_get(const pws_policy *policy, int *visibility, int *mode,
                                 int *model, int *lifecycle, const char *workspace_id);

/**
 * @brief Reads a user's membership of a workspace.
 *
 * A team-to-team partner membership whose user's home team is no longer
 * the team it was granted through is *suspended* (WS4): it does not count,
 * so the call does not return ::PWS_OK for it, but it still answers with
 * ::PWS_ESTATE and fills the outputs (its role, lead flag and
 * @p is_partner 1), so that the publisher side can see and remove it (VI1).
 * pws_member_status() tells the two apart with ::PWS_OK.
 * @param policy the policy handle.
 * @param[out] role receives the ::pws_ws_role (may be NULL).
 * @param[out] partner_lead receives 1 for a Partner Lead (may be NULL).
 * @param[out] is_partner receives 1 if the member is a partner (may be NULL).
 * @param workspace_id the workspace.
 * @param user_id the user.
 * @return ::PWS_OK (a membership that counts); ::PWS_ESTATE (a suspended
 *         membership, outputs filled); ::PWS_ENOTFOUND (no such workspace,
 *         user or membership); ::PWS_EINVALID.
 * @par Example
 * @code
 * int role, lead, partner;
 *
 * if (pws_member_get(p, &role, &lead, &partner, "api-hub", "alice") == PWS_OK)
 *	printf("alice: %s%s%s\n", pws_ws_role_name(role), lead ? ", Partner Lead" : "",
 *	       partner ? ", partner" : "");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_member_get(const pws_policy *policy, int *role, int *partner_lead,
                              int *is_partner, const char *workspace_id,
                              const char *user_id);

/**
 * @brief Reads a user's membership of a workspace, counting or suspended.
 *
 * Like pws_member_get(), but a suspended membership (WS4: a team-to-team
 * partner membership whose user's home team is no longer the team it was
 * granted through) answers ::PWS_OK with @p suspended 1. Its
 * @p is_partner is 1: it was granted to a partner, whatever team the user
 * is on now. A suspended membership grants nothing; the publisher side
 * sees it in pws_list_members() (VI1), partners never do.
 * @param policy the policy handle.
 * @param[out] role receives the ::pws_ws_role (may be NULL).
 * @param[out] partner_lead receives 1 for a Partner Lead (may be NULL).
 * @param[out] is_partner receives 1 if the member is a partner (may be NULL).
 * @param[out] suspended receives 1 for a suspended membership, 0 for one
 *             that counts (may be NULL).
 * @param workspace_id the workspace.
 * @param user_id the user.
 * @return ::PWS_OK; ::PWS_ENOTFOUND (no such workspace, user or
 *         membership); ::PWS_EINVALID.
 * @par Example
 * @code
 * int role, lead, partner, suspended;
 *
 * if (pws_member_status(p, &role, &lead, &partner, &suspended, "api-hub", "alice") == PWS_OK &&
 *     suspended)
 *	printf("alice's membership does not count while she is not on her team\n");
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_member_status(const pws_policy *policy, int *role, int *partner_lead,
                                 int *is_partner, int *suspended, const char *workspace_id,
                                 const char *user_id);

/**
 * @brief Reads the open invite of an address to a workspace.
 * @param policy the policy handle.
 * @param[out] kind receives the ::pws_invite_kind (may be NULL).
 * @param[out] role receives the ::pws_ws_role (may be NULL).
 * @param[out] partner_lead receives the Partner Lead flag (may be NULL).
 * @param workspace_id the workspace.
 * @param email the invitee's address (normalized before lookup).
 * @return ::PWS_OK; ::PWS_ENOTFOUND (no open invite); ::PWS_EINVALID.
 * @par Example
 * @code
 * int kind, role, lead;
 *
 * if (pws_invite_get(p, &kind, &role, &lead, "api-hub", "bob@acme.com") == PWS_OK)
 *	printf("bob is invited as %s %s\n", kind == PWS_INVITE_PARTNER ? "partner" : "member",
 *	       pws_ws_role_name(role));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_invite_get(const pws_policy *policy, int *kind, int *role,
                              int *partner_lead, const char *workspace_id,
                              const char *email);

/**
 * @brief Reads an element's state.
 * @param policy the policy handle.
 * @param[out] kind receives the ::pws_element_kind (may be NULL).
 * @param[out] trashed receives 1 if the element is in the trash (may be NULL).
 * @param[out] ws_buf receives its workspace id (may be NULL).
 * @param ws_size the size of @p ws_buf.
 * @param element_id the element (deleted-for-good elements are not found).
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID (also when @p ws_buf is
 *         too small).
 * @par Example
 * @code
 * int kind, trashed;
 * char ws[256];
 *
 * if (pws_element_get(p, &kind, &trashed, ws, sizeof ws, "payments-api") == PWS_OK)
 *	printf("payments-api is in %s%s\n", ws, trashed ? " (in the trash)" : "");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_element_get(const pws_policy *policy, int *kind, int *trashed,
                               char *ws_buf, size_t ws_size, const char *element_id);

/**
 * @brief Reads an element's workspace id into a caller buffer, saying the
 *        size it needs.
 *
 * Unlike pws_element_get(), a buffer that is too small is answered with
 * the size it must have: call once with @p buf NULL and @p size 0 to
 * learn it, or retry with *needed bytes.
 * @param policy the policy handle.
 * @param[out] buf receives the workspace id (may be NULL when @p size is 0).
 * @param size the size of @p buf.
 * @param element_id the element.
 * @param[out] needed receives the size the id needs, terminating NUL
 *             included, on success and when @p buf is too small; 0 on
 *             any other error.
 * @return ::PWS_OK; ::PWS_EINVALID (NULL @p policy or @p needed,
 *         malformed @p element_id, @p buf NULL with a non-zero @p size,
 *         or @p buf too small: then *needed > @p size); ::PWS_ENOTFOUND.
 * @par Example
 * @code
 * char ws[256];
 * size_t need = 0;
 *
 * if (pws_element_get_workspace(p, ws, sizeof ws, "col", &need) == PWS_OK)
 * 	printf("col is in %s\n", ws);
 * else if (need > sizeof ws)
 * 	fprintf(stderr, "needs %zu bytes\n", need);
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_element_get_workspace(const pws_policy *policy, char *buf, size_t size,
                                         const char *element_id, size_t *needed);

/**
 * @brief The name of a workspace role, as the snapshot format spells it.
 * @param role a ::pws_ws_role.
 * @return a static string: "viewer", "editor" or "admin"; "" for unknown
 *         values. Never NULL.
 * @since 0.2
 */
PWS_EXTERN const char *pws_ws_role_name(int role);

/**
 * @brief The name of a visibility, as the snapshot format spells it.
 * @param visibility a ::pws_visibility.
 * @return a static string: "personal", "private", "team", "partner" or
 *         "public"; "" for unknown values. Never NULL.
 * @par Example
 * @code
 * printf("%s %s\n", pws_visibility_name(PWS_VIS_PARTNER), pws_ws_role_name(PWS_ROLE_EDITOR));
 * @endcode
 * @since 0.2
 */
PWS_EXTERN const char *pws_visibility_name(int visibility);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_WORKSPACE_H */
