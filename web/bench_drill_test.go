package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

// benchLearners is how many learners post answers at once.
const benchLearners = 200

// benchSessionSize is how many answers each drill session gets, as in
// real use (the default size).
const benchSessionSize = 20

// benchLearner is one simulated browser: its cookie and its sessions.
type benchLearner struct {
	cookie   string
	sessions []int64
	next     int // answers posted so far
	// last is the learner's latest answer (path and form), re-posted by
	// the baseline.
	lastPath string
	lastForm url.Values
}

// benchBaselineMin is the shortest baseline run: long enough for a stable
// rate whatever b.N is.
const benchBaselineMin = 3 * time.Second

// BenchmarkDrillAnswer posts b.N answers from 200 concurrent learners
// through the real handler (session cookie, CSRF check, signature,
// grading, scheduling, one SQLite transaction). Each answer is a new
// showing, so every one is a real write. Reported: answers/s and p99
// latency.
//
// Then, outside the timer and in the same invocation (so every -count run
// has its own), the baseline: the same learners re-post answers they
// already gave, for as long as the answers took and at least
// benchBaselineMin. That is the same HTTP work through the same handler
// (middleware, cookie, cross-origin check, form, signature, the answer's
// one read) without grading or any store write: the server answers 303 to
// the recorded feedback. Reported: baseline-answers/s and x-baseline, the
// ratio of the two rates.
//
//	go test -run '^$' -bench DrillAnswer -benchtime 20000x -count 3 ./web/
func BenchmarkDrillAnswer(b *testing.B) {
	db := storetest.New(b)
	h := newTestHandler(b, testOpts{DB: db, Now: time.Now, NoSandbox: true})
	bank, err := quiz.Load(data.FS, "bank")
	if err != nil {
		b.Fatal(err)
	}
	items := bank.Items()
	// Learners and enough sessions for b.N distinct showings, outside
	// the timer: one learner per goroutine.
	learners := make([]*benchLearner, benchGoroutines())
	perLearner := b.N/len(learners) + 1
	for i := range learners {
		l := &benchLearner{}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/drill/sessions", strings.NewReader("size=20"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		l.cookie = strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
		// Headroom for RunParallel's uneven split; session() starts
		// more inside the timer if a goroutine still runs out.
		for range 2*perLearner/benchSessionSize + 1 {
			l.sessions = append(l.sessions, startBenchSession(b, h, l.cookie))
		}
		learners[i] = l
	}
	session := func(l *benchLearner) int64 {
		k := l.next / benchSessionSize
		for k >= len(l.sessions) {
			l.sessions = append(l.sessions, startBenchSession(b, h, l.cookie))
		}
		return l.sessions[k]
	}
	shown := time.Now().Add(-8 * time.Second)
	start := time.Now()
	rate := runAnswers(b, h, learners,
		func(l *benchLearner) string {
			return "/drill/s/" + strconv.FormatInt(session(l), 10) + "/answer"
		},
		func(l *benchLearner) url.Values {
			it := items[l.next%len(items)]
			sid := session(l)
			l.next++
			f := url.Values{"showing": {forgeShowing(sid, it.ID, shown)}, "choice": {it.Answers()[0]}}
			l.lastPath, l.lastForm = "/drill/s/"+strconv.FormatInt(sid, 10)+"/answer", f
			return f
		})
	took := time.Since(start)
	if b.N < benchLearners {
		return // the framework's first probe (b.N = 1): no rate to compare
	}
	base := runBaseline(b, h, learners, max(took, benchBaselineMin))
	b.ReportMetric(base, "baseline-answers/s")
	if base > 0 {
		b.ReportMetric(rate/base, "x-baseline")
	}
}

// runBaseline re-posts each learner's latest answer from benchGoroutines
// goroutines for d and returns the rate of 303 answers.
func runBaseline(b *testing.B, h http.Handler, learners []*benchLearner, d time.Duration) float64 {
	var answered []*benchLearner
	for _, l := range learners {
		if l.lastForm != nil {
			answered = append(answered, l)
		}
	}
	if len(answered) == 0 {
		b.Fatal("baseline: no learner has answered")
	}
	var n, failed atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range benchGoroutines() {
		l := answered[i%len(answered)]
		body := l.lastForm.Encode()
		wg.Go(func() {
			for time.Now().Before(deadline) {
				req := httptest.NewRequest(http.MethodPost, l.lastPath, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Cookie", l.cookie)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusSeeOther {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %.200s", rec.Code, rec.Body.String()))
					continue
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		b.Fatalf("baseline: %d answers failed, first: %v", f, firstErr.Load())
	}
	return float64(n.Load()) / time.Since(start).Seconds()
}

func startBenchSession(b *testing.B, h http.Handler, cookie string) int64 {
	req := httptest.NewRequest(http.MethodPost, "/drill/sessions", strings.NewReader("size=20"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	sid, err := strconv.ParseInt(strings.TrimPrefix(rec.Header().Get("Location"), "/drill/s/"), 10, 64)
	if err != nil {
		b.Errorf("start session: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	return sid
}

// benchParallelism is the SetParallelism factor that runs at least
// benchLearners goroutines.
func benchParallelism() int {
	procs := runtime.GOMAXPROCS(0)
	return (benchLearners + procs - 1) / procs
}

func benchGoroutines() int { return benchParallelism() * runtime.GOMAXPROCS(0) }

// runAnswers posts b.N answers from benchGoroutines goroutines, each
// playing one learner of learners (distinct), and reports answers/s and p99. It returns
// answers/s.
func runAnswers(b *testing.B, h http.Handler, learners []*benchLearner, path func(*benchLearner) string, form func(*benchLearner) url.Values) float64 {
	b.SetParallelism(benchParallelism())
	var idx atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var firstErr atomic.Value
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var l *benchLearner
		if learners != nil {
			l = learners[int(idx.Add(1)-1)%len(learners)]
		} else {
			l = &benchLearner{}
		}
		mine := make([]time.Duration, 0, 1024)
		for pb.Next() {
			target := path(l) // before form, which moves l on
			body := form(l).Encode()
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if l.cookie != "" {
				req.Header.Set("Cookie", l.cookie)
			}
			rec := httptest.NewRecorder()
			t := time.Now()
			h.ServeHTTP(rec, req)
			mine = append(mine, time.Since(t))
			if rec.Code != http.StatusSeeOther {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %.200s", rec.Code, rec.Body.String()))
			}
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d answers failed, first: %v", n, firstErr.Load())
	}
	slices.Sort(lat)
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "answers/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	}
	return rate
}
