package workspace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
)

type runNowReq struct {
	JobID            int64             `json:"job_id"`
	JobParameters    map[string]string `json:"job_parameters"`
	Only             []string          `json:"only"`
	IdempotencyToken string            `json:"idempotency_token"`
	Queue            *struct {
		Enabled bool `json:"enabled"`
	} `json:"queue"`
	PerformanceTarget string            `json:"performance_target"`
	NotebookParams    map[string]string `json:"notebook_params"`
	PythonParams      []string          `json:"python_params"`
	PythonNamedParams map[string]string `json:"python_named_params"`
	JarParams         []string          `json:"jar_params"`
	SparkSubmitParams []string          `json:"spark_submit_params"`
	SQLParams         map[string]string `json:"sql_params"`
	DbtCommands       []string          `json:"dbt_commands"`
	PipelineParams    *struct {
		FullRefresh bool `json:"full_refresh"`
	} `json:"pipeline_params"`
}

func (q *runNowReq) overriding() json.RawMessage {
	o := map[string]any{}
	if len(q.NotebookParams) > 0 {
		o["notebook_params"] = q.NotebookParams
	}
	if len(q.PythonParams) > 0 {
		o["python_params"] = q.PythonParams
	}
	if len(q.PythonNamedParams) > 0 {
		o["python_named_params"] = q.PythonNamedParams
	}
	if len(q.JarParams) > 0 {
		o["jar_params"] = q.JarParams
	}
	if len(q.SparkSubmitParams) > 0 {
		o["spark_submit_params"] = q.SparkSubmitParams
	}
	if len(q.SQLParams) > 0 {
		o["sql_params"] = q.SQLParams
	}
	if len(q.DbtCommands) > 0 {
		o["dbt_commands"] = q.DbtCommands
	}
	if q.PipelineParams != nil {
		o["pipeline_params"] = q.PipelineParams
	}
	if len(o) == 0 {
		return nil
	}
	b, _ := json.Marshal(o)
	return b
}

// resolveParams merges job parameter defaults with overrides.
func resolveParams(s *settings, over map[string]string) []paramValue {
	var out []paramValue
	seen := map[string]bool{}
	for _, p := range s.params {
		v := s.defaults[p.key]
		if o, ok := over[p.key]; ok {
			v = o
		}
		out = append(out, paramValue{Name: p.key, Default: s.defaults[p.key], Value: v})
		seen[p.key] = true
	}
	var extra []string
	for k := range over {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		out = append(out, paramValue{Name: k, Value: over[k]})
	}
	return out
}

// newSegment starts a segment of the tasks ts at `at`, reserving their
// task run ids (one per possible attempt, task after task) in one go.
func (sp *space) newSegment(at int64, ts *taskSet) *segment {
	ts = sp.ts.intern(ts)
	sg := &segment{At: at, Keys: ts.keys, ts: ts}
	if ts.n > 0 {
		sg.idFrom = allocID(&sp.meta.NextRunID, firstRunID)
		sp.meta.NextRunID += int64(ts.n - 1)
	}
	return sg
}

// installRun persists a new run and applies it to memory. It first makes
// room (limits.go): the oldest finished runs past Limits.MaxRuns or
// MaxBytes are deleted in the same write.
func (rq *req) installRun(r *runDoc) error {
	puts := rq.sp.runPuts(nil, r)
	victims, deletes, err := rq.makeRoom(puts, r)
	if err != nil {
		return err
	}
	if err := rq.persist(puts, deletes); err != nil {
		return internal(err)
	}
	rq.sp.dropRuns(victims)
	r.prepare()
	rq.sp.runs[r.RunID] = r
	rq.sp.runIDs = append(rq.sp.runIDs, r.RunID)
	rq.sp.indexRun(r)
	rq.sp.mayBeActive(r)
	return nil
}

