package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

// seedHistory records n answers for a new learner (20 a day, one drill
// session a day, ending today, one in four wrong) and returns the
// learner's cookie and an open, unanswered session.
func seedHistory(b testing.TB, h http.Handler, db *store.DB, n int) (cookie string, fresh int64) {
	b.Helper()
	ctx := context.Background()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/drill/sessions", strings.NewReader("size=20"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	cookie = strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
	fresh, err := strconv.ParseInt(strings.TrimPrefix(rec.Header().Get("Location"), "/drill/s/"), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	items := testBank(b).Items()
	cards := map[string]quiz.Card{}
	now := time.Now()
	days := (n + 19) / 20
	var lid int64
	// The learner is the one who owns fresh.
	for id := int64(1); id < 10 && lid == 0; id++ {
		if _, err := db.DrillSession(ctx, id, fresh); err == nil {
			lid = id
		}
	}
	if lid == 0 {
		b.Fatal("no learner")
	}
	for d := range days {
		at := now.AddDate(0, 0, d-days+1).Add(-time.Hour)
		s, err := db.StartDrillSession(ctx, lid, "", 20, at)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 20 && d*20+i < n; i++ {
			k := d*20 + i
			it := items[(k*7)%len(items)]
			chosen := it.Answers()
			if k%4 == 3 { // one in four wrong, as the load harness seeds
				chosen = nil
				for _, o := range it.Options {
					if !slices.Contains(it.Answers(), o) {
						chosen = []string{o}
						break
					}
				}
			}
			a, c, err := quiz.Decide(quiz.Answer{LearnerID: lid, SessionID: s.ID, ShowingID: fmt.Sprint("h", k),
				Item: it, Chosen: chosen, Card: cards[it.ID], ShownAt: at, Now: at.Add(10 * time.Second)})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.RecordAnswer(ctx, a, c); err != nil {
				b.Fatal(err)
			}
			cards[it.ID] = c
		}
	}
	return cookie, fresh
}

// BenchmarkPages serves the drill's first question and /progress for
// learners with 500 and 5,000 answers through the real handler, one
// request at a time (for CPU profiles: -cpuprofile).
func BenchmarkPages(b *testing.B) {
	db := storetest.New(b)
	h := newTestHandler(b, testOpts{DB: db, Now: time.Now, NoSandbox: true})
	c500, fresh := seedHistory(b, h, db, 500)
	c5000, _ := seedHistory(b, h, db, 5000)
	for _, bc := range []struct {
		name, path, cookie string
	}{
		{"first-question", "/drill/s/" + strconv.FormatInt(fresh, 10), c500},
		{"progress-500", "/progress", c500},
		{"progress-5000", "/progress", c5000},
		{"home", "/", c500},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, bc.path, nil)
				req.Header.Set("Cookie", bc.cookie)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", bc.path, rec.Code)
				}
			}
			// CPU time, unlike ns/op, hardly moves with the load of a
			// shared machine.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSandboxPage serves /sandbox (the console with the workspace
// picture) to a learner whose workspace has the starter jobs, and the
// lesson page, through the real handler.
func BenchmarkSandboxPage(b *testing.B) {
	db := storetest.New(b)
	h := newTestHandler(b, testOpts{DB: db, Now: time.Now})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/drill/sessions", strings.NewReader("size=20"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	cookie := strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
	// The first visit mints the sandbox token into the cookie; a browser
	// keeps it, and one API call seeds the workspace.
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, "/sandbox", nil)
	req.Header.Set("Cookie", cookie)
	h.ServeHTTP(rec, req)
	if c := rec.Header().Get("Set-Cookie"); c != "" {
		cookie = strings.SplitN(c, ";", 2)[0]
	}
	token := regexp.MustCompile(`dapi[0-9a-f]{32}`).FindString(rec.Body.String())
	if token == "" {
		b.Fatal("no sandbox token on the page")
	}
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, "/api/2.2/jobs/list", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("jobs/list: %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/sandbox", "/lessons/jobs-api"} {
		b.Run(strings.Trim(strings.ReplaceAll(path, "/", "-"), "-"), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Cookie", cookie)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
