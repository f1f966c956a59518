package workspace

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// seqMaxSteps bounds one fuzzed sequence, so each input stays fast.
const seqMaxSteps = 48

// FuzzSequence decodes its input into a sequence of Jobs API calls on two
// workspaces of one Manager (injected clock, fixtures optional) and checks
// after every step that:
//   - no call answers a 5xx or panics, and every answer is JSON;
//   - new job ids and run ids (run-now, submit, repair) are unique and
//     larger than every id of their sequence seen before; a task run id
//     belongs to one run only;
//   - a run once terminal keeps its state, result and end time until it
//     is repaired (cancel, cancel-all, job updates and deletes, the clock
//     do not change it);
//   - following next_page_token from the first page of jobs/list and
//     runs/list (any limit and offset) yields every live job and run the
//     model knows exactly once, newest first; jobs/get and runs/get pages
//     together hold the same tasks as the API 2.1 whole arrays;
//   - a page token never works for another workspace (see
//     page tokens are sealed per workspace), and a garbled one is a 400.
func FuzzSequence(f *testing.F) {
	// Ops by number (see seq.do); +128 sends the op to workspace B.
	const (
		opCreate, opUpdate, opReset, opDelete, opRunNow, opSubmit, opCancel, opCancelAll, opRepair = 0, 1, 2, 3, 4, 5, 6, 7, 8
		opRunDelete, opJobsList, opRunsList, opJobsGet, opRunsGet, opClock, opCross, opGarbled     = 9, 10, 11, 12, 13, 14, 15, 16
		inB                                                                                        = 128
	)
	seed := func(fixtures byte, ops ...[]byte) []byte { return append([]byte{fixtures}, slices.Concat(ops...)...) }
	op := func(code byte, args ...byte) []byte { return append([]byte{code}, args...) }
	// create(flavor, size) flavor 2 makes t0 fail, t1 fail_once, t2 slow;
	// size 200+ makes a job of 101+ tasks. clock(4) is a minute, clock(5)
	// an hour. list(limit, offset, filters).
	f.Add(seed(0, op(opCreate, 2, 2), op(opRunNow, 0), op(opClock, 4), op(opRunsGet, 0),
		op(opRepair, 0, 0), op(opClock, 4), op(opRepair, 0, 0), op(opClock, 4),
		op(opJobsList, 1, 0, 0), op(opRunsList, 1, 0, 0), op(opRunsList, 0, 0, 128)))
	f.Add(seed(1, op(opCreate, 0, 0), op(opCreate, 4, 1), op(opCreate, 8, 2), op(opCreate|inB, 0, 0), op(opCreate|inB, 1, 0),
		op(opJobsList, 1, 0, 0), op(opRunsList, 1, 0, 0), op(opCross, 0), op(opCross, 1),
		op(opGarbled, 1), op(opGarbled, 0), op(opGarbled, 4), op(opJobsList|inB, 2, 1, 0), op(opCross|inB, 0)))
	f.Add(seed(0, op(opCreate, 0, 200), op(opJobsGet, 0), op(opRunNow, 0), op(opRunNow, 0), op(opCancel, 0),
		op(opClock, 1), op(opRunsGet, 0), op(opCancelAll, 0), op(opClock, 5), op(opRunsGet, 1),
		op(opRunsList, 1, 1, 1), op(opCross, 0)))
	f.Add(seed(0, op(opSubmit, 2), op(opClock, 4), op(opRepair, 0, 1), op(opClock, 4), op(opRepair, 0, 1),
		op(opClock, 4), op(opRunDelete, 0), op(opRunsList, 2, 0, 0), op(opRunDelete, 0), op(opRepair, 0, 0)))
	f.Add(seed(0, op(opCreate, 0, 1), op(opCreate, 1, 0), op(opUpdate, 0, 0), op(opReset, 1, 8),
		op(opJobsList, 0, 0, 1), op(opDelete, 0), op(opJobsList, 1, 0, 3), op(opRunNow, 0),
		op(opCreate|inB, 0, 0), op(opDelete|inB, 0), op(opJobsList|inB, 0, 0, 0)))
	f.Fuzz(func(t *testing.T, in []byte) {
		sq := newSeq(t, in)
		sq.runAll()
		if testing.Verbose() {
			t.Logf("%d steps:\n  %s", sq.step, strings.Join(sq.log, "\n  "))
		}
	})
}

