// Package templates holds every templ component of the trainer and the view
// models they render. Components take a view model and do no lookups.
package templates

// PageMeta is what the layout needs on every page.
type PageMeta struct {
	Title       string
	Nav         string // active navigation key: lesson, drill, sandbox, exam, progress, workshops
	Learner     string // display name, empty when not set
	Flash       string
	Assets      Assets
	Description string
	// Bare leaves out the site navigation and footer: a participant's
	// workshop screen, where the question and its options must fit a phone.
	Bare bool
}

// Assets are the versioned URLs of the static files.
type Assets struct {
	CSS       string
	Highlight string
	HTMX      string
	JS        string
}

// NavItem is one header link.
type NavItem struct {
	Key, Label, Href string
}

// Nav lists the header links in display order.
var Nav = []NavItem{
	{"lesson", "Lesson", "/lessons/jobs-api"},
	{"drill", "Drill", "/drill"},
	{"sandbox", "Sandbox", "/sandbox"},
	{"exam", "Exam", "/exam"},
	{"progress", "Progress", "/progress"},
	{"workshops", "Workshops", "/workshops"},
}

// SectionLink is one entry of the lesson's table of contents.
type SectionLink struct {
	ID, Title string
}

// LessonView is the lesson page.
type LessonView struct {
	Meta     PageMeta
	Title    string
	Slug     string
	Pieces   []LessonPiece // the lesson's HTML, with a form after each predict question
	Sections []SectionLink
	// Predicted of Predicts prompts have the learner's guess: the lesson's
	// progress.
	Predicted, Predicts int
	// Lessons are all the lessons (this one Current), for moving between
	// them; Next is the one after this, nil for the last.
	Lessons []LessonLink
	Next    *LessonLink
}

// LessonPiece is a run of the lesson's HTML (our own Markdown, rendered)
// followed, when Predict is set, by that prompt's prediction form.
type LessonPiece struct {
	HTML    string
	Predict *PredictView
}

// PredictView is one "predict, then reveal" prompt's form: the learner
// writes a guess, which is recorded, and then the answer opens.
type PredictView struct {
	Action string // where the form posts
	N      int
	Guess  string // the recorded guess; "" when none yet
}

// HomeView is the landing page.
type HomeView struct {
	Meta    PageMeta
	Lessons []LessonLink // every lesson, in order, with its sections
}

// LessonLink is a lesson in the list of lessons.
type LessonLink struct {
	Title, URL string
	Sections   []SectionLink // on the home page
	Current    bool          // the lesson being read
}

// ComingView is the placeholder for a page not built yet.
type ComingView struct {
	Meta    PageMeta
	Heading string
	Body    string
}

// ErrorView is a styled error page.
type ErrorView struct {
	Meta      PageMeta
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// ProfileView is the learner's own page: display name form.
type ProfileView struct {
	Meta        PageMeta
	DisplayName string
	Error       string
	Since       string // "" for a visitor who has not acted yet
	HasLearner  bool   // the visitor is a learner (has acted): they can make a sign-in code
	// SigninCode is a sign-in code just made, shown this once in full.
	SigninCode string
	// SigninPending is when the learner's current sign-in code expires,
	// "" when there is none.
	SigninPending string
	SigninTyped   string // the code typed into the sign-in form, after an error
	SigninError   string // why the typed code did not sign in
}

// meTitle is the tooltip of the name in the header, which a long name
// shows shortened.
func meTitle(name string) string {
	if name == "" {
		return "Set your display name"
	}
	return name + ": your profile"
}
