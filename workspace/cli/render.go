package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// FromRequest recognises a Jobs API request (2.1 or 2.2 jobs paths, or the
// 2.0 permissions paths) so that any request the page sends can be rendered.
// The path is kept as sent; a JSON body is compacted with sorted keys, and a
// body that is not valid JSON is kept as is (so the renderers can still show
// it). A GET's body is dropped. It returns an error for a path that is not a
// Jobs API endpoint or a method the endpoint does not take.
func FromRequest(method, path string, query url.Values, body []byte) (Call, error) {
	method = strings.ToUpper(method)
	c := Call{Method: method, Path: path}
	trimmed := strings.TrimSuffix(path, "/")
	ep, ok := jobsapi.Match(method, trimmed)
	if !ok {
		if ms := jobsapi.Methods(trimmed); len(ms) > 0 {
			return Call{}, fmt.Errorf("cli: %s %s: the endpoint takes %s", method, path, orList(ms))
		}
		return Call{}, fmt.Errorf("cli: %s %s is not a Jobs API endpoint", method, path)
	}
	cmd := commandByEndpoint(ep.Name)
	if cmd == nil {
		return Call{}, fmt.Errorf("cli: %s %s has no databricks jobs command", method, path)
	}
	c.Endpoint = cmd.endpoint
	if len(query) > 0 {
		c.Query = url.Values{}
		for k, v := range query {
			c.Query[k] = append([]string(nil), v...)
		}
	}
	if method != "GET" && len(bytes.TrimSpace(body)) > 0 {
		c.Body = canonical(body)
	}
	return c, nil
}

// orList joins words as "A, B or C".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

var permPath = regexp.MustCompile(`^/api/2\.0/permissions/jobs/([^/]+)(/permissionLevels)?/?$`)

