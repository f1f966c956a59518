package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/sessions"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/web"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// sessionSecret is the -session-key the harness starts the server with, so
// it can write the seeded learners' cookies and sign drill showings.
const sessionSecret = "bench-session-secret-0123456789abcdef"

// sharedToken is the -sandbox-token of the shared workspace that holds the
// 150-task job and the many runs.
const sharedToken = "bench-shared-token-0001"

// keys are the server's cookie and showing keys for sessionSecret. They
// follow main.sessionKeys and web.newShowingKey: if either changes, the
// harness's cookies or showings are refused, and it stops with that error.
type keys struct{ auth, enc, showingKey []byte }

func newKeys(secret string) keys {
	a := sha256.Sum256(append([]byte("trainer-session-auth:"), secret...))
	e := sha256.Sum256(append([]byte("trainer-session-enc:"), secret...))
	m := hmac.New(sha256.New, a[:])
	m.Write([]byte("jobs-api-trainer/drill-showing/v1"))
	return keys{auth: a[:], enc: e[:], showingKey: m.Sum(nil)}
}

// cookie returns the session cookie ("trainer=...") of learner l.
// A sandboxToken, when given, is in the session as the sandbox page leaves
// it after the learner's first visit.
func (k keys) cookie(l store.Learner, sandboxToken ...string) (string, error) {
	cs := sessions.NewCookieStore(k.auth, k.enc)
	cs.Options = &sessions.Options{Path: "/", MaxAge: 400 * 24 * 3600}
	cs.MaxAge(cs.Options.MaxAge)
	sess := sessions.NewSession(cs, "trainer")
	sess.Options = &sessions.Options{Path: "/", MaxAge: 400 * 24 * 3600}
	sess.Values["learner_id"] = l.ID
	sess.Values["session_gen"] = l.SessionGen
	if len(sandboxToken) > 0 {
		sess.Values["sandbox_token"] = sandboxToken[0]
	}
	rec := httptest.NewRecorder()
	if err := cs.Save(httptest.NewRequest(http.MethodGet, "/", nil), rec, sess); err != nil {
		return "", err
	}
	c := rec.Result().Cookies()
	if len(c) != 1 {
		return "", fmt.Errorf("bench: %d cookies written", len(c))
	}
	return c[0].Name + "=" + c[0].Value, nil
}

