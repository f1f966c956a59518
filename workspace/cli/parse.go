package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const defaultTimeout = 20 * time.Minute

// Parse reads one command line the way Databricks CLI v1.12.1 would and
// returns the API call it makes. The `databricks` prefix is optional. The
// line is split like a POSIX shell does (quotes and backslashes, no
// expansion); global flags -o/--output, -p/--profile and --debug are
// accepted anywhere.
//
// Parse deviates from the real CLI only to teach: `jobs get --job-id N` and
// `jobs run-now --job-id N` (the legacy databricks-cli 0.x spelling, which
// CLI v1.12 rejects) are run as `jobs get N` / `jobs run-now N`, with a note
// saying so. --job-id/--run-id on any other ID command is an unknown flag,
// as in the real CLI, with a hint.
//
// Every error is an *Error with a message worded like the real CLI's
// ("unknown flag: --x", "accepts 1 arg(s), received 0", `unknown command "x"
// for "databricks jobs"`) and a hint; `--json @file` and `bundle run` are
// explained, never run.
func Parse(line string) (Parsed, error) {
	if strings.TrimSpace(line) == "" {
		return Parsed{}, errf("type a Databricks CLI command, e.g. databricks jobs list", "empty command")
	}
	toks, err := tokenize(line)
	if err != nil {
		return Parsed{}, err
	}
	if len(toks) == 0 {
		return Parsed{}, errf("type a Databricks CLI command, e.g. databricks jobs list", "empty command")
	}
	if toks[0] == "databricks" {
		toks = toks[1:]
	} else if !strings.HasPrefix(toks[0], "-") && toks[0] != "jobs" && toks[0] != "bundle" && toks[0] != "runs" {
		return Parsed{}, errf("the CLI box runs Databricks CLI commands such as databricks jobs list-runs --job-id 12; use the endpoint picker for a raw HTTP call",
			fmt.Sprintf("not a databricks command: %q", toks[0]))
	}
	p := &parser{toks: toks}
	return p.parse()
}

type parser struct {
	toks   []string
	help   bool
	notes  []string
	output string
}

// global handles a global flag at toks[i]. It reports ok=false if the flag
// is not a global one.
func (p *parser) global(i int) (next int, ok bool, err error) {
	t := p.toks[i]
	name, val, hasVal, short := splitFlag(t)
	switch {
	case name == "help" && !short, name == "h" && short:
		p.help = true
		return i + 1, true, nil
	case name == "debug" && !short:
		if hasVal {
			if _, err := strconv.ParseBool(val); err != nil {
				return 0, true, errf("", fmt.Sprintf("invalid argument %q for \"--debug\" flag: %v", val, err))
			}
		}
		p.note("--debug is ignored in the sandbox: the page already shows the exact request and response.")
		return i + 1, true, nil
	case name == "output" && !short, name == "o" && short:
		v, next, err := flagValue(p.toks, i, val, hasVal, t)
		if err != nil {
			return 0, true, err
		}
		if v != "json" && v != "text" {
			return 0, true, errf("use -o json or -o text", fmt.Sprintf("invalid argument %q for \"-o, --output\" flag: accepted arguments are json and text", v))
		}
		p.output = v
		return next, true, nil
	case name == "profile" && !short, name == "p" && short:
		v, next, err := flagValue(p.toks, i, val, hasVal, t)
		if err != nil {
			return 0, true, err
		}
		p.note(fmt.Sprintf("--profile %s is ignored in the sandbox: the call goes to your sandbox workspace with your sandbox token (in your terminal, a profile picks the host and token from ~/.databrickscfg).", v))
		return next, true, nil
	}
	return 0, false, nil
}

func (p *parser) note(s string) {
	for _, n := range p.notes {
		if n == s {
			return
		}
	}
	p.notes = append(p.notes, s)
}

// splitFlag splits "--name=value", "--name", "-x", "-xvalue" and "-x=value".
func splitFlag(t string) (name, val string, hasVal, short bool) {
	if strings.HasPrefix(t, "--") {
		name, val, hasVal = strings.Cut(t[2:], "=")
		return name, val, hasVal, false
	}
	if len(t) < 2 {
		return "", "", false, true
	}
	name, rest := t[1:2], t[2:]
	if rest != "" {
		return name, strings.TrimPrefix(rest, "="), true, true
	}
	return name, "", false, true
}

