package workspace

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// maxBody is the largest request body accepted (1 MiB).
const maxBody = 1 << 20

// req is one API call after authentication.
type req struct {
	ctx     context.Context
	m       *Manager
	sp      *space
	who     Identity
	v21     bool
	q       url.Values
	body    []byte
	host    string
	now     int64
	method  string
	path    string
	pathVal string // {job_id} for permissions, {path...} for workspace files
}

// routeFunc serves one emulated endpoint under the workspace's lock.
type routeFunc func(*req) (any, error)

// needsRuns reports whether endpoint name reads or writes runs: only
// those read a workspace's run documents when it was just loaded (see
// buildSpace). Calls on jobs, permissions and files never touch runs.
func needsRuns(name string) bool {
	return name == "jobs/run-now" || strings.HasPrefix(name, "runs/")
}

// routeFuncs maps each emulated catalogue endpoint (jobsapi.Endpoint.Name)
// to its handler. TestCatalogueRoutes checks that this and the catalogue
// agree both ways.
var routeFuncs = map[string]routeFunc{
	"jobs/create":        handleCreate,
	"jobs/get":           handleGet,
	"jobs/list":          handleList,
	"jobs/update":        handleUpdate,
	"jobs/reset":         handleReset,
	"jobs/delete":        handleDelete,
	"jobs/run-now":       handleRunNow,
	"runs/submit":        handleSubmit,
	"runs/list":          handleRunsList,
	"runs/get":           handleRunsGet,
	"runs/get-output":    handleGetOutput,
	"runs/cancel":        handleCancel,
	"runs/cancel-all":    handleCancelAll,
	"runs/delete":        handleRunDelete,
	"runs/export":        handleExport,
	"runs/repair":        handleRepair,
	"permissions/get":    handlePermGet,
	"permissions/set":    handlePermSet,
	"permissions/update": handlePermUpdate,
	"permissions/levels": handlePermLevels,
	"scim/me":            handleMe,
	"telemetry":          handleTelemetry,
	// workspace files (files.go)
	"workspace/get-status":        handleGetStatus,
	"workspace/mkdirs":            handleMkdirs,
	"workspace-files/import-file": handleImportFile,
	"workspace-files/read":        handleReadFile,
	"workspace/export":            handleWSExport,
	"workspace/list":              handleWSList,
	"workspace/delete":            handleWSDelete,
}

// newMux builds the emulator's routes from the catalogue: one method
// pattern per emulated endpoint and version, the unauthenticated
// /.well-known/databricks-config, and a catch-all that answers 405, 501 or
// 404 in the Databricks shape. It returns an error when a catalogue entry
// has no handler.
func (m *Manager) newMux() (*http.ServeMux, error) {
	mux := http.NewServeMux()
	for _, e := range jobsapi.All() {
		if e.Support == jobsapi.NotEmulated {
			continue
		}
		if e.Name == "workspace/config" {
			mux.HandleFunc(e.Pattern(""), m.serveConfig)
			continue
		}
		fn, ok := routeFuncs[e.Name]
		if !ok {
			return nil, fmt.Errorf("workspace: catalogue endpoint %s has no handler", e.Name)
		}
		versions := e.Versions
		if len(versions) == 0 { // not under /api/X.Y/ (POST /telemetry-ext)
			versions = []string{""}
		}
		for _, v := range versions {
			mux.Handle(e.Pattern(v), m.route(fn, v == "2.1", e.RawBody, needsRuns(e.Name)))
		}
	}
	mux.HandleFunc("/", m.serveUnrouted)
	return mux, nil
}

// Handler serves GET /.well-known/databricks-config and everything under
// /api/. API errors are Databricks-shaped JSON with the matching status; a
// 500 carries only a generic message, its cause goes to Options.OnError.
func (m *Manager) Handler() http.Handler {
	return http.HandlerFunc(m.serve)
}

