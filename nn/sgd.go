package nn

// sgd is stochastic gradient descent with heavy-ball momentum and L2 weight
// decay in PyTorch's formulation (torch.optim.SGD, dampening 0):
//
//	g ← Grad/batch + λ·w,   v ← μ·v + g,   w ← w − η·v
//
// Masked weights follow TrainSettings.UpdatePruned; shared weights update
// their codebook instead when TrainSettings.FinetuneCodebook is set.
type sgd struct {
	m                *Model
	mom, wd          float32
	updatePruned     bool
	finetuneCodebook bool
	vw, vb, vc       [][]float32 // velocities of weights, biases, centroids
	cgrad            []float32
	eta, inv         float32 // learning rate and 1/batch of the current step
}

func newSGD(m *Model, s TrainSettings) *sgd {
	o := &sgd{m: m, mom: float32(max(s.Momentum, 0)), wd: float32(max(s.WeightDecay, 0)),
		updatePruned: s.UpdatePruned, finetuneCodebook: s.FinetuneCodebook}
	for _, p := range m.params {
		o.vw = append(o.vw, make([]float32, len(p.W)))
		o.vb = append(o.vb, make([]float32, len(p.Bias)))
		o.vc = append(o.vc, make([]float32, len(p.Codebook)))
	}
	return o
}

// setStep sets the learning rate and batch size of the coming update.
func (o *sgd) setStep(lr float64, n int) { o.eta, o.inv = float32(lr), 1/float32(n) }

// updateRange updates weights [lo, hi) of param pi from its Grad; layers with
// a codebook are left to finish.
func (o *sgd) updateRange(pi int, p *Param, lo, hi int) {
	if p.Codebook != nil || lo >= hi {
		return
	}
	var mask []float32
	if p.Mask != nil && !o.updatePruned {
		mask = p.Mask[lo:hi]
	}
	if mask == nil {
		updateDense(p.W[lo:hi], p.Grad[lo:hi], o.vw[pi][lo:hi], o.inv, o.wd, o.mom, o.eta)
		return
	}
	update(p.W[lo:hi], p.Grad[lo:hi], o.vw[pi][lo:hi], mask, o.inv, o.wd, o.mom, o.eta)
}

// updateAt updates the weights at flat positions pos from their compact
// gradient grad (a frozen sparse layer's), by the same rule as update;
// layers with a codebook are left to finish.
func (o *sgd) updateAt(pi int, p *Param, pos []int32, grad []float32) {
	if p.Codebook != nil {
		return
	}
	w, vel := p.W, o.vw[pi]
	inv, wd, mom, eta := o.inv, o.wd, o.mom, o.eta
	for t, i := range pos {
		g := grad[t]*inv + wd*w[i]
		v := mom*vel[i] + g
		vel[i] = v
		w[i] -= eta * v
	}
}

// finish updates the biases and, with FinetuneCodebook, the codebooks; it
// runs after every updateRange of the step.
func (o *sgd) finish() {
	for pi, p := range o.m.params {
		update(p.Bias, p.BiasGrad, o.vb[pi], nil, o.inv, o.wd, o.mom, o.eta)
		if p.Codebook != nil && o.finetuneCodebook {
			o.stepCodebook(pi, p, o.inv, o.eta)
		}
	}
}

// update applies the SGD rule to w; entries whose mask is 0 are skipped.
func update(w, grad, vel, mask []float32, inv, wd, mom, eta float32) {
	grad, vel = grad[:len(w)], vel[:len(w)]
	for i := range w {
		if mask != nil && mask[i] == 0 {
			continue
		}
		g := grad[i]*inv + wd*w[i]
		v := mom*vel[i] + g
		vel[i] = v
		w[i] -= eta * v
	}
}

// stepCodebook updates each centroid by the summed gradient of its unpruned
// members (Han et al. 2016, eq. 3), at the same learning rate and momentum.
func (o *sgd) stepCodebook(pi int, p *Param, inv, eta float32) {
	if cap(o.cgrad) < len(p.Codebook) {
		o.cgrad = make([]float32, len(p.Codebook))
	}
	cg := o.cgrad[:len(p.Codebook)]
	clear(cg)
	for i, ix := range p.Index {
		if p.Mask != nil && p.Mask[i] == 0 {
			continue
		}
		cg[ix] += p.Grad[i]
	}
	update(p.Codebook, cg, o.vc[pi], nil, inv, 0, o.mom, eta)
}
