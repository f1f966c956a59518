package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
	"github.com/jobs-api-trainer/trainer/workspace/challenge"
)

// checkRunsPerJob asks the overview for every run a learner can plausibly
// have: checkers count runs (failed runs of nightly-etl) and look for new
// ones among all of them. Runs too big to draw come without their task
// runs (MaxRunSize: pictureMaxRunSize), which no checker reads: a workspace
// of dense 1,000-task runs would otherwise make every check work out
// every task run's state.
const checkRunsPerJob = 10000

// maxAnswerLen bounds the typed answer kept with each check.
const maxAnswerLen = 200

// challengeEndpoints is the console endpoint each challenge practises:
// its "Open the sandbox" link preselects it.
var challengeEndpoints = map[string]string{
	"two-task-job":        "jobs-create",
	"report-run-id":       "run-now",
	"count-failed-runs":   "runs-list",
	"repair-failed-task":  "runs-repair",
	"page-150-tasks":      "jobs-get",
	"cancel-slow-run":     "runs-cancel",
	"update-not-reset":    "jobs-update",
	"submit-one-time":     "runs-submit",
	"job-params-override": "run-now",
	"cleanup-all-done":    "jobs-create",
	"retry-flaky-task":    "jobs-create",
	"pause-schedule":      "jobs-update",
}

// challengePanels is the sandbox page panel a challenge solved outside the
// console opens instead (the bundle challenges: the Bundles panel).
var challengePanels = map[string]string{
	"bundle-run-dev":       "bundles-panel",
	"bundle-prod-survives": "bundles-panel",
}

// challengeSandboxURL opens the console on the endpoint the challenge
// practises, starting from the challenge's own body (its shape and IDs,
// not its answer) when it has one instead of the console's example, which
// may be a solution; or the panel it is solved from (the plain page for
// neither).
func challengeSandboxURL(c challenge.Challenge, ov workspace.Overview) string {
	if panel, ok := challengePanels[c.ID]; ok {
		return "/sandbox#" + panel
	}
	ep, ok := challengeEndpoints[c.ID]
	if !ok {
		return "/sandbox"
	}
	q := url.Values{"ep": {ep}}
	if c.Start != "" {
		q.Set("p_body", challenge.Fill(c.Start, ov))
	}
	return "/sandbox?" + q.Encode() + "#call-panel"
}

func statusLabel(status string) string {
	switch status {
	case store.ChallengeSolved:
		return "solved"
	case store.ChallengeStarted:
		return "started"
	}
	return "not started"
}

