package clustering

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestHuffmanKnownLengths(t *testing.T) {
	cases := []struct {
		freq []int64
		want []uint8
	}{
		{[]int64{4, 2, 1, 1}, []uint8{1, 2, 3, 3}},             // dyadic
		{[]int64{1, 1, 2, 3, 5, 8}, []uint8{5, 5, 4, 3, 2, 1}}, // Fibonacci: the deepest tree
		{[]int64{5, 0, 5}, []uint8{1, 0, 1}},                   // unused symbol
		{[]int64{0, 7}, []uint8{0, 1}},                         // one symbol still takes one bit
		{[]int64{1, 1, 1, 1, 1, 1, 1, 1}, []uint8{3, 3, 3, 3, 3, 3, 3, 3}},
	}
	for _, c := range cases {
		h, err := NewHuffman(c.freq)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(h.Lengths, c.want) {
			t.Errorf("freq %v: lengths %v, want %v", c.freq, h.Lengths, c.want)
		}
	}
}

// Optimality bounds on random and skewed distributions: Kraft sum 1 (a full
// tree), H ≤ average length < H + 1, equality with H on dyadic counts.
func TestHuffmanOptimality(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := 0; trial < 50; trial++ {
		n := 2 + rng.IntN(40)
		freq := make([]int64, n)
		var total int64
		for i := range freq {
			freq[i] = 1 + int64(rng.ExpFloat64()*1000)
			total += freq[i]
		}
		h, err := NewHuffman(freq)
		if err != nil {
			t.Fatal(err)
		}
		var kraft, entropy float64
		for i, f := range freq {
			kraft += math.Ldexp(1, -int(h.Lengths[i]))
			p := float64(f) / float64(total)
			entropy -= p * math.Log2(p)
		}
		avg := float64(h.PayloadBits(freq)) / float64(total)
		if math.Abs(kraft-1) > 1e-12 || avg < entropy-1e-12 || avg >= entropy+1 {
			t.Errorf("trial %d: kraft %v, avg %v, entropy %v", trial, kraft, avg, entropy)
		}
	}
	h, _ := NewHuffman([]int64{8, 4, 2, 1, 1})
	if got := h.PayloadBits([]int64{8, 4, 2, 1, 1}); got != 8*1+4*2+2*3+4+4 {
		t.Errorf("dyadic payload %d bits, want the entropy 30", got)
	}
}

func TestHuffmanRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, alphabet := range []int{1, 2, 5, 32, 300} {
		syms := make([]int32, 5000)
		freq := make([]int64, alphabet)
		for i := range syms {
			s := int32(min(alphabet-1, int(rng.ExpFloat64()*3)))
			syms[i] = s
			freq[s]++
		}
		h, err := NewHuffman(freq)
		if err != nil {
			t.Fatal(err)
		}
		data, nbits, err := h.Encode(syms)
		if err != nil {
			t.Fatal(err)
		}
		if nbits != h.PayloadBits(freq) {
			t.Errorf("alphabet %d: encoded %d bits, payload says %d", alphabet, nbits, h.PayloadBits(freq))
		}
		back, err := h.Decode(data, nbits, len(syms))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, syms) {
			t.Errorf("alphabet %d: round trip differs", alphabet)
		}
		total, err := HuffmanBits(syms, alphabet)
		if err != nil || total != nbits+h.TableBits() {
			t.Errorf("alphabet %d: HuffmanBits %d (%v), want payload %d + table %d", alphabet, total, err, nbits, h.TableBits())
		}
	}
}

func TestHuffmanErrors(t *testing.T) {
	if _, err := NewHuffman([]int64{0, 0}); err == nil {
		t.Error("no symbols accepted")
	}
	if _, err := NewHuffman([]int64{1, -1}); err == nil {
		t.Error("negative count accepted")
	}
	h, _ := NewHuffman([]int64{1, 1, 0})
	if _, _, err := h.Encode([]int32{2}); err == nil {
		t.Error("symbol without code accepted")
	}
	if _, err := h.Decode([]byte{0}, 1, 2); err == nil {
		t.Error("truncated stream accepted")
	}
	if _, err := HuffmanBits([]int32{3}, 3); err == nil {
		t.Error("symbol outside alphabet accepted")
	}
}

func FuzzHuffmanDecode(f *testing.F) {
	f.Add([]byte{0xa5, 0x0f}, 3)
	f.Fuzz(func(t *testing.T, data []byte, count int) {
		h, _ := NewHuffman([]int64{5, 3, 1, 1, 0, 2})
		if count < 0 || count > 1000 {
			return
		}
		out, err := h.Decode(data, int64(len(data))*8, count)
		if err != nil {
			return
		}
		enc, nbits, err := h.Encode(out)
		if err != nil {
			t.Fatal(err)
		}
		again, err := h.Decode(enc, nbits, count)
		if err != nil || !reflect.DeepEqual(again, out) {
			t.Fatalf("re-decode differs: %v", err)
		}
	})
}

// The code table run-length codes unused symbols: lengths 1,0,0,0,0,0,2,2
// (max 2 → 2-bit fields): 8 + 2 + (2 + γ(5) = 5) + 2 + 2 = 21 bits instead
// of 8 + 8·2 = 24.
func TestTableBitsZeroRuns(t *testing.T) {
	c := HuffmanCode{Lengths: []uint8{1, 0, 0, 0, 0, 0, 2, 2}}
	if got := c.TableBits(); got != 21 {
		t.Errorf("TableBits %d, want 21", got)
	}
	for n, want := range map[int]int{1: 1, 2: 3, 3: 3, 4: 5, 7: 5, 8: 7} {
		if got := eliasGammaBits(n); got != want {
			t.Errorf("γ(%d) = %d bits, want %d", n, got, want)
		}
	}
}
