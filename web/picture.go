package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// pictureRunsPerJob is how many of each job's newest runs the picture draws.
const pictureRunsPerJob = 5

// pictureJobs and pictureSubmitRuns bound the picture to the newest jobs
// and one-time runs, so 15,000 jobs cost no more than 20; a line says how
// many there are and links the list call that pages through them all. What
// each of them draws is bounded by the drawing budget below.
const (
	pictureJobs       = 20
	pictureSubmitRuns = 10
)

// pictureWindow is the part of the workspace the picture draws.
var pictureWindow = workspace.Window{Jobs: pictureJobs, RunsPerJob: pictureRunsPerJob, SubmitRuns: pictureSubmitRuns,
	MaxRunSize: pictureMaxRunSize}

// pictureMaxRunSize is the most tasks plus dependencies a run may have for
// the picture to count its task runs by state. Past it (a run far too big
// to draw: see dagMaxTasks) the picture gives only the run's own state and
// its counts, because working out every task run's state costs time in
// proportion to its tasks and dependencies: 100 runs of 1,000 tasks each
// depending on 40 others took 2 to 6 seconds a picture. A chain of 1,000
// tasks (1,999) is still counted.
const pictureMaxRunSize = 2000

// pictureCollapseAt is the task count above which a run's DAG is folded
// behind a summary bar (customer-360 has 150 tasks).
const pictureCollapseAt = 24

// The picture's drawing budget. A drawn task costs 400 to 900 bytes of
// HTML (task keys run to 100 characters) and a dependency 120 to 330, and
// the emulator takes jobs of 1,000 tasks each depending on up to all the
// others: drawn in full, 12 such jobs with a run each made a picture of
// 108 MB that took seconds to build in memory, and htmx asks for it again
// every 2 seconds while a run is active.
//
// So a DAG is drawn only if it has at most dagMaxTasks tasks and
// dagMaxDeps dependencies (the fixture customer-360, 150 tasks and 149
// dependencies, fits, as does any DAG of 200 tasks with two dependencies
// each), and only while the page has drawn at most pictureMaxTasks tasks,
// pictureMaxDeps dependencies and pictureMaxDrawBytes bytes of DAGs in all
// (customer-360's graph and five runs of it, 900 tasks, 894 dependencies
// and about 440 KB, fit beside the other fixtures). DAGs are charged
// newest job first, each job's graph before its runs, then the one-time
// runs. A DAG past any of them is folded to a line with its counts (and,
// for a run, the bar of its task runs by state) and a link to the call
// that shows it all. The largest picture is then about 550 KB.
const (
	dagMaxTasks         = 200
	dagMaxDeps          = 400
	pictureMaxTasks     = 1000
	pictureMaxDeps      = 1500
	pictureMaxDrawBytes = 500_000
)

// drawBudget is what is left of the picture's drawing budget.
type drawBudget struct{ tasks, deps, bytes int }

func newDrawBudget() *drawBudget {
	return &drawBudget{tasks: pictureMaxTasks, deps: pictureMaxDeps, bytes: pictureMaxDrawBytes}
}

// take reports why a DAG of tasks and deps is not drawn, or "" when the
// budget has room for it (nothing is charged yet: see charge).
func (b *drawBudget) take(tasks, deps int) string {
	switch {
	case tasks > dagMaxTasks || deps > dagMaxDeps:
		return fmt.Sprintf("too large to draw here (the picture draws a graph of up to %d tasks and %d dependencies)",
			dagMaxTasks, dagMaxDeps)
	case tasks > b.tasks || deps > b.deps:
		return b.spent()
	}
	return ""
}

// charge takes a drawn DAG of tasks, deps and size bytes from b, or
// returns why it does not fit (and takes nothing).
func (b *drawBudget) charge(tasks, deps, size int) string {
	if size > b.bytes {
		return b.spent()
	}
	b.tasks -= tasks
	b.deps -= deps
	b.bytes -= size
	return ""
}

func (b *drawBudget) spent() string {
	return fmt.Sprintf("not drawn: this page draws at most %s tasks, %s dependencies and %s KB of graphs in all, and newer graphs used them",
		templates.Thousands(pictureMaxTasks), templates.Thousands(pictureMaxDeps), templates.Thousands(pictureMaxDrawBytes/1000))
}

// maxEarlierAttempts caps the replaced task runs the picture lists per run;
// past it the picture links to runs/get?include_history=true instead.
const maxEarlierAttempts = 24

