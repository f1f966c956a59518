package workspace

import (
	"encoding/json"
	"fmt"
)

// Run documents ("run/<id>") are stored in format 2: a run's task
// definitions are not copied into it but named by the hash of a shared
// "tasks/<hash>" document (taskSet), its task run ids are one number (the
// first of the ids reserved in one go) instead of a map, and its task keys
// are left out when they are the task set's. A run saved before format 2
// (its segments carry "tasks", "keys" and "ids") still loads: buildSpace
// reads it and writes it back in format 2 (see migrateRuns).
const runFormat = 2

// runJSON is a run document, in either format.
type runJSON struct {
	V            int             `json:"v,omitempty"` // 0: the first format; runFormat
	RunID        int64           `json:"run_id"`
	JobID        int64           `json:"job_id,omitempty"`
	OneTimeJobID int64           `json:"one_time_job_id,omitempty"`
	RunName      string          `json:"run_name"`
	RunType      string          `json:"run_type"`
	Trigger      string          `json:"trigger"`
	Creator      string          `json:"creator"`
	Created      int64           `json:"created"`
	DurationMS   int64           `json:"duration_ms"`
	Queue        bool            `json:"queue"`
	MaxConc      int             `json:"max_concurrent"`
	TimeoutSec   int64           `json:"timeout_seconds,omitempty"`
	Order        []string        `json:"order,omitempty"` // format 2: left out when the first segment's keys
	Excluded     []string        `json:"excluded,omitempty"`
	JobClusters  json.RawMessage `json:"job_clusters,omitempty"`
	Params       []paramValue    `json:"params,omitempty"`
	Overriding   json.RawMessage `json:"overriding,omitempty"`
	Idempotency  string          `json:"idempotency_token,omitempty"`
	Segments     []segmentJSON   `json:"segments"`
	Deleted      bool            `json:"deleted,omitempty"`
	Schedule     json.RawMessage `json:"schedule,omitempty"`
}

// segmentJSON is a segment in a run document.
type segmentJSON struct {
	RepairID int64 `json:"repair_id,omitempty"`
	At       int64 `json:"at"`
	// Keys: always in the first format; in format 2 only when they are
	// not the task set's keys.
	Keys []string `json:"keys,omitempty"`
	// IDs: always in the first format; in format 2 only when IDFrom cannot
	// describe them.
	IDs     map[string][]int64 `json:"ids,omitempty"`
	IDFrom  int64              `json:"id_from,omitempty"`
	Tasks   []json.RawMessage  `json:"tasks,omitempty"`    // the first format: the definitions themselves
	TaskSet string             `json:"task_set,omitempty"` // format 2: the hash of their taskSet
	// CancelAt, DurationMS, TaskCancels and Params: see segment.
	CancelAt    int64            `json:"cancel_at,omitempty"`
	DurationMS  int64            `json:"duration_ms,omitempty"`
	TaskCancels map[string]int64 `json:"task_cancels,omitempty"`
	Params      []paramValue     `json:"params,omitempty"`
}

// encodeRun is r's run document in format 2. The task sets it names are
// separate documents: see putRunDocs and space.runPuts.
func encodeRun(r *runDoc) []byte {
	d := runJSON{V: runFormat, RunID: r.RunID, JobID: r.JobID, OneTimeJobID: r.OneTimeJobID, RunName: r.RunName,
		RunType: r.RunType, Trigger: r.Trigger, Creator: r.Creator, Created: r.Created, DurationMS: r.DurationMS,
		Queue: r.Queue, MaxConc: r.MaxConc, TimeoutSec: r.TimeoutSec, Excluded: r.Excluded,
		JobClusters: r.JobClusters, Params: r.Params, Overriding: r.Overriding, Idempotency: r.Idempotency,
		Deleted: r.Deleted, Schedule: r.Schedule, Segments: make([]segmentJSON, len(r.Segments))}
	if len(r.Segments) == 0 || !equalKeys(r.Order, r.Segments[0].Keys) {
		d.Order = r.Order
		if d.Order == nil {
			d.Order = []string{}
		}
	}
	for i, sg := range r.Segments {
		sj := segmentJSON{RepairID: sg.RepairID, At: sg.At, IDs: sg.IDs, IDFrom: sg.idFrom, TaskSet: sg.ts.hash,
			CancelAt: sg.CancelAt, DurationMS: sg.DurationMS, TaskCancels: sg.TaskCancels, Params: sg.Params}
		if !equalKeys(sg.Keys, sg.ts.keys) {
			sj.Keys = sg.Keys
			if sj.Keys == nil {
				sj.Keys = []string{}
			}
		}
		if sg.IDs != nil {
			sj.IDFrom = 0
		}
		d.Segments[i] = sj
	}
	b, _ := json.Marshal(d)
	return b
}

