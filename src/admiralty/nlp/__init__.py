"""Per-article stages, in flow order: language, (parse), entities, attribution, claims,
check-worthiness, techniques, markers, sourcing. Each is a pure function of one article and its
spaCy ``Doc``, declared with ``@stage`` (see ``admiralty.pipeline``)."""
