// Command trainer serves Jobs API Trainer from one binary and one SQLite
// file: the lesson, spaced-repetition drills, progress, and the sandbox (an
// emulated Databricks Jobs API workspace that real clients can call, with a
// console, run pictures, challenges and a live mode) and a timed mock exam
// with readiness per topic. /workshops is a placeholder for now.
// `trainer bank lint` checks question-bank files and the exam blueprint.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/lessons"
	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/web"
	"github.com/jobs-api-trainer/trainer/workspace"
)

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "trainer:", err)
	}
	stop()
	os.Exit(exitCode(err))
}

// The server's garbage collector settings, unless GOGC or GOMEMLIMIT set
// their own: collect when the heap has grown to five times what survived
// the last collection (GOGC=400) instead of twice, under a soft limit of
// 512 MiB that makes it collect sooner whatever GOGC says. The live heap
// is small (tens of MB), so this trades about 20 MiB of resident memory
// for a third less collector CPU: /progress under load went from 0.157 to
// 0.193 of a raw server's rate (README, Performance). See the Go GC guide
// (go.dev/doc/gc-guide) on GOGC and the memory limit.
const (
	gcPercent   = 400
	memoryLimit = 512 << 20 // bytes
)

// tuneGC applies the collector settings above where getenv finds no
// GOGC or GOMEMLIMIT of the operator's own.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// exitCode is the process status for run's result: 0 for success and for
// -h (the usage was asked for and printed), 1 for any error.
func exitCode(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 1
}

// readyURL is the address to open in a browser for a listener on addr: an
// unspecified host (0.0.0.0, [::]) is reached as localhost.
func readyURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// listenError explains a failed listen; a port in use suggests -addr.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("listen on %s: the port is already in use (is another trainer running?); "+
			"start with another port, e.g. -addr 127.0.0.1:8081, or -addr 127.0.0.1:0 for any free one: %w", addr, err)
	}
	return fmt.Errorf("listen on %s: %w", addr, err)
}

// config is every flag, each defaulting from TRAINER_<NAME> in the environment.
type config struct {
	addr       string
	db         string
	sessionKey string
	logLevel   string
	bankDir    string
	tokens     []string
	liveAllow  []string
	taskDur    time.Duration
	apiRate    float64 // requests per second per sandbox token on /api; 0 = no budget
	// trustProxy believes X-Forwarded-Proto, X-Forwarded-Host and the last
	// X-Forwarded-For entry (a TLS-terminating reverse proxy in front); off,
	// any client could claim https, another host or another address.
	trustProxy bool
	// metrics serves GET /metrics (Prometheus text) on the same listener.
	metrics bool
}

