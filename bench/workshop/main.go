// Command workshop is the workshop load run: it builds and starts the real
// trainer binary on a free loopback port with a throwaway database, then
//
//  1. seats -n participants (200), opens an SSE stream for each, has the
//     host press "next" and measures the fan-out: from the press to each
//     participant's question event (p50, p99, last); every participant then
//     answers at once and the run reports answers/s and checks in the
//     results CSV that none was lost;
//  2. seats -idle more (1,000) that only hold their streams open and
//     reports the server's RSS before and after, and the fan-out of a
//     "next" to all of them (p50, p99, last).
//
// Usage (from the repository root): go run ./bench/workshop [-n 200] [-idle 1000]
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 200, "participants who answer")
	idle := flag.Int("idle", 1000, "idle participants on SSE")
	flag.Parse()
	if err := run(*n, *idle); err != nil {
		fmt.Fprintln(os.Stderr, "workshop bench:", err)
		os.Exit(1)
	}
}

var transport = &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0, DisableCompression: true}

// client is one browser: its own cookie jar.
func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func post(c *http.Client, u string, v url.Values) (*http.Response, error) {
	res, err := c.PostForm(u, v)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res, nil
}

func run(n, idle int) error {
	dir, err := os.MkdirTemp("", "workshop-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "trainer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "bench.db"), "-log-level", "info")
	stderr, _ := srv.StderrPipe()
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	addrc := make(chan string, 1)
	scan := func(r io.Reader) {
		sc := bufio.NewScanner(r)
		re := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addrc <- m[1]:
				default:
				}
			}
		}
	}
	go scan(stderr)
	go scan(stdout)
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		return errors.New("the server did not say where it listens")
	}
	fmt.Printf("server pid %d at %s; %d participants answering, then %d idle\n", srv.Process.Pid, base, n, idle)

	host := client()
	res, err := post(host, base+"/workshops", url.Values{"title": {"Load"}, "count": {"2"}, "seconds": {"30"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("create: %v %v", err, res)
	}
	loc := res.Header.Get("Location")
	hostRes, err := host.Get(base + loc)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(hostRes.Body)
	hostRes.Body.Close()
	m := regexp.MustCompile(`data-testid="join-code">([A-Z0-9]{6})<`).FindSubmatch(page)
	if m == nil {
		return errors.New("no join code on the host screen")
	}
	code := string(m[1])
	wsBase := base + strings.TrimSuffix(strings.SplitN(loc, "?", 2)[0], "/host")

	// Part 1: n participants answer.
	parts, err := seat(base, code, "p", n)
	if err != nil {
		return err
	}
	streams := openStreams(ctx, base, code, parts)
	if err := streams.waitAll(`data-phase="lobby"`, 30*time.Second); err != nil {
		return err
	}
	var answered atomic.Int64
	var ansLat []time.Duration
	var mu sync.Mutex
	var firstSend, lastDone atomic.Int64
	streams.onQuestion = func(i int, body string) {
		// Answer at once with option 0 (its index is in the form).
		nm := regexp.MustCompile(`name="n" value="(\d+)"`).FindStringSubmatch(body)
		if nm == nil {
			return
		}
		start := time.Now()
		firstSend.CompareAndSwap(0, start.UnixNano())
		r, err := post(parts[i], base+"/join/"+code+"/answer", url.Values{"n": {nm[1]}, "choice": {"0"}})
		if err != nil || r.StatusCode != http.StatusSeeOther {
			return
		}
		d := time.Since(start)
		answered.Add(1)
		now := time.Now().UnixNano()
		for {
			old := lastDone.Load()
			if now <= old || lastDone.CompareAndSwap(old, now) {
				break
			}
		}
		mu.Lock()
		ansLat = append(ansLat, d)
		mu.Unlock()
	}
	t0 := time.Now()
	if _, err := post(host, wsBase+"/host/next", nil); err != nil {
		return err
	}
	fan, err := streams.fanout(`data-phase="question"`, t0, 30*time.Second)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for answered.Load() < int64(n) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	span := time.Duration(lastDone.Load() - firstSend.Load())
	stored, err := storedAnswers(host, wsBase)
	if err != nil {
		return err
	}
	fmt.Printf("\n%d participants on SSE, host presses next:\n", n)
	fmt.Printf("  fan-out next -> question event: p50 %v  p99 %v  last %v\n", pct(fan, 50), pct(fan, 99), pct(fan, 100))
	fmt.Printf("  answers: %d sent, %d stored (lost %d), all within %v -> %.0f answers/s; answer POST p50 %v p99 %v\n",
		answered.Load(), stored, int64(n)-int64(stored), span.Round(time.Millisecond), float64(answered.Load())/span.Seconds(), pct(ansLat, 50), pct(ansLat, 99))

	// Part 2: idle clients.
	streams.onQuestion = nil
	rss0 := rss(srv.Process.Pid)
	idlers, err := seat(base, code, "idle", idle)
	if err != nil {
		return err
	}
	all := openStreams(ctx, base, code, append(idlers, parts...))
	if err := all.waitAll(`data-phase=`, 60*time.Second); err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond)
	rss1 := rss(srv.Process.Pid)
	if _, err := post(host, wsBase+"/host/reveal", nil); err != nil {
		return err
	}
	t1 := time.Now()
	fan2, err := all.fanout(`data-phase="revealed"`, t1, 60*time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("\n%d SSE clients open (%d idle + %d):\n", len(all.got), idle, n)
	fmt.Printf("  server RSS: %.1f MiB before the idle clients, %.1f MiB with them (+%.1f KiB per stream)\n",
		float64(rss0)/(1<<20), float64(rss1)/(1<<20), float64(rss1-rss0)/1024/float64(idle))
	fmt.Printf("  fan-out reveal -> event: p50 %v  p99 %v  last %v\n", pct(fan2, 50), pct(fan2, 99), pct(fan2, 100))
	return nil
}

// seat joins k participants named prefix-N and returns their clients.
func seat(base, code, prefix string, k int) ([]*http.Client, error) {
	out := make([]*http.Client, k)
	var wg sync.WaitGroup
	errc := make(chan error, k)
	sem := make(chan struct{}, 16)
	for i := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := client()
			r, err := post(c, base+"/join", url.Values{"code": {code}, "name": {prefix + "-" + strconv.Itoa(i)}})
			if err != nil || r.StatusCode != http.StatusSeeOther {
				errc <- fmt.Errorf("join %s-%d: %v %v", prefix, i, err, r)
				return
			}
			out[i] = c
		}()
	}
	wg.Wait()
	close(errc)
	return out, <-errc
}

