package workspace

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
)

// Limits caps what one workspace may hold and how fast one token may call
// the API, so that one client cannot fill the disk or slow everyone down.
// They are modelled on the documented limits of a real workspace (the
// "Jobs" rows of https://learn.microsoft.com/azure/databricks/resources/limits
// and its AWS and GCP twins: 10,000 saved jobs, 1,000 tasks running at
// once, 10,000 jobs created per hour) and set lower where a sandbox has no
// need for the real figure. A zero field
// takes its default (DefaultLimits); a negative one switches that limit
// off.
type Limits struct {
	// MaxJobs is how many jobs a workspace keeps. jobs/create past it is a
	// 400 QUOTA_EXCEEDED, as a real workspace answers at its quota of
	// saved jobs (10,000; the answer and its message are quoted in
	// astronomer/astro-sdk#1550, and the sandbox's message follows it).
	// Default 1,000.
	MaxJobs int
	// MaxTasksPerJob is how many tasks one job (create, update, reset) or
	// one runs/submit may have: 1,000, as in a real workspace
	// (https://docs.databricks.com/aws/en/jobs/large-jobs, cited in
	// JenspederM/kedro-databricks#32; it was 100 before). Past it:
	// 400 INVALID_PARAMETER_VALUE.
	MaxTasksPerJob int
	// MaxActiveRuns is how many runs may be active (queued, pending,
	// running or terminating) at once. A run-now, runs/submit or repair
	// past it is a 429 REQUEST_LIMIT_EXCEEDED with Retry-After (the time
	// until the first active run ends): the documented answer to "a run
	// that cannot be started immediately" once a workspace has its 1,000
	// concurrent job runs (docs.databricks.com, "Creating and managing
	// jobs with multiple tasks"; the resource limits list 1,000 tasks
	// running at once). Jobs with queueing on would wait in QUEUED on a
	// real workspace instead; the sandbox does not model that queue. The
	// SDKs and the CLI wait and retry. Default 100.
	MaxActiveRuns int
	// MaxRuns is how many runs (deleted ones included) a workspace keeps.
	// A real workspace keeps run history for 60 days and drops older runs
	// on its own; the sandbox instead drops its oldest finished runs when
	// a new run would pass MaxRuns (or MaxBytes), oldest first, so
	// scripts that start runs in a loop keep working. Default 5,000.
	MaxRuns int
	// MaxBytes is how many bytes of stored documents (jobs, runs,
	// permissions) a workspace may hold. A write that would take it past
	// them is a 400 QUOTA_EXCEEDED (for a new run, after the oldest
	// finished runs were dropped as for MaxRuns); writes that shrink it
	// and deletes always work. A real workspace has no such figure; a
	// fresh sandbox holds about 80 KB. Default 32 MiB.
	MaxBytes int64
	// MaxFileBytes is the largest workspace file (import-file body) the
	// sandbox stores; past it the import is a 400 INVALID_PARAMETER_VALUE
	// and nothing is stored (the body is not even read past the limit). A
	// real workspace takes files up to 500 MB ("What are workspace
	// files?", docs.databricks.com/aws/en/files/workspace, Limitations); a
	// bundle's files and state are a few kilobytes. Default 4 MiB.
	MaxFileBytes int64
	// MaxFilesBytes is how many bytes of file contents a workspace may
	// hold in all; an import past it is a 400 QUOTA_EXCEEDED. Files count
	// against MaxBytes too (as their stored documents). A real workspace
	// has no such figure. Default 16 MiB.
	MaxFilesBytes int64
	// APIRate is each token's sustained request budget on /api, in
	// requests per second, and APIBurst how many requests it may send at
	// once before the rate applies. Past them: 429 REQUEST_LIMIT_EXCEEDED
	// with Retry-After, which the SDKs and the CLI honour. Real
	// workspaces limit each endpoint separately (jobs/create 20/s,
	// runs/get 100/s ...); the sandbox has one budget for every call, set
	// so that normal scripts never meet it. Defaults 100/s and 300.
	APIRate  float64
	APIBurst int
}

