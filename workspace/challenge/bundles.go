package challenge

import (
	"strings"

	"github.com/jobs-api-trainer/trainer/workspace"
)

// The bundle challenges: graded from the bundle deployments the
// workspace's files hold (workspace.Overview.Bundles) and the jobs and runs
// they point to. They are solved with the real `databricks bundle` commands
// in a terminal, using the databricks.yml the sandbox's Bundles panel
// offers (bundle trainer_demo, job key nightly_etl, targets dev and prod).

const bundleCurlRoot = `curl "$DATABRICKS_HOST/api/2.0/workspace/list?path=/Workspace/Users/$(databricks current-user me -o json | jq -r .userName)/.bundle/trainer_demo" ` + curlAuth

func bundleChallenges() []Challenge {
	return []Challenge{
		{
			ID:    "bundle-run-dev",
			Title: "Deploy a bundle to dev and run its job by key",
			Goal: "Download the databricks.yml from the Bundles panel of the sandbox page, deploy it to the dev target, " +
				"then start its job with bundle run and the job's key (not its id). The dev run must finish successfully.",
			Section: "bundles", SectionTitle: "Bundles: bundle run with a target",
			Hints: []string{
				"Work in the folder that holds databricks.yml, with DATABRICKS_HOST and DATABRICKS_TOKEN exported. `databricks bundle validate -t dev` shows what the target resolves to.",
				"`databricks bundle deploy -t dev` uploads the files and creates the job; in development mode its name starts with [dev <your short name>].",
				"`databricks bundle run nightly_etl -t dev` looks the job id up in the dev deployment and waits for the run.",
			},
			Curl:  "# there is no curl form of a deploy; this shows what it wrote:\n" + bundleCurlRoot,
			CLI:   "databricks bundle deploy -t dev\ndatabricks bundle run nightly_etl -t dev",
			check: checkBundleRunDev,
		},
		{
			ID:    "bundle-prod-survives",
			Title: "Deploy to prod, then destroy dev: prod must survive",
			Goal: "Deploy the same bundle to both targets, dev and prod, then destroy only the dev deployment. " +
				"The prod job must still exist, under its plain name, and no dev deployment of the bundle may be left.",
			Section: "bundles", SectionTitle: "Bundles: bundle run with a target",
			Hints: []string{
				"Each target is its own deployment: its own root folder, its own state and its own copy of the job.",
				"`databricks bundle deploy -t prod` creates the prod copy (production mode: no name prefix, schedules as written).",
				"`databricks bundle destroy -t dev --auto-approve` removes only what the dev state lists.",
			},
			Curl:  "# there is no curl form of deploy and destroy; this shows the targets left:\n" + bundleCurlRoot,
			CLI:   "databricks bundle deploy -t dev\ndatabricks bundle deploy -t prod\ndatabricks bundle destroy -t dev --auto-approve",
			check: checkBundleProdSurvives,
		},
	}
}

func isDev(b workspace.BundleOverview) bool {
	return b.Mode == "development" || b.Target == "dev"
}

func isProd(b workspace.BundleOverview) bool {
	return b.Mode == "production" || b.Target == "prod"
}

// jobByID finds a job of the overview.
func jobByID(ov workspace.Overview, id int64) (workspace.JobOverview, bool) {
	for _, j := range ov.Jobs {
		if j.JobID == id {
			return j, true
		}
	}
	return workspace.JobOverview{}, false
}

// checkBundleRunDev passes when a dev deployment's job has a run started
// since the challenge began that ended successfully.
func checkBundleRunDev(in Input) Result {
	var devs []workspace.BundleOverview
	for _, b := range in.Overview.Bundles {
		if isDev(b) {
			devs = append(devs, b)
		}
	}
	if len(devs) == 0 {
		return fail("No bundle is deployed to a dev target in your workspace. Run `databricks bundle deploy -t dev` in the bundle's folder first.")
	}
	var active []string
	for _, b := range devs {
		for _, bj := range b.Jobs {
			j, ok := jobByID(in.Overview, bj.JobID)
			if !ok {
				continue
			}
			for _, r := range newRuns(j, in.StartedAt) {
				if r.Active {
					active = append(active, j.Name)
					continue
				}
				if r.ResultState == "SUCCESS" {
					return pass("Run %d of %q (key %s in bundle %s, target %s) ended %s: bundle run found the dev job by its key.",
						r.RunID, j.Name, bj.Key, b.Name, b.Target, r.ResultState)
				}
			}
		}
	}
	if len(active) > 0 {
		return fail("The run of %q is still going. Check again when it has finished.", active[0])
	}
	return fail("Bundle %s is deployed to %s, but its job has no successful run since you started this challenge. Run `databricks bundle run <job key> -t %s`.",
		devs[0].Name, devs[0].Target, devs[0].Target)
}

// checkBundleProdSurvives passes when a prod deployment's job exists under
// its plain name (no [dev ...] prefix) and no dev deployment of the same
// bundle is left. A deployment that is gone leaves nothing in the
// workspace, so the checker cannot tell a destroyed dev from one never
// deployed; the goal asks for both.
func checkBundleProdSurvives(in Input) Result {
	for _, b := range in.Overview.Bundles {
		if !isProd(b) {
			continue
		}
		var live []workspace.BundleJob
		for _, bj := range b.Jobs {
			if bj.Exists {
				live = append(live, bj)
			}
		}
		if len(live) == 0 {
			return fail("Bundle %s is deployed to %s, but its job no longer exists. Deploy prod again.", b.Name, b.Target)
		}
		for _, o := range in.Overview.Bundles {
			if o.Name == b.Name && isDev(o) {
				return fail("Bundle %s still has a %s deployment at %s. Destroy it with `databricks bundle destroy -t %s --auto-approve`.",
					o.Name, o.Target, o.RootPath, o.Target)
			}
		}
		if strings.HasPrefix(live[0].Name, "[dev ") {
			return fail("The job of the %s target is called %q: production mode adds no [dev …] prefix. Is the target's mode production?", b.Target, live[0].Name)
		}
		return pass("Prod job %d (%q) survives and no dev deployment of bundle %s is left: each target has its own state, so destroying dev removed only dev's job.",
			live[0].JobID, live[0].Name, b.Name)
	}
	return fail("No bundle is deployed to a prod target. Run `databricks bundle deploy -t prod` in the bundle's folder.")
}
