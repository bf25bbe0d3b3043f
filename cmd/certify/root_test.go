package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The command tree is the one root.go writes out; a command added elsewhere would have
// to be listed there.
func TestCommandTree(t *testing.T) {
	var got []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() != "help" && c.Name() != "completion" && c.Parent() != nil {
			got = append(got, strings.TrimPrefix(c.CommandPath(), "certify "))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(&streams{out: new(bytes.Buffer), err: new(bytes.Buffer)}))
	want := []string{
		"audit", "capacity", "capacity park", "check",
		"construct", "construct bubeck", "construct park", "construct sawtooth", "construct vardi",
		"construct yun", "construct yun-classify", "construct yun-cor42", "construct yun-deep", "construct yun-deep-classify", "construct zhang", "construct zigzag",
		"eval", "import", "inspect", "merge", "pieces", "plot", "separation", "sizes",
		"smt", "smt exists", "smt export", "smt worker", "version",
	}
	if !slices.Equal(got, want) {
		t.Errorf("command tree:\n got %q\nwant %q", got, want)
	}
}

// Two trees share no state: a flag set in one is not seen by the other.
func TestTreesIndependent(t *testing.T) {
	s := &streams{out: new(bytes.Buffer), err: new(bytes.Buffer)}
	a, b := newRootCmd(s), newRootCmd(s)
	if err := a.PersistentFlags().Set("max-points", "7"); err != nil {
		t.Fatal(err)
	}
	if v := b.PersistentFlags().Lookup("max-points").Value.String(); v == "7" {
		t.Errorf("a second tree sees the first tree's --max-points")
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"version"}, exitOK},
		{[]string{"bogus"}, exitMalformed},
		{[]string{"check"}, exitMalformed},
		{[]string{"check", "--no-such-flag", "x.json"}, exitMalformed},
		{[]string{"check", "no/such/file.json"}, exitMalformed},
		{[]string{"construct"}, exitMalformed},
		{[]string{"construct", "bogus"}, exitMalformed},
		{[]string{"smt", "bogus"}, exitMalformed},
		{[]string{"capacity", "park", "--bogus"}, exitMalformed},
		{[]string{"--version"}, exitOK},
		{[]string{"smt"}, exitOK}, // help
	} {
		var out, errb bytes.Buffer
		if got := run(tc.args, &streams{out: &out, err: &errb}); got != tc.code {
			t.Errorf("certify %s: exit %d, want %d (stderr %q)", strings.Join(tc.args, " "), got, tc.code, errb.String())
		}
		if tc.code != exitOK && strings.Count(errb.String(), "certify:") != 1 {
			t.Errorf("certify %s: the error is not printed once: %q", strings.Join(tc.args, " "), errb.String())
		}
	}
}

// A panic is an internal error, exit 4, reported once with "panic:" (which every script
// asserts is absent): never exit 2, the code of a clean refusal.
func TestPanicIsInternalError(t *testing.T) {
	var out, errb bytes.Buffer
	s := &streams{out: &out, err: &errb}
	root := &cobra.Command{Use: "certify", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(&cobra.Command{Use: "boom", RunE: func(*cobra.Command, []string) error {
		var m map[string]int
		m["x"]++ // assignment to a nil map
		return nil
	}})
	if got := execute(root, []string{"boom"}, s); got != exitInternal {
		t.Fatalf("exit %d, want %d", got, exitInternal)
	}
	if e := errb.String(); !strings.HasPrefix(e, "certify: internal error") || strings.Count(e, "panic:") != 1 {
		t.Errorf("stderr: %q", e)
	}
}

func TestMarshalVersioned(t *testing.T) {
	v := readVersion().Version
	for _, tc := range []struct {
		in   any
		want string // compact
	}{
		{struct {
			A int `json:"a"`
		}{1}, `{"version":` + quote(v) + `,"a":1}`},
		{struct{}{}, `{"version":` + quote(v) + `}`},
		{map[string]any{"version": "mine", "b": 2}, `{"b":2,"version":"mine"}`}, // kept as it is
		{[]int{1, 2}, `[1,2]`},
	} {
		b, err := marshalVersioned(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, b); err != nil {
			t.Fatal(err)
		}
		if c.String() != tc.want {
			t.Errorf("marshalVersioned(%v) = %s, want %s", tc.in, c.String(), tc.want)
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