// DefaultLimits returns the limits a Manager applies when Options.Limits
// leaves a field zero.
func DefaultLimits() Limits {
	return Limits{
		MaxJobs:        1000,
		MaxTasksPerJob: 1000,
		MaxActiveRuns:  100,
		MaxRuns:        5000,
		MaxBytes:       32 << 20,
		MaxFileBytes:   4 << 20,
		MaxFilesBytes:  16 << 20,
		APIRate:        100,
		APIBurst:       300,
	}
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxJobs == 0 {
		l.MaxJobs = d.MaxJobs
	}
	if l.MaxTasksPerJob == 0 {
		l.MaxTasksPerJob = d.MaxTasksPerJob
	}
	if l.MaxActiveRuns == 0 {
		l.MaxActiveRuns = d.MaxActiveRuns
	}
	if l.MaxRuns == 0 {
		l.MaxRuns = d.MaxRuns
	}
	if l.MaxBytes == 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxFileBytes == 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxFilesBytes == 0 {
		l.MaxFilesBytes = d.MaxFilesBytes
	}
	if l.APIRate == 0 {
		l.APIRate = d.APIRate
	}
	if l.APIBurst == 0 {
		l.APIBurst = max(1, int(math.Ceil(3*l.APIRate))) // 300 for the default rate
	}
	return l
}

// Limits returns the limits the manager applies, defaults filled in.
func (m *Manager) Limits() Limits { return m.opts.Limits }

// LimitRows describes the limits for people: one row per limit with its
// value and what a real workspace does, for /sandbox/fidelity.
func (l Limits) LimitRows() []LimitRow {
	n := func(v int) string {
		if v < 0 {
			return "none"
		}
		return strconv.Itoa(v)
	}
	size := func(v int64) string {
		switch {
		case v < 0:
			return "none"
		case v < 1<<20:
			return fmt.Sprintf("%d bytes", v)
		}
		return fmt.Sprintf("%d MiB", v>>20)
	}
	bytes := size(l.MaxBytes)
	rate := "none"
	if l.APIRate > 0 {
		rate = fmt.Sprintf("%s requests/s, bursts of %d", strconv.FormatFloat(l.APIRate, 'f', -1, 64), l.APIBurst)
	}
	return []LimitRow{
		{"Jobs per workspace", n(l.MaxJobs), "10,000 saved jobs", "jobs/create: 400 QUOTA_EXCEEDED"},
		{"Tasks per job or one-time run", n(l.MaxTasksPerJob), "1,000", "400 INVALID_PARAMETER_VALUE"},
		{"Active runs at once", n(l.MaxActiveRuns), "1,000 concurrent job runs; 1,000 tasks running at once", "run-now, runs/submit, runs/repair: 429 REQUEST_LIMIT_EXCEEDED with Retry-After"},
		{"Runs kept", n(l.MaxRuns), "60 days of run history", "the oldest finished runs are dropped to make room"},
		{"Stored data per workspace", bytes, "no such limit", "a write past it: 400 QUOTA_EXCEEDED (new runs first drop old finished runs); deletes always work"},
		{"Size of one workspace file", size(l.MaxFileBytes), "500 MB", "workspace-files/import-file: 400 INVALID_PARAMETER_VALUE, nothing stored"},
		{"Workspace file contents per workspace", size(l.MaxFilesBytes), "no such limit", "workspace-files/import-file: 400 QUOTA_EXCEEDED; deletes always work"},
		{"Requests per token on /api", rate, "per endpoint, e.g. jobs/create 20/s, runs/get 100/s", "429 REQUEST_LIMIT_EXCEEDED with Retry-After"},
	}
}

// LimitRow is one workspace limit as /sandbox/fidelity lists it.
type LimitRow struct {
	Name    string // what is limited
	Sandbox string // the sandbox's limit
	Real    string // a real workspace's documented limit
	Answer  string // what a call past the limit gets
}

// quotaExceeded is the 400 a real workspace answers at a quota.
func quotaExceeded(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "QUOTA_EXCEEDED", Message: fmt.Sprintf(format, args...)}
}

// tooManyRequests is the 429 the SDKs retry after retryAfter seconds.
func tooManyRequests(retryAfter int, format string, args ...any) *Error {
	return &Error{Status: http.StatusTooManyRequests, Code: "REQUEST_LIMIT_EXCEEDED",
		Message: fmt.Sprintf(format, args...), RetryAfter: max(retryAfter, 1)}
}

