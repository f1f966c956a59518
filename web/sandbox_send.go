package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// callOutcome is what came back.
type callOutcome struct {
	status       int
	header       http.Header
	body         []byte
	truncated    bool
	transportErr string
	apiErr       *workspace.Error // the emulator's typed error (sandbox calls only)
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
