// SPDX-License-Identifier: MIT

package partnerws

// #include "shim.h"
import "C"

import (
	"runtime/cgo"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// args turns Go strings into NUL-terminated C strings held in Go memory
// (no malloc/free per call; the bytes hold no Go pointers, so passing them
// to C obeys the cgo pointer rules). A string with a NUL byte cannot be
// passed: the first one is remembered as a PWS_EINVALID error.
type args struct{ err error }

func (a *args) str(s string) *C.char {
	if strings.IndexByte(s, 0) >= 0 {
		if a.err == nil {
			a.err = &Error{Op: "partnerws", Code: StatusCodeEinvalid,
				Message: "a string argument contains a NUL byte"}
		}
		return nil
	}
	b := make([]byte, len(s)+1)
	copy(b, s)
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// opt is str for optional arguments: "" passes NULL.
func (a *args) opt(s string) *C.char {
	if s == "" {
		return nil
	}
	return a.str(s)
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// Policy is a policy handle (pws_policy). Create it with New, release it
// with Close. See the package documentation for what is safe from many
// goroutines.
type Policy struct {
	p       *C.pws_policy
	handles []cgo.Handle
	cb      *callbacks
	close   sync.Once
}

// callbacks is what the C callbacks reach through their cgo.Handle.
type callbacks struct {
	onEvent  func(Event)
	onChange func(revision uint64)
	store    Store
	shared   SharedStore

	mu       sync.Mutex
	storeErr error       // the host's last storage error
	panicked interface{} // a panic of a host callback, re-raised by the call
}

type config struct {
	onEvent          func(Event)
	onChange         func(uint64)
	store            Store
	maxName, maxText uint32
}

// Option configures New.
type Option func(*config)

// WithEvents registers the event callback: fn receives every event (one
// per notice, with its recipients) after a change commits, on the
// goroutine that made the change, after the handle's lock is released (so
// fn may call the Policy again). fn must not call Close.
func WithEvents(fn func(Event)) Option { return func(c *config) { c.onEvent = fn } }

// WithChange registers the change callback: fn receives the revision
// reached when Sync or Wait applied other writers' changes.
func WithChange(fn func(revision uint64)) Option { return func(c *config) { c.onChange = fn } }

// WithStore makes every committed change durable in s, and loads s at New.
// A SharedStore lets several handles share one store (two writers).
func WithStore(s Store) Option { return func(c *config) { c.store = s } }

// WithTextLimits sets the largest name and free text in bytes (0: the
// defaults DefaultMaxNameBytes and DefaultMaxTextBytes).
func WithTextLimits(maxName, maxText uint32) Option {
	return func(c *config) { c.maxName, c.maxText = maxName, maxText }
}

// New creates a policy handle (pws_policy_new). With a store, the stored
// records are replayed, so the handle starts with the committed state.
func New(opts ...Option) (*Policy, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	cb := &callbacks{onEvent: cfg.onEvent, onChange: cfg.onChange, store: cfg.store}
	if s, ok := cfg.store.(SharedStore); ok {
		cb.shared = s
	}
	pol := &Policy{cb: cb}
	var evh, chh, sth cgo.Handle
	if cfg.onEvent != nil {
		evh = cgo.NewHandle(cb)
		pol.handles = append(pol.handles, evh)
	}
	if cfg.onChange != nil {
		chh = cgo.NewHandle(cb)
		pol.handles = append(pol.handles, chh)
	}
	if cfg.store != nil {
		sth = cgo.NewHandle(cb)
		pol.handles = append(pol.handles, sth)
	}
	var rc C.int
	p := C.pwsgo_new(&rc, C.uintptr_t(evh), C.uintptr_t(chh), C.uintptr_t(sth),
		cbool(cb.shared != nil), C.uint32_t(cfg.maxName), C.uint32_t(cfg.maxText))
	if rc != 0 {
		// pws_policy_new does not call close on failure: the store stays the
		// caller's, and the handles are ours to delete.
		for _, h := range pol.handles {
			h.Delete()
		}
		return nil, cb.fail("pws_policy_new", rc, 0, "")
	}
	pol.p = p
	return pol, nil
}

// Close releases the handle (pws_policy_free; the store's Close is called)
// and the callbacks' handles. Calling it again does nothing. It must not
// run while other goroutines still use the Policy, nor from a callback.
func (p *Policy) Close() error {
	p.close.Do(func() {
		if p.p != nil {
			C.pws_policy_free(p.p)
			p.p = nil
		}
		for _, h := range p.handles {
			h.Delete()
		}
		p.handles = nil
	})
	return nil
}

// fail builds the *Error of a failed call, with the host's storage error.
func (cb *callbacks) fail(op string, code, rule C.int, msg string) error {
	e := &Error{Op: op, Code: StatusCode(code), RuleCode: Rule(rule), Rule: Rule(rule).ID(),
		Message: msg}
	if e.Code == StatusCodeEstorage && cb != nil {
		cb.mu.Lock()
		e.Err, cb.storeErr = cb.storeErr, nil
		cb.mu.Unlock()
	}
	return e
}

// repanic re-raises, on the calling goroutine, a panic a host callback
// raised during the call (it could not unwind through C).
func (cb *callbacks) repanic() {
	if cb == nil {
		return
	}
	cb.mu.Lock()
	v := cb.panicked
	cb.panicked = nil
	cb.mu.Unlock()
	if v != nil {
		panic(v)
	}
}

// Result is what a mutating call reports besides its error (pws_result):
// the deciding rule, flags (pending, downgraded, asked...) and the message.
type Result struct {
	Code     StatusCode
	RuleCode Rule
	Rule     string
	Flags    ResultFlag
	Message  string
}

// Allowed reports whether the call succeeded (or, asked, would succeed).
func (r *Result) Allowed() bool { return r.Code == StatusCodeOk }

// Has reports whether flag f is set.
func (r *Result) Has(f ResultFlag) bool { return r.Flags&f != 0 }

// CallOption modifies one mutating call.
type CallOption func(*callConfig)

type callConfig struct {
	ask bool
	out *Result
}

// Ask makes a mutating call only ask (PWS_REQUEST_ASK): it is decided
// exactly as it would be made, and nothing changes (no state, no store
// record, no event). The error is what the call would return: nil means it
// would be allowed; IsDenied(err) and RuleOf(err) say why not. Combine
// with Report to read the flags it would report (e.g. downgraded).
func Ask() CallOption { return func(c *callConfig) { c.ask = true } }

// Report fills *r with the call's result, on success and on failure.
func Report(r *Result) CallOption { return func(c *callConfig) { c.out = r } }

// call runs one mutating C call with a per-call pws_result, so the rule id
// reaches this goroutine even when it runs on another OS thread next time.
func (p *Policy) call(op string, a *args, opts []CallOption,
	f func(res *C.pws_result) C.int) error {
	if p.p == nil {
		return ErrClosed
	}
	if a.err != nil {
		return a.err
	}
	var cc callConfig
	for _, o := range opts {
		o(&cc)
	}
	var res C.pws_result
	C.pws_result_init(&res, C.PWS_RESULT_VERSION)
	if cc.ask {
		res.request = C.uint32_t(RequestFlagAsk)
	}
	rc := f(&res)
	p.cb.repanic()
	msg := C.GoString(&res.message[0])
	if cc.out != nil {
		*cc.out = Result{Code: StatusCode(rc), RuleCode: Rule(res.rule), Rule: Rule(res.rule).ID(),
			Flags: ResultFlag(res.flags), Message: msg}
	}
	if rc != 0 {
		return p.cb.fail(op, rc, res.rule, msg)
	}
	return nil
}

// query runs a read-only C call (no pws_result).
func (p *Policy) query(op string, a *args, f func() C.int) error {
	if p.p == nil {
		return ErrClosed
	}
	if a.err != nil {
		return a.err
	}
	if rc := f(); rc != 0 {
		return p.cb.fail(op, rc, 0, "")
	}
	return nil
}

// ---- directory (host calls, not actor-checked) ----

// TeamAdd adds a team (pws_team_add).
func (p *Policy) TeamAdd(id, name string, plan Plan, sso bool, opts ...CallOption) error {
	var a args
	cid, cname := a.str(id), a.str(name)
	return p.call("pws_team_add", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_team_add(p.p, cid, cname, C.int(plan), cbool(sso), r)
	})
}

// TeamSetPlan changes a team's plan (pws_team_set_plan).
func (p *Policy) TeamSetPlan(id string, plan Plan, opts ...CallOption) error {
	var a args
	cid := a.str(id)
	return p.call("pws_team_set_plan", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_team_set_plan(p.p, cid, C.int(plan), r)
	})
}

// TeamAddDomain adds a verified email domain to a team (pws_team_add_domain).
func (p *Policy) TeamAddDomain(id, domain string, opts ...CallOption) error {
	var a args
	cid, cd := a.str(id), a.str(domain)
	return p.call("pws_team_add_domain", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_team_add_domain(p.p, cid, cd, r)
	})
}