// flagValue returns the value of a flag that takes one: "--x=v" or "--x v".
func flagValue(toks []string, i int, val string, hasVal bool, tok string) (string, int, error) {
	if hasVal {
		return val, i + 1, nil
	}
	if i+1 >= len(toks) {
		name := tok
		if !strings.HasPrefix(tok, "--") {
			return "", 0, errf("", fmt.Sprintf("flag needs an argument: '%s' in %s", tok[1:2], tok))
		}
		return "", 0, errf("", "flag needs an argument: "+name)
	}
	return toks[i+1], i + 2, nil
}

func (p *parser) parse() (Parsed, error) {
	// Find the command words; only global flags may come before them.
	var words []string
	i := 0
	for i < len(p.toks) && len(words) < 2 {
		t := p.toks[i]
		if t == "--" {
			break
		}
		if strings.HasPrefix(t, "-") && t != "-" {
			next, ok, err := p.global(i)
			if err != nil {
				return Parsed{}, err
			}
			if !ok {
				if len(words) == 1 && words[0] == "jobs" {
					return Parsed{}, errf("put the subcommand first, then its flags: databricks jobs list-runs --job-id 12",
						"unknown flag: "+t)
				}
				break
			}
			i = next
			continue
		}
		words = append(words, t)
		i++
		if len(words) == 1 && words[0] != "jobs" {
			break
		}
	}
	if len(words) == 0 {
		if p.help {
			return Parsed{}, errf("the sandbox supports the jobs commands: "+strings.Join(commandNames(), ", "), "Usage: databricks jobs [command]")
		}
		return Parsed{}, errf("e.g. databricks jobs list", "missing command: try databricks jobs")
	}
	switch words[0] {
	case "jobs":
	case "bundle":
		return Parsed{}, bundleError(p.toks[i:])
	case "runs":
		return Parsed{}, legacyRunsError(p.toks[i:])
	default:
		return Parsed{}, errf("the sandbox emulates the Jobs API only; try databricks jobs list",
			fmt.Sprintf("databricks %s is not available in the sandbox", words[0]))
	}
	if len(words) < 2 {
		if p.help {
			return Parsed{}, errf("Available commands: "+strings.Join(commandNames(), ", "), "Usage: databricks jobs [command]")
		}
		return Parsed{}, errf("Available commands: "+strings.Join(commandNames(), ", "), `missing subcommand for "databricks jobs"`)
	}
	c := findCommand(words[1])
	if c == nil {
		hint := ""
		if s := suggest(words[1], commandNames()); s != "" {
			hint = "Did you mean this? " + s + ". "
		}
		return Parsed{}, errf(hint+"Available commands: "+strings.Join(commandNames(), ", "),
			fmt.Sprintf("unknown command %q for \"databricks jobs\"", words[1]))
	}
	return p.command(c, i)
}

type jobsArgs struct {
	set      map[string]any // field -> bool, int64 or string, from flags
	order    []string
	json     *string
	legacyID string
	pos      []string
	noWait   bool
	timeout  time.Duration
	limit    int
	pageSize int
	hasPS    bool
}

