/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/directory.h
 * @brief The host directory: teams and users.
 * @defgroup directory Host directory
 *
 * The host is the source of truth for who exists. These calls are not
 * actor-checked: the host tells the library what is. Ids are non-empty
 * UTF-8 strings of at most 255 bytes, copied and interned.
 *
 * All functions take a caller-owned ::pws_result (or NULL) last and leave
 * the state unchanged when they fail.
 * @{
 */
#ifndef PARTNERWS_DIRECTORY_H
#define PARTNERWS_DIRECTORY_H

#include "common.h"
#include "policy.h"
#include "rules.h"

PWS_BEGIN_DECL

/** A team's plan. Values are ABI. */
typedef enum pws_plan {
	PWS_PLAN_FREE = 1,         /**< Free. */
	PWS_PLAN_BASIC = 2,        /**< Basic. */
	PWS_PLAN_PROFESSIONAL = 3, /**< Professional. */
	PWS_PLAN_ENTERPRISE = 4    /**< Enterprise. */
} pws_plan;

/** A user's role in their home team. Values are ABI. */
typedef enum pws_team_role {
	PWS_TEAM_MEMBER = 1,      /**< Team member. */
	PWS_TEAM_ADMIN = 2,       /**< Team Admin. */
	PWS_TEAM_SUPER_ADMIN = 3  /**< Super Admin. */
} pws_team_role;

/**
 * @brief Adds a team.
 * @param policy the policy handle.
 * @param team_id the new team's id.
 * @param name a display name (may be empty, not NULL).
 * @param plan a ::pws_plan.
 * @param sso non-zero if the team logs in with SSO (TT1).
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EEXISTS if the id is taken; ::PWS_EINVALID on a
 *         bad argument; ::PWS_ENOMEM.
 * @par Example
 * @code
 * if (pws_team_add(p, "acme", "Acme Corp", PWS_PLAN_PROFESSIONAL, 1, &res) != PWS_OK ||
 *     pws_team_add_domain(p, "acme", "acme.com", &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_team_add(pws_policy *policy, const char *team_id, const char *name,
                            int plan, int sso, pws_result *res);

/**
 * @brief Changes a team's plan.
 *
 * Partner Manager flags only take effect on enterprise (CR7); plan checks
 * (PL1, PL3, FK1) use the current plan.
 * @param policy the policy handle.
 * @param team_id the team.
 * @param plan a ::pws_plan.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * // Acme upgrades, turns on SSO and gives up an old domain.
 * if (pws_team_set_plan(p, "acme", PWS_PLAN_ENTERPRISE, &res) != PWS_OK ||
 *     pws_team_set_sso(p, "acme", 1, &res) != PWS_OK ||
 *     pws_team_remove_domain(p, "acme", "acme-old.com", &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_team_set_plan(pws_policy *policy, const char *team_id, int plan,
                                 pws_result *res);

/**
 * @brief Sets whether a team logs in with SSO (shown by TT1).
 * @param policy the policy handle.
 * @param team_id the team.
 * @param sso non-zero for SSO.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_team_set_sso(pws_policy *policy, const char *team_id, int sso,
                                pws_result *res);

/**
 * @brief Adds a captured/verified email domain to a team.
 *
 * The domain is normalized as IN3 says (lowercase, one trailing dot
 * dropped) and must be well formed. A domain belongs to one team at most.
 * @param policy the policy handle.
 * @param team_id the team.
 * @param domain the domain, e.g. "acme.com".
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EEXISTS if a team already
 *         holds it; ::PWS_EINVALID if malformed; ::PWS_ENOMEM.
 * @since 0.1
 */
PWS_EXTERN int pws_team_add_domain(pws_policy *policy, const char *team_id,
                                   const char *domain, pws_result *res);

/**
 * @brief Removes an email domain from a team.
 * @param policy the policy handle.
 * @param team_id the team.
 * @param domain the domain.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND if the team or the domain is unknown;
 *         ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_team_remove_domain(pws_policy *policy, const char *team_id,
                                      const char *domain, pws_result *res);

/**
 * @brief Sets the number of included Partner Editor seats (PL4; default 3).
 * @param policy the policy handle.
 * @param team_id the publisher team.
 * @param seats the number of seats.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * uint32_t used, included;
 *
 * if (pws_team_set_editor_seats(p, "publisher", 10, &res) == PWS_OK &&
 *     pws_team_editor_seats(p, &used, &included, "publisher") == PWS_OK)
 *	printf("%u of %u Partner Editor seats used\n", (unsigned)used, (unsigned)included);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_team_set_editor_seats(pws_policy *policy, const char *team_id,
                                         uint32_t seats, pws_result *res);

/**
 * @brief Counts the distinct partners holding Editor in any of a team's
 *        partner workspaces (PL2, PL4).
 * @param policy the policy handle.
 * @param[out] used receives the number of Partner Editor seats in use.
 * @param[out] included receives the number of included seats (may be NULL).
 * @param team_id the publisher team.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @since 0.1
 */
PWS_EXTERN int pws_team_editor_seats(const pws_policy *policy, uint32_t *used,
                                     uint32_t *included, const char *team_id);

/**
 * @brief Removes a team. Its users become users without a team.
 *
 * Refused while the team owns a workspace that is not deleted.
 * @param policy the policy handle.
 * @param team_id the team.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_ESTATE if it owns workspaces;
 *         ::PWS_EINVALID.
 * @par Example
 * @code
 * int rc = pws_team_remove(p, "initech", &res);
 *
 * if (rc != PWS_OK)
 *	fprintf(stderr, "pws_team_remove: %s\n", pws_strerror(rc));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_team_remove(pws_policy *policy, const char *team_id, pws_result *res);

/**
 * @brief Sets the trash retention of deleted collections for a plan (PL3).
 *
 * By default only enterprise keeps collections under 30 MB for 90 days;
 * other plans keep nothing unless configured here.
 * @param policy the policy handle.
 * @param plan a ::pws_plan.
 * @param days days a deleted collection stays recoverable (0: none).
 * @param max_bytes collections of this size or more are not kept.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EINVALID.
 * @par Example
 * @code
 * // Enterprise teams get deleted collections back for 90 days, 1 GiB at most.
 * if (pws_plan_set_retention(p, PWS_PLAN_ENTERPRISE, 90, (uint64_t)1 << 30, &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_plan_set_retention(pws_policy *policy, int plan, uint32_t days,
                                      uint64_t max_bytes, pws_result *res);

/**
 * @brief Adds a user.
 * @param policy the policy handle.
 * @param user_id the new user's id.
 * @param email the user's email, normalized per IN3.
 * @param team_id the home team, or NULL for a user without a team (a
 *        legacy individual partner account).
 * @param team_role a ::pws_team_role (ignored without a team).
 * @param partner_manager non-zero for the team-level Partner Manager
 *        flag; refused with CR7 unless the team is on enterprise.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EEXISTS if the id or the email is taken;
 *         ::PWS_ENOTFOUND if the team is unknown; ::PWS_EINVALID (bad
 *         email, role); ::PWS_EDENIED (CR7); ::PWS_ENOMEM, also when the
 *         handle holds 536,870,911 users (2^29 - 1, removed ones included:
 *         the most a handle holds).
 * @par Example
 * @code
 * if (pws_user_add(p, "ada", "ada@publisher.io", "publisher", PWS_TEAM_SUPER_ADMIN, 0,
 *                  &res) != PWS_OK ||
 *     pws_user_add(p, "alice", "alice@acme.com", "acme", PWS_TEAM_MEMBER, 0, &res) != PWS_OK ||
 *     // a legacy individual partner: no team
 *     pws_user_add(p, "bob", "bob@example.org", NULL, 0, 0, &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_user_add(pws_policy *policy, const char *user_id, const char *email,
                            const char *team_id, int team_role, int partner_manager,
                            pws_result *res);

/**
 * @brief Moves a user to another team, or out of any team (WS4).
 *
 * Team-to-team partner memberships granted through the old team stop
 * counting at once, and count again if the user comes back. Memberships
 * of the user in the old team's own workspaces end, as do its Partner
 * Manager flag and team role.
 * @param policy the policy handle.
 * @param user_id the user.
 * @param team_id the new home team, or NULL for none.
 * @param team_role the role in the new team (::pws_team_role).
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * // Alice leaves Acme for Globex: her Acme-granted memberships stop counting.
 * if (pws_user_set_team(p, "alice", "globex", PWS_TEAM_MEMBER, &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_user_set_team(pws_policy *policy, const char *user_id,
                                 const char *team_id, int team_role, pws_result *res);

/**
 * @brief Changes a user's role in their home team.
 * @param policy the policy handle.
 * @param user_id the user.
 * @param team_role a ::pws_team_role.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_ESTATE if the user has no team;
 *         ::PWS_EINVALID.
 * @par Example
 * @code
 * if (pws_user_set_team_role(p, "dev", PWS_TEAM_ADMIN, &res) != PWS_OK ||
 *     pws_user_set_partner_manager(p, "dev", 1, &res) != PWS_OK)
 *	fprintf(stderr, "%s (%s)\n", res.message, pws_rule_id(res.rule));
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_user_set_team_role(pws_policy *policy, const char *user_id,
                                      int team_role, pws_result *res);

/**
 * @brief Sets or clears the team-level Partner Manager flag.
 * @param policy the policy handle.
 * @param user_id the user.
 * @param partner_manager non-zero to set.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EDENIED (CR7: the team is not
 *         on enterprise); ::PWS_ESTATE if the user has no team.
 * @since 0.1
 */
PWS_EXTERN int pws_user_set_partner_manager(pws_policy *policy, const char *user_id,
                                            int partner_manager, pws_result *res);

/**
 * @brief Removes a user and every membership, invite acceptance and
 *        element editorship they hold.
 * @param policy the policy handle.
 * @param user_id the user.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID.
 * @par Example
 * @code
 * if (pws_user_remove(p, "aaron", &res) != PWS_OK)
 *	fprintf(stderr, "%s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_user_remove(pws_policy *policy, const char *user_id, pws_result *res);

/**
 * @brief Normalizes an email address the one way the library does (IN3).
 *
 * Lowercases the domain, drops one trailing dot, keeps the local part as
 * given, and rejects: no '@' or more than one, empty parts, spaces or
 * control characters, quoted local parts, IP literals, single-label
 * domains, non-ASCII domains (lookalikes), labels over 63 bytes, a local
 * part over 64 bytes, an address over 254 bytes.
 * @param[out] out receives the normalized address, NUL-terminated.
 * @param out_size the size of @p out (255 is always enough).
 * @param email the address.
 * @return ::PWS_OK; ::PWS_EINVALID if malformed or @p out too small.
 * @par Example
 * @code
 * char email[255], domain[255];
 *
 * if (pws_email_normalize(email, sizeof email, "Bob@ACME.com.") == PWS_OK &&
 *     pws_domain_normalize(domain, sizeof domain, "ACME.com") == PWS_OK)
 *	printf("%s %s\n", email, domain);	// Bob@acme.com acme.com
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_email_normalize(char *out, size_t out_size, const char *email);

/**
 * @brief Normalizes a domain the same way (IN3).
 * @param[out] out receives the normalized domain, NUL-terminated.
 * @param out_size the size of @p out (254 is always enough).
 * @param domain the domain.
 * @return ::PWS_OK; ::PWS_EINVALID if malformed or @p out too small.
 * @since 0.1
 */
PWS_EXTERN int pws_domain_normalize(char *out, size_t out_size, const char *domain);

/**
 * @brief The identity key of an email address: the address as
 *        pws_email_normalize() gives it, with the local part lowercased too.
 *
 * This is the form a user's and an invite's @c email takes in a snapshot
 * (doc/SNAPSHOT.md) and in filter columns (::PWS_COL_EMAIL), and the one by
 * which two addresses name the same person: "Bob@ACME.com" and
 * "bob@acme.com" have the same key. Show the normalized address to people;
 * compare and store keys.
 * @param[out] out receives the key, NUL-terminated; "" on failure.
 * @param out_size the size of @p out (255 is always enough).
 * @param email the address.
 * @param[out] needed receives the size the key needs, terminating NUL
 *             included, both on success and when @p out is too small; 0
 *             when @p email is malformed (may be NULL).
 * @return ::PWS_OK; ::PWS_EINVALID if @p email is malformed (then
 *         @p needed is 0), if @p out is NULL or @p out_size 0, or if
 *         @p out is too small (then @p needed is larger than @p out_size).
 * @par Example
 * @code
 * char a[255], b[255];
 *
 * if (pws_email_key(a, sizeof a, "Bob@ACME.com", NULL) == PWS_OK &&
 *     pws_email_key(b, sizeof b, "bob@acme.com", NULL) == PWS_OK && strcmp(a, b) == 0)
 *	printf("the same person\n");
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_email_key(char *out, size_t out_size, const char *email,
                             size_t *needed);

/**
 * @brief Reads a user's directory entry.
 * @param policy the policy handle.
 * @param[out] team_role receives the ::pws_team_role, 0 without a team (may be NULL).
 * @param[out] partner_manager receives 1 if the user is an effective Partner
 *             Manager (flag set and team on enterprise, CR7) (may be NULL).
 * @param[out] team_buf receives the home team id, "" without one (may be NULL).
 * @param team_size the size of @p team_buf.
 * @param user_id the user.
 * @return ::PWS_OK; ::PWS_ENOTFOUND; ::PWS_EINVALID (also when @p team_buf
 *         is too small).
 * @par Example
 * @code
 * int role = 0, pm = 0;
 * char team[256];
 *
 * if (pws_user_get(p, &role, &pm, team, sizeof team, "dev") == PWS_OK)
 *	printf("dev: team \"%s\", %s%s\n", team, pws_team_role_name(role),
 *	       pm ? ", Partner Manager" : "");
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_user_get(const pws_policy *policy, int *team_role, int *partner_manager,
                            char *team_buf, size_t team_size, const char *user_id);

/**
 * @brief Reads a user's home team id into a caller buffer, saying the
 *        size it needs.
 *
 * Unlike pws_user_get(), a buffer that is too small is answered with the
 * size it must have: call once with @p buf NULL and @p size 0 to learn
 * it, or retry with *needed bytes.
 * @param policy the policy handle.
 * @param[out] buf receives the team id, "" for a user without a team
 *             (may be NULL when @p size is 0).
 * @param size the size of @p buf.
 * @param user_id the user.
 * @param[out] needed receives the size the id needs, terminating NUL
 *             included, on success and when @p buf is too small; 0 on
 *             any other error.
 * @return ::PWS_OK; ::PWS_EINVALID (NULL @p policy or @p needed,
 *         malformed @p user_id, @p buf NULL with a non-zero @p size, or
 *         @p buf too small: then *needed > @p size); ::PWS_ENOTFOUND.
 * @par Example
 * @code
 * char team[256];
 * size_t need = 0;
 *
 * if (pws_user_get_team(p, team, sizeof team, "alice", &need) == PWS_OK)
 * 	printf("alice is on %s\n", team[0] ? team : "no team");
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_user_get_team(const pws_policy *policy, char *buf, size_t size,
                                 const char *user_id, size_t *needed);

/**
 * @brief The name of a plan, as the snapshot format spells it.
 * @param plan a ::pws_plan.
 * @return a static string: "free", "basic", "professional" or
 *         "enterprise"; "" for unknown values. Never NULL.
 * @par Example
 * @code
 * int plan;
 *
 * for (plan = PWS_PLAN_FREE; plan <= PWS_PLAN_ENTERPRISE; plan++)
 *	printf("%d %s\n", plan, pws_plan_name(plan));
 * printf("%s\n", pws_team_role_name(PWS_TEAM_SUPER_ADMIN));
 * @endcode
 * @since 0.2
 */
PWS_EXTERN const char *pws_plan_name(int plan);

/**
 * @brief The name of a team role, as the snapshot format spells it.
 * @param role a ::pws_team_role.
 * @return a static string: "member", "admin" or "super_admin"; "" for
 *         unknown values. Never NULL.
 * @since 0.2
 */
PWS_EXTERN const char *pws_team_role_name(int role);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_DIRECTORY_H */
