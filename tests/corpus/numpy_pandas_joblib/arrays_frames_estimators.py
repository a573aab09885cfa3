# corpus-rows: B4 B5 B6
"""Feature pipeline: arrays, frames and a fitted estimator from disk."""

import joblib
import numpy as np
import pandas as pd
from joblib import load as load_estimator

features = np.load("features.npy")  # expect-clean
explicit = np.load("features.npy", allow_pickle=False)  # expect-clean
objects = np.load("objects.npy", allow_pickle=True)  # expect: HG301@warning:allow_pickle=True
positional = np.load("objects.npy", None, True)  # expect: HG301@warning:True
with np.load("bundle.npz", allow_pickle=True) as bundle:  # expect: HG301@warning:allow_pickle=True
    labels = bundle["labels"]
np.save("features_copy.npy", features)  # expect-clean
table = np.loadtxt("table.csv", delimiter=",")  # expect-clean

frame = pd.read_pickle("frame.pkl")  # expect: HG301@warning:pd.read_pickle
compressed = pd.read_pickle("frame.pkl.gz", compression="gzip")  # expect: HG301@warning:pd.read_pickle
csv_frame = pd.read_csv("frame.csv")  # expect-clean
frame.to_pickle("frame_copy.pkl")  # expect-clean
parquet_frame = pd.read_parquet("frame.parquet")  # expect-clean

clf = joblib.load("model.joblib")  # expect: HG301@warning:joblib.load
clf2 = load_estimator("model.joblib", mmap_mode="r")  # expect: HG301@warning:load_estimator
joblib.dump(clf, "model_copy.joblib")  # expect-clean
