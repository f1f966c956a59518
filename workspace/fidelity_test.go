package workspace

import (
	"strings"
	"testing"
)

// TestOffsetLimits: the deprecated offset is refused past each list
// endpoint's real cap (jobs/list 1,000: terraform-provider-databricks#2807;
// runs/list 10,000: databricks-sdk-py#278) with 400 INVALID_PARAMETER_VALUE
// pointing to page_token, on 2.1 and 2.2; at the cap it is still a page.
func TestOffsetLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	tests := []struct {
		path     string
		wantCode int
		wantMsg  string
	}{
		{"/api/2.2/jobs/list?limit=25&offset=1025", 400, "The supplied offset 1025 has exceeded the value of 1000 allowed for this parameter.Please use the page_token parameter to paginate: https://docs.databricks.com/api/workspace/jobs/list."},
		{"/api/2.1/jobs/list?limit=25&offset=1001", 400, "The supplied offset 1001 has exceeded the value of 1000"},
		{"/api/2.2/jobs/list?offset=1000", 200, ""},
		{"/api/2.2/jobs/runs/list?offset=10020", 400, "The supplied offset 10020 has exceeded the value of 10000 allowed for this parameter.Please use the page_token parameter to paginate: https://docs.databricks.com/api/workspace/jobs/listruns."},
		{"/api/2.1/jobs/runs/list?offset=10001", 400, "page_token"},
		{"/api/2.2/jobs/runs/list?offset=10000", 200, ""},
	}
	for _, tt := range tests {
		code, out := e.call(tokA, "GET", tt.path, nil)
		if code != tt.wantCode {
			t.Errorf("%s: status %d, want %d (%v)", tt.path, code, tt.wantCode, out)
			continue
		}
		if tt.wantCode == 400 && (out["error_code"] != "INVALID_PARAMETER_VALUE" || !strings.Contains(str(out["message"]), tt.wantMsg)) {
			t.Errorf("%s: %v, want INVALID_PARAMETER_VALUE %q", tt.path, out, tt.wantMsg)
		}
	}
}