// canonical re-encodes JSON compactly with sorted keys; invalid JSON is
// returned unchanged.
func canonical(body []byte) []byte {
	v, err := decodeJSON(body)
	if err != nil {
		return body
	}
	return marshal(v)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// Curl renders c as a multi-line curl command. host is the workspace URL
// (a missing scheme means https; "" gives $DATABRICKS_HOST) and
// tokenPlaceholder is what goes after "Bearer " (for example
// $DATABRICKS_TOKEN, the default when ""); neither is escaped for the shell
// beyond double quotes, so an environment variable stays expandable. The
// body is single-quoted with ' written as '\”. It never fails.
func Curl(c Call, host, tokenPlaceholder string) string {
	host = strings.TrimRight(strings.TrimSpace(host), "/")
	switch {
	case host == "":
		host = "$DATABRICKS_HOST"
	case !strings.Contains(host, "://") && !strings.HasPrefix(host, "$"):
		host = "https://" + host
	}
	if tokenPlaceholder == "" {
		tokenPlaceholder = "$DATABRICKS_TOKEN"
	}
	u := c.Path
	if q := c.Query.Encode(); q != "" {
		u += "?" + q
	}
	var b strings.Builder
	b.WriteString("curl ")
	if c.Method != "" && c.Method != "GET" {
		b.WriteString("-X " + c.Method + " ")
	}
	fmt.Fprintf(&b, "\"%s%s\" \\\n", dq(host, false), dq(u, true))
	fmt.Fprintf(&b, "  -H \"Authorization: Bearer %s\"", dq(tokenPlaceholder, false))
	if c.Method != "GET" && len(c.Body) > 0 {
		b.WriteString(" \\\n  -H \"Content-Type: application/json\" \\\n  -d " + sq(string(c.Body)))
	}
	return b.String()
}

// dq escapes s for a double-quoted shell word; $ is escaped only if dollar.
func dq(s string, dollar bool) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`")
	s = r.Replace(s)
	if dollar {
		s = strings.ReplaceAll(s, "$", `\$`)
	}
	return s
}

// sq single-quotes s for the shell.
func sq(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var safeWord = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellWord quotes s only when the shell needs it.
func shellWord(s string) string {
	if safeWord.MatchString(s) {
		return s
	}
	return sq(s)
}

// CLI renders c as the `databricks jobs` command (CLI v1.12.1) that sends
// it: IDs positional, fields with a flag as flags, and the whole body as
// --json '...' when a field has no flag. Query parameters the CLI cannot
// send are listed in a trailing shell comment. A call that is not a Jobs API
// endpoint gives a comment saying so.
//
// legacy is the same call in the legacy databricks-cli 0.x syntax (the
// `--job-id` form older material shows), or "" when 0.x had no such
// command (repair, permissions, update, export, cancel-all, runs/delete), a
// field of the call has no 0.x flag, or the 0.x form is the same text as
// the current one. See Legacy.
func CLI(c Call) (current string, legacy string) {
	cmd := commandByEndpoint(c.Endpoint)
	if cmd == nil {
		rc, err := FromRequest(c.Method, c.Path, c.Query, c.Body)
		if err != nil {
			return "# not a Jobs API call: " + c.Method + " " + c.Path, ""
		}
		cmd, c = commandByEndpoint(rc.Endpoint), rc
	}
	var (
		id      string
		flags   []string
		comment []string
	)
	if cmd.idInPath {
		if m := permPath.FindStringSubmatch(c.Path); m != nil {
			id = m[1]
		}
	}
	if cmd.method == "GET" {
		keys := sortedKeys(c.Query)
		for _, k := range keys {
			v := c.Query.Get(k)
			f := cmd.flagForField(k)
			switch {
			case k == cmd.idField && !cmd.idInPath && isInt(v):
				id = v
			case k == "limit" && cmd.paged:
				flags = append(flags, "--page-size", shellWord(v))
			case f != nil && f.kind == kBool && v == "true":
				flags = append(flags, "--"+f.name)
			case f != nil && f.kind == kBool:
				flags = append(flags, "--"+f.name+"="+shellWord(v))
			case f != nil:
				flags = append(flags, "--"+f.name, shellWord(v))
			default:
				comment = append(comment, k+"="+v)
			}
		}
	} else {
		flagged, bodyID, ok := bodyFlags(cmd, c.Body)
		switch {
		case cmd.idInPath:
			if len(c.Body) > 0 && string(c.Body) != "{}" {
				flags = append(flags, "--json", sq(string(c.Body)))
			}
		case ok:
			id, flags = bodyID, flagged
		case len(c.Body) > 0:
			flags = append(flags, "--json", sq(string(c.Body)))
		default:
			flags = append(flags, "--json", "'{}'")
		}
	}
	words := []string{"databricks", "jobs", cmd.name}
	if id != "" {
		words = append(words, shellWord(id))
	}
	current = strings.Join(append(words, flags...), " ")
	if len(comment) > 0 {
		current += "  # not settable with the CLI: " + strings.Join(comment, " ")
	}
	legacy = Legacy(c)
	if legacy == current {
		legacy = ""
	}
	return current, legacy
}

// Legacy renders c in the syntax of the legacy databricks-cli 0.x (the
// Python CLI that exam material and old blog posts show), or "" when that
// CLI could not send it. 0.x had only these commands for jobs:
//
//	databricks jobs list [--expand-tasks] [--offset N] [--limit N]
//	databricks jobs get --job-id N
//	databricks jobs create --json J
//	databricks jobs reset --job-id N --json NEW_SETTINGS
//	databricks jobs delete --job-id N
//	databricks jobs run-now --job-id N [--notebook-params J] [--jar-params J] [--python-params J]
//	    [--python-named-params J] [--spark-submit-params J] [--idempotency-token T]
//	databricks runs list [--job-id N] [--active-only|--completed-only] [--expand-tasks] [--offset N] [--limit N]
//	databricks runs get --run-id N
//	databricks runs get-output --run-id N
//	databricks runs cancel --run-id N
//	databricks runs submit --json J
//
// (--json-file F works wherever --json does.) There was no repair, no
// permissions, no update, no export, no cancel-all and no runs delete. The
// current CLI (v1.12) rejects these forms: it takes IDs positionally and
// has no `databricks runs` group. It never fails.
func Legacy(c Call) string {
	cmd := commandByEndpoint(c.Endpoint)
	if cmd == nil {
		rc, err := FromRequest(c.Method, c.Path, c.Query, c.Body)
		if err != nil {
			return ""
		}
		cmd, c = commandByEndpoint(rc.Endpoint), rc
	}
	// GET: every query key must have a 0.x flag (an ID flag or a listed one).
	query := func(words []string, idFlag string, required bool, allowed map[string]string) string {
		hasID := false
		for _, k := range sortedKeys(c.Query) {
			if len(c.Query[k]) != 1 {
				return ""
			}
			v := c.Query.Get(k)
			switch f, ok := allowed[k]; {
			case idFlag != "" && k == strings.ReplaceAll(idFlag, "-", "_"):
				if !isInt(v) {
					return ""
				}
				hasID = true
				words = append(words, "--"+idFlag, v)
			case ok && f[0] == '!': // a bool flag
				if v != "true" {
					return ""
				}
				words = append(words, "--"+f[1:])
			case ok:
				if !isInt(v) {
					return ""
				}
				words = append(words, "--"+f, v)
			default:
				return ""
			}
		}
		if required && !hasID {
			return ""
		}
		return strings.Join(words, " ")
	}
	// POST: the body as a JSON object.
	obj := func() map[string]any {
		v, err := decodeJSON(c.Body)
		m, ok := v.(map[string]any)
		if err != nil || !ok {
			return nil
		}
		return m
	}
	intField := func(m map[string]any, k string) (string, bool) {
		n, ok := m[k].(json.Number)
		if !ok || !isInt(n.String()) {
			return "", false
		}
		return n.String(), true
	}
	// onlyID renders a POST whose body is just the ID.
	onlyID := func(words []string, field string) string {
		m := obj()
		id, ok := intField(m, field)
		if !ok || len(m) != 1 {
			return ""
		}
		return strings.Join(append(words, "--"+strings.ReplaceAll(field, "_", "-"), id), " ")
	}
	wholeBody := func(words []string) string {
		if obj() == nil {
			return ""
		}
		return strings.Join(append(words, "--json", sq(string(marshal(obj())))), " ")
	}
	switch cmd.endpoint {
	case "jobs/list":
		return query([]string{"databricks", "jobs", "list"}, "", false,
			map[string]string{"expand_tasks": "!expand-tasks", "offset": "offset", "limit": "limit"})
	case "jobs/get":
		return query([]string{"databricks", "jobs", "get"}, "job-id", true, nil)
	case "runs/list":
		if c.Query.Get("active_only") == "true" && c.Query.Get("completed_only") == "true" {
			return ""
		}
		return query([]string{"databricks", "runs", "list"}, "job-id", false,
			map[string]string{"active_only": "!active-only", "completed_only": "!completed-only", "expand_tasks": "!expand-tasks", "offset": "offset", "limit": "limit"})
	case "runs/get":
		return query([]string{"databricks", "runs", "get"}, "run-id", true, nil)
	case "runs/get-output":
		return query([]string{"databricks", "runs", "get-output"}, "run-id", true, nil)
	case "jobs/create":
		return wholeBody([]string{"databricks", "jobs", "create"})
	case "runs/submit":
		return wholeBody([]string{"databricks", "runs", "submit"})
	case "jobs/delete":
		return onlyID([]string{"databricks", "jobs", "delete"}, "job_id")
	case "runs/cancel":
		return onlyID([]string{"databricks", "runs", "cancel"}, "run_id")
	case "jobs/reset":
		// 0.x took the job ID as a flag and only new_settings as JSON.
		m := obj()
		id, ok := intField(m, "job_id")
		ns, isObj := m["new_settings"].(map[string]any)
		if !ok || !isObj || len(m) != 2 {
			return ""
		}
		return strings.Join([]string{"databricks", "jobs", "reset", "--job-id", id, "--json", sq(string(marshal(ns)))}, " ")
	case "jobs/run-now":
		m := obj()
		id, ok := intField(m, "job_id")
		if !ok {
			return ""
		}
		words := []string{"databricks", "jobs", "run-now", "--job-id", id}
		for _, k := range sortedMapKeys(m) {
			switch k {
			case "job_id":
			case "idempotency_token":
				s, isStr := m[k].(string)
				if !isStr || s == "" {
					return ""
				}
				words = append(words, "--idempotency-token", shellWord(s))
			case "notebook_params", "jar_params", "python_params", "python_named_params", "spark_submit_params":
				words = append(words, "--"+strings.ReplaceAll(k, "_", "-"), sq(string(marshal(m[k]))))
			default:
				return ""
			}
		}
		return strings.Join(words, " ")
	}
	return ""
}

// bodyFlags reports whether every body field can be given as a flag (or the
// positional ID), and returns those flags.
func bodyFlags(cmd *command, body []byte) (flags []string, id string, ok bool) {
	if cmd.jsonOnly || len(body) == 0 {
		return nil, "", false
	}
	v, err := decodeJSON(body)
	m, isObj := v.(map[string]any)
	if err != nil || !isObj {
		return nil, "", false
	}
	if cmd.idField != "" && cmd.idName != "" {
		n, isNum := m[cmd.idField].(json.Number)
		if !isNum || !isInt(n.String()) {
			return nil, "", false
		}
		id = n.String()
	}
	for _, k := range sortedMapKeys(m) {
		if k == cmd.idField && cmd.idName != "" {
			continue
		}
		f := cmd.flagForField(k)
		if f == nil {
			return nil, "", false
		}
		switch val := m[k].(type) {
		case bool:
			if f.kind != kBool || !val {
				return nil, "", false
			}
			flags = append(flags, "--"+f.name)
		case json.Number:
			if f.kind != kInt || !isInt(val.String()) || val.String() == "0" {
				return nil, "", false
			}
			flags = append(flags, "--"+f.name, val.String())
		case string:
			if (f.kind != kString && f.kind != kEnum) || val == "" {
				return nil, "", false
			}
			if f.kind == kEnum && !contains(f.enum, val) {
				return nil, "", false
			}
			flags = append(flags, "--"+f.name, shellWord(val))
		default:
			return nil, "", false
		}
	}
	return flags, id, true
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func isInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func sortedKeys(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
