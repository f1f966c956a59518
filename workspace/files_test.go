package workspace

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const homeA = "/Users/learner-1@sandbox.example"

// importFile posts body to import-file the way the CLI does: the path
// (without its leading slash) escaped into one segment.
func (e *env) importFile(tok, p, body string, overwrite bool) (int, map[string]any) {
	e.t.Helper()
	u := "/api/2.0/workspace-files/import-file/" + url.PathEscape(strings.TrimLeft(p, "/"))
	if overwrite {
		u += "?overwrite=true"
	} else {
		u += "?overwrite=false"
	}
	return e.call(tok, "POST", u, body)
}

func (e *env) status(tok, p string) (int, map[string]any) {
	e.t.Helper()
	return e.call(tok, "GET", "/api/2.0/workspace/get-status?path="+url.QueryEscape(p)+"&return_export_info=true", nil)
}

// TestFilesBundleSequence replays what `databricks bundle deploy` does
// with the deployment state and lock (shared reference, section 10): the
// missing state is a 404, an import into a missing folder a 404 until
// mkdirs, the lock a 409 the second time, the state read back raw, and the
// bundle root removed recursively by destroy.
func TestFilesBundleSequence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, openStore(t, ""), true)
	root := "/Workspace" + homeA + "/.bundle/demo/dev"

	code, out := e.status(tokA, root+"/state/resources.json")
	if code != 404 || out["error_code"] != "RESOURCE_DOES_NOT_EXIST" || out["message"] != "Path ("+root+"/state/resources.json) doesn't exist." {
		t.Fatalf("missing state: %d %v", code, out)
	}
	code, out = e.importFile(tokA, root+"/state/deploy.lock", `{"id":"a"}`, false)
	if code != 404 || out["error_code"] != "RESOURCE_DOES_NOT_EXIST" || !strings.Contains(str(out["message"]), "parent folder") {
		t.Fatalf("import without parent: %d %v", code, out)
	}
	e.ok(tokA, "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": root + "/state"})
	if code, out = e.importFile(tokA, root+"/state/deploy.lock", `{"id":"a"}`, false); code != 200 {
		t.Fatalf("lock: %d %v", code, out)
	}
	code, out = e.importFile(tokA, root+"/state/deploy.lock", `{"id":"b"}`, false)
	if code != 409 || out["error_code"] != "RESOURCE_ALREADY_EXISTS" {
		t.Fatalf("second lock: %d %v", code, out)
	}
	// The first lock holder's bytes are still there, read both ways.
	code, raw := e.raw(tokA, "GET", "/api/2.0/workspace-files/"+url.PathEscape(strings.TrimLeft(root+"/state/deploy.lock", "/")), nil)
	if code != 200 || string(raw) != `{"id":"a"}` {
		t.Fatalf("read lock: %d %q", code, raw)
	}
	code, raw = e.raw(tokA, "GET", "/api/2.0/workspace/export?direct_download=true&path="+url.QueryEscape(homeA+"/.bundle/demo/dev/state/deploy.lock"), nil)
	if code != 200 || string(raw) != `{"id":"a"}` {
		t.Fatalf("export lock: %d %q", code, raw)
	}
	exp := e.ok(tokA, "GET", "/api/2.0/workspace/export?path="+url.QueryEscape(root+"/state/deploy.lock"), nil)
	if b, _ := base64.StdEncoding.DecodeString(str(exp["content"])); string(b) != `{"id":"a"}` || exp["file_type"] != "lock" {
		t.Fatalf("export JSON: %v", exp)
	}
	if code, out = e.importFile(tokA, root+"/state/deploy.lock", `{"id":"c"}`, true); code != 200 {
		t.Fatalf("overwrite: %d %v", code, out)
	}
	st := e.ok(tokA, "GET", "/api/2.0/workspace/get-status?path="+url.QueryEscape(root+"/state/deploy.lock"), nil)
	if st["object_type"] != "FILE" || st["path"] != root+"/state/deploy.lock" || num(st["size"]) != 10 || num(st["object_id"]) == 0 {
		t.Fatalf("get-status: %v", st)
	}
	// The same object without the /Workspace mount, echoed that way.
	st2 := e.ok(tokA, "GET", "/api/2.0/workspace/get-status?path="+url.QueryEscape(homeA+"/.bundle/demo/dev/state/deploy.lock"), nil)
	if st2["path"] != homeA+"/.bundle/demo/dev/state/deploy.lock" || num(st2["object_id"]) != num(st["object_id"]) {
		t.Fatalf("get-status without mount: %v", st2)
	}
	ls := e.ok(tokA, "GET", "/api/2.0/workspace/list?path="+url.QueryEscape(root), nil)
	if objs, _ := ls["objects"].([]any); len(objs) != 1 || get(ls, "objects.0.path") != root+"/state" || get(ls, "objects.0.object_type") != "DIRECTORY" {
		t.Fatalf("list: %v", ls)
	}
	ls = e.ok(tokA, "GET", "/api/2.0/workspace/list?path="+url.QueryEscape(root+"/state/deploy.lock"), nil)
	if get(ls, "objects.0.path") != root+"/state/deploy.lock" {
		t.Fatalf("list of a file is the file: %v", ls)
	}
	code, out = e.call(tokA, "POST", "/api/2.0/workspace/delete", map[string]any{"path": root})
	if code != 400 || out["error_code"] != "DIRECTORY_NOT_EMPTY" {
		t.Fatalf("delete without recursive: %d %v", code, out)
	}
	e.ok(tokA, "POST", "/api/2.0/workspace/delete", map[string]any{"path": root, "recursive": true})
	for _, p := range []string{root, root + "/state", root + "/state/deploy.lock"} {
		if code, out := e.status(tokA, p); code != 404 {
			t.Errorf("%s after destroy: %d %v", p, code, out)
		}
	}
	if code, _ := e.status(tokA, "/Workspace"+homeA+"/.bundle/demo"); code != 200 {
		t.Errorf("the bundle folder above the target went too")
	}
	code, out = e.call(tokA, "POST", "/api/2.0/workspace/delete", map[string]any{"path": root})
	if code != 404 || out["error_code"] != "RESOURCE_DOES_NOT_EXIST" {
		t.Fatalf("delete twice: %d %v", code, out)
	}
}

