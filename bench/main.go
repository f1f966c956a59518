// Command bench is the trainer's load harness:
//
//	go run ./bench             # every case, 10 s per server per case
//	go run ./bench -d 2s -drill-d 3s -runs 300 -active 100   # a quick look
//
// It builds the real binary, seeds a temp database (learners with 500 and
// 5,000 answers, 200 drill learners, a shared sandbox workspace with a
// 150-task job and 2,000 runs of it, 500 active), starts the binary on it,
// and loads each case twice in the same run: against our server and
// against a raw net/http server (a child process) that answers with the
// bytes and headers ours gave for the same request. It prints one table:
// requests per second for both, their ratio, our p50 and p99 latency and
// our peak RSS during the case; then the drill-answer load (200 learners
// at once, every answer a real write) against a raw server doing the same
// HTTP work without the store (cookie decode, cross-origin check, form,
// showing signature). The load generator is Go (one goroutine per
// connection, HTTP/1.1 keep-alive), so nothing needs installing.
//
// The machine is shared: compare ratios, and note the load average the
// table's header shows.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	var err error
	if len(os.Args) > 1 && os.Args[1] == "raw" {
		err = serveRaw(os.Args[2:])
	} else {
		err = run(os.Args[1:])
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type config struct {
	d, drillD, warmup  time.Duration
	conns, learners    int
	sessionsPerLearner int
	runs, active       int
	runTasks           int
	reps               int
	src, bin           string
	cases              *regexp.Regexp
	gzip, keep         bool
}

func parseFlags(args []string) (config, error) {
	var c config
	var cases string
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	fl.DurationVar(&c.d, "d", 10*time.Second, "how long each case loads each server")
	fl.DurationVar(&c.drillD, "drill-d", 10*time.Second, "how long the drill-answer load runs against each server")
	fl.DurationVar(&c.warmup, "warmup", time.Second, "load before each measured run, not counted")
	fl.IntVar(&c.conns, "c", 64, "connections per case (the drill load uses one per learner)")
	fl.IntVar(&c.learners, "learners", 200, "drill learners answering at once")
	fl.IntVar(&c.sessionsPerLearner, "sessions", 40, "drill sessions (of 20 answers) seeded per drill learner")
	fl.IntVar(&c.runs, "runs", 2000, "runs in the shared workspace")
	fl.IntVar(&c.active, "active", 500, "of those, still active")
	fl.IntVar(&c.runTasks, "run-tasks", 150, "tasks of the job those runs belong to")
	fl.IntVar(&c.reps, "reps", 1, "measure each case this many times (ours, raw, ours, raw, ...) and report the median")
	fl.StringVar(&c.src, "src", ".", "module directory to build the trainer from")
	fl.StringVar(&c.bin, "bin", "", "a built trainer binary to use instead of building -src")
	fl.StringVar(&cases, "cases", "", "only cases whose name matches this regexp (\"drill answers\" is the drill load)")
	fl.BoolVar(&c.gzip, "gzip", false, "send Accept-Encoding: gzip (both servers then serve compressed bytes)")
	fl.BoolVar(&c.keep, "keep", false, "keep the temp directory (database, binary, captures, server log)")
	if err := fl.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.cases, err = regexp.Compile(cases); err != nil {
		return c, err
	}
	if c.active > c.runs || c.reps < 1 || c.conns < 1 || c.learners < 1 {
		return c, errors.New("want -active <= -runs, -reps, -c and -learners >= 1")
	}
	return c, nil
}

// benchCase is one request loaded against both servers.
type benchCase struct {
	name   string
	target string // the goal for the ratio, for the table
	req    request
	want   int
	// phase is the server instance that serves the case: pages (the
	// shared workspace never loaded, so its RSS is the pages'), the
	// emulator's big workspace (tasks of an hour, so the seeded runs stay
	// active), or run-now (tasks of a millisecond, so runs end at once and
	// no active-run limit is met).
	phase phase
}

type phase int

const (
	phasePages phase = iota
	phaseEmulator
	phaseRunNow
)

func (p phase) String() string {
	return [...]string{"pages", "the emulator's big workspace (tasks 1h)", "run-now (tasks 1ms)"}[p]
}

// row is one line of the report.
type row struct {
	name, target string
	ours, raw    result
}

func run(args []string) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
	}
	tmp, err := os.MkdirTemp("", "trainer-bench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		logf("temp dir %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	load0 := loadAvg()
	bin := cfg.bin
	if bin == "" {
		bin = filepath.Join(tmp, "trainer")
		logf("building %s", cfg.src)
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir, cmd.Stdout, cmd.Stderr = cfg.src, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	dbPath := filepath.Join(tmp, "bench.db")
	k := newKeys(sessionSecret)
	seedStart := time.Now()
	sd, err := seed(context.Background(), dbPath, cfg, k, logf)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	logf("seeded in %s", time.Since(seedStart).Round(time.Millisecond))

	page := func(path, cookie string) request {
		h := [][2]string{{"Accept", "text/html"}, {"Cookie", cookie}}
		if cfg.gzip {
			h = append(h, [2]string{"Accept-Encoding", "gzip"})
		}
		return request{method: "GET", uri: path, header: h}
	}
	api := func(method, path, token, body string) request {
		h := [][2]string{{"Authorization", "Bearer " + token}}
		if body != "" {
			h = append(h, [2]string{"Content-Type", "application/json"})
		}
		if cfg.gzip {
			h = append(h, [2]string{"Accept-Encoding", "gzip"})
		}
		return request{method: method, uri: path, header: h, body: body}
	}
	cases := []benchCase{
		{name: "lesson page", target: ">= 0.5", req: page("/lessons/jobs-api", sd.cookie500), want: 200},
		{name: "home", target: ">= 0.5", req: page("/", sd.cookie500), want: 200},
		{name: "first drill question", target: ">= 0.3", req: page("/drill/s/"+strconv.FormatInt(sd.freshSession, 10), sd.cookie500), want: 200},
		{name: "/progress, 500 answers", target: ">= 0.2", req: page("/progress", sd.cookie500), want: 200},
		{name: "/progress, 5,000 answers", target: ">= 0.2, flat", req: page("/progress", sd.cookie5000), want: 200},
		{name: "/sandbox", target: ">= 0.3", req: page("/sandbox", sd.cookie500), want: 200},
		{name: "jobs/get, 150-task job", target: ">= 0.8", req: api("GET", "/api/2.2/jobs/get?job_id="+strconv.FormatInt(sd.job150, 10), sharedToken, ""), want: 200, phase: phaseEmulator},
		{name: fmt.Sprintf("runs/list limit 25, %d runs (%d active)", cfg.runs, cfg.active), target: ">= 0.3", req: api("GET", "/api/2.2/jobs/runs/list?limit=25", sharedToken, ""), want: 200, phase: phaseEmulator},
		{name: "run-now", target: ">= 0.15", req: api("POST", "/api/2.2/jobs/run-now", sd.runnerToken, `{"job_id":`+strconv.FormatInt(sd.runNowJob, 10)+`}`), want: 200, phase: phaseRunNow},
	}
	cases = slices.DeleteFunc(cases, func(c benchCase) bool { return !cfg.cases.MatchString(c.name) })
	drill := cfg.cases.MatchString("drill answers")

	var rows []row
	var notes []string
	for _, ph := range []phase{phasePages, phaseEmulator, phaseRunNow} {
		var phase []benchCase
		for _, c := range cases {
			if c.phase == ph {
				phase = append(phase, c)
			}
		}
		withDrill := drill && ph == phasePages
		if len(phase) == 0 && !withDrill {
			continue
		}
		taskDur := "1h" // the seeded active runs stay active
		if ph == phaseRunNow {
			taskDur = "1ms" // run-now's runs end at once: no active-run limit
		}
		srv, err := startServer(bin, tmp, "-addr", "127.0.0.1:0", "-db", dbPath, "-session-key", sessionSecret,
			"-sandbox-token", sharedToken, "-api-rate", "0", "-sandbox-task-duration", taskDur, "-log-level", "info")
		if err != nil {
			return err
		}
		notes = append(notes, fmt.Sprintf("server for %s listening %s after start", ph, srv.startup.Round(time.Millisecond)))
		var caps []capture
		for _, c := range phase {
			t := time.Now()
			res, err := once(srv.addr, c.req)
			if err != nil || res.Status != c.want {
				srv.stop()
				return fmt.Errorf("%s: first request: %v status %d %.300s\n%s", c.name, err, res.Status, res.Body, srv.log())
			}
			if d := time.Since(t); d > 500*time.Millisecond || c.phase != phasePages {
				// the emulator's first request loads its workspace: always worth a note
				notes = append(notes, fmt.Sprintf("%s: first request after start took %s", c.name, d.Round(time.Millisecond)))
			}
			if res, err = once(srv.addr, c.req); err != nil || res.Status != c.want {
				srv.stop()
				return fmt.Errorf("%s: capture: %v status %d", c.name, err, res.Status)
			}
			caps = append(caps, capture{Method: c.req.method, URI: c.req.uri, response: res})
		}
		raw, err := startRaw(tmp, caps)
		if err != nil {
			srv.stop()
			return err
		}
		for _, c := range phase {
			b := c.req.bytes()
			next := func(int) []byte { return b }
			logf("%s", c.name)
			rows = append(rows, measure(cfg, c.name, c.target, cfg.d, cfg.conns, srv, raw, func() func(int) []byte { return next }, c.want))
		}
		if withDrill {
			logf("drill answers: %d learners", len(sd.drill))
			rows = append(rows, measure(cfg, fmt.Sprintf("drill answers, %d learners (vs same HTTP work, no store)", len(sd.drill)),
				"", cfg.drillD, len(sd.drill), srv, raw, func() func(int) []byte { return drillStream(sd, k) }, 303))
		}
		raw.stop()
		srv.stop()
	}
	printReport(os.Stdout, cfg, rows, notes, load0, loadAvg())
	return nil
}

// measure loads both servers with fresh request streams (newStream) for
// d each, after a warm-up, cfg.reps times, and keeps the median rep by
// ratio.
func measure(cfg config, name, target string, d time.Duration, conns int, srv, raw *proc, newStream func() func(int) []byte, want int) row {
	var reps []row
	// One stream per server for every rep: the drill's learners carry on
	// where they stopped, so no answer is sent twice.
	streams := map[*proc]func(int) []byte{srv: newStream(), raw: newStream()}
	for range cfg.reps {
		r := row{name: name, target: target}
		for _, p := range []*proc{srv, raw} {
			next := streams[p]
			if cfg.warmup > 0 {
				load(p.addr, conns, cfg.warmup, next, want, nil)
			}
			res := load(p.addr, conns, d, next, want, p.rss)
			if p == srv {
				r.ours = res
			} else {
				r.raw = res
			}
		}
		reps = append(reps, r)
	}
	slices.SortFunc(reps, func(a, b row) int {
		ra, rb := ratio(a), ratio(b)
		switch {
		case ra < rb:
			return -1
		case ra > rb:
			return 1
		}
		return 0
	})
	return reps[len(reps)/2]
}

func ratio(r row) float64 {
	if r.raw.rate == 0 {
		return 0
	}
	return r.ours.rate / r.raw.rate
}

// drillStream returns a request stream for the drill load: connection i
// is drill learner i, answering the next item of its current session (20
// distinct items a session, then the next seeded session), so every answer
// is a new showing and a real write.
func drillStream(sd seeded, k keys) func(int) []byte {
	next := make([]int, len(sd.drill)) // answers sent per learner; only connection i touches next[i]
	return func(i int) []byte {
		l := sd.drill[i%len(sd.drill)]
		n := next[i]
		next[i]++
		s := n / 20
		if s >= len(l.sessions) {
			s = len(l.sessions) - 1 // out of sessions: answers repeat (raise -sessions)
		}
		sid := l.sessions[s]
		it := sd.items[((n%20)*7+s)%len(sd.items)]
		form := url.Values{"showing": {k.showing(sid, it.ID, time.Now().Add(-8*time.Second))}, "choice": it.Answers()}
		return request{method: "POST", uri: "/drill/s/" + strconv.FormatInt(sid, 10) + "/answer",
			header: [][2]string{{"Cookie", l.cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
			body:   form.Encode()}.bytes()
	}
}

// proc is a server process: ours or the raw one.
type proc struct {
	cmd     *exec.Cmd
	addr    string
	startup time.Duration
	mu      sync.Mutex
	out     strings.Builder // its output, for errors (capped)
}

var listenRE = regexp.MustCompile(`(?:msg=listening addr=|^listening )(\S+)`)

func startProc(cmd *exec.Cmd) (*proc, error) {
	p := &proc{cmd: cmd}
	pr, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			if m := listenRE.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
			p.mu.Lock()
			if p.out.Len() < 1<<20 {
				p.out.WriteString(line + "\n")
			}
			p.mu.Unlock()
		}
	}()
	select {
	case a := <-addr:
		p.addr, p.startup = a, time.Since(start)
		return p, nil
	case <-time.After(60 * time.Second):
		p.stop()
		return nil, fmt.Errorf("%s never said where it listens:\n%s", cmd.Path, p.log())
	}
}

func startServer(bin, dir string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	return startProc(cmd)
}

// startRaw starts this program as the raw server over caps.
func startRaw(dir string, caps []capture) (*proc, error) {
	b, err := json.Marshal(caps)
	if err != nil {
		return nil, err
	}
	f := filepath.Join(dir, "captures.json")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return startProc(exec.Command(self, "raw", "-file", f))
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// rss returns the process's resident set size in bytes (0 when unknown).
func (p *proc) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (p *proc) stop() {
	if p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func printReport(w *os.File, cfg config, rows []row, notes []string, load0, load1 string) {
	fmt.Fprintf(w, "\nJobs API Trainer load harness, %s, %d CPUs, %s; %s per case per server, %d connections\n",
		time.Now().Format("2006-01-02 15:04"), runtime.NumCPU(), runtime.Version(), cfg.d, cfg.conns)
	fmt.Fprintf(w, "load average (1, 5, 15 min): %s at start, %s at end\n\n", load0, load1)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tours/s\traw/s\tratio\ttarget\tp50\tp99\tpeak RSS\traw p99\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.3f\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.ours.rate, r.raw.rate, ratio(r), r.target,
			ms(r.ours.p50), ms(r.ours.p99), mib(r.ours.peakRSS), ms(r.raw.p99))
	}
	tw.Flush()
	for _, r := range rows {
		for _, res := range []struct {
			who string
			r   result
		}{{"ours", r.ours}, {"raw", r.raw}} {
			if res.r.failed > 0 {
				notes = append(notes, fmt.Sprintf("%s: %s: %d failed requests, first: %s", r.name, res.who, res.r.failed, res.r.firstErr))
			}
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func mib(b int64) string { return strconv.FormatInt(b>>20, 10) + " MiB" }
