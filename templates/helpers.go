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
