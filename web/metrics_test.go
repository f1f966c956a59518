package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jobs-api-trainer/trainer/web"
)

// metricsText fetches /metrics.
func metricsText(t *testing.T, a *app) (int, string) {
	t.Helper()
	res, err := http.Get(a.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// metricValue returns the value of the sample named series (name and
// labels exactly as exposed), and whether it is there.
func metricValue(text, series string) (float64, bool) {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}

// TestMetrics drives pages, a drill answer, the emulator over HTTP and
// through the console, then reads /metrics: requests by route pattern and
// status, latency, emulator calls by endpoint and error code, SQLite
// writes and answer batches, loaded workspaces, and nothing that names a
// learner, a token or a path value.
func TestMetrics(t *testing.T) {
	t.Parallel()
	a := newTestServer(t, testOpts{Web: web.Options{Metrics: true}})
	bank := testBank(t)
	a.get("/lessons/jobs-api")
	a.get("/lessons/no-such-lesson")
	a.get("/no/such/page")
	path := a.startDrill("pagination", 5)
	q := readQuestion(t, a.get(path))
	if r := a.postForm(path+"/answer", answerForm(q, answerKey(t, bank, q.item))); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d", r.status)
	}
	tok := tokenFromPage(t, a)
	if status, _ := a.api("GET", "/api/2.2/jobs/list", tok, ""); status != 200 {
		t.Fatalf("jobs/list: %d", status)
	}
	if status, _ := a.api("GET", "/api/2.2/jobs/get?job_id=987654321", tok, ""); status < 400 {
		t.Fatalf("jobs/get of a missing job: %d", status)
	}
	if status, _ := a.api("GET", "/api/2.2/jobs/list", "dapi-not-a-token", ""); status < 400 {
		t.Fatalf("jobs/list with a bad token: %d", status)
	}
	a.send("/sandbox/send", url.Values{"ep": {"jobs-list"}})

	status, text := metricsText(t, a)
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	atLeast := []struct {
		series string
		min    float64
	}{
		{`trainer_http_requests_total{route="GET /lessons/{slug}",status="200"}`, 1},
		{`trainer_http_requests_total{route="GET /lessons/{slug}",status="404"}`, 1},
		{`trainer_http_requests_total{route="other",status="404"}`, 1},
		{`trainer_http_requests_total{route="POST /drill/s/{id}/answer",status="303"}`, 1},
		{`trainer_http_requests_total{route="GET /api/2.2/jobs/list",status="200"}`, 1},
		{`trainer_http_request_duration_seconds_count{route="GET /drill/s/{id}"}`, 1},
		{`trainer_emulator_calls_total{endpoint="jobs/list",error_code=""}`, 2}, // HTTP and console
		{`trainer_emulator_calls_total{endpoint="jobs/get",error_code="INVALID_PARAMETER_VALUE"}`, 1},
		{`trainer_sqlite_answer_batch_size_count`, 1},
		{`trainer_sqlite_answer_batch_size_sum`, 1},
		{`trainer_sqlite_write_seconds_count{kind="answers"}`, 1},
		{`trainer_sqlite_write_seconds_count{kind="tx"}`, 1},
		{`trainer_workspaces_loaded`, 1},
	}
	for _, tt := range atLeast {
		if v, ok := metricValue(text, tt.series); !ok || v < tt.min {
			t.Errorf("%s = %v (present %v), want at least %v", tt.series, v, ok, tt.min)
		}
	}
	// The bad token's call is refused with a Databricks error code, whatever it is.
	if !regexp.MustCompile(`trainer_emulator_calls_total\{endpoint="jobs/list",error_code="[A-Z0-9_]+"\} 1`).MatchString(text) {
		t.Errorf("the refused token's call is not counted with its error code:\n%s", regexp.MustCompile(`(?m)^trainer_emulator.*$`).FindAllString(text, -1))
	}
	for _, secret := range []string{tok, "dapi-not-a-token", path, "987654321", "no-such-lesson", "learner-"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics exposes %q", secret)
		}
	}
}

func TestMetricsOff(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if status, text := metricsText(t, a); status != http.StatusNotFound || strings.Contains(text, "trainer_http_requests_total") {
		t.Errorf("/metrics with metrics off: %d %.200s", status, text)
	}
}
