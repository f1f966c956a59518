package workspace

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// unlimited switches every limit off: benchmarks call far past them with a
// clock that does not move.
func (e *env) unlimited() *env {
	e.m.opts.Limits = Limits{MaxJobs: -1, MaxTasksPerJob: -1, MaxActiveRuns: -1, MaxRuns: -1, MaxBytes: -1, APIRate: -1, APIBurst: -1}
	e.m.budgets = nil
	return e
}

func benchServe(b *testing.B, h http.Handler, method, path string, body string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		var req *http.Request
		if body == "" {
			req = httptest.NewRequest(method, path, nil)
		} else {
			req = httptest.NewRequest(method, path, stringsReader(body))
		}
		req.Header.Set("Authorization", "Bearer "+tokA)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.Bytes())
		}
	}
}

// BenchmarkBaseline is a trivial JSON handler, the yardstick for the others.
func BenchmarkBaseline(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(403)
			return
		}
		writeJSON(w, 200, map[string]int64{"job_id": 101})
	})
	benchServe(b, h, "GET", "/api/2.2/jobs/get?job_id=101", "")
}

// BenchmarkJobsGet150 is jobs/get of the 150-task fixture (first page).
func BenchmarkJobsGet150(b *testing.B) {
	e := newEnv(b, openStore(b, ""), true).unlimited()
	benchServe(b, e.h, "GET", "/api/2.2/jobs/get?job_id=102", "")
}

// BenchmarkRunsList10k is runs/list (first page, default limit) over 10,000 runs.
func BenchmarkRunsList10k(b *testing.B) {
	e := newEnv(b, nil, true).unlimited()
	for i := 0; i < 10_000; i++ {
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 103})
	}
	e.clk.Add(1e15)
	benchServe(b, e.h, "GET", "/api/2.2/jobs/runs/list?job_id=103", "")
}

// BenchmarkRunNow is run-now written through to the real SQLite store.
func BenchmarkRunNow(b *testing.B) {
	e := newEnv(b, openStore(b, ""), true).unlimited()
	body, _ := json.Marshal(map[string]any{"job_id": 101})
	benchServe(b, e.h, "POST", "/api/2.2/jobs/run-now", string(body))
}

// BenchmarkRunsList2000Active is runs/list (limit 25) in a workspace with
// 2,000 runs of the 150-task job, 500 of them still active (issue 13's
// case: it used to serve about 10 requests a second).
func BenchmarkRunsList2000Active(b *testing.B) {
	e := newEnv(b, nil, true).unlimited()
	// Let runs overlap: the 150-task job without a concurrency limit.
	e.ok(tokA, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": 102, "new_settings": map[string]any{"max_concurrent_runs": 1000}})
	for i := 0; i < 1500; i++ {
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 102})
	}
	e.clk.Add(24 * time.Hour) // those 1,500 are over
	for i := 0; i < 500; i++ {
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 102})
	}
	e.clk.Add(2 * time.Second)                                 // these 500 are running
	e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?limit=25", nil) // the first call computes the timelines
	benchServe(b, e.h, "GET", "/api/2.2/jobs/runs/list?limit=25", "")
}

// BenchmarkRunNowParallel is run-now from many clients at once on one
// workspace, written through to the real SQLite store: the writes of
// requests that arrive together share a transaction.
func BenchmarkRunNowParallel(b *testing.B) {
	e := newEnv(b, openStore(b, ""), true).unlimited()
	body, _ := json.Marshal(map[string]any{"job_id": 101})
	e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=101", nil)
	b.ReportAllocs()
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/2.2/jobs/run-now", stringsReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+tokA)
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Errorf("run-now: %d %s", rec.Code, rec.Body.Bytes())
				return
			}
		}
	})
}
