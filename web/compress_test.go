package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestCompression: pages and API answers are gzipped for clients that ask;
// static files come precompressed (brotli first, then gzip) with their own
// ETag; clients that ask for nothing get the bytes as they are.
func TestCompression(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	plain := a.get("/lessons/jobs-api")
	raw := &http.Transport{DisableCompression: true} // see the encoding as sent
	c := &http.Client{Transport: raw}
	fetch := func(path, ae string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	// A page, gzipped, decodes to the same page.
	res, b := fetch("/lessons/jobs-api", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
		t.Fatalf("lesson: Content-Encoding %q Vary %q", res.Header.Get("Content-Encoding"), res.Header.Values("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(zr)
	if len(b) >= len(page)/2 || !bytes.Contains(page, []byte("</html>")) {
		t.Errorf("lesson: %d bytes gzipped, %d plain", len(b), len(page))
	}
	// Without Accept-Encoding: as it is.
	if res, _ := fetch("/lessons/jobs-api", ""); res.Header.Get("Content-Encoding") != "" {
		t.Errorf("uncompressed request got %q", res.Header.Get("Content-Encoding"))
	}
	// Static: brotli when asked, gzip otherwise, each with its own ETag.
	js := staticURL(t, plain.body, "htmx.min.js")
	resBr, br := fetch(js, "gzip, deflate, br")
	resGz, _ := fetch(js, "gzip")
	resID, id := fetch(js, "")
	if resBr.Header.Get("Content-Encoding") != "br" || resGz.Header.Get("Content-Encoding") != "gzip" || resID.Header.Get("Content-Encoding") != "" {
		t.Fatalf("static encodings: %q %q %q", resBr.Header.Get("Content-Encoding"), resGz.Header.Get("Content-Encoding"), resID.Header.Get("Content-Encoding"))
	}
	if resBr.Header.Get("ETag") == resGz.Header.Get("ETag") || resGz.Header.Get("ETag") == resID.Header.Get("ETag") {
		t.Errorf("variants share an ETag: %q %q %q", resBr.Header.Get("ETag"), resGz.Header.Get("ETag"), resID.Header.Get("ETag"))
	}
	unbr, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br)))
	if err != nil || !bytes.Equal(unbr, id) || len(br) > len(id)/3 {
		t.Errorf("brotli htmx: %d bytes for %d (err %v)", len(br), len(id), err)
	}
	// "br;q=0" is a refusal.
	if res, _ := fetch(js, "br;q=0, gzip"); res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("br;q=0 got %q", res.Header.Get("Content-Encoding"))
	}
	// API answers too, when big enough: the 150-task job.
	tok := tokenFromPage(t, a)
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/api/2.2/jobs/get?job_id=102", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("jobs/get of the 150-task job: %d %q %q", res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("Content-Type"))
	}
}

// staticURL finds the content-hashed URL of a static file in a page.
func staticURL(t *testing.T, page, name string) string {
	t.Helper()
	i := strings.Index(page, "/static/")
	for i >= 0 {
		end := strings.IndexByte(page[i:], '"')
		u := page[i : i+end]
		if strings.HasSuffix(u, "/"+name) {
			return u
		}
		next := strings.Index(page[i+1:], "/static/")
		if next < 0 {
			break
		}
		i += 1 + next
	}
	t.Fatalf("no /static/.../%s in the page", name)
	return ""
}
