package web_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
)

// lockedBuffer is a log sink safe for the server's concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestClientHangsUp sends requests whose clients go away at each stage: a
// body promised and abandoned, a GET closed as soon as it is sent, a
// response left unread. The server must answer the next request, log
// nothing at info level or above, and keep memory and goroutines flat
// (before the fix, an error page rendered for a gone client failed, which
// rendered the error page again, until the stack overflowed).
func TestClientHangsUp(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	a := newTestServer(t, testOpts{LogOut: &logs})
	a.get("/") // a learner, so later pages are the same as a visitor's
	addr := strings.TrimPrefix(a.srv.URL, "http://")
	send := func(raw string, readBytes int) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte(raw)); err != nil {
			t.Fatal(err)
		}
		if readBytes > 0 {
			buf := make([]byte, readBytes)
			_, _ = bufio.NewReader(c).Read(buf)
		}
		c.Close()
	}
	settle := func() {
		t.Helper()
		runtime.GC()
	}
	base := runtime.NumGoroutine()
	var m0 runtime.MemStats
	settle()
	runtime.ReadMemStats(&m0)

	const rounds = 30
	for i := 0; i < rounds; i++ {
		// A form body promised (100 bytes) and abandoned after 3.
		send("POST /me HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nn=a", 0)
		// The same against the emulator.
		send("POST /api/2.2/jobs/create HTTP/1.1\r\nHost: "+addr+"\r\nAuthorization: Bearer dapi0\r\nContent-Length: 100\r\n\r\n{\"n", 0)
		// A GET closed right after sending.
		send("GET /lessons/jobs-api HTTP/1.1\r\nHost: "+addr+"\r\n\r\n", 0)
		send("GET /sandbox HTTP/1.1\r\nHost: "+addr+"\r\n\r\n", 0)
		// A client that reads the start of the answer and disconnects.
		send("GET /lessons/jobs-api HTTP/1.1\r\nHost: "+addr+"\r\n\r\n", 200)
		send("GET /nope HTTP/1.1\r\nHost: "+addr+"\r\n\r\n", 50)
	}

	// The next requests are served.
	for _, p := range []string{"/healthz", "/lessons/jobs-api", "/me"} {
		if r := a.get(p); r.status != http.StatusOK {
			t.Fatalf("GET %s after the hang-ups: %d", p, r.status)
		}
	}
	// Goroutines return to where they were (the handlers all finished).
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base+10 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base+10 {
		t.Errorf("goroutines: %d before, %d after %d hang-ups", base, n, rounds*6)
	}
	var m1 runtime.MemStats
	settle()
	runtime.ReadMemStats(&m1)
	if grown := int64(m1.HeapAlloc) - int64(m0.HeapAlloc); grown > 32<<20 {
		t.Errorf("heap grew by %d MB over %d hang-ups", grown>>20, rounds*6)
	}
	// A visitor whose form never arrived has not acted: no learner row.
	if _, err := a.db.Learner(context.Background(), 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an abandoned POST created a learner (err %v)", err)
	}
	// A gone client is not an error: nothing at info level or above.
	if lines := strings.Count(logs.String(), "\n"); lines > 0 {
		t.Errorf("%d log lines for clients that hung up, want 0:\n%.2000s", lines, logs.String())
	}
	if t.Failed() {
		t.Logf("heap %d -> %d bytes", m0.HeapAlloc, m1.HeapAlloc)
	}
}
