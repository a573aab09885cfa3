# corpus-rows: A1 B1
"""Documentation that mentions loaders in prose only.

Example::

    model = AutoModel.from_pretrained("org/model", trust_remote_code=True)
    state = torch.load("x.pt")
"""

# torch.load("checkpoint.pt") is deliberately not called here.
# pickle.loads(blob) would be unsafe.


def describe() -> str:
    """Return the explanation shown in the UI: AutoModel.from_pretrained("x", trust_remote_code=True)."""
    return "use safetensors"  # expect-clean
