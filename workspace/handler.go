package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	pathVal string // {job_id} for permissions
}

type route struct {
	method string
	fn     func(*req) (any, *apiError)
}

// jobRoutes are the verbs under /api/2.x/jobs/.
var jobRoutes = map[string]route{
	"create":          {http.MethodPost, handleCreate},
	"get":             {http.MethodGet, handleGet},
	"list":            {http.MethodGet, handleList},
	"update":          {http.MethodPost, handleUpdate},
	"reset":           {http.MethodPost, handleReset},
	"delete":          {http.MethodPost, handleDelete},
	"run-now":         {http.MethodPost, handleRunNow},
	"runs/submit":     {http.MethodPost, handleSubmit},
	"runs/list":       {http.MethodGet, handleRunsList},
	"runs/get":        {http.MethodGet, handleRunsGet},
	"runs/get-output": {http.MethodGet, handleGetOutput},
	"runs/cancel":     {http.MethodPost, handleCancel},
	"runs/cancel-all": {http.MethodPost, handleCancelAll},
	"runs/delete":     {http.MethodPost, handleRunDelete},
	"runs/export":     {http.MethodGet, handleExport},
	"runs/repair":     {http.MethodPost, handleRepair},
}

// notEmulated are API prefixes a real workspace serves that the sandbox
// does not: they answer 501 rather than 404.
var notEmulated = []string{
	"/api/2.0/jobs/", "/api/2.1/jobs/policy-compliance", "/api/2.2/jobs/policy-compliance",
	"/api/2.0/clusters/", "/api/2.1/clusters/", "/api/2.0/workspace/", "/api/2.0/dbfs/",
	"/api/2.0/pipelines", "/api/2.0/sql/", "/api/2.0/repos", "/api/2.0/secrets/",
	"/api/2.1/unity-catalog/", "/api/2.0/permissions/", "/api/2.0/preview/scim/",
	"/api/2.0/token/", "/api/2.0/workspace-conf", "/api/2.0/libraries/", "/api/2.0/instance-pools/",
	"/api/2.0/policies/", "/api/2.0/serving-endpoints", "/api/2.0/apps", "/api/2.0/fs/",
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

func writeErr(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, map[string]string{"error_code": e.Code, "message": e.Message})
}

