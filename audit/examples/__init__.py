"""The examples stage: discover runnable blocks, run them sandboxed and cached.

One door: :func:`audit.examples.runner.run_examples`.
"""
