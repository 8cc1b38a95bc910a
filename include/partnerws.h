/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws.h
 * @brief The umbrella header: include this one.
 *
 * libpartnerws enforces the access policy of Partner Workspaces: a
 * publisher team shares API workspaces with external partner organizations.
 * It answers "may this user do this?" and "what can this user see?", and
 * keeps the policy state in memory while the host persists it. The main
 * page (doc/mainpage.md) gives a tour.
 *
 * Conventions: every fallible function returns 0 (::PWS_OK) or a negative
 * ::pws_status_code; outputs come first; input strings are copied;
 * handles are opaque and freed with their @c _free function (which accepts
 * NULL); option and vtable structures start with a @c version field.
 *
 * See partnerws(7) for an overview and one man(3) page per function.
 */
#ifndef PARTNERWS_H
#define PARTNERWS_H

#include "partnerws/common.h"
#include "partnerws/version.h"
#include "partnerws/errors.h"
#include "partnerws/storage.h"
#include "partnerws/policy.h"
#include "partnerws/rules.h"
#include "partnerws/directory.h"
#include "partnerws/workspace.h"
#include "partnerws/check.h"
#include "partnerws/events.h"
#include "partnerws/filter.h"
#include "partnerws/snapshot.h"

#endif /* PARTNERWS_H */
