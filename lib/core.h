/*
 * The handle and the frame every public call runs in: argument checks,
 * locking, result reporting and event delivery.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_CORE_H
#define PWS_CORE_H

#include "model.h"
#include "record.h"
#include "email.h"

#include <stdatomic.h>

/* The events of one call and the arena holding them (core.c). */
typedef struct pws__chunk pws__chunk;
typedef struct pws__event_list {
	struct pws_event *head, *tail;
	pws__chunk *chunks;
	/* The last copy made of the team, actor, subject and workspace ids,
	 * by source address: the notices of one call share one copy each. */
	const char *src[4];
	char *cpy[4];
} pws__event_list;

struct pws_event {
	uint64_t rev;        /* the revision of the change that caused it */
	int kind, rule;
	uint32_t channels;
	char *team, *actor, *subject;
	char **ws;
	size_t nws, cws;
	/* Recipients: their strings back to back in one buffer (rbuf, each
	 * NUL-terminated, recipient i at roff[i]), so a notice to 100,000
	 * members costs a few allocations, not one per member. */
	char *rbuf;
	size_t rlen, rcap;
	size_t *roff;
	size_t nrcpt, crcpt;
	/* Users already among the recipients, so adding one costs O(1)
	 * (open addressing on user index + 1; 0 marks a free slot), placed
	 * by pws__ev_seen_home under seen_key (from the handle's seed: no
	 * table's placement can be predicted, issue 15 point 8). Built
	 * lazily. Like everything an event holds, it lives in the call's
	 * arena and is freed with it (pws__ev_free_list). */
	uint32_t *seen;
	uint32_t nseen, cseen;
	uint64_t seen_key;
	struct pws_event *next;
};

/* The key of an event's set of recipients, from the handle's seed. */
static inline uint64_t pws__ev_seen_key(uint64_t seed)
{
	return pws__mix64(seed ^ PWS__K2);
}
/* User user's first slot in a set of mask + 1 slots keyed with key. */
static inline uint32_t pws__ev_seen_home(uint64_t key, uint32_t user, uint32_t mask)
{
	return (uint32_t)pws__mix64(user ^ key) & mask;
}

/* The handle's lock. A reader announces itself in a slot of its own (a
 * counter on its own cache lines, picked once per thread), then checks
 * that no writer is in: a check writes no cache line another thread
 * reads or writes (no shared write), so checks scale with threads. A
 * writer raises `writing` (writers one at a time: a compare-and-swap takes
 * it, a writer finding it taken sleeps on `wcv`), then waits
 * until every slot reads 0; a reader that finds `writing` raised steps
 * back out of its slot and waits for the writer to finish (writers are
 * preferred: a stream of checks cannot starve them). Threads beyond
 * PWS__READERS share slots (still correct, merely sharing a line). */
#define PWS__READERS 64

typedef struct pws__rslot {
	atomic_uint n; /* readers inside on this slot */
	char pad[128 - sizeof(atomic_uint)];
} pws__rslot;

