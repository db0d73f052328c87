"""IR (EU) 2025/2547 Annex IV: which definitive-period elements a submission holds, and the operator's emissions
report and summary built from a submission, its recomputation and its free allocation."""
