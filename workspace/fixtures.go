package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync"
)

// fixtureSet is the parsed data/workspace/jobs.json.
type fixtureSet struct {
	Jobs        []map[string]json.RawMessage `json:"jobs"`
	Runs        []fixtureRun                 `json:"runs"`
	CreatedDays int                          `json:"jobs_created_days_before"`
	settings    []*settings
}

type fixtureRun struct {
	Job             string `json:"job"`
	DaysBefore      int    `json:"days_before"`
	TaskMinutes     int    `json:"task_minutes"`
	WithoutSimulate bool   `json:"without_simulate"`
}

const fixtureOwner = "data-eng@sandbox.example"

// parsedFixtures holds each jobs.json content parsed once per process
// (string(content) → *fixtureSet): a fixture set is never changed after
// loading, and tests start hundreds of managers on the same file.
var parsedFixtures sync.Map

// loadFixtures parses jobs.json from fsys (nil or missing file = no
// fixtures). The set returned is shared and must not be modified.
func loadFixtures(fsys fs.FS) (*fixtureSet, error) {
	fx := &fixtureSet{}
	if fsys == nil {
		return fx, nil
	}
	b, err := fs.ReadFile(fsys, "jobs.json")
	if errors.Is(err, fs.ErrNotExist) {
		return fx, nil
	}
	if err != nil {
		return nil, fmt.Errorf("workspace: fixtures: %w", err)
	}
	if got, ok := parsedFixtures.Load(string(b)); ok {
		return got.(*fixtureSet), nil
	}
	fx, err = parseFixtures(b)
	if err != nil {
		return nil, err
	}
	parsedFixtures.Store(string(b), fx)
	return fx, nil
}

func parseFixtures(b []byte) (*fixtureSet, error) {
	fx := &fixtureSet{}
	if err := json.Unmarshal(b, fx); err != nil {
		return nil, fmt.Errorf("workspace: fixtures: jobs.json: %w", err)
	}
	for i, j := range fx.Jobs {
		s, aerr := parseSettings(j, "settings", true)
		if aerr != nil {
			return nil, fmt.Errorf("workspace: fixtures: job %d: %s", i, AsError(aerr).Message)
		}
		fx.settings = append(fx.settings, s)
	}
	for _, r := range fx.Runs {
		found := false
		for _, s := range fx.settings {
			found = found || s.name == r.Job
		}
		if !found {
			return nil, fmt.Errorf("workspace: fixtures: run of unknown job %q", r.Job)
		}
	}
	return fx, nil
}

// seed builds the documents of a fresh workspace created at now.
func (fx *fixtureSet) seed(now, durMS int64) map[string][]byte {
	sp := newSpace("seed")
	sp.meta.Created = now
	docs := map[string][]byte{}
	day := int64(24 * 60 * 60 * 1000)
	byName := map[string]*job{}
	for i, s := range fx.settings {
		id := allocID(&sp.meta.NextJobID, firstJobID)
		j := &job{JobID: id, Creator: fixtureOwner, RunAs: fixtureOwner,
			Created: now - int64(fx.CreatedDays)*day + int64(i)*60_000, settings: s}
		docs[jobKey(id)] = j.doc()
		acl, _ := json.Marshal(ownerACL(fixtureOwner, nil))
		docs[permKey(id)] = acl
		byName[s.name] = j
	}
	for _, fr := range fx.Runs {
		j := byName[fr.Job]
		s := j.settings
		tasks := s.tasks
		if fr.WithoutSimulate {
			tasks = nil
			for _, t := range s.tasks {
				tasks = append(tasks, withoutSimulate(t))
			}
		}
		d := int64(fr.TaskMinutes) * 60_000
		if d <= 0 {
			d = durMS
		}
		r := &runDoc{
			RunID: allocID(&sp.meta.NextRunID, firstRunID), JobID: j.JobID, RunName: s.name, RunType: "JOB_RUN", Trigger: "ONE_TIME",
			Creator: fixtureOwner, Created: now - int64(fr.DaysBefore)*day, DurationMS: d,
			Queue: s.queue, MaxConc: s.maxConc, TimeoutSec: s.timeout, Params: resolveParams(s, nil),
		}
		if sc, ok := s.top["schedule"]; ok {
			// a past run of a scheduled job came from its schedule (which,
			// in the sandbox, never fires again: see the Ledger)
			r.Trigger, r.Schedule = "PERIODIC", sc
		}
		if len(s.arrays["job_clusters"]) > 0 {
			r.JobClusters = joinItems(s.arrays["job_clusters"])
		}
		sg := sp.newSegment(r.Created, newTaskSet(tasks))
		r.Order, r.Segments = sg.Keys, []*segment{sg}
		putRunDocs(docs, r)
	}
	meta, _ := json.Marshal(sp.meta)
	docs["meta"] = meta
	return docs
}

// withoutSimulate returns a copy of t whose notebook base_parameters lack "simulate".
func withoutSimulate(t *task) *task {
	if t.simulate == "" {
		return t
	}
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(t.raw, &obj)
	var nb map[string]json.RawMessage
	_ = json.Unmarshal(obj["notebook_task"], &nb)
	var bp map[string]string
	_ = json.Unmarshal(nb["base_parameters"], &bp)
	delete(bp, "simulate")
	nb["base_parameters"], _ = json.Marshal(bp)
	obj["notebook_task"], _ = json.Marshal(nb)
	raw, _ := json.Marshal(obj)
	nt, err := parseTask(raw, "tasks", false)
	if err != nil {
		return t
	}
	return nt
}
