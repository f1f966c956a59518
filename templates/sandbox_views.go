package templates

// SandboxView is the sandbox page: the learner's emulated workspace.
type SandboxView struct {
	Meta  PageMeta
	Host  string // e.g. http://127.0.0.1:8080
	Token string // the learner's sandbox token (shown on demand)
	// TokenOpen shows the token and snippet unfolded: the learner just
	// asked for the token (folded otherwise, as on a shared screen).
	TokenOpen bool
	// TokenNote is the page's message shown in the token panel, where the
	// page opens after "Create my sandbox token" (the top is far above).
	TokenNote string
	Try       string // endpoint the lesson's "try it" link asked for
	// Console is the endpoint picker, call form, CLI box, result and history.
	Console ConsoleView
	// Bundles is the Bundles panel (bundles.templ).
	Bundles BundlesView
	// ScriptURL is the versioned URL of static/sandbox.js ("" leaves it out).
	ScriptURL string
}

// FidelityRow is one endpoint in the emulator's fidelity ledger: what the
// sandbox does (Note, following Source; "" = unsourced) and how it differs
// from a real workspace.
type FidelityRow struct {
	Method, Path, Support, Note, Source string
	Differences                         []FidelityDifference
}

// FidelityDifference is one way the sandbox differs from a real workspace;
// Source is "" when unsourced.
type FidelityDifference struct {
	Real, Sandbox, Why, Source string
}

// FidelityLimit is one workspace limit: the sandbox's figure, a real
// workspace's, and what a call past it gets.
type FidelityLimit struct {
	Name, Sandbox, Real, Answer string
}

// FidelityView is the emulator's fidelity ledger page.
type FidelityView struct {
	Meta   PageMeta
	Rows   []FidelityRow
	Limits []FidelityLimit
}
