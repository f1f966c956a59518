package web

import (
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// The sandbox's example bundle (data/bundle): what the Bundles panel offers
// and what the real-CLI test deploys.
var bundleFiles = []string{"databricks.yml", "src/ingest.py", "src/report.py"}

// bundleHostPlaceholder is the host written in data/bundle/databricks.yml;
// BundleFile replaces it with the learner's.
const bundleHostPlaceholder = "host: http://127.0.0.1:8080"

// BundleFile is one file of the example bundle with host (the address
// clients reach the sandbox at, scheme included) as its workspace host.
func BundleFile(text, host string) string {
	return strings.Replace(text, bundleHostPlaceholder, "host: "+host, 1)
}

// handleBundleFile serves GET /sandbox/bundle/{file...}: a file of the
// example bundle, as a download, with this server's host filled in. It
// holds no secret, so it needs no learner.
func (s *server) handleBundleFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	known := false
	for _, f := range bundleFiles {
		known = known || f == name
	}
	b, err := fs.ReadFile(data.FS, "bundle/"+name)
	if !known || err != nil {
		s.handleNotFound(w, r)
		return
	}
	base := name[strings.LastIndex(name, "/")+1:]
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+base+`"`)
	w.Write([]byte(BundleFile(string(b), s.baseURL(r))))
}

// handleJobLink serves GET /jobs/{job_id}, the job URL that `databricks
// bundle summary` prints (<host>/jobs/<id>?w=<workspace id>; databricks/cli
// v1.12.1 bundle/config/mutator/initialize_urls.go): it sends the learner
// to the sandbox console with jobs/get of that job filled in, sent on load
// (sentCallURL).
func (s *server) handleJobLink(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("job_id"), 10, 64)
	if err != nil || id <= 0 {
		s.handleNotFound(w, r)
		return
	}
	http.Redirect(w, r, sentCallURL("jobs-get", "job_id", id), http.StatusSeeOther)
}

// handleRunLink serves GET /jobs/{job_id}/runs/{run_id}, the run URL that
// `databricks bundle run` prints (<host>/jobs/<job>/runs/<run>?o=<workspace
// id>, made from run_page_url by databricks/cli v1.12.1
// libs/workspaceurls/urls.go ModernizeJobRunPageURL): it sends the learner to
// the sandbox console with runs/get of that run filled in and sent on load.
// The emulator's own run_page_url (<host>/?o=<id>#job/<job>/run/<run>, the
// real shape) reaches it from the home page (static/app.js), since a
// fragment never reaches the server.
func (s *server) handleRunLink(w http.ResponseWriter, r *http.Request) {
	job, err1 := strconv.ParseInt(r.PathValue("job_id"), 10, 64)
	run, err2 := strconv.ParseInt(r.PathValue("run_id"), 10, 64)
	if err1 != nil || err2 != nil || job <= 0 || run <= 0 {
		s.handleNotFound(w, r)
		return
	}
	http.Redirect(w, r, sentCallURL("runs-get", "run_id", run), http.StatusSeeOther)
}

// bundlesView builds the Bundles panel from the learner's workspace (a
// visitor's preview has no bundles).
func (s *server) bundlesView(r *http.Request) (templates.BundlesView, error) {
	host := s.baseURL(r)
	v := templates.BundlesView{Host: host}
	setup := []string{"mkdir -p trainer_demo/src && cd trainer_demo"}
	for _, f := range bundleFiles {
		href := "/sandbox/bundle/" + f
		v.Files = append(v.Files, templates.BundleFileLink{Name: f, Href: href})
		setup = append(setup, "curl -fsS -o "+f+" "+host+href)
	}
	v.Setup = strings.Join(setup, "\n")
	v.Commands = strings.Join([]string{
		"databricks bundle validate -t dev",
		"databricks bundle deploy -t dev",
		"databricks bundle run nightly_etl -t dev",
		"databricks bundle summary -t dev",
		"databricks bundle deploy -t prod",
		"databricks bundle run nightly_etl -t prod",
		"databricks bundle destroy -t dev --auto-approve",
	}, "\n")
	ov, err := s.overview(r, workspace.Window{Jobs: 1, RunsPerJob: 1, SubmitRuns: 1})
	if err != nil {
		return v, err
	}
	for _, b := range ov.Bundles {
		d := templates.DeployedBundle{Name: b.Name, Target: b.Target, Mode: b.Mode, RootPath: b.RootPath,
			DeployedAt: b.DeployedAt.Format("2006-01-02 15:04:05 UTC")}
		for _, j := range b.Jobs {
			d.Jobs = append(d.Jobs, templates.DeployedBundleJob{Key: j.Key, Name: j.Name, JobID: j.JobID, Exists: j.Exists,
				Href: callURL("jobs-get", "job_id", j.JobID), RunsHref: callURL("runs-list", "job_id", j.JobID)})
		}
		v.Deployed = append(v.Deployed, d)
	}
	return v, nil
}
