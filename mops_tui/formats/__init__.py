"""Pure readers and writers: bytes in, rows out (and back). Never opens a session."""
