package workspace

import (
	"context"
	"testing"
)

// The fixture jobs of two workspaces are parsed once and shared
// (storedSettings), yet each workspace's changes stay its own, also after
// a restart reads them back from the store.
func TestStoredSettingsSharedButNotChanged(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/x.db"
	e := newEnv(t, openStore(t, path), true)
	jobsOf := func(e *env, tok string) map[string]int64 {
		out := map[string]int64{}
		for _, j := range e.ok(tok, "GET", "/api/2.2/jobs/list?limit=100", nil)["jobs"].([]any) {
			m := j.(map[string]any)
			out[m["settings"].(map[string]any)["name"].(string)] = num(m["job_id"])
		}
		return out
	}
	a, b := jobsOf(e, tokA), jobsOf(e, tokB)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("fixture jobs: A %v, B %v", a, b)
	}
	var name string
	var id int64
	for name, id = range a {
		break
	}
	spA, err := e.m.space(context.Background(), "learner-1")
	if err != nil {
		t.Fatal(err)
	}
	spB, err := e.m.space(context.Background(), "learner-2")
	if err != nil {
		t.Fatal(err)
	}
	if spA.jobs[id].settings != spB.jobs[b[name]].settings {
		t.Errorf("job %q: each workspace parsed its own settings", name)
	}

	e.ok(tokA, "POST", "/api/2.2/jobs/update", map[string]any{"job_id": id,
		"new_settings": map[string]any{"name": "renamed in A", "max_concurrent_runs": 7}})
	check := func(e *env, when string) {
		t.Helper()
		gotA := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id="+itoa(id), nil)["settings"].(map[string]any)
		if gotA["name"] != "renamed in A" || num(gotA["max_concurrent_runs"]) != 7 {
			t.Errorf("%s: A's job after its update: %v", when, gotA)
		}
		gotB := e.ok(tokB, "GET", "/api/2.2/jobs/get?job_id="+itoa(b[name]), nil)["settings"].(map[string]any)
		if gotB["name"] != name || num(gotB["max_concurrent_runs"]) == 7 {
			t.Errorf("%s: B's job changed with A's update: %v", when, gotB)
		}
	}
	check(e, "before restart")
	e2 := newEnv(t, openStore(t, path), true)
	check(e2, "after restart")
}
