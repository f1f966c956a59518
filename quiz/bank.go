// Package quiz is the drill logic: the question bank and its lint rules,
// answer checking, FSRS scheduling and session summaries. It is pure Go with
// no I/O of its own: bank files come in through fs.FS values and readers the
// caller passes.
package quiz

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Kind is the shape of a bank item.
type Kind string

// The item kinds of the bank format (data/bank/README.md).
const (
	Classify Kind = "classify" // a scenario: job or run?
	Endpoint Kind = "endpoint" // the same scenario: which METHOD /path?
	CLI      Kind = "cli"      // databricks jobs command <-> HTTP call
	Concept  Kind = "concept"  // multiple choice, one key
	Multi    Kind = "multi"    // select all that apply, graded all or nothing
)

// Kinds lists every kind in display order.
var Kinds = []Kind{Classify, Endpoint, CLI, Concept, Multi}

// ClassifyOptions are the options of every classify item, in display order
// (keyboard j, r). A classify item's Key is one of them.
var ClassifyOptions = []string{"job", "run"}

// Topic is one lesson section that items drill.
type Topic struct {
	ID     string // "pagination"
	Anchor string // "#pagination"
	Title  string // what the section is about
	Lesson string // slug of the lesson the section is in ("jobs-api")
}

// LessonURL is the path of the topic's lesson section.
func (t Topic) LessonURL() string { return "/lessons/" + t.Lesson + t.Anchor }

// ItemLessonURL is the lesson section an item links to: its topic's
// lesson, at the item's anchor.
func ItemLessonURL(it Item) string {
	t, ok := TopicByID(it.Topic)
	if !ok {
		t.Lesson = "jobs-api"
	}
	return "/lessons/" + t.Lesson + it.Anchor
}

// Topics lists the topics in lesson order.
var Topics = []Topic{
	{"job-vs-run", "#job-vs-run", "Job or run", "jobs-api"},
	{"job-endpoints", "#job-endpoints", "Verbs on the job", "jobs-api"},
	{"run-endpoints", "#run-endpoints", "Verbs on the run", "jobs-api"},
	{"repair", "#repair", "Repair versus run-now", "jobs-api"},
	{"pagination", "#pagination", "What changed in 2.2: queueing and paging", "jobs-api"},
	{"four-ways", "#four-ways", "Four ways to drive a job", "jobs-api"},
	{"cli", "#cli", "The CLI mirrors the API", "jobs-api"},
	{"bundles", "#bundles", "Bundles: bundle run with a target", "jobs-api"},
	// The second lesson, /lessons/jobs-orchestration (issue 12).
	{"dependencies", "#dependencies", "Dependencies and run_if", "jobs-orchestration"},
	{"retries", "#retries", "Retries and timeouts", "jobs-orchestration"},
	{"parameters", "#parameters", "Parameters, task values and control flow", "jobs-orchestration"},
	{"triggers", "#triggers", "Triggers and notifications", "jobs-orchestration"},
	{"permissions", "#permissions", "Permissions and run_as", "jobs-orchestration"},
	{"compute", "#compute", "Compute for jobs", "jobs-orchestration"},
	{"run-history", "#run-history", "How long run history is kept", "jobs-orchestration"},
}

// SharedAnchors are lesson anchors any item may use whatever its topic
// (they are sections of the first lesson, /lessons/jobs-api).
var SharedAnchors = []string{"#takeaways", "#recall"}

// TopicByID returns the topic with the given id and whether it exists.
func TopicByID(id string) (Topic, bool) {
	for _, t := range Topics {
		if t.ID == id {
			return t, true
		}
	}
	return Topic{}, false
}

// topicIndex is a topic's position in lesson order; unknown topics sort last.
func topicIndex(id string) int {
	for i, t := range Topics {
		if t.ID == id {
			return i
		}
	}
	return len(Topics)
}

// Item is one bank question. Text fields are trimmed of surrounding space.
// For classify items Options is ClassifyOptions.
type Item struct {
	ID          string
	Kind        Kind
	Topic       string
	Anchor      string
	Scenario    string
	Stem        string
	Options     []string
	Key         string   // single-answer kinds
	Keys        []string // kind multi
	Explanation string
	Source      string // where the key was checked: a URL or owner/repo/path
	Tags        []string

	File string // bank file the item came from, as named in errors
	Line int    // line of the item in File

	lines map[string]int // field name -> line, for lint messages
	opt   []int          // line of each option
}

// Answers returns the correct options: Keys for multi items, else Key.
func (it Item) Answers() []string {
	if it.Kind == Multi {
		return it.Keys
	}
	return []string{it.Key}
}

// line returns the line of field, falling back to the item's line.
func (it Item) line(field string) int {
	if l, ok := it.lines[field]; ok {
		return l
	}
	return it.Line
}

// File is one bank file's name (as shown in errors) and contents.
type File struct {
	Name string
	Data []byte
}

