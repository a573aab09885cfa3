import base64
import codecs
import zlib


def unpack(blob):
    # ruleid: hubguard.decode-to-text
    return zlib.decompress(base64.b64decode(blob)).decode()


def rot(text):
    # ruleid: hubguard.decode-to-text
    return codecs.decode(text, "rot13")


def xor_text(blob, key):
    # ruleid: hubguard.xor-decode
    return "".join(chr(ord(char) ^ key) for char in blob)


def xor_bytes(blob, key):
    # ruleid: hubguard.xor-decode
    return bytes([byte ^ key for byte in blob])


def byte_vocabulary(lines):
    # ok: hubguard.decode-to-text, hubguard.xor-decode
    return {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in lines if line)}


def hash_bucket(a, b):
    # ok: hubguard.decode-to-text, hubguard.xor-decode
    return (a ^ b) & 0xFFFF
