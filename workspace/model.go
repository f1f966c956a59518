package workspace

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// taskTypes are the task-type fields of a Task; exactly one must be set.
var taskTypes = []string{
	"notebook_task", "spark_python_task", "python_wheel_task", "sql_task", "pipeline_task",
	"run_job_task", "condition_task", "for_each_task", "spark_jar_task", "spark_submit_task",
	"dbt_task", "dashboard_task", "clean_rooms_notebook_task", "gen_ai_compute_task", "power_bi_task",
}

// clusterTaskTypes need a cluster even in a serverless-enabled workspace
// (see checkCompute); every other task type runs on serverless compute or
// on its own (SQL warehouse, pipeline, another job, the condition itself).
var clusterTaskTypes = map[string]bool{
	"spark_jar_task": true, "spark_submit_task": true,
}

// checkCompute is the one compute rule, shared by jobs/create, update and
// reset (submit=false) and runs/submit (submit=true). The sandbox models a
// serverless-enabled workspace: notebook, Python script, wheel, SQL, dbt,
// pipeline, run_job, condition and for_each tasks need no cluster, while
// spark_jar_task and spark_submit_task need one of job_cluster_key,
// new_cluster or existing_cluster_id. runs/submit has no shared job
// clusters, so there job_cluster_key is refused and the cluster must be
// new_cluster or existing_cluster_id.
func checkCompute(t *task, submit bool) error {
	if submit && t.jobClusterKey != "" {
		return invalidParam("Shared job cluster feature is not supported in runs/submit API.")
	}
	if !clusterTaskTypes[t.kind] || t.hasCluster || (!submit && t.jobClusterKey != "") {
		return nil
	}
	return invalidParam("One of job_cluster_key, new_cluster, or existing_cluster_id must be specified.")
}

var runIfValues = map[string]bool{
	"ALL_SUCCESS": true, "ALL_DONE": true, "NONE_FAILED": true,
	"AT_LEAST_ONE_SUCCESS": true, "AT_LEAST_ONE_FAILED": true, "ALL_FAILED": true,
}

var taskKeyRE = regexp.MustCompile(`^[\w\-]+$`)

// keyedArrays are the settings arrays that are paged on 2.2 and merged by
// key on update, with the field that keys them ("" = replaced wholesale).
var keyedArrays = map[string]string{
	"tasks":        "task_key",
	"job_clusters": "job_cluster_key",
	"environments": "environment_key",
	"parameters":   "",
}

type dep struct {
	TaskKey string `json:"task_key"`
	Outcome string `json:"outcome,omitempty"`
}

// task is one task definition: its canonical JSON plus the fields the
// engine needs, parsed once.
type task struct {
	raw            json.RawMessage
	key            string
	deps           []dep
	runIf          string
	maxRetries     int
	minRetryMS     int64
	retryOnTimeout bool
	timeoutSec     int64
	disabled       bool
	kind           string
	notebookPath   string
	simulate       string
	exitValue      string
	jobClusterKey  string
	hasCluster     bool // existing_cluster_id or new_cluster is set
	cond           *condTask
}

type condTask struct {
	Left  string `json:"left"`
	Op    string `json:"op"`
	Right string `json:"right"`
}

type item struct {
	key string
	raw json.RawMessage
}

// settings is a job's JobSettings: top-level fields as canonical JSON, the
// keyed arrays as item lists, and the values the engine reads.
type settings struct {
	top      map[string]json.RawMessage
	keys     []string // every present top-level key, sorted (arrays included)
	tasks    []*task
	arrays   map[string][]item // job_clusters, environments, parameters
	name     string
	maxConc  int
	timeout  int64
	queue    bool
	params   []item // name -> raw {name, default}
	defaults map[string]string
	ts       *taskSet // the tasks as runs of this version share them
	// cron and pause are the schedule's quartz_cron_expression and
	// pause_status ("" without a schedule), read once for the overview.
	cron, pause string
}

