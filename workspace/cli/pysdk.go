package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// PySDKPrelude is the setup every PySDK snippet assumes: the imports and
// a workspace client w configured from DATABRICKS_HOST and DATABRICKS_TOKEN.
const PySDKPrelude = `from databricks.sdk import WorkspaceClient
from databricks.sdk.service import jobs

w = WorkspaceClient()  # reads DATABRICKS_HOST and DATABRICKS_TOKEN`

// pyKind is how a keyword argument of the Python SDK is written:
//
//	int, str, bool      a literal
//	dict, list          a dict or list literal (Dict[str, str], List[str])
//	obj:Class           jobs.Class.from_dict({...})
//	objs:Class          [jobs.Class.from_dict(v) for v in [...]]
//	enum:Class          jobs.Class.VALUE
type pyKind string

// pyMethod is one method of w.jobs (databricks-sdk-py's JobsAPI, in
// databricks/sdk/service/jobs.py) and its keyword arguments.
type pyMethod struct {
	name   string
	params map[string]pyKind
	// wait: the method returns Wait[Run]; .result() polls runs/get until
	// the run is TERMINATED or SKIPPED.
	wait bool
}

// Shared parameter sets of jobs.py's run-now and repair_run.
var (
	pyTaskParams = map[string]pyKind{
		"dbt_commands": "list", "jar_params": "list", "job_parameters": "dict", "notebook_params": "dict",
		"performance_target": "enum:PerformanceTarget", "pipeline_params": "obj:PipelineParams",
		"python_named_params": "dict", "python_params": "list", "spark_submit_params": "list", "sql_params": "dict",
	}
	pyACL = map[string]pyKind{"job_id": "str", "access_control_list": "objs:JobAccessControlRequest"}
)

