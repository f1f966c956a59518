package workspace

import (
	"encoding/json"
	"strconv"
)

// runState is the deprecated-but-always-present `state` object.
type runState struct {
	LifeCycleState          string `json:"life_cycle_state"`
	ResultState             string `json:"result_state,omitempty"`
	StateMessage            string `json:"state_message"`
	UserCancelledOrTimedout bool   `json:"user_cancelled_or_timedout"`
	QueueReason             string `json:"queue_reason,omitempty"`
}

type termDetails struct {
	Code    string `json:"code"`
	Type    string `json:"type"`
	Message string `json:"message"`
}

type queueDetails struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// runStatus is the newer `status` object.
type runStatus struct {
	State              string        `json:"state"`
	TerminationDetails *termDetails  `json:"termination_details,omitempty"`
	QueueDetails       *queueDetails `json:"queue_details,omitempty"`
}

// runTaskView is a RunTask: the task definition echoed plus run fields.
type runTaskView struct {
	def                     json.RawMessage
	RunID                   int64     `json:"run_id"`
	TaskKey                 string    `json:"task_key"`
	State                   runState  `json:"state"`
	Status                  runStatus `json:"status"`
	AttemptNumber           int       `json:"attempt_number"`
	OriginalAttemptRunID    int64     `json:"original_attempt_run_id"` // always set: the first attempt's run_id
	StartTime               int64     `json:"start_time"`
	EndTime                 int64     `json:"end_time"`
	SetupDuration           int64     `json:"setup_duration"`
	ExecutionDuration       int64     `json:"execution_duration"`
	CleanupDuration         int64     `json:"cleanup_duration"`
	RunDuration             int64     `json:"run_duration,omitempty"`
	QueueDuration           int64     `json:"queue_duration,omitempty"`
	RunPageURL              string    `json:"run_page_url"`
	EffectivePerformanceTgt string    `json:"effective_performance_target,omitempty"`
	// ConditionTask, on a condition task run that completed, is its
	// definition plus outcome "true" or "false" (SDK RunConditionTask:
	// "Filled in if the task was successfully completed").
	ConditionTask *runCondTask `json:"condition_task,omitempty"`

	// for Overview / engine
	repairID int64
	result   string
	deps     []string
	active   bool
	taskDef  *task
	ownSeg   int
}

// MarshalJSON merges the task definition with the run fields (run fields
// win). It returns encoding/json's error when the run fields cannot be
// encoded; a definition that is not a JSON object is left out.
func (v runTaskView) MarshalJSON() ([]byte, error) {
	type plain runTaskView
	b, err := json.Marshal(plain(v))
	if err != nil || len(v.def) < 2 {
		return b, err
	}
	var def, run map[string]json.RawMessage
	if json.Unmarshal(v.def, &def) != nil {
		return b, nil
	}
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, err
	}
	for k, x := range run {
		def[k] = x
	}
	return json.Marshal(def)
}

type runCondTask struct {
	Left    string `json:"left"`
	Op      string `json:"op"`
	Right   string `json:"right"`
	Outcome string `json:"outcome"`
}

type repairView struct {
	Type         string    `json:"type"`
	ID           int64     `json:"id,omitempty"`
	StartTime    int64     `json:"start_time"`
	EndTime      int64     `json:"end_time"`
	State        runState  `json:"state"`
	Status       runStatus `json:"status"`
	TaskRunIDs   []int64   `json:"task_run_ids"`
	EffectivePTg string    `json:"effective_performance_target,omitempty"`
}

