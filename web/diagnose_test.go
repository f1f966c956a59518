package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jobs-api-trainer/trainer/workspace"
)

func TestDiagnose(t *testing.T) {
	t.Parallel()
	ov := &workspace.Overview{Jobs: []workspace.JobOverview{{JobID: 7, Name: "etl", Runs: []workspace.RunOverview{{RunID: 42, JobID: 7}}}}}
	apiErr := func(r workspace.Reason, id int64) *workspace.Error {
		return &workspace.Error{Status: http.StatusBadRequest, Code: "INVALID_PARAMETER_VALUE", Reason: r, ID: id}
	}
	cases := []struct {
		name     string
		endpoint string
		e        *workspace.Error
		ov       *workspace.Overview
		topic    string
		has      string
	}{
		{"repair active", "runs/repair", apiErr(workspace.ReasonRunActive, 9), nil, "repair", "repaired only after it has finished"},
		{"job id as run id", "runs/get", apiErr(workspace.ReasonRunMissing, 7), ov, "run-endpoints", "7 is a job_id (the job etl), not a run_id."},
		{"run id as job id", "jobs/get", apiErr(workspace.ReasonJobMissing, 42), ov, "job-vs-run", "42 is a run_id (a run of etl), not a job_id. jobs/get acts on the job, the definition: its id is 7."},
		{"unknown run", "runs/get", apiErr(workspace.ReasonRunMissing, 8), ov, "", ""},
		{"run error on a jobs endpoint", "jobs/get", apiErr(workspace.ReasonRunMissing, 7), ov, "", ""},
		{"no overview", "runs/get", apiErr(workspace.ReasonRunMissing, 7), nil, "", ""},
		{"no error", "runs/repair", nil, ov, "", ""},
		{"same text, no reason", "runs/get", apiErr("", 7), ov, "", ""},
	}
	for _, c := range cases {
		d, ok := diagnose(c.endpoint, c.e, c.ov)
		if ok != (c.topic != "") || d.topic != c.topic || !strings.Contains(d.note, c.has) {
			t.Errorf("%s: %+v %v", c.name, d, ok)
		}
	}
}
