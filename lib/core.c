/*
 * The frame of every public call: locking, results and event delivery.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"
#include "decide-ops.h"
#include "email.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The thread's token (its address) and reader slot: core.h. */
_Thread_local pws__tls pws__thread;
static uintptr_t self_token(void)
{
	return (uintptr_t)&pws__thread;
}

/* Every caller has refused a result of an unknown version before (the
 * public entry points, pws__op_begin) and passes a message. */
int pws__result_simple(pws_result *res, int code, const char *msg)
{
	if (res) {
		res->code = code;
		res->rule = PWS_RULE_NONE;
		res->flags = 0;
		snprintf(res->message, sizeof(res->message), "%s", msg);
	}
	return code;
}

/* The size of a result of the given version: never touch more. */
static size_t result_size(unsigned int version)
{
	return version >= 2 ? sizeof(pws_result) : offsetof(pws_result, request);
}

PWS_EXTERN int pws_result_init(pws_result *res, unsigned int version)
{
	if (!res || version == 0 || version > PWS_RESULT_VERSION)
		return PWS_EINVALID;
	memset(res, 0, result_size(version));
	res->version = version;
	return PWS_OK;
}

/* The reader slot of this thread (pws__thread.slot). Slots are dealt in
 * turn, process-wide, so up to PWS__READERS threads each have one of
 * their own in every handle. */
static atomic_uint slots_dealt;

static unsigned int slot_of_thread(void)
{
	if (!pws__thread.slot)
		pws__thread.slot = atomic_fetch_add_explicit(&slots_dealt, 1, memory_order_seq_cst) %
		                          PWS__READERS +
		                  1u;
	return pws__thread.slot - 1u;
}

/* How many slots can be in use: a thread takes its slot number before it
 * first enters its slot, so a writer that raised `writing` before reading
 * this either sees the slot or is seen by the reader. */
static unsigned int slots_in_use(void)
{
	unsigned int n = atomic_load_explicit(&slots_dealt, memory_order_seq_cst);

	return n < PWS__READERS ? n : PWS__READERS;
}

/* Wakes a writer waiting for the slots to empty (the reader has left). */
void pws__read_wake(const pws_policy *p)
{
	pws_policy *q = (pws_policy *)p;

	pthread_mutex_lock(&q->wl);
	pthread_cond_broadcast(&q->wcv);
	pthread_mutex_unlock(&q->wl);
}

/* Leaves the slot; wakes a writer waiting for the slots to empty. */
static void slot_leave(pws_policy *q, atomic_uint *slot)
{
	pws__read_leave(q, slot);
}

/* A writer is in or waiting: step out of the slot and wait for it, then
 * enter again. Out of line, so that the common path saves no registers. */
__attribute__((noinline, cold)) void pws__read_wait(pws_policy *q, atomic_uint *slot)
{
	do {
		slot_leave(q, slot);
		pthread_mutex_lock(&q->wl);
		atomic_fetch_add_explicit(&q->sleepers, 1, memory_order_seq_cst); /* see write_unlock */
		while (atomic_load_explicit(&q->writing, memory_order_seq_cst))
			pthread_cond_wait(&q->wcv, &q->wl);
		atomic_fetch_sub_explicit(&q->sleepers, 1, memory_order_seq_cst);
		pthread_mutex_unlock(&q->wl);
		atomic_fetch_add_explicit(slot, 1, memory_order_seq_cst);
	} while (atomic_load_explicit(&q->writing, memory_order_seq_cst));
}

/* The cases pws__read_enter (core.h) leaves here: a callback's read
 * (the thread holds the write lock: NULL), the thread's first read (its
 * slot is dealt, then the common path enters it). */
atomic_uint *pws__read_enter_slow(const pws_policy *p)
{
	if (atomic_load_explicit(&p->owner, memory_order_acquire) == self_token())
		return NULL;
	(void)slot_of_thread();
	return pws__read_enter(p);
}

int pws__read_begin(const pws_policy *p)
{
	return pws__read_enter(p) ? PWS_OK : PWS_EMISUSE;
}

void pws__read_end(const pws_policy *p)
{
	pws_policy *q = (pws_policy *)p;

	pws__read_leave(q, &q->readers[slot_of_thread()].n);
}

/* Waits, under wl, until the reader slots from i to n - 1 are empty (the
 * writer holds `writing`, so readers leave and wake it). */
static __attribute__((noinline, cold)) void wait_readers(pws_policy *p, unsigned int i,
                                                         unsigned int n)
{
	pthread_mutex_lock(&p->wl);
	for (; i < n; i++)
		while (atomic_load_explicit(&p->readers[i].n, memory_order_seq_cst))
			pthread_cond_wait(&p->wcv, &p->wl);
	pthread_mutex_unlock(&p->wl);
}