func (p *parser) command(c *command, i int) (Parsed, error) {
	a := jobsArgs{set: map[string]any{}, timeout: defaultTimeout}
	onlyPos := false
	for i < len(p.toks) {
		t := p.toks[i]
		if onlyPos || !strings.HasPrefix(t, "-") || t == "-" {
			a.pos = append(a.pos, t)
			i++
			continue
		}
		if t == "--" {
			onlyPos = true
			i++
			continue
		}
		next, ok, err := p.global(i)
		if err != nil {
			return Parsed{}, err
		}
		if ok {
			i = next
			continue
		}
		name, val, hasVal, short := splitFlag(t)
		if short {
			return Parsed{}, errf(fmt.Sprintf("jobs %s takes: %s", c.name, strings.Join(c.allFlagNames(), ", ")),
				fmt.Sprintf("unknown shorthand flag: '%s' in %s", name, t))
		}
		switch {
		case name == "json" && c.json:
			v, n, err := flagValue(p.toks, i, val, hasVal, t)
			if err != nil {
				return Parsed{}, err
			}
			if strings.HasPrefix(v, "@") {
				return Parsed{}, errf(fmt.Sprintf("paste the JSON inline instead, in single quotes: databricks jobs %s --json '%s'", c.name, jsonExample(c)),
					fmt.Sprintf("--json %s: files are not available in the sandbox", v))
			}
			a.json = &v
			i = n
		case (name == "limit" || name == "page-size") && c.paged:
			v, n, err := flagValue(p.toks, i, val, hasVal, t)
			if err != nil {
				return Parsed{}, err
			}
			x, err := strconv.Atoi(v)
			if err != nil {
				return Parsed{}, errf("", fmt.Sprintf("invalid argument %q for \"--%s\" flag: %v", v, name, numErr(err)))
			}
			if name == "limit" {
				a.limit = max(x, 0)
			} else {
				a.pageSize, a.hasPS = x, true
			}
			i = n
		case name == "no-wait" && c.wait:
			b, err := boolValue(name, val, hasVal)
			if err != nil {
				return Parsed{}, err
			}
			a.noWait = b
			i++
		case name == "timeout" && c.wait:
			v, n, err := flagValue(p.toks, i, val, hasVal, t)
			if err != nil {
				return Parsed{}, err
			}
			d, err := time.ParseDuration(v)
			if err != nil {
				return Parsed{}, errf("durations look like 20m, 90s or 1h", fmt.Sprintf("invalid argument %q for \"--timeout\" flag: %v", v, err))
			}
			a.timeout = d
			i = n
		case c.flag(name) != nil:
			f := c.flag(name)
			n, err := a.setFlag(p.toks, i, f, val, hasVal, t)
			if err != nil {
				return Parsed{}, err
			}
			i = n
		case name == c.legacyFlag() && c.acceptsLegacyID():
			v, n, err := flagValue(p.toks, i, val, hasVal, t)
			if err != nil {
				return Parsed{}, err
			}
			a.legacyID = v
			i = n
		case name == c.legacyFlag() && c.legacyFlag() != "":
			v := val
			if !hasVal && i+1 < len(p.toks) && !strings.HasPrefix(p.toks[i+1], "-") {
				v = p.toks[i+1]
			}
			return Parsed{}, errf(legacyIDHint(c, v), "unknown flag: --"+name)
		default:
			return Parsed{}, errf(unknownFlagHint(c, name), "unknown flag: --"+name)
		}
	}
	if p.help {
		return Parsed{}, errf("Flags: "+strings.Join(c.allFlagNames(), ", "), "Usage: "+c.use())
	}
	return p.build(c, &a)
}

func boolValue(name, val string, hasVal bool) (bool, error) {
	if !hasVal {
		return true, nil
	}
	b, err := strconv.ParseBool(val)
	if err != nil {
		return false, errf(fmt.Sprintf("a bool flag is --%s or --%s=false; it does not take a separate value", name, name),
			fmt.Sprintf("invalid argument %q for \"--%s\" flag: %v", val, name, err))
	}
	return b, nil
}

// numErr unwraps strconv's error the way pflag prints it.
func numErr(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return fmt.Errorf("strconv.ParseInt: parsing %q: %w", ne.Num, ne.Err)
	}
	return err
}

func (a *jobsArgs) setFlag(toks []string, i int, f *flagSpec, val string, hasVal bool, tok string) (int, error) {
	if _, seen := a.set[f.field]; !seen {
		a.order = append(a.order, f.field)
	}
	if f.kind == kBool {
		b, err := boolValue(f.name, val, hasVal)
		if err != nil {
			return 0, err
		}
		a.set[f.field] = b
		return i + 1, nil
	}
	v, n, err := flagValue(toks, i, val, hasVal, tok)
	if err != nil {
		return 0, err
	}
	switch f.kind {
	case kInt:
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, errf("", fmt.Sprintf("invalid argument %q for \"--%s\" flag: %v", v, f.name, numErr(err)))
		}
		a.set[f.field] = x
	case kEnum:
		ok := false
		for _, e := range f.enum {
			ok = ok || e == v
		}
		if !ok {
			return 0, errf("enum values are upper case: --"+f.name+" "+f.enum[0],
				fmt.Sprintf("invalid argument %q for \"--%s\" flag: value %q is not one of %s", v, f.name, v, quoteList(f.enum)))
		}
		a.set[f.field] = v
	default:
		a.set[f.field] = v
	}
	return n, nil
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

