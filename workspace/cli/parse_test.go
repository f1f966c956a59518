package cli

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line   string
		method, path string
		query, body  string // query: Encode()d form
		endpoint     string
		note         string // a substring of some note
		wait         bool
		limit        int
		err, hint    string // err exact, hint substring
	}{
		// list
		{name: "list", line: "databricks jobs list", method: "GET", path: "/api/2.2/jobs/list", endpoint: "jobs/list"},
		{name: "list no prefix", line: "jobs list", method: "GET", path: "/api/2.2/jobs/list", endpoint: "jobs/list"},
		{name: "list flags", line: "databricks jobs list --expand-tasks --name etl", method: "GET", path: "/api/2.2/jobs/list", query: "expand_tasks=true&name=etl", endpoint: "jobs/list"},
		{name: "list limit not sent", line: "databricks jobs list --limit 1 --name etl --expand-tasks", method: "GET", path: "/api/2.2/jobs/list", query: "expand_tasks=true&name=etl", limit: 1, note: "not sent", endpoint: "jobs/list"},
		{name: "list page-size", line: "databricks jobs list --page-size 25 --offset 5 --page-token p2", method: "GET", path: "/api/2.2/jobs/list", query: "limit=25&offset=5&page_token=p2", note: "hidden", endpoint: "jobs/list"},
		{name: "list job-id", line: "databricks jobs list --job-id 5", err: "unknown flag: --job-id", hint: "list-runs --job-id"},
		{name: "list positional", line: "databricks jobs list 5", err: "accepts 0 arg(s), received 1", hint: "jobs get 5"},
		{name: "list json", line: `databricks jobs list --json '{}'`, err: "unknown flag: --json", hint: "has no --json"},
		// get
		{name: "get", line: "databricks jobs get 101", method: "GET", path: "/api/2.2/jobs/get", query: "job_id=101", endpoint: "jobs/get"},
		{name: "get flags", line: "databricks jobs get 101 --include-trigger-state --page-token tasks-p2", method: "GET", path: "/api/2.2/jobs/get", query: "include_trigger_state=true&job_id=101&page_token=tasks-p2", endpoint: "jobs/get"},
		{name: "get legacy", line: "databricks jobs get --job-id 101", method: "GET", path: "/api/2.2/jobs/get", query: "job_id=101", note: "`--job-id` is the legacy CLI's spelling; CLI v1.12 takes the job ID positionally (`databricks jobs get 101`) and would reject this flag. Run here as `databricks jobs get 101`.", endpoint: "jobs/get"},
		{name: "get legacy =", line: "databricks jobs get --job-id=101", method: "GET", path: "/api/2.2/jobs/get", query: "job_id=101", note: "Run here as `databricks jobs get 101`.", endpoint: "jobs/get"},
		{name: "get legacy and positional", line: "databricks jobs get 101 --job-id 101 --include-trigger-state", method: "GET", path: "/api/2.2/jobs/get", query: "include_trigger_state=true&job_id=101", note: "would reject this flag. Run here as `databricks jobs get 101 --include-trigger-state`.", endpoint: "jobs/get"},
		{name: "get no id", line: "databricks jobs get", err: "accepts 1 arg(s), received 0", hint: "databricks jobs get 101"},
		{name: "get two ids", line: "databricks jobs get 1 2", err: "accepts 1 arg(s), received 2"},
		{name: "get bad id", line: "databricks jobs get abc", err: `invalid argument "abc" for JOB_ID: expected an integer`, hint: "--name"},
		{name: "get bad legacy id", line: "databricks jobs get --job-id x1", err: `invalid argument "x1" for --job-id: expected an integer`},
		{name: "get id twice", line: "databricks jobs get 1 --job-id 2", err: "JOB_ID given twice: 1 and --job-id 2"},
		{name: "get run-id", line: "databricks jobs get --run-id 5", err: "unknown flag: --run-id", hint: "get-run RUN_ID"},
		{name: "get negative", line: "databricks jobs get -5", err: "unknown shorthand flag: '5' in -5"},
		// create / reset / update / delete
		{name: "create", line: `databricks jobs create --json '{"name":"x","max_concurrent_runs":1}'`, method: "POST", path: "/api/2.2/jobs/create", body: `{"max_concurrent_runs":1,"name":"x"}`, endpoint: "jobs/create"},
		{name: "create without json", line: "databricks jobs create", err: "please provide command input in JSON format by specifying the --json flag", hint: "--json '{"},
		{name: "create unknown field", line: `databricks jobs create --json '{"name":"x","nme":"y"}'`, method: "POST", path: "/api/2.2/jobs/create", body: `{"name":"x"}`, note: "unknown field: nme", endpoint: "jobs/create"},
		{name: "create nested unknown", line: `databricks jobs create --json '{"tasks":[{"task_key":"a","notebok_task":{}}]}'`, method: "POST", path: "/api/2.2/jobs/create", body: `{"tasks":[{"task_key":"a"}]}`, note: "unknown field: tasks[0].notebok_task", endpoint: "jobs/create"},
		{name: "create bad json", line: `databricks jobs create --json '{"name":}'`, err: "invalid JSON in --json at offset 9: invalid character '}' looking for beginning of value", hint: "near:"},
		{name: "create truncated json", line: `databricks jobs create --json '{"name":"x"'`, err: "invalid JSON in --json at offset 11: unexpected end of JSON input"},
		{name: "create json array", line: `databricks jobs create --json '[1]'`, err: "invalid JSON in --json: expected a JSON object"},
		{name: "create json trailing", line: `databricks jobs create --json '{} {}'`, err: "invalid JSON in --json at offset 3: unexpected data after the top-level object"},
		{name: "create json file", line: "databricks jobs create --json @job.json", err: "--json @job.json: files are not available in the sandbox", hint: "paste the JSON inline"},
		{name: "create positional", line: "databricks jobs create x", err: "accepts 0 arg(s), received 1", hint: "--json"},
		{name: "reset", line: `databricks jobs reset --json '{"job_id":103,"new_settings":{"name":"z"}}'`, method: "POST", path: "/api/2.2/jobs/reset", body: `{"job_id":103,"new_settings":{"name":"z"}}`, endpoint: "jobs/reset"},
		{name: "reset without json", line: "databricks jobs reset 103", err: "accepts 0 arg(s), received 1"},
		{name: "reset no args", line: "databricks jobs reset", err: "please provide command input in JSON format by specifying the --json flag"},
		{name: "update json", line: `databricks jobs update --json '{"fields_to_remove":["schedule"],"job_id":103,"new_settings":{"name":"y"}}'`, method: "POST", path: "/api/2.2/jobs/update", body: `{"fields_to_remove":["schedule"],"job_id":103,"new_settings":{"name":"y"}}`, endpoint: "jobs/update"},
		{name: "update positional", line: "databricks jobs update 103", method: "POST", path: "/api/2.2/jobs/update", body: `{"job_id":103}`, note: "only settable via --json", endpoint: "jobs/update"},
		{name: "update positional and json", line: `databricks jobs update 103 --json '{"new_settings":{}}'`, err: "when --json flag is specified, no positional arguments are required. Provide 'job_id' in your JSON input", hint: `"job_id":103`},
		{name: "update json no id", line: `databricks jobs update --json '{"new_settings":{"name":"y"}}'`, method: "POST", path: "/api/2.2/jobs/update", body: `{"new_settings":{"name":"y"}}`, note: "has no job_id", endpoint: "jobs/update"},
		{name: "update legacy with json", line: `databricks jobs update --job-id 103 --json '{"new_settings":{"name":"y"}}'`, err: "unknown flag: --job-id", hint: `inside --json '{"job_id":103,...}'). --job-id is the legacy databricks-cli 0.x spelling; 0.x had no command for jobs/update`},
		{name: "update new-settings flag", line: "databricks jobs update 103 --new-settings x", err: "unknown flag: --new-settings", hint: `new_settings is only settable via --json: databricks jobs update --json '{"job_id":N,"new_settings":{...}}'`},
		{name: "delete", line: "databricks jobs delete 103", method: "POST", path: "/api/2.2/jobs/delete", body: `{"job_id":103}`, endpoint: "jobs/delete"},
		{name: "delete legacy", line: "databricks jobs delete --job-id 103", err: "unknown flag: --job-id", hint: "CLI v1.12 takes the job ID positionally: databricks jobs delete 103"},
		{name: "delete legacy =", line: "databricks jobs delete --job-id=103", err: "unknown flag: --job-id", hint: "databricks jobs delete 103"},
		{name: "reset legacy", line: `databricks jobs reset --job-id 103 --json '{"name":"z"}'`, err: "unknown flag: --job-id", hint: `databricks jobs reset --json '{"job_id":101,"new_settings":{...}}'`},
		{name: "delete json", line: `databricks jobs delete --json '{"job_id":103}'`, method: "POST", path: "/api/2.2/jobs/delete", body: `{"job_id":103}`, endpoint: "jobs/delete"},
		// run-now
		{name: "run-now", line: "databricks jobs run-now 101", method: "POST", path: "/api/2.2/jobs/run-now", body: `{"job_id":101}`, wait: true, endpoint: "jobs/run-now"},
		{name: "run-now legacy", line: "databricks jobs run-now --job-id 101", method: "POST", path: "/api/2.2/jobs/run-now", body: `{"job_id":101}`, wait: true, note: "Run here as `databricks jobs run-now 101`.", endpoint: "jobs/run-now"},
		{name: "run-now legacy with json", line: `databricks jobs run-now --job-id 101 --json '{"job_parameters":{"env":"dev"}}'`, method: "POST", path: "/api/2.2/jobs/run-now", body: `{"job_id":101,"job_parameters":{"env":"dev"}}`, wait: true,
			note: "with --json the job_id goes inside the JSON. Run here as `databricks jobs run-now --json '{\"job_id\":101,\"job_parameters\":{\"env\":\"dev\"}}'`.", endpoint: "jobs/run-now"},
		{name: "run-now flags", line: "databricks jobs run-now 101 --idempotency-token tok-1 --performance-target STANDARD --no-wait", method: "POST", path: "/api/2.2/jobs/run-now", body: `{"idempotency_token":"tok-1","job_id":101,"performance_target":"STANDARD"}`, endpoint: "jobs/run-now"},
		{name: "run-now json", line: `databricks jobs run-now --json '{"job_id":101,"job_parameters":{"env":"dev"},"only":["a"]}' --no-wait`, method: "POST", path: "/api/2.2/jobs/run-now", body: `{"job_id":101,"job_parameters":{"env":"dev"},"only":["a"]}`, endpoint: "jobs/run-now"},
		{name: "run-now json wins", line: `databricks jobs run-now --idempotency-token a --json '{"job_id":1,"idempotency_token":"b"}'`, method: "POST", path: "/api/2.2/jobs/run-now", body: `{"idempotency_token":"b","job_id":1}`, wait: true, note: "--json value", endpoint: "jobs/run-now"},
		{name: "run-now job-parameters flag", line: "databricks jobs run-now 101 --job-parameters env=dev", err: "unknown flag: --job-parameters", hint: `job_parameters is only settable via --json: databricks jobs run-now --json '{"job_id":N,"job_parameters":{"env":"dev"}}'`},
		{name: "run-now params", line: "databricks jobs run-now 101 --params env=dev", err: "unknown flag: --params", hint: "bundle run"},
		{name: "run-now bad enum", line: "databricks jobs run-now 101 --performance-target fast", err: `invalid argument "fast" for "--performance-target" flag: value "fast" is not one of "PERFORMANCE_OPTIMIZED", "STANDARD"`},
		{name: "run-now timeout", line: "databricks jobs run-now 101 --timeout 5m", method: "POST", path: "/api/2.2/jobs/run-now", body: `{"job_id":101}`, wait: true, endpoint: "jobs/run-now"},
		{name: "run-now bad timeout", line: "databricks jobs run-now 101 --timeout soon", err: `invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"`},
		{name: "run-now no id", line: "databricks jobs run-now", err: "accepts 1 arg(s), received 0", hint: `--json '{"job_id":101}'`},
		{name: "run-now json file", line: "databricks jobs run-now --json @params.json", err: "--json @params.json: files are not available in the sandbox"},
		{name: "run-now typo", line: "databricks jobs run-now 101 --no-wiat", err: "unknown flag: --no-wiat", hint: "did you mean --no-wait?"},
		// submit
		{name: "submit", line: `databricks jobs submit --json '{"run_name":"one-off","tasks":[{"task_key":"a","notebook_task":{"notebook_path":"/Users/t/a"}}]}'`, method: "POST", path: "/api/2.2/jobs/runs/submit", body: `{"run_name":"one-off","tasks":[{"notebook_task":{"notebook_path":"/Users/t/a"},"task_key":"a"}]}`, wait: true, endpoint: "runs/submit"},
		{name: "submit flags", line: "databricks jobs submit --run-name x --timeout-seconds 60 --idempotency-token t --no-wait", method: "POST", path: "/api/2.2/jobs/runs/submit", body: `{"idempotency_token":"t","run_name":"x","timeout_seconds":60}`, endpoint: "runs/submit"},
		{name: "submit tasks flag", line: "databricks jobs submit --tasks x", err: "unknown flag: --tasks", hint: `tasks is only settable via --json: databricks jobs submit --json '{"tasks":[{...}]}'`},
		// list-runs
		{name: "list-runs", line: "databricks jobs list-runs --job-id 12 --active-only", method: "GET", path: "/api/2.2/jobs/runs/list", query: "active_only=true&job_id=12", endpoint: "runs/list"},
		{name: "list-runs =true", line: "databricks jobs list-runs --job-id=12 --active-only=true", method: "GET", path: "/api/2.2/jobs/runs/list", query: "active_only=true&job_id=12", endpoint: "runs/list"},
		{name: "list-runs =false", line: "databricks jobs list-runs --active-only=false", method: "GET", path: "/api/2.2/jobs/runs/list", endpoint: "runs/list"},
		{name: "list-runs all flags", line: "databricks jobs list-runs --job-id 101 --completed-only --expand-tasks --run-type JOB_RUN --start-time-from 1 --start-time-to 2 --offset 3 --page-size 5 --page-token runs-p2 --limit 7", method: "GET", path: "/api/2.2/jobs/runs/list", query: "completed_only=true&expand_tasks=true&job_id=101&limit=5&offset=3&page_token=runs-p2&run_type=JOB_RUN&start_time_from=1&start_time_to=2", limit: 7, note: "hidden", endpoint: "runs/list"},
		{name: "list-runs positional", line: "databricks jobs list-runs 12", err: "accepts 0 arg(s), received 1", hint: "--job-id 12"},
		{name: "list-runs bad bool", line: "databricks jobs list-runs --active-only=maybe", err: `invalid argument "maybe" for "--active-only" flag: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{name: "list-runs bad int", line: "databricks jobs list-runs --job-id abc", err: `invalid argument "abc" for "--job-id" flag: strconv.ParseInt: parsing "abc": invalid syntax`},
		{name: "list-runs bad enum", line: "databricks jobs list-runs --run-type job_run", err: `invalid argument "job_run" for "--run-type" flag: value "job_run" is not one of "JOB_RUN", "SUBMIT_RUN", "WORKFLOW_RUN"`},
		{name: "list-runs missing value", line: "databricks jobs list-runs --job-id", err: "flag needs an argument: --job-id"},
		{name: "list-runs run-id", line: "databricks jobs list-runs --run-id 5", err: "unknown flag: --run-id"},
		// get-run, get-run-output, export-run
		{name: "get-run", line: "databricks jobs get-run 555 --include-history --include-resolved-values --page-token p", method: "GET", path: "/api/2.2/jobs/runs/get", query: "include_history=true&include_resolved_values=true&page_token=p&run_id=555", endpoint: "runs/get"},
		{name: "get-run legacy", line: "databricks jobs get-run --run-id 555", err: "unknown flag: --run-id", hint: "databricks jobs get-run 555. --run-id is the legacy databricks-cli 0.x spelling (databricks runs get --run-id N)"},
		{name: "get-run job-id", line: "databricks jobs get-run --job-id 101", err: "unknown flag: --job-id", hint: "takes a RUN_ID"},
		{name: "get-run bad", line: "databricks jobs get-run x", err: `invalid argument "x" for RUN_ID: expected an integer`, hint: "list-runs"},
		{name: "get-run-output", line: "databricks jobs get-run-output 1555", method: "GET", path: "/api/2.2/jobs/runs/get-output", query: "run_id=1555", endpoint: "runs/get-output"},
		{name: "get-run-output none", line: "databricks jobs get-run-output", err: "accepts 1 arg(s), received 0"},
		{name: "export-run", line: "databricks jobs export-run 1555 --views-to-export ALL", method: "GET", path: "/api/2.2/jobs/runs/export", query: "run_id=1555&views_to_export=ALL", endpoint: "runs/export"},
		{name: "export-run bad", line: "databricks jobs export-run 1555 --views-to-export all", err: `invalid argument "all" for "--views-to-export" flag: value "all" is not one of "ALL", "CODE", "DASHBOARDS"`},
		// repair-run
		{name: "repair-run", line: "databricks jobs repair-run 555 --rerun-all-failed-tasks --latest-repair-id 777", method: "POST", path: "/api/2.2/jobs/runs/repair", body: `{"latest_repair_id":777,"rerun_all_failed_tasks":true,"run_id":555}`, wait: true, endpoint: "runs/repair"},
		{name: "repair-run json", line: `databricks jobs repair-run --json '{"run_id":555,"rerun_tasks":["b"],"rerun_dependent_tasks":true}' --no-wait`, method: "POST", path: "/api/2.2/jobs/runs/repair", body: `{"rerun_dependent_tasks":true,"rerun_tasks":["b"],"run_id":555}`, endpoint: "runs/repair"},
		{name: "repair-run json plus flag", line: `databricks jobs repair-run --json '{"run_id":555,"rerun_tasks":["b"]}' --rerun-dependent-tasks`, method: "POST", path: "/api/2.2/jobs/runs/repair", body: `{"rerun_dependent_tasks":true,"rerun_tasks":["b"],"run_id":555}`, wait: true, endpoint: "runs/repair"},
		{name: "repair-run rerun-tasks", line: "databricks jobs repair-run 555 --rerun-tasks a", err: "unknown flag: --rerun-tasks", hint: `rerun_tasks is only settable via --json: databricks jobs repair-run --json '{"run_id":N,"rerun_tasks":["task"]}'`},
		{name: "repair-run legacy", line: "databricks jobs repair-run --run-id 555 --rerun-all-failed-tasks", err: "unknown flag: --run-id", hint: "databricks jobs repair-run 555 (or inside --json '{\"run_id\":555,...}'). --run-id is the legacy databricks-cli 0.x spelling; 0.x had no command for runs/repair."},
		// cancel
		{name: "cancel-run", line: "databricks jobs cancel-run 555", method: "POST", path: "/api/2.2/jobs/runs/cancel", body: `{"run_id":555}`, wait: true, endpoint: "runs/cancel"},
		{name: "cancel-run no-wait", line: "databricks jobs cancel-run 555 --no-wait", method: "POST", path: "/api/2.2/jobs/runs/cancel", body: `{"run_id":555}`, endpoint: "runs/cancel"},
		{name: "cancel-run legacy", line: "databricks jobs cancel-run --run-id 555", err: "unknown flag: --run-id", hint: "(databricks runs cancel --run-id N)"},
		{name: "cancel-all-runs", line: "databricks jobs cancel-all-runs --job-id 101", method: "POST", path: "/api/2.2/jobs/runs/cancel-all", body: `{"job_id":101}`, endpoint: "runs/cancel-all"},
		{name: "cancel-all-runs queued", line: "databricks jobs cancel-all-runs --all-queued-runs", method: "POST", path: "/api/2.2/jobs/runs/cancel-all", body: `{"all_queued_runs":true}`, endpoint: "runs/cancel-all"},
		{name: "cancel-all-runs nothing", line: "databricks jobs cancel-all-runs", method: "POST", path: "/api/2.2/jobs/runs/cancel-all", body: `{}`, endpoint: "runs/cancel-all"},
		{name: "cancel-all-runs positional", line: "databricks jobs cancel-all-runs 101", err: "accepts 0 arg(s), received 1", hint: "--job-id 101"},
		{name: "cancel-all-runs json", line: `databricks jobs cancel-all-runs --json '{"job_id":101}'`, method: "POST", path: "/api/2.2/jobs/runs/cancel-all", body: `{"job_id":101}`, endpoint: "runs/cancel-all"},
		{name: "cancel-all-runs no wait flag", line: "databricks jobs cancel-all-runs --job-id 1 --no-wait", err: "unknown flag: --no-wait"},
		{name: "delete-run", line: "databricks jobs delete-run 554", method: "POST", path: "/api/2.2/jobs/runs/delete", body: `{"run_id":554}`, endpoint: "runs/delete"},
		{name: "delete-run json", line: `databricks jobs delete-run --json '{"run_id":554}'`, method: "POST", path: "/api/2.2/jobs/runs/delete", body: `{"run_id":554}`, endpoint: "runs/delete"},
		// permissions
		{name: "get-permissions", line: "databricks jobs get-permissions 101", method: "GET", path: "/api/2.0/permissions/jobs/101", endpoint: "permissions/get"},
		{name: "get-permissions legacy", line: "databricks jobs get-permissions --job-id 101", err: "unknown flag: --job-id", hint: "databricks jobs get-permissions 101. --job-id is the legacy databricks-cli 0.x spelling; 0.x had no command for permissions/get."},
		{name: "get-permissions none", line: "databricks jobs get-permissions", err: "accepts 1 arg(s), received 0"},
		{name: "get-permission-levels", line: "databricks jobs get-permission-levels 101", method: "GET", path: "/api/2.0/permissions/jobs/101/permissionLevels", endpoint: "permissions/levels"},
		{name: "set-permissions", line: `databricks jobs set-permissions 101 --json '{"access_control_list":[{"user_name":"a@b.c","permission_level":"CAN_MANAGE"}]}'`, method: "PUT", path: "/api/2.0/permissions/jobs/101", body: `{"access_control_list":[{"permission_level":"CAN_MANAGE","user_name":"a@b.c"}]}`, endpoint: "permissions/set"},
		{name: "set-permissions no json", line: "databricks jobs set-permissions 101", method: "PUT", path: "/api/2.0/permissions/jobs/101", body: `{}`, note: "replaces", endpoint: "permissions/set"},
		{name: "set-permissions json needs id", line: `databricks jobs set-permissions --json '{"access_control_list":[]}'`, err: "accepts 1 arg(s), received 0"},
		{name: "update-permissions", line: `databricks jobs update-permissions 101 --json '{"access_control_list":[{"group_name":"users","permission_level":"CAN_VIEW"}]}'`, method: "PATCH", path: "/api/2.0/permissions/jobs/101", body: `{"access_control_list":[{"group_name":"users","permission_level":"CAN_VIEW"}]}`, endpoint: "permissions/update"},
		{name: "update-permissions job_id in json dropped", line: `databricks jobs update-permissions 101 --json '{"job_id":"101","access_control_list":[]}'`, method: "PATCH", path: "/api/2.0/permissions/jobs/101", body: `{"access_control_list":[]}`, note: "unknown field: job_id", endpoint: "permissions/update"},
		// global flags
		{name: "global flags", line: "databricks -p dev jobs get 101 -o json --debug", method: "GET", path: "/api/2.2/jobs/get", query: "job_id=101", note: "--profile dev is ignored", endpoint: "jobs/get"},
		{name: "output text", line: "databricks jobs list-runs --output=text", method: "GET", path: "/api/2.2/jobs/runs/list", endpoint: "runs/list"},
		{name: "output bad", line: "databricks jobs list -o yaml", err: `invalid argument "yaml" for "-o, --output" flag: accepted arguments are json and text`},
		{name: "profile missing", line: "databricks jobs list -p", err: "flag needs an argument: 'p' in -p"},
		{name: "help", line: "databricks jobs get --help", err: "Usage: databricks jobs get JOB_ID [flags]", hint: "--include-trigger-state"},
		{name: "double dash", line: "databricks jobs get -- 101", method: "GET", path: "/api/2.2/jobs/get", query: "job_id=101", endpoint: "jobs/get"},
		// commands
		{name: "unknown subcommand", line: "databricks jobs frobnicate", err: `unknown command "frobnicate" for "databricks jobs"`, hint: "Available commands: cancel-all-runs"},
		{name: "typo subcommand", line: "databricks jobs lst", err: `unknown command "lst" for "databricks jobs"`, hint: "Did you mean this? list"},
		{name: "jobs alone", line: "databricks jobs", err: `missing subcommand for "databricks jobs"`, hint: "list-runs"},
		{name: "databricks alone", line: "databricks", err: "missing command: try databricks jobs"},
		{name: "other group", line: "databricks clusters list", err: "databricks clusters is not available in the sandbox"},
		{name: "legacy runs group", line: "databricks runs list --job-id 5", err: `unknown command "runs" for "databricks"`, hint: "today it is: databricks jobs list-runs --job-id 5"},
		{name: "legacy runs get", line: "databricks runs get --run-id 1013", err: `unknown command "runs" for "databricks"`, hint: "today it is: databricks jobs get-run 1013"},
		{name: "legacy runs get-output", line: "databricks runs get-output --run-id=7", err: `unknown command "runs" for "databricks"`, hint: "today it is: databricks jobs get-run-output 7"},
		{name: "bundle run", line: "databricks bundle run nightly_etl -t dev", err: "databricks bundle run nightly_etl is explained, not run, in the sandbox", hint: `POST /api/2.2/jobs/run-now`},
		{name: "bundle run params", line: "databricks bundle run -t prod nightly --params env=dev", err: "databricks bundle run nightly is explained, not run, in the sandbox", hint: `target "prod"`},
		{name: "bundle deploy", line: "databricks bundle deploy", err: "databricks bundle commands are not available in the sandbox"},
		{name: "empty", line: "   ", err: "empty command"},
		{name: "comment only", line: "# hello", err: "empty command"},
		{name: "not databricks", line: "curl https://x", err: `not a databricks command: "curl"`},
		{name: "flag before sub", line: "databricks jobs --job-id 5 list-runs", err: "unknown flag: --job-id", hint: "subcommand first"},
		{name: "pipe", line: "databricks jobs list | jq .", err: "unsupported shell syntax: |"},
		{name: "smart quotes", line: "databricks jobs run-now --json '{“job_id”:1}'", err: "invalid JSON in --json at offset 2: invalid character 'â' looking for beginning of object key string", hint: "typographic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.line)
			if tt.err != "" {
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("Parse(%q) = %+v, %v; want *Error %q", tt.line, got, err, tt.err)
				}
				if pe.Msg != tt.err || pe.Error() != tt.err {
					t.Errorf("Msg = %q\nwant  %q", pe.Msg, tt.err)
				}
				if !strings.Contains(pe.Hint, tt.hint) {
					t.Errorf("Hint = %q\nwant it to contain %q", pe.Hint, tt.hint)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v (hint %q)", tt.line, err, err.(*Error).Hint)
			}
			c := got.Call
			if c.Method != tt.method || c.Path != tt.path || c.Query.Encode() != tt.query || string(c.Body) != tt.body || c.Endpoint != tt.endpoint {
				t.Errorf("Call = %s %s ?%s %s [%s]\nwant   %s %s ?%s %s [%s]", c.Method, c.Path, c.Query.Encode(), c.Body, c.Endpoint,
					tt.method, tt.path, tt.query, tt.body, tt.endpoint)
			}
			if c.Method == "GET" && c.Body != nil {
				t.Errorf("GET with body %q", c.Body)
			}
			if tt.query == "" && c.Query != nil {
				t.Errorf("Query = %#v, want nil", c.Query)
			}
			if got.Wait != tt.wait {
				t.Errorf("Wait = %v, want %v", got.Wait, tt.wait)
			}
			if got.ClientLimit != tt.limit {
				t.Errorf("ClientLimit = %d, want %d", got.ClientLimit, tt.limit)
			}
			if tt.note != "" && !strings.Contains(strings.Join(got.Notes, "\n"), tt.note) {
				t.Errorf("Notes = %q, want one containing %q", got.Notes, tt.note)
			}
			if tt.note == "" && !strings.Contains(tt.line, " -p ") && len(got.Notes) > 0 && !strings.Contains(tt.line, "--output") {
				t.Errorf("unexpected Notes %q", got.Notes)
			}
			if !strings.HasPrefix(got.Command, "jobs ") {
				t.Errorf("Command = %q", got.Command)
			}
		})
	}
}

func TestParseEveryCommandCovered(t *testing.T) {
	t.Parallel()
	// Each subcommand must parse in at least one valid form.
	valid := map[string]string{
		"cancel-all-runs": "jobs cancel-all-runs --job-id 1", "cancel-run": "jobs cancel-run 1", "create": `jobs create --json '{}'`,
		"delete": "jobs delete 1", "delete-run": "jobs delete-run 1", "export-run": "jobs export-run 1", "get": "jobs get 1",
		"get-permission-levels": "jobs get-permission-levels 1", "get-permissions": "jobs get-permissions 1", "get-run": "jobs get-run 1",
		"get-run-output": "jobs get-run-output 1", "list": "jobs list", "list-runs": "jobs list-runs", "repair-run": "jobs repair-run 1",
		"reset": `jobs reset --json '{"job_id":1,"new_settings":{}}'`, "run-now": "jobs run-now 1", "set-permissions": "jobs set-permissions 1",
		"submit": "jobs submit --run-name x", "update": "jobs update 1", "update-permissions": "jobs update-permissions 1",
	}
	for _, name := range commandNames() {
		line, ok := valid[name]
		if !ok {
			t.Errorf("no valid form for %s", name)
			continue
		}
		p, err := Parse(line)
		if err != nil || p.Command != "jobs "+name {
			t.Errorf("Parse(%q) = %q, %v", line, p.Command, err)
		}
	}
	if len(Endpoints()) != len(commands) {
		t.Errorf("Endpoints() has %d entries, want %d", len(Endpoints()), len(commands))
	}
}

func TestParseWaitTimeout(t *testing.T) {
	t.Parallel()
	p, err := Parse("databricks jobs run-now 1 --timeout 5m")
	if err != nil || p.Timeout != 5*time.Minute || !p.Wait {
		t.Fatalf("Parse = %+v, %v", p, err)
	}
	p, _ = Parse("databricks jobs run-now 1")
	if p.Timeout != 20*time.Minute {
		t.Errorf("default Timeout = %s", p.Timeout)
	}
	p, _ = Parse("databricks jobs get 1 -o json")
	if p.Timeout != 0 || p.Wait || p.Output != "json" {
		t.Errorf("get: %+v", p)
	}
}

func TestTokenize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{in: `a b  c`, want: []string{"a", "b", "c"}},
		{in: `--json '{"job_id":1}'`, want: []string{"--json", `{"job_id":1}`}},
		{in: `--json "{\"job_id\":1}"`, want: []string{"--json", `{"job_id":1}`}},
		{in: `--name "nightly etl"`, want: []string{"--name", "nightly etl"}},
		{in: `--name nightly\ etl`, want: []string{"--name", "nightly etl"}},
		{in: `a'b'"c"d`, want: []string{"abcd"}},
		{in: `''`, want: []string{""}},
		{in: `'it'\''s'`, want: []string{"it's"}},
		{in: `"a\nb"`, want: []string{`a\nb`}},
		{in: `"a\$b\\c"`, want: []string{`a$b\c`}},
		{in: `'a\b'`, want: []string{`a\b`}},
		{in: "a \\\n  b", want: []string{"a", "b"}},
		{in: "a \\\r\n b", want: []string{"a", "b"}},
		{in: "a\tb\nc", want: []string{"a", "b", "c"}},
		{in: `a # comment`, want: []string{"a"}},
		{in: `a#b`, want: []string{"a#b"}},
		{in: `'a|b' "c;d"`, want: []string{"a|b", "c;d"}},
		{in: `a\|b`, want: []string{"a|b"}},
		{in: `x\`, want: []string{"x"}},
		{in: `'abc`, err: "unterminated single quote"},
		{in: `"abc`, err: "unterminated double quote"},
		{in: `a | b`, err: "unsupported shell syntax: |"},
		{in: `a > f`, err: "unsupported shell syntax: >"},
		{in: `a && b`, err: "unsupported shell syntax: &"},
		{in: `a; b`, err: "unsupported shell syntax: ;"},
		{in: "a `b`", err: "unsupported shell syntax: `"},
		{in: `a $(b)`, err: "unsupported shell syntax: $"},
		{in: `echo $HOME`, want: []string{"echo", "$HOME"}},
		{in: `ünï 'cödé'`, want: []string{"ünï", "cödé"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := tokenize(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("tokenize(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tokenize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"databricks jobs list-runs --job-id 12 --active-only",
		`databricks jobs run-now --json '{"job_id":1,"job_parameters":{"a":"b"}}'`,
		"jobs get 101", "jobs get --job-id=1", `jobs create --json '{"tasks":[{"task_key":"a","new_cluster":{"num_workers":1}}]}'`,
		"bundle run x -t y", "databricks -o json -p p jobs list --limit 3 --page-size 2",
		`jobs repair-run 5 --rerun-tasks a`, `'unterminated`, `"a\`, "jobs \\", "jobs get -", "-", "--", "-o", "jobs list --=x",
		"databricks jobs set-permissions 1 --json '{\"access_control_list\":[{\"user_name\":\"x\"}]}'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		p, err := Parse(line)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("Parse(%q) error %v is not an *Error with a message", line, err)
			}
			return
		}
		// Every rendering must work on whatever Parse produced.
		CLI(p.Call)
		Curl(p.Call, "h", "")
		GoSDK(p.Call)
	})
}
