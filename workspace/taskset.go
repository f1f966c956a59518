package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// taskSet is one list of task definitions, in order, as some runs (or
// repairs) ran them: a run's settings are its job's settings at the time,
// so every run started from the same job version shares one taskSet, in
// memory (parsed once) and in the store (one "tasks/<hash>" document that
// the run documents name). A taskSet never changes once built, so one
// value may be shared by any number of runs and workspaces.
type taskSet struct {
	hash  string           // hex of the first 16 bytes of the SHA-256 of raw
	raw   []byte           // the stored document: a JSON array of the task objects
	tasks []*task          // in definition order
	keys  []string         // the tasks' keys, in definition order
	byKey map[string]*task // by task_key
	// off and count place each task's reserved task run ids within a
	// segment whose ids were reserved in one go (see segment.idFrom): the
	// ids of task k are idFrom+off[k] .. idFrom+off[k]+count[k]-1.
	off   map[string]int
	count map[string]int
	n     int // ids reserved for one segment of these tasks
	// graph and down are runDoc.graph and runDoc.down for a run of exactly
	// these tasks with none excluded (the usual case), shared.
	graph map[string][]dep
	down  map[string]bool
	// topo is topoOrder(tasks) (nil for a cycle, which validation keeps
	// out): planning a segment of exactly these tasks needs no sort.
	topo []*task
}

// tasksKey is the store key of a taskSet document.
func tasksKey(hash string) string { return "tasks/" + hash }

// attemptsReserved is how many task run ids a task gets when its run (or
// repair) starts: one per attempt it may make.
func attemptsReserved(t *task) int {
	switch {
	case t.maxRetries < 0:
		return maxAttemptsCap
	case t.maxRetries > 0:
		return min(t.maxRetries+1, maxAttemptsCap)
	}
	return 1
}

// newTaskSet builds the taskSet of defs (parsed task definitions).
func newTaskSet(defs []*task) *taskSet {
	raw := joinTasks(defs)
	sum := sha256.Sum256(raw)
	ts := &taskSet{hash: hex.EncodeToString(sum[:16]), raw: raw, tasks: defs,
		keys: make([]string, len(defs)), byKey: make(map[string]*task, len(defs)),
		off: make(map[string]int, len(defs)), count: make(map[string]int, len(defs))}
	for i, t := range defs {
		ts.keys[i] = t.key
		ts.byKey[t.key] = t
		ts.off[t.key] = ts.n
		ts.count[t.key] = attemptsReserved(t)
		ts.n += ts.count[t.key]
	}
	ts.graph, ts.down = depGraph(ts.keys, ts.byKey, nil)
	ts.topo, _ = topoOrder(defs)
	return ts
}

// parseTaskSet rebuilds a taskSet from its stored document. Entries that
// do not parse as tasks are left out, as run documents always did.
func parseTaskSet(raw []byte) (*taskSet, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("task set: %w", err)
	}
	return taskSetOfRaw(list), nil
}

// taskSetOfRaw parses raw task definitions into a taskSet.
func taskSetOfRaw(list []json.RawMessage) *taskSet {
	defs := make([]*task, 0, len(list))
	for _, r := range list {
		t, err := parseTask(r, "tasks", false)
		if err != nil {
			continue
		}
		defs = append(defs, t)
	}
	return newTaskSet(defs)
}

// depGraph is the dependency graph of the tasks keys (byKey their
// definitions) restricted to tasks present and not excluded, and the keys
// some task depends on.
func depGraph(keys []string, byKey map[string]*task, excluded map[string]bool) (map[string][]dep, map[string]bool) {
	graph := make(map[string][]dep, len(keys))
	down := map[string]bool{}
	for _, k := range keys {
		t := byKey[k]
		if t == nil {
			continue
		}
		var ds []dep
		for _, d := range t.deps {
			if _, ok := byKey[d.TaskKey]; ok && !excluded[d.TaskKey] {
				ds = append(ds, d)
			}
		}
		graph[k] = ds
		for _, d := range ds {
			down[d.TaskKey] = true
		}
	}
	return graph, down
}

// taskSets are a workspace's task sets by hash, with how many run
// segments use each one and whether its document is in the store.
type taskSets struct {
	byHash map[string]*taskSet
	alias  map[string]*taskSet // by the hash of an old document's raw list (internRaw)
	refs   map[string]int
	stored map[string]bool
}

func newTaskSets() taskSets {
	return taskSets{byHash: map[string]*taskSet{}, alias: map[string]*taskSet{}, refs: map[string]int{}, stored: map[string]bool{}}
}

// intern returns the workspace's taskSet equal to ts (ts itself when it
// has none yet), so runs of one job version share one value.
func (s *taskSets) intern(ts *taskSet) *taskSet {
	if have, ok := s.byHash[ts.hash]; ok {
		return have
	}
	s.byHash[ts.hash] = ts
	return ts
}

// internRaw is intern for a list of raw definitions (an old run document's
// segment): it parses them only when no equal task set is known, and
// recognises an equal one by its bytes.
func (s *taskSets) internRaw(list []json.RawMessage) *taskSet {
	n := 2
	for _, r := range list {
		n += len(r) + 1
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '[')
	for i, r := range list {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, r...)
	}
	buf = append(buf, ']')
	sum := sha256.Sum256(buf)
	h := hex.EncodeToString(sum[:16])
	if have, ok := s.alias[h]; ok {
		return have
	}
	if have, ok := s.byHash[h]; ok {
		return have
	}
	ts := s.intern(taskSetOfRaw(list))
	s.alias[h] = ts
	return ts
}
