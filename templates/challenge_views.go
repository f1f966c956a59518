package templates

// ChallengeListView is the challenges page: every challenge with the
// learner's standing.
type ChallengeListView struct {
	Meta     PageMeta
	Items    []ChallengeItem
	Solved   int
	Score    int // sum of best scores
	MaxScore int // what solving all without help would give
}

// ChallengeItem is one row of the challenge list.
type ChallengeItem struct {
	ID, Title, Goal, Href  string
	Status                 string // "", "started", "solved"
	StatusLabel            string
	Score                  int
	SectionTitle, LessonTo string
}

// ChallengeView is one challenge page; ChallengeBody is its htmx fragment.
type ChallengeView struct {
	Meta         PageMeta
	ID           string
	Title, Goal  string
	SectionTitle string
	LessonTo     string // /lessons/jobs-api#anchor
	SandboxURL   string // the console on the endpoint the challenge practises
	Status       string // "started" or "solved"
	StatusLabel  string
	StartedAt    string
	Score        int // best so far
	MaxScore     int
	Potential    int // what a pass earns now
	HintCost     int
	AnswerLabel  string // non-empty: the form asks for an answer
	Answer       string // the last answer sent, to refill the field
	Hints        []string
	HintsTotal   int
	SolutionSeen bool
	Curl, CLI    string
	Checks       int
	Last         *ChallengeCheckView // the latest check, nil before the first
}

// ChallengeCheckView is the verdict of one check.
type ChallengeCheckView struct {
	Passed bool
	Reason string
}
