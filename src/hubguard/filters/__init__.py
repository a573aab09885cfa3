"""Filters between the scan and the report: suppression comments (``suppressions``), a baseline of accepted
findings (``baseline``), and changed lines since a ref (``changed_lines``)."""
