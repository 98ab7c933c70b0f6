package clustering

import (
	"errors"
	"math"
	"testing"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// TestValidateNamesFields: settings errors are *fielderr.Error naming the
// field in snake_case, and still wrap ErrBadInput.
func TestValidateNamesFields(t *testing.T) {
	cases := []struct {
		s     ModelSettings
		field string
	}{
		{ModelSettings{Settings: Settings{Method: "dbscan"}}, "method"},
		{ModelSettings{Settings: Settings{K: -1}}, "k"},
		{ModelSettings{Settings: Settings{K: 40, MaxBits: 3}}, "k"},
		{ModelSettings{Settings: Settings{MaxBits: 17}}, "max_bits"},
		{ModelSettings{Settings: Settings{Distortion: math.NaN()}}, "distortion"},
		{ModelSettings{Settings: Settings{Restarts: -2}}, "restarts"},
		{ModelSettings{FCMaxBits: 20}, "fc_max_bits"},
		{ModelSettings{K: map[string]int{"fc1": 0}}, "k.fc1"},
	}
	for _, c := range cases {
		err := c.s.Validate()
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrBadInput) {
			t.Errorf("%+v: %v (field %q), want a field error on %s wrapping ErrBadInput", c.s, err, fieldOf(fe), c.field)
		}
	}
	if err := (ModelSettings{}).Validate(); err != nil {
		t.Errorf("zero settings: %v", err)
	}
}

func fieldOf(fe *fielderr.Error) string {
	if fe == nil {
		return ""
	}
	return fe.Field
}
