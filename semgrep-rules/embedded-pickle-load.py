import base64
import io
import marshal
import pickle
import zlib

import torch


def literal_blob():
    # ruleid: hubguard.embedded-pickle-load
    return pickle.loads(b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00.")


def encoded_blob(text):
    # ruleid: hubguard.embedded-pickle-load
    return pickle.loads(base64.b64decode(text))


def code_object(text):
    # ruleid: hubguard.embedded-pickle-load
    return marshal.loads(zlib.decompress(base64.b64decode(text)))


def torch_blob(text):
    # ruleid: hubguard.embedded-pickle-load
    return torch.load(io.BytesIO(base64.b64decode(text)), weights_only=False)


def load_checkpoint(path):
    # ok: hubguard.embedded-pickle-load
    return torch.load(path, map_location="cpu", weights_only=True)
