/*
 * libpartnerws-sqlite - SQLite storage adapter for libpartnerws
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws-sqlite.h
 * @brief A storage adapter keeping the policy's records in a SQLite file.
 * @defgroup sqlite SQLite storage adapter
 *
 * A companion library (link with @c pkg-config @c partnerws-sqlite),
 * written only against the public ::pws_storage_ops table, as any host
 * could write one. pws_sqlite_storage_open() opens a database file and
 * fills a storage table; hand it to pws_policy_new() through
 * ::pws_policy_options @c storage:
 *
 * @code
 * pws_storage_ops ops;
 * pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 * pws_policy *p;
 * int rc = pws_sqlite_storage_open(&ops, "policy.db", 0);
 * if (rc == PWS_OK) {
 *         o.storage = &ops;
 *         rc = pws_policy_new(&p, &o);  // replays the stored records
 *         if (rc != PWS_OK)
 *                 ops.close(ops.ctx);   // the policy did not take it
 * }
 * ...
 * pws_policy_free(p);                   // closes the database
 * @endcode
 *
 * **Schema.** Records live in
 * <tt>pws_records(kind INTEGER, key BLOB, data BLOB, PRIMARY KEY(kind, key))</tt>
 * (a WITHOUT ROWID table), next to <tt>pws_meta(name TEXT PRIMARY KEY, value)</tt>
 * holding <tt>schema_version</tt> (::PWS_SQLITE_SCHEMA_VERSION). Keys are
 * stored as BLOBs and compared bytewise. Other tables in the file are left
 * alone.
 *
 * **Durability.** The database runs in WAL mode with
 * <tt>synchronous=FULL</tt>: each change set is one SQLite transaction
 * (@c begin is <tt>BEGIN IMMEDIATE</tt>), and once @c commit returns it
 * survives a crash of the process or of the machine; a crash before that
 * leaves no part of it. ::PWS_SQLITE_SYNC_NORMAL trades the last commits
 * on power loss (never on a process crash) for speed.
 *
 * **Records are never overwritten.** The table is version 2
 * (::PWS_STORAGE_OPS_VERSION): @c append and @c put are both a plain
 * <tt>INSERT</tt>; a record already stored under that kind and key is
 * left as it is and the method returns ::PWS_ECONFLICT. @c load_after
 * reads the operations after a key in one read transaction (a compaction
 * committed meanwhile is seen whole or not at all).
 *
 * **Concurrency.** The table's methods may be called from any thread, one
 * at a time (the policy handle's lock guarantees it), except @c wait,
 * which runs on a second SQLite connection of its own (opened with the
 * table, behind its own mutex) and so may block in one thread while
 * another thread uses the handle. Several processes, each with its own
 * policy handle and table, may read and write one file at once: each
 * change takes the next revision only if nobody else has (otherwise the
 * policy catches up and decides the call again, see pws_policy_sync()),
 * and pws_policy_wait() wakes within about a millisecond of another
 * process's commit (@c wait polls <tt>PRAGMA data_version</tt>). Writers
 * take turns: a writer blocked by another connection waits up to 5
 * seconds, then fails with ::PWS_ESTORAGE, changing nothing. The file must
 * be on a local file system (SQLite's WAL needs shared memory between the
 * processes: not over NFS, and not across hosts; several hosts need a
 * server database).
 * @{
 */
#ifndef PARTNERWS_SQLITE_H
#define PARTNERWS_SQLITE_H

#include <partnerws.h>

PWS_BEGIN_DECL

/** Version of the database schema this adapter writes and reads. */
#define PWS_SQLITE_SCHEMA_VERSION 1

/** Flags of pws_sqlite_storage_open(). Values are ABI. */
enum pws_sqlite_flag {
	/** Open an existing database read-only: @c load works, @c begin,
	 *  @c put, @c del and @c commit fail with ::PWS_ESTORAGE (so every
	 *  mutation of the policy does, changing nothing). */
	PWS_SQLITE_READONLY = 1u << 0,
	/** Use <tt>synchronous=NORMAL</tt> instead of FULL: still atomic and
	 *  never corrupt, durable across a process crash, but the last
	 *  committed change sets may be lost if the machine loses power. */
	PWS_SQLITE_SYNC_NORMAL = 1u << 1
};

/**
 * @brief Opens (creating it if needed) a SQLite database file and fills a
 *        storage table that keeps the policy's records in it.
 *
 * Puts the database in WAL mode, creates the tables if they are missing
 * and checks the schema version. Every method of the table is set,
 * version 2 included (@c append, @c load_after, @c wait): no record is
 * ever overwritten, and several processes may each open the same file and
 * write it at once (see Concurrency above); @c wait uses a second
 * connection the adapter opens on the file. The
 * table's @c ctx is the adapter's state: it is released by the table's
 * @c close, which pws_policy_free() calls. If the table is never handed to
 * a policy, or pws_policy_new() fails, call <tt>ops->close(ops->ctx)</tt>
 * yourself.
 * @param[out] ops receives the storage table; on failure it is reset to
 *             an empty table (no methods, @c ctx NULL) and nothing is
 *             left open.
 * @param path the database file name (UTF-8; a file, not ":memory:").
 * @param flags zero or more ::pws_sqlite_flag bits.
 * @return ::PWS_OK; ::PWS_EINVALID if @p ops or @p path is NULL or
 *         @p flags has an unknown bit; ::PWS_ENOMEM; ::PWS_ESTORAGE if
 *         SQLite cannot open the file, WAL mode cannot be set, the schema
 *         cannot be created (or is missing in read-only mode), or the file
 *         was written by a newer schema version.
 * @par Example
 * @code
 * #include <partnerws.h>
 * #include <partnerws-sqlite.h>
 * #include <stdio.h>
 *
 * int main(void)
 * {
 *	pws_storage_ops ops;
 *	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 *	pws_policy *p = NULL;
 *	int rc = pws_sqlite_storage_open(&ops, "policy.db", 0);
 *
 *	if (rc != PWS_OK) {
 *		fprintf(stderr, "policy.db: %s\n", pws_strerror(rc));
 *		return 1;
 *	}
 *	o.storage = &ops;
 *	rc = pws_policy_new(&p, &o);	// replays the stored records
 *	if (rc != PWS_OK) {
 *		fprintf(stderr, "policy.db: %s\n", pws_sqlite_storage_errmsg(&ops));
 *		ops.close(ops.ctx);	// the policy did not take it
 *		return 1;
 *	}
 *	// ... every committed change is now in policy.db ...
 *	pws_policy_free(p);	// closes the database
 *	return 0;
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_sqlite_storage_open(pws_storage_ops *ops, const char *path,
                                       unsigned int flags);

/**
 * @brief The last error the adapter met, for diagnostics.
 *
 * Every method failing with ::PWS_ESTORAGE records SQLite's message here
 * (with the step that failed). Borrowed: valid until the next call of one
 * of the table's methods, and never after its @c close (the policy calls
 * it in pws_policy_free()).
 * @param ops a table filled by pws_sqlite_storage_open(), or a copy of it.
 * @return the message, "" if no error occurred yet; a static description
 *         if @p ops is NULL or is not a table of this adapter. Never NULL.
 * @since 0.1
 */
PWS_EXTERN const char *pws_sqlite_storage_errmsg(const pws_storage_ops *ops);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_SQLITE_H */
