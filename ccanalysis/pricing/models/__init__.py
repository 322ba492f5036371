"""The charge models, one module each; importing this package imports every module here, and each
registers ONE `ChargeModel` record (its function, keys, validation and line display).

To add a model: one new module in this folder ending in `register(ChargeModel(...))`, and its tests.
"""

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