func parseFlags(args []string, getenv func(string) string, out io.Writer) (config, error) {
	env := func(name, def string) string {
		if v := getenv("TRAINER_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
			return v
		}
		return def
	}
	var c config
	fl := flag.NewFlagSet("trainer", flag.ContinueOnError)
	fl.SetOutput(out)
	fl.StringVar(&c.addr, "addr", env("addr", "127.0.0.1:8080"), "listen address (host:port; port 0 picks a free one) [TRAINER_ADDR]")
	fl.StringVar(&c.db, "db", env("db", "trainer.db"), "SQLite database file, created if missing [TRAINER_DB]")
	fl.StringVar(&c.sessionKey, "session-key", env("session-key", ""), "secret for session cookies, 32+ characters; empty = generate once and keep in the database [TRAINER_SESSION_KEY]")
	fl.StringVar(&c.logLevel, "log-level", env("log-level", "info"), "log level: debug, info, warn or error [TRAINER_LOG_LEVEL]")
	fl.StringVar(&c.bankDir, "bank", env("bank", ""), "extra question-bank directory of *.yaml files, validated at start like the built-in bank [TRAINER_BANK]")
	if err := listFlag(fl, &c.tokens, "sandbox-token", env("sandbox-token", ""),
		"register a fixed Bearer token for the shared sandbox workspace (repeatable; env: comma-separated) [TRAINER_SANDBOX_TOKEN]",
		func(v string) error {
			if len(v) < 8 {
				return errors.New("a sandbox token needs at least 8 characters")
			}
			return nil
		}); err != nil {
		return c, err
	}
	if err := listFlag(fl, &c.liveAllow, "live-allow-host", env("live-allow-host", ""),
		"allow live mode to call this host (host or host:port; also over http) besides Databricks' workspace domains; for tests and private deployments; repeatable [TRAINER_LIVE_ALLOW_HOST]",
		func(v string) error {
			if strings.ContainsAny(v, "/ ") {
				return fmt.Errorf("want host or host:port, got %q", v)
			}
			return nil
		}); err != nil {
		return c, err
	}
	dur, err := time.ParseDuration(env("sandbox-task-duration", "3s"))
	if err != nil {
		return c, fmt.Errorf("TRAINER_SANDBOX_TASK_DURATION: %w", err)
	}
	fl.DurationVar(&c.taskDur, "sandbox-task-duration", dur, "how long one emulated task attempt runs (PENDING is a third of it) [TRAINER_SANDBOX_TASK_DURATION]")
	apiRate, err := strconv.ParseFloat(env("api-rate", "100"), 64)
	if err != nil {
		return c, fmt.Errorf("TRAINER_API_RATE: %w", err)
	}
	fl.Float64Var(&c.apiRate, "api-rate", apiRate, "requests per second each sandbox token may send to /api, in bursts of up to 3x that; past it: 429 with Retry-After; 0 = no limit [TRAINER_API_RATE]")
	trust := env("trust-proxy", "false")
	trustDef, err := strconv.ParseBool(trust)
	if err != nil {
		return c, fmt.Errorf("TRAINER_TRUST_PROXY: want true or false, got %q", trust)
	}
	fl.BoolVar(&c.trustProxy, "trust-proxy", trustDef, "believe X-Forwarded-Proto, X-Forwarded-Host and the last X-Forwarded-For entry from a reverse proxy in front of the server (Secure cookies; the scheme and host of links and the terminal snippet; the client address that limits wrong codes); leave off when clients reach the server directly [TRAINER_TRUST_PROXY]")
	metricsEnv := env("metrics", "true")
	metricsDef, err := strconv.ParseBool(metricsEnv)
	if err != nil {
		return c, fmt.Errorf("TRAINER_METRICS: want true or false, got %q", metricsEnv)
	}
	fl.BoolVar(&c.metrics, "metrics", metricsDef, "serve Prometheus metrics on GET /metrics on the same listener (request counts and latency by route, emulator calls by endpoint and error code, SQLite write latency and batch sizes, loaded workspaces); -metrics=false turns them off [TRAINER_METRICS]")
	fl.Usage = func() {
		fmt.Fprintf(out, "Usage: trainer [flags]\n       trainer bank lint [FILE...]\n       trainer backup [-db FILE] NEWFILE\n\nServes Jobs API Trainer. Every flag can also be set with the environment variable in brackets.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return c, err
	}
	if fl.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see -h)", fl.Arg(0))
	}
	if c.taskDur <= 0 || c.taskDur > time.Hour {
		return c, errors.New("-sandbox-task-duration must be between 1ns and 1h")
	}
	if c.apiRate < 0 || math.IsNaN(c.apiRate) || math.IsInf(c.apiRate, 0) {
		return c, errors.New("-api-rate must be a number of requests per second, 0 or more")
	}
	if c.sessionKey != "" && len(c.sessionKey) < 32 {
		return c, errors.New("-session-key must be at least 32 characters")
	}
	return c, nil
}

// apiRateOption maps -api-rate to workspace.Limits.APIRate, where 0 means
// the default and a negative rate means no limit.
func apiRateOption(perSecond float64) float64 {
	if perSecond == 0 {
		return -1
	}
	return perSecond
}

// listFlag registers a repeatable flag whose values pass validate, seeded
// from a comma-separated environment value checked the same way.
func listFlag(fl *flag.FlagSet, dst *[]string, name, envValue, usage string, validate func(string) error) error {
	add := func(v string) error {
		v = strings.TrimSpace(v)
		if v == "" {
			return fmt.Errorf("-%s: empty value", name)
		}
		if err := validate(v); err != nil {
			return fmt.Errorf("-%s: %w", name, err)
		}
		*dst = append(*dst, v)
		return nil
	}
	for _, v := range strings.Split(envValue, ",") {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if err := add(v); err != nil {
			return fmt.Errorf("TRAINER_%s: %w", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), err)
		}
	}
	fl.Func(name, usage, add)
	return nil
}

func newLogger(level string, out io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: l})), nil
}

