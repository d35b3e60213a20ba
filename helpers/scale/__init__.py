"""The same algorithm beyond one NumPy array (notebooks 14 and 15): ``distributed`` runs the Lloyd
step on a Dask cluster (needs ``pip install -e ".[dask]"``), ``array_api`` on any array
library with the Python array API (PyTorch and CuPy, on a GPU too)."""
