package workspace

import (
	"reflect"
	"testing"
)

// TestRunIfSkip is the run_if table: for each condition and upstream
// outcome, whether the task runs ("") or the result it is skipped with.
// Source: docs.databricks.com/en/workflows/jobs/conditional-tasks.html
// ("Run if condition options" and the note under it).
func TestRunIfSkip(t *testing.T) {
	t.Parallel()
	ok2 := upstream{deps: 2, succeeded: 2}
	oneFailed := upstream{deps: 2, succeeded: 1, failed: 1}
	allFailed := upstream{deps: 2, failed: 2}
	oneCanceled := upstream{deps: 2, succeeded: 1, canceled: 1}
	allCanceled := upstream{deps: 2, canceled: 2}
	allExcluded := upstream{deps: 2, excluded: 2}
	oneExcluded := upstream{deps: 2, succeeded: 1, excluded: 1}
	excludedAndFailed := upstream{deps: 2, failed: 1, excluded: 1}
	oneDisabled := upstream{deps: 2, succeeded: 1, disabled: 1}
	allDisabled := upstream{deps: 2, disabled: 2}
	disabledAndFailed := upstream{deps: 2, failed: 1, disabled: 1}
	none := upstream{}
	tests := []struct {
		runIf string
		up    upstream
		want  string
	}{
		{"", ok2, ""},
		{runIfAllSuccess, ok2, ""},
		{runIfAllSuccess, oneFailed, rUpstreamFailed},
		{runIfAllSuccess, oneCanceled, rUpstreamCanceled},
		{runIfAllSuccess, none, ""},
		// "Excluded tasks are skipped and are treated as successful."
		{runIfAllSuccess, oneExcluded, ""},
		{runIfAtLeastOneSuccess, excludedAndFailed, ""},
		// "If all task dependencies are excluded, the task is also
		// excluded, regardless of its Run if condition."
		{runIfAllSuccess, allExcluded, rExcluded},
		{runIfAllDone, allExcluded, rExcluded},
		{runIfNoneFailed, allExcluded, rExcluded},
		{runIfAtLeastOneFailed, allExcluded, rExcluded},
		{runIfAllDone, oneFailed, ""},
		{runIfAllDone, allFailed, ""},
		// An unmet AT_LEAST_ONE_SUCCESS or NONE_FAILED is "Upstream failed".
		{runIfNoneFailed, ok2, ""},
		{runIfNoneFailed, oneFailed, rUpstreamFailed},
		{runIfNoneFailed, oneExcluded, ""},
		{runIfNoneFailed, allCanceled, rUpstreamCanceled},
		{runIfAtLeastOneSuccess, oneFailed, ""},
		{runIfAtLeastOneSuccess, allFailed, rUpstreamFailed},
		// An unmet AT_LEAST_ONE_FAILED or ALL_FAILED is "Excluded".
		{runIfAtLeastOneFailed, oneFailed, ""},
		{runIfAtLeastOneFailed, ok2, rExcluded},
		{runIfAllFailed, allFailed, ""},
		{runIfAllFailed, oneFailed, rExcluded},
		{runIfAllFailed, excludedAndFailed, rExcluded},
		{runIfAllFailed, none, ""},
		{runIfAtLeastOneFailed, none, ""},
		// A disabled parent is neither a success nor a failure; a condition
		// unmet because of it disables the task ("Disabled tasks in
		// Lakeflow Jobs", Downstream task behavior).
		{runIfAllSuccess, oneDisabled, rDisabled},
		{runIfAllSuccess, disabledAndFailed, rUpstreamFailed},
		{runIfAtLeastOneSuccess, oneDisabled, ""},
		{runIfAtLeastOneSuccess, allDisabled, rDisabled},
		{runIfNoneFailed, oneDisabled, ""},
		{runIfNoneFailed, allDisabled, rDisabled},
		{runIfAllDone, allDisabled, ""},
		{runIfAtLeastOneFailed, oneDisabled, rDisabled},
		{runIfAtLeastOneFailed, disabledAndFailed, ""},
		{runIfAllFailed, disabledAndFailed, rDisabled},
		// A cancelled parent: the default skips as UPSTREAM_CANCELED, the
		// conditions that handle failures run.
		{runIfAllSuccess, allCanceled, rUpstreamCanceled},
		{runIfAtLeastOneFailed, oneCanceled, ""},
		{runIfAllFailed, allCanceled, ""},
		{runIfAllDone, oneCanceled, ""},
	}
	for _, tt := range tests {
		if got := runIfSkip(tt.runIf, tt.up); got != tt.want {
			t.Errorf("runIfSkip(%q, %+v) = %q, want %q", tt.runIf, tt.up, got, tt.want)
		}
	}
}

