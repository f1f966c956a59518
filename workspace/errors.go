package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrUnknownToken is returned by a Resolve func for a token it does not know.
// The handler answers it with 403 "Invalid access token.".
var ErrUnknownToken = errors.New("workspace: unknown token")

// apiError is a Databricks-shaped error: it becomes
// {"error_code": Code, "message": Message} with status Status.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func invalidParam(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "INVALID_PARAMETER_VALUE", fmt.Sprintf(format, args...)}
}

func invalidState(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "INVALID_STATE", fmt.Sprintf(format, args...)}
}

func malformed(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "MALFORMED_REQUEST", fmt.Sprintf(format, args...)}
}

func missingField(field string) *apiError {
	return invalidParam("Missing required field: %s", field)
}

func jobNotFound(id int64) *apiError { return invalidParam("Job %d does not exist.", id) }
func runNotFound(id int64) *apiError { return invalidParam("Run %d does not exist.", id) }

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

// decodeErr turns an encoding/json error into a MALFORMED_REQUEST that names
// the field, prefixed with path (the enclosing field, may be empty).
func decodeErr(err error, path string) *apiError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if path != "" {
			if field != "" {
				field = path + "." + field
			} else {
				field = path
			}
		}
		want := te.Type.Kind().String()
		switch want {
		case "struct", "map":
			want = "object"
		case "slice", "array":
			want = "array"
		case "int", "int64", "int32", "float64", "uint", "uint64":
			want = "number"
		}
		found := strings.ToUpper(te.Value)
		switch te.Value {
		case "bool":
			found = "BOOLEAN"
		case "number", "number " + te.Value:
			found = "NUMBER"
		}
		if strings.HasPrefix(te.Value, "number") {
			found = "NUMBER"
		}
		return malformed("Could not parse request object: Expected %s for field '%s', found %s", want, field, found)
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
func decodeInto(raw json.RawMessage, path string, v any) *apiError {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return decodeErr(err, path)
	}
	return nil
}
