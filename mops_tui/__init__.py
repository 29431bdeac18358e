"""mops: the terminal workbench of a marketing-operations team."""

__version__ = "0.1.0"
