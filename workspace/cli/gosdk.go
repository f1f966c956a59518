package cli

import (
	"encoding/json"
	"fmt"
	"go/format"
	"sort"
	"strconv"
	"strings"
)

// GoSDKPrelude is the setup every GoSDK snippet assumes: the imports and a
// workspace client w configured from DATABRICKS_HOST and DATABRICKS_TOKEN.
const GoSDKPrelude = `import (
	"context"
	"fmt"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/jobs"
)

// ctx := context.Background()
// w := databricks.Must(databricks.NewWorkspaceClient()) // reads DATABRICKS_HOST and DATABRICKS_TOKEN`

// sdkQueryStructs are the GET request structs, whose fields travel in the
// query string (url tags), so the generator (which reads json tags) skips them.
var sdkQueryStructs = map[string][]sdkField{
	"jobs.GetJobRequest": {{"include_trigger_state", "IncludeTriggerState", "bool"}, {"job_id", "JobId", "int64"},
		{"page_token", "PageToken", "string"}},
	"jobs.ListJobsRequest": {{"expand_tasks", "ExpandTasks", "bool"}, {"limit", "Limit", "int"}, {"name", "Name", "string"},
		{"offset", "Offset", "int"}, {"page_token", "PageToken", "string"}},
	"jobs.ListRunsRequest": {{"active_only", "ActiveOnly", "bool"}, {"completed_only", "CompletedOnly", "bool"},
		{"expand_tasks", "ExpandTasks", "bool"}, {"job_id", "JobId", "int64"}, {"limit", "Limit", "int"},
		{"offset", "Offset", "int"}, {"page_token", "PageToken", "string"}, {"run_type", "RunType", "jobs.RunType"},
		{"start_time_from", "StartTimeFrom", "int64"}, {"start_time_to", "StartTimeTo", "int64"}},
	"jobs.GetRunRequest": {{"include_history", "IncludeHistory", "bool"}, {"include_resolved_values", "IncludeResolvedValues", "bool"},
		{"page_token", "PageToken", "string"}, {"run_id", "RunId", "int64"}},
	"jobs.GetRunOutputRequest": {{"run_id", "RunId", "int64"}},
	"jobs.ExportRunRequest":    {{"run_id", "RunId", "int64"}, {"views_to_export", "ViewsToExport", "jobs.ViewsToExport"}},
	"jobs.RunType":             nil,
}

var queryEnums = map[string]map[string]string{
	"jobs.RunType":       {"JOB_RUN": "jobs.RunTypeJobRun", "SUBMIT_RUN": "jobs.RunTypeSubmitRun", "WORKFLOW_RUN": "jobs.RunTypeWorkflowRun"},
	"jobs.ViewsToExport": {"ALL": "jobs.ViewsToExportAll", "CODE": "jobs.ViewsToExportCode", "DASHBOARDS": "jobs.ViewsToExportDashboards"},
}

// GoSDK renders c as Go code for databricks-sdk-go v0.175.0 (package
// service/jobs), assuming GoSDKPrelude: the request as a struct literal, the
// call on w.Jobs, error handling and a use of the result. A body that cannot
// be written as a literal (invalid JSON, or a field the SDK does not have)
// is decoded with json.Unmarshal into the request struct instead. A call
// that is not a Jobs API endpoint gives a comment saying so.
func GoSDK(c Call) string {
	cmd := commandByEndpoint(c.Endpoint)
	if cmd == nil {
		rc, err := FromRequest(c.Method, c.Path, c.Query, c.Body)
		if err != nil {
			return "// not a Jobs API call: " + c.Method + " " + c.Path
		}
		cmd, c = commandByEndpoint(rc.Endpoint), rc
	}
	typ := "jobs." + cmd.sdkType
	var req string // the request expression, or "req" after a preamble
	var pre strings.Builder
	switch {
	case cmd.idInPath:
		id := ""
		if m := permPath.FindStringSubmatch(c.Path); m != nil {
			id = m[1]
		}
		extra := []string{"JobId: " + strconv.Quote(id)}
		var m map[string]any
		if len(c.Body) > 0 {
			v, err := decodeJSON(c.Body)
			m, _ = v.(map[string]any)
			if err != nil || m == nil {
				return unmarshalSnippet(cmd, c.Body, extra)
			}
		}
		lit, ok := structLit(typ, m, extra, false)
		if !ok {
			return unmarshalSnippet(cmd, c.Body, extra)
		}
		req = lit
	case cmd.method == "GET":
		m := map[string]any{}
		var skipped []string
		for _, k := range sortedKeys(c.Query) {
			v := c.Query.Get(k)
			ft := fieldType(typ, k)
			switch {
			case ft == "":
				skipped = append(skipped, k)
			case ft == "bool":
				b, err := strconv.ParseBool(v)
				if err != nil {
					skipped = append(skipped, k)
					continue
				}
				m[k] = b
			case ft == "int" || ft == "int64":
				if !isInt(v) {
					skipped = append(skipped, k)
					continue
				}
				m[k] = json.Number(v)
			default:
				m[k] = v
			}
		}
		if len(skipped) > 0 {
			fmt.Fprintf(&pre, "// Not a field of %s, so not sent: %s\n", typ, strings.Join(skipped, ", "))
		}
		req, _ = structLit(typ, m, nil, false)
	default:
		v, err := decodeJSON(c.Body)
		m, isObj := v.(map[string]any)
		if len(c.Body) == 0 {
			m, isObj, err = map[string]any{}, true, nil
		}
		if err != nil || !isObj {
			return unmarshalSnippet(cmd, c.Body, nil)
		}
		lit, ok := structLit(typ, m, nil, false)
		if !ok {
			return unmarshalSnippet(cmd, c.Body, nil)
		}
		req = lit
	}
	return withImports(gofmtSnippet(pre.String() + callSnippet(cmd, req)))
}

