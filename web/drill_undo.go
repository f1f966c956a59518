package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/jobs-api-trainer/trainer/store"
)

func undoURL(sid int64) string { return sessionURL(sid) + "/undo" }

// handleDrillUndo takes back the session's last answer (issue 16): the
// attempt is removed and the item's card restored as it was, so the item
// is asked again. Then it sends the learner back to the session.
func (s *server) handleDrillUndo(w http.ResponseWriter, r *http.Request) {
	sid, err := sessionIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	sess, err := s.db.DrillSession(ctx, l.ID, sid)
	if err != nil {
		s.fail(w, r, err) // another learner's session: 404
		return
	}
	if !sess.EndedAt.IsZero() {
		s.fail(w, r, badRequest{"This drill session has ended, so its answers can no longer be undone. Start a new one from the drill page."})
		return
	}
	a, err := s.db.UndoLastAnswer(ctx, l.ID, sid)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, badRequest{"There is no answer to undo in this drill session yet."})
		return
	case errors.Is(err, store.ErrNoPriorCard):
		s.fail(w, r, badRequest{"The last answer was recorded before undo was available, so it cannot be undone."})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	flash := "Answer undone. Answer the question again."
	if it, ok := s.bank.Item(a.ItemID); ok {
		// the flash is plain text: no Markdown backticks
		flash = "Answer undone: “" + truncate(strings.ReplaceAll(it.Stem, "`", ""), 60) + "” is asked again."
	}
	s.redirectFlash(w, r, sessionURL(sid), flash)
}