// taskSpec is the typed view of a task used for validation and the engine.
type taskSpec struct {
	TaskKey                string           `json:"task_key"`
	DependsOn              []dep            `json:"depends_on"`
	RunIf                  string           `json:"run_if"`
	MaxRetries             int              `json:"max_retries"`
	MinRetryIntervalMillis int64            `json:"min_retry_interval_millis"`
	RetryOnTimeout         bool             `json:"retry_on_timeout"`
	TimeoutSeconds         int64            `json:"timeout_seconds"`
	Disabled               bool             `json:"disabled"`
	ExistingClusterID      string           `json:"existing_cluster_id"`
	JobClusterKey          string           `json:"job_cluster_key"`
	EnvironmentKey         string           `json:"environment_key"`
	NewCluster             *json.RawMessage `json:"new_cluster"`
	NotebookTask           *struct {
		NotebookPath   string            `json:"notebook_path"`
		BaseParameters map[string]string `json:"base_parameters"`
	} `json:"notebook_task"`
	ConditionTask *condTask `json:"condition_task"`
}

// parseTask validates one task object and returns it with defaults filled.
// path is the field path used in messages (e.g. "settings.tasks").
func parseTask(raw json.RawMessage, path string, fill bool) (*task, error) {
	var obj map[string]json.RawMessage
	if err := decodeInto(raw, path, &obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, malformed("Could not parse request object: Expected object for field '%s', found %s", path, jsonKind(raw))
	}
	var ts taskSpec
	if err := decodeInto(raw, path, &ts); err != nil {
		return nil, err
	}
	if ts.TaskKey == "" {
		return nil, missingField(joinPath(path, "task_key"))
	}
	if len(ts.TaskKey) > 100 || !taskKeyRE.MatchString(ts.TaskKey) {
		return nil, invalidParam("Invalid task_key '%s': it must be 1-100 characters of letters, digits, '-' and '_'.", ts.TaskKey)
	}
	for _, d := range ts.DependsOn {
		if d.TaskKey == "" {
			return nil, missingField(joinPath(path, "depends_on.task_key"))
		}
	}
	if ts.RunIf == "" {
		ts.RunIf = "ALL_SUCCESS"
	} else if !runIfValues[ts.RunIf] {
		return nil, invalidParam("Invalid run_if value '%s' for task '%s'. Allowed values: ALL_SUCCESS, ALL_DONE, NONE_FAILED, AT_LEAST_ONE_SUCCESS, AT_LEAST_ONE_FAILED, ALL_FAILED.", ts.RunIf, ts.TaskKey)
	}
	if ts.MaxRetries < -1 {
		return nil, invalidParam("Invalid max_retries %d for task '%s': it must be -1 or greater.", ts.MaxRetries, ts.TaskKey)
	}
	if ts.TimeoutSeconds < 0 || ts.MinRetryIntervalMillis < 0 {
		return nil, invalidParam("Task '%s': timeout_seconds and min_retry_interval_millis must not be negative.", ts.TaskKey)
	}
	kind := ""
	for _, k := range taskTypes {
		if _, ok := obj[k]; ok {
			if kind != "" {
				return nil, invalidParam("Task '%s' sets both %s and %s: exactly one task type may be specified.", ts.TaskKey, kind, k)
			}
			kind = k
		}
	}
	if kind == "" {
		return nil, invalidParam("Task '%s' must specify exactly one task type, for example notebook_task, spark_python_task or condition_task.", ts.TaskKey)
	}
	t := &task{
		key: ts.TaskKey, deps: ts.DependsOn, runIf: ts.RunIf, maxRetries: ts.MaxRetries,
		minRetryMS: ts.MinRetryIntervalMillis, retryOnTimeout: ts.RetryOnTimeout,
		timeoutSec: ts.TimeoutSeconds, disabled: ts.Disabled, kind: kind,
		jobClusterKey: ts.JobClusterKey, cond: ts.ConditionTask,
		hasCluster: ts.ExistingClusterID != "" || (ts.NewCluster != nil && string(*ts.NewCluster) != "null"),
	}
	if kind == "notebook_task" {
		if ts.NotebookTask == nil || ts.NotebookTask.NotebookPath == "" {
			return nil, missingField(joinPath(path, "notebook_task.notebook_path"))
		}
		t.notebookPath = ts.NotebookTask.NotebookPath
		t.simulate = ts.NotebookTask.BaseParameters["simulate"]
		t.exitValue = ts.NotebookTask.BaseParameters["exit_value"]
	}
	if kind == "condition_task" {
		if ts.ConditionTask == nil || ts.ConditionTask.Op == "" {
			return nil, missingField(joinPath(path, "condition_task.op"))
		}
		// left and right are required too (SDK ConditionTask: no omitempty),
		// though either may be an empty string.
		var operands map[string]json.RawMessage
		_ = json.Unmarshal(obj["condition_task"], &operands)
		for _, f := range []string{"left", "right"} {
			if _, ok := operands[f]; !ok {
				return nil, missingField(joinPath(path, "condition_task."+f))
			}
		}
		switch ts.ConditionTask.Op {
		case "EQUAL_TO", "NOT_EQUAL", "GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL":
		default:
			return nil, invalidParam("Invalid condition_task.op '%s' for task '%s'.", ts.ConditionTask.Op, ts.TaskKey)
		}
	}
	if fill {
		if _, ok := obj["run_if"]; !ok {
			obj["run_if"] = json.RawMessage(`"ALL_SUCCESS"`)
		}
		if _, ok := obj["timeout_seconds"]; !ok {
			obj["timeout_seconds"] = json.RawMessage(`0`)
		}
		if _, ok := obj["email_notifications"]; !ok {
			obj["email_notifications"] = json.RawMessage(`{}`)
		}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, malformed("Could not parse request object: %v", err)
	}
	t.raw = b
	return t, nil
}

