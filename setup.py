"""Build the compiled kernels; CMCORE_NO_EXTENSIONS=1 installs the pure-Python twins only."""

import os

from setuptools import Extension, setup

if os.environ.get("CMCORE_NO_EXTENSIONS", "") not in ("", "0"):
    ext_modules = []
else:
    import lxml
    from Cython.Build import cythonize

    ext_modules = cythonize(
        [Extension("cmcore._segment", ["cmcore/_segment.pyx"]),
         Extension("cmcore._wire", ["cmcore/_wire.pyx"]),
         Extension("cmcore._numbers", ["cmcore/_numbers.pyx"]),
         Extension("cmcore._screen", ["cmcore/_screen.pyx"]),
         Extension("cmcore._septets", ["cmcore/_septets.pyx"]),
         Extension("cmcore._rows", ["cmcore/_rows.pyx"]),
         # reads lxml's tree through lxml's public C API: built against lxml's own headers
         Extension("cmcore._xmltree", ["cmcore/_xmltree.pyx"], include_dirs=lxml.get_include())],
        compiler_directives={"language_level": "3"},
    )

setup(ext_modules=ext_modules)
