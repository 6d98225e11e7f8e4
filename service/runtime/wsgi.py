"""The WSGI entry point: `service.runtime.wsgi:app`, served by granian (service/runtime/server.py)."""
from service.app import create_app
from service.runtime.settings import load_settings

app = create_app(load_settings())