/* Another writer holds `writing`: sleep until it is free, then take it. */
static __attribute__((noinline, cold)) int wait_writer(pws_policy *p)
{
	int free_ = 0;

	if (pthread_mutex_lock(&p->wl) != 0) /* GCOVR_EXCL_BR_LINE: a default mutex of a live handle, locked by a thread not holding it, cannot fail */
		return -1;
	/* counted before looking (seq_cst), so the writer that clears
	 * `writing` after this look sees the count and wakes us */
	atomic_fetch_add_explicit(&p->sleepers, 1, memory_order_seq_cst);
	while (!atomic_compare_exchange_strong_explicit(&p->writing, &free_, 1, memory_order_seq_cst,
	                                                memory_order_seq_cst)) {
		pthread_cond_wait(&p->wcv, &p->wl);
		free_ = 0;
	}
	atomic_fetch_sub_explicit(&p->sleepers, 1, memory_order_seq_cst);
	pthread_mutex_unlock(&p->wl);
	return 0;
}

/* A writer takes `writing` (one compare-and-swap when no other writer
 * holds it, else it sleeps on wcv), then waits until no reader is inside
 * (both seq_cst: a reader entering its slot then reading `writing` sees
 * us, or we see it). */
static int write_lock(pws_policy *p)
{
	unsigned int i, n;
	int free_ = 0;

	if (!atomic_compare_exchange_strong_explicit(&p->writing, &free_, 1, memory_order_seq_cst,
	                                             memory_order_seq_cst)) {
		if (wait_writer(p) != 0) /* GCOVR_EXCL_BR_LINE: see wait_writer */
			return -1;
	}
	n = slots_in_use();
	for (i = 0; i < n; i++)
		if (atomic_load_explicit(&p->readers[i].n, memory_order_seq_cst)) {
			wait_readers(p, i, n);
			break;
		}
	return 0;
}

/* Clears `writing`; takes wl to wake the sleepers only when there are
 * some (a sleeper counts itself under wl before it looks at `writing`,
 * and both sides are seq_cst: it sees 0, or we see it). */
static void write_unlock(pws_policy *p)
{
	atomic_store_explicit(&p->writing, 0, memory_order_seq_cst);
	if (atomic_load_explicit(&p->sleepers, memory_order_seq_cst)) {
		pthread_mutex_lock(&p->wl);
		pthread_cond_broadcast(&p->wcv);
		pthread_mutex_unlock(&p->wl);
	}
}

int pws__write_begin(pws_policy *p)
{
	if (atomic_load_explicit(&p->owner, memory_order_acquire) == self_token())
		return PWS_EMISUSE;
	if (write_lock(p) != 0) /* GCOVR_EXCL_BR_LINE: write_lock fails only if pthread_mutex_lock does (see there) */
		return PWS_ERROR;
	atomic_store_explicit(&p->owner, self_token(), memory_order_release);
	return PWS_OK;
}

void pws__write_end(pws_policy *p)
{
	atomic_store_explicit(&p->owner, 0, memory_order_release);
	write_unlock(p);
}

int pws__op_begin(pws__op *op, pws_policy *p, pws_result *res)
{
	/* everything but the message buffer, which only needs its first byte */
	memset(op, 0, offsetof(pws__op, msg));
	op->msg[0] = '\0';
	memset(&op->ev, 0, sizeof(*op) - offsetof(pws__op, ev));
	op->res = res;
	if (res && (res->version == 0 || res->version > PWS_RESULT_VERSION))
		return PWS_EINVALID; /* cannot even report into it */
	op->ask = res && res->version >= 2 && (res->request & PWS_REQUEST_ASK);
	if (!p)
		return pws__result_simple(res, PWS_EINVALID, "policy handle is NULL");
	if (atomic_load_explicit(&p->owner, memory_order_acquire) == self_token()) {
		/* a record applied while catching up (sync.c) runs in the lock
		 * its catch-up holds; any other re-entry is a misuse */
		if (!p->syncing)
			return pws__result_simple(res, PWS_EMISUSE,
			                          "re-entered the policy handle from a callback");
		op->nested = 1;
	} else {
		if (write_lock(p) != 0) /* GCOVR_EXCL_BR_LINE: see write_lock */
			return pws__result_simple(res, PWS_ERROR,
			                          "could not lock the policy handle");
		atomic_store_explicit(&p->owner, self_token(), memory_order_release);
	}
	op->p = p;
	op->m = &p->m;
	op->mem = &p->mem;
	op->atoms_before = p->m.atom_str.n;
	op->groups_before = p->m.groups.n;
	return PWS_OK;
}

int pws__fail(pws__op *op, int code, int rule, const char *fmt, ...)
{
	va_list ap;

	op->rule = rule;
	va_start(ap, fmt);
	vsnprintf(op->msg, sizeof(op->msg), fmt, ap);
	va_end(ap);
	return code;
}