struct pws_policy {
	pws__mem mem;
	pws_storage_ops storage;    /* zeroed when none was given */
	bool has_storage;
	pws_event_cb on_event;
	void *event_payload;
	/* Checks and listings count themselves in their thread's slot;
	 * mutations raise `writing` and wait for the slots to empty. */
	char guard[128];             /* no field of ours next to slot 0 */
	pws__rslot readers[PWS__READERS];
	atomic_int writing;          /* a writer is in or waiting for readers */
	atomic_uint sleepers;        /* threads asleep on wcv waiting for
	                              * `writing` to drop (counted under wl) */
	pthread_mutex_t wl;          /* guards the hand-over; with wcv */
	pthread_cond_t wcv;          /* writers and waiting readers sleep here */
	/* The thread holding the write lock (address of a thread-local), so a
	 * callback re-entering the handle gets PWS_EMISUSE, not a deadlock. */
	atomic_uintptr_t owner;
	pws__model m;
	uint64_t seq;        /* sequence number of the last stored change */
	uint64_t base;       /* key of the first stored record (0: none yet);
	                      * pws_compact() deletes base..seq */
	int replaying;       /* loading the store: no write-through, no events */
	uint32_t gen;        /* bumped when the whole model is replaced (refs) */
	pws_change_cb on_change;   /* others' changes applied (pws_policy_sync) */
	void *change_payload;
	int syncing;         /* the write lock's owner is applying others'
	                      * records: calls it makes nest in its lock */
	pthread_mutex_t sync_lock; /* one catch-up at a time (held without the
	                            * write lock, taken before it) */
	uint32_t max_name;   /* text limits of new calls (pws_policy_options) */
	uint32_t max_text;
	/* the domain of the last address a call took to its identity key
	 * (pws__op_email_key): an address at it already in key form is its
	 * own key, checked without the whole normalizer. A hint under the
	 * write lock, not state. */
	size_t key_dom_len;  /* 0: none yet */
	char key_dom[PWS__EMAIL_MAX + 1];
	/* slot hints of the ids the calls resolve (pws__smap_get_hinted):
	 * the last actor's, workspace's and team's. Hints under the write
	 * lock, not state: any value is safe. */
	uint32_t hint_actor, hint_ws, hint_team;
};

/* One mutating call. */
typedef struct pws__op {
	pws_policy *p;
	pws__model *m;
	const pws__mem *mem;
	pws_result *res;
	int rule;
	uint32_t flags;
	char msg[PWS_RESULT_MESSAGE_SIZE];
	pws__event_list ev;
	uint32_t atoms_before, groups_before; /* undone when the call fails */
	pws__rec rec;        /* the call, as the record written through */
	int persist_rc;      /* the storage failure, if write-through failed */
	int nested;          /* runs inside the lock of a catch-up (sync.c) */
	int ask;             /* PWS_REQUEST_ASK: decide and report, change nothing */
	int no_retry;        /* a conflict is returned, not retried (calls
	                      * with out-parameters: the record cannot
	                      * carry them) */
} pws__op;

/* persist()'s answer to an asked call (never returned to the host). */
#define PWS__ASKED 1

/* Starts a mutation: checks p, takes the write lock. On failure fills res
 * and returns the code (no lock held). */
int pws__op_begin(pws__op *op, pws_policy *p, pws_result *res);
/* Records the call for write-through: fmt has one char per argument:
 * 's' const char * (NULL allowed), 'b' const char * + size_t, 'd' int,
 * 'u' uint32_t, 'U' uint64_t, 'I' int64_t. No-op without storage. */
void pws__op_log(pws__op *op, int opcode, const char *fmt, ...);
/* Writes the call through (begin, put, commit). Call it once, after every
 * check and allocation the change needs and before memory changes: it is
 * the commit point. Returns PWS_OK, or non-zero after a rollback (op_end
 * then reports PWS_ESTORAGE whatever code it is given). */
int pws__op_persist(pws__op *op);
/* The same, and in the same change set deletes every older record
 * (keys base..seq): the record logged must hold the whole state. */
int pws__op_persist_replacing(pws__op *op);
/* Ends it: on success delivers the events after unlocking, otherwise
 * discards them. Fills res; returns rc. */
int pws__op_end(pws__op *op, int rc);
/* Sets the rule and message of the outcome; returns code. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int pws__fail(pws__op *op, int code, int rule, const char *fmt, ...);
int pws__deny(pws__op *op, int rule);
/* Reports what a decision of the policy layer (decide-ops.h) answered:
 * PWS_EDENIED with its rule, or a non-policy code; returns code. */
struct pws__verdict;
int pws__refuse(pws__op *op, int code, const struct pws__verdict *v);
/* The same for any answer: a refusal as above, or, allowed, the decision's
 * rule and flags recorded in op; returns code. */
int pws__answer(pws__op *op, int code, const struct pws__verdict *v);
/* Resolves actor and workspace and asks one of the policy layer's
 * decisions about them (decide-ops.h); the answer as pws__answer. */
