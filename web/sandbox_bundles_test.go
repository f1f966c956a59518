package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// TestBundlesPanel: the sandbox page offers the example bundle (files with
// this server's host, setup and commands) and, once the learner's
// workspace holds a deployment (what bundle deploy uploads: metadata.json
// in the target's state folder), lists it with its job; another learner
// sees nothing of it.
func TestBundlesPanel(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	r := a.get("/sandbox")
	if got := r.text(`[data-testid="bundles-none"]`); !strings.Contains(got, "Nothing deployed yet") {
		t.Errorf("empty panel: %q", got)
	}
	setup := r.text(`[data-testid="bundle-setup"]`)
	if !strings.Contains(setup, "curl -fsS -o databricks.yml "+a.srv.URL+"/sandbox/bundle/databricks.yml") {
		t.Errorf("setup: %q", setup)
	}
	if cmds := r.text(`[data-testid="bundle-commands"]`); !strings.Contains(cmds, "databricks bundle run nightly_etl -t dev") ||
		!strings.Contains(cmds, "databricks bundle destroy -t dev --auto-approve") {
		t.Errorf("commands: %q", cmds)
	}
	res, err := http.Get(a.srv.URL + "/sandbox/bundle/databricks.yml")
	if err != nil {
		t.Fatal(err)
	}
	yml, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(yml), "host: "+a.srv.URL+"\n") || !strings.Contains(string(yml), "nightly_etl:") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `filename="databricks.yml"`) {
		t.Errorf("databricks.yml: %d %s\n%s", res.StatusCode, res.Header, yml)
	}
	if res, _ := http.Get(a.srv.URL + "/sandbox/bundle/../bank/cli.yaml"); res.StatusCode != 404 {
		t.Errorf("a file outside the bundle: %d", res.StatusCode)
	}

	// A dev deployment, as bundle deploy leaves it.
	code, job := a.api("POST", "/api/2.2/jobs/create", tok, `{"name":"[dev learner] nightly-etl-bundle","tasks":[{"task_key":"ingest","notebook_task":{"notebook_path":"/x"}}]}`)
	if code != 200 {
		t.Fatalf("create: %d %v", code, job)
	}
	id := int64(job["job_id"].(float64))
	user := userOf(t, a, tok)
	root := "/Workspace/Users/" + user + "/.bundle/trainer_demo/dev"
	if code, out := a.api("POST", "/api/2.0/workspace/mkdirs", tok, `{"path":"`+root+`/state"}`); code != 200 {
		t.Fatalf("mkdirs: %d %v", code, out)
	}
	md := fmt.Sprintf(`{"version":1,"config":{"bundle":{"name":"trainer_demo","target":"dev","mode":"development"},"resources":{"jobs":{"nightly_etl":{"id":"%d"}}}}}`, id)
	if code, out := a.api("POST", "/api/2.0/workspace-files/import-file/"+url.PathEscape(strings.TrimPrefix(root, "/")+"/state/metadata.json")+"?overwrite=true", tok, md); code != 200 {
		t.Fatalf("import: %d %v", code, out)
	}
	r = a.get("/sandbox")
	row := r.text(`[data-testid="bundle-trainer_demo-dev"]`)
	for _, want := range []string{"trainer_demo", "development", root, "nightly_etl", "[dev learner] nightly-etl-bundle", fmt.Sprintf("job_id %d", id)} {
		if !strings.Contains(row, want) {
			t.Errorf("deployed row lacks %q: %q", want, row)
		}
	}
	if href, _ := r.doc().Find(`[data-testid="bundle-job"] a`).First().Attr("href"); !strings.Contains(href, fmt.Sprintf("p_job_id=%d", id)) {
		t.Errorf("job link %q", href)
	}
	// The job URL bundle summary prints leads to the console's jobs/get.
	if lr := a.get(fmt.Sprintf("/jobs/%d?w=900800700600", id)); lr.status != http.StatusSeeOther ||
		!strings.Contains(lr.header.Get("Location"), fmt.Sprintf("ep=jobs-get&p_job_id=%d", id)) {
		t.Errorf("/jobs/%d: %d %v", id, lr.status, lr.header)
	}
	// So does the run URL bundle run prints; a link that is not one is a 404.
	if lr := a.get(fmt.Sprintf("/jobs/%d/runs/1015?o=900800700600", id)); lr.status != http.StatusSeeOther ||
		!strings.Contains(lr.header.Get("Location"), "ep=runs-get&p_run_id=1015") {
		t.Errorf("/jobs/%d/runs/1015: %d %v", id, lr.status, lr.header)
	} else if f := a.get(lr.header.Get("Location")).doc().Find(`#call-form`); f.Length() != 1 || f.AttrOr("data-autosend", "no") == "no" {
		t.Errorf("the run URL's console does not send runs/get on load")
	}
	for _, bad := range []string{"/jobs/x/runs/1", "/jobs/1/runs/-2", "/jobs/1/runs/99999999999999999999"} {
		if lr := a.get(bad); lr.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, lr.status)
		}
	}
	// Another learner of the same server sees none of it.
	jar, _ := cookiejar.New(nil)
	other := &app{t: t, db: a.db, srv: a.srv, c: &http.Client{Jar: jar, CheckRedirect: a.c.CheckRedirect}}
	otherTok := tokenFromPage(t, other)
	if n := other.get("/sandbox").doc().Find(`[data-testid="bundles-deployed"]`).Length(); n != 0 || otherTok == tok {
		t.Errorf("another learner sees %d deployments", n)
	}
	if code, out := other.api("GET", "/api/2.0/workspace/get-status?path="+url.QueryEscape(root), otherTok, ""); code != 404 {
		t.Errorf("another learner's get-status of %s: %d %v", root, code, out)
	}
}

// TestFidelityListsWorkspaceFiles: /sandbox/fidelity has a row per
// workspace-files endpoint, with its note and source, and the file limits.
func TestFidelityListsWorkspaceFiles(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/sandbox/fidelity")
	ledger := r.text(`[data-testid="ledger"]`)
	for _, want := range []string{"/api/2.0/workspace/get-status", "/api/2.0/workspace/mkdirs", "/api/2.0/workspace-files/import-file/{path...}",
		"/api/2.0/workspace-files/{path...}", "/api/2.0/workspace/export", "/api/2.0/workspace/list", "/api/2.0/workspace/delete",
		"/telemetry-ext", "deploy lock", "DIRECTORY_NOT_EMPTY", "libs/filer/workspace_files_client.go"} {
		if !strings.Contains(ledger, want) {
			t.Errorf("the ledger lacks %q", want)
		}
	}
	limits := r.text(`[data-testid="limits"]`)
	for _, want := range []string{"Size of one workspace file", "4 MiB", "Workspace file contents per workspace", "16 MiB"} {
		if !strings.Contains(limits, want) {
			t.Errorf("the limits table lacks %q", want)
		}
	}
}

func userOf(t *testing.T, a *app, tok string) string {
	t.Helper()
	code, me := a.api("GET", "/api/2.0/preview/scim/v2/Me", tok, "")
	if code != 200 {
		t.Fatalf("me: %d %v", code, me)
	}
	return me["userName"].(string)
}
