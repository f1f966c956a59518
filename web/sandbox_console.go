package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
	"github.com/jobs-api-trainer/trainer/workspace/cli"
)

// The sandbox console: pick an endpoint (or type a CLI command), send it to
// the learner's emulated workspace (or, in live mode, a real one), and see
// the exact request, the same call as curl, CLI and Go SDK, and the
// response with its IDs linked to the next call.

const (
	// maxConsoleForm caps a console form (a JSON body for a big job fits).
	maxConsoleForm = 512 << 10
	// maxCLILine caps the CLI box.
	maxCLILine = 8 << 10
	// sendsPerSecond is the console's own send rate per learner.
	sendsPerSecond = 10
)

// consoleCall is a call the console is about to send.
type consoleCall struct {
	method, path string
	query        url.Values
	body         string
	call         cli.Call // the parsed form, for the renderings
	cliLine      string   // set when the CLI box made it
}

// callOutcome is what came back.
type callOutcome struct {
	status       int
	header       http.Header
	body         []byte
	truncated    bool
	transportErr string
	apiErr       *workspace.Error // the emulator's typed error (sandbox calls only)
}

// problem is an input error or refusal shown in the result panel. field,
// when set, is the form parameter it is about (shown under that field too).
type problem struct {
	status    int
	msg, hint string
	field     string
}

func (p *problem) Error() string { return p.msg }

// newCall checks a request against the Jobs API endpoints it may be.
func newCall(method, path string, q url.Values, body string) (consoleCall, *problem) {
	method = strings.ToUpper(strings.TrimSpace(method))
	if method == "GET" {
		body = ""
	}
	c, err := cli.FromRequest(method, path, q, []byte(body))
	if err != nil {
		return consoleCall{}, &problem{status: http.StatusBadRequest, msg: fmt.Sprintf("%s %s is not a Jobs API call the console can send.", method, path),
			hint: "Pick an endpoint from the list, or type a databricks jobs command."}
	}
	if p := checkNumbers(c.Endpoint, q); p != nil {
		return consoleCall{}, p
	}
	if len(q) == 0 {
		q = nil
	}
	return consoleCall{method: method, path: path, query: q, body: body, call: c}, nil
}

// checkNumbers refuses, before anything is sent, a query whose ID or
// integer parameter is not a whole number (run_id=abc): the request, curl,
// CLI and SDK renderings could not show it truthfully.
func checkNumbers(endpoint string, q url.Values) *problem {
	ep := endpointByName(endpoint)
	if ep == nil {
		return nil
	}
	for _, p := range ep.params {
		if !p.numeric() {
			continue
		}
		for _, v := range q[p.name] {
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				continue
			}
			pr := &problem{status: http.StatusBadRequest, field: p.name,
				msg:  fmt.Sprintf("%s must be a whole number: %q is not one. Nothing was sent.", p.name, v),
				hint: "Type digits only, for example 20."}
			if p.kind != "int" {
				pr.hint = "Pick one from the list, or type its numeric ID (IDs are whole numbers, like 101)."
			}
			return pr
		}
	}
	return nil
}

// callFromForm reads the endpoint form (ep + p_* fields) or a raw call
// (method, path, query, body: replay and next page).
func callFromForm(r *http.Request) (consoleCall, *problem) {
	f := r.PostForm
	if key := f.Get("ep"); key != "" {
		ep := endpointByKey(key)
		if ep == nil {
			return consoleCall{}, &problem{status: http.StatusBadRequest, msg: fmt.Sprintf("There is no endpoint %q.", key)}
		}
		q := url.Values{}
		for _, p := range ep.params {
			v := strings.TrimSpace(f.Get("p_" + p.name))
			if other := strings.TrimSpace(f.Get("p_" + p.name + "_other")); other != "" && p.kind != "enum" {
				v = other
			}
			if p.kind == "bool" && v != "true" {
				v = ""
			}
			if v != "" {
				q.Set(p.name, v)
			}
		}
		if extra := strings.TrimSpace(f.Get("extra")); extra != "" {
			eq, err := url.ParseQuery(strings.TrimPrefix(extra, "?"))
			if err != nil {
				return consoleCall{}, &problem{status: http.StatusBadRequest, msg: "The extra query parameters could not be read.", hint: "Write them as name=value&name2=value2."}
			}
			for k, vs := range eq {
				for _, v := range vs {
					q.Add(k, v)
				}
			}
		}
		path := ep.path
		if ep.pathID {
			id := q.Get("job_id")
			q.Del("job_id")
			if _, err := strconv.ParseInt(id, 10, 64); err != nil {
				return consoleCall{}, &problem{status: http.StatusBadRequest, msg: "This endpoint needs a job_id, a whole number: it goes in the path.", hint: "Pick a job or type its numeric ID.", field: "job_id"}
			}
			path = strings.Replace(path, "{job_id}", id, 1)
		}
		return newCall(ep.method, path, q, f.Get("body"))
	}
	q, err := url.ParseQuery(f.Get("query"))
	if err != nil {
		return consoleCall{}, &problem{status: http.StatusBadRequest, msg: "The query string could not be read."}
	}
	return newCall(f.Get("method"), f.Get("path"), q, f.Get("body"))
}

