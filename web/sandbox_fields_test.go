package web_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// consoleKeys maps a catalogue endpoint name to its console key (from the
// picker's links, whose title is the summary and text the name).
func consoleKeys(t *testing.T, a *app) map[string]string {
	t.Helper()
	r := a.get("/sandbox")
	out := map[string]string{}
	r.doc().Find(`[data-testid="endpoint-picker"] a[data-testid^="ep-"]`).Each(func(_ int, s *goquery.Selection) {
		key := strings.TrimPrefix(s.AttrOr("data-testid", ""), "ep-")
		out[strings.TrimSpace(s.Find(".ep-name").Text())] = key
	})
	return out
}

func TestConsoleFieldListPerEndpoint(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	keys := consoleKeys(t, a)
	required := map[string][]string{"jobs/get": {"job_id"}, "jobs/delete": {"job_id"}, "jobs/reset": {"job_id", "new_settings"},
		"jobs/run-now": {"job_id"}, "runs/get": {"run_id"}, "runs/cancel": {"run_id"}, "runs/repair": {"run_id"},
		"runs/get-output": {"run_id"}, "runs/delete": {"run_id"}, "runs/export": {"run_id"}, "permissions/set": {"job_id"}}
	for _, e := range jobsapi.All() {
		if !e.Jobs() {
			continue
		}
		key, ok := keys[e.Name]
		if !ok {
			t.Errorf("%s not in the picker", e.Name)
			continue
		}
		r := a.get("/sandbox?ep=" + key)
		list := r.doc().Find(`[data-testid="call-panel"] details[data-testid="field-list"]`)
		if list.Length() != 1 {
			t.Errorf("%s: no field list", e.Name)
			continue
		}
		for _, f := range e.Fields {
			dt := list.Find(`[data-testid="field-` + f + `"]`)
			if dt.Length() != 1 {
				t.Errorf("%s: field %s not listed", e.Name, f)
				continue
			}
			if typ := strings.TrimSpace(dt.Find(`[data-testid="field-type"]`).Text()); typ == "" {
				t.Errorf("%s: field %s has no type", e.Name, f)
			}
			if strings.TrimSpace(dt.Next().Text()) == "" {
				t.Errorf("%s: field %s has no help", e.Name, f)
			}
		}
		for _, f := range required[e.Name] {
			if list.Find(`[data-testid="field-`+f+`"] [data-testid="field-required"]`).Length() != 1 {
				t.Errorf("%s: %s not marked required", e.Name, f)
			}
		}
		if e.Name == "jobs/list" && list.Find(`[data-testid="field-name"] [data-testid="field-required"]`).Length() != 0 {
			t.Errorf("jobs/list: name marked required")
		}
		if slicesHas(e.Fields, "page_token") {
			help := list.Find(`[data-testid="field-page_token"]`).Next().Text()
			if !strings.Contains(help, "next_page_token") {
				t.Errorf("%s: page_token help %q does not mention next_page_token", e.Name, help)
			}
		}
	}
	// The 2.2 notes where they matter.
	for key, field := range map[string]string{"jobs-get": "page_token", "jobs-list": "limit", "jobs-create": "queue"} {
		r := a.get("/sandbox?ep=" + key)
		note := r.doc().Find(`[data-testid="field-` + field + `"]`).Next().Find(`[data-testid="field-note"]`).Text()
		if note == "" {
			t.Errorf("%s %s: no 2.2 note", key, field)
		}
	}
	r := a.get("/sandbox?ep=jobs-get")
	if note := r.doc().Find(`[data-testid="field-page_token"]`).Next().Text(); !strings.Contains(note, "100") {
		t.Errorf("jobs/get page_token note %q does not say 100 per page", note)
	}
}

func slicesHas(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestConsoleResponseFoldsAndColours(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	r := a.send("/sandbox/send", url.Values{"ep": {"jobs-get"}, "p_job_id_other": {id(jobs["customer-360"])}})
	body := r.doc().Find(`[data-testid="response-body"]`)
	var v map[string]any
	if err := json.Unmarshal([]byte(body.Text()), &v); err != nil {
		t.Fatalf("response-body text is not the JSON: %v", err)
	}
	var compact, indented bytes.Buffer
	_ = json.Compact(&compact, []byte(body.Text()))
	_ = json.Indent(&indented, compact.Bytes(), "", "  ")
	if indented.String() != body.Text() {
		t.Error("response-body text is not the JSON as pretty-printed")
	}
	tasks, _ := v["settings"].(map[string]any)["tasks"].([]any)
	if len(tasks) != 100 {
		t.Fatalf("first page has %d tasks", len(tasks))
	}
	key := body.Find(`span.j-key`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == `"tasks"` })
	if key.Length() != 1 {
		t.Fatalf("tasks key not coloured: %d", key.Length())
	}
	fold := body.Find(`details.jfold[data-n="100"]`)
	if fold.Length() != 1 {
		t.Fatalf("tasks array not foldable: %d", fold.Length())
	}
	if _, open := fold.Attr("open"); open {
		t.Error("the 100-item tasks array starts open")
	}
	if strings.TrimSpace(fold.Children().First().Text()) != "[" {
		t.Errorf("fold summary %q", fold.Children().First().Text())
	}
	if _, open := body.Find(`details.jfold`).First().Attr("open"); !open {
		t.Error("the top-level object starts folded")
	}
	if body.Find(`span.j-str`).Length() == 0 || body.Find(`.j-num`).Length() == 0 {
		t.Error("strings or numbers not coloured")
	}
	if body.Find(`[data-testid="id-link"]`).Length() == 0 {
		t.Error("IDs no longer linked")
	}
}
