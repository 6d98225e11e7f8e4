"""Running the service: settings, logging, the WSGI entry point and the server's configuration."""