// DAG geometry, in SVG user units.
const (
	nodeW   = 184
	nodeH   = 44
	nodeHB  = 58 // a node with a badge line (repair, retry)
	colGap  = 34
	rowGap  = 10
	svgPad  = 6
	keyRune = 24 // task keys longer than this are shortened in the node
)

func (s *server) handlePicture(w http.ResponseWriter, r *http.Request) {
	// An idle picture asks every second or two whether anything changed
	// since the version it shows; while nothing did, the answer is an
	// empty 204 (htmx leaves the picture alone) that reads one number.
	since := r.URL.Query().Get("since")
	if since != "" && isHTMX(r) && since == strconv.FormatInt(s.workspaceVersion(r), 10) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// Drawing the picture neither seeds nor stores a workspace never
	// used (nor creates a learner); the first API call does.
	ov, err := s.overview(r, pictureWindow)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := buildPicture(ov)
	addEarlierAttempts(&v, ov)
	if !v.Polling {
		v.WatchHref = "/sandbox/picture?since=" + strconv.FormatInt(ov.Version, 10)
	}
	if isHTMX(r) {
		s.render(w, r, http.StatusOK, templates.Picture(v))
		return
	}
	v.Meta = s.meta(r, "Run picture", "sandbox")
	s.render(w, r, http.StatusOK, templates.PicturePage(v))
}

// workspaceVersion is the change version of the learner's workspace (0
// for a visitor, whose picture is the fixtures), read without loading it.
func (s *server) workspaceVersion(r *http.Request) int64 {
	l, ok := learnerFrom(r.Context())
	if !ok {
		return 0
	}
	v, err := s.workspaces.Version(r.Context(), store.WorkspaceOf(l.ID))
	if err != nil {
		return -1 // never matches: the caller draws the picture
	}
	return v
}

// buildPicture turns the workspace overview into the picture's view model.
func buildPicture(ov workspace.Overview) templates.PictureView {
	v := templates.PictureView{Legend: pictureLegend(), TotalJobs: ov.TotalJobs, TotalSubmitRuns: ov.TotalSubmitRuns}
	if ov.TotalJobs > len(ov.Jobs) {
		v.MoreJobsHref = "/sandbox?ep=jobs-list#call-panel"
	}
	if ov.TotalSubmitRuns > len(ov.SubmitRuns) {
		v.MoreSubmitRunsHref = "/sandbox?" + url.Values{"ep": {"runs-list"}, "p_run_type": {"SUBMIT_RUN"}}.Encode() + "#call-panel"
	}
	// The newest job (drawn last) is charged to the budget first, then
	// the older ones, then the one-time runs.
	budget := newDrawBudget()
	v.Jobs = make([]templates.PictureJob, len(ov.Jobs))
	for i := len(ov.Jobs) - 1; i >= 0; i-- {
		j := ov.Jobs[i]
		pj := templates.PictureJob{
			JobID: j.JobID, Name: j.Name, Href: callURL("jobs-get", "job_id", j.JobID),
			TaskCount: len(j.Tasks), TotalRuns: j.TotalRuns, Schedule: j.Schedule, Paused: j.Paused,
			MaxConcurrentRuns: j.MaxConcurrentRuns,
		}
		var defs []workspace.TaskRunOverview
		for _, t := range j.Tasks {
			defs = append(defs, workspace.TaskRunOverview{TaskKey: t.TaskKey, DependsOn: t.DependsOn})
		}
		pj.Graph = buildDAG(fmt.Sprintf("job-%d", j.JobID), "Task graph of "+j.Name, defs, true, false, budget)
		pj.Graph.FullHref, pj.Graph.FullCall = pj.Href, "jobs/get"
		for i := range pj.Graph.Nodes {
			pj.Graph.Nodes[i].Href = pj.Href
		}
		for _, run := range j.Runs {
			pr := buildRun(run, ov.Now, budget)
			v.Polling = v.Polling || run.Active
			pj.Runs = append(pj.Runs, pr)
		}
		v.Jobs[i] = pj
	}
	for _, run := range ov.SubmitRuns {
		v.Polling = v.Polling || run.Active
		v.SubmitRuns = append(v.SubmitRuns, buildRun(run, ov.Now, budget))
	}
	return v
}

// callURL opens the sandbox console on the endpoint ep with the ID
// prefilled (the console reads p_* parameters), at the form.
func callURL(ep, param string, id int64, extra ...string) string {
	return "/sandbox?" + callQuery(ep, param, id, extra...).Encode() + "#call-panel"
}

