package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/cli"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	release "helm.sh/helm/v4/pkg/release/v1"
)

// render does what `helm template NAME CHART [--namespace NS] [--values F]... [--include-crds]
// [--skip-tests] [--kube-version V] [--api-versions A]...` does, in the same order, so that its output
// and its errors are the binary's byte for byte.
func render(req request) (string, error) {
	settings := cli.New()
	if req.Namespace != "" {
		settings.SetNamespace(req.Namespace)
	}

	client := action.NewInstall(action.NewConfiguration())
	if req.KubeVersion != "" {
		v, err := common.ParseKubeVersion(req.KubeVersion)
		if err != nil {
			return "", fmt.Errorf("invalid kube version '%s': %s", req.KubeVersion, err)
		}
		client.KubeVersion = v
	}
	// Client-side dry run: default capabilities, an in-memory release store and a kube client that
	// talks to no cluster, so `lookup` returns empty maps.
	client.DryRunStrategy = action.DryRunClient
	client.Replace = true
	client.APIVersions = common.VersionSet(req.APIVersions)
	client.IncludeCRDs = req.IncludeCRDs

	name, chartRef, err := client.NameAndChart([]string{req.ReleaseName, req.ChartDir})
	if err != nil {
		return "", err
	}
	client.ReleaseName = name

	chartPath, err := client.LocateChart(chartRef, settings)
	if err != nil {
		return "", err
	}

	valueOpts := &values.Options{ValueFiles: req.ValuesFiles}
	if req.Values != nil {
		raw, err := json.Marshal(req.Values)
		if err != nil {
			return "", fmt.Errorf("values of request %s: %w", req.ID, err)
		}
		valueOpts.JSONValues = []string{string(raw)}
	}
	vals, err := valueOpts.MergeValues(getter.All(settings))
	if err != nil {
		return "", err
	}

	loaded, err := loader.Load(chartPath)
	if err != nil {
		return "", err
	}
	accessor, err := chart.NewAccessor(loaded)
	if err != nil {
		return "", err
	}
	if t := accessor.MetadataAsMap()["Type"]; t != "" && t != "application" {
		return "", fmt.Errorf("%s charts are not installable", t)
	}
	if deps := accessor.MetaDependencies(); len(deps) > 0 {
		if err := action.CheckDependencies(loaded, deps); err != nil {
			return "", fmt.Errorf("an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: %w", err)
		}
	}

	client.Namespace = settings.Namespace()
	releaser, runErr := client.RunWithContext(context.Background(), loaded, vals)
	rel, err := asRelease(releaser)
	if err != nil {
		return "", err
	}
	if runErr != nil {
		if rel != nil {
			return "", fmt.Errorf("%w\n\nUse --debug flag to render out invalid YAML", runErr)
		}
		return "", runErr
	}
	if rel == nil {
		return "", nil
	}
	return printRelease(rel, req.SkipTests), nil
}

// printRelease writes the manifest, then each hook under its own Source comment, as `helm template` does.
func printRelease(rel *release.Release, skipTests bool) string {
	var out strings.Builder
	fmt.Fprintln(&out, strings.TrimSpace(rel.Manifest))
	for _, h := range rel.Hooks {
		if skipTests && slices.Contains(h.Events, release.HookTest) {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return out.String()
}

func asRelease(r any) (*release.Release, error) {
	switch v := r.(type) {
	case release.Release:
		return &v, nil
	case *release.Release:
		return v, nil
	case nil:
		return nil, nil
	default:
		return nil, fmt.Errorf("unsupported release type: %T", r)
	}
}