func (p *parser) build(c *command, a *jobsArgs) (Parsed, error) {
	out := Parsed{Command: "jobs " + c.name, Output: p.output}
	legacy := "--" + c.legacyFlag()

	// The positional ID.
	var id int64
	legacyNote := "" // completed with the command to type once the call is built
	hasID := false
	switch {
	case c.idName == "":
		if len(a.pos) > 0 {
			return Parsed{}, errf(extraArgHint(c, a.pos[0]), fmt.Sprintf("accepts 0 arg(s), received %d", len(a.pos)))
		}
	case a.json != nil && !c.idInPath:
		if len(a.pos) > 0 {
			return Parsed{}, errf(fmt.Sprintf("put the ID inside the JSON: databricks jobs %s --json '{\"%s\":%s}'", c.name, c.idField, a.pos[0]),
				fmt.Sprintf("when --json flag is specified, no positional arguments are required. Provide '%s' in your JSON input", c.idField))
		}
		if a.legacyID != "" {
			x, err := parseID(c, a.legacyID, legacy)
			if err != nil {
				return Parsed{}, err
			}
			id, hasID = x, true
			legacyNote = fmt.Sprintf("`%s` is the legacy CLI's spelling; CLI v1.12 has no such flag and would reject it: with --json the %s goes inside the JSON.", legacy, c.idField)
		}
	default:
		raw, what := "", c.idName
		switch {
		case a.legacyID != "" && len(a.pos) == 0:
			raw, what = a.legacyID, legacy
			legacyNote = fmt.Sprintf("`%s` is the legacy CLI's spelling; CLI v1.12 takes the %s positionally (`databricks jobs %s %s`) and would reject this flag.", legacy, idNoun(c), c.name, a.legacyID)
		case a.legacyID != "" && len(a.pos) == 1 && a.pos[0] != a.legacyID:
			return Parsed{}, errf(fmt.Sprintf("give the ID once: databricks jobs %s %s", c.name, a.pos[0]),
				fmt.Sprintf("%s given twice: %s and %s %s", c.idName, a.pos[0], legacy, a.legacyID))
		case len(a.pos) != 1:
			return Parsed{}, errf(missingArgHint(c, a.pos), fmt.Sprintf("accepts 1 arg(s), received %d", len(a.pos)))
		default:
			raw = a.pos[0]
			if a.legacyID != "" {
				legacyNote = fmt.Sprintf("`%s` is the legacy CLI's spelling; CLI v1.12 takes the %s positionally only and would reject this flag.", legacy, idNoun(c))
			}
		}
		x, err := parseID(c, raw, what)
		if err != nil {
			return Parsed{}, err
		}
		id, hasID = x, true
	}

	call := Call{Method: c.method, Path: c.path, Endpoint: c.endpoint}
	if c.idInPath {
		call.Path = strings.Replace(c.path, "{id}", strconv.FormatInt(id, 10), 1)
	}
	if c.jsonOnly && a.json == nil {
		return Parsed{}, errf(fmt.Sprintf("e.g. databricks jobs %s --json '%s'", c.name, jsonExample(c)),
			"please provide command input in JSON format by specifying the --json flag")
	}

	if c.method == "GET" {
		q := url.Values{}
		if hasID && !c.idInPath {
			q.Set(c.idField, strconv.FormatInt(id, 10))
		}
		for _, f := range a.order {
			if s, ok := queryValue(a.set[f]); ok {
				q.Set(f, s)
			}
		}
		if a.hasPS && a.pageSize != 0 {
			q.Set("limit", strconv.Itoa(a.pageSize))
		}
		if len(q) > 0 {
			call.Query = q
		}
	} else {
		body := map[string]any{}
		if hasID && !c.idInPath {
			body[c.idField] = id
		}
		for _, f := range a.order {
			if _, ok := queryValue(a.set[f]); ok { // zero values are omitted
				body[f] = a.set[f]
			}
		}
		if a.json != nil {
			obj, err := parseJSONFlag(*a.json)
			if err != nil {
				return Parsed{}, err
			}
			for k, v := range obj {
				if old, ok := body[k]; ok && k != c.idField {
					p.note(fmt.Sprintf("%s is set both by a flag (%v) and in --json; the CLI sends the --json value.", k, old))
				}
				body[k] = v
			}
			var dropped []string
			pruned := prune("jobs."+c.sdkType, body, "", &dropped)
			for _, d := range dropped {
				p.note(fmt.Sprintf("Warning: unknown field: %s (the CLI drops it and sends the rest).", d))
			}
			body = pruned.(map[string]any)
			if c.idField != "" && !c.idInPath {
				if _, ok := body[c.idField]; !ok {
					p.note(fmt.Sprintf("the JSON has no %s: the API will answer 400.", c.idField))
				}
			}
		}
		call.Body = marshal(body)
	}
	if c.paged {
		out.ClientLimit = a.limit
		if a.limit > 0 {
			p.note(fmt.Sprintf("--limit %d is applied by the CLI, not sent: it fetches pages and stops printing after %d items.", a.limit, a.limit))
		}
		if a.hasPS {
			p.note("--page-size is a hidden flag: it is sent as limit (items per page).")
		}
	}
	if legacyNote != "" {
		cur, _ := CLI(call)
		p.note(legacyNote + " Run here as `" + cur + "`.")
	}
	if c.wait {
		out.Wait, out.NoWait = !a.noWait, a.noWait
		out.Timeout = a.timeout
	}
	if c.name == "update" && a.json == nil {
		p.note("without --json nothing changes: new_settings and fields_to_remove are only settable via --json.")
	}
	if c.name == "set-permissions" && a.json == nil {
		p.note("set-permissions replaces the job's whole access control list; without --json it sends {} (no access_control_list), which leaves only the owner and admins.")
	}
	if p.output == "text" && !c.paged {
		p.note("-o text only changes how list commands print; this command prints JSON either way.")
	}
	out.Call = call
	out.Notes = p.notes
	return out, nil
}

