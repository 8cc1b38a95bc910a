/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/snapshot.h
 * @brief Whole-state snapshots in a documented JSON format.
 * @defgroup snapshot Snapshots
 *
 * A snapshot holds the whole policy state: teams, users, workspaces,
 * memberships, open invites, elements, updates, replies, history entries,
 * comments and plan settings. The format is documented in doc/SNAPSHOT.md
 * and versioned by its top-level "format" member; a snapshot written by
 * this version imports in every later one. Parsing uses jansson.
 * @{
 */
#ifndef PARTNERWS_SNAPSHOT_H
#define PARTNERWS_SNAPSHOT_H

#include "common.h"
#include "policy.h"
#include "rules.h"

PWS_BEGIN_DECL

/** The snapshot format this library writes (and the newest it reads). */
#define PWS_SNAPSHOT_FORMAT 1

/**
 * @brief Exports the whole state as JSON text.
 * @param policy the policy handle.
 * @param[out] json receives a NUL-terminated UTF-8 JSON text, allocated
 *             with the handle's allocator (which the text remembers);
 *             release it with pws_snapshot_release() (no handle needed:
 *             it may outlive the handle, as long as the allocator given
 *             to pws_policy_new() still works) or pws_snapshot_free().
 *             Not with free() nor pws_string_free(): the allocation
 *             starts before the text.
 * @param[out] len receives the text's length without the NUL (may be NULL).
 * @return ::PWS_OK; ::PWS_EINVALID; ::PWS_ENOMEM.
 * @par Example
 * @code
 * char *json = NULL;
 * size_t len = 0;
 *
 * if (pws_snapshot_export(p, &json, &len) == PWS_OK) {
 *	fwrite(json, 1, len, stdout);
 *	pws_snapshot_free(p, json);
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_snapshot_export(const pws_policy *policy, char **json, size_t *len);

/**
 * @brief Releases a text returned by pws_snapshot_export(). Accepts NULL.
 * @param policy the handle that produced it.
 * @param json the text.
 * @since 0.1
 */
PWS_EXTERN void pws_snapshot_free(const pws_policy *policy, char *json);

/**
 * @brief Releases a text returned by pws_snapshot_export(), without the
 *        handle. Accepts NULL.
 *
 * The text carries, in a hidden header before its first byte, the
 * allocator that made it, and is freed with it: it may be released after
 * pws_policy_free(), as long as that allocator (and its context) still
 * works. Pass only texts from pws_snapshot_export().
 * @param json the text.
 * @par Example
 * @code
 * char *json = NULL;
 * size_t len = 0;
 *
 * if (pws_snapshot_export(p, &json, &len) == PWS_OK) {
 * 	fwrite(json, 1, len, stdout);
 * 	pws_snapshot_release(json); // no handle needed
 * }
 * @endcode
 * @since 0.2
 */
PWS_EXTERN void pws_snapshot_release(char *json);

/**
 * @brief Replaces the whole state with a snapshot.
 *
 * The text is parsed and validated completely before anything changes;
 * malformed or hostile input (bad syntax, truncation, NUL bytes, duplicate
 * keys, deep nesting, numbers out of range, unknown format version,
 * references to unknown ids, invalid enum values) is refused with
 * ::PWS_EINVALID and a message giving the position (line, column, byte
 * offset) or the path of the offending member, and the state is unchanged.
 * @param policy the policy handle.
 * @param json the JSON text (need not be NUL-terminated).
 * @param len its length in bytes.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EINVALID; ::PWS_ENOMEM; ::PWS_ESTORAGE.
 * @par Example
 * @code
 * char *json = NULL;
 * size_t len = 0;
 * pws_policy *copy = NULL;
 *
 * // Copies the state of p into a new handle.
 * if (pws_snapshot_export(p, &json, &len) != PWS_OK)
 *	return -1;
 * if (pws_policy_new(&copy, NULL) == PWS_OK &&
 *     pws_snapshot_import(copy, json, len, &res) != PWS_OK)
 *	fprintf(stderr, "import: %s\n", res.message);
 * pws_snapshot_free(p, json);
 * pws_policy_free(copy);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_snapshot_import(pws_policy *policy, const char *json, size_t len,
                                   pws_result *res);

/**
 * @brief Compacts the store: writes the whole state as one record and
 *        deletes every record before it, in one change set.
 *
 * A store is a log of calls, and loading replays them all; after
 * compaction it holds one state image (a record of the same kind and key
 * scheme, documented in doc/STORAGE.md) followed by the calls made since,
 * so loading costs what the state holds rather than the history that
 * built it. The state itself does not change: no event is sent, and the
 * checks answer as before. Like every write, compaction is all or
 * nothing: when a callback fails, the library rolls the change set back
 * and returns ::PWS_ESTORAGE, and the store holds every record it held.
 * The image is written as @c put under the next key, then each older key
 * is passed to @c del, then @c commit. Without storage, or with nothing
 * stored yet, it does nothing and returns ::PWS_OK. Its users and
 * memberships are packed (version 2 of the image's binary section, about
 * a third of the size of version 1, which earlier versions wrote and
 * which is still read).
 * @param policy the policy handle.
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EINVALID (NULL handle, a storage table without
 *         @c del, or a state holding a text that is not valid UTF-8, which
 *         the image's JSON part cannot carry); ::PWS_ENOMEM;
 *         ::PWS_ESTORAGE; ::PWS_EMISUSE (from inside a callback).
 * @par Example
 * @code
 * // Nightly: one record for the whole state instead of a long log.
 * if (pws_compact(p, &res) != PWS_OK)
 *	fprintf(stderr, "compaction failed (nothing changed): %s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_compact(pws_policy *policy, pws_result *res);

/** A user of a bulk load (pws_load_state()). */
typedef struct pws_load_user {
	const char *id;      /**< User id. */
	const char *email;   /**< Email address. */
	const char *team_id; /**< Team (defined in the load's JSON part), or NULL: none. */
	int team_role;       /**< A ::pws_team_role when team_id is set, else 0. */
	int partner_manager; /**< 1: Partner Manager of its team. */
} pws_load_user;

/** A workspace of a bulk load (pws_load_state()); active, no texts but its name. */
typedef struct pws_load_workspace {
	const char *id;      /**< Workspace id. */
	const char *name;    /**< Display name. */
	const char *team_id; /**< The owning team. */
	int visibility;      /**< A ::pws_visibility. */
	int mode;            /**< A ::pws_mode; 0: single-partner for a partner workspace. */
	int model;           /**< A ::pws_model; 0: team-to-team for a partner workspace. */
} pws_load_workspace;

/** A membership of a bulk load (pws_load_state()). */
typedef struct pws_load_membership {
	uint32_t workspace; /**< Position in pws_load::workspaces. */
	uint32_t user;      /**< Position in pws_load::users. */
	const char *org;    /**< NULL for a member of the owning team; for a partner, the id of
	                         its organization (a team; a domain in a legacy workspace). */
	int role;           /**< A ::pws_ws_role. */
	int lead;           /**< 1: Partner Lead. */
} pws_load_membership;

/** Version of ::pws_load understood by this library. */
#define PWS_LOAD_VERSION 1

/** A host's whole state for pws_load_state(). */
typedef struct pws_load {
	/** Must be ::PWS_LOAD_VERSION. */
	unsigned int version;
	/** The rest of the state as a snapshot text (pws_snapshot_import()'s
	 *  format) whose users, workspaces and memberships are empty or absent:
	 *  its teams, and any invites, elements or posts; NULL: none. */
	const char *json;
	size_t json_len;                        /**< Length of json in bytes. */
	const pws_load_user *users;             /**< n_users users. */
	size_t n_users;                         /**< Number of users. */
	const pws_load_workspace *workspaces;   /**< n_workspaces workspaces. */
	size_t n_workspaces;                    /**< Number of workspaces. */
	const pws_load_membership *memberships; /**< n_memberships memberships. */
	size_t n_memberships;                   /**< Number of memberships. */
} pws_load;

/**
 * @brief Loads a host's whole state at once (its first load from its own
 *        database): teams, users, workspaces and memberships, validated,
 *        written through as one record, all or nothing.
 *
 * The bulk path: much faster than the calls that would build the same
 * state (pws_user_add(), pws_workspace_create(), pws_invite() and
 * pws_invite_accept() for each membership), because the tables are sized
 * once, no event is sent and one record is stored. The new state replaces
 * the handle's state, as pws_snapshot_import() does, and every rule a
 * snapshot must keep (doc/SNAPSHOT.md, S1-S17) is checked: bad input is
 * refused with ::PWS_EINVALID and a message naming the offending item,
 * and nothing changes. With storage, the state is written as one state
 * image (the record pws_compact() writes; @c put then @c commit), and a
 * storage failure returns ::PWS_ESTORAGE with nothing changed in memory
 * or in the store.
 * @param policy the policy handle.
 * @param load the state (::PWS_LOAD_VERSION).
 * @param res the call's result, or NULL.
 * @return ::PWS_OK; ::PWS_EINVALID; ::PWS_ENOMEM; ::PWS_ESTORAGE;
 *         ::PWS_ECONFLICT (a shared store: another writer appended first;
 *         the load is not applied over a state it did not see — reload
 *         or sync, then decide again); ::PWS_EMISUSE (from inside a
 *         callback).
 * @par Example
 * @code
 * static const char teams[] = "{\"format\": 1, \"teams\": [{\"id\": \"acme\", "
 *                             "\"name\": \"Acme\", \"plan\": \"enterprise\", "
 *                             "\"domains\": [\"acme.com\"]}]}";
 * pws_load_user u[2] = {{"pam", "pam@acme.com", "acme", PWS_TEAM_ADMIN, 1},
 *                       {"ann", "ann@acme.com", "acme", PWS_TEAM_MEMBER, 0}};
 * pws_load_workspace w[1] = {{"api-hub", "API hub", "acme", PWS_VIS_TEAM, 0, 0}};
 * pws_load_membership m[2] = {{0, 0, NULL, PWS_ROLE_ADMIN, 0},
 *                             {0, 1, NULL, PWS_ROLE_EDITOR, 0}};
 * pws_load l = {PWS_LOAD_VERSION, teams, sizeof teams - 1, u, 2, w, 1, m, 2};
 *
 * // The first load of a host: its directory and memberships at once.
 * if (pws_load_state(p, &l, &res) != PWS_OK)
 *	fprintf(stderr, "load refused, nothing changed: %s\n", res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_load_state(pws_policy *policy, const pws_load *load, pws_result *res);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_SNAPSHOT_H */
