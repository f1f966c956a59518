package workspace

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, openStore(t, ""), true)
	var ids []int64
	for i := 0; i < 3; i++ {
		ids = append(ids, e.createJob(tokA, map[string]any{"name": "a-only", "tasks": []any{nb("a", nil, nil)}}))
	}
	jid := ids[2]
	rid := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": jid})["run_id"])
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/2.2/jobs/get?job_id=" + itoa(jid)},
		{"GET", "/api/2.2/jobs/runs/get?run_id=" + itoa(rid)},
		{"GET", "/api/2.2/jobs/runs/get-output?run_id=" + itoa(rid+1)},
		{"GET", "/api/2.0/permissions/jobs/" + itoa(jid)},
	} {
		if code, _ := e.call(tokB, c.method, c.path, nil); code == 200 {
			t.Errorf("learner B reached %s %s", c.method, c.path)
		}
	}
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/api/2.2/jobs/delete", map[string]any{"job_id": jid}},
		{"/api/2.2/jobs/run-now", map[string]any{"job_id": jid}},
		{"/api/2.2/jobs/runs/cancel", map[string]any{"run_id": rid}},
		{"/api/2.2/jobs/update", map[string]any{"job_id": jid, "new_settings": map[string]any{"name": "x"}}},
	} {
		if code, _ := e.call(tokB, "POST", c.path, c.body); code == 200 {
			t.Errorf("learner B could POST %s", c.path)
		}
	}
	list := e.ok(tokB, "GET", "/api/2.2/jobs/list?name=a-only", nil)
	if list["jobs"] != nil {
		t.Fatalf("B sees A's jobs: %v", list)
	}
	for _, p := range []string{"/api/2.2/jobs/list", "/api//2.2/jobs/list", "/api/2.2/jobs/../jobs/list"} {
		if code, out := e.call("", "GET", p, nil); code != 403 || out["message"] != "Invalid access token." || out["error_code"] != "403" {
			t.Fatalf("no token, %s: %d %v", p, code, out)
		}
	}
}

