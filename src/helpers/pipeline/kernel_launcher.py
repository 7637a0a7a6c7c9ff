"""The runner's kernel: ipykernel's own launcher, without its debugger, with the notebooks'
imports done before it answers.

- ipykernel imports debugpy at start-up (0.07-0.15 s) so that Jupyter's visual debugger can
  attach; nothing attaches to a kernel that runs a pipeline's notebooks. Declaring debugpy
  absent makes ipykernel skip it, exactly as when debugpy is not installed.
- `--preload=pandas,helpers.audit.clean,…` (the modules the run's notebooks import, read from
  their code by kernel.notebook_imports) are imported while the runner is still starting, so the
  notebooks' import cells find them loaded; a module that fails to import here is left for its
  notebook to import, and fail on, in plain sight. Then everything loaded so far is frozen out
  of the garbage collector's sight (gc.freeze): modules live as long as the kernel, and each
  later collection scans only what the notebooks make (a full collection of pandas, matplotlib
  and IPython cost 0.05-0.2 s, and the reset between notebooks runs one).

JupyterLab's kernels (make lab) are started by ipykernel_launcher as usual and keep their debugger.

    python -m helpers.pipeline.kernel_launcher -f <connection file> [--preload=a,b,…]
"""

import sys

PRELOAD = "--preload="


def preload(modules: list[str]) -> None:
    import gc
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the notebook that imports it reports the failure
            pass
    gc.freeze()


if __name__ == "__main__":
    sys.modules.setdefault("debugpy", None)
    modules = [m for arg in sys.argv if arg.startswith(PRELOAD) for m in arg[len(PRELOAD):].split(",") if m]
    sys.argv = [arg for arg in sys.argv if not arg.startswith(PRELOAD)]
    preload(modules)
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()
