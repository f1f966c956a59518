package workspace

import (
	"context"
	"encoding/json"
	"time"
)

// Overview is a typed picture of one workspace: its jobs with their newest
// runs, and the submit runs. The sandbox page draws it; challenge checkers
// inspect it.
type Overview struct {
	WorkspaceID string
	Now         time.Time
	Jobs        []JobOverview
	SubmitRuns  []RunOverview // newest first
}

// JobOverview is one job and its newest runs.
type JobOverview struct {
	JobID             int64
	Name              string
	Tasks             []TaskOverview
	Schedule          string // quartz cron expression, "" if none
	Paused            bool
	MaxConcurrentRuns int
	QueueEnabled      bool
	CreatedTime       time.Time
	CreatorUserName   string
	Runs              []RunOverview // newest first, at most runsPerJob
	TotalRuns         int
}

// TaskOverview is one task definition.
type TaskOverview struct {
	TaskKey   string
	DependsOn []string
	RunIf     string
	Disabled  bool
	Simulate  string
}

// RunOverview is one run.
type RunOverview struct {
	RunID          int64
	JobID          int64 // 0 for submit runs
	RunName        string
	RunType        string
	Trigger        string
	LifeCycleState string
	ResultState    string
	StateMessage   string
	Active         bool
	StartTime      time.Time
	EndTime        time.Time // zero while active
	RepairCount    int
	LatestRepairID int64
	JobParameters  map[string]string
	Tasks          []TaskRunOverview
	// RepairHistory is the run's attempts as repair_history lists them:
	// the original run first, then one entry per repair, oldest first
	// (empty for a run skipped at max_concurrent_runs).
	RepairHistory []RepairOverview
	// Earlier are the task runs this run no longer shows in Tasks: attempts
	// replaced by a repair's rerun of their task, and retries replaced by a
	// later retry. Attempts planned but not yet started are not here. The
	// order is repair_history's (segment by segment, tasks in definition
	// order, attempts in order); each one's RepairID says which attempt of
	// the run produced it (0 = the original run), and its state is the one
	// runs/get-output gives for its run_id.
	Earlier []TaskRunOverview
}

// RepairOverview is one entry of a run's repair_history: the original run
// (RepairID 0) or a repair, with its state.
type RepairOverview struct {
	RepairID       int64 // 0 = the original run
	LifeCycleState string
	ResultState    string
}

// TaskRunOverview is the latest task run of one task in a run.
type TaskRunOverview struct {
	TaskKey        string
	RunID          int64
	AttemptNumber  int
	LifeCycleState string
	ResultState    string
	DependsOn      []string
	RepairID       int64 // 0 = produced by the original run
	StartTime      time.Time
	EndTime        time.Time
}

func msTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func (sp *space) runOverview(r *runDoc, now int64) RunOverview {
	v := sp.project(r, now, "http://localhost")
	o := RunOverview{
		RunID: r.RunID, JobID: r.JobID, RunName: r.RunName, RunType: r.RunType, Trigger: r.Trigger,
		LifeCycleState: v.State.LifeCycleState, ResultState: v.State.ResultState, StateMessage: v.State.StateMessage,
		Active: v.active, StartTime: msTime(v.StartTime), EndTime: msTime(v.EndTime),
		RepairCount: v.repairs, LatestRepairID: v.lastRepairID, JobParameters: map[string]string{},
	}
	for _, p := range v.JobParameters {
		o.JobParameters[p.Name] = p.Value
	}
	for _, t := range v.Tasks {
		deps := t.deps
		if deps == nil && t.taskDef != nil {
			for _, d := range t.taskDef.deps {
				deps = append(deps, d.TaskKey)
			}
		}
		o.Tasks = append(o.Tasks, TaskRunOverview{
			TaskKey: t.TaskKey, RunID: t.RunID, AttemptNumber: t.AttemptNumber,
			LifeCycleState: t.State.LifeCycleState, ResultState: t.State.ResultState,
			DependsOn: deps, RepairID: t.repairID, StartTime: msTime(t.StartTime), EndTime: msTime(t.EndTime),
		})
	}
	for _, h := range sp.history(r, now) {
		o.RepairHistory = append(o.RepairHistory, RepairOverview{RepairID: h.ID,
			LifeCycleState: h.State.LifeCycleState, ResultState: h.State.ResultState})
	}
	o.Earlier = sp.earlier(r, o.Tasks, now)
	return o
}

