# corpus-rows: B6
"""A result cache that round-trips Python objects through every pickle flavour."""

import _pickle
import marshal
import pickle
import pickle as pk
import shelve
from pickle import loads as unpickle

import cloudpickle
import dill
import jsonpickle

payload = b""
text = "{}"

with open("state.pkl", "rb") as fh:
    state = pickle.load(fh)  # expect: HG301
    unpickler = pickle.Unpickler(fh)  # expect: HG301
    restored = unpickler.load()  # expect-clean
    dilled = dill.load(fh)  # expect: HG301

obj = pickle.loads(payload)  # expect: HG301
obj = pk.loads(payload)  # expect: HG301
obj = unpickle(payload)  # expect: HG301
obj = _pickle.loads(payload)  # expect: HG301
obj = dill.loads(payload)  # expect: HG301
obj = cloudpickle.loads(payload)  # expect: HG301
obj = cloudpickle.load(open("fn.pkl", "rb"))  # expect: HG301
cache = shelve.open("cache.db")  # expect: HG301
obj = jsonpickle.decode(text)  # expect: HG301
code = marshal.loads(payload)  # expect: HG301
twice = pickle.loads(pickle.loads(payload))  # expect: HG301 HG301

blob = pickle.dumps(obj)  # expect-clean
with open("out.pkl", "wb") as out:
    pickle.dump(obj, out)  # expect-clean
    dill.dump(obj, out)  # expect-clean
encoded = jsonpickle.encode(obj)  # expect-clean
compiled = marshal.dumps(compile("1", "<s>", "eval"))  # expect-clean
