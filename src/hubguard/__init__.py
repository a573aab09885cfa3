"""hubguard: find model-hub loads that run somebody else's code."""

__version__ = "0.1.0"
