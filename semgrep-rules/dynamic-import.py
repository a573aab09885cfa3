import importlib


def load_backend(config):
    # ruleid: hubguard.dynamic-import
    return importlib.import_module(config["backend"])


def disguised():
    # ruleid: hubguard.dynamic-import
    return __import__("".join(["o", "s"]))


def hidden_os():
    # ruleid: hubguard.dynamic-import
    return __import__("os")


class LazyModule:
    def __init__(self, name):
        self.__name__ = name

    def _get_module(self, module_name):
        # ok: hubguard.dynamic-import
        return importlib.import_module("." + module_name, self.__name__)


def optional_dependency():
    # ok: hubguard.dynamic-import
    return importlib.import_module("einops")