func (rq *req) limits() Limits { return rq.m.opts.Limits }

// checkJobQuota refuses a new job once the workspace holds MaxJobs. The
// message follows the real one (astronomer/astro-sdk#1550).
func (rq *req) checkJobQuota() error {
	if max := rq.limits().MaxJobs; max >= 0 && len(rq.sp.jobs) >= max {
		return quotaExceeded("The quota for the number of jobs has been reached. The current quota is %d. "+
			"Delete jobs you no longer need, or submit one-time runs with /jobs/runs/submit instead: "+
			"they count against no job quota.", max)
	}
	return nil
}

// checkTaskCount refuses a job or one-time run with more than
// MaxTasksPerJob tasks. The real message is not known; this one says the
// limit and the count.
func (rq *req) checkTaskCount(n int) error {
	if max := rq.limits().MaxTasksPerJob; max >= 0 && n > max {
		return invalidParam("Too many tasks: %d. A job or run can have at most %d tasks.", n, max)
	}
	return rq.check21Tasks(n)
}

// max21Tasks is the most tasks a resource may have for API 2.1 to handle
// it; larger jobs and runs are served only by 2.2, which pages them.
const max21Tasks = 100

// check21Tasks refuses, on API 2.1, a job or run with more than 100
// tasks: jobs/get, runs/get, and the writes (create, update, reset,
// submit). The message is the one the docs quote ("Jobs with a large
// number of tasks", https://docs.databricks.com/aws/en/jobs/large-jobs:
// old SDKs and CLIs get "Resources with more than 100 tasks can only be
// handled by API 2.2 and above. Your resource has 200 tasks"); the docs do
// not give the error code or list the endpoints, so INVALID_PARAMETER_VALUE
// on every 2.1 call that would carry the whole task array is the
// sandbox's reading. 2.1 lists instead leave such a job's tasks out
// (see handleList).
func (rq *req) check21Tasks(n int) error {
	if rq.v21 && n > max21Tasks {
		return invalidParam("Resources with more than %d tasks can only be handled by API 2.2 and above. Your resource has %d tasks", max21Tasks, n)
	}
	return nil
}

// checkGrowth refuses a write of puts that would take the workspace past
// MaxBytes. A write that does not grow the workspace always passes, so a
// workspace over its limit can still shrink.
func (rq *req) checkGrowth(puts map[string][]byte, freed int64) error {
	lim := rq.limits().MaxBytes
	if lim < 0 {
		return nil
	}
	grow := -freed
	for k, b := range puts {
		grow += int64(len(b) - rq.sp.sizes[k])
	}
	if grow <= 0 || rq.sp.bytes+grow <= lim {
		return nil
	}
	return quotaExceeded("The sandbox workspace would store %d bytes, over its limit of %d. "+
		"Delete jobs or runs you no longer need, or reset the workspace from the sandbox page.", rq.sp.bytes+grow, lim)
}

// checkFileSize refuses a workspace file over MaxFileBytes.
func (rq *req) checkFileSize(n int) error {
	if lim := rq.limits().MaxFileBytes; lim >= 0 && int64(n) > lim {
		return fileTooLarge(lim)
	}
	return nil
}

func fileTooLarge(lim int64) *Error {
	return invalidParam("The file is larger than the sandbox's limit of %d bytes per workspace file.", lim)
}

// checkFilesTotal refuses a file of n bytes at p that would take the
// workspace's file contents past MaxFilesBytes (a file it replaces no
// longer counts).
func (rq *req) checkFilesTotal(p string, n int) error {
	lim := rq.limits().MaxFilesBytes
	if lim < 0 {
		return nil
	}
	grow := int64(n)
	if old, ok := rq.sp.files[p]; ok {
		grow -= int64(len(old.Data))
	}
	total := rq.sp.fileBytes + grow
	if grow <= 0 || total <= lim {
		return nil
	}
	return quotaExceeded("The sandbox workspace would hold %d bytes of files, over its limit of %d. "+
		"Delete files you no longer need (databricks bundle destroy removes a bundle's), or reset the workspace.", total, lim)
}