int pws__deny(pws__op *op, int rule)
{
	return pws__fail(op, PWS_EDENIED, rule, "denied by %s: %s", pws_rule_id(rule),
	                 pws_rule_text(rule));
}

int pws__refuse(pws__op *op, int code, const pws__verdict *v)
{
	if (code != PWS_EDENIED)
		return pws__fail(op, code, v->rule, "%s", v->why ? v->why : pws_strerror(code)); /* GCOVR_EXCL_BR_LINE: a refusal that is no policy answer always says why (decide-ops.c fail()) */
	if (!v->why)
		return pws__deny(op, v->rule);
	return pws__fail(op, code, v->rule, "denied by %s: %s", pws_rule_id(v->rule), v->why);
}

int pws__answer(pws__op *op, int code, const pws__verdict *v)
{
	if (code != PWS_OK)
		return pws__refuse(op, code, v);
	/* allowed: the rule and flags are known now, before the commit point,
	 * so an asked call (PWS_REQUEST_ASK) reports what the call would */
	op->rule = v->rule;
	op->flags |= v->flags;
	return PWS_OK;
}

int pws__ask_ws(pws__op *op, const char *actor, const char *ws,
                int (*decide)(const pws__who *, pws__verdict *), uint32_t *u, uint32_t *w,
                pws__verdict *v)
{
	pws__who c;
	int rc = pws__need_user(op, actor, u);

	if (!rc)
		rc = pws__need_ws(op, ws, w);
	if (rc)
		return rc;
	pws__who_init(&c, op->m, *u, *w);
	return pws__answer(op, decide(&c, v), v);
}

void pws__op_log(pws__op *op, int opcode, const char *fmt, ...)
{
	va_list ap;
	const char *f;

	if (!op->p->has_storage || op->p->replaying) /* logged after pws__op_begin set p */
		return;
	pws__rec_start(op->mem, &op->rec, opcode);
	va_start(ap, fmt);
	for (f = fmt; *f; f++) {
		switch (*f) { /* GCOVR_EXCL_BR_LINE: formats are literals of lib/ using only these letters (no default) */
		case 's':
			pws__rec_str(op->mem, &op->rec, va_arg(ap, const char *));
			break;
		case 'b': {
			const char *b = va_arg(ap, const char *);
			size_t n = va_arg(ap, size_t);

			pws__rec_bytes(op->mem, &op->rec, b ? b : "", b ? n : 0); /* GCOVR_EXCL_BR_LINE: every 'b' caller passes bytes; kept against a NULL */
			break;
		}
		case 'd':
			pws__rec_int(op->mem, &op->rec, va_arg(ap, int));
			break;
		case 'u':
			pws__rec_int(op->mem, &op->rec, va_arg(ap, uint32_t));
			break;
		case 'U':
			pws__rec_int(op->mem, &op->rec, (int64_t)va_arg(ap, uint64_t));
			break;
		case 'I':
			pws__rec_int(op->mem, &op->rec, va_arg(ap, int64_t));
			break;
		}
	}
	va_end(ap);
	pws__rec_seal(op->mem, &op->rec);
}

/* A storage callback's answer: PWS_OK or a failure. */
static int st_ok(int rc)
{
	return rc == PWS_OK;
}

/* Stops a load_after at its first record: there is one. */
static int any_record(void *ctx, uint32_t kind, const char *key, size_t key_len,
                      const void *data, size_t data_len)
{
	(void)ctx, (void)kind, (void)key, (void)key_len, (void)data, (void)data_len;
	return PWS_ECONFLICT;
}

/*
 * pws_compact() deletes the records before its image, so their keys are
 * absent again and an append under one of them succeeds: a writer still
 * behind the compaction would take a revision that was already taken (and
 * fork its state from everyone else's). The image (at least) is stored
 * after any deleted key, so a record after the one just appended, read in
 * the same change set, says the writer is behind: a conflict.
 */
static int appended_last(const pws_storage_ops *st, const char *key)
{
	int rc;

	if (!st->load_after)
		return PWS_OK;
	rc = st->load_after(st->ctx, key, 16, any_record, NULL);
	return rc == PWS_OK || rc == PWS_ECONFLICT ? rc : PWS_ESTORAGE;
}

