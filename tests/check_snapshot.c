/*
 * Placeholder suite; filled in by the work on this module.
 * SPDX-License-Identifier: MIT
 */
#include "test-common.h"

Suite *pws_snapshot_suite(void)
{
	return suite_create("snapshot");
}
