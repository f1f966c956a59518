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