// makeRoom picks the oldest runs to drop so that the new run r, stored as
// puts, keeps the workspace within MaxRuns and MaxBytes, and refuses the
// run with 400 QUOTA_EXCEEDED when too few runs can be dropped. The keys
// it returns are the dropped runs' documents and those of the task sets
// that no run names once they are gone.
func (rq *req) makeRoom(puts map[string][]byte, r *runDoc) ([]*runDoc, []string, error) {
	lim := rq.limits()
	size := 0
	for _, b := range puts {
		size += len(b)
	}
	victims := rq.sp.pruneVictims(lim, rq.now, size)
	var keys []string
	var freed int64
	var unref map[string]int
	for _, v := range victims {
		k := runKey(v.RunID)
		keys = append(keys, k)
		freed += int64(rq.sp.sizes[k])
		for _, sg := range v.Segments {
			if unref == nil {
				unref = map[string]int{}
			}
			unref[sg.ts.hash]++
		}
	}
	for h, n := range unref {
		if n < rq.sp.ts.refs[h] || !rq.sp.ts.stored[h] {
			continue
		}
		if slices.ContainsFunc(r.Segments, func(sg *segment) bool { return sg.ts.hash == h }) {
			continue // the new run names it
		}
		k := tasksKey(h)
		keys = append(keys, k)
		freed += int64(rq.sp.sizes[k])
	}
	if lim.MaxRuns >= 0 && len(rq.sp.runIDs)+1-len(victims) > lim.MaxRuns {
		return nil, nil, quotaExceeded("The sandbox workspace keeps at most %d runs, and none of its oldest can be dropped yet "+
			"(they are active, or later runs were queued behind them). Delete runs you no longer need, or reset the workspace.", lim.MaxRuns)
	}
	if err := rq.checkGrowth(puts, freed); err != nil {
		return nil, nil, err
	}
	return victims, keys, nil
}

// checkActiveRuns refuses to start a run (or a repair) while MaxActiveRuns
// runs are active, with Retry-After set to when the first of them ends.
func (rq *req) checkActiveRuns() error {
	max := rq.limits().MaxActiveRuns
	if max < 0 {
		return nil
	}
	active := 0
	var firstEnd int64 = math.MaxInt64
	for _, r := range rq.sp.activeRuns(rq.now) {
		tl := rq.sp.timelineOf(r)
		end := tl.segs[len(tl.segs)-1].end
		active++
		firstEnd = min(firstEnd, end)
	}
	if active < max {
		return nil
	}
	wait := int((firstEnd - rq.now + 999) / 1000)
	return tooManyRequests(wait, "The sandbox workspace already has %d active runs, its limit. "+
		"Wait for one to finish (or cancel one) and retry.", active)
}

// activeRuns returns the runs active at now. It looks only at the runs
// that may be active (sp.maybeActive): a run found over at now stays over
// while the clock moves on, so it is dropped from them, and only a new
// run, a repair or a change to a run's timeline (see invalidate) adds one
// back. A clock that went back makes every run a candidate again.
func (sp *space) activeRuns(now int64) []*runDoc {
	if sp.maybeActive == nil || now < sp.activeAt {
		sp.maybeActive = make(map[int64]*runDoc, len(sp.runs))
		for id, r := range sp.runs {
			sp.maybeActive[id] = r
		}
	}
	sp.activeAt = now
	var out []*runDoc
	for id, r := range sp.maybeActive {
		if sp.runs[id] != r || r.Deleted {
			delete(sp.maybeActive, id)
			continue
		}
		tl := sp.timelineOf(r)
		if tl.skipped || now >= tl.segs[len(tl.segs)-1].end {
			delete(sp.maybeActive, id)
			continue
		}
		out = append(out, r)
	}
	return out
}

// mayBeActive adds r to the runs activeRuns looks at.
func (sp *space) mayBeActive(r *runDoc) {
	if sp.maybeActive != nil {
		sp.maybeActive[r.RunID] = r
	}
}

// account adds puts and removes deletes from the workspace's byte count.
// persist calls it for every write, buildSpace for the loaded documents.
func (sp *space) account(puts map[string][]byte, deletes []string) {
	if sp.sizes == nil {
		sp.sizes = map[string]int{}
	}
	was := sp.bytes
	for _, k := range deletes {
		sp.bytes -= int64(sp.sizes[k])
		delete(sp.sizes, k)
	}
	for k, b := range puts {
		sp.bytes += int64(len(b) - sp.sizes[k])
		sp.sizes[k] = len(b)
	}
	if sp.charged != nil {
		sp.charged.Add(sp.bytes - was)
	}
}

