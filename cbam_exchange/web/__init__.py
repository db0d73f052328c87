"""`cbam serve`: a small web application where a producer drops a filled template and sees what to fix.

The app (Starlette, served by uvicorn) only renders; the work happens in worker processes (`analysis.py`) that read,
validate and write in a private temporary folder removed afterwards, under a time limit per file.
"""