static int persist(pws__op *op, int replacing)
{
	pws_policy *p = op->p;
	const pws_storage_ops *st = &p->storage;
	char key[17];
	const char *step = "begin";
	uint64_t k;
	int rc = PWS_OK;

	if (op->ask) {
		/* asked, not made: every check and allocation the change needs
		 * has passed; stop at the commit point, before memory changes,
		 * exactly where a failed write-through stops (op_end reports the
		 * answer) */
		op->persist_rc = PWS__ASKED;
		return PWS__ASKED;
	}
	if (!p->has_storage || p->replaying)
		return PWS_OK;
	if (op->rec.oom || !op->rec.buf) { /* GCOVR_EXCL_BR_LINE: no buf without oom: every change is logged before it persists */
		op->persist_rc = PWS_ENOMEM;
		return PWS_ENOMEM;
	}
	if (st->begin)
		rc = st->begin(st->ctx);
	if (st_ok(rc)) {
		snprintf(key, sizeof key, "%016llx", (unsigned long long)(p->seq + 1));
		/* version 2: never overwrite; a conflict means another writer
		 * took this revision first */
		if (st->version >= 2 && st->append) {
			step = "append";
			rc = st->append(st->ctx, PWS_RECORD_OP, key, 16, op->rec.buf, op->rec.len);
			if (st_ok(rc))
				rc = appended_last(st, key);
		} else {
			step = "put";
			rc = st->put(st->ctx, PWS_RECORD_OP, key, 16, op->rec.buf, op->rec.len);
		}
	}
	/* the records the new one replaces go in the same change set (only
	 * pws_compact() replaces, and only when something is stored: then
	 * base, the first stored key, is at least 1) */
	for (k = p->base; replacing && k <= p->seq && st_ok(rc); k++) {
		step = "del";
		snprintf(key, sizeof key, "%016llx", (unsigned long long)k);
		rc = st->del(st->ctx, PWS_RECORD_OP, key, 16);
	}
	if (st_ok(rc) && st->commit) {
		step = "commit";
		rc = st->commit(st->ctx);
	}
	if (rc == PWS_ECONFLICT && step[0] == 'a') {
		if (st->rollback)
			st->rollback(st->ctx);
		op->persist_rc = PWS_ECONFLICT;
		pws__fail(op, PWS_ECONFLICT, op->rule,
		          "another writer appended revision %llu first; nothing was changed",
		          (unsigned long long)(p->seq + 1));
		return PWS_ECONFLICT;
	}
	if (!st_ok(rc)) {
		if (st->rollback)
			st->rollback(st->ctx);
		op->persist_rc = PWS_ESTORAGE;
		/* a store that lost its connection during COMMIT cannot tell
		 * whether the change set landed (a server may commit, then die
		 * before it answers): memory is unchanged, and a version-2
		 * table's next sync or conflicting append reads the change if
		 * the store kept it (doc/STORAGE.md) */
		pws__fail(op, PWS_ESTORAGE, op->rule, "storage %s failed (%d); nothing was changed%s",
		          step, rc,
		          strcmp(step, "commit") == 0
		                  ? " here, but the store may have kept the change"
		                  : "");
		return PWS_ESTORAGE;
	}
	p->seq++;
	if (replacing || !p->base)
		p->base = p->seq;
	return PWS_OK;
}

int pws__op_persist(pws__op *op)
{
	return persist(op, 0);
}

int pws__op_persist_replacing(pws__op *op)
{
	return persist(op, 1);
}

/* Conflict retries in a row on one thread before the conflict goes back
 * to the caller. */
#define PWS__MAX_RETRIES 16
static _Thread_local int retries;
static _Thread_local uint64_t backoff_rng;

/* Writers that keep colliding spread out: before retry n, a random pause
 * of up to 50 us * 2^n, at most about 13 ms (the one that lost a race
 * must not lose the next one to the same rival). */
static void backoff(int n)
{
	struct timespec ts;
	uint64_t x = backoff_rng, cap;

	if (!x) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ self_token();
		x |= 1;
	}
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	backoff_rng = x;
	cap = (uint64_t)50000 << (n < 8 ? n : 8);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(x % cap);
	nanosleep(&ts, NULL);
}

/* Another writer took the revision this call meant to append: catch up,
 * then make the same call again on the newer state, where the policy
 * decides it anew (the answer may change: a second "remove the last
 * Admin" is then refused with RO6). The retry delivers its own events;
 * this attempt's are dropped. */
static int retry(pws_policy *p, pws__op *op)
{
	uint64_t applied;
	char why[160] = "";
	int rc;

	if (retries >= PWS__MAX_RETRIES)
		return PWS_ECONFLICT;
	if (retries > 0)
		backoff(retries);
	rc = pws__catch_up(p, &applied, why, sizeof why);
	if (rc != PWS_OK) {
		char msg[PWS_RESULT_MESSAGE_SIZE];

		snprintf(msg, sizeof msg, "catching up after a conflict failed%s%s",
		         why[0] ? ": " : "", why);
		return pws__result_simple(op->res, rc, msg);
	}
	retries++;
	rc = pws__redo(p, op->rec.buf, op->rec.len, op->res);
	retries--;
	return rc;
}