struct pws__who;
int pws__ask_ws(pws__op *op, const char *actor, const char *ws,
                int (*decide)(const struct pws__who *, struct pws__verdict *), uint32_t *u,
                uint32_t *w, struct pws__verdict *v);

/* Fills a result for calls that fail before an op exists. */
int pws__result_simple(pws_result *res, int code, const char *msg);

/* Loads the store into a new handle by replaying its records. */
int pws__replay(pws_policy *p);
/* Applies the records after the handle's revision (write lock held by the
 * caller, p->replaying set): *applied receives how many. */
/* why (why_len bytes, may be NULL): on failure, which record was refused
 * and why. */
int pws__replay_after(pws_policy *p, uint64_t *applied, char *why, size_t why_len);
/* Makes the call a stored record holds again, as a live call (the retry
 * after a conflict). */
int pws__redo(pws_policy *p, const void *data, size_t len, pws_result *res);
/* Catches up with the store (sync.c); PWS_OK when nothing to do. */
int pws__catch_up(pws_policy *p, uint64_t *applied, char *why, size_t why_len);

/* The write lock without an op (catching up); PWS_EMISUSE inside a
 * callback. */
int pws__write_begin(pws_policy *p);
void pws__write_end(pws_policy *p);

/* Shared lock for queries; PWS_EMISUSE from inside a callback. */
int pws__read_begin(const pws_policy *p);
void pws__read_end(const pws_policy *p);
/* The same for hot paths: pws__read_enter gives the thread's reader slot
 * (NULL: PWS_EMISUSE, from inside a callback), which pws__read_leave
 * takes back without finding it again (inline: no call unless a writer
 * waits, pws__read_wake). */
void pws__read_wake(const pws_policy *p);

/* The thread's reader slot (index + 1; 0 until its first read); its
 * address is the thread's token (pws_policy.owner). Initial-exec: one
 * %fs-relative load, where the default model of a shared library calls
 * __tls_get_addr on every check. It takes 4 bytes of the static TLS block,
 * which glibc keeps room for in libraries loaded later (dlopen: the
 * bindings). */
typedef struct pws__tls {
	unsigned int slot;
} pws__tls;
#if defined(__GNUC__) && defined(__ELF__)
extern _Thread_local pws__tls pws__thread __attribute__((tls_model("initial-exec")));
#else
extern _Thread_local pws__tls pws__thread;
#endif
/* pws__read_enter's other cases: the thread's first read (its slot is
 * dealt), a callback's (NULL); and the wait for a writer. Out of line. */
atomic_uint *pws__read_enter_slow(const pws_policy *p);
void pws__read_wait(pws_policy *q, atomic_uint *slot);
/* Inline: a check makes no call to take the lock (the slot's load, the
 * owner's compare, the counter's increment, the writer's flag). */
static inline atomic_uint *pws__read_enter(const pws_policy *p)
{
	pws_policy *q = (pws_policy *)p; /* the lock is not logical state */
	unsigned int s = pws__thread.slot;
	atomic_uint *slot;

	if (!s || atomic_load_explicit(&q->owner, memory_order_acquire) == (uintptr_t)&pws__thread)
		return pws__read_enter_slow(p);
	slot = &q->readers[s - 1u].n;
	/* enter, then look for a writer (both seq_cst: a writer raising
	 * `writing` and then reading the slots sees us, or we see it) */
	atomic_fetch_add_explicit(slot, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&q->writing, memory_order_seq_cst))
		pws__read_wait(q, slot);
	return slot;
}
static inline void pws__read_leave(const pws_policy *p, atomic_uint *slot)
{
	atomic_fetch_sub_explicit(slot, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&p->writing, memory_order_seq_cst))
		pws__read_wake(p);
}

/* pws__email_key of a call's address (not NULL), through the handle's
 * last domain (pws_policy.key_dom): same answers and reasons. */
int pws__op_email_key(pws__op *op, char out[PWS__EMAIL_MAX + 1], const char *email,
                      const char **why);

