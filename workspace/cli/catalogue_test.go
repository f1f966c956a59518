package cli

import (
	"slices"
	"testing"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// TestCommandsMatchCatalogue: the CLI table and the Jobs API catalogue
// name the same commands, every flag sets a request field the catalogue
// lists, and the catalogue's body fields are the SDK request struct's.
func TestCommandsMatchCatalogue(t *testing.T) {
	t.Parallel()
	for _, e := range jobsapi.CLICommands() {
		c := findCommand(e.CLI)
		if c == nil {
			t.Errorf("catalogue command %q (%s) is not in the CLI table", e.CLI, e.Name)
			continue
		}
		for _, f := range c.flags {
			if f.field != "" && !slices.Contains(e.Fields, f.field) {
				t.Errorf("jobs %s --%s sets %s, which the catalogue does not list for %s", c.name, f.name, f.field, e.Name)
			}
		}
		if e.Method != "GET" {
			fields, ok := sdkStructs["jobs."+e.SDKRequest]
			if !ok {
				t.Errorf("%s: SDK request jobs.%s unknown", e.Name, e.SDKRequest)
				continue
			}
			var names []string
			for _, f := range fields {
				names = append(names, f.JSON)
			}
			slices.Sort(names)
			want := slices.Sorted(slices.Values(e.Fields))
			if !slices.Equal(names, want) {
				t.Errorf("%s: catalogue fields %v, SDK jobs.%s has %v", e.Name, want, e.SDKRequest, names)
			}
		}
	}
	for _, c := range commands {
		if c.endpoint == "" || c.method == "" || c.path == "" || c.sdkType == "" {
			t.Errorf("command %q has no catalogue entry", c.name)
		}
	}
}
