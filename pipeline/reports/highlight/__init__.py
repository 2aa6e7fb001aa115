"""The monthly highlight report, one module a part: ``report`` (the whole report, its context and PDF),
``blocks`` (what pages are built from), ``cover`` (cover and headline summary), ``ehcp``,
``outcomes``, ``therapies`` and ``appendices``. The SPC, OBA, programme and benchmark sections
are shared with the stocktake and live one folder up.
"""
