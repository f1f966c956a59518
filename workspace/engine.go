package workspace

import (
	"encoding/json"
	"sort"
	"strconv"
)

// Task and run results.
const (
	rSuccess          = "SUCCESS"
	rFailed           = "FAILED"
	rTimedOut         = "TIMEDOUT"
	rCanceled         = "CANCELED"
	rExcluded         = "EXCLUDED"
	rUpstreamFailed   = "UPSTREAM_FAILED"
	rUpstreamCanceled = "UPSTREAM_CANCELED"
	rDisabled         = "DISABLED"
	rSuccessFailures  = "SUCCESS_WITH_FAILURES"
	rMaxConcurrent    = "MAXIMUM_CONCURRENT_RUNS_REACHED"
)

// Life-cycle states (state.life_cycle_state, and status.state where the
// names agree) of runs and task runs, as the Jobs API 2.2 reference names
// them (RunLifeCycleState in the SDK's service/jobs/model.go).
const (
	lcQueued          = "QUEUED"
	lcPending         = "PENDING"
	lcRunning         = "RUNNING"
	lcTerminating     = "TERMINATING"
	lcTerminated      = "TERMINATED"
	lcSkipped         = "SKIPPED"
	lcInternalError   = "INTERNAL_ERROR"
	lcBlocked         = "BLOCKED"
	lcWaitingForRetry = "WAITING_FOR_RETRY"
)

// run_if conditions of a task (RunIf in the SDK); "" means ALL_SUCCESS.
const (
	runIfAllSuccess        = "ALL_SUCCESS"
	runIfAllDone           = "ALL_DONE"
	runIfNoneFailed        = "NONE_FAILED"
	runIfAtLeastOneSuccess = "AT_LEAST_ONE_SUCCESS"
	runIfAtLeastOneFailed  = "AT_LEAST_ONE_FAILED"
	runIfAllFailed         = "ALL_FAILED"
)

const failMessage = "Workload failed, see run output for details"

// maxAttemptsCap bounds retries so max_retries=-1 with simulate=fail ends.
const maxAttemptsCap = 6

// paramValue is one resolved job parameter of a run.
type paramValue struct {
	Name    string `json:"name"`
	Default string `json:"default"`
	Value   string `json:"value"`
}

// segment is one execution of (part of) a run: the original, then one per repair.
type segment struct {
	RepairID int64
	At       int64
	Keys     []string // the tasks it runs (ts's keys, in the usual case)
	// IDs are the task run ids reserved per task key, when they were not
	// reserved in one go; nil when idFrom places them (see taskSet.off).
	IDs    map[string][]int64
	idFrom int64
	ts     *taskSet // the definitions used (repairs: the job's current ones)
	// CancelAt is when runs/cancel stopped the segment (0 = never).
	CancelAt int64
	// DurationMS is one task attempt of this segment, in ms; 0 = the run's
	// (runDoc.DurationMS). A repair takes the sandbox's task duration of
	// its day, not the one its run was made with: a fixture run of
	// 4-minute tasks repaired now runs like any new run.
	DurationMS int64
	// TaskCancels are runs/cancel calls with one task run's id: task key
	// -> when. Only that task stops (see cutTask).
	TaskCancels map[string]int64
	Params      []paramValue
}

// idsOf returns the task run ids reserved for task k.
func (sg *segment) idsOf(k string) []int64 {
	if sg.IDs != nil || sg.idFrom == 0 {
		return sg.IDs[k]
	}
	n, ok := sg.ts.count[k]
	if !ok {
		return nil
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = sg.idFrom + int64(sg.ts.off[k]+i)
	}
	return ids
}

// idSpan returns the range [from, to) of the segment's task run ids when
// they were reserved in one go.
func (sg *segment) idSpan() (from, to int64, ok bool) {
	if sg.IDs != nil || sg.idFrom == 0 {
		return 0, 0, false
	}
	return sg.idFrom, sg.idFrom + int64(sg.ts.n), true
}