// TestFilesNotebooks: an .ipynb, or a .py with the notebook header, is
// stored as a NOTEBOOK without its extension; a plain .py stays a FILE.
func TestFilesNotebooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	e.ok(tokA, "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": homeA + "/b/src"})
	e.importFile(tokA, homeA+"/b/src/ingest.ipynb", `{"cells":[]}`, true)
	e.importFile(tokA, homeA+"/b/src/report.py", "# Databricks notebook source\nprint(1)\n", true)
	e.importFile(tokA, homeA+"/b/src/lib.py", "def f(): pass\n", true)
	for p, want := range map[string]string{"/b/src/ingest": "NOTEBOOK", "/b/src/report": "NOTEBOOK", "/b/src/lib.py": "FILE"} {
		code, st := e.status(tokA, homeA+p)
		if code != 200 || st["object_type"] != want {
			t.Errorf("%s: %d %v, want %s", p, code, st, want)
		}
		if want == "NOTEBOOK" && st["language"] != "PYTHON" {
			t.Errorf("%s: language %v", p, st["language"])
		}
	}
	if code, _ := e.status(tokA, homeA+"/b/src/ingest.ipynb"); code != 404 {
		t.Errorf("the .ipynb name exists too")
	}
}

// TestFilesBadInput: each bad request gets a Databricks-shaped error and
// stores nothing (issue 15, "Bad input").
func TestFilesBadInput(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, openStore(t, ""), Limits{MaxFileBytes: 1000, MaxFilesBytes: 1500})
	e.ok(tokA, "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": homeA + "/d"})
	e.importFile(tokA, homeA+"/d/f.txt", "x", false)
	tests := []struct {
		name, method, path string
		body               any
		code               int
		errCode, msg       string
	}{
		{"dot dot", "GET", "/api/2.0/workspace/get-status?path=" + url.QueryEscape(homeA+"/d/../d"), nil, 400, "INVALID_PARAMETER_VALUE", "'..'"},
		{"relative", "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": "Users/x"}, 400, "INVALID_PARAMETER_VALUE", "doesn't start with '/'"},
		{"empty segment", "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": homeA + "//x"}, 400, "INVALID_PARAMETER_VALUE", "empty"},
		{"no path", "GET", "/api/2.0/workspace/list", nil, 400, "INVALID_PARAMETER_VALUE", "path"},
		{"dot dot in import", "POST", "/api/2.0/workspace-files/import-file/" + url.PathEscape("Users/learner-1@sandbox.example/d/../../x") + "?overwrite=true", "x", 400, "INVALID_PARAMETER_VALUE", "'..'"},
		{"folder through a file", "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": homeA + "/d/f.txt/sub"}, 400, "RESOURCE_ALREADY_EXISTS", "not a folder"},
		{"file under a file", "POST", "/api/2.0/workspace-files/import-file/" + url.PathEscape("Users/learner-1@sandbox.example/d/f.txt/g") + "?overwrite=true", "x", 400, "INVALID_PARAMETER_VALUE", "not a folder"},
		{"file over a folder", "POST", "/api/2.0/workspace-files/import-file/" + url.PathEscape("Users/learner-1@sandbox.example/d") + "?overwrite=true", "x", 400, "RESOURCE_ALREADY_EXISTS", "folder"},
		{"read a folder", "GET", "/api/2.0/workspace-files/Users/learner-1@sandbox.example/d", nil, 400, "INVALID_PARAMETER_VALUE", "folder"},
		{"delete home", "POST", "/api/2.0/workspace/delete", map[string]any{"path": homeA, "recursive": true}, 403, "PERMISSION_DENIED", "/Shared"},
		{"write in another home", "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": "/Users/learner-2@sandbox.example/x"}, 403, "PERMISSION_DENIED", ""},
		{"another learner's path", "GET", "/api/2.0/workspace/get-status?path=" + url.QueryEscape("/Users/learner-2@sandbox.example/secret"), nil, 404, "RESOURCE_DOES_NOT_EXIST", ""},
		{"file too large", "POST", "/api/2.0/workspace-files/import-file/" + url.PathEscape("Users/learner-1@sandbox.example/d/big") + "?overwrite=true", strings.Repeat("x", 1001), 400, "INVALID_PARAMETER_VALUE", "1000 bytes"},
		{"files quota", "POST", "/api/2.0/workspace-files/import-file/" + url.PathEscape("Users/learner-1@sandbox.example/d/g") + "?overwrite=true", strings.Repeat("x", 1000), 200, "", ""},
		{"files quota past", "POST", "/api/2.0/workspace-files/import-file/" + url.PathEscape("Users/learner-1@sandbox.example/d/h") + "?overwrite=true", strings.Repeat("x", 600), 400, "QUOTA_EXCEEDED", "1500"},
		{"bad overwrite", "POST", "/api/2.0/workspace-files/import-file/" + url.PathEscape("Users/learner-1@sandbox.example/d/i") + "?overwrite=maybe", "x", 400, "MALFORMED_REQUEST", "overwrite"},
		{"bad JSON", "POST", "/api/2.0/workspace/delete", "[1]", 400, "MALFORMED_REQUEST", "ARRAY"},
	}
	for _, tt := range tests {
		code, out := e.call(tokA, tt.method, tt.path, tt.body)
		if code != tt.code || (tt.errCode != "" && out["error_code"] != tt.errCode) || !strings.Contains(str(out["message"]), tt.msg) {
			t.Errorf("%s: %d %v, want %d %s %q", tt.name, code, out, tt.code, tt.errCode, tt.msg)
		}
	}
	ls := e.ok(tokA, "GET", "/api/2.0/workspace/list?path="+url.QueryEscape(homeA+"/d"), nil)
	if objs, _ := ls["objects"].([]any); len(objs) != 2 {
		t.Errorf("after the bad calls %s/d holds %v, want f.txt and g only", homeA, ls)
	}
}

