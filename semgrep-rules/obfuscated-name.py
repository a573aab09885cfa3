import base64
import importlib
import os
import subprocess


def split_attribute():
    # ruleid: hubguard.obfuscated-name
    return getattr(subprocess, "Po" + "pen")(["id"])


def joined_module():
    # ruleid: hubguard.obfuscated-name
    return importlib.import_module("".join(["sub", "process"]))


def reversed_module():
    # ruleid: hubguard.obfuscated-name
    return __import__("metsys"[::-1])


def decoded_attribute(module):
    # ruleid: hubguard.obfuscated-name
    return getattr(module, base64.b64decode("c3lzdGVt").decode())


def chars(module):
    # ruleid: hubguard.obfuscated-name
    return getattr(module, chr(115) + "ystem")


def by_variable(name):
    # ruleid: hubguard.computed-attribute
    return getattr(os, name)


def layers(model, index):
    # ok: hubguard.obfuscated-name, hubguard.computed-attribute
    return getattr(model, f"layer_{index}")


def activation(config):
    # ok: hubguard.obfuscated-name, hubguard.computed-attribute
    return getattr(importlib.import_module("torch.nn.functional"), config.hidden_act)


def optional_backend():
    # ok: hubguard.obfuscated-name, hubguard.computed-attribute
    return importlib.import_module("flash_attn")


def imported_then_looked_up(name):
    # ruleid: hubguard.computed-attribute
    return getattr(__import__("subprocess"), name)
