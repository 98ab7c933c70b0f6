#!/usr/bin/python3
"""Run scikit-learn's Birch and KMeans on the data written by dcsim's
scripts/cluster_bench and compare with the Go figures in go.json.

Usage: sklearn_cluster.py DIR     (DIR holds laplace.npy and go.json)

Needs Debian's python3-sklearn (apt-get install -y python3-sklearn).
Thread count follows OMP_NUM_THREADS; the caller sets it.
Prints one JSON document on stdout.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import Birch, KMeans


def partition_sse(x, labels):
    """SSE of a partition around its own cluster means (the best centroids
    for that partition)."""
    sse = 0.0
    for lab in np.unique(labels):
        m = x[labels == lab]
        sse += float(((m - m.mean()) ** 2).sum())
    return sse


def main():
    d = sys.argv[1]
    go = json.load(open(os.path.join(d, "go.json")))
    x = np.load(os.path.join(d, "laplace.npy")).astype(np.float64).reshape(-1, 1)
    k, thr = go["k"], go["threshold"]
    out = {"sklearn": sklearn.__version__, "threads": os.environ.get("OMP_NUM_THREADS", "unset"),
           "n": len(x), "k": k}

    t = time.perf_counter()
    b = Birch(threshold=thr, n_clusters=None).fit(x)
    out["birch_none_s"] = time.perf_counter() - t
    out["birch_none_subclusters"] = int(len(b.subcluster_centers_))

    # Global step: sklearn's agglomerative clustering of the (unweighted)
    # subcluster centres into k clusters, on the fitted tree.
    t = time.perf_counter()
    b.set_params(n_clusters=k)
    b.partial_fit()
    labels = b.predict(x)
    out["birch_global_extra_s"] = time.perf_counter() - t
    out["sse_birch_global"] = partition_sse(x[:, 0], labels)

    t = time.perf_counter()
    km = KMeans(n_clusters=k, init="k-means++", n_init=1, random_state=0).fit(x)
    out["kmeans_s"] = time.perf_counter() - t
    out["sse_kmeans"] = float(km.inertia_)
    out["kmeans_iter"] = int(km.n_iter_)
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
