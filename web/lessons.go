package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/lessons"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// lessonLinks lists every lesson in order, marking current (a slug; ""
// for none), and returns the one after current (nil for the last, or for
// none).
func (s *server) lessonLinks(current string, withSections bool) (all []templates.LessonLink, next *templates.LessonLink) {
	ls := s.lessons.All()
	for i, l := range ls {
		link := templates.LessonLink{Title: l.Title, URL: "/lessons/" + l.Slug, Current: l.Slug == current}
		if withSections {
			link.Sections = sectionLinks(l.Sections)
		}
		all = append(all, link)
		if l.Slug == current && i+1 < len(ls) {
			next = &templates.LessonLink{Title: ls[i+1].Title, URL: "/lessons/" + ls[i+1].Slug}
		}
	}
	return all, next
}

func sectionLinks(secs []lessons.Section) []templates.SectionLink {
	out := make([]templates.SectionLink, len(secs))
	for i, s := range secs {
		out[i] = templates.SectionLink{ID: s.ID, Title: s.Title}
	}
	return out
}

func (s *server) handleLessonShow(w http.ResponseWriter, r *http.Request) {
	l, err := s.lessons.Get(r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	guesses := map[int]string{}
	if lr, ok := learnerFrom(r.Context()); ok {
		if guesses, err = s.db.Predictions(r.Context(), lr.ID, l.Slug); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v := templates.LessonView{
		Meta:     s.meta(r, l.Title, "lesson"),
		Title:    l.Title,
		Slug:     l.Slug,
		Sections: sectionLinks(l.Sections),
		Predicts: l.Predicts,
	}
	v.Lessons, v.Next = s.lessonLinks(l.Slug, false)
	opened := false // whether the previous piece's prompt has a guess
	for _, p := range l.Pieces {
		html := p.HTML
		// A prompt the learner has predicted shows its answer open.
		if rest, ok := strings.CutPrefix(html, `<details class="reveal">`); ok && opened {
			html = `<details class="reveal" open>` + rest
		}
		piece := templates.LessonPiece{HTML: html}
		opened = false
		if p.Predict > 0 {
			g, ok := guesses[p.Predict]
			opened = ok
			if ok {
				v.Predicted++
			}
			piece.Predict = &templates.PredictView{N: p.Predict, Guess: g,
				Action: "/lessons/" + l.Slug + "/predictions/" + strconv.Itoa(p.Predict)}
		}
		v.Pieces = append(v.Pieces, piece)
	}
	s.render(w, r, http.StatusOK, templates.Lesson(v))
}

// handleLessonPredict records the learner's guess for one predict prompt
// and goes back to it, where the answer now shows.
func (s *server) handleLessonPredict(w http.ResponseWriter, r *http.Request) {
	l, err := s.lessons.Get(r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > l.Predicts {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	guess := strings.TrimSpace(r.PostFormValue("guess"))
	if guess == "" {
		s.fail(w, r, badRequest{"Write down your prediction first: the answer opens once it is recorded."})
		return
	}
	lr, _ := learnerFrom(r.Context())
	if err := s.db.SavePrediction(r.Context(), lr.ID, l.Slug, n, guess, s.now()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/lessons/"+l.Slug+"#predict-"+strconv.Itoa(n), http.StatusSeeOther)
}