func queryValue(v any) (string, bool) {
	switch v := v.(type) {
	case bool:
		return "true", v
	case int64:
		return strconv.FormatInt(v, 10), v != 0
	case string:
		return v, v != ""
	}
	return "", false
}

func parseID(c *command, raw, what string) (int64, error) {
	x, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		hint := fmt.Sprintf("%s is the numeric %s, e.g. databricks jobs %s 101; databricks jobs list shows them", c.idName, c.idField, c.name)
		if c.idField == "run_id" {
			hint = fmt.Sprintf("%s is the numeric run_id, e.g. databricks jobs %s 555; databricks jobs list-runs --job-id N shows them", c.idName, c.name)
		}
		if c.idField == "job_id" && !strings.ContainsAny(raw, "0123456789") {
			hint += fmt.Sprintf(" (to find a job by name: databricks jobs list --name %q)", raw)
		}
		return 0, errf(hint, fmt.Sprintf("invalid argument %q for %s: expected an integer", raw, what))
	}
	return x, nil
}

func missingArgHint(c *command, pos []string) string {
	if len(pos) == 0 {
		h := fmt.Sprintf("%s is required: databricks jobs %s %s (in a terminal the real CLI offers a picker instead)", c.idName, c.name, exampleID(c))
		if c.json && !c.idInPath {
			h += fmt.Sprintf(", or give it in --json '{\"%s\":%s}'", c.idField, exampleID(c))
		}
		return h
	}
	return fmt.Sprintf("one %s per command: databricks jobs %s %s; quote values that contain spaces", c.idName, c.name, pos[0])
}

func exampleID(c *command) string {
	if c.idField == "run_id" {
		return "555"
	}
	return "101"
}

