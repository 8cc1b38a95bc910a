/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/errors.h
 * @brief Status codes returned by every fallible function.
 * @defgroup errors Status codes
 * @{
 */
#ifndef PARTNERWS_ERRORS_H
#define PARTNERWS_ERRORS_H

#include "common.h"

PWS_BEGIN_DECL

/**
 * @brief Status codes.
 *
 * 0 is success, every failure is negative. Values are never renumbered or
 * reused; a retired code keeps its number.
 */
typedef enum pws_status_code {
	PWS_OK = 0,          /**< Success. */
	PWS_ERROR = -1,      /**< Generic failure not covered by another code. */
	PWS_ENOMEM = -2,     /**< An allocation failed; nothing was changed. */
	PWS_EINVALID = -3,   /**< A bad argument or struct version. */
	PWS_EMISUSE = -4,    /**< The API was used against its contract
	                          (for example re-entered from a callback). */
	PWS_ENOTFOUND = -5,  /**< An id names nothing known. */
	PWS_EEXISTS = -6,    /**< The thing to create already exists. */
	PWS_EDENIED = -7,    /**< The policy refused the action; the rule id
	                          says why. */
	PWS_ESTORAGE = -8,   /**< A storage callback failed; nothing was
	                          changed in memory (a failed commit may
	                          still have landed in the store). */
	PWS_EUSER = -9,      /**< A user callback asked to stop. */
	PWS_ESTATE = -10,    /**< The target is in the wrong state for the
	                          call (for example already deleted). */
	PWS_ECONFLICT = -11, /**< Another writer appended to the shared store
	                          first, and retrying did not get through; the
	                          handle has caught up and nothing of this call
	                          was changed: call again. @since 0.2 */
	PWS_ETIMEOUT = -12,  /**< A wait ended before its condition held.
	                          @since 0.2 */
	PWS_ITEROVER = -31   /**< Iteration is over (not an error). */
} pws_status_code;

/**
 * @brief A short English description of a status code.
 * @param code a value of ::pws_status_code (any int is accepted).
 * @return a static string, never NULL; unknown codes give
 *         "unknown error code".
 * @par Example
 * @code
 * int rc = pws_team_add(p, "acme", "Acme Corp", PWS_PLAN_PROFESSIONAL, 0, &res);
 *
 * if (rc != PWS_OK)
 *	fprintf(stderr, "pws_team_add: %s (%s)\n", pws_strerror(rc), res.message);
 * @endcode
 * @since 0.1
 */
PWS_EXTERN const char *pws_strerror(int code);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_ERRORS_H */