// TestUpstreamAdd: how each dependency result and condition edge counts.
func TestUpstreamAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		outcome string
		u       taskTL
		want    upstream
	}{
		{"", taskTL{result: rSuccess}, upstream{deps: 1, succeeded: 1}},
		{"", taskTL{result: rDisabled}, upstream{deps: 1, disabled: 1}},
		{"", taskTL{result: rTimedOut}, upstream{deps: 1, failed: 1}},
		{"", taskTL{result: rUpstreamFailed}, upstream{deps: 1, failed: 1}},
		{"", taskTL{result: rUpstreamCanceled}, upstream{deps: 1, canceled: 1}},
		{"", taskTL{result: rExcluded}, upstream{deps: 1, excluded: 1}},
		{"true", taskTL{result: rSuccess, outcome: "false"}, upstream{deps: 1, excluded: 1}},
		{"true", taskTL{result: rSuccess, outcome: "true"}, upstream{deps: 1, succeeded: 1}},
	}
	for _, tt := range tests {
		var got upstream
		got.add(tt.outcome, &tt.u)
		if got != tt.want {
			t.Errorf("add(%q, %s/%s) = %+v, want %+v", tt.outcome, tt.u.result, tt.u.outcome, got, tt.want)
		}
	}
}

// TestPlanAttempts: retries, fail_once across segments, timeouts, and no
// more attempts than ids allocated.
func TestPlanAttempts(t *testing.T) {
	t.Parallel()
	const d = 1000
	ids := []int64{11, 12, 13}
	tests := []struct {
		name  string
		def   task
		dur   int64
		ids   []int64
		prior int
		sim   string
		want  []attempt
	}{
		{"success", task{}, d, ids, 0, "", []attempt{{id: 11, start: 0, end: d, result: rSuccess}}},
		{"fail, no retries", task{}, d, ids, 0, "fail", []attempt{{id: 11, end: d, result: rFailed}}},
		{"fail_once retried", task{maxRetries: 2}, d, ids, 0, "fail_once", []attempt{
			{id: 11, end: d, result: rFailed, retryAt: d + d/10},
			{id: 12, number: 1, start: d + d/10, end: 2*d + d/10, result: rSuccess}}},
		{"fail_once after an earlier segment", task{}, d, ids, 1, "fail_once", []attempt{{id: 11, end: d, result: rSuccess}}},
		{"retries bounded by ids", task{maxRetries: 5}, d, ids[:2], 0, "fail", []attempt{
			{id: 11, end: d, result: rFailed, retryAt: d + d/10},
			{id: 12, number: 1, start: d + d/10, end: 2*d + d/10, result: rFailed}}},
		// min_retry_interval_millis counts from the failed attempt's start;
		// a shorter one than the attempt leaves the short visible pause.
		{"interval from the start", task{maxRetries: 1, minRetryMS: 5 * d}, d, ids, 0, "fail", []attempt{
			{id: 11, end: d, result: rFailed, retryAt: 5 * d},
			{id: 12, number: 1, start: 5 * d, end: 6 * d, result: rFailed}}},
		{"interval within the attempt", task{maxRetries: 1, minRetryMS: 10}, d, ids, 0, "fail", []attempt{
			{id: 11, end: d, result: rFailed, retryAt: d + d/10},
			{id: 12, number: 1, start: d + d/10, end: 2*d + d/10, result: rFailed}}},
		{"timeout, not retried", task{maxRetries: 1, timeoutSec: 1}, 10 * d, ids, 0, "slow", []attempt{{id: 11, end: d, result: rTimedOut}}},
		{"timeout retried", task{maxRetries: 1, timeoutSec: 1, retryOnTimeout: true, minRetryMS: 3 * d}, 10 * d, ids, 0, "slow", []attempt{
			{id: 11, end: d, result: rTimedOut, retryAt: 3 * d},
			{id: 12, number: 1, start: 3 * d, end: 4 * d, result: rTimedOut}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planAttempts(&tt.def, 0, tt.dur, d, tt.ids, tt.prior, tt.sim)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestCutTask: cancelling one task run stops only that task, at cut, with
// stop after its TERMINATING time: the attempt running or waiting for a
// retry ends CANCELED, a task not started yet is CANCELED without an
// attempt, a task that had ended is unchanged.
func TestCutTask(t *testing.T) {
	t.Parallel()
	const cut, stop = 500, 600
	tests := []struct {
		name string
		in   taskTL
		want taskTL
	}{
		{"running",
			taskTL{attempts: []attempt{{id: 1, start: 0, end: 1000, result: rSuccess}}, end: 1000, result: rSuccess},
			taskTL{attempts: []attempt{{id: 1, start: 0, end: stop, result: rCanceled}}, end: stop, result: rCanceled, cutAt: cut, canceled: true}},
		{"not started: blocked on its dependencies",
			taskTL{ready: 800, attempts: []attempt{{id: 1, start: 800, end: 1800, result: rSuccess}}, end: 1800, result: rSuccess},
			taskTL{ready: 800, skip: rCanceled, end: stop, result: rCanceled, cutAt: cut, canceled: true}},
		{"would be skipped later",
			taskTL{ready: 900, skip: rUpstreamFailed, end: 900, result: rUpstreamFailed},
			taskTL{ready: 900, skip: rCanceled, end: stop, result: rCanceled, cutAt: cut, canceled: true}},
		{"waiting for a retry: no retry follows",
			taskTL{attempts: []attempt{{id: 1, end: 400, result: rFailed, retryAt: 550}, {id: 2, number: 1, start: 550, end: 1550, result: rSuccess}}, end: 1550, result: rSuccess},
			taskTL{attempts: []attempt{{id: 1, end: stop, result: rCanceled}}, end: stop, result: rCanceled, cutAt: cut, canceled: true}},
		{"second attempt running",
			taskTL{attempts: []attempt{{id: 1, end: 200, result: rFailed, retryAt: 300}, {id: 2, number: 1, start: 300, end: 1300, result: rSuccess}}, end: 1300, result: rSuccess},
			taskTL{attempts: []attempt{{id: 1, end: 200, result: rFailed, retryAt: 300}, {id: 2, number: 1, start: 300, end: stop, result: rCanceled}}, end: stop, result: rCanceled, cutAt: cut, canceled: true}},
		{"condition outcome dropped",
			taskTL{attempts: []attempt{{id: 1, end: 1000, result: rSuccess}}, end: 1000, result: rSuccess, outcome: "true"},
			taskTL{attempts: []attempt{{id: 1, end: stop, result: rCanceled}}, end: stop, result: rCanceled, cutAt: cut, canceled: true}},
		{"already ended",
			taskTL{attempts: []attempt{{id: 1, end: 400, result: rFailed}}, end: 400, result: rFailed},
			taskTL{attempts: []attempt{{id: 1, end: 400, result: rFailed}}, end: 400, result: rFailed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			cutTask(&got, cut, stop)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestEvalCondition: EQUAL_TO and NOT_EQUAL compare strings, the ordering
// operators numbers (SDK ConditionTask.Op: "12.0" == "12" is false,
// "12.0" >= "12" is true, "10.0" >= "12" is false).
func TestEvalCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		left, op, right string
		want            bool
	}{
		{"12.0", "EQUAL_TO", "12", false},
		{"12", "EQUAL_TO", "12", true},
		{"true", "EQUAL_TO", "true", true},
		{"12.0", "NOT_EQUAL", "12", true},
		{"12.0", "GREATER_THAN_OR_EQUAL", "12", true},
		{"10.0", "GREATER_THAN_OR_EQUAL", "12", false},
		{"9", "LESS_THAN", "10", true}, // numbers, not strings ("9" > "10")
		{"10", "GREATER_THAN", "9", true},
		{"5", "LESS_THAN_OR_EQUAL", "5.0", true},
	}
	for _, tt := range tests {
		if got := evalCondition(&condTask{Left: tt.left, Op: tt.op, Right: tt.right}); got != tt.want {
			t.Errorf("%q %s %q = %v, want %v", tt.left, tt.op, tt.right, got, tt.want)
		}
	}
}
