// SPDX-License-Identifier: MIT

// Command bench prints the median (p50) time of one Check through the Go
// binding: a partner asking to edit a collection of a multi-partner
// workspace (denied, ED1). Each sample times one call: copying the three
// id strings to NUL-terminated buffers, the cgo transition, pws_check under
// the handle's shared lock, and the rule id (cached). Timer overhead
// (time.Now, ~20-40 ns) is included; `go test -bench Check` gives the
// amortized figure without it.
package main

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
}