// parseSettings validates a JobSettings object and fills server defaults.
// queueDefault is the API version's default for queue.enabled.
func parseSettings(obj map[string]json.RawMessage, path string, queueDefault bool) (*settings, error) {
	s := &settings{top: map[string]json.RawMessage{}, arrays: map[string][]item{}, defaults: map[string]string{}}
	for k, v := range obj {
		if _, arr := keyedArrays[k]; arr {
			continue
		}
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			return nil, decodeErr(err, joinPath(path, k))
		}
		s.top[k] = c.Bytes()
	}
	var typed struct {
		Name              *string `json:"name"`
		MaxConcurrentRuns *int    `json:"max_concurrent_runs"`
		TimeoutSeconds    int64   `json:"timeout_seconds"`
		Queue             *struct {
			Enabled bool `json:"enabled"`
		} `json:"queue"`
		Schedule *struct {
			QuartzCronExpression string `json:"quartz_cron_expression"`
			TimezoneID           string `json:"timezone_id"`
			PauseStatus          string `json:"pause_status"`
		} `json:"schedule"`
		Tags        map[string]string `json:"tags"`
		Description string            `json:"description"`
		Format      string            `json:"format"`
	}
	for _, k := range []string{"name", "max_concurrent_runs", "timeout_seconds", "queue", "schedule", "tags", "description", "format"} {
		if v, ok := s.top[k]; ok {
			one, _ := json.Marshal(map[string]json.RawMessage{k: v})
			if err := decodeInto(one, path, &typed); err != nil {
				return nil, err
			}
		}
	}
	if typed.Name == nil {
		s.top["name"] = json.RawMessage(`"Untitled"`)
		s.name = "Untitled"
	} else {
		s.name = *typed.Name
	}
	if len(s.name) > 4096 {
		return nil, invalidParam("Job name must be at most 4096 characters.")
	}
	s.maxConc = 1
	if typed.MaxConcurrentRuns != nil {
		s.maxConc = *typed.MaxConcurrentRuns
		if s.maxConc < 0 || s.maxConc > 1000 {
			return nil, invalidParam("Invalid max_concurrent_runs %d: it must be between 0 and 1000.", s.maxConc)
		}
	} else {
		s.top["max_concurrent_runs"] = json.RawMessage(`1`)
	}
	if typed.TimeoutSeconds < 0 {
		return nil, invalidParam("Invalid timeout_seconds %d: it must not be negative.", typed.TimeoutSeconds)
	}
	s.timeout = typed.TimeoutSeconds
	if _, ok := s.top["timeout_seconds"]; !ok {
		s.top["timeout_seconds"] = json.RawMessage(`0`)
	}
	if _, ok := s.top["email_notifications"]; !ok {
		s.top["email_notifications"] = json.RawMessage(`{}`)
	}
	s.top["format"] = json.RawMessage(`"MULTI_TASK"`)
	if typed.Queue != nil {
		s.queue = typed.Queue.Enabled
	} else {
		s.queue = queueDefault
		if queueDefault {
			s.top["queue"] = json.RawMessage(`{"enabled":true}`)
		}
	}
	if sc := typed.Schedule; sc != nil {
		if sc.QuartzCronExpression == "" {
			return nil, missingField(joinPath(path, "schedule.quartz_cron_expression"))
		}
		if sc.TimezoneID == "" {
			return nil, missingField(joinPath(path, "schedule.timezone_id"))
		}
		if sc.PauseStatus != "" && sc.PauseStatus != "PAUSED" && sc.PauseStatus != "UNPAUSED" {
			return nil, invalidParam("Invalid schedule.pause_status '%s': expected PAUSED or UNPAUSED.", sc.PauseStatus)
		}
		if sc.PauseStatus == "" {
			var m map[string]json.RawMessage
			_ = json.Unmarshal(s.top["schedule"], &m)
			m["pause_status"] = json.RawMessage(`"UNPAUSED"`)
			s.top["schedule"], _ = json.Marshal(m)
		}
	}
	// Keyed arrays.
	for name, keyField := range keyedArrays {
		raw, ok := obj[name]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		var list []json.RawMessage
		if err := decodeInto(raw, joinPath(path, name), &list); err != nil {
			return nil, err
		}
		if name == "tasks" {
			if len(list) > 1000 {
				return nil, invalidParam("A job can have at most 1000 tasks, got %d.", len(list))
			}
			for _, tr := range list {
				t, err := parseTask(tr, joinPath(path, "tasks"), true)
				if err != nil {
					return nil, err
				}
				if err := checkCompute(t, false); err != nil {
					return nil, err
				}
				s.tasks = append(s.tasks, t)
			}
			continue
		}
		items := make([]item, 0, len(list))
		for _, r := range list {
			var m map[string]json.RawMessage
			if err := decodeInto(r, joinPath(path, name), &m); err != nil {
				return nil, err
			}
			if m == nil {
				return nil, malformed("Could not parse request object: Expected object for field '%s', found %s", joinPath(path, name), jsonKind(r))
			}
			kf := keyField
			if name == "parameters" {
				kf = "name"
			}
			var key string
			if err := decodeInto(m[kf], joinPath(path, name+"."+kf), &key); err != nil {
				return nil, err
			}
			if key == "" {
				return nil, missingField(joinPath(path, name+"."+kf))
			}
			for _, it := range items {
				if it.key == key {
					return nil, invalidParam("Duplicate %s '%s' in %s.", kf, key, name)
				}
			}
			if name == "parameters" {
				var def string
				if _, ok := m["default"]; !ok {
					return nil, missingField(joinPath(path, "parameters.default"))
				}
				if err := decodeInto(m["default"], joinPath(path, "parameters.default"), &def); err != nil {
					return nil, err
				}
				s.defaults[key] = def
			}
			b, _ := json.Marshal(m)
			items = append(items, item{key, b})
		}
		s.arrays[name] = items
		if name == "parameters" {
			s.params = items
		}
	}
	if err := s.validateGraph(); err != nil {
		return nil, err
	}
	s.sortKeys()
	s.ts = newTaskSet(s.tasks)
	if sc, ok := s.top["schedule"]; ok {
		var x struct {
			Cron  string `json:"quartz_cron_expression"`
			Pause string `json:"pause_status"`
		}
		_ = json.Unmarshal(sc, &x)
		s.cron, s.pause = x.Cron, x.Pause
	}
	return s, nil
}

