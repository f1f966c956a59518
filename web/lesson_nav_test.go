package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestEveryLessonIsReachable: the home page lists every lesson with its
// sections, each lesson lists the others with itself marked, and each but
// the last ends with a link to the next (the second lesson was reachable
// only from /progress and drill feedback).
func TestEveryLessonIsReachable(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	all := testLessons(t).All()
	if len(all) < 2 {
		t.Fatalf("%d lessons: the test needs two", len(all))
	}
	home := a.get("/")
	links := home.doc().Find(`[data-testid="home-lesson"]`)
	if links.Length() != len(all) {
		t.Fatalf("home lists %d lessons, want %d", links.Length(), len(all))
	}
	for i, l := range all {
		url := "/lessons/" + l.Slug
		if href := links.Eq(i).AttrOr("href", ""); href != url {
			t.Errorf("home lesson %d links %q, want %q", i+1, href, url)
		}
		// Every section of every lesson, in the lesson's own page.
		for _, s := range l.Sections {
			if home.doc().Find(`[data-testid="home-lessons"] a[href="`+url+`#`+s.ID+`"]`).Length() != 1 {
				t.Errorf("home does not link %s#%s", url, s.ID)
			}
		}
		page := a.get(url)
		if page.status != http.StatusOK {
			t.Fatalf("%s: %d", url, page.status)
		}
		list := page.doc().Find(`[data-testid="lesson-list"] a`)
		if list.Length() != len(all) {
			t.Errorf("%s lists %d lessons, want %d", url, list.Length(), len(all))
		}
		if cur := page.doc().Find(`[data-testid="lesson-list"] a[aria-current="page"]`); cur.AttrOr("href", "") != url {
			t.Errorf("%s marks %q as the current lesson", url, cur.AttrOr("href", ""))
		}
		next := page.doc().Find(`[data-testid="next-lesson"]`)
		if i+1 < len(all) {
			want := "/lessons/" + all[i+1].Slug
			if next.AttrOr("href", "") != want || !strings.Contains(next.Text(), all[i+1].Title) {
				t.Errorf("%s ends with next %q %q, want %s", url, next.AttrOr("href", ""), next.Text(), want)
			}
		} else if next.Length() != 0 {
			t.Errorf("the last lesson links a next one: %q", next.AttrOr("href", ""))
		} else if done := page.doc().Find(`[data-testid="lessons-done"] a`); done.Length() != 2 || done.Eq(0).AttrOr("href", "") != "/drill" || done.Eq(1).AttrOr("href", "") != "/exam" {
			t.Errorf("the last lesson ends without the way on (drill, exam): %d links", done.Length())
		}
	}
}
