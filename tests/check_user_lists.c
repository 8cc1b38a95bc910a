/*
 * The users' lists of workspaces (pws__user.members) are blocks of one
 * region (model.ulists, lib/model.c), not heap blocks: a list that grows
 * moves to the region's end or grows in place, the region is compacted or
 * grown when full, and either rewrites the users' v. What is checked:
 * after random appends and removals against a reference (with the default
 * allocator, whose regions from 256 KiB come from the kernel, and a host
 * allocator), every list holds what the reference holds, and the region
 * is consistent (each live block's header names its user, whose v points
 * just past it; the dead words add up; every list has one block); a
 * reserve whose region growth fails changes no list; a state image sizes
 * each imported list once, exactly; pws_user_add + invites + accepts
 * through the API list the same workspaces after a snapshot import and a
 * state image.
 * SPDX-License-Identifier: MIT
 */
/* pthread_rwlock_t in lib/core.h */
#define _DEFAULT_SOURCE 1
#include "test-world.h"
#include "mem-store.h"
#include "../lib/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The region's invariants (see model.h, pws__ulists). */
static void region_ok(const pws__model *m, const char *what)
{
	const pws__ulists *r = &m->ulists;
	unsigned char *seen = calloc(m->users.n + 1, 1);
	size_t p = 0, dead = 0;
	uint32_t u;

	ck_assert_ptr_nonnull(seen);
	ck_assert_msg(r->top <= r->cap, "%s: top %zu past cap %zu", what, r->top, r->cap);
	while (p < r->top) {
		uint32_t h = r->buf[p];

		if (h & PWS__UL_DEAD) {
			size_t len = h & ~PWS__UL_DEAD;

			ck_assert_msg(len >= 1 && p + len <= r->top, "%s: dead block at %zu of %zu",
			              what, p, len);
			dead += len;
			p += len;
			continue;
		}
		ck_assert_msg(h < m->users.n, "%s: block at %zu names user %u", what, p, h);
		ck_assert_msg(!seen[h], "%s: user %u has two live blocks", what, h);
		seen[h] = 1;
		ck_assert_msg(USER(m, h)->members.v == r->buf + p + 1,
		              "%s: user %u's list is not the block at %zu", what, h, p);
		ck_assert_msg(USER(m, h)->members.n <= USER(m, h)->members.cap, "%s: user %u", what,
		              h);
		p += 1 + (size_t)USER(m, h)->members.cap;
	}
	ck_assert_msg(p == r->top, "%s: blocks end at %zu, top %zu", what, p, r->top);
	ck_assert_msg(dead == r->dead, "%s: dead words %zu, counted %zu", what, dead, r->dead);
	for (u = 0; u < m->users.n; u++)
		ck_assert_msg(seen[u] == (USER(m, u)->members.cap > 0),
		              "%s: user %u (cap %u) has %s block", what, u, USER(m, u)->members.cap,
		              seen[u] ? "a" : "no");
	free(seen);
}

#define NU 300

typedef struct ref {
	uint32_t *v[NU];
	uint32_t n[NU];
} ref;

static void same_lists(const pws__model *m, const uint32_t *uix, const ref *R, const char *what)
{
	uint32_t i;

	for (i = 0; i < NU; i++) {
		const pws__ids *l = &USER(m, uix[i])->members;

		ck_assert_msg(l->n == R->n[i], "%s: user %u holds %u, reference %u", what, i, l->n,
		              R->n[i]);
		ck_assert_msg(!l->n || !memcmp(l->v, R->v[i], (size_t)l->n * 4),
		              "%s: user %u's list differs", what, i);
	}
}

/* NU users (and the world's own), random appends (a user every so often
 * far ahead of the others, so that blocks move, grow in place at the end
 * and die) and removals; the reference beside. */
