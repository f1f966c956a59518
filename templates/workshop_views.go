package templates

// WorkshopsView is /workshops: host a workshop, join one, and the
// workshops this learner hosts.
type WorkshopsView struct {
	Meta   PageMeta
	Hosted []WorkshopLink
}

// WorkshopLink is one hosted workshop in a list.
type WorkshopLink struct {
	Title, Code, Href, State string
}

// Choice is one checkbox of a form.
type Choice struct {
	Value, Label string
	Checked      bool
}

// WorkshopNewView is the form that creates a workshop.
type WorkshopNewView struct {
	Meta PageMeta
	// CreateID makes the form's POST idempotent: a double click or a resent
	// form opens the workshop the first one created.
	CreateID string
	Title    string
	Topics   []Choice
	Items    string // hand-picked item ids, one per line or comma-separated
	Count    int
	Seconds  int
	Scoring  string
	// CountAsDrill makes every participant's first answer to a question
	// count as a drill attempt (spaced-repetition card and history).
	CountAsDrill bool
	Challenges   []Choice
	Errors       map[string]string
}

// WorkshopHostView is the host's projector screen.
type WorkshopHostView struct {
	Meta PageMeta
	// HostURL is the secret host link (with its key), shown once, folded
	// away, on the first host screen after creation or after the link was
	// opened ("" otherwise). It is never part of HostLive, which the
	// partials and the event stream re-render.
	HostURL string
	// NewLinkURL replaces the host link with a new one (POST), for a host
	// who lost it: the old one stops working.
	NewLinkURL string
	Live       HostLive
}

// HostLive is the live part of the host screen, re-rendered on every
// change (SSE, or polling without it).
type HostLive struct {
	ID      int64
	Title   string
	Code    string
	JoinURL string
	// LocalOnly is the host name of JoinURL when it is a loopback address
	// (127.0.0.1, localhost, ::1) that phones cannot reach; "" otherwise.
	LocalOnly   string
	QRURL       string
	StateURL    string
	EventsURL   string
	Phase       string // lobby, question, closed, revealed, race, race-closed, race-revealed, ended
	Round       int    // 1-based
	Rounds      int
	Answered    int
	Total       int
	ClosesAtMS  int64 // deadline, Unix ms (0 untimed or not open)
	RemainingS  int
	Question    *HostQuestion
	Race        *RaceBoard
	Seats       []SeatRow
	Board       []BoardRow // leaderboard (top 10)
	Podium      []BoardRow
	Difficulty  []DifficultyRow
	ResultsCSV  string
	SummaryCSV  string
	ActionsBase string // POST target prefix: ActionsBase + "next" ...
	Error       string
}

// HostQuestion is the question on the host screen.
type HostQuestion struct {
	Topic       string
	Scenario    string
	Stem        string
	Options     []OptionBar
	Explanation string
	Revealed    bool
	Code        bool // options are code as a whole (endpoints, commands), as in the drill
}

// OptionBar is one option with its share of the answers (bar chart).
type OptionBar struct {
	Letter  string
	Text    string
	Count   int
	Percent int
	Correct bool
}

// RaceBoard is a sandbox race on the projector: who solved it, in order.
type RaceBoard struct {
	Title  string
	Goal   string
	Solves []SolveRow
}

// SolveRow is one solve of a race.
type SolveRow struct {
	Rank   int
	Name   string
	Time   string
	Points int
}

// SeatRow is one participant in the host's list.
type SeatRow struct {
	ID       int64
	Name     string
	Kicked   bool
	Answered bool
	KickURL  string
	AllowURL string
}

// BoardRow is one leaderboard line.
type BoardRow struct {
	Rank    int
	Name    string
	Score   int
	Correct int
	Me      bool
}

// DifficultyRow is how one round went.
type DifficultyRow struct {
	Round       int
	Title       string
	RightShare  int
	AvgTime     string
	CommonWrong string
	Code        bool // options are code as a whole (CommonWrong is one)
	Answered    int
	Skipped     bool   // not played or skipped: no figures
	Status      string // "scored", "skipped", "not played", "not revealed, not scored"
}

// JoinView is the join form.
type JoinView struct {
	Meta       PageMeta
	Code       string
	Name       string
	Error      string
	Suggestion string
}

// PlayView is a participant's page.
type PlayView struct {
	Meta      PageMeta
	ScriptURL string
	Live      PlayLive
}

// PlayLive is the live part of a participant's page.
type PlayLive struct {
	Code       string
	Title      string
	Name       string
	StateURL   string
	EventsURL  string
	AnswerURL  string
	CheckURL   string
	Phase      string // lobby, question, locked, closed, revealed, race, race-over, ended, kicked
	Round      int
	Rounds     int
	Seats      int
	ClosesAtMS int64
	RemainingS int
	Question   *PlayQuestion
	Result     *PlayResult
	Race       *PlayRace
	Podium     []BoardRow
	Rank       int
	Score      int
	Notice     string
	// Unscored, at the end, says which round this participant answered
	// that the workshop ended in before its reveal: it did not count.
	Unscored string
}

// PlayQuestion is the question on a participant's screen.
type PlayQuestion struct {
	N        int
	Scenario string
	Stem     string
	Options  []PlayOption
	Chosen   string
	Code     bool // options are code as a whole (endpoints, commands), as in the drill
}

// PlayOption is one answer button.
type PlayOption struct {
	Index  int
	Letter string
	Text   string
}

// PlayResult is a participant's reveal: right or wrong and where they stand.
type PlayResult struct {
	Answered    bool
	Correct     bool
	Chosen      string
	Right       string
	Explanation string
	Points      int
	Code        bool // options are code as a whole (Chosen and Right are options)
}

// PlayRace is a sandbox race on a participant's screen.
type PlayRace struct {
	Title       string
	Goal        string
	Host        string
	Token       string
	AnswerLabel string
	Solved      bool
	Time        string
	Reason      string
	Place       int
}

// endConfirm is the question the host's "End the workshop" asks first:
// ending cannot be undone, and a round not yet revealed then scores
// nothing (web's room.rank counts revealed rounds only).
func endConfirm(phase string) string {
	msg := "End the workshop for everyone? Phones and this screen go to the final standings, and it cannot be restarted."
	switch phase {
	case "question", "closed", "race", "race-closed":
		msg += " The round on screen is not revealed yet, so it scores nothing: reveal it first to count it."
	}
	return msg
}
