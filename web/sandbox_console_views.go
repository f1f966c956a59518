package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
	"github.com/jobs-api-trainer/trainer/workspace/cli"
)

// consoleState is what the page shows besides the defaults.
type consoleState struct {
	ep          string     // endpoint key to show
	values      url.Values // prefill: job_id, run_id, ..., body, extra
	formFromRow *store.SandboxCall
	result      *templates.CallResult
	cliLine     string
	cliFocus    bool
	autoSend    bool // send the read-only call on load (a run or job link)
	liveErr     string
	liveReasons []string
	liveInput   string
	fieldErrs   map[string]string // form parameter → what is wrong with it
}

// consoleWindow is the part of the workspace the console offers as
// choices (idOptions shows at most 40 of them anyway). A run too big for
// the picture to count (pictureMaxRunSize) offers none of its task runs:
// listing them cost every sandbox page seconds in a workspace of runs of
// 1,000 densely linked tasks.
var consoleWindow = workspace.Window{Jobs: 20, RunsPerJob: 5, SubmitRuns: 10, MaxRunSize: pictureMaxRunSize}

// consoleView builds the console for the learner.
func (s *server) consoleView(r *http.Request, st consoleState) (templates.ConsoleView, error) {
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	// Bounded: the form's choices are the newest jobs and runs, and
	// showing the page neither seeds nor stores a workspace never used.
	ov, err := s.overview(r, consoleWindow)
	if err != nil {
		return templates.ConsoleView{}, err
	}
	host, tok, live := s.liveTarget(r)
	v := templates.ConsoleView{Result: st.result, CLILine: st.cliLine, CLIFocus: st.cliFocus}
	v.Live = templates.LiveView{On: live, Host: host, HostInput: st.liveInput, Error: st.liveErr, Reasons: st.liveReasons}
	if live {
		v.Live.MaskedToken = maskToken(tok)
	}

	key, values := st.ep, st.values
	if values == nil {
		values = url.Values{}
	}
	if row := st.formFromRow; row != nil {
		q, _ := url.ParseQuery(row.Query)
		if c, err := cli.FromRequest(row.Method, row.Path, q, []byte(row.Body)); err == nil {
			if ep := endpointByName(c.Endpoint); ep != nil {
				key = ep.key
				values = formValues(ep, row.Path, q, row.Body)
			}
		}
	}
	ep := endpointByKey(key)
	if ep == nil {
		ep = endpointByKey("jobs-list")
	}
	v.Form = buildForm(ep, values, ov, live)
	// Only a reading call of a learner's own workspace: sending makes a
	// visitor a learner, and a link must not change anything.
	v.Form.AutoSend = st.autoSend && st.result == nil && l.ID > 0 && ep.method == http.MethodGet && v.Form.LiveRefused == ""
	if st.autoSend && st.result == nil && l.ID == 0 {
		v.Form.LinkNote = "This link opens a call to your own sandbox workspace, which is made on your first call: press Send to make it and see the answer."
	}
	for i := range v.Form.Params {
		v.Form.Params[i].Error = st.fieldErrs[v.Form.Params[i].Name]
	}
	for _, g := range groupTitles {
		grp := templates.EndpointGroup{Title: g.title}
		for _, e := range consoleEndpoints {
			if e.group == g.key {
				grp.Items = append(grp.Items, templates.EndpointLink{Key: e.key, Name: e.name, Method: e.method, Summary: e.summary, Current: e == ep})
			}
		}
		v.Groups = append(v.Groups, grp)
	}
	v.Picker = renderedPicker(ep.key, v.Groups)
	calls, err := s.db.SandboxCalls(ctx, l.ID, store.SandboxHistoryLimit)
	if err != nil {
		return templates.ConsoleView{}, err
	}
	for _, c := range calls {
		if live {
			c = scrubCall(c, tok)
		}
		u := c.Path
		if c.Query != "" {
			u += "?" + c.Query
		}
		v.History = append(v.History, templates.HistoryRow{ID: c.ID, At: c.At.Format("15:04:05"), Method: c.Method, URL: u,
			Target: c.Target, Host: c.Host, Status: c.Status, CLILine: c.CLILine, Mistake: c.LessonAnchor != "",
			Replay: templates.RawCall{Method: c.Method, Path: c.Path, Query: c.Query, Body: c.Body}})
	}
	return v, nil
}

