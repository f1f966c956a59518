package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain gives the package's real-SDK tests (sdk_test.go, limits_test.go)
// a clean environment once for the whole process, so that they can run in
// parallel (t.Setenv cannot): a throwaway HOME with no config file, and no
// DATABRICKS_* variable from the developer's shell.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "workspace-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "DATABRICKS_") {
			os.Unsetenv(k)
		}
	}
	os.Setenv("HOME", home)
	os.Setenv("DATABRICKS_CONFIG_FILE", filepath.Join(home, "missing.cfg"))
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
