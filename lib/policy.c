/*
 * The policy handle: option validation, creation and release.
 * SPDX-License-Identifier: MIT
 */
#include "core.h"

#include <stddef.h>
#include <string.h>

size_t pws__policy_options_size(unsigned int version)
{
	switch (version) {
	case 1:
		return offsetof(pws_policy_options, max_name_bytes);
	case 2:
		return offsetof(pws_policy_options, on_change);
	case 3:
		return sizeof(pws_policy_options);
	default:
		return 0;
	}
}

size_t pws__storage_ops_size(unsigned int version)
{
	switch (version) {
	case 1:
		return offsetof(pws_storage_ops, append);
	case 2:
		return sizeof(pws_storage_ops);
	default:
		return 0;
	}
}

PWS_EXTERN int pws_policy_options_init(pws_policy_options *opts, unsigned int version)
{
	if (!opts || pws__policy_options_size(version) == 0)
		return PWS_EINVALID;
	memset(opts, 0, pws__policy_options_size(version));
	opts->version = version;
	return PWS_OK;
}

PWS_EXTERN int pws_storage_ops_init(pws_storage_ops *ops, unsigned int version)
{
	if (!ops || pws__storage_ops_size(version) == 0)
		return PWS_EINVALID;
	memset(ops, 0, pws__storage_ops_size(version));
	ops->version = version;
	return PWS_OK;
}

/* Copies the caller's options field by field, never reading past what its
 * version declares, and validates the tables they point to. */
static int read_options(const pws_policy_options *in, pws_policy_options *o,
                        pws__mem *mem, pws_storage_ops *st, bool *has_st)
{
	size_t n;

	memset(o, 0, sizeof(*o));
	pws__mem_default(mem);
	memset(st, 0, sizeof(*st));
	*has_st = false;
	if (!in)
		return PWS_OK;
	n = pws__policy_options_size(in->version);
	if (n == 0)
		return PWS_EINVALID;
	memcpy(o, in, n);

	if (o->allocator) {
		size_t an = pws__allocator_size(o->allocator->version);
		pws_allocator a;

		if (an == 0)
			return PWS_EINVALID;
		memset(&a, 0, sizeof(a));
		memcpy(&a, o->allocator, an);
		if (!a.malloc_fn || !a.realloc_fn || !a.free_fn)
			return PWS_EINVALID;
		mem->a = a;
	}
	if (o->storage) {
		size_t sn = pws__storage_ops_size(o->storage->version);

		if (sn == 0)
			return PWS_EINVALID;
		memcpy(st, o->storage, sn);
		if (!st->close || !st->put)
			return PWS_EINVALID;
		*has_st = true;
	}
	/* Fields a version-1 caller never set stay 0: the defaults. */
	if (o->max_name_bytes > PWS_TEXT_LIMIT_MAX || o->max_text_bytes > PWS_TEXT_LIMIT_MAX)
		return PWS_EINVALID;
	return PWS_OK;
}

PWS_EXTERN int pws_policy_new(pws_policy **out, const pws_policy_options *opts)
{
	pws_policy_options o;
	pws__mem mem;
	pws_storage_ops st;
	bool has_st;
	pws_policy *p;
	int rc, i;

	if (!out)
		return PWS_EINVALID;
	*out = NULL;
	rc = read_options(opts, &o, &mem, &st, &has_st);
	if (rc)
		return rc;
	p = pws__calloc(&mem, 1, sizeof(*p));
	if (!p)
		return PWS_ENOMEM;
	p->mem = mem;
	p->storage = st;
	p->has_storage = has_st;
	p->on_event = o.on_event;
	p->event_payload = o.event_payload;
	p->on_change = o.on_change;
	p->change_payload = o.change_payload;
	p->max_name = o.max_name_bytes ? o.max_name_bytes : PWS_DEFAULT_MAX_NAME_BYTES;
	p->max_text = o.max_text_bytes ? o.max_text_bytes : PWS_DEFAULT_MAX_TEXT_BYTES;
	pws__model_init(&p->m);
	atomic_init(&p->owner, 0);
	if (pthread_mutex_init(&p->sync_lock, NULL) != 0) { /* GCOVR_EXCL_BR_LINE: default attributes: glibc and musl return 0 */
		pws__free(&mem, p);
		return PWS_ENOMEM;
	}
	atomic_init(&p->writing, 0);
	atomic_init(&p->sleepers, 0);
	for (i = 0; i < PWS__READERS; i++)
		atomic_init(&p->readers[i].n, 0);
	if (pthread_mutex_init(&p->wl, NULL) != 0) { /* GCOVR_EXCL_BR_LINE: default attributes: glibc and musl return 0 */
		pthread_mutex_destroy(&p->sync_lock);
		pws__free(&mem, p);
		return PWS_ENOMEM;
	}
	if (pthread_cond_init(&p->wcv, NULL) != 0) { /* GCOVR_EXCL_BR_LINE: default attributes: glibc and musl return 0 */
		pthread_mutex_destroy(&p->wl);
		pthread_mutex_destroy(&p->sync_lock);
		pws__free(&mem, p);
		return PWS_ENOMEM;
	}
	/* Rebuild the committed state from the store. If that fails the
	 * handle is released without calling close: ctx stays the caller's. */
	rc = pws__replay(p);
	if (rc != PWS_OK) {
		p->has_storage = false;
		pws_policy_free(p);
		return rc;
	}
	*out = p;
	return PWS_OK;
}

PWS_EXTERN void pws_policy_free(pws_policy *p)
{
	pws__mem mem;

	if (!p)
		return;
	if (p->has_storage)
		p->storage.close(p->storage.ctx);
	pthread_cond_destroy(&p->wcv);
	pthread_mutex_destroy(&p->wl);
	pthread_mutex_destroy(&p->sync_lock);
	mem = p->mem;
	pws__model_free(&mem, &p->m);
	pws__free(&mem, p);
}

PWS_EXTERN int pws_policy_digest(const pws_policy *p, uint64_t *digest)
{
	int rc;

	if (!p || !digest)
		return PWS_EINVALID;
	rc = pws__read_begin(p);
	if (rc)
		return rc;
	*digest = pws__model_digest(&p->m);
	pws__read_end(p);
	return PWS_OK;
}
