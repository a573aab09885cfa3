import logging
import os
import pty
import subprocess

logger = logging.getLogger(__name__)


def on_import():
    # ruleid: hubguard.shell-command-constant
    os.system("id > /tmp/hubguard-never")


def popen_probe():
    # ruleid: hubguard.shell-command-constant
    return os.popen("uname -a").read()


def shell_true(command):
    # ruleid: hubguard.shell-command
    subprocess.run(command, shell=True, check=False)


def placeholder_first(payload):
    # ruleid: hubguard.shell-command
    os.system("{} > /dev/null".format(payload))


def placeholder_first_f_string(payload):
    # ruleid: hubguard.shell-command
    os.system(f"{payload}")


def interactive():
    # ruleid: hubguard.shell-command
    pty.spawn("/bin/sh")


def obfuscated():
    # ruleid: hubguard.shell-command
    __import__("os").system("true")


def compile_kernel(source_code, kernel_file):
    compile_command = "gcc -O3 -fPIC -pthread -fopenmp -std=c99 {} -shared -o {}".format(source_code, kernel_file)
    logger.info("Compiling %s", compile_command)
    # ok: hubguard.shell-command
    # ruleid: hubguard.shell-command-constant
    exit_state = os.system(compile_command)
    return exit_state


def compile_with_f_string(source, target):
    # ok: hubguard.shell-command
    # ruleid: hubguard.shell-command-constant
    return subprocess.check_call(f"nvcc -O3 {source} -o {target}", shell=True)


def cache_dir():
    # ok: hubguard.shell-command, hubguard.shell-command-constant
    path = os.path.join(os.path.expanduser("~"), ".cache", "model")
    logger.info("using %s", path)
    return path
