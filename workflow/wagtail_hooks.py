from workflow import compliance_hooks  # noqa: F401
