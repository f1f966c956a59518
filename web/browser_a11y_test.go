//go:build browser

package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// axeSource is axe-core (npm axe-core 4.10.3, MPL-2.0, see axe.LICENSE),
// vendored for the tests only: the app never serves it.
//
//go:embed testdata/axe.min.js
var axeSource string

// a11yShotDir is where the accessibility run saves its screenshots:
// $SCREENSHOT_DIR, or web/testdata/screenshots (not committed).
func a11yShotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// pageFetch posts a form from inside the page (same origin, with the
// page's cookies) and returns the URL it ended on after redirects.
func pageFetch(t *testing.T, ctx context.Context, path string, form map[string]string) string {
	t.Helper()
	b, _ := json.Marshal(form)
	u, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`fetch(`+strconvQuote(path)+`, {method: "POST", body: new URLSearchParams(`+string(b)+`)}).then(r => r.url)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return u
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// TestBrowserAccessibility opens every page as a learner with some
// history, light and dark, at 375 and 1280 px: axe-core finds no serious
// or critical violation, and nothing makes the page scroll sideways. It
// saves a screenshot of each page at both widths (light) and of each in
// dark at 375 px.
func TestBrowserAccessibility(t *testing.T) {
	ctx := newBrowserFor(t, 8*time.Minute)
	a := newApp(t)
	base := a.srv.URL
	dir := a11yShotDir(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	// A learner with a long name, a sandbox with a call, a drill answer,
	// a prediction and an exam.
	pageFetch(t, ctx, "/me", map[string]string{"display_name": strings.Repeat("Maximiliane", 4)[:40]})
	pageFetch(t, ctx, "/sandbox/token", nil)
	callURL := pageFetch(t, ctx, "/sandbox/send", map[string]string{"ep": "runs-list"})
	pageFetch(t, ctx, "/lessons/jobs-api/predictions/1", map[string]string{"guess": "a new run_id"})
	drillURL := pageFetch(t, ctx, "/drill/sessions", map[string]string{"topic": "job-vs-run", "size": "5"})
	if err := chromedp.Do(ctx, chromedp.Navigate(drillURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"]`))); err != nil {
		t.Fatal(err)
	}
	showing, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('input[name="showing"]').value`))
	if err != nil {
		t.Fatal(err)
	}
	feedbackURL := pageFetch(t, ctx, strings.TrimPrefix(drillURL, base)+"/answer", map[string]string{"showing": showing, "choice": "job"})
	examURL := pageFetch(t, ctx, "/exam", map[string]string{"size": "10"})
	// More leeches than the progress page lists, so its "and N more" line
	// is checked too.
	bank := testBank(t)
	for i := range 10 {
		it := bank.Items()[20+i]
		if _, err := a.db.RecordAnswer(context.Background(), quiz.Attempt{LearnerID: 1, ShowingID: fmt.Sprint("leech-", i),
			ItemID: it.ID, Kind: it.Kind, Topic: it.Topic, Chosen: []string{"x"}, AnsweredAt: time.Now()}, quiz.Card{Misses: 4 + i}); err != nil {
			t.Fatal(err)
		}
	}

	pages := []struct{ name, path string }{
		{"home", "/"},
		{"lesson", "/lessons/jobs-api"},
		{"lesson-orchestration", "/lessons/jobs-orchestration"},
		{"drill-home", "/drill"},
		{"drill-question", strings.TrimPrefix(drillURL, base)},
		{"drill-feedback", strings.TrimPrefix(feedbackURL, base)},
		{"sandbox", "/sandbox"},
		{"sandbox-call", strings.TrimPrefix(callURL, base)},
		{"sandbox-picture", "/sandbox/picture"},
		{"sandbox-fidelity", "/sandbox/fidelity"},
		{"challenges", "/sandbox/challenges"},
		{"challenge", "/sandbox/challenges/repair-failed-task"},
		{"exam-home", "/exam"},
		{"exam", strings.TrimPrefix(examURL, base)},
		{"progress", "/progress"},
		{"me", "/me"},
		{"workshops", "/workshops"},
		{"not-found", "/nope"},
	}
	if _, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if only := os.Getenv("A11Y_PAGES"); only != "" { // e.g. A11Y_PAGES=progress,sandbox-fidelity
		var keep []struct{ name, path string }
		for _, p := range pages {
			if strings.Contains(","+only+",", ","+p.name+",") {
				keep = append(keep, p)
			}
		}
		pages = keep
	}
	var problems []string
	for _, width := range []int64{375, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			media := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
				})
				return err
			})
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), media); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				where := fmt.Sprintf("%s %dpx %s", p.path, width, scheme)
				if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
					t.Fatalf("%s: load axe: %v", where, err)
				}
				raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
					r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
						id: v.id, impact: v.impact, help: v.help,
						nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\n").slice(1, 2).join(""))}))))`,
					chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatalf("%s: axe: %v", where, err)
				}
				var vs []axeViolation
				if err := json.Unmarshal([]byte(raw), &vs); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				for _, v := range vs {
					problems = append(problems, fmt.Sprintf("%s: %s (%s): %s\n    %s", where, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    ")))
				}
				wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
					const w = document.documentElement.scrollWidth;
					if (w <= window.innerWidth) return "";
					const out = [];
					for (const el of document.querySelectorAll("body *")) {
						const r = el.getBoundingClientRect();
						if (r.right > window.innerWidth + 1 && getComputedStyle(el).position !== "fixed") {
							let p = el.parentElement, inside = false;
							for (; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") { inside = true; break; } }
							if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + [...el.classList].join(".") + " " + Math.round(r.right));
						}
						if (out.length >= 4) break;
					}
					return w + "px wide: " + out.join(", ");
				})()`))
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				if wide != "" {
					problems = append(problems, fmt.Sprintf("%s: scrolls sideways, %s", where, wide))
				}
				if scheme == "light" || width == 375 {
					png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatalf("%s: screenshot: %v", where, err)
					}
					name := fmt.Sprintf("%s-%d-%s.png", p.name, width, scheme)
					if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	// The selected endpoint shows a focus ring like any other link.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/sandbox?ep=runs-get"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="ep-runs-get"]`))); err != nil {
		t.Fatal(err)
	}
	// A key press first: focus() then counts as keyboard focus (focus-visible).
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Shift)); err != nil {
		t.Fatal(err)
	}
	ring, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const a = document.querySelector('[data-testid="endpoint-picker"] a[aria-current]');
		a.focus();
		const st = getComputedStyle(a);
		return st.outlineStyle + " " + st.outlineWidth;
	})()`))
	if err != nil || !strings.HasPrefix(ring, "solid") || ring == "solid 1px" || ring == "solid 0px" {
		t.Errorf("focused selected endpoint: outline %q (%v), want a 3px ring", ring, err)
	}
	if len(problems) > 0 {
		t.Errorf("%d accessibility or layout problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	t.Logf("screenshots in %s", dir)
}