// sessionKeys derives the cookie authentication and encryption keys from
// the configured secret, or from one generated on first start and kept in
// the database so restarts keep everyone signed in.
func sessionKeys(ctx context.Context, db *store.DB, secret string) (auth, enc []byte, err error) {
	raw := []byte(secret)
	if secret == "" {
		raw, err = db.SettingOrCreate(ctx, "session_secret", func() ([]byte, error) {
			b := make([]byte, 64)
			_, err := rand.Read(b)
			return b, err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	a := sha256.Sum256(append([]byte("trainer-session-auth:"), raw...))
	e := sha256.Sum256(append([]byte("trainer-session-enc:"), raw...))
	return a[:], e[:], nil
}

// pageTokenKey derives the emulator's page-token key from the session
// authentication key.
func pageTokenKey(authKey []byte) []byte {
	k := sha256.Sum256(append([]byte("trainer-page-tokens:"), authKey...))
	return k[:]
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "bank" {
		return bankCommand(args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "backup" {
		return backupCommand(ctx, args[1:], getenv, stdout)
	}
	cfg, err := parseFlags(args, getenv, stdout)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.logLevel, stdout)
	if err != nil {
		return err
	}

	unlock, err := lockDatabase(cfg.db)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := store.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer db.Close()

	ls, err := lessons.Load(data.FS, "lessons")
	if err != nil {
		return err
	}
	var extraBank []quiz.Dir
	if cfg.bankDir != "" {
		extraBank = append(extraBank, quiz.Dir{FS: os.DirFS(cfg.bankDir), Name: cfg.bankDir})
	}
	bank, err := quiz.Load(data.FS, "bank", extraBank...)
	if err != nil {
		return fmt.Errorf("question bank: %w", err)
	}
	blueprint, err := quiz.LoadBlueprint(data.FS, quiz.BlueprintPath, bank)
	if err != nil {
		return fmt.Errorf("exam blueprint: %w", err)
	}
	authKey, encKey, err := sessionKeys(ctx, db, cfg.sessionKey)
	if err != nil {
		return err
	}
	fixtures, err := fs.Sub(data.FS, "workspace")
	if err != nil {
		return err
	}
	workspaces, err := workspace.NewManager(workspace.Options{
		TaskDuration: cfg.taskDur,
		Store:        db,
		Resolve:      web.TokenResolver(db, cfg.tokens),
		Fixtures:     fixtures,
		// Page tokens stay valid across restarts: their key derives from
		// the session secret, which only the server knows.
		PageTokenKey: pageTokenKey(authKey),
		Limits:       workspace.Limits{APIRate: apiRateOption(cfg.apiRate)},
		OnError: func(err error) {
			log.Error("sandbox workspace failed", "err", err)
		},
		TrustProxy: cfg.trustProxy,
	})
	if err != nil {
		return err
	}
	handler, err := web.NewServer(log, db, ls, bank, workspaces, web.Options{
		SessionAuthKey: authKey, SessionEncKey: encKey, LiveAllowHosts: cfg.liveAllow,
		TrustProxy: cfg.trustProxy, Exam: blueprint, Metrics: cfg.metrics,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return listenError(cfg.addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String()+"/", "db", cfg.db)
	fmt.Fprintf(stdout, "ready: open %s in your browser (Ctrl+C stops the server)\n", readyURL(ln.Addr()))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// bankCommand implements `trainer bank lint [FILE...]`: with no files it
// lints the built-in bank, with files exactly those files as one bank.
func bankCommand(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "lint" {
		fmt.Fprintln(stdout, "Usage: trainer bank lint [FILE...]\n\nChecks question-bank files (format: data/bank/README.md) and prints counts and file:line problems.")
		return errors.New("bank: unknown or missing subcommand (want: bank lint)")
	}
	return quiz.LintCommand(stdout, data.FS, os.ReadFile, args[1:])
}

// backupCommand implements `trainer backup [-db FILE] NEWFILE`: an online,
// consistent copy of the database (-db, default from TRAINER_DB, else
// trainer.db) to NEWFILE, which must not exist. The server may be running.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet("trainer backup", flag.ContinueOnError)
	fl.SetOutput(stdout)
	src := getenv("TRAINER_DB")
	if src == "" {
		src = "trainer.db"
	}
	fl.StringVar(&src, "db", src, "the database to copy [TRAINER_DB]")
	fl.Usage = func() {
		fmt.Fprintf(stdout, "Usage: trainer backup [-db FILE] NEWFILE\n\nCopies the database to NEWFILE (which must not exist) while the server may keep running:\na consistent snapshot made with SQLite VACUUM INTO. To restore, start with -db NEWFILE.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return errors.New("backup: want exactly one destination file")
	}
	dst := fl.Arg(0)
	// Open would create an empty database where there is none: a backup
	// of nothing is a mistake worth saying so.
	if st, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: database %s: %w", src, err)
	} else if st.IsDir() {
		return fmt.Errorf("backup: database %s is a directory", src)
	}
	db, err := store.Open(ctx, src)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if err := db.Backup(ctx, dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	st, err := os.Stat(dst)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", src, dst, st.Size())
	return nil
}
