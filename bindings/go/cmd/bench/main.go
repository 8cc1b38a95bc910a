// SPDX-License-Identifier: MIT

// Command bench prints the median (p50) time of one Check through the Go
// binding: a partner asking to edit a collection of a multi-partner
// workspace (denied, ED1). Each sample times one call: copying the three
// id strings to NUL-terminated buffers, the cgo transition, pws_check under
// the handle's shared lock, and the rule id (cached). Timer overhead
// (time.Now, ~20-40 ns) is included; `go test -bench Check` gives the
// amortized figure without it.
package main

/*
#cgo !partnerws_nopkgconfig pkg-config: partnerws
#cgo partnerws_nopkgconfig LDFLAGS: -lpartnerws
#include <partnerws.h>
#include <stdlib.h>
#include <time.h>

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

// The same world and the same check, timed call by call in C the same way
// (a clock read around each call), for the figure to compare with.
static long long c_check_p50(int n)
{
	pws_policy *p = NULL;
	long long *t, p50;
	int i, allowed, rule;
	struct timespec a, b;

	if (pws_policy_new(&p, NULL) != PWS_OK)
		return -1;
	pws_team_add(p, "pub", "Publisher", PWS_PLAN_ENTERPRISE, 0, NULL);
	pws_user_add(p, "alice", "alice@pub.example", "pub", PWS_TEAM_SUPER_ADMIN, 0, NULL);
	pws_team_add(p, "acme", "Acme", PWS_PLAN_PROFESSIONAL, 0, NULL);
	pws_user_add(p, "ann", "ann@acme.example", "acme", PWS_TEAM_MEMBER, 0, NULL);
	pws_workspace_create(p, "alice", "ws", "Partner API", PWS_VIS_PARTNER, NULL, NULL);
	pws_element_add(p, "alice", "ws", "c1", PWS_EL_COLLECTION, 100, NULL, NULL);
	pws_workspace_enable_multi_partner(p, "alice", "ws", NULL);
	pws_invite(p, "alice", "ws", "ann@acme.example", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, 0, NULL);
	pws_invite_accept(p, "ann", "ws", "acme", NULL);
	t = malloc(sizeof(*t) * (size_t)n);
	if (!t)
		return -1;
	for (i = 0; i < 1000; i++)
		pws_check(p, &allowed, &rule, "ann", PWS_ACT_EDIT, NULL, "c1");
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		pws_check(p, &allowed, &rule, "ann", PWS_ACT_EDIT, NULL, "c1");
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_ll);
	p50 = t[n / 2];
	free(t);
	pws_policy_free(p);
	return p50;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	pw "libpartnerws/bindings/go/partnerws"
)

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func main() {
	n := flag.Int("n", 100000, "number of timed checks")
	flag.Parse()
	p, err := pw.New()
	fail(err)
	defer p.Close()
	fail(p.TeamAdd("pub", "Publisher", pw.PlanEnterprise, false))
	fail(p.UserAdd("alice", "alice@pub.example", "pub", pw.TeamRoleSuperAdmin, false))
	fail(p.TeamAdd("acme", "Acme", pw.PlanProfessional, false))
	fail(p.UserAdd("ann", "ann@acme.example", "acme", pw.TeamRoleMember, false))
	fail(p.WorkspaceCreate("alice", "ws", "Partner API", pw.VisibilityPartner, ""))
	fail(p.ElementAdd("alice", "ws", "c1", pw.ElementKindCollection, 100, ""))
	fail(p.EnableMultiPartner("alice", "ws"))
	fail(p.Invite("alice", "ws", "ann@acme.example", pw.InviteKindPartner, pw.WsRoleViewer, false))
	fail(p.InviteAccept("ann", "ws", "acme"))

	for i := 0; i < 1000; i++ { // warm up
		_, _, _ = p.Check("ann", pw.ActionEdit, "ws", "c1")
	}
	samples := make([]time.Duration, *n)
	for i := range samples {
		t0 := time.Now()
		_, _, err := p.Check("ann", pw.ActionEdit, "ws", "c1")
		samples[i] = time.Since(t0)
		fail(err)
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	fmt.Printf("go binding: Check p50 %d ns, p99 %d ns over %d calls (one goroutine)\n",
		samples[len(samples)/2].Nanoseconds(), samples[len(samples)*99/100].Nanoseconds(), *n)
	fmt.Printf("C, same world, same run: pws_check p50 %d ns\n", int64(C.c_check_p50(C.int(*n))))
}
