"""What the commands write: files (atomic, injection-safe), terminal tables and JSON."""
