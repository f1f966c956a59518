package quiz

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlLine matches the line number yaml.v3 puts in its error messages.
var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parseFile turns one bank file into items, with every syntax or shape
// problem reported at its line. Items with problems are still returned so
// that lint can report more than the first mistake.
func parseFile(f File) ([]Item, []Problem) {
	var probs []Problem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, Problem{File: f.Name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(f.Data, &doc); err != nil {
		line, msg := 1, err.Error()
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = te.Errors[0]
		}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
			msg = m[2]
		}
		bad(line, "invalid YAML: %s", msg)
		return nil, probs
	}
	if len(doc.Content) == 0 {
		bad(1, "empty file: want a top-level items: list")
		return nil, probs
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		bad(root.Line, "want a mapping with a top-level items: list")
		return nil, probs
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "items" {
			bad(k.Line, "unknown top-level field %q (want items)", k.Value)
			continue
		}
		list = v
	}
	if list == nil {
		bad(root.Line, "missing top-level items: list")
		return nil, probs
	}
	if list.Kind != yaml.SequenceNode {
		bad(list.Line, "items must be a list")
		return nil, probs
	}
	var items []Item
	for _, n := range list.Content {
		it, ps := parseItem(f.Name, n)
		probs = append(probs, ps...)
		if it != nil {
			items = append(items, *it)
		}
	}
	return items, probs
}

// parseItem reads one item mapping. It returns nil when n is not a mapping.
func parseItem(file string, n *yaml.Node) (*Item, []Problem) {
	var probs []Problem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if n.Kind != yaml.MappingNode {
		bad(n.Line, "item must be a mapping of fields")
		return nil, probs
	}
	it := &Item{File: file, Line: n.Line, lines: map[string]int{}}
	str := func(v *yaml.Node, field string) string {
		if v.Kind != yaml.ScalarNode {
			bad(v.Line, "%s must be a string", field)
			return ""
		}
		return strings.TrimSpace(v.Value)
	}
	list := func(v *yaml.Node, field string) ([]string, []int) {
		if v.Kind != yaml.SequenceNode {
			bad(v.Line, "%s must be a list of strings", field)
			return nil, nil
		}
		var out []string
		var lines []int
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				bad(e.Line, "%s entries must be strings", field)
				continue
			}
			out = append(out, strings.TrimSpace(e.Value))
			lines = append(lines, e.Line)
		}
		return out, lines
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := it.lines[k.Value]; dup {
			bad(k.Line, "duplicate field %s", k.Value)
			continue
		}
		it.lines[k.Value] = k.Line
		switch k.Value {
		case "id":
			it.ID = str(v, k.Value)
		case "kind":
			it.Kind = Kind(str(v, k.Value))
		case "topic":
			it.Topic = str(v, k.Value)
		case "anchor":
			it.Anchor = str(v, k.Value)
		case "scenario":
			it.Scenario = str(v, k.Value)
		case "stem":
			it.Stem = str(v, k.Value)
		case "options":
			it.Options, it.opt = list(v, k.Value)
		case "key":
			it.Key = str(v, k.Value)
		case "keys":
			it.Keys, _ = list(v, k.Value)
		case "explanation":
			it.Explanation = str(v, k.Value)
		case "source":
			it.Source = str(v, k.Value)
		case "tags":
			it.Tags, _ = list(v, k.Value)
		default:
			bad(k.Line, "unknown field %q", k.Value)
		}
	}
	return it, probs
}
