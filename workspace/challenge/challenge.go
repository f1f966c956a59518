// Package challenge defines the sandbox's graded challenges. A checker
// inspects a typed overview of the learner's workspace (jobs, runs, task
// runs, repairs) and counts only what happened after the learner started the
// challenge, so the fixtures' past runs never solve anything. The package is
// pure: no I/O, no clock of its own.
package challenge

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/workspace"
)

// MaxScore is the score of a challenge solved without hints.
const MaxScore = 100

// HintCost is what each revealed hint takes off the score.
const HintCost = 20

// Input is what a checker sees.
type Input struct {
	// Overview is the workspace at check time, with every run of every job
	// (ask workspace.Manager.Overview for a large runsPerJob).
	Overview workspace.Overview
	// StartedAt is when the learner opened the challenge.
	StartedAt time.Time
	// Answer is the learner's typed answer, for challenges that ask one.
	Answer string
	// Baseline is what Challenge.Baseline recorded at the start.
	Baseline string
}

// Result is a checker's verdict, with the reason in the learner's words.
type Result struct {
	Passed bool
	Reason string
}

// Challenge is one graded task.
type Challenge struct {
	ID           string
	Title        string
	Goal         string
	Section      string // anchor in the lesson
	SectionTitle string
	Lesson       string // the lesson's slug; "" = jobs-api
	AnswerLabel  string // non-empty: the check form asks for an answer
	Hints        []string
	Curl, CLI    string // the solution; {job:NAME} stands for that job's id
	// Start is the request body the console starts from when opened from
	// the challenge: the endpoint's shape with the IDs filled in ({job:NAME},
	// {failed:NAME} for that job's newest failed run), never the answer, so
	// pressing Send as it comes does not solve the challenge.
	Start string

	baseline func(workspace.Overview) string
	check    func(Input) Result
}

// Baseline records the facts the checker compares against later ("" when
// the challenge needs none).
func (c Challenge) Baseline(ov workspace.Overview) string {
	if c.baseline == nil {
		return ""
	}
	return c.baseline(ov)
}

// Check grades the learner's workspace.
func (c Challenge) Check(in Input) Result { return c.check(in) }

// LessonURL is the lesson section the challenge practises.
func (c Challenge) LessonURL() string {
	lesson := c.Lesson
	if lesson == "" {
		lesson = "jobs-api"
	}
	return "/lessons/" + lesson + "#" + c.Section
}

// Fill replaces {job:NAME} in s with the id of the learner's job of that
// name (the oldest, if several share it), or JOB_ID when there is none,
// and {failed:NAME} with the id of that job's newest failed run, or
// RUN_ID when there is none.
func Fill(s string, ov workspace.Overview) string {
	for {
		i := strings.Index(s, "{failed:")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			break
		}
		id := "RUN_ID"
		if job, ok := firstJob(ov, s[i+8:i+j]); ok {
			for _, r := range job.Runs {
				if r.ResultState == "FAILED" || r.LifeCycleState == "INTERNAL_ERROR" {
					id = strconv.FormatInt(r.RunID, 10)
					break
				}
			}
		}
		s = s[:i] + id + s[i+j+1:]
	}
	for {
		i := strings.Index(s, "{job:")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return s
		}
		name := s[i+5 : i+j]
		id := "JOB_ID"
		if job, ok := firstJob(ov, name); ok {
			id = strconv.FormatInt(job.JobID, 10)
		}
		s = s[:i] + id + s[i+j+1:]
	}
}

// Score is what solving earns after hintsUsed hints; revealing the
// solution before solving earns nothing.
func Score(hintsUsed int, solutionSeen bool) int {
	if solutionSeen {
		return 0
	}
	return max(MaxScore-HintCost*hintsUsed, 0)
}

// ByID finds a challenge.
func ByID(id string) (Challenge, bool) {
	for _, c := range All() {
		if c.ID == id {
			return c, true
		}
	}
	return Challenge{}, false
}

func pass(format string, args ...any) Result {
	return Result{Passed: true, Reason: fmt.Sprintf(format, args...)}
}

func fail(format string, args ...any) Result {
	return Result{Reason: fmt.Sprintf(format, args...)}
}

// since reports whether t is at or after the challenge start. A run not
// started yet (zero time) is new by definition.
func since(t, start time.Time) bool { return t.IsZero() || !t.Before(start) }

func firstJob(ov workspace.Overview, name string) (workspace.JobOverview, bool) {
	for _, j := range ov.Jobs {
		if j.Name == name {
			return j, true
		}
	}
	return workspace.JobOverview{}, false
}

// newRuns lists a job's runs started since the challenge began, newest first.
func newRuns(j workspace.JobOverview, start time.Time) []workspace.RunOverview {
	var out []workspace.RunOverview
	for _, r := range j.Runs {
		if since(r.StartTime, start) {
			out = append(out, r)
		}
	}
	return out
}

// allRuns lists every job run and submit run with its job (nil for submit runs).
type ownedRun struct {
	run workspace.RunOverview
	job *workspace.JobOverview
}

func allRuns(ov workspace.Overview) []ownedRun {
	var out []ownedRun
	for i := range ov.Jobs {
		for _, r := range ov.Jobs[i].Runs {
			out = append(out, ownedRun{r, &ov.Jobs[i]})
		}
	}
	for _, r := range ov.SubmitRuns {
		out = append(out, ownedRun{r, nil})
	}
	return out
}

// downstream adds to set every task that depends, directly or not, on one in it.
func downstream(ts []workspace.TaskRunOverview, set map[string]bool) {
	for changed := true; changed; {
		changed = false
		for _, t := range ts {
			if set[t.TaskKey] {
				continue
			}
			if slices.ContainsFunc(t.DependsOn, func(d string) bool { return set[d] }) {
				set[t.TaskKey], changed = true, true
			}
		}
	}
}

func quoteList(keys []string) string {
	return strings.Join(keys, ", ")
}
