"""cbam-exchange: read, check and recompute EU CBAM supplier submissions."""

__version__ = "0.1.0"
