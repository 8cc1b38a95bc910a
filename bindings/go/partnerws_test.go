// SPDX-License-Identifier: MIT

package partnerws_test

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	pw "libpartnerws/bindings/go/partnerws"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// world: pub (enterprise) owns the multi-partner workspace "ws" with the
// collection "c1"; acme and globex are partner teams, each with one
// accepted partner; bob is a team member with Editor.
func world(t testing.TB, p *pw.Policy) {
	must(t, p.TeamAdd("pub", "Publisher", pw.PlanEnterprise, false))
	must(t, p.UserAdd("alice", "alice@pub.example", "pub", pw.TeamRoleSuperAdmin, false))
	must(t, p.UserAdd("bob", "bob@pub.example", "pub", pw.TeamRoleMember, false))
	for _, tu := range [][2]string{{"acme", "ann"}, {"globex", "gus"}} {
		must(t, p.TeamAdd(tu[0], tu[0], pw.PlanProfessional, false))
		must(t, p.TeamAddDomain(tu[0], tu[0]+".example"))
		must(t, p.UserAdd(tu[1], tu[1]+"@"+tu[0]+".example", tu[0], pw.TeamRoleMember, false))
	}
	must(t, p.WorkspaceCreate("alice", "ws", "Partner API", pw.VisibilityPartner, ""))
	must(t, p.ElementAdd("alice", "ws", "c1", pw.ElementKindCollection, 100, ""))
	must(t, p.EnableMultiPartner("alice", "ws"))
	must(t, p.Invite("alice", "ws", "bob@pub.example", pw.InviteKindMember, pw.WsRoleEditor, false))
	must(t, p.InviteAccept("bob", "ws", ""))
	for _, tu := range [][2]string{{"acme", "ann"}, {"globex", "gus"}} {
		must(t, p.Invite("alice", "ws", tu[1]+"@"+tu[0]+".example", pw.InviteKindPartner,
			pw.WsRoleViewer, false))
		must(t, p.InviteAccept(tu[1], "ws", tu[0]))
	}
}

func newWorld(t *testing.T, opts ...pw.Option) *pw.Policy {
	p, err := pw.New(opts...)
	must(t, err)
	t.Cleanup(func() { p.Close() })
	world(t, p)
	return p
}

func ids(ms []pw.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	sort.Strings(out)
	return out
}

func TestMembersAndIsolation(t *testing.T) {
	p := newWorld(t)
	all, err := p.Members("alice", "ws")
	must(t, err)
	if got := fmt.Sprint(ids(all)); got != "[alice ann bob gus]" {
		t.Fatalf("publisher sees %s", got)
	}
	annView, err := p.Members("ann", "ws")
	must(t, err)
	if got := fmt.Sprint(ids(annView)); got != "[alice ann bob]" { // VI2: not gus
		t.Fatalf("ann sees %s", got)
	}
	for _, m := range annView {
		if m.ID == "ann" && (!m.External || m.Org != "acme") {
			t.Fatalf("ann's row: %+v", m)
		}
	}
	vis, rule, err := p.CanSeeMember("ann", "ws", "gus")
	must(t, err)
	if vis || rule != "VI2" {
		t.Fatalf("ann sees gus: %v %s", vis, rule)
	}
	asOrg, err := p.MembersAsOrg("globex", "ws")
	must(t, err)
	gusView, err := p.Members("gus", "ws")
	must(t, err)
	if fmt.Sprint(ids(asOrg)) != fmt.Sprint(ids(gusView)) {
		t.Fatalf("VI8: %v vs %v", ids(asOrg), ids(gusView))
	}
	wss, err := p.Workspaces("ann")
	must(t, err)
	if len(wss) != 1 || wss[0].ID != "ws" || !wss[0].External || wss[0].Mode != pw.ModeMulti {
		t.Fatalf("ann's workspaces: %+v", wss)
	}
}

