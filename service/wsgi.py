"""The WSGI entry point: `service.wsgi:app`, served by granian (service/server.py)."""
from service.app import create_app
from service.settings import load_settings

app = create_app(load_settings())