// TestFilesHugeBody: a 100 MB import is refused after reading only the
// per-file limit, with the file-size 400; nothing is stored.
func TestFilesHugeBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, openStore(t, ""), false)
	e.ok(tokA, "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": homeA + "/d"})
	counter := &countingReader{r: io.LimitReader(zeros{}, 100<<20)}
	req := httptest.NewRequest("POST", "http://sandbox.test/api/2.0/workspace-files/import-file/"+url.PathEscape(strings.TrimLeft(homeA+"/d/huge", "/"))+"?overwrite=true", counter)
	req.Header.Set("Authorization", "Bearer "+tokA)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "INVALID_PARAMETER_VALUE") || !strings.Contains(rec.Body.String(), "per workspace file") {
		t.Fatalf("100 MB import: %d %s", rec.Code, rec.Body)
	}
	if counter.n > DefaultLimits().MaxFileBytes+64<<10 {
		t.Errorf("read %d bytes of the body, want about the limit", counter.n)
	}
	if code, _ := e.status(tokA, homeA+"/d/huge"); code != 404 {
		t.Errorf("the huge file was stored")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestFilesIsolatedPersistedReset: files are per workspace, survive a
// restart (a new Manager on the same store), and a reset removes them.
func TestFilesIsolatedPersistedReset(t *testing.T) {
	t.Parallel()
	st := openStore(t, "")
	e := newEnv(t, st, true)
	e.ok(tokA, "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": "/Shared/team"})
	e.importFile(tokA, "/Shared/team/a.yml", "a: 1", false)
	if code, out := e.status(tokB, "/Shared/team/a.yml"); code != 404 {
		t.Fatalf("learner B sees A's file: %d %v", code, out)
	}
	e2 := newEnv(t, st, true)
	code, raw := e2.raw(tokA, "GET", "/api/2.0/workspace-files/Shared/team/a.yml", nil)
	if code != 200 || string(raw) != "a: 1" {
		t.Fatalf("after restart: %d %q", code, raw)
	}
	if err := e2.m.Reset(context.Background(), "learner-1"); err != nil {
		t.Fatal(err)
	}
	if code, _ := e2.status(tokA, "/Shared/team"); code != 404 {
		t.Errorf("reset kept the files")
	}
	if code, _ := newEnv(t, st, true).status(tokA, "/Shared/team/a.yml"); code != 404 {
		t.Errorf("reset kept the stored files")
	}
}