func handleRunNow(rq *req) (any, error) {
	var q runNowReq
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if q.JobID == 0 {
		return nil, missingField("job_id")
	}
	if len(q.IdempotencyToken) > 64 {
		return nil, invalidParam("Invalid idempotency_token: it must be at most 64 characters.")
	}
	if q.IdempotencyToken != "" {
		if id, ok := rq.sp.idem[q.IdempotencyToken]; ok {
			if r := rq.sp.runs[id]; r != nil && !r.Deleted {
				return map[string]int64{"run_id": id, "number_in_job": id}, nil
			}
		}
	}
	j, err := rq.job(q.JobID)
	if err != nil {
		return nil, err
	}
	s := j.settings
	excluded, err := resolveOnly(s.tasks, q.Only, j.JobID)
	if err != nil {
		return nil, err
	}
	if err := rq.checkActiveRuns(); err != nil {
		return nil, err
	}
	r := &runDoc{
		RunID: allocID(&rq.sp.meta.NextRunID, firstRunID), JobID: j.JobID, RunName: s.name, RunType: "JOB_RUN", Trigger: "ONE_TIME",
		Creator: rq.who.UserName, Created: rq.now, DurationMS: rq.m.opts.TaskDuration.Milliseconds(),
		Queue: s.queue, MaxConc: s.maxConc, TimeoutSec: s.timeout, Excluded: excluded,
		Params: resolveParams(s, q.JobParameters), Overriding: q.overriding(), Idempotency: q.IdempotencyToken,
		// no schedule: a Run carries the cron schedule only when the periodic
		// scheduler triggered it, and run-now is ONE_TIME.
	}
	if q.Queue != nil {
		r.Queue = q.Queue.Enabled
	}
	if len(s.arrays["job_clusters"]) > 0 {
		r.JobClusters = joinItems(s.arrays["job_clusters"])
	}
	sg := rq.sp.newSegment(rq.now, s.ts)
	r.Order, r.Segments = sg.Keys, []*segment{sg}
	if err := rq.installRun(r); err != nil {
		return nil, err
	}
	return map[string]int64{"run_id": r.RunID, "number_in_job": r.RunID}, nil
}

// resolveOnly expands run-now `only` (+key adds upstream, key+ downstream)
// and returns the keys to exclude.
func resolveOnly(tasks []*task, only []string, jobID int64) ([]string, error) {
	if len(only) == 0 {
		return nil, nil
	}
	by := map[string]*task{}
	down := map[string][]string{}
	for _, t := range tasks {
		by[t.key] = t
		for _, d := range t.deps {
			down[d.TaskKey] = append(down[d.TaskKey], t.key)
		}
	}
	// Each direction keeps its own visited set: a task already kept (named
	// on its own, or reached the other way) is still walked through.
	keep := map[string]bool{}
	seen := [2]map[string]bool{{}, {}}
	var walk func(k string, up bool)
	walk = func(k string, up bool) {
		dir := 0
		if up {
			dir = 1
		}
		if seen[dir][k] {
			return
		}
		seen[dir][k] = true
		keep[k] = true
		if up {
			for _, d := range by[k].deps {
				walk(d.TaskKey, true)
			}
		} else {
			for _, d := range down[k] {
				walk(d, false)
			}
		}
	}
	for _, o := range only {
		k := strings.TrimSuffix(strings.TrimPrefix(o, "+"), "+")
		if by[k] == nil {
			return nil, invalidParam("Invalid only: task '%s' does not exist in job %d.", k, jobID)
		}
		keep[k] = true
		// "+k" also runs what k depends on, "k+" what depends on k, and
		// "+k+" both (SDK RunNow.Only, service/jobs/model.go).
		if strings.HasPrefix(o, "+") {
			walk(k, true)
		}
		if len(o) > 1 && strings.HasSuffix(o, "+") {
			walk(k, false)
		}
	}
	var ex []string
	for _, t := range tasks {
		if !keep[t.key] {
			ex = append(ex, t.key)
		}
	}
	return ex, nil
}

func handleSubmit(rq *req) (any, error) {
	var q struct {
		RunName          string            `json:"run_name"`
		Tasks            []json.RawMessage `json:"tasks"`
		TimeoutSeconds   int64             `json:"timeout_seconds"`
		IdempotencyToken string            `json:"idempotency_token"`
		Queue            *struct {
			Enabled bool `json:"enabled"`
		} `json:"queue"`
		JobClusters json.RawMessage `json:"job_clusters"`
	}
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if len(q.IdempotencyToken) > 64 {
		return nil, invalidParam("Invalid idempotency_token: it must be at most 64 characters.")
	}
	if q.IdempotencyToken != "" {
		if id, ok := rq.sp.idem[q.IdempotencyToken]; ok {
			if r := rq.sp.runs[id]; r != nil && !r.Deleted {
				return map[string]int64{"run_id": id}, nil
			}
		}
	}
	if len(q.JobClusters) > 0 && string(q.JobClusters) != "null" {
		return nil, invalidParam("Shared job cluster feature is not supported in runs/submit API.")
	}
	if len(q.Tasks) == 0 {
		return nil, missingField("tasks")
	}
	if q.TimeoutSeconds < 0 {
		return nil, invalidParam("Invalid timeout_seconds %d: it must not be negative.", q.TimeoutSeconds)
	}
	s := &settings{}
	for _, raw := range q.Tasks {
		t, err := parseTask(raw, "tasks", true)
		if err != nil {
			return nil, err
		}
		if err := checkCompute(t, true); err != nil {
			return nil, err
		}
		s.tasks = append(s.tasks, t)
	}
	if err := s.validateGraph(); err != nil {
		return nil, err
	}
	if err := rq.checkTaskCount(len(s.tasks)); err != nil {
		return nil, err
	}
	if err := rq.checkActiveRuns(); err != nil {
		return nil, err
	}
	name := q.RunName
	if name == "" {
		name = "Untitled"
	}
	r := &runDoc{
		RunID: allocID(&rq.sp.meta.NextRunID, firstRunID), RunName: name, RunType: "SUBMIT_RUN", Trigger: "ONE_TIME",
		// the hidden job (see shownJobID) takes an id from the jobs'
		// sequence, so no job created later can share it
		OneTimeJobID: allocID(&rq.sp.meta.NextJobID, firstJobID),
		Creator:      rq.who.UserName, Created: rq.now, DurationMS: rq.m.opts.TaskDuration.Milliseconds(),
		Queue: q.Queue == nil || q.Queue.Enabled, MaxConc: 1000, TimeoutSec: q.TimeoutSeconds,
		Idempotency: q.IdempotencyToken,
	}
	sg := rq.sp.newSegment(rq.now, newTaskSet(s.tasks))
	r.Order, r.Segments = sg.Keys, []*segment{sg}
	if err := rq.installRun(r); err != nil {
		return nil, err
	}
	return map[string]int64{"run_id": r.RunID}, nil
}

