"""Reports: what people read, and the pack folder they find it in.

``highlight/`` (the monthly highlight report, one module a part) and ``stocktake`` (the
quarterly stocktake); the sections both use: ``spc_pack``, ``oba_pack``,
``programme_pack``, ``benchmarks``; the charts (``charts``, ``spc_chart``,
``curve_chart``); ``formatting`` (numbers as shown: rounding, suppression, direction),
``history`` (a window of measure rows), ``pdf`` (templates to a tagged PDF); and
``quality`` (the validation report) and ``publish`` (the pack folder, index and manifest);
``places`` (every area side by side, for a deployment of several areas); and what the public
reads: ``public/`` (the public site) and ``easy_read`` (the Easy Read page and PDF).
"""