// fail writes e; for a 500 it first hands the cause, wrapped with the
// method and path, to Options.OnError.
func (m *Manager) fail(w http.ResponseWriter, r *http.Request, e *apiError) {
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

func (m *Manager) requestHost(r *http.Request) string {
	scheme := RequestScheme(r, m.opts.TrustProxy)
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

func (m *Manager) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == "/.well-known/databricks-config" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeErr(w, methodNotAllowed(r.Method, path, http.MethodGet, w))
			return
		}
		host := m.requestHost(r)
		writeJSON(w, http.StatusOK, map[string]string{
			"workspace_id": workspaceNumber, "oidc_endpoint": host + "/oidc", "host_type": "workspace", "cloud": "aws",
		})
		return
	}
	if !strings.HasPrefix(path, "/api/") {
		writeErr(w, endpointNotFound(r.Method, path))
		return
	}
	who, aerr := m.authenticate(r)
	if aerr != nil {
		m.fail(w, r, aerr)
		return
	}
	rq := &req{ctx: r.Context(), m: m, who: who, q: r.URL.Query(), host: m.requestHost(r), method: r.Method, path: path}
	var rt route
	found := false
	switch {
	case strings.HasPrefix(path, "/api/2.2/jobs/"), strings.HasPrefix(path, "/api/2.1/jobs/"):
		rq.v21 = strings.HasPrefix(path, "/api/2.1/")
		rt, found = jobRoutes[strings.TrimSuffix(path[len("/api/2.2/jobs/"):], "/")]
	case strings.HasPrefix(path, "/api/2.0/permissions/jobs/"):
		rest := strings.TrimSuffix(path[len("/api/2.0/permissions/jobs/"):], "/")
		id, levels := strings.CutSuffix(rest, "/permissionLevels")
		if id != "" && !strings.Contains(id, "/") {
			rq.pathVal = id
			found = true
			if levels {
				rt = route{http.MethodGet, handlePermLevels}
			} else {
				switch r.Method {
				case http.MethodGet:
					rt = route{http.MethodGet, handlePermGet}
				case http.MethodPut:
					rt = route{http.MethodPut, handlePermSet}
				case http.MethodPatch:
					rt = route{http.MethodPatch, handlePermUpdate}
				default:
					writeErr(w, methodNotAllowed(r.Method, path, "GET, PUT, PATCH", w))
					return
				}
			}
		}
	case path == "/api/2.0/preview/scim/v2/Me":
		rt, found = route{http.MethodGet, handleMe}, true
	}
	if !found {
		for _, p := range notEmulated {
			if strings.HasPrefix(path, p) {
				writeErr(w, &apiError{Status: http.StatusNotImplemented, Code: "NOT_IMPLEMENTED",
					Message: "The sandbox workspace does not emulate '" + r.Method + " " + path + "'. See /sandbox/fidelity for what it does."})
				return
			}
		}
		writeErr(w, endpointNotFound(r.Method, path))
		return
	}
	if r.Method != rt.method && !(rt.method == http.MethodGet && r.Method == http.MethodHead) {
		writeErr(w, methodNotAllowed(r.Method, path, rt.method, w))
		return
	}
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeErr(w, malformed("Request body is larger than the limit of %d bytes.", maxBody))
				return
			}
			writeErr(w, malformed("Could not read the request body: %v", err))
			return
		}
		rq.body = bytes.TrimSpace(body)
	}
	if len(rq.body) > 0 && rq.body[0] != '{' {
		writeErr(w, malformed("Could not parse request object: Expected an object, found %s", jsonKind(rq.body)))
		return
	}
	if len(rq.body) > 0 && !json.Valid(rq.body) {
		var v any
		writeErr(w, decodeErr(json.Unmarshal(rq.body, &v), ""))
		return
	}
	sp, err := m.acquire(r.Context(), who.WorkspaceID)
	if err != nil {
		m.fail(w, r, internal(err))
		return
	}
	rq.sp = sp
	rq.now = m.now()
	out, aerr := rt.fn(rq)
	sp.mu.Unlock()
	if aerr != nil {
		m.fail(w, r, aerr)
		return
	}
	if err := writeJSON(w, http.StatusOK, out); err != nil {
		m.report(r, err)
	}
}

func endpointNotFound(method, path string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "ENDPOINT_NOT_FOUND", Message: "No API found for '" + method + " " + path + "'"}
}

func methodNotAllowed(method, path, allow string, w http.ResponseWriter) *apiError {
	w.Header().Set("Allow", allow)
	return &apiError{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED",
		Message: "Method " + method + " is not allowed for '" + path + "'; use " + allow + "."}
}

// authenticate resolves the Bearer token. A missing or malformed token, or
// one Resolve answers with ErrUnknownToken, is a 403 "Invalid access
// token."; any other Resolve error is a 500 (the token may be fine, the
// lookup failed).
func (m *Manager) authenticate(r *http.Request) (Identity, *apiError) {
	bad := &apiError{Status: http.StatusForbidden, Code: "403", Message: "Invalid access token."}
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
func (rq *req) decode(v any) *apiError {
	if len(rq.body) == 0 {
		return nil
	}
	return decodeInto(rq.body, "", v)
}

// qInt reads an integer query parameter; ok=false when absent.
func (rq *req) qInt(name string) (int64, bool, *apiError) {
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

func (rq *req) qBool(name string) (bool, *apiError) {
	s := rq.q.Get(name)
	switch strings.ToLower(s) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, malformed("Could not parse request object: Expected boolean for field '%s', found '%s'", name, truncate(s, 40))
}

func (rq *req) requiredID(name string) (int64, *apiError) {
	n, ok, err := rq.qInt(name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, missingField(name)
	}
	return n, nil
}

func handleMe(rq *req) (any, *apiError) {
	return map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"id":          strconv.FormatUint(uint64(fnvID(rq.who.UserName)), 10),
		"userName":    rq.who.UserName,
		"displayName": rq.who.UserName,
		"active":      true,
		"emails":      []map[string]any{{"value": rq.who.UserName, "type": "work", "primary": true}},
	}, nil
}
