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
	var cmd *command
	switch {
	case strings.HasPrefix(path, "/api/2.2/jobs/"), strings.HasPrefix(path, "/api/2.1/jobs/"):
		rest := strings.TrimSuffix(path[len("/api/2.2/jobs/"):], "/")
		ep := "jobs/" + rest
		if strings.HasPrefix(rest, "runs/") {
			ep = rest
		}
		cmd = commandByEndpoint(ep)
		if cmd != nil && cmd.method != method {
			return Call{}, fmt.Errorf("cli: %s %s: the endpoint takes %s", method, path, cmd.method)
		}
	case strings.HasPrefix(path, pathPerms):
		m := permPath.FindStringSubmatch(path)
		if m == nil {
			break
		}
		switch {
		case m[2] != "" && method == "GET":
			cmd = findCommand("get-permission-levels")
		case m[2] != "":
			return Call{}, fmt.Errorf("cli: %s %s: the endpoint takes GET", method, path)
		case method == "GET":
			cmd = findCommand("get-permissions")
		case method == "PUT":
			cmd = findCommand("set-permissions")
		case method == "PATCH":
			cmd = findCommand("update-permissions")
		default:
			return Call{}, fmt.Errorf("cli: %s %s: the endpoint takes GET, PUT or PATCH", method, path)
		}
	}
	if cmd == nil {
		return Call{}, fmt.Errorf("cli: %s %s is not a Jobs API endpoint", method, path)
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
// --json '...' when a field has no flag. legacy is the same command with the
// ID as --job-id/--run-id (the old form that Parse accepts with a note), or
// "" when the command takes no positional ID. Query parameters the CLI
// cannot send are listed in a trailing shell comment. A call that is not a
// Jobs API endpoint gives a comment saying so.
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
	cur := append(append([]string{}, words...), flags...)
	if id != "" {
		cur = append(append(append([]string{}, words...), shellWord(id)), flags...)
		leg := append(append(append([]string{}, words...), "--"+cmd.legacyFlag(), shellWord(id)), flags...)
		legacy = strings.Join(leg, " ")
	}
	current = strings.Join(cur, " ")
	if len(comment) > 0 {
		note := "  # not settable with the CLI: " + strings.Join(comment, " ")
		current += note
		if legacy != "" {
			legacy += note
		}
	}
	return current, legacy
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