// earlier lists r's task runs that current (the latest task run of each
// task at now) no longer shows, as runs/get-output would show each: every
// task run id of repair_history, in its order, that is not current and has
// started by now (or, never attempted, was skipped in a segment a repair
// later replaced).
func (sp *space) earlier(r *runDoc, current []TaskRunOverview, now int64) []TaskRunOverview {
	tl := sp.timelineOf(r)
	if tl.skipped || len(tl.segs) == 0 {
		return nil
	}
	shown := map[int64]bool{}
	for _, t := range current {
		shown[t.RunID] = true
	}
	var out []TaskRunOverview
	add := func(tt *taskTL, st *segTL, i int, repairID int64) {
		one := *tt
		if len(tt.attempts) > 0 {
			one.attempts = tt.attempts[:i+1]
		}
		v := projectTask(r, &one, st, now, "", 0)
		out = append(out, TaskRunOverview{
			TaskKey: v.TaskKey, RunID: v.RunID, AttemptNumber: v.AttemptNumber,
			LifeCycleState: v.State.LifeCycleState, ResultState: v.State.ResultState,
			RepairID: repairID, StartTime: msTime(v.StartTime), EndTime: msTime(v.EndTime),
		})
	}
	for s, st := range tl.segs {
		repairID := r.Segments[s].RepairID
		for _, k := range r.Order {
			tt := st.tasks[k]
			if tt == nil {
				continue
			}
			if len(tt.attempts) == 0 {
				if tt.firstID != 0 && !shown[tt.firstID] {
					add(tt, st, 0, repairID)
				}
				continue
			}
			for i, a := range tt.attempts {
				if a.id == 0 || shown[a.id] || a.start > now {
					continue
				}
				add(tt, st, i, repairID)
			}
		}
	}
	return out
}

// Overview returns the workspace's jobs (oldest first), each with its
// runsPerJob newest runs, and every submit run. It returns an error only
// when the workspace cannot be loaded: the store's error, wrapped (a
// workspace never saved is seeded, not an error).
func (m *Manager) Overview(ctx context.Context, workspaceID string, runsPerJob int) (Overview, error) {
	sp, err := m.acquire(ctx, workspaceID)
	if err != nil {
		return Overview{}, err
	}
	defer sp.mu.Unlock()
	return sp.overview(workspaceID, m.now(), runsPerJob), nil
}

// overview summarises sp at now; the caller holds sp.mu or owns sp.
func (sp *space) overview(workspaceID string, now int64, runsPerJob int) Overview {
	ov := Overview{WorkspaceID: workspaceID, Now: msTime(now)}
	for _, id := range sp.jobIDs {
		j := sp.jobs[id]
		s := j.settings
		jo := JobOverview{JobID: id, Name: s.name, MaxConcurrentRuns: s.maxConc, QueueEnabled: s.queue,
			CreatedTime: msTime(j.Created), CreatorUserName: j.Creator}
		if sc, ok := s.top["schedule"]; ok {
			var x struct {
				Cron  string `json:"quartz_cron_expression"`
				Pause string `json:"pause_status"`
			}
			_ = json.Unmarshal(sc, &x)
			jo.Schedule, jo.Paused = x.Cron, x.Pause == "PAUSED"
		}
		for _, t := range s.tasks {
			to := TaskOverview{TaskKey: t.key, RunIf: t.runIf, Disabled: t.disabled, Simulate: t.simulate}
			for _, d := range t.deps {
				to.DependsOn = append(to.DependsOn, d.TaskKey)
			}
			jo.Tasks = append(jo.Tasks, to)
		}
		runs := sp.jobRuns[id]
		for i := len(runs) - 1; i >= 0; i-- {
			if runs[i].Deleted {
				continue
			}
			jo.TotalRuns++
			if len(jo.Runs) < runsPerJob {
				jo.Runs = append(jo.Runs, sp.runOverview(runs[i], now))
			}
		}
		ov.Jobs = append(ov.Jobs, jo)
	}
	for i := len(sp.runIDs) - 1; i >= 0; i-- {
		r := sp.runs[sp.runIDs[i]]
		if r.JobID == 0 && !r.Deleted {
			ov.SubmitRuns = append(ov.SubmitRuns, sp.runOverview(r, now))
		}
	}
	return ov
}
