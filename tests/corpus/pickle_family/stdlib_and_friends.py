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
    state = pickle.load(fh)  # expect: HG301@warning:pickle.load
    unpickler = pickle.Unpickler(fh)  # expect: HG301@warning:pickle.Unpickler
    restored = unpickler.load()  # expect-clean
    dilled = dill.load(fh)  # expect: HG301@warning:dill.load

obj = pickle.loads(payload)  # expect: HG301@warning:pickle.loads
obj = pk.loads(payload)  # expect: HG301@warning:pk.loads
obj = unpickle(payload)  # expect: HG301@warning:unpickle
obj = _pickle.loads(payload)  # expect: HG301@warning:_pickle.loads
obj = dill.loads(payload)  # expect: HG301@warning:dill.loads
by_keyword = dill.loads(str=payload)  # expect: HG301@warning:dill.loads
obj = cloudpickle.loads(payload)  # expect: HG301@warning:cloudpickle.loads
obj = cloudpickle.load(open("fn.pkl", "rb"))  # expect: HG301@warning:cloudpickle.load
cache = shelve.open("cache.db")  # expect: HG301@warning:shelve.open
obj = jsonpickle.decode(text)  # expect: HG301@warning:jsonpickle.decode
code = marshal.loads(payload)  # expect: HG301@warning:marshal.loads
twice = pickle.loads(pickle.loads(payload))  # expect: HG301@warning:9 HG301@warning:22

blob = pickle.dumps(obj)  # expect-clean
with open("out.pkl", "wb") as out:
    pickle.dump(obj, out)  # expect-clean
    dill.dump(obj, out)  # expect-clean
encoded = jsonpickle.encode(obj)  # expect-clean
compiled = marshal.dumps(compile("1", "<s>", "eval"))  # expect-clean
