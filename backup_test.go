package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupCommandMakesARestorableCopy backs up the database of a running
// server after a learner answered and a job was created, then starts the
// app on the copy: the learner (same cookie), the answer and the job are
// there, and a backup never overwrites a file.
func TestBackupCommandMakesARestorableCopy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "live.db")
	const tok = "backup-test-token"
	base, cancel, done, _ := startRun(t, "-addr", "127.0.0.1:0", "-db", dbPath, "-sandbox-token", tok)
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	defer stop()

	learner := newLearnerClient(base, builtinBank(t))
	sid, err := learner.startSession(5)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := learner.answerNext(sid)
	if err != nil {
		t.Fatal(err)
	}
	api := newAPIClient(base, tok)
	created, err := api.ok("POST", "/api/2.2/jobs/create", map[string]any{"name": "kept-by-backup",
		"tasks": []any{map[string]any{"task_key": "a", "existing_cluster_id": "c1", "notebook_task": map[string]any{"notebook_path": "/a"}}}})
	if err != nil {
		t.Fatal(err)
	}
	jobID := jsonInt(created["job_id"])

	// Back up while the server runs, with the same run() the binary uses.
	copyPath := filepath.Join(dir, "copy.db")
	out := &syncBuffer{}
	if err := run(context.Background(), []string{"backup", "-db", dbPath, copyPath}, func(string) string { return "" }, out); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "backed up") {
		t.Fatalf("backup output: %q", out)
	}
	// The live server is still fine after the backup.
	if _, err := api.ok("GET", "/api/2.2/jobs/list", nil); err != nil {
		t.Fatalf("server after backup: %v", err)
	}
	stop()

	// A second backup to the same name is refused and leaves the copy alone.
	before, _ := os.ReadFile(copyPath)
	err = run(context.Background(), []string{"backup", "-db", dbPath, copyPath}, func(string) string { return "" }, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	if after, _ := os.ReadFile(copyPath); string(after) != string(before) {
		t.Fatal("refused backup changed the existing file")
	}
	// A backup of a database that is not there is an error, not an empty copy.
	err = run(context.Background(), []string{"backup", "-db", filepath.Join(dir, "none.db"), filepath.Join(dir, "x.db")}, func(string) string { return "" }, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "none.db") {
		t.Fatalf("backup of a missing database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Fatal("backup of a missing database wrote a file")
	}

	// Restore: start on the copy.
	base2, cancel2, done2, _ := startRun(t, "-addr", "127.0.0.1:0", "-db", copyPath, "-sandbox-token", tok)
	defer func() { cancel2(); <-done2 }()
	learner.base, api.base = base2, base2
	res, body, err := learner.do("GET", "/drill/s/"+itoa(sid)+"/feedback/"+ack.showingID, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the answer's feedback from the copy: %v %v %.300s", err, res, body)
	}
	got, err := api.ok("GET", "/api/2.2/jobs/get?job_id="+itoa(jobID), nil)
	if err != nil {
		t.Fatalf("job from the copy: %v", err)
	}
	if name, _ := got["settings"].(map[string]any)["name"].(string); name != "kept-by-backup" {
		t.Fatalf("job from the copy: %v", got)
	}
}

func TestBackupCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"backup"}, {"backup", "a.db", "b.db"}} {
		out := &syncBuffer{}
		err := run(context.Background(), args, func(string) string { return "" }, out)
		if err == nil || !strings.Contains(out.String(), "Usage: trainer backup") {
			t.Errorf("run %v: %v\n%s", args, err, out)
		}
	}
}
