import ctypes
import mmap


def windows_stub(shellcode):
    # ruleid: hubguard.ctypes-shellcode
    address = ctypes.windll.kernel32.VirtualAlloc(0, len(shellcode), 0x3000, 0x40)
    return address


def posix_stub(shellcode):
    # ruleid: hubguard.ctypes-shellcode
    memory = mmap.mmap(-1, len(shellcode), prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    memory.write(shellcode)
    address = ctypes.addressof(ctypes.c_char.from_buffer(memory))
    # ruleid: hubguard.ctypes-shellcode
    function = ctypes.cast(address, ctypes.CFUNCTYPE(ctypes.c_void_p))
    return function


def load_cuda_runtime():
    # ok: hubguard.ctypes-shellcode
    return ctypes.CDLL("libcudart.so")


def positional_protection(shellcode):
    # ruleid: hubguard.ctypes-shellcode
    memory = mmap.mmap(-1, len(shellcode), mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, mmap.PROT_WRITE | mmap.PROT_READ | mmap.PROT_EXEC)
    memory.write(shellcode)
    pointer = ctypes.c_void_p.from_buffer(memory)
    # ruleid: hubguard.ctypes-shellcode
    run = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(pointer))
    return run()


def numeric_protection(size):
    # ruleid: hubguard.ctypes-shellcode
    return mmap.mmap(-1, size, prot=7)


def python_callback(handler):
    # ok: hubguard.ctypes-shellcode
    callback_type = ctypes.CFUNCTYPE(None, ctypes.c_int)
    return callback_type(handler)


def map_weights(handle, size):
    # ok: hubguard.ctypes-shellcode
    return mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ)
