package sim

import "math/bits"

// Count is the number of set bits.
func (m *Mask) Count() int64 {
	var n int64
	for _, w := range m.Bits {
		n += int64(bits.OnesCount64(w))
	}
	return n
}
