package workspace

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestConcurrentRunNowAllStored: many run-now calls at once share
// transactions, and every run the API answered is in the store: a fresh
// Manager on it lists them all, with distinct ids.
func TestConcurrentRunNowAllStored(t *testing.T) {
	t.Parallel()
	st := openStore(t, "")
	e := newEnv(t, st, true).unlimited()
	e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=101", nil)
	const n = 64
	var wg sync.WaitGroup
	ids := make(chan int64, n)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n / 8 {
				code, out := e.call(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 103})
				if code != 200 {
					t.Errorf("run-now: %d %v", code, out)
					return
				}
				ids <- num(out["run_id"])
			}
		}()
	}
	wg.Wait()
	close(ids)
	answered := map[int64]bool{}
	for id := range ids {
		if answered[id] {
			t.Errorf("run id %d answered twice", id)
		}
		answered[id] = true
	}
	e2 := newEnv(t, st, true)
	e2.clk.t = e.clk.t
	for id := range answered {
		if code, out := e2.call(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(id), nil); code != 200 {
			t.Errorf("run %d after a restart: %d %v", id, code, out)
		}
	}
	if len(answered) != n {
		t.Errorf("%d runs answered, want %d", len(answered), n)
	}
}

// TestFailedWriteDropsWorkspace: a run-now whose write fails is a 500, and
// no later answer shows the run: the workspace is reloaded from the store.
func TestFailedWriteDropsWorkspace(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	e, _ := newFailEnv(t, st, nil)
	before := len(e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?job_id=101", nil)["runs"].([]any))
	st.set(func(s *memStore) { s.saveErr = errDisk })
	if code, _ := e.raw(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 101}); code != 500 {
		t.Fatalf("run-now with a broken store: %d, want 500", code)
	}
	st.set(func(s *memStore) { s.saveErr = nil })
	if got := len(e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?job_id=101", nil)["runs"].([]any)); got != before {
		t.Errorf("%d runs after the failed run-now, want %d", got, before)
	}
	loads, _ := st.counts("learner-1")
	if loads != 2 {
		t.Errorf("workspace loaded %d times, want 2 (reloaded after the failed write)", loads)
	}
	// and it works again
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 101})
	if got := len(e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?job_id=101", nil)["runs"].([]any)); got != before+1 {
		t.Errorf("%d runs after a good run-now, want %d", got, before+1)
	}
}

// TestMergeWrites: a group of writes folds into one in order.
func TestMergeWrites(t *testing.T) {
	t.Parallel()
	puts, dels := merge([]queuedWrite{
		{puts: map[string][]byte{"a": []byte("1"), "b": []byte("1")}},
		{puts: map[string][]byte{"c": []byte("2")}, deletes: []string{"a"}},
		{puts: map[string][]byte{"a": []byte("3")}, deletes: []string{"b"}},
	})
	st := newMemStore()
	st.docs["w"] = map[string][]byte{"a": []byte("0"), "b": []byte("0"), "d": []byte("0")}
	if err := st.SaveWorkspace(context.Background(), "w", puts, dels); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, v := range st.docs["w"] {
		got[k] = string(v)
	}
	want := map[string]string{"a": "3", "c": "2", "d": "0"}
	if len(got) != len(want) || got["a"] != "3" || got["c"] != "2" || got["d"] != "0" {
		t.Errorf("after the merged write: %v, want %v", got, want)
	}
}

// panicStore panics on every write.
type panicStore struct{ *memStore }

func (panicStore) SaveWorkspace(context.Context, string, map[string][]byte, []string) error {
	panic("store bug")
}

// TestStorePanicIs500: a store that panics while writing a group fails
// that write with a 500 and leaves the workspace usable.
func TestStorePanicIs500(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	log := &errLog{}
	clk := newClock()
	m, err := NewManager(Options{Now: clk.Now, TaskDuration: time.Second, Store: panicStore{st}, Resolve: resolver,
		Fixtures: fixtures(t), OnError: log.add})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, m: m, clk: clk, h: m.Handler()}
	for range 2 {
		if code, _ := e.raw(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 101}); code != 500 {
			t.Fatalf("run-now with a panicking store: %d, want 500", code)
		}
	}
	e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=101", nil)
}
