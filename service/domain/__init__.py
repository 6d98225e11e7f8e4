"""The rules of the platform: accounts, sessions, authentication, throttling and password policy."""
