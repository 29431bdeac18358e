"""Screens: one per mode, plus the modal pickers, forms and help."""