int pws__op_end(pws__op *op, int rc)
{
	pws_policy *p = op->p;
	pws__event_list ev = op->ev;
	struct pws_event *e;

	if (op->persist_rc)
		rc = op->persist_rc;
	if (op->ask && (rc == PWS__ASKED || rc == PWS_OK)) {
		/* the call would be allowed: report it as made, change nothing */
		/* asked implies a result (pws__op_begin) and a handle (a call
		 * ends only an op that began) */
		op->flags |= PWS_RESULT_ASKED;
		op->res->code = PWS_OK;
		op->res->rule = op->rule;
		op->res->flags = op->flags;
		snprintf(op->res->message, sizeof(op->res->message), "%s", op->msg);
		pws__atoms_rollback(op->mem, op->m, op->atoms_before);
		pws__groups_rollback(op->mem, op->m, op->groups_before);
		if (!op->nested) { /* GCOVR_EXCL_BR_LINE: records replayed in a catch-up carry no result, so are never asked */
			atomic_store_explicit(&p->owner, 0, memory_order_release);
			write_unlock(p);
		}
		pws__rec_free(op->mem, &op->rec);
		pws__ev_free_list(op->mem, &op->ev);
		return PWS_OK;
	}

	if (rc == PWS_ENOMEM && !op->msg[0])
		snprintf(op->msg, sizeof(op->msg), "out of memory; nothing was changed");
	if (op->res) {
		op->res->code = rc;
		op->res->rule = op->rule;
		op->res->flags = rc == PWS_OK ? op->flags : 0;
		snprintf(op->res->message, sizeof(op->res->message), "%s", op->msg);
	}
	if (!p) { /* GCOVR_EXCL_BR_LINE: callers end only an op that began; kept for safety */
		pws__rec_free(op->mem, &op->rec);
		return rc;
	}
	if (rc != PWS_OK) {
		/* Interned strings and empty groups a failed call created are not
		 * state, but repeated failures must not pile them up. */
		pws__atoms_rollback(op->mem, op->m, op->atoms_before);
		pws__groups_rollback(op->mem, op->m, op->groups_before);
	}
	for (e = ev.head; e; e = e->next)
		e->rev = p->seq;
	if (op->nested) {
		/* a record applied while catching up: its events were sent by
		 * the handle that made the change */
		pws__rec_free(op->mem, &op->rec);
		pws__ev_free_list(op->mem, &ev);
		return rc;
	}
	atomic_store_explicit(&p->owner, 0, memory_order_release);
	write_unlock(p);
	if (rc == PWS_ECONFLICT && !op->no_retry && op->rec.buf) { /* GCOVR_EXCL_BR_LINE: a conflict comes from an append, which had a record */
		rc = retry(p, op); /* the retry delivered its own events */
		pws__rec_free(op->mem, &op->rec);
		pws__ev_free_list(op->mem, &ev);
		return rc;
	}
	pws__rec_free(op->mem, &op->rec);
	/* Events go out after the lock is released, so the host may call back
	 * in; nothing is sent for a refused or failed call. */
	if (rc == PWS_OK && p->on_event)
		for (e = ev.head; e; e = e->next)
			p->on_event(e, p->event_payload);
	pws__ev_free_list(op->mem, &ev);
	return rc;
}

/* Whether s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
static int utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k, len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

int pws__valid_id(const char *s)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	unsigned int hi = 0;
	size_t i, n;
	uint64_t w;

	if (!s || !s[0])
		return 0;
	n = strnlen(s, 256);
	if (n > 255)
		return 0;
	/* printable ASCII, eight bytes a step (a byte < 0x20, >= 0x80 or
	 * 0x7f stops it); the rest byte by byte */
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		if (((w - ones * 0x20) | w | ((w ^ (ones * 0x7f)) - ones)) & high)
			break;
	}
	for (; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
		hi |= (unsigned char)s[i];
	}
	/* ASCII is well-formed UTF-8 */
	return hi < 0x80 || utf8_ok((const unsigned char *)s, n);
}

/* a: the id looked up first, always given; b and c: NULL when absent. */
int pws__miss_code(const char *a, const char *b, const char *c)
{
	if (!pws__valid_id(a) || (b && !pws__valid_id(b)) || (c && !pws__valid_id(c)))
		return PWS_EINVALID;
	return PWS_ENOTFOUND;
}

/* s: a string read from a snapshot or image (never NULL). */
int pws__valid_text(const char *s)
{
	size_t n = strlen(s);

	return n <= PWS_TEXT_LIMIT_MAX && utf8_ok((const unsigned char *)s, n);
}

