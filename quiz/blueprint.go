package quiz

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// BlueprintPath is where the built-in exam blueprint lives in the content
// file system (data.FS).
const BlueprintPath = "exam/blueprint.yaml"

// Blueprint is how a mock exam is drawn from the bank: which exam it
// approximates, the share of each topic, the pace and the pass mark.
type Blueprint struct {
	Name               string
	Approximates       string
	MinutesPerQuestion float64
	PassPercent        int   // an assumption: the real exams publish none
	Lengths            []int // exam lengths offered, ascending
	DefaultLength      int
	Topics             []BlueprintTopic // in file order
	File               string           // as named in problems
}

// BlueprintTopic is one topic's share of an exam, in percent.
type BlueprintTopic struct {
	Topic  string
	Weight int
	Line   int
}

// TimeFor is the time allowed for an exam of n questions.
func (bp Blueprint) TimeFor(n int) time.Duration {
	return time.Duration(float64(n) * bp.MinutesPerQuestion * float64(time.Minute))
}

// Weight returns the topic's weight in percent, 0 when the blueprint does
// not name it.
func (bp Blueprint) Weight(topic string) int {
	for _, t := range bp.Topics {
		if t.Topic == topic {
			return t.Weight
		}
	}
	return 0
}

// AllowsLength reports whether n is one of the lengths offered.
func (bp Blueprint) AllowsLength(n int) bool { return slices.Contains(bp.Lengths, n) }

// maxExamLength bounds any length a blueprint may offer.
const maxExamLength = 100

// ParseBlueprint parses and checks one blueprint file against bank b (nil:
// the bank is not checked). Every problem is reported at its line; the
// blueprint is usable only when there are none.
func ParseBlueprint(f File, b *Bank) (Blueprint, []Problem) {
	bp := Blueprint{File: f.Name}
	var probs []Problem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, Problem{File: f.Name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(f.Data, &doc); err != nil {
		line, msg := 1, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
			msg = m[2]
		}
		bad(line, "invalid YAML: %s", msg)
		return bp, probs
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		bad(1, "want a mapping with name, minutes_per_question, pass_percent, lengths, default_length and topics")
		return bp, probs
	}
	root := doc.Content[0]
	seen := map[string]int{}
	intVal := func(v *yaml.Node, field string) (int, bool) {
		n, err := strconv.Atoi(v.Value)
		if v.Kind != yaml.ScalarNode || err != nil {
			bad(v.Line, "%s must be a whole number", field)
			return 0, false
		}
		return n, true
	}
	defaultLine, topicsLine := root.Line, root.Line
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if _, dup := seen[k.Value]; dup {
			bad(k.Line, "duplicate field %s", k.Value)
			continue
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "name", "approximates":
			if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
				bad(v.Line, "%s must be a non-empty string", k.Value)
				continue
			}
			if k.Value == "name" {
				bp.Name = strings.TrimSpace(v.Value)
			} else {
				bp.Approximates = strings.TrimSpace(v.Value)
			}
		case "minutes_per_question":
			m, err := strconv.ParseFloat(v.Value, 64)
			if v.Kind != yaml.ScalarNode || err != nil || m <= 0 || m > 30 {
				bad(v.Line, "minutes_per_question must be a number above 0 and at most 30")
				continue
			}
			bp.MinutesPerQuestion = m
		case "pass_percent":
			if n, ok := intVal(v, k.Value); ok {
				if n < 1 || n > 100 {
					bad(v.Line, "pass_percent must be from 1 to 100")
				}
				bp.PassPercent = n
			}
		case "default_length":
			defaultLine = v.Line
			if n, ok := intVal(v, k.Value); ok {
				bp.DefaultLength = n
			}
		case "lengths":
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				bad(v.Line, "lengths must be a non-empty list of whole numbers")
				continue
			}
			for _, e := range v.Content {
				n, ok := intVal(e, "each length")
				if !ok {
					continue
				}
				switch {
				case n < 1 || n > maxExamLength:
					bad(e.Line, "length %d is not from 1 to %d", n, maxExamLength)
				case slices.Contains(bp.Lengths, n):
					bad(e.Line, "length %d is listed twice", n)
				default:
					bp.Lengths = append(bp.Lengths, n)
				}
			}
			slices.Sort(bp.Lengths)
		case "topics":
			topicsLine = k.Line
			if v.Kind != yaml.SequenceNode {
				bad(v.Line, "topics must be a list of {topic, weight}")
				continue
			}
			for _, e := range v.Content {
				if t, ok := parseBlueprintTopic(e, bad); ok {
					if slices.ContainsFunc(bp.Topics, func(o BlueprintTopic) bool { return o.Topic == t.Topic }) {
						bad(t.Line, "topic %s is listed twice", t.Topic)
						continue
					}
					bp.Topics = append(bp.Topics, t)
				}
			}
		default:
			bad(k.Line, "unknown field %q", k.Value)
		}
	}
	for _, f := range []string{"name", "approximates", "minutes_per_question", "pass_percent", "lengths", "default_length", "topics"} {
		if _, ok := seen[f]; !ok {
			bad(root.Line, "missing field %s", f)
		}
	}
	if _, ok := seen["default_length"]; ok && len(bp.Lengths) > 0 && !bp.AllowsLength(bp.DefaultLength) {
		bad(defaultLine, "default_length %d is not one of the lengths %v", bp.DefaultLength, bp.Lengths)
	}
	if _, ok := seen["topics"]; ok {
		sum := 0
		for _, t := range bp.Topics {
			sum += t.Weight
		}
		if sum != 100 {
			bad(topicsLine, "topic weights add up to %d, want 100", sum)
		}
	}
	if b != nil {
		for _, t := range bp.Topics {
			if t.Weight > 0 && len(b.topicItems(t.Topic)) == 0 {
				bad(t.Line, "topic %s has no items in the bank", t.Topic)
			}
		}
		if len(bp.Lengths) > 0 && bp.Lengths[len(bp.Lengths)-1] > b.Len() {
			bad(root.Line, "the longest exam (%d) has more questions than the bank (%d)", bp.Lengths[len(bp.Lengths)-1], b.Len())
		}
	}
	return bp, probs
}