// pruneVictims picks the oldest runs to drop so that, with one more run of
// about extra bytes, the workspace keeps at most MaxRuns runs and MaxBytes
// bytes. Only finished runs whose dropping changes no other run are
// candidates: a run the next run of its job was admitted behind (queued
// or skipped at max_concurrent_runs) stays, so every remaining run keeps
// its timeline. It returns fewer victims when too few runs qualify.
func (sp *space) pruneVictims(lim Limits, now int64, extra int) []*runDoc {
	needRuns := 0
	if lim.MaxRuns >= 0 {
		needRuns = len(sp.runIDs) + 1 - lim.MaxRuns
	}
	overBytes := func(freed int64) bool {
		return lim.MaxBytes >= 0 && sp.bytes+int64(extra)-freed > lim.MaxBytes
	}
	if needRuns <= 0 && !overBytes(0) {
		return nil
	}
	var victims []*runDoc
	var freed int64
	for _, id := range sp.runIDs {
		if len(victims) >= needRuns && !overBytes(freed) {
			break
		}
		r := sp.runs[id]
		if r == nil || !sp.prunable(r, now) {
			continue
		}
		victims = append(victims, r)
		freed += int64(sp.sizes[runKey(id)])
	}
	return victims
}

// prunable reports whether r has finished and no later run of its job was
// admitted while r was still counted against max_concurrent_runs.
func (sp *space) prunable(r *runDoc, now int64) bool {
	tl := sp.timelineOf(r)
	if !tl.skipped && now < tl.segs[len(tl.segs)-1].end {
		return false
	}
	if r.JobID == 0 || tl.skipped {
		return true
	}
	ids := sp.jobRunIDs[r.JobID]
	i := sort.Search(len(ids), func(i int) bool { return ids[i] > r.RunID })
	if i == len(ids) {
		return true
	}
	next := sp.jobRuns[r.JobID][i]
	return tl.segs[0].end <= next.Created
}

// dropRuns removes pruned runs from memory and every index; the caller has
// already deleted their documents from the store. victims are in run id
// order (pruneVictims picks them so).
func (sp *space) dropRuns(victims []*runDoc) {
	if len(victims) == 0 {
		return
	}
	for _, r := range victims {
		delete(sp.runs, r.RunID)
		for _, sg := range r.Segments {
			if sp.ts.refs[sg.ts.hash]--; sp.ts.refs[sg.ts.hash] <= 0 {
				delete(sp.ts.refs, sg.ts.hash)
			}
		}
		if r.Idempotency != "" && sp.idem[r.Idempotency] == r.RunID {
			delete(sp.idem, r.Idempotency)
		}
		sp.runIDs = removeID(sp.runIDs, r.RunID)
		if r.JobID == 0 {
			continue
		}
		jid := r.JobID
		ids := sp.jobRunIDs[jid]
		i, found := slices.BinarySearch(ids, r.RunID)
		if !found {
			continue
		}
		sp.jobRunIDs[jid] = slices.Delete(ids, i, i+1)
		sp.jobRuns[jid] = slices.Delete(sp.jobRuns[jid], i, i+1)
		if len(sp.jobRuns[jid]) == 0 {
			delete(sp.jobRuns, jid)
			delete(sp.jobRunIDs, jid)
		}
		if sw := sp.sweeps[jid]; sw != nil && i < sw.upto {
			// A dropped run was over before the next run of its job was
			// created (see prunable), so it no longer weighs on any
			// admission: the sweep stays valid, minus the dropped run.
			sw.upto--
		}
	}
	sp.taskRuns.removeRuns(victims)
}

// removeID removes id from ids (ascending). Pruned runs are the oldest,
// so the common case is cutting the first one, which copies nothing.
func removeID(ids []int64, id int64) []int64 {
	if len(ids) > 0 && ids[0] == id {
		return ids[1:]
	}
	if i, found := slices.BinarySearch(ids, id); found {
		return slices.Delete(ids, i, i+1)
	}
	return ids
}