// runView is a Run / BaseRun.
type runView struct {
	JobID                int64             `json:"job_id,omitempty"`
	RunID                int64             `json:"run_id"`
	NumberInJob          int64             `json:"number_in_job"`
	OriginalAttemptRunID int64             `json:"original_attempt_run_id"`
	AttemptNumber        int               `json:"attempt_number"`
	CreatorUserName      string            `json:"creator_user_name"`
	RunName              string            `json:"run_name"`
	RunType              string            `json:"run_type"`
	Trigger              string            `json:"trigger,omitempty"`
	StartTime            int64             `json:"start_time"`
	EndTime              int64             `json:"end_time"`
	SetupDuration        int64             `json:"setup_duration"`
	ExecutionDuration    int64             `json:"execution_duration"`
	CleanupDuration      int64             `json:"cleanup_duration"`
	RunDuration          int64             `json:"run_duration,omitempty"`
	QueueDuration        int64             `json:"queue_duration,omitempty"`
	RunPageURL           string            `json:"run_page_url"`
	State                runState          `json:"state"`
	Status               runStatus         `json:"status"`
	Tasks                []runTaskView     `json:"tasks,omitempty"`
	JobClusters          []json.RawMessage `json:"job_clusters,omitempty"`
	JobParameters        []paramValue      `json:"job_parameters,omitempty"`
	OverridingParameters json.RawMessage   `json:"overriding_parameters,omitempty"`
	RepairHistory        []repairView      `json:"repair_history,omitempty"`
	Schedule             json.RawMessage   `json:"schedule,omitempty"`
	HasMore              bool              `json:"has_more,omitempty"`
	NextPageToken        string            `json:"next_page_token,omitempty"`

	active       bool
	terminal     bool
	result       string
	repairs      int
	lastRepairID int64
}

func terminatedStatus(code, kind, msg string) runStatus {
	return runStatus{State: lcTerminated, TerminationDetails: &termDetails{Code: code, Type: kind, Message: msg}}
}

// taskResultState maps a terminal task result to state + status.
func taskResultState(result string, def *task) (string, runState, runStatus) {
	life := lcTerminated
	msg, code, kind, uc := "", "SUCCESS", "SUCCESS", false
	switch result {
	case rFailed:
		msg, code, kind = failMessage, "RUN_EXECUTION_ERROR", "CLIENT_ERROR"
	case rTimedOut:
		// A task without a timeout of its own timed out because the job's
		// timeout_seconds cut the run.
		msg = "Timed out: the job's timeout_seconds was reached."
		if def != nil && def.timeoutSec > 0 {
			msg = "Task timed out after " + strconv.FormatInt(def.timeoutSec, 10) + " seconds."
		}
		code, kind, uc = "RUN_EXECUTION_ERROR", "CLIENT_ERROR", true
	case rCanceled:
		msg, code, kind, uc = "Run cancelled.", "USER_CANCELED", "SUCCESS", true
	case rUpstreamFailed:
		life, msg, code, kind = lcSkipped, "Upstream task failed.", "SKIPPED", "CLIENT_ERROR"
	case rUpstreamCanceled:
		life, msg, code, kind = lcSkipped, "Upstream task was cancelled.", "SKIPPED", "CLIENT_ERROR"
	case rExcluded:
		life, msg, code, kind = lcSkipped, "The task was excluded from this run.", "SKIPPED", "SUCCESS"
	case rDisabled:
		life, msg, code, kind = lcSkipped, "The task is disabled.", "DISABLED", "SUCCESS"
	}
	return life, runState{LifeCycleState: life, ResultState: result, StateMessage: msg, UserCancelledOrTimedout: uc},
		terminatedStatus(code, kind, msg)
}

func activeState(life, msg string) (runState, runStatus) {
	st := life
	switch life {
	case lcWaitingForRetry:
		st = "WAITING"
	}
	return runState{LifeCycleState: life, StateMessage: msg}, runStatus{State: st}
}

