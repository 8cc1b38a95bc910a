/*
 * Asks every question the fuzz targets that load a state (a snapshot, a
 * store, an image) ask of it: listings of every user's workspaces, their
 * members, elements and activity, checks of every action, teams and
 * seats. Promises: no crash; pws_check, pws_allowed_actions, the element
 * listing's actions column and the member listing's refusal agree.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_FUZZ_WALK_H
#define PWS_FUZZ_WALK_H

#include "fuzz-common.h"

static FZ_UNUSED void fz_walk_user(const pws_policy *p, const char *user)
{
	pws_iter *it = NULL;

	if (pws_list_workspaces(&it, p, user) != PWS_OK)
		return;
	while (pws_iter_next(it) == PWS_OK) {
		const char *ws = pws_iter_str(it, PWS_COL_ID);
		uint64_t mask = 0;
		pws_iter *m = NULL;
		int a;

		FZ_ASSERT(ws, "a workspace row without id");
		FZ_ASSERT(pws_allowed_actions(p, &mask, user, ws, NULL) == PWS_OK,
		          "pws_allowed_actions on a listed workspace");
		for (a = 1; a < PWS_ACT_COUNT; a++) {
			int allowed = -1, rule = 0;

			if (pws_check(p, &allowed, &rule, user, a, ws, NULL) == PWS_OK)
				FZ_ASSERT(!!allowed == !!(mask >> a & 1),
				          "pws_check %s says %d, pws_allowed_actions bit %d (%s in %s)",
				          pws_action_name(a), allowed, (int)(mask >> a & 1), user, ws);
		}
		a = pws_list_members(&m, p, user, ws);
		FZ_ASSERT((a == PWS_OK) == !!(mask >> PWS_ACT_VIEW_MEMBERS & 1),
		          "pws_list_members(%s, %s) -> %d, view_members bit %d", user, ws, a,
		          (int)(mask >> PWS_ACT_VIEW_MEMBERS & 1));
		if (a == PWS_OK) {
			while (pws_iter_next(m) == PWS_OK)
				(void)pws_iter_str(m, PWS_COL_ORG);
			pws_iter_free(m);
		}
		m = NULL;
		if (pws_list_elements(&m, p, user, ws) == PWS_OK) {
			while (pws_iter_next(m) == PWS_OK) {
				const char *el = pws_iter_str(m, PWS_COL_ID);
				uint64_t em = 0;

				FZ_ASSERT(pws_allowed_actions(p, &em, user, ws, el) == PWS_OK &&
				          (int64_t)em == pws_iter_int(m, PWS_COL_ACTIONS),
				          "element %s of %s: actions column %lld, pws_allowed_actions %llu",
				          el, ws, (long long)pws_iter_int(m, PWS_COL_ACTIONS),
				          (unsigned long long)em);
			}
			pws_iter_free(m);
		}
		m = NULL;
		if (pws_list_activity(&m, p, user, ws) == PWS_OK) {
			while (pws_iter_next(m) == PWS_OK)
				(void)pws_iter_str(m, PWS_COL_TEXT);
			pws_iter_free(m);
		}
		m = NULL;
		if (pws_list_invites(&m, NULL, p, user, ws) == PWS_OK)
			pws_iter_free(m);
	}
	pws_iter_free(it);
}

/* Walks every user of the directory (at most 64 of them). */
static FZ_UNUSED void fz_walk(const pws_policy *p)
{
	pws_iter *it = NULL, *u = NULL;
	int k = 0;

	if (pws_list_teams(&it, p) == PWS_OK) {
		while (pws_iter_next(it) == PWS_OK) {
			pws_iter *s = NULL;

			if (pws_list_seats(&s, p, pws_iter_str(it, PWS_COL_ID)) == PWS_OK)
				pws_iter_free(s);
		}
		pws_iter_free(it);
	}
	if (pws_list_users(&u, p, NULL) != PWS_OK)
		return;
	while (k++ < 64 && pws_iter_next(u) == PWS_OK)
		fz_walk_user(p, pws_iter_str(u, PWS_COL_ID));
	pws_iter_free(u);
}

#endif
