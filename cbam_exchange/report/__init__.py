"""The verification-report draft: HTML from jinja2 templates, PDF/A-3 by WeasyPrint, evidence attached by pikepdf."""