// writeJSON writes v ([]byte and json.RawMessage as they are) with status.
// When v cannot be encoded it writes the generic 500 instead and returns
// the encoding error, for the caller to report.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var b []byte
	var err error
	switch x := v.(type) {
	case []byte:
		b = x
	case json.RawMessage:
		b = x
	default:
		b, err = json.Marshal(v)
		if err != nil {
			status = http.StatusInternalServerError
			b, _ = json.Marshal(map[string]string{"error_code": "INTERNAL_ERROR", "message": internalMessage})
			err = fmt.Errorf("workspace: encode response: %w", err)
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
	return err
}

// writeRaw writes a file's bytes with status 200.
func writeRaw(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// writeErr writes err in the Databricks shape (see AsError).
func writeErr(w http.ResponseWriter, err error) {
	e := AsError(err)
	if b, ok := w.(*bufferedResponse); ok {
		b.err = e // for Manager.Call
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	writeJSON(w, e.Status, map[string]string{"error_code": e.Code, "message": e.Message})
}

// fail writes err (see AsError); for a 500 it first hands the cause,
// wrapped with the method and path, to Options.OnError.
func (m *Manager) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := AsError(err)
	if e.cause != nil {
		m.report(r, e.cause)
	}
	writeErr(w, e)
}

// report hands err, wrapped with the request's method and path, to
// Options.OnError (nil ignores it).
func (m *Manager) report(r *http.Request, err error) {
	if m.opts.OnError != nil {
		m.opts.OnError(fmt.Errorf("workspace: %s %s: %w", r.Method, r.URL.Path, err))
	}
}

// recoverPanic, deferred by serve, turns a panic in a route into a
// Databricks-shaped JSON 500 quoting a request id, with the panic and its
// stack reported once through Options.OnError. The workspace's mutex has
// already been released by withSpace's defer, so the workspace stays
// usable. http.ErrAbortHandler is passed on (net/http handles it).
func (m *Manager) recoverPanic(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	id := newRequestID()
	m.report(r, fmt.Errorf("panic (request_id %s): %v\n%s", id, v, debug.Stack()))
	WriteInternalError(w, id)
}

// WriteInternalError writes the emulator's generic 500,
// {"error_code":"INTERNAL_ERROR","message":...}, quoting requestID so a
// learner can match it to the server log.
func WriteInternalError(w http.ResponseWriter, requestID string) {
	writeJSON(w, http.StatusInternalServerError, map[string]string{
		"error_code": "INTERNAL_ERROR",
		"message":    internalMessage + " Request id: " + requestID + ".",
	})
}

// newRequestID returns 12 random hex characters.
func newRequestID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestHost is the scheme and host the client called, for links in
// responses (see RequestHost for when proxy headers count).
func (m *Manager) requestHost(r *http.Request) string {
	return RequestHost(r, m.opts.TrustProxy)
}

// serve routes one request through the mux, with every panic recovered
// into a JSON 500. A trailing slash is ignored, as the real service does.
func (m *Manager) serve(w http.ResponseWriter, r *http.Request) {
	defer m.recoverPanic(w, r)
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		r2 := *r
		u := *r.URL
		u.Path, u.RawPath = strings.TrimRight(p, "/"), ""
		if u.Path == "" {
			u.Path = "/"
		}
		r2.URL = &u
		r = &r2
	}
	if p := r.URL.EscapedPath(); path.Clean(p) != p {
		// A ServeMux would redirect a path with "//", "." or ".." segments
		// to its clean form: an API path that is not clean names no API.
		// (As for the mux, escaped slashes do not count: a workspace file
		// path sent as one escaped segment is judged by its endpoint.)
		m.serveUnclean(w, r)
		return
	}
	m.mux.ServeHTTP(w, r)
}

// serveUnclean answers a path that is not in clean form ("//", "." or ".."
// segments) 404 ENDPOINT_NOT_FOUND, after the token check every /api/
// path gets first.
func (m *Manager) serveUnclean(w http.ResponseWriter, r *http.Request) {
	if !m.admitUnrouted(w, r) {
		return
	}
	writeErr(w, endpointNotFound(r.Method, r.URL.Path))
}

// admitUnrouted checks the token and the rate budget of a call under /api/
// that no route serves, as a real workspace does before it says there is
// no such API; it answers the refusal itself and reports whether to go on.
func (m *Manager) admitUnrouted(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	if _, aerr := m.authenticate(r); aerr != nil {
		m.fail(w, r, aerr)
		return false
	}
	if err := m.throttle(r); err != nil {
		m.fail(w, r, err)
		return false
	}
	return true
}

// serveConfig answers GET /.well-known/databricks-config, without a token,
// so clients that probe it stay quiet.
func (m *Manager) serveConfig(w http.ResponseWriter, r *http.Request) {
	host := m.requestHost(r)
	writeJSON(w, http.StatusOK, map[string]string{
		"workspace_id": workspaceNumber, "oidc_endpoint": host + "/oidc", "host_type": "workspace", "cloud": "aws",
	})
}

// serveUnrouted answers what no emulated route matched: 405 with Allow when
// the path is served for other methods, 501 for a real API the sandbox
// does not emulate, else 404 ENDPOINT_NOT_FOUND. Under /api/ the caller
// must still present a valid token first, as on a real workspace.
func (m *Manager) serveUnrouted(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if !m.admitUnrouted(w, r) {
		return
	}
	if allow := m.allowedMethods(r); len(allow) > 0 {
		writeErr(w, methodNotAllowed(r.Method, path, strings.Join(allow, ", "), w))
		return
	}
	if strings.HasPrefix(path, "/api/") {
		for _, p := range jobsapi.NotEmulatedPrefixes {
			if strings.HasPrefix(path, p) {
				writeErr(w, &Error{Status: http.StatusNotImplemented, Code: "NOT_IMPLEMENTED",
					Message: "The sandbox workspace does not emulate '" + r.Method + " " + path + "'. See /sandbox/fidelity for what it does."})
				return
			}
		}
	}
	writeErr(w, endpointNotFound(r.Method, path))
}

// allowedMethods lists the methods an emulated route serves r's path with.
func (m *Manager) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, meth := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch} {
		if meth == r.Method || (meth == http.MethodGet && r.Method == http.MethodHead) {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = meth
		if _, pattern := m.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, meth)
		}
	}
	return allow
}

