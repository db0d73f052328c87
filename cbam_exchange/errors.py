"""Errors that end a command with a documented exit code: 0 done and nothing wrong, 1 done with findings of
severity error, 2 input unreadable or usage error, 3 internal error."""

from __future__ import annotations

EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


class UnreadableInput(Exception):
    """The input cannot be read as a submission; the CLI prints the message and exits with code 2."""

    def __init__(self, file: str, problem: str, *, location: str | None = None,
                 found: str | None = None, expected: str | None = None) -> None:
        self.file = file
        self.problem = problem
        self.location = location
        self.found = found
        self.expected = expected
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f"{self.file}" + (f" [{self.location}]" if self.location else "")
        parts = [f"{where}: {self.problem}"]
        if self.found is not None:
            parts.append(f"found: {self.found}")
        if self.expected is not None:
            parts.append(f"expected: {self.expected}")
        return "; ".join(parts)