func (s *settings) sortKeys() {
	s.keys = s.keys[:0]
	for k := range s.top {
		s.keys = append(s.keys, k)
	}
	if len(s.tasks) > 0 {
		s.keys = append(s.keys, "tasks")
	}
	for k, v := range s.arrays {
		if len(v) > 0 {
			s.keys = append(s.keys, k)
		}
	}
	sort.Strings(s.keys)
}

// validateGraph checks unique keys, depends_on targets, cycles and job cluster references.
func (s *settings) validateGraph() error {
	byKey := make(map[string]*task, len(s.tasks))
	for _, t := range s.tasks {
		if _, dup := byKey[t.key]; dup {
			return invalidParam("Task key '%s' is not unique. Every task in a job needs a distinct task_key.", t.key)
		}
		byKey[t.key] = t
	}
	clusters := map[string]bool{}
	for _, c := range s.arrays["job_clusters"] {
		clusters[c.key] = true
	}
	for _, t := range s.tasks {
		for _, d := range t.deps {
			if d.TaskKey == t.key {
				return invalidParam("Invalid dependency graph, task '%s' can not reference itself.", t.key)
			}
			if byKey[d.TaskKey] == nil {
				return invalidParam("Invalid dependency graph, task '%s' depends on '%s', which does not exist.", t.key, d.TaskKey)
			}
		}
		if t.jobClusterKey != "" && !clusters[t.jobClusterKey] {
			return invalidParam("Task '%s' uses job_cluster_key '%s', which is not defined in job_clusters.", t.key, t.jobClusterKey)
		}
	}
	if _, err := topoOrder(s.tasks); err != nil {
		return err
	}
	return nil
}

