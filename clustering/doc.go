// Package clustering implements adaptive weight sharing for compressed
// networks: a BIRCH clustering-feature tree summarises a layer's weights in
// one scan, the summary decides the number of clusters k, K-Means++ seeds the
// centroids and Lloyd's algorithm on sorted 1-D data refines them. It also
// provides the comparison initialisations (linear, random, density), an exact
// optimal 1-D k-means used as the test oracle, Huffman coding, and the storage
// accounting that gives a model's compression ratio.
//
// Package clustering may import only the standard library, gonum and nn; it
// never imports sim, accel, pruning or reports.
//
// # Methods
//
// Cluster selects an algorithm by name (Settings.Method):
//
//	birch-kmeans  (default) BIRCH summary → weighted K-Means++ on the leaf
//	              entries → Lloyd over the raw weights; k adaptive when K = 0
//	kmeans        fixed K, K-Means++ seeding on the raw weights, then Lloyd
//	linear        fixed K, centroids spaced linearly in [min, max], then Lloyd
//	              (Deep Compression's choice, Han et al. 2016 §3.2)
//	random        fixed K, K distinct weights drawn at random, then Lloyd
//	density       fixed K, centroids at the (j+½)/K quantiles of the CDF, then Lloyd
//	exact         fixed K, optimal 1-D k-means by dynamic programming
//	              (Ckmeans.1d.dp, Wang & Song 2011)
//
// # The adaptive rule
//
// Let σ be the population standard deviation of the layer's weights and N
// their number. The 1-D fast path sorts the weights once and sweeps them,
// growing a subcluster while its radius R = sqrt(SS/N) (root mean squared
// distance to its centroid; the radius, not the diameter) stays ≤ T with
// T = Threshold·σ (default Threshold 0.02). The leaf entries (N_e, mean_e,
// SS_e) are the summary. For a candidate k the entries are clustered as
// weighted points (K-Means++ with weights N_e, then weighted Lloyd, best of
// Restarts seedings); the distortion of that clustering over the raw weights
// is D(k) = Σ SS_e + Σ N_e·(mean_e − c(e))². The chosen k is the smallest k
// with D(k)/N ≤ (ε·σ)², ε = Settings.Distortion (default 0.1: the RMS
// quantisation error is at most 10% of the layer's spread), capped by
// k ≤ 2^MaxBits (default MaxBits 5, so k ≤ 32) and by the number of
// distinct weights. The search doubles k until the bound holds and then
// bisects. The final Lloyd pass over the raw weights starts from the chosen
// entry centroids and can only lower the distortion, so the bound holds for
// the returned codebook too. The rule and its validation are described in
// docs/clustering.md.
//
// # Degenerate input
//
// Empty input, NaN or ±Inf, K larger than the number of distinct values, K
// above 2^16 and MaxBits outside 1–16 are errors. A layer whose weights are
// all equal (for example all zero) has one distinct value: the adaptive method
// returns a single centroid equal to that value with every index 0, and a
// fixed K > 1 is an error.
package clustering