// projectTask is the state of one task timeline at now.
func projectTask(r *runDoc, tt *taskTL, seg *segTL, now int64, base string, repairID int64) runTaskView {
	v := runTaskView{TaskKey: tt.key, RunID: tt.firstID, taskDef: tt.def, repairID: repairID, ownSeg: tt.seg}
	if tt.def != nil {
		v.def = tt.def.raw
	}
	for _, d := range r.graph[tt.key] {
		v.deps = append(v.deps, d.TaskKey)
	}
	url := func(id int64) string { return base + strconv.FormatInt(id, 10) }
	cancelling := (seg.cutKind == "cancel" && now >= seg.cut) || (tt.cutAt > 0 && now >= tt.cutAt)
	if tt.skip != "" || len(tt.attempts) == 0 {
		if now < tt.end || (tt.skip == "" && now < seg.end) {
			life := lcBlocked
			if now < seg.taskStart {
				life = lcPending
			}
			if cancelling {
				life = lcTerminating
			}
			v.State, v.Status = activeState(life, "")
			v.active = true
		} else {
			_, v.State, v.Status = taskResultState(tt.result, tt.def)
			v.StartTime, v.EndTime = tt.end, tt.end
			v.result = tt.result
		}
		// never attempted (SKIPPED, DISABLED, UPSTREAM_FAILED, EXCLUDED, ...):
		// this task run is its own first attempt.
		v.OriginalAttemptRunID = v.RunID
		v.RunPageURL = url(v.RunID)
		return v
	}
	idx := 0
	for i, a := range tt.attempts {
		if a.start <= now {
			idx = i
		}
	}
	a := tt.attempts[idx]
	if a.id != 0 {
		v.RunID = a.id
	}
	v.AttemptNumber = a.number
	if a.number > 0 {
		v.OriginalAttemptRunID = tt.attempts[0].id
	} else {
		v.OriginalAttemptRunID = v.RunID
	}
	v.RunPageURL = url(v.RunID)
	switch {
	case now < a.start:
		life := lcBlocked
		if now < seg.taskStart {
			life = lcPending
		}
		v.State, v.Status = activeState(life, "")
		v.active = true
	case now < a.end:
		life := lcRunning
		if cancelling {
			life = lcTerminating
		}
		v.State, v.Status = activeState(life, "")
		v.StartTime = a.start
		v.active = true
	case a.retryAt > 0 && now < a.retryAt:
		why := failMessage
		if a.result == rTimedOut {
			why = "the attempt timed out."
		}
		v.State, v.Status = activeState(lcWaitingForRetry, "Waiting for retry: "+why)
		v.StartTime, v.EndTime = a.start, a.end
		v.active = true
	default:
		_, v.State, v.Status = taskResultState(a.result, tt.def)
		v.StartTime, v.EndTime = a.start, a.end
		v.RunDuration = a.end - a.start
		v.ExecutionDuration = v.RunDuration
		v.result = a.result
		if c := tt.def.cond; c != nil && a.result == rSuccess && tt.outcome != "" {
			v.ConditionTask = &runCondTask{Left: c.Left, Op: c.Op, Right: c.Right, Outcome: tt.outcome}
		}
	}
	return v
}

// project computes a run's view at now. host is scheme://host for URLs.
func (sp *space) project(r *runDoc, now int64, host string) runView {
	return sp.projectView(r, now, host, true)
}

// projectHead is project without the task runs and job clusters: what
// runs/list answers without expand_tasks. It skips building a view per
// task, which for a 150-task run is nearly all of project's work.
func (sp *space) projectHead(r *runDoc, now int64, host string) runView {
	return sp.projectView(r, now, host, false)
}

