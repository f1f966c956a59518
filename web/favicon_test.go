package web_test

import (
	"strings"
	"testing"
)

// TestFaviconIsServed: /favicon.ico is an embedded icon (not a 404), and
// every page links it.
func TestFaviconIsServed(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/favicon.ico")
	if r.status != 200 || r.header.Get("Content-Type") != "image/x-icon" || !strings.HasPrefix(r.body, "\x00\x00\x01\x00") {
		t.Fatalf("favicon: %d %q, %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
	}
	if href := a.get("/").doc().Find(`head link[rel="icon"]`).AttrOr("href", ""); href != "/favicon.ico" {
		t.Errorf("icon link %q", href)
	}
}

// TestProfileSaysWhatClearingCookiesDoes: /me tells the learner their
// progress lives behind this browser's cookie.
func TestProfileSaysWhatClearingCookiesDoes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.act()
	if got := a.get("/me").text(`[data-testid="cookie-note"]`); !strings.Contains(got, "Clearing this site's cookies") {
		t.Errorf("cookie note %q", got)
	}
}