/* Ids: non-empty, at most 255 bytes, no control characters. */
int pws__valid_id(const char *s);
/* The code of a query whose ids did not all resolve: PWS_EINVALID if one
 * of the given ids (NULL ones are skipped) is malformed, else
 * PWS_ENOTFOUND. Only well-formed ids are ever stored, so an id that
 * resolves is well formed: queries call this on a miss only, and ids that
 * resolve pay nothing for the validation. */
int pws__miss_code(const char *a, const char *b, const char *c);
/* Free text: not NULL, UTF-8, at most PWS_TEXT_LIMIT_MAX (1 MiB) bytes:
 * the format's hard limit, for what is already stored (snapshots). */
int pws__valid_text(const char *s);
/* A name / a free text brought in by a call: not NULL, UTF-8, within the
 * handle's max_name_bytes / max_text_bytes. Fails op with a message that
 * names @what and the limit. Records replayed from the store only meet the
 * hard limit: they were accepted under the limits of their day. */
int pws__need_name(pws__op *op, const char *s, const char *what);
int pws__need_text(pws__op *op, const char *s, const char *what);

/* --- events (built before apply, delivered after commit) ---------------- */
struct pws_event *pws__ev_new(pws__op *op, int kind, int rule, uint32_t channels,
                              uint32_t team, uint32_t actor, const char *subject);
/* Adds a workspace / a recipient user / a recipient string; 0 or ENOMEM.
 * A user already among the recipients is skipped in O(1); a string is
 * compared with every recipient (meant for the one email of an invite). */
int pws__ev_ws(pws__op *op, struct pws_event *e, uint32_t ws);
int pws__ev_user(pws__op *op, struct pws_event *e, uint32_t user);
int pws__ev_str(pws__op *op, struct pws_event *e, const char *s);
/* Adds a user known not to be among e's recipients yet (each member of a
 * workspace once): no duplicate check at all. */
int pws__ev_user_new(pws__op *op, struct pws_event *e, uint32_t user);
/* Whether e is the placeholder handed out when nobody listens. */
int pws__ev_unheard(const struct pws_event *e);
void pws__ev_free_list(const pws__mem *mem, pws__event_list *l);


/* Resolve an id or fail the op with a clear message (EINVALID/ENOTFOUND). */
int pws__need_team(pws__op *op, const char *id, uint32_t *t);
int pws__need_user(pws__op *op, const char *id, uint32_t *u);
/* need_user for a call's actor: actors come in runs (a host's admin
 * inviting a team), so the lookup keeps a slot hint of its own. */
int pws__need_actor(pws__op *op, const char *id, uint32_t *u);
int pws__need_ws(pws__op *op, const char *id, uint32_t *w);
int pws__need_el(pws__op *op, const char *id, uint32_t *e);
/* A new id must be well formed and unused in map. */
int pws__need_new_id(pws__op *op, const pws__smap *map, const char *id, const char *what);

/* Reserves and copies a string; NULL on ENOMEM. */
char *pws__dup(pws__op *op, const char *s);

/* Recipients helpers: every effective member of a workspace; the team's
 * Partner Managers and admins (TT3). */
int pws__ev_managers(pws__op *op, struct pws_event *e, uint32_t team, int with_pm_to_be);

/* --- notices to a workspace's members, split per organization (EV1) -------
 * Defined in notify.c. */
/* Whether w is a multi-partner workspace (partner visibility, multi mode). */
int pws__ws_multi(const pws__model *m, uint32_t w);

/* The notice of a change to w for every effective member but `except`
 * (PWS__NONE: nobody excepted). One notice when w is not multi-partner and
 * split is 0; otherwise one for the publisher side (always, even empty)
 * and one per partner organization that has a recipient. Pass split = 1
 * when the change itself makes w multi-partner. 0 or PWS_ENOMEM. */
int pws__notify_members(pws__op *op, int kind, int rule, uint32_t channels, uint32_t w,
                        uint32_t actor, const char *subject, uint32_t except, int split);

/* RO2: the partners of w whose Editor role becomes Viewer when w turns
 * multi-partner, one notice per organization (none if nobody is). */
int pws__notify_downgraded(pws__op *op, uint32_t w, uint32_t actor);

#endif
