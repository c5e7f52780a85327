"""Only for the optional C extension; the project's metadata is in pyproject.toml.

`optional=True`: without a C compiler the install still succeeds and the scorer uses its
pure-Python path (same results, slower; tests/sentiment/test_speedups.py says which is in use).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "care_monitor.sentiment._speedups",
            sources=["care_monitor/sentiment/_speedups.c"],
            # VADER's arithmetic must round exactly as Python's floats do: no fused multiply-add
            extra_compile_args=["-ffp-contract=off"],
            optional=True,
        )
    ]
)