// seqRun is what the model knows of a run.
type seqRun struct {
	jobID    int64 // 0 for a submit run
	deleted  bool
	latest   int64 // latest repair id, 0 when never repaired
	keys     []string
	terminal map[string]any // state when first seen terminal since the last repair; nil before
}

// seqJob is what the model knows of a job.
type seqJob struct {
	name string
	keys []string
}

// seqSpace is the model of one workspace.
type seqSpace struct {
	tok       string
	jobs      map[int64]*seqJob
	runs      map[int64]*seqRun
	maxJob    int64
	maxRun    int64           // largest id of the run sequence seen (runs, repairs, task runs)
	taskOwner map[int64]int64 // task run id -> its run
	lastToken map[string]string
}

type seq struct {
	t      *testing.T
	e      *env
	in     []byte
	pos    int
	spaces [2]*seqSpace
	step   int
	log    []string
}

func newSeq(t *testing.T, in []byte) *seq {
	s := &seq{t: t, in: in}
	withFixtures := s.byte()&1 == 1
	s.e = newEnv(t, nil, withFixtures)
	for i, tok := range []string{tokA, tokB} {
		sp := &seqSpace{tok: tok, jobs: map[int64]*seqJob{}, runs: map[int64]*seqRun{}, taskOwner: map[int64]int64{}, lastToken: map[string]string{}}
		s.spaces[i] = sp
		s.learnExisting(sp)
	}
	return s
}

// byte returns the next input byte, 0 once the input is used up.
func (s *seq) byte() byte {
	if s.pos >= len(s.in) {
		s.pos++
		return 0
	}
	b := s.in[s.pos]
	s.pos++
	return b
}

func (s *seq) fatalf(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("step %d: %s\nsteps:\n  %s", s.step, fmt.Sprintf(format, args...), strings.Join(s.log, "\n  "))
}

// call sends one request; any 5xx, panic or non-JSON answer fails.
func (s *seq) call(sp *seqSpace, method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	var rd *strings.Reader
	if body == nil {
		rd = strings.NewReader("")
	} else {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, "http://sandbox.test"+path, rd)
	req.Header.Set("Authorization", "Bearer "+sp.tok)
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != nil {
				s.fatalf("%s %s %v: panic: %v", method, path, body, v)
			}
		}()
		s.e.h.ServeHTTP(rec, req)
	}()
	if rec.Code >= 500 {
		s.fatalf("%s %s %v: %d %s", method, path, body, rec.Code, rec.Body.Bytes())
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		s.fatalf("%s %s: %d, not a JSON object: %q", method, path, rec.Code, rec.Body.Bytes())
	}
	return rec.Code, out
}

// learnExisting reads a workspace's fixture jobs and runs into the model,
// paging with the largest pages.
func (s *seq) learnExisting(sp *seqSpace) {
	jobs, _ := s.walk(sp, "/api/2.2/jobs/list?limit=100", "jobs", "job_id")
	for _, id := range jobs {
		out := s.ok(sp, "GET", "/api/2.2/jobs/get?job_id="+itoa(id), nil)
		j := &seqJob{name: str(get(out, "settings.name"))}
		j.keys = s.pages22(sp, "/api/2.2/jobs/get?job_id="+itoa(id), "settings.tasks", "task_key")
		sp.jobs[id] = j
		sp.maxJob = max(sp.maxJob, id)
	}
	runs, _ := s.walk(sp, "/api/2.2/jobs/runs/list?limit=25", "runs", "run_id")
	for _, id := range runs {
		out := s.ok(sp, "GET", "/api/2.2/jobs/runs/get?include_history=true&run_id="+itoa(id), nil)
		r := &seqRun{jobID: num(out["job_id"])}
		for _, h := range asList(out["repair_history"]) {
			if str(get(h, "type")) == "REPAIR" {
				r.latest = num(get(h, "id"))
			}
		}
		sp.runs[id] = r
		sp.maxRun = max(sp.maxRun, id, r.latest)
	}
	for id := range sp.runs {
		s.observeRun(sp, id)
	}
}