func extraArgHint(c *command, arg string) string {
	switch c.name {
	case "list-runs", "cancel-all-runs":
		return fmt.Sprintf("the job goes in a flag: databricks jobs %s --job-id %s", c.name, arg)
	case "list":
		return fmt.Sprintf("jobs list takes no ID; for one job: databricks jobs get %s; by name: databricks jobs list --name %s", arg, arg)
	case "create", "reset", "submit":
		return fmt.Sprintf("the request goes in --json: databricks jobs %s --json '%s'", c.name, jsonExample(c))
	}
	return ""
}

func idNoun(c *command) string {
	if c.idField == "run_id" {
		return "run ID"
	}
	return "job ID"
}

// legacyIDHint explains --job-id/--run-id on a command that takes the ID
// positionally and does not accept the legacy spelling.
func legacyIDHint(c *command, val string) string {
	if !isInt(val) {
		val = exampleID(c)
	}
	h := fmt.Sprintf("CLI v1.12 takes the %s positionally: databricks jobs %s %s", idNoun(c), c.name, val)
	if c.json && !c.idInPath {
		h += fmt.Sprintf(" (or inside --json '{\"%s\":%s,...}')", c.idField, val)
	}
	h += fmt.Sprintf(". --%s is the legacy databricks-cli 0.x spelling", c.legacyFlag())
	switch c.name {
	case "delete":
		h += " (databricks jobs delete --job-id N)"
	case "get-run", "get-run-output", "cancel-run":
		h += fmt.Sprintf(" (databricks runs %s --run-id N)", map[string]string{"get-run": "get", "get-run-output": "get-output", "cancel-run": "cancel"}[c.name])
	default:
		h += fmt.Sprintf("; 0.x had no command for %s", c.endpoint)
	}
	return h + "."
}

func unknownFlagHint(c *command, name string) string {
	field := strings.ReplaceAll(name, "-", "_")
	switch {
	case name == "json":
		return fmt.Sprintf("jobs %s has no --json; it takes: %s", c.name, strings.Join(c.allFlagNames(), ", "))
	case c.name == "reset" && name == "job-id":
		return `jobs reset takes the job_id and the whole new settings in --json: databricks jobs reset --json '{"job_id":101,"new_settings":{...}}'. (databricks jobs reset --job-id N --json NEW_SETTINGS is the legacy databricks-cli 0.x form, where the JSON held only the new settings.)`
	case c.name == "list" && name == "job-id":
		return "jobs list lists jobs; for the runs of a job: databricks jobs list-runs --job-id N; for one job: databricks jobs get N"
	case name == "job-id" && c.idField == "run_id":
		return fmt.Sprintf("jobs %s takes a RUN_ID, not a job: databricks jobs %s RUN_ID (the runs of a job: databricks jobs list-runs --job-id N)", c.name, c.name)
	case name == "run-id" && c.idField == "job_id":
		return fmt.Sprintf("jobs %s takes a JOB_ID; for a run use databricks jobs get-run RUN_ID", c.name)
	case name == "params" && c.name == "run-now":
		return `--params belongs to databricks bundle run; with jobs run-now, job_parameters are only settable via --json: databricks jobs run-now --json '{"job_id":N,"job_parameters":{"env":"dev"}}'`
	case c.json && hasField("jobs."+c.sdkType, field):
		return fmt.Sprintf("%s is only settable via --json: databricks jobs %s --json '%s'", field, c.name, fieldExample(c, field))
	}
	cands := append(c.allFlagNames(), "--output", "--profile", "--debug")
	if s := suggest("--"+name, cands); s != "" {
		return "did you mean " + s + "?"
	}
	return fmt.Sprintf("jobs %s takes: %s", c.name, strings.Join(c.allFlagNames(), ", "))
}

func hasField(typ, field string) bool {
	for _, f := range sdkStructs[typ] {
		if f.JSON == field {
			return true
		}
	}
	return false
}

