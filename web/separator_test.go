package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// tightDot finds a "·" separator with no space on one side ("answers· 0",
// "Priya ·Team"): templ drops the space at the end of a text line.
var tightDot = regexp.MustCompile(`\S·|·\S`)

// TestSeparatorsHaveSpaces reads the pages that join items with "·" and
// finds none glued to its neighbour.
func TestSeparatorsHaveSpaces(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.act()
	tokenFromPage(t, a)
	// A player's screen in a running workshop, with a score.
	base, code := a.createWorkshop(url.Values{"title": {"Team quiz"}, "count": {"2"}, "seconds": {"0"}})
	player := a.otherLearner()
	player.joinAs(code, "Priya")
	a.host(base, "next")
	player.answer(code, 0, 0)
	a.host(base, "reveal")
	for _, p := range []string{"/", "/progress", "/drill", "/drill/items", "/exam", "/sandbox", "/sandbox/picture", "/sandbox/challenges", "/lessons/jobs-api", "/workshops", "player:/join/" + code} {
		var r resp
		if pp, ok := strings.CutPrefix(p, "player:"); ok {
			r = player.get(pp)
		} else {
			r = a.get(p)
		}
		if r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
		text := r.doc().Find("main").Text()
		if m := tightDot.FindAllStringIndex(text, 3); m != nil {
			for _, at := range m {
				lo, hi := max(0, at[0]-20), min(len(text), at[1]+20)
				t.Errorf("%s: a separator without its space: %q", p, text[lo:hi])
			}
		}
	}
}