// streamSet is many open event streams and the events they received.
type streamSet struct {
	mu         sync.Mutex
	got        []map[string]time.Time // per stream: phase marker -> first arrival
	cond       *sync.Cond
	onQuestion func(i int, body string)
}

func openStreams(ctx context.Context, base, code string, cs []*http.Client) *streamSet {
	s := &streamSet{got: make([]map[string]time.Time, len(cs))}
	s.cond = sync.NewCond(&s.mu)
	re := regexp.MustCompile(`data-phase="[a-z-]+"`)
	for i, c := range cs {
		s.got[i] = map[string]time.Time{}
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/join/"+code+"/events", nil)
			req.Header.Set("Accept", "text/event-stream")
			res, err := c.Do(req)
			if err != nil {
				return
			}
			defer res.Body.Close()
			br := bufio.NewReaderSize(res.Body, 64<<10)
			var data strings.Builder
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				switch {
				case strings.HasPrefix(line, "data: "):
					data.WriteString(line[6:])
				case line == "\n" && data.Len() > 0:
					body := data.String()
					data.Reset()
					at := time.Now()
					ph := re.FindString(body)
					s.mu.Lock()
					if _, seen := s.got[i][ph]; !seen {
						s.got[i][ph] = at
					}
					s.got[i]["data-phase="] = at
					fn := s.onQuestion
					s.cond.Broadcast()
					s.mu.Unlock()
					if fn != nil && ph == `data-phase="question"` {
						go fn(i, body)
					}
				}
			}
		}()
	}
	return s
}

// waitAll waits until every stream received an event carrying marker.
func (s *streamSet) waitAll(marker string, limit time.Duration) error {
	_, err := s.fanout(marker, time.Now(), limit)
	return err
}

// fanout waits until every stream got marker and returns each one's delay
// after t0.
func (s *streamSet) fanout(marker string, t0 time.Time, limit time.Duration) ([]time.Duration, error) {
	timer := time.AfterFunc(limit, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	end := time.Now().Add(limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		var out []time.Duration
		for _, g := range s.got {
			if at, ok := g[marker]; ok {
				out = append(out, max(at.Sub(t0), 0))
			}
		}
		if len(out) == len(s.got) {
			return out, nil
		}
		if time.Now().After(end) {
			return nil, fmt.Errorf("only %d of %d streams got %s", len(out), len(s.got), marker)
		}
		s.cond.Wait()
	}
}

// storedAnswers counts the answered rows of the first round in results.csv.
func storedAnswers(host *http.Client, wsBase string) (int, error) {
	res, err := host.Get(wsBase + "/results.csv")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		return 0, err
	}
	k := 0
	for _, r := range rows[1:] {
		if r[0] == "1" && r[4] != "" {
			k++
		}
	}
	return k, nil
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)].Round(100 * time.Microsecond)
}

// rss is a process's resident set size in bytes (Linux).
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
