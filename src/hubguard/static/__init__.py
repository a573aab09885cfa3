"""Static pass: find risky model loads in the consumer's own code (the entry point is ``engine``)."""
