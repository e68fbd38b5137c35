"""Search backends behind one interface: embedded (default) and Elasticsearch."""
