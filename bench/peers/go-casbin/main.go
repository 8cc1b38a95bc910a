// The peer scenario of bench/bench.c --peer, built and checked by
// go-casbin (github.com/casbin/casbin), so that the bench's figures can be
// set beside a peer's measured in the same run (issue 15, point 5). Built
// by bench/peers/run.sh against source trees of casbin and its three
// modules (GOPROXY is not reachable here); by hand, see run.sh.
//
// The same world, models and output lines as casbin-peer.js:
// D workspaces, "pm" admin of each and 99 users "q<d>_<k>" with admin,
// editor or viewer by k % 3, as grouping policies g(user, role, workspace);
// model "shared" (six p rules for every workspace: casbin's best case for
// a check) or "domains" (casbin's RBAC-with-domains example: the six rules
// for each workspace, 6 * D, all walked by a check).
//
//	load-file    the policy file read into a new enforcer (its file
//	             adapter): the peer's load from its own store
//	load-api     the same rules given to AddGroupingPolicies in one call
//	build-calls  the rules one AddGroupingPolicy call each (all of them
//	             unless that takes over callsLimit)
//	check-p50/99 Enforce, 1 in 4 on a workspace the user is not in
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/casbin/casbin/v3"
	"github.com/casbin/casbin/v3/model"
	fileadapter "github.com/casbin/casbin/v3/persist/file-adapter"
)

// the models' texts are rbac-shared.conf and rbac-domains.conf (one
// directory up), the third argument
var acts = [][2]string{{"admin", "read"}, {"admin", "write"}, {"admin", "manage"},
	{"editor", "read"}, {"editor", "write"}, {"viewer", "read"}}

const (
	users      = 99
	runs       = 3
	callsLimit = 30 * time.Second
)

// xorshift64: the same checks on every run and in every peer
var seed uint64 = 88172645463325252

func rnd(n uint64) uint64 {
	seed ^= seed << 13
	seed ^= seed >> 7
	seed ^= seed << 17
	return seed % n
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func list(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.3f", x)
	}
	return strings.Join(s, ",")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "go-casbin peer:", err)
	os.Exit(1)
}

func newModel(conf string) model.Model {
	m, err := model.NewModelFromFile(conf)
	if err != nil {
		fail(err)
	}
	return m
}

func main() {
	D := uint64(10000)
	name := "shared"
	if len(os.Args) > 1 {
		v, err := strconv.ParseUint(os.Args[1], 10, 32)
		if err != nil || v == 0 {
			fmt.Fprintln(os.Stderr, "usage: go-casbin-peer D shared|domains model.conf")
			os.Exit(2)
		}
		D = v
	}
	if len(os.Args) > 2 {
		name = os.Args[2]
	}
	if (name != "shared" && name != "domains") || len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: go-casbin-peer D shared|domains model.conf")
		os.Exit(2)
	}
	conf, checks := os.Args[3], 200000
	var p [][]string
	if name == "shared" {
		for _, a := range acts {
			p = append(p, []string{a[0], a[1]})
		}
	} else {
		checks = 200
		for d := uint64(0); d < D; d++ {
			for _, a := range acts {
				p = append(p, []string{a[0], "w" + strconv.FormatUint(d, 10), a[1]})
			}
		}
	}
	roles := []string{"admin", "editor", "viewer"}
	g := make([][]string, 0, D*(users+1))
	for d := uint64(0); d < D; d++ {
		w := "w" + strconv.FormatUint(d, 10)
		g = append(g, []string{"pm", "admin", w})
		for k := 0; k < users; k++ {
			g = append(g, []string{fmt.Sprintf("q%d_%d", d, k), roles[k%3], w})
		}
	}
	dir, err := os.MkdirTemp("", "pws-go-casbin-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "policy.csv")
	f, err := os.Create(file)
	if err != nil {
		fail(err)
	}
	bw := bufio.NewWriter(f)
	for _, r := range p {
		fmt.Fprintf(bw, "p, %s\n", strings.Join(r, ", "))
	}
	for _, r := range g {
		fmt.Fprintf(bw, "g, %s\n", strings.Join(r, ", "))
	}
	if err := bw.Flush(); err != nil {
		fail(err)
	}
	f.Close()

	var tf, ta []float64
	var e *casbin.Enforcer
	for i := 0; i < runs; i++ {
		e = nil
		runtime.GC()
		t0 := time.Now()
		e, err = casbin.NewEnforcer(newModel(conf), fileadapter.NewAdapter(file))
		if err != nil {
			fail(err)
		}
		tf = append(tf, time.Since(t0).Seconds())
		e = nil
		runtime.GC()
		e, err = casbin.NewEnforcer(newModel(conf))
		if err != nil {
			fail(err)
		}
		if _, err = e.AddPolicies(p); err != nil {
			fail(err)
		}
		t0 = time.Now()
		ok, err := e.AddGroupingPolicies(g)
		if err != nil || !ok {
			fail(fmt.Errorf("AddGroupingPolicies refused: %v", err))
		}
		ta = append(ta, time.Since(t0).Seconds())
	}

	// one call per rule, on a fresh enforcer: every rule, as bench's
	// build by calls does, unless that passes callsLimit (the clock read
	// every 4096 calls)
	c, err := casbin.NewEnforcer(newModel(conf))
	if err != nil {
		fail(err)
	}
	if _, err = c.AddPolicies(p); err != nil {
		fail(err)
	}
	nc := 0
	t0 := time.Now()
	for ; nc < len(g); nc++ {
		if ok, err := c.AddGroupingPolicy(g[nc][0], g[nc][1], g[nc][2]); err != nil || !ok {
			fail(fmt.Errorf("AddGroupingPolicy refused: %v", err))
		}
		if nc&4095 == 4095 && time.Since(t0) > callsLimit {
			nc++
			break
		}
	}
	tc := time.Since(t0).Seconds()
	c = nil

	// the checks: a member's role in its workspace, or (1 in 4) a
	// workspace it is not in, which must be refused
	lat := make([]float64, checks)
	allowed := 0
	for i := 0; i < checks; i++ {
		d, k := rnd(D), rnd(users)
		other := rnd(4) == 0
		dd := d
		if other && D > 1 {
			dd = (d + 1 + rnd(D-1)) % D
		}
		sub := fmt.Sprintf("q%d_%d", d, k)
		dom := "w" + strconv.FormatUint(dd, 10)
		t0 := time.Now()
		ok, err := e.Enforce(sub, dom, "read")
		lat[i] = float64(time.Since(t0).Nanoseconds())
		if err != nil {
			fail(err)
		}
		if ok {
			allowed++
		} else if dd == d {
			fail(fmt.Errorf("member %s refused in %s", sub, dom))
		}
	}
	sort.Float64s(lat)
	fmt.Printf("go-casbin version %s\n", runtime.Version())
	fmt.Printf("go-casbin model %s (%d p rules)\n", name, len(p))
	fmt.Printf("go-casbin memberships %d count\n", len(g))
	fmt.Printf("go-casbin load-file %.3f s (runs %s)\n", median(tf), list(tf))
	fmt.Printf("go-casbin load-api %.3f s (runs %s)\n", median(ta), list(ta))
	fmt.Printf("go-casbin build-calls %.3f s (%d of %d rules, one AddGroupingPolicy each: "+
		"%.1f us a call)\n", tc, nc, len(g), tc*1e6/float64(nc))
	fmt.Printf("go-casbin check-p50 %.0f ns\n", lat[checks/2])
	fmt.Printf("go-casbin check-p99 %.0f ns\n", lat[checks*99/100])
	fmt.Printf("go-casbin allowed %d of %d\n", allowed, checks)
}
