// SPDX-License-Identifier: MIT

// Package partnerws is the Go binding of libpartnerws, the access policy
// for Partner Workspaces: checks (may this user do this?), visibility
// (who sees whom), events (who must be told) and a durable log, with every
// decision naming the rule of POLICY.md that made it.
//
// It is a cgo package over the C library: build flags come from
// `pkg-config partnerws` (set PKG_CONFIG_PATH to the directory of
// partnerws.pc: an installed one, or a configured build tree), or, with
// -tags partnerws_nopkgconfig, from CGO_CFLAGS and CGO_LDFLAGS alone.
// Constants (Rule, Action, WsRole, StatusCode, ...) are generated from the
// C headers by tools/genbind.py into generated.go; none is typed by hand.
//
// Errors: every refusal or failure is a *Error with the status Code, the
// deciding Rule id ("IN3") and the library's Message:
//
//	err := p.MemberSetRole("alice", "ws", "ann", partnerws.WsRoleEditor)
//	var perr *partnerws.Error
//	if errors.As(err, &perr) && perr.Code == partnerws.StatusCodeEdenied {
//		fmt.Println("refused by", perr.Rule) // "RO2"
//	}
//
// IsDenied, IsNotFound, IsInvalid, ... and RuleOf are shorter, and
// errors.Is(err, partnerws.ErrDenied) works too.
//
// Asking: every mutating call takes CallOptions; Ask() decides the call as
// it would be made and changes nothing (PWS_REQUEST_ASK); Report(&res)
// returns the result's flags and message.
//
// Goroutines: a *Policy may be shared by any number of goroutines. The C
// handle is thread-safe: checks, listings and other reads run concurrently
// under a shared lock; mutations are serialized under an exclusive one.
// Each call has its own pws_result on the calling goroutine's stack, so
// its rule id and message reach the goroutine that made the call even if
// the Go scheduler moves it to another OS thread, and never another
// goroutine's. Event and change callbacks run on the goroutine of the call
// that caused them, after the lock is released (they may call the Policy
// again, but not Close); Store methods run under the lock (calling the same
// Policy from them fails with PWS_EMISUSE). Close must not run while other
// goroutines still use the Policy. Callbacks reach Go through a
// runtime/cgo.Handle given to C as the payload, deleted by Close; a panic in
// a callback is held and re-raised by the call on the Go side.
package partnerws
