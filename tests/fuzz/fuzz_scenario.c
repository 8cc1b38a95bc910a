/*
 * Fuzz target: the scenario-file reader of partnerws(1) (cli/scenario.c,
 * doc/SCENARIOS.md). cli/ reads files only, so each input is written to
 * a private temporary file and run as `partnerws test FILE` would run it.
 * Promises: no crash, no leak, no UB; the exit status is 0, 1 or 2.
 * The command's TAP output goes to /dev/null; its complaints about bad
 * files go to stderr (ASan's reports must stay visible).
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-common.h"
#include "cli.h"

#include <fcntl.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char path[64];

/* Stores are not fuzzed here: the scenario runner only needs this for
 * `partnerws store world`, which this target does not call. */
int cli_open_ops(pws_storage_ops *ops, const char *spec, int readonly)
{
	(void)ops, (void)spec, (void)readonly;
	return PWS_EINVALID;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd, null;

	(void)argc, (void)argv;
	snprintf(path, sizeof path, "/tmp/pws-fuzz-scenario-%ld.yaml", (long)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	close(fd);
	null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		fflush(stdout);
		dup2(null, 1);
		close(null);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[2];
	FILE *f;
	int rc;

	if (size > 16384)
		return 0;
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f))
		abort();
	argv[0] = path;
	argv[1] = NULL;
	rc = cli_test(1, argv);
	fflush(stdout);
	FZ_ASSERT(rc >= 0 && rc <= 2, "partnerws test -> %d", rc);
	return 0;
}
