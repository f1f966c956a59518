package challenge

import (
	"strings"
	"testing"

	"github.com/jobs-api-trainer/trainer/workspace"
)

// bundleOverview is the fixtures plus the bundle trainer_demo deployed to
// the given targets (dev job 201, prod job 202), with runs of the dev job.
func bundleOverview(targets []string, devRuns ...workspace.RunOverview) workspace.Overview {
	ov := overview()
	for _, tg := range targets {
		b := workspace.BundleOverview{Name: "trainer_demo", Target: tg, RootPath: "/Workspace/Users/u@x/.bundle/trainer_demo/" + tg}
		switch tg {
		case "dev":
			b.Mode = "development"
			b.Jobs = []workspace.BundleJob{{Key: "nightly_etl", JobID: 201, Name: "[dev u] nightly-etl-bundle", Exists: true}}
			ov.Jobs = append(ov.Jobs, workspace.JobOverview{JobID: 201, Name: "[dev u] nightly-etl-bundle", Runs: devRuns})
		case "prod":
			b.Mode = "production"
			b.Jobs = []workspace.BundleJob{{Key: "nightly_etl", JobID: 202, Name: "nightly-etl-bundle", Exists: true}}
			ov.Jobs = append(ov.Jobs, workspace.JobOverview{JobID: 202, Name: "nightly-etl-bundle"})
		}
		ov.Bundles = append(ov.Bundles, b)
	}
	return ov
}

func devRun(id int64, result string) workspace.RunOverview {
	r := okEtl(id, after)
	r.JobID, r.ResultState = 201, result
	r.Active = result == ""
	return r
}

func TestBundleRunDev(t *testing.T) {
	t.Parallel()
	c, _ := ByID("bundle-run-dev")
	tests := []struct {
		name string
		ov   workspace.Overview
		pass bool
		want string
	}{
		{"nothing deployed", overview(), false, "bundle deploy -t dev"},
		{"deployed, not run", bundleOverview([]string{"dev"}), false, "bundle run"},
		{"still running", bundleOverview([]string{"dev"}, devRun(9001, "")), false, "still going"},
		{"run failed", bundleOverview([]string{"dev"}, devRun(9001, "FAILED")), false, "no successful run"},
		{"run before the start", bundleOverview([]string{"dev"}, func() workspace.RunOverview { r := devRun(9001, "SUCCESS"); r.StartTime = before; return r }()), false, "no successful run"},
		{"prod only", bundleOverview([]string{"prod"}), false, "dev"},
		{"solved", bundleOverview([]string{"dev"}, devRun(9001, "SUCCESS")), true, "key nightly_etl"},
	}
	for _, tt := range tests {
		r := c.Check(Input{Overview: tt.ov, StartedAt: start})
		if r.Passed != tt.pass || !strings.Contains(r.Reason, tt.want) {
			t.Errorf("%s: %+v, want passed=%v and %q", tt.name, r, tt.pass, tt.want)
		}
	}
}

func TestBundleProdSurvives(t *testing.T) {
	t.Parallel()
	c, _ := ByID("bundle-prod-survives")
	gone := bundleOverview([]string{"prod"})
	gone.Bundles[0].Jobs[0].Exists, gone.Bundles[0].Jobs[0].Name = false, ""
	prefixed := bundleOverview([]string{"prod"})
	prefixed.Bundles[0].Jobs[0].Name = "[dev u] nightly-etl-bundle"
	tests := []struct {
		name string
		ov   workspace.Overview
		pass bool
		want string
	}{
		{"nothing deployed", overview(), false, "deploy -t prod"},
		{"dev only", bundleOverview([]string{"dev"}), false, "deploy -t prod"},
		{"both left", bundleOverview([]string{"dev", "prod"}), false, "destroy -t dev"},
		{"prod job deleted", gone, false, "no longer exists"},
		{"prod named like dev", prefixed, false, "production mode"},
		{"solved", bundleOverview([]string{"prod"}), true, "Prod job 202"},
	}
	for _, tt := range tests {
		r := c.Check(Input{Overview: tt.ov, StartedAt: start})
		if r.Passed != tt.pass || !strings.Contains(r.Reason, tt.want) {
			t.Errorf("%s: %+v, want passed=%v and %q", tt.name, r, tt.pass, tt.want)
		}
	}
}
