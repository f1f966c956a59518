package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/workspace/cli"
)

// consoleCall is a call the console is about to send.
type consoleCall struct {
	method, path string
	query        url.Values
	body         string
	call         cli.Call // the parsed form, for the renderings
	cliLine      string   // set when the CLI box made it
}

// problem is an input error or refusal shown in the result panel. field,
// when set, is the form parameter it is about (shown under that field too).
type problem struct {
	status    int
	msg, hint string
	field     string
}

func (p *problem) Error() string { return p.msg }

// newCall checks a request against the Jobs API endpoints it may be.
func newCall(method, path string, q url.Values, body string) (consoleCall, *problem) {
	method = strings.ToUpper(strings.TrimSpace(method))
	if method == "GET" {
		body = ""
	}
	c, err := cli.FromRequest(method, path, q, []byte(body))
	if err != nil {
		return consoleCall{}, &problem{status: http.StatusBadRequest, msg: fmt.Sprintf("%s %s is not a Jobs API call the console can send.", method, path),
			hint: "Pick an endpoint from the list, or type a databricks jobs command."}
	}
	if p := checkNumbers(c.Endpoint, q); p != nil {
		return consoleCall{}, p
	}
	if len(q) == 0 {
		q = nil
	}
	return consoleCall{method: method, path: path, query: q, body: body, call: c}, nil
}

// checkNumbers refuses, before anything is sent, a query whose ID or
// integer parameter is not a whole number (run_id=abc): the request, curl,
// CLI and SDK renderings could not show it truthfully.
func checkNumbers(endpoint string, q url.Values) *problem {
	ep := endpointByName(endpoint)
	if ep == nil {
		return nil
	}
	for _, p := range ep.params {
		if !p.numeric() {
			continue
		}
		for _, v := range q[p.name] {
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				continue
			}
			pr := &problem{status: http.StatusBadRequest, field: p.name,
				msg:  fmt.Sprintf("%s must be a whole number: %q is not one. Nothing was sent.", p.name, v),
				hint: "Type digits only, for example 20."}
			if p.kind != "int" {
				pr.hint = "Pick one from the list, or type its numeric ID (IDs are whole numbers, like 101)."
			}
			return pr
		}
	}
	return nil
}

// callFromForm reads the endpoint form (ep + p_* fields) or a raw call
// (method, path, query, body: replay and next page).
func callFromForm(r *http.Request) (consoleCall, *problem) {
	f := r.PostForm
	if key := f.Get("ep"); key != "" {
		ep := endpointByKey(key)
		if ep == nil {
			return consoleCall{}, &problem{status: http.StatusBadRequest, msg: fmt.Sprintf("There is no endpoint %q.", key)}
		}
		q := url.Values{}
		for _, p := range ep.params {
			v := strings.TrimSpace(f.Get("p_" + p.name))
			if other := strings.TrimSpace(f.Get("p_" + p.name + "_other")); other != "" && p.kind != "enum" {
				v = other
			}
			if p.kind == "bool" && v != "true" {
				v = ""
			}
			if v != "" {
				q.Set(p.name, v)
			}
		}
		if extra := strings.TrimSpace(f.Get("extra")); extra != "" {
			eq, err := url.ParseQuery(strings.TrimPrefix(extra, "?"))
			if err != nil {
				return consoleCall{}, &problem{status: http.StatusBadRequest, msg: "The extra query parameters could not be read.", hint: "Write them as name=value&name2=value2."}
			}
			for k, vs := range eq {
				for _, v := range vs {
					q.Add(k, v)
				}
			}
		}
		path := ep.path
		if ep.pathID {
			id := q.Get("job_id")
			q.Del("job_id")
			if _, err := strconv.ParseInt(id, 10, 64); err != nil {
				return consoleCall{}, &problem{status: http.StatusBadRequest, msg: "This endpoint needs a job_id, a whole number: it goes in the path.", hint: "Pick a job or type its numeric ID.", field: "job_id"}
			}
			path = strings.Replace(path, "{job_id}", id, 1)
		}
		return newCall(ep.method, path, q, f.Get("body"))
	}
	q, err := url.ParseQuery(f.Get("query"))
	if err != nil {
		return consoleCall{}, &problem{status: http.StatusBadRequest, msg: "The query string could not be read."}
	}
	return newCall(f.Get("method"), f.Get("path"), q, f.Get("body"))
}

// cliNotes are the remarks shown under a CLI line that was sent.
func cliNotes(line string) []string {
	p, err := cli.Parse(line)
	if err != nil {
		return nil
	}
	notes := append([]string(nil), p.Notes...)
	if p.Wait {
		notes = append(notes, "The real CLI would now poll runs/get until the run is terminal (add --no-wait to skip that); here you see the first call only.")
	}
	return notes
}

// formValues turns a recorded call back into form prefill values.
func formValues(ep *consoleEndpoint, path string, q url.Values, body string) url.Values {
	v := url.Values{}
	extra := url.Values{}
	for k, vs := range q {
		known := slices.ContainsFunc(ep.params, func(p consoleParam) bool { return p.name == k })
		for _, x := range vs {
			if known && !v.Has(k) {
				v.Set(k, x)
			} else {
				extra.Add(k, x)
			}
		}
	}
	if ep.pathID {
		parts := strings.Split(strings.TrimPrefix(path, "/api/2.0/permissions/jobs/"), "/")
		v.Set("job_id", parts[0])
	}
	if len(extra) > 0 {
		v.Set("extra", extra.Encode())
	}
	if ep.hasBody() {
		v.Set("body", body)
	}
	return v
}

// formState refills the endpoint form from a posted one (nothing for other
// forms): a typed ID (p_run_id_other) wins over the list, as when sending.
func formState(r *http.Request) consoleState {
	var st consoleState
	ep := r.PostForm.Get("ep")
	if ep == "" {
		return st
	}
	st.ep = ep
	st.values = url.Values{}
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "p_"); ok && !strings.HasSuffix(name, "_other") {
			st.values[name] = vs
		}
	}
	for k := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "p_"); ok {
			if name, ok = strings.CutSuffix(name, "_other"); ok {
				if other := strings.TrimSpace(r.PostForm.Get(k)); other != "" {
					st.values.Set(name, other)
				}
			}
		}
	}
	st.values.Set("body", r.PostForm.Get("body"))
	st.values.Set("extra", r.PostForm.Get("extra"))
	return st
}
