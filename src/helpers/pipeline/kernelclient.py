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

import time
from queue import Empty

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type


class OnceReadyClient(AsyncKernelClient):
    """A kernel client whose channels start once and which waits for the kernel once.

    Ready means the kernel answered a kernel_info request and its broadcast channel delivered the
    `idle` status of that same request: both channels are connected and nothing earlier is left
    to read. (jupyter_client's own wait then listens until the channel has been quiet for 0.2 s.)
    """

    _ready = False

    def start_channels(self, *args, **kwargs) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else 60)
        while not self._ready:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the kernel did not answer in {timeout} seconds")
            request = self.kernel_info()
            try:
                await self._reply_to(request, deadline)
                await self._idle_after(request)
            except Empty:
                if not await self._async_is_alive():
                    raise RuntimeError("the kernel died before it answered") from None
                continue  # not connected yet (a broadcast sent before we listened is lost): ask again
            self._ready = True

    async def _reply_to(self, request: str, deadline: float) -> None:
        while True:
            message = await self.shell_channel.get_msg(timeout=max(0.05, min(1.0, deadline - time.monotonic())))
            if message["parent_header"].get("msg_id") == request:
                return

    async def _idle_after(self, request: str) -> None:
        while True:
            message = await self.iopub_channel.get_msg(timeout=0.1)  # it follows the reply at once, if connected
            if message["parent_header"].get("msg_id") == request and message["msg_type"] == "status" \
                    and message["content"].get("execution_state") == "idle":
                return


class OneClientKernelManager(AsyncKernelManager):
    """A kernel manager whose `client()` is always the same client, connected on first use, and
    whose kernel starts through kernel_launcher.py (ipykernel without its debugger)."""

    client_factory = Type(OnceReadyClient, klass=AsyncKernelClient)
    _client: OnceReadyClient | None = None

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None and "ipykernel_launcher" in spec.argv:
            spec = KernelSpec(**{**spec.to_dict(), "argv": [
                "helpers.pipeline.kernel_launcher" if part == "ipykernel_launcher" else part for part in spec.argv]})
            self._kernel_spec = spec
        return spec

    def client(self, **kwargs) -> OnceReadyClient:
        if self._client is None:
            self._client = super().client(**kwargs)
            self._client.start_channels()
            self._client.allow_stdin = False  # a notebook that asks for input fails instead of waiting
        return self._client

    async def _async_wait(self, pollinterval: float = 0.005) -> None:
        """Wait for a killed kernel to end, looking every 5 ms (jupyter_client looks every 100 ms,
        and a killed kernel is gone in a few)."""
        await super()._async_wait(pollinterval=pollinterval)

    def close_client(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
