"""REST adapter over the Kafka core: Flask routes served by waitress in a thread."""
