"""The runner's kernel: ipykernel's own launcher, without its debugger.

ipykernel imports debugpy at start-up (0.15 s of a kernel's 0.4 s) so that Jupyter's visual
debugger can attach; nothing attaches to a kernel that runs a pipeline's notebooks. Declaring
debugpy absent makes ipykernel skip it, exactly as when debugpy is not installed. JupyterLab's
kernels (make lab) are started by ipykernel_launcher as usual and keep their debugger.

    python -m helpers.pipeline.kernel_launcher -f <connection file>
"""

import sys

if __name__ == "__main__":
    sys.modules.setdefault("debugpy", None)
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()