// Bank is a validated set of items, in lesson order (topic order, then the
// order of files and items within files).
type Bank struct {
	items []Item
	byID  map[string]int
	pairs map[string][2]int // scenario -> classify, endpoint indexes
	// byTopic holds each topic's item indexes in lesson order.
	byTopic map[string][]int
}

// Items returns every item in lesson order. The caller must not modify it.
func (b *Bank) Items() []Item { return b.items }

// Len returns the number of items.
func (b *Bank) Len() int { return len(b.items) }

// Item returns the item with the given id and whether it exists.
func (b *Bank) Item(id string) (Item, bool) {
	i, ok := b.byID[id]
	if !ok {
		return Item{}, false
	}
	return b.items[i], true
}

// Pair returns the classify and endpoint items that share scenario, and
// whether the scenario exists.
func (b *Bank) Pair(scenario string) (classify, endpoint Item, ok bool) {
	p, ok := b.pairs[scenario]
	if !ok {
		return Item{}, Item{}, false
	}
	return b.items[p[0]], b.items[p[1]], true
}

// partner returns the other half of item i's scenario pair, or -1.
func (b *Bank) partner(i int) int {
	it := b.items[i]
	if it.Kind != Classify && it.Kind != Endpoint {
		return -1
	}
	p, ok := b.pairs[it.Scenario]
	if !ok {
		return -1
	}
	if p[0] == i {
		return p[1]
	}
	return p[0]
}

// ErrBank is wrapped by every Load and NewBank error caused by bank content
// (as opposed to an unreadable directory).
var ErrBank = errors.New("invalid bank")

// Problems is the error Load and NewBank return for a bank that fails lint:
// every problem, one `file:line: message` per line.
type Problems []Problem

// Error lists every problem, one `file:line: message` per line.
func (ps Problems) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "quiz: %d bank problem(s):", len(ps))
	for _, p := range ps {
		sb.WriteString("\n")
		sb.WriteString(p.String())
	}
	return sb.String()
}

// Unwrap makes errors.Is(err, ErrBank) true.
func (ps Problems) Unwrap() error { return ErrBank }

// NewBank parses and lints files and builds a bank from them. Any problem
// fails the whole bank: the error is a Problems listing each one, and no
// bank is returned.
func NewBank(files []File) (*Bank, error) {
	items, probs := check(files)
	if len(probs) > 0 {
		return nil, Problems(probs)
	}
	if len(items) == 0 {
		return nil, Problems{{Msg: "bank has no items"}}
	}
	// Stable sort keeps file order within a topic.
	slices.SortStableFunc(items, func(a, b Item) int { return topicIndex(a.Topic) - topicIndex(b.Topic) })
	b := &Bank{items: items, byID: make(map[string]int, len(items)), pairs: map[string][2]int{}, byTopic: map[string][]int{}}
	for i, it := range items {
		b.byID[it.ID] = i
		b.byTopic[it.Topic] = append(b.byTopic[it.Topic], i)
		switch it.Kind {
		case Classify:
			p := b.pairs[it.Scenario]
			p[0] = i
			b.pairs[it.Scenario] = p
		case Endpoint:
			p := b.pairs[it.Scenario]
			p[1] = i
			b.pairs[it.Scenario] = p
		}
	}
	return b, nil
}

// Dir is a directory of bank files from outside the embedded bank (the
// -bank flag): its *.yaml files are read from the root of FS and named in
// errors as Name joined with their base name.
type Dir struct {
	FS   fs.FS  // the directory's files, e.g. os.DirFS(Name)
	Name string // the directory as the learner named it
}

// Load reads every *.yaml file in dir of fsys (the embedded bank: data.FS,
// "bank") and, merged with them, every *.yaml file in each extra directory,
// and builds one bank. File names in errors are dir-relative paths for fsys
// and Name-relative paths for extra directories. It returns an error for an
// unreadable or empty directory and a Problems error (wrapping ErrBank) for
// any lint problem.
func Load(fsys fs.FS, dir string, extra ...Dir) (*Bank, error) {
	files, err := ReadDir(fsys, dir, dir)
	if err != nil {
		return nil, err
	}
	for _, d := range extra {
		more, err := ReadDir(d.FS, ".", d.Name)
		if err != nil {
			return nil, err
		}
		files = append(files, more...)
	}
	return NewBank(files)
}

// ReadDir reads the *.yaml files in dir of fsys, in name order, naming each
// File prefix joined with its base name. It returns an error when dir cannot
// be read or holds no *.yaml file.
func ReadDir(fsys fs.FS, dir, prefix string) ([]File, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("quiz: read bank %s: %w", prefix, err)
	}
	var files []File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("quiz: read bank %s: %w", prefix, err)
		}
		files = append(files, File{Name: filepath.ToSlash(filepath.Join(prefix, e.Name())), Data: data})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("quiz: read bank %s: no *.yaml files", prefix)
	}
	return files, nil
}
