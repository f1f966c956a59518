package workspace

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// TestCatalogueRoutes: every emulated catalogue endpoint is routed under
// each of its versions, and every route has a catalogue entry.
func TestCatalogueRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	named := map[string]bool{}
	for _, ep := range jobsapi.All() {
		named[ep.Name] = true
		if ep.Support == jobsapi.NotEmulated {
			continue
		}
		if _, ok := routeFuncs[ep.Name]; !ok && ep.Name != "workspace/config" {
			t.Errorf("catalogue endpoint %s has no emulator route", ep.Name)
		}
		paths := ep.Paths()
		if len(paths) == 0 {
			paths = []string{ep.Path}
		}
		for _, p := range paths {
			p = strings.ReplaceAll(p, "{job_id}", "101")
			r, _ := http.NewRequest(ep.Method, "http://sandbox.test"+p, nil)
			if _, pattern := e.m.mux.Handler(r); pattern == "/" || pattern == "" {
				t.Errorf("%s %s (%s) reaches no route", ep.Method, p, ep.Name)
			}
			code, out := e.call(tokA, ep.Method, p, nil)
			if code == http.StatusNotFound && out["error_code"] == "ENDPOINT_NOT_FOUND" || code == http.StatusMethodNotAllowed || code == http.StatusNotImplemented {
				t.Errorf("%s %s: %d %v", ep.Method, p, code, out)
			}
		}
	}
	for name := range routeFuncs {
		if !named[name] {
			t.Errorf("route %s has no catalogue entry", name)
		}
	}
}

// TestLedgerCoversCatalogue: every catalogue endpoint has a ledger row with
// a note, with the catalogue's support level.
func TestLedgerCoversCatalogue(t *testing.T) {
	t.Parallel()
	rows := map[string]LedgerEntry{}
	for _, r := range Ledger() {
		rows[r.Method+" "+r.Path] = r
	}
	for _, e := range jobsapi.All() {
		r, ok := rows[e.Method+" "+e.Path]
		if !ok || r.Note == "" || r.Support != string(e.Support) {
			t.Errorf("%s (%s %s): ledger row %+v", e.Name, e.Method, e.Path, r)
		}
	}
	for name := range ledgerNotes {
		if _, ok := jobsapi.Lookup(name); !ok {
			t.Errorf("ledger note for %s, which is not in the catalogue", name)
		}
	}
}

// TestLedgerStatesDifferencesAsDifferences: every difference says what real
// workspaces do, what the sandbox does and why, and its source or (on the
// page) that it is unsourced; no note presents a sandbox shortcut as real
// behaviour (issue 11: 2.1 "whole arrays", a task run's id cancelling the
// whole run).
func TestLedgerStatesDifferencesAsDifferences(t *testing.T) {
	t.Parallel()
	all := ""
	for _, l := range Ledger() {
		for _, d := range l.Differences {
			if d.Real == "" || d.Sandbox == "" || d.Why == "" {
				t.Errorf("%s %s: incomplete difference %+v", l.Method, l.Path, d)
			}
		}
		all += l.Path + ": " + l.Text() + "\n"
	}
	for _, bad := range []string{"2.1: whole arrays", "cancels its whole run"} {
		if strings.Contains(all, bad) {
			t.Errorf("the ledger still says %q", bad)
		}
	}
	for _, want := range []string{"a task run's id cancels only that task", "hidden one-time job", "offset up to 1,000", "offset up to 10,000",
		"Resources with more than 100 tasks", "unsourced"} {
		if !strings.Contains(all, want) && !(want == "unsourced" && strings.Contains(Unsourced, want)) {
			t.Errorf("the ledger lacks %q", want)
		}
	}
}