func withParams(base map[string]pyKind, extra map[string]pyKind) map[string]pyKind {
	out := make(map[string]pyKind, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// pyMethods maps each catalogue endpoint to its w.jobs method, with the
// parameter names and types of databricks-sdk-py's JobsAPI.
var pyMethods = map[string]pyMethod{
	"jobs/create": {name: "create", params: map[string]pyKind{
		"access_control_list": "objs:JobAccessControlRequest", "budget_policy_id": "str", "continuous": "obj:Continuous",
		"deployment": "obj:JobDeployment", "description": "str", "edit_mode": "enum:JobEditMode",
		"email_notifications": "obj:JobEmailNotifications", "environments": "objs:JobEnvironment", "format": "enum:Format",
		"git_source": "obj:GitSource", "health": "obj:JobsHealthRules", "job_clusters": "objs:JobCluster",
		"max_concurrent_runs": "int", "name": "str", "notification_settings": "obj:JobNotificationSettings",
		"parameters": "objs:JobParameterDefinition", "performance_target": "enum:PerformanceTarget",
		"queue": "obj:QueueSettings", "run_as": "obj:JobRunAs", "schedule": "obj:CronSchedule", "tags": "dict",
		"tasks": "objs:Task", "timeout_seconds": "int", "trigger": "obj:TriggerSettings", "usage_policy_id": "str",
		"webhook_notifications": "obj:WebhookNotifications",
	}},
	"jobs/get":    {name: "get", params: map[string]pyKind{"job_id": "int", "page_token": "str"}},
	"jobs/list":   {name: "list", params: map[string]pyKind{"expand_tasks": "bool", "limit": "int", "name": "str", "offset": "int", "page_token": "str"}},
	"jobs/update": {name: "update", params: map[string]pyKind{"job_id": "int", "fields_to_remove": "list", "new_settings": "obj:JobSettings"}},
	"jobs/reset":  {name: "reset", params: map[string]pyKind{"job_id": "int", "new_settings": "obj:JobSettings"}},
	"jobs/delete": {name: "delete", params: map[string]pyKind{"job_id": "int"}},
	"jobs/run-now": {name: "run_now", wait: true, params: withParams(pyTaskParams, map[string]pyKind{
		"job_id": "int", "idempotency_token": "str", "only": "list", "queue": "obj:QueueSettings",
	})},
	"runs/list": {name: "list_runs", params: map[string]pyKind{
		"active_only": "bool", "completed_only": "bool", "expand_tasks": "bool", "job_id": "int", "limit": "int",
		"offset": "int", "page_token": "str", "run_type": "enum:RunType", "start_time_from": "int", "start_time_to": "int",
	}},
	"runs/get": {name: "get_run", params: map[string]pyKind{
		"run_id": "int", "include_history": "bool", "include_resolved_values": "bool", "page_token": "str",
	}},
	"runs/get-output": {name: "get_run_output", params: map[string]pyKind{"run_id": "int"}},
	"runs/export":     {name: "export_run", params: map[string]pyKind{"run_id": "int", "views_to_export": "enum:ViewsToExport"}},
	"runs/submit": {name: "submit", wait: true, params: map[string]pyKind{
		"access_control_list": "objs:JobAccessControlRequest", "budget_policy_id": "str",
		"email_notifications": "obj:JobEmailNotifications", "environments": "objs:JobEnvironment",
		"git_source": "obj:GitSource", "health": "obj:JobsHealthRules", "idempotency_token": "str",
		"notification_settings": "obj:JobNotificationSettings", "queue": "obj:QueueSettings", "run_as": "obj:JobRunAs",
		"run_name": "str", "tasks": "objs:SubmitTask", "timeout_seconds": "int", "usage_policy_id": "str",
		"webhook_notifications": "obj:WebhookNotifications",
	}},
	"runs/repair": {name: "repair_run", wait: true, params: withParams(pyTaskParams, map[string]pyKind{
		"run_id": "int", "latest_repair_id": "int", "rerun_all_failed_tasks": "bool", "rerun_dependent_tasks": "bool",
		"rerun_tasks": "list",
	})},
	"runs/cancel":        {name: "cancel_run", wait: true, params: map[string]pyKind{"run_id": "int"}},
	"runs/cancel-all":    {name: "cancel_all_runs", params: map[string]pyKind{"all_queued_runs": "bool", "job_id": "int"}},
	"runs/delete":        {name: "delete_run", params: map[string]pyKind{"run_id": "int"}},
	"permissions/get":    {name: "get_permissions", params: map[string]pyKind{"job_id": "str"}},
	"permissions/levels": {name: "get_permission_levels", params: map[string]pyKind{"job_id": "str"}},
	"permissions/set":    {name: "set_permissions", params: pyACL},
	"permissions/update": {name: "update_permissions", params: pyACL},
}

// pyFirst is the parameter written first (the method's positional one).
var pyFirst = []string{"job_id", "run_id"}

// PySDK renders c as Python code for the Databricks SDK for Python
// (databricks-sdk, w.jobs), assuming PySDKPrelude: the call with keyword
// arguments, .result() on the waiters of run_now, submit, repair_run and
// cancel_run, and a use of the result. Body fields the method does not
// take are named in a comment and left out, as the SDK would; a body
// that is not a JSON object gives a comment instead of a call.
func PySDK(c Call) string {
	m, ok := pyMethods[c.Endpoint]
	if !ok {
		rc, err := FromRequest(c.Method, c.Path, c.Query, c.Body)
		if err != nil {
			return "# not a Jobs API call: " + c.Method + " " + c.Path
		}
		c = rc
		if m, ok = pyMethods[c.Endpoint]; !ok {
			return "# not a Jobs API call: " + c.Method + " " + c.Path
		}
	}
	args := map[string]string{}
	var skipped []string
	if id := permPath.FindStringSubmatch(c.Path); id != nil {
		args["job_id"] = pyString(id[1])
	}
	if c.Method == "GET" {
		for _, k := range sortedKeys(c.Query) {
			kind, known := m.params[k]
			v, ok := pyQueryValue(kind, c.Query.Get(k))
			if !known || !ok {
				skipped = append(skipped, k)
				continue
			}
			args[k] = v
		}
	} else if len(c.Body) > 0 {
		v, err := decodeJSON(c.Body)
		body, isObj := v.(map[string]any)
		if err != nil || !isObj {
			return fmt.Sprintf("# The body is not a JSON object, so it maps to no call of w.jobs.%s:\n# fix it (the form above shows where it breaks), then the call appears here.", m.name)
		}
		for k, val := range body {
			kind, known := m.params[k]
			if !known || (k == "job_id" && args["job_id"] != "") {
				skipped = append(skipped, k)
				continue
			}
			args[k] = pyArg(kind, val)
		}
	}
	sort.Strings(skipped)
	var b strings.Builder
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "# Not a parameter of w.jobs.%s, so not sent: %s\n", m.name, strings.Join(skipped, ", "))
	}
	b.WriteString(pyCallSnippet(c.Endpoint, m, pyCall("w.jobs."+m.name, args)))
	return strings.TrimRight(b.String(), "\n")
}

