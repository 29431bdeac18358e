"""The Textual face of mops. Calls services; never touches SQLAlchemy."""