// readConsoleForm parses a console form, capped; false means it answered.
func (s *server) readConsoleForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxConsoleForm)
	if err := r.ParseForm(); err != nil {
		s.consoleProblem(w, r, &problem{status: http.StatusBadRequest,
			msg: "The form could not be read: it is too large or malformed.", hint: fmt.Sprintf("Bodies up to %d KiB can be sent from here.", maxConsoleForm>>10)}, "")
		return false
	}
	return true
}

func (s *server) handleSandboxSend(w http.ResponseWriter, r *http.Request) {
	if !s.readConsoleForm(w, r) {
		return
	}
	c, p := callFromForm(r)
	if p != nil {
		s.consoleProblem(w, r, p, "")
		return
	}
	s.dispatch(w, r, c)
}

func (s *server) handleSandboxCLI(w http.ResponseWriter, r *http.Request) {
	if !s.readConsoleForm(w, r) {
		return
	}
	line := strings.TrimSpace(r.PostForm.Get("line"))
	if len(line) > maxCLILine {
		s.consoleProblem(w, r, &problem{status: http.StatusBadRequest, msg: "That command is too long for the CLI box."}, "")
		return
	}
	parsed, err := cli.Parse(line)
	if err != nil {
		p := &problem{status: http.StatusBadRequest, msg: "Error: " + err.Error()}
		var ce *cli.Error
		if errors.As(err, &ce) {
			p.hint = ce.Hint
		}
		res := &templates.CallResult{Problem: p.msg, ProblemHint: p.hint, CLILine: line}
		if strings.Contains(line, "--has-more") || strings.Contains(line, "has_more") {
			l, _ := learnerFrom(r.Context())
			res.Lesson = s.noteMistake(r, l.ID, mistake{topic: "pagination", note: noteHasMore})
		}
		s.consoleResult(w, r, p.status, res, line)
		return
	}
	c, p := newCall(parsed.Call.Method, parsed.Call.Path, parsed.Call.Query, string(parsed.Call.Body))
	if p != nil {
		s.consoleProblem(w, r, p, line)
		return
	}
	c.cliLine = line
	s.dispatch(w, r, c)
}

// cliNotes are the remarks shown under a CLI line that was sent.
func cliNotes(line string) []string {
	p, err := cli.Parse(line)
	if err != nil {
		return nil
	}
	notes := append([]string(nil), p.Notes...)
	if p.Wait {
		notes = append(notes, "The real CLI would now poll runs/get until the run is terminal (add --no-wait to skip that); here you see the first call only.")
	}
	return notes
}

