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