func (s *seq) ok(sp *seqSpace, method, path string, body any) map[string]any {
	s.t.Helper()
	code, out := s.call(sp, method, path, body)
	if code != 200 {
		s.fatalf("%s %s %v: %d %v", method, path, body, code, out)
	}
	return out
}

func asList(v any) []any { l, _ := v.([]any); return l }

// walk follows next_page_token from path's first page and returns the ids
// under field of every item, in order; duplicates fail. Then, from the
// last page, it follows prev_page_token back to the newest page and
// returns those ids too (back, newest first, the last page included), so
// callers can check the backward walk covers every item once as well.
func (s *seq) walk(sp *seqSpace, path, field, idKey string) (ids, back []int64) {
	s.t.Helper()
	page := func(p string) ([]int64, map[string]any) {
		out := s.ok(sp, "GET", p, nil)
		var got []int64
		for _, it := range asList(out[field]) {
			got = append(got, num(get(it, idKey)))
		}
		return got, out
	}
	seen := map[int64]bool{}
	p := path
	var last map[string]any
	for pages := 0; ; pages++ {
		if pages > 10000 {
			s.fatalf("%s: paging does not end", path)
		}
		got, out := page(p)
		for _, id := range got {
			if seen[id] {
				s.fatalf("%s: %s %d listed twice (pages so far %d)", path, idKey, id, pages)
			}
			seen[id] = true
		}
		ids = append(ids, got...)
		last = out
		next := str(out["next_page_token"])
		if next == "" {
			break
		}
		sp.lastToken[path] = next
		p = setQuery(path, "page_token", next)
	}
	for _, it := range asList(last[field]) {
		back = append(back, num(get(it, idKey)))
	}
	seen = map[int64]bool{}
	for _, id := range back {
		seen[id] = true
	}
	for pages := 0; ; pages++ {
		if pages > 10000 {
			s.fatalf("%s: paging back does not end", path)
		}
		prev := str(last["prev_page_token"])
		if prev == "" {
			return ids, back
		}
		sp.lastToken[path+"#prev"] = prev
		got, out := page(setQuery(path, "page_token", prev))
		for _, id := range got {
			if seen[id] {
				s.fatalf("%s: %s %d listed twice paging back (pages back so far %d)", path, idKey, id, pages)
			}
			seen[id] = true
		}
		back = append(got, back...)
		last = out
	}
}

func setQuery(path, k, v string) string {
	base, q, _ := strings.Cut(path, "?")
	vals, _ := url.ParseQuery(q)
	vals.Set(k, v)
	vals.Del("offset") // the token carries the position
	return base + "?" + vals.Encode()
}

// sawRunID checks that a new id of the run sequence is larger than any
// seen before, and records it.
func (s *seq) sawRunID(sp *seqSpace, id int64) {
	s.t.Helper()
	if id <= sp.maxRun {
		s.fatalf("%s: new run-sequence id %d is not above %d, seen before", sp.tok, id, sp.maxRun)
	}
	sp.maxRun = id
}

func isTerminal(life string) bool {
	return life == "TERMINATED" || life == "SKIPPED" || life == "INTERNAL_ERROR"
}

// wholeRun reads run id on 2.2 with include_history, following
// next_page_token and merging the paged arrays (tasks, repair_history), as
// the SDKs do; 2.1 cannot serve runs of more than 100 tasks.
func (s *seq) wholeRun(sp *seqSpace, id int64) (int, map[string]any) {
	s.t.Helper()
	path := "/api/2.2/jobs/runs/get?include_history=true&run_id=" + itoa(id)
	code, out := s.call(sp, "GET", path, nil)
	for pages := 0; code == 200 && str(out["next_page_token"]) != ""; pages++ {
		if pages > 100 {
			s.fatalf("%s: paging does not end", path)
		}
		c, more := s.call(sp, "GET", setQuery(path, "page_token", str(out["next_page_token"])), nil)
		if c != 200 {
			s.fatalf("%s next page: %d %v", path, c, more)
		}
		for _, f := range []string{"tasks", "repair_history", "job_clusters", "job_parameters"} {
			if more[f] != nil {
				out[f] = append(asList(out[f]), asList(more[f])...)
			}
		}
		out["next_page_token"] = more["next_page_token"]
	}
	return code, out
}

