package lessons

import (
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A "predict, then reveal" moment is written in the Markdown as a blockquote:
//
//	> **Predict:** the question
//	>
//	> **Answer:** the answer
//
// (or **Recall:** for the closing recall list). The transformer turns it into
// a prompt node whose answer sits in a <details> element, so the reveal works
// without JavaScript and raw HTML can stay off.

var (
	kindPrompt = ast.NewNodeKind("Prompt")
	kindReveal = ast.NewNodeKind("Reveal")
)

type promptNode struct {
	ast.BaseBlock
	label string // "predict" or "recall"
	n     int    // a predict prompt's number in the lesson, from 1
}

// predictMarker is written between a predict prompt's question and its
// reveal; render splits the lesson there (Lesson.Pieces) so the page can
// put the learner's prediction form in its place.
const predictMarker = "<!--predict-->"

func (n *promptNode) Kind() ast.NodeKind { return kindPrompt }
func (n *promptNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"label": n.label}, nil)
}

type revealNode struct{ ast.BaseBlock }

func (n *revealNode) Kind() ast.NodeKind         { return kindReveal }
func (n *revealNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// leadLabel returns the text of a paragraph's leading bold run ("Predict:").
func leadLabel(n ast.Node, src []byte) string {
	p, ok := n.(*ast.Paragraph)
	if !ok {
		return ""
	}
	e, ok := p.FirstChild().(*ast.Emphasis)
	if !ok || e.Level != 2 {
		return ""
	}
	return plainText(e, src)
}

type revealTransformer struct{}

func (revealTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if bq, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, bq)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	predicts := 0
	for _, bq := range quotes {
		var label string
		switch leadLabel(bq.FirstChild(), src) {
		case "Predict:":
			label = "predict"
		case "Recall:":
			label = "recall"
		default:
			continue
		}
		prompt := &promptNode{label: label}
		if label == "predict" {
			predicts++
			prompt.n = predicts
		}
		var reveal *revealNode
		for c := bq.FirstChild(); c != nil; {
			next := c.NextSibling()
			bq.RemoveChild(bq, c)
			if reveal == nil && leadLabel(c, src) == "Answer:" {
				reveal = &revealNode{}
				prompt.AppendChild(prompt, reveal)
			}
			if reveal != nil {
				reveal.AppendChild(reveal, c)
			} else {
				prompt.AppendChild(prompt, c)
			}
			c = next
		}
		bq.Parent().ReplaceChild(bq.Parent(), bq, prompt)
	}
}

type revealRenderer struct{}

func (revealRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindPrompt, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		p := n.(*promptNode)
		if entering && p.n > 0 {
			_, _ = fmt.Fprintf(w, `<aside class="prompt prompt-predict" id="predict-%d" data-testid="predict" data-prompt="%d">`+"\n", p.n, p.n)
		} else if entering {
			_, _ = w.WriteString(`<aside class="prompt prompt-` + p.label + `" data-testid="` + p.label + `">` + "\n")
		} else {
			_, _ = w.WriteString("</aside>\n")
		}
		return ast.WalkContinue, nil
	})
	reg.Register(kindReveal, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if p, ok := n.Parent().(*promptNode); ok && p.n > 0 {
				_, _ = w.WriteString(predictMarker)
			}
			_, _ = w.WriteString(`<details class="reveal"><summary>Reveal the answer</summary>` + "\n")
		} else {
			_, _ = w.WriteString("</details>\n")
		}
		return ast.WalkContinue, nil
	})
}
