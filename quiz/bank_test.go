package quiz

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// wantProblems reads the `# want: message` comments of a fixture: each is
// the exact problem expected on its line.
func wantProblems(t *testing.T, name string, data []byte) []string {
	t.Helper()
	var want []string
	for i, line := range strings.Split(string(data), "\n") {
		if _, msg, ok := strings.Cut(line, "# want: "); ok {
			want = append(want, fmt.Sprintf("%s:%d: %s", name, i+1, msg))
		}
	}
	return want
}

func problemStrings(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func readFixture(t *testing.T, name string) File {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return File{Name: name, Data: data}
}

// TestLintFixtures runs every broken fixture in testdata/lint alone and
// checks it reports exactly the problems its `# want:` comments name.
func TestLintFixtures(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob("testdata/lint/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	special := map[string][]string{
		"testdata/lint/invalid_yaml.yaml": {`testdata/lint/invalid_yaml.yaml:5: invalid YAML: found unexpected end of stream`},
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			f := readFixture(t, name)
			want := wantProblems(t, name, f.Data)
			if w, ok := special[name]; ok {
				want = w
			}
			if len(want) == 0 {
				t.Fatal("fixture has no # want: comment")
			}
			got := problemStrings(Lint([]File{f}))
			if !slices.Equal(got, want) {
				t.Errorf("Lint:\ngot  %q\nwant %q", got, want)
			}
			// A bank with any problem never loads, not even in part.
			b, err := NewBank([]File{f})
			if b != nil || !errors.Is(err, ErrBank) {
				t.Errorf("NewBank = %v, %v; want nil, ErrBank", b, err)
			}
			if err != nil && !strings.Contains(err.Error(), want[0]) {
				t.Errorf("NewBank error %q does not name %q", err, want[0])
			}
		})
	}
}

func TestLintAcrossFiles(t *testing.T) {
	t.Parallel()
	good := readFixture(t, "testdata/good/a.yaml")
	copyOf := File{Name: "extra/copy.yaml", Data: good.Data}
	got := problemStrings(Lint([]File{good, copyOf}))
	if len(got) == 0 {
		t.Fatal("no problems for a file loaded twice")
	}
	want := `extra/copy.yaml:3: duplicate id "pag-page-size" (first at testdata/good/a.yaml:3)`
	if got[0] != want {
		t.Errorf("first problem = %q, want %q", got[0], want)
	}
	// Every problem is in the second file: the first is clean.
	for _, p := range got {
		if !strings.HasPrefix(p, "extra/copy.yaml:") {
			t.Errorf("problem in the wrong file: %s", p)
		}
	}
}

func TestIsEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"GET /api/2.2/jobs/runs/list", true},
		{"GET /api/2.1/jobs/runs/list?job_id=42&active_only=true", true},
		{"POST /api/2.2/jobs/runs/repair", true},
		{"POST /api/2.1/jobs/runs/cancel-all", true},
		{"GET /api/2.2/jobs/runs/export?run_id=1", true},
		{"GET /api/2.0/permissions/jobs/{job_id}", true},
		{"PATCH /api/2.0/permissions/jobs/101", true},
		{"GET /api/2.0/permissions/jobs/101/permissionLevels", true},
		{"GET /api/2.0/permissions/jobs/", false},
		{"POST /api/2.2/jobs/get", false},
		{"GET /api/2.0/jobs/get", false},
		{"GET /api/2.2/jobs/runs/history", false},
		{"get /api/2.2/jobs/get", false},
		{"/api/2.2/jobs/get", false},
		{"databricks jobs get 42", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IsEndpoint(tt.in); got != tt.want {
				t.Errorf("IsEndpoint(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	// Both API versions of every jobs endpoint are real.
	for _, e := range jobsapi.All() {
		if strings.HasPrefix(e.Path, "/api/2.2/") && !IsEndpoint(e.Method+" /api/2.1/"+strings.TrimPrefix(e.Path, "/api/2.2/")) {
			t.Errorf("%s %s has no 2.1 twin", e.Method, e.Path)
		}
	}
}

func loadGood(t *testing.T) *Bank {
	t.Helper()
	b, err := Load(os.DirFS("testdata"), "good")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadOrder(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	var got []string
	for _, it := range b.Items() {
		got = append(got, it.ID)
	}
	want := []string{
		"jr-last-night", "jr-notebooks", "jr-definition", // job-vs-run, file order
		"ep-notebooks",  // job-endpoints
		"ep-last-night", // run-endpoints
		"rep-fields",    // repair
		"pag-page-size", // pagination
		"cli-get-run",   // cli
	}
	if !slices.Equal(got, want) {
		t.Errorf("order:\ngot  %v\nwant %v", got, want)
	}
	it, ok := b.Item("pag-page-size")
	if !ok {
		t.Fatal("pag-page-size missing")
	}
	if it.File != "good/a.yaml" || it.Line != 3 {
		t.Errorf("position = %s:%d, want good/a.yaml:3", it.File, it.Line)
	}
	if it.Explanation != "Arrays page at 100 on 2.2. 20 is tempting: it is the jobs/list default limit." {
		t.Errorf("explanation not trimmed: %q", it.Explanation)
	}
	c, e, ok := b.Pair("last-night")
	if !ok || c.ID != "jr-last-night" || e.ID != "ep-last-night" {
		t.Errorf("Pair(last-night) = %s, %s, %v", c.ID, e.ID, ok)
	}
	if !slices.Equal(c.Options, ClassifyOptions) {
		t.Errorf("classify options = %v", c.Options)
	}
	if _, _, ok := b.Pair("nope"); ok {
		t.Error("Pair(nope) found")
	}
}

func TestLoadExtraDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	extra := `items:
  - id: extra-one
    kind: concept
    topic: bundles
    anchor: "#bundles"
    stem: Which flag picks the bundle target?
    options: ["-t", "--job-id", "--json"]
    key: "-t"
    explanation: -t names the target; --job-id is the legacy CLI form.
    source: databricks/cli/bundle/run/job_options.go
`
	if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Load(os.DirFS("testdata"), "good", diskDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if it, ok := b.Item("extra-one"); !ok || it.File != filepath.Join(dir, "mine.yaml") {
		t.Errorf("extra item = %+v, %v", it, ok)
	}
	// A broken extra file fails the whole load with its disk path.
	broken := strings.Replace(extra, `key: "-t"`, `key: "-x"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(os.DirFS("testdata"), "good", diskDir(dir))
	want := filepath.Join(dir, "mine.yaml") + `:8: key "-x" is not among the options`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to name %s", err, want)
	}
	// A missing or empty directory is an error, not an empty bank.
	if _, err := Load(os.DirFS("testdata"), "good", diskDir(filepath.Join(dir, "nope"))); err == nil {
		t.Error("missing extra dir loaded")
	}
	if _, err := Load(os.DirFS("testdata"), "good", diskDir(t.TempDir())); err == nil {
		t.Error("empty extra dir loaded")
	}
}

// diskDir is the extra bank directory name on disk, as main passes -bank.
func diskDir(name string) Dir { return Dir{FS: os.DirFS(name), Name: name} }

func TestLintCommand(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile("testdata/good/a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"bank/a.yaml": {Data: good}, "bank/README.md": {Data: []byte("# not a bank")}}

	t.Run("embedded ok", func(t *testing.T) {
		var out bytes.Buffer
		if err := LintCommand(&out, fsys, os.ReadFile, nil); err != nil {
			t.Fatalf("err = %v\n%s", err, out.String())
		}
		for _, want := range []string{"5 items in 1 file(s), 2 scenario pairs", "  classify          2\n", "  job-vs-run        2\n", "  bundles           0\n", "ok\n"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("files from disk", func(t *testing.T) {
		var out bytes.Buffer
		err := LintCommand(&out, fsys, os.ReadFile, []string{"testdata/good/b.yaml", "testdata/lint/key_not_option.yaml"})
		if err == nil {
			t.Fatal("no error for a broken file")
		}
		want := `testdata/lint/key_not_option.yaml:8: key "150" is not among the options` + "\n"
		if !strings.HasSuffix(out.String(), want) {
			t.Errorf("output does not end with %q:\n%s", want, out.String())
		}
		if !strings.Contains(out.String(), "4 items in 2 file(s)") {
			t.Errorf("counts wrong:\n%s", out.String())
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if err := LintCommand(&bytes.Buffer{}, fsys, os.ReadFile, []string{"testdata/nope.yaml"}); err == nil {
			t.Error("no error for a missing file")
		}
	})
}