// observeRun reads a run and checks the terminal and task-run invariants.
func (s *seq) observeRun(sp *seqSpace, id int64) {
	s.t.Helper()
	r := sp.runs[id]
	code, out := s.wholeRun(sp, id)
	if r.deleted {
		if code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" {
			s.fatalf("deleted run %d: runs/get %d %v", id, code, out)
		}
		return
	}
	if code != 200 {
		s.fatalf("run %d vanished: %d %v", id, code, out)
	}
	r.keys = r.keys[:0]
	for _, tk := range asList(out["tasks"]) {
		r.keys = append(r.keys, str(get(tk, "task_key")))
	}
	for _, h := range asList(out["repair_history"]) {
		for _, tid := range asList(get(h, "task_run_ids")) {
			s.ownTask(sp, num(tid), id)
		}
	}
	for _, tk := range asList(out["tasks"]) {
		s.ownTask(sp, num(get(tk, "run_id")), id)
	}
	st := map[string]any{
		"life":     get(out, "state.life_cycle_state"),
		"result":   get(out, "state.result_state"),
		"status":   get(out, "status.state"),
		"code":     get(out, "status.termination_details.code"),
		"end_time": out["end_time"],
	}
	if r.terminal != nil {
		if !equalJSON(r.terminal, st) {
			s.fatalf("terminal run %d changed without a repair: was %v, now %v", id, r.terminal, st)
		}
		return
	}
	if isTerminal(str(st["life"])) {
		r.terminal = st
	}
}