// eachID calls fn with every task run id reserved in the segment.
func (sg *segment) eachID(fn func(id int64)) {
	if from, to, ok := sg.idSpan(); ok {
		for id := from; id < to; id++ {
			fn(id)
		}
		return
	}
	for _, ids := range sg.IDs {
		for _, id := range ids {
			fn(id)
		}
	}
}

// isFirstID reports whether id is the first task run id of one of the
// segment's tasks.
func (sg *segment) isFirstID(id int64) bool {
	if from, to, ok := sg.idSpan(); ok {
		if id < from || id >= to {
			return false
		}
		off := int(id - from)
		for _, k := range sg.Keys {
			if sg.ts.off[k] == off {
				return true
			}
		}
		return false
	}
	for _, ids := range sg.IDs {
		if len(ids) > 0 && ids[0] == id {
			return true
		}
	}
	return false
}

// compactIDs sets idFrom (and drops IDs) when IDs are what reserving ts's
// tasks in one go gives, as every segment made since task sets existed.
func (sg *segment) compactIDs() {
	ts := sg.ts
	if sg.IDs == nil || len(sg.IDs) != len(ts.keys) || len(ts.keys) == 0 || !equalKeys(sg.Keys, ts.keys) {
		return
	}
	first := sg.IDs[ts.keys[0]]
	if len(first) == 0 {
		return
	}
	from := first[0]
	for _, k := range ts.keys {
		ids := sg.idsOf(k)
		if len(ids) != ts.count[k] {
			return
		}
		for i, id := range ids {
			if id != from+int64(ts.off[k]+i) {
				return
			}
		}
	}
	sg.idFrom, sg.IDs = from, nil
}