// TestFilesImplicitFolders: every workspace has /, /Users, the caller's
// home and /Shared, listed and described like folders.
func TestFilesImplicitFolders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	for _, p := range []string{"/", "/Workspace", "/Users", homeA, "/Workspace" + homeA, "/Shared"} {
		code, st := e.status(tokA, p)
		if code != 200 || st["object_type"] != "DIRECTORY" || st["path"] != p {
			t.Errorf("%s: %d %v", p, code, st)
		}
	}
	ls := e.ok(tokA, "GET", "/api/2.0/workspace/list?path=/Users", nil)
	if objs, _ := ls["objects"].([]any); len(objs) != 1 || get(ls, "objects.0.path") != homeA {
		t.Errorf("/Users lists %v, want only the caller's home", ls)
	}
	if out := e.ok(tokA, "GET", "/api/2.0/workspace/list?path="+url.QueryEscape(homeA), nil); len(out) != 0 {
		t.Errorf("empty home lists %v, want {}", out)
	}
}

// TestTelemetryAccepted: POST /telemetry-ext answers what the CLI expects
// and stores nothing; without a token it is a 403 like the API.
func TestTelemetryAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	out := e.ok(tokA, "POST", "/telemetry-ext", map[string]any{"uploadTime": 1, "items": []any{}, "protoLogs": []string{"{}", "{}"}})
	if num(out["numProtoSuccess"]) != 2 || out["errors"] == nil {
		t.Errorf("telemetry: %v", out)
	}
	if code, _ := e.call("", "POST", "/telemetry-ext", map[string]any{}); code != http.StatusForbidden {
		t.Errorf("telemetry without a token: %d", code)
	}
}

// TestOverviewBundles: a metadata.json in a state folder (what bundle
// deploy uploads) is a bundle deployment in the overview, with its jobs
// resolved; once its root is deleted (bundle destroy) it is gone.
func TestOverviewBundles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, openStore(t, ""), true)
	id := e.createJob(tokA, map[string]any{"name": "[dev learner-1] etl", "tasks": []any{nb("a", nil, nil)}})
	root := homeA + "/.bundle/demo/dev"
	e.ok(tokA, "POST", "/api/2.0/workspace/mkdirs", map[string]any{"path": root + "/state"})
	md := `{"version":1,"config":{"bundle":{"name":"demo","target":"dev","mode":"development"},"workspace":{"file_path":"` + root +
		`/files"},"resources":{"jobs":{"etl":{"id":"` + itoa(id) + `"},"gone":{"id":"99999"}}}}}`
	if code, out := e.importFile(tokA, "/Workspace"+root+"/state/metadata.json", md, true); code != 200 {
		t.Fatalf("import: %d %v", code, out)
	}
	ov, err := e.m.Overview(context.Background(), "learner-1", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Bundles) != 1 {
		t.Fatalf("bundles: %+v", ov.Bundles)
	}
	b := ov.Bundles[0]
	if b.Name != "demo" || b.Target != "dev" || b.Mode != "development" || b.RootPath != "/Workspace"+root || len(b.Jobs) != 2 {
		t.Fatalf("bundle: %+v", b)
	}
	if j := b.Jobs[0]; j.Key != "etl" || j.JobID != id || !j.Exists || j.Name != "[dev learner-1] etl" {
		t.Errorf("job etl: %+v", j)
	}
	if j := b.Jobs[1]; j.Key != "gone" || j.Exists {
		t.Errorf("job gone: %+v", j)
	}
	e.ok(tokA, "POST", "/api/2.0/workspace/delete", map[string]any{"path": root, "recursive": true})
	if ov, _ := e.m.Overview(context.Background(), "learner-1", 1); len(ov.Bundles) != 0 {
		t.Errorf("bundles after destroy: %+v", ov.Bundles)
	}
}
