package lessons

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// codeSpanRenderer renders `inline code` as goldmark does, plus a <wbr>
// after each "/", "?", "&" and "=": on a phone an endpoint path in a table
// cell then breaks between its parts ("runs/" "export?" "run_id="), never
// mid-word ("runs/exp ort"). The text itself is unchanged.
type codeSpanRenderer struct{}

func (codeSpanRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindCodeSpan, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		_, _ = w.WriteString("<code")
		if n.Attributes() != nil {
			html.RenderAttributes(w, n, html.CodeAttributeFilter)
		}
		_ = w.WriteByte('>')
		var text bytes.Buffer
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch t := c.(type) {
			case *ast.Text:
				v := t.Segment.Value(source)
				if bytes.HasSuffix(v, []byte("\n")) { // a line break in a span is a space
					text.Write(v[:len(v)-1])
					text.WriteByte(' ')
				} else {
					text.Write(v)
				}
			case *ast.String:
				text.Write(t.Value)
			}
		}
		s := text.String()
		for {
			i := strings.IndexAny(s, "/?&=")
			if i < 0 || i == len(s)-1 {
				break
			}
			_, _ = w.Write(util.EscapeHTML([]byte(s[:i+1])))
			_, _ = w.WriteString("<wbr>")
			s = s[i+1:]
		}
		_, _ = w.Write(util.EscapeHTML([]byte(s)))
		_, _ = w.WriteString("</code>")
		return ast.WalkSkipChildren, nil
	})
}
