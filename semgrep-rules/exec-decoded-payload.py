import base64
import os
import subprocess
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


def xor_payload(blob, key):
    source = "".join(chr(ord(char) ^ key) for char in blob)
    # ruleid: hubguard.exec-decoded-payload
    exec(source)


def xor_bytes(blob, key):
    # ruleid: hubguard.exec-decoded-payload
    exec(bytes(byte ^ key for byte in blob).decode())


_unpack = lambda text: base64.b64decode(text).decode()


def lambda_chain(blob):
    # ruleid: hubguard.exec-decoded-payload
    exec(_unpack(blob))


def nested_eval(text):
    # ruleid: hubguard.exec-decoded-payload
    exec(eval(text))


def decoded_shell(blob):
    command = base64.b64decode(blob).decode()
    # ruleid: hubguard.exec-decoded-payload
    os.system(command)


def decoded_argv(blob):
    # ruleid: hubguard.exec-decoded-payload
    subprocess.Popen(["sh", "-c", base64.b64decode(blob).decode()])


def run_later(blob):
    # ruleid: hubguard.exec-decoded-payload
    exec(_helper_defined_below(blob))


def _helper_defined_below(blob):
    return zlib.decompress(blob).decode()


def decode_image(payload):
    # ok: hubguard.exec-decoded-payload
    data = base64.b64decode(payload)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8)


def evaluate(model, batch):
    model.eval()
    with torch.no_grad():
        # ok: hubguard.exec-decoded-payload
        return model(batch)