// parseBlueprintTopic reads one {topic, weight} entry.
func parseBlueprintTopic(e *yaml.Node, bad func(int, string, ...any)) (BlueprintTopic, bool) {
	t := BlueprintTopic{Line: e.Line}
	if e.Kind != yaml.MappingNode {
		bad(e.Line, "each topic must be a mapping {topic, weight}")
		return t, false
	}
	ok, hasWeight := true, false
	for i := 0; i+1 < len(e.Content); i += 2 {
		k, v := e.Content[i], e.Content[i+1]
		switch k.Value {
		case "topic":
			t.Topic = strings.TrimSpace(v.Value)
			if _, known := TopicByID(t.Topic); !known {
				bad(v.Line, "unknown topic %q", t.Topic)
				ok = false
			}
		case "weight":
			n, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil || n < 0 || n > 100 {
				bad(v.Line, "weight must be a whole number from 0 to 100")
				ok = false
				continue
			}
			t.Weight, hasWeight = n, true
		default:
			bad(k.Line, "unknown field %q", k.Value)
			ok = false
		}
	}
	if t.Topic == "" || !hasWeight {
		bad(e.Line, "each topic needs topic and weight")
		ok = false
	}
	return t, ok
}

// LoadBlueprint reads the blueprint at name in fsys and checks it against
// b. It returns an error when the file cannot be read, and a Problems error
// (wrapping ErrBank, one file:line per problem) when it fails the checks.
func LoadBlueprint(fsys fs.FS, name string, b *Bank) (Blueprint, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Blueprint{}, fmt.Errorf("quiz: read blueprint: %w", err)
	}
	bp, probs := ParseBlueprint(File{Name: name, Data: data}, b)
	if len(probs) > 0 {
		return Blueprint{}, Problems(probs)
	}
	return bp, nil
}

// topicItems returns the indexes of the bank's items of topic, in lesson
// order. The caller must not modify it.
func (b *Bank) topicItems(topic string) []int { return b.byTopic[topic] }