// sentCallURL is callURL for a link from outside the page (the CLI's job
// and run URLs, run_page_url): the console sends the call on load, so the
// learner lands on its answer.
func sentCallURL(ep, param string, id int64) string {
	q := callQuery(ep, param, id)
	q.Set("send", "1")
	return "/sandbox?" + q.Encode() + "#call-panel"
}

func callQuery(ep, param string, id int64, extra ...string) url.Values {
	q := url.Values{"ep": {ep}, "p_" + param: {strconv.FormatInt(id, 10)}}
	for _, e := range extra {
		q.Set("p_"+e, "true")
	}
	return q
}

func buildRun(run workspace.RunOverview, now time.Time, budget *drawBudget) templates.PictureRun {
	class, label := stateOf(run.LifeCycleState, run.ResultState)
	pr := templates.PictureRun{
		RunID: run.RunID, Href: callURL("runs-get", "run_id", run.RunID), Name: run.RunName,
		RunType: run.RunType, Trigger: run.Trigger, LifeCycle: run.LifeCycleState, Result: run.ResultState,
		Message: run.StateMessage, StateClass: class, StateLabel: label, Active: run.Active,
		Repairs: run.RepairCount, TaskCount: run.TaskCount,
	}
	if !run.StartTime.IsZero() {
		pr.Start = run.StartTime.UTC().Format("2006-01-02 15:04:05 UTC")
		end := run.EndTime
		if end.IsZero() {
			end = now
		}
		pr.Duration = templates.FormatDuration(end.Sub(run.StartTime))
	}
	if run.RepairCount > 0 {
		pr.HistoryHref = callURL("runs-get", "run_id", run.RunID, "include_history")
	}
	title := fmt.Sprintf("Run %d", run.RunID)
	if run.Tasks == nil && run.TaskCount > 0 {
		// Too big for the overview to list its task runs (pictureMaxRunSize).
		pr.DAG = foldedDAG(fmt.Sprintf("run-%d", run.RunID), title, run.TaskCount, run.DepCount, nil,
			budget.take(run.TaskCount, run.DepCount))
		pr.DAG.FullHref, pr.DAG.FullCall = pr.Href, "runs/get"
		pr.Collapsed = true
		return pr
	}
	pr.DAG = buildDAGRun(fmt.Sprintf("run-%d", run.RunID), title, run, budget)
	pr.DAG.FullHref, pr.DAG.FullCall = pr.Href, "runs/get"
	if len(run.Tasks) > pictureCollapseAt || pr.DAG.Folded != "" {
		pr.Collapsed = true
		pr.Summary = summarize(run.Tasks)
	}
	return pr
}

// buildDAGRun draws a run's task runs. A node's badge line says which
// repair produced the task run ("repair 2", ordinals worked out from the
// distinct repair ids the latest task runs carry) and, for a retry, the
// API's attempt_number (0 for a first attempt, so shown only when > 0).
func buildDAGRun(id, title string, run workspace.RunOverview, budget *drawBudget) templates.DAGView {
	var ids []int64
	for _, t := range run.Tasks {
		if t.RepairID > 0 && !slices.Contains(ids, t.RepairID) {
			ids = append(ids, t.RepairID)
		}
	}
	slices.Sort(ids)
	// The newest repair is number RepairCount; older ones count down from it.
	offset := 0
	if len(ids) > 0 && ids[len(ids)-1] == run.LatestRepairID {
		offset = run.RepairCount - len(ids)
	}
	ordinal := func(rid int64) int { return slices.Index(ids, rid) + 1 + offset }
	badges := make([]string, len(run.Tasks))
	tall := false
	for i, t := range run.Tasks {
		var parts []string
		if t.RepairID > 0 {
			parts = append(parts, fmt.Sprintf("repair %d", ordinal(t.RepairID)))
		}
		if t.AttemptNumber > 0 {
			parts = append(parts, fmt.Sprintf("attempt_number %d", t.AttemptNumber))
		}
		badges[i] = strings.Join(parts, " · ")
		tall = tall || badges[i] != ""
	}
	d := buildDAG(id, title, run.Tasks, false, tall, budget)
	for i := range d.Nodes {
		t := run.Tasks[d.Nodes[i].Index]
		d.Nodes[i].Badge = badges[d.Nodes[i].Index]
		d.Nodes[i].Href = callURL("runs-get-output", "run_id", t.RunID)
		d.Nodes[i].Title = fmt.Sprintf("%s: %s (task run %d)", t.TaskKey, d.Nodes[i].StateLabel, t.RunID)
		if t.RepairID > 0 {
			d.Nodes[i].Title += fmt.Sprintf(", rerun in repair %d", ordinal(t.RepairID))
		}
		if t.AttemptNumber > 0 {
			d.Nodes[i].Title += fmt.Sprintf(", attempt_number %d (retry %d)", t.AttemptNumber, t.AttemptNumber)
		}
	}
	return d
}

