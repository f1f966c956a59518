package templates

// BundlesView is the sandbox page's Bundles panel: the example bundle to
// download, the commands to run it, and the bundle deployments the
// learner's workspace holds.
type BundlesView struct {
	Host string // e.g. http://127.0.0.1:8080, as in the terminal snippet
	// Files are the example bundle's files, each with its download URL.
	Files []BundleFileLink
	// Setup is the shell lines that fetch the files into a new folder.
	Setup string
	// Commands are the bundle commands to run, in order.
	Commands string
	Deployed []DeployedBundle
}

// BundleFileLink is one file of the example bundle.
type BundleFileLink struct{ Name, Href string }

// DeployedBundle is one bundle deployment (bundle and target) in the
// learner's workspace.
type DeployedBundle struct {
	Name, Target, Mode, RootPath, DeployedAt string
	Jobs                                     []DeployedBundleJob
}

// DeployedBundleJob is one job of a deployment, with links to its
// definition and runs in the console.
type DeployedBundleJob struct {
	Key, Name string
	JobID     int64
	Exists    bool
	Href      string // jobs/get in the console
	RunsHref  string // runs/list for the job in the console
}