// UserAdd adds a user (pws_user_add); team "" for a user without a team.
func (p *Policy) UserAdd(id, email, team string, role TeamRole, partnerManager bool,
	opts ...CallOption) error {
	var a args
	cid, ce, ct := a.str(id), a.str(email), a.opt(team)
	return p.call("pws_user_add", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_user_add(p.p, cid, ce, ct, C.int(role), cbool(partnerManager), r)
	})
}

// UserSetTeam moves a user to another team, "" for none (pws_user_set_team).
func (p *Policy) UserSetTeam(id, team string, role TeamRole, opts ...CallOption) error {
	var a args
	cid, ct := a.str(id), a.opt(team)
	return p.call("pws_user_set_team", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_user_set_team(p.p, cid, ct, C.int(role), r)
	})
}

// UserRemove removes a user and everything they hold (pws_user_remove).
func (p *Policy) UserRemove(id string, opts ...CallOption) error {
	var a args
	cid := a.str(id)
	return p.call("pws_user_remove", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_user_remove(p.p, cid, r)
	})
}

// ---- workspaces ----

// WorkspaceCreate creates a workspace in the actor's team
// (pws_workspace_create); a partner workspace may come out as a request
// (Result flag ResultFlagPending). note may be "".
func (p *Policy) WorkspaceCreate(actor, id, name string, vis Visibility, note string,
	opts ...CallOption) error {
	var a args
	cact, cid, cname, cnote := a.str(actor), a.str(id), a.str(name), a.opt(note)
	return p.call("pws_workspace_create", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_workspace_create(p.p, cact, cid, cname, C.int(vis), cnote, r)
	})
}

