"""The API contract: request and response schemas, and the OpenAPI document built from them."""
