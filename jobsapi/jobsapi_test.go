package jobsapi

import "testing"

// TestFilesSideIsNotJobsAPI: the workspace files bundles use are in the
// catalogue (routes and the fidelity ledger derive from it) but are not
// Jobs API endpoints: Match, Methods and so live mode never take them.
func TestFilesSideIsNotJobsAPI(t *testing.T) {
	t.Parallel()
	files := 0
	for _, e := range All() {
		if e.Side != Files {
			continue
		}
		files++
		if e.Jobs() {
			t.Errorf("%s counts as a Jobs API endpoint", e.Name)
		}
	}
	if files != 7 {
		t.Errorf("%d Files endpoints, want 7 (get-status, mkdirs, import-file, read, export, list, delete)", files)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/2.0/workspace/get-status?path=/Users"},
		{"POST", "/api/2.0/workspace-files/import-file/Users/me/x"},
		{"POST", "/telemetry-ext"},
	} {
		if e, ok := Match(c.method, c.path); ok {
			t.Errorf("Match(%s %s) = %s, want no Jobs API endpoint", c.method, c.path, e.Name)
		}
	}
	if e, ok := Lookup("workspace-files/import-file"); !ok || !e.RawBody {
		t.Errorf("import-file: %+v, want a raw body", e)
	}
}

// TestPathMatchRest: a final {name...} matches one or more segments, never
// none.
func TestPathMatchRest(t *testing.T) {
	t.Parallel()
	p := "/api/2.0/workspace-files/import-file/{path...}"
	for path, want := range map[string]bool{
		"/api/2.0/workspace-files/import-file/a":       true,
		"/api/2.0/workspace-files/import-file/a/b/c":   true,
		"/api/2.0/workspace-files/import-file/":        false,
		"/api/2.0/workspace-files/import-file":         false,
		"/api/2.0/workspace-files/other/a":             false,
		"/api/2.2/jobs/get":                            false,
		"/api/2.0/workspace-files/import-file/a%2Fb/c": true,
	} {
		if got := pathMatch(p, path); got != want {
			t.Errorf("pathMatch(%s) = %v, want %v", path, got, want)
		}
	}
	if !pathMatch("/api/2.0/permissions/jobs/{job_id}", "/api/2.0/permissions/jobs/101") {
		t.Error("a one-segment parameter no longer matches")
	}
}