func TestPersistence(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.db")
	db := openStore(t, path)
	e := newEnv(t, db, true)
	jid := e.createJob(tokA, map[string]any{"name": "keep", "tasks": []any{nb("a", nil, nil), nb("b", []string{"a"}, nil)}})
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": jid})
	e.clk.Add(time.Second)
	before := e.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rid), nil)
	db.Close()

	db2 := openStore(t, path)
	e2 := newEnv(t, db2, true)
	e2.clk.mu.Lock()
	e2.clk.t = t0.Add(time.Second)
	e2.clk.mu.Unlock()
	after := e2.ok(tokA, "GET", "/api/2.2/jobs/runs/get?run_id="+itoa(rid), nil)
	if !reflect.DeepEqual(taskStates(before), taskStates(after)) || life(before) != life(after) {
		t.Fatalf("timeline changed over restart: %v vs %v", taskStates(before), taskStates(after))
	}
	done := e2.runAt(tokA, rid, t0, time.Hour)
	if result(done) != "SUCCESS" {
		t.Fatalf("after restart: %v", done["state"])
	}
	j2 := e2.createJob(tokA, map[string]any{"name": "next", "tasks": []any{nb("a", nil, nil)}})
	r2 := num(e2.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": j2})["run_id"])
	if j2 <= jid || r2 <= rid {
		t.Fatalf("ids went back: job %d after %d, run %d after %d", j2, jid, r2, rid)
	}
	// reset brings the fixtures back and drops the rest
	if err := e2.m.Reset(context.Background(), "learner-1"); err != nil {
		t.Fatal(err)
	}
	if code, _ := e2.call(tokA, "GET", "/api/2.2/jobs/get?job_id="+itoa(jid), nil); code != 400 {
		t.Fatal("job survived reset")
	}
	ov, err := e2.m.Overview(context.Background(), "learner-1", 5)
	if err != nil || len(ov.Jobs) != 3 || ov.Jobs[0].Name != "nightly-etl" || len(ov.Jobs[0].Runs) != 2 {
		t.Fatalf("overview after reset: %v %+v", err, ov)
	}
	if r := ov.Jobs[0].Runs; r[0].ResultState != "SUCCESS" || r[1].ResultState != "FAILED" || len(r[1].Tasks) != 4 {
		t.Fatalf("fixture runs: %+v", r)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	big := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code, msgPart      string
	}{
		{"unknown path", "GET", "/api/2.2/nope", nil, 404, "ENDPOINT_NOT_FOUND", "No API found for 'GET /api/2.2/nope'"},
		// A path that is not clean is no API: not a redirect to the clean one.
		{"dot dot", "POST", "/api/2.2/jobs/../jobs/create", map[string]any{}, 404, "ENDPOINT_NOT_FOUND", "'POST /api/2.2/jobs/../jobs/create'"},
		{"double slash", "GET", "/api//2.2/jobs/list", nil, 404, "ENDPOINT_NOT_FOUND", "No API found"},
		{"dot segment", "GET", "/api/2.2/jobs/./list", nil, 404, "ENDPOINT_NOT_FOUND", "No API found"},
		{"not emulated", "GET", "/api/2.0/clusters/list", nil, 501, "NOT_IMPLEMENTED", "does not emulate"},
		{"wrong method", "POST", "/api/2.2/jobs/get", nil, 405, "METHOD_NOT_ALLOWED", "use GET"},
		{"missing job", "GET", "/api/2.2/jobs/get?job_id=404", nil, 400, "INVALID_PARAMETER_VALUE", "Job 404 does not exist."},
		{"missing run", "GET", "/api/2.2/jobs/runs/get?run_id=5", nil, 400, "INVALID_PARAMETER_VALUE", "Run 5 does not exist."},
		{"bad json", "POST", "/api/2.2/jobs/create", `{"name":`, 400, "MALFORMED_REQUEST", "Could not parse request object"},
		{"wrong type", "POST", "/api/2.2/jobs/run-now", `{"job_id":101,"notebook_params":"x"}`, 400, "MALFORMED_REQUEST", "Expected object for field 'notebook_params', found STRING"},
		{"too big", "POST", "/api/2.2/jobs/create", big, 400, "MALFORMED_REQUEST", "larger than"},
		{"bad limit", "GET", "/api/2.2/jobs/runs/list?limit=26", nil, 400, "INVALID_PARAMETER_VALUE", "limit"},
		{"both filters", "GET", "/api/2.2/jobs/runs/list?active_only=true&completed_only=true", nil, 400, "INVALID_PARAMETER_VALUE", "active_only"},
		{"bad token", "GET", "/api/2.2/jobs/list?page_token=zzz", nil, 400, "INVALID_PARAMETER_VALUE", "page_token"},
		{"dup key", "POST", "/api/2.2/jobs/create", map[string]any{"tasks": []any{nb("a", nil, nil), nb("a", nil, nil)}}, 400, "INVALID_PARAMETER_VALUE", "not unique"},
		{"missing dep", "POST", "/api/2.2/jobs/create", map[string]any{"tasks": []any{nb("a", []string{"zz"}, nil)}}, 400, "INVALID_PARAMETER_VALUE", "does not exist"},
		{"cycle", "POST", "/api/2.2/jobs/create", map[string]any{"tasks": []any{nb("a", []string{"b"}, nil), nb("b", []string{"a"}, nil)}}, 400, "INVALID_PARAMETER_VALUE", "cycle"},
		{"no type", "POST", "/api/2.2/jobs/create", map[string]any{"tasks": []any{map[string]any{"task_key": "a"}}}, 400, "INVALID_PARAMETER_VALUE", "task type"},
		{"submit job cluster", "POST", "/api/2.2/jobs/runs/submit", map[string]any{"tasks": []any{nb("a", nil, map[string]any{"job_cluster_key": "c"})}}, 400, "INVALID_PARAMETER_VALUE", "Shared job cluster feature is not supported in runs/submit API."},
		{"multi-task output", "GET", "/api/2.2/jobs/runs/get-output?run_id=1001", nil, 400, "INVALID_PARAMETER_VALUE", "Retrieving the output of runs with multiple tasks is not supported."},
		// Nested removal only for tasks and job clusters (SDK UpdateJob.FieldsToRemove).
		{"remove an environment", "POST", "/api/2.2/jobs/update", map[string]any{"job_id": 101, "fields_to_remove": []string{"environments/default"}}, 400, "INVALID_PARAMETER_VALUE", "only tasks/<task_key> and job_clusters/<job_cluster_key>"},
		{"remove a tag", "POST", "/api/2.2/jobs/update", map[string]any{"job_id": 101, "fields_to_remove": []string{"tags/team"}}, 400, "INVALID_PARAMETER_VALUE", "can be removed one by one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := e.call(tokA, c.method, c.path, c.body)
			if code != c.status || out["error_code"] != c.code || !strings.Contains(str(out["message"]), c.msgPart) {
				t.Fatalf("got %d %v; want %d %s %q", code, out, c.status, c.code, c.msgPart)
			}
		})
	}
	code, out := e.call("", "GET", "/.well-known/databricks-config", nil)
	if code != 200 || out["workspace_id"] != "900800700600" || out["oidc_endpoint"] != "http://sandbox.test/oidc" {
		t.Fatalf("well-known: %d %v", code, out)
	}
	if me := e.ok(tokA, "GET", "/api/2.0/preview/scim/v2/Me", nil); me["userName"] != "learner-1@sandbox.example" {
		t.Fatalf("me: %v", me)
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	// jobs/get 2.2 pages at 100; 2.1 refuses a job with more than 100 tasks (docs: large-jobs)
	p1 := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=102", nil)
	tok := str(p1["next_page_token"])
	p2 := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=102&page_token="+tok, nil)
	if len(get(p1, "settings.tasks").([]any)) != 100 || len(get(p2, "settings.tasks").([]any)) != 50 || p2["next_page_token"] != nil {
		t.Fatalf("pages: %v / %v", p1["next_page_token"], p2["next_page_token"])
	}
	if code, out := e.call(tokA, "GET", "/api/2.1/jobs/get?job_id=102", nil); code != 400 || !strings.Contains(str(out["message"]), "API 2.2") {
		t.Fatalf("2.1 jobs/get of a 150-task job: %d %v", code, out)
	}
	// runs/list: 30 runs, pages of 25 then 5, tokens run out; new runs do not shift pages
	for i := 0; i < 28; i++ {
		e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 103})
	}
	l1 := e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?limit=25", nil)
	e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 103})
	l2 := e.ok(tokA, "GET", "/api/2.2/jobs/runs/list?limit=25&page_token="+str(l1["next_page_token"]), nil)
	if len(l1["runs"].([]any)) != 25 || len(l2["runs"].([]any)) != 5 || l2["next_page_token"] != nil || l2["prev_page_token"] == nil {
		t.Fatalf("runs pages: %d, %d, %v", len(l1["runs"].([]any)), len(l2["runs"].([]any)), l2["next_page_token"])
	}
	if l1["has_more"] != nil {
		t.Fatal("2.2 list carries root has_more")
	}
	l21 := e.ok(tokA, "GET", "/api/2.1/jobs/runs/list?limit=25", nil)
	if l21["has_more"] != true {
		t.Fatal("2.1 list lacks root has_more")
	}
}

