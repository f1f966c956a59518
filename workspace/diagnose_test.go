package workspace

import (
	"strings"
	"testing"
)

func TestDiagnose(t *testing.T) {
	ov := &Overview{Jobs: []JobOverview{{JobID: 7, Name: "etl", Runs: []RunOverview{{RunID: 42, JobID: 7}}}}}
	cases := []struct {
		name     string
		endpoint string
		e        *Error
		ov       *Overview
		topic    string
		has      string
	}{
		{"repair active", "runs/repair", runStillActive(9), nil, "repair", "repaired only after it has finished"},
		{"job id as run id", "runs/get", runNotFound(7), ov, "run-endpoints", "7 is a job_id (the job etl), not a run_id."},
		{"run id as job id", "jobs/get", jobNotFound(42), ov, "job-vs-run", "42 is a run_id (a run of etl), not a job_id. jobs/get acts on the job, the definition: its id is 7."},
		{"unknown run", "runs/get", runNotFound(8), ov, "", ""},
		{"run error on a jobs endpoint", "jobs/get", runNotFound(7), ov, "", ""},
		{"no overview", "runs/get", runNotFound(7), nil, "", ""},
		{"no error", "runs/repair", nil, ov, "", ""},
		{"same text, no reason", "runs/get", invalidParam("Run 7 does not exist."), ov, "", ""},
	}
	for _, c := range cases {
		d, ok := Diagnose(c.endpoint, c.e, c.ov)
		if ok != (c.topic != "") || d.Topic != c.topic || !strings.Contains(d.Note, c.has) {
			t.Errorf("%s: %+v %v", c.name, d, ok)
		}
	}
}
