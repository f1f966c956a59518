package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var addrRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// runMainEnv, set in a child's environment, makes the test binary run the
// trainer's main() instead of the tests: the end-to-end tests start the
// trainer as a process without a `go build` of its own.
const runMainEnv = "TRAINER_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main() // exits
	}
	os.Exit(m.Run())
}

// e2eOnly skips an end-to-end test (a child process, the real databricks
// CLI: seconds each) unless E2E=1, which .ci/run sets, so CI runs it while
// a plain `go test ./...` stays quick.
func e2eOnly(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("E2E") != "1" {
		t.Skipf("end-to-end (%s): runs with E2E=1, as in .ci/run", what)
	}
}

// startRun starts run() and returns its base URL, a stop func, and the
// channel run's result arrives on.
func startRun(t *testing.T, args ...string) (string, context.CancelFunc, <-chan error, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }, out) }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := addrRE.FindStringSubmatch(out.String()); m != nil {
			return "http://" + m[1], cancel, done, out
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run exited early: %v\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("server never logged its address:\n%s", out)
	return "", nil, nil, nil
}

func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "smoke.db")
	base, cancel, done, out := startRun(t, "-addr", "127.0.0.1:0", "-db", db)
	var res *http.Response
	var err error
	for i := 0; i < 500; i++ {
		res, err = http.Get(base + "/healthz")
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
		t.Fatalf("healthz: %d %q", res.StatusCode, body)
	}
	res, err = http.Get(base + "/lessons/jobs-api")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("lesson: %v %v", err, res)
	}
	res.Body.Close()
	// Metrics are on by default, on the same listener. A request is
	// counted once its handler returns, which can be just after the client
	// has read the answer: poll briefly.
	want := `trainer_http_requests_total{route="GET /lessons/{slug}",status="200"} 1`
	for deadline := time.Now().Add(5 * time.Second); ; {
		res, err = http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 200 && strings.Contains(string(body), want) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("metrics: %d, lesson request not counted:\n%.2000s", res.StatusCode, body)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if !strings.Contains(out.String(), "shutting down") {
		t.Fatalf("no shutdown log:\n%s", out)
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad db dir", []string{"-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "missing", "x.db")}, "directory"},
		{"short session key", []string{"-session-key", "short"}, "at least 32"},
		{"bad log level", []string{"-log-level", "loud", "-db", filepath.Join(dir, "a.db")}, "log-level"},
		{"stray argument", []string{"serve"}, "unexpected argument"},
		{"unknown flag", []string{"-nope"}, "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &syncBuffer{}
			err := run(context.Background(), tt.args, func(string) string { return "" }, out)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if !strings.Contains(err.Error()+out.String(), tt.want) {
				t.Fatalf("error %q / output %q lacks %q", err, out, tt.want)
			}
		})
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	out := &syncBuffer{}
	err := run(context.Background(), []string{"-h"}, func(string) string { return "" }, out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h returned %v", err)
	}
	for _, f := range []string{"-addr", "-db", "-session-key", "-log-level", "TRAINER_ADDR"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("help lacks %s", f)
		}
	}
}

func TestFlagsDefaultFromEnv(t *testing.T) {
	env := map[string]string{"TRAINER_ADDR": "127.0.0.1:9999", "TRAINER_LOG_LEVEL": "debug"}
	c, err := parseFlags(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "127.0.0.1:9999" || c.logLevel != "debug" || c.db != "trainer.db" {
		t.Fatalf("config %+v", c)
	}
}

func TestAPIRateFlag(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    float64
		wantErr string
	}{
		{"default", nil, nil, 100, ""},
		{"flag", []string{"-api-rate", "2.5"}, nil, 2.5, ""},
		{"env", nil, map[string]string{"TRAINER_API_RATE": "40"}, 40, ""},
		{"off", []string{"-api-rate", "0"}, nil, 0, ""},
		{"negative", []string{"-api-rate", "-1"}, nil, 0, "0 or more"},
		{"bad env", nil, map[string]string{"TRAINER_API_RATE": "fast"}, 0, "TRAINER_API_RATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.apiRate != tt.want {
				t.Fatalf("apiRate = %v, err %v, want %v", c.apiRate, err, tt.want)
			}
		})
	}
	if apiRateOption(0) >= 0 || apiRateOption(7) != 7 {
		t.Error("-api-rate 0 must switch the budget off, other rates pass through")
	}
}