// buildForm is the form for ep, prefilled from values, with the learner's
// jobs and runs as choices (none in live mode: they are the sandbox's).
func buildForm(ep *consoleEndpoint, values url.Values, ov workspace.Overview, live bool) templates.CallForm {
	f := templates.CallForm{Key: ep.key, Name: ep.name, Method: ep.method, Path: ep.path, Summary: ep.summary,
		HasBody: ep.hasBody(), Extra: values.Get("extra"), Destructive: ep.destructive, Live: live,
		Fields: endpointFields(ep.name)}
	if live && !strings.HasPrefix(ep.path, livePrefix) {
		f.LiveRefused = "Live mode calls only /api/2.2/jobs/… on the real workspace: this permissions call is refused there. Switch live mode off to try it on your sandbox."
	}
	ex := examples(ov)
	for _, p := range ep.params {
		pf := templates.ParamField{Name: p.name, Kind: p.kind, Value: values.Get(p.name), Help: p.help, Required: p.required}
		if !values.Has(p.name) && p.required && !live {
			switch p.kind {
			case "job":
				pf.Value = strconv.FormatInt(ex.job, 10)
			case "run":
				pf.Value = strconv.FormatInt(ex.run, 10)
			}
		}
		switch p.kind {
		case "enum":
			for _, e := range p.enum {
				pf.Options = append(pf.Options, templates.Option{Value: e, Label: e})
			}
		case "job", "run", "taskrun":
			if !live {
				pf.Options = idOptions(p.kind, ov)
			}
			if pf.Value != "" && !slices.ContainsFunc(pf.Options, func(o templates.Option) bool { return o.Value == pf.Value }) {
				pf.Other, pf.Value = pf.Value, ""
			}
		}
		f.Params = append(f.Params, pf)
	}
	if f.HasBody {
		if values.Has("body") {
			f.Body = values.Get("body")
		} else if ep.example != nil {
			f.Body = ep.example(ex)
		}
	}
	return f
}

// idOptions lists the learner's jobs, runs or task runs as choices.
func idOptions(kind string, ov workspace.Overview) []templates.Option {
	var out []templates.Option
	add := func(id int64, label string) {
		if len(out) < 40 {
			out = append(out, templates.Option{Value: strconv.FormatInt(id, 10), Label: strconv.FormatInt(id, 10) + " · " + label})
		}
	}
	runs := func(fn func(j string, r workspace.RunOverview)) {
		for _, j := range ov.Jobs {
			for _, r := range j.Runs {
				fn(j.Name, r)
			}
		}
		for _, r := range ov.SubmitRuns {
			fn("one-time run "+r.RunName, r)
		}
	}
	switch kind {
	case "job":
		for _, j := range ov.Jobs {
			add(j.JobID, j.Name)
		}
	case "run":
		runs(func(name string, r workspace.RunOverview) { add(r.RunID, name+" · "+runState(r)) })
	case "taskrun":
		runs(func(name string, r workspace.RunOverview) {
			for _, t := range r.Tasks {
				st := t.ResultState
				if st == "" {
					st = t.LifeCycleState
				}
				add(t.RunID, fmt.Sprintf("%s (run %d of %s) · %s", t.TaskKey, r.RunID, name, st))
			}
		})
	}
	return out
}

func runState(r workspace.RunOverview) string {
	if r.ResultState != "" {
		return r.ResultState
	}
	return r.LifeCycleState
}

// renderSandboxPage renders the whole sandbox page.
func (s *server) renderSandboxPage(w http.ResponseWriter, r *http.Request, status int, st consoleState) {
	tok, err := s.sandboxToken(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cv, err := s.consoleView(r, st)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bv, err := s.bundlesView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := s.meta(r, "Sandbox", "sandbox")
	tokenOpen := tok != "" && r.URL.Query().Get("token") == "new"
	note := ""
	if tokenOpen {
		note, m.Flash = m.Flash, ""
	}
	s.render(w, r, status, templates.Sandbox(templates.SandboxView{
		Meta:      m,
		Host:      s.baseURL(r),
		Token:     tok,
		TokenOpen: tokenOpen,
		TokenNote: note,
		Try:       r.URL.Query().Get("try"),
		Console:   cv,
		Bundles:   bv,
		ScriptURL: "/static/" + s.static.version + "/sandbox.js",
	}))
}

// renderedPickers holds the endpoint picker as rendered for each current
// endpoint and oob flag ("key|oob" → HTML): it is a tenth of the sandbox
// page's CPU and changes with nothing else. At most twice the catalogue.
var renderedPickers sync.Map

// renderedPicker returns the picker for the current endpoint key, from
// renderedPickers or rendered there from groups.
func renderedPicker(key string, groups []templates.EndpointGroup) func(oob bool) templ.Component {
	return func(oob bool) templ.Component {
		k := key + "|" + strconv.FormatBool(oob)
		if html, ok := renderedPickers.Load(k); ok {
			return templ.Raw(html.(string))
		}
		var b strings.Builder
		if err := templates.EndpointPicker(groups, oob).Render(context.Background(), &b); err != nil {
			return templates.EndpointPicker(groups, oob) // render it in the page, error and all
		}
		renderedPickers.Store(k, b.String())
		return templ.Raw(b.String())
	}
}
