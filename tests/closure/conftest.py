from __future__ import annotations

from tests.fakehub.fixtures import fake_hub, isolated_hf_env

__all__ = ["fake_hub", "isolated_hf_env"]
