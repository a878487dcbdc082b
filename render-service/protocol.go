package main

// request is one line on stdin: a chart to render as `helm template` would.
type request struct {
	ID string `json:"id"`
	// ChartDir is the chart's directory (absolute, or relative to the service's working directory).
	ChartDir string `json:"chartDir"`
	// ValuesFiles are merged in order, as repeated `--values` flags are.
	ValuesFiles []string `json:"valuesFiles"`
	// Values, when set, is merged over the files, as `--set-json '{...}'` is.
	Values      map[string]any `json:"values,omitempty"`
	ReleaseName string         `json:"releaseName"`
	// Namespace empty means what `helm template` without `--namespace` uses (HELM_NAMESPACE, the
	// kubeconfig's context, else "default").
	Namespace   string   `json:"namespace,omitempty"`
	KubeVersion string   `json:"kubeVersion,omitempty"`
	APIVersions []string `json:"apiVersions,omitempty"`
	IncludeCRDs bool     `json:"includeCrds,omitempty"`
	SkipTests   bool     `json:"skipTests,omitempty"`
}

// response is one line on stdout: the manifest `helm template` prints, or the error it prints (without
// its "Error: " prefix).
type response struct {
	ID       string `json:"id"`
	Manifest string `json:"manifest,omitempty"`
	Error    string `json:"error,omitempty"`
}
