package quiz

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// Problem is one lint finding at a line of a bank file.
type Problem struct {
	File string
	Line int
	Msg  string
}

// String formats the problem as `file:line: message`.
func (p Problem) String() string {
	if p.File == "" {
		return p.Msg
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// httpMethods are the words that make an option an HTTP call.
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}

// looksLikeCall reports whether s starts with an HTTP method and a space.
func looksLikeCall(s string) bool {
	m, _, ok := strings.Cut(s, " ")
	return ok && slices.Contains(httpMethods, m)
}

// IsEndpoint reports whether s is "METHOD /path" naming a real Jobs API
// endpoint of the catalogue (package jobsapi), under any API version it is
// served on; an optional ?query part is ignored.
func IsEndpoint(s string) bool {
	method, p, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return false
	}
	_, ok = jobsapi.Match(method, strings.TrimSpace(p))
	return ok
}

// Tags lists the tags an item may carry.
var Tags = []string{"api-2.1", "api-2.2", "legacy-cli", "exam"}

var idPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// optionRange is the allowed number of options per kind.
var optionRange = map[Kind][2]int{
	Endpoint: {4, 6},
	CLI:      {3, 6},
	Concept:  {3, 6},
	Multi:    {3, 6},
}

// Lint parses files as one bank and returns every problem, sorted by file
// and line. An empty result means the files would load.
func Lint(files []File) []Problem {
	_, probs := check(files)
	return probs
}

// check parses and lints files, returning the items in file order.
func check(files []File) ([]Item, []Problem) {
	var items []Item
	var probs []Problem
	for _, f := range files {
		its, ps := parseFile(f)
		items = append(items, its...)
		probs = append(probs, ps...)
	}
	for i := range items {
		probs = append(probs, lintItem(&items[i])...)
	}
	probs = append(probs, lintBank(items)...)
	fileIdx := map[string]int{}
	for i, f := range files {
		fileIdx[f.Name] = i
	}
	slices.SortStableFunc(probs, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(fileIdx[a.File], fileIdx[b.File]), cmp.Compare(a.Line, b.Line))
	})
	return items, probs
}