// RequestReview approves or denies a workspace's pending request.
func (p *Policy) RequestReview(actor, ws string, approve bool, opts ...CallOption) error {
	var a args
	cact, cws := a.str(actor), a.str(ws)
	return p.call("pws_request_review", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_request_review(p.p, cact, cws, cbool(approve), r)
	})
}

// WorkspaceSetVisibility changes a workspace's visibility (DL1).
func (p *Policy) WorkspaceSetVisibility(actor, ws string, vis Visibility,
	opts ...CallOption) error {
	var a args
	cact, cws := a.str(actor), a.str(ws)
	return p.call("pws_workspace_set_visibility", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_workspace_set_visibility(p.p, cact, cws, C.int(vis), r)
	})
}

// WorkspaceDelete deletes a workspace (DL2).
func (p *Policy) WorkspaceDelete(actor, ws string, opts ...CallOption) error {
	var a args
	cact, cws := a.str(actor), a.str(ws)
	return p.call("pws_workspace_delete", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_workspace_delete(p.p, cact, cws, r)
	})
}

// EnableMultiPartner turns on multi-partner mode for good (MP1, RO2).
func (p *Policy) EnableMultiPartner(actor, ws string, opts ...CallOption) error {
	var a args
	cact, cws := a.str(actor), a.str(ws)
	return p.call("pws_workspace_enable_multi_partner", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_workspace_enable_multi_partner(p.p, cact, cws, r)
	})
}

// ---- invites and members ----

