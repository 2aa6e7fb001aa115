"""Feeds: a delivery from the inbox to typed, pseudonymised, checked frames.

``contracts`` (every feed's files, columns, kinds, code lists and keys, as data), ``land``
(immutable raw copies and the manifest), ``reading`` (decode, shape, column names),
``parsing`` (dates, numbers, flags, codes), ``stage/`` (one module a feed: typing,
cross-row checks, pseudonymisation), ``identifiers`` and ``pseudonymise`` (UPN, ULN, NHS
number), ``suites`` (the Great Expectations suites, generated) and ``validate`` (runs a
suite and words each failure for people).  Nothing here writes to the warehouse.
"""