// projectView builds the run's view at now; withTasks adds the task runs
// and job clusters.
func (sp *space) projectView(r *runDoc, now int64, host string, withTasks bool) runView {
	tl := sp.timelineOf(r)
	if withTasks {
		tl = sp.fullTimeline(r)
	}
	v := runView{
		JobID: r.shownJobID(), RunID: r.RunID, NumberInJob: r.RunID, OriginalAttemptRunID: r.RunID,
		CreatorUserName: r.Creator, RunName: r.RunName, RunType: r.RunType, Trigger: r.Trigger,
		StartTime: r.Created, JobParameters: r.Params, OverridingParameters: r.Overriding,
		Schedule: r.Schedule,
	}
	base := r.pageBase(host)
	v.RunPageURL = base + strconv.FormatInt(r.RunID, 10)
	if withTasks && len(r.JobClusters) > 0 {
		_ = json.Unmarshal(r.JobClusters, &v.JobClusters)
	}
	if len(r.Segments) > 1 {
		v.lastRepairID = r.Segments[len(r.Segments)-1].RepairID
		v.repairs = len(r.Segments) - 1
		if ps := r.Segments[len(r.Segments)-1].Params; len(ps) > 0 {
			v.JobParameters = ps
		}
	}
	if tl.skipped {
		msg := "Skipping this run because the limit of " + strconv.Itoa(r.MaxConc) + " maximum concurrent runs has been reached."
		v.State = runState{LifeCycleState: lcSkipped, ResultState: rMaxConcurrent, StateMessage: msg}
		v.Status = terminatedStatus("SKIPPED", "CLIENT_ERROR", msg)
		v.EndTime, v.terminal, v.result = r.Created, true, rMaxConcurrent
		for _, k := range r.Order {
			if !withTasks {
				break
			}
			if t := r.tasks[k]; t != nil {
				id := r.Segments[0].idsOf(k)[0]
				v.Tasks = append(v.Tasks, runTaskView{def: t.raw, TaskKey: k, RunID: id, OriginalAttemptRunID: id,
					State:  runState{LifeCycleState: lcSkipped, StateMessage: msg},
					Status: terminatedStatus("SKIPPED", "CLIENT_ERROR", msg), RunPageURL: base + strconv.FormatInt(id, 10), taskDef: t})
			}
		}
		return v
	}
	// which segments are visible: all of them (repairs are created at request time <= now)
	cur := len(tl.segs) - 1
	seg := tl.segs[cur]
	if withTasks {
		latest := make(map[string]runTaskView, len(r.Order))
		for i, st := range tl.segs {
			rid := r.Segments[i].RepairID
			for k, tt := range st.tasks {
				latest[k] = projectTask(r, tt, st, now, base, rid)
			}
		}
		v.Tasks = make([]runTaskView, 0, len(latest))
		for _, k := range r.Order {
			if tv, ok := latest[k]; ok {
				v.Tasks = append(v.Tasks, tv)
			}
		}
	}
	if cur == 0 && now < tl.start && !(r.Segments[0].CancelAt > 0 && r.Segments[0].CancelAt <= now) {
		msg := "Queued due to reaching maximum concurrent runs of " + strconv.Itoa(r.MaxConc) + "."
		v.State = runState{LifeCycleState: lcQueued, StateMessage: msg, QueueReason: msg}
		v.Status = runStatus{State: lcQueued, QueueDetails: &queueDetails{Code: "MAX_CONCURRENT_RUNS_REACHED", Message: msg}}
		v.active = true
		for i := range v.Tasks {
			v.Tasks[i].State, v.Tasks[i].Status = activeState(lcQueued, "")
			v.Tasks[i].Status.State = lcQueued
		}
		return v
	}
	if tl.start > r.Created {
		v.QueueDuration = tl.start - r.Created
	}
	switch {
	case seg.cut > 0 && seg.cutKind == "cancel" && now >= seg.cut && now < seg.end:
		v.State, v.Status = activeState(lcTerminating, "")
		v.active = true
	case now < seg.taskStart:
		v.State, v.Status = activeState(lcPending, "Waiting for cluster")
		v.active = true
	case now < seg.end:
		v.State, v.Status = activeState(lcRunning, "")
		v.active = true
	default:
		v.State = runState{LifeCycleState: seg.life, ResultState: seg.result, StateMessage: seg.message,
			UserCancelledOrTimedout: seg.result == rCanceled || (seg.result == rTimedOut && seg.cutKind != "")}
		v.Status = terminatedStatus(seg.code, seg.kind, seg.message)
		v.EndTime = seg.end
		v.RunDuration = seg.end - tl.start
		v.terminal, v.result = true, seg.result
	}
	return v
}

// history builds repair_history at now.
func (sp *space) history(r *runDoc, now int64) []repairView {
	tl := sp.fullTimeline(r)
	if tl.skipped {
		return nil
	}
	out := make([]repairView, 0, len(tl.segs))
	for i, st := range tl.segs {
		h := repairView{Type: "ORIGINAL", StartTime: st.start, TaskRunIDs: st.taskRunIDs}
		if i == 0 {
			h.StartTime = r.Created
		} else {
			h.Type, h.ID = "REPAIR", r.Segments[i].RepairID
		}
		if h.TaskRunIDs == nil {
			h.TaskRunIDs = []int64{}
		}
		if now >= st.end {
			h.EndTime = st.end
			h.State = runState{LifeCycleState: st.life, ResultState: st.result, StateMessage: st.message}
			h.Status = terminatedStatus(st.code, st.kind, st.message)
		} else {
			life := lcRunning
			if now < st.taskStart {
				life = lcPending
			}
			h.State, h.Status = activeState(life, "")
		}
		out = append(out, h)
	}
	return out
}
