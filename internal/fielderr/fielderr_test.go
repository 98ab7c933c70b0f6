package fielderr

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	for _, c := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.yaml", Line: 3, Field: "array.rows", Msg: "must be > 0"}, "a.yaml:3: array.rows: must be > 0"},
		{Error{File: "a.yaml", Field: "version", Msg: "required"}, "a.yaml: version: required"},
		{Error{Line: 7, Msg: "syntax"}, "line 7: syntax"},
		{Error{Field: "lr", Msg: "must be ≥ 0"}, "lr: must be ≥ 0"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
	}
	cause := errors.New("cause")
	if e := (&Error{Msg: "x", Err: cause}); !errors.Is(e, cause) {
		t.Error("Unwrap does not reach the cause")
	}
}

func TestIn(t *testing.T) {
	e := Errorf("lr", "must be ≥ 0, got %d", -1)
	got := In("prune", In("train", e))
	if got.Error() != "prune.train.lr: must be ≥ 0, got -1" {
		t.Errorf("In: %q", got)
	}
	if e.Field != "lr" {
		t.Errorf("In changed its argument: %q", e.Field)
	}
	if In("train", nil) != nil {
		t.Error("In(nil) is not nil")
	}
	// An *Error wrapped in more context is left alone, context and all.
	wrapped := fmt.Errorf("round 2: %w", e)
	if got := In("train", wrapped); got != wrapped {
		t.Errorf("In of a wrapped error: %v", got)
	}
}

func TestRename(t *testing.T) {
	flags := map[string]string{"keep": "--keep", "conv_keep": "--conv-keep", "fc_keep": "--fc-keep", "train.lr": "--lr"}
	for _, c := range []struct {
		err  error
		want string
	}{
		{Errorf("keep", "set either keep or conv_keep and fc_keep, not both"), "--keep: set either --keep or --conv-keep and --fc-keep, not both"},
		{Errorf("train.lr", "must be a number ≥ 0, got -1"), "--lr: must be a number ≥ 0, got -1"},
		// A quoted word is the user's value, not a field name.
		{Errorf("criterion", `"keep": unknown (valid: magnitude, saliency)`), `criterion: "keep": unknown (valid: magnitude, saliency)`},
		// Longer names and paths are whole words: fc_keep is not keep.
		{Errorf("layer_keeps.fc1", "must be in (0,1], got 2"), "layer_keeps.fc1: must be in (0,1], got 2"},
		{&Error{File: "e.yaml", Line: 4, Field: "fc_keep", Msg: "set both conv_keep and fc_keep"}, "e.yaml:4: --fc-keep: set both --conv-keep and --fc-keep"},
	} {
		if got := Rename(c.err, flags).Error(); got != c.want {
			t.Errorf("Rename(%q) = %q, want %q", c.err, got, c.want)
		}
	}
	plain := errors.New("keep: not a field error")
	if Rename(plain, flags) != plain {
		t.Error("Rename changed an error that is not an *Error")
	}
}

// TestWithin: context goes after file:line: field when the error names a
// file, and in front otherwise.
func TestWithin(t *testing.T) {
	fe := &Error{File: "a.yaml", Line: 3, Field: "array.rows", Msg: "too few"}
	if got := Within(`layer "c1"`, fe).Error(); got != `a.yaml:3: array.rows: layer "c1": too few` {
		t.Errorf("file error: %q", got)
	}
	if fe.Msg != "too few" {
		t.Error("Within changed its argument")
	}
	if got := Within(`layer "c1"`, Errorf("rows", "too few")).Error(); got != `layer "c1": rows: too few` {
		t.Errorf("no file: %q", got)
	}
}
