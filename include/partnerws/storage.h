/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/storage.h
 * @brief The host's storage callbacks (a versioned vtable).
 * @defgroup storage Storage callbacks
 *
 * The host persists every accepted change; the library keeps the working
 * state in memory. Each committed mutation is written through as one
 * change set: @c begin, one @c put of a ::PWS_RECORD_OP record, @c commit.
 * The record is written after the policy has accepted the call and every
 * allocation it needs has succeeded, and before memory changes; when any
 * callback fails, the library calls @c rollback, returns ::PWS_ESTORAGE and
 * memory is exactly as before, and the store holds no part of the change.
 *
 * At pws_policy_new() the library calls @c load, which must hand every
 * stored record to the sink in ascending key order; the library replays
 * them and so rebuilds exactly the state that was committed. Keys run
 * from 1 without gaps, except that a store compacted by pws_compact()
 * starts at its state image.
 *
 * **Records.** Kind ::PWS_RECORD_OP; the key is the change's sequence
 * number as 16 lowercase hexadecimal digits (so byte order is commit
 * order); the data is one encoded call, in a versioned format documented
 * in doc/STORAGE.md: a byte 2 (format version), a reserved byte, the
 * operation code and the argument count (little-endian 16-bit each), then
 * each argument as a type byte ('s' string with a 32-bit little-endian
 * length, 'n' absent string, 'i' 64-bit little-endian integer), then a
 * CRC-32C of all the bytes before it (32-bit little-endian); a record
 * whose checksum does not match is refused. Records of format 1 (the same
 * without the checksum) are still read. Operation codes are never
 * renumbered; a store written by this version loads in every later one.
 *
 * The table is copied when a policy handle is created (bounded by the size
 * its @c version implies), so the caller may discard its copy afterwards.
 * @c ctx stays owned by the caller until the library calls @c close.
 * **Several writers (version 2).** Every record's key is the revision of
 * the change it holds. A version-2 table with @c append lets several
 * handles, in several processes or on several hosts, share one store: each
 * appends the next revision only if nobody else has, and otherwise catches
 * up (@c load_after), decides the call again and retries. A version-1
 * table (or one without @c append) must have a single writer.
 *
 * Methods are only ever appended, each addition bumping
 * ::PWS_STORAGE_OPS_VERSION; the core checks the version and the slot
 * before each call. @c put and @c close are mandatory; the others may be
 * NULL (a NULL @c load means an empty store).
 *
 * Callbacks run on the thread of the call, while the handle is locked:
 * calling back into the same handle returns ::PWS_EMISUSE.
 * @{
 */
#ifndef PARTNERWS_STORAGE_H
#define PARTNERWS_STORAGE_H

#include "common.h"

PWS_BEGIN_DECL

/** Current version of ::pws_storage_ops. */
#define PWS_STORAGE_OPS_VERSION 2

/** Record kinds. Values are ABI. */
enum pws_record_kind {
	PWS_RECORD_OP = 1 /**< One committed mutation (see the format above). */
};

/**
 * @brief Receives one stored record during @c load.
 * @param sink_ctx the library's context, passed to @c load.
 * @param kind the record's kind.
 * @param key the record's key (not NUL-terminated).
 * @param key_len the key's length.
 * @param data the record's data.
 * @param data_len the data's length.
 * @return ::PWS_OK to go on; any other value stops the load, which then
 *         fails with that code.
 */
typedef int (*pws_storage_sink)(void *sink_ctx, uint32_t kind, const char *key,
                                size_t key_len, const void *data, size_t data_len);

/**
 * @brief Storage callbacks supplied by the host.
 *
 * Every method returns ::PWS_OK or a negative code; any other value is
 * treated as ::PWS_ESTORAGE.
 */
typedef struct pws_storage_ops {
	/** Must be set to ::PWS_STORAGE_OPS_VERSION (or an older version). */
	unsigned int version;
	/** Host context passed to every method; owned by the host. */
	void *ctx;
	/** Hands every stored record to @p sink in ascending key order (may be NULL). */
	int (*load)(void *ctx, pws_storage_sink sink, void *sink_ctx);
	/** Opens a change set (may be NULL). */
	int (*begin)(void *ctx);
	/** Writes one record of @p kind under @p key. Mandatory. */
	int (*put)(void *ctx, uint32_t kind, const char *key, size_t key_len,
	           const void *data, size_t data_len);
	/** Deletes the record of @p kind under @p key (may be NULL; used only
	 *  by pws_compact(), which needs it). */
	int (*del)(void *ctx, uint32_t kind, const char *key, size_t key_len);
	/** Makes the open change set durable (may be NULL). */
	int (*commit)(void *ctx);
	/** Discards the open change set (may be NULL). */
	int (*rollback)(void *ctx);
	/** Releases @c ctx; called once when the handle is freed. Mandatory. */
	void (*close)(void *ctx);

	/* --- version 2: one shared log, many writers (doc/DEPLOYMENT.md) --- */

	/** Writes one record of @p kind under @p key, like @c put, but only
	 *  if no record of that kind exists under that key; if one does, it
	 *  writes nothing and returns ::PWS_ECONFLICT (the change set is then
	 *  rolled back). It must never overwrite a record. When set, the
	 *  library uses it instead of @c put for every change, and a conflict
	 *  makes the call catch up with @c load_after, decide again on the
	 *  newer state and retry. Right after a successful append, in the
	 *  same change set, the library calls @c load_after with the appended
	 *  key: any record after it (a compaction deleted the older keys, so
	 *  a writer behind it finds its key absent) is a conflict too; so
	 *  @c load_after must work inside an open change set and see it. May
	 *  be NULL: the store then has a single writer (version-1
	 *  semantics). @since 0.2 */
	int (*append)(void *ctx, uint32_t kind, const char *key, size_t key_len,
	              const void *data, size_t data_len);
	/** Hands every record of kind ::PWS_RECORD_OP whose key sorts after
	 *  @p key (bytewise; @p key_len 0: all of them) to @p sink in
	 *  ascending key order, as one consistent read (a compaction
	 *  committed meanwhile is seen whole or not at all). Used by
	 *  pws_policy_sync(). May be NULL (nothing to catch up). @since 0.2 */
	int (*load_after)(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
	                  void *sink_ctx);
	/** Blocks until the store may have changed (another writer committed)
	 *  or @p timeout_ms milliseconds passed; returns ::PWS_OK or
	 *  ::PWS_ETIMEOUT (an early, spurious ::PWS_OK is allowed). Unlike
	 *  the other methods it is called without the handle's lock, possibly
	 *  while another thread runs another method of the same table: it must
	 *  not share a connection with them. May be NULL: pws_policy_wait()
	 *  then polls. @since 0.2 */
	int (*wait)(void *ctx, int timeout_ms);
	/* later versions: methods are appended here. */
} pws_storage_ops;

/** Static initializer for ::pws_storage_ops. */
#define PWS_STORAGE_OPS_INIT {PWS_STORAGE_OPS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
	NULL, NULL, NULL, NULL}