// topoOrder returns the tasks in a dependency-respecting order, stable by
// definition order, or a cycle error.
func topoOrder(tasks []*task) ([]*task, error) {
	idx := make(map[string]int, len(tasks))
	for i, t := range tasks {
		idx[t.key] = i
	}
	indeg := make([]int, len(tasks))
	down := make([][]int, len(tasks))
	for i, t := range tasks {
		for _, d := range t.deps {
			j, ok := idx[d.TaskKey]
			if !ok {
				continue
			}
			indeg[i]++
			down[j] = append(down[j], i)
		}
	}
	out := make([]*task, 0, len(tasks))
	ready := []int{}
	for i := range tasks {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		sort.Ints(ready)
		i := ready[0]
		ready = ready[1:]
		out = append(out, tasks[i])
		for _, j := range down[i] {
			indeg[j]--
			if indeg[j] == 0 {
				ready = append(ready, j)
			}
		}
	}
	if len(out) != len(tasks) {
		var cyc []string
		for i, t := range tasks {
			if indeg[i] > 0 {
				cyc = append(cyc, t.key)
			}
		}
		return nil, invalidParam("Invalid dependency graph, the tasks %s form a cycle.", strings.Join(cyc, ", "))
	}
	return out, nil
}

// toObject returns the settings as a generic object (for update merges).
func (s *settings) toObject() map[string]json.RawMessage {
	obj := make(map[string]json.RawMessage, len(s.top)+4)
	for k, v := range s.top {
		obj[k] = v
	}
	if len(s.tasks) > 0 {
		obj["tasks"] = joinTasks(s.tasks)
	}
	for k, v := range s.arrays {
		if len(v) > 0 {
			obj[k] = joinItems(v)
		}
	}
	return obj
}

func joinTasks(ts []*task) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(t.raw)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func joinItems(its []item) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range its {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it.raw)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// pageWindow is which slice of every keyed array a response carries.
type pageWindow struct {
	all   bool // 2.1: whole arrays
	page  int  // 2.2: page number (0-based), 100 per array
	noArr bool // list items without expand_tasks
	// noTasks leaves tasks out (2.1 list items of jobs with more than 100
	// tasks)
	noTasks bool
}

const arrayPage = 100

// clip returns the [lo,hi) window of an n-long array for page p.
func clip(n, p int) (int, int) {
	if p < 0 || p > n/arrayPage {
		return n, n
	}
	lo := p * arrayPage
	if lo > n {
		lo = n
	}
	hi := lo + arrayPage
	if hi > n {
		hi = n
	}
	return lo, hi
}

// appendJSON writes the settings object; arrays are cut to the window. It
// reports whether any array has items beyond the window.
func (s *settings) appendJSON(b *bytes.Buffer, w pageWindow) (more bool) {
	b.WriteByte('{')
	first := true
	for _, k := range s.keys {
		var n int
		isArr := false
		if k == "tasks" {
			n, isArr = len(s.tasks), true
		} else if _, ok := keyedArrays[k]; ok {
			n, isArr = len(s.arrays[k]), true
		}
		if isArr && ((w.noArr && (k == "tasks" || k == "job_clusters")) || (w.noTasks && k == "tasks")) {
			continue
		}
		lo, hi := 0, n
		if isArr && !w.all {
			lo, hi = clip(n, w.page)
			if hi < n {
				more = true
			}
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteByte('"')
		b.WriteString(k)
		b.WriteString(`":`)
		if !isArr {
			b.Write(s.top[k])
			continue
		}
		b.WriteByte('[')
		for i := lo; i < hi; i++ {
			if i > lo {
				b.WriteByte(',')
			}
			if k == "tasks" {
				b.Write(s.tasks[i].raw)
			} else {
				b.Write(s.arrays[k][i].raw)
			}
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return more
}