// lintItem checks the rules that concern one item alone. It also sets a
// classify item's Options.
func lintItem(it *Item) []Problem {
	var probs []Problem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, Problem{File: it.File, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case it.ID == "":
		bad(it.Line, "missing id")
	case !idPattern.MatchString(it.ID):
		bad(it.line("id"), "id %q must match [a-z0-9-]+", it.ID)
	}
	topic, topicOK := TopicByID(it.Topic)
	switch {
	case it.Topic == "":
		bad(it.Line, "missing topic")
	case !topicOK:
		bad(it.line("topic"), "unknown topic %q", it.Topic)
	}
	switch {
	case it.Anchor == "":
		bad(it.Line, "missing anchor")
	case slices.Contains(SharedAnchors, it.Anchor):
	case !knownAnchor(it.Anchor):
		bad(it.line("anchor"), "unknown anchor %q", it.Anchor)
	case topicOK && it.Anchor != topic.Anchor:
		bad(it.line("anchor"), "anchor %q does not belong to topic %s (want %q, \"#takeaways\" or \"#recall\")", it.Anchor, it.Topic, topic.Anchor)
	}
	if it.Stem == "" {
		bad(it.line("stem"), "missing stem")
	}
	if it.Explanation == "" {
		bad(it.line("explanation"), "missing explanation")
	}
	switch {
	case it.Source == "":
		bad(it.Line, "missing source (a URL or owner/repo/path where the key was checked)")
	case !sourcePattern.MatchString(it.Source):
		bad(it.line("source"), "source %q is not a URL or owner/repo/path", it.Source)
	}
	if versionDependent.MatchString(itemText(it)) && !namesCLIVersion.MatchString(it.Stem) {
		bad(it.line("stem"), "the answer depends on the CLI version (%s): name the version in the stem", versionDependent.FindString(itemText(it)))
	}
	for _, tag := range it.Tags {
		if !slices.Contains(Tags, tag) {
			bad(it.line("tags"), "unknown tag %q (want one of %s)", tag, strings.Join(Tags, ", "))
		}
	}
	seen := map[string]bool{}
	for i, o := range it.Options {
		switch {
		case o == "":
			bad(it.opt[i], "empty option")
		case seen[o]:
			bad(it.opt[i], "duplicate option %q", o)
		}
		seen[o] = true
	}

	switch it.Kind {
	case "":
		bad(it.Line, "missing kind")
		return probs
	case Classify:
		if it.Options != nil {
			bad(it.line("options"), "classify items take no options (they are always job and run)")
		}
		it.Options = ClassifyOptions
		if it.Key != "job" && it.Key != "run" {
			bad(it.line("key"), "classify key must be job or run, not %q", it.Key)
		}
	case Endpoint, CLI, Concept, Multi:
		r := optionRange[it.Kind]
		if n := len(it.Options); n < r[0] || n > r[1] {
			bad(it.line("options"), "%s items need %d-%d options, not %d", it.Kind, r[0], r[1], n)
		}
	default:
		bad(it.line("kind"), "unknown kind %q (want classify, endpoint, cli, concept or multi)", it.Kind)
		return probs
	}
	if (it.Kind == Classify || it.Kind == Endpoint) && it.Scenario == "" {
		bad(it.Line, "%s items need a scenario", it.Kind)
	}
	for i, o := range it.Options {
		switch {
		case it.Kind == Endpoint && !IsEndpoint(o):
			bad(it.opt[i], "endpoint option %q is not a real Jobs API endpoint", o)
		case it.Kind == CLI && looksLikeCall(o) && !IsEndpoint(o):
			bad(it.opt[i], "option %q is not a real Jobs API endpoint", o)
		}
	}
	if it.Kind == Multi {
		if it.Key != "" {
			bad(it.line("key"), "multi items take keys, not key")
		}
		if len(it.Keys) < 2 {
			bad(it.line("keys"), "multi items need at least two keys")
		}
		dup := map[string]bool{}
		for _, k := range it.Keys {
			if dup[k] {
				bad(it.line("keys"), "duplicate key %q", k)
			}
			dup[k] = true
			if !slices.Contains(it.Options, k) {
				bad(it.line("keys"), "key %q is not among the options", k)
			}
		}
		return probs
	}
	if it.Keys != nil {
		bad(it.line("keys"), "only multi items take keys")
	}
	if it.Kind != Classify {
		switch {
		case it.Key == "":
			bad(it.Line, "missing key")
		case !slices.Contains(it.Options, it.Key):
			bad(it.line("key"), "key %q is not among the options", it.Key)
		default:
			if longest := longestDistractor(*it); longest > 0 && len(it.Key)*10 > longest*maxKeyRatio10 && len(it.Key)-longest >= minKeyExcess {
				bad(it.line("key"), "key is %.2fx as long as the longest distractor (at most %.1fx): its length gives it away", float64(len(it.Key))/float64(longest), float64(maxKeyRatio10)/10)
			}
		}
	}
	return probs
}

// sourcePattern is what a source names: a URL, or a repository path such
// as databricks/cli/cmd/workspace/jobs/jobs.go.
var sourcePattern = regexp.MustCompile(`^(https?://\S+|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/\S+)$`)

// versionDependent matches CLI behaviour that differs between CLI
// versions: --limit (a client-side cap only in newer CLIs), the hidden
// --page-size, and the legacy --job-id / runs forms the current CLI rejects.
var versionDependent = regexp.MustCompile(`--limit\b|--page-size\b|jobs (?:get|run-now) --job-id|databricks runs \w`)

// namesCLIVersion matches a stem that says which CLI it means.
var namesCLIVersion = regexp.MustCompile(`(?i)\bv\d+\.\d+|\bversion \d+\.\d+|\bCLI \d+\.\d+|\blegacy CLI\b`)

// maxKeyRatio10 is ten times the most a key may outgrow its longest
// distractor (1.4x).
const maxKeyRatio10 = 14

// minKeyExcess is how many characters longer than its longest distractor
// a key must be before its length counts as a cue ("100" next to "20" is
// not one).
const minKeyExcess = 8

// itemText is an item's stem, options and keys, one per line.
func itemText(it *Item) string {
	return strings.Join(append(append([]string{it.Stem, it.Key}, it.Options...), it.Keys...), "\n")
}

// longestDistractor is the length of the longest option that is not the
// key (0 if there is none).
func longestDistractor(it Item) int {
	n := 0
	for _, o := range it.Options {
		if o != it.Key {
			n = max(n, len(o))
		}
	}
	return n
}

// keyUniquelyLongest reports whether a single-answer item's key is longer
// than every other option.
func keyUniquelyLongest(it Item) bool {
	return it.Key != "" && slices.Contains(it.Options, it.Key) && len(it.Key) > longestDistractor(it)
}

// lengthCueKinds are the kinds whose option lengths are checked for give-aways.
var lengthCueKinds = []Kind{Concept, CLI, Endpoint}

