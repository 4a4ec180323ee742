"""dibao: minimum living guarantee (低保) roster checks, assessment and paperwork."""

__version__ = "0.1.0"
