/*
 * Run-time twins of the compile-time version macros.
 * SPDX-License-Identifier: MIT
 */
#include "pws-int.h"

PWS_EXTERN uint32_t pws_version_number(void)
{
	return PWS_VERSION_NUMBER;
}

PWS_EXTERN const char *pws_version_string(void)
{
	return PWS_VERSION_STRING;
}