// run finds a visible top-level run.
func (rq *req) run(id int64) (*runDoc, error) {
	r := rq.sp.runs[id]
	if r == nil || r.Deleted {
		return nil, runNotFound(id)
	}
	return r, nil
}

func (sp *space) isActive(r *runDoc, now int64) bool {
	tl := sp.timelineOf(r)
	if tl.skipped {
		return false
	}
	return now < tl.segs[len(tl.segs)-1].end
}

func handleRunsList(rq *req) (any, error) {
	limit, hasLimit, err := rq.qInt("limit")
	if err != nil {
		return nil, err
	}
	if !hasLimit {
		limit = 20
	} else if limit == 0 {
		limit = 25
	}
	if limit < 1 || limit > 25 {
		return nil, invalidParam("Invalid limit %d: limit must be between 1 and 25.", limit)
	}
	offset, err := rq.checkOffset(runsListMaxOffset, "listruns")
	if err != nil {
		return nil, err
	}
	jobID, _, err := rq.qInt("job_id")
	if err != nil {
		return nil, err
	}
	activeOnly, err := rq.qBool("active_only")
	if err != nil {
		return nil, err
	}
	completedOnly, err := rq.qBool("completed_only")
	if err != nil {
		return nil, err
	}
	if activeOnly && completedOnly {
		return nil, invalidParam("active_only and completed_only cannot both be true.")
	}
	expand, err := rq.qBool("expand_tasks")
	if err != nil {
		return nil, err
	}
	runType := rq.q.Get("run_type")
	switch runType {
	case "", "JOB_RUN", "SUBMIT_RUN", "WORKFLOW_RUN":
	default:
		return nil, invalidParam("Invalid run_type '%s': expected JOB_RUN, SUBMIT_RUN or WORKFLOW_RUN.", truncate(runType, 40))
	}
	from, _, err := rq.qInt("start_time_from")
	if err != nil {
		return nil, err
	}
	to, hasTo, err := rq.qInt("start_time_to")
	if err != nil {
		return nil, err
	}
	filter := int64(0)
	if jobID != 0 || activeOnly || completedOnly || runType != "" || from != 0 || hasTo {
		filter = filterSum(fmt.Sprintf("job_id=%d&active_only=%t&completed_only=%t&run_type=%s&start_time_from=%d&start_time_to=%d,%t",
			jobID, activeOnly, completedOnly, runType, from, to, hasTo))
	}
	tok, err := listToken(rq.tokens(), rq.q.Get("page_token"), "rl", filter)
	if err != nil {
		return nil, err
	}
	ids := rq.sp.runIDs
	if jobID != 0 {
		ids = rq.sp.jobRunIDs[jobID]
	}
	match := func(id int64) bool {
		r := rq.sp.runs[id]
		if r == nil || r.Deleted {
			return false
		}
		if runType != "" && r.RunType != runType {
			return false
		}
		if r.Created < from || (hasTo && r.Created > to) {
			return false
		}
		if activeOnly || completedOnly {
			return rq.sp.isActive(r, rq.now) == activeOnly
		}
		return true
	}
	page, next, prev := keysetPage(rq.tokens(), ids, "rl", filter, tok, int(offset), int(limit), match)
	variant := listBase
	if expand {
		variant = listExpanded
		if rq.v21 {
			variant = listExpanded21
		}
	}
	items := make([][]byte, len(page))
	size := 32 + len(next) + len(prev) + 40
	for i, id := range page {
		items[i] = rq.sp.baseRunJSON(rq.sp.runs[id], variant, rq.now, rq.host)
		size += len(items[i]) + 1
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteByte('{')
	if len(items) > 0 {
		b.WriteString(`"runs":[`)
		for i, it := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(it)
		}
		b.WriteByte(']')
	}
	writeListTail(&b, rq.v21, next, prev)
	return b.Bytes(), nil
}

