// SPDX-License-Identifier: MIT

package partnerws

import "sync"

// Store is the host's storage (the pws_storage_ops table, version 1), in
// Go. The library calls it on the goroutine of the mutating call, while the
// handle is locked (calling the same Policy from it fails with
// PWS_EMISUSE). Each committed change is Begin, one Put, Commit; a failure
// makes the library Rollback and the call fail with IsStorage (its error
// wraps yours). Load hands every record to emit in ascending key order;
// keys compare bytewise.
type Store interface {
	Load(emit func(kind uint32, key, data []byte) error) error
	Begin() error
	Put(kind uint32, key, data []byte) error
	Delete(kind uint32, key []byte) error
	Commit() error
	Rollback() error
	Close() error
}

// SharedStore is a Store that several handles (several writers) share
// (pws_storage_ops version 2): Append writes only if no record has that key
// and otherwise returns ErrConflict; LoadAfter hands the records after a key.
type SharedStore interface {
	Store
	Append(kind uint32, key, data []byte) error
	LoadAfter(after []byte, emit func(kind uint32, key, data []byte) error) error
}

// MemStore is a SharedStore in a Go map, for tests and examples. Safe for
// several handles at once.
type MemStore struct {
	mu      sync.Mutex
	records map[string][]byte // committed, by key (one record kind)
	pending map[string][]byte // the open change set; nil value: a delete
	Closes  int               // how many handles closed it
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{records: map[string][]byte{}}
}

// Len is the number of committed records.
func (s *MemStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

// Load implements Store.
func (s *MemStore) Load(emit func(kind uint32, key, data []byte) error) error {
	return s.LoadAfter(nil, emit)
}

// LoadAfter implements SharedStore. The records are copied under the lock
// and emitted outside it.
func (s *MemStore) LoadAfter(after []byte, emit func(kind uint32, key, data []byte) error) error {
	s.mu.Lock()
	keys := sortedKeys(s.records, string(after))
	data := make([][]byte, len(keys))
	for i, k := range keys {
		data[i] = s.records[k]
	}
	s.mu.Unlock()
	for i, k := range keys {
		if err := emit(uint32(RecordKindOp), []byte(k), data[i]); err != nil {
			return err
		}
	}
	return nil
}

// Begin implements Store.
func (s *MemStore) Begin() error {
	s.mu.Lock()
	s.pending = map[string][]byte{}
	s.mu.Unlock()
	return nil
}

func (s *MemStore) stage(key string, data []byte) {
	if s.pending == nil {
		s.pending = map[string][]byte{}
	}
	s.pending[key] = data
}

// Put implements Store.
func (s *MemStore) Put(kind uint32, key, data []byte) error {
	s.mu.Lock()
	s.stage(string(key), append([]byte{}, data...))
	s.mu.Unlock()
	return nil
}

// Append implements SharedStore.
func (s *MemStore) Append(kind uint32, key, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.records[string(key)]; ok {
		return ErrConflict
	}
	if d, ok := s.pending[string(key)]; ok && d != nil {
		return ErrConflict
	}
	s.stage(string(key), append([]byte{}, data...))
	return nil
}

// Delete implements Store.
func (s *MemStore) Delete(kind uint32, key []byte) error {
	s.mu.Lock()
	s.stage(string(key), nil)
	s.mu.Unlock()
	return nil
}

// Commit implements Store.
func (s *MemStore) Commit() error {
	s.mu.Lock()
	for k, d := range s.pending {
		if d == nil {
			delete(s.records, k)
		} else {
			s.records[k] = d
		}
	}
	s.pending = nil
	s.mu.Unlock()
	return nil
}

// Rollback implements Store.
func (s *MemStore) Rollback() error {
	s.mu.Lock()
	s.pending = nil
	s.mu.Unlock()
	return nil
}

// Close implements Store.
func (s *MemStore) Close() error {
	s.mu.Lock()
	s.Closes++
	s.mu.Unlock()
	return nil
}