func (s *seq) ownTask(sp *seqSpace, tid, runID int64) {
	s.t.Helper()
	if tid == 0 {
		return
	}
	if _, isRun := sp.runs[tid]; isRun {
		s.fatalf("task run id %d of run %d is also a job or submit run id", tid, runID)
	}
	if o, ok := sp.taskOwner[tid]; ok && o != runID {
		s.fatalf("task run id %d belongs to runs %d and %d", tid, o, runID)
	}
	sp.taskOwner[tid] = runID
	if tid > sp.maxRun {
		sp.maxRun = tid
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// pickJob returns a known job id, live or deleted (deleted ones are
// remembered as nil), or a made-up one, chosen by b.
func pickID[V any](m map[int64]V, b byte) int64 {
	if len(m) == 0 || b == 255 {
		return 999999
	}
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids[int(b)%len(ids)]
}

var seqNames = []string{"etl", "ETL", "report", "Untitled"}
var seqSims = []string{"", "", "fail", "fail_once", "slow"}

func (s *seq) taskDefs(n int, flavor byte) ([]any, []string) {
	var tasks []any
	var keys []string
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("t%d", i)
		var extra map[string]any
		if sim := seqSims[int(flavor+byte(i))%len(seqSims)]; sim != "" && i < 3 {
			extra = map[string]any{"notebook_task": map[string]any{"notebook_path": "/x/" + k, "base_parameters": map[string]any{"simulate": sim}}}
		}
		var deps []string
		if i > 0 && flavor&4 != 0 {
			deps = []string{fmt.Sprintf("t%d", i-1)}
		}
		task := nb(k, deps, extra)
		if flavor&8 != 0 {
			task["max_retries"] = 1
		}
		tasks = append(tasks, task)
		keys = append(keys, k)
	}
	return tasks, keys
}

func (s *seq) runAll() {
	for s.step = 0; s.step < seqMaxSteps && s.pos < len(s.in); s.step++ {
		op := s.byte()
		sp := s.spaces[op>>7]
		s.do(sp, op&0x7f)
		s.checkAll()
	}
}

func (s *seq) logf(format string, args ...any) {
	s.log = append(s.log, fmt.Sprintf(format, args...))
}

func (s *seq) do(sp *seqSpace, op byte) {
	switch op % 17 {
	case 0: // create
		b, nb := s.byte(), s.byte()
		n := 1 + int(nb)%4
		if nb >= 200 {
			n = 101 + int(nb-200)%60 // wide: jobs/get and runs/get page
		}
		tasks, keys := s.taskDefs(n, b)
		name := seqNames[int(b)%len(seqNames)]
		body := map[string]any{"name": name, "tasks": tasks, "max_concurrent_runs": 1 + int(b>>4)%3, "queue": map[string]any{"enabled": b&2 == 0}}
		s.logf("%s create %s with %d tasks (flavor %d)", sp.tok, name, n, b)
		out := s.ok(sp, "POST", "/api/2.2/jobs/create", body)
		id := num(out["job_id"])
		if id <= sp.maxJob {
			s.fatalf("new job id %d is not above %d, seen before", id, sp.maxJob)
		}
		sp.maxJob = id
		sp.jobs[id] = &seqJob{name: name, keys: keys}
	case 1: // update: name and/or concurrency
		id, b := pickID(sp.jobs, s.byte()), s.byte()
		ns := map[string]any{"max_concurrent_runs": 1 + int(b)%3}
		name := seqNames[int(b>>2)%len(seqNames)]
		if b&1 == 0 {
			ns["name"] = name
		}
		s.logf("%s update job %d %v", sp.tok, id, ns)
		code, out := s.call(sp, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": id, "new_settings": ns})
		s.want(code, out, sp.jobs[id] != nil)
		if code == 200 && b&1 == 0 {
			sp.jobs[id].name = name
		}
	case 2: // reset: whole new settings
		id, b := pickID(sp.jobs, s.byte()), s.byte()
		tasks, keys := s.taskDefs(1+int(b)%3, b)
		name := seqNames[int(b>>3)%len(seqNames)]
		s.logf("%s reset job %d to %s with %d tasks", sp.tok, id, name, len(keys))
		code, out := s.call(sp, "POST", "/api/2.2/jobs/reset", map[string]any{"job_id": id, "new_settings": map[string]any{"name": name, "tasks": tasks}})
		s.want(code, out, sp.jobs[id] != nil)
		if code == 200 {
			sp.jobs[id] = &seqJob{name: name, keys: keys}
		}
	case 3: // delete job
		id := pickID(sp.jobs, s.byte())
		s.logf("%s delete job %d", sp.tok, id)
		code, out := s.call(sp, "POST", "/api/2.2/jobs/delete", map[string]any{"job_id": id})
		s.want(code, out, sp.jobs[id] != nil)
		if code == 200 {
			delete(sp.jobs, id)
		}
	case 4: // run-now
		id := pickID(sp.jobs, s.byte())
		s.logf("%s run-now job %d", sp.tok, id)
		code, out := s.call(sp, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": id})
		s.want(code, out, sp.jobs[id] != nil)
		if code == 200 {
			s.newRun(sp, num(out["run_id"]), id)
		}
	case 5: // submit
		b := s.byte()
		tasks, _ := s.taskDefs(1+int(b)%3, b)
		s.logf("%s submit %d tasks (flavor %d)", sp.tok, len(tasks), b)
		out := s.ok(sp, "POST", "/api/2.2/jobs/runs/submit", map[string]any{"run_name": "once", "tasks": tasks})
		s.newRun(sp, num(out["run_id"]), 0)
	case 6: // cancel
		id := pickID(sp.runs, s.byte())
		s.logf("%s cancel run %d", sp.tok, id)
		code, _ := s.call(sp, "POST", "/api/2.2/jobs/runs/cancel", map[string]any{"run_id": id})
		r := sp.runs[id]
		if code == 200 && (r == nil || r.deleted) {
			s.fatalf("cancel of a missing run %d: 200", id)
		}
	case 7: // cancel-all
		b := s.byte()
		body := map[string]any{"all_queued_runs": true}
		if b&1 == 0 {
			body = map[string]any{"job_id": pickID(sp.jobs, b>>1)}
		}
		s.logf("%s cancel-all %v", sp.tok, body)
		s.call(sp, "POST", "/api/2.2/jobs/runs/cancel-all", body)
	case 8: // repair
		id, b := pickID(sp.runs, s.byte()), s.byte()
		r := sp.runs[id]
		body := map[string]any{"run_id": id}
		if b&1 == 0 || r == nil || len(r.keys) == 0 {
			body["rerun_all_failed_tasks"] = true
		} else {
			body["rerun_tasks"] = []string{r.keys[int(b>>2)%len(r.keys)]}
		}
		if r != nil && r.latest != 0 && b&2 == 0 {
			body["latest_repair_id"] = r.latest
		}
		s.logf("%s repair %v", sp.tok, body)
		code, out := s.call(sp, "POST", "/api/2.2/jobs/runs/repair", body)
		if code == 200 {
			if r == nil || r.deleted {
				s.fatalf("repair of a missing run %d: 200", id)
			}
			rid := num(out["repair_id"])
			s.sawRunID(sp, rid)
			r.latest = rid
			r.terminal = nil
		}
	case 9: // runs/delete
		id := pickID(sp.runs, s.byte())
		s.logf("%s runs/delete %d", sp.tok, id)
		code, _ := s.call(sp, "POST", "/api/2.2/jobs/runs/delete", map[string]any{"run_id": id})
		if code == 200 {
			r := sp.runs[id]
			if r == nil || r.deleted {
				s.fatalf("runs/delete of a missing run %d: 200", id)
			}
			r.deleted = true
		}
	case 10: // jobs/list walk
		lim, off, b := int(s.byte())%7, int(s.byte())%4, s.byte()
		s.listJobs(sp, lim, off, b)
	case 11: // runs/list walk
		lim, off, b := int(s.byte())%7, int(s.byte())%4, s.byte()
		s.listRuns(sp, lim, off, b)
	case 12: // jobs/get pages
		id := pickID(sp.jobs, s.byte())
		s.logf("%s jobs/get pages %d", sp.tok, id)
		if sp.jobs[id] != nil {
			s.getPages(sp, "/api/2.2/jobs/get?job_id="+itoa(id), "/api/2.1/jobs/get?job_id="+itoa(id), "settings.tasks", "task_key")
		}
	case 13: // runs/get pages
		id := pickID(sp.runs, s.byte())
		s.logf("%s runs/get pages %d", sp.tok, id)
		if r := sp.runs[id]; r != nil && !r.deleted {
			s.getPages(sp, "/api/2.2/jobs/runs/get?run_id="+itoa(id), "/api/2.1/jobs/runs/get?run_id="+itoa(id), "tasks", "run_id")
		}
	case 14: // clock
		d := []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, time.Second, 5 * time.Second, time.Minute, time.Hour}[int(s.byte())%6]
		s.logf("advance %v", d)
		s.e.clk.Add(d)
	case 15: // a token of this workspace in the other one
		s.crossToken(sp)
	case 16: // a garbled page token
		b := s.byte()
		path := []string{"/api/2.2/jobs/list?page_token=", "/api/2.2/jobs/runs/list?page_token=", "/api/2.2/jobs/get?job_id=101&page_token=", "/api/2.2/jobs/runs/get?run_id=1001&page_token="}[int(b>>2)%4]
		if b&1 == 0 {
			// A forged token with a made-up checksum: always a 400.
			tok := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("1|jl|n|%d|0|%d", b, b)))
			s.logf("%s forged token %s%s", sp.tok, path, tok)
			code, out := s.call(sp, "GET", path+url.QueryEscape(tok), nil)
			if code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" {
				s.fatalf("forged page token: %d %v", code, out)
			}
			return
		}
		// A real token with its last character changed: that may still
		// decode to the same token, so it only must not fail the server.
		paths := make([]string, 0, len(sp.lastToken))
		for p := range sp.lastToken {
			paths = append(paths, p)
		}
		if len(paths) == 0 {
			return
		}
		sort.Strings(paths)
		p := paths[int(b>>3)%len(paths)]
		v := sp.lastToken[p]
		tok := v[:len(v)-1] + string("AB"[b>>1&1])
		s.logf("%s garbled token for %s", sp.tok, p)
		s.call(sp, "GET", setQuery(strings.TrimSuffix(p, "#prev"), "page_token", tok), nil)
	}
}

