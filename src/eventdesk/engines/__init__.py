"""Where the pipeline runs. ``local`` (:class:`eventdesk.app.LocalEngine`) is this process;
:mod:`.raydata` runs it on Ray Data, on this machine or on a cluster (the ``ray`` extra).

Both plug into the same batch loop (:func:`eventdesk.app.process`): articles are claimed from
the store, turned into documents by the engine, and saved (with their stories) by the driver,
so incremental processing, claims and linking behave the same whichever engine runs.
"""

from __future__ import annotations
