"""Build hook (the project is configured in pyproject.toml): the wheel carries the report notebooks.

`notebooks/*.ipynb` at the top of the checkout is the one copy of each report notebook (consultants open
that folder in JupyterLab, `tools/make_notebooks.py` writes it). A built wheel gets a copy of them as
`ccanalysis/notebooks/`, where `config.notebooks_dir()` finds them in a non-editable install; an editable
install reads `notebooks/` in place.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path("notebooks")


class BuildPyWithNotebooks(build_py):
    """`build_py` that also copies `notebooks/*.ipynb` into the built package's `notebooks/` folder."""

    def _notebook_targets(self) -> list[tuple[Path, Path]]:
        target = Path(self.build_lib) / "ccanalysis" / "notebooks"
        return [(source, target / source.name) for source in sorted(NOTEBOOKS.glob("*.ipynb"))]

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        targets = self._notebook_targets()
        if not targets:
            raise SystemExit(f"no report notebooks in {NOTEBOOKS.resolve()}: the wheel would have none")
        for source, target in targets:
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(target) for _, target in self._notebook_targets()]


setup(cmdclass={"build_py": BuildPyWithNotebooks})
