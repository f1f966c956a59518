package quiz_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/quiz"
)

// TestEmbeddedBank lints and loads the real bank in data/bank, as
// `go run . bank lint` does.
func TestEmbeddedBank(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := quiz.LintCommand(&out, data.FS, nil, nil)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := quiz.Load(data.FS, "bank")
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() < 150 {
		t.Errorf("bank has %d items, want at least 150", b.Len())
	}
}

// TestBankDrillsEveryLessonFact checks that each fact the lesson teaches
// (issue 2's list) is drilled by at least three items. An item drills a
// fact when its stem, options, key and explanation together match every
// pattern of the fact.
func TestBankDrillsEveryLessonFact(t *testing.T) {
	t.Parallel()
	b, _ := realContent(t)
	facts := []struct {
		name     string
		patterns []string
	}{
		{"a job is the definition", []string{`definition`}},
		{"a run is one execution", []string{`execution`}},
		{"tasks configured in a job is a job question", []string{`configured`}},
		{"did last night's execution succeed is a run question", []string{`last night|succeed`}},
		{"GET jobs/get", []string{`jobs/get\b`}},
		{"GET jobs/list", []string{`jobs/list\b`}},
		{"POST jobs/create for external systems", []string{`jobs/create`, `(?i)external|outside|service|portal|ticketing|airflow|script`}},
		{"POST run-now", []string{`run-now`}},
		{"GET runs/list for the statuses of all runs", []string{`runs/list`}},
		{"GET runs/get", []string{`runs/get\b(?:[^-]|$)`}},
		{"runs/repair reruns failed tasks in the same run", []string{`runs/repair|repair-run`, `same run`}},
		{"next_page_token", []string{`next_page_token`}},
		{"page_token sent back", []string{`[^_]page_token`}},
		{"100 per response", []string{`\b100\b`}},
		{"a 150-task job", []string{`\b150\b`}},
		{"has_more is gone in 2.2", []string{`has_more`}},
		{"2.1 still appears", []string{`2\.1`}},
		{"UI: exploring, not repeatable", []string{`\bUI\b`, `repeat`}},
		{"bundles are the production standard", []string{`(?i)bundle`, `production`}},
		{"REST API for external systems", []string{`REST`, `external`}},
		{"CLI for ad-hoc work and debugging", []string{`CLI`, `ad-hoc|debug`}},
		{"databricks jobs list", []string{`databricks jobs list\b(?:[^-]|$)`}},
		{"databricks jobs get", []string{`databricks jobs get\b(?:[^-]|$)`}},
		{"databricks jobs run-now", []string{`databricks jobs run-now`}},
		{"databricks jobs list-runs", []string{`databricks jobs list-runs`}},
		{"positional IDs vs legacy --job-id", []string{`--job-id`, `positional`}},
		{"databricks bundle run -t", []string{`bundle run`, `-t `}},
		// Issue 15: the bundle lifecycle and what a target changes.
		{"deploy before bundle run", []string{`bundle deploy`, `bundle run`}},
		{"development mode names jobs [dev <user>]", []string{`\[dev `}},
		{"destroy removes one target's deployment", []string{`destroy`, `target`}},
		{"development mode pauses schedules", []string{`(?i)development`, `(?i)paused?\b`}},
		// Issue 12: 2.2 changed two things; queueing by default is drilled too.
		{"2.2-created jobs queue by default (QUEUED vs SKIPPED)", []string{`(?i)queue`, `QUEUED|queued`, `SKIPPED|skipped`}},
		{"update replaces top-level fields", []string{`jobs/update|\bupdate\b`, `top-level`}},
		// The second lesson, /lessons/jobs-orchestration.
		{"run_if values", []string{`ALL_SUCCESS|ALL_DONE|NONE_FAILED|AT_LEAST_ONE_FAILED`}},
		{"downstream of a failure: UPSTREAM_FAILED", []string{`UPSTREAM_FAILED`}},
		{"nothing is rolled back", []string{`(?i)roll(ed)? back|keep their effects|stay`, `(?i)succeed`}},
		{"retries: max_retries and friends", []string{`max_retries`}},
		{"retries show as attempts", []string{`attempt_number|WAITING_FOR_RETRY|new task run`}},
		{"timeouts", []string{`timeout`}},
		{"job vs task parameters", []string{`(?i)job parameter`, `(?i)task parameter|base_parameters`}},
		{"notebooks read parameters with widgets", []string{`dbutils\.widgets\.get|widgets`}},
		{"task values", []string{`taskValues|task value`}},
		{"if/else and for-each tasks", []string{`condition_task|for_each_task`}},
		{"triggers", []string{`file_arrival|file arrival|table_update|table update|continuous|pause_status`}},
		{"notifications", []string{`notification`}},
		{"permission levels", []string{`CAN_MANAGE_RUN|CAN_VIEW|IS_OWNER`}},
		{"run_as", []string{`run_as`}},
		{"job clusters vs all-purpose vs serverless", []string{`(?i)job cluster|job_clusters|all-purpose|serverless`}},
		{"run history retention", []string{`60 days|365 days|system\.lakeflow`}},
	}
	for _, f := range facts {
		res := make([]*regexp.Regexp, len(f.patterns))
		for i, p := range f.patterns {
			res[i] = regexp.MustCompile(p)
		}
		n := 0
		for _, it := range b.Items() {
			text := strings.Join(append(append([]string{it.Stem, it.Key, it.Explanation}, it.Options...), it.Keys...), "\n")
			all := true
			for _, re := range res {
				all = all && re.MatchString(text)
			}
			if all {
				n++
			}
		}
		if n < 3 {
			t.Errorf("%s: drilled by %d items, want at least 3", f.name, n)
		}
	}
}

// TestAllTopicsSessionInterleaves: a new learner's all-topics session of 20
// mixes topics from the start (it used to walk the bank in lesson order:
// 30 job-or-run items, then 20 job-verb items), and keeps every
// classify/endpoint pair back to back.
func TestAllTopicsSessionInterleaves(t *testing.T) {
	t.Parallel()
	b, _ := realContent(t)
	ids := quiz.Queue(b, nil, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), quiz.QueueOptions{Size: 20})
	topics := map[string]bool{}
	run, longest := 0, 0
	prev := ""
	for i, id := range ids {
		it, _ := b.Item(id)
		topics[it.Topic] = true
		if it.Topic == prev {
			run++
		} else {
			run = 1
		}
		longest = max(longest, run)
		prev = it.Topic
		if it.Kind == quiz.Classify {
			if _, ep, ok := b.Pair(it.Scenario); ok && (i+1 >= len(ids) || ids[i+1] != ep.ID) {
				t.Errorf("classify %s is not followed by its endpoint item %s", id, ep.ID)
			}
		}
	}
	if len(topics) < 5 || longest > 2 {
		t.Errorf("20 new items span %d topics with up to %d in a row of one topic: %v", len(topics), longest, ids)
	}
}