func fieldExample(c *command, field string) string {
	ph := `"..."`
	for _, f := range sdkStructs["jobs."+c.sdkType] {
		if f.JSON != field {
			continue
		}
		switch {
		case field == "rerun_tasks" || field == "only":
			ph = `["task"]`
		case field == "job_parameters":
			ph = `{"env":"dev"}`
		case f.Type == "[]string":
			ph = `["..."]`
		case strings.HasPrefix(f.Type, "map["):
			ph = `{"key":"value"}`
		case strings.HasPrefix(f.Type, "[]"):
			ph = `[{...}]`
		case f.Type == "int" || f.Type == "int64":
			ph = "1"
		case f.Type == "bool":
			ph = "true"
		case f.Type == "string" || sdkEnums[f.Type] != nil:
			ph = `"..."`
		default:
			ph = `{...}`
		}
	}
	if c.idField != "" && !c.idInPath {
		return fmt.Sprintf(`{"%s":N,"%s":%s}`, c.idField, field, ph)
	}
	return fmt.Sprintf(`{"%s":%s}`, field, ph)
}

func jsonExample(c *command) string {
	switch c.name {
	case "create":
		return `{"name":"x","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/Users/me/a"},"existing_cluster_id":"0101-abc"}]}`
	case "reset":
		return `{"job_id":101,"new_settings":{"name":"z"}}`
	case "update":
		return `{"job_id":101,"new_settings":{"max_concurrent_runs":2}}`
	case "submit":
		return `{"run_name":"one-off","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/Users/me/a"},"existing_cluster_id":"0101-abc"}]}`
	case "run-now":
		return `{"job_id":101,"job_parameters":{"env":"dev"}}`
	case "repair-run":
		return `{"run_id":555,"rerun_tasks":["task"]}`
	case "set-permissions", "update-permissions":
		return `{"access_control_list":[{"user_name":"me@example.com","permission_level":"CAN_MANAGE"}]}`
	case "cancel-all-runs":
		return `{"job_id":101}`
	}
	if c.idField != "" {
		return fmt.Sprintf(`{"%s":%s}`, c.idField, exampleID(c))
	}
	return "{}"
}

// parseJSONFlag decodes the --json value, which must be one JSON object.
func parseJSONFlag(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil && dec.More() {
		off := dec.InputOffset()
		return nil, errf(caret(s, int(off)), fmt.Sprintf("invalid JSON in --json at offset %d: unexpected data after the top-level object", off))
	}
	if err != nil {
		var se *json.SyntaxError
		off := len(s)
		msg := err.Error()
		if errors.As(err, &se) {
			off = int(se.Offset)
		} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			msg = "unexpected end of JSON input"
		}
		hint := caret(s, off)
		if strings.ContainsAny(s, "“”‘’") {
			hint += " — the JSON contains typographic quotes (“ ”); use plain \" quotes"
		} else if strings.Contains(s, "'") {
			hint += " — JSON strings use double quotes; wrap the whole JSON in single quotes"
		}
		return nil, errf(hint, fmt.Sprintf("invalid JSON in --json at offset %d: %s", off, msg))
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errf(`--json takes one JSON object, e.g. --json '{"job_id":101}'`, "invalid JSON in --json: expected a JSON object")
	}
	return obj, nil
}

// caret shows the JSON around offset with a marker.
func caret(s string, off int) string {
	off = min(max(off, 0), len(s))
	start := max(0, off-30)
	end := min(len(s), off+10)
	return fmt.Sprintf("near: %s⟨here⟩%s", s[start:off], s[off:end])
}

// prune drops object fields that the SDK type does not have, as the CLI
// does when it decodes --json into the request struct.
func prune(typ string, v any, path string, dropped *[]string) any {
	typ = strings.TrimPrefix(typ, "*")
	switch {
	case strings.HasPrefix(typ, "[]"):
		arr, ok := v.([]any)
		if !ok {
			return v
		}
		for i := range arr {
			arr[i] = prune(typ[2:], arr[i], fmt.Sprintf("%s[%d]", path, i), dropped)
		}
		return arr
	case strings.HasPrefix(typ, "map[string]"):
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		for k := range m {
			m[k] = prune(strings.TrimPrefix(typ, "map[string]"), m[k], path+"."+k, dropped)
		}
		return m
	}
	fields, ok := sdkStructs[typ]
	m, isObj := v.(map[string]any)
	if !ok || !isObj {
		return v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var ft string
		for _, f := range fields {
			if f.JSON == k {
				ft = f.Type
			}
		}
		p := strings.TrimPrefix(path+"."+k, ".")
		if ft == "" {
			*dropped = append(*dropped, p)
			delete(m, k)
			continue
		}
		m[k] = prune(ft, m[k], p, dropped)
	}
	return m
}