// showing signs a drill showing of item in session sid, shown at shown,
// as web/drill_showing.go does.
func (k keys) showing(sid int64, item string, shown time.Time) string {
	payload := fmt.Sprintf("v1.%d.%s.%x.%d", sid, item, 42, shown.UnixMilli())
	m := hmac.New(sha256.New, k.showingKey)
	m.Write([]byte(payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// drillLearner is one of the drill load's learners: its cookie and the
// open sessions it answers in, 20 answers each.
type drillLearner struct {
	cookie   string
	sessions []int64
}

// seeded is what the cases need from the seeded database.
type seeded struct {
	cookie500, cookie5000 string // learners with 500 and 5,000 answers
	token500              string // the 500-answer learner's sandbox token (in cookie500)
	freshSession          int64  // an unanswered session of the 500-answer learner
	job150                int64  // the 150-task job in the shared workspace
	runnerToken           string // a learner's own sandbox token, for run-now
	runNowJob             int64  // the job run-now starts, in the runner's workspace
	drill                 []drillLearner
	items                 []quiz.Item
}

// seed fills the database at path: two learners with an answer history,
// the drill load's learners with open sessions, and the shared workspace
// with the 150-task job and cfg.runs runs, cfg.active of them active.
func seed(ctx context.Context, path string, cfg config, k keys, logf func(string, ...any)) (seeded, error) {
	var out seeded
	db, err := store.Open(ctx, path)
	if err != nil {
		return out, err
	}
	defer db.Close()
	bank, err := quiz.Load(data.FS, "bank")
	if err != nil {
		return out, err
	}
	out.items = bank.Items()
	now := time.Now()

	for _, h := range []struct {
		answers int
		dst     *string
	}{{500, &out.cookie500}, {5000, &out.cookie5000}} {
		l, err := db.CreateLearner(ctx, now.AddDate(0, 0, -h.answers/20-1))
		if err != nil {
			return out, err
		}
		if err := history(ctx, db, l.ID, out.items, h.answers, now); err != nil {
			return out, err
		}
		var tok []string
		if h.answers == 500 {
			// A learner who has used the sandbox: a token in the cookie,
			// and a workspace (seeded below).
			if out.token500, err = db.IssueSandboxToken(ctx, l.ID); err != nil {
				return out, err
			}
			tok = append(tok, out.token500)
		}
		if *h.dst, err = k.cookie(l, tok...); err != nil {
			return out, err
		}
		if h.answers == 500 {
			s, err := db.StartDrillSession(ctx, l.ID, "", 20, now)
			if err != nil {
				return out, err
			}
			out.freshSession = s.ID
		}
	}
	logf("seeded learners with 500 and 5,000 answers")

	for range cfg.learners {
		l, err := db.CreateLearner(ctx, now)
		if err != nil {
			return out, err
		}
		dl := drillLearner{}
		if dl.cookie, err = k.cookie(l); err != nil {
			return out, err
		}
		for range cfg.sessionsPerLearner {
			s, err := db.StartDrillSession(ctx, l.ID, "", 20, now)
			if err != nil {
				return out, err
			}
			dl.sessions = append(dl.sessions, s.ID)
		}
		out.drill = append(out.drill, dl)
	}
	runner, err := db.CreateLearner(ctx, now)
	if err != nil {
		return out, err
	}
	if out.runnerToken, err = db.IssueSandboxToken(ctx, runner.ID); err != nil {
		return out, err
	}
	logf("seeded %d drill learners with %d sessions each", cfg.learners, cfg.sessionsPerLearner)

	out.job150, out.runNowJob, err = seedWorkspace(ctx, db, cfg, now, out.runnerToken, out.token500, logf)
	return out, err
}

// history records n answers for learner, 20 a day in one drill session
// each, ending today, graded and scheduled as the server would (about one
// in four wrong).
func history(ctx context.Context, db *store.DB, learner int64, items []quiz.Item, n int, now time.Time) error {
	cards := map[string]quiz.Card{}
	days := (n + 19) / 20
	for d := range days {
		at := now.AddDate(0, 0, d-days+1).Add(-time.Hour)
		if at.After(now) {
			at = now.Add(-time.Hour)
		}
		sess, err := db.StartDrillSession(ctx, learner, "", 20, at)
		if err != nil {
			return err
		}
		for i := 0; i < 20 && d*20+i < n; i++ {
			k := d*20 + i
			it := items[(k*7)%len(items)]
			// Each item once per session: 20 consecutive multiples of 7
			// modulo the bank size are distinct for a bank over 140 items.
			chosen := it.Answers()
			if k%4 == 3 {
				chosen = []string{wrongOption(it)}
			}
			shown := at.Add(time.Duration(i) * 30 * time.Second)
			a, c, err := quiz.Decide(quiz.Answer{LearnerID: learner, SessionID: sess.ID,
				ShowingID: fmt.Sprintf("h%d-%d", learner, k), Item: it, Chosen: chosen, Card: cards[it.ID],
				ShownAt: shown, Now: shown.Add(12 * time.Second)})
			if err != nil {
				return fmt.Errorf("bench: history item %s: %w", it.ID, err)
			}
			if _, err := db.RecordAnswer(ctx, a, c); err != nil {
				return err
			}
			cards[it.ID] = c
		}
	}
	return nil
}

// wrongOption is an option of it that is not a correct answer.
func wrongOption(it quiz.Item) string {
	for _, o := range it.Options {
		correct := false
		for _, a := range it.Answers() {
			correct = correct || a == o
		}
		if !correct {
			return o
		}
	}
	return it.Answers()[0]
}

// seedWorkspace creates, in the shared workspace, the 150-task job and
// cfg.runs runs of a job with cfg.runTasks tasks: the oldest finished two
// days ago, the newest cfg.active still running (tasks of an hour each; the
// server runs with -sandbox-task-duration 1h). It uses the emulator in
// process, with its limits off, writing through to the database as the
// server would. It returns the 150-task job's id.
func seedWorkspace(ctx context.Context, db *store.DB, cfg config, now time.Time, runnerToken, learnerToken string, logf func(string, ...any)) (job150, runNowJob int64, err error) {
	fixtures, err := fs.Sub(data.FS, "workspace")
	if err != nil {
		return 0, 0, err
	}
	clock := now
	m, err := workspace.NewManager(workspace.Options{
		Now:          func() time.Time { return clock },
		TaskDuration: time.Hour,
		Store:        db,
		Resolve:      web.TokenResolver(db, []string{sharedToken}),
		Fixtures:     fixtures,
		Limits: workspace.Limits{MaxJobs: -1, MaxTasksPerJob: -1, MaxActiveRuns: -1, MaxRuns: -1,
			MaxBytes: -1, APIRate: -1, APIBurst: -1},
	})
	if err != nil {
		return 0, 0, err
	}
	token := sharedToken
	call := func(path string, body any) (map[string]any, error) {
		b, _ := json.Marshal(body)
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1"+path, strings.NewReader(string(b)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res := m.Call(req)
		if res.Status != http.StatusOK {
			return nil, fmt.Errorf("bench: seed %s: %d %.300s", path, res.Status, res.Body)
		}
		var v map[string]any
		return v, json.Unmarshal(res.Body, &v)
	}
	job := func(name string, tasks int) (int64, error) {
		var ts []map[string]any
		for i := range tasks {
			key := fmt.Sprintf("task_%03d", i+1)
			ts = append(ts, map[string]any{
				"task_key":            key,
				"existing_cluster_id": "0101-000000-bench",
				"notebook_task":       map[string]any{"notebook_path": "/Workspace/bench/" + key, "source": "WORKSPACE"},
			})
		}
		v, err := call("/api/2.2/jobs/create", map[string]any{"name": name, "max_concurrent_runs": 1000,
			"queue": map[string]any{"enabled": false}, "tasks": ts})
		if err != nil {
			return 0, err
		}
		id, _ := v["job_id"].(float64)
		return int64(id), nil
	}
	// run-now's job, in the runner's own workspace: three tasks and no
	// concurrency cap, so runs neither queue nor pile up.
	token = runnerToken
	if runNowJob, err = job("bench-run-now", 3); err != nil {
		return 0, 0, err
	}
	// The page learner's workspace: the starter jobs and one of theirs.
	token = learnerToken
	if _, err = job("my-first-job", 2); err != nil {
		return 0, 0, err
	}
	token = sharedToken
	if job150, err = job("bench-150-tasks", 150); err != nil {
		return 0, 0, err
	}
	runJob := job150
	if cfg.runTasks != 150 {
		if runJob, err = job(fmt.Sprintf("bench-%d-tasks", cfg.runTasks), cfg.runTasks); err != nil {
			return 0, 0, err
		}
	}
	start := time.Now()
	for i := range cfg.runs {
		if i < cfg.runs-cfg.active {
			clock = now.Add(-48 * time.Hour).Add(time.Duration(i) * time.Second) // long finished
		} else {
			clock = now.Add(-10 * time.Minute).Add(time.Duration(i) * time.Millisecond) // running for the next hour
		}
		if _, err := call("/api/2.2/jobs/run-now", map[string]any{"job_id": runJob}); err != nil {
			return 0, 0, err
		}
		if (i+1)%500 == 0 {
			logf("seeded %d runs (%s)", i+1, time.Since(start).Round(time.Second))
		}
	}
	logf("seeded the shared workspace: job %s (150 tasks), %d runs of a %d-task job, %d active",
		strconv.FormatInt(job150, 10), cfg.runs, cfg.runTasks, cfg.active)
	return job150, runNowJob, nil
}