func TestCheckAndDenialWithRule(t *testing.T) {
	p := newWorld(t)
	if ok, _, err := p.Check("bob", pw.ActionEdit, "ws", "c1"); err != nil || !ok {
		t.Fatalf("bob edit: %v %v", ok, err)
	}
	if ok, rule, err := p.Check("ann", pw.ActionEdit, "ws", "c1"); err != nil || ok || rule != "ED1" {
		t.Fatalf("ann edit: %v %s %v", ok, rule, err)
	}
	set, err := p.AllowedActions("ann", "ws", "c1")
	must(t, err)
	if !set.Has(pw.ActionView) || set.Has(pw.ActionEdit) {
		t.Fatalf("ann's actions %b", set)
	}
	els, err := p.Elements("ann", "ws")
	must(t, err)
	if len(els) != 1 || els[0].ID != "c1" || els[0].Actions != set {
		t.Fatalf("elements %+v", els)
	}
	digest, err := p.Digest()
	must(t, err)

	// RO2: in multi-partner mode partners are viewers.
	err = p.MemberSetRole("alice", "ws", "ann", pw.WsRoleEditor)
	var perr *pw.Error
	if !errors.As(err, &perr) {
		t.Fatalf("not a *Error: %v", err)
	}
	if perr.Code != pw.StatusCodeEdenied || perr.Code.Name() != "PWS_EDENIED" || perr.Rule != "RO2" ||
		perr.RuleCode != pw.RuleRO2 || perr.Message == "" {
		t.Fatalf("refusal: %+v", perr)
	}
	if !pw.IsDenied(err) || !errors.Is(err, pw.ErrDenied) || pw.RuleOf(err) != "RO2" {
		t.Fatalf("helpers: %v", err)
	}
	// RO6: the workspace keeps one Admin from the owning team.
	err = p.MemberRemove("alice", "ws", "alice")
	if !pw.IsDenied(err) || (pw.RuleOf(err) != "RO6" && pw.RuleOf(err) != "RO5") {
		t.Fatalf("removing the last admin: %v", err)
	}
	// IN3: a Partner Lead invites their own organization only.
	must(t, p.MemberSetLead("alice", "ws", "ann", true))
	err = p.Invite("ann", "ws", "gina@globex.example", pw.InviteKindPartner, pw.WsRoleViewer, false)
	if !errors.As(err, &perr) || perr.Rule != "IN3" {
		t.Fatalf("lead inviting another org: %v", err)
	}
	must(t, p.MemberSetLead("alice", "ws", "ann", false))
	if d, _ := p.Digest(); d != digest {
		t.Fatal("refused calls changed the state")
	}
	if _, _, err := p.Check("nobody", pw.ActionView, "ws", ""); !pw.IsNotFound(err) {
		t.Fatalf("unknown actor: %v", err)
	}
	if _, _, err := p.Check("", pw.ActionView, "ws", ""); !pw.IsInvalid(err) {
		t.Fatalf("empty actor: %v", err)
	}
	if _, _, err := p.Check("a\x00b", pw.ActionView, "ws", ""); !pw.IsInvalid(err) {
		t.Fatalf("NUL in actor: %v", err)
	}
}

func TestAskChangesNothing(t *testing.T) {
	var events []pw.Event
	p := newWorld(t, pw.WithEvents(func(e pw.Event) { events = append(events, e) }))
	digest, _ := p.Digest()
	n := len(events)
	var res pw.Result
	err := p.ElementFork("ann", "c1", "c2", "ws", pw.Ask(), pw.Report(&res))
	if !pw.IsDenied(err) || res.Rule == "" || res.Allowed() {
		t.Fatalf("ask fork: %v %+v", err, res)
	}
	err = p.ElementAdd("bob", "ws", "c3", pw.ElementKindCollection, 1, "", pw.Ask(), pw.Report(&res))
	if err != nil || !res.Allowed() || !res.Has(pw.ResultFlagAsked) {
		t.Fatalf("ask add: %v %+v", err, res)
	}
	if d, _ := p.Digest(); d != digest || len(events) != n {
		t.Fatal("asking changed something")
	}
	els, _ := p.Elements("bob", "ws")
	if len(els) != 1 {
		t.Fatalf("elements after ask: %+v", els)
	}
}

func TestEvents(t *testing.T) {
	var mu sync.Mutex
	var events []pw.Event
	p := newWorld(t, pw.WithEvents(func(e pw.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}))
	var sawMulti, sawInvite bool
	for _, e := range events {
		sawMulti = sawMulti || e.Kind == pw.EventKindMultiPartnerEnabled
		if e.Kind == pw.EventKindInvited && len(e.Recipients) == 1 &&
			e.Recipients[0].ID == "ann@acme.example" && e.Recipients[0].Kind == pw.RecipientKindEmail {
			sawInvite = true
		}
	}
	if !sawMulti || !sawInvite {
		t.Fatalf("events: %+v", events)
	}
	events = nil
	must(t, p.UpdatePost("alice", "ws", "u1", "hello", time.Unix(1700000000, 0)))
	reached := map[string]bool{}
	for _, e := range events {
		if e.Kind != pw.EventKindUpdatePosted {
			continue
		}
		if len(e.Workspaces) != 1 || e.Workspaces[0] != "ws" || e.Kind.Name() != "update_posted" {
			t.Fatalf("event %+v", e)
		}
		in := map[string]bool{}
		for _, r := range e.Recipients {
			in[r.ID], reached[r.ID] = true, true
		}
		if in["ann"] && in["gus"] { // EV1: one organization per event
			t.Fatalf("event spans two organizations: %+v", e)
		}
	}
	if !reached["ann"] || !reached["gus"] || !reached["bob"] {
		t.Fatalf("recipients %v", reached)
	}
}

func TestCallbackPanicReachesCaller(t *testing.T) {
	p, err := pw.New(pw.WithEvents(func(pw.Event) { panic("host bug") }))
	must(t, err)
	defer p.Close()
	must(t, p.TeamAdd("t", "T", pw.PlanEnterprise, false))
	must(t, p.UserAdd("u", "u@t.example", "t", pw.TeamRoleSuperAdmin, false))
	defer func() {
		if v := recover(); v != "host bug" {
			t.Fatalf("recovered %v", v)
		}
	}()
	_ = p.WorkspaceCreate("u", "w", "W", pw.VisibilityPartner, "")
	t.Fatal("no panic")
}