// putRunDocs adds r's run document and the documents of the task sets it
// names to docs (a workspace being seeded).
func putRunDocs(docs map[string][]byte, r *runDoc) {
	docs[runKey(r.RunID)] = encodeRun(r)
	for _, sg := range r.Segments {
		docs[tasksKey(sg.ts.hash)] = sg.ts.raw
	}
}

// runPuts adds r's run document to puts, with the document of every task
// set it names that the store does not hold yet.
func (sp *space) runPuts(puts map[string][]byte, r *runDoc) map[string][]byte {
	if puts == nil {
		puts = map[string][]byte{}
	}
	puts[runKey(r.RunID)] = encodeRun(r)
	for _, sg := range r.Segments {
		if !sp.ts.stored[sg.ts.hash] {
			puts[tasksKey(sg.ts.hash)] = sg.ts.raw
		}
	}
	return puts
}

// decodeRun reads a run document of either format; the task sets a
// format-2 document names must already be in sp.ts. old reports a
// document of the first format.
func (sp *space) decodeRun(b []byte) (r *runDoc, old bool, err error) {
	var d runJSON
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, false, err
	}
	old = d.V < runFormat
	r = &runDoc{RunID: d.RunID, JobID: d.JobID, OneTimeJobID: d.OneTimeJobID, RunName: d.RunName,
		RunType: d.RunType, Trigger: d.Trigger, Creator: d.Creator, Created: d.Created, DurationMS: d.DurationMS,
		Queue: d.Queue, MaxConc: d.MaxConc, TimeoutSec: d.TimeoutSec, Order: d.Order, Excluded: d.Excluded,
		JobClusters: d.JobClusters, Params: d.Params, Overriding: d.Overriding, Idempotency: d.Idempotency,
		Deleted: d.Deleted, Schedule: d.Schedule, Segments: make([]*segment, len(d.Segments))}
	for i, sj := range d.Segments {
		sg := &segment{RepairID: sj.RepairID, At: sj.At, Keys: sj.Keys, IDs: sj.IDs, idFrom: sj.IDFrom,
			CancelAt: sj.CancelAt, DurationMS: sj.DurationMS, TaskCancels: sj.TaskCancels, Params: sj.Params}
		if old {
			sg.ts = sp.ts.internRaw(sj.Tasks)
			if sg.IDs == nil {
				sg.IDs = map[string][]int64{}
			}
			if equalKeys(sg.Keys, sg.ts.keys) {
				sg.Keys = sg.ts.keys // shared
			}
			sg.compactIDs()
		} else {
			ts, ok := sp.ts.byHash[sj.TaskSet]
			if !ok {
				return nil, old, fmt.Errorf("run %d names task set %q, which is not stored", d.RunID, sj.TaskSet)
			}
			sg.ts = ts
			if sg.Keys == nil {
				sg.Keys = ts.keys
			}
			if sg.IDs != nil {
				sg.idFrom = 0
			}
		}
		r.Segments[i] = sg
	}
	if !old && d.Order == nil && len(r.Segments) > 0 {
		r.Order = r.Segments[0].Keys
	} else if old && len(r.Segments) > 0 && equalKeys(r.Order, r.Segments[0].Keys) {
		r.Order = r.Segments[0].Keys // shared
	}
	return r, old, nil
}
