"""Build the compiled kernel; CMCORE_NO_EXTENSIONS=1 installs the pure-Python twin only."""

import os

from setuptools import Extension, setup

if os.environ.get("CMCORE_NO_EXTENSIONS", "") not in ("", "0"):
    ext_modules = []
else:
    from Cython.Build import cythonize

    ext_modules = cythonize(
        [Extension("cmcore._segment", ["cmcore/_segment.pyx"])],
        compiler_directives={"language_level": "3"},
    )

setup(ext_modules=ext_modules)