// want checks a call on an id the model knows (known) or not: a known one
// must succeed, an unknown one must be a 400.
func (s *seq) want(code int, out map[string]any, known bool) {
	s.t.Helper()
	if known && code != 200 {
		s.fatalf("call on a live object: %d %v", code, out)
	}
	if !known && code == 200 {
		s.fatalf("call on a missing object succeeded: %v", out)
	}
}

func (s *seq) newRun(sp *seqSpace, id, jobID int64) {
	s.t.Helper()
	if _, dup := sp.runs[id]; dup {
		s.fatalf("run id %d handed out twice", id)
	}
	s.sawRunID(sp, id)
	sp.runs[id] = &seqRun{jobID: jobID}
}

func (s *seq) listJobs(sp *seqSpace, lim, off int, b byte) {
	q := url.Values{}
	if lim > 0 {
		q.Set("limit", itoa(int64(lim)))
	}
	if off > 0 {
		q.Set("offset", itoa(int64(off)))
	}
	name := ""
	if b&1 == 1 {
		name = seqNames[int(b>>1)%len(seqNames)]
		q.Set("name", name)
	}
	if b&8 != 0 {
		q.Set("expand_tasks", "true")
	}
	path := "/api/2.2/jobs/list?" + q.Encode()
	s.logf("%s walk %s", sp.tok, path)
	got, back := s.walk(sp, path, "jobs", "job_id")
	var want []int64
	for id, j := range sp.jobs {
		if name == "" || strings.EqualFold(j.name, name) {
			want = append(want, id)
		}
	}
	sort.Slice(want, func(i, j int) bool { return want[i] > want[j] })
	if !slices.Equal(back, want) && len(got) > 0 {
		s.fatalf("%s walked back %v, want %v", path, back, want)
	}
	want = want[min(off, len(want)):]
	if !slices.Equal(got, want) {
		s.fatalf("%s walked %v, want %v", path, got, want)
	}
}

