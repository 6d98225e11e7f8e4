"""The request body limit: the service's default (MAX_BODY_BYTES), the 413 its OpenAPI document
promises, and nginx's client_max_body_size in front of it all come from here.

It imports nothing, so the nginx image's config stage can copy it alone.
"""

DEFAULT_MAX_BODY_BYTES = 64 * 1024
