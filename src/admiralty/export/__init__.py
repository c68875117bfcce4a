"""Writers at the edge: the canonical JSON document, typed JSON Lines, and the HTML report."""
