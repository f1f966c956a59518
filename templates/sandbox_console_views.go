package templates

import "github.com/a-h/templ"

// ConsoleView is the sandbox console: the endpoint picker, the call form,
// the CLI box, the last result and the history.
type ConsoleView struct {
	Groups []EndpointGroup
	// Picker, when set, renders EndpointPicker(Groups, oob): the picker
	// changes only with the current endpoint, so web renders it once per
	// endpoint and reuses the bytes.
	Picker  func(oob bool) templ.Component
	Form    CallForm
	CLILine string
	// CLIFocus is true when the lesson's "try it" link asked for the CLI box.
	CLIFocus bool
	Result   *CallResult
	History  []HistoryRow
	Live     LiveView
}

// EndpointGroup is one heading of the picker ("On the job", "On runs").
type EndpointGroup struct {
	Title string
	Items []EndpointLink
}

// EndpointLink is one endpoint in the picker.
type EndpointLink struct {
	Key, Name, Method, Summary string
	Current                    bool
}

// CallForm is the form for the chosen endpoint.
type CallForm struct {
	Key, Name, Method, Path, Summary string
	Params                           []ParamField
	Fields                           []FieldHelp
	HasBody                          bool
	Body                             string
	Extra                            string // extra query parameters, URL-encoded
	Destructive                      bool
	Live                             bool
	// LiveRefused says why live mode will not send this endpoint ("" = it will).
	LiveRefused string
	Oob         bool // render for an htmx out-of-band swap
	// AutoSend asks the page's script to send the form once on load: a run
	// or job link from outside (the CLI, run_page_url) opens its answer.
	AutoSend bool
	// LinkNote explains a link's call that is not sent on load (a
	// visitor's: sending makes their workspace).
	LinkNote string
}

// ParamField is one query (or path) parameter of the form.
type ParamField struct {
	Name     string // field name, e.g. job_id
	Kind     string // job, run, taskrun, bool, int, text, enum
	Value    string
	Other    string // free input next to a <select> of IDs
	Help     string
	Required bool
	Options  []Option
	Error    string // what is wrong with the value sent ("" when nothing)
}

// Option is one <select> choice.
type Option struct {
	Value, Label string
}

// Header is one HTTP header line.
type Header struct {
	Name, Value string
}

// Seg is a piece of pretty JSON; with Href it is an ID that links to the
// next call (Vals are the htmx form values that send it at once).
//
// Cls colours a token (j-key, j-str, j-num, j-bool, j-null). With Fold the
// segment is a foldable object or array of N members: Text is its opening
// bracket, Fold the rest up to the closing one, Open whether it starts
// unfolded.
type Seg struct {
	Text, Href, Vals, Cls string
	Fold                  []Seg
	N                     int
	Open                  bool
}

// FieldHelp is one request field in the form's field list.
type FieldHelp struct {
	Name, Type, Help string
	Required         bool
	Note             string // what changed in 2.2, "" when nothing
}

// RawCall is a call to send again as it was (replay, next page).
type RawCall struct {
	Method, Path, Query, Body string
}

// LessonPointer names the lesson section that explains a mistake the call
// showed, and how many drill items were moved up.
type LessonPointer struct {
	Anchor, Title, Note string
	Moved               int
}

// CallResult is one sent call (or a refusal before any call).
type CallResult struct {
	ID           int64
	Target, Host string
	Status       int // 0: nothing came back
	// Problem is a refusal or an input error; with it nothing may have been sent.
	Problem, ProblemHint string
	CLILine              string
	CLINotes             []string
	Method, URL          string
	ReqHeaders           []Header
	ReqBody              string
	JSONError            string // where the body's JSON broke
	JSONExcerpt          string // the broken line and a caret under the column
	Curl, CLI, CLILegacy string
	GoSDK                string
	PySDK                string // the call as Databricks SDK for Python code
	RespHeaders          []Header
	Resp                 []Seg
	Truncated            bool
	// Cut, when the console shows only the start of a long response, says
	// how long it was and how much is shown.
	Cut            string
	TransportError string
	NextPage       *RawCall
	Replay         *RawCall
	Lesson         *LessonPointer
}

// HistoryRow is one past call.
type HistoryRow struct {
	ID      int64
	At      string
	Method  string
	URL     string
	Target  string
	Host    string
	Status  int
	CLILine string
	Mistake bool
	Replay  RawCall
}

// LiveView is the live-mode switch.
type LiveView struct {
	On          bool
	Host        string
	MaskedToken string
	HostInput   string
	Error       string
	// Reasons lists every reason a host was refused, when there are several.
	Reasons []string
}
