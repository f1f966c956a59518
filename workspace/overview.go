package workspace

import (
	"context"
	"fmt"
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
	// TotalJobs and TotalSubmitRuns count every job and one-time run;
	// Jobs and SubmitRuns hold fewer when a Window bounded them (Peek).
	TotalJobs       int
	TotalSubmitRuns int
	// Unused is set by Peek for a workspace never used: the overview is
	// of the fixtures it will be seeded with, and nothing is stored yet.
	Unused bool
	// Bundles are the bundle deployments in the workspace's files
	// (bundles.go), by name and target; a Window does not bound them.
	Bundles []BundleOverview
	// Version is the workspace's change version when the overview was
	// taken (Manager.Version); 0 for an unused workspace.
	Version int64
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
	// TaskCount is how many tasks the run has and DepCount how many
	// depends_on edges join them, set also when Tasks is left out (see
	// Window.MaxRunSize).
	TaskCount int
	DepCount  int
	// Tasks are the latest task runs, in definition order; nil for a run
	// bigger than Window.MaxRunSize.
	Tasks []TaskRunOverview
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

// runOverview is r at now. A run of more than maxSize tasks plus
// dependencies (0: no limit) comes without its task runs (Tasks, Earlier,
// RepairHistory): they need its whole timeline planned, which for a run
// of 1,000 tasks each depending on 40 others takes tens of milliseconds.
func (sp *space) runOverview(r *runDoc, now int64, maxSize int) RunOverview {
	deps := 0
	for _, k := range r.Order {
		deps += len(r.graph[k])
	}
	if maxSize > 0 && len(r.Order)+deps > maxSize {
		v := sp.projectHead(r, now, "http://localhost")
		o := RunOverview{
			RunID: r.RunID, JobID: r.JobID, RunName: r.RunName, RunType: r.RunType, Trigger: r.Trigger,
			LifeCycleState: v.State.LifeCycleState, ResultState: v.State.ResultState, StateMessage: v.State.StateMessage,
			Active: v.active, StartTime: msTime(v.StartTime), EndTime: msTime(v.EndTime),
			RepairCount: v.repairs, LatestRepairID: v.lastRepairID, JobParameters: map[string]string{},
			TaskCount: len(r.Order), DepCount: deps,
		}
		for _, p := range v.JobParameters {
			o.JobParameters[p.Name] = p.Value
		}
		return o
	}
	o := sp.fullRunOverview(r, now)
	o.TaskCount, o.DepCount = len(o.Tasks), deps
	return o
}

func (sp *space) fullRunOverview(r *runDoc, now int64) RunOverview {
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
	tl := sp.fullTimeline(r)
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

// Window bounds an Overview to the newest part of a workspace, so that a
// page drawing it costs the same for 10 jobs as for 10,000.
type Window struct {
	Jobs       int // the newest jobs; 0 = every job
	RunsPerJob int // each job's newest runs
	SubmitRuns int // the newest one-time runs; 0 = every one
	// MaxRunSize leaves out the task runs of a run with more tasks plus
	// dependencies than this (its TaskCount and DepCount still say how
	// many), so a page that would not draw them does not pay for working
	// out their states; 0 = no limit.
	MaxRunSize int
}

// Overview returns the workspace's jobs (oldest first), each with its
// runsPerJob newest runs, and every submit run. It returns an error only
// when the workspace cannot be loaded: the store's error, wrapped (a
// workspace never saved is seeded, not an error).
func (m *Manager) Overview(ctx context.Context, workspaceID string, runsPerJob int) (ov Overview, err error) {
	err = m.withSpace(ctx, workspaceID, func(sp *space) error {
		if err := m.ensureRuns(ctx, sp); err != nil {
			return err
		}
		ov = sp.overview(m.now(), Window{RunsPerJob: runsPerJob})
		return nil
	})
	return ov, err
}

// Peek is Overview bounded by w, for pages: the newest w.Jobs jobs (oldest
// of them first) with their w.RunsPerJob newest runs, and the newest
// w.SubmitRuns one-time runs; TotalJobs and TotalSubmitRuns count them
// all. It only reads: a workspace never used (nothing stored, nothing
// loaded) is shown as the fixtures it will be seeded with on its first
// API call, with Unused set, and nothing is written or kept. It returns
// the store's error, wrapped, when the workspace cannot be read.
func (m *Manager) Peek(ctx context.Context, workspaceID string, w Window) (Overview, error) {
	used, err := m.used(ctx, workspaceID)
	if err != nil {
		return Overview{}, err
	}
	if !used {
		ov, err := m.Preview(w)
		ov.WorkspaceID = workspaceID
		return ov, err
	}
	var ov Overview
	err = m.withSpace(ctx, workspaceID, func(sp *space) error {
		if err := m.ensureRuns(ctx, sp); err != nil {
			return err
		}
		ov = sp.overview(m.now(), w)
		ov.Version = sp.version.Load()
		return nil
	})
	return ov, err
}

// workspaceLister is the optional Store method Peek uses to ask whether a
// workspace was ever saved without reading its documents.
type workspaceLister interface {
	// WorkspaceExists reports whether the workspace has any document.
	WorkspaceExists(ctx context.Context, workspaceID string) (bool, error)
}

// used reports whether workspace id is loaded, being loaded, or stored.
func (m *Manager) used(ctx context.Context, id string) (bool, error) {
	if m.loaded(id) {
		return true, nil
	}
	if m.opts.Store == nil {
		return false, nil
	}
	if l, ok := m.opts.Store.(workspaceLister); ok {
		ok, err := l.WorkspaceExists(ctx, id)
		if err != nil {
			return false, fmt.Errorf("workspace: peek %s: %w", id, err)
		}
		return ok, nil
	}
	docs, err := m.opts.Store.LoadWorkspace(ctx, id)
	if err != nil {
		return false, fmt.Errorf("workspace: peek %s: %w", id, err)
	}
	return len(docs) > 0, nil
}

// loaded reports whether workspace id is in memory or being loaded.
func (m *Manager) loaded(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, loaded := m.spaces[id]
	_, busy := m.loading[id]
	return loaded || busy
}

// overview builds the Overview of w's part of the workspace. The caller
// holds sp.mu (or owns sp alone).
func (sp *space) overview(now int64, w Window) Overview {
	ov := Overview{WorkspaceID: sp.id, Now: msTime(now), TotalJobs: len(sp.jobIDs), Bundles: sp.bundles()}
	ids := sp.jobIDs
	if w.Jobs > 0 && len(ids) > w.Jobs {
		ids = ids[len(ids)-w.Jobs:]
	}
	for _, id := range ids {
		j := sp.jobs[id]
		s := j.settings
		jo := JobOverview{JobID: id, Name: s.name, MaxConcurrentRuns: s.maxConc, QueueEnabled: s.queue,
			CreatedTime: msTime(j.Created), CreatorUserName: j.Creator}
		jo.Schedule, jo.Paused = s.cron, s.pause == "PAUSED"
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
			if len(jo.Runs) < w.RunsPerJob {
				jo.Runs = append(jo.Runs, sp.runOverview(runs[i], now, w.MaxRunSize))
			}
		}
		ov.Jobs = append(ov.Jobs, jo)
	}
	for i := len(sp.runIDs) - 1; i >= 0; i-- {
		r := sp.runs[sp.runIDs[i]]
		if r.JobID == 0 && !r.Deleted {
			ov.TotalSubmitRuns++
			if w.SubmitRuns <= 0 || len(ov.SubmitRuns) < w.SubmitRuns {
				ov.SubmitRuns = append(ov.SubmitRuns, sp.runOverview(r, now, w.MaxRunSize))
			}
		}
	}
	return ov
}