// route adapts fn to an http.Handler: authenticate, read and check the
// body, run fn under the workspace's lock, write the answer (JSON, or the
// bytes of a file when fn answers rawBytes). With raw the body is a file's
// bytes, not JSON (jobsapi.Endpoint.RawBody): it is capped at
// Limits.MaxFileBytes instead of maxBody and not checked as JSON.
func (m *Manager) route(fn routeFunc, v21, raw, runs bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who, aerr := m.authenticate(r)
		if aerr != nil {
			m.fail(w, r, aerr)
			return
		}
		if err := m.throttle(r); err != nil { // per-token request budget (ratelimit.go)
			m.fail(w, r, err)
			return
		}
		rq := &req{ctx: r.Context(), m: m, who: who, v21: v21, q: r.URL.Query(), host: m.requestHost(r),
			method: r.Method, path: r.URL.Path, pathVal: r.PathValue("job_id")}
		if rq.pathVal == "" {
			rq.pathVal = r.PathValue("path")
		}
		if aerr := rq.readBody(w, r, raw); aerr != nil {
			writeErr(w, aerr)
			return
		}
		var out any
		var seen uint64 // the last write the answer may show
		err := m.withSpace(r.Context(), who.WorkspaceID, func(sp *space) (err error) {
			rq.sp = sp
			rq.now = m.now()
			if runs {
				if err := m.ensureRuns(rq.ctx, sp); err != nil {
					return internal(err)
				}
			}
			out, err = fn(rq)
			seen = sp.wq.enq.Load()
			return err
		})
		if rq.sp != nil {
			// Answer only once the store has what the answer shows.
			if serr := m.settle(r.Context(), rq.sp, seen); serr != nil {
				err = internal(serr)
			}
		}
		if err != nil {
			m.fail(w, r, err)
			return
		}
		if b, ok := out.(rawBytes); ok {
			writeRaw(w, b)
			return
		}
		if err := writeJSON(w, http.StatusOK, out); err != nil {
			m.report(r, err)
		}
	})
}

// maxRawBody caps a raw body when Limits.MaxFileBytes is off (negative).
const maxRawBody = 512 << 20

