import base64
import binascii
import codecs
import marshal
import zlib

import torch


def hidden_payload(blob):
    # ruleid: hubguard.exec-decoded-payload
    exec(base64.b64decode(blob))


def packed_payload(blob):
    source = zlib.decompress(base64.b64decode(blob)).decode()
    # ruleid: hubguard.exec-decoded-payload
    exec(source)


def marshalled(blob):
    # ruleid: hubguard.exec-decoded-payload
    exec(marshal.loads(blob))


def hex_payload(text):
    code = bytes.fromhex(text).decode("utf-8")
    # ruleid: hubguard.exec-decoded-payload
    eval(compile(code, "<x>", "exec"))


def rot13(text):
    # ruleid: hubguard.exec-decoded-payload
    exec(codecs.decode(text, "rot13"))


def reversed_source(text):
    # ruleid: hubguard.exec-decoded-payload
    exec(text[::-1])


def unhex(text):
    # ruleid: hubguard.exec-decoded-payload
    exec(binascii.unhexlify(text))


def decode_image(payload):
    # ok: hubguard.exec-decoded-payload
    data = base64.b64decode(payload)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8)


def evaluate(model, batch):
    model.eval()
    with torch.no_grad():
        # ok: hubguard.exec-decoded-payload
        return model(batch)