/* strlen, but stops after max bytes: refusing a 1 GB string costs no more
 * than reading the limit. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static int need_str(pws__op *op, const char *s, const char *what, uint32_t limit,
                    const char *option)
{
	size_t n;

	if (!s)
		return pws__fail(op, PWS_EINVALID, 0, "%s is NULL", what);
	if (op->p->replaying) /* stored under the limits of its day */
		limit = PWS_TEXT_LIMIT_MAX;
	n = bounded_len(s, (size_t)limit + 1);
	if (n > limit)
		return pws__fail(op, PWS_EINVALID, 0,
		                 "%s is longer than the limit of %lu bytes (%s)", what,
		                 (unsigned long)limit, option);
	if (!utf8_ok((const unsigned char *)s, n))
		return pws__fail(op, PWS_EINVALID, 0, "%s is not valid UTF-8", what);
	return PWS_OK;
}

int pws__need_name(pws__op *op, const char *s, const char *what)
{
	return need_str(op, s, what, op->p->max_name, "max_name_bytes");
}

int pws__need_text(pws__op *op, const char *s, const char *what)
{
	return need_str(op, s, what, op->p->max_text, "max_text_bytes");
}

/* --- events ----------------------------------------------------------------- */

/* Every event of a call, its strings and arrays live in the call's arena
 * (op->ev.chunks): a few large allocations rather than several per notice,
 * all freed at once when the call ends. A notice to 100,000 members, or
 * 18,000 notices split per organization, then cost about what their
 * bytes cost. */
struct pws__chunk {
	pws__chunk *next;
	size_t used, cap;
	max_align_t data[];
};

#define EV_CHUNK ((size_t)64 * 1024)

static void *ev_alloc(pws__op *op, size_t size)
{
	pws__chunk *c = op->ev.chunks, *nc;
	size_t cap;

	if (size > SIZE_MAX / 2) /* GCOVR_EXCL_BR_LINE: sizes are bounded by ev_grow's check below */
		return NULL;
	size = (size + 15) & ~(size_t)15;
	if (c && c->cap - c->used >= size) {
		void *r = (unsigned char *)c->data + c->used;

		c->used += size;
		return r;
	}
	/* a large block gets a chunk of its own, behind the current one */
	cap = size > EV_CHUNK / 4 ? size : EV_CHUNK;
	nc = pws__malloc(op->mem, sizeof(*nc) + cap);
	if (!nc)
		return NULL;
	nc->cap = cap;
	nc->used = size;
	if (cap == size && c) { /* GCOVR_EXCL_BR_LINE: a large block is a notice's array, so its notice opened the arena (c never NULL) */
		nc->next = c->next;
		c->next = nc;
	} else {
		nc->next = c;
		op->ev.chunks = nc;
	}
	return nc->data;
}

static char *ev_strdup(pws__op *op, const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = ev_alloc(op, n);

	if (c)
		memcpy(c, s, n);
	return c;
}

/* Makes room for need items of size sz in *arr (holding used items):
 * capacity doubles from first; the old block stays in the arena. */
static int ev_grow(pws__op *op, void **arr, size_t *cap, size_t need, size_t sz,
                   size_t first, size_t used)
{
	size_t c = *cap ? *cap : first;
	void *na;

	if (need <= *cap)
		return PWS_OK;
	while (c < need) {
		if (c > SIZE_MAX / 4 / sz) /* GCOVR_EXCL_BR_LINE: needs more recipients than memory holds */
			return PWS_ENOMEM;
		c *= 2;
	}
	na = ev_alloc(op, c * sz);
	if (!na)
		return PWS_ENOMEM;
	if (used)
		memcpy(na, *arr, used * sz);
	*arr = na;
	*cap = c;
	return PWS_OK;
}

void pws__ev_free_list(const pws__mem *mem, pws__event_list *l)
{
	pws__chunk *c = l->chunks, *n;

	for (; c; c = n) {
		n = c->next;
		pws__free(mem, c);
	}
	memset(l, 0, sizeof(*l));
}

/* A copy of s in the arena, shared by the notices of the call that name
 * the same string in the same role (slot). */
static char *ev_share(pws__op *op, int slot, const char *s)
{
	char *c;

	if (op->ev.src[slot] == s)
		return op->ev.cpy[slot];
	c = ev_strdup(op, s);
	if (c) {
		op->ev.src[slot] = s;
		op->ev.cpy[slot] = c;
	}
	return c;
}

static int dup_opt(pws__op *op, int slot, char **dst, const char *s)
{
	*dst = NULL;
	if (!s)
		return 0;
	*dst = ev_share(op, slot, s);
	return *dst ? 0 : -1;
}

/* Handed out instead of a real event when nobody listens, so building
 * notices costs nothing then. Never written. */
static struct pws_event unheard;

struct pws_event *pws__ev_new(pws__op *op, int kind, int rule, uint32_t channels,
                              uint32_t team, uint32_t actor, const char *subject)
{
	struct pws_event *e;

	if (!op->p->on_event || op->p->replaying)
		return &unheard;
	e = ev_alloc(op, sizeof(*e));
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->rule = rule;
	e->channels = channels;
	if (dup_opt(op, 0, &e->team, team == PWS__NONE ? NULL : TEAM(op->m, team)->id) ||
	    dup_opt(op, 1, &e->actor, actor == PWS__NONE ? NULL : USER(op->m, actor)->id) ||
	    dup_opt(op, 2, &e->subject, subject))
		return NULL; /* the arena goes with the call */
	if (op->ev.tail)
		op->ev.tail->next = e;
	else
		op->ev.head = e;
	op->ev.tail = e;
	return e;
}

