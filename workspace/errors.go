package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// ErrUnknownToken is returned by a Resolve func for a token it does not know.
// The handler answers it with 403 "Invalid access token."; any other
// Resolve error is the server's fault and becomes a 500.
var ErrUnknownToken = errors.New("workspace: unknown token")

// Error is the emulator's one error type: it becomes the Databricks shape
// {"error_code": Code, "message": Message} with status Status (AsError and
// writeErr are the one place that mapping happens). Reason and ID say
// what went wrong for the trainer's own use (the sandbox console's
// mistake diagnosis); clients never see them.
type Error struct {
	Status  int
	Code    string
	Message string
	Reason  Reason
	ID      int64 // the job or run id Reason is about, if any
	// RetryAfter, when > 0, is sent as the Retry-After header (seconds):
	// the SDKs and the CLI wait that long before retrying a 429.
	RetryAfter int
	// cause is what went wrong behind a 500. It goes to Options.OnError and
	// never into Message: store and SQLite text is not for API clients.
	cause error
}

// Reason classifies an Error for the trainer ("" when nothing more is
// known than the code).
type Reason string

// The reasons the console's mistake diagnosis reads.
const (
	ReasonJobMissing Reason = "job_missing" // no job with ID (maybe it is a run_id)
	ReasonRunMissing Reason = "run_missing" // no run with ID (maybe it is a job_id)
	ReasonRunActive  Reason = "run_active"  // repair of run ID, which has not finished
)

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Unwrap returns the cause behind a 500 (nil for client errors).
func (e *Error) Unwrap() error { return e.cause }

// AsError is the one place an error becomes an API answer: an *Error (or
// one wrapped) as it is, anything else a 500 INTERNAL_ERROR whose cause is
// reported, never shown.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

// internalMessage is the only text a client sees for a 500.
const internalMessage = "Internal error in the sandbox workspace; it has been logged."

// internal is the 500 for a failure on the sandbox's side (store, encoding);
// err is reported through Options.OnError, not shown.
func internal(err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Code: "INTERNAL_ERROR", Message: internalMessage, cause: err}
}

func invalidParam(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "INVALID_PARAMETER_VALUE", Message: fmt.Sprintf(format, args...)}
}

func invalidState(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "INVALID_STATE", Message: fmt.Sprintf(format, args...)}
}

func malformed(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "MALFORMED_REQUEST", Message: fmt.Sprintf(format, args...)}
}

func missingField(field string) *Error {
	return invalidParam("Missing required field: %s", field)
}

func jobNotFound(id int64) *Error {
	e := invalidParam("Job %d does not exist.", id)
	e.Reason, e.ID = ReasonJobMissing, id
	return e
}

func runNotFound(id int64) *Error {
	e := invalidParam("Run %d does not exist.", id)
	e.Reason, e.ID = ReasonRunMissing, id
	return e
}

func runStillActive(id int64) *Error {
	e := invalidState("Run %d is still active. A run can only be repaired after it has finished.", id)
	e.Reason, e.ID = ReasonRunActive, id
	return e
}

// jsonKind names a JSON value the way the real service does in
// MALFORMED_REQUEST messages ("found STRING").
func jsonKind(raw json.RawMessage) string {
	s := strings.TrimLeft(string(raw), " \t\r\n")
	if s == "" {
		return "NOTHING"
	}
	switch s[0] {
	case '{':
		return "OBJECT"
	case '[':
		return "ARRAY"
	case '"':
		return "STRING"
	case 't', 'f':
		return "BOOLEAN"
	case 'n':
		return "NULL"
	default:
		return "NUMBER"
	}
}

// joinPath joins a field path prefix and a field name ("" prefix = top level).
func joinPath(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	}
	return prefix + "." + field
}

// goTypeName names a decoding target type in MALFORMED_REQUEST messages:
// precise for numbers (int64, int32, float64...), JSON kinds for the rest.
func goTypeName(t reflect.Type) string {
	switch k := t.Kind(); k {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int:
		return "int" + strconv.Itoa(strconv.IntSize)
	case reflect.Uint:
		return "uint" + strconv.Itoa(strconv.IntSize)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return k.String()
	case reflect.Pointer:
		return goTypeName(t.Elem())
	default:
		return "value"
	}
}

// isIntegerLiteral reports whether a JSON number has no fraction or exponent.
func isIntegerLiteral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// typeErrorMessage is the text of a wrong-type MALFORMED_REQUEST: it says
// exactly what was expected and never contradicts itself ("Expected int64
// ..., found 1.5", "... found 99999999999999999999 (value out of range)").
func typeErrorMessage(want, field, value string) string {
	found := strings.ToUpper(value)
	switch value {
	case "bool":
		found = "BOOLEAN"
	case "number":
		found = "NUMBER"
	}
	if lit, ok := strings.CutPrefix(value, "number "); ok {
		// encoding/json names the literal only when it does not fit a numeric target.
		found = truncate(lit, 40)
		isInt := strings.HasPrefix(want, "int") || strings.HasPrefix(want, "uint")
		if !isInt || isIntegerLiteral(lit) {
			found += " (value out of range)"
		}
	}
	return fmt.Sprintf("Could not parse request object: Expected %s for field '%s', found %s", want, field, found)
}

// decodeErr turns an encoding/json error into a MALFORMED_REQUEST that names
// the field, prefixed with path (the enclosing field, may be empty).
func decodeErr(err error, path string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return malformed("%s", typeErrorMessage(goTypeName(te.Type), joinPath(path, te.Field), te.Value))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return malformed("Could not parse request object: %s at offset %d", se.Error(), se.Offset)
	}
	if path != "" {
		return malformed("Could not parse request object: field '%s': %v", path, err)
	}
	return malformed("Could not parse request object: %v", err)
}

// decodeInto unmarshals raw into v, mapping errors to MALFORMED_REQUEST for path.
func decodeInto(raw json.RawMessage, path string, v any) error {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return decodeErr(err, path)
	}
	return nil
}
