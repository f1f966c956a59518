package templates

import "context"

// PictureView is the run picture: the learner's jobs, their newest runs and
// each run's task runs as a small DAG.
type PictureView struct {
	Meta    PageMeta
	Polling bool // something is active: the fragment refreshes itself
	// WatchHref, when nothing is active, is what the fragment polls to
	// learn of a change made anywhere (curl, the CLI, another tab): the
	// server answers 204 while the workspace version is unchanged.
	WatchHref  string
	Jobs       []PictureJob
	SubmitRuns []PictureRun
	Legend     []StateCount
	// TotalJobs and TotalSubmitRuns count them all; the picture draws
	// only the newest, and the More hrefs (set when some are left out)
	// open the list call that pages through every one.
	TotalJobs          int
	TotalSubmitRuns    int
	MoreJobsHref       string
	MoreSubmitRunsHref string
}

// PictureJob is one job in the picture.
type PictureJob struct {
	JobID             int64
	Name              string
	Href              string // the call that shows it (jobs/get in the console)
	TaskCount         int
	TotalRuns         int
	Schedule          string
	Paused            bool
	MaxConcurrentRuns int
	Graph             DAGView // the job's task graph, without states
	Runs              []PictureRun
}

// PictureRun is one run: header facts and its task runs.
type PictureRun struct {
	RunID      int64
	Href       string // the call that shows it (runs/get in the console)
	Name       string
	RunType    string
	Trigger    string
	LifeCycle  string
	Result     string
	Message    string
	StateClass string
	StateLabel string
	Active     bool
	Start      string
	Duration   string
	Repairs    int
	TaskCount  int
	// HistoryHref is runs/get?include_history=true in the console, for a
	// repaired run: repair_history lists every attempt's task runs.
	HistoryHref string
	// Earlier are the task runs that repairs replaced, by the attempt that
	// ran them (empty when they could not be looked up).
	Earlier     []PictureAttemptGroup
	EarlierMore bool // more replaced task runs than were looked up
	DAG         DAGView
	Collapsed   bool         // too many tasks: summary bar first, DAG behind <details>
	Summary     []StateCount // task runs counted by state (collapsed runs)
}

// PictureAttemptGroup is one attempt of a run (the original run or a
// repair) with the task runs of it that a later repair replaced.
type PictureAttemptGroup struct {
	Label      string // "original run", "repair 1"
	StateClass string
	StateLabel string // how that attempt of the run ended
	Attempts   []PictureAttempt
}

// PictureAttempt is one replaced task run.
type PictureAttempt struct {
	TaskKey       string
	RunID         int64
	AttemptNumber int
	Class, Label  string
	Glyph         string
	Href          string // runs/get-output for it in the console
}

// DAGView is a server-drawn task graph.
type DAGView struct {
	ID    string
	Label string // aria-label: what the picture shows, in words
	// Desc is the text alternative listing each task (and its state, and
	// what it runs after), for a DAG small enough to list.
	Desc          string
	Width, Height int
	Nodes         []DAGNode
	Edges         []DAGEdge
	// Stages are the node indexes of each column, left to right: on a
	// phone they are stacked top to bottom. nil for a DAG too big to show
	// that way (it keeps only the SVG).
	Stages [][]int
	// Folded, for a DAG not drawn (too large, or the page's drawing
	// budget spent), says so with its counts: "1,000 tasks, 39,180
	// dependencies: too large to draw here (…)". Nodes and Edges are then
	// empty, and FullHref opens FullCall ("runs/get"), which lists it all.
	Folded   string
	FullHref string
	FullCall string
}

// DAGNode is one task (run) box.
type DAGNode struct {
	Index       int
	Key, Short  string
	X, Y, W, H  int
	Class       string
	Glyph       string
	StateLabel  string
	Badge       string // "repair 1 · before: failed", "attempt_number 2"; drawn on a third line
	Href, Title string
	After       string // the task keys it depends on, "ingest, transform" (the stacked view)
}

// DAGEdge is one depends_on arrow, as an SVG path.
type DAGEdge struct {
	Path string
}

// StateCount is a state with its colour class, words and (in summaries) a count.
type StateCount struct {
	Class, Label, Glyph string
	Count               int
	Percent             string
}

// DAGSize is how many bytes of HTML the picture spends on d, drawn: the
// picture charges it to its drawing budget. It returns 0 for a folded d.
func DAGSize(d DAGView) int {
	if d.Folded != "" {
		return 0
	}
	var n byteCounter
	_ = dagDrawn(d).Render(context.Background(), &n)
	return int(n)
}

// byteCounter counts what is written to it.
type byteCounter int

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}
