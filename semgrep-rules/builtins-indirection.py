import builtins
import sys


def indirect_exec(code):
    # ruleid: hubguard.builtins-indirection
    __builtins__["exec"](code)


def through_vars(code):
    # ruleid: hubguard.builtins-indirection
    vars(__builtins__)["eval"](code)


def computed_key(code, parts):
    name = "".join(parts)
    # ruleid: hubguard.builtins-indirection
    getattr(builtins, name)(code)


def module_table():
    # ruleid: hubguard.builtins-indirection
    return sys.modules["subprocess"].Popen(["id"])


def via_globals(code):
    # ruleid: hubguard.builtins-indirection
    globals()["__builtins__"]["__import__"]("os").system(code)


def this_module(name, value):
    # ok: hubguard.builtins-indirection
    setattr(sys.modules[__name__], name, value)


def already_imported_check():
    # ok: hubguard.builtins-indirection
    return "flash_attn" in sys.modules and sys.modules["flash_attn"] is not None


def patched_print():
    # ok: hubguard.builtins-indirection
    return getattr(builtins, "print")
