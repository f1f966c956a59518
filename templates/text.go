package templates

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"
)

// pathSegments splits s after every "/", "?", "&" and "=": the places
// where an endpoint path such as runs/export?run_id=1 may break (see
// pathBreaks).
func pathSegments(s string) []string {
	var out []string
	for {
		i := strings.IndexAny(s, "/?&=")
		if i < 0 || i == len(s)-1 {
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return append(out, s)
}

// arrows writes s escaped, each "->" in a no-wrap span: "ingest ->
// transform" never breaks as "-" and "> transform" on a phone.
func arrows(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		parts := strings.Split(s, "->")
		for i, part := range parts {
			if i > 0 {
				if _, err := io.WriteString(w, `<span class="nobr">-&gt;</span>`); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(w, templ.EscapeString(part)); err != nil {
				return err
			}
		}
		return nil
	})
}
