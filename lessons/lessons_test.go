package lessons_test

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/lessons"
)

// realSet is the embedded lesson set, loaded once for the package (it is
// read-only after loading).
func realSet(t *testing.T) *lessons.Set {
	t.Helper()
	realOnce.Do(func() { realLessons, realErr = lessons.Load(data.FS, "lessons") })
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realLessons
}

var (
	realOnce    sync.Once
	realLessons *lessons.Set
	realErr     error
)

func loadReal(t *testing.T) *lessons.Lesson {
	t.Helper()
	l, err := realSet(t).Get("jobs-api")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLessonTeachesEveryFact checks the rendered lesson text for each fact
// the lesson promises (issue 2). Text is compared after HTML decoding, with
// whitespace collapsed.
func TestLessonTeachesEveryFact(t *testing.T) {
	t.Parallel()
	l := loadReal(t)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(l.HTML))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(doc.Text()), " ")
	lower := strings.ToLower(text)
	facts := []string{
		"GET /api/2.2/jobs/get?job_id=",
		"GET /api/2.2/jobs/list",
		"POST /api/2.2/jobs/create",
		"POST /api/2.2/jobs/run-now",
		"GET /api/2.2/jobs/runs/list?job_id=",
		"GET /api/2.2/jobs/runs/get?run_id=",
		"POST /api/2.2/jobs/runs/repair",
		"next_page_token",
		"page_token",
		"has_more",
		"databricks jobs list",
		"databricks jobs get",
		"databricks jobs run-now",
		"databricks jobs list-runs",
		"databricks jobs get 123",
		"--job-id 123",
		"databricks bundle run <job_key> -t <target>",
		"Declarative Automation Bundles",
		"Databricks Asset Bundles",
		"latest_repair_id",
		"rerun_all_failed_tasks",
		"rerun_dependent_tasks",
		"Lakeflow Jobs",
		"queued by default",
		"SKIPPED",
		"top-level",
	}
	for _, f := range facts {
		if !strings.Contains(text, f) {
			t.Errorf("lesson does not contain %q", f)
		}
	}
	phrases := []string{
		"show me the tasks configured in this job",
		"did last night's execution succeed?",
		"external system",
		"production standard",
		"100",
		"150",
		"job_clusters",
		"environments",
		"pending", "running", "success", "failed",
		"not repeatable",
		"debugging",
		"ad-hoc",
		"same run",
		"2.1",
	}
	for _, p := range phrases {
		if !strings.Contains(lower, strings.ToLower(p)) {
			t.Errorf("lesson does not mention %q", p)
		}
	}
}

func TestLessonSectionsAndPrompts(t *testing.T) {
	t.Parallel()
	l := loadReal(t)
	if l.Title == "" {
		t.Fatal("no title")
	}
	for _, id := range []string{"job-vs-run", "job-endpoints", "run-endpoints", "repair", "pagination", "four-ways", "cli", "bundles", "takeaways", "recall"} {
		if !l.HasSection(id) {
			t.Errorf("missing section #%s", id)
		}
		if !strings.Contains(l.HTML, `id="`+id+`"`) {
			t.Errorf("no element with id %q", id)
		}
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(l.HTML))
	if n := doc.Find(`aside[data-testid="predict"] details.reveal`).Length(); n < 6 {
		t.Errorf("predict-then-reveal blocks = %d, want >= 6", n)
	}
	if n := doc.Find(`#recall ~ aside[data-testid="recall"] details.reveal`).Length(); n < 8 {
		t.Errorf("recall blocks after #recall = %d, want >= 8", n)
	}
	if n := doc.Find(`a[href^="/drill?topic="]`).Length(); n < 8 {
		t.Errorf("drill links = %d, want one per section", n)
	}
	if doc.Find("pre code .nx, pre code .s, pre code .k, pre code .nt").Length() == 0 {
		t.Error("code blocks carry no chroma classes")
	}
}

