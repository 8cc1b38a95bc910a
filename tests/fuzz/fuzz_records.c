/*
 * Fuzz target: opening a store of fuzzed records (doc/STORAGE.md): every
 * operation code, malformed arguments, state images met anywhere, other
 * record kinds. The bytes are records in the format of fuzz-records.h.
 * Promises: fuzz-load.h.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-load.h"
#include "fuzz-records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mem_store st;

	if (size > 65536)
		return 0;
	memset(&st, 0, sizeof st);
	fz_records_parse(&st, data, size);
	fz_open_store(&st);
	mem_store_clear(&st);
	return 0;
}
