# corpus-rows: B7 B8 B10
"""Keras models, skops estimators and a LangChain vector store loaded from disk."""

import keras
import skops.io
import tensorflow as tf
from langchain_community.retrievers import TFIDFRetriever
from langchain_community.vectorstores import FAISS
from skops import io as sio

embeddings = None

model = keras.models.load_model("model.keras")  # expect-clean
unsafe = keras.models.load_model("model.keras", safe_mode=False)  # expect: HG301@error:safe_mode=False
legacy = keras.saving.load_model("legacy.h5", compile=False, safe_mode=False)  # expect: HG301@error:safe_mode=False
tf_model = tf.keras.models.load_model("saved.keras", safe_mode=False)  # expect: HG301@error:safe_mode=False
tf_safe = tf.keras.models.load_model("saved.keras", safe_mode=True)  # expect-clean
from_hub = keras.saving.load_model("hf://keras-io/ocr-for-captcha")  # expect: HG201@warning:"hf://keras-io/ocr-for-captcha"
model.save("model_copy.keras")  # expect-clean

clf = sio.load("model.skops", trusted=True)  # expect: HG301@error:trusted=True
blanket = sio.load("model.skops", trusted=sio.get_untrusted_types(file="model.skops"))  # expect: HG301@warning:trusted=sio.get_untrusted_types
default_types = sio.load("model.skops")  # expect-clean
from_bytes = skops.io.loads(b"", trusted=True)  # expect: HG301@error:trusted=True
sio.dump(clf, "model_copy.skops")  # expect-clean

store = FAISS.load_local("faiss_index", embeddings, allow_dangerous_deserialization=True)  # expect: HG301@error:allow_dangerous_deserialization=True
refused = FAISS.load_local("faiss_index", embeddings)  # expect-clean
retriever = TFIDFRetriever.load_local("tfidf", allow_dangerous_deserialization=True)  # expect: HG301@error:allow_dangerous_deserialization=True
store.save_local("faiss_index_copy")  # expect-clean
docs = store.similarity_search("query", k=4)  # expect-clean