// buildDAG lays tasks out in topological columns: a task's column is the
// length of the longest depends_on chain above it (dependencies outside the
// list are ignored). definition marks a job's task graph, drawn without
// states.
// tall makes room for a badge line in every node. A DAG that budget
// cannot pay for is folded: counted, not drawn.
func buildDAG(id, title string, tasks []workspace.TaskRunOverview, definition, tall bool, budget *drawBudget) templates.DAGView {
	nh := nodeH
	if tall {
		nh = nodeHB
	}
	index := make(map[string]int, len(tasks))
	for i, t := range tasks {
		index[t.TaskKey] = i
	}
	deps := 0
	for _, t := range tasks {
		for _, d := range t.DependsOn {
			if _, ok := index[d]; ok {
				deps++
			}
		}
	}
	if why := budget.take(len(tasks), deps); why != "" {
		var counts []templates.StateCount
		if !definition {
			counts = summarize(tasks)
		}
		return foldedDAG(id, title, len(tasks), deps, counts, why)
	}
	col := make([]int, len(tasks))
	state := make([]int, len(tasks)) // 0 unvisited, 1 visiting, 2 done
	var depth func(i int) int
	depth = func(i int) int {
		switch state[i] {
		case 1:
			return 0 // a cycle cannot be stored, but never loop on one
		case 2:
			return col[i]
		}
		state[i] = 1
		c := 0
		for _, d := range tasks[i].DependsOn {
			if j, ok := index[d]; ok {
				c = max(c, depth(j)+1)
			}
		}
		col[i], state[i] = c, 2
		return c
	}
	rowsIn := map[int]int{}
	row := make([]int, len(tasks))
	cols := 0
	for i := range tasks {
		c := depth(i)
		row[i] = rowsIn[c]
		rowsIn[c]++
		cols = max(cols, c+1)
	}
	rows := 0
	for _, n := range rowsIn {
		rows = max(rows, n)
	}
	// On a phone the columns are stacked top to bottom instead (HTML, not
	// SVG, so a wide column wraps); a DAG too big to draw unfolded keeps
	// only the SVG.
	var stages [][]int
	if len(tasks) <= pictureCollapseAt {
		stages = make([][]int, cols)
		for i := range tasks {
			stages[col[i]] = append(stages[col[i]], i)
		}
	}
	d := templates.DAGView{
		ID:     id,
		Width:  svgPad*2 + cols*nodeW + max(cols-1, 0)*colGap,
		Height: svgPad*2 + rows*nh + max(rows-1, 0)*rowGap,
		Stages: stages,
	}
	var counts []string
	tally := map[string]int{}
	var order []string
	for i, t := range tasks {
		n := templates.DAGNode{
			Index: i, Key: t.TaskKey, Short: shorten(t.TaskKey, keyRune),
			X: svgPad + col[i]*(nodeW+colGap), Y: svgPad + row[i]*(nh+rowGap), W: nodeW, H: nh,
		}
		var after []string
		for _, dep := range t.DependsOn {
			if _, ok := index[dep]; ok {
				after = append(after, dep)
			}
		}
		n.After = strings.Join(after, ", ")
		if definition {
			n.Class, n.StateLabel = "st-none", "task"
			n.Title = t.TaskKey
		} else {
			n.Class, n.StateLabel = stateOf(t.LifeCycleState, t.ResultState)
			if tally[n.StateLabel] == 0 {
				order = append(order, n.StateLabel)
			}
			tally[n.StateLabel]++
		}
		n.Glyph = glyphs[n.Class]
		d.Nodes = append(d.Nodes, n)
	}
	for i, t := range tasks {
		for _, dep := range t.DependsOn {
			j, ok := index[dep]
			if !ok {
				continue
			}
			x1, y1 := svgPad+col[j]*(nodeW+colGap)+nodeW, svgPad+row[j]*(nh+rowGap)+nh/2
			x2, y2 := svgPad+col[i]*(nodeW+colGap), svgPad+row[i]*(nh+rowGap)+nh/2
			mid := (x1 + x2) / 2
			d.Edges = append(d.Edges, templates.DAGEdge{
				Path: fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, y1, mid, y1, mid, y2, x2-2, y2),
			})
		}
	}
	for _, l := range order {
		counts = append(counts, fmt.Sprintf("%d %s", tally[l], l))
	}
	if len(tasks) <= pictureCollapseAt {
		var items []string
		for _, n := range d.Nodes {
			it := n.Key
			if !definition {
				it += " " + n.StateLabel
			}
			if n.After != "" {
				it += " (after " + n.After + ")"
			}
			items = append(items, it)
		}
		d.Desc = "Tasks: " + strings.Join(items, "; ") + "."
	}
	d.Label = fmt.Sprintf("%s: %d tasks in %d columns", title, len(tasks), cols)
	if len(counts) > 0 {
		d.Label += "; " + strings.Join(counts, ", ")
	}
	// Long task keys (up to 100 characters) make a node's bytes vary
	// fivefold, so the bytes are charged as drawn.
	if why := budget.charge(len(tasks), deps, templates.DAGSize(d)); why != "" {
		var states []templates.StateCount
		if !definition {
			states = summarize(tasks)
		}
		return foldedDAG(id, title, len(tasks), deps, states, why)
	}
	return d
}