static void random_lists(pws_policy *p, unsigned seed, int removals, uint32_t steps)
{
	pws__model *m = &p->m;
	uint32_t uix[NU], i, step;
	ref R;
	char id[32], mail[48];
	unsigned s = seed;
	size_t grown = 0, compacted = 0, moved = 0;

	for (i = 0; i < NU; i++) {
		snprintf(id, sizeof id, "lu%u-%u", seed, i);
		snprintf(mail, sizeof mail, "lu%u-%u@lists.example", seed, i);
		OK(pws_user_add(p, id, mail, NULL, 0, 0, RES));
		uix[i] = pws__user_find(m, id);
		R.v[i] = NULL;
		R.n[i] = 0;
	}
	for (step = 0; step < steps; step++) {
		uint32_t u, k;
		size_t cap0 = m->ulists.cap, dead0 = m->ulists.dead;
		uint32_t *buf0 = m->ulists.buf;

		s = s * 1103515245u + 12345u;
		u = (s >> 8) % NU;
		if (step % 7 == 0)
			u = (s >> 20) % 8; /* a few users far ahead */
		s = s * 1103515245u + 12345u;
		if (removals && R.n[u] && (s >> 9) % 4 == 0) {
			k = (s >> 12) % R.n[u];
			(void)pws__ids_swap_remove(&USER(m, uix[u])->members, k);
			R.v[u][k] = R.v[u][--R.n[u]];
			continue;
		}
		OK(pws__user_list_reserve(&p->mem, m, uix[u], 1));
		grown += m->ulists.cap != cap0;
		moved += m->ulists.buf != buf0 && buf0;
		compacted += m->ulists.dead < dead0;
		pws__ids_push(&USER(m, uix[u])->members, step);
		R.v[u] = realloc(R.v[u], (R.n[u] + 1) * sizeof(uint32_t));
		ck_assert_ptr_nonnull(R.v[u]);
		R.v[u][R.n[u]++] = step;
		if (step % 5000 == 0)
			region_ok(m, "during");
	}
	region_ok(m, "after");
	same_lists(m, uix, &R, "after");
	/* the paths taken: the region grew, moved and was compacted */
	ck_assert_uint_gt(grown, 0);
	ck_assert_uint_gt(moved, 0);
	ck_assert_uint_gt(compacted, 0);
	/* a first reserve of several items is exact */
	snprintf(id, sizeof id, "lu-new%u", seed);
	snprintf(mail, sizeof mail, "lu-new%u@lists.example", seed);
	OK(pws_user_add(p, id, mail, NULL, 0, 0, RES));
	i = pws__user_find(m, id);
	OK(pws__user_list_reserve(&p->mem, m, i, 37));
	ck_assert_uint_eq(USER(m, i)->members.cap, 37);
	region_ok(m, "exact first block");
	for (i = 0; i < NU; i++)
		free(R.v[i]);
}

START_TEST(user_lists_region_keeps_every_list_default_allocator)
{
	pws_policy *p = NULL;

	ck_assert_int_eq(pws_policy_new(&p, NULL), PWS_OK);
	random_lists(p, 7u, 1, 150000);
	/* past 256 KiB: the region comes from the kernel, grown by mremap */
	ck_assert_uint_ge(p->m.ulists.cap * sizeof(uint32_t), (size_t)256 << 10);
	pws_policy_free(p);
}
END_TEST

