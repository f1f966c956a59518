package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/templates"
)

// stemRunes is how much of a stem the item list shows.
const stemRunes = 90

var stageLabels = map[quiz.Stage]string{
	quiz.StageNew:      "new",
	quiz.StageLearning: "learning",
	quiz.StageYoung:    "young",
	quiz.StageMature:   "mature",
}

// truncate cuts s to n runes, ending with an ellipsis when it was cut.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func itemsURL(topic string) string {
	if topic == "" {
		return "/drill/items"
	}
	return "/drill/items?topic=" + url.QueryEscape(topic)
}

// handleDrillItems lists the bank's items (one topic with ?topic=) with
// the learner's card state; a visitor without a learner sees every item new.
func (s *server) handleDrillItems(w http.ResponseWriter, r *http.Request) {
	topic := r.URL.Query().Get("topic")
	if err := validTopic(topic); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	cards, err := s.db.Cards(ctx, l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	suspended, err := s.db.Suspended(ctx, l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	v := templates.DrillItemsView{Meta: s.meta(r, "Drill items", "drill"), Topic: topic}
	v.Meta.Description = "Every drill item with its card state and next due date; suspend the ones you do not want asked."
	for _, id := range append([]string{""}, topicIDs()...) {
		v.Topics = append(v.Topics, templates.DrillTopicChoice{ID: id, Title: topicTitle(id), Selected: id == topic})
	}
	for _, it := range s.bank.Items() {
		if topic != "" && it.Topic != topic {
			continue
		}
		c := cards[it.ID]
		row := templates.DrillItemRow{
			ID:          it.ID,
			Stem:        truncate(it.Stem, stemRunes),
			FullStem:    it.Stem,
			KindLabel:   kindLabels[it.Kind],
			TopicTitle:  topicTitle(it.Topic),
			Stage:       stageLabels[c.Stage()],
			Lapses:      int(c.Lapses),
			Misses:      c.Misses,
			Leech:       c.IsLeech(),
			LessonURL:   lessonURL(it),
			LessonTitle: s.sectionTitle(it),
			Suspended:   suspended[it.ID],
		}
		if c.Seen() {
			row.NextDue = whenDue(now, c.Due)
		}
		base := "/drill/items/" + url.PathEscape(it.ID)
		if row.Suspended {
			row.SuspendURL, row.SuspendLabel = base+"/unsuspend", "Unsuspend"
			v.Suspended++
		} else {
			row.SuspendURL, row.SuspendLabel = base+"/suspend", "Suspend"
		}
		v.Items = append(v.Items, row)
	}
	s.render(w, r, http.StatusOK, templates.DrillItems(v))
}

func (s *server) handleSuspend(w http.ResponseWriter, r *http.Request)   { s.setSuspended(w, r, true) }
func (s *server) handleUnsuspend(w http.ResponseWriter, r *http.Request) { s.setSuspended(w, r, false) }

// setSuspended suspends or unsuspends {id} for the learner and sends them
// back to the list (the topic of the form's filter) with a flash.
func (s *server) setSuspended(w http.ResponseWriter, r *http.Request, on bool) {
	if !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	it, ok := s.bank.Item(id)
	if !ok {
		s.fail(w, r, badRequest{fmt.Sprintf("There is no drill item %q.", truncate(id, 60))})
		return
	}
	topic := r.PostFormValue("topic")
	if err := validTopic(topic); err != nil {
		s.fail(w, r, err)
		return
	}
	l, _ := learnerFrom(r.Context())
	var err error
	flash := "Suspended: “" + truncate(it.Stem, 60) + "” is not asked until you unsuspend it."
	if on {
		err = s.db.Suspend(r.Context(), l.ID, id, s.now())
	} else {
		err = s.db.Unsuspend(r.Context(), l.ID, id)
		flash = "Unsuspended: “" + truncate(it.Stem, 60) + "” comes back in the drill."
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, itemsURL(topic)+"#item-"+id, flash)
}