// foldedDAG is a DAG of n tasks and deps dependencies not drawn: its
// counts (and its task runs' by state, when known), in words, and why.
func foldedDAG(id, title string, n, deps int, states []templates.StateCount, why string) templates.DAGView {
	counted := fmt.Sprintf("%s tasks, %s dependencies", templates.Thousands(n), templates.Thousands(deps))
	d := templates.DAGView{ID: id, Folded: counted + ": " + why}
	d.Label = title + ": " + counted + ", not drawn"
	var counts []string
	for _, c := range states {
		counts = append(counts, fmt.Sprintf("%d %s", c.Count, c.Label))
	}
	if len(counts) > 0 {
		d.Label += "; " + strings.Join(counts, ", ")
	}
	return d
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// summarize counts a run's task runs by state, in legend order.
func summarize(tasks []workspace.TaskRunOverview) []templates.StateCount {
	tally := map[string]int{}
	for _, t := range tasks {
		c, _ := stateOf(t.LifeCycleState, t.ResultState)
		tally[c]++
	}
	var out []templates.StateCount
	for _, l := range pictureLegend() {
		if n := tally[l.Class]; n > 0 {
			out = append(out, templates.StateCount{Class: l.Class, Label: l.Label, Count: n,
				Percent: strconv.FormatFloat(100*float64(n)/float64(len(tasks)), 'f', 2, 64)})
		}
	}
	return out
}

// stateOf maps a life_cycle_state and result_state to the picture's CSS
// class and the words shown next to the colour.
func stateOf(life, result string) (class, label string) {
	switch result {
	case "SUCCESS":
		return "st-succeeded", "succeeded"
	case "SUCCESS_WITH_FAILURES":
		return "st-succeeded", "succeeded with failures"
	case "FAILED":
		return "st-failed", "failed"
	case "TIMEDOUT":
		return "st-timedout", "timed out"
	case "CANCELED":
		return "st-canceled", "canceled"
	case "EXCLUDED":
		return "st-excluded", "excluded"
	case "DISABLED":
		return "st-excluded", "disabled"
	case "UPSTREAM_FAILED":
		return "st-upstream-failed", "upstream failed"
	case "UPSTREAM_CANCELED":
		return "st-upstream-canceled", "upstream canceled"
	case "MAXIMUM_CONCURRENT_RUNS_REACHED":
		return "st-skipped", "skipped (max concurrent runs)"
	}
	switch life {
	case "QUEUED":
		return "st-queued", "queued"
	case "PENDING":
		return "st-pending", "pending"
	case "BLOCKED":
		return "st-pending", "blocked"
	case "RUNNING":
		return "st-running", "running"
	case "TERMINATING":
		return "st-running", "terminating"
	case "WAITING_FOR_RETRY":
		return "st-waiting", "waiting for retry"
	case "SKIPPED":
		return "st-skipped", "skipped"
	case "INTERNAL_ERROR":
		return "st-failed", "internal error"
	case "TERMINATED":
		return "st-succeeded", "terminated"
	}
	return "st-none", strings.ToLower(life)
}

// glyphs give every state a shape as well as a colour.
var glyphs = map[string]string{
	"st-queued": "≡", "st-pending": "…", "st-running": "▶", "st-succeeded": "✓", "st-failed": "✕",
	"st-skipped": "↷", "st-excluded": "⊘", "st-upstream-failed": "⤓", "st-upstream-canceled": "↧",
	"st-canceled": "■", "st-timedout": "◔", "st-waiting": "↻", "st-none": "○",
}

func pictureLegend() []templates.StateCount {
	items := []struct{ class, label string }{
		{"st-queued", "queued"}, {"st-pending", "pending or blocked"}, {"st-running", "running"},
		{"st-succeeded", "succeeded"}, {"st-failed", "failed"}, {"st-skipped", "skipped"},
		{"st-excluded", "excluded"}, {"st-upstream-failed", "upstream failed"},
		{"st-upstream-canceled", "upstream canceled"}, {"st-canceled", "canceled"},
		{"st-timedout", "timed out"}, {"st-waiting", "waiting for retry"},
	}
	out := make([]templates.StateCount, len(items))
	for i, it := range items {
		out[i] = templates.StateCount{Class: it.class, Label: it.label, Glyph: glyphs[it.class]}
	}
	return out
}

// addEarlierAttempts fills in, for each repaired run, the task runs its
// repairs (and retries) replaced, from the Overview's RepairHistory and
// Earlier (its Tasks, like runs/get's tasks[], hold only the latest attempt
// of each task), grouped by the attempt of the run that produced them
// (original run, repair N), at most maxEarlierAttempts of them.
func addEarlierAttempts(v *templates.PictureView, ov workspace.Overview) {
	runs := map[int64]workspace.RunOverview{}
	for _, j := range ov.Jobs {
		for _, run := range j.Runs {
			runs[run.RunID] = run
		}
	}
	for _, run := range ov.SubmitRuns {
		runs[run.RunID] = run
	}
	fill := func(pr *templates.PictureRun) {
		run, ok := runs[pr.RunID]
		if !ok || run.RepairCount == 0 {
			return
		}
		groups, more := earlierAttempts(run)
		pr.Earlier, pr.EarlierMore = groups, more
		// Each rerun task's node says what its previous attempt was: in
		// full in its title, in short on its badge line.
		type earlier struct{ long, short string }
		prev := map[string]earlier{}
		for _, g := range groups {
			for _, a := range g.Attempts {
				prev[a.TaskKey] = earlier{
					long:  fmt.Sprintf("%s in the %s (task run %d)", a.Label, g.Label, a.RunID),
					short: "before: " + a.Label,
				}
			}
		}
		for i := range pr.DAG.Nodes {
			n := &pr.DAG.Nodes[i]
			if p, ok := prev[n.Key]; ok {
				n.Title += "; earlier attempt: " + p.long
				n.Badge = strings.TrimPrefix(n.Badge+" · "+p.short, " · ")
			}
		}
	}
	for i := range v.Jobs {
		for k := range v.Jobs[i].Runs {
			fill(&v.Jobs[i].Runs[k])
		}
	}
	for k := range v.SubmitRuns {
		fill(&v.SubmitRuns[k])
	}
}

// earlierAttempts groups run's replaced task runs by the attempt of the
// run (original run, repair N) that produced them, in repair_history
// order. more is true when there were more than maxEarlierAttempts.
func earlierAttempts(run workspace.RunOverview) (groups []templates.PictureAttemptGroup, more bool) {
	shown := 0
	for i, h := range run.RepairHistory {
		g := templates.PictureAttemptGroup{Label: "original run"}
		if i > 0 {
			g.Label = fmt.Sprintf("repair %d", i)
		}
		g.StateClass, g.StateLabel = stateOf(h.LifeCycleState, h.ResultState)
		for _, t := range run.Earlier {
			if t.RepairID != h.RepairID {
				continue
			}
			if shown == maxEarlierAttempts {
				more = true
				break
			}
			shown++
			a := templates.PictureAttempt{TaskKey: t.TaskKey, RunID: t.RunID, AttemptNumber: t.AttemptNumber,
				Href: callURL("runs-get-output", "run_id", t.RunID)}
			a.Class, a.Label = stateOf(t.LifeCycleState, t.ResultState)
			a.Glyph = glyphs[a.Class]
			g.Attempts = append(g.Attempts, a)
		}
		if len(g.Attempts) > 0 {
			groups = append(groups, g)
		}
	}
	return groups, more
}