START_TEST(user_lists_region_keeps_every_list_host_allocator)
{
	pws_policy *p = NULL;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	random_lists(p, 11u, 1, 60000);
	random_lists(p, 12u, 0, 60000); /* more users on top: no removals */
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* A reserve that needs the region to grow, the growth failing: ENOMEM, no
 * list changed, the region consistent; then it succeeds. */
START_TEST(user_lists_failed_region_growth_changes_no_list)
{
	pws_policy *p = NULL;
	pws__model *m;
	uint32_t a, b, i, *copy;
	size_t n;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	m = &p->m;
	OK(pws_user_add(p, "ga", "ga@lists.example", NULL, 0, 0, RES));
	OK(pws_user_add(p, "gb", "gb@lists.example", NULL, 0, 0, RES));
	a = pws__user_find(m, "ga");
	b = pws__user_find(m, "gb");
	/* fill the region exactly with a's list: b's first block needs growth */
	OK(pws__user_list_reserve(&p->mem, m, a, 10));
	for (i = 0; i < 10; i++)
		pws__ids_push(&USER(m, a)->members, 100 + i);
	n = m->ulists.cap - m->ulists.top;
	ck_assert_uint_ge(n, 2);
	OK(pws__user_list_reserve(&p->mem, m, b, (uint32_t)(n - 1)));
	ck_assert_uint_eq(m->ulists.top, m->ulists.cap);
	/* the lists' unused capacity is the caller's, never written by the
	 * region: give it values, so that the region compares byte for byte
	 * (valgrind: no compare of uninitialised bytes) */
	for (i = USER(m, a)->members.n; i < USER(m, a)->members.cap; i++)
		USER(m, a)->members.v[i] = 0xa0000000u + i;
	for (i = 0; i < USER(m, b)->members.cap; i++)
		USER(m, b)->members.v[i] = 0xb0000000u + i;
	copy = malloc(m->ulists.top * sizeof(uint32_t));
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, m->ulists.buf, m->ulists.top * sizeof(uint32_t));
	n = m->ulists.top;
	tc_alloc_fail_at(1, 1);
	/* b's block is the last: it cannot grow in place past the region */
	ck_assert_int_eq(pws__user_list_reserve(&p->mem, m, b, 1000), PWS_ENOMEM);
	ck_assert_int_eq(pws__user_list_reserve(&p->mem, m, a, 1000), PWS_ENOMEM);
	tc_alloc_fail_at(0, 0);
	ck_assert_uint_eq(USER(m, b)->members.cap + 1 + 11, n); /* b's block after a's */
	ck_assert_uint_eq(m->ulists.top, n);
	ck_assert(!memcmp(copy, m->ulists.buf, n * sizeof(uint32_t)));
	ck_assert_uint_eq(USER(m, a)->members.n, 10);
	region_ok(m, "after a failed growth");
	OK(pws__user_list_reserve(&p->mem, m, a, 1000));
	region_ok(m, "after growth");
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(USER(m, a)->members.v[i], 100 + i);
	free(copy);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* The workspaces pws_list_workspaces... are read from the lists: compare
 * the lists as sets of workspace ids, model to model. */
static void same_user_lists(const pws__model *a, const pws__model *b, const char *what)
{
	uint32_t u;

	for (u = 0; u < a->users.n; u++) {
		const pws__user *U = USER(a, u);
		uint32_t v, i, j;

		if (!U->alive)
			continue;
		v = pws__user_find(b, U->id);
		ck_assert_msg(v != PWS__NONE, "%s: %s missing", what, U->id);
		ck_assert_msg(USER(b, v)->members.n == U->members.n, "%s: %s holds %u, was %u", what,
		              U->id, USER(b, v)->members.n, U->members.n);
		for (i = 0; i < U->members.n; i++) {
			const char *w = WS(a, U->members.v[i])->id;

			for (j = 0; j < USER(b, v)->members.n; j++)
				if (!strcmp(WS(b, USER(b, v)->members.v[j])->id, w))
					break;
			ck_assert_msg(j < USER(b, v)->members.n, "%s: %s not in %s", what, U->id, w);
		}
	}
}

/* Users in many workspaces through invites and accepts; a state image
 * sizes each list once (exactly), a snapshot import and the image list the
 * same workspaces, the digest is the same. */
START_TEST(user_lists_after_image_and_snapshot)
{
	mem_store s;
	pws_storage_ops ops;
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_policy *p, *q;
	char ws[32], mail[48], id[32];
	uint32_t w, k, u;
	char *a = NULL;
	size_t la = 0, words;

	tc_alloc_reset();
	memset(&s, 0, sizeof s);
	ops = mem_store_ops(&s);
	o.storage = &ops;
	o.allocator = tc_allocator();
	p = tw_world_with(&o);
	for (k = 0; k < 12; k++) {
		snprintf(id, sizeof id, "ml%u", k);
		snprintf(mail, sizeof mail, "ml%u@pub.com", k);
		OK(pws_user_add(p, id, mail, "pub", PWS_TEAM_MEMBER, 0, RES));
	}
	for (w = 0; w < 40; w++) {
		snprintf(ws, sizeof ws, "lw%u", w);
		OK(pws_workspace_create(p, "owner", ws, ws, PWS_VIS_TEAM, NULL, RES));
		for (k = 0; k < 12; k++) {
			if ((w + k) % 3 == 0)
				continue;
			snprintf(id, sizeof id, "ml%u", k);
			snprintf(mail, sizeof mail, "ml%u@pub.com", k);
			OK(pws_invite(p, "owner", ws, mail, PWS_INVITE_MEMBER, PWS_ROLE_VIEWER, 0, RES));
			OK(pws_invite_accept(p, id, ws, NULL, RES));
		}
	}
	region_ok(&p->m, "built");
	OK(pws_compact(p, RES));
	ck_assert_int_eq(mem_store_open(&s, tc_allocator(), &q), PWS_OK);
	region_ok(&q->m, "image");
	same_user_lists(&p->m, &q->m, "image");
	/* every list exactly its length (one item too: no growth step's
	 * spare room), one block each in room made once (nothing dead) */
	words = 0;
	for (u = 0; u < q->m.users.n; u++) {
		ck_assert_msg(USER(&q->m, u)->members.cap == USER(&q->m, u)->members.n,
		              "image: user %u's list sized %u for %u", u, USER(&q->m, u)->members.cap,
		              USER(&q->m, u)->members.n);
		if (USER(&q->m, u)->members.n)
			words += 1 + (size_t)USER(&q->m, u)->members.n;
	}
	ck_assert_uint_eq(q->m.ulists.top, words);
	ck_assert_uint_eq(q->m.ulists.dead, 0);
	ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
	pws_policy_free(q);
	ck_assert_int_eq(pws_snapshot_export(p, &a, &la), PWS_OK);
	ck_assert_int_eq(tc_policy_new(&q), PWS_OK);
	ck_assert_int_eq(pws_snapshot_import(q, a, la, NULL), PWS_OK);
	region_ok(&q->m, "snapshot");
	same_user_lists(&p->m, &q->m, "snapshot");
	ck_assert_uint_eq(pws__model_digest(&p->m), pws__model_digest(&q->m));
	pws_policy_free(q);
	pws_snapshot_free(p, a);
	pws_policy_free(p);
	mem_store_clear(&s);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* n users with no team, ids prefix0, prefix1...: their indexes in u. */
static void new_users(pws_policy *p, const char *prefix, uint32_t n, uint32_t *u)
{
	char id[32], mail[48];
	uint32_t i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%s%u", prefix, i);
		snprintf(mail, sizeof mail, "%s%u@lists.example", prefix, i);
		OK(pws_user_add(p, id, mail, NULL, 0, 0, RES));
		u[i] = pws__user_find(&p->m, id);
	}
}

/* An import's lists at once (pws__user_lists_import, for users appended
 * in a row): each list that gets items is one block of exactly its
 * items, a user with none gets no block, the region's room is made once;
 * the lists then grow as any other. A failed region growth changes
 * nothing. */
START_TEST(user_lists_import_sizes_each_list_once)
{
	pws_policy *p = NULL;
	pws__model *m;
	static const uint32_t more[4] = {3, 0, 1, 300};
	uint32_t u[4], i;
	size_t top0, cap0;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	m = &p->m;
	new_users(p, "im", 4, u);
	for (i = 1; i < 4; i++)
		ck_assert_uint_eq(u[i], u[0] + i);
	/* the region's first room (256 words) is too small for 300 items:
	 * the growth fails, nothing changes */
	top0 = m->ulists.top;
	cap0 = m->ulists.cap;
	tc_alloc_fail_at(1, 1);
	ck_assert_int_eq(pws__user_lists_import(&p->mem, m, u[0], more, 4), PWS_ENOMEM);
	tc_alloc_fail_at(0, 0);
	ck_assert_uint_eq(m->ulists.top, top0);
	ck_assert_uint_eq(m->ulists.cap, cap0);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(USER(m, u[i])->members.cap, 0);
	region_ok(m, "after a failed import");
	OK(pws__user_lists_import(&p->mem, m, u[0], more, 4));
	region_ok(m, "imported");
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(USER(m, u[i])->members.cap, more[i]);
		ck_assert_uint_eq(USER(m, u[i])->members.n, 0);
	}
	ck_assert_uint_eq(m->ulists.top, top0 + (1 + 3) + (1 + 1) + (1 + 300));
	ck_assert_uint_ge(m->ulists.cap, m->ulists.top);
	ck_assert_uint_eq(m->ulists.dead, 0);
	for (i = 0; i < 300; i++)
		pws__ids_push(&USER(m, u[3])->members, 1000 + i);
	pws__ids_push(&USER(m, u[2])->members, 7);
	/* a list sized by the import grows as any other (it moves) */
	OK(pws__user_list_reserve(&p->mem, m, u[2], 1));
	pws__ids_push(&USER(m, u[2])->members, 8);
	region_ok(m, "grown after the import");
	ck_assert_uint_eq(USER(m, u[2])->members.v[0], 7);
	ck_assert_uint_eq(USER(m, u[2])->members.v[1], 8);
	for (i = 0; i < 300; i++)
		ck_assert_uint_eq(USER(m, u[3])->members.v[i], 1000 + i);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

/* pws__user_lists_import given a user whose list exists, in the middle
 * of the region: that list grows as the calls' do (by a step, moved to
 * the end), which takes more room than the import counted for it; the
 * new lists after it still get room of their own (no block written past
 * the region: the host allocator's block is exactly the region, so
 * valgrind and ASan see any write past it). */
START_TEST(user_lists_import_with_a_list_that_exists)
{
	pws_policy *p = NULL;
	pws__model *m;
	uint32_t u[3], more[2], i;

	tc_alloc_reset();
	ck_assert_int_eq(tc_policy_new(&p), PWS_OK);
	m = &p->m;
	new_users(p, "ix", 3, u);
	/* the import's users are a = u[0] and c = u[1], in a row */
	ck_assert_uint_eq(u[1], u[0] + 1);
	/* a: 10 items, exactly; b = u[2] after it, so a's block is not the last */
	OK(pws__user_list_reserve(&p->mem, m, u[0], 10));
	for (i = 0; i < 10; i++)
		pws__ids_push(&USER(m, u[0])->members, 500 + i);
	OK(pws__user_list_reserve(&p->mem, m, u[2], 2));
	pws__ids_push(&USER(m, u[2])->members, 600);
	ck_assert_uint_eq(m->ulists.top, 14);
	ck_assert_uint_eq(m->ulists.cap, 256);
	/* counted: a 1 + 10 + 1, c 1 + 228: 14 + 241 = 255 fit the 256 words;
	 * a's growth takes 1 + 15 at the end, so c's block needs more room */
	more[0] = 1;
	more[1] = 228;
	OK(pws__user_lists_import(&p->mem, m, u[0], more, 2));
	region_ok(m, "imported beside a list that exists");
	ck_assert_uint_eq(USER(m, u[0])->members.cap, 15);
	ck_assert_uint_eq(USER(m, u[1])->members.cap, 228);
	ck_assert_uint_ge(m->ulists.cap, m->ulists.top);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(USER(m, u[0])->members.v[i], 500 + i);
	ck_assert_uint_eq(USER(m, u[2])->members.v[0], 600);
	for (i = 0; i < 228; i++)
		pws__ids_push(&USER(m, u[1])->members, 700 + i);
	pws__ids_push(&USER(m, u[0])->members, 510);
	region_ok(m, "filled");
	for (i = 0; i < 228; i++)
		ck_assert_uint_eq(USER(m, u[1])->members.v[i], 700 + i);
	/* and a failure on either path changes no list's items */
	more[0] = 100;
	more[1] = 100;
	tc_alloc_fail_at(1, 1);
	ck_assert_int_eq(pws__user_lists_import(&p->mem, m, u[0], more, 2), PWS_ENOMEM);
	tc_alloc_fail_at(0, 0);
	region_ok(m, "after a failed import");
	ck_assert_uint_eq(USER(m, u[0])->members.n, 11);
	ck_assert_uint_eq(USER(m, u[1])->members.n, 228);
	pws_policy_free(p);
	ck_assert_uint_eq(tc_alloc_stats_get().live_blocks, 0);
}
END_TEST

Suite *pws_user_lists_suite(void)
{
	Suite *s = suite_create("user_lists");
	TCase *tc = tcase_create("region");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, user_lists_region_keeps_every_list_default_allocator);
	tcase_add_test(tc, user_lists_region_keeps_every_list_host_allocator);
	tcase_add_test(tc, user_lists_failed_region_growth_changes_no_list);
	tcase_add_test(tc, user_lists_after_image_and_snapshot);
	tcase_add_test(tc, user_lists_import_sizes_each_list_once);
	tcase_add_test(tc, user_lists_import_with_a_list_that_exists);
	suite_add_tcase(s, tc);
	return s;
}
