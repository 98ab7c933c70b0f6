package clustering

import (
	"container/heap"
	"sort"
)

// maxCodeLen bounds Huffman code lengths so codes fit a uint64 with room to
// spare; a longer code needs a Fibonacci-like count distribution over more
// than 2^39 symbols and is reported as an error.
const maxCodeLen = 57

// HuffmanCode is a canonical Huffman code (Huffman 1952; canonical
// assignment as in DEFLATE, RFC 1951 §3.2.2) over the symbols
// 0…len(Lengths)−1. Codes are determined by the lengths alone, which is why
// the code table costs only one length per symbol.
type HuffmanCode struct {
	Lengths []uint8 // code length per symbol; 0 = the symbol does not occur
	codes   []uint64
	order   []int32 // used symbols sorted by (length, symbol)
}

// NewHuffman builds the optimal prefix code for the symbol counts freq.
// A single used symbol gets a 1-bit code. Errors: negative counts, no
// symbol with a positive count.
func NewHuffman(freq []int64) (HuffmanCode, error) {
	h := &nodeHeap{}
	for s, f := range freq {
		if f < 0 {
			return HuffmanCode{}, badInput("huffman: symbol %d: negative count %d", s, f)
		}
		if f > 0 {
			*h = append(*h, &hnode{weight: f, sym: int32(s)})
		}
	}
	if h.Len() == 0 {
		return HuffmanCode{}, badInput("huffman: no symbol occurs")
	}
	code := HuffmanCode{Lengths: make([]uint8, len(freq))}
	if h.Len() == 1 {
		code.Lengths[(*h)[0].sym] = 1
	} else {
		heap.Init(h)
		for h.Len() > 1 {
			a, b := heap.Pop(h).(*hnode), heap.Pop(h).(*hnode)
			heap.Push(h, &hnode{weight: a.weight + b.weight, sym: min(a.sym, b.sym), left: a, right: b})
		}
		if err := code.depths((*h)[0], 0); err != nil {
			return HuffmanCode{}, err
		}
	}
	code.assign()
	return code, nil
}

type hnode struct {
	weight      int64
	sym         int32 // smallest symbol below, for deterministic ties
	left, right *hnode
}

type nodeHeap []*hnode

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(i, j int) bool {
	if h[i].weight != h[j].weight {
		return h[i].weight < h[j].weight
	}
	return h[i].sym < h[j].sym
}
func (h nodeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(*hnode)) }
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (c *HuffmanCode) depths(n *hnode, d int) error {
	if n.left == nil {
		if d > maxCodeLen {
			return badInput("huffman: code length %d exceeds %d", d, maxCodeLen)
		}
		c.Lengths[n.sym] = uint8(d)
		return nil
	}
	if err := c.depths(n.left, d+1); err != nil {
		return err
	}
	return c.depths(n.right, d+1)
}

// assign gives canonical codes: symbols sorted by (length, value) receive
// consecutive codes, shifted left whenever the length grows.
func (c *HuffmanCode) assign() {
	c.codes = make([]uint64, len(c.Lengths))
	c.order = c.order[:0]
	for s, l := range c.Lengths {
		if l > 0 {
			c.order = append(c.order, int32(s))
		}
	}
	sort.Slice(c.order, func(i, j int) bool {
		a, b := c.order[i], c.order[j]
		if c.Lengths[a] != c.Lengths[b] {
			return c.Lengths[a] < c.Lengths[b]
		}
		return a < b
	})
	var code uint64
	prev := uint8(0)
	for _, s := range c.order {
		code <<= c.Lengths[s] - prev
		prev = c.Lengths[s]
		c.codes[s] = code
		code++
	}
}

// PayloadBits is Σ freq·length: the coded size of a stream with these counts.
func (c HuffmanCode) PayloadBits(freq []int64) int64 {
	var n int64
	for s, f := range freq {
		n += f * int64(c.Lengths[s])
	}
	return n
}

