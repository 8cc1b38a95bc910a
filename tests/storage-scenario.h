/*
 * The scripted storage scenario: one call of every mutating kind (every
 * operation code of doc/STORAGE.md but the snapshot import, 43, and the
 * state image, 44), each step succeeding on the state the steps before it
 * built. Shared by tests/check_storage.c and tests/check_powerloss.c.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_STORAGE_SCENARIO_H
#define PWS_STORAGE_SCENARIO_H

#include "partnerws.h"

#define STORAGE_T0 1700000000
#define STORAGE_STEPS 75

/* Step i (0 <= i < STORAGE_STEPS) on p, with RES as its result; its
 * status. */
int storage_step(pws_policy *p, int i);

#endif
