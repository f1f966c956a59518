package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// dispatch rate-limits, sends, spots mistakes, records and answers.
func (s *server) dispatch(w http.ResponseWriter, r *http.Request, c consoleCall) {
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	if s.sendLimit.take(strconv.FormatInt(l.ID, 10)) > 0 {
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
	// The emulator builds its links from the scheme and host the page was
	// reached over, judged as for a direct call (workspace.RequestHost).
	req.TLS = r.TLS
	for _, h := range []string{"X-Forwarded-Proto", "X-Forwarded-Host"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	res := s.workspaces.Call(req)
	s.countConsoleCall(req, res)
	return callOutcome{status: res.Status, header: res.Header, body: res.Body, apiErr: res.Err}
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
		if row.Source == "cli" {
			if parsed, err := cli.Parse(row.CLILine); err == nil {
				res.CLI, res.CLILegacy = parsed.CLI() // keeps a typed --no-wait
			}
		}
		res.GoSDK = cli.GoSDK(c.call)
		res.PySDK = cli.PySDK(c.call)
	}
	res.Replay = &templates.RawCall{Method: row.Method, Path: row.Path, Query: row.Query, Body: row.Body}
	if row.ErrorCode == "CONNECTION" {
		res.TransportError = row.Note
	} else {
		res.RespHeaders = decodeHeaders(row.ResponseHeaders)
		res.Resp, res.Cut = prettyJSON([]byte(row.Response))
		if row.Truncated && res.Cut != "" {
			res.Cut = strings.Replace(res.Cut, "The response is", "The response was cut to fit the history, at", 1)
		}
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
