/*
 * libpartnerws Go binding: C side of the callbacks.
 * SPDX-License-Identifier: MIT
 *
 * The library calls C function pointers with a void * payload; Go hands it
 * a runtime/cgo.Handle (an integer) instead of a Go pointer, so nothing Go
 * owns is ever stored in C memory. These trampolines turn the payload back
 * into a uintptr_t and call the exported Go functions.
 */
#ifndef PARTNERWS_GO_SHIM_H
#define PARTNERWS_GO_SHIM_H

#include <stdint.h>
#include <stdlib.h>
#include <partnerws.h>

/* Creates a handle; every 0 handle means "no such callback". */
pws_policy *pwsgo_new(int *rc, uintptr_t events, uintptr_t change, uintptr_t store,
                      int store_shared, uint32_t max_name, uint32_t max_text);

/* Calls a storage sink handed to the load / load_after callbacks. */
int pwsgo_sink(pws_storage_sink sink, void *sink_ctx, uint32_t kind, const char *key,
               size_t key_len, const void *data, size_t data_len);

#endif
