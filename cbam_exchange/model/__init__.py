"""The canonical model of a CBAM submission."""