// runs/list item shapes (listVariants of them), cached separately.
const (
	listBase       = iota // BaseRun without tasks and job_clusters
	listExpanded          // expand_tasks on 2.2: tasks cut at 100, has_more
	listExpanded21        // expand_tasks on 2.1: every task, none past 100
	listVariants
)

// maxCachedItem bounds the size of a cached expanded item (a 150-task run
// is ~100 KiB; those are rebuilt rather than kept).
const maxCachedItem = 16 << 10

// listCacheEntry is one cached runs/list item: valid for the same host and
// the same timeline (the timeline is rebuilt whenever the run's facts or
// its admission change).
type listCacheEntry struct {
	host string
	tl   *timeline
	b    []byte
	// final marks an entry made once the run was terminal: it holds for
	// good. Otherwise from and until bound the clock times b holds for (an
	// active run's head changes only at its timeline's boundaries).
	final       bool
	from, until int64
}

// headWindow returns the span [from, until) around now in which an active
// run's list item (no tasks) cannot change: between two of its timeline's
// boundaries (admission, tasks starting, a cancel, the end).
func headWindow(r *runDoc, tl *timeline, now int64) (from, until int64) {
	seg := tl.segs[len(tl.segs)-1]
	from, until = math.MinInt64, math.MaxInt64
	for _, t := range []int64{tl.start, seg.start, seg.taskStart, seg.cut, seg.end, r.Segments[len(r.Segments)-1].CancelAt, r.Segments[0].CancelAt} {
		switch {
		case t == 0:
		case t <= now && t > from:
			from = t
		case t > now && t < until:
			until = t
		}
	}
	return from, until
}

// dropListCache forgets r's cached runs/list items (after a repair or delete).
func (r *runDoc) dropListCache() { r.listJSON = [listVariants]listCacheEntry{} }

