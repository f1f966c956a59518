// Package lessons loads the trainer's lessons: Markdown files rendered to
// HTML once, at start, with goldmark.
package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// ErrNotFound is returned by Set.Get for an unknown slug.
var ErrNotFound = errors.New("lessons: no such lesson")

// Section is one level-two heading of a lesson, with its stable anchor.
type Section struct {
	ID    string
	Title string
}

// Lesson is one rendered lesson.
type Lesson struct {
	Slug     string
	Title    string
	HTML     string // goldmark output of our own Markdown; raw HTML in the source is dropped
	Sections []Section
	// Pieces is HTML cut after each "predict" prompt's question, where the
	// page puts the learner's prediction form; the piece after the cut
	// starts with the prompt's <details class="reveal">. Predicts counts
	// the predict prompts (numbered from 1 in lesson order).
	Pieces   []Piece
	Predicts int
}

// Piece is a run of the lesson's HTML. Predict, when not 0, is the number
// of the predict prompt whose form follows it.
type Piece struct {
	HTML    string
	Predict int
}

// HasSection reports whether the lesson has a section with the given anchor id.
func (l *Lesson) HasSection(id string) bool {
	for _, s := range l.Sections {
		if s.ID == id {
			return true
		}
	}
	return false
}

// Set is every loaded lesson, in slug order.
type Set struct {
	bySlug map[string]*Lesson
	order  []*Lesson
}

// Get returns the lesson with the slug, or ErrNotFound.
func (s *Set) Get(slug string) (*Lesson, error) {
	l, ok := s.bySlug[slug]
	if !ok {
		return nil, ErrNotFound
	}
	return l, nil
}

// All returns the lessons in slug order.
func (s *Set) All() []*Lesson { return s.order }

// Load renders every dir/*.md file in fsys. The slug is the file name
// without its extension; the title is the first level-one heading. It fails
// on an unreadable file or a lesson without a title.
func Load(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.md"))
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	sort.Strings(names)
	md := newMarkdown()
	set := &Set{bySlug: map[string]*Lesson{}}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("lessons: %w", err)
		}
		l, err := render(md, src)
		if err != nil {
			return nil, fmt.Errorf("lessons: %s: %w", name, err)
		}
		l.Slug = strings.TrimSuffix(path.Base(name), ".md")
		set.bySlug[l.Slug] = l
		set.order = append(set.order, l)
	}
	return set, nil
}

func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			highlighting.NewHighlighting(
				highlighting.WithStyle("github"),
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
			),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithAttribute(),
			parser.WithASTTransformers(util.Prioritized(revealTransformer{}, 500)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(revealRenderer{}, 500), util.Prioritized(codeSpanRenderer{}, 100)),
		),
	)
}

func render(md goldmark.Markdown, src []byte) (*Lesson, error) {
	doc := md.Parser().Parse(text.NewReader(src))
	l := &Lesson{}
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		title := plainText(h, src)
		switch h.Level {
		case 1:
			if l.Title == "" {
				l.Title = title
			}
		case 2:
			id, _ := h.AttributeString("id")
			idb, _ := id.([]byte)
			l.Sections = append(l.Sections, Section{ID: string(idb), Title: title})
		}
		return ast.WalkSkipChildren, nil
	})
	if err != nil {
		return nil, err
	}
	if l.Title == "" {
		return nil, errors.New("no level-one heading for the title")
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, src, doc); err != nil {
		return nil, err
	}
	// Code blocks and tables scroll sideways on a phone: make them
	// keyboard-reachable (a scrollable region needs focus to scroll).
	html := strings.NewReplacer("<pre>", `<pre tabindex="0">`, "<pre style=", `<pre tabindex="0" style=`,
		"<pre class=", `<pre tabindex="0" class=`, "<table>", `<table tabindex="0">`).Replace(buf.String())
	parts := strings.Split(html, predictMarker)
	for i, p := range parts {
		pc := Piece{HTML: p}
		if i < len(parts)-1 {
			pc.Predict = i + 1
		}
		l.Pieces = append(l.Pieces, pc)
	}
	l.Predicts = len(parts) - 1
	l.HTML = strings.ReplaceAll(html, predictMarker, "")
	return l, nil
}

// plainText concatenates the text segments under n.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			for cc := t.FirstChild(); cc != nil; cc = cc.NextSibling() {
				if tt, ok := cc.(*ast.Text); ok {
					b.Write(tt.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// HighlightCSS returns the stylesheet for the chroma classes in lesson code
// blocks: GitHub colours, and GitHub dark under prefers-color-scheme: dark.
// In dark mode every token class the light style colours is first reset,
// so a class GitHub dark leaves out is not drawn in a light-mode colour on
// the dark background; a few light colours below 4.5:1 are darkened. It
// returns a wrapped error only if chroma cannot write a style's CSS.
func HighlightCSS() ([]byte, error) {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var light bytes.Buffer
	if err := f.WriteCSS(&light, styles.Get("github")); err != nil {
		return nil, fmt.Errorf("lessons: highlight css: %w", err)
	}
	var buf bytes.Buffer
	buf.Write(light.Bytes())
	// GitHub's NameBuiltinPseudo grey is 4.4:1 on its background.
	buf.WriteString(".chroma .bp { color: #57606a }\n")
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	var reset []string
	for _, m := range tokenRule.FindAllStringSubmatch(light.String(), -1) {
		if m[1] != ".chroma .w" {
			reset = append(reset, m[1])
		}
	}
	if len(reset) > 0 {
		buf.WriteString(strings.Join(reset, ", ") + " { color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit }\n")
	}
	if err := f.WriteCSS(&buf, styles.Get("github-dark")); err != nil {
		return nil, fmt.Errorf("lessons: highlight css: %w", err)
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

// tokenRule matches a chroma token rule that sets a colour.
var tokenRule = regexp.MustCompile(`(\.chroma \.[a-z0-9]+) \{[^}]*[{; ]color: #`)
