"""The write flow: forms, form data, writes, originals, integrity errors, inlines."""
