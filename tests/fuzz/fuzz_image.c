/*
 * Fuzz target: opening a store whose record is a fuzzed state image
 * (operation 44, lib/image.h): a JSON part and the binary section of
 * users, workspaces and memberships. The bytes: u16 length of the JSON
 * part (little-endian), the JSON part, then the binary section.
 * Promises: fuzz-load.h (a damaged image fails the open with
 * PWS_ESTORAGE, nothing held).
 * SPDX-License-Identifier: MIT
 */
#include "fuzz-load.h"
#include "../../lib/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mem_store st;
	pws__mem m;
	pws__rec rec;
	size_t jl;

	if (size < 2 || size > 65536)
		return 0;
	jl = (size_t)data[0] | (size_t)data[1] << 8;
	if (jl > size - 2)
		jl = size - 2;
	pws__mem_default(&m);
	pws__rec_start(&m, &rec, PWS__OP_STATE_IMAGE);
	pws__rec_bytes(&m, &rec, (const char *)data + 2, jl);
	pws__rec_bytes(&m, &rec, (const char *)data + 2 + jl, size - 2 - jl);
	pws__rec_seal(&m, &rec); /* format 2: the CRC-32C trailer */
	FZ_ASSERT(!rec.oom, "building the image record");
	memset(&st, 0, sizeof st);
	mem_store_add(&st, PWS_RECORD_OP, "0000000000000001", 16, rec.buf, rec.len);
	pws__rec_free(&m, &rec);
	fz_open_store(&st);
	mem_store_clear(&st);
	return 0;
}