func sameTasks(a, b []*task) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalKeys(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// runDoc is everything stored about a run: facts only; states are derived.
type runDoc struct {
	RunID int64
	JobID int64 // 0 for one-time runs (runs/submit)
	// OneTimeJobID is the hidden job a one-time run belongs to (see
	// shownJobID); 0 for job runs and for one-time runs stored before it
	// existed.
	OneTimeJobID int64
	RunName      string
	RunType      string
	Trigger      string
	Creator      string
	Created      int64
	DurationMS   int64
	Queue        bool
	MaxConc      int
	TimeoutSec   int64
	Order        []string // task keys in definition order
	Excluded     []string
	JobClusters  json.RawMessage
	Params       []paramValue
	Overriding   json.RawMessage
	Idempotency  string
	Segments     []*segment
	Deleted      bool
	Schedule     json.RawMessage

	// derived, cached
	listJSON [listVariants]listCacheEntry // runs/list items of a terminal run, see baseRunJSON
	tl       *timeline
	tlS      int64
	start    int64 // admission time (after queue)
	skip     bool
	tasks    map[string]*task // latest definition per key (shared with a taskSet when it can be)
	graph    map[string][]dep // deps restricted to tasks in the run
	down     map[string]bool  // keys that some task depends on
	excSet   map[string]bool
}

// shownJobID is the job_id a run is reported under: its job's, or, for a
// one-time run (runs/submit), the id of the hidden job the real service
// files it under: runs/get shows a job_id that is not the run_id and that
// jobs/list does not list, and run_page_url is #job/<that id>/run/<run_id>
// (runs/get bodies of SUBMIT_RUN runs in flyteorg/flytekit#1935 and
// databricks/databricks-sdk-py#375). 0 only for one-time runs stored
// before the sandbox kept that id.
func (r *runDoc) shownJobID() int64 {
	if r.JobID != 0 {
		return r.JobID
	}
	return r.OneTimeJobID
}

// pageBase is the run_page_url of r without the trailing run id:
// <host>/?o=<workspace>#job/<job id>/run/. A legacy one-time run without a
// hidden job id keeps the sandbox's old stand-in, its own run id.
func (r *runDoc) pageBase(host string) string {
	jobID := r.shownJobID()
	if jobID == 0 {
		jobID = r.RunID
	}
	return host + "/?o=" + workspaceNumber + "#job/" + strconv.FormatInt(jobID, 10) + "/run/"
}

// prepare derives the run's task maps from its segments' task sets after
// load or creation. A run of one segment with nothing excluded (nearly
// every run) shares its task set's maps instead of building its own.
func (r *runDoc) prepare() {
	r.excSet = nil
	if len(r.Excluded) > 0 {
		r.excSet = make(map[string]bool, len(r.Excluded))
		for _, k := range r.Excluded {
			r.excSet[k] = true
		}
	}
	r.tl = nil
	if len(r.Segments) == 1 && r.excSet == nil && equalKeys(r.Order, r.Segments[0].ts.keys) {
		ts := r.Segments[0].ts
		r.tasks, r.graph, r.down = ts.byKey, ts.graph, ts.down
		return
	}
	r.tasks = map[string]*task{}
	for _, sg := range r.Segments {
		for _, t := range sg.ts.tasks {
			r.tasks[t.key] = t
		}
	}
	r.graph, r.down = depGraph(r.Order, r.tasks, r.excSet)
}

// attempt is one execution of a task.
type attempt struct {
	id      int64
	number  int
	start   int64
	end     int64
	result  string
	retryAt int64 // >0: a retry follows; [end, retryAt) is WAITING_FOR_RETRY
}

// taskTL is a task's planned timeline inside one segment.
type taskTL struct {
	key      string
	def      *task
	seg      int
	ready    int64
	skip     string // result when the task never ran
	attempts []attempt
	end      int64
	result   string
	outcome  string // condition tasks: "true"/"false"
	firstID  int64
	canceled bool  // cut by cancel while running
	cutAt    int64 // >0: this task alone was cancelled then (cutTask)
}

// segTL is a segment's planned timeline.
type segTL struct {
	start      int64 // PENDING from here
	taskStart  int64 // tasks start from here
	end        int64
	cut        int64 // cancel or timeout instant (0 = none)
	cutKind    string
	tasks      map[string]*taskTL
	life       string // terminal life_cycle_state
	result     string
	message    string
	code, kind string
	taskRunIDs []int64
}

// timeline is a run's whole planned history.
type timeline struct {
	queuedAt int64
	start    int64
	skipped  bool
	segs     []*segTL
	// light: the segments carry no task plans (tasks, taskRunIDs); see
	// fullTimeline.
	light bool
}

func termMS(d int64) int64 { return d/10 + 1 }

// buildTimeline computes a run's timeline given its admission time.
func buildTimeline(r *runDoc, start int64, skipped bool) *timeline {
	tl := &timeline{queuedAt: r.Created, start: start, skipped: skipped}
	if skipped {
		return tl
	}
	latest := map[string]*taskTL{}
	attemptsSoFar := map[string]int{}
	for i, sg := range r.Segments {
		t0 := sg.At
		if i == 0 {
			t0 = start
		}
		st := buildSegment(r, i, sg, t0, latest, attemptsSoFar)
		tl.segs = append(tl.segs, st)
		for k, t := range st.tasks {
			latest[k] = t
			attemptsSoFar[k] += len(t.attempts)
		}
		finishSegment(r, st, latest)
	}
	return tl
}

func buildSegment(r *runDoc, idx int, sg *segment, t0 int64, prev map[string]*taskTL, prevAttempts map[string]int) *segTL {
	d := r.DurationMS
	if sg.DurationMS > 0 {
		d = sg.DurationMS
	}
	st := &segTL{start: t0, taskStart: t0 + d/3, tasks: map[string]*taskTL{}}
	in := map[string]bool{}
	for _, k := range sg.Keys {
		in[k] = true
	}
	// the cut: cancel or job timeout
	cut, cutKind := int64(0), ""
	if sg.CancelAt > 0 {
		cut, cutKind = sg.CancelAt, "cancel"
		if cut < t0 {
			cut = t0
		}
	}
	if r.TimeoutSec > 0 {
		to := t0 + r.TimeoutSec*1000
		if cut == 0 || to < cut {
			cut, cutKind = to, "timeout"
		}
	}
	params := r.Params
	if len(sg.Params) > 0 {
		params = sg.Params
	}
	// plan in topological order
	var defs []*task
	for _, k := range r.Order {
		if in[k] {
			if t := sg.ts.byKey[k]; t != nil {
				defs = append(defs, t)
			} else if t := r.tasks[k]; t != nil {
				defs = append(defs, t)
			}
		}
	}
	ordered := sg.ts.topo
	if !sameTasks(defs, sg.ts.tasks) || ordered == nil {
		ordered, _ = topoOrder(defs)
	}
	for _, def := range ordered {
		k := def.key
		tt := &taskTL{key: k, def: def, seg: idx}
		ids := sg.idsOf(k)
		if len(ids) > 0 {
			tt.firstID = ids[0]
		}
		ready := st.taskStart
		var up upstream
		for _, dp := range r.graph[k] {
			var u *taskTL
			if in[dp.TaskKey] {
				u = st.tasks[dp.TaskKey]
			} else {
				u = prev[dp.TaskKey]
			}
			if u == nil {
				continue
			}
			if in[dp.TaskKey] && u.end > ready {
				ready = u.end
			}
			up.add(dp.Outcome, u)
		}
		tt.ready = ready
		skip := ""
		switch {
		case idx == 0 && r.excSet[k]:
			// run-now's only left it out; a repair that names it runs it
			skip = rExcluded
		case def.disabled:
			skip = rDisabled
		default:
			skip = runIfSkip(def.runIf, up)
		}
		if skip != "" {
			tt.skip, tt.result, tt.end = skip, skip, ready
			cancelTask(tt, sg, t0, d)
			st.tasks[k] = tt
			continue
		}
		// attempts
		sim := def.simulate
		if v, ok := paramLookup(params, "simulate_"+k); ok {
			sim = v
		}
		dur := d
		if sim == "slow" {
			dur = d * 10
		}
		if def.kind == "condition_task" {
			dur = d / 10
		}
		tt.attempts = planAttempts(def, ready, dur, d, ids, prevAttempts[k], sim)
		last := tt.attempts[len(tt.attempts)-1]
		tt.end, tt.result = last.end, last.result
		if def.kind == "condition_task" && def.cond != nil {
			tt.outcome = strconv.FormatBool(evalCondition(def.cond))
		}
		// before any dependent is planned: they see the cut task's end
		// and result, and follow their run_if
		cancelTask(tt, sg, t0, d)
		st.tasks[k] = tt
	}
	// planned end
	end := st.taskStart
	for _, t := range st.tasks {
		if t.end > end {
			end = t.end
		}
	}
	st.end = end
	if cut > 0 && cut < end {
		st.applyCut(r, cut, cutKind, d)
	}
	for _, k := range r.Order {
		if t := st.tasks[k]; t != nil {
			for _, a := range t.attempts {
				if a.id != 0 {
					st.taskRunIDs = append(st.taskRunIDs, a.id)
				}
			}
			if len(t.attempts) == 0 && t.firstID != 0 {
				st.taskRunIDs = append(st.taskRunIDs, t.firstID)
			}
		}
	}
	return st
}

// upstream tallies how a task's dependencies ended, for run_if.
type upstream struct {
	deps      int // dependencies that are part of the picture
	succeeded int // SUCCESS, SUCCESS_WITH_FAILURES
	failed    int // FAILED, TIMEDOUT, UPSTREAM_FAILED
	canceled  int // CANCELED, UPSTREAM_CANCELED
	excluded  int // EXCLUDED, or a condition outcome the edge does not take
	disabled  int // DISABLED: a disabled task, or one its run_if made so
}

// add counts dependency u, reached by an edge that requires outcome ("" =
// any; condition tasks' edges name "true" or "false").
func (c *upstream) add(outcome string, u *taskTL) {
	c.deps++
	switch {
	case outcome != "" && u.outcome != "" && outcome != u.outcome:
		c.excluded++
	case u.result == rSuccess || u.result == rSuccessFailures:
		c.succeeded++
	case u.result == rDisabled:
		c.disabled++
	case u.result == rFailed || u.result == rTimedOut || u.result == rUpstreamFailed:
		c.failed++
	case u.result == rCanceled || u.result == rUpstreamCanceled:
		c.canceled++
	default:
		c.excluded++
	}
}

// runIfSkip decides whether a task with condition runIf runs after its
// dependencies ended as up: "" when it runs, else the result it is skipped
// with. The rules are the docs' ("Run tasks conditionally in a Databricks
// job", docs.databricks.com/en/workflows/jobs/conditional-tasks.html, and
// "Disabled tasks in Lakeflow Jobs", docs.databricks.com/aws/en/jobs/
// disabled-tasks):
//   - an unmet ALL_SUCCESS, AT_LEAST_ONE_SUCCESS or NONE_FAILED leaves the
//     task UPSTREAM_FAILED (UPSTREAM_CANCELED when a cancel, not a failure,
//     is why); an unmet AT_LEAST_ONE_FAILED or ALL_FAILED leaves it
//     EXCLUDED;
//   - an excluded dependency counts as a success, and a task whose
//     dependencies were all excluded is excluded, whatever its run_if;
//   - a disabled dependency is neither a success nor a failure (ALL_DONE
//     counts it as done), and a condition unmet because of one leaves the
//     task DISABLED;
//   - a cancelled dependency counts as a failure for the conditions that
//     handle failures: "tasks with a Run if condition that handles failure
//     are run" after a task run is cancelled.
func runIfSkip(runIf string, up upstream) string {
	if up.deps == 0 {
		// run_if is about dependencies: a task without any just runs
		// (the docs offer it only "with one or more dependencies").
		return ""
	}
	if up.excluded == up.deps {
		return rExcluded
	}
	succeeded := up.succeeded + up.excluded
	// unmet is the result of a condition not met: DISABLED when disabled
	// dependencies, not failures or cancels, are what is missing.
	unmet := func(otherwise string) string {
		if up.disabled > 0 && up.failed == 0 && up.canceled == 0 {
			return rDisabled
		}
		if otherwise == rUpstreamFailed && up.failed == 0 && up.canceled > 0 {
			return rUpstreamCanceled
		}
		return otherwise
	}
	switch runIf {
	case runIfAllSuccess, "":
		if up.failed > 0 || up.canceled > 0 || up.disabled > 0 {
			return unmet(rUpstreamFailed)
		}
	case runIfNoneFailed:
		if up.failed > 0 || (up.deps > 0 && succeeded == 0) {
			return unmet(rUpstreamFailed)
		}
	case runIfAtLeastOneSuccess:
		if up.deps > 0 && succeeded == 0 {
			return unmet(rUpstreamFailed)
		}
	case runIfAtLeastOneFailed:
		if up.failed+up.canceled == 0 {
			return unmet(rExcluded)
		}
	case runIfAllFailed:
		if up.failed+up.canceled == 0 || up.failed+up.canceled != up.deps {
			if up.disabled > 0 {
				return rDisabled
			}
			return rExcluded
		}
	}
	return ""
}

// planAttempts lays out a task's attempts from ready: each lasts dur
// (slowed or shortened by the caller), fails when sim says so ("fail"
// always, "fail_once" on the task's first attempt ever: earlier segments
// made prior attempts), times out past the task's timeout, and is retried
// up to max_retries (-1 = the cap). A retry starts min_retry_interval_millis
// after the failed attempt started ("between the start of the failed run
// and the subsequent retry run", SDK Task.MinRetryIntervalMillis), and no
// sooner than a tenth of the base duration d after it ended, so that
// WAITING_FOR_RETRY can be seen (real retries without an interval start
// "immediately"; the ledger lists the pause). ids are the attempts' task
// run ids: no more attempts are planned than ids were allocated.
func planAttempts(def *task, ready, dur, d int64, ids []int64, prior int, sim string) []attempt {
	maxAttempts := 1
	if def.maxRetries < 0 {
		maxAttempts = maxAttemptsCap
	} else if def.maxRetries > 0 {
		maxAttempts = min(def.maxRetries+1, maxAttemptsCap)
	}
	var out []attempt
	at := ready
	for n := 0; n < maxAttempts; n++ {
		a := attempt{number: n, start: at}
		if n < len(ids) {
			a.id = ids[n]
		}
		fail := sim == "fail" || (sim == "fail_once" && prior+n == 0)
		switch {
		case def.timeoutSec > 0 && dur > def.timeoutSec*1000:
			a.end, a.result = at+def.timeoutSec*1000, rTimedOut
		case fail:
			a.end, a.result = at+dur, rFailed
		default:
			a.end, a.result = at+dur, rSuccess
		}
		retry := n+1 < maxAttempts && n+1 < len(ids) &&
			(a.result == rFailed || (a.result == rTimedOut && def.retryOnTimeout))
		if retry {
			a.retryAt = max(a.end+d/10, a.start+def.minRetryMS)
			at = a.retryAt
		}
		out = append(out, a)
		if !retry {
			break
		}
	}
	return out
}

// cancelTask applies a runs/cancel of tt's own task run, if the segment
// records one (segment.TaskCancels), with cutTask: the cut is at the
// cancel (or when the segment started, if it was still queued) and takes
// termMS(d) of TERMINATING.
func cancelTask(tt *taskTL, sg *segment, t0, d int64) {
	at := sg.TaskCancels[tt.key]
	if at <= 0 {
		return
	}
	cut := max(at, t0)
	cutTask(tt, cut, cut+termMS(d))
}

// cutTask stops one task at cut, when runs/cancel was given that task's
// run_id: "Cancels a job run or a task run" (API reference, Cancel Run).
// Only that task ends, CANCELED at stop: the attempt running (or waiting
// for a retry) at cut ends then and no retry follows; a task that had not
// started (blocked on its dependencies or pending) is CANCELED without an
// attempt. A task that ended by cut is unchanged. Its siblings and the run
// go on, and its dependents follow their run_if (apache/airflow#69442,
// checked on a live workspace: cancelling one task's run left the sibling
// and the parent run RUNNING).
func cutTask(t *taskTL, cut, stop int64) {
	if t.end <= cut {
		return
	}
	t.cutAt, t.canceled = cut, true
	if t.skip != "" || len(t.attempts) == 0 || t.attempts[0].start >= cut {
		t.attempts, t.skip, t.outcome = nil, rCanceled, ""
		t.result, t.end = rCanceled, stop
		return
	}
	kept := t.attempts[:0]
	for _, a := range t.attempts {
		if a.start >= cut {
			break
		}
		if a.end > cut || a.retryAt > cut {
			a.end, a.result, a.retryAt = stop, rCanceled, 0
		}
		kept = append(kept, a)
	}
	t.attempts = kept
	t.end, t.result, t.outcome = stop, rCanceled, ""
}

// applyCut stops the segment at cut (a cancel or the job's timeout,
// cutKind "cancel" or "timeout"): attempts running at cut end then (a
// cancel takes a short TERMINATING time, termMS of d) as CANCELED or
// TIMEDOUT; tasks that had not started are CANCELED, or UPSTREAM_CANCELED
// when they have dependencies.
func (st *segTL) applyCut(r *runDoc, cut int64, cutKind string, d int64) {
	st.cut, st.cutKind = cut, cutKind
	stop := cut
	res := rTimedOut
	if cutKind == "cancel" {
		stop = cut + termMS(d)
		res = rCanceled
	}
	for _, t := range st.tasks {
		if t.end <= cut {
			continue
		}
		if t.skip != "" || len(t.attempts) == 0 || t.attempts[0].start >= cut {
			// never started before the cut
			t.attempts = nil
			t.skip = rCanceled
			if len(r.graph[t.key]) > 0 {
				t.skip = rUpstreamCanceled
			}
			t.result, t.end = t.skip, stop
			continue
		}
		kept := t.attempts[:0]
		for _, a := range t.attempts {
			if a.start >= cut {
				break
			}
			if a.end > cut {
				a.end, a.result, a.retryAt = stop, res, 0
			} else if a.retryAt > cut {
				a.retryAt = 0
			}
			kept = append(kept, a)
		}
		t.attempts = kept
		last := kept[len(kept)-1]
		t.end, t.result, t.canceled = last.end, last.result, true
	}
	st.end = stop
}

func paramLookup(ps []paramValue, name string) (string, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// evalCondition is a condition task's outcome. EQUAL_TO and NOT_EQUAL
// compare the operands as strings ("12.0" is not "12"); the ordering
// operators compare them as numbers ("12.0" >= "12"), as strings when
// either is not a number (SDK ConditionTask.Op, service/jobs/model.go).
func evalCondition(c *condTask) bool {
	switch c.Op {
	case "EQUAL_TO":
		return c.Left == c.Right
	case "NOT_EQUAL":
		return c.Left != c.Right
	}
	lf, e1 := strconv.ParseFloat(c.Left, 64)
	rf, e2 := strconv.ParseFloat(c.Right, 64)
	numeric := e1 == nil && e2 == nil
	cmp := 0
	if numeric {
		switch {
		case lf < rf:
			cmp = -1
		case lf > rf:
			cmp = 1
		}
	} else {
		switch {
		case c.Left < c.Right:
			cmp = -1
		case c.Left > c.Right:
			cmp = 1
		}
	}
	switch c.Op {
	case "GREATER_THAN":
		return cmp > 0
	case "GREATER_THAN_OR_EQUAL":
		return cmp >= 0
	case "LESS_THAN":
		return cmp < 0
	case "LESS_THAN_OR_EQUAL":
		return cmp <= 0
	}
	return false
}

// finishSegment sets the segment's terminal run state over the latest task runs.
func finishSegment(r *runDoc, st *segTL, latest map[string]*taskTL) {
	switch st.cutKind {
	case "cancel":
		st.life, st.result, st.message, st.code, st.kind = lcTerminated, rCanceled, "Run cancelled.", "USER_CANCELED", "SUCCESS"
		return
	case "timeout":
		st.life, st.result, st.message, st.code, st.kind = lcTerminated, rTimedOut, "Run timed out after "+strconv.FormatInt(r.TimeoutSec, 10)+" seconds.", "CANCELED", "CLIENT_ERROR"
		return
	}
	var failed *taskTL
	for _, k := range r.Order {
		t := latest[k]
		if t != nil && (t.result == rFailed || t.result == rTimedOut) {
			failed = t
			break
		}
	}
	if failed == nil {
		// A task cancelled on its own (cutTask), and nothing failed: the
		// run ends CANCELED. What a real run reports then is unsourced;
		// the sandbox reads it as a user cancel.
		for _, k := range r.Order {
			if t := latest[k]; t != nil && t.cutAt > 0 && t.result == rCanceled {
				st.life, st.result, st.code, st.kind = lcTerminated, rCanceled, "USER_CANCELED", "SUCCESS"
				st.message = "Task " + k + " was cancelled."
				return
			}
		}
		st.life, st.result, st.message, st.code, st.kind = lcTerminated, rSuccess, "", "SUCCESS", "SUCCESS"
		return
	}
	leavesOK, anyLeaf := true, false
	for _, k := range r.Order {
		t := latest[k]
		if r.down[k] || t == nil || (r.excSet[k] && t.result == rExcluded) {
			continue
		}
		switch t.result {
		case rSuccess:
			anyLeaf = true
		case rDisabled, rExcluded:
		default:
			leavesOK = false
		}
	}
	if leavesOK && anyLeaf {
		st.life, st.result, st.message, st.code, st.kind = lcTerminated, rSuccessFailures, "", "SUCCESS_WITH_FAILURES", "SUCCESS"
		return
	}
	st.life, st.code, st.kind = lcInternalError, "RUN_EXECUTION_ERROR", "CLIENT_ERROR"
	if failed.result == rTimedOut {
		st.result = rTimedOut
		st.message = "Task " + failed.key + " failed with message: Task timed out."
	} else {
		st.result = rFailed
		st.message = "Task " + failed.key + " failed with message: " + failMessage + "."
	}
}

// sweep is the per-job admission schedule (max_concurrent_runs, queue).
type sweep struct {
	valid  bool
	upto   int
	active []int64 // sorted end times of admitted/queued runs
}

// admit computes start times for a job's runs from upto onwards.
func (sp *space) admit(jobID int64) {
	runs := sp.jobRuns[jobID]
	sw := sp.sweeps[jobID]
	if sw == nil {
		sw = &sweep{}
		sp.sweeps[jobID] = sw
	}
	if !sw.valid {
		sw.valid, sw.upto, sw.active = true, 0, sw.active[:0]
	}
	for ; sw.upto < len(runs); sw.upto++ {
		r := runs[sw.upto]
		c := r.Created
		i := 0
		for i < len(sw.active) && sw.active[i] <= c {
			i++
		}
		sw.active = sw.active[i:]
		start, skip := c, false
		k := r.MaxConc
		if len(sw.active) >= k {
			if r.Queue && k > 0 {
				start = sw.active[len(sw.active)-k]
				if start < c {
					start = c
				}
			} else {
				skip = true
			}
		}
		if r.Segments[0].CancelAt > 0 && r.Segments[0].CancelAt < start {
			// cancelled while queued: it never starts
			start = r.Segments[0].CancelAt
		}
		if r.tl == nil || r.tlS != start || r.skip != skip {
			r.start, r.skip, r.tlS = start, skip, start
			r.tl = sp.planTimeline(r, start, skip)
		}
		if !skip {
			e := r.tl.segs[0].end
			j := sort.Search(len(sw.active), func(x int) bool { return sw.active[x] > e })
			sw.active = append(sw.active, 0)
			copy(sw.active[j+1:], sw.active[j:])
			sw.active[j] = e
		}
	}
}

// timelineOf returns the run's (cached) timeline.
func (sp *space) timelineOf(r *runDoc) *timeline {
	if r.JobID == 0 || sp.jobRuns[r.JobID] == nil {
		if r.tl == nil {
			r.start, r.tlS = r.Created, r.Created
			r.tl = sp.planTimeline(r, r.Created, false)
		}
		return r.tl
	}
	sw := sp.sweeps[r.JobID]
	if sw == nil || !sw.valid || sw.upto < len(sp.jobRuns[r.JobID]) || r.tl == nil {
		if r.tl == nil && sw != nil && sw.valid && sw.upto >= len(sp.jobRuns[r.JobID]) {
			sw.valid = false
		}
		sp.admit(r.JobID)
	}
	return r.tl
}

// invalidate drops cached timelines after a fact changed on r.
func (sp *space) invalidate(r *runDoc, affectsQueue bool) {
	r.tl = nil
	sp.mayBeActive(r)
	if r.JobID != 0 && affectsQueue {
		if sw := sp.sweeps[r.JobID]; sw != nil {
			sw.valid = false
		}
		for _, o := range sp.jobRuns[r.JobID] {
			if o.RunID > r.RunID {
				o.tl = nil
				sp.mayBeActive(o)
			}
		}
	} else if r.JobID != 0 {
		if sw := sp.sweeps[r.JobID]; sw != nil {
			sw.valid = false
		}
	}
}