/**
 * @brief Initializes a storage table to its defaults (all slots NULL).
 *
 * The function twin of ::PWS_STORAGE_OPS_INIT, for FFI callers.
 * @param ops the table to initialize.
 * @param version the version the caller was built against.
 * @return ::PWS_OK, or ::PWS_EINVALID if @p ops is NULL or @p version is
 *         0 or newer than this library.
 * @par Example
 * @code
 * #include <partnerws.h>
 * #include <stdio.h>
 *
 * // A write-only journal: prints every record the library commits.
 * static int put(void *ctx, uint32_t kind, const char *key, size_t key_len,
 *                const void *data, size_t data_len)
 * {
 *	(void)key;
 *	(void)data;
 *	fprintf(ctx, "record of kind %u: %zu-byte key, %zu bytes\n",
 *	        (unsigned)kind, key_len, data_len);
 *	return PWS_OK;
 * }
 * static void close_journal(void *ctx)
 * {
 *	fflush(ctx);
 * }
 *
 * int main(void)
 * {
 *	pws_storage_ops ops;
 *	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 *	pws_policy *p = NULL;
 *
 *	pws_storage_ops_init(&ops, PWS_STORAGE_OPS_VERSION);
 *	ops.ctx = stdout;
 *	ops.put = put;
 *	ops.close = close_journal;
 *	o.storage = &ops;
 *	if (pws_policy_new(&p, &o) != PWS_OK)
 *		return 1;
 *	pws_team_add(p, "acme", "Acme Corp", PWS_PLAN_PROFESSIONAL, 0, NULL);
 *	pws_policy_free(p);	// calls close_journal
 *	return 0;
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_storage_ops_init(pws_storage_ops *ops, unsigned int version);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_STORAGE_H */
