package workspace

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// DiagnoseInput is one API call that failed: the endpoint as the handler
// names it ("runs/get", "jobs/reset", ...), the HTTP status and the error
// message the emulator answered with.
type DiagnoseInput struct {
	Endpoint string
	Status   int
	Message  string
}

// Diagnosis is the misunderstanding a failed call shows: a drill topic id
// ("repair", "run-endpoints", "job-vs-run") and what to tell the learner.
type Diagnosis struct {
	Topic, Note string
}

// Diagnose reads a failed call's error for the misunderstandings the
// drills teach: repairing a run still active, a job_id given where a run_id
// goes, a run_id given where a job_id goes. The id mix-ups are looked up in
// ov (nil: not looked up); its jobs' runs are searched, not submit runs.
func Diagnose(in DiagnoseInput, ov *Overview) (Diagnosis, bool) {
	if in.Status < http.StatusBadRequest {
		return Diagnosis{}, false
	}
	ep := in.Endpoint
	if ep == "runs/repair" && strings.Contains(in.Message, "still active") {
		return Diagnosis{"repair", "A run can be repaired only after it has finished. Wait until runs/get shows it terminal (TERMINATED or INTERNAL_ERROR), or cancel it first; repair then reruns the failed tasks inside the same run."}, true
	}
	if ov == nil {
		return Diagnosis{}, false
	}
	if id, ok := missingID(in.Message, "Run"); ok && strings.HasPrefix(ep, "runs/") {
		for _, j := range ov.Jobs {
			if j.JobID == id {
				return Diagnosis{"run-endpoints", fmt.Sprintf("%d is a job_id (the job %s), not a run_id. A job is the definition; each execution is a run with its own run_id. List them with runs/list?job_id=%d, then call %s with one of those run_ids.", id, j.Name, id, ep)}, true
			}
		}
	}
	if id, ok := missingID(in.Message, "Job"); ok && !strings.HasPrefix(ep, "runs/") {
		for _, j := range ov.Jobs {
			for _, run := range j.Runs {
				if run.RunID == id {
					return Diagnosis{"job-vs-run", fmt.Sprintf("%d is a run_id (a run of %s), not a job_id. %s acts on the job, the definition: its id is %d.", id, j.Name, ep, j.JobID)}, true
				}
			}
		}
	}
	return Diagnosis{}, false
}

// missingID reads the id out of a message that starts like jobNotFound's
// (noun "Job") or runNotFound's (noun "Run"): "<noun> <digits> does not
// exist.".
func missingID(msg, noun string) (int64, bool) {
	rest, ok := strings.CutPrefix(msg, noun+" ")
	if !ok {
		return 0, false
	}
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 || !strings.HasPrefix(rest[n:], " does not exist.") {
		return 0, false
	}
	id, err := strconv.ParseInt(rest[:n], 10, 64)
	return id, err == nil
}
