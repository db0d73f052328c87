"""Writers turn the canonical model into files (JSON exchange format, the official template)."""