// pyCall writes fn(k=v, ...) with the positional-first parameter first and
// the rest sorted, on one line when it is short and has no line breaks.
func pyCall(fn string, args map[string]string) string {
	var keys []string
	for _, k := range pyFirst {
		if _, ok := args[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range args {
		if k != "job_id" && k != "run_id" {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	keys = append(keys, rest...)
	parts := make([]string, len(keys))
	multi := false
	for i, k := range keys {
		parts[i] = k + "=" + args[k]
		multi = multi || strings.Contains(args[k], "\n")
	}
	one := fn + "(" + strings.Join(parts, ", ") + ")"
	if !multi && len(one) <= 88 {
		return one
	}
	var b strings.Builder
	b.WriteString(fn + "(\n")
	for _, p := range parts {
		b.WriteString("    " + strings.ReplaceAll(p, "\n", "\n    ") + ",\n")
	}
	b.WriteString(")")
	return b.String()
}

var pyIdent = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// pyQueryValue converts a query-string value for a parameter of kind.
func pyQueryValue(kind pyKind, v string) (string, bool) {
	switch {
	case kind == "bool":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", false
		}
		return pyBool(b), true
	case kind == "int":
		if !isInt(v) {
			return "", false
		}
		return v, true
	case strings.HasPrefix(string(kind), "enum:"):
		return pyEnum(strings.TrimPrefix(string(kind), "enum:"), v), true
	case kind == "str":
		return pyString(v), true
	}
	return "", false
}

// pyArg writes a decoded JSON value as the argument kind wants.
func pyArg(kind pyKind, v any) string {
	k := string(kind)
	switch {
	case strings.HasPrefix(k, "enum:"):
		if s, ok := v.(string); ok {
			return pyEnum(strings.TrimPrefix(k, "enum:"), s)
		}
	case strings.HasPrefix(k, "objs:"):
		if _, ok := v.([]any); ok {
			return "[jobs." + strings.TrimPrefix(k, "objs:") + ".from_dict(v) for v in " + pyValue(v, "") + "]"
		}
	case strings.HasPrefix(k, "obj:"):
		if _, ok := v.(map[string]any); ok {
			return "jobs." + strings.TrimPrefix(k, "obj:") + ".from_dict(" + pyValue(v, "") + ")"
		}
	}
	return pyValue(v, "")
}

func pyEnum(class, v string) string {
	if pyIdent.MatchString(v) {
		return "jobs." + class + "." + v
	}
	return "jobs." + class + "(" + pyString(v) + ")"
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// pyString is a Python string literal (JSON's escapes are Python's).
func pyString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

// pyValue writes a decoded JSON value as a Python literal: short
// containers on one line, longer ones one item per line.
func pyValue(v any, indent string) string {
	switch t := v.(type) {
	case nil:
		return "None"
	case bool:
		return pyBool(t)
	case json.Number:
		return t.String()
	case string:
		return pyString(t)
	case []any:
		items := make([]string, len(t))
		for i, e := range t {
			items[i] = pyValue(e, indent+"    ")
		}
		return pyContainer("[", "]", items, indent)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		items := make([]string, len(keys))
		for i, k := range keys {
			items[i] = pyString(k) + ": " + pyValue(t[k], indent+"    ")
		}
		return pyContainer("{", "}", items, indent)
	}
	return "None"
}

func pyContainer(open, close string, items []string, indent string) string {
	one := open + strings.Join(items, ", ") + close
	if len(one) <= 60 && !strings.Contains(one, "\n") {
		return one
	}
	var b strings.Builder
	b.WriteString(open + "\n")
	for _, it := range items {
		b.WriteString(indent + "    " + it + ",\n")
	}
	b.WriteString(indent + close)
	return b.String()
}

// pyCallSnippet wraps the call in what a script does with its result.
func pyCallSnippet(endpoint string, m pyMethod, call string) string {
	switch endpoint {
	case "jobs/get":
		// get_run merges task pages (JobsExt); for get, follow the pages.
		return "job = " + call + "\n" +
			"tasks = list(job.settings.tasks or [])\n" +
			"token = job.next_page_token  # 2.2 returns 100 tasks per page\n" +
			"while token:\n" +
			"    page = w.jobs.get(job_id=job.job_id, page_token=token)\n" +
			"    tasks += page.settings.tasks or []\n" +
			"    token = page.next_page_token\n" +
			"print(job.job_id, job.settings.name, len(tasks))"
	case "jobs/list":
		return "# list is an iterator: it follows next_page_token until it is empty.\n" +
			"for job in " + call + ":\n    print(job.job_id, job.settings.name)"
	case "runs/list":
		return "# list_runs is an iterator: it follows next_page_token until it is empty.\n" +
			"for run in " + call + ":\n    print(run.job_id, run.run_id, run.state.life_cycle_state, run.state.result_state)"
	case "runs/get":
		return "run = " + call + "  # follows next_page_token and merges the tasks\n" +
			"print(run.state.life_cycle_state, run.state.result_state)\n" +
			"for t in run.tasks or []:\n    print(t.task_key, t.run_id, t.state.result_state)"
	case "runs/get-output":
		return "out = " + call + "\n" +
			"if out.notebook_output:\n    print(out.notebook_output.result)\nprint(out.error, out.logs)"
	case "runs/export":
		return "export = " + call + "\nfor v in export.views or []:\n    print(v.name, v.type, len(v.content or \"\"))"
	case "jobs/create":
		return "created = " + call + "\nprint(created.job_id)"
	case "jobs/run-now", "runs/submit":
		return "waiter = " + call + "\n" +
			"print(waiter.response.run_id)  # known right after the POST\n" +
			"run = waiter.result()  # polls runs/get until TERMINATED or SKIPPED (20 min by default)\n" +
			"print(run.state.result_state)"
	case "runs/repair":
		return "waiter = " + call + "\n" +
			"print(waiter.response.repair_id)  # pass it as latest_repair_id to the next repair\n" +
			"run = waiter.result()  # polls runs/get on the same run_id until TERMINATED or SKIPPED\n" +
			"print(run.state.result_state)"
	case "runs/cancel":
		return "# cancel is asynchronous: result() polls runs/get until the run is TERMINATED.\n" +
			"run = " + call + ".result()\nprint(run.state.result_state)"
	case "permissions/get", "permissions/set", "permissions/update":
		note := ""
		switch endpoint {
		case "permissions/set":
			note = "# set_permissions replaces the whole access control list.\n"
		case "permissions/update":
			note = "# update_permissions merges into the access control list.\n"
		}
		return note + "perms = " + call + "\n" +
			"for acl in perms.access_control_list or []:\n    print(acl.user_name, acl.group_name, acl.service_principal_name, acl.all_permissions)"
	case "permissions/levels":
		return "levels = " + call + "\nfor l in levels.permission_levels or []:\n    print(l.permission_level, l.description)"
	}
	return call + "  # returns None; an error raises DatabricksError"
}
