/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/version.h
 * @brief Compile-time and run-time version of the library.
 * @defgroup version Version
 * @{
 */
#ifndef PARTNERWS_VERSION_H
#define PARTNERWS_VERSION_H

#include "common.h"

/** Major version of the headers: changes on an incompatible API change. */
#define PWS_VERSION_MAJOR 0
/** Minor version of the headers: changes when API is added. */
#define PWS_VERSION_MINOR 1
/** Patch version of the headers: changes on fixes only. */
#define PWS_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define PWS_VERSION_STRING "0.1.0"
/** The version as one monotonic number, 0xMMmmpp. */
#define PWS_VERSION_NUMBER \
	((PWS_VERSION_MAJOR << 16) | (PWS_VERSION_MINOR << 8) | PWS_VERSION_PATCH)

PWS_BEGIN_DECL

/**
 * @brief The version of the library linked at run time, as 0xMMmmpp.
 *
 * Compare with PWS_VERSION_NUMBER to detect a header/library mismatch.
 * @return the run-time version number.
 * @par Example
 * @code
 * if (pws_version_number() != PWS_VERSION_NUMBER)
 *	fprintf(stderr, "built against libpartnerws %s, running %s\n",
 *	        PWS_VERSION_STRING, pws_version_string());
 * @endcode
 * @since 0.1
 */
PWS_EXTERN uint32_t pws_version_number(void);

/**
 * @brief The version of the library linked at run time, as a string.
 * @return a static string such as "0.1.0"; never NULL, never to be freed.
 * @since 0.1
 */
PWS_EXTERN const char *pws_version_string(void);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_VERSION_H */
