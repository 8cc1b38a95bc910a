// SPDX-License-Identifier: MIT

package partnerws

// #include "shim.h"
import "C"

import (
	"errors"
	"runtime/cgo"
	"sort"
	"unsafe"
)

// Event is one notice after a committed change, copied out of the C event
// (which is only valid during the callback).
type Event struct {
	Kind       EventKind
	Rule       string // the rule behind the event ("MP1")
	Channels   EventChannel
	Team       string // the publisher team
	Actor      string // "" for host calls
	Subject    string // the invitee's email, the update id, ...
	Workspaces []string
	Recipients []Recipient
	Revision   uint64 // the revision of the change (0 without storage)
}

// Recipient is one addressee: a user id or, for invites, an email.
type Recipient struct {
	ID   string
	Kind RecipientKind
}

// Name is the kind's name ("invited", "update_posted").
func (k EventKind) Name() string { return C.GoString(C.pws_event_kind_name(C.int(k))) }

func gostr(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

func eventOf(ev *C.pws_event) Event {
	e := Event{
		Kind:     EventKind(C.pws_event_kind_of(ev)),
		Rule:     Rule(C.pws_event_rule(ev)).ID(),
		Channels: EventChannel(C.pws_event_channels(ev)),
		Team:     gostr(C.pws_event_team(ev)),
		Actor:    gostr(C.pws_event_actor(ev)),
		Subject:  gostr(C.pws_event_subject(ev)),
		Revision: uint64(C.pws_event_revision(ev)),
	}
	n := C.pws_event_workspace_count(ev)
	for i := C.size_t(0); i < n; i++ {
		e.Workspaces = append(e.Workspaces, gostr(C.pws_event_workspace(ev, i)))
	}
	n = C.pws_event_recipient_count(ev)
	for i := C.size_t(0); i < n; i++ {
		e.Recipients = append(e.Recipients, Recipient{ID: gostr(C.pws_event_recipient(ev, i)),
			Kind: RecipientKind(C.pws_event_recipient_kind(ev, i))})
	}
	return e
}

// guard keeps a host callback's panic from unwinding through C frames: it
// is kept and re-raised by the call on the Go side (callbacks.repanic).
func (cb *callbacks) guard() {
	if v := recover(); v != nil {
		cb.mu.Lock()
		if cb.panicked == nil {
			cb.panicked = v
		}
		cb.mu.Unlock()
	}
}

//export pwsgoEvent
func pwsgoEvent(ev *C.pws_event, h C.uintptr_t) {
	cb := cgo.Handle(h).Value().(*callbacks)
	defer cb.guard()
	cb.onEvent(eventOf(ev))
}

//export pwsgoChange
func pwsgoChange(rev C.uint64_t, h C.uintptr_t) {
	cb := cgo.Handle(h).Value().(*callbacks)
	defer cb.guard()
	cb.onChange(uint64(rev))
}

// storeCode maps the host's storage error to a status code, keeping it so
// the failing call can wrap it (Error.Err).
func (cb *callbacks) storeCode(err error) (rc C.int) {
	if err == nil {
		return 0
	}
	if errors.Is(err, ErrConflict) {
		return C.int(StatusCodeEconflict)
	}
	cb.mu.Lock()
	cb.storeErr = err
	cb.mu.Unlock()
	return C.int(StatusCodeEstorage)
}

// storeGuard turns a panic of the store into PWS_ESTORAGE and keeps it.
func (cb *callbacks) storeGuard(rc *C.int) {
	if v := recover(); v != nil {
		cb.mu.Lock()
		if cb.panicked == nil {
			cb.panicked = v
		}
		cb.mu.Unlock()
		*rc = C.int(StatusCodeEstorage)
	}
}

// sinkFunc wraps the library's sink as the emit function of Load.
func sinkFunc(sink C.pws_storage_sink, sinkCtx unsafe.Pointer) func(uint32, []byte, []byte) error {
	return func(kind uint32, key, data []byte) error {
		var kp *C.char
		var dp unsafe.Pointer
		if len(key) > 0 {
			kp = (*C.char)(unsafe.Pointer(&key[0]))
		}
		if len(data) > 0 {
			dp = unsafe.Pointer(&data[0])
		}
		if rc := C.pwsgo_sink(sink, sinkCtx, C.uint32_t(kind), kp, C.size_t(len(key)), dp,
			C.size_t(len(data))); rc != 0 {
			return &Error{Op: "load", Code: StatusCode(rc)}
		}
		return nil
	}
}

//export pwsgoStoreLoad
func pwsgoStoreLoad(h C.uintptr_t, sink C.pws_storage_sink, sinkCtx unsafe.Pointer) (rc C.int) {
	cb := cgo.Handle(h).Value().(*callbacks)
	defer cb.storeGuard(&rc)
	err := cb.store.Load(sinkFunc(sink, sinkCtx))
	var perr *Error
	if errors.As(err, &perr) && perr.Op == "load" {
		return C.int(perr.Code) // the library's own refusal of a record
	}
	return cb.storeCode(err)
}

//export pwsgoStoreLoadAfter
func pwsgoStoreLoadAfter(h C.uintptr_t, key *C.char, keyLen C.size_t, sink C.pws_storage_sink,
	sinkCtx unsafe.Pointer) (rc C.int) {
	cb := cgo.Handle(h).Value().(*callbacks)
	defer cb.storeGuard(&rc)
	err := cb.shared.LoadAfter(C.GoBytes(unsafe.Pointer(key), C.int(keyLen)), sinkFunc(sink, sinkCtx))
	var perr *Error
	if errors.As(err, &perr) && perr.Op == "load" {
		return C.int(perr.Code)
	}
	return cb.storeCode(err)
}

//export pwsgoStoreOp
func pwsgoStoreOp(h C.uintptr_t, op C.int) (rc C.int) {
	cb := cgo.Handle(h).Value().(*callbacks)
	defer cb.storeGuard(&rc)
	switch op {
	case 0:
		return cb.storeCode(cb.store.Begin())
	case 1:
		return cb.storeCode(cb.store.Commit())
	case 2:
		return cb.storeCode(cb.store.Rollback())
	default:
		return cb.storeCode(cb.store.Close())
	}
}

//export pwsgoStorePut
func pwsgoStorePut(h C.uintptr_t, appendOnly C.int, kind C.uint32_t, key *C.char, keyLen C.size_t,
	data unsafe.Pointer, dataLen C.size_t) (rc C.int) {
	cb := cgo.Handle(h).Value().(*callbacks)
	defer cb.storeGuard(&rc)
	k := C.GoBytes(unsafe.Pointer(key), C.int(keyLen))
	d := C.GoBytes(data, C.int(dataLen))
	if appendOnly != 0 {
		return cb.storeCode(cb.shared.Append(uint32(kind), k, d))
	}
	return cb.storeCode(cb.store.Put(uint32(kind), k, d))
}

//export pwsgoStoreDel
func pwsgoStoreDel(h C.uintptr_t, kind C.uint32_t, key *C.char, keyLen C.size_t) (rc C.int) {
	cb := cgo.Handle(h).Value().(*callbacks)
	defer cb.storeGuard(&rc)
	return cb.storeCode(cb.store.Delete(uint32(kind), C.GoBytes(unsafe.Pointer(key), C.int(keyLen))))
}

// sortedKeys is used by MemStore to load in ascending key order.
func sortedKeys(m map[string][]byte, after string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
