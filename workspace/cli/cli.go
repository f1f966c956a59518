// Package cli turns a `databricks jobs ...` command line (Databricks CLI
// v1.12.1) into the Jobs API call it makes, and renders any Jobs API call as
// curl, as a CLI command and as Go SDK (databricks-sdk-go v0.175.0) code.
//
// It is pure and stdlib-only: nothing here sends a request.
package cli

import (
	"net/url"
	"strings"
	"time"
)

// Call is one Jobs API request: what the CLI or the SDK would send.
type Call struct {
	Method string     // GET, POST, PUT or PATCH
	Path   string     // /api/2.2/jobs/..., or /api/2.0/permissions/jobs/{id}[/permissionLevels]
	Query  url.Values // nil when empty; the SDK sends keys sorted
	// Body is compact JSON with keys sorted (as the SDK marshals it), nil
	// for GET. FromRequest keeps a body that is not valid JSON as it was sent.
	Body     []byte
	Endpoint string // e.g. "jobs/get", "runs/list", "permissions/set"; see Endpoints
}

// Parsed is the result of Parse: the call a command line makes, and what the
// page should say about it.
type Parsed struct {
	Call    Call
	Command string // e.g. "jobs list-runs"
	// Notes are remarks for the learner: legacy forms accepted, flags
	// ignored in the sandbox, unknown JSON fields dropped.
	Notes []string
	// ClientLimit is --limit: the CLI stops printing after this many items
	// and does not send it (0 = no cap).
	ClientLimit int
	// Wait is true when the real CLI would poll runs/get until the run is
	// terminal after the call (run-now, submit, repair-run and cancel-run
	// without --no-wait).
	Wait bool
	// NoWait is --no-wait on a command that waits: it changes what the CLI
	// does after the call, not the call, so CLI(Call) cannot show it.
	NoWait bool
	// Timeout is --timeout for waiting commands (default 20m), else 0.
	Timeout time.Duration
	// Output is the -o/--output format: "json" or "text" ("" = the default,
	// text for list commands).
	Output string
}

// Error is a parse error: Msg is worded like the real CLI's error, Hint
// explains what to type instead (may be empty).
type Error struct {
	Msg, Hint string
}

// Error returns Msg.
func (e *Error) Error() string { return e.Msg }

func errf(hint, msg string) *Error { return &Error{Msg: msg, Hint: hint} }

// CLI renders the parsed line's call back as CLI(p.Call) does, keeping
// --no-wait when the line had it (before any trailing comment).
func (p Parsed) CLI() (current, legacy string) {
	current, legacy = CLI(p.Call)
	if p.NoWait {
		head, comment, hasComment := strings.Cut(current, " # ")
		current = head + " --no-wait"
		if hasComment {
			current += " # " + comment
		}
	}
	return current, legacy
}
