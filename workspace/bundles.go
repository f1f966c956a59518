package workspace

import (
	"encoding/json"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BundleOverview is one bundle deployment (one bundle and target) found in
// the workspace's files: the metadata.json that `databricks bundle deploy`
// uploads into the target's state folder (databricks/cli v1.12.1
// bundle/deploy/metadata/upload.go; its format is bundle/metadata/metadata.go).
// `bundle destroy` removes the whole root, metadata included.
type BundleOverview struct {
	Name   string // bundle.name
	Target string // the -t target
	Mode   string // "development", "production" or ""
	// RootPath is the target's root (workspace.root_path), under /Workspace.
	RootPath string
	// FilePath is where the bundle's files were synced.
	FilePath   string
	DeployedAt time.Time // when metadata.json was last written
	Jobs       []BundleJob
}

// BundleJob is one job of a deployed bundle.
type BundleJob struct {
	Key   string // the key under resources.jobs in databricks.yml
	JobID int64
	// Name is the job's current name ("[dev <user>] ..." in development
	// mode); "" when the job no longer exists in the workspace.
	Name   string
	Exists bool
}

// bundles finds the deployed bundles, ordered by name then target. The
// caller holds sp.mu.
func (sp *space) bundles() []BundleOverview {
	var out []BundleOverview
	for p, o := range sp.files {
		if o.Type != objFile || path.Base(p) != "metadata.json" || path.Base(path.Dir(p)) != "state" {
			continue
		}
		var md struct {
			Version int `json:"version"`
			Config  struct {
				Bundle struct {
					Name   string `json:"name"`
					Target string `json:"target"`
					Mode   string `json:"mode"`
				} `json:"bundle"`
				Workspace struct {
					FilePath string `json:"file_path"`
				} `json:"workspace"`
				Resources struct {
					Jobs map[string]struct {
						ID string `json:"id"`
					} `json:"jobs"`
				} `json:"resources"`
			} `json:"config"`
		}
		if json.Unmarshal(o.Data, &md) != nil || md.Config.Bundle.Name == "" {
			continue
		}
		b := BundleOverview{Name: md.Config.Bundle.Name, Target: md.Config.Bundle.Target, Mode: md.Config.Bundle.Mode,
			RootPath: "/Workspace" + path.Dir(path.Dir(p)), FilePath: md.Config.Workspace.FilePath, DeployedAt: msTime(o.Modified)}
		for key, r := range md.Config.Resources.Jobs {
			id, _ := strconv.ParseInt(r.ID, 10, 64)
			bj := BundleJob{Key: key, JobID: id}
			if j, ok := sp.jobs[id]; ok {
				bj.Name, bj.Exists = j.settings.name, true
			}
			b.Jobs = append(b.Jobs, bj)
		}
		sort.Slice(b.Jobs, func(i, j int) bool { return b.Jobs[i].Key < b.Jobs[j].Key })
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return strings.Compare(out[i].Target, out[j].Target) < 0
	})
	return out
}
