//go:build linux

package main

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
)

// process is the trainer binary running as a child process.
type process struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	base string
}

// startBinary starts the trainer as a child process with args and waits
// for it to log its address. The process is this test binary re-executed
// with runMainEnv set, so it runs main() exactly as the built trainer does
// (same packages, same flags), without a separate `go build`.
func startBinary(t *testing.T, args ...string) *process {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{out: &syncBuffer{}}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), runMainEnv+"=1")
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { p.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if m := addrRE.FindStringSubmatch(p.out.String()); m != nil {
			p.base = "http://" + m[1]
			return p
		}
		select {
		case <-exited:
			t.Fatalf("trainer exited early:\n%s", p.out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("trainer never logged its address:\n%s", p.out)
	return nil
}

// learnerLog is what one learner goroutine had acknowledged.
type learnerLog struct {
	client *learnerClient
	acks   []answerAck
}

// runLog is one run the emulator acknowledged, with its acknowledged repairs.
type runLog struct {
	runID   int64
	repairs []int64
}

// TestDurabilityUnderKill drives the real binary from several clients at
// once (drill answers from four learners; run-now, runs/get and
// runs/repair from two API clients), kills it with SIGKILL in the middle of
// that load, restarts it on the same file and checks that every
// acknowledged write is there: each answer acknowledged with its 303 is in
// the attempts table (and its feedback page answers), each run id run-now
// returned is readable by runs/get, each acknowledged repair is in the
// run's repair_history; and that every learner's FSRS cards are exactly
// what replaying their stored attempts through the quiz scheduler gives.
func TestDurabilityUnderKill(t *testing.T) {
	e2eOnly(t, "starts the trainer as a process and SIGKILLs it under load")
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "durable.db")
	const tok = "durability-token"
	args := []string{"-addr", "127.0.0.1:0", "-db", dbPath, "-sandbox-token", tok, "-sandbox-task-duration", "3ms"}
	p := startBinary(t, args...)
	bank := builtinBank(t)

	ctx, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	var answers, runs, repairs atomic.Int64
	var wg sync.WaitGroup

	learners := make([]*learnerLog, 4)
	for i := range learners {
		lg := &learnerLog{client: newLearnerClient(p.base, bank)}
		learners[i] = lg
		wg.Add(1)
		go func() {
			defer wg.Done()
			sid := int64(0)
			for ctx.Err() == nil {
				if sid == 0 {
					var err error
					if sid, err = lg.client.startSession(10); err != nil {
						return // the server is gone
					}
				}
				ack, err := lg.client.answerNext(sid)
				if errors.Is(err, errSessionDone) {
					sid = 0
					continue
				}
				if err != nil {
					return
				}
				lg.acks = append(lg.acks, ack)
				answers.Add(1)
			}
		}()
	}

	apiLogs := make([][]*runLog, 2)
	for i := range apiLogs {
		api := newAPIClient(p.base, tok)
		created, err := api.ok("POST", "/api/2.2/jobs/create", map[string]any{
			"name": "durable", "max_concurrent_runs": 5,
			"tasks": []any{map[string]any{"task_key": "a", "existing_cluster_id": "c1", "notebook_task": map[string]any{"notebook_path": "/a"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		jobID := jsonInt(created["job_id"])
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				out, err := api.ok("POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": jobID})
				if err != nil {
					return
				}
				rl := &runLog{runID: jsonInt(out["run_id"])}
				apiLogs[i] = append(apiLogs[i], rl)
				runs.Add(1)
				// Wait for the run to end (3 ms tasks), then repair it twice.
				for len(rl.repairs) < 2 && ctx.Err() == nil {
					got, err := api.ok("GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rl.runID), nil)
					if err != nil {
						return
					}
					state, _ := got["state"].(map[string]any)
					if life, _ := state["life_cycle_state"].(string); life != "TERMINATED" && life != "INTERNAL_ERROR" {
						continue
					}
					body := map[string]any{"run_id": rl.runID, "rerun_tasks": []string{"a"}}
					if n := len(rl.repairs); n > 0 {
						body["latest_repair_id"] = rl.repairs[n-1]
					}
					out, err := api.ok("POST", "/api/2.2/jobs/runs/repair", body)
					if err != nil {
						return
					}
					rl.repairs = append(rl.repairs, jsonInt(out["repair_id"]))
					repairs.Add(1)
				}
			}
		}()
	}

	// Kill in the middle of the load: once enough writes of each kind were
	// acknowledged, with every client still sending. The deadline is
	// generous for a loaded machine; a healthy one gets there in seconds.
	deadline := time.Now().Add(45 * time.Second)
	for answers.Load() < 80 || runs.Load() < 10 || repairs.Load() < 10 {
		if time.Now().After(deadline) {
			stopLoad()
			t.Fatalf("load too slow: %d answers, %d runs, %d repairs acknowledged\n%s", answers.Load(), runs.Load(), repairs.Load(), p.out)
		}
		time.Sleep(10 * time.Millisecond) // polling, not a timing assertion
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait() // every client stops at its first failed request
	stopLoad()
	t.Logf("killed after %d answers, %d runs, %d repairs acknowledged", answers.Load(), runs.Load(), repairs.Load())

	// Restart on the same file and read everything back over HTTP.
	p2 := startBinary(t, args...)
	for _, lg := range learners {
		lg.client.base = p2.base
		for _, a := range lg.acks {
			res, body, err := lg.client.do("GET", "/drill/s/"+itoa(a.sessionID)+"/feedback/"+a.showingID, nil)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("acknowledged answer %+v lost: %v %v %.200s", a, err, res, body)
			}
		}
	}
	api := newAPIClient(p2.base, tok)
	seen := map[int64]bool{}
	for _, rls := range apiLogs {
		for _, rl := range rls {
			if seen[rl.runID] {
				t.Fatalf("run id %d handed out twice", rl.runID)
			}
			seen[rl.runID] = true
			got, err := api.ok("GET", "/api/2.2/jobs/runs/get?include_history=true&run_id="+itoa(rl.runID), nil)
			if err != nil {
				t.Fatalf("acknowledged run %d lost: %v", rl.runID, err)
			}
			inHistory := map[int64]bool{}
			hist, _ := got["repair_history"].([]any)
			for _, h := range hist {
				if m, ok := h.(map[string]any); ok && m["type"] == "REPAIR" {
					inHistory[jsonInt(m["id"])] = true
				}
			}
			for _, rid := range rl.repairs {
				if !inHistory[rid] {
					t.Fatalf("acknowledged repair %d of run %d lost: history %v", rid, rl.runID, hist)
				}
			}
		}
	}
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	checkAttemptsAndCards(t, dbPath, bank, learners)
}

// checkAttemptsAndCards opens the database (the restarted server may still
// be shutting down; WAL allows that) and checks that each acknowledged
// answer is in the attempts table, and that each learner's cards are what
// replaying all their stored attempts gives.
func checkAttemptsAndCards(t *testing.T, dbPath string, bank *quiz.Bank, learners []*learnerLog) {
	t.Helper()
	ctx := context.Background()
	raw, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	checked := 0
	for _, lg := range learners {
		if len(lg.acks) == 0 {
			continue
		}
		learnerID := int64(0)
		for _, a := range lg.acks {
			var id int64
			var item string
			err := raw.QueryRowContext(ctx, `SELECT learner_id, item_id FROM attempts WHERE showing_id = ? AND session_id = ?`,
				a.showingID, a.sessionID).Scan(&id, &item)
			if err != nil {
				t.Fatalf("acknowledged answer %+v not in attempts: %v", a, err)
			}
			if item != a.itemID || (learnerID != 0 && id != learnerID) {
				t.Fatalf("attempt for %+v: learner %d item %s", a, id, item)
			}
			learnerID = id
		}
		var attempts []quiz.Attempt
		if err := db.Attempts(ctx, learnerID, func(a quiz.Attempt) error {
			attempts = append(attempts, a)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(attempts) < len(lg.acks) {
			t.Fatalf("learner %d: %d attempts stored, %d acknowledged", learnerID, len(attempts), len(lg.acks))
		}
		want := map[string]quiz.Card{}
		for _, a := range attempts {
			it, ok := bank.Item(a.ItemID)
			if !ok {
				t.Fatalf("attempt of unknown item %s", a.ItemID)
			}
			want[a.ItemID] = quiz.Review(want[a.ItemID], quiz.Rate(it, a.Correct, a.Took), a.AnsweredAt, time.Time{})
		}
		got, err := db.Cards(ctx, learnerID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("learner %d: %d cards, %d items answered", learnerID, len(got), len(want))
		}
		for id, w := range want {
			g, ok := got[id]
			if !ok {
				t.Fatalf("learner %d: no card for answered item %s", learnerID, id)
			}
			if !sameCard(g, w) {
				t.Fatalf("learner %d item %s: card %+v, replaying the attempts gives %+v", learnerID, id, g, w)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no card was checked")
	}
}

// sameCard compares a stored card with a replayed one: counts and states
// exactly, times to the millisecond the store keeps, and the FSRS floats
// to a relative 1e-9 (the server computed them from nanosecond times).
func sameCard(g, w quiz.Card) bool {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	ms := func(a, b time.Time) bool { d := a.Sub(b); return d > -2*time.Millisecond && d < 2*time.Millisecond }
	return g.Reps == w.Reps && g.Lapses == w.Lapses && g.State == w.State && g.Misses == w.Misses &&
		g.ScheduledDays == w.ScheduledDays && g.RemainingSteps == w.RemainingSteps &&
		ms(g.Due, w.Due) && ms(g.LastReview, w.LastReview) &&
		near(g.Stability, w.Stability) && near(g.Difficulty, w.Difficulty)
}
