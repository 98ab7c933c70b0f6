package cli

import (
	"io"
	"strings"
	"testing"
)

// TestFieldFlagsExist: every flag the field tables name is a flag of the
// command whose errors they rename, so a renamed message never points at
// a flag that does not exist.
func TestFieldFlagsExist(t *testing.T) {
	root := newRoot(&env{stdout: io.Discard, stderr: io.Discard})
	for _, c := range []struct {
		cmd    string
		fields map[string]string
	}{
		{"train", trainFields}, {"prune", pruneFields}, {"codesign", codesignFields}, {"cluster", clusterFields},
		{"simulate", map[string]string{"format": valueFields["format"], "view": valueFields["view"]}},
		{"sweep", map[string]string{"shard": valueFields["shard"]}},
	} {
		cmd, _, err := root.Find([]string{c.cmd})
		if err != nil || cmd.Name() != c.cmd {
			t.Fatalf("no command %s: %v", c.cmd, err)
		}
		for field, flag := range c.fields {
			if cmd.Flags().Lookup(strings.TrimPrefix(flag, "--")) == nil {
				t.Errorf("%s: field %s maps to %s, which is not one of its flags", c.cmd, field, flag)
			}
		}
	}
}
