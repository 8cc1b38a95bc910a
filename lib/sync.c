/*
 * One log, many replicas: a handle's revision, catching up with what other
 * writers appended to a shared store, and waiting for a revision (read
 * your writes on another server). See doc/DEPLOYMENT.md.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"

#include <errno.h>
#include <time.h>

int pws__catch_up(pws_policy *p, uint64_t *applied, char *why, size_t why_len)
{
	int rc;

	*applied = 0;
	if (!p->has_storage || p->storage.version < 2 || !p->storage.load_after)
		return PWS_OK; /* a single-writer store: nothing to catch up */
	/* one catch-up at a time, taken before the write lock (never inside) */
	if (pthread_mutex_lock(&p->sync_lock) != 0) /* GCOVR_EXCL_BR_LINE: a default mutex taken outside the write lock (never held by this thread here) cannot fail */
		return PWS_ERROR;
	rc = pws__write_begin(p);
	if (rc == PWS_OK) {
		p->replaying = 1;
		rc = pws__replay_after(p, applied, why, why_len);
		p->replaying = 0;
		pws__write_end(p);
	}
	pthread_mutex_unlock(&p->sync_lock);
	return rc;
}

PWS_EXTERN int pws_policy_revision(const pws_policy *p, uint64_t *revision)
{
	int rc;

	if (!p || !revision)
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	*revision = p->seq;
	pws__read_end(p);
	return PWS_OK;
}

PWS_EXTERN int pws_policy_sync(pws_policy *p, uint64_t *revision)
{
	uint64_t applied, rev;
	int rc;

	if (!p)
		return PWS_EINVALID;
	rc = pws__catch_up(p, &applied, NULL, 0);
	if (pws_policy_revision(p, &rev) != PWS_OK)
		rev = 0;
	if (rc == PWS_OK && applied && p->on_change)
		p->on_change(rev, p->change_payload);
	if (revision)
		*revision = rev;
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

PWS_EXTERN int pws_policy_wait(pws_policy *p, uint64_t min_revision, int timeout_ms,
                               uint64_t *revision)
{
	int64_t deadline;
	uint64_t rev = 0;
	int rc;

	if (!p || timeout_ms < 0)
		return PWS_EINVALID;
	deadline = now_ms() + timeout_ms;
	for (;;) {
		rc = pws_policy_sync(p, &rev);
		if (rc != PWS_OK)
			break;
		if (rev >= min_revision)
			break;
		if (now_ms() >= deadline) {
			rc = PWS_ETIMEOUT;
			break;
		}
		if (p->has_storage && p->storage.version >= 2 && p->storage.wait) {
			int64_t left = deadline - now_ms();

			rc = p->storage.wait(p->storage.ctx, left > 0 ? (int)left : 0); /* GCOVR_EXCL_BR_LINE: left <= 0 only if the deadline passes between the check above and here */
			if (rc != PWS_OK && rc != PWS_ETIMEOUT)
				break;
		} else {
			/* no change feed: poll every millisecond */
			struct timespec ts = { 0, 1000000 };

			while (nanosleep(&ts, &ts) != 0 && errno == EINTR) /* GCOVR_EXCL_BR_LINE: valid arguments: nanosleep fails only with EINTR */
				;
		}
	}
	if (revision)
		*revision = rev;
	return rc;
}
