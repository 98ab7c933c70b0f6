package network

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// conv returns a convolution shape.
func conv(name string, inC, inH, inW, outC, k, stride, pad, groups int) Layer {
	return Layer{Name: name, Kind: Conv, InC: inC, InH: inH, InW: inW, OutC: outC,
		R: k, S: k, Stride: stride, Pad: pad, Groups: groups}
}

// fc returns a fully connected shape with in inputs and out outputs.
func fc(name string, in, out int) Layer {
	return Layer{Name: name, Kind: FC, InC: in, InH: 1, InW: 1, OutC: out, R: 1, S: 1, Stride: 1, Groups: 1}
}

// pool returns a pooling shape.
func pool(name string, c, inH, inW, k, stride, pad int) Layer {
	return Layer{Name: name, Kind: Pool, InC: c, InH: inH, InW: inW, OutC: c, R: k, S: k, Stride: stride, Pad: pad, Groups: 1}
}

// chain builds layers whose input geometry follows from the previous layer's
// output, so a zoo entry states each layer's own parameters only.
type chain struct {
	c, h, w int
	layers  []Layer
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

func (b *chain) add(s Layer) *chain {
	b.layers = append(b.layers, s)
	b.c, b.h, b.w = s.OutChannels(), s.OutH(), s.OutW()
	return b
}

var zoo = map[string]func() Network{
	"lenet-300-100": func() Network {
		b := &chain{c: 784, h: 1, w: 1}
		b.fc("fc1", 300).fc("fc2", 100).fc("fc3", 10)
		return Network{Name: "lenet-300-100", Layers: b.layers}
	},
	// Caffe's LeNet-5 variant (20-50-500-10), as pruned in Han et al. 2015.
	"lenet-5": func() Network {
		b := &chain{c: 1, h: 28, w: 28}
		b.conv("conv1", 20, 5, 1, 0, 1).pool("pool1", 2, 2, 0).
			conv("conv2", 50, 5, 1, 0, 1).pool("pool2", 2, 2, 0).
			fc("fc1", 500).fc("fc2", 10)
		return Network{Name: "lenet-5", Layers: b.layers}
	},
	// Caffe's AlexNet (227×227 input, grouped conv2/4/5), Krizhevsky et al. 2012.
	"alexnet": func() Network {
		b := &chain{c: 3, h: 227, w: 227}
		b.conv("conv1", 96, 11, 4, 0, 1).pool("pool1", 3, 2, 0).
			conv("conv2", 256, 5, 1, 2, 2).pool("pool2", 3, 2, 0).
			conv("conv3", 384, 3, 1, 1, 1).
			conv("conv4", 384, 3, 1, 1, 2).
			conv("conv5", 256, 3, 1, 1, 2).pool("pool5", 3, 2, 0).
			fc("fc6", 4096).fc("fc7", 4096).fc("fc8", 1000)
		return Network{Name: "alexnet", Layers: b.layers}
	},
	// VGG-16 (configuration D), Simonyan and Zisserman 2015.
	"vgg-16": func() Network {
		b := &chain{c: 3, h: 224, w: 224}
		blocks := []struct{ n, c int }{{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}}
		for i, blk := range blocks {
			for j := 1; j <= blk.n; j++ {
				b.conv(fmt.Sprintf("conv%d_%d", i+1, j), blk.c, 3, 1, 1, 1)
			}
			b.pool(fmt.Sprintf("pool%d", i+1), 2, 2, 0)
		}
		b.fc("fc6", 4096).fc("fc7", 4096).fc("fc8", 1000)
		return Network{Name: "vgg-16", Layers: b.layers}
	},
	// ResNet-18, He et al. 2016; the 1×1 projection shortcuts are listed as
	// their own layers after the block's second convolution.
	"resnet-18": func() Network {
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
		return Network{Name: "resnet-18", Layers: b.layers}
	},
	// GoogLeNet (Inception v1, 224×224), Szegedy et al., CVPR 2015, Table 1,
	// without the auxiliary classifiers (inference) and the LRN layers (no
	// MACs). Max pooling pads by 1 where Caffe rounds its output up, so the
	// planes are 112, 56, 28, 14, 7 as in Table 1.
	"googlenet": func() Network {
		b := &chain{c: 3, h: 224, w: 224}
		b.conv("conv1/7x7_s2", 64, 7, 2, 3, 1).pool("pool1/3x3_s2", 3, 2, 1).
			conv("conv2/3x3_reduce", 64, 1, 1, 0, 1).conv("conv2/3x3", 192, 3, 1, 1, 1).
			pool("pool2/3x3_s2", 3, 2, 1).
			inception("3a", 64, 96, 128, 16, 32, 32).inception("3b", 128, 128, 192, 32, 96, 64).
			pool("pool3/3x3_s2", 3, 2, 1).
			inception("4a", 192, 96, 208, 16, 48, 64).inception("4b", 160, 112, 224, 24, 64, 64).
			inception("4c", 128, 128, 256, 24, 64, 64).inception("4d", 112, 144, 288, 32, 64, 64).
			inception("4e", 256, 160, 320, 32, 128, 128).
			pool("pool4/3x3_s2", 3, 2, 1).
			inception("5a", 256, 160, 320, 32, 128, 128).inception("5b", 384, 192, 384, 48, 128, 128).
			pool("pool5/7x7_s1", 7, 1, 0).fc("loss3/classifier", 1000)
		return Network{Name: "googlenet", Layers: b.layers}
	},
	// MobileNet-v1 (width 1.0, 224×224), Howard et al. 2017: depthwise
	// convolutions are grouped convolutions with groups = channels.
	"mobilenet-v1": func() Network {
		b := &chain{c: 3, h: 224, w: 224}
		b.conv("conv1", 32, 3, 2, 1, 1)
		cfg := []struct{ out, stride int }{{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
			{512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}}
		for i, c := range cfg {
			b.conv(fmt.Sprintf("dw%d", i+1), b.c, 3, c.stride, 1, b.c)
			b.conv(fmt.Sprintf("pw%d", i+1), c.out, 1, 1, 0, 1)
		}
		b.pool("avgpool", 7, 1, 0).fc("fc", 1000)
		return Network{Name: "mobilenet-v1", Layers: b.layers}
	},
}

// inception appends an Inception module (Szegedy et al., "Going Deeper
// with Convolutions", CVPR 2015, Fig. 2b) named like Caffe's bvlc_googlenet:
// four branches on the same input — 1×1; 1×1 reduce then 3×3; 1×1 reduce
// then 5×5; 3×3/1 max pooling then a 1×1 projection — simulated layer by
// layer; their concatenation only sets the next layer's input channels.
func (b *chain) inception(name string, c1, r3, c3, r5, c5, proj int) *chain {
	c, h, w := b.c, b.h, b.w
	branch := func(layers ...Layer) {
		b.c, b.h, b.w = c, h, w
		for _, l := range layers {
			b.add(l)
		}
	}
	p := "inception_" + name + "/"
	branch(conv(p+"1x1", c, h, w, c1, 1, 1, 0, 1))
	branch(conv(p+"3x3_reduce", c, h, w, r3, 1, 1, 0, 1), conv(p+"3x3", r3, h, w, c3, 3, 1, 1, 1))
	branch(conv(p+"5x5_reduce", c, h, w, r5, 1, 1, 0, 1), conv(p+"5x5", r5, h, w, c5, 5, 1, 2, 1))
	branch(pool(p+"pool", c, h, w, 3, 1, 1), conv(p+"pool_proj", c, h, w, proj, 1, 1, 0, 1))
	b.c, b.h, b.w = c1+c3+c5+proj, h, w
	return b
}

// ZooNames lists the built-in networks in sorted order.
func ZooNames() []string {
	return slices.Sorted(maps.Keys(zoo))
}

// Zoo returns the built-in network of that name; an unknown name is an error
// that lists the valid ones.
func Zoo(name string) (Network, error) {
	f, ok := zoo[strings.ToLower(name)]
	if !ok {
		return Network{}, fmt.Errorf("unknown network %q (valid: %s)", name, strings.Join(ZooNames(), ", "))
	}
	return f(), nil
}
