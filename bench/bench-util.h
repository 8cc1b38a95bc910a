/*
 * Helpers shared by the bench programs: failing loudly, timing, memory.
 * Define BENCH_NAME (the program's name, for messages) before including.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_BENCH_UTIL_H
#define PWS_BENCH_UTIL_H

#include <partnerws.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline void die(const char *what, int rc, const char *file, int line)
{
	fprintf(stderr, BENCH_NAME ": %s failed: %s (%d) at %s:%d\n", what, pws_strerror(rc), rc,
	        file, line);
	exit(2);
}

/* Aborts the benchmark when a library call fails: a broken library must
 * not produce figures. */
#define CK(call)                                                                   \
	do {                                                                       \
		int ck_rc_ = (call);                                               \
		if (ck_rc_ != PWS_OK)                                              \
			die(#call, ck_rc_, __FILE__, __LINE__);                    \
	} while (0)

static inline void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, BENCH_NAME ": out of memory\n");
		exit(2);
	}
	return p;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline double secs(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e9;
}

/* Resident set size in bytes (second field of /proc/self/statm). */
static inline uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Anonymous resident bytes: resident minus shared (the second and third
 * fields of /proc/self/statm), the memory a process allocated, without
 * the file pages it maps. What the policy costs: a process forked to
 * build a world (bench --growth) has not yet faulted in the text pages
 * its parent had (fork copies no page-table entries of file mappings),
 * so the RSS growth of its build would count 0.3-0.5 MB of program text
 * the parent's figure does not (h-mem5, session 7). */
static inline uint64_t anon_rss_bytes(void)
{
	unsigned long size = 0, resident = 0, shared = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu %lu", &size, &resident, &shared) != 3 || shared > resident)
		resident = shared = 0;
	fclose(f);
	return (uint64_t)(resident - shared) * (uint64_t)sysconf(_SC_PAGESIZE);
}


#endif
