package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion says which certify this is, from the build information the Go toolchain
// stamps into the binary.
type buildVersion struct {
	// Version is the module version: a release tag (v1.2.0), a pseudo-version naming
	// the commit (v0.0.0-20261201201439-553114c1a2b3, "+dirty" when the work tree had
	// changes), or "devel" when the toolchain stamped none (go run, go test, a build
	// outside a repository) and "unknown" when the binary carries no build information.
	Version    string `json:"version"`
	Commit     string `json:"commit,omitempty"`      // vcs.revision, when stamped
	CommitTime string `json:"commit_time,omitempty"` // vcs.time, when stamped
	Modified   bool   `json:"modified,omitempty"`    // vcs.modified: the work tree had changes
	Go         string `json:"go"`                    // the toolchain that built it
	Platform   string `json:"platform"`              // GOOS/GOARCH
}

// readVersion reads the build information; it never fails (see buildVersion.Version).
func readVersion() buildVersion {
	v := buildVersion{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	switch bi.Main.Version {
	case "", "(devel)":
		v.Version = "devel"
	default:
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.CommitTime = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	if v.Version == "devel" && v.Commit != "" {
		// A toolchain that stamps the commit but no module version (before Go 1.24).
		v.Version += "+" + short(v.Commit)
		if v.Modified {
			v.Version += "-dirty"
		}
	}
	return v
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

type versionOptions struct {
	*globalOptions
	json bool
}

func newVersionCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &versionOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print certify's version, commit and toolchain",
		Long: `version prints the module version of this certify, the commit it was built from
(with "modified" when the work tree had changes) and the Go toolchain. The same
version string is the "version" field of every --json output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runVersion(o, s) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON object")
	return cmd
}

func runVersion(o *versionOptions, s *streams) error {
	v := readVersion()
	if o.json {
		writeJSON(s.out, v)
		return nil
	}
	fmt.Fprintf(s.out, "certify %s\n", v.Version)
	if v.Commit != "" {
		line := "commit " + v.Commit
		if v.CommitTime != "" {
			line += " (" + v.CommitTime + ")"
		}
		if v.Modified {
			line += ", modified"
		}
		fmt.Fprintln(s.out, line)
	}
	fmt.Fprintf(s.out, "%s %s\n", v.Go, v.Platform)
	return nil
}

// marshalVersioned is the JSON of every --json output: v indented, with certify's
// version as a first "version" field when v is an object that has none. (A value that
// is not an object is written as it is; every command's output is an object.)
func marshalVersioned(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(b) > 0 && b[0] == '{' {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(b, &keys); err != nil {
			return nil, err
		}
		if _, ok := keys["version"]; !ok {
			field, _ := json.Marshal(readVersion().Version)
			head := append([]byte(`{"version":`), field...)
			if len(keys) > 0 {
				head = append(head, ',')
			}
			b = append(head, b[1:]...)
		}
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