// baseRunJSON is r's runs/list item at now. A terminal run's item no longer
// depends on the clock, so it is marshalled once and cached; an active run's
// state moves with the clock and is rebuilt on every request.
func (sp *space) baseRunJSON(r *runDoc, variant int, now int64, host string) []byte {
	tl := sp.timelineOf(r)
	terminal := tl.skipped || now >= tl.segs[len(tl.segs)-1].end
	c := &r.listJSON[variant]
	if c.b != nil && c.tl == tl && c.host == host && (c.final && terminal || !c.final && now >= c.from && now < c.until) {
		return c.b
	}
	var v runView
	switch variant {
	case listBase:
		v = sp.projectHead(r, now, host)
	default:
		v = sp.project(r, now, host)
	}
	switch variant {
	case listExpanded:
		if len(v.Tasks) > arrayPage {
			v.Tasks, v.HasMore = v.Tasks[:arrayPage], true
		}
	case listExpanded21:
		// As 2.1 jobs/list does for such a job (OpenMetadata#33204), a run
		// with more than 100 tasks is listed without them (unsourced for
		// runs/list: the sandbox applies the same rule).
		if len(v.Tasks) > max21Tasks {
			v.Tasks = nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{}`)
	}
	switch {
	case terminal && v.terminal && (variant == listBase || len(b) <= maxCachedItem):
		*c = listCacheEntry{host: host, tl: tl, b: b, final: true}
	case !terminal && variant == listBase:
		from, until := headWindow(r, tl, now)
		*c = listCacheEntry{host: host, tl: tl, b: b, from: from, until: until}
	}
	return b
}

func handleRunsGet(rq *req) (any, error) {
	id, err := rq.requiredID("run_id")
	if err != nil {
		return nil, err
	}
	hist, err := rq.qBool("include_history")
	if err != nil {
		return nil, err
	}
	if _, err := rq.qBool("include_resolved_values"); err != nil {
		return nil, err
	}
	r, err := rq.run(id)
	if err != nil {
		if parent, ok := rq.taskRunParent(id); ok {
			// Like the real API, runs/get refuses a task run id; unlike it, say why.
			// The message avoids "does not exist", so the SDK keeps this an
			// ErrInvalidParameterValue instead of mapping it to IsMissing.
			return nil, invalidParam("Run %d is a task run of run %d; runs/get takes the run_id of a job run or submit run (use runs/get-output for a task run).", id, parent)
		}
		return nil, err
	}
	if err := rq.check21Tasks(len(r.Order)); err != nil {
		return nil, err
	}
	page, err := rq.getPage("rg", id)
	if err != nil {
		return nil, err
	}
	v := rq.sp.project(r, rq.now, rq.host)
	if hist {
		v.RepairHistory = rq.sp.history(r, rq.now)
	}
	if !rq.v21 {
		more := false
		cut := func(n int) (int, int) {
			lo, hi := clip(n, page)
			if hi < n {
				more = true
			}
			return lo, hi
		}
		lo, hi := cut(len(v.Tasks))
		v.Tasks = v.Tasks[lo:hi]
		lo, hi = cut(len(v.JobClusters))
		v.JobClusters = v.JobClusters[lo:hi]
		lo, hi = cut(len(v.JobParameters))
		v.JobParameters = v.JobParameters[lo:hi]
		lo, hi = cut(len(v.RepairHistory))
		v.RepairHistory = v.RepairHistory[lo:hi]
		if more {
			v.HasMore = true
			v.NextPageToken = rq.tokens().seal(pageToken{kind: "rg", dir: "n", pos: int64(page + 1), obj: id})
		}
	}
	return v, nil
}

// taskRunParent returns the visible job or submit run that task run id
// belongs to, if id is a task run id.
func (rq *req) taskRunParent(id int64) (int64, bool) {
	if r, _, _, _, ok := rq.taskRun(id); ok {
		return r.RunID, true
	}
	// a SKIPPED run (concurrency limit) still shows one task run per task
	ref, ok := rq.sp.taskRuns.get(id)
	if !ok {
		return 0, false
	}
	r := rq.sp.runs[ref.runID]
	if r == nil || r.Deleted || !rq.sp.timelineOf(r).skipped {
		return 0, false
	}
	if r.Segments[0].isFirstID(id) {
		return r.RunID, true
	}
	return 0, false
}

// taskRun finds a task run by id: the run, the task timeline and the attempt index.
func (rq *req) taskRun(id int64) (*runDoc, *taskTL, *segTL, int, bool) {
	ref, ok := rq.sp.taskRuns.get(id)
	if !ok {
		return nil, nil, nil, 0, false
	}
	r := rq.sp.runs[ref.runID]
	if r == nil || r.Deleted {
		return nil, nil, nil, 0, false
	}
	tl := rq.sp.fullTimeline(r)
	for _, st := range tl.segs {
		for _, tt := range st.tasks {
			if tt.firstID == id && len(tt.attempts) == 0 {
				return r, tt, st, 0, true
			}
			for i, a := range tt.attempts {
				if a.id == id {
					return r, tt, st, i, true
				}
			}
		}
	}
	return nil, nil, nil, 0, false
}

type runOutput struct {
	Metadata       any             `json:"metadata"`
	NotebookOutput *notebookOutput `json:"notebook_output,omitempty"`
	Error          string          `json:"error,omitempty"`
	ErrorTrace     string          `json:"error_trace,omitempty"`
	Logs           string          `json:"logs,omitempty"`
}

type notebookOutput struct {
	Result    string `json:"result,omitempty"`
	Truncated bool   `json:"truncated"`
}

// taskMeta is the Run-shaped metadata of one task attempt. A job run's
// id is refused with the real 400 even when the job has a single task:
// since 2.1 the output belongs to the task run (apache/airflow PR #25427,
// databricks/databricks-sdk-py#375).
func (rq *req) taskMeta(id int64) (*runDoc, runTaskView, error) {
	r, tt, st, i, ok := rq.taskRun(id)
	if !ok {
		if rr := rq.sp.runs[id]; rr != nil && !rr.Deleted {
			return nil, runTaskView{}, invalidParam("Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.")
		}
		return nil, runTaskView{}, runNotFound(id)
	}
	one := *tt
	if len(tt.attempts) > 0 {
		one.attempts = tt.attempts[:i+1]
	}
	v := projectTask(r, &one, st, rq.now, r.pageBase(rq.host), 0)
	return r, v, nil
}

func handleGetOutput(rq *req) (any, error) {
	id, err := rq.requiredID("run_id")
	if err != nil {
		return nil, err
	}
	r, tv, err := rq.taskMeta(id)
	if err != nil {
		return nil, err
	}
	meta := map[string]any{
		"job_id": r.shownJobID(), "run_id": tv.RunID, "number_in_job": tv.RunID, "task_key": tv.TaskKey,
		"run_name": tv.TaskKey, "run_type": r.RunType, "creator_user_name": r.Creator,
		"attempt_number": tv.AttemptNumber, "original_attempt_run_id": tv.OriginalAttemptRunID,
		"state": tv.State, "status": tv.Status, "start_time": tv.StartTime, "end_time": tv.EndTime,
		"run_duration": tv.RunDuration, "setup_duration": 0, "execution_duration": tv.ExecutionDuration,
		"cleanup_duration": 0, "run_page_url": tv.RunPageURL, "job_parameters": r.Params,
		"tasks": []runTaskView{tv},
	}
	if r.shownJobID() == 0 {
		delete(meta, "job_id")
	}
	out := runOutput{Metadata: meta}
	switch tv.result {
	case rSuccess:
		if tv.taskDef != nil && tv.taskDef.kind == "notebook_task" {
			out.NotebookOutput = &notebookOutput{Result: tv.taskDef.exitValue}
		}
		out.Logs = "Task " + tv.TaskKey + " finished successfully.\n"
	case rFailed:
		out.Error = failMessage
		out.ErrorTrace = "Exception: simulated failure in task " + tv.TaskKey + " (simulate parameter)\n  at <sandbox>"
	case rTimedOut:
		out.Error = "Task timed out."
	case rCanceled:
		out.Error = "Run cancelled."
	}
	return out, nil
}

func handleExport(rq *req) (any, error) {
	id, err := rq.requiredID("run_id")
	if err != nil {
		return nil, err
	}
	views := rq.q.Get("views_to_export")
	switch views {
	case "", "CODE", "DASHBOARDS", "ALL":
	default:
		return nil, invalidParam("Invalid views_to_export '%s': expected CODE, DASHBOARDS or ALL.", truncate(views, 40))
	}
	if rr := rq.sp.runs[id]; rr != nil && !rr.Deleted {
		// A job run, one task or many: export takes a task run, as
		// get-output does.
		return nil, invalidParam("Exporting runs with multiple tasks is not supported. Please export each individual task run instead.")
	}
	_, tv, aerr := rq.taskMeta(id)
	if aerr != nil {
		return nil, aerr
	}
	list := []map[string]string{}
	if views != "DASHBOARDS" {
		name := tv.TaskKey
		if tv.taskDef != nil && tv.taskDef.notebookPath != "" {
			name = tv.taskDef.notebookPath
		}
		var b strings.Builder
		b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
		b.WriteString(html.EscapeString(name))
		b.WriteString("</title></head><body><h1>")
		b.WriteString(html.EscapeString(name))
		b.WriteString("</h1><p>Task <code>")
		b.WriteString(html.EscapeString(tv.TaskKey))
		b.WriteString("</code>, run ")
		b.WriteString(strconv.FormatInt(tv.RunID, 10))
		b.WriteString(": ")
		b.WriteString(html.EscapeString(tv.State.LifeCycleState + " " + tv.State.ResultState))
		b.WriteString("</p><pre>")
		if tv.taskDef != nil && tv.taskDef.exitValue != "" {
			b.WriteString("dbutils.notebook.exit(" + html.EscapeString(strconv.Quote(tv.taskDef.exitValue)) + ")")
		} else {
			b.WriteString("# (sandbox notebook: no source)")
		}
		b.WriteString("</pre></body></html>")
		list = append(list, map[string]string{"content": b.String(), "name": name, "type": "NOTEBOOK"})
	}
	return map[string]any{"views": list}, nil
}

// cancelRun marks r's current segment cancelled at now; it reports whether anything changed.
func (sp *space) cancelRun(r *runDoc, now int64) bool {
	if !sp.isActive(r, now) {
		return false
	}
	sg := r.Segments[len(r.Segments)-1]
	if sg.CancelAt > 0 {
		return false
	}
	sg.CancelAt = now
	return true
}

func handleCancel(rq *req) (any, error) {
	var q struct {
		RunID int64 `json:"run_id"`
	}
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if q.RunID == 0 {
		return nil, missingField("run_id")
	}
	r := rq.sp.runs[q.RunID]
	if r == nil {
		if err := rq.cancelTaskRun(q.RunID); err != nil {
			return nil, err
		}
		return struct{}{}, nil
	}
	if r.Deleted {
		return nil, runNotFound(q.RunID)
	}
	if err := rq.cancelAll([]*runDoc{r}); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// cancelTaskRun serves runs/cancel with a task run's id: only that task
// stops (cutTask), its siblings and the run go on. Like a job run's
// cancel, it is asynchronous (TERMINATING, then CANCELED) and a no-op
// when the task run has already ended (or is an earlier attempt or repair
// of its task). An id that is no task run of a visible run is the usual
// 400 "Run N does not exist.".
func (rq *req) cancelTaskRun(id int64) error {
	ref, ok := rq.sp.taskRuns.get(id)
	var r *runDoc
	if ok {
		r = rq.sp.runs[ref.runID]
	}
	if r == nil || r.Deleted {
		return runNotFound(id)
	}
	_, tt, _, _, found := rq.taskRun(id)
	if !found || tt.seg != len(r.Segments)-1 || rq.now >= tt.end || !rq.sp.isActive(r, rq.now) {
		return nil
	}
	for i, a := range tt.attempts {
		if a.id != id {
			continue
		}
		for _, later := range tt.attempts[i+1:] {
			if later.start <= rq.now {
				return nil // an earlier attempt, already over
			}
		}
	}
	sg := r.Segments[tt.seg]
	if sg.CancelAt > 0 || sg.TaskCancels[tt.key] > 0 {
		return nil
	}
	old := sg.TaskCancels
	next := make(map[string]int64, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[tt.key] = rq.now
	sg.TaskCancels = next
	puts := rq.sp.runPuts(nil, r)
	sg.TaskCancels = old // applied only after the write
	if err := rq.persist(puts, nil); err != nil {
		return internal(err)
	}
	sg.TaskCancels = next
	rq.sp.invalidate(r, len(r.Segments) == 1)
	return nil
}

// cancelAll cancels the active runs among rs with one write.
func (rq *req) cancelAll(rs []*runDoc) error {
	puts := map[string][]byte{}
	var changed []*runDoc
	for _, r := range rs {
		sg := r.Segments[len(r.Segments)-1]
		old := sg.CancelAt
		if rq.sp.cancelRun(r, rq.now) {
			rq.sp.runPuts(puts, r)
			sg.CancelAt = old // applied only after the write
			changed = append(changed, r)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	if err := rq.persist(puts, nil); err != nil {
		return internal(err)
	}
	for _, r := range changed {
		r.Segments[len(r.Segments)-1].CancelAt = rq.now
		rq.sp.invalidate(r, len(r.Segments) == 1)
	}
	return nil
}

func handleCancelAll(rq *req) (any, error) {
	var q struct {
		JobID         int64 `json:"job_id"`
		AllQueuedRuns bool  `json:"all_queued_runs"`
	}
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if q.JobID == 0 && !q.AllQueuedRuns {
		return nil, invalidParam("Either job_id or all_queued_runs must be specified.")
	}
	var pool []*runDoc
	if q.JobID != 0 {
		if _, err := rq.job(q.JobID); err != nil {
			return nil, err
		}
		pool = rq.sp.jobRuns[q.JobID]
	} else {
		for _, id := range rq.sp.runIDs {
			pool = append(pool, rq.sp.runs[id])
		}
	}
	var rs []*runDoc
	for _, r := range pool {
		if r.Deleted || !rq.sp.isActive(r, rq.now) {
			continue
		}
		if q.AllQueuedRuns {
			tl := rq.sp.timelineOf(r)
			if !(len(r.Segments) == 1 && rq.now < tl.start) {
				continue
			}
		}
		rs = append(rs, r)
	}
	if err := rq.cancelAll(rs); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func handleRunDelete(rq *req) (any, error) {
	var q struct {
		RunID int64 `json:"run_id"`
	}
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if q.RunID == 0 {
		return nil, missingField("run_id")
	}
	r, err := rq.run(q.RunID)
	if err != nil {
		return nil, err
	}
	if rq.sp.isActive(r, rq.now) {
		return nil, invalidState("Run %d is active and cannot be deleted. Cancel it first, or wait for it to finish.", r.RunID)
	}
	r.Deleted = true
	puts := rq.sp.runPuts(nil, r)
	r.Deleted = false
	if err := rq.persist(puts, nil); err != nil {
		return nil, internal(err)
	}
	r.Deleted = true
	r.dropListCache()
	return struct{}{}, nil
}

type repairReq struct {
	RunID               int64             `json:"run_id"`
	RerunTasks          []string          `json:"rerun_tasks"`
	RerunAllFailedTasks bool              `json:"rerun_all_failed_tasks"`
	RerunDependentTasks bool              `json:"rerun_dependent_tasks"`
	LatestRepairID      int64             `json:"latest_repair_id"`
	JobParameters       map[string]string `json:"job_parameters"`
	NotebookParams      map[string]string `json:"notebook_params"`
	PerformanceTarget   string            `json:"performance_target"`
}

func handleRepair(rq *req) (any, error) {
	var q repairReq
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if q.RunID == 0 {
		return nil, missingField("run_id")
	}
	r := rq.sp.runs[q.RunID]
	if r == nil || r.Deleted {
		if ref, ok := rq.sp.taskRuns.get(q.RunID); ok {
			return nil, invalidParam("Run %d is a task run. Repair the job run %d that contains it.", q.RunID, ref.runID)
		}
		return nil, runNotFound(q.RunID)
	}
	if len(q.RerunTasks) > 0 && q.RerunAllFailedTasks {
		return nil, invalidParam("Only one of rerun_tasks or rerun_all_failed_tasks can be specified.")
	}
	if len(q.RerunTasks) == 0 && !q.RerunAllFailedTasks {
		return nil, invalidParam("One of rerun_tasks or rerun_all_failed_tasks must be specified.")
	}
	tl := rq.sp.fullTimeline(r)
	if tl.skipped {
		return nil, invalidState("Run %d was skipped and has no task runs to repair.", r.RunID)
	}
	if rq.sp.isActive(r, rq.now) {
		return nil, runStillActive(r.RunID)
	}
	latest := r.Segments[len(r.Segments)-1].RepairID
	if latest != 0 && q.LatestRepairID == 0 {
		return nil, invalidParam("The latest repair ID needs to be provided in order to create a new repair")
	}
	if q.LatestRepairID != latest {
		if latest == 0 {
			return nil, invalidParam("Invalid latest_repair_id %d: run %d has not been repaired yet.", q.LatestRepairID, r.RunID)
		}
		return nil, invalidParam("Invalid latest_repair_id %d: the latest repair of run %d is %d.", q.LatestRepairID, r.RunID, latest)
	}
	if err := rq.checkActiveRuns(); err != nil {
		return nil, err
	}
	// latest result per task
	last := map[string]*taskTL{}
	for _, st := range tl.segs {
		for k, t := range st.tasks {
			last[k] = t
		}
	}
	sel := map[string]bool{}
	if q.RerunAllFailedTasks {
		for _, k := range r.Order {
			if t := last[k]; t != nil {
				switch t.result {
				case rFailed, rTimedOut, rCanceled, rUpstreamFailed, rUpstreamCanceled:
					sel[k] = true
				}
			}
		}
		if len(sel) == 0 {
			return nil, invalidParam("Run %d has no failed tasks to repair.", r.RunID)
		}
	}
	for _, k := range q.RerunTasks {
		if _, ok := r.tasks[k]; !ok {
			return nil, invalidParam("Invalid rerun_tasks: task '%s' does not exist in run %d.", k, r.RunID)
		}
		sel[k] = true
	}
	if q.RerunDependentTasks {
		changed := true
		for changed {
			changed = false
			for _, k := range r.Order {
				if sel[k] {
					continue
				}
				for _, d := range r.graph[k] {
					if sel[d.TaskKey] {
						sel[k], changed = true, true
						break
					}
				}
			}
		}
	}
	var defs []*task
	var j *job
	if r.JobID != 0 {
		j = rq.sp.jobs[r.JobID]
	}
	for _, k := range r.Order {
		if !sel[k] {
			continue
		}
		def := r.tasks[k]
		if j != nil {
			for _, t := range j.settings.tasks {
				if t.key == k {
					def = t
				}
			}
		}
		defs = append(defs, def)
	}
	repairID := allocID(&rq.sp.meta.NextRunID, firstRunID)
	sg := rq.sp.newSegment(rq.now, newTaskSet(defs))
	sg.RepairID = repairID
	if d := rq.m.opts.TaskDuration.Milliseconds(); d != r.DurationMS {
		sg.DurationMS = d
	}
	if len(q.JobParameters) > 0 {
		var over = map[string]string{}
		for _, p := range r.Params {
			over[p.Name] = p.Value
		}
		for k, v := range q.JobParameters {
			over[k] = v
		}
		base := &settings{defaults: map[string]string{}}
		if j != nil {
			base = j.settings
		}
		sg.Params = resolveParams(base, over)
	}
	nr := *r
	nr.Segments = append(append([]*segment{}, r.Segments...), sg)
	puts := rq.sp.runPuts(nil, &nr)
	if err := rq.checkGrowth(puts, 0); err != nil {
		return nil, err
	}
	if err := rq.persist(puts, nil); err != nil {
		return nil, internal(err)
	}
	r.Segments = nr.Segments
	r.prepare()
	r.dropListCache()
	rq.sp.taskRuns.add(sg, r.RunID)
	rq.sp.ts.refs[sg.ts.hash]++
	rq.sp.invalidate(r, false)
	return map[string]int64{"repair_id": repairID}, nil
}
