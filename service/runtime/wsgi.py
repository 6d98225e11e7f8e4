"""The WSGI entry point for gunicorn: `service.runtime.wsgi:app`."""
from service.app import create_app
from service.runtime.settings import load_settings

app = create_app(load_settings())