// TestOrchestrationLesson checks the second lesson (issue 12): its
// sections, prompts, drill links and the facts it promises.
func TestOrchestrationLesson(t *testing.T) {
	t.Parallel()
	set := realSet(t)
	l, err := set.Get("jobs-orchestration")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"dependencies", "retries", "parameters", "triggers", "permissions", "compute", "run-history", "takeaways", "recall"} {
		if !l.HasSection(id) {
			t.Errorf("missing section #%s", id)
		}
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(l.HTML))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find(`aside[data-testid="predict"] details.reveal`).Length(); n < 7 {
		t.Errorf("predict-then-reveal blocks = %d, want >= 7", n)
	}
	if n := doc.Find(`a[href^="/drill?topic="]`).Length(); n < 7 {
		t.Errorf("drill links = %d, want one per section", n)
	}
	if n := doc.Find(`a[href^="/sandbox?try="]`).Length(); n < 7 {
		t.Errorf("try-it links = %d, want one per section", n)
	}
	text := strings.Join(strings.Fields(doc.Text()), " ")
	for _, f := range []string{
		"Lakeflow Jobs", "ALL_SUCCESS", "AT_LEAST_ONE_SUCCESS", "NONE_FAILED", "ALL_DONE", "AT_LEAST_ONE_FAILED", "ALL_FAILED",
		"UPSTREAM_FAILED", "rolled back", "max_retries", "min_retry_interval_millis", "retry_on_timeout", "WAITING_FOR_RETRY",
		"attempt_number", "timeout_seconds", "dbutils.widgets.get", "dbutils.jobs.taskValues.set", "job parameter wins",
		"condition_task", "for_each_task", "quartz_cron_expression", "pause_status", "file_arrival", "table_update", "continuous",
		"email_notifications", "webhook_notifications", "notification_settings", "CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER",
		"CAN_MANAGE", "run_as", "service principal", "job_clusters", "existing_cluster_id", "Serverless", "60 days",
		"system.lakeflow.job_run_timeline",
	} {
		if !strings.Contains(text, f) {
			t.Errorf("orchestration lesson does not contain %q", f)
		}
	}
}

func TestRawHTMLIsDroppedAndPromptsRender(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"l/x.md": {Data: []byte("# T\n\n## A {#a}\n\n<script>alert(1)</script>\n\n> **Predict:** Q?\n>\n> **Answer:** Yes.\n\n> plain quote\n")}}
	set, err := lessons.Load(fsys, "l")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := set.Get("x")
	if strings.Contains(l.HTML, "<script>") {
		t.Fatal("raw HTML rendered")
	}
	if !strings.Contains(l.HTML, `<details class="reveal"><summary>Reveal the answer</summary>`) {
		t.Fatalf("no reveal: %s", l.HTML)
	}
	if !strings.Contains(l.HTML, "<blockquote>") {
		t.Fatal("plain blockquote lost")
	}
	if _, err := set.Get("nope"); err != lessons.ErrNotFound {
		t.Fatalf("Get(nope) = %v", err)
	}
}

func TestLoadRequiresTitle(t *testing.T) {
	t.Parallel()
	_, err := lessons.Load(fstest.MapFS{"l/x.md": {Data: []byte("no heading")}}, "l")
	if err == nil {
		t.Fatal("want error for a lesson without a title")
	}
}

