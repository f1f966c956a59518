package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/workspace/challenge"
)

// handleWorkshopQR draws the join URL as a QR code (SVG) for the projector.
func (s *server) handleWorkshopQR(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.hostRoom(w, r)
	if !ok {
		return
	}
	q, err := qrcode.New(s.baseURL(r) + "/join/" + rm.workshop().Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sw := &svgWriter{}
	if err := q.Save(sw); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(sw.buf.Bytes())
}

// svgWriter is a qrcode.Writer that draws the matrix as one SVG path with
// a four-module quiet zone.
type svgWriter struct{ buf bytes.Buffer }

func (sw *svgWriter) Write(m qrcode.Matrix) error {
	const quiet = 4
	size := m.Width() + 2*quiet
	fmt.Fprintf(&sw.buf, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, size, size)
	fmt.Fprintf(&sw.buf, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	m.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		if v.IsSet() {
			fmt.Fprintf(&sw.buf, "M%d %dh1v1h-1z", x+quiet, y+quiet)
		}
	})
	sw.buf.WriteString(`"/></svg>`)
	return nil
}

func (sw *svgWriter) Close() error { return nil }

// csvCell keeps a spreadsheet from running a participant's name as a
// formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeCSV sends rows as a CSV download.
func (s *server) writeCSV(w http.ResponseWriter, r *http.Request, name string, rows [][]string) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.dropped(r, err)
	}
}

// roundLabel names a round in the exports.
func (s *server) roundLabel(rd store.WorkshopRound) (id, title string) {
	if rd.Kind == store.RoundRace {
		c, _ := challenge.ByID(rd.ChallengeID)
		return rd.ChallengeID, c.Title
	}
	it, _ := s.bank.Item(rd.ItemID)
	return rd.ItemID, questionStem(it)
}

// handleWorkshopResults is results.csv: one row per participant per round.
func (s *server) handleWorkshopResults(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.hostRoom(w, r)
	if !ok {
		return
	}
	rows := [][]string{{"round", "kind", "id", "participant", "answer", "correct", "points", "elapsed_ms", "received_at", "status"}}
	rm.mu.RLock()
	for _, rd := range rm.st.Rounds {
		id, _ := s.roundLabel(rd)
		for _, seat := range rm.st.Seats {
			x, answered := rm.resp[rd.N][seat.ID]
			row := []string{strconv.Itoa(rd.N + 1), rd.Kind, id, seat.Name, "", "", "0", "", "", roundStatus(rd.State)}
			if answered {
				row[4], row[5] = x.Choice, strconv.FormatBool(x.Correct)
				if rd.State == store.RoundRevealed {
					// the points the leaderboard counted (rank)
					row[6] = strconv.Itoa(x.Points)
				}
				row[7], row[8] = strconv.FormatInt(x.ElapsedMS, 10), x.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000Z")
			}
			if seat.Kicked {
				row[9] = "removed"
			}
			rows = append(rows, row)
		}
	}
	code := rm.st.Workshop.Code
	rm.mu.RUnlock()
	s.writeCSV(w, r, "workshop-"+code+"-results.csv", rows)
}

// handleWorkshopSummary is summary.csv: per round, the right share, the
// average time and the distribution.
func (s *server) handleWorkshopSummary(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.hostRoom(w, r)
	if !ok {
		return
	}
	rows := [][]string{{"round", "kind", "id", "question", "state", "answered", "right", "right_share_pct", "avg_ms", "distribution", "common_wrong"}}
	rm.mu.RLock()
	for _, rd := range rm.st.Rounds {
		id, title := s.roundLabel(rd)
		var options []string
		if it, ok := s.bank.Item(rd.ItemID); ok && rd.Kind == store.RoundQuestion {
			options = it.Options
		}
		var rs []quiz.Response
		for _, x := range rm.resp[rd.N] {
			rs = append(rs, quiz.Response{Choice: x.Choice, Correct: x.Correct, ElapsedMS: x.ElapsedMS})
		}
		st := quiz.Difficulty(options, rs)
		var dist []string
		for i, o := range options {
			dist = append(dist, fmt.Sprintf("%s=%d", o, st.Counts[i]))
		}
		if rd.Kind == store.RoundRace {
			dist = []string{fmt.Sprintf("solved=%d", st.Right)}
		}
		rows = append(rows, []string{strconv.Itoa(rd.N + 1), rd.Kind, id, title, roundStatus(rd.State), strconv.Itoa(st.Answered), strconv.Itoa(st.Right),
			strconv.Itoa(st.RightShare), strconv.FormatInt(st.AvgMS, 10), strings.Join(dist, "; "), st.CommonWrong})
	}
	code := rm.st.Workshop.Code
	rm.mu.RUnlock()
	s.writeCSV(w, r, "workshop-"+code+"-summary.csv", rows)
}