// TestGolden compares handler answers with testdata/*.json (semantically).
func TestGolden(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	rid, t0 := e.runNow(tokA, map[string]any{"job_id": 101, "job_parameters": map[string]string{"env": "dev"}})
	cases := []struct{ name, path string }{
		{"jobs_get_101", "/api/2.2/jobs/get?job_id=101"},
		{"jobs_list", "/api/2.2/jobs/list?limit=2"},
		{"runs_get_failed", "/api/2.2/jobs/runs/get?include_history=true&run_id=" + itoa(rid)},
	}
	e.clk.mu.Lock()
	e.clk.t = t0.Add(time.Hour)
	e.clk.mu.Unlock()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, raw := e.raw(tokA, "GET", c.path, nil)
			if code != 200 {
				t.Fatalf("%s: status %d: %s", c.path, code, raw)
			}
			file := filepath.Join("testdata", c.name+".json")
			var g any
			if err := json.Unmarshal(raw, &g); err != nil {
				t.Fatalf("%s: the answer is not JSON: %v\n%s", c.path, err, raw)
			}
			if *update {
				b, err := json.MarshalIndent(g, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			var w any
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatalf("%s is not JSON: %v (run with -update)", file, err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%s differs from %s:\n%s", c.path, file, raw)
			}
		})
	}
}

func FuzzHandler(f *testing.F) {
	f.Add("POST", "/api/2.2/jobs/create", `{"name":"x","tasks":[{"task_key":"a","existing_cluster_id":"c","notebook_task":{"notebook_path":"/a"}}]}`)
	f.Add("POST", "/api/2.2/jobs/run-now", `{"job_id":101,"only":["+publish"],"job_parameters":{"simulate_ingest":"fail"}}`)
	f.Add("POST", "/api/2.2/jobs/update", `{"job_id":101,"new_settings":{"tasks":[{"task_key":"x"}]},"fields_to_remove":["tasks/ingest"]}`)
	f.Add("POST", "/api/2.2/jobs/runs/repair", `{"run_id":1001,"rerun_all_failed_tasks":true}`)
	f.Add("POST", "/api/2.2/jobs/runs/submit", `{"tasks":[{"task_key":"a","depends_on":[{"task_key":"a"}]}]}`)
	f.Add("GET", "/api/2.2/jobs/runs/list?limit=0&page_token=MXxybHxufDF8MA", "")
	f.Add("GET", "/api/2.2/jobs/get?job_id=102&page_token=x", "")
	f.Add("PATCH", "/api/2.0/permissions/jobs/101", `{"access_control_list":[{"user_name":"a","permission_level":"IS_OWNER"}]}`)
	f.Add("POST", "/api/2.2/jobs/reset", `{"job_id":101,"new_settings":{"max_concurrent_runs":-1}}`)
	e := newEnv(f, nil, true)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") {
			return
		}
		req := httptest.NewRequest("GET", "http://sandbox.test/", nil)
		req.Method = method
		req.URL.Path = path
		if i := strings.IndexByte(path, '?'); i >= 0 {
			req.URL.Path, req.URL.RawQuery = path[:i], path[i+1:]
		}
		req.Body = io.NopCloser(strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokShared)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		code, raw := rec.Code, rec.Body.Bytes()
		if code >= 500 && code != 501 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, code, raw)
		}
		if !json.Valid(raw) {
			t.Fatalf("invalid JSON answer %q", raw)
		}
	})
}