// Invite invites one person to a workspace (pws_invite).
func (p *Policy) Invite(actor, ws, email string, kind InviteKind, role WsRole, lead bool,
	opts ...CallOption) error {
	var a args
	cact, cws, ce := a.str(actor), a.str(ws), a.str(email)
	return p.call("pws_invite", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_invite(p.p, cact, cws, ce, C.int(kind), C.int(role), cbool(lead), r)
	})
}

// InviteAccept accepts the user's open invite (pws_invite_accept); team ""
// means the user's home team.
func (p *Policy) InviteAccept(user, ws, team string, opts ...CallOption) error {
	var a args
	cu, cws, ct := a.str(user), a.str(ws), a.opt(team)
	return p.call("pws_invite_accept", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_invite_accept(p.p, cu, cws, ct, r)
	})
}

// InviteWithdraw withdraws an open invite (IN7).
func (p *Policy) InviteWithdraw(actor, ws, email string, opts ...CallOption) error {
	var a args
	cact, cws, ce := a.str(actor), a.str(ws), a.str(email)
	return p.call("pws_invite_withdraw", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_invite_withdraw(p.p, cact, cws, ce, r)
	})
}

// InviteDecline declines the user's open invite.
func (p *Policy) InviteDecline(user, ws string, opts ...CallOption) error {
	var a args
	cu, cws := a.str(user), a.str(ws)
	return p.call("pws_invite_decline", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_invite_decline(p.p, cu, cws, r)
	})
}

// MemberSetRole changes a member's workspace role (RO1-RO6, PL4).
func (p *Policy) MemberSetRole(actor, ws, user string, role WsRole, opts ...CallOption) error {
	var a args
	cact, cws, cu := a.str(actor), a.str(ws), a.str(user)
	return p.call("pws_member_set_role", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_member_set_role(p.p, cact, cws, cu, C.int(role), r)
	})
}

// MemberSetLead gives or takes the Partner Lead flag (RO3, RO5).
func (p *Policy) MemberSetLead(actor, ws, user string, lead bool, opts ...CallOption) error {
	var a args
	cact, cws, cu := a.str(actor), a.str(ws), a.str(user)
	return p.call("pws_member_set_lead", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_member_set_lead(p.p, cact, cws, cu, cbool(lead), r)
	})
}

// MemberRemove removes a member from a workspace (RO4, RO6, RM2).
func (p *Policy) MemberRemove(actor, ws, user string, opts ...CallOption) error {
	var a args
	cact, cws, cu := a.str(actor), a.str(ws), a.str(user)
	return p.call("pws_member_remove", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_member_remove(p.p, cact, cws, cu, r)
	})
}

// ---- elements and updates ----

// ElementAdd adds an element (ED1); parent names the collection a monitor
// or mock server serves, "" otherwise.
func (p *Policy) ElementAdd(actor, ws, id string, kind ElementKind, size uint64, parent string,
	opts ...CallOption) error {
	var a args
	cact, cws, cid, cpar := a.str(actor), a.str(ws), a.str(id), a.opt(parent)
	return p.call("pws_element_add", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_element_add(p.p, cact, cws, cid, C.int(kind), C.uint64_t(size), cpar, r)
	})
}

// ElementMove moves an element to another workspace (MV1, MV2).
func (p *Policy) ElementMove(actor, id, target string, opts ...CallOption) error {
	var a args
	cact, cid, ct := a.str(actor), a.str(id), a.str(target)
	return p.call("pws_element_move", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_element_move(p.p, cact, cid, ct, r)
	})
}

// ElementFork forks an element into another workspace (FK1).
func (p *Policy) ElementFork(actor, id, newID, target string, opts ...CallOption) error {
	var a args
	cact, cid, cn, ct := a.str(actor), a.str(id), a.str(newID), a.str(target)
	return p.call("pws_element_fork", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_element_fork(p.p, cact, cid, cn, ct, r)
	})
}

// ElementDelete deletes an element (RM1, PL3) at time now.
func (p *Policy) ElementDelete(actor, id string, now time.Time, opts ...CallOption) error {
	var a args
	cact, cid := a.str(actor), a.str(id)
	return p.call("pws_element_delete", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_element_delete(p.p, cact, cid, C.int64_t(now.Unix()), r)
	})
}

