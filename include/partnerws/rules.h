/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/rules.h
 * @brief Rule ids of the policy (POLICY.md) and the per-call result.
 * @defgroup rules Rules and results
 *
 * Every decision names the rule that made it: a ::pws_rule value whose
 * short id ("IN3") and text come from pws_rule_id() and pws_rule_text().
 * Every mutating call fills an optional caller-owned ::pws_result with its
 * status, the deciding rule and a message, so the diagnosis reaches the
 * caller of that very call from any thread.
 * @{
 */
#ifndef PARTNERWS_RULES_H
#define PARTNERWS_RULES_H

#include "common.h"

PWS_BEGIN_DECL

/**
 * @brief The rules of POLICY.md. Values are ABI: never renumbered.
 */
typedef enum pws_rule {
	PWS_RULE_NONE = 0,      /**< No policy rule (bad input, storage...). */
	PWS_RULE_PL1 = 1,       /**< Partner workspaces need professional or enterprise. */
	PWS_RULE_PL2 = 2,       /**< Partner Viewers free; Partner Editors are billed seats. */
	PWS_RULE_PL3 = 3,       /**< Trash recovery of deleted elements. */
	PWS_RULE_PL4 = 4,       /**< Included Partner Editor seats. */
	PWS_RULE_CR1 = 5,       /**< Creating a partner workspace: directly or by request. */
	PWS_RULE_CR2 = 6,       /**< Converting a workspace to partner visibility. */
	PWS_RULE_CR3 = 7,       /**< Reviewing requests: Partner Managers and super admins. */
	PWS_RULE_CR4 = 8,       /**< Conversion notifies every member. */
	PWS_RULE_CR5 = 9,       /**< New partner workspaces are team-to-team. */
	PWS_RULE_CR6 = 10,      /**< Partners never create workspaces in the publisher team. */
	PWS_RULE_CR7 = 11,      /**< Partner Manager exists on enterprise only. */
	PWS_RULE_CR8 = 12,      /**< First partner workspace makes the team Admin a Partner Manager. */
	PWS_RULE_WS1 = 13,      /**< Partner workspaces: members and Partner Managers only. */
	PWS_RULE_WS2 = 14,      /**< Partners reach only the partner workspaces they joined. */
	PWS_RULE_WS3 = 15,      /**< Team-to-team: reached from the partner's own team, external. */
	PWS_RULE_WS4 = 16,      /**< Access follows team membership. */
	PWS_RULE_LC1 = 17,      /**< Pending and deleted workspaces allow nothing. */
	PWS_RULE_RO1 = 18,      /**< Partners are editor or viewer, never admin. */
	PWS_RULE_RO2 = 19,      /**< Multi-partner mode: partners are viewers. */
	PWS_RULE_RO3 = 20,      /**< Partner Lead flag: Workspace Admins and Partner Managers. */
	PWS_RULE_RO4 = 21,      /**< Who manages members and roles. */
	PWS_RULE_RO5 = 22,      /**< Nobody changes their own role or lead flag. */
	PWS_RULE_RO6 = 23,      /**< A workspace keeps one Admin from the owning team. */
	PWS_RULE_IN1 = 24,      /**< Who invites partners. */
	PWS_RULE_IN2 = 25,      /**< Who invites team members. */
	PWS_RULE_IN3 = 26,      /**< Partner Leads invite their own organization only. */
	PWS_RULE_IN4 = 27,      /**< Partners must be external. */
	PWS_RULE_IN5 = 28,      /**< Bulk invites report bad lines by number. */
	PWS_RULE_IN6 = 29,      /**< Team-to-team partners choose their team on accept. */
	PWS_RULE_AC1 = 30,      /**< Members view, send requests, run, generate code, export. */
	PWS_RULE_ED1 = 31,      /**< Editing and importing. */
	PWS_RULE_MV1 = 32,      /**< Moving an element. */
	PWS_RULE_MV2 = 33,      /**< Monitors and mock servers stay behind. */
	PWS_RULE_RM1 = 34,      /**< Removing or deleting an element. */
	PWS_RULE_RM2 = 35,      /**< Ending a partner relation with a team. */
	PWS_RULE_FK1 = 36,      /**< Forking out of a partner workspace. */
	PWS_RULE_CM1 = 37,      /**< Comments: never in multi-partner mode. */
	PWS_RULE_UP1 = 38,      /**< Posting workspace updates. */
	PWS_RULE_UP2 = 39,      /**< Replying to updates. */
	PWS_RULE_DT1 = 40,      /**< Editing name, summary, description. */
	PWS_RULE_MP1 = 41,      /**< Enabling multi-partner mode, once. */
	PWS_RULE_INT1 = 42,     /**< No Slack/Teams integration in partner workspaces. */
	PWS_RULE_DL1 = 43,      /**< Visibility away from partner once no partner is left. */
	PWS_RULE_DL2 = 44,      /**< Deleting the workspace. */
	PWS_RULE_VI1 = 45,      /**< Publisher members see every member. */
	PWS_RULE_VI2 = 46,      /**< Multi-partner isolation of partner organizations. */
	PWS_RULE_VI3 = 47,      /**< Single-partner: everyone sees everyone. */
	PWS_RULE_VI4 = 48,      /**< History is private. */
	PWS_RULE_VI5 = 49,      /**< Updates are broadcast. */
	PWS_RULE_VI6 = 50,      /**< Unread-updates count. */
	PWS_RULE_VI7 = 51,      /**< Partners are marked external. */
	PWS_RULE_VI8 = 52,      /**< View as a partner organization. */
	PWS_RULE_VI9 = 53,      /**< What one partner reaches across a team. */
	PWS_RULE_TT1 = 54,      /**< Partnerships page. */
	PWS_RULE_TT2 = 55,      /**< Migration from legacy to team-to-team. */
	PWS_RULE_TT3 = 56,      /**< Notice coalescing. */
	PWS_RULE_IN7 = 57,      /**< Withdrawing an open invite; member invites need a team user (since 0.2). */
	PWS_RULE_EV1 = 58,      /**< Notices never address partners of two organizations (since 0.2). */
	PWS_RULE_COUNT = 59     /**< Number of values; not a rule. Grows when rules are added. */
} pws_rule;

/**
 * @brief The short id of a rule, as POLICY.md names it.
 * @param rule a ::pws_rule value.
 * @return a static string such as "IN3"; "" for ::PWS_RULE_NONE and for
 *         unknown values. Never NULL.
 * @par Example
 * @code
 * int allowed, rule;
 *
 * if (pws_check(p, &allowed, &rule, "gina", PWS_ACT_COMMENT, NULL, "payments-api") == PWS_OK &&
 *     !allowed)
 *	printf("denied by %s: %s\n", pws_rule_id(rule), pws_rule_text(rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN const char *pws_rule_id(int rule);

/**
 * @brief The text of a rule, one English sentence.
 * @param rule a ::pws_rule value.
 * @return a static string; "" for ::PWS_RULE_NONE and unknown values.
 * @since 0.1
 */
PWS_EXTERN const char *pws_rule_text(int rule);

/**
 * @brief Looks a rule up by its short id.
 * @param id a short id such as "IN3" (exact, case-sensitive).
 * @return the ::pws_rule value, or ::PWS_RULE_NONE if @p id is NULL or
 *         unknown.
 * @par Example
 * @code
 * int rule = pws_rule_from_id("RO2");
 *
 * if (rule != PWS_RULE_NONE)
 *	printf("RO2 says: %s\n", pws_rule_text(rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_rule_from_id(const char *id);

/** Current version of ::pws_result. */
#define PWS_RESULT_VERSION 2

/** Bits of ::pws_result @c flags. */
enum pws_result_flag {
	/** The call created a request awaiting review (CR1, CR2) instead of
	 *  acting at once. */
	PWS_RESULT_PENDING = 1u << 0,
	/** An Editor role was lowered to Viewer (PL4 seats, RO2). */
	PWS_RESULT_DOWNGRADED = 1u << 1,
	/** A deleted element went to the trash and can be restored (PL3). */
	PWS_RESULT_TRASHED = 1u << 2,
	/** A partner relation with a team ended (RM2). */
	PWS_RESULT_RELATION_ENDED = 1u << 3,
	/** The call was only asked (::PWS_REQUEST_ASK): nothing was changed.
	 *  @since 0.2 */
	PWS_RESULT_ASKED = 1u << 4
};

/** Bits of ::pws_result @c request (version 2), set by the caller before
 *  the call. @since 0.2 */
enum pws_request_flag {
	/** Ask before doing: the call is decided exactly as it would be made
	 *  (the same argument checks, the same decision of the policy layer,
	 *  the same rule id, on the handle's present state) and reported, and
	 *  nothing is changed: no state, no store record, no event. ::PWS_OK
	 *  (with ::PWS_RESULT_ASKED in @c flags, and the other flags and the
	 *  message the call would report, e.g. ::PWS_RESULT_DOWNGRADED) means
	 *  the call would be allowed; ::PWS_EDENIED and the rule mean it would
	 *  be refused; any other code is the failure the call would meet
	 *  (::PWS_ENOTFOUND, ::PWS_EEXISTS, ::PWS_ESTATE, ::PWS_EINVALID).
	 *  Every mutating call that takes a ::pws_result honours it; a UI asks
	 *  with the very arguments it would pass (this member, that role, this
	 *  target workspace) to grey out what the user may not do. */
	PWS_REQUEST_ASK = 1u << 0
};

/** Size of ::pws_result @c message, terminating NUL included. */
#define PWS_RESULT_MESSAGE_SIZE 256

/**
 * @brief The outcome of one call, owned by the caller.
 *
 * Pass a pointer to one (or NULL) as the last argument of a mutating
 * call; the library fills it before returning, on success and on failure.
 * Set @c version to ::PWS_RESULT_VERSION (use ::PWS_RESULT_INIT).
 */
typedef struct pws_result {
	/** Must be ::PWS_RESULT_VERSION (or older). */
	unsigned int version;
	/** The status the call returned (::pws_status_code). */
	int code;
	/** The deciding rule (::pws_rule), ::PWS_RULE_NONE if none decided. */
	int rule;
	/** ::pws_result_flag bits describing what happened. */
	uint32_t flags;
	/** A NUL-terminated English message; "" on plain success. */
	char message[PWS_RESULT_MESSAGE_SIZE];
	/* v2 (since 0.2). */
	/** ::pws_request_flag bits: what the caller asks of the call. Set by
	 *  the caller, never changed by the library. */
	uint32_t request;
	/* v3 and later: fields are appended here. */
} pws_result;

/** Static initializer for ::pws_result. */
#define PWS_RESULT_INIT {PWS_RESULT_VERSION, 0, 0, 0, {0}, 0}

/**
 * @brief Initializes a result (function twin of ::PWS_RESULT_INIT).
 * @param res the result to initialize.
 * @param version the version the caller was built against.
 * @return ::PWS_OK, or ::PWS_EINVALID if @p res is NULL or @p version is
 *         0 or newer than this library.
 * @par Example
 * @code
 * pws_result r;
 *
 * if (pws_result_init(&r, PWS_RESULT_VERSION) != PWS_OK)
 *	return -1;
 * if (pws_invite(p, "pam", "api-hub", "bob@acme.com", PWS_INVITE_PARTNER,
 *                PWS_ROLE_EDITOR, 0, &r) == PWS_OK && (r.flags & PWS_RESULT_DOWNGRADED))
 *	printf("invited as a Viewer: %s\n", r.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_result_init(pws_result *res, unsigned int version);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_RULES_H */
