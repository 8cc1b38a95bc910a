/*
 * A storage adapter for power-loss tests (tests/check_powerloss.c).
 *
 * It keeps what is committed (the "disk") apart from what was written
 * since begin and not yet committed (the change set "in flight"). Armed
 * with torn_store_cut(), its next commit loses power instead of
 * committing: the disk is left as it was, the change set in flight is
 * kept aside (lost, n_lost) and the commit fails, as the process would
 * have died there. torn_store_reboot() then builds the disk as the power
 * loss may have left it: the committed records plus the first k writes
 * (put, append or del, in the order made) of the change set in flight,
 * the last of them possibly torn (truncated, its tail zeroed, or one byte
 * flipped).
 *
 * A "framed" store models a log that writes each record with a checksum
 * (as SQLite's WAL does its frames): at load, a record whose checksum
 * fails is a torn tail when it is the last one, and is dropped (it was
 * never committed); anywhere else the load fails with PWS_ESTORAGE. An
 * unframed store hands the library whatever bytes it has, so a test sees
 * what the library itself detects.
 *
 * The table is version 2 (append, load_after) or version 1 (put only);
 * several handles may share one store (close only counts).
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_TORN_STORE_H
#define PWS_TORN_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "partnerws.h"

typedef struct torn_rec {
	int del;              /* a deletion of key (in a change set), not a record */
	uint32_t kind;
	char *key;
	size_t key_len;
	unsigned char *data;
	size_t len;
	uint32_t crc;         /* of kind, key and data as written */
} torn_rec;

typedef struct torn_store {
	torn_rec *disk;       /* committed, in key order */
	size_t n, cap;
	torn_rec *flight;     /* written since begin */
	size_t nf, fcap;
	torn_rec *lost;       /* the change set in flight at the power loss */
	size_t n_lost;
	int open;             /* a change set is open */
	int cut;              /* the next commit loses power */
	int framed;           /* records carry a checksum, verified at load */
	int closes;           /* close calls */
	size_t torn_dropped;  /* framed loads that dropped a torn last record */
} torn_store;

enum torn_damage {
	TORN_NONE,
	TORN_TRUNCATE,  /* the record cut to `at` bytes */
	TORN_ZERO_TAIL, /* bytes from `at` on are zeros (a sector not written) */
	TORN_FLIP       /* byte `at` changed */
};

void torn_store_init(torn_store *s, int framed);
void torn_store_free(torn_store *s);
/* Fills a storage table on s: version 2 with append and load_after when
 * v2, else version 1 with put. */
void torn_store_ops(torn_store *s, pws_storage_ops *ops, int v2);
/* Opens a handle on s; the status of pws_policy_new (*out NULL on failure). */
int torn_store_open(torn_store *s, int v2, pws_policy **out);
/* Arms the power loss at the next commit. */
void torn_store_cut(torn_store *s);
/* out (initialized here) := the disk of s after the power loss: s's disk
 * plus the first k writes of s->lost, the k-th damaged as asked (when it
 * is a record, not a deletion). Returns 0, or -1 if the damage does not
 * apply (k-th write a deletion, k out of range, at past the end). */
int torn_store_reboot(const torn_store *s, torn_store *out, size_t k, int damage, size_t at);

/* The library's record checksum (lib/crc32c.c; this binary links the
 * library statically). */
uint32_t pws__crc32c(uint32_t crc, const void *data, size_t len);
uint32_t pws__crc32c_soft(uint32_t crc, const void *data, size_t len);
/* Rewrites the CRC-32C trailer of a format-2 record of len bytes after a
 * test changed it on purpose (to reach the checks behind the checksum). */
void torn_reseal(unsigned char *data, size_t len);

#endif