func TestBankLintCommand(t *testing.T) {
	t.Parallel()
	out := &syncBuffer{}
	if err := run(context.Background(), []string{"bank", "lint"}, func(string) string { return "" }, out); err != nil {
		t.Fatalf("lint of the built-in bank: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "scenario pairs") || !strings.Contains(out.String(), "by topic") {
		t.Fatalf("lint output lacks counts:\n%s", out)
	}

	bad := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(bad, []byte("items:\n  - id: x1\n    kind: concept\n    topic: pagination\n    anchor: \"#pagination\"\n    stem: What?\n    options: [a, b, c]\n    key: d\n    explanation: because\n    source: https://docs.databricks.com/api/workspace/jobs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = &syncBuffer{}
	err := run(context.Background(), []string{"bank", "lint", bad}, func(string) string { return "" }, out)
	if err == nil {
		t.Fatalf("lint accepted a key that is not an option:\n%s", out)
	}
	if !strings.Contains(out.String(), bad+":") {
		t.Fatalf("problem not reported as file:line:\n%s", out)
	}
}

func TestRunRefusesBrokenExtraBank(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("items: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "t.db"), "-bank", dir}, func(string) string { return "" }, out)
	if err == nil || !strings.Contains(err.Error(), "x.yaml") {
		t.Fatalf("run with a broken -bank: %v", err)
	}
}

func TestSharedSandboxToken(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "shared.db")
	base, cancel, done, _ := startRun(t, "-addr", "127.0.0.1:0", "-db", db, "-sandbox-token", "ci-shared-token-1")
	defer func() { cancel(); <-done }()
	get := func(tok string) int {
		req, _ := http.NewRequest("GET", base+"/api/2.2/jobs/list", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get("ci-shared-token-1"); got != 200 {
		t.Fatalf("shared token: %d", got)
	}
	if got := get("wrong-token-123"); got != 403 {
		t.Fatalf("wrong token: %d", got)
	}
}

func TestEnvListsAreValidatedLikeFlags(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"short token", map[string]string{"TRAINER_SANDBOX_TOKEN": "good-token-1, short"}, "at least 8"},
		{"host with a path", map[string]string{"TRAINER_LIVE_ALLOW_HOST": "127.0.0.1:9/x"}, "host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(nil, func(k string) string { return tt.env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	c, err := parseFlags([]string{"-sandbox-token", "flag-token-9"}, func(k string) string {
		return map[string]string{"TRAINER_SANDBOX_TOKEN": "env-token-1,env-token-2"}[k]
	}, io.Discard)
	if err != nil || strings.Join(c.tokens, " ") != "env-token-1 env-token-2 flag-token-9" {
		t.Fatalf("tokens %v, err %v", c.tokens, err)
	}
}

// TestBoolFlags: -trust-proxy (off by default) and -metrics (on by
// default) each default from their TRAINER_ variable, the flag wins over
// the variable, and a bad variable value is refused.
func TestBoolFlags(t *testing.T) {
	tests := []struct {
		name    string
		envKey  string
		args    []string
		env     string
		get     func(config) bool
		want    bool
		wantErr bool
	}{
		{"trust-proxy default off", "TRAINER_TRUST_PROXY", nil, "", trustProxyOf, false, false},
		{"trust-proxy flag", "TRAINER_TRUST_PROXY", []string{"-trust-proxy"}, "", trustProxyOf, true, false},
		{"trust-proxy env", "TRAINER_TRUST_PROXY", nil, "true", trustProxyOf, true, false},
		{"trust-proxy flag overrides env", "TRAINER_TRUST_PROXY", []string{"-trust-proxy=false"}, "1", trustProxyOf, false, false},
		{"trust-proxy bad env", "TRAINER_TRUST_PROXY", nil, "maybe", trustProxyOf, false, true},
		{"metrics default on", "TRAINER_METRICS", nil, "", metricsOf, true, false},
		{"metrics flag off", "TRAINER_METRICS", []string{"-metrics=false"}, "", metricsOf, false, false},
		{"metrics env off", "TRAINER_METRICS", nil, "false", metricsOf, false, false},
		{"metrics flag overrides env", "TRAINER_METRICS", []string{"-metrics"}, "false", metricsOf, true, false},
		{"metrics bad env", "TRAINER_METRICS", nil, "sometimes", metricsOf, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(tt.args, func(k string) string {
				if k == tt.envKey {
					return tt.env
				}
				return ""
			}, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && tt.get(c) != tt.want {
				t.Errorf("got %v, want %v", tt.get(c), tt.want)
			}
		})
	}
}

func trustProxyOf(c config) bool { return c.trustProxy }
func metricsOf(c config) bool    { return c.metrics }

// TestNewcomerSetup: -h exits 0 after the usage, the server says when it
// is ready and which URL to open, and a port in use suggests -addr.
func TestNewcomerSetup(t *testing.T) {
	t.Parallel()
	if got := exitCode(fmt.Errorf("run: %w", flag.ErrHelp)); got != 0 {
		t.Errorf("exit code after -h: %d, want 0", got)
	}
	if exitCode(nil) != 0 || exitCode(errors.New("boom")) != 1 {
		t.Error("exit codes for success and failure")
	}
	out := &syncBuffer{}
	if err := run(context.Background(), []string{"-h"}, func(string) string { return "" }, out); exitCode(err) != 0 || !strings.Contains(out.String(), "Usage: trainer") {
		t.Errorf("-h: %v, %q", err, out)
	}

	db := filepath.Join(t.TempDir(), "ready.db")
	base, cancel, done, logs := startRun(t, "-addr", "127.0.0.1:0", "-db", db)
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "ready: open "+base+"/") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "ready: open "+base+"/ in your browser") {
		t.Errorf("no ready line with %s/:\n%s", base, logs)
	}

	// The same port again.
	addr := strings.TrimPrefix(base, "http://")
	err := run(context.Background(), []string{"-addr", addr, "-db", filepath.Join(t.TempDir(), "b.db")}, func(string) string { return "" }, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "-addr 127.0.0.1:0") {
		t.Errorf("port in use: %v", err)
	}

	if got := readyURL(&net.TCPAddr{IP: net.IPv4zero, Port: 8080}); got != "http://localhost:8080/" {
		t.Errorf("readyURL(0.0.0.0:8080) = %s", got)
	}
}

// TestSecondServerOnOneDatabaseRefused: each server caches learners' reads
// and sees only its own writes, so a second server on the same database
// must refuse to start (and a restart after the first stops works).
func TestSecondServerOnOneDatabaseRefused(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "one.db")
	_, cancel, done, _ := startRun(t, "-addr", "127.0.0.1:0", "-db", db)
	var out syncBuffer
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", db}, func(string) string { return "" }, &out)
	if err == nil || !strings.Contains(err.Error(), "another trainer is serving") {
		t.Fatalf("second server on %s: %v", db, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("first server: %v", err)
	}
	base, cancel2, done2, _ := startRun(t, "-addr", "127.0.0.1:0", "-db", db)
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("restarted server: %d", res.StatusCode)
	}
	cancel2()
	if err := <-done2; err != nil {
		t.Fatalf("restarted server: %v", err)
	}
}

// TestTuneGC: the server collects at GOGC=400 under a 512 MiB soft limit,
// unless the operator's GOGC or GOMEMLIMIT says otherwise.
func TestTuneGC(t *testing.T) {
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})
	tuneGC(func(string) string { return "" })
	if p := debug.SetGCPercent(100); p != gcPercent {
		t.Errorf("GC percent %d, want %d", p, gcPercent)
	}
	if l := debug.SetMemoryLimit(math.MaxInt64); l != memoryLimit {
		t.Errorf("memory limit %d, want %d", l, memoryLimit)
	}
	tuneGC(func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}[k] })
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GC percent %d with GOGC set, want it left at 100", p)
	}
	if l := debug.SetMemoryLimit(math.MaxInt64); l != math.MaxInt64 {
		t.Errorf("memory limit %d with GOMEMLIMIT set, want it left alone", l)
	}
}
