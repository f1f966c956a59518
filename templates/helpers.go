package templates

import (
	"net/http"
	"strconv"
)

func statusText(code int) string {
	return strconv.Itoa(code) + " " + http.StatusText(code)
}

func supportClass(s string) string {
	switch s {
	case "emulated":
		return "full"
	case "partial":
		return "partial"
	default:
		return "none"
	}
}

// htmxConfig is htmx's configuration, read from <meta name="htmx-config">:
// no indicator <style> injected (app.css carries the rules, so the
// Content-Security-Policy needs no inline style element) and no eval (the
// policy forbids it anyway; this keeps htmx from trying).
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false}`

// Thousands writes n with commas between groups of three digits
// ("29,535"), as every count the pages show.
func Thousands(n int) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
