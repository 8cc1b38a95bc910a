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
 * (For a table without rollback, no_rollback set, begin drops what a
 * failed call left open.)
 * A zeroed mem_store is an empty store; mem_store_clear() frees it.
 *
 * Version 2 (mem_store_ops_v2: many writers): append answers
 * PWS_ECONFLICT when a record of its kind and key is stored (another
 * writer was first) or while `conflicts` counts down, else it puts;
 * load_after hands back the records whose key sorts after the one given
 * (bytewise, a shorter key first); wait answers wait_rc. A table without
 * begin, commit and rollback is a store with `direct` set: put and del
 * outside a change set apply at once. Scripted answers (put_rc, commit_rc,
 * after_rc) are given once, then cleared. Every key is stored with a NUL
 * after its key_len bytes (the library's keys are text).
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
	/* version 2 and the ways of other stores */
	int direct;           /* put and del outside a change set apply at once */
	int no_rollback;      /* a table without rollback: begin drops what a
	                       * failed call left open */
	int ignore_sink;      /* load and load_after go on after the sink refused,
	                       * and answer PWS_OK (a store that ignores it) */
	int conflicts;        /* the next appends answer PWS_ECONFLICT */
	int put_rc;           /* the next put or append answers this (once) */
	int commit_rc;        /* the next commit answers this (once) */
	int after_rc;         /* the next load_after answers this (once) */
	int wait_rc;          /* what wait answers */
	size_t puts;          /* records put or appended */
	size_t appends, load_afters, rollbacks; /* calls */
	/* del keeps the record (and succeeds) when this says so */
	int (*keep)(const mem_store *s, uint32_t kind, const char *key, size_t key_len);
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
int mem_store_append(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                     size_t len);
int mem_store_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                         void *sink_ctx);
int mem_store_wait(void *ctx, int timeout_ms);

/* The whole table on s (version PWS_STORAGE_OPS_VERSION, no append). */
pws_storage_ops mem_store_ops(mem_store *s);

/* The version-2 table on s: the whole table plus append, load_after, wait. */
pws_storage_ops mem_store_ops_v2(mem_store *s);

/* pws_policy_new on the whole table (and allocator a, if not NULL). */
int mem_store_open(mem_store *s, const pws_allocator *a, pws_policy **p);

/* Fails the nth call from now (fail_at); 0 disarms. */
void mem_store_arm(mem_store *s, size_t n);

/* Appends a committed record (a store built by hand). */
void mem_store_add(mem_store *s, uint32_t kind, const void *key, size_t key_len, const void *data,
                   size_t len);

/* Frees the committed records from the nth on (a store losing its tail). */
void mem_store_truncate(mem_store *s, size_t n);

/* FNV-1a over the committed records: "the store did not change". */
uint64_t mem_store_hash(const mem_store *s);

/* Frees every record (an open change set too) and zeroes s. */
void mem_store_clear(mem_store *s);

PWS_END_DECL

#endif
