"""The WSGI entry point for gunicorn: `service.wsgi:app`."""
from service.app import create_app
from service.settings import load_settings

app = create_app(load_settings())