// Give-away limits across the bank: a kind with at least minLengthCueItems
// items may have the uniquely longest option as key in at most
// maxLongestKeyShare of them (chance, with four options, is about 25%).
const (
	minLengthCueItems  = 10
	maxLongestKeyShare = 0.40
)

// normStem is a stem as compared for duplicates: lower case, punctuation
// and runs of space folded to one space.
func normStem(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// RepeatedOptionSets returns the ids of items that share the very same set
// of options (order ignored), one group per set, in bank order. Lint
// reports them as notes: a repeated set lets a learner answer by shape.
func RepeatedOptionSets(items []Item) [][]string {
	groups := map[string][]string{}
	var order []string
	for _, it := range items {
		if it.Kind == Classify || len(it.Options) == 0 {
			continue
		}
		opts := slices.Clone(it.Options)
		slices.Sort(opts)
		k := strings.Join(opts, "\x00")
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], it.ID)
	}
	var out [][]string
	for _, k := range order {
		if len(groups[k]) > 1 {
			out = append(out, groups[k])
		}
	}
	return out
}

// lintLengthCues checks, per kind, how often the key is the uniquely
// longest option.
func lintLengthCues(items []Item) []Problem {
	var probs []Problem
	for _, k := range lengthCueKinds {
		var all, longest []*Item
		for i := range items {
			if items[i].Kind == k {
				all = append(all, &items[i])
				if keyUniquelyLongest(items[i]) {
					longest = append(longest, &items[i])
				}
			}
		}
		if len(all) < minLengthCueItems || float64(len(longest)) <= maxLongestKeyShare*float64(len(all)) {
			continue
		}
		ids := make([]string, 0, len(longest))
		for _, it := range longest {
			ids = append(ids, it.ID)
		}
		first := all[0]
		probs = append(probs, Problem{first.File, first.Line, fmt.Sprintf("%d of %d %s items (%.0f%%) have the uniquely longest option as key (at most %.0f%%): %s",
			len(longest), len(all), k, 100*float64(len(longest))/float64(len(all)), 100*maxLongestKeyShare, strings.Join(ids, ", "))})
	}
	return probs
}

func knownAnchor(a string) bool {
	for _, t := range Topics {
		if t.Anchor == a {
			return true
		}
	}
	return false
}

// lintBank checks the rules across items: unique ids and stems, and
// classify/endpoint scenario pairs.
func lintBank(items []Item) []Problem {
	var probs []Problem
	ids := map[string]*Item{}
	stems := map[string]*Item{}
	type pair struct{ classify, endpoint []*Item }
	scen := map[string]*pair{}
	var order []string
	for i := range items {
		it := &items[i]
		if it.ID != "" {
			if first, ok := ids[it.ID]; ok {
				probs = append(probs, Problem{it.File, it.line("id"), fmt.Sprintf("duplicate id %q (first at %s:%d)", it.ID, first.File, first.line("id"))})
			} else {
				ids[it.ID] = it
			}
		}
		if s := normStem(it.Stem); s != "" {
			if first, ok := stems[s]; ok {
				probs = append(probs, Problem{it.File, it.line("stem"), fmt.Sprintf("duplicate stem (same as %s at %s:%d)", first.ID, first.File, first.line("stem"))})
			} else {
				stems[s] = it
			}
		}
		if it.Scenario != "" && (it.Kind == Classify || it.Kind == Endpoint) {
			p := scen[it.Scenario]
			if p == nil {
				p = &pair{}
				scen[it.Scenario] = p
				order = append(order, it.Scenario)
			}
			if it.Kind == Classify {
				p.classify = append(p.classify, it)
			} else {
				p.endpoint = append(p.endpoint, it)
			}
		}
	}
	probs = append(probs, lintLengthCues(items)...)
	for _, s := range order {
		p := scen[s]
		for _, extra := range p.classify[min(1, len(p.classify)):] {
			probs = append(probs, Problem{extra.File, extra.line("scenario"), fmt.Sprintf("scenario %q already has classify item %s", s, p.classify[0].ID)})
		}
		for _, extra := range p.endpoint[min(1, len(p.endpoint)):] {
			probs = append(probs, Problem{extra.File, extra.line("scenario"), fmt.Sprintf("scenario %q already has endpoint item %s", s, p.endpoint[0].ID)})
		}
		switch {
		case len(p.endpoint) == 0:
			c := p.classify[0]
			probs = append(probs, Problem{c.File, c.line("scenario"), fmt.Sprintf("classify item %s has no endpoint item with scenario %q", c.ID, s)})
		case len(p.classify) == 0:
			e := p.endpoint[0]
			probs = append(probs, Problem{e.File, e.line("scenario"), fmt.Sprintf("endpoint item %s has no classify item with scenario %q", e.ID, s)})
		}
	}
	return probs
}

