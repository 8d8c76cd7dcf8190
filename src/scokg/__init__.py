"""scokg: a knowledge graph of Kazakhstan's SCO chairmanship priorities, and its publisher."""

__version__ = "0.1.0"
