"""wbtui: a terminal UI and async client for Weights & Biases servers."""

__version__ = "0.1.0"
