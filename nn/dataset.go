package nn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MNIST normalisation constants: the mean and standard deviation of the
// training pixels scaled to [0,1] (the values torchvision's MNIST examples use).
const (
	mnistMean = 0.1307
	mnistStd  = 0.3081
)

// Dataset is a set of images and labels held in memory. X holds N images of
// C×H×W normalised pixels, image-major (NCHW); Y holds the N labels.
type Dataset struct {
	N, C, H, W int
	X          []float32
	Y          []uint8
}

// Subset returns a view of the first n samples (all of them when n ≤ 0 or
// n ≥ N). It shares memory with d.
func (d *Dataset) Subset(n int) *Dataset {
	if n <= 0 || n >= d.N {
		return d
	}
	sz := d.C * d.H * d.W
	return &Dataset{N: n, C: d.C, H: d.H, W: d.W, X: d.X[:n*sz], Y: d.Y[:n]}
}

// sampleSize is C·H·W.
func (d *Dataset) sampleSize() int { return d.C * d.H * d.W }

// MNIST file names as distributed by LeCun and in GoMNIST's data folder.
var mnistFiles = [4]string{
	"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
}

// MNISTEnv is the environment variable MNISTDir consults.
const MNISTEnv = "DCSIM_MNIST"

// checkMNISTDir reports whether dir holds the four MNIST files.
func checkMNISTDir(dir, from string) (string, error) {
	for _, f := range mnistFiles {
		if _, err := findMNISTFile(dir, f); err != nil {
			return "", fmt.Errorf("MNIST directory %s (from %s): %w", dir, from, err)
		}
	}
	return dir, nil
}

// findMNISTFile returns the path of base or base.gz in dir.
func findMNISTFile(dir, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s.gz: not found", base)
}

// LoadMNIST reads the MNIST training (60000) and test (10000) sets from dir,
// normalising pixels to (p/255 − 0.1307)/0.3081. Errors name the file.
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	if train, err = loadMNISTPair(dir, mnistFiles[0], mnistFiles[1]); err != nil {
		return nil, nil, err
	}
	if test, err = loadMNISTPair(dir, mnistFiles[2], mnistFiles[3]); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadMNISTPair(dir, images, labels string) (*Dataset, error) {
	ip, err := findMNISTFile(dir, images)
	if err != nil {
		return nil, fmt.Errorf("MNIST directory %s: %w", dir, err)
	}
	lp, err := findMNISTFile(dir, labels)
	if err != nil {
		return nil, fmt.Errorf("MNIST directory %s: %w", dir, err)
	}
	idims, pix, err := readIDXFile(ip)
	if err != nil {
		return nil, err
	}
	ldims, lab, err := readIDXFile(lp)
	if err != nil {
		return nil, err
	}
	if len(idims) != 3 || idims[1] != 28 || idims[2] != 28 {
		return nil, fmt.Errorf("%s: dimensions %v: want [N 28 28]", ip, idims)
	}
	if idims[0] == 0 {
		return nil, fmt.Errorf("%s: dimensions %v: no images (want N ≥ 1)", ip, idims)
	}
	if len(ldims) != 1 || ldims[0] != idims[0] {
		return nil, fmt.Errorf("%s: dimensions %v: want [%d] to match %s", lp, ldims, idims[0], filepath.Base(ip))
	}
	for i, l := range lab {
		if l > 9 {
			return nil, fmt.Errorf("%s: label %d is %d: must be 0–9", lp, i, l)
		}
	}
	ds := &Dataset{N: idims[0], C: 1, H: 28, W: 28, X: make([]float32, len(pix)), Y: lab}
	for i, p := range pix {
		ds.X[i] = (float32(p)/255 - mnistMean) / mnistStd
	}
	return ds, nil
}

func readIDXFile(path string) ([]int, []uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ReadIDX(f, path)
}
