package workspace

import (
	"strings"
	"testing"
)

func TestDiagnose(t *testing.T) {
	ov := &Overview{Jobs: []JobOverview{{JobID: 7, Name: "etl", Runs: []RunOverview{{RunID: 42, JobID: 7}}}}}
	cases := []struct {
		name  string
		in    DiagnoseInput
		ov    *Overview
		topic string
		has   string
	}{
		{"repair active", DiagnoseInput{"runs/repair", 400, runNotActive(9)}, nil, "repair", "repaired only after it has finished"},
		{"job id as run id", DiagnoseInput{"runs/get", 400, runNotFound(7).Message}, ov, "run-endpoints", "7 is a job_id (the job etl), not a run_id."},
		{"run id as job id", DiagnoseInput{"jobs/get", 400, jobNotFound(42).Message}, ov, "job-vs-run", "42 is a run_id (a run of etl), not a job_id. jobs/get acts on the job, the definition: its id is 7."},
		{"unknown run", DiagnoseInput{"runs/get", 400, runNotFound(8).Message}, ov, "", ""},
		{"run message on a jobs endpoint", DiagnoseInput{"jobs/get", 400, runNotFound(7).Message}, ov, "", ""},
		{"no overview", DiagnoseInput{"runs/get", 400, runNotFound(7).Message}, nil, "", ""},
		{"success", DiagnoseInput{"runs/repair", 200, "still active"}, ov, "", ""},
		{"not the emulator's text", DiagnoseInput{"runs/get", 400, "Run 7x does not exist."}, ov, "", ""},
	}
	for _, c := range cases {
		d, ok := Diagnose(c.in, c.ov)
		if ok != (c.topic != "") || d.Topic != c.topic || !strings.Contains(d.Note, c.has) {
			t.Errorf("%s: %+v %v", c.name, d, ok)
		}
	}
}

// runNotActive is runs/repair's message for a run still active.
func runNotActive(id int64) string {
	return invalidState("Run %d is still active. A run can only be repaired after it has finished.", id).Message
}
