package workspace

import (
	"fmt"
	"strings"
)

// Diagnosis is the misunderstanding a failed call shows: a drill topic id
// ("repair", "run-endpoints", "job-vs-run") and what to tell the learner.
type Diagnosis struct {
	Topic, Note string
}

// Diagnose reads the typed error of a failed call to endpoint ("runs/get",
// "jobs/reset", ...) for the misunderstandings the drills teach: repairing
// a run still active, a job_id given where a run_id goes, a run_id given
// where a job_id goes. The id mix-ups are looked up in ov (nil: not looked
// up); its jobs' runs are searched, not submit runs. A nil e, or one
// without a Reason, diagnoses nothing.
func Diagnose(endpoint string, e *Error, ov *Overview) (Diagnosis, bool) {
	if e == nil {
		return Diagnosis{}, false
	}
	switch {
	case e.Reason == ReasonRunActive && endpoint == "runs/repair":
		return Diagnosis{"repair", "A run can be repaired only after it has finished. Wait until runs/get shows it terminal (TERMINATED or INTERNAL_ERROR), or cancel it first; repair then reruns the failed tasks inside the same run."}, true
	case ov == nil:
		return Diagnosis{}, false
	case e.Reason == ReasonRunMissing && strings.HasPrefix(endpoint, "runs/"):
		for _, j := range ov.Jobs {
			if j.JobID == e.ID {
				return Diagnosis{"run-endpoints", fmt.Sprintf("%d is a job_id (the job %s), not a run_id. A job is the definition; each execution is a run with its own run_id. List them with runs/list?job_id=%d, then call %s with one of those run_ids.", e.ID, j.Name, e.ID, endpoint)}, true
			}
		}
	case e.Reason == ReasonJobMissing && !strings.HasPrefix(endpoint, "runs/"):
		for _, j := range ov.Jobs {
			for _, run := range j.Runs {
				if run.RunID == e.ID {
					return Diagnosis{"job-vs-run", fmt.Sprintf("%d is a run_id (a run of %s), not a job_id. %s acts on the job, the definition: its id is %d.", e.ID, j.Name, endpoint, j.JobID)}, true
				}
			}
		}
	}
	return Diagnosis{}, false
}
