package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func TestBackupCopiesWhileInUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	l, err := db.CreateLearner(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveWorkspace(ctx, "shared", map[string][]byte{"job/101": []byte(`{"job_id":101}`)}, nil); err != nil {
		t.Fatal(err)
	}
	// A read in progress on the source must not stop the copy.
	_ = db.Ping(ctx)
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatalf("backup: %v", err)
	}
	// The source keeps working after the backup.
	if _, err := db.CreateLearner(ctx, time.Now()); err != nil {
		t.Fatalf("write after backup: %v", err)
	}

	cp, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatalf("open copy: %v", err)
	}
	defer cp.Close()
	if _, err := cp.Learner(ctx, l.ID); err != nil {
		t.Fatalf("learner in copy: %v", err)
	}
	if _, err := cp.Learner(ctx, l.ID+1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("learner created after the backup is in the copy: %v", err)
	}
	docs, err := cp.LoadWorkspace(ctx, "shared")
	if err != nil || string(docs["job/101"]) != `{"job_id":101}` {
		t.Fatalf("workspace in copy: %q, %v", docs, err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".*partial*"))
	if len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestBackupRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
		is               error
	}{
		{"existing file", existing, "already exists", store.ErrBackupExists},
		{"missing directory", filepath.Join(dir, "nope", "x.db"), "directory", nil},
		{"empty path", "", "empty destination", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Backup(ctx, tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Backup(%q) = %v, want %q", tt.path, err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("error %v is not %v", err, tt.is)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Fatalf("existing file changed: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("backup left files behind: %v", ents)
	}
}