func (s *server) handleChallenges(w http.ResponseWriter, r *http.Request) {
	l, _ := learnerFrom(r.Context())
	results, err := s.db.ChallengeResults(r.Context(), l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := templates.ChallengeListView{Meta: s.meta(r, "Challenges", "sandbox")}
	for _, c := range challenge.All() {
		res := results[c.ID]
		v.Items = append(v.Items, templates.ChallengeItem{
			ID: c.ID, Title: c.Title, Goal: c.Goal, Href: "/sandbox/challenges/" + c.ID,
			Status: res.Status, StatusLabel: statusLabel(res.Status), Score: res.Score,
			SectionTitle: c.SectionTitle, LessonTo: c.LessonURL(),
		})
		v.MaxScore += challenge.MaxScore
		v.Score += res.Score
		if res.Status == store.ChallengeSolved {
			v.Solved++
		}
	}
	s.render(w, r, http.StatusOK, templates.Challenges(v))
}

// challengeFrom resolves {id}, answering 404 for an unknown one.
func (s *server) challengeFrom(w http.ResponseWriter, r *http.Request) (challenge.Challenge, bool) {
	c, ok := challenge.ByID(r.PathValue("id"))
	if !ok {
		s.fail(w, r, store.ErrNotFound)
	}
	return c, ok
}

// start opens the challenge for the learner (recording the start time and
// the checker's baseline the first time) and returns their standing.
func (s *server) startChallenge(r *http.Request, c challenge.Challenge, ov workspace.Overview) (store.ChallengeResult, error) {
	l, _ := learnerFrom(r.Context())
	return s.db.StartChallenge(r.Context(), l.ID, c.ID, c.Baseline(ov), s.now())
}

func (s *server) handleChallengeShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.challengeFrom(w, r)
	if !ok {
		return
	}
	ov, err := s.overview(r, workspace.Window{RunsPerJob: 5, MaxRunSize: pictureMaxRunSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A visitor who has not acted yet reads the challenge; it starts with
	// their first check, hint or restart.
	var res store.ChallengeResult
	if _, ok := learnerFrom(r.Context()); ok {
		if res, err = s.startChallenge(r, c, ov); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderChallenge(w, r, c, res, ov)
}

// renderChallenge shows the page, or only its body to htmx.
func (s *server) renderChallenge(w http.ResponseWriter, r *http.Request, c challenge.Challenge, res store.ChallengeResult, ov workspace.Overview) {
	l, _ := learnerFrom(r.Context())
	checks, err := s.db.ChallengeChecks(r.Context(), l.ID, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := templates.ChallengeView{
		ID: c.ID, Title: c.Title, Goal: c.Goal, SectionTitle: c.SectionTitle, LessonTo: c.LessonURL(),
		Status: res.Status, StatusLabel: statusLabel(res.Status),
		StartedAt: res.StartedAt.UTC().Format("15:04:05 UTC, 2 Jan"),
		Score:     res.Score, MaxScore: challenge.MaxScore, HintCost: challenge.HintCost,
		Potential:   challenge.Score(res.HintsUsed, res.SolutionSeen),
		AnswerLabel: c.AnswerLabel, HintsTotal: len(c.Hints), SolutionSeen: res.SolutionSeen,
		Checks: res.Checks, SandboxURL: challengeSandboxURL(c, ov),
	}
	v.Hints = c.Hints[:min(res.HintsUsed, len(c.Hints))]
	if res.SolutionSeen {
		v.Curl, v.CLI = challenge.Fill(c.Curl, ov), challenge.Fill(c.CLI, ov)
	}
	if n := len(checks); n > 0 {
		last := checks[n-1]
		v.Last = &templates.ChallengeCheckView{Passed: last.Passed, Reason: last.Reason}
		v.Answer = last.Answer
	}
	if isHTMX(r) {
		s.render(w, r, http.StatusOK, templates.ChallengeBody(v))
		return
	}
	v.Meta = s.meta(r, c.Title, "sandbox")
	s.render(w, r, http.StatusOK, templates.Challenge(v))
}

// afterPost answers a challenge form: the new body to htmx, a 303 back to
// the challenge (with a flash) to a plain form.
func (s *server) afterPost(w http.ResponseWriter, r *http.Request, c challenge.Challenge, res store.ChallengeResult, ov workspace.Overview, flash string) {
	if isHTMX(r) {
		s.renderChallenge(w, r, c, res, ov)
		return
	}
	s.redirectFlash(w, r, "/sandbox/challenges/"+c.ID, flash)
}

func (s *server) handleChallengeCheck(w http.ResponseWriter, r *http.Request) {
	c, ok := s.challengeFrom(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ov, err := s.overview(r, workspace.Window{RunsPerJob: checkRunsPerJob, MaxRunSize: pictureMaxRunSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A check without opening the page starts the challenge now: nothing
	// done before counts.
	res, err := s.startChallenge(r, c, ov)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answer := strings.TrimSpace(r.PostFormValue("answer"))
	if len(answer) > maxAnswerLen {
		answer = strings.ToValidUTF8(answer[:maxAnswerLen], "") // never keep half a rune
	}
	if c.AnswerLabel != "" && answer == "" {
		s.fail(w, r, badRequest{"This challenge needs an answer: " + c.AnswerLabel + "."})
		return
	}
	got := c.Check(challenge.Input{Overview: ov, StartedAt: res.StartedAt, Answer: answer, Baseline: res.Baseline})
	l, _ := learnerFrom(r.Context())
	res, err = s.db.RecordChallengeCheck(r.Context(), l.ID, c.ID, store.ChallengeCheck{
		Passed: got.Passed, Reason: got.Reason, Answer: answer, Score: challenge.Score(res.HintsUsed, res.SolutionSeen),
	}, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash := "Not yet: " + got.Reason
	if got.Passed {
		flash = "Passed: " + got.Reason
	}
	s.afterPost(w, r, c, res, ov, flash)
}

func (s *server) handleChallengeHint(w http.ResponseWriter, r *http.Request) {
	s.challengeChange(w, r, func(l store.Learner, c challenge.Challenge, _ workspace.Overview) (store.ChallengeResult, error) {
		return s.db.RevealChallengeHint(r.Context(), l.ID, c.ID, len(c.Hints))
	})
}

func (s *server) handleChallengeSolution(w http.ResponseWriter, r *http.Request) {
	s.challengeChange(w, r, func(l store.Learner, c challenge.Challenge, _ workspace.Overview) (store.ChallengeResult, error) {
		return s.db.RevealChallengeSolution(r.Context(), l.ID, c.ID)
	})
}

func (s *server) handleChallengeRestart(w http.ResponseWriter, r *http.Request) {
	s.challengeChange(w, r, func(l store.Learner, c challenge.Challenge, ov workspace.Overview) (store.ChallengeResult, error) {
		return s.db.RestartChallenge(r.Context(), l.ID, c.ID, c.Baseline(ov), s.now())
	})
}

// challengeChange applies change to the challenge (starting it first if
// needed) and answers like afterPost.
func (s *server) challengeChange(w http.ResponseWriter, r *http.Request, change func(store.Learner, challenge.Challenge, workspace.Overview) (store.ChallengeResult, error)) {
	c, ok := s.challengeFrom(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ov, err := s.overview(r, workspace.Window{RunsPerJob: 5, MaxRunSize: pictureMaxRunSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.startChallenge(r, c, ov); err != nil {
		s.fail(w, r, err)
		return
	}
	l, _ := learnerFrom(r.Context())
	res, err := change(l, c, ov)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.afterPost(w, r, c, res, ov, "")
}