/* Appends a copy of s to the recipients, preceded by one byte saying
 * what it is (a pws_recipient_kind: pws_event_recipient_kind reads it at
 * roff[i] - 1); both arrays grow by doubling, so n pushes cost O(n). */
static int push_copy(pws__op *op, struct pws_event *e, const char *s, int kind)
{
	size_t len = strlen(s) + 1;
	void *buf = e->rbuf, *off = e->roff;

	if (ev_grow(op, &buf, &e->rcap, e->rlen + 1 + len, 1, 64, e->rlen))
		return PWS_ENOMEM;
	e->rbuf = buf;
	if (ev_grow(op, &off, &e->crcpt, e->nrcpt + 1, sizeof(size_t), 4, e->nrcpt))
		return PWS_ENOMEM;
	e->roff = off;
	e->rbuf[e->rlen++] = (char)kind;
	memcpy(e->rbuf + e->rlen, s, len);
	e->roff[e->nrcpt++] = e->rlen;
	e->rlen += len;
	return PWS_OK;
}

static uint32_t seen_slot(const struct pws_event *e, uint32_t user)
{
	uint32_t mask = e->cseen - 1, i = pws__ev_seen_home(e->seen_key, user, mask);

	while (e->seen[i] && e->seen[i] != user + 1)
		i = (i + 1) & mask;
	return i;
}

/* Makes room for one more user in e's set (kept at most half full). */
static int seen_reserve(pws__op *op, struct pws_event *e)
{
	uint32_t *old = e->seen, ocap = e->cseen, cap, i;

	if ((e->nseen + 1) * 2 <= e->cseen)
		return PWS_OK;
	cap = ocap ? ocap * 2 : 64;
	if (cap < ocap || cap > UINT32_MAX / 2) /* GCOVR_EXCL_BR_LINE: more than 2^30 users cannot be held */
		return PWS_ENOMEM;
	e->seen = ev_alloc(op, (size_t)cap * sizeof(uint32_t));
	if (!e->seen) {
		e->seen = old;
		return PWS_ENOMEM;
	}
	memset(e->seen, 0, (size_t)cap * sizeof(uint32_t));
	e->cseen = cap;
	e->seen_key = pws__ev_seen_key(op->m->seed);
	for (i = 0; i < ocap; i++)
		if (old[i])
			e->seen[seen_slot(e, old[i] - 1)] = old[i];
	return PWS_OK;
}

int pws__ev_unheard(const struct pws_event *e)
{
	return e == &unheard;
}

int pws__ev_ws(pws__op *op, struct pws_event *e, uint32_t ws)
{
	const char *id;
	size_t i;
	void *arr;

	if (e == &unheard)
		return PWS_OK;
	id = WS(op->m, ws)->id;
	for (i = 0; i < e->nws; i++) /* a notice covers a handful of workspaces */
		if (strcmp(e->ws[i], id) == 0) /* GCOVR_EXCL_BR_LINE: no caller adds a workspace twice (migrate_many refuses one named twice); kept so none is named twice */
			return PWS_OK;
	arr = e->ws;
	if (ev_grow(op, &arr, &e->cws, e->nws + 1, sizeof(char *), 1, e->nws))
		return PWS_ENOMEM;
	e->ws = arr;
	if (!(e->ws[e->nws] = ev_share(op, 3, id)))
		return PWS_ENOMEM;
	e->nws++;
	return PWS_OK;
}

int pws__ev_user(pws__op *op, struct pws_event *e, uint32_t user)
{
	uint32_t i;

	if (e == &unheard)
		return PWS_OK;
	/* one notice per recipient */
	if (seen_reserve(op, e))
		return PWS_ENOMEM;
	i = seen_slot(e, user);
	if (e->seen[i])
		return PWS_OK;
	if (push_copy(op, e, USER(op->m, user)->id, PWS_RECIPIENT_USER))
		return PWS_ENOMEM;
	e->seen[i] = user + 1;
	e->nseen++;
	return PWS_OK;
}

int pws__ev_user_new(pws__op *op, struct pws_event *e, uint32_t user)
{
	if (e == &unheard) /* GCOVR_EXCL_BR_LINE: its caller (notify.c) builds nothing when nobody listens; kept so unheard is never written */
		return PWS_OK;
	return push_copy(op, e, USER(op->m, user)->id, PWS_RECIPIENT_USER);
}

