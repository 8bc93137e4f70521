"""The consistency guard: who and what a question is about, and whether its answer agrees
with the answers already given (recognition, checks, ledger)."""
