"""One module per implementation family; :mod:`bench.impls.base` says what each provides."""
