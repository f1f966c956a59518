package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// Sandbox calls that reveal a misunderstanding move the matching drill
// items up; the page's own send action is rate limited per learner.

// mistake is a misunderstanding a call showed: the drill topic (and
// lesson section) that explains it, and what to tell the learner.
type mistake struct {
	topic, note string
}

const noteHasMore = "There is no has_more on 2.2: a response with more to fetch carries a next_page_token, and you send it back as page_token. (has_more was the 2.1 list flag.)"

// spotMistake looks for the misunderstandings the drills teach.
func (s *server) spotMistake(r *http.Request, learnerID int64, c consoleCall, out callOutcome, before *workspace.Overview, live bool) (mistake, bool) {
	if c.query.Has("has_more") || strings.Contains(c.cliLine, "--has-more") {
		return mistake{"pagination", noteHasMore}, true
	}
	if out.apiErr != nil && !live {
		// The emulator's typed error says what went wrong; a live
		// workspace's text is not parsed for it.
		var ov *workspace.Overview
		if o, err := s.workspaces.Overview(r.Context(), store.WorkspaceOf(learnerID), 1000); err == nil {
			ov = &o
		}
		return diagnose(c.call.Endpoint, out.apiErr, ov)
	}
	if c.call.Endpoint == "jobs/run-now" && before != nil && out.status == http.StatusOK {
		var body struct {
			JobID int64 `json:"job_id"`
		}
		_ = json.Unmarshal(c.call.Body, &body)
		for _, j := range before.Jobs {
			if j.JobID != body.JobID || len(j.Runs) == 0 {
				continue
			}
			last := j.Runs[0]
			failed := !last.Active && last.ResultState != "" && last.ResultState != "SUCCESS"
			if failed && !last.EndTime.IsZero() && s.now().Sub(last.EndTime) < 15*time.Minute {
				return mistake{"repair", fmt.Sprintf("Run %d of %s failed a few minutes ago. If the aim was to redo what failed, runs/repair reruns just the failed tasks inside that same run (run_id %d), keeping what succeeded; run-now starts a whole new run.", last.RunID, j.Name, last.RunID)}, true
			}
		}
	}
	return mistake{}, false
}

// diagnose reads the typed error of a failed call to endpoint ("runs/get",
// "jobs/reset", ...) for the misunderstandings the drills teach: repairing
// a run still active, a job_id given where a run_id goes, a run_id given
// where a job_id goes. The id mix-ups are looked up in ov (nil: not looked
// up); its jobs' runs are searched, not submit runs. A nil e, or one
// without a Reason, diagnoses nothing.
func diagnose(endpoint string, e *workspace.Error, ov *workspace.Overview) (mistake, bool) {
	if e == nil {
		return mistake{}, false
	}
	switch {
	case e.Reason == workspace.ReasonRunActive && endpoint == "runs/repair":
		return mistake{"repair", "A run can be repaired only after it has finished. Wait until runs/get shows it terminal (TERMINATED or INTERNAL_ERROR), or cancel it first; repair then reruns the failed tasks inside the same run."}, true
	case ov == nil:
		return mistake{}, false
	case e.Reason == workspace.ReasonRunMissing && strings.HasPrefix(endpoint, "runs/"):
		for _, j := range ov.Jobs {
			if j.JobID == e.ID {
				return mistake{"run-endpoints", fmt.Sprintf("%d is a job_id (the job %s), not a run_id. A job is the definition; each execution is a run with its own run_id. List them with runs/list?job_id=%d, then call %s with one of those run_ids.", e.ID, j.Name, e.ID, endpoint)}, true
			}
		}
	case e.Reason == workspace.ReasonJobMissing && !strings.HasPrefix(endpoint, "runs/"):
		for _, j := range ov.Jobs {
			for _, run := range j.Runs {
				if run.RunID == e.ID {
					return mistake{"job-vs-run", fmt.Sprintf("%d is a run_id (a run of %s), not a job_id. %s acts on the job, the definition: its id is %d.", e.ID, j.Name, endpoint, j.JobID)}, true
				}
			}
		}
	}
	return mistake{}, false
}

// noteMistake moves up to three drill items of the mistake's topic to the
// front of the learner's queue and returns the lesson pointer. A failure
// to move cards is logged, not shown: the call itself went through.
func (s *server) noteMistake(r *http.Request, learnerID int64, m mistake) *templates.LessonPointer {
	t, ok := quiz.TopicByID(m.topic)
	if !ok {
		return nil
	}
	lp := &templates.LessonPointer{Anchor: t.Anchor, Title: t.Title, Note: m.note}
	var ids []string
	for _, it := range s.bank.Items() {
		if it.Topic == m.topic && len(ids) < 3 {
			ids = append(ids, it.ID)
		}
	}
	now := s.now()
	fresh := quiz.Review(quiz.Card{}, quiz.Again, now, time.Time{})
	fresh.Misses = 0 // a sandbox slip is not a wrong drill answer
	n, err := s.db.MoveCardsDue(r.Context(), learnerID, ids, now, fresh)
	if err != nil {
		s.log.Error("sandbox: move drill cards", "err", err)
		return lp
	}
	lp.Moved = n
	return lp
}
