package cli

// sdkField is one JSON field of an SDK request struct.
type sdkField struct{ JSON, Go, Type string }