/* An invitee's address: the only recipient of its notice (invited,
 * invitation withdrawn), so it cannot repeat one. */
int pws__ev_str(pws__op *op, struct pws_event *e, const char *s)
{
	if (e == &unheard)
		return PWS_OK;
	return push_copy(op, e, s, PWS_RECIPIENT_EMAIL);
}

int pws__need_team(pws__op *op, const char *id, uint32_t *t)
{
	/* only well-formed ids are stored: one that resolves is one */
	*t = pws__smap_get_hinted(&op->m->team_ids, id, &op->p->hint_team);
	if (*t != PWS__NONE)
		return PWS_OK;
	if (!pws__valid_id(id))
		return pws__fail(op, PWS_EINVALID, 0, "team id is NULL, empty or malformed");
	return pws__fail(op, PWS_ENOTFOUND, 0, "unknown team '%s'", id);
}

static int user_found(pws__op *op, const char *id, uint32_t u)
{
	/* only well-formed ids are stored: one that resolves is one */
	if (u != PWS__NONE)
		return PWS_OK;
	if (!pws__valid_id(id))
		return pws__fail(op, PWS_EINVALID, 0, "user id is NULL, empty or malformed");
	return pws__fail(op, PWS_ENOTFOUND, 0, "unknown user '%s'", id);
}

int pws__need_user(pws__op *op, const char *id, uint32_t *u)
{
	*u = pws__user_find(op->m, id);
	return user_found(op, id, *u);
}

int pws__need_actor(pws__op *op, const char *id, uint32_t *u)
{
	*u = pws__smap_get_hinted(&op->m->user_ids, id, &op->p->hint_actor);
	return user_found(op, id, *u);
}

int pws__need_ws(pws__op *op, const char *id, uint32_t *w)
{
	/* only well-formed ids are stored: one that resolves is one */
	*w = pws__smap_get_hinted(&op->m->ws_ids, id, &op->p->hint_ws);
	if (*w != PWS__NONE)
		return PWS_OK;
	if (!pws__valid_id(id))
		return pws__fail(op, PWS_EINVALID, 0, "workspace id is NULL, empty or malformed");
	return pws__fail(op, PWS_ENOTFOUND, 0, "unknown workspace '%s'", id);
}

int pws__need_el(pws__op *op, const char *id, uint32_t *e)
{
	if (!pws__valid_id(id))
		return pws__fail(op, PWS_EINVALID, 0, "element id is NULL, empty or malformed");
	*e = pws__el_find(op->m, id);
	if (*e == PWS__NONE)
		return pws__fail(op, PWS_ENOTFOUND, 0, "unknown element '%s'", id);
	return PWS_OK;
}

int pws__need_new_id(pws__op *op, const pws__smap *map, const char *id, const char *what)
{
	if (!pws__valid_id(id))
		return pws__fail(op, PWS_EINVALID, 0, "%s id is NULL, empty or malformed", what);
	if (pws__smap_get(map, id) != PWS__NONE)
		return pws__fail(op, PWS_EEXISTS, 0, "%s '%s' already exists", what, id);
	return PWS_OK;
}

int pws__op_email_key(pws__op *op, char out[PWS__EMAIL_MAX + 1], const char *email,
                      const char **why)
{
	pws_policy *p = op->p;
	size_t len = strlen(email);
	const char *d;

	/* a run of addresses of one domain (a directory, a team's invites):
	 * only the local part is checked */
	if (p->key_dom_len && pws__email_is_key_at(email, len, p->key_dom, p->key_dom_len)) {
		memcpy(out, email, len + 1);
		return PWS_OK;
	}
	if (pws__email_key(out, email, len, why) != PWS_OK)
		return PWS_EINVALID;
	d = pws__email_domain(out); /* a key holds one '@' */
	p->key_dom_len = strlen(d);
	memcpy(p->key_dom, d, p->key_dom_len);
	return PWS_OK;
}

/* s: an id or text the call has validated (never NULL). */
char *pws__dup(pws__op *op, const char *s)
{
	return pws__strdup(op->mem, s);
}

/* TT3: the team's Partner Managers and Admins. with_pm_to_be (CR8: the
 * Admins become Partner Managers with this call) adds nobody: they are
 * Admins, so on the list already. */
int pws__ev_managers(pws__op *op, struct pws_event *e, uint32_t team, int with_pm_to_be)
{
	const pws__team *t = TEAM(op->m, team);
	uint32_t i;

	(void)with_pm_to_be;
	for (i = 0; i < t->users.n; i++) {
		uint32_t u = t->users.v[i];
		const pws__user *U = USER(op->m, u);

		if ((pws__is_pm(op->m, u, team) || U->team_role >= PWS_TEAM_ADMIN) &&
		    pws__ev_user(op, e, u))
			return PWS_ENOMEM;
	}
	return PWS_OK;
}