func (s *seq) listRuns(sp *seqSpace, lim, off int, b byte) {
	q := url.Values{}
	if lim > 0 {
		q.Set("limit", itoa(int64(lim)))
	}
	if off > 0 {
		q.Set("offset", itoa(int64(off)))
	}
	var job int64
	if b&1 == 1 {
		job = pickID(sp.jobs, b>>1)
		q.Set("job_id", itoa(job))
	}
	filtered := false
	switch b >> 6 {
	case 1:
		q.Set("active_only", "true")
		filtered = true
	case 2:
		q.Set("completed_only", "true")
		filtered = true
	}
	path := "/api/2.2/jobs/runs/list?" + q.Encode()
	s.logf("%s walk %s", sp.tok, path)
	got, back := s.walk(sp, path, "runs", "run_id")
	var want []int64
	for id, r := range sp.runs {
		if !r.deleted && (job == 0 || r.jobID == job) {
			want = append(want, id)
		}
	}
	sort.Slice(want, func(i, j int) bool { return want[i] > want[j] })
	if filtered {
		// Which runs are active is the emulator's to say: the walk must
		// still be newest first and hold only live runs.
		_ = back
		if !slices.IsSortedFunc(got, func(a, b int64) int { return int(b - a) }) {
			s.fatalf("%s walked %v, not newest first", path, got)
		}
		for _, id := range got {
			if !slices.Contains(want, id) {
				s.fatalf("%s walked run %d, not a live run of the filter (%v)", path, id, want)
			}
		}
		return
	}
	if !slices.Equal(back, want) && len(got) > 0 {
		s.fatalf("%s walked back %v, want %v", path, back, want)
	}
	want = want[min(off, len(want)):]
	if !slices.Equal(got, want) {
		s.fatalf("%s walked %v, want %v", path, got, want)
	}
}

