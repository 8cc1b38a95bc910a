/*
 * The tests' in-memory store: a version-1 storage table (load, begin,
 * put, del, commit, rollback, close) over records kept in memory, with
 * storage failure injection, shared by the Check suites and the fuzz
 * targets (tests/fuzz/fuzz-common.h; tests/fuzz/build.sh links
 * tests/mem-store.c into each target).
 *
 * A change set is staged (put and del alike) and applied at commit, in
 * the order written; rollback drops it. What is committed is in v[0..n),
 * in the order the library wrote it, for a test to inspect; load hands it
 * back in that order. The store outlives the handles opened on it: close
 * only counts, so a test reopens (replays) the same store.
 *
 * Failures: every begin, put, del and commit counts one call (calls).
 * Call number fail_at (1-based, absolute; mem_store_arm() counts from
 * now) fails with fail_code (0: PWS_ESTORAGE) and does nothing; so does
 * every fail_every-th call while fail_every is set and not paused
 * (counted in every_calls; failures counts both kinds).
 *
 * A broken promise of the library (begin inside a change set, put or del
 * outside one, del of a key not stored) prints what broke and aborts: a
 * Check test then fails on the signal, a fuzz target saves its input.
 * A zeroed mem_store is an empty store; mem_store_clear() frees it.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_MEM_STORE_H
#define PWS_MEM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "partnerws.h"

PWS_BEGIN_DECL

typedef struct mem_rec {
	uint32_t kind;
	char *key;
	size_t key_len;
	unsigned char *data;
	size_t len;
	int del;              /* staged: a deletion of key, not a record */
} mem_rec;

typedef struct mem_store mem_store;

struct mem_store {
	mem_rec *v;           /* committed, in the order written */
	size_t n, cap;
	mem_rec *stage;       /* the open change set */
	size_t sn, scap;
	int open;             /* a change set is open */
	int closed;           /* close calls */
	size_t calls;         /* begin, put, del and commit calls so far */
	size_t fail_at;       /* fail this call (1-based), 0: never */
	int fail_code;        /* what a failed call returns; 0: PWS_ESTORAGE */
	size_t fail_every;    /* also fail every fail_every-th call, 0: never */
	size_t every_calls;   /* calls counted for fail_every (not while paused) */
	int paused;           /* fail_every neither counts nor fails */
	size_t failures;      /* calls failed */
	int del_noop;         /* del succeeds and deletes nothing */
	/* called first in every put (a test re-entering the library) */
	void (*on_put)(mem_store *s);
	void *hook_ctx;       /* for on_put */
};

/* The table's methods, ctx a mem_store (for a test building a partial table). */
int mem_store_load(void *ctx, pws_storage_sink sink, void *sink_ctx);
int mem_store_begin(void *ctx);
int mem_store_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                  size_t len);
int mem_store_del(void *ctx, uint32_t kind, const char *key, size_t key_len);
int mem_store_commit(void *ctx);
int mem_store_rollback(void *ctx);
void mem_store_close(void *ctx);

/* The whole table on s (version PWS_STORAGE_OPS_VERSION, no append). */
pws_storage_ops mem_store_ops(mem_store *s);

/* pws_policy_new on the whole table (and allocator a, if not NULL). */
int mem_store_open(mem_store *s, const pws_allocator *a, pws_policy **p);

/* Fails the nth call from now (fail_at); 0 disarms. */
void mem_store_arm(mem_store *s, size_t n);

/* Appends a committed record (a store built by hand). */
void mem_store_add(mem_store *s, uint32_t kind, const void *key, size_t key_len, const void *data,
                   size_t len);

/* FNV-1a over the committed records: "the store did not change". */
uint64_t mem_store_hash(const mem_store *s);

/* Frees every record (an open change set too) and zeroes s. */
void mem_store_clear(mem_store *s);

PWS_END_DECL

#endif
