package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// request is one HTTP/1.1 request, serialised once.
type request struct {
	method, uri string
	header      [][2]string
	body        string
}

func (r request) bytes() []byte {
	var b strings.Builder
	b.WriteString(r.method + " " + r.uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: trainer-bench\r\n")
	for _, h := range r.header {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	if r.body != "" || r.method == http.MethodPost {
		b.WriteString("Content-Length: " + strconv.Itoa(len(r.body)) + "\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(r.body)
	return []byte(b.String())
}

// response is a whole answer as read off the wire.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// conn is one keep-alive client connection.
type conn struct {
	addr string
	c    net.Conn
	br   *bufio.Reader
}

func (c *conn) do(req []byte, keepBody bool) (response, error) {
	if c.c == nil {
		nc, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return response{}, err
		}
		c.c, c.br = nc, bufio.NewReaderSize(nc, 64<<10)
	}
	c.c.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := c.c.Write(req); err != nil {
		c.close()
		return response{}, err
	}
	res, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.close()
		return response{}, err
	}
	out := response{Status: res.StatusCode, Header: res.Header}
	if keepBody {
		out.Body, err = io.ReadAll(res.Body)
	} else {
		_, err = io.Copy(io.Discard, res.Body)
	}
	res.Body.Close()
	if err != nil || res.Close {
		c.close()
	}
	return out, err
}

func (c *conn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

// once sends one request on a fresh connection and returns the answer.
func once(addr string, r request) (response, error) {
	c := &conn{addr: addr}
	defer c.close()
	return c.do(r.bytes(), true)
}

// result is one load run's figures.
type result struct {
	n, failed int
	firstErr  string
	rate      float64 // successful requests per second
	p50, p99  time.Duration
	peakRSS   int64 // bytes; the server process's peak resident set during the run
}

// load keeps conns connections busy for d, each sending next(i) (i the
// connection's index) as soon as its previous answer is read, and counts
// answers with status want. rss, when set, samples the server's resident
// set size during the run.
func load(addr string, conns int, d time.Duration, next func(i int) []byte, want int, rss func() int64) result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		mu       sync.Mutex
		lat      []time.Duration
		failed   atomic.Int64
		firstErr atomic.Value
		wg       sync.WaitGroup
		peak     atomic.Int64
	)
	if rss != nil {
		wg.Go(func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				if v := rss(); v > peak.Load() {
					peak.Store(v)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	start := time.Now()
	for i := range conns {
		wg.Go(func() {
			c := &conn{addr: addr}
			defer c.close()
			mine := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				req := next(i)
				t := time.Now()
				res, err := c.do(req, false)
				if ctx.Err() != nil && err != nil {
					break // cut off by the end of the run
				}
				if err == nil && res.Status != want {
					err = fmt.Errorf("status %d, want %d", res.Status, want)
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	r := result{n: len(lat), failed: int(failed.Load()), rate: float64(len(lat)) / elapsed.Seconds(), peakRSS: peak.Load()}
	if e, ok := firstErr.Load().(string); ok {
		r.firstErr = e
	}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[len(lat)*99/100]
	}
	return r
}
