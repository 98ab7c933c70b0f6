package nn

import (
	"fmt"
	"sort"
	"strings"
)

// conv returns a convolution shape.
func conv(name string, inC, inH, inW, outC, k, stride, pad, groups int) Shape {
	return Shape{Name: name, Kind: Conv, InC: inC, InH: inH, InW: inW, OutC: outC,
		R: k, S: k, Stride: stride, Pad: pad, Groups: groups}
}

// fc returns a fully connected shape with in inputs and out outputs.
func fc(name string, in, out int) Shape {
	return Shape{Name: name, Kind: FC, InC: in, InH: 1, InW: 1, OutC: out, R: 1, S: 1, Stride: 1, Groups: 1}
}

// pool returns a pooling shape.
func pool(name string, c, inH, inW, k, stride, pad int) Shape {
	return Shape{Name: name, Kind: Pool, InC: c, InH: inH, InW: inW, OutC: c, R: k, S: k, Stride: stride, Pad: pad, Groups: 1}
}

// chain builds layers whose input geometry follows from the previous layer's
// output, so a zoo entry states each layer's own parameters only.
type chain struct {
	c, h, w int
	layers  []Shape
}

func (b *chain) conv(name string, outC, k, stride, pad, groups int) *chain {
	return b.add(conv(name, b.c, b.h, b.w, outC, k, stride, pad, groups))
}

func (b *chain) pool(name string, k, stride, pad int) *chain {
	return b.add(pool(name, b.c, b.h, b.w, k, stride, pad))
}

func (b *chain) fc(name string, out int) *chain {
	return b.add(fc(name, b.c*b.h*b.w, out))
}

func (b *chain) add(s Shape) *chain {
	b.layers = append(b.layers, s)
	b.c, b.h, b.w = s.OutChannels(), s.OutH(), s.OutW()
	return b
}

var zoo = map[string]func() Arch{
	"lenet-300-100": func() Arch {
		b := &chain{c: 784, h: 1, w: 1}
		b.fc("fc1", 300).fc("fc2", 100).fc("fc3", 10)
		return Arch{Name: "lenet-300-100", Layers: b.layers}
	},
	// Caffe's LeNet-5 variant (20-50-500-10), as pruned in Han et al. 2015.
	"lenet-5": func() Arch {
		b := &chain{c: 1, h: 28, w: 28}
		b.conv("conv1", 20, 5, 1, 0, 1).pool("pool1", 2, 2, 0).
			conv("conv2", 50, 5, 1, 0, 1).pool("pool2", 2, 2, 0).
			fc("fc1", 500).fc("fc2", 10)
		return Arch{Name: "lenet-5", Layers: b.layers}
	},
	// Caffe's AlexNet (227×227 input, grouped conv2/4/5), Krizhevsky et al. 2012.
	"alexnet": func() Arch {
		b := &chain{c: 3, h: 227, w: 227}
		b.conv("conv1", 96, 11, 4, 0, 1).pool("pool1", 3, 2, 0).
			conv("conv2", 256, 5, 1, 2, 2).pool("pool2", 3, 2, 0).
			conv("conv3", 384, 3, 1, 1, 1).
			conv("conv4", 384, 3, 1, 1, 2).
			conv("conv5", 256, 3, 1, 1, 2).pool("pool5", 3, 2, 0).
			fc("fc6", 4096).fc("fc7", 4096).fc("fc8", 1000)
		return Arch{Name: "alexnet", Layers: b.layers}
	},
	// VGG-16 (configuration D), Simonyan and Zisserman 2015.
	"vgg-16": func() Arch {
		b := &chain{c: 3, h: 224, w: 224}
		blocks := []struct{ n, c int }{{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}}
		for i, blk := range blocks {
			for j := 1; j <= blk.n; j++ {
				b.conv(fmt.Sprintf("conv%d_%d", i+1, j), blk.c, 3, 1, 1, 1)
			}
			b.pool(fmt.Sprintf("pool%d", i+1), 2, 2, 0)
		}
		b.fc("fc6", 4096).fc("fc7", 4096).fc("fc8", 1000)
		return Arch{Name: "vgg-16", Layers: b.layers}
	},
	// ResNet-18, He et al. 2016; the 1×1 projection shortcuts are listed as
	// their own layers after the block's second convolution.
	"resnet-18": func() Arch {
		b := &chain{c: 3, h: 224, w: 224}
		b.conv("conv1", 64, 7, 2, 3, 1).pool("pool1", 3, 2, 1)
		for stage, c := range []int{64, 128, 256, 512} {
			for blk := 0; blk < 2; blk++ {
				stride := 1
				if stage > 0 && blk == 0 {
					stride = 2
				}
				inC, inH, inW := b.c, b.h, b.w
				p := fmt.Sprintf("layer%d.%d", stage+1, blk)
				b.conv(p+".conv1", c, 3, stride, 1, 1).conv(p+".conv2", c, 3, 1, 1, 1)
				if stride != 1 || inC != c {
					b.layers = append(b.layers, conv(p+".downsample", inC, inH, inW, c, 1, stride, 0, 1))
				}
			}
		}
		b.pool("avgpool", 7, 1, 0).fc("fc", 1000)
		return Arch{Name: "resnet-18", Layers: b.layers}
	},
	// MobileNet-v1 (width 1.0, 224×224), Howard et al. 2017: depthwise
	// convolutions are grouped convolutions with groups = channels.
	"mobilenet-v1": func() Arch {
		b := &chain{c: 3, h: 224, w: 224}
		b.conv("conv1", 32, 3, 2, 1, 1)
		cfg := []struct{ out, stride int }{{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
			{512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}}
		for i, c := range cfg {
			b.conv(fmt.Sprintf("dw%d", i+1), b.c, 3, c.stride, 1, b.c)
			b.conv(fmt.Sprintf("pw%d", i+1), c.out, 1, 1, 0, 1)
		}
		b.pool("avgpool", 7, 1, 0).fc("fc", 1000)
		return Arch{Name: "mobilenet-v1", Layers: b.layers}
	},
}

// ZooNames lists the built-in networks in sorted order.
func ZooNames() []string {
	names := make([]string, 0, len(zoo))
	for n := range zoo {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Zoo returns the built-in network of that name; an unknown name is an error
// that lists the valid ones.
func Zoo(name string) (Arch, error) {
	f, ok := zoo[strings.ToLower(name)]
	if !ok {
		return Arch{}, fmt.Errorf("unknown network %q (valid: %s)", name, strings.Join(ZooNames(), ", "))
	}
	return f(), nil
}