// dispatch rate-limits, sends, spots mistakes, records and answers.
func (s *server) dispatch(w http.ResponseWriter, r *http.Request, c consoleCall) {
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	if !s.sendLimit.allow(l.ID) {
		s.consoleProblem(w, r, &problem{status: http.StatusTooManyRequests,
			msg:  fmt.Sprintf("Slow down: the console sends at most %d calls a second.", sendsPerSecond),
			hint: "Wait a moment and send again. (This page's own limit; the /api/ endpoints your CLI and SDK use allow far more, see the limits on /sandbox/fidelity.)"}, c.cliLine)
		return
	}
	liveHost, liveTok, live := s.liveTarget(r)
	if live {
		if p := liveRefusal(liveHost, c.path); p != nil {
			s.consoleProblem(w, r, p, c.cliLine)
			return
		}
	}
	if live && isDestructive(c.call.Endpoint) && r.PostForm.Get("confirm") != "yes" {
		s.consoleProblem(w, r, &problem{status: http.StatusBadRequest,
			msg:  fmt.Sprintf("%s changes a real workspace and cannot be undone: tick the confirmation box to send it.", c.call.Endpoint),
			hint: "In live mode, jobs/delete, jobs/reset, runs/cancel-all and runs/delete need an explicit confirmation."}, c.cliLine)
		return
	}
	row := store.SandboxCall{LearnerID: l.ID, At: s.now(), Target: "sandbox", Method: c.method, Path: c.path,
		Query: c.query.Encode(), Body: c.body, Source: "form", CLILine: c.cliLine}
	if c.cliLine != "" {
		row.Source = "cli"
	}
	var out callOutcome
	var before *workspace.Overview
	if live {
		row.Target, row.Host = "live", liveHost
		out = s.sendLive(r, liveHost, liveTok, c)
	} else {
		tok, err := s.sandboxToken(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if c.call.Endpoint == "jobs/run-now" {
			if ov, err := s.workspaces.Overview(ctx, store.WorkspaceOf(l.ID), 1); err == nil {
				before = &ov
			}
		}
		out = s.sendSandbox(r, tok, c)
	}
	row.Status, row.Response, row.Truncated = out.status, string(out.body), out.truncated
	row.ResponseHeaders = encodeHeaders(out.header)
	if out.transportErr != "" {
		row.Response = ""
		row.ErrorCode = "CONNECTION"
		row.Note = out.transportErr
	} else {
		row.ErrorCode = out.errorCode()
	}
	var lesson *templates.LessonPointer
	if m, ok := s.spotMistake(r, l.ID, c, out, before, live); ok {
		lesson = s.noteMistake(r, l.ID, m)
		row.LessonAnchor, row.Note = lesson.Anchor, m.note
	}
	if live {
		// Cut to what the history keeps first, so a token the cut splits
		// is caught too. sendLive scrubbed the whole answer; this catches
		// a token pasted into the call itself.
		if len(row.Response) > store.MaxSandboxResponse {
			row.Response, row.Truncated = row.Response[:store.MaxSandboxResponse], true
		}
		row = scrubCall(row, liveTok)
	}
	id, err := s.db.AddSandboxCall(ctx, row)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row.ID = id
	if !isHTMX(r) {
		u := "/sandbox?call=" + strconv.FormatInt(id, 10)
		if lesson != nil && lesson.Moved > 0 {
			u += "&moved=" + strconv.Itoa(lesson.Moved)
		}
		http.Redirect(w, r, u+"#result", http.StatusSeeOther)
		return
	}
	res := s.resultFromRow(r, row)
	if lesson != nil {
		res.Lesson.Moved = lesson.Moved
	}
	v, err := s.consoleView(r, consoleState{result: res, formFromRow: &row})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Form.Oob = true
	if changesPicture(c, live) {
		// The run picture on the page listens for this and reloads itself
		// (then polls while something is active).
		w.Header().Set("HX-Trigger", "picture-changed")
	}
	s.render(w, r, http.StatusOK, templates.ConsoleSwap(v))
}

// scrubCall masks secret everywhere in a recorded call: what was sent,
// what came back and the notes about it.
func scrubCall(row store.SandboxCall, secret string) store.SandboxCall {
	for _, f := range []*string{&row.Path, &row.Query, &row.Body, &row.CLILine, &row.Response, &row.ResponseHeaders, &row.Note} {
		*f = scrubSecret(*f, secret)
	}
	return row
}

// changesPicture reports whether a sent call may have changed what the
// run picture shows: any call other than a read, to the sandbox.
func changesPicture(c consoleCall, live bool) bool {
	return !live && c.method != http.MethodGet
}

// isDestructive reports whether the endpoint needs confirmation in live mode.
func isDestructive(endpoint string) bool {
	ep := endpointByName(endpoint)
	return ep != nil && ep.destructive
}

// sendSandbox serves the call with the emulator's own handler, in
// process, exactly as the CLI's request would be served.
func (s *server) sendSandbox(r *http.Request, token string, c consoleCall) callOutcome {
	u := &url.URL{Scheme: "http", Host: r.Host, Path: c.path, RawQuery: c.query.Encode()}
	// A GET carries no body: newCall drops it, and the picture's own
	// lookups send none.
	req, err := http.NewRequestWithContext(r.Context(), c.method, u.String(), strings.NewReader(c.body))
	if err != nil {
		return callOutcome{transportErr: "The request could not be built: " + err.Error()}
	}
	for _, h := range requestHeaders(c, "Bearer "+token) {
		req.Header.Set(h.Name, h.Value)
	}
	// The emulator builds its links from the scheme the page was reached
	// over, judged as for a direct call (workspace.RequestScheme).
	req.TLS = r.TLS
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		req.Header.Set("X-Forwarded-Proto", p)
	}
	res := s.workspaces.Call(req)
	return callOutcome{status: res.Status, header: res.Header, body: res.Body, apiErr: res.Err}
}

