"""One kernel client per run: a kernel manager that hands the same connected client to every notebook.

papermill runs each notebook through an nbclient `NotebookClient`, which asks the kernel manager
for a client, starts its channels and waits until the kernel is ready; that wait ends by listening
to the kernel's broadcast channel until it has been quiet for 0.2 s, a fixed cost for every
notebook and every reset. Here the manager creates one client, the first time it is asked;
starting its channels again does nothing, and it waits for the kernel once. nbclient leaves a
client it did not create running (the run owns the kernel manager), and the run closes it before
it shuts the kernel down.

Imported only when a notebook runs, so that a run with nothing to do never imports jupyter_client.
"""

from __future__ import annotations

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type


class OnceReadyClient(AsyncKernelClient):
    """A kernel client whose channels start once and which waits for the kernel once."""

    _ready = False

    def start_channels(self, *args, **kwargs) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        if not self._ready:
            await self._async_wait_for_ready(timeout=timeout)
            self._ready = True


class OneClientKernelManager(AsyncKernelManager):
    """A kernel manager whose `client()` is always the same client, connected on first use."""

    client_factory = Type(OnceReadyClient, klass=AsyncKernelClient)
    _client: OnceReadyClient | None = None

    def client(self, **kwargs) -> OnceReadyClient:
        if self._client is None:
            self._client = super().client(**kwargs)
            self._client.start_channels()
            self._client.allow_stdin = False  # a notebook that asks for input fails instead of waiting
        return self._client

    def close_client(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