// UpdatePost posts a workspace update (UP1) at time now.
func (p *Policy) UpdatePost(actor, ws, id, text string, now time.Time, opts ...CallOption) error {
	var a args
	cact, cws, cid, ct := a.str(actor), a.str(ws), a.str(id), a.str(text)
	return p.call("pws_update_post", &a, opts, func(r *C.pws_result) C.int {
		return C.pws_update_post(p.p, cact, cws, cid, ct, C.int64_t(now.Unix()), r)
	})
}

// ---- decisions (concurrent from any number of goroutines) ----

// Check decides whether actor may take action on a workspace or, when
// element is not "", on an element (pws_check); rule is the deciding rule's
// id. An unknown id is an error (IsNotFound), never a silent allow.
func (p *Policy) Check(actor string, action Action, ws, element string) (allowed bool,
	rule string, err error) {
	var a args
	cact, cws, cel := a.str(actor), a.opt(ws), a.opt(element)
	var al, ru C.int
	err = p.query("pws_check", &a, func() C.int {
		return C.pws_check(p.p, &al, &ru, cact, C.int(action), cws, cel)
	})
	return al != 0, Rule(ru).ID(), err
}

// ActionSet is a set of actions, bit (1 << action) per allowed action.
type ActionSet uint64

// Has reports whether act is in the set.
func (s ActionSet) Has(act Action) bool { return s&(1<<uint(act)) != 0 }

// AllowedActions is every action actor may take on the target.
func (p *Policy) AllowedActions(actor, ws, element string) (ActionSet, error) {
	var a args
	cact, cws, cel := a.str(actor), a.opt(ws), a.opt(element)
	var m C.uint64_t
	err := p.query("pws_allowed_actions", &a, func() C.int {
		return C.pws_allowed_actions(p.p, &m, cact, cws, cel)
	})
	return ActionSet(m), err
}

// CanSeeMember reports whether viewer sees member of a workspace (VI1-VI3).
func (p *Policy) CanSeeMember(viewer, ws, member string) (visible bool, rule string, err error) {
	var a args
	cv, cws, cm := a.str(viewer), a.str(ws), a.str(member)
	var vis, ru C.int
	err = p.query("pws_can_see_member", &a, func() C.int {
		return C.pws_can_see_member(p.p, &vis, &ru, cv, cws, cm)
	})
	return vis != 0, Rule(ru).ID(), err
}

// ---- state, revisions ----

// Digest is a 64-bit digest of the whole state (equal states, equal
// digests).
func (p *Policy) Digest() (uint64, error) {
	var d C.uint64_t
	err := p.query("pws_policy_digest", &args{}, func() C.int { return C.pws_policy_digest(p.p, &d) })
	return uint64(d), err
}

// Revision is the store key of the last change the handle holds.
func (p *Policy) Revision() (uint64, error) {
	var r C.uint64_t
	err := p.query("pws_policy_revision", &args{}, func() C.int {
		return C.pws_policy_revision(p.p, &r)
	})
	return uint64(r), err
}

// Sync applies the changes other writers committed to a shared store and
// returns the revision reached.
func (p *Policy) Sync() (uint64, error) {
	var r C.uint64_t
	err := p.query("pws_policy_sync", &args{}, func() C.int { return C.pws_policy_sync(p.p, &r) })
	p.cb.repanic()
	return uint64(r), err
}

// Wait catches up until the handle reaches min (a revision another writer
// handed over) or timeout passes (IsTimeout).
func (p *Policy) Wait(min uint64, timeout time.Duration) (uint64, error) {
	var r C.uint64_t
	ms := timeout.Milliseconds()
	if ms > int64(^uint32(0)>>1) {
		ms = int64(^uint32(0) >> 1)
	}
	err := p.query("pws_policy_wait", &args{}, func() C.int {
		return C.pws_policy_wait(p.p, C.uint64_t(min), C.int(ms), &r)
	})
	p.cb.repanic()
	return uint64(r), err
}

// Version is the library's version string (pws_version_string).
func Version() string { return C.GoString(C.pws_version_string()) }