// getPages follows a 2.2 get's next_page_token and compares the items under
// field (by key) with the 2.1 whole array; for more than 100 tasks, 2.1
// must refuse with a 400 naming API 2.2 (docs: "Jobs with more than 100
// tasks").
func (s *seq) getPages(sp *seqSpace, path22, path21, field, key string) {
	s.t.Helper()
	got := s.pages22(sp, path22, field, key)
	code, whole := s.call(sp, "GET", path21, nil)
	if len(got) > 100 && field != "repair_history" {
		if code != 400 || whole["error_code"] != "INVALID_PARAMETER_VALUE" || !strings.Contains(str(whole["message"]), "API 2.2") {
			s.fatalf("%s with %d tasks: %d %v, want 400 pointing to 2.2", path21, len(got), code, whole)
		}
		return
	}
	if code != 200 {
		s.fatalf("%s: %d %v", path21, code, whole)
	}
	var want []string
	for _, it := range asList(get(whole, field)) {
		want = append(want, fmt.Sprint(get(it, key)))
	}
	if !slices.Equal(got, want) {
		s.fatalf("%s pages hold %d items %v, the 2.1 whole array %d %v", path22, len(got), got, len(want), want)
	}
}

// pages22 follows a 2.2 get's next_page_token and returns the items under
// field, by key.
func (s *seq) pages22(sp *seqSpace, path22, field, key string) []string {
	s.t.Helper()
	var got []string
	p := path22
	for pages := 0; ; pages++ {
		if pages > 1000 {
			s.fatalf("%s: paging does not end", path22)
		}
		out := s.ok(sp, "GET", p, nil)
		for _, it := range asList(get(out, field)) {
			got = append(got, fmt.Sprint(get(it, key)))
		}
		next := str(out["next_page_token"])
		if next == "" {
			break
		}
		sp.lastToken[path22] = next
		p = setQuery(path22, "page_token", next)
	}
	return got
}

// crossToken takes a page token issued in sp and sends it, with the same
// path and filters, to the other workspace.
func (s *seq) crossToken(sp *seqSpace) {
	s.t.Helper()
	other := s.spaces[0]
	if other == sp {
		other = s.spaces[1]
	}
	paths := make([]string, 0, len(sp.lastToken))
	for p := range sp.lastToken {
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		return
	}
	sort.Strings(paths)
	p := paths[int(s.byte())%len(paths)]
	tok := sp.lastToken[p]
	s.logf("%s's token for %s sent by %s", sp.tok, p, other.tok)
	code, out := s.call(other, "GET", setQuery(strings.TrimSuffix(p, "#prev"), "page_token", tok), nil)
	if code != 400 || out["error_code"] != "INVALID_PARAMETER_VALUE" {
		s.fatalf("a page token of %s worked in %s: %d %v", sp.tok, other.tok, code, out)
	}
}

// checkAll observes every run the model knows after each step.
func (s *seq) checkAll() {
	s.t.Helper()
	for _, sp := range s.spaces {
		ids := make([]int64, 0, len(sp.runs))
		for id := range sp.runs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			s.observeRun(sp, id)
		}
	}
}

// TestSequenceCrossWorkspaceToken runs the fuzzer's cross-workspace
// sub-check once on a known sequence: workspace A's page token is a 400 in
// workspace B.
func TestSequenceCrossWorkspaceToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, false)
	for i := 0; i < 3; i++ {
		e.createJob(tokA, map[string]any{"name": "x", "tasks": []any{nb("a", nil, nil)}})
		e.createJob(tokB, map[string]any{"name": "x", "tasks": []any{nb("a", nil, nil)}})
	}
	first := e.ok(tokA, "GET", "/api/2.2/jobs/list?limit=1", nil)
	tok := str(first["next_page_token"])
	if tok == "" {
		t.Fatalf("no next_page_token: %v", first)
	}
	code, out := e.call(tokB, "GET", "/api/2.2/jobs/list?limit=1&page_token="+url.QueryEscape(tok), nil)
	if code >= 500 {
		t.Fatalf("cross-workspace token: %d %v", code, out)
	}
	if code != http.StatusBadRequest || out["error_code"] != "INVALID_PARAMETER_VALUE" {
		t.Fatalf("workspace A's page token worked in workspace B: %d %v", code, out)
	}
}