// requestHeaders are the headers the console sends (what the SDK sends,
// minus tracing), with auth as given.
func requestHeaders(c consoleCall, auth string) []templates.Header {
	hs := []templates.Header{{Name: "Authorization", Value: auth}, {Name: "Accept", Value: "application/json"}}
	if c.method != "GET" && c.body != "" {
		hs = append(hs, templates.Header{Name: "Content-Type", Value: "application/json"})
	}
	return append(hs, templates.Header{Name: "User-Agent", Value: "jobs-api-trainer/sandbox-console"})
}

// maskToken shows a token as dapi…abcd: enough to recognise, never enough to use.
func maskToken(tok string) string {
	if len(tok) <= 8 {
		return "…"
	}
	return tok[:4] + "…" + tok[len(tok)-4:]
}

func encodeHeaders(h http.Header) string {
	if len(h) == 0 {
		return ""
	}
	b, _ := json.Marshal(h)
	return string(b)
}

func decodeHeaders(s string) []templates.Header {
	var h map[string][]string
	if s == "" || json.Unmarshal([]byte(s), &h) != nil {
		return nil
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []templates.Header
	for _, n := range names {
		if strings.EqualFold(n, "Set-Cookie") {
			continue
		}
		for _, v := range h[n] {
			out = append(out, templates.Header{Name: n, Value: v})
		}
	}
	return out
}

// errorBody is a Databricks error answer as a live workspace sends it.
type errorBody struct {
	Code    any    `json:"error_code"`
	Message string `json:"message"`
}

// errorCode is the answer's error_code: the emulator's typed error for a
// sandbox call, else read from a live workspace's JSON body ("" if none).
func (o callOutcome) errorCode() string {
	if o.apiErr != nil {
		return o.apiErr.Code
	}
	var e errorBody
	if json.Unmarshal(o.body, &e) != nil || e.Message == "" || e.Code == nil {
		return ""
	}
	return fmt.Sprint(e.Code)
}

// Views.

// resultFromRow builds the result panel for a recorded call.
func (s *server) resultFromRow(r *http.Request, row store.SandboxCall) *templates.CallResult {
	if _, tok, ok := s.liveTarget(r); ok {
		// Rows saved before scrubbing existed are scrubbed on show.
		row = scrubCall(row, tok)
	}
	q, _ := url.ParseQuery(row.Query)
	c, p := newCall(row.Method, row.Path, q, row.Body)
	res := &templates.CallResult{ID: row.ID, Target: row.Target, Host: row.Host, Status: row.Status,
		Method: row.Method, URL: row.Path, CLILine: row.CLILine, Truncated: row.Truncated}
	if row.Query != "" {
		res.URL += "?" + row.Query
	}
	if row.CLILine != "" {
		res.CLINotes = cliNotes(row.CLILine)
	}
	auth := "Bearer <your token>"
	host := s.baseURL(r)
	if row.Target == "live" {
		host = row.Host
		if h, tok, ok := s.liveTarget(r); ok && h == row.Host {
			auth = "Bearer " + maskToken(tok)
		}
	} else if tok := sessionSandboxToken(r); tok != "" {
		auth = "Bearer " + maskToken(tok)
	}
	c.method = row.Method
	res.ReqHeaders = requestHeaders(consoleCall{method: row.Method, body: row.Body}, auth)
	if row.Method != "GET" {
		res.ReqBody = row.Body
		res.JSONError, res.JSONExcerpt = jsonPointer(row.Body)
	}
	if p == nil {
		res.Curl = cli.Curl(c.call, host, "$DATABRICKS_TOKEN")
		res.CLI, res.CLILegacy = cli.CLI(c.call)
		res.GoSDK = cli.GoSDK(c.call)
	}
	res.Replay = &templates.RawCall{Method: row.Method, Path: row.Path, Query: row.Query, Body: row.Body}
	if row.ErrorCode == "CONNECTION" {
		res.TransportError = row.Note
	} else {
		res.RespHeaders = decodeHeaders(row.ResponseHeaders)
		res.Resp = prettyJSON([]byte(row.Response))
		var top struct {
			Next string `json:"next_page_token"`
		}
		if json.Unmarshal([]byte(row.Response), &top) == nil && top.Next != "" {
			nq, _ := url.ParseQuery(row.Query)
			nq.Set("page_token", top.Next)
			res.NextPage = &templates.RawCall{Method: row.Method, Path: row.Path, Query: nq.Encode(), Body: row.Body}
		}
		if row.LessonAnchor != "" {
			for _, t := range quiz.Topics {
				if t.Anchor == row.LessonAnchor {
					res.Lesson = &templates.LessonPointer{Anchor: t.Anchor, Title: t.Title, Note: row.Note}
				}
			}
		}
	}
	return res
}

// consoleState is what the page shows besides the defaults.
type consoleState struct {
	ep          string     // endpoint key to show
	values      url.Values // prefill: job_id, run_id, ..., body, extra
	formFromRow *store.SandboxCall
	result      *templates.CallResult
	cliLine     string
	cliFocus    bool
	liveErr     string
	liveReasons []string
	liveInput   string
	fieldErrs   map[string]string // form parameter → what is wrong with it
}

// consoleWindow is the part of the workspace the console offers as
// choices (idOptions shows at most 40 of them anyway).
var consoleWindow = workspace.Window{Jobs: 20, RunsPerJob: 5, SubmitRuns: 10}

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

// formValues turns a recorded call back into form prefill values.
func formValues(ep *consoleEndpoint, path string, q url.Values, body string) url.Values {
	v := url.Values{}
	extra := url.Values{}
	for k, vs := range q {
		known := slices.ContainsFunc(ep.params, func(p consoleParam) bool { return p.name == k })
		for _, x := range vs {
			if known && !v.Has(k) {
				v.Set(k, x)
			} else {
				extra.Add(k, x)
			}
		}
	}
	if ep.pathID {
		parts := strings.Split(strings.TrimPrefix(path, "/api/2.0/permissions/jobs/"), "/")
		v.Set("job_id", parts[0])
	}
	if len(extra) > 0 {
		v.Set("extra", extra.Encode())
	}
	if ep.hasBody() {
		v.Set("body", body)
	}
	return v
}

// buildForm is the form for ep, prefilled from values, with the learner's
// jobs and runs as choices (none in live mode: they are the sandbox's).
func buildForm(ep *consoleEndpoint, values url.Values, ov workspace.Overview, live bool) templates.CallForm {
	f := templates.CallForm{Key: ep.key, Name: ep.name, Method: ep.method, Path: ep.path, Summary: ep.summary,
		HasBody: ep.hasBody(), Extra: values.Get("extra"), Destructive: ep.destructive, Live: live}
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

// consoleProblem answers with a problem in the result panel: the fragment
// for htmx, else the whole page, with p.status. A problem about one field
// of the endpoint form also shows under that field, with what was typed.
func (s *server) consoleProblem(w http.ResponseWriter, r *http.Request, p *problem, cliLine string) {
	res := &templates.CallResult{Problem: p.msg, ProblemHint: p.hint, CLILine: cliLine}
	if p.field != "" && r.PostForm.Get("ep") != "" {
		st := formState(r)
		st.result, st.cliLine = res, cliLine
		st.fieldErrs = map[string]string{p.field: p.msg}
		if !isHTMX(r) {
			s.renderSandboxPage(w, r, p.status, st)
			return
		}
		v, err := s.consoleView(r, st)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Form.Oob = true
		s.render(w, r, p.status, templates.ConsoleSwap(v))
		return
	}
	s.consoleResult(w, r, p.status, res, cliLine)
}

func (s *server) consoleResult(w http.ResponseWriter, r *http.Request, status int, res *templates.CallResult, cliLine string) {
	if isHTMX(r) {
		s.render(w, r, status, templates.Result(res))
		return
	}
	st := formState(r)
	st.result, st.cliLine = res, cliLine
	s.renderSandboxPage(w, r, status, st)
}

// formState refills the endpoint form from a posted one (nothing for other
// forms): a typed ID (p_run_id_other) wins over the list, as when sending.
func formState(r *http.Request) consoleState {
	var st consoleState
	ep := r.PostForm.Get("ep")
	if ep == "" {
		return st
	}
	st.ep = ep
	st.values = url.Values{}
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "p_"); ok && !strings.HasSuffix(name, "_other") {
			st.values[name] = vs
		}
	}
	for k := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "p_"); ok {
			if name, ok = strings.CutSuffix(name, "_other"); ok {
				if other := strings.TrimSpace(r.PostForm.Get(k)); other != "" {
					st.values.Set(name, other)
				}
			}
		}
	}
	st.values.Set("body", r.PostForm.Get("body"))
	st.values.Set("extra", r.PostForm.Get("extra"))
	return st
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
	s.render(w, r, status, templates.Sandbox(templates.SandboxView{
		Meta:      s.meta(r, "Sandbox", "sandbox"),
		Host:      s.baseURL(r),
		Token:     tok,
		Try:       r.URL.Query().Get("try"),
		Console:   cv,
		ScriptURL: "/static/" + s.static.version + "/sandbox.js",
	}))
}