// withImports notes the imports a snippet needs beyond GoSDKPrelude.
func withImports(s string) string {
	var extra []string
	if strings.Contains(s, "compute.") {
		extra = append(extra, `// import "github.com/databricks/databricks-sdk-go/service/compute"`)
	}
	if strings.Contains(s, "json.Unmarshal") {
		extra = append(extra, `// import "encoding/json"`)
	}
	if len(extra) == 0 {
		return s
	}
	return strings.Join(extra, "\n") + "\n" + s
}

// unmarshalSnippet decodes the body into the request struct at run time.
func unmarshalSnippet(cmd *command, body []byte, extra []string) string {
	raw := string(body)
	lit := "`" + raw + "`"
	if strings.Contains(raw, "`") {
		lit = strconv.Quote(raw)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// The body has fields the SDK struct lacks (or is not valid JSON), so decode it.\n")
	fmt.Fprintf(&b, "var req jobs.%s\n", cmd.sdkType)
	fmt.Fprintf(&b, "if err := json.Unmarshal([]byte(%s), &req); err != nil {\nreturn err\n}\n", lit)
	for _, e := range extra {
		k, v, _ := strings.Cut(e, ": ")
		fmt.Fprintf(&b, "req.%s = %s\n", k, v)
	}
	return withImports(gofmtSnippet(b.String() + callSnippet(cmd, "req")))
}

func callSnippet(cmd *command, req string) string {
	check := "if err != nil {\nreturn err\n}\n"
	switch cmd.endpoint {
	case "jobs/get":
		return "job, err := w.Jobs.Get(ctx, " + req + ")\n" + check +
			"// Get follows next_page_token and merges tasks, job_clusters, parameters\n// and environments from every page (GetByJobId would not).\nfmt.Println(job.JobId, job.Settings.Name, len(job.Settings.Tasks))\n"
	case "jobs/list":
		return "all, err := w.Jobs.ListAll(ctx, " + req + ")\n" + check +
			"// ListAll follows next_page_token until it is empty.\nfor _, job := range all {\nfmt.Println(job.JobId, job.Settings.Name)\n}\n"
	case "runs/list":
		return "runs, err := w.Jobs.ListRunsAll(ctx, " + req + ")\n" + check +
			"// ListRunsAll follows next_page_token until it is empty.\nfor _, run := range runs {\nfmt.Println(run.JobId, run.RunId, run.State.LifeCycleState, run.State.ResultState)\n}\n"
	case "runs/get":
		return "run, err := w.Jobs.GetRun(ctx, " + req + ")\n" + check +
			"// GetRun follows next_page_token and merges tasks, job_clusters,\n// job_parameters and repair_history from every page.\nfmt.Println(run.State.LifeCycleState, run.State.ResultState)\nfor _, t := range run.Tasks {\nfmt.Println(t.TaskKey, t.RunId, t.State.ResultState)\n}\n"
	case "runs/get-output":
		return "out, err := w.Jobs.GetRunOutput(ctx, " + req + ")\n" + check +
			"if out.NotebookOutput != nil {\nfmt.Println(out.NotebookOutput.Result)\n}\nfmt.Println(out.Error, out.Logs)\n"
	case "runs/export":
		return "export, err := w.Jobs.ExportRun(ctx, " + req + ")\n" + check +
			"for _, v := range export.Views {\nfmt.Println(v.Name, v.Type, len(v.Content))\n}\n"
	case "jobs/create":
		return "created, err := w.Jobs.Create(ctx, " + req + ")\n" + check + "fmt.Println(created.JobId)\n"
	case "jobs/update":
		return "err := w.Jobs.Update(ctx, " + req + ")\n" + check
	case "jobs/reset":
		return "err := w.Jobs.Reset(ctx, " + req + ")\n" + check
	case "jobs/delete":
		return "err := w.Jobs.Delete(ctx, " + req + ")\n" + check
	case "runs/delete":
		return "err := w.Jobs.DeleteRun(ctx, " + req + ")\n" + check
	case "runs/cancel-all":
		return "err := w.Jobs.CancelAllRuns(ctx, " + req + ")\n" + check
	case "jobs/run-now":
		return "wait, err := w.Jobs.RunNow(ctx, " + req + ")\n" + check +
			"fmt.Println(wait.Response.RunId) // known right after the POST\n" +
			"// Get polls runs/get until TERMINATED or SKIPPED (default timeout 20 min).\nrun, err := wait.Get()\n" + check +
			"fmt.Println(run.State.ResultState)\n"
	case "runs/submit":
		return "wait, err := w.Jobs.Submit(ctx, " + req + ")\n" + check +
			"fmt.Println(wait.Response.RunId)\n" +
			"// Get polls runs/get until TERMINATED or SKIPPED (default timeout 20 min).\nrun, err := wait.Get()\n" + check +
			"fmt.Println(run.State.ResultState)\n"
	case "runs/repair":
		return "wait, err := w.Jobs.RepairRun(ctx, " + req + ")\n" + check +
			"fmt.Println(wait.Response.RepairId) // pass it as LatestRepairId to the next repair\n" +
			"// Get polls runs/get on the same run_id until TERMINATED or SKIPPED.\nrun, err := wait.Get()\n" + check +
			"fmt.Println(run.State.ResultState)\n"
	case "runs/cancel":
		return "wait, err := w.Jobs.CancelRun(ctx, " + req + ")\n" + check +
			"// cancel is asynchronous: Get polls runs/get until the run is TERMINATED.\nrun, err := wait.Get()\n" + check +
			"fmt.Println(run.State.ResultState)\n"
	case "permissions/get":
		return "perms, err := w.Jobs.GetPermissions(ctx, " + req + ")\n" + check + aclLoop
	case "permissions/set":
		return "// SetPermissions replaces the whole access control list.\nperms, err := w.Jobs.SetPermissions(ctx, " + req + ")\n" + check + aclLoop
	case "permissions/update":
		return "// UpdatePermissions merges into the access control list.\nperms, err := w.Jobs.UpdatePermissions(ctx, " + req + ")\n" + check + aclLoop
	case "permissions/levels":
		return "levels, err := w.Jobs.GetPermissionLevels(ctx, " + req + ")\n" + check +
			"for _, l := range levels.PermissionLevels {\nfmt.Println(l.PermissionLevel, l.Description)\n}\n"
	}
	return "// unknown endpoint " + cmd.endpoint + "\n"
}

const aclLoop = "for _, acl := range perms.AccessControlList {\nfmt.Println(acl.UserName, acl.GroupName, acl.ServicePrincipalName, acl.AllPermissions)\n}\n"

// gofmtSnippet formats statements by wrapping them in a function.
func gofmtSnippet(s string) string {
	src := "package p\n\nfunc _() error {\n" + s + "return nil\n}\n"
	out, err := format.Source([]byte(src))
	if err != nil {
		return strings.TrimSpace(s)
	}
	body := string(out)
	start := strings.Index(body, "{\n") + 2
	end := strings.LastIndex(body, "\treturn nil\n}")
	lines := strings.Split(strings.TrimRight(body[start:end], "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.Join(lines, "\n")
}

func structFields(typ string) ([]sdkField, bool) {
	if f, ok := sdkStructs[typ]; ok {
		return f, true
	}
	f, ok := sdkQueryStructs[typ]
	return f, ok && f != nil
}

func fieldType(typ, field string) string {
	fs, _ := structFields(typ)
	for _, f := range fs {
		if f.JSON == field {
			return f.Type
		}
	}
	return ""
}

func enumConst(typ, v string) (string, bool) {
	if m, ok := sdkEnums[typ]; ok {
		if c, ok := m[v]; ok {
			return c, true
		}
		return typ + "(" + strconv.Quote(v) + ")", true
	}
	if m, ok := queryEnums[typ]; ok {
		if c, ok := m[v]; ok {
			return c, true
		}
		return typ + "(" + strconv.Quote(v) + ")", true
	}
	return "", false
}

// structLit renders m as a literal of the SDK struct typ (elided: without
// the type name, inside a slice). extra are pre-rendered "Field: value"
// entries that go first. It reports false if m has a field the struct lacks.
func structLit(typ string, m map[string]any, extra []string, elided bool) (string, bool) {
	fields, ok := structFields(typ)
	if !ok && len(m) > 0 {
		return "", false
	}
	known := map[string]bool{}
	entries := append([]string{}, extra...)
	simple := true
	for _, f := range fields {
		known[f.JSON] = true
		v, present := m[f.JSON]
		if !present {
			continue
		}
		lit, ok := goLit(f.Type, v)
		if !ok {
			return "", false
		}
		if strings.Contains(lit, "{") {
			simple = false
		}
		entries = append(entries, f.Go+": "+lit)
	}
	for k := range m {
		if !known[k] {
			return "", false
		}
	}
	prefix := typ
	if elided {
		prefix = ""
	}
	if len(entries) == 0 {
		return prefix + "{}", true
	}
	if simple && len(entries) <= 2 {
		return prefix + "{" + strings.Join(entries, ", ") + "}", true
	}
	return prefix + "{\n" + strings.Join(entries, ",\n") + ",\n}", true
}

// goLit renders a decoded JSON value as a Go literal of type typ.
func goLit(typ string, v any) (string, bool) {
	switch typ {
	case "string":
		s, ok := v.(string)
		return strconv.Quote(s), ok
	case "bool":
		b, ok := v.(bool)
		return strconv.FormatBool(b), ok
	case "int", "int64", "int32":
		n, ok := v.(json.Number)
		return string(n), ok && isInt(string(n))
	case "float64", "float32":
		n, ok := v.(json.Number)
		return string(n), ok
	case "any":
		return anyLit(v)
	}
	if _, ok := enumConst(typ, ""); ok {
		s, isStr := v.(string)
		if !isStr {
			return "", false
		}
		c, _ := enumConst(typ, s)
		return c, true
	}
	switch {
	case strings.HasPrefix(typ, "*"):
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		lit, ok := structLit(typ[1:], m, nil, false)
		return "&" + lit, ok
	case strings.HasPrefix(typ, "[]"):
		arr, ok := v.([]any)
		if !ok {
			return "", false
		}
		elem := typ[2:]
		var parts []string
		multi := false
		for _, e := range arr {
			var lit string
			base := strings.TrimPrefix(elem, "*")
			if _, isStruct := structFields(base); isStruct {
				m, ok := e.(map[string]any)
				if !ok {
					return "", false
				}
				if lit, ok = structLit(base, m, nil, true); !ok {
					return "", false
				}
				multi = true
			} else if lit, ok = goLit(elem, e); !ok {
				return "", false
			}
			parts = append(parts, lit)
		}
		if multi {
			return typ + "{\n" + strings.Join(parts, ",\n") + ",\n}", true
		}
		return typ + "{" + strings.Join(parts, ", ") + "}", true
	case strings.HasPrefix(typ, "map[string]"):
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		elem := strings.TrimPrefix(typ, "map[string]")
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			lit, ok := goLit(elem, m[k])
			if !ok {
				return "", false
			}
			parts = append(parts, strconv.Quote(k)+": "+lit)
		}
		if len(parts) <= 2 {
			return typ + "{" + strings.Join(parts, ", ") + "}", true
		}
		return typ + "{\n" + strings.Join(parts, ",\n") + ",\n}", true
	}
	if _, ok := structFields(typ); ok {
		m, isObj := v.(map[string]any)
		if !isObj {
			return "", false
		}
		return structLit(typ, m, nil, false)
	}
	return "", false
}

func anyLit(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "nil", true
	case string:
		return strconv.Quote(v), true
	case bool:
		return strconv.FormatBool(v), true
	case json.Number:
		return string(v), true
	case []any:
		var parts []string
		for _, e := range v {
			s, _ := anyLit(e)
			parts = append(parts, s)
		}
		return "[]any{" + strings.Join(parts, ", ") + "}", true
	case map[string]any:
		var parts []string
		for _, k := range sortedMapKeys(v) {
			s, _ := anyLit(v[k])
			parts = append(parts, strconv.Quote(k)+": "+s)
		}
		return "map[string]any{" + strings.Join(parts, ", ") + "}", true
	}
	return "", false
}

// RequestFieldType is the Go type ("int64", "*jobs.QueueSettings") of the
// JSON field of the SDK request struct jobs.<sdkRequest>, "" if unknown.
func RequestFieldType(sdkRequest, field string) string {
	return fieldType("jobs."+sdkRequest, field)
}
