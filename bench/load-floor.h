/*
 * The floor of a bulk load (issue 15 point 5a), measured beside
 * pws_load_state in the same run: bench --load and --load-peer print the
 * load as a multiple of it, as every check latency is printed as a
 * multiple of the one-miss floor.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_BENCH_LOAD_FLOOR_H
#define PWS_BENCH_LOAD_FLOOR_H

#include <partnerws.h>

/* Loads l's users and memberships the least way a loader that answers
 * lookups by id and address can (load-floor.c says what it does and does
 * not); returns the seconds it took. Exits when l holds a duplicate id,
 * address or membership, or a position out of range: the bench's worlds
 * have none, and a floor that skipped work would not be one. */
double load_floor(const pws_load *l);

#endif
