"""The web console (docs/console.md): pages served beside the archive's search API, fed
live by a read_committed consumer through server-sent events."""