// readBody reads and checks the request body (at most maxBody bytes, a
// JSON object, UTF-8) and the query (UTF-8) into rq. A raw body (a file's
// bytes) is read as it is, up to Limits.MaxFileBytes; past it the answer
// is the file-size 400 and nothing more is read.
func (rq *req) readBody(w http.ResponseWriter, r *http.Request, raw bool) error {
	limit := int64(maxBody)
	if raw {
		limit = rq.m.opts.Limits.MaxFileBytes
		if limit < 0 {
			limit = maxRawBody
		}
	}
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe) && raw:
				return fileTooLarge(limit)
			case errors.As(err, &mbe):
				return malformed("Request body is larger than the limit of %d bytes.", maxBody)
			}
			return malformed("Could not read the request body: %v", err)
		}
		if raw {
			rq.body = body
		} else {
			rq.body = bytes.TrimSpace(body)
		}
	}
	for k, vs := range rq.q {
		for _, v := range append(vs, k) {
			if !utf8.ValidString(v) {
				return malformed("Could not parse the query string: parameter %q is not valid UTF-8.", strings.ToValidUTF8(k, "\uFFFD"))
			}
		}
	}
	if raw {
		return nil
	}
	if !utf8.Valid(rq.body) {
		return malformed("Could not parse request object: the body is not valid UTF-8.")
	}
	if len(rq.body) > 0 && rq.body[0] != '{' {
		return malformed("Could not parse request object: Expected an object, found %s", jsonKind(rq.body))
	}
	if len(rq.body) > 0 && !json.Valid(rq.body) {
		var v any
		return decodeErr(json.Unmarshal(rq.body, &v), "")
	}
	return nil
}

func endpointNotFound(method, path string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "ENDPOINT_NOT_FOUND", Message: "No API found for '" + method + " " + path + "'"}
}

func methodNotAllowed(method, path, allow string, w http.ResponseWriter) *Error {
	w.Header().Set("Allow", allow)
	return &Error{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED",
		Message: "Method " + method + " is not allowed for '" + path + "'; use " + allow + "."}
}

// authenticate resolves the Bearer token. A missing or malformed token, or
// one Resolve answers with ErrUnknownToken, is a 403 "Invalid access
// token."; any other Resolve error is a 500 (the token may be fine, the
// lookup failed).
func (m *Manager) authenticate(r *http.Request) (Identity, error) {
	bad := &Error{Status: http.StatusForbidden, Code: "403", Message: "Invalid access token."}
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Identity{}, bad
	}
	tok = strings.TrimSpace(tok)
	if tok == "" || len(tok) > 512 {
		return Identity{}, bad
	}
	who, err := m.opts.Resolve(r.Context(), tok)
	if errors.Is(err, ErrUnknownToken) {
		return Identity{}, bad
	}
	if err != nil {
		return Identity{}, internal(fmt.Errorf("workspace: resolve token: %w", err))
	}
	if who.WorkspaceID == "" {
		return Identity{}, bad
	}
	return who, nil
}

// body decodes the request body into v, naming the field on type errors.
func (rq *req) decode(v any) error {
	if len(rq.body) == 0 {
		return nil
	}
	return decodeInto(rq.body, "", v)
}

// qInt reads an integer query parameter; ok=false when absent.
func (rq *req) qInt(name string) (int64, bool, error) {
	s := rq.q.Get(name)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		found := "'" + truncate(s, 40) + "'"
		if errors.Is(err, strconv.ErrRange) {
			found += " (value out of range)"
		}
		return 0, false, malformed("Could not parse request object: Expected int64 for field '%s', found %s", name, found)
	}
	return n, true, nil
}

func (rq *req) qBool(name string) (bool, error) {
	s := rq.q.Get(name)
	switch strings.ToLower(s) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, malformed("Could not parse request object: Expected boolean for field '%s', found '%s'", name, truncate(s, 40))
}

func (rq *req) requiredID(name string) (int64, error) {
	n, ok, err := rq.qInt(name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, missingField(name)
	}
	return n, nil
}

func handleMe(rq *req) (any, error) {
	return map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"id":          strconv.FormatUint(uint64(fnvID(rq.who.UserName)), 10),
		"userName":    rq.who.UserName,
		"displayName": rq.who.UserName,
		"active":      true,
		"emails":      []map[string]any{{"value": rq.who.UserName, "type": "work", "primary": true}},
	}, nil
}
