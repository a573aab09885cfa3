import builtins

import torch
from torch import nn


def run_config_expression(config):
    # ruleid: hubguard.exec-dynamic-code
    return eval(config.activation)


def run_file(path):
    with open(path) as handle:
        # ruleid: hubguard.exec-dynamic-code
        exec(handle.read(), {})


def run_builtin(source):
    # ruleid: hubguard.exec-dynamic-code
    builtins.exec(source)


def hidden_builtin(source):
    # ruleid: hubguard.exec-dynamic-code
    getattr(builtins, "exec")(source)


def constant_expression():
    # ok: hubguard.exec-dynamic-code
    return eval("1 + 2")


class Block(nn.Module):
    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.proj = nn.Linear(hidden_size, hidden_size)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return self.proj(hidden_states)


def inference(model: Block, batch: torch.Tensor) -> torch.Tensor:
    # ok: hubguard.exec-dynamic-code
    model.eval()
    return model(batch)
