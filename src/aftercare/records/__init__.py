"""What every app that keeps records needs, owned by no domain app.

Gap-free register numbers (``registers``), amendments that keep the original (``amendments``)
and inserting many rows with their history (``bulk``, for imports and campaigns). Domain errors
and their ``Errors`` accumulator live in ``aftercare.errors``, which the API's error handlers
also read; who may act where is ``org.access``.
"""
