package templates

// DrillItemsView is the drill's item list (/drill/items): every item of
// the bank, or of one topic, with where the learner's card stands.
type DrillItemsView struct {
	Meta      PageMeta
	Topics    []DrillTopicChoice // "" (all) first; Selected marks the filter
	Topic     string             // the filter, "" for all
	Items     []DrillItemRow
	Suspended int // suspended items among Items
}

// DrillItemRow is one item of the list.
type DrillItemRow struct {
	ID           string
	Stem         string // truncated
	FullStem     string // for the title attribute
	KindLabel    string
	TopicTitle   string
	Stage        string // new, learning, young or mature
	NextDue      string // "" for a new card
	Lapses       int    // FSRS lapses: forgotten after review
	Misses       int    // wrong answers, ever
	Leech        bool
	LessonURL    string
	LessonTitle  string
	Suspended    bool
	SuspendURL   string // the suspend or unsuspend form's action
	SuspendLabel string
}