// LintCommand implements `bank lint [FILES...]`. With no files it lints the
// *.yaml files in directory "bank" of fsys (the embedded bank) and, when
// fsys has one, the exam blueprint at BlueprintPath against that bank. With
// files it lints exactly those, each read with readFile (os.ReadFile for
// the command line; unused without files) and named as given: files named
// blueprint.yaml (or *-blueprint.yaml) as exam blueprints, checked against
// the other files as one bank, or against the embedded bank when only
// blueprints are given; the rest as one bank. It writes per-kind and
// per-topic counts, then each problem as `file:line: message`, to stdout,
// and returns an error when a file cannot be read or there were problems.
func LintCommand(stdout io.Writer, fsys fs.FS, readFile func(name string) ([]byte, error), files []string) error {
	var in, blueprints []File
	if len(files) == 0 {
		var err error
		if in, err = ReadDir(fsys, "bank", "bank"); err != nil {
			return err
		}
		if data, err := fs.ReadFile(fsys, BlueprintPath); err == nil {
			blueprints = append(blueprints, File{Name: BlueprintPath, Data: data})
		}
	}
	for _, name := range files {
		data, err := readFile(name)
		if err != nil {
			return fmt.Errorf("quiz: bank lint: %w", err)
		}
		if isBlueprintName(name) {
			blueprints = append(blueprints, File{Name: name, Data: data})
			continue
		}
		in = append(in, File{Name: name, Data: data})
	}
	var probs []Problem
	if len(in) > 0 {
		var items []Item
		items, probs = check(in)
		writeCounts(stdout, items, len(in))
		if reps := RepeatedOptionSets(items); len(reps) > 0 {
			fmt.Fprintf(stdout, "repeated option sets: %d (notes, not errors)\n", len(reps))
			for _, g := range reps {
				fmt.Fprintf(stdout, "  note: same options: %s\n", strings.Join(g, ", "))
			}
		}
	}
	if len(blueprints) > 0 {
		bankFiles := in
		if len(bankFiles) == 0 {
			var err error
			if bankFiles, err = ReadDir(fsys, "bank", "bank"); err != nil {
				return err
			}
		}
		b, _ := NewBank(bankFiles) // nil when the bank has problems: they are listed above
		for _, f := range blueprints {
			bp, ps := ParseBlueprint(f, b)
			probs = append(probs, ps...)
			if len(ps) == 0 {
				fmt.Fprintf(stdout, "blueprint %s: %d topics, lengths %v (default %d), %g min per question, pass %d%%\n",
					f.Name, len(bp.Topics), bp.Lengths, bp.DefaultLength, bp.MinutesPerQuestion, bp.PassPercent)
			}
		}
	}
	for _, p := range probs {
		fmt.Fprintln(stdout, p)
	}
	if len(probs) > 0 {
		return fmt.Errorf("quiz: bank lint: %d problem(s)", len(probs))
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// isBlueprintName reports whether a file given to LintCommand is an exam
// blueprint rather than a bank file.
func isBlueprintName(name string) bool {
	base := path.Base(filepath.ToSlash(name))
	return base == "blueprint.yaml" || strings.HasSuffix(base, "-blueprint.yaml")
}

func writeCounts(w io.Writer, items []Item, files int) {
	kinds := map[Kind]int{}
	topics := map[string]int{}
	scenarios := map[string]bool{}
	for _, it := range items {
		kinds[it.Kind]++
		topics[it.Topic]++
		if it.Kind == Classify {
			scenarios[it.Scenario] = true
		}
	}
	fmt.Fprintf(w, "%d items in %d file(s), %d scenario pairs\n", len(items), files, len(scenarios))
	fmt.Fprintln(w, "by kind:")
	for _, k := range Kinds {
		fmt.Fprintf(w, "  %-14s %4d\n", k, kinds[k])
		delete(kinds, k)
	}
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		fmt.Fprintf(w, "  %-14s %4d (unknown kind)\n", k, kinds[k])
	}
	fmt.Fprintln(w, "by topic:")
	for _, t := range Topics {
		fmt.Fprintf(w, "  %-14s %4d\n", t.ID, topics[t.ID])
		delete(topics, t.ID)
	}
	for _, t := range slices.Sorted(maps.Keys(topics)) {
		fmt.Fprintf(w, "  %-14s %4d (unknown topic)\n", t, topics[t])
	}
}
