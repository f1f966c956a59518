package web

import (
	"net/http"

	"github.com/jobs-api-trainer/trainer/lessons"
	"github.com/jobs-api-trainer/trainer/templates"
)

// The trainer has one lesson; drills, progress and the home page link into
// its sections.
const (
	lessonSlug = "jobs-api"
	lessonPath = "/lessons/" + lessonSlug
)

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
	s.render(w, r, http.StatusOK, templates.Lesson(templates.LessonView{
		Meta:     s.meta(r, l.Title, "lesson"),
		Title:    l.Title,
		HTML:     l.HTML,
		Sections: sectionLinks(l.Sections),
	}))
}
