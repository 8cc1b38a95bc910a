/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/policy.h
 * @brief The policy handle, its options and the allocator hook.
 * @defgroup policy Policy handle
 * @{
 */
#ifndef PARTNERWS_POLICY_H
#define PARTNERWS_POLICY_H

#include "common.h"
#include "storage.h"

PWS_BEGIN_DECL

/**
 * @brief An opaque policy handle: the whole in-memory policy state.
 *
 * Created by pws_policy_new(), released by pws_policy_free().
 */
typedef struct pws_policy pws_policy;

/**
 * @brief An opaque event delivered to the host after a committed change.
 *
 * Borrowed: valid only during the callback that receives it.
 */
typedef struct pws_event pws_event;

/**
 * @brief The host's event callback.
 * @param event the event; valid only during the call.
 * @param payload the @c event_payload given in ::pws_policy_options.
 */
typedef void (*pws_event_cb)(const pws_event *event, void *payload);

/**
 * @brief The host's change callback: the handle caught up with changes
 *        other writers made to the shared store (pws_policy_sync()).
 * Called after the handle's lock is released; no events are delivered for
 * other writers' changes (the handle that made them delivered them).
 * @param revision the handle's revision after catching up.
 * @param payload the @c change_payload given in ::pws_policy_options.
 * @since 0.2
 */
typedef void (*pws_change_cb)(uint64_t revision, void *payload);

/** Current version of ::pws_allocator. */
#define PWS_ALLOCATOR_VERSION 1

/**
 * @brief A custom allocator for one policy handle.
 *
 * All three functions are mandatory. Memory the library allocates is only
 * ever released through the same table.
 */
typedef struct pws_allocator {
	/** Must be set to ::PWS_ALLOCATOR_VERSION (or an older version). */
	unsigned int version;
	/** Host context passed to every function. */
	void *ctx;
	/** Allocates @p size bytes (size is never 0); NULL on failure. */
	void *(*malloc_fn)(void *ctx, size_t size);
	/** Resizes @p ptr (never NULL) to @p size bytes (never 0); NULL on
	 *  failure, leaving @p ptr untouched. */
	void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
	/** Releases @p ptr (never NULL). */
	void (*free_fn)(void *ctx, void *ptr);
	/* v2 and later: fields are appended here. */
} pws_allocator;

/** Static initializer for ::pws_allocator (all functions NULL). */
#define PWS_ALLOCATOR_INIT {PWS_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL}

/**
 * @brief Initializes an allocator table (all functions NULL).
 *
 * The function twin of ::PWS_ALLOCATOR_INIT, for FFI callers.
 * @param alloc the table to initialize.
 * @param version the version the caller was built against.
 * @return ::PWS_OK, or ::PWS_EINVALID if @p alloc is NULL or @p version is
 *         0 or newer than this library.
 * @par Example
 * @code
 * #include <partnerws.h>
 * #include <stdlib.h>
 *
 * // Counts the bytes asked for, then uses the C library.
 * static void *count_malloc(void *ctx, size_t size)
 * {
 *	*(size_t *)ctx += size;
 *	return malloc(size);
 * }
 * static void *count_realloc(void *ctx, void *ptr, size_t size)
 * {
 *	*(size_t *)ctx += size;
 *	return realloc(ptr, size);
 * }
 * static void count_free(void *ctx, void *ptr)
 * {
 *	(void)ctx;
 *	free(ptr);
 * }
 *
 * int main(void)
 * {
 *	size_t asked = 0;
 *	pws_allocator a;
 *	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 *	pws_policy *p = NULL;
 *
 *	pws_allocator_init(&a, PWS_ALLOCATOR_VERSION);
 *	a.ctx = &asked;
 *	a.malloc_fn = count_malloc;
 *	a.realloc_fn = count_realloc;
 *	a.free_fn = count_free;
 *	o.allocator = &a;
 *	if (pws_policy_new(&p, &o) != PWS_OK)
 *		return 1;
 *	pws_policy_free(p);
 *	return 0;
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_allocator_init(pws_allocator *alloc, unsigned int version);

/** Current version of ::pws_policy_options (2 since 0.2: text limits). */
#define PWS_POLICY_OPTIONS_VERSION 3

/** Default of ::pws_policy_options @c max_name_bytes. */
#define PWS_DEFAULT_MAX_NAME_BYTES 1024u
/** Default of ::pws_policy_options @c max_text_bytes. */
#define PWS_DEFAULT_MAX_TEXT_BYTES 65536u
/** The largest text limit a handle accepts (1 MiB): the snapshot format
 *  refuses longer strings, so no call may store one. */
#define PWS_TEXT_LIMIT_MAX 1048576u

/**
 * @brief Options for pws_policy_new().
 *
 * Fields are only appended; each addition bumps
 * ::PWS_POLICY_OPTIONS_VERSION. The library never reads past the fields the
 * caller's @c version includes.
 */
typedef struct pws_policy_options {
	/** Must be set to ::PWS_POLICY_OPTIONS_VERSION (or an older version). */
	unsigned int version;
	/** Custom allocator, copied at creation; NULL for malloc/realloc/free. */
	const pws_allocator *allocator;
	/** Host storage callbacks, copied at creation; NULL keeps the state
	 *  purely in memory. */
	const pws_storage_ops *storage;
	/** Event callback, called after each committed change; may be NULL. */
	pws_event_cb on_event;
	/** Passed unchanged to @c on_event. */
	void *event_payload;
	/* v2 (since 0.2). A caller built against version 1 gets the defaults. */
	/** Largest name in bytes, terminating NUL not counted: team names
	 *  (pws_team_add()) and workspace names (pws_workspace_create(),
	 *  pws_workspace_add_legacy(), pws_workspace_set_details()). 0 means
	 *  ::PWS_DEFAULT_MAX_NAME_BYTES; at most ::PWS_TEXT_LIMIT_MAX. */
	uint32_t max_name_bytes;
	/** Largest free text in bytes, terminating NUL not counted: request
	 *  notes (pws_workspace_create(), pws_workspace_convert()), summaries
	 *  and descriptions (pws_workspace_set_details()), updates, replies,
	 *  history entries and comments. 0 means ::PWS_DEFAULT_MAX_TEXT_BYTES;
	 *  at most ::PWS_TEXT_LIMIT_MAX.
	 *
	 *  Both limits apply to the calls that bring a text in: a longer one is
	 *  refused with ::PWS_EINVALID and a message naming the limit, and
	 *  nothing changes. They do not apply to what is already stored: a
	 *  store written under larger limits still loads (its records are
	 *  replayed as they were committed), and pws_snapshot_import() only
	 *  holds strings to ::PWS_TEXT_LIMIT_MAX, so state moves between hosts
	 *  whatever their limits. Ids keep their own limit (255 bytes). */
	uint32_t max_text_bytes;
	/* v3 (since 0.2). */
	/** Called when pws_policy_sync() (or pws_policy_wait()) applied
	 *  changes of other writers; may be NULL. */
	pws_change_cb on_change;
	/** Passed unchanged to @c on_change. */
	void *change_payload;
	/* v4 and later: fields are appended here. */
} pws_policy_options;

/** Static initializer for ::pws_policy_options (all defaults). */
#define PWS_POLICY_OPTIONS_INIT {PWS_POLICY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL}

/**
 * @brief Initializes policy options to their defaults.
 *
 * The function twin of ::PWS_POLICY_OPTIONS_INIT, for FFI callers.
 * @param opts the options to initialize.
 * @param version the version the caller was built against.
 * @return ::PWS_OK, or ::PWS_EINVALID if @p opts is NULL or @p version is
 *         0 or newer than this library.
 * @par Example
 * @code
 * pws_policy_options o;
 * pws_policy *q = NULL;
 *
 * if (pws_policy_options_init(&o, PWS_POLICY_OPTIONS_VERSION) != PWS_OK)
 *	return -1;
 * o.max_text_bytes = 4096;	// updates, replies, comments: 4 KiB at most
 * if (pws_policy_new(&q, &o) != PWS_OK)
 *	return -1;
 * // ...
 * pws_policy_free(q);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_policy_options_init(pws_policy_options *opts, unsigned int version);

/**
 * @brief Creates an empty policy handle.
 *
 * @param[out] out receives the new handle; set to NULL on failure. Free it
 *             with pws_policy_free().
 * @param opts options, or NULL for all defaults. The structure and the
 *             tables it points to are copied; the caller may discard them.
 * When a storage table is given, its @c load is called and every stored
 * record replayed, so the handle starts with exactly the committed state
 * (see partnerws/storage.h). If this function fails, @c close is not
 * called: the caller still owns the storage context.
 * @return ::PWS_OK; ::PWS_EINVALID if @p out is NULL, a version is 0 or
 *         newer than this library, an allocator function is missing, or
 *         the storage table has no @c put or @c close, or a text limit is
 *         over ::PWS_TEXT_LIMIT_MAX; ::PWS_ESTORAGE if
 *         loading failed or a record is malformed or out of order;
 *         ::PWS_ENOMEM if allocation failed.
 * @par Example
 * @code
 * #include <partnerws.h>
 * #include <stdio.h>
 *
 * int main(void)
 * {
 *	pws_policy *p = NULL;
 *	int rc = pws_policy_new(&p, NULL);	// in memory, no events
 *
 *	if (rc != PWS_OK) {
 *		fprintf(stderr, "pws_policy_new: %s\n", pws_strerror(rc));
 *		return 1;
 *	}
 *	// ... teams, users, workspaces; checks and listings ...
 *	pws_policy_free(p);
 *	return 0;
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_policy_new(pws_policy **out, const pws_policy_options *opts);

/**
 * @brief Releases a policy handle and everything it owns.
 *
 * Calls the storage table's @c close, if one was given. Accepts NULL.
 * @param policy the handle to free, or NULL.
 * @since 0.1
 */
PWS_EXTERN void pws_policy_free(pws_policy *policy);

/**
 * @brief Frees a string the library handed over as owned by the caller
 *        (pws_request_get()). Accepts NULL.
 *
 * Such strings are allocated with the C library's plain malloc(), not
 * with the handle's allocator, so they outlive the handle and this is
 * the same as free(): it exists for bindings and for hosts whose free()
 * is not the library's (another C runtime).
 * Not for snapshot texts: use pws_snapshot_release().
 * @param s the string.
 * @par Example
 * @code
 * char *requester = NULL;
 *
 * if (pws_request_get(p, NULL, &requester, NULL, NULL, "pam", "team-ws") == PWS_OK)
 * 	pws_string_free(requester);
 * @endcode
 * @since 0.2
 */
PWS_EXTERN void pws_string_free(char *s);

/**
 * @brief A 64-bit digest of the whole policy state.
 *
 * Equal states give equal digests whatever order they were built in; tests
 * and hosts use it to prove that a failed call changed nothing and that
 * replicas agree.
 * @param policy the policy handle.
 * @param[out] digest receives the digest.
 * @return ::PWS_OK; ::PWS_EINVALID if an argument is NULL.
 * @par Example
 * @code
 * uint64_t before, after;
 *
 * pws_policy_digest(p, &before);
 * if (pws_member_remove(p, "alice", "api-hub", "dev", &res) != PWS_OK) {
 *	pws_policy_digest(p, &after);
 *	if (before != after)
 *		abort();	// a refused call changes nothing
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_policy_digest(const pws_policy *policy, uint64_t *digest);

/**
 * @brief The handle's revision: the store key of the last change it holds
 *        (0 for an empty store or no storage).
 *
 * Every committed change has the key of its record as its revision; a
 * handle answers checks and listings from its revision. Events carry the
 * revision of the change that caused them (pws_event_revision()).
 * @param policy the policy handle.
 * @param[out] revision receives the revision.
 * @return ::PWS_OK; ::PWS_EINVALID if an argument is NULL.
 * @par Example
 * @code
 * uint64_t rev;
 *
 * // The writer hands the revision of its change to the reader (a "zookie").
 * if (pws_invite(p, "pam", "api-hub", "bob@acme.com", PWS_INVITE_PARTNER,
 *                PWS_ROLE_VIEWER, 0, &res) == PWS_OK && pws_policy_revision(p, &rev) == PWS_OK)
 *	printf("invited at revision %" PRIu64 "\n", rev);
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_policy_revision(const pws_policy *policy, uint64_t *revision);

/**
 * @brief Catches up with the shared store: applies every change other
 *        writers committed after the handle's revision.
 *
 * Needs a version-2 storage table with @c load_after (otherwise there is
 * nothing to do and it returns ::PWS_OK). The records are applied in
 * order under the handle's write lock, so readers see each change whole or
 * not at all; a compaction another writer made is loaded whole. No events
 * are delivered for them (the handle that made each change delivered
 * them); the options' @c on_change callback is called once, after the lock
 * is released, if anything was applied.
 * @param policy the policy handle.
 * @param[out] revision receives the revision reached, or NULL.
 * @return ::PWS_OK; ::PWS_EINVALID; ::PWS_ESTORAGE (the store could not be
 *         read, or a record is damaged: what was applied before it stays,
 *         and the revision says how far); ::PWS_ENOMEM; ::PWS_EMISUSE from
 *         inside a callback.
 * @par Example
 * @code
 * uint64_t rev = 0;
 *
 * // Before a batch of checks, apply what the other writers committed.
 * if (pws_policy_sync(p, &rev) != PWS_OK)
 *	fprintf(stderr, "caught up only to revision %" PRIu64 "\n", rev);
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_policy_sync(pws_policy *policy, uint64_t *revision);

/**
 * @brief Waits until the handle is at least at @p min_revision, catching
 *        up as the store grows, or until @p timeout_ms passes.
 *
 * This is how a host reads its own writes on another server (like a
 * Zanzibar zookie): the writer hands the revision of its change
 * (pws_policy_revision() after the call, or the event's revision) to the
 * reader, which waits for it before checking. Uses the table's @c wait
 * (a change feed) when there is one, else polls every millisecond.
 * @param policy the policy handle.
 * @param min_revision the revision to reach.
 * @param timeout_ms the longest wait in milliseconds (0: just catch up).
 * @param[out] revision receives the revision reached, or NULL.
 * @return ::PWS_OK once reached; ::PWS_ETIMEOUT; ::PWS_EINVALID (NULL
 *         handle, negative timeout); the errors of pws_policy_sync().
 * @par Example
 * @code
 * uint64_t zookie = 42;	// the revision the writer handed over
 * int allowed = 0;
 * int rc = pws_policy_wait(p, zookie, 2000, NULL);
 *
 * if (rc != PWS_OK)
 *	return rc;	// PWS_ETIMEOUT: the change has not reached this store
 * // this handle now holds the writer's change: the check sees it
 * pws_check(p, &allowed, NULL, "bob", PWS_ACT_VIEW, "api-hub", NULL);
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_policy_wait(pws_policy *policy, uint64_t min_revision, int timeout_ms,
                               uint64_t *revision);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_POLICY_H */