// marshal encodes v as compact JSON with sorted keys, as the SDK sends it
// (except that <, > and & are left unescaped, for readability).
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// suggest returns the candidate closest to s (edit distance <= 2), or "".
func suggest(s string, cands []string) string {
	best, bestD := "", 3
	for _, c := range cands {
		if d := levenshtein(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func bundleError(rest []string) error {
	if len(rest) == 0 || rest[0] != "run" {
		return errf("the sandbox has no bundle project (databricks.yml) and no deployment; use the databricks jobs commands directly",
			"databricks bundle commands are not available in the sandbox")
	}
	key, target, params := "", "", ""
	for i := 1; i < len(rest); i++ {
		t := rest[i]
		name, val, hasVal, _ := splitFlag(t)
		switch {
		case t == "--":
			i = len(rest)
		case strings.HasPrefix(t, "-") && (name == "t" || name == "target" || name == "params" || name == "only" || name == "p" || name == "profile" ||
			name == "notebook-params" || name == "python-params" || name == "var" || name == "o" || name == "output" || name == "timeout"):
			v := val
			if !hasVal && i+1 < len(rest) {
				i++
				v = rest[i]
			}
			if name == "t" || name == "target" {
				target = v
			}
			if name == "params" {
				params = v
			}
		case strings.HasPrefix(t, "-"):
		default:
			if key == "" {
				key = t
			}
		}
	}
	if key == "" {
		key = "KEY"
	}
	tgt := "the default target"
	if target != "" {
		tgt = fmt.Sprintf("target %q", target)
	}
	body := `{"job_id":<deployed job_id>}`
	if params != "" {
		body = fmt.Sprintf(`{"job_id":<deployed job_id>,"job_parameters":{...from --params %s}}`, params)
	}
	return errf(fmt.Sprintf("It would look up the job deployed for resource %q in %s (from the bundle's deployment state in the workspace), "+
		"send POST /api/2.2/jobs/run-now %s, then poll GET /api/2.2/jobs/runs/get?run_id=... until the run is terminal. "+
		"The sandbox has no bundle and no deployment state (no databricks.yml, no bundle deploy), so it cannot know the job_id. "+
		"Run the job by its ID instead: databricks jobs run-now JOB_ID (find it with databricks jobs list --name NAME).", key, tgt, body),
		fmt.Sprintf("databricks bundle run %s is explained, not run, in the sandbox", key))
}

func legacyRunsError(rest []string) error {
	// The IDs given, to fill in the current command.
	runID, jobID := "RUN_ID", "N"
	for i := 0; i < len(rest); i++ {
		name, val, hasVal, short := splitFlag(rest[i])
		if short || !strings.HasPrefix(rest[i], "--") || (name != "run-id" && name != "job-id") {
			continue
		}
		if !hasVal && i+1 < len(rest) {
			i++
			val = rest[i]
		}
		if isInt(val) && name == "run-id" {
			runID = val
		} else if isInt(val) {
			jobID = val
		}
	}
	m := map[string]string{"list": "jobs list-runs --job-id " + jobID, "get": "jobs get-run " + runID, "get-output": "jobs get-run-output " + runID,
		"cancel": "jobs cancel-run " + runID, "submit": "jobs submit --json '{...}'"}
	hint := "databricks runs ... is the legacy CLI (databricks-cli 0.x); in the current CLI runs are under jobs: runs list → jobs list-runs, runs get → jobs get-run, runs get-output → jobs get-run-output, runs cancel → jobs cancel-run, runs submit → jobs submit"
	if len(rest) > 0 {
		if cur, ok := m[rest[0]]; ok {
			hint = fmt.Sprintf("databricks runs %s is the legacy CLI (databricks-cli 0.x); today it is: databricks %s", rest[0], cur)
		}
	}
	return errf(hint, `unknown command "runs" for "databricks"`)
}