// TableBits is the size of the code table as stored: an 8-bit field giving
// the width w of a length, w = ceil(log2(max length + 1)), then the code
// length of every symbol of the alphabet in order as a w-bit field, except
// that a run of r ≥ 1 symbols without a code (length 0) is written as one
// 0 field followed by r in Elias-gamma code (2·⌊log2 r⌋ + 1 bits). Without
// unused symbols this is 8 + alphabet·w; for a wide relative-index alphabet
// of which few gaps occur (a 2^11-symbol alphabet with 250 used symbols) it
// costs about a quarter of that (DEFLATE, RFC 1951 §3.2.7, run-length codes
// its code lengths for the same reason).
func (c HuffmanCode) TableBits() int64 {
	maxLen := 0
	for _, l := range c.Lengths {
		maxLen = max(maxLen, int(l))
	}
	w := 0
	for (1 << w) <= maxLen {
		w++
	}
	bits := int64(8)
	for i := 0; i < len(c.Lengths); {
		bits += int64(w)
		if c.Lengths[i] != 0 {
			i++
			continue
		}
		r := 0
		for i < len(c.Lengths) && c.Lengths[i] == 0 {
			r++
			i++
		}
		bits += int64(eliasGammaBits(r))
	}
	return bits
}

// eliasGammaBits is the length of the Elias-gamma code of n ≥ 1:
// 2·⌊log2 n⌋ + 1.
func eliasGammaBits(n int) int {
	b := 0
	for n > 1 {
		n >>= 1
		b++
	}
	return 2*b + 1
}

// Encode packs the symbols MSB-first and returns the bytes and the number
// of bits used. A symbol outside the alphabet or without a code is an error.
func (c HuffmanCode) Encode(symbols []int32) ([]byte, int64, error) {
	var out []byte
	var nbits int64
	for i, s := range symbols {
		if s < 0 || int(s) >= len(c.Lengths) || c.Lengths[s] == 0 {
			return nil, 0, badInput("huffman: symbol %d at %d has no code", s, i)
		}
		for b := int(c.Lengths[s]) - 1; b >= 0; b-- {
			if nbits%8 == 0 {
				out = append(out, 0)
			}
			if c.codes[s]>>uint(b)&1 == 1 {
				out[nbits/8] |= 0x80 >> uint(nbits%8)
			}
			nbits++
		}
	}
	return out, nbits, nil
}

// Decode reads count symbols from the first nbits bits of data.
func (c HuffmanCode) Decode(data []byte, nbits int64, count int) ([]int32, error) {
	if nbits > int64(len(data))*8 {
		return nil, badInput("huffman: %d bits requested from %d bytes", nbits, len(data))
	}
	// first[l] is the first canonical code of length l, start[l] its
	// position in order, num[l] the number of codes of length l.
	var first, start [maxCodeLen + 2]uint64
	var num [maxCodeLen + 2]int
	for _, s := range c.order {
		num[c.Lengths[s]]++
	}
	var code uint64
	pos := 0
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + uint64(num[l-1])) << 1
		first[l], start[l] = code, uint64(pos)
		pos += num[l]
	}
	out := make([]int32, 0, count)
	var bit int64
	for len(out) < count {
		var v uint64
		found := false
		for l := 1; l <= maxCodeLen && bit < nbits; l++ {
			v = v<<1 | uint64(data[bit/8]>>(7-uint(bit%8))&1)
			bit++
			if num[l] > 0 && v >= first[l] && v-first[l] < uint64(num[l]) {
				out = append(out, c.order[start[l]+v-first[l]])
				found = true
				break
			}
		}
		if !found {
			return nil, badInput("huffman: stream ends or is corrupt after %d symbols", len(out))
		}
	}
	return out, nil
}

// HuffmanBits is the honest Huffman-coded size of a stream over the alphabet
// 0…alphabet−1: payload plus code table. An empty stream costs 0 bits.
func HuffmanBits(symbols []int32, alphabet int) (int64, error) {
	if len(symbols) == 0 {
		return 0, nil
	}
	freq := make([]int64, alphabet)
	for i, s := range symbols {
		if s < 0 || int(s) >= alphabet {
			return 0, badInput("huffman: symbol %d at %d outside alphabet of %d", s, i, alphabet)
		}
		freq[s]++
	}
	c, err := NewHuffman(freq)
	if err != nil {
		return 0, err
	}
	return c.PayloadBits(freq) + c.TableBits(), nil
}