func TestStoreRoundTrip(t *testing.T) {
	store := pw.NewMemStore()
	p, err := pw.New(pw.WithStore(store))
	must(t, err)
	world(t, p)
	digest, _ := p.Digest()
	rev, _ := p.Revision()
	must(t, p.Close())
	if store.Closes != 1 || rev == 0 || int(rev) != store.Len() {
		t.Fatalf("closes %d revision %d records %d", store.Closes, rev, store.Len())
	}
	q, err := pw.New(pw.WithStore(store))
	must(t, err)
	defer q.Close()
	d2, _ := q.Digest()
	r2, _ := q.Revision()
	if d2 != digest || r2 != rev {
		t.Fatalf("reopened: digest %x/%x revision %d/%d", d2, digest, r2, rev)
	}
}

type brokenStore struct {
	*pw.MemStore
	fail bool
}

var errDiskFull = errors.New("disk full")

func (s *brokenStore) Commit() error {
	if s.fail {
		return errDiskFull
	}
	return s.MemStore.Commit()
}

func TestFailingStoreChangesNothing(t *testing.T) {
	store := &brokenStore{MemStore: pw.NewMemStore()}
	p, err := pw.New(pw.WithStore(store))
	must(t, err)
	defer p.Close()
	must(t, p.TeamAdd("t", "T", pw.PlanFree, false))
	digest, _ := p.Digest()
	store.fail = true
	err = p.TeamAdd("u", "U", pw.PlanFree, false)
	if !pw.IsStorage(err) || !errors.Is(err, errDiskFull) {
		t.Fatalf("failing commit: %v", err)
	}
	if d, _ := p.Digest(); d != digest {
		t.Fatal("a failed commit changed the state")
	}
}

func TestTwoWritersSyncWait(t *testing.T) {
	store := pw.NewMemStore()
	var changes []uint64
	a, err := pw.New(pw.WithStore(store))
	must(t, err)
	defer a.Close()
	b, err := pw.New(pw.WithStore(store), pw.WithChange(func(r uint64) { changes = append(changes, r) }))
	must(t, err)
	defer b.Close()
	must(t, a.TeamAdd("t", "T", pw.PlanFree, false))
	ra, _ := a.Revision()
	if rb, err := b.Sync(); err != nil || rb != ra || len(changes) != 1 || changes[0] != ra {
		t.Fatalf("sync: %d %v %v", rb, err, changes)
	}
	must(t, b.TeamAdd("u", "U", pw.PlanFree, false))
	rb, _ := b.Revision()
	if r, err := a.Wait(rb, time.Second); err != nil || r != rb {
		t.Fatalf("wait: %d %v", r, err)
	}
	da, _ := a.Digest()
	db, _ := b.Digest()
	if da != db {
		t.Fatal("replicas differ")
	}
	if _, err := a.Wait(rb+5, 5*time.Millisecond); !pw.IsTimeout(err) {
		t.Fatalf("wait past the end: %v", err)
	}
}

func TestConcurrentChecks(t *testing.T) {
	p := newWorld(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		actor, want := "bob", true
		if g%2 == 1 {
			actor, want = "gus", false
		}
		wg.Add(1)
		go func(actor string, want bool) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				ok, _, err := p.Check(actor, pw.ActionEdit, "ws", "c1")
				if err != nil || ok != want {
					errs <- fmt.Errorf("%s: %v %v", actor, ok, err)
					return
				}
			}
		}(actor, want)
	}
	// A writer meanwhile: mutations are serialized with the checks.
	for i := 0; i < 20; i++ {
		must(t, p.UpdatePost("alice", "ws", fmt.Sprintf("u%d", i), "x", time.Unix(1700000000, 0)))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestGeneratedConstantsMatchLibrary(t *testing.T) {
	if pw.RuleRO6.ID() != "RO6" || pw.RuleFromID("EV1") != pw.RuleEV1 {
		t.Fatal("rule ids")
	}
	if pw.Version() != pw.VersionString {
		t.Fatalf("version %s vs %s", pw.Version(), pw.VersionString)
	}
}

func TestClosed(t *testing.T) {
	p, err := pw.New()
	must(t, err)
	p.Close()
	p.Close()
	if err := p.TeamAdd("t", "T", pw.PlanFree, false); !errors.Is(err, pw.ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

// BenchmarkCheck measures one Check through the binding: three Go strings
// copied to NUL-terminated buffers, the cgo call, pws_check under the
// shared lock, and the cached rule id.
func BenchmarkCheck(b *testing.B) {
	p, err := pw.New()
	must(b, err)
	defer p.Close()
	world(b, p)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := p.Check("ann", pw.ActionEdit, "ws", "c1"); err != nil {
			b.Fatal(err)
		}
	}
}