// TestPredictPieces: the lesson is cut after each predict question, and
// each cut is followed by that prompt's reveal.
func TestPredictPieces(t *testing.T) {
	t.Parallel()
	set := realSet(t)
	for _, l := range set.All() {
		var joined strings.Builder
		for i, p := range l.Pieces {
			joined.WriteString(p.HTML)
			if i > 0 && l.Pieces[i-1].Predict > 0 && !strings.HasPrefix(p.HTML, `<details class="reveal">`) {
				t.Errorf("%s: piece %d does not start with the reveal: %.60q", l.Slug, i, p.HTML)
			}
			if p.Predict != 0 && p.Predict != i+1 {
				t.Errorf("%s: piece %d is followed by prompt %d", l.Slug, i, p.Predict)
			}
		}
		if n, focusable := strings.Count(l.HTML, "<pre"), strings.Count(l.HTML, `<pre tabindex="0"`); n == 0 || n != focusable {
			t.Errorf("%s: %d of %d code blocks are keyboard-reachable (tabindex=0)", l.Slug, focusable, n)
		}
		if n, focusable := strings.Count(l.HTML, "<table"), strings.Count(l.HTML, `<table tabindex="0"`); n != focusable {
			t.Errorf("%s: %d of %d tables are keyboard-reachable", l.Slug, focusable, n)
		}
		if joined.String() != l.HTML {
			t.Errorf("%s: the pieces do not add up to the lesson", l.Slug)
		}
		if n := strings.Count(l.HTML, `data-testid="predict"`); n != l.Predicts || n == 0 {
			t.Errorf("%s: %d predict prompts, Predicts %d", l.Slug, n, l.Predicts)
		}
	}
}

// TestHighlightContrast: every coloured token of a lesson code block is
// at least 4.5:1 against the block's background, in light and dark mode
// (a dark-mode class must not keep its light colour).
func TestHighlightContrast(t *testing.T) {
	t.Parallel()
	css, err := lessons.HighlightCSS()
	if err != nil {
		t.Fatal(err)
	}
	light, dark, ok := strings.Cut(string(css), "@media (prefers-color-scheme: dark) {")
	if !ok {
		t.Fatal("no dark block")
	}
	rule := regexp.MustCompile(`([^{}]+)\{([^}]*)\}`)
	colour := regexp.MustCompile(`(?:^|[ ;])color: (#[0-9a-f]{6})`)
	bgOf := regexp.MustCompile(`background-color: (#[0-9a-f]{6})`)
	// The dark block cascades over the light rules: a class it does not
	// set keeps its light colour.
	colours := map[string]string{}
	bgs := map[string]string{}
	var order []string
	for _, mode := range []struct{ name, css string }{{"light", light}, {"dark", dark}} {
		for _, m := range rule.FindAllStringSubmatch(mode.css, -1) {
			for _, sel := range strings.Split(m[1], ", ") {
				if i := strings.LastIndex(sel, "*/"); i >= 0 {
					sel = sel[i+2:]
				}
				sel = strings.TrimSpace(sel)
				if _, seen := colours[sel]; !seen {
					order = append(order, sel)
				}
				if c := colour.FindStringSubmatch(m[2]); c != nil {
					colours[sel] = c[1]
				} else if strings.Contains(m[2], " color: inherit") {
					colours[sel] = ""
				}
				if b := bgOf.FindStringSubmatch(m[2]); b != nil {
					bgs[sel] = b[1]
				} else if strings.Contains(m[2], "background-color: transparent") {
					delete(bgs, sel)
				}
			}
		}
		if mode.name == "light" {
			colours[".chroma .bp"] = "#57606a" // the override after the light block
		}
		pre := bgs[".chroma"]
		text := colours[".chroma"]
		if text == "" {
			text = "#1f2328" // the page's text colour in light mode
		}
		for _, sel := range order {
			switch sel {
			case ".chroma", ".chroma .w", ".chroma .lnlinks", ".chroma .ln", ".chroma .lnt":
				// whitespace, and line numbers, which lessons do not show
				continue
			}
			fg, ok := colours[sel]
			if !ok {
				continue
			}
			if fg == "" {
				fg = text
			}
			bg := pre
			if b, ok := bgs[sel]; ok && sel != ".chroma .hl" {
				bg = b
			}
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf("%s: %s is %s on %s: %.2f:1", mode.name, sel, fg, bg, r)
			}
		}
	}
}

func contrast(a, b string) float64 {
	lum := func(hex string) float64 {
		var rgb [3]float64
		for i := range 3 {
			v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			c := float64(v) / 255
			if c <= 0.03928 {
				rgb[i] = c / 12.92
			} else {
				rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
